"""The public form, the moderation gate on the pages and in /v1, the flood limit, and the CLI."""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from kansenmonitor import participation as pt
from kansenmonitor.cli import app as cli_app
from kansenmonitor.web.app import create_app
from web.signin import FormClient, signed_in

from .conftest import fill, reaction, round_doc


def client(monitor) -> FormClient:
    return FormClient(create_app(monitor), raise_server_exceptions=False)


def test_unmoderated_input_is_never_on_a_public_page_or_the_api(scn_monitor, rnd):
    fill(scn_monitor, rnd, 30, approve=30, prefix="goedgekeurd")
    secret = "NIET-BEOORDEELD geheime tekst"
    pt.submit(scn_monitor.store, rnd, reaction(idea=secret))
    c = client(scn_monitor)
    for path in ("/participatie", "/participatie/centrum", "/participatie/centrum?format=json",
                 "/participatie/centrum?format=csv", "/v1/participatie/rondes", "/v1/participatie/rondes/centrum",
                 "/v1/participatie/rondes/centrum/samenvatting"):
        r = c.get(path)
        assert r.status_code == 200, path
        assert secret not in r.text, path
    page = c.get("/participatie/centrum").text
    assert "goedgekeurd 3" in page and "Wat we hoorden" in page and "Wat de cijfers zeggen" in page
    assert c.get("/v1/participatie/rondes/centrum/samenvatting").json()["heard"]["n"] == 30
    # staff see it on the moderation page, and approving it publishes it
    staff = signed_in(create_app(scn_monitor), scn_monitor, "mod1", "analist")
    assert secret in staff.get("/participatie/centrum/moderatie").text
    waiting = pt.responses(scn_monitor.store, "centrum", "nieuw")[0]["id"]
    r = staff.post("/participatie/centrum/moderatie", data={"reactie": str(waiting), "besluit": "goedgekeurd"},
                   follow_redirects=False)
    assert r.status_code == 303
    assert secret in c.get("/v1/participatie/rondes/centrum/samenvatting").text


def test_below_the_minimum_the_page_says_so_and_shows_no_count(scn_monitor, rnd):
    fill(scn_monitor, rnd, 12, approve=12)
    page = client(scn_monitor).get("/participatie/centrum").text
    assert "te weinig beoordeelde reacties" in page and "idee 3" not in page
    assert " 12 inwoners" not in page


def test_the_public_form_stores_a_reaction_without_an_account(scn_monitor, rnd):
    c = client(scn_monitor)
    form = c.get("/participatie/centrum/meedoen")
    assert form.status_code == 200 and 'name="csrf_token"' in form.text and "Mogen wij uw tekst laten zien?" in form.text
    r = c.post("/participatie/centrum/meedoen", data=reaction(idea="Meer bankjes"), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/participatie/centrum/bedankt")
    stored = pt.responses(scn_monitor.store, "centrum")
    assert len(stored) == 1 and stored[0]["status"] == "nieuw" and stored[0]["idea"] == "Meer bankjes"


def test_without_the_csrf_token_nothing_is_stored(scn_monitor, rnd):
    c = client(scn_monitor)
    c.get("/participatie/centrum/meedoen")
    r = c.post("/participatie/centrum/meedoen", data=reaction(), csrf=False)
    assert r.status_code == 403 and pt.responses(scn_monitor.store, "centrum") == []


def test_bad_input_on_the_form_names_the_field(scn_monitor, rnd):
    c = client(scn_monitor)
    r = c.post("/participatie/centrum/meedoen", data={**reaction(), "rang_inkomen": "7"})
    assert r.status_code == 400 and "plaats voor inkomen" in r.text and "plaats 7 bestaat niet" in r.text
    assert 'href="#rang_inkomen"' in r.text
    r = c.post("/participatie/centrum/meedoen", data={"toestemming": "nee"})
    assert r.status_code == 400 and "u heeft niets ingevuld" in r.text
    assert pt.responses(scn_monitor.store, "centrum") == []


def test_a_flood_from_one_client_is_refused_with_a_dutch_message(scn_monitor, rnd):
    from kansenmonitor.web.participation.routes import FLOOD_LIMIT

    c = client(scn_monitor)
    for _ in range(FLOOD_LIMIT):
        assert c.post("/participatie/centrum/meedoen", data=reaction(), follow_redirects=False).status_code == 303
    r = c.post("/participatie/centrum/meedoen", data=reaction())
    assert r.status_code == 429
    assert "Uw reactie is niet opgeslagen" in r.text and "Probeer het over ongeveer" in r.text
    assert len(pt.responses(scn_monitor.store, "centrum")) == FLOOD_LIMIT


def test_an_unknown_round_is_a_dutch_404(scn_monitor):
    c = client(scn_monitor)
    assert c.get("/participatie/bestaat-niet").status_code == 404
    r = c.get("/v1/participatie/rondes/bestaat-niet")
    assert r.status_code == 404 and "Er is geen inspraakronde" in r.json()["detail"]


def test_the_api_makes_a_round_with_a_staff_token_and_refuses_bad_input(scn_monitor):
    from kansenmonitor.accounts import service
    from web.signin import ensure_account

    ensure_account(scn_monitor, "eig1", "programma-eigenaar", None, "p")
    ensure_account(scn_monitor, "lez1", "lezer")
    c = client(scn_monitor)
    staff = {"Authorization": "Bearer " + service.create_token(scn_monitor.store.engine, "eig1", "t", "schrijven",
                                                               actor="test")}
    reader = {"Authorization": "Bearer " + service.create_token(scn_monitor.store.engine, "lez1", "t", "schrijven",
                                                                actor="test")}
    assert c.post("/v1/participatie/rondes", json=round_doc(), headers=reader, csrf=False).status_code == 403
    bad = c.post("/v1/participatie/rondes", json=round_doc(gebied="WK000000"), headers=staff, csrf=False)
    assert bad.status_code == 400 and bad.json()["invalid_params"][0]["name"] == "gebied"
    assert pt.all_rounds(scn_monitor.store) == []
    ok = c.post("/v1/participatie/rondes", json=round_doc(), headers=staff, csrf=False)
    assert ok.status_code == 201 and ok.headers["location"] == "/v1/participatie/rondes/centrum"


def test_cli_round_new_list_show_summary(scn_monitor, tmp_path):
    run = CliRunner()
    good = tmp_path / "ronde.yaml"
    good.write_text(yaml.safe_dump(round_doc(), allow_unicode=True), encoding="utf-8")
    bad = tmp_path / "fout.yaml"
    bad.write_text(yaml.safe_dump(round_doc(niveau="meepraten"), allow_unicode=True), encoding="utf-8")
    r = run.invoke(cli_app, ["round", "new", str(bad)])
    assert r.exit_code == 2 and "niveau" in r.output and pt.all_rounds(scn_monitor.store) == []
    r = run.invoke(cli_app, ["round", "new", str(good)])
    assert r.exit_code == 0 and "Inspraakronde 'centrum' is gemaakt" in r.output
    assert "adviseren" in run.invoke(cli_app, ["round", "list"]).output
    assert "Dit staat al vast" in run.invoke(cli_app, ["round", "show", "centrum"]).output
    out = run.invoke(cli_app, ["round", "summary", "centrum"]).output
    assert "Nog te weinig beoordeelde reacties" in out
    assert run.invoke(cli_app, ["round", "show", "bestaat-niet"]).exit_code == 2
