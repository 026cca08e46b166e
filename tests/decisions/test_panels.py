"""Panels from the store: treatment from an intervention's places, indelingen mapped by links."""

from __future__ import annotations

import pytest

from kansenmonitor.panels import PanelBuildError, panel_frame, places_to_treatment


def test_focus_area_treats_its_buurten(demo_monitor):
    treated = places_to_treatment(demo_monitor, ["FG-WESSELERBRINK"], 2021, "buurt")
    assert treated == {c: 2021 for c in ("BU01530603", "BU01530604", "BU01530605", "BU01530606")}
    assert places_to_treatment(demo_monitor, ["BU01530301"], 2022, "wijk") == {"WK015303": 2022}


def test_panel_maps_2020_indeling_onto_2024(demo_monitor):
    treated = places_to_treatment(demo_monitor, ["FG-WESSELERBRINK"], 2020, "buurt")
    frame = panel_frame(demo_monitor, "ervaren_gezondheid_goed_18plus", "buurt", treated, gemeenten=["GM0153"])
    unit = frame[frame["unit"] == "BU01530603"]
    # 2012, 2016, 2020 from both tables, 2022 and 2024 from 50150NED (indeling 2024)
    assert sorted(unit["time"]) == [2012, 2016, 2020, 2022, 2024]
    assert unit["treated_from"].eq(2020).all()
    assert frame[frame["unit"] == "BU01530000"]["treated_from"].isna().all()
    assert frame["unit"].nunique() > 50


def test_panel_without_treated_regions(demo_monitor):
    with pytest.raises(PanelBuildError, match="geen behandelde"):
        panel_frame(demo_monitor, "inwoners", "buurt", {})
