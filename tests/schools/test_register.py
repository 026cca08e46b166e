"""The school register on the demo: every Enschede school location of the staged DUO address lists stands in a
buurt, and a sample is checked against the buurt polygons independently (shapely on the staged GeoJSON, not the
store)."""

from __future__ import annotations

import csv
import json

import pytest
from shapely.geometry import Point, shape

from kansenmonitor.schools import repository as repo

ADDRESS_FILES = ["nl_po_vestigingen_adressen_duo_2020.csv", "nl_vo_vestigingen_adressen_duo_2020.csv",
                 "nl_po_vestigingen_adressen_duo_2026.csv"]


def _enschede_codes(data_dir) -> set[str]:
    codes = set()
    for name in ADDRESS_FILES:
        with open(data_dir / "scholen" / name, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["GEMEENTENUMMER"].strip().lstrip("0") == "153":
                    codes.add(row.get("VESTIGINGSCODE") or row["VESTIGINGSNUMMER"])
    return codes


def test_every_enschede_school_location_has_its_buurt(demo_monitor, data_dir):
    codes = _enschede_codes(data_dir)
    assert len(codes) >= 70  # 54 + 19 in 2020, new ones in 2026
    reg = repo.register(demo_monitor, codes=sorted(codes))
    assert set(reg.index) == codes
    missing = reg[reg["buurt"].isna()]
    assert missing.empty, f"zonder buurt: {list(missing.index)}"
    assert set(reg["buurt"].str[:6]) == {"BU0153"}
    assert (reg["boundary_year"] == 2024).all()


def test_sample_lies_in_its_buurt_polygon_independently(demo_monitor, data_dir):
    gj = json.loads((data_dir / "geo" / "twente3_buurten_2024_cbs_gegeneraliseerd_approx_wgs84.geojson")
                    .read_text(encoding="utf-8"))
    polygons = {f["properties"]["bu_code"]: shape(f["geometry"]) for f in gj["features"]}
    reg = repo.register(demo_monitor, codes=sorted(_enschede_codes(data_dir)))
    sample = reg.sort_index().iloc[::4]  # every fourth school, all location methods
    assert len(sample) >= 18
    for code, r in sample.iterrows():
        pt = Point(r["lon"], r["lat"])
        poly = polygons[r["buurt"]]
        # inside, or within the snapping distance of the simplified polygon (~150 m ≈ 0.0022°)
        assert poly.contains(pt) or poly.distance(pt) < 0.0022, code
        others = [c for c, p in polygons.items() if c != r["buurt"] and p.contains(pt)]
        assert not others, f"{code} ligt ook in {others}"


def test_polling_station_points_are_the_staged_coordinates(demo_monitor, data_dir):
    stations = {}
    path = next((data_dir / "stadsdelen").glob("*stembureau*.csv"))
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if float(row["latitude"]) > 50:
                stations.setdefault(row["postcode"].replace(" ", ""), (float(row["latitude"]), float(row["longitude"])))
    reg = repo.register(demo_monitor, gemeente="GM0153")
    via = reg[reg["location_method"] == "stembureau_pc6"]
    assert len(via) >= 20
    for code, r in via.iterrows():
        assert (r["lat"], r["lon"]) == pytest.approx(stations[r["postcode"]]), code


def test_history_and_both_key_schemes(demo_monitor):
    # 17RR00 (OBS Usselerschool) had pupils and closed; the register keeps its own code
    h = repo.history_of(demo_monitor, "17RR00")
    events = {e["event"] for e in h}
    assert "gesloten" in events and "geopend" in events
    assert repo.school(demo_monitor, "17RR00")["status"] == "gesloten"
    # 24EY00 is in the 2026 list (INSTELLINGSCODE/VESTIGINGSCODE) and the 2020 list (BRIN NUMMER/VESTIGINGSNUMMER)
    s = repo.school(demo_monitor, "24EY00")
    assert s["gemeente"] == "GM0153" and s["last_year"] >= 2026
    assert {e["year"] for e in repo.history_of(demo_monitor, "24EY00") if e["event"] == "in_lijst"} == {2020, 2026}


def test_known_figures_from_provenance(demo_monitor):
    obs = repo.observations(demo_monitor, schools=["19NE00"], public=True).set_index(["indicator", "period"])
    assert obs.loc[("sch_achterstandsscore", 2019), "value"] == pytest.approx(791.80)
    assert obs.loc[("sch_leerlingen_bekostigd", 2019), "value"] == 287
    # Enschede: 54 schools and 12,221 funded pupils in the CBS file (PROVENANCE part 3, §2)
    reg = repo.register(demo_monitor, gemeente="GM0153")
    bek = repo.observations(demo_monitor, schools=list(reg.index), indicators=["sch_leerlingen_bekostigd"])
    assert len(bek) == 54 and bek["value"].sum() == 12221
    # all school types 2019: Enschede 13,743 pupils (PROVENANCE part 3, §1b)
    ll = repo.observations(demo_monitor, schools=list(reg[reg["sector"] != "vo"].index), indicators=["sch_leerlingen"])
    assert ll[ll["period"] == 2019]["value"].sum() == 13743
