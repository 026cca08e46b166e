"""A small store built by code: one gemeente, one wijk with twelve buurten (one of them rural and tiny), the
figures the scenario tests need (population, target groups, an outcome, the urgency inputs)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kansenmonitor.core.model import Level, Region
from kansenmonitor.monitor import Monitor

GM, WK = "GM9999", "WK999901"
BUURTEN = [f"BU999901{i:02d}" for i in range(1, 13)]
TINY = BUURTEN[-1]  # the rural buurt with 60 inhabitants


def _rows():
    rng = np.random.default_rng(7)
    rows = []
    for k, code in enumerate(BUURTEN):
        inw = 60 if code == TINY else int(rng.integers(800, 4000))
        hh = int(inw / 2.1)
        rows += [(code, "inwoners", inw), (code, "inwoners_0_14", int(inw * 0.17)), (code, "huishoudens", hh),
                 (code, "pct_laag_inkomen", 30 + 2 * k), (code, "pct_huishoudens_tot_120_sociaal_minimum", 8 + k),
                 (code, "pct_uitkeringsontvangers", 8 + k), (code, "inwoners_15_64", int(inw * 0.65)),
                 (code, "inkomen_per_inwoner", 30 - 0.5 * k), (code, "woz_waarde", 250 - 5 * k),
                 (code, "misdrijven", int(inw * (0.03 + 0.002 * k))),
                 (code, "misdrijven_per_1000", round(1000 * (0.03 + 0.002 * k), 1))]
    return rows


@pytest.fixture
def scn_monitor(tmp_path, monkeypatch):
    monkeypatch.setenv("KANSENMONITOR_HOME", str(tmp_path))
    monitor = Monitor.open(home=tmp_path, url=f"sqlite:///{tmp_path / 'kansenmonitor.sqlite'}")
    monitor.sync_catalogue()
    regions = [Region("NL01", "Nederland", Level.LAND, 2024), Region(GM, "Teststad", Level.GEMEENTE, 2024, parent="NL01"),
               Region(WK, "Centrum", Level.WIJK, 2024, parent=GM)]
    regions += [Region(c, f"Buurt {i + 1}", Level.BUURT, 2024, parent=WK) for i, c in enumerate(BUURTEN)]
    rows = _rows()
    wijk: dict[str, float] = {}
    for _code, ind, v in rows:
        if ind in ("inwoners", "inwoners_0_14", "inwoners_15_64", "huishoudens", "misdrijven"):
            wijk[ind] = wijk.get(ind, 0) + v
    rows += [(WK, i, v) for i, v in wijk.items()] + [(GM, i, v) for i, v in wijk.items()]
    frame = pd.DataFrame([{"region": c, "boundary_year": 2024, "indicator": i, "period": 2023, "value": float(v),
                           "status": "measured", "numerator": np.nan, "denominator": np.nan, "lower": np.nan,
                           "upper": np.nan, "source_ref": "test: CBS-vorm"} for c, i, v in rows])
    with monitor.store.transaction() as w:
        w.upsert_regions(regions)
        w.upsert_observations(frame)
    yield monitor
    monitor.close()


def measure(**changes) -> dict:
    base = {"naam": "Schuldhulp aan huis", "doelgroep": "huishoudens met schulden", "bereik": 120, "kosten": 90000,
            "looptijd": 2, "indicator": "pct_laag_inkomen", "doelgroep_indicator": "inwoners",
            "effect": {"waarde": -10, "laag": -18, "hoog": -2, "bron": "Databank Effectieve Interventies (test)",
                       "oordeel": "eerste_aanwijzingen"}}
    base.update(changes)
    return base


def scenario_doc(**changes) -> dict:
    doc = {"naam": "Schulden eerst", "gebied": {"code": BUURTEN[0]}, "maatregelen": [measure()],
           "aannames": [{"context": "veel huishoudens met schulden", "mechanisme": "hulp aan huis verlaagt de drempel",
                         "uitkomst": "minder mensen met een laag inkomen", "indicator": "pct_laag_inkomen"}]}
    doc.update(changes)
    return doc
