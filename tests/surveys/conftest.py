"""Fixtures for the survey tests: a small store (both backends) with buurten, wijken and a custom area, a small
codebook, and a respondent file written by code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from kansenmonitor.core.model import Level, Region
from kansenmonitor.monitor import Monitor

BUURTEN = {"BU99990101": "WK999901", "BU99990102": "WK999901", "BU99990103": "WK999901",
           "BU99990201": "WK999902", "BU99990202": "WK999902"}

CODEBOOK = {
    "survey": "test_enquete", "name": "Testenquête", "wave": 2024, "synthetic": True, "version": "1",
    "source": "test", "respondent_id": "resp", "weight": "w",
    "area": {"column": "buurt", "level": "buurt", "boundary_year": 2024},
    "items": [
        {"id": "eenzaam", "question": "Voelt u zich eenzaam?", "type": "categorical", "capital": "sociaal",
         "polarity": "higher_is_better", "categories": {1: "Ja", 2: "Nee"}, "missing": {9: "Weet niet"},
         "share": {"label": "Eenzaam", "codes": [1]}},
        {"id": "steun", "question": "Op hoeveel mensen kunt u terugvallen?", "type": "count", "max_count": 20,
         "capital": "netwerk", "polarity": "higher_is_better", "missing": {99: "Weet niet"}},
    ],
}


def regions() -> list[Region]:
    out = [Region("NL01", "Nederland", Level.LAND, 2024), Region("GM9999", "Teststad", Level.GEMEENTE, 2024,
                                                                  parent="NL01")]
    for wk in sorted(set(BUURTEN.values())):
        out.append(Region(wk, f"Wijk {wk[-2:]}", Level.WIJK, 2024, parent="GM9999"))
    for bu, wk in BUURTEN.items():
        out.append(Region(bu, f"Buurt {bu[-4:]}", Level.BUURT, 2024, parent=wk))
    out.append(Region("GB-TEST", "Testgebied", Level.GEBIED, 2024, members=("BU99990101", "BU99990201")))
    return out


@pytest.fixture
def survey_monitor(empty_monitor: Monitor) -> Monitor:
    with empty_monitor.store.transaction() as w:
        w.upsert_regions(regions())
    return empty_monitor


@pytest.fixture
def codebook_file(tmp_path):
    path = tmp_path / "codeboek.yaml"
    path.write_text(yaml.safe_dump(CODEBOOK, allow_unicode=True), encoding="utf-8")
    return path


def respondents(sizes: dict[str, int], p_lonely: dict[str, float] | None = None, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    k = 0
    for bu, n in sizes.items():
        p = (p_lonely or {}).get(bu, 0.4)
        for _ in range(n):
            k += 1
            rows.append({"resp": f"R{k:05d}", "buurt": bu, "w": round(float(rng.uniform(0.5, 2.0)), 3),
                         "eenzaam": 1 if rng.random() < p else 2, "steun": int(rng.poisson(3))})
    return pd.DataFrame(rows)
