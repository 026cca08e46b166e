"""Ego-network indicators: equal to a plain weighted recomputation, and under the same disclosure rules as shares
(n >= 30 per area, cells >= 10, no group above 90 %, no differencing between nested areas or between classes)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kansenmonitor.surveys import classes, ego, estimate
from kansenmonitor.surveys import disclosure as dc
from kansenmonitor.surveys import repository as repo

SURVEY = "kansen_welzijn_demo"


@pytest.fixture(scope="module")
def demo(demo_monitor):
    w = repo.wave(demo_monitor, SURVEY)
    return demo_monitor, w, repo.microdata(demo_monitor, w), estimate.survey_areas(demo_monitor, w)


@pytest.fixture(scope="module")
def area_rows(demo):
    m, w, _, areas = demo
    return ego.area_indicators(m, w, areas=areas)


def _naive(frame: pd.DataFrame, members: frozenset[str], indicator: str) -> tuple[float, int]:
    """The indicator written out from the answers, without the module's code."""
    f = frame[frame["area"].isin(members)]
    if indicator == "grootte":
        ok = f["steun_aantal"].notna()
        y = f.loc[ok, "steun_aantal"]
    elif indicator == "niemand":
        ok = f["steun_aantal"].notna()
        y = (f.loc[ok, "steun_aantal"] == 0).astype(float)
    elif indicator == "diversiteit":
        cols = ["netwerk_hoogopgeleid", "netwerk_herkomst", "netwerk_leeftijd"]
        ok = f[cols].notna().all(axis=1)
        y = (f.loc[ok, cols] == 2).sum(axis=1).astype(float)
    elif indicator == "overbruggend":
        ok = f["netwerk_herkomst"].notna() & f["netwerk_leeftijd"].notna()
        g = f[ok]
        y = ((g["netwerk_herkomst"] == 2) | (g["netwerk_leeftijd"] == 2)
             | ((g["netwerk_hoogopgeleid"] == 2) & g["opleiding"].notna() & (g["opleiding"] != 3))).astype(float)
    else:
        ok = f[indicator].notna()
        y = (f.loc[ok, indicator] == 2).astype(float)
    wt = f.loc[ok, "weight"]
    return float((wt * y).sum() / wt.sum()), int(ok.sum())


def test_indicators_equal_a_naive_weighted_recomputation(demo, area_rows):
    _, _, frame, areas = demo
    published = [r for r in area_rows if r.value is not None]
    assert {r.indicator for r in published} >= {"grootte", "diversiteit", "overbruggend", "hulp_gegeven",
                                                 "hulp_gekregen"}
    assert {r.level for r in published} >= {"gemeente", "wijk", "buurt", "gebied"}
    checked = 0
    for r in published:
        if r.level not in ("gemeente", "wijk") and checked > 400:
            continue
        value, n = _naive(frame, areas[r.area].members, r.indicator)
        assert n == r.respondents, r
        if r.kind == "share":
            assert r.value == pytest.approx(100 * value, abs=0.051), r
            assert r.lower <= r.value <= r.upper
        else:
            assert r.value == pytest.approx(value, abs=0.0051), r
            assert r.lower < r.value < r.upper
        checked += 1
    assert checked > 300


def test_mean_interval_is_the_linearised_ratio_interval(demo, area_rows):
    _, _, frame, areas = demo
    r = next(x for x in area_rows if x.area == "GM0153" and x.indicator == "grootte")
    f = frame[frame["area"].isin(areas["GM0153"].members) & frame["steun_aantal"].notna()]
    w, y = f["weight"].to_numpy(), f["steun_aantal"].to_numpy()
    m = (w * y).sum() / w.sum()
    se = math.sqrt(len(y) / (len(y) - 1) * (w ** 2 * (y - m) ** 2).sum() / w.sum() ** 2)
    assert r.lower == pytest.approx(m - 1.96 * se, abs=0.006) and r.upper == pytest.approx(m + 1.96 * se, abs=0.006)


def test_no_published_cell_under_the_thresholds_and_nothing_derivable(demo, area_rows):
    _, w, frame, areas = demo
    sets = {a: info.members for a, info in areas.items()}
    vals = ego.values(frame, w.codebook)
    for ind in ego.available(w.codebook):
        mine = [r for r in area_rows if r.indicator == ind.id]
        assert len(mine) == len(areas)
        v = vals[ind.id]
        ok = ~np.isnan(v)
        for r in mine:
            if r.value is None:
                assert r.respondents is None and r.lower is None and r.reason
                continue
            sel = ok & frame["area"].isin(areas[r.area].members).to_numpy()
            assert sel.sum() >= 30, r
            if ind.kind == "share":
                x = int((v[sel] == 1).sum())
                assert x >= 10 and sel.sum() - x >= 10, r
                wt = frame["weight"].to_numpy()[sel]
                p = (wt * v[sel]).sum() / wt.sum()
                if ind.sensitive in (dc.SENSITIVE_SHARE, dc.SENSITIVE_BOTH):
                    assert p <= 0.9, r
                if ind.sensitive in (dc.SENSITIVE_REST, dc.SENSITIVE_BOTH):
                    assert p >= 0.1, r
            else:
                _, counts = np.unique(v[sel], return_counts=True)
                assert counts.max() <= 0.9 * sel.sum(), r
        # differencing: an independent check over the published areas finds nothing to subtract
        mode = ego._mode(v)
        base = {}
        for a, g in frame[ok].assign(_v=v[ok]).groupby("area"):
            x = int((g["_v"] == (1.0 if ind.kind == "share" else mode)).sum())
            base[a] = dc.Cell(len(g), x, float(g["weight"].sum()), float((g["weight"] * g["_v"]).sum()))
        published = {r.area for r in mine if r.value is not None}
        check = dc.check_for(ind.sensitive) if ind.kind == "share" else dc.primary_mean
        assert dc.derivable(base, sets, published, check=check) == [], ind.id


def test_no_one_to_fall_back_on_is_shown_where_the_cells_are_large_enough(area_rows):
    """About 4 % of the demo has no one to fall back on. The 90 % rule is about the sensitive side (having no
    one) being near-universal, so a gemeente's 4 % is shown; buurten where fewer than 10 respondents have no one
    stay withheld by the cell rule."""
    assert ego.BY_ID["niemand"].sensitive == dc.SENSITIVE_SHARE
    assert ego.BY_ID["overbruggend"].sensitive == dc.SENSITIVE_REST
    rows = [r for r in area_rows if r.indicator == "niemand"]
    gm = next(r for r in rows if r.area == "GM0153")
    assert gm.value is not None and 1 < gm.value < 10 and gm.lower < gm.value < gm.upper
    assert any(r.value is None and r.reason == dc.PRIMARY_CELL for r in rows)
    assert all(r.reason != dc.PRIMARY_SHARE for r in rows)


def test_class_indicators_published_cells_and_no_class_from_the_others(demo):
    m, w, frame, areas = demo
    r = classes.result(m)
    rows = ego.class_indicators(m, r, w)
    _, post = classes.posteriors(m, r, w)
    modal = post.argmax(axis=1) + 1
    gem_of = {a: info.gemeente for a, info in areas.items() if info.level == w.area_level}
    gm = frame["area"].map(gem_of).to_numpy()
    vals = ego.values(frame, w.codebook)
    assert {x.cls for x in rows} == set(range(1, r.k + 1))
    assert any(x.value is not None for x in rows) and any(x.value is None for x in rows)
    for g in {x.area for x in rows}:
        for ind in ego.available(w.codebook):
            mine = [x for x in rows if x.area == g and x.indicator == ind.id]
            assert len(mine) == r.k
            v = vals[ind.id]
            for x in mine:
                sel = (gm == g) & (modal == x.cls) & ~np.isnan(v)
                if x.value is None:
                    continue
                assert x.respondents == sel.sum() >= 30
                wt = frame["weight"].to_numpy()[sel]
                naive = (wt * v[sel]).sum() / wt.sum()
                assert x.value == pytest.approx(100 * naive if ind.kind == "share" else naive, abs=0.051)
            withheld = [x for x in mine if x.value is None]
            # one withheld class alone next to published ones would follow from the gemeente total
            if len(withheld) == 1:
                sel = (gm == g) & (modal == withheld[0].cls) & ~np.isnan(v)
                assert sel.sum() == 0


def test_small_store_withholds_every_area_under_30(survey_monitor, tmp_path):
    """A codebook with the ego block on a tiny store: 25 respondents in a buurt are never shown."""
    from kansenmonitor.surveys.codebook import parse_codebook
    from kansenmonitor.surveys.importer import import_survey

    from .conftest import CODEBOOK

    book = dict(CODEBOOK, items=[
        {"id": "steun_aantal", "question": "Op hoeveel mensen?", "type": "count", "max_count": 20,
         "capital": "netwerk", "polarity": "higher_is_better", "missing": {99: "Weet niet"}},
        {"id": "hulp_gekregen", "question": "Hulp gekregen?", "type": "categorical", "capital": "netwerk",
         "polarity": "none", "categories": {1: "Nee", 2: "Ja"}, "missing": {9: "Weet niet"}}])
    rng = np.random.default_rng(3)
    rows = []
    for bu, n in {"BU99990101": 25, "BU99990102": 80, "BU99990103": 70, "BU99990201": 60, "BU99990202": 90}.items():
        for _ in range(n):
            rows.append({"resp": f"R{len(rows):04d}", "buurt": bu, "w": round(float(rng.uniform(0.5, 2)), 3),
                         "steun_aantal": int(rng.poisson(3)), "hulp_gekregen": int(rng.integers(1, 3))})
    path = tmp_path / "ego.csv"
    pd.DataFrame(rows).to_csv(path, sep=";", index=False)
    import_survey(survey_monitor, path, parse_codebook(book))
    w = repo.wave(survey_monitor, "test_enquete")
    out = ego.area_indicators(survey_monitor, w)
    assert {x.indicator for x in out} == {"grootte", "niemand", "hulp_gekregen"}
    small = [x for x in out if x.area == "BU99990101"]
    assert small and all(x.value is None and x.reason == dc.PRIMARY_N for x in small)
    # wijk 01 minus its published buurten 02 and 03 would give buurt 01: one more cell must be withheld
    for ind in ("grootte", "hulp_gekregen"):
        by = {x.area: x for x in out if x.indicator == ind}
        assert by["WK999901"].value is None or by["BU99990102"].value is None or by["BU99990103"].value is None


def test_published_network_figures_are_indicators_on_the_map(survey_monitor, tmp_path):
    """``ego.publish`` writes the network figures as observations of the catalogue's survey indicators: only
    values that passed disclosure control (status estimated, with the 95 % interval), withheld cells without a
    number, the source naming the synthetic survey; the public observations (map, profiles, API, exports) carry
    exactly those. Builds its own small store: the demo home gets these values only when it is rebuilt."""
    from kansenmonitor.surveys.codebook import parse_codebook
    from kansenmonitor.surveys.importer import import_survey

    from .conftest import CODEBOOK

    book = dict(CODEBOOK, items=[
        {"id": "steun_aantal", "question": "Op hoeveel mensen?", "type": "count", "max_count": 20,
         "capital": "netwerk", "polarity": "higher_is_better", "missing": {99: "Weet niet"}}])
    rng = np.random.default_rng(5)
    rows = []
    for bu, n in {"BU99990101": 25, "BU99990102": 300, "BU99990103": 280, "BU99990201": 260,
                  "BU99990202": 320}.items():
        for _ in range(n):
            rows.append({"resp": f"R{len(rows):04d}", "buurt": bu, "w": 1.0,
                         "steun_aantal": int(rng.poisson(2.5))})
    path = tmp_path / "ego.csv"
    pd.DataFrame(rows).to_csv(path, sep=";", index=False)
    import_survey(survey_monitor, path, parse_codebook(book))
    w = repo.wave(survey_monitor, "test_enquete")
    counts = ego.publish(survey_monitor, w)
    expected = {(x.area, ego.CATALOGUE_IDS[x.indicator]): x for x in ego.area_indicators(survey_monitor, w)}
    assert counts["published"] == sum(1 for x in expected.values() if x.value is not None) > 0
    assert counts["withheld"] > 0
    obs = survey_monitor.observations(public=True, indicators=list(ego.CATALOGUE_IDS.values()))
    assert len(obs) == len(expected)
    for r in obs.itertuples():
        x = expected[(r.region, r.indicator)]
        assert r.period == 2024 and "synthetisch" in r.source_ref.lower()
        if x.value is None:
            assert r.status == "suppressed" and pd.isna(r.value) and pd.isna(r.lower)
        else:
            assert r.status == "estimated" and r.value == pytest.approx(x.value)
            assert r.lower == pytest.approx(x.lower) and r.upper == pytest.approx(x.upper)
    niemand = obs[(obs.indicator == "enquete_netwerk_niemand") & (obs.region == "GM9999")].iloc[0]
    assert niemand.status == "estimated" and niemand.value < 15  # a small share of the sensitive side is shown
    small = obs[obs.region == "BU99990101"]
    assert (small.status == "suppressed").all()
    # republishing replaces, it does not add
    ego.publish(survey_monitor, w)
    assert len(survey_monitor.observations(public=True, indicators=list(ego.CATALOGUE_IDS.values()))) == len(obs)
