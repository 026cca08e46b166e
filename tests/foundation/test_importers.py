"""Each importer on small files made in the test, on both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from kansenmonitor.core.model import Status
from kansenmonitor.monitor import Monitor


def test_wbk_import_registers_regions_and_values(seeded: Monitor):
    wk = seeded.region("WK015306", 2024)
    assert wk.name == "Wijk 06 Enschede-Zuid" and wk.parent == "GM0153"
    bu = seeded.region("BU01530603", 2024)
    assert bu.parent == "WK015306"
    obs = seeded.store.observations(regions=["BU01530603"], indicators=["inwoners"])
    assert obs["value"].tolist() == [3820.0]
    assert "85984NED" in obs["source_ref"].iloc[0]


def test_cbs_missing_markers_become_status(empty_monitor: Monitor, tmp_path: Path):
    path = tmp_path / "wbk2017.csv"
    path.write_text(
        '"WK_CODE","WK_NAAM","GM_CODE","GM_NAAM","AANT_INW","P_00_14_JR","P_MAROKKO","P_N_W_AL"\n'
        '"WK015300","Wijk 00","GM0153","Enschede",27690,-99999999,1,.\n', encoding="utf-8")
    empty_monitor.import_file("wbk", path, boundary_year=2017, table="WBK2017", create_regions=True)
    obs = empty_monitor.store.observations(regions=["WK015300"]).set_index("indicator")
    assert obs.loc["inwoners", "value"] == 27690
    assert obs.loc["pct_0_14", "status"] == Status.SUPPRESSED.value and pd.isna(obs.loc["pct_0_14", "value"])
    assert obs.loc["pct_niet_westerse_migratieachtergrond", "status"] == Status.MISSING.value


def test_long_import_with_decimal_comma_and_status(seeded: Monitor, tmp_path: Path):
    path = tmp_path / "long.csv"
    path.write_text("region;indicator;period;value;status\n"
                    "WK015306;pct_laag_inkomen;2022;41,5;\n"
                    "BU01530603;pct_laag_inkomen;2022;;geheim\n", encoding="utf-8")
    res = seeded.import_file("long", path, boundary_year=2024)
    assert res["observations"] == 2
    obs = seeded.store.observations(indicators=["pct_laag_inkomen"]).set_index("region")
    assert obs.loc["WK015306", "value"] == pytest.approx(41.5)
    assert obs.loc["BU01530603", "status"] == "suppressed"


def test_long_import_refuses_ambiguous_indeling(seeded: Monitor, tmp_path: Path):
    # the same code in two indelingen must never be mixed silently
    other = tmp_path / "kwb2020.csv"
    other.write_text("code,name,AantalInwoners_5\nWK015306,Wijk 06,33000\n", encoding="utf-8")
    seeded.import_file("wbk", other, boundary_year=2020, table="85984NED", create_regions=True)
    path = tmp_path / "long.csv"
    path.write_text("region;indicator;period;value\nWK015306;misdrijven;2023;1200\n", encoding="utf-8")
    with pytest.raises(ValueError, match="meer indelingen"):
        seeded.import_file("long", path)
    seeded.import_file("long", path, boundary_year=2024)
    assert seeded.store.observations(indicators=["misdrijven"])["boundary_year"].tolist() == [2024]


def test_wide_import_with_mapping(seeded: Monitor, tmp_path: Path):
    data = tmp_path / "eigen.csv"
    data.write_text("Code;Naam;Laag inkomen (%);Bijstand\nWK015306;Enschede-Zuid;38,2;1.204\n", encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("region_column: Code\nboundary_year: 2024\nperiod: 2023\n"
                       "source: {publisher: Gemeente Enschede, table: eigen registratie}\n"
                       "columns:\n  'Laag inkomen (%)': pct_laag_inkomen\n  Bijstand: bijstandsuitkeringen\n",
                       encoding="utf-8")
    seeded.import_file("wide", data, mapping=mapping)
    obs = seeded.store.observations(regions=["WK015306"], periods=[2023]).set_index("indicator")
    assert obs.loc["pct_laag_inkomen", "value"] == pytest.approx(38.2)
    assert obs.loc["bijstandsuitkeringen", "value"] == 1204
    assert "Gemeente Enschede" in obs.loc["bijstandsuitkeringen", "source_ref"]


def test_statline_with_margins(seeded: Monitor, tmp_path: Path):
    path = tmp_path / "50090NED.csv"
    path.write_text(
        "WijkenEnBuurten,Perioden,Leeftijd,Marges,MoeiteMetRondkomen_38,Eenzaam_28\n"
        "WK015306  ,2020JJ00,20300,MW00000,21.3,48.0\n"
        "WK015306  ,2020JJ00,20300,MOG00095,19.0,45.1\n"
        "WK015306  ,2020JJ00,20300,MBG00095,23.9,50.2\n"
        "BU01530603,2020JJ00,20300,MW00000,.,51.2\n",
        encoding="utf-8",
    )
    seeded.import_file("statline", path, table="50090NED", boundary_year=2024)
    obs = seeded.store.observations(indicators=["moeite_met_rondkomen_18plus"]).set_index("region")
    row = obs.loc["WK015306"]
    assert (row["value"], row["lower"], row["upper"]) == (21.3, 19.0, 23.9)
    assert row["status"] == Status.ESTIMATED.value
    assert obs.loc["BU01530603", "status"] == Status.MISSING.value


def test_boundaries_geojson(seeded: Monitor, tmp_path: Path):
    square = [[[6.88, 52.19], [6.89, 52.19], [6.89, 52.20], [6.88, 52.20], [6.88, 52.19]]]
    fc = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:4326"}},
          "features": [{"type": "Feature", "properties": {"bu_code": "BU01530603", "bu_naam": "Wesselerbrink NO"},
                        "geometry": {"type": "Polygon", "coordinates": square}}]}
    path = tmp_path / "buurt.geojson"
    path.write_text(json.dumps(fc), encoding="utf-8")
    seeded.import_file("boundaries", path, boundary_year=2024)
    region = seeded.region("BU01530603", 2024)
    assert json.loads(region.geometry)["type"] == "Polygon"
    # the name from the KWB file is kept; values are untouched
    assert seeded.store.observations(regions=["BU01530603"], indicators=["inwoners"])["value"].tolist() == [3820.0]


def test_boundaries_geopackage_rd(empty_monitor: Monitor, data_dir: Path):
    path = data_dir / "geo" / "twente3_buurten_2024_cbs_gegeneraliseerd_approx_rd.gpkg"
    res = empty_monitor.import_file("boundaries", path, boundary_year=2024)
    assert res["regions"] == 203
    geom = json.loads(empty_monitor.region("BU01530301", 2024).geometry)
    lon, lat = geom["coordinates"][0][0][:2] if geom["type"] == "Polygon" else geom["coordinates"][0][0][0][:2]
    assert 6.7 < lon < 7.0 and 52.1 < lat < 52.3  # reprojected from RD to WGS84


def test_reimport_replaces_values(seeded: Monitor, seed_file: Path):
    before = seeded.store.counts()["observations"]
    seeded.import_file("wbk", seed_file, boundary_year=2024, table="85984NED")
    assert seeded.store.counts()["observations"] == before


def test_wide_import_from_excel(seeded: Monitor, tmp_path: Path):
    data = tmp_path / "eigen.xlsx"
    pd.DataFrame({"Wijk": ["WK015306"], "Bereik laag inkomen": [38.2]}).to_excel(data, sheet_name="cijfers", index=False)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("region_column: Wijk\nsheet: cijfers\nboundary_year: 2024\nperiod: 2023\n"
                       "columns:\n  Bereik laag inkomen: pct_laag_inkomen\n", encoding="utf-8")
    seeded.import_file("wide", data, mapping=mapping)
    obs = seeded.store.observations(indicators=["pct_laag_inkomen"])
    assert obs["value"].tolist() == [pytest.approx(38.2)]
