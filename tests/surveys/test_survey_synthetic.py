"""The synthetic demo survey: seeded, labelled synthetic, and its buurt shares match the real published
percentages (RIVM 2020, KWB) within sampling error."""

from __future__ import annotations

import numpy as np
import pytest

from kansenmonitor.surveys import synth
from kansenmonitor.surveys.codebook import load_codebook


@pytest.fixture(scope="module")
def syn(data_dir):
    return synth.generate(data_dir)


def test_seeded_and_labelled(syn, data_dir):
    assert 19000 <= len(syn.survey) <= 21000
    again = synth.generate(data_dir, n=3000, seed=7)
    assert again.survey.equals(synth.generate(data_dir, n=3000, seed=7).survey)
    assert not again.survey.equals(synth.generate(data_dir, n=3000, seed=8).survey)
    cb = load_codebook(syn.codebook_path)
    assert cb.synthetic and "synthetisch" in cb.title() and "Synthetisch" in cb.note
    assert set(cb.item_ids) <= set(syn.survey.columns)
    assert syn.survey["buurtcode"].str[2:6].isin({"0153", "0141", "0164"}).all()


@pytest.mark.parametrize("item", [k for k, v in synth.ITEMS.items() if v[2] is not None])
def test_buurt_shares_match_published_percentages(syn, item):
    _k, _load, (column, codes) = synth.ITEMS[item]
    s = syn.survey
    z = []
    for code, g in s.groupby("buurtcode"):
        g = g[g[item] != 9]
        if len(g) < 50:
            continue
        target = min(max(syn.buurten.set_index("code").at[code, column] / 100, 0.005), 0.995)
        y = g[item].isin(codes).to_numpy(float)
        wt = g["gewicht"].to_numpy()
        p = (wt * y).sum() / wt.sum()
        n_eff = wt.sum() ** 2 / (wt ** 2).sum()  # Kish
        z.append((p - target) / np.sqrt(target * (1 - target) / n_eff))
    z = np.array(z)
    assert len(z) > 100
    # about 5 % of buurten outside ±1.96 if the shares match within sampling error; a mismatch gives far more
    assert np.mean(np.abs(z) > 1.96) < 0.10, item
    assert abs(np.mean(z)) < 0.25, item


def test_weights_reproduce_the_adult_population(syn):
    s = syn.survey
    by_buurt = s.groupby("buurtcode")["gewicht"].sum()
    adults = syn.buurten.set_index("code")["adults"]
    assert np.allclose(by_buurt, adults.loc[by_buurt.index], rtol=1e-3)
