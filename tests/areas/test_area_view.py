"""One view per area: a buurt, wijk, stadsdeel or focus-area profile shows the interventions located there,
the investments, the narratives with consent, and the evaluations and decisions about them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kansenmonitor.core.model import Level, Region
from kansenmonitor.indices.investments import Registry, register_investments
from kansenmonitor.monitor import Monitor
from kansenmonitor.programme.decisions import record_decision
from kansenmonitor.programme.repository import load_programme
from kansenmonitor.web.app import create_app
from kansenmonitor.web.programme.area import area_view
from kansenmonitor.web.service import Site

WESSELERBRINK = ["BU01530603", "BU01530604", "BU01530605", "BU01530606"]


@pytest.fixture
def monitor(tmp_path):
    m = Monitor.open(home=tmp_path, url=f"sqlite:///{tmp_path / 'kansenmonitor.sqlite'}")
    m.sync_catalogue()
    regions = [Region("NL01", "Nederland", Level.LAND, 2024),
               Region("GM0153", "Enschede", Level.GEMEENTE, 2024, parent="NL01"),
               Region("WK015306", "Wijk 06 Enschede-Zuid", Level.WIJK, 2024, parent="GM0153"),
               Region("WK015300", "Wijk 00 Binnensingelgebied", Level.WIJK, 2024, parent="GM0153"),
               Region("BU01530000", "City", Level.BUURT, 2024, parent="WK015300")]
    regions += [Region(b, f"Wesselerbrink {i}", Level.BUURT, 2024, parent="WK015306")
                for i, b in enumerate(WESSELERBRINK)]
    regions += [Region("FG-WESSELERBRINK", "Wesselerbrink", Level.GEBIED, 2024, parent="GM0153",
                       members=tuple(WESSELERBRINK)),
                Region("SD-ENSCHEDE-ZUID", "Stadsdeel Zuid", Level.STADSDEEL, 2024, parent="GM0153",
                       members=tuple(WESSELERBRINK))]
    with m.store.transaction() as w:
        w.upsert_regions(regions)
    yield m
    m.close()


def _plant(m: Monitor):
    rd = load_programme("regio-deal-elk-talent-telt")
    m.store.put_document("evaluation", "schooldag-wesselerbrink", {
        "id": "schooldag-wesselerbrink", "saved_on": "2026-05-01", "method": "did",
        "source": {"programme": rd.id, "intervention": "int-verlengde-schooldag", "indicator": "pct_laag_inkomen"},
        "result": {"estimate": -1.2}})
    record_decision(m.store, rd, "int-verlengde-schooldag", "bijstellen", "De uren sluiten niet aan op de bso.",
                    "Stuurgroep Regio Deal", on="2026-06-01")
    register_investments(m, Registry(investments=[
        {"id": "inv-1", "region": "BU01530603", "party": "Domijn", "amount": 1250000.0, "year": 2026,
         "domain": "wonen", "description": "Renovatie portiekflats"},
        {"id": "inv-2", "region": "BU01530000", "party": "Gemeente", "amount": 5.0e5, "year": 2026,
         "domain": "openbare ruimte", "description": "Elders"}]))


@pytest.mark.parametrize("code", ["FG-WESSELERBRINK", "SD-ENSCHEDE-ZUID", "BU01530603", "WK015306"])
def test_profile_of_every_level_shows_what_happens_there(monitor, code):
    _plant(monitor)
    site = Site(monitor)
    view = area_view(site, site.region(code), "nl")
    rd = next(p for p in view["programmes"] if p["id"] == "regio-deal-elk-talent-telt")
    names = {i["id"]: i for i in rd["interventions"]}
    iv = names["int-verlengde-schooldag"]  # placed in FG-WESSELERBRINK: reaches the buurt, wijk and stadsdeel
    assert iv["status"] and iv["owner"] and iv["budget"] and iv["href"].endswith("/int-verlengde-schooldag")
    assert [e["id"] for e in rd["evaluations"]] == ["schooldag-wesselerbrink"]
    assert rd["evaluations"][0]["method_label"].startswith("verschil-in-verschillen")
    assert [d["decision"] for d in rd["decisions"]] == ["adjust"]
    assert [v["party"] for v in view["investments"]] == ["Domijn"]  # the one in the City is not here
    assert view["investment_total"].startswith("€")


def test_measures_for_the_whole_gemeente_are_counted_not_listed(monitor):
    site = Site(monitor)
    view = area_view(site, site.region("BU01530000"), "nl")
    ke = next(p for p in view["programmes"] if p["id"] == "kansrijk-enschede-2023-2033")
    assert ke["gemeente_wide"] > 0
    assert all("FG-" not in i["href"] for i in ke["interventions"])
    rd = [p for p in view["programmes"] if p["id"] == "regio-deal-elk-talent-telt"]
    assert not rd or "int-verlengde-schooldag" not in {i["id"] for i in rd[0]["interventions"]}


def test_the_page_shows_it(monitor):
    _plant(monitor)
    client = TestClient(create_app(monitor), raise_server_exceptions=False)
    for code in ("SD-ENSCHEDE-ZUID", "FG-WESSELERBRINK"):
        html = client.get(f"/gebieden/{code}").text
        assert "Wat er hier gebeurt" in html
        assert "Verlengde schooldag" in html and "Domijn" in html and "bijstellen" in html.lower()
        assert "Renovatie portiekflats" in html and "None" not in html
    en = client.get("/gebieden/SD-ENSCHEDE-ZUID?lang=en").text
    assert "What is happening here" in en
