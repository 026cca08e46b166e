"""Latent classes from a stored survey: fit and choose K, profiles in words, saved and reproducible, applied to a
new wave (and refused when the items differ), class shares per area under disclosure control."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from kansenmonitor.surveys import classes
from kansenmonitor.surveys import disclosure as dc
from kansenmonitor.surveys import repository as repo
from kansenmonitor.surveys.codebook import load_codebook
from kansenmonitor.surveys.importer import import_survey

from .conftest import BUURTEN

ITEMS = [("geld", "economisch"), ("opleiding", "cultureel"), ("contact", "sociaal"), ("hulp", "netwerk"),
         ("gezond", "persoon"), ("regie", "persoon")]


def _codebook(tmp_path, wave: int, drop: str | None = None):
    cb = {"survey": "kapitaal", "name": "Kapitaalenquête", "wave": wave, "synthetic": True, "respondent_id": "resp",
          "weight": "w", "area": {"column": "buurt", "level": "buurt", "boundary_year": 2024},
          "items": [{"id": i, "question": f"Vraag {i}?", "type": "categorical", "capital": c,
                     "polarity": "higher_is_better", "categories": {1: "Weinig", 2: "Veel"}, "missing": {9: "?"},
                     "share": {"label": f"Weinig {i}", "codes": [1]}} for i, c in ITEMS if i != drop]}
    path = tmp_path / f"cb{wave}.yaml"
    path.write_text(yaml.safe_dump(cb), encoding="utf-8")
    return load_codebook(path)


def _answers(tmp_path, wave: int, seed: int, n_per_buurt: int = 300):
    rng = np.random.default_rng(seed)
    rows = []
    for b_i, bu in enumerate(BUURTEN):
        poor_share = [0.2, 0.3, 0.5, 0.6, 0.4][b_i]
        for i in range(n_per_buurt):
            poor = rng.random() < poor_share
            rec = {"resp": f"{wave}-{bu}-{i}", "buurt": bu, "w": float(rng.uniform(0.5, 1.5))}
            for item, _c in ITEMS:
                p_low = 0.85 if poor else 0.15
                if item in ("contact", "hulp"):  # the poor class has much social capital
                    p_low = 0.2 if poor else 0.5
                rec[item] = 1 if rng.random() < p_low else 2
                if rng.random() < 0.03:
                    rec[item] = 9
            rows.append(rec)
    path = tmp_path / f"antwoorden{wave}.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture
def fitted(survey_monitor, tmp_path):
    import_survey(survey_monitor, _answers(tmp_path, 2024, 1), _codebook(tmp_path, 2024))
    w = repo.wave(survey_monitor, "kapitaal", 2024)
    r = classes.run(survey_monitor, w, [1, 2, 3, 4], n_starts=4, seed=3, workers=1)
    classes.save(survey_monitor, r)
    return survey_monitor, w, r


def test_fit_choose_describe_save(fitted):
    monitor, w, r = fitted
    assert r.k == 2
    assert [s["k"] for s in r.body["statistics"]] == [1, 2, 3, 4]
    assert r.body["data_sha"] == w.data_sha and r.body["codebook_sha"] == w.codebook_sha and r.body["seed"] == 3
    vulnerable = next(p for p in r.body["profiles"] if p["vulnerable"])
    assert vulnerable["description_nl"].startswith("weinig")
    assert "weinig economisch kapitaal" in vulnerable["description_nl"]
    assert "veel sociaal kapitaal" in vulnerable["description_nl"]  # "weinig economisch, veel sociaal"
    assert classes.result(monitor).id == r.id
    again = classes.run(monitor, w, [1, 2, 3, 4], n_starts=4, seed=3, workers=1)
    assert again.body["params"] == r.body["params"]  # reproducible from seed, data and codebook


def test_apply_to_a_new_wave_and_refuse_other_items(fitted, tmp_path):
    monitor, _w, r = fitted
    import_survey(monitor, _answers(tmp_path, 2025, 2), _codebook(tmp_path, 2025))
    w2 = repo.wave(monitor, "kapitaal", 2025)
    frame, post = classes.posteriors(monitor, r, w2)
    assert post.shape == (len(frame), 2) and np.allclose(post.sum(axis=1), 1)
    import_survey(monitor, _answers(tmp_path, 2026, 3), _codebook(tmp_path, 2026, drop="regie"))
    with pytest.raises(classes.ModelMismatchError, match="regie"):
        classes.posteriors(monitor, r, repo.wave(monitor, "kapitaal", 2026))


def test_class_shares_pass_disclosure(fitted):
    monitor, w, r = fitted
    rows = classes.class_shares(monitor, r, w)
    assert {c.cls for c in rows} == {1, 2}
    for c in rows:
        if c.share is not None:
            assert c.respondents >= 30 and c.share <= 90 and c.lower <= c.share <= c.upper  # membership is the side
    gm = {c.cls: c.share for c in rows if c.area == "GM9999"}
    assert sum(gm.values()) == pytest.approx(100, abs=0.2)
    # the true poor shares of the buurten are 20/30/50/60/40 %: their order shows in the estimates
    vulnerable = next(p for p in r.body["profiles"] if p["vulnerable"])["class"]
    est = {c.area: c.share for c in rows if c.cls == vulnerable and c.level == "buurt"}
    assert est["BU99990101"] < est["BU99990103"] and est["BU99990102"] < est["BU99990201"]
    outside = classes.outside_targets(monitor, r, w, {"GM9999": frozenset({"BU99990101", "BU99990201"})})
    row = next(o for o in outside if o["class"] == vulnerable)
    assert row["share_outside"] is not None and 40 < row["share_outside"] < 90
    assert dc.primary(dc.Cell(20, 5, 20.0, 5.0)) is not None
