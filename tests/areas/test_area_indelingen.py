"""An own area follows its members into the indelingen they continue in (a small store built here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kansenmonitor.core.model import Level, Region
from kansenmonitor.monitor import Monitor


def _row(code, by, ind, period, value, status="measured"):
    return {"region": code, "boundary_year": by, "indicator": ind, "period": period, "value": value,
            "status": status, "numerator": np.nan, "denominator": np.nan, "lower": np.nan, "upper": np.nan,
            "source_ref": "synthetisch (test)"}


@pytest.fixture
def store(tmp_path):
    m = Monitor.open(home=tmp_path, url=f"sqlite:///{tmp_path / 'kansenmonitor.sqlite'}")
    m.sync_catalogue()
    regions, rows, links = [], [], []
    for by in (2020, 2024):
        regions += [Region("GM9999", "Teststad", Level.GEMEENTE, by),
                    Region("WK999901", "Noord", Level.WIJK, by, parent="GM9999")]
        for code, name in (("BU99990101", "Een"), ("BU99990102", "Twee"), ("BU99990103", "Drie")):
            regions.append(Region(code, name, Level.BUURT, by, parent="WK999901"))
            if by == 2020:
                links.append({"code": code, "boundary_year": 2020, "to_code": code, "to_boundary_year": 2024,
                              "relation": "same"})
    # inhabitants only on 2024, the health estimate (65+) only on 2020, as in the demo
    for code, inw, old, est in (("BU99990101", 1000, 200, 10.0), ("BU99990102", 2000, 100, 40.0),
                                ("BU99990103", 3000, 300, 20.0)):
        rows += [_row(code, 2024, "inwoners", 2024, inw), _row(code, 2024, "inwoners_65plus", 2024, old),
                 _row(code, 2020, "eenzaam_65plus", 2020, est, "estimated")]
    with m.store.transaction() as w:
        w.upsert_regions(regions)
        w.upsert_observations(pd.DataFrame(rows))
        w.upsert_links(links)
    yield m
    m.close()


def test_area_exists_in_the_indeling_of_its_members_and_gets_their_figures(store, tmp_path):
    f = tmp_path / "areas.yaml"
    f.write_text("boundary_year: 2024\nareas:\n  - {code: SD-TEST-NOORD, name: Stadsdeel Noord, level: stadsdeel, "
                 "gemeente: GM9999, members: [BU99990101, BU99990102, BU99990103]}\n", encoding="utf-8")
    loaded = store.load_areas(f)
    assert [(a.code, a.boundary_year) for a in loaded] == [("SD-TEST-NOORD", 2024)]
    assert ("SD-TEST-NOORD", 2020) in store.store.region_keys()
    # 65+ weighted by the 65+ inhabitants (2024, the nearest period): (10*200 + 40*100 + 20*300) / 600
    prof = store.profile("SD-TEST-NOORD", 2024)
    row = next(r for r in prof.rows if r.indicator.id == "eenzaam_65plus")
    assert row.value == pytest.approx((10 * 200 + 40 * 100 + 20 * 300) / 600)
    assert row.status == "estimated" and row.boundary_year == 2020
    assert "gewicht van 2024" in row.source_ref
    inw = next(r for r in prof.rows if r.indicator.id == "inwoners")
    assert inw.value == 6000 and inw.boundary_year == 2024


def test_area_with_a_member_that_does_not_continue_stays_in_its_own_indeling(store, tmp_path):
    with store.store.transaction() as w:
        w.upsert_regions([Region("BU99990104", "Nieuw", Level.BUURT, 2024, parent="WK999901")])
    f = tmp_path / "areas.yaml"
    f.write_text("boundary_year: 2024\nareas:\n  - {code: FG-NIEUW, name: Nieuw, gemeente: GM9999, "
                 "members: [BU99990101, BU99990104]}\n", encoding="utf-8")
    store.load_areas(f)
    assert ("FG-NIEUW", 2020) not in store.store.region_keys()
    prof = store.profile("FG-NIEUW", 2024)
    assert "eenzaam_65plus" not in {r.indicator.id for r in prof.rows}
