"""The role matrix: every page route and API operation × every role → allowed or refused, declared in one
table (:data:`MATRIX`). A route missing from the table fails the test, so a new route must be classified.

Allowed means: not refused (any status but 401/403 and no redirect to the sign-in page). Write routes are
tried with input that does not validate, so a test run stores nothing. Disclosure control applies to every
role: a value below its minimum count is withheld from each of them.
"""

from __future__ import annotations

import pytest
from starlette.routing import Mount

from kansenmonitor.accounts import service

from .conftest import ROLES

ALL = frozenset(ROLES)
SIGNED_IN = ALL - {"publiek"}
ANALYSTS = frozenset({"analist", "beheerder"})
SCENARIO_MAKERS = frozenset({"programma-eigenaar", "analist", "beheerder"})

P = "regio-deal-elk-talent-telt"
IV = "int-bereik-voorschool"
BAD_EVALUATION = {"naam": "Geen Geldige Naam", "programma": P, "interventie": IV, "indicator": "inwoners",
                  "start": "2020"}

BAD_SCENARIO = {"naam": "", "actie": "bewaren"}
#: the participation round the matrix tries (made in tests/accounts/conftest.py); empty input stores nothing
R = "matrix-ronde"
PARTICIPATION_STAFF = frozenset({"programma-eigenaar", "analist", "beheerder"})

#: report entries are tried on the programme of the programme owner's account, on an intervention that has the
#: partner's organisation among its partners (RIV); the forms lack their figures, so nothing is stored
RIV = "int-naschools"
REPORTERS = frozenset({"partner", "programma-eigenaar", "beheerder"})
APPROVERS = frozenset({"programma-eigenaar", "beheerder"})
#: the programme the programma-eigenaar of the matrix owns (tests/accounts/conftest.py), to try the edit routes on
K = "kansrijk-enschede-2023-2033"
KIV = "int-3e-pmer"
KLINE = "ft-2023-amb-a"
PROGRAMME_EDITORS = frozenset({"programma-eigenaar", "beheerder"})
HISTORY_READERS = frozenset({"lezer", "programma-eigenaar", "analist", "beheerder"})
#: input that does not validate (a year that is no number): an editor gets the form back, nothing is stored
BAD_EDIT = {"start_year": "twintig", "amount": "veel", "versie": "x"}

#: (method, route) → (path to try, form to post or None, roles that may)
MATRIX: dict[tuple[str, str], tuple[str, dict | None, frozenset]] = {
    ("GET", "/"): ("/", None, ALL),
    ("GET", "/kaart"): ("/kaart", None, ALL),
    ("GET", "/kaart/geometrie"): ("/kaart/geometrie?niveau=wijk&gemeente=GM0153", None, ALL),
    ("GET", "/gebieden"): ("/gebieden", None, ALL),
    ("GET", "/gebieden/{code}"): ("/gebieden/WK015306", None, ALL),
    ("GET", "/indicatoren"): ("/indicatoren", None, ALL),
    ("GET", "/indicatoren/{iid}"): ("/indicatoren/inwoners", None, ALL),
    ("GET", "/vergelijk"): ("/vergelijk", None, ALL),
    ("GET", "/over"): ("/over", None, ALL),
    ("GET", "/indices"): ("/indices", None, ALL),
    ("GET", "/indices/{iid}"): ("/indices/urgentie", None, ALL),
    ("GET", "/indices/{iid}/gebieden/{code}"): ("/indices/urgentie/gebieden/WK015306", None, ALL),
    ("GET", "/indices/{iid}/samenhang"): ("/indices/urgentie/samenhang", None, ALL),
    ("GET", "/indices/{iid}/investeringen"): ("/indices/urgentie/investeringen", None, ALL),
    ("GET", "/doelgroep"): ("/doelgroep", None, ALL),
    ("GET", "/programmas"): ("/programmas", None, ALL),
    ("GET", "/programmas/{pid}"): (f"/programmas/{P}", None, ALL),
    ("GET", "/programmas/{pid}/interventies/{iid}"): (f"/programmas/{P}/interventies/{IV}", None, ALL),
    ("GET", "/programmas/{pid}/ambities/{aid}"): (f"/programmas/{P}/ambities/amb-onderwijscarrieres", None, ALL),
    # editing a programme: its own programma-eigenaar and the beheerder; the history: roles with read_history
    ("GET", "/programmas/{pid}/bewerken"): (f"/programmas/{K}/bewerken", None, PROGRAMME_EDITORS),
    ("GET", "/programmas/{pid}/interventies/{iid}/bewerken"): (f"/programmas/{K}/interventies/{KIV}/bewerken", None,
                                                               PROGRAMME_EDITORS),
    ("POST", "/programmas/{pid}/interventies/{iid}/bewerken"): (f"/programmas/{K}/interventies/{KIV}/bewerken",
                                                                BAD_EDIT, PROGRAMME_EDITORS),
    ("GET", "/programmas/{pid}/begroting/nieuw"): (f"/programmas/{K}/begroting/nieuw", None, PROGRAMME_EDITORS),
    ("POST", "/programmas/{pid}/begroting/nieuw"): (f"/programmas/{K}/begroting/nieuw", BAD_EDIT, PROGRAMME_EDITORS),
    ("GET", "/programmas/{pid}/begroting/{bid}/bewerken"): (f"/programmas/{K}/begroting/{KLINE}/bewerken", None,
                                                            PROGRAMME_EDITORS),
    ("POST", "/programmas/{pid}/begroting/{bid}/bewerken"): (f"/programmas/{K}/begroting/{KLINE}/bewerken", BAD_EDIT,
                                                             PROGRAMME_EDITORS),
    ("GET", "/programmas/{pid}/excel"): (f"/programmas/{K}/excel", None, PROGRAMME_EDITORS),
    ("POST", "/programmas/{pid}/excel"): (f"/programmas/{K}/excel", BAD_EDIT, PROGRAMME_EDITORS),  # (no file: 400)
    ("GET", "/programmas/{pid}/excel/bestand"): (f"/programmas/{K}/excel/bestand", None, PROGRAMME_EDITORS),
    ("GET", "/programmas/{pid}/geschiedenis"): (f"/programmas/{K}/geschiedenis", None, HISTORY_READERS),
    ("GET", "/programmas/{pid}/interventies/{iid}/geschiedenis"): (f"/programmas/{K}/interventies/{KIV}/geschiedenis",
                                                                   None, HISTORY_READERS),
    ("GET", "/evaluaties"): ("/evaluaties", None, ALL),
    ("POST", "/evaluaties"): ("/evaluaties", BAD_EVALUATION, ANALYSTS),
    ("GET", "/evaluaties/nieuw"): ("/evaluaties/nieuw", None, ALL),
    ("GET", "/evaluaties/resultaat"): ("/evaluaties/resultaat", None, ALL),
    ("GET", "/evaluaties/{name}"): ("/evaluaties/bestaat-niet", None, ALL),
    ("GET", "/aanmelden"): ("/aanmelden", None, ALL),
    ("POST", "/aanmelden"): ("/aanmelden", {"gebruikersnaam": "", "wachtwoord": ""}, ALL),
    # single sign-on (not configured on the matrix app: both say so, to everyone)
    ("GET", "/aanmelden/sso"): ("/aanmelden/sso", None, ALL),
    ("GET", "/aanmelden/sso/terug"): ("/aanmelden/sso/terug?code=x&state=y", None, ALL),
    ("POST", "/afmelden"): ("/afmelden", None, ALL),  # (tried last: it ends the session)
    ("GET", "/account"): ("/account", None, SIGNED_IN),
    ("GET", "/scholen"): ("/scholen", None, ALL),
    ("GET", "/scholen/kiezen"): ("/scholen/kiezen", None, ALL),
    ("GET", "/scholen/jeugd"): ("/scholen/jeugd", None, ALL),
    ("GET", "/scholen/{code}"): ("/scholen/12KM00", None, ALL),
    ("GET", "/zoek"): ("/zoek?q=Wesselerbrink", None, ALL),
    ("GET", "/enquetes"): ("/enquetes", None, ALL),
    ("GET", "/enquetes/aandelen"): ("/enquetes/aandelen", None, ALL),
    ("GET", "/enquetes/klassen"): ("/enquetes/klassen", None, ALL),
    ("GET", "/enquetes/netwerk"): ("/enquetes/netwerk", None, ALL),
    ("GET", "/enquetes/modelschattingen"): ("/enquetes/modelschattingen", None, ALL),
    ("GET", "/enquetes/themas"): ("/enquetes/themas", None, ALL),
    ("GET", "/netwerken"): ("/netwerken", None, ALL),
    ("GET", "/netwerken/{naam}"): ("/netwerken/samenwerking-enschede-zuid", None, ALL),
    ("GET", "/rapporten"): ("/rapporten", None, ALL),
    ("GET", "/rapporten/maak"): ("/rapporten/maak", None, ALL),
    ("GET", "/rapporten/{name}"): ("/rapporten/bestaat-niet", None, ALL),
    ("GET", "/rapporten/{name}/{code}"): ("/rapporten/bestaat-niet/WK015306", None, ALL),
    # the presentation of an area for a residents' evening: public, as the profile it is made of
    ("GET", "/gebieden/{code}/presentatie"): ("/gebieden/BU99999999/presentatie", None, ALL),
    ("GET", "/gebieden/{code}/presentatie/bestand"): ("/gebieden/BU99999999/presentatie/bestand", None, ALL),
    ("GET", "/gebieden/{code}/presentatie/hand-out"): ("/gebieden/BU99999999/presentatie/hand-out", None, ALL),
    ("GET", "/scenarios"): ("/scenarios", None, ALL),
    ("POST", "/scenarios"): ("/scenarios", BAD_SCENARIO, SCENARIO_MAKERS),
    ("GET", "/scenarios/nieuw"): ("/scenarios/nieuw", None, SCENARIO_MAKERS),
    ("GET", "/scenarios/vergelijk"): ("/scenarios/vergelijk", None, ALL),
    ("GET", "/scenarios/{sid}"): ("/scenarios/bestaat-niet", None, ALL),
    ("GET", "/participatie"): ("/participatie", None, ALL),
    ("GET", "/participatie/{rid}"): (f"/participatie/{R}", None, ALL),
    ("GET", "/participatie/{rid}/meedoen"): (f"/participatie/{R}/meedoen", None, ALL),
    ("POST", "/participatie/{rid}/meedoen"): (f"/participatie/{R}/meedoen", {"toestemming": ""}, ALL),
    ("GET", "/participatie/{rid}/bedankt"): (f"/participatie/{R}/bedankt", None, ALL),
    ("GET", "/participatie/{rid}/moderatie"): (f"/participatie/{R}/moderatie", None, PARTICIPATION_STAFF),
    ("POST", "/participatie/{rid}/moderatie"): (f"/participatie/{R}/moderatie", {"reactie": ""},
                                                PARTICIPATION_STAFF),
    ("GET", "/programmas/{pid}/rapporteren"): (f"/programmas/{K}/rapporteren", None, REPORTERS),
    ("POST", "/programmas/{pid}/rapporteren"): (f"/programmas/{K}/rapporteren",
                                                 {"interventie": RIV, "soort": "uitgaven"}, REPORTERS),
    ("GET", "/programmas/{pid}/vaststellen"): (f"/programmas/{K}/vaststellen", None, APPROVERS),
    ("GET", "/programmas/{pid}/meldingen/{eid}"): (f"/programmas/{K}/meldingen/bestaat-niet", None, ALL),
    ("POST", "/programmas/{pid}/meldingen/{eid}/vaststelling"): (
        f"/programmas/{K}/meldingen/bestaat-niet/vaststelling", {"besluit": "vastgesteld"}, APPROVERS),
    # the API: reading is public; a token only says who is asking
    ("GET", "/v1/openapi.json"): ("/v1/openapi.json", None, ALL),
    ("GET", "/v1/gebieden"): ("/v1/gebieden?niveau=wijk", None, ALL),
    ("GET", "/v1/gebieden/{code}"): ("/v1/gebieden/WK015306", None, ALL),
    ("GET", "/v1/gebieden/{code}/vergelijkbaar"): ("/v1/gebieden/WK015306/vergelijkbaar", None, ALL),
    ("GET", "/v1/indicatoren"): ("/v1/indicatoren", None, ALL),
    ("GET", "/v1/indicatoren/{iid}"): ("/v1/indicatoren/inwoners", None, ALL),
    ("GET", "/v1/waarnemingen"): ("/v1/waarnemingen?indicator=inwoners&gemeente=GM0153", None, ALL),
    ("GET", "/v1/indices"): ("/v1/indices", None, ALL),
    ("GET", "/v1/indices/{iid}"): ("/v1/indices/urgentie", None, ALL),
    ("GET", "/v1/indices/{iid}/scores"): ("/v1/indices/urgentie/scores", None, ALL),
    ("GET", "/v1/indices/{iid}/samenhang"): ("/v1/indices/urgentie/samenhang", None, ALL),
    ("GET", "/v1/doelgroepen"): ("/v1/doelgroepen", None, ALL),
    ("GET", "/v1/programmas"): ("/v1/programmas", None, ALL),
    ("GET", "/v1/programmas/{pid}"): (f"/v1/programmas/{P}", None, ALL),
    ("GET", "/v1/programmas/{pid}/financien"): (f"/v1/programmas/{P}/financien", None, ALL),
    ("GET", "/v1/programmas/{pid}/interventies"): (f"/v1/programmas/{P}/interventies", None, ALL),
    ("GET", "/v1/programmas/{pid}/interventies/{iid}"): (f"/v1/programmas/{P}/interventies/{IV}", None, ALL),
    ("GET", "/v1/programmas/{pid}/interventies/{iid}/evaluaties/{name}"): (
        f"/v1/programmas/{P}/interventies/{IV}/evaluaties/bestaat-niet", None, ALL),
    ("GET", "/v1/programmas/{pid}/indicatoren"): (f"/v1/programmas/{P}/indicatoren", None, ALL),
    ("GET", "/v1/programmas/{pid}/besluiten"): (f"/v1/programmas/{P}/besluiten", None, ALL),
    ("GET", "/v1/programmas/{pid}/meldingen"): (f"/v1/programmas/{K}/meldingen", None, ALL),
    ("GET", "/v1/programmas/{pid}/meldingen/{eid}"): (f"/v1/programmas/{K}/meldingen/bestaat-niet", None, ALL),
    ("POST", "/v1/programmas/{pid}/meldingen"): (f"/v1/programmas/{K}/meldingen", {"soort": ""}, REPORTERS),
    ("POST", "/v1/programmas/{pid}/meldingen/{eid}/vaststelling"): (
        f"/v1/programmas/{K}/meldingen/bestaat-niet/vaststelling", {"besluit": ""}, APPROVERS),
    # writing an intervention: a write token of an editor (without If-Match: 428, nothing stored)
    ("PUT", "/v1/programmas/{pid}/interventies/{iid}"): (f"/v1/programmas/{K}/interventies/{KIV}", {"name": ""},
                                                         PROGRAMME_EDITORS),
    ("PATCH", "/v1/programmas/{pid}/interventies/{iid}"): (f"/v1/programmas/{K}/interventies/{KIV}", {"name": ""},
                                                           PROGRAMME_EDITORS),
    ("GET", "/v1/programmas/{pid}/geschiedenis"): (f"/v1/programmas/{K}/geschiedenis", None, HISTORY_READERS),
    ("GET", "/v1/programmas/{pid}/interventies/{iid}/geschiedenis"): (
        f"/v1/programmas/{K}/interventies/{KIV}/geschiedenis", None, HISTORY_READERS),
    ("GET", "/v1/evaluaties"): ("/v1/evaluaties", None, ALL),
    ("GET", "/v1/evaluaties/ontwerp"): ("/v1/evaluaties/ontwerp", None, ALL),
    ("GET", "/v1/evaluaties/schatting"): ("/v1/evaluaties/schatting", None, ALL),
    ("GET", "/v1/evaluaties/{name}"): ("/v1/evaluaties/bestaat-niet", None, ALL),
    ("GET", "/v1/besluiten"): ("/v1/besluiten", None, ALL),
    ("GET", "/v1/ik"): ("/v1/ik", None, ALL),
    ("GET", "/v1/scholen"): ("/v1/scholen", None, ALL),
    ("GET", "/v1/scholen/selectie"): ("/v1/scholen/selectie", None, ALL),
    ("GET", "/v1/scholen/{code}"): ("/v1/scholen/12KM00", None, ALL),
    ("GET", "/v1/scholen/{code}/waarnemingen"): ("/v1/scholen/12KM00/waarnemingen", None, ALL),
    ("GET", "/v1/enquetes"): ("/v1/enquetes", None, ALL),
    ("GET", "/v1/enquetes/{enquete}/{golf}/netwerk"): ("/v1/enquetes/bestaat-niet/2024/netwerk", None, ALL),
    ("GET", "/v1/netwerken"): ("/v1/netwerken", None, ALL),
    ("GET", "/v1/netwerken/{naam}"): ("/v1/netwerken/samenwerking-enschede-zuid", None, ALL),
    ("GET", "/v1/enquetes/{enquete}/{golf}/aandelen"): ("/v1/enquetes/bestaat-niet/2024/aandelen", None, ALL),
    ("GET", "/v1/enquetes/{enquete}/{golf}/themas"): ("/v1/enquetes/bestaat-niet/2024/themas", None, ALL),
    ("GET", "/v1/enquetes/{enquete}/{golf}/modelschattingen"): ("/v1/enquetes/bestaat-niet/2024/modelschattingen",
                                                                None, ALL),
    ("GET", "/v1/enquetes/{enquete}/{golf}/klassen/covariaten"): ("/v1/enquetes/bestaat-niet/2024/klassen/covariaten",
                                                                  None, ALL),
    ("GET", "/v1/rapporten"): ("/v1/rapporten", None, ALL),
    ("GET", "/v1/rapporten/{definitie}"): ("/v1/rapporten/bestaat-niet", None, ALL),
    ("GET", "/v1/rapporten/{definitie}/{gebied}"): ("/v1/rapporten/bestaat-niet/WK015306", None, ALL),
    ("GET", "/v1/scenarios"): ("/v1/scenarios", None, ALL),
    ("GET", "/v1/scenarios/vergelijking"): ("/v1/scenarios/vergelijking?ids=bestaat-niet", None, ALL),
    ("GET", "/v1/scenarios/{sid}"): ("/v1/scenarios/bestaat-niet", None, ALL),
    # writing through the API: a token of an account that may save scenarios (the body here is not JSON: 400)
    ("POST", "/v1/scenarios"): ("/v1/scenarios", {"naam": ""}, SCENARIO_MAKERS),
    ("GET", "/v1/participatie/rondes"): ("/v1/participatie/rondes", None, ALL),
    ("GET", "/v1/participatie/rondes/{rid}"): (f"/v1/participatie/rondes/{R}", None, ALL),
    ("GET", "/v1/participatie/rondes/{rid}/samenvatting"): (f"/v1/participatie/rondes/{R}/samenvatting", None, ALL),
    ("POST", "/v1/participatie/rondes"): ("/v1/participatie/rondes", {"naam": ""}, PARTICIPATION_STAFF),
}


def app_routes(app) -> set[tuple[str, str]]:
    """Every (method, path) the app answers, including the mounted ``/v1`` API (not the static files)."""
    found: set[tuple[str, str]] = set()

    def walk(routes, prefix=""):
        for r in routes:
            if hasattr(r, "original_router"):  # an included router
                walk(r.original_router.routes, prefix)
            elif isinstance(r, Mount):
                if r.path not in ("/static", "/bestanden"):
                    walk(r.routes, prefix + r.path)
            else:
                for method in getattr(r, "methods", None) or ():
                    if method != "HEAD":
                        found.add((method, prefix + r.path))

    walk(app.routes)
    return found


def test_every_route_is_in_the_matrix(accounts_app):
    routes = app_routes(accounts_app)
    assert routes - set(MATRIX) == set(), "routes missing from MATRIX (classify them)"
    assert set(MATRIX) - routes == set(), "MATRIX names routes that do not exist"


def refused(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code == 303 and response.headers.get("location", "").startswith("/aanmelden")


@pytest.fixture(scope="module")
def api_tokens(accounts_monitor):
    """A read-and-write token per signed-in role, for the ``/v1`` rows."""
    from .conftest import ACCOUNTS

    engine = accounts_monitor.store.engine
    return {role: service.create_token(engine, username, "matrix", "schrijven", actor="test")
            for username, role, _o, _p in ACCOUNTS}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(role, role_clients, api_tokens, accounts_monitor):
    client = role_clients[role]
    store = accounts_monitor.store
    before = store.documents("evaluation")
    programmes_before = store.documents("programme")
    from kansenmonitor import participation as pt

    responses_before = len(pt.responses(store, R))
    wrong = []
    order = sorted(MATRIX, key=lambda k: k == ("POST", "/afmelden"))
    for key in order:
        path, form, may = MATRIX[key]
        method = key[0]
        headers = {}
        if path.startswith("/v1") and role != "publiek":
            headers["Authorization"] = f"Bearer {api_tokens[role]}"
        if method == "GET":
            r = client.get(path, headers=headers, follow_redirects=False)
        elif method in ("PUT", "PATCH"):
            r = client.request(method, path, data=form or {}, headers=headers, follow_redirects=False)
        else:
            r = client.post(path, data=form or {}, headers=headers or None, follow_redirects=False)
        if refused(r) == (role in may) or r.status_code >= 500:
            wrong.append((method, path, r.status_code))
    assert not wrong, f"{role}: {wrong}"
    assert len(pt.responses(store, R)) == responses_before  # the empty reaction stored nothing
    assert store.documents("evaluation") == before  # nothing was written by a refused or invalid request
    assert store.documents("report-entry") == {}  # the report forms lacked their figures: nothing stored
    assert store.documents("programme") == programmes_before
    if role != "publiek":  # sign in again for later tests (the matrix ended with sign-out)
        from web.signin import PASSWORD

        client.cookies.clear()
        r = client.post("/aanmelden", data={"gebruikersnaam": _username(role), "wachtwoord": PASSWORD},
                        follow_redirects=False)
        assert r.status_code == 303


def _username(role: str) -> str:
    from .conftest import ACCOUNTS

    return next(a[0] for a in ACCOUNTS if a[1] == role)


def test_a_read_only_token_cannot_write(accounts_monitor, role_clients):
    from kansenmonitor.accounts.policy import authorize

    engine = accounts_monitor.store.engine
    raw = service.create_token(engine, "beheer1", "alleen-lezen", "lezen", actor="test")
    who = service.token_principal(engine, raw)
    assert who.role == "beheerder" and not authorize(who, "manage_users") and authorize(who, "read_internal")
    me = role_clients["publiek"].get("/v1/ik", headers={"Authorization": f"Bearer {raw}"}).json()
    assert set(me["mag"]) == {"read_published", "read_internal", "read_microdata", "read_history"}


def test_disclosure_control_applies_to_every_role(tmp_path):
    """A value below its minimum count stays withheld for every role, signed in or not (tiny store by code)."""
    import json

    import numpy as np
    import pandas as pd

    from kansenmonitor.core.model import Level, Region
    from kansenmonitor.monitor import Monitor
    from kansenmonitor.web.app import create_app
    from web.signin import signed_in

    secret = 47.123

    def square(x):
        return json.dumps({"type": "Polygon", "coordinates": [[[x, 52], [x + .01, 52], [x + .01, 52.01], [x, 52.01],
                                                                [x, 52]]]})

    monitor = Monitor.open(home=tmp_path, url=f"sqlite:///{tmp_path / 'k.sqlite'}")
    monitor.sync_catalogue()
    regions = [Region("NL01", "Nederland", Level.LAND, 2024),
               Region("GM9999", "Teststad", Level.GEMEENTE, 2024, parent="NL01"),
               Region("WK999901", "Centrum", Level.WIJK, 2024, parent="GM9999", geometry=square(6.0)),
               Region("BU99990101", "Grote Buurt", Level.BUURT, 2024, parent="WK999901", geometry=square(6.0)),
               Region("BU99990102", "Kleine Buurt", Level.BUURT, 2024, parent="WK999901", geometry=square(6.01))]
    rows = []
    for code, inw, income in (("BU99990101", 1000, 31.5), ("BU99990102", 20, secret), ("WK999901", 1020, 31.6),
                              ("GM9999", 1020, 31.6)):
        rows += [(code, "inwoners", inw), (code, "inkomen_per_inwoner", income)]
    frame = pd.DataFrame([{"region": c, "boundary_year": 2024, "indicator": i, "period": 2024, "value": float(v),
                           "status": "measured", "numerator": np.nan, "denominator": np.nan, "lower": np.nan,
                           "upper": np.nan, "source_ref": "test"} for c, i, v in rows])
    with monitor.store.transaction() as w:
        w.upsert_regions(regions)
        w.upsert_observations(frame)
    app = create_app(monitor)
    from .conftest import ACCOUNTS

    for username, role, organisation, programme in [("publiek", "publiek", None, None), *ACCOUNTS]:
        if role == "publiek":
            from web.signin import FormClient

            c = FormClient(app, raise_server_exceptions=False)
            headers = {}
        else:
            c = signed_in(app, monitor, username, role, organisation, programme)
            headers = {"Authorization": "Bearer " + service.create_token(monitor.store.engine, username, "t",
                                                                         "schrijven", actor="test")}
        if role in ("analist", "beheerder"):
            continue  # microdata roles may see more in future; published pages still withhold (checked below)
        for path in ("/gebieden/BU99990102", "/gebieden/BU99990102?format=json",
                     "/v1/waarnemingen?indicator=inkomen_per_inwoner&gemeente=GM9999"):
            r = c.get(path, headers=headers if path.startswith("/v1") else {})
            assert r.status_code == 200, (role, path, r.status_code)
            assert "47.123" not in r.text and "47,1" not in r.text, (role, path)
    monitor.close()
