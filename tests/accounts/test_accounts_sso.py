"""Single sign-on through OpenID Connect, against a local provider started by the test (no network).

The flow goes as in a browser: the site sends the visitor to the provider, the provider sends them back with
a code, the site exchanges the code (server to server) and checks the ID token. Each way the provider's
answer can be wrong must leave the visitor signed out with a Dutch reason.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from kansenmonitor.accounts import oidc, service
from kansenmonitor.web.app import create_app
from web.signin import PASSWORD, FormClient

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, TestProvider


@pytest.fixture(scope="module")
def provider():
    with TestProvider() as p:
        yield p


@pytest.fixture(scope="module")
def sso_app(accounts_monitor, provider):
    engine = accounts_monitor.store.engine
    for name, role in (("sso.lezer", "lezer"), ("sso.uit", "lezer")):
        if service.get_account(engine, name) is None:
            service.add_account(engine, name, None, role, "Sso Gebruiker", actor="test", sso=True)
    service.set_active(engine, "sso.uit", False, actor="test")
    app = create_app(accounts_monitor)
    app.state.oidc_provider = oidc.Provider(oidc.OIDCConfig(provider.issuer, CLIENT_ID, CLIENT_SECRET,
                                                            name="uw Enschede-account"))
    return app


@pytest.fixture()
def fresh(provider, sso_app):
    from kansenmonitor.web.accounts.security import SignInLimiter

    sso_app.state.sign_in_limiter = SignInLimiter()  # failed returns count against the address, as sign-ins do
    provider.tamper = set()
    provider.user = {"sub": "1234", "preferred_username": "sso.lezer"}
    yield provider
    provider.tamper = set()


def _round_trip(client: FormClient, terug: str = "/account"):
    """Start at the site, let the provider answer, and come back; the site's answer to the return."""
    start = client.get(f"/aanmelden/sso?terug={terug}", follow_redirects=False)
    assert start.status_code == 303, start.text[:500]
    at_provider = requests.get(start.headers["location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["location"])
    assert back.path == "/aanmelden/sso/terug"
    return client.get(back.path + "?" + back.query, follow_redirects=False), start.headers["location"]


def test_sign_in_page_offers_the_organisation_account(sso_app):
    page = FormClient(sso_app).get("/aanmelden")
    assert "Aanmelden met uw Enschede-account" in page.text
    assert 'href="/aanmelden/sso?terug=' in page.text


def test_a_known_account_signs_in_and_keeps_its_own_role(sso_app, fresh):
    client = FormClient(sso_app, raise_server_exceptions=False)
    back, authorize_url = _round_trip(client)
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    assert back.status_code == 303 and back.headers["location"] == "/account"
    cookie = back.headers.get_list("set-cookie")
    session = next(c for c in cookie if c.startswith("km_sessie="))
    assert "HttpOnly" in session and "SameSite=lax" in session
    assert any(c.startswith("km_sso=") and "Max-Age=0" in c or 'km_sso=""' in c for c in cookie)
    page = client.get("/account")
    assert page.status_code == 200 and "Sso Gebruiker" in page.text and "Lezer" in page.text


def test_a_provider_cannot_give_a_role_or_make_an_account(sso_app, fresh):
    fresh.user = {"sub": "999", "preferred_username": "onbekend.persoon", "role": "beheerder"}
    client = FormClient(sso_app, raise_server_exceptions=False)
    back, _ = _round_trip(client)
    assert back.status_code == 403
    assert "geen account voor u" in back.text and "onbekend.persoon" in back.text
    assert service.get_account(sso_app.state.monitor.store.engine, "onbekend.persoon") is None
    assert client.get("/account", follow_redirects=False).status_code == 303  # still signed out


def test_a_disabled_account_is_refused(sso_app, fresh):
    fresh.user = {"sub": "77", "preferred_username": "sso.uit"}
    back, _ = _round_trip(FormClient(sso_app, raise_server_exceptions=False))
    assert back.status_code == 403 and "uitgeschakeld" in back.text


@pytest.mark.parametrize("tamper", ["signature", "audience", "nonce", "expired", "issuer"])
def test_an_id_token_that_does_not_hold_is_refused(sso_app, fresh, tamper):
    fresh.tamper = {tamper}
    client = FormClient(sso_app, raise_server_exceptions=False)
    back, _ = _round_trip(client)
    assert back.status_code == 400, back.text[:300]
    assert "identiteitsbewijs" in back.text and "niet geldig" in back.text
    assert not any(c.startswith("km_sessie=") for c in back.headers.get_list("set-cookie"))
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_a_missing_id_token_and_a_refusal_at_the_provider_are_said(sso_app, fresh):
    fresh.tamper = {"no_id_token"}
    back, _ = _round_trip(FormClient(sso_app, raise_server_exceptions=False))
    assert back.status_code == 400 and "ID-token" in back.text
    fresh.tamper = {"deny"}
    back, _ = _round_trip(FormClient(sso_app, raise_server_exceptions=False))
    assert back.status_code == 400 and "afgebroken of geweigerd" in back.text


def test_a_return_that_did_not_start_here_is_refused(sso_app, fresh):
    client = FormClient(sso_app, raise_server_exceptions=False)
    start = client.get("/aanmelden/sso", follow_redirects=False)
    at_provider = requests.get(start.headers["location"], allow_redirects=False, timeout=10)
    back = urlsplit(at_provider.headers["location"])
    # another browser (no flow cookie) brings the code back
    other = FormClient(sso_app, raise_server_exceptions=False)
    r = other.get(back.path + "?" + back.query, follow_redirects=False)
    assert r.status_code == 400 and "begon niet op deze website" in r.text
    # the right browser with a forged state
    query = parse_qs(back.query)
    r = client.get(f"/aanmelden/sso/terug?code={query['code'][0]}&state=vervalst", follow_redirects=False)
    assert r.status_code == 400 and "hoort niet bij uw aanmelding" in r.text
    # a flow cookie whose signature does not match is worth nothing
    client.cookies.set("km_sso", client.cookies.get("km_sso")[:-4] + "0000")
    r = client.get(back.path + "?" + back.query, follow_redirects=False)
    assert r.status_code == 400 and "begon niet op deze website" in r.text


def test_failed_returns_count_towards_the_sign_in_limit(sso_app, fresh):
    client = FormClient(sso_app, raise_server_exceptions=False)
    for _ in range(10):
        assert client.get("/aanmelden/sso/terug?code=x&state=y", follow_redirects=False).status_code == 400
    r = client.get("/aanmelden/sso/terug?code=x&state=y", follow_redirects=False)
    assert r.status_code == 429 and r.headers["retry-after"]


def test_an_sso_account_has_no_password_to_guess(sso_app, fresh):
    client = FormClient(sso_app, raise_server_exceptions=False)
    for guess in ("", PASSWORD, "None"):
        r = client.post("/aanmelden", data={"gebruikersnaam": "sso.lezer", "wachtwoord": guess or "x"},
                        follow_redirects=False)
        assert r.status_code == 401


def test_an_unreachable_provider_is_said_in_dutch(accounts_monitor):
    app = create_app(accounts_monitor)
    app.state.oidc_provider = oidc.Provider(oidc.OIDCConfig("http://127.0.0.1:9", CLIENT_ID, CLIENT_SECRET))
    r = FormClient(app, raise_server_exceptions=False).get("/aanmelden/sso", follow_redirects=False)
    assert r.status_code == 502 and "niet bereikbaar" in r.text


def test_without_configuration_there_is_no_button_and_the_address_says_so(accounts_monitor, monkeypatch):
    for var in (oidc.ENV_ISSUER, oidc.ENV_CLIENT_ID, oidc.ENV_CLIENT_SECRET):
        monkeypatch.delenv(var, raising=False)
    app = create_app(accounts_monitor)
    client = FormClient(app, raise_server_exceptions=False)
    assert "Aanmelden met" not in client.get("/aanmelden").text
    r = client.get("/aanmelden/sso", follow_redirects=False)
    assert r.status_code == 404 and "niet ingesteld" in r.text


def test_configuration_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(oidc.ENV_ISSUER, "https://login.enschede.nl/realms/gemeente/")
    monkeypatch.setenv(oidc.ENV_CLIENT_ID, "km")
    monkeypatch.delenv(oidc.ENV_CLIENT_SECRET, raising=False)
    assert oidc.config_from_env() is None  # all three are needed
    monkeypatch.setenv(oidc.ENV_CLIENT_SECRET, "s")
    config = oidc.config_from_env()
    assert config.issuer == "https://login.enschede.nl/realms/gemeente" and config.username_claim == "preferred_username"


def test_users_add_sso_makes_an_account_without_a_password(tmp_path):
    from typer.testing import CliRunner

    from kansenmonitor.cli import app as cli_app
    from kansenmonitor.monitor import Monitor

    r = CliRunner().invoke(cli_app, ["--home", str(tmp_path), "users", "add", "j.jansen@enschede.nl", "--role",
                                     "analist", "--sso"])  # no password asked: no input given
    assert r.exit_code == 0, r.output
    assert "aanmelden via de eigen organisatie" in r.output
    monitor = Monitor.open(home=tmp_path)
    try:
        engine = monitor.store.engine
        assert service.sso_sign_in(engine, "J.Jansen@enschede.nl").role == "analist"
        with pytest.raises(service.SignInRefused):
            service.sign_in(engine, "j.jansen@enschede.nl", "")
    finally:
        monitor.close()
