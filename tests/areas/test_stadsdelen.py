"""Enschede's stadsdelen: derived from the 2012 polling stations, shipped as a file, re-derived here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from kansenmonitor.areas.derive import assign_buurten, enschede_stadsdelen
from kansenmonitor.core.areas import parse_areas_file, shipped_area_files

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "kansenmonitor" / "areas" / "stadsdelen_enschede.yaml"


def _script():
    path = Path(__file__).resolve().parents[2] / "scripts" / "derive_stadsdelen.py"
    spec = importlib.util.spec_from_file_location("derive_stadsdelen", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_shipped_file_is_what_the_data_gives(data_dir):
    """The shipped file is generated: re-deriving it from ../shared/data gives the same text."""
    assert SHIPPED.read_text(encoding="utf-8") == _script().render(data_dir)


def test_every_buurt_in_exactly_one_stadsdeel_and_the_conflicts_are_named(data_dir):
    d = enschede_stadsdelen(data_dir)
    members = d.members()
    assert sorted(members) == ["STADSDEEL CENTRUM", "STADSDEEL NOORD", "STADSDEEL OOST", "STADSDEEL WEST",
                               "STADSDEEL ZUID"]
    buurten = [b for ms in members.values() for b in ms]
    assert len(buurten) == len(set(buurten)) == 70
    # PROVENANCE §9: 77 stations, 3 without coordinates, the wijken nest except WK015309 (Noord 2 / West 3)
    assert d.points_total == 77 and len(d.points_without_location) == 3 and not d.points_outside
    assert d.wijk_counts["WK015309"] == {"STADSDEEL WEST": 3, "STADSDEEL NOORD": 2}
    assert d.wijk_counts["WK015306"] == {"STADSDEEL ZUID": 16}
    assert "WK015307" not in d.wijk_counts
    assert any("WK015309" in c for c in d.conflicts) and any("WK015307" in c for c in d.conflicts)
    # a wijk that nests lies whole in its stadsdeel
    by_buurt = {a.buurt: a for a in d.assignments}
    assert {by_buurt[b].area for b in by_buurt if b.startswith("BU015306")} == {"STADSDEEL ZUID"}
    assert by_buurt["BU01530603"].method == "wijk"  # Wesselerbrink
    assert by_buurt["BU01530900"].area == "STADSDEEL NOORD" and by_buurt["BU01530900"].method == "buurt"  # Lonneker
    assert by_buurt["BU01530901"].area == "STADSDEEL WEST"  # Boekelo
    assert d.by_method() == {"wijk": 57, "buurt": 3, "nearest": 10}


def test_shipped_file_is_valid_and_marked_provisional():
    assert SHIPPED in shipped_area_files()
    areas = parse_areas_file(SHIPPED)
    assert [a.name for a in areas] == ["Stadsdeel Centrum", "Stadsdeel Noord", "Stadsdeel Oost", "Stadsdeel West",
                                       "Stadsdeel Zuid"]
    assert all(str(a.level) == "stadsdeel" and a.gemeente == "GM0153" for a in areas)
    assert all("te bevestigen door de gemeente" in a.note for a in areas)
    assert all("stembureaus van 2012" in a.source for a in areas)


def _grid():
    # four buurten in two wijken: W1 = b1, b2; W2 = b3, b4 (unit squares in RD metres)
    shapes = [box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000), box(0, 1000, 1000, 2000), box(1000, 1000, 2000, 2000)]
    return gpd.GeoDataFrame({"bu_code": ["b1", "b2", "b3", "b4"], "bu_naam": ["B1", "B2", "B3", "B4"],
                             "wk_code": ["W1", "W1", "W2", "W2"]}, geometry=shapes, crs="EPSG:28992")


def _points(rows):
    return gpd.GeoDataFrame({"label": [r[2] for r in rows], "describe": [str(r) for r in rows]},
                            geometry=[Point(r[0], r[1]) for r in rows], crs="EPSG:28992")


def test_wijk_that_nests_gives_all_its_buurten_one_area():
    d = assign_buurten(_points([(500, 500, "A"), (1500, 1500, "B")]), _grid())
    got = {a.buurt: (a.area, a.method) for a in d.assignments}
    assert got == {"b1": ("A", "wijk"), "b2": ("A", "wijk"), "b3": ("B", "wijk"), "b4": ("B", "wijk")}
    assert d.conflicts == []


def test_split_wijk_is_reported_and_placed_buurt_by_buurt():
    d = assign_buurten(_points([(500, 500, "A"), (1500, 500, "B"), (1600, 600, "B"), (500, 1500, "B")]), _grid())
    got = {a.buurt: (a.area, a.method) for a in d.assignments}
    assert got["b1"] == ("A", "buurt") and got["b2"] == ("B", "buurt")
    assert got["b3"] == ("B", "wijk") and got["b4"] == ("B", "wijk")
    assert len(d.conflicts) == 1 and "W1" in d.conflicts[0]


def test_wijk_without_points_follows_the_nearest_and_says_so():
    d = assign_buurten(_points([(100, 100, "A"), (1900, 100, "A")]), _grid())
    got = {a.buurt: a for a in d.assignments}
    assert got["b3"].method == "nearest" and got["b3"].distance_m == pytest.approx(((500 - 100) ** 2 +
                                                                                     (1500 - 100) ** 2) ** 0.5,
                                                                                    rel=0.01)
    assert any("W2" in c for c in d.conflicts)
