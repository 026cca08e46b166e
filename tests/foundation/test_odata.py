"""The online path through the CBS OData API, on recorded responses (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from kansenmonitor.sources import odata

BASE = "https://dataderden.cbs.nl/ODataApi/odata/50090NED/TypedDataSet"
HEALTH = "health/twente3_gezondheid_wijk_buurt_50090NED_2012_2016_2020.csv"


@pytest.fixture
def recorded_pages(data_dir: Path) -> dict:
    """CBS OData v3 TypedDataSet responses (two pages, space-padded codes, nulls) built from the staged
    50090NED values for WK015306 and two of its buurten (2020, 18+): the shape a download really has,
    made by code from ../shared/data instead of a committed copy."""
    health = pd.read_csv(data_dir / HEALTH)
    sel = health[health.regio_code.isin(["WK015306", "BU01530603", "BU01530604"]) & (health.jaar == 2020)
                 & (health.leeftijdsgroep == "18+")]
    rows = []
    for i, r in enumerate(sel.itertuples()):
        rows.append({
            "ID": i, "Leeftijd": "20300", "Marges": "MW00000", "WijkenEnBuurten": f"{r.regio_code:<10}",
            "Gemeentenaam_1": f"{'Enschede':<40}", "Perioden": "2020JJ00",
            "ErvarenGezondheidGoedZeerGoed_4": float(r.ErvarenGezondheidGoedZeerGoed_4),
            "Eenzaam_28": float(r.Eenzaam_28),
            "MoeiteMetRondkomen_38": None if pd.isna(r.MoeiteMetRondkomen_38) else float(r.MoeiteMetRondkomen_38),
        })
    meta = BASE.replace("TypedDataSet", "$metadata#Cbs.OData.WebAPI.TypedDataSet")
    return {"page1": {"odata.metadata": meta, "value": rows[:2], "odata.nextLink": BASE + "?$skiptoken=2"},
            "page2": {"odata.metadata": meta, "value": rows[2:]}}


def recorded_fetch(pages: dict, calls: list[str]):
    def fetch(url: str) -> dict:
        calls.append(url)
        return json.loads(json.dumps(pages["page2"] if "skiptoken" in url else pages["page1"]))

    return fetch


def test_url_uses_third_party_host_and_filter():
    url = odata.table_url("50090NED", ["WK015306", "BU015306"])
    assert url.startswith("https://dataderden.cbs.nl/ODataApi/odata/50090NED/TypedDataSet?")
    assert "startswith(WijkenEnBuurten,'WK015306')" in url.replace("%20", " ")
    assert odata.table_url("85984NED").startswith("https://opendata.cbs.nl/")


def test_download_follows_pages_and_imports_like_statline(seeded, tmp_path, recorded_pages):
    calls: list[str] = []
    path = odata.download_table("50090NED", ["WK015306", "BU015306"], tmp_path / "50090NED.csv",
                                fetch=recorded_fetch(recorded_pages, calls))
    assert len(calls) == 2
    seeded.import_file("statline", path, table="50090NED", boundary_year=2024, skip_unknown=True)
    obs = seeded.store.observations(indicators=["moeite_met_rondkomen_18plus"]).set_index("region")
    rows = recorded_pages["page1"]["value"] + recorded_pages["page2"]["value"]
    want = {r["WijkenEnBuurten"].strip(): r["MoeiteMetRondkomen_38"] for r in rows}
    assert obs.loc["WK015306", "value"] == pytest.approx(want["WK015306"])
    assert obs.loc["WK015306", "status"] == "estimated"


def test_unreachable_cbs_says_what_to_do():
    def offline(url: str) -> dict:
        raise odata.ImportValidationError([odata.Issue(url, None, None, "CBS is niet bereikbaar", "gebruik import statline")])

    with pytest.raises(ValueError, match="niet bereikbaar"):
        odata.download_frame("50090NED", fetch=offline)
