"""PC4 → buurt lookup: the buurten a postcode area overlaps, checked against an independent overlay of the staged
files; bad files are refused naming row and field and change nothing (the search: tests/web/test_search_postcode.py)."""

from __future__ import annotations

import json

import pytest

from kansenmonitor.core.errors import ImportValidationError
from kansenmonitor.postcodes import (
    MIN_SHARE_OF_BUURT,
    MIN_SHARE_OF_PC4,
    buurten_for,
    load_lookup,
    load_pc4_file,
    normalise_postcode,
)

PC4_FILE = "twente3_pc4_2020_certegis.geojson"
BUURT_FILE = "twente3_buurten_2024_cbs_gegeneraliseerd_approx_wgs84.geojson"


@pytest.fixture(scope="module")
def overlay(data_dir):
    """Shares computed another way: a geopandas overlay of the two staged files (not the store)."""
    import geopandas as gpd

    pc = gpd.read_file(data_dir / "geo" / PC4_FILE).to_crs(28992)
    bu = gpd.read_file(data_dir / "geo" / BUURT_FILE).to_crs(28992)
    pc["pa"], bu["ba"] = pc.area, bu.area
    x = gpd.overlay(pc[["postcode", "pa", "geometry"]], bu[["bu_code", "ba", "geometry"]], how="intersection",
                    keep_geom_type=True)
    x["sp"], x["sb"] = x.area / x["pa"], x.area / x["ba"]
    return x


def test_normalise_postcode():
    assert normalise_postcode("7511") == normalise_postcode(" 7511 ab ") == normalise_postcode("7511AB") == "7511"
    for bad in ("0511", "751", "75111", "Pathmos", "7511 A", ""):
        assert normalise_postcode(bad) is None


def test_demo_lookup_matches_an_independent_overlay(demo_monitor, overlay):
    lookup = load_lookup(demo_monitor)
    assert lookup.boundary_year == 2024 and "CBS" in lookup.source
    kept = overlay[(overlay["sp"] >= MIN_SHARE_OF_PC4) | (overlay["sb"] >= MIN_SHARE_OF_BUURT)]
    expected = {pc: dict(zip(g["bu_code"], g["sp"], strict=True)) for pc, g in kept.groupby("postcode")}
    assert set(lookup.postcodes) - set(expected) == {"7524"}  # its polygon in the file is a 400 m² fragment
    assert lookup.postcodes["7524"] == [{"buurt": "BU01530902", "share_of_pc4": 0.0, "share_of_buurt": 0.0,
                                         "nearest": True}]
    for pc, items in lookup.postcodes.items():
        if pc == "7524":
            continue
        got = {i["buurt"]: i["share_of_pc4"] for i in items}
        # a pair right at a threshold may fall either way between the two methods
        near = {b for b, sp in got.items() if abs(sp - MIN_SHARE_OF_PC4) < 0.002}
        assert set(got) - near == set(expected[pc]) - near, pc
        for b, sp in got.items():
            if b in expected[pc]:
                assert sp == pytest.approx(expected[pc][b], abs=2e-3)
        assert [i["share_of_pc4"] for i in items] == sorted((i["share_of_pc4"] for i in items), reverse=True)


def test_every_enschede_postcode_has_its_buurten(demo_monitor, data_dir):
    lookup = load_lookup(demo_monitor)
    features = json.loads((data_dir / "geo" / PC4_FILE).read_text())["features"]
    enschede = [f["properties"]["postcode"] for f in features if f["properties"]["gm_code"] == "GM0153"]
    assert len(enschede) == 23
    for pc in enschede:
        items = buurten_for(lookup, pc)
        assert items, pc
        if not items[0]["nearest"]:
            assert sum(i["share_of_pc4"] for i in items) > 0.9  # the buurten kept cover the postcode area
        assert all(i["buurt"].startswith("BU0153") for i in items if i["share_of_pc4"] > 0.2)
    centre = [i["buurt"] for i in buurten_for(lookup, "7511 AB")]
    assert centre[:2] == ["BU01530003", "BU01530000"]  # De Bothoven and City


def _write(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features,
                                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}}))
    return path


def _square(x, y, d=0.01):
    return {"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]}


@pytest.mark.parametrize("features, words", [
    ([{"type": "Feature", "properties": {"naam": "x"}, "geometry": _square(6.9, 52.2)}], "geen kolom met de postcode"),
    ([{"type": "Feature", "properties": {"postcode": "75A1"}, "geometry": _square(6.9, 52.2)}],
     "rij 1, veld 'postcode': '75A1' is geen postcode van vier cijfers"),
    ([{"type": "Feature", "properties": {"postcode": "7511"}, "geometry": _square(6.9, 52.2)},
      {"type": "Feature", "properties": {"postcode": "7511"}, "geometry": _square(6.92, 52.2)}],
     "rij 2, veld 'postcode': postcode 7511 staat er twee keer in (ook in rij 1)"),
])
def test_a_bad_file_is_refused_and_changes_nothing(tmp_path, demo_home, features, words):
    import shutil

    from kansenmonitor.monitor import Monitor

    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    monitor = Monitor.open(home=home, url=f"sqlite:///{home / 'kansenmonitor.sqlite'}")
    before = load_lookup(monitor)
    with pytest.raises(ImportValidationError) as err:
        load_pc4_file(monitor, _write(tmp_path / "pc4.geojson", features))
    assert words in str(err.value) and "pc4.geojson" in str(err.value)
    assert load_lookup(monitor) == before
    with pytest.raises(ImportValidationError, match="bestand niet gevonden"):
        load_pc4_file(monitor, tmp_path / "bestaat-niet.geojson")
    monitor.close()
