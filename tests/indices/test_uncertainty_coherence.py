"""Monte Carlo ranks, sensitivity and the coherence report."""

from __future__ import annotations

import json

import numpy as np
import pytest
from index_helpers import make_definition, make_inputs

from kansenmonitor.indices import coherence, compute_index, point_rank_label, rank_label, uncertainty
from kansenmonitor.indices import methods as m
from kansenmonitor.indices.coherence import cronbach_alpha
from kansenmonitor.indices.compute import Engine
from kansenmonitor.indices.definition import STEP_KEYS, Steps


def test_seeded_and_reproducible(urgentie, enschede_urgentie):
    a = uncertainty(urgentie, enschede_urgentie, draws=60, seed=7)
    b = uncertainty(urgentie, enschede_urgentie, draws=60, seed=7)
    assert a.ranks.equals(b.ranks)
    scored = a.ranks.dropna(subset=["median_rank"])
    assert (scored["rank_low"] <= scored["median_rank"]).all() and (scored["median_rank"] <= scored["rank_high"]).all()
    assert scored["label"].str.fullmatch(r"rang \d+ \(\d+–\d+\)").all()
    assert a.most_influential in set(STEP_KEYS) | {"theme_weights"}
    json.dumps(a.to_dict())


def test_vectorised_draws_equal_one_by_one(urgentie, enschede_urgentie):
    """The batched Monte Carlo gives the same ranks as computing each draw on its own."""
    u = uncertainty(urgentie, enschede_urgentie, draws=25, seed=3, keep_draws=True)
    engine = Engine(urgentie, enschede_urgentie)
    rng = np.random.default_rng(3)
    varied = [s for s in STEP_KEYS if len(urgentie.alternatives.get(s, ())) > 1]
    idx = {s: rng.integers(0, len(urgentie.alternatives[s]), size=25) for s in varied}
    W = engine.layout.theme_range[:, 0] + (engine.layout.theme_range[:, 1] - engine.layout.theme_range[:, 0]) * \
        rng.random((25, engine.M))
    W = W / W.sum(axis=1, keepdims=True)
    tgt = engine.target_idx[engine.scorable[engine.target_idx]]
    for d in range(25):
        st = Steps(**{**{k: urgentie.steps.get(k) for k in STEP_KEYS},
                      **{s: urgentie.alternatives[s][idx[s][d]] for s in varied}})
        one = Engine(urgentie, enschede_urgentie)
        w = W[d] if st.weights == "expert" else one.theme_weights(st.weights)
        S = one.scores(st, w[None, :])[tgt, 0]
        assert np.array_equal(m.ranks_desc(S), u.rank_draws[:, d])


def test_no_alternatives_means_no_spread():
    d = make_definition([{"id": "a", "indicators": [{"id": "i1", "polarity": "higher_is_worse"}]}])
    u = uncertainty(d, make_inputs({"i1": [3.0, 1.0, 2.0]}), draws=10, seed=1)
    assert list(u.ranks["label"]) == ["rang 1 (1–1)", "rang 3 (3–3)", "rang 2 (2–2)"]
    assert u.sensitivity.empty and u.most_influential is None


def test_rank_label_never_bare():
    assert rank_label(3, 2, 6) == "rang 3 (2–6)"
    assert rank_label(None, None, None) == "geen rang"


def test_point_rank_label_keeps_the_point_and_the_interval():
    # the CLI shows the rank of the score itself; the interval is over the draws and may leave the point outside
    assert point_rank_label(1.0, 2.0, 6.0) == "rang 1 (2–6)"
    assert point_rank_label(4.0, 1.0, 9.0, "en") == "rank 4 (1–9)"
    assert point_rank_label(float("nan"), 1.0, 2.0) == "geen rang"
    assert point_rank_label(2.0, float("nan"), float("nan")) == "rang 2"


def test_cronbach_alpha_two_items():
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    y = x + rng.normal(size=400)
    r = np.corrcoef(x, y)[0, 1]
    assert cronbach_alpha(np.column_stack([x, y])) == pytest.approx(2 * r / (1 + r), abs=1e-12)


def test_coherence_flags_wrong_way_and_useless():
    rng = np.random.default_rng(1)
    base = rng.normal(size=200)
    vals = {"a1": base + 0.3 * rng.normal(size=200), "a2": base + 0.3 * rng.normal(size=200),
            "a5": base + 0.3 * rng.normal(size=200), "a6": base + 0.3 * rng.normal(size=200),
            "a3": -base + 0.3 * rng.normal(size=200), "a4": rng.normal(size=200)}
    d = make_definition([{"id": "t", "indicators": [{"id": k, "polarity": "higher_is_worse"} for k in vals]}])
    c = coherence(d, make_inputs(vals))
    kinds = {f["indicator"]: f["kind"] for f in c.flags}
    assert kinds == {"a3": "wijst de verkeerde kant op", "a4": "voegt weinig toe"}
    out = json.loads(json.dumps(c.to_dict()))
    assert set(out) >= {"alpha", "indicators", "correlations", "theme_correlations", "loadings", "flags"}
    assert c.loadings.shape[0] == 6


def test_coherence_on_real_data(urgentie, enschede_urgentie):
    c = coherence(urgentie, enschede_urgentie)
    assert c.alpha["gezondheid"] > 0.7 and c.alpha["inkomen"] > 0.7
    assert np.isnan(c.alpha["veiligheid"])  # one indicator: not measurable, and said so
    assert any("misdrijven_per_1000" in n for n in c.notes)


def test_result_frames(urgentie, enschede_urgentie):
    r = compute_index(urgentie, enschede_urgentie)
    f = r.to_frame()
    assert {"score", "rank", "coverage", "reason", "inwoners", "thema:inkomen"} <= set(f.columns)
    assert r.normalised.shape == (len(f), 14)  # 14 of the 20 SIA indicators have data (4 from the PC4 figures)
