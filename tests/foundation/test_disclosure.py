"""Disclosure control: values behind too few people are never published as numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kansenmonitor import exports
from kansenmonitor.monitor import Monitor


def test_small_buurt_is_withheld_everywhere(seeded: Monitor, tmp_path: Path):
    path = tmp_path / "small.csv"
    # 30 inhabitants, 6 children: 20 % would identify families; pct_0_14 requires at least 50 inhabitants
    path.write_text("region;indicator;period;value;numerator;denominator\n"
                    "BU01530603;pct_0_14;2023;20,0;6;30\n"
                    "WK015306;pct_0_14;2023;16,3;5485;33685\n", encoding="utf-8")
    seeded.import_file("long", path, boundary_year=2024)
    public = seeded.observations(indicators=["pct_0_14"]).set_index("region")
    assert np.isnan(public.loc["BU01530603", "value"]) and public.loc["BU01530603", "status"] == "suppressed"
    assert np.isnan(public.loc["BU01530603", "numerator"])
    assert public.loc["WK015306", "value"] == 16.3
    internal = seeded.observations(public=False, indicators=["pct_0_14"]).set_index("region")
    assert internal.loc["BU01530603", "value"] == 20.0
    frame = exports.export_frame(seeded, indicators=["pct_0_14"])
    assert frame.set_index("region").loc["BU01530603", "value"] != 20.0
    profile = seeded.profile("BU01530603", 2024)
    row = next(r for r in profile.rows if r.indicator.id == "pct_0_14")
    assert row.value is None and row.disclosure


def test_population_is_used_when_a_value_has_no_denominator(seeded: Monitor, tmp_path: Path):
    path = tmp_path / "pct.csv"
    path.write_text("region;indicator;period;value\nBU01530603;pct_laag_inkomen;2024;44,0\n", encoding="utf-8")
    seeded.import_file("long", path, boundary_year=2024)
    # 3.820 inhabitants ≥ 100: published
    assert seeded.observations(indicators=["pct_laag_inkomen"])["value"].tolist() == [44.0]
