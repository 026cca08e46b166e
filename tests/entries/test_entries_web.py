"""Reporting in the browser and the API: who may report on what, errors linked to fields, self-approval refused,
and publiek never sees concepts or unconsented narratives (pages and ``/v1``)."""

from __future__ import annotations

import re
import shutil

import pytest
from fastapi.testclient import TestClient

from kansenmonitor import entries as en
from kansenmonitor.accounts import service
from kansenmonitor.monitor import Monitor
from kansenmonitor.web.app import create_app

PID = "kansrijk-enschede-2023-2033"
IV = "int-naschools"  # Concordia is a partner
OTHER_IV = "int-3e-pmer"  # Concordia is not
ACCOUNTS = [("partner1", "partner", "Concordia", None), ("eigenaar1", "programma-eigenaar", None, PID),
            ("beheer1", "beheerder", None, None), ("lezer1", "lezer", None, None)]


@pytest.fixture(scope="module")
def env(demo_home, tmp_path_factory):
    from web.signin import FormClient, signed_in

    home = tmp_path_factory.mktemp("entries-web") / "home"
    shutil.copytree(demo_home, home)
    monitor = Monitor.open(home=home, url=f"sqlite:///{home / 'kansenmonitor.sqlite'}")
    app = create_app(monitor)
    clients = {"publiek": FormClient(app, raise_server_exceptions=False)}
    tokens = {}
    for username, role, org, prog in ACCOUNTS:
        clients[role] = signed_in(app, monitor, username, role, org, prog)
        tokens[role] = service.create_token(monitor.store.engine, username, "test", "schrijven", actor="test")
    api = TestClient(app, raise_server_exceptions=False)
    yield {"monitor": monitor, "app": app, "c": clients, "tokens": tokens, "api": api}
    monitor.close()


def _entries(env) -> list[en.Entry]:
    return en.entries(env["monitor"].store, PID)


def _report(client, **form):
    return client.post(f"/programmas/{PID}/rapporteren", data={"interventie": IV, **form}, follow_redirects=False)


def _auth(env, role):
    return {"Authorization": f"Bearer {env['tokens'][role]}"}


def test_partner_sees_only_its_own_interventions_and_cannot_report_on_others(env):
    page = env["c"]["partner"].get(f"/programmas/{PID}/rapporteren")
    assert page.status_code == 200
    assert f'value="{IV}"' in page.text and f'value="{OTHER_IV}"' not in page.text
    before = len(_entries(env))
    r = env["c"]["partner"].post(f"/programmas/{PID}/rapporteren", data={
        "interventie": OTHER_IV, "soort": "uitgaven", "jaar": "2024", "bedrag": "100", "bron": "npo"},
        follow_redirects=False)
    assert r.status_code == 403
    r = env["api"].post(f"/v1/programmas/{PID}/meldingen", json={"interventie": OTHER_IV, "soort": "uitgaven",
                                                                 "jaar": 2024, "bedrag": 100, "bron": "npo"},
                        headers=_auth(env, "partner"))
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
    assert len(_entries(env)) == before
    assert env["c"]["lezer"].get(f"/programmas/{PID}/rapporteren", follow_redirects=False).status_code == 403


def test_bad_input_is_shown_at_the_top_linked_to_the_field_and_nothing_is_stored(env):
    before = len(_entries(env))
    r = _report(env["c"]["partner"], soort="uitgaven", jaar="2024", bedrag="veel", bron="npo")
    assert r.status_code == 400
    assert 'href="#bedrag">Bedrag in euro</a>' in r.text and 'id="fout-bedrag"' in r.text  # the label, not the id
    assert re.search(r'id="bedrag"[^>]*aria-invalid="true"', r.text)
    assert "geen getal" in r.text
    assert 'value="veel"' in r.text  # what the user typed is kept
    assert len(_entries(env)) == before
    r = env["api"].post(f"/v1/programmas/{PID}/meldingen", json={"interventie": IV, "soort": "verhaal",
                                                                 "tekst": "x", "soort_bron": "quote"},
                        headers=_auth(env, "partner"))
    assert r.status_code == 400 and [p["name"] for p in r.json()["invalid_params"]] == ["toestemming"]
    assert len(_entries(env)) == before


def test_concepts_are_internal_until_a_second_person_approves(env):
    r = _report(env["c"]["partner"], soort="uitgaven", jaar="2024", bedrag="4321", bron="npo")
    assert r.status_code == 303
    eid = r.headers["location"].split("/meldingen/")[1].split("?")[0]
    page = env["c"]["partner"].get(r.headers["location"])
    assert page.status_code == 200 and "concept" in page.text and "partner1" in page.text  # the history
    listed_page = env["c"]["partner"].get(f"/programmas/{PID}/rapporteren")
    assert f"/programmas/{PID}/meldingen/{eid}" in listed_page.text  # the reporter sees its own entries
    # publiek: no concept anywhere
    assert env["c"]["publiek"].get(f"/programmas/{PID}/meldingen/{eid}", follow_redirects=False).status_code == 303
    listed = env["api"].get(f"/v1/programmas/{PID}/meldingen").json()["meldingen"]
    assert eid not in [m["id"] for m in listed]
    assert env["api"].get(f"/v1/programmas/{PID}/meldingen/{eid}").status_code == 404
    assert env["api"].get(f"/v1/programmas/{PID}/financien?tabel=gerealiseerd").status_code == 400
    assert "4321" not in env["c"]["publiek"].get(f"/programmas/{PID}/interventies/{IV}").text.replace(".", "")
    # staff who may read internal figures see it, marked concept
    staff = env["api"].get(f"/v1/programmas/{PID}/meldingen", headers=_auth(env, "lezer")).json()["meldingen"]
    assert [m["status"] for m in staff if m["id"] == eid] == ["concept"]
    # the partner cannot approve; the programme owner sees it in the queue and approves
    assert env["c"]["partner"].get(f"/programmas/{PID}/vaststellen", follow_redirects=False).status_code == 403
    queue = env["c"]["programma-eigenaar"].get(f"/programmas/{PID}/vaststellen")
    assert f"/meldingen/{eid}/vaststelling" in queue.text
    r = env["c"]["programma-eigenaar"].post(f"/programmas/{PID}/meldingen/{eid}/vaststelling",
                                            data={"besluit": "vastgesteld"}, follow_redirects=False)
    assert r.status_code == 303
    rows = env["api"].get(f"/v1/programmas/{PID}/financien?tabel=gerealiseerd").json()["rijen"]
    assert "4321" in str(rows)
    assert env["api"].get(f"/v1/programmas/{PID}/meldingen/{eid}").json()["status"] == "vastgesteld"


def test_self_approval_is_refused_on_the_page_and_in_the_api(env):
    r = _report(env["c"]["programma-eigenaar"], soort="proces", indicator="ind-vve-bereik", periode="2024",
                waarde="88")
    assert r.status_code == 303
    eid = r.headers["location"].split("/meldingen/")[1].split("?")[0]
    queue = env["c"]["programma-eigenaar"].get(f"/programmas/{PID}/vaststellen")
    assert f"/meldingen/{eid}/vaststelling" not in queue.text  # not your own
    r = env["c"]["programma-eigenaar"].post(f"/programmas/{PID}/meldingen/{eid}/vaststelling",
                                            data={"besluit": "vastgesteld"}, follow_redirects=False)
    assert r.status_code == 400 and "eigen melding" in r.text
    r = env["api"].post(f"/v1/programmas/{PID}/meldingen/{eid}/vaststelling", json={"besluit": "vastgesteld"},
                        headers=_auth(env, "programma-eigenaar"))
    assert r.status_code == 403 and "eigen melding" in r.json()["detail"]
    assert en.get_entry(env["monitor"].store, eid).state == en.CONCEPT
    r = env["api"].post(f"/v1/programmas/{PID}/meldingen/{eid}/vaststelling", json={"besluit": "afgewezen"},
                        headers=_auth(env, "beheerder"))
    assert r.status_code == 400 and r.json()["invalid_params"][0]["name"] == "reden"
    r = env["api"].post(f"/v1/programmas/{PID}/meldingen/{eid}/vaststelling",
                        json={"besluit": "afgewezen", "reden": "dubbel gemeld"}, headers=_auth(env, "beheerder"))
    assert r.status_code == 201 and r.json()["status"] == "afgewezen"
    r = env["api"].post(f"/v1/programmas/{PID}/meldingen/{eid}/vaststelling", json={"besluit": "vastgesteld"},
                        headers=_auth(env, "beheerder"))
    assert r.status_code == 409


def test_publiek_and_partner_never_see_an_unconsented_narrative(env):
    secret = "Dit verhaal mag niemand buiten de gemeente lezen."
    r = env["api"].post(f"/v1/programmas/{PID}/meldingen", json={
        "interventie": IV, "soort": "verhaal", "tekst": secret, "soort_bron": "story", "toestemming": "nee",
        "persoon": "Fatima"}, headers=_auth(env, "partner"))
    assert r.status_code == 201, r.text
    eid = r.json()["id"]
    assert secret not in r.text  # not even back to the partner who entered it
    r = env["api"].post(f"/v1/programmas/{PID}/meldingen/{eid}/vaststelling", json={"besluit": "vastgesteld"},
                        headers=_auth(env, "programma-eigenaar"))
    assert r.status_code == 201 and secret in r.text  # the approver reads what they approve
    for role in ("publiek", "partner"):
        headers = {} if role == "publiek" else _auth(env, role)
        for path in (f"/v1/programmas/{PID}/meldingen", f"/v1/programmas/{PID}/meldingen/{eid}",
                     f"/v1/programmas/{PID}/interventies/{IV}"):
            body = env["api"].get(path, headers=headers).text
            assert secret not in body and "Fatima" not in body, (role, path)
        for path in (f"/programmas/{PID}/meldingen/{eid}", f"/programmas/{PID}/interventies/{IV}"):
            body = env["c"][role].get(path).text
            assert secret not in body and "Fatima" not in body, (role, path)


def test_links_on_the_programme_page_only_for_those_who_may(env):
    for role, report, approve in (("publiek", False, False), ("lezer", False, False), ("partner", True, False),
                                  ("programma-eigenaar", True, True), ("beheerder", True, True)):
        text = env["c"][role].get(f"/programmas/{PID}").text
        assert (f"/programmas/{PID}/rapporteren" in text) == report, role
        assert (f"/programmas/{PID}/vaststellen" in text) == approve, role


def test_rejecting_without_a_reason_links_the_error_to_the_reason_field(env):
    r = _report(env["c"]["partner"], soort="meting", indicator="ind-vsv", periode="2024", waarde="2.1")
    assert r.status_code == 303
    eid = r.headers["location"].split("/meldingen/")[1].split("?")[0]
    r = env["c"]["beheerder"].post(f"/programmas/{PID}/meldingen/{eid}/vaststelling", data={"besluit": "afgewezen"},
                                   follow_redirects=False)
    assert r.status_code == 400
    assert f'href="#reden-{eid}"' in r.text
    assert re.search(rf'id="reden-{eid}"[^>]*aria-invalid="true" aria-describedby="fout-reden-{eid}"', r.text)
    assert en.get_entry(env["monitor"].store, eid).state == en.CONCEPT


def test_staff_see_a_concept_figure_marked_concept_on_the_programme_pages(env):
    r = _report(env["c"]["partner"], soort="proces", indicator="ind-bibliotheek-op-school", periode="2026",
                waarde="31")
    assert r.status_code == 303
    eid = r.headers["location"].split("/meldingen/")[1].split("?")[0]
    body = env["api"].get(f"/v1/programmas/{PID}/indicatoren", headers=_auth(env, "lezer")).text
    assert f"melding {eid} (concept" in body
    assert f"melding {eid}" not in env["api"].get(f"/v1/programmas/{PID}/indicatoren").text


# -- in the browser ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def entries_server(env):
    from web.axe import CHROMIUM, serve_in_thread

    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed")
    with serve_in_thread(env["app"]) as url:
        yield url


def _signed_in_context(browser, server: str, username: str):
    from web.signin import PASSWORD

    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(server + "/aanmelden")
    page.fill("#f-gebruikersnaam", username)
    page.fill("#f-wachtwoord", PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    page.close()
    assert "km_sessie" in {c["name"] for c in ctx.cookies()}, "not signed in"
    return ctx


@pytest.mark.browser
def test_reporting_pages_are_accessible_and_keyboard_usable(env, entries_server, browser):
    from web.axe import AXE_URL, assert_accessible

    ctx = _signed_in_context(browser, entries_server, "partner1")
    base = f"/programmas/{PID}/rapporteren?interventie={IV}&soort="
    for kind in ("", "uitgaven", "proces", "meting", "verhaal", "besluit"):
        assert_accessible(entries_server, ctx, base + kind, statuses=(200,))
    # keyboard only: fill the spending form with a bad amount, send it, follow the error link to the field
    page = ctx.new_page()
    page.goto(entries_server + base + "uitgaven")
    page.focus("#jaar")
    page.keyboard.type("2024")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "bedrag"
    page.keyboard.type("veel")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "bron"
    page.keyboard.press("ArrowDown")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")
    page.wait_for_selector("#fouten")
    page.add_script_tag(url=entries_server + AXE_URL)
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    assert not [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
    page.focus('#fouten a[href="#bedrag"]')
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#bedrag"
    page.close()
    ctx.close()
    owner = _signed_in_context(browser, entries_server, "eigenaar1")
    from kansenmonitor.programme.repository import load_programme

    eid = en.create_entry(env["monitor"].store, load_programme(PID), "verhaal", IV,
                          {"tekst": "Een verhaal", "soort_bron": "quote", "toestemming": "ja"}, "partner1").id
    assert_accessible(entries_server, owner, f"/programmas/{PID}/vaststellen", statuses=(200,))
    assert_accessible(entries_server, owner, f"/programmas/{PID}/meldingen/{eid}", statuses=(200,))
    owner.close()
