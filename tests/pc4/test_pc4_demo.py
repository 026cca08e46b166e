"""The demo imports the PC4 files, the Leefbaarometer, the energy labels (per PC4, never per address) and the
Enschede buurten of 2009, says for every staged file whether it was read and why not, and shows PC4-based
values only through disclosure control."""

from __future__ import annotations

import pandas as pd


def test_every_staged_file_is_read_or_has_a_reason(demo_monitor, data_dir):
    files = demo_monitor.store.get_document("demo", "files")
    listed = {f["file"] for f in files}
    staged = {str(p.relative_to(data_dir)) for p in data_dir.rglob("*") if p.is_file()
              and p.name not in ("README.md", "PROVENANCE.md")}
    assert listed == staged
    read = {f["file"] for f in files if f["status"] == "ingelezen"}
    for must in ("pc4/nl_pc4_2023_cbs_kerncijfers_postcode4_v2.csv", "pc4/nl_pc4_2024_cbs_kerncijfers_postcode4_v1.csv",
                 "other/nl_pc4_leefbaarometer_2022.csv",
                 "klimaat/twente3_energielabels_adres_2021-2025_ep-online_via_where-to-live-nl.parquet",
                 "kwb_buurt_jaren/enschede_buurten_2009_kwb_statline_opendata_stembureaus.csv"):
        assert must in read
    skipped = [f for f in files if f["status"] != "ingelezen"]
    assert all(f["reason"] and "geen stap" not in f["reason"] for f in skipped), skipped


def test_pc4_regions_and_their_figures(demo_monitor):
    pcs = demo_monitor.regions(level="pc4", boundary_year=2024, with_geometry=True)
    assert len(pcs) == 44
    assert {r.gemeente for r in pcs} == {"GM0153", "GM0141", "GM0164"}
    assert all(r.geometry for r in pcs)
    obs = demo_monitor.observations(public=True, regions=["PC7511"], boundary_year=2024)
    assert {"leefbaarometer_score", "pct_woningen_energielabel_efg", "pct_dekking_energielabels",
            "aardgasverbruik_woningen", "pct_uitkeringsontvangers"} <= set(obs["indicator"])


def test_buurt_estimates_are_marked_with_their_method(demo_monitor):
    obs = demo_monitor.observations(public=False, level="buurt", boundary_year=2024,
                                    indicators=["pct_uitkeringsontvangers", "leefbaarometer_score",
                                                "pct_woningen_energielabel_efg", "aardgasverbruik_woningen"])
    assert obs["region"].nunique() >= 190
    assert (obs["status"] == "estimated").all()
    assert obs["source_ref"].str.startswith("geschat: cijfer van het postcodegebied, verdeeld over de buurten "
                                            "naar huishoudens").all()
    # CBS's own buurt figures are never replaced by an estimate
    inw = demo_monitor.observations(public=False, level="buurt", boundary_year=2024, indicators=["inwoners"])
    assert (inw["status"] != "estimated").all()


def test_small_estimates_pass_disclosure(demo_monitor):
    raw = demo_monitor.observations(public=False, level="buurt", boundary_year=2024, indicators=["energielabels_efg"])
    small = raw[(raw["value"] < 10) & raw["value"].notna()]
    assert len(small) > 0
    pub = demo_monitor.observations(public=True, level="buurt", boundary_year=2024,
                                    indicators=["energielabels_efg", "pct_woningen_energielabel_efg"])
    pub = pub.set_index(["region", "indicator"])
    for code in small["region"]:
        assert pd.isna(pub.loc[(code, "energielabels_efg"), "value"])
        assert pd.isna(pub.loc[(code, "pct_woningen_energielabel_efg"), "value"])  # complement


def test_enschede_2009_buurten_start_the_trend(demo_monitor):
    b09 = demo_monitor.regions(level="buurt", boundary_year=2009)
    assert len(b09) == 70
    obs = demo_monitor.observations(public=True, regions=["BU01530000"], boundary_year=2009).set_index("indicator")
    assert obs.loc["pct_laag_inkomen", "value"] == 53  # PROVENANCE: City, 53 % personen met laag inkomen
    assert obs.loc["inkomen_per_inwoner", "value"] == 18.8  # '18-08-12' in the damaged file
    assert ("BU01530000", 2024) in demo_monitor.linked_codes("BU01530000", 2009)

