"""Open answers coded into themes: keyword coding, shares per area with disclosure control, codebook errors, and
the synthetic demo answers (their own random stream: the other answers are unchanged)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kansenmonitor.core.errors import DefinitionError
from kansenmonitor.surveys import disclosure as dc
from kansenmonitor.surveys import repository as repo
from kansenmonitor.surveys import themes
from kansenmonitor.surveys.codebook import Theme, parse_codebook
from kansenmonitor.surveys.importer import import_survey

from .conftest import CODEBOOK

THEMES = [{"id": "gezondheid", "label": "Gezondheid", "keywords": ["gezond", "ziek"]},
          {"id": "geld", "label": "Geen geldzorgen", "keywords": ["geld", "rondkom"]}]


def test_keyword_coding():
    ts = (Theme("gezondheid", "Gezondheid", "", ("gezond", "ziek")), Theme("geld", "Geld", "", ("geld",)))
    out = themes.code(["Gezond blijven en GELD genoeg", "niet ziek zijn", "Op vakantie", "", None,
                       "Géén geldzorgen"], ts)
    assert out.tolist() == [[True, True, False], [True, False, False], [False, False, True],
                            [False, False, False], [False, False, False], [False, True, False]]


def test_codebook_themes_are_checked():
    bad = dict(CODEBOOK, items=[{"id": "open", "question": "Wat?", "type": "categorical", "capital": "persoon",
                                 "categories": {1: "a", 2: "b"}, "themes": THEMES}])
    with pytest.raises(DefinitionError) as exc:
        parse_codebook(bad)
    assert any("open vraag" in str(i) for i in exc.value.issues)
    bad = dict(CODEBOOK, items=[{"id": "open", "question": "Wat?", "type": "text", "capital": "persoon",
                                 "themes": [{"id": "x", "label": "X", "keywords": []}]}])
    with pytest.raises(DefinitionError, match="niet geldig"):
        parse_codebook(bad)


def _store(survey_monitor, tmp_path, sizes):
    book = dict(CODEBOOK, items=[{"id": "open", "question": "Wat is een goed leven?", "type": "text",
                                  "capital": "persoon", "themes": THEMES}])
    rng = np.random.default_rng(2)
    rows, texts = [], []
    for bu, n in sizes.items():
        for _ in range(n):
            t = rng.choice(["gezond zijn", "genoeg geld", "gezond en geld", "vakantie", ""], p=[.35, .25, .1, .15, .15])
            rows.append({"resp": f"R{len(rows):04d}", "buurt": bu, "w": round(float(rng.uniform(0.5, 2)), 3),
                         "open": t})
            texts.append(t)
    path = tmp_path / "open.csv"
    pd.DataFrame(rows).to_csv(path, sep=";", index=False)
    import_survey(survey_monitor, path, parse_codebook(book))
    return repo.wave(survey_monitor, "test_enquete"), pd.DataFrame(rows)


def test_theme_shares_with_disclosure(survey_monitor, tmp_path):
    sizes = {"BU99990101": 120, "BU99990102": 90, "BU99990103": 12, "BU99990201": 80, "BU99990202": 100}
    w, data = _store(survey_monitor, tmp_path, sizes)
    rows = themes.theme_shares(survey_monitor, w)
    assert {r.theme for r in rows} == {"gezondheid", "geld", themes.OTHER}
    answered = data[data["open"].fillna("").str.strip() != ""]
    g = next(r for r in rows if r.area == "GM9999" and r.theme == "gezondheid")
    named = answered["open"].str.contains("gezond")
    expected = 100 * (answered["w"] * named).sum() / answered["w"].sum()
    assert g.share == pytest.approx(round(expected, 1)) and g.respondents == len(answered)
    assert g.lower < g.share < g.upper
    small = [r for r in rows if r.area == "BU99990103"]
    assert small and all(r.share is None and r.respondents is None and r.reason for r in small)
    for r in rows:
        if r.share is not None:
            sel = answered[answered["buurt"].isin(
                {"GM9999": set(sizes), "WK999901": {"BU99990101", "BU99990102", "BU99990103"},
                 "WK999902": {"BU99990201", "BU99990202"}, "GB-TEST": {"BU99990101", "BU99990201"}}.get(
                    r.area, {r.area}))]
            x = {"gezondheid": sel["open"].str.contains("gezond"), "geld": sel["open"].str.contains("geld"),
                 themes.OTHER: sel["open"] == "vakantie"}[r.theme]
            assert len(sel) >= 30 and x.sum() >= 10 and len(sel) - x.sum() >= 10, r
    # the wijk minus its two shown buurten would give the small one away: a second cell is withheld
    for t in ("gezondheid", "geld"):
        by = {r.area: r for r in rows if r.theme == t}
        assert by["WK999901"].share is None or by["BU99990101"].share is None or by["BU99990102"].share is None
    assert any(r.reason == dc.SECONDARY for r in rows)


def test_no_themes_is_a_clear_error(survey_monitor, codebook_file, tmp_path):
    from kansenmonitor.surveys.codebook import load_codebook

    from .conftest import respondents

    path = tmp_path / "a.csv"
    respondents({"BU99990101": 40}).to_csv(path, index=False)
    import_survey(survey_monitor, path, load_codebook(codebook_file))
    with pytest.raises(themes.NoThemesError, match="open vraag"):
        themes.theme_shares(survey_monitor, repo.wave(survey_monitor))


def test_demo_codebook_and_synthetic_answers(data_dir):
    from kansenmonitor.surveys import synth
    from kansenmonitor.surveys.codebook import load_codebook

    cb = load_codebook(synth.codebook_path())
    (it,) = themes.items(cb)
    assert it.id == "kwaliteit_van_leven" and len(it.themes) == 6
    syn = synth.generate(data_dir, n=3000, seed=5)
    texts = syn.survey["kwaliteit_van_leven"]
    assert 0.55 < (texts != "").mean() < 0.75
    coded = themes.code(list(texts), it.themes)
    answered = coded.any(axis=1)
    assert answered.sum() == (texts != "").sum()
    # every phrase of a theme is coded into that theme (the keywords and phrases agree)
    for tid, phrases in synth.PHRASES.items():
        for ph in phrases:
            row = themes.code([ph], it.themes)[0]
            if tid == themes.OTHER:
                assert row[-1], ph
            else:
                assert row[[t.id for t in it.themes].index(tid)] and row[:-1].sum() == 1, ph
    # health is named more often in the class with the least person capital than in the one with the most
    health = coded[:, 0]
    assert health[syn.truth == 6].mean() > health[syn.truth == 1].mean()
