"""Scenario pages and /v1/scenarios on the small store: public reading, the compose form behind the policy
and CSRF, bad input named in Dutch with nothing stored, and the API's problem answers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kansenmonitor.accounts import service
from kansenmonitor.scenarios import create
from kansenmonitor.web.app import create_app
from web.signin import signed_in

from .conftest import BUURTEN, scenario_doc
from .test_scenarios import counts

FORM = {"naam": "Schulden eerst web", "gebied_code": BUURTEN[0], "m1_naam": "Schuldhulp aan huis",
        "m1_doelgroep": "huishoudens met schulden", "m1_doelgroep_indicator": "inwoners", "m1_bereik": "120",
        "m1_kosten": "90000", "m1_looptijd": "2", "m1_indicator": "pct_laag_inkomen", "m1_effect_waarde": "-10",
        "m1_effect_laag": "-18", "m1_effect_hoog": "-2", "m1_effect_bron": "Databank Effectieve Interventies",
        "a1_context": "veel schulden", "a1_mechanisme": "hulp aan huis", "a1_uitkomst": "minder laag inkomen",
        "a1_indicator": "pct_laag_inkomen"}


@pytest.fixture
def app(scn_monitor):
    return create_app(scn_monitor)


def test_read_pages_are_public_and_show_the_arithmetic(app, scn_monitor):
    create(scn_monitor, scenario_doc(naam="Plan A"), actor="a")
    create(scn_monitor, scenario_doc(naam="Plan B", gebied={"naam": "Buitengebied", "buurten": [BUURTEN[1], BUURTEN[2]]}),
           actor="a")
    c = TestClient(app)
    r = c.get("/scenarios")
    assert r.status_code == 200 and "Plan A" in r.text and "Plan B" in r.text
    r = c.get("/scenarios/plan-a")
    assert r.status_code == 200
    assert "bereik × effect per deelnemer ÷ bevolking" in r.text and "procentpunt" in r.text
    assert "Wat niet bekend is" in r.text and "Aannames" in r.text
    r = c.get("/scenarios/plan-a?lang=en")
    assert "The calculation" in r.text
    r = c.get("/scenarios/vergelijk?s=plan-a&s=plan-b&lang=nl")
    assert r.status_code == 200 and "Buitengebied" in r.text and "Kosten per deelnemer" in r.text
    j = c.get("/scenarios/plan-a?format=json").json()
    assert j["outcomes"][0]["change"]["verwacht"] < 0
    assert c.get("/scenarios/plan-a?format=csv").text.startswith("scenario,area,indicator")
    assert c.get("/scenarios/bestaat-niet").status_code == 404


def test_compose_form_needs_a_role_that_may(app, scn_monitor):
    c = TestClient(app)
    r = c.get("/scenarios/nieuw", follow_redirects=False)
    assert r.status_code in (302, 303) and "/aanmelden" in r.headers["location"]
    reader = signed_in(app, scn_monitor, "lezer1", "lezer")
    assert reader.get("/scenarios/nieuw").status_code == 403
    before = counts(scn_monitor)
    assert reader.post("/scenarios", data={**FORM, "actie": "bewaren"}).status_code == 403
    assert counts(scn_monitor) == before


def test_form_without_csrf_is_refused(app, scn_monitor):
    analyst = signed_in(app, scn_monitor, "analist1", "analist")
    before = counts(scn_monitor)
    r = analyst.post("/scenarios", data={**FORM, "actie": "bewaren"}, csrf=False)
    assert r.status_code == 403
    assert counts(scn_monitor) == before


def test_calculate_then_save_through_the_form(app, scn_monitor):
    analyst = signed_in(app, scn_monitor, "analist1", "analist")
    page = analyst.get("/scenarios/nieuw")
    assert page.status_code == 200 and 'name="m1_bereik"' in page.text
    before = counts(scn_monitor)
    r = analyst.post("/scenarios", data={**FORM, "actie": "doorrekenen"})
    assert r.status_code == 200 and "Doorgerekend (nog niet bewaard)" in r.text
    assert counts(scn_monitor) == before
    r = analyst.post("/scenarios", data={**FORM, "actie": "bewaren"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/scenarios/schulden-eerst-web")
    assert counts(scn_monitor)[0] == before[0] + 1


@pytest.mark.parametrize("changes, field, words", [
    ({"m1_bereik": "999999"}, "maatregel 1: bereik", "groter dan de doelgroep"),
    ({"m1_kosten": "-100"}, "maatregel 1: kosten", "mag niet"),
    ({"m1_effect_bron": ""}, "maatregel 1: effect: bron", "zonder bron"),
])
def test_bad_form_input_is_named_and_nothing_stored(app, scn_monitor, changes, field, words):
    analyst = signed_in(app, scn_monitor, "analist1", "analist")
    before = counts(scn_monitor)
    r = analyst.post("/scenarios", data={**FORM, **changes, "actie": "bewaren"})
    assert r.status_code == 400
    assert "Er is niets bewaard" in r.text and field in r.text and words in r.text
    assert 'aria-invalid="true"' in r.text
    assert counts(scn_monitor) == before


def test_api_read_and_write(app, scn_monitor):
    create(scn_monitor, scenario_doc(naam="Plan A"), actor="a")
    c = TestClient(app)
    j = c.get("/v1/scenarios").json()
    assert j["totaal"] == 1 and j["scenarios"][0]["_links"]["self"]["href"] == "/v1/scenarios/plan-a"
    one = c.get("/v1/scenarios/plan-a")
    assert one.status_code == 200 and one.json()["outcomes"][0]["lines"][0]["text"]
    assert c.get("/v1/scenarios/nee").headers["content-type"].startswith("application/problem+json")
    assert c.get("/v1/scenarios/vergelijking").status_code == 400
    assert c.get("/v1/scenarios/vergelijking?ids=plan-a").status_code == 200
    # writing: no token → 401; a reading token → 403; a writing token of an analyst → 201; bad input → 400
    assert c.post("/v1/scenarios", json=scenario_doc(naam="Via API")).status_code == 401
    service.add_account(scn_monitor.store.engine, "api1", "een heel lang testwachtwoord", "analist", "Api", None, None,
                        actor="test")
    read = service.create_token(scn_monitor.store.engine, "api1", "lezen", "lezen", actor="test")
    write = service.create_token(scn_monitor.store.engine, "api1", "schrijven", "schrijven", actor="test")
    h = {"Authorization": f"Bearer {read}"}
    assert c.post("/v1/scenarios", json=scenario_doc(naam="Via API"), headers=h).status_code == 403
    h = {"Authorization": f"Bearer {write}"}
    before = counts(scn_monitor)
    bad = c.post("/v1/scenarios", json=scenario_doc(naam="Via API", maatregelen=[{"naam": "x", "kosten": -1}]),
                 headers=h)
    assert bad.status_code == 400 and any(p["name"] == "maatregel 1: kosten" for p in bad.json()["invalid_params"])
    assert counts(scn_monitor) == before
    good = c.post("/v1/scenarios", json=scenario_doc(naam="Via API"), headers=h)
    assert good.status_code == 201 and good.headers["location"] == "/v1/scenarios/via-api"
