"""Editing a programme in the browser and through /v1: validated, all-or-nothing, one audit line per save, no lost
updates (a stale form shows what the other person changed and keeps the input), history per object."""

from __future__ import annotations

import html
import re

import pytest
from edit_fixtures import IID, OTHER, PID, tiny_monitor

from kansenmonitor.accounts import audit, service
from kansenmonitor.programme import stored
from kansenmonitor.web.app import create_app

FORM = f"/programmas/{PID}/interventies/{IID}/bewerken"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    from web.signin import FormClient, signed_in

    home = tmp_path_factory.mktemp("edit") / "home"
    home.mkdir()
    monitor = tiny_monitor(home)
    app = create_app(monitor)
    clients = {"publiek": FormClient(app, raise_server_exceptions=False),
               "eigenaar": signed_in(app, monitor, "eigenaar1", "programma-eigenaar", None, PID),
               "ander": signed_in(app, monitor, "eigenaar2", "programma-eigenaar", None, PID),
               "lezer": signed_in(app, monitor, "lezer1", "lezer"),
               "beheerder": signed_in(app, monitor, "beheer1", "beheerder")}
    yield monitor, app, clients
    monitor.close()


def _hidden(page: str) -> dict:
    return {"versie": re.search(r'name="versie" value="(\d+)"', page).group(1),
            "basis": re.search(r'name="basis" value="(\w+)"', page).group(1)}


def _version(monitor) -> int:
    return stored.version_of(PID, monitor.store)


def test_only_the_owner_of_the_programme_and_the_administrator_may_edit(env):
    monitor, app, c = env
    assert c["eigenaar"].get(FORM).status_code == 200
    assert c["beheerder"].get(FORM).status_code == 200
    assert c["lezer"].get(FORM).status_code == 403
    assert c["publiek"].get(FORM, follow_redirects=False).headers["location"].startswith("/aanmelden")
    # the owner of another programme may not edit this one
    assert c["eigenaar"].get(f"/programmas/{OTHER}/interventies/int-verlengde-schooldag/bewerken").status_code == 403
    page = c["eigenaar"].get(f"/programmas/{PID}/interventies/{IID}").text
    assert f'href="{FORM}"' in page and "Geschiedenis" in page
    assert f'href="{FORM}"' not in c["lezer"].get(f"/programmas/{PID}/interventies/{IID}").text
    assert "bewerken" not in c["publiek"].get(f"/programmas/{PID}").text.lower().split("<main", 1)[-1]


def test_the_form_is_accessible_html(env):
    _m, _a, c = env
    page = c["eigenaar"].get(FORM).text
    assert 'name="csrf_token"' in page and 'name="versie"' in page and 'name="reden"' in page
    assert "<fieldset" in page and "<legend>" in page
    for field in ("name", "owner", "partners", "target_group", "start_year", "end_year", "status", "nieuw_gebied"):
        assert f'<label for="f-{field}">' in page and f'id="f-{field}"' in page, field
    assert "<script" not in page.split("<main", 1)[-1]


def test_a_save_is_stored_logged_and_shown_everywhere(env):
    monitor, app, c = env
    before = _version(monitor)
    hidden = _hidden(c["eigenaar"].get(FORM).text)
    r = c["eigenaar"].post(FORM, data={**hidden, "name": "Derde pm'er in de peutergroep", "start_year": "2024",
                                       "partners": "Kinderopvang Enschede\nGGD Twente", "status": "running",
                                       "reden": "afspraak met de kinderopvang"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:2000]
    assert _version(monitor) == before + 1
    with stored.using(monitor.store):
        from kansenmonitor.programme import available_ids, load_programme

        item = load_programme(PID).intervention(IID)
        assert PID in available_ids()
    assert item.name == "Derde pm'er in de peutergroep" and item.start_year == 2024
    assert item.partners == ["Kinderopvang Enschede", "GGD Twente"]
    assert "Derde pm&#39;er in de peutergroep" in c["publiek"].get(f"/programmas/{PID}/interventies/{IID}").text
    lines = audit.history(monitor.store.engine, "intervention", f"{PID}/{IID}")
    assert lines[-1]["actor"] == "eigenaar1" and lines[-1]["reason"] == "afspraak met de kinderopvang"
    assert lines[-1]["before"]["name"].startswith("Inzet 3e") and lines[-1]["after"]["start_year"] == 2024
    # the CLI and reports (outside a request) read the same store through the bound Monitor
    from kansenmonitor.programme import load_programme

    assert load_programme(PID).intervention(IID).name == "Derde pm'er in de peutergroep"


def test_invalid_input_stores_nothing_and_names_the_field(env):
    monitor, _a, c = env
    before = _version(monitor)
    n_lines = len(audit.history(monitor.store.engine, "intervention", f"{PID}/{IID}"))
    hidden = _hidden(c["eigenaar"].get(FORM).text)
    r = c["eigenaar"].post(FORM, data={**hidden, "name": "Iets", "start_year": "twintig", "end_year": "2020"})
    assert r.status_code == 400
    assert "'twintig' is geen geheel getal" in html.unescape(r.text)  # the importers' message
    assert 'href="#f-start_year"' in r.text and 'aria-describedby="f-start_year-hint e-f-start_year"' in r.text
    assert 'value="twintig"' in r.text  # the input is kept
    r = c["eigenaar"].post(FORM, data={**hidden, "start_year": "2030", "end_year": "2020"})
    assert r.status_code == 400 and "Niet opgeslagen" in r.text
    r = c["eigenaar"].post(FORM, data={**hidden, "nieuw_gebied": "Nergenshuizen"})
    assert r.status_code == 400 and "gebied 'Nergenshuizen' is onbekend" in html.unescape(r.text)
    assert _version(monitor) == before
    assert len(audit.history(monitor.store.engine, "intervention", f"{PID}/{IID}")) == n_lines


def test_places_are_added_by_name_or_code_and_removed(env):
    monitor, _a, c = env
    page = c["eigenaar"].get(FORM).text
    r = c["eigenaar"].post(FORM, data={**_hidden(page), "nieuw_gebied": "wesselerbrink",
                                       "nieuw_adres": "Wesselerbrinkplein 1", "nieuw_plek_naam": "IKC De Brink"},
                           follow_redirects=False)
    assert r.status_code == 303, r.text[:3000]
    _v, programme = stored.stored_programme(PID, monitor.store)
    place = programme.intervention(IID).places[-1]
    assert (place.code, place.address, place.name) == ("WK015306", "Wesselerbrinkplein 1", "IKC De Brink")
    page = c["eigenaar"].get(FORM).text
    n = len(programme.intervention(IID).places) - 1
    assert f'id="f-plek-{n}"' in page
    # two areas are called Centrum; the programme is about Enschede, so its Centrum is meant
    r = c["eigenaar"].post(FORM, data={**_hidden(page), "plek_weg": str(n), "nieuw_gebied": "Centrum"},
                           follow_redirects=False)
    assert r.status_code == 303
    codes = [p.code for p in stored.stored_programme(PID, monitor.store)[1].intervention(IID).places]
    assert "WK015306" not in codes and codes[-1] == "WK015307"


def test_a_stale_form_stores_nothing_and_shows_what_the_other_changed(env):
    monitor, _a, c = env
    mine = _hidden(c["eigenaar"].get(FORM).text)
    theirs = _hidden(c["ander"].get(FORM).text)
    assert mine == theirs
    r = c["ander"].post(FORM, data={**theirs, "owner": "Gemeente Enschede, team Onderwijs"}, follow_redirects=False)
    assert r.status_code == 303
    version = _version(monitor)
    r = c["eigenaar"].post(FORM, data={**mine, "owner": "Stichting Kinderopvang", "target_group": "peuters"})
    assert r.status_code == 409
    assert _version(monitor) == version
    assert "Iemand anders heeft dit intussen gewijzigd" in r.text and "eigenaar2" in r.text
    row = re.search(r'scope="row">Eigenaar \(kartrekker\)</th><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>', r.text)
    assert row and row.groups() == ("Gemeente Enschede, team Onderwijs", "Stichting Kinderopvang")
    assert 'value="Stichting Kinderopvang"' in r.text and 'value="peuters"' in r.text  # input kept
    # sent again from the conflict page (its version is the current one): stored
    again = _hidden(r.text)
    assert int(again["versie"]) == version
    r = c["eigenaar"].post(FORM, data={**again, "owner": "Stichting Kinderopvang"}, follow_redirects=False)
    assert r.status_code == 303
    assert stored.stored_programme(PID, monitor.store)[1].intervention(IID).owner == "Stichting Kinderopvang"


def test_a_stale_form_of_an_unchanged_intervention_is_saved(env):
    """Someone saved another intervention meanwhile: this one did not change, so nothing is lost by saving."""
    monitor, _a, c = env
    other = "int-vve"
    with stored.using(monitor.store):
        from kansenmonitor.programme import load_programme

        other = next(i.id for i in load_programme(PID).interventions if i.id != IID)
    mine = _hidden(c["eigenaar"].get(FORM).text)
    theirs_form = f"/programmas/{PID}/interventies/{other}/bewerken"
    r = c["ander"].post(theirs_form, data={**_hidden(c["ander"].get(theirs_form).text), "target_group": "ouders"},
                        follow_redirects=False)
    assert r.status_code == 303
    r = c["eigenaar"].post(FORM, data={**mine, "target_group": "peuters en ouders"}, follow_redirects=False)
    assert r.status_code == 303
    programme = stored.stored_programme(PID, monitor.store)[1]
    assert programme.intervention(other).target_group == "ouders"
    assert programme.intervention(IID).target_group == "peuters en ouders"


def test_budget_lines_are_added_edited_and_removed(env):
    monitor, _a, c = env
    page = c["eigenaar"].get(f"/programmas/{PID}/begroting/nieuw")
    assert page.status_code == 200
    hidden = _hidden(page.text)
    data = {**hidden, "label": "Extra voorschool", "kind": "expenditure", "table": "ft-2023-2026", "year": "2025",
            "amount": "12.500,50", "source": "npo", "item": IID}
    r = c["eigenaar"].post(f"/programmas/{PID}/begroting/nieuw", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text[:3000]
    programme = stored.stored_programme(PID, monitor.store)[1]
    line = next(b for b in programme.budget if b.label == "Extra voorschool")
    assert (line.amount, line.year, line.source, line.item) == (12500.5, 2025, "npo", IID)
    url = f"/programmas/{PID}/begroting/{line.id}/bewerken"
    hidden = _hidden(c["eigenaar"].get(url).text)
    r = c["eigenaar"].post(url, data={**hidden, "amount": "veel"})
    assert r.status_code == 400 and "'veel' is geen getal" in html.unescape(r.text) and 'href="#f-amount"' in r.text
    r = c["eigenaar"].post(url, data={**hidden, "source": "bestaat-niet"})
    assert r.status_code == 400 and "financieringsbron 'bestaat-niet' bestaat niet" in html.unescape(r.text)
    r = c["eigenaar"].post(url, data={**hidden, "amount": "20000"}, follow_redirects=False)
    assert r.status_code == 303
    assert next(b for b in stored.stored_programme(PID, monitor.store)[1].budget if b.id == line.id).amount == 20000
    hidden = _hidden(c["eigenaar"].get(url).text)
    r = c["eigenaar"].post(url, data={**hidden, "actie": "verwijderen", "reden": "dubbel"}, follow_redirects=False)
    assert r.status_code == 303
    assert all(b.id != line.id for b in stored.stored_programme(PID, monitor.store)[1].budget)
    actions = [x["action"] for x in audit.history(monitor.store.engine, "programme", PID)]
    assert actions[-3:] == ["programme.budget.add", "programme.budget.edit", "programme.budget.remove"]
    assert c["lezer"].get(url).status_code == 403


def test_history_pages_and_exports(env):
    monitor, _a, c = env
    page = c["lezer"].get(f"/programmas/{PID}/interventies/{IID}/geschiedenis")
    assert page.status_code == 200 and "Stichting Kinderopvang" in page.text and "eigenaar1" in page.text
    assert c["publiek"].get(f"/programmas/{PID}/geschiedenis", follow_redirects=False).status_code == 303
    nl = c["lezer"].get(f"/programmas/{PID}/geschiedenis?format=csv-nl")
    assert nl.status_code == 200 and nl.content.startswith("\ufeff".encode())
    header = nl.text.lstrip("\ufeff").splitlines()[0]
    assert header == "at;actor;action;object;field;before;after;reason"
    assert "begrotingsregel verwijderd" in nl.text and "Extra voorschool" in nl.text and "dubbel" in nl.text
    token = service.create_token(monitor.store.engine, "lezer1", "t", "lezen", actor="test")
    r = c["publiek"].get(f"/v1/programmas/{PID}/interventies/{IID}/geschiedenis",
                         headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["totaal"] >= 3
    assert c["publiek"].get(f"/v1/programmas/{PID}/geschiedenis").status_code == 401


def test_api_put_and_patch_need_if_match(env):
    monitor, _a, c = env
    api = c["publiek"]
    url = f"/v1/programmas/{PID}/interventies/{IID}"
    write = service.create_token(monitor.store.engine, "eigenaar1", "w", "schrijven", actor="test")
    read = service.create_token(monitor.store.engine, "eigenaar1", "r", "lezen", actor="test")
    auth = {"Authorization": f"Bearer {write}"}
    r = api.get(url)
    etag = r.headers["ETag"]
    assert etag == f'"{_version(monitor)}"'
    r = api.patch(url, json={"target_group": "x"}, headers=auth)
    assert r.status_code == 428 and r.headers["content-type"].startswith("application/problem+json")
    assert "If-Match" in r.json()["detail"]
    r = api.patch(url, json={"target_group": "x"}, headers={**auth, "If-Match": '"1"'})
    assert r.status_code == 412 and r.headers["ETag"] == etag and "niets opgeslagen" in r.json()["detail"]
    r = api.patch(url, json={"target_group": "x"}, headers={"Authorization": f"Bearer {read}", "If-Match": etag})
    assert r.status_code == 403
    r = api.patch(url, json={"start_year": "twintig"}, headers={**auth, "If-Match": etag})
    assert r.status_code == 400 and "geen geheel getal" in r.json()["invalid_params"][0]["reason"]
    r = api.patch(url, json={"target_group": "via de API", "reden": "koppeling"}, headers={**auth, "If-Match": etag})
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == f'"{int(etag.strip(chr(34))) + 1}"' and r.json()["target_group"] == "via de API"
    new = r.headers["ETag"]
    r = api.put(url, json={"name": "Alleen een naam"}, headers={**auth, "If-Match": new})
    assert r.status_code == 200
    item = stored.stored_programme(PID, monitor.store)[1].intervention(IID)
    assert item.name == "Alleen een naam" and item.owner is None and item.target_group is None  # PUT replaces
    r = api.patch(url, json={"naam": "x"}, headers={**auth, "If-Match": r.headers["ETag"]})
    assert r.status_code == 400 and r.json()["invalid_params"][0]["name"] == "naam"


def _workbook(client, change=None) -> bytes:
    import io

    from openpyxl import load_workbook

    r = client.get(f"/programmas/{PID}/excel/bestand")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    wb = load_workbook(io.BytesIO(r.content))
    if change:
        change(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rename(value: str, column: str = "name"):
    def change(wb) -> None:
        ws = wb["interventions"]
        col = [c.value for c in ws[1]].index(column) + 1
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == IID)
        ws.cell(row, col).value = value
    return change


def test_the_excel_template_replaces_the_structure_all_or_nothing(env):
    monitor, _a, c = env
    url = f"/programmas/{PID}/excel"
    assert c["lezer"].get(url).status_code == 403 and c["lezer"].get(f"{url}/bestand").status_code == 403
    page = c["eigenaar"].get(url)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text and 'for="f-bestand"' in page.text
    version = _version(monitor)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    # an invalid value: the row and column are named, nothing is stored
    bad = _workbook(c["eigenaar"], _rename("bijna klaar", "status"))
    r = c["eigenaar"].post(url, data={"versie": str(version)}, files={"bestand": ("programma.xlsx", bad, xlsx)})
    assert r.status_code == 400, r.text[:3000]
    text = html.unescape(r.text)
    assert "ongeldige waarde 'bijna klaar'" in text and "kolom status" in text and "rij " in text
    assert _version(monitor) == version
    # an area the store does not know (checked as `programme load` checks a file)
    def unknown_area(wb) -> None:
        ws = wb["places"]
        ws.cell(2, [c.value for c in ws[1]].index("code") + 1).value = "WK099999"

    r = c["eigenaar"].post(url, data={"versie": str(version)},
                           files={"bestand": ("programma.xlsx", _workbook(c["eigenaar"], unknown_area), xlsx)})
    assert r.status_code == 400 and "gebied 'WK099999' is onbekend" in html.unescape(r.text)
    assert _version(monitor) == version
    # a stale upload form: nothing stored
    good = _workbook(c["eigenaar"], _rename("Via Excel hernoemd"))
    r = c["eigenaar"].post(url, data={"versie": str(version - 1)}, files={"bestand": ("programma.xlsx", good, xlsx)})
    assert r.status_code == 409 and "intussen gewijzigd" in r.text and _version(monitor) == version
    assert "De laatste wijziging is van eigenaar" in r.text  # who saved last
    r = c["eigenaar"].post(url, data={"versie": str(version)}, files={"bestand": ("programma.txt", good, "text/plain")})
    assert r.status_code == 400 and "geen .xlsx-bestand" in r.text
    r = c["eigenaar"].post(url, data={"versie": str(version), "reden": "jaarplan 2025"},
                           files={"bestand": ("programma.xlsx", good, xlsx)}, follow_redirects=False)
    assert r.status_code == 303, r.text[:3000]
    assert _version(monitor) == version + 1
    assert stored.stored_programme(PID, monitor.store)[1].intervention(IID).name == "Via Excel hernoemd"
    last = audit.history(monitor.store.engine, "programme", PID)[-1]
    assert last["action"] == "programme.excel" and last["reason"] == "jaarplan 2025"
    assert last["after"]["gewijzigde interventies"] == "Via Excel hernoemd"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_ids_or_tokens_where_people_read(env, lang):
    """The scanner of tests/web/test_visible_words.py on the edit, conflict and history pages."""
    from web.test_visible_words import FORBIDDEN, INFORMAL, visible_text

    _m, _a, c = env
    line = next(b.id for b in stored.stored_programme(PID, _m.store)[1].budget if b.item)
    pages = [f"/programmas/{PID}/bewerken", FORM, f"/programmas/{PID}/begroting/nieuw",
             f"/programmas/{PID}/begroting/{line}/bewerken", f"/programmas/{PID}/excel",
             f"/programmas/{PID}/geschiedenis", f"/programmas/{PID}/interventies/{IID}/geschiedenis"]
    texts = {p: c["eigenaar"].get(f"{p}{'&' if '?' in p else '?'}lang={lang}") for p in pages}
    stale = c["eigenaar"].post(f"{FORM}?lang={lang}", data={"versie": "0", "basis": "x", "owner": "iemand"})
    assert stale.status_code == 409
    texts["conflict"] = stale
    for page, r in texts.items():
        assert r.status_code == 200 or page == "conflict", (page, r.status_code)
        text = visible_text(r.text)
        for what, pattern in FORBIDDEN.items():
            found = sorted({m.group(0) for m in re.finditer(pattern, text)})
            assert not found, f"{page} ({lang}) shows {what}: {found[:5]}"
        if lang == "nl":
            assert not re.search(INFORMAL, text, flags=re.IGNORECASE), page
    history = visible_text(texts[f"/programmas/{PID}/geschiedenis"].text)
    assert ("intervention edited" if lang == "en" else "interventie bewerkt") in history


def test_a_programme_without_budget_tables_says_what_to_do(env):
    monitor, _a, c = env
    url = f"/programmas/{OTHER}/begroting/nieuw"
    page = c["beheerder"].get(url)
    assert page.status_code == 200 and "nog geen begrotingstabel" in page.text
    r = c["beheerder"].post(url, data={**_hidden(page.text), "label": "x", "kind": "expenditure", "amount": "10"})
    assert r.status_code == 400 and "vul dit veld in" in r.text and 'href="#f-table"' in r.text
    assert stored.version_of(OTHER, monitor.store) == 0
