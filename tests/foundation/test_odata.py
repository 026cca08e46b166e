"""The online path through the CBS OData API, on recorded responses (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kansenmonitor.sources import odata

FIXTURE = Path(__file__).parent / "fixtures" / "odata_50090NED_enschede.json"


def recorded_fetch(calls: list[str]):
    pages = json.loads(FIXTURE.read_text(encoding="utf-8"))["pages"]

    def fetch(url: str) -> dict:
        calls.append(url)
        return pages["page2"] if "skiptoken" in url else pages["page1"]

    return fetch


def test_url_uses_third_party_host_and_filter():
    url = odata.table_url("50090NED", ["WK015306", "BU015306"])
    assert url.startswith("https://dataderden.cbs.nl/ODataApi/odata/50090NED/TypedDataSet?")
    assert "startswith(WijkenEnBuurten,'WK015306')" in url.replace("%20", " ")
    assert odata.table_url("85984NED").startswith("https://opendata.cbs.nl/")


def test_download_follows_pages_and_imports_like_statline(seeded, tmp_path):
    calls: list[str] = []
    path = odata.download_table("50090NED", ["WK015306", "BU015306"], tmp_path / "50090NED.csv",
                                fetch=recorded_fetch(calls))
    assert len(calls) == 2
    seeded.import_file("statline", path, table="50090NED", boundary_year=2024, skip_unknown=True)
    obs = seeded.store.observations(indicators=["moeite_met_rondkomen_18plus"]).set_index("region")
    health = json.loads(FIXTURE.read_text(encoding="utf-8"))["pages"]["page1"]["value"]
    want = {r["WijkenEnBuurten"].strip(): r["MoeiteMetRondkomen_38"] for r in health}
    assert obs.loc["WK015306", "value"] == pytest.approx(want["WK015306"])
    assert obs.loc["WK015306", "status"] == "estimated"


def test_unreachable_cbs_says_what_to_do():
    def offline(url: str) -> dict:
        raise odata.ImportValidationError([odata.Issue(url, None, None, "CBS is niet bereikbaar", "gebruik import statline")])

    with pytest.raises(ValueError, match="niet bereikbaar"):
        odata.download_frame("50090NED", fetch=offline)
