"""Sign-in on the website: secure cookies, CSRF on every form, lock-out and rate limit, security headers,
no secrets in logs, ``serve --production``, the CLI, and the sign-in page in the browser (axe, 1280/390)."""

from __future__ import annotations

import logging
import re

import pytest
from typer.testing import CliRunner

from kansenmonitor.accounts import audit, service
from kansenmonitor.cli import app as cli_app
from kansenmonitor.web.app import create_app
from web.signin import PASSWORD, FormClient, ensure_account

runner = CliRunner()


def _fresh(accounts_app):
    return FormClient(accounts_app, raise_server_exceptions=False)


def test_public_pages_need_no_account_and_carry_security_headers(role_clients):
    r = role_clients["publiek"].get("/")
    assert r.status_code == 200 and 'href="/aanmelden"' in r.text
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    api = role_clients["publiek"].get("/v1/indicatoren")
    assert api.status_code == 200 and api.headers["x-content-type-options"] == "nosniff"
    # a signed-in page is never kept by a shared cache
    assert role_clients["lezer"].get("/").headers["cache-control"] == "private, no-store"


def test_sign_in_sets_httponly_cookie_and_sign_out_ends_the_session(accounts_app, accounts_monitor):
    ensure_account(accounts_monitor, "inloggen1", "lezer")
    c = _fresh(accounts_app)
    r = c.post("/aanmelden", data={"gebruikersnaam": "inloggen1", "wachtwoord": PASSWORD, "terug": "/gebieden"},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/gebieden"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("km_sessie="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    raw = re.match(r"km_sessie=([^;]+)", cookie).group(1)
    assert service.session_account(accounts_monitor.store.engine, raw).username == "inloggen1"
    page = c.get("/account")
    assert page.status_code == 200 and "Lezer" in page.text and "Afmelden" in page.text
    out = c.post("/afmelden", data={}, follow_redirects=False)
    assert out.status_code == 303
    assert service.session_account(accounts_monitor.store.engine, raw) is None
    assert c.get("/account", follow_redirects=False).status_code == 303
    # the old cookie, kept by someone: refused at once (the server's session cache forgot it at sign-out)
    stolen = _fresh(accounts_app)
    stolen.cookies.set("km_sessie", raw)
    assert stolen.get("/account", follow_redirects=False).status_code == 303


def test_redirect_after_sign_in_stays_on_this_site(accounts_app, accounts_monitor):
    ensure_account(accounts_monitor, "inloggen2", "lezer")
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        c = _fresh(accounts_app)
        r = c.post("/aanmelden", data={"gebruikersnaam": "inloggen2", "wachtwoord": PASSWORD, "terug": target},
                   follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/", target


def test_secure_cookie_on_a_production_server(accounts_monitor):
    ensure_account(accounts_monitor, "inloggen3", "lezer")
    app = create_app(accounts_monitor)
    app.state.production = True
    c = FormClient(app, raise_server_exceptions=False, base_url="https://testserver")
    r = c.post("/aanmelden", data={"gebruikersnaam": "inloggen3", "wachtwoord": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303
    assert all("Secure" in h for h in r.headers.get_list("set-cookie"))


def test_every_form_needs_its_csrf_token(accounts_app, accounts_monitor, role_clients):
    ensure_account(accounts_monitor, "inloggen4", "lezer")
    c = _fresh(accounts_app)
    form = {"gebruikersnaam": "inloggen4", "wachtwoord": PASSWORD}
    for data in (form, {**form, "csrf_token": "vervalst"}):
        r = c.post("/aanmelden", data=data, csrf=False, follow_redirects=False)
        assert r.status_code == 403 and "het formulier was verlopen" in r.text
    # a token from another visitor's cookie is worth nothing
    other = role_clients["publiek"].csrf()
    assert c.post("/aanmelden", data={**form, "csrf_token": other}, csrf=False).status_code == 403
    # the right token, but posted from another site
    r = c.post("/aanmelden", data=form, headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert r.status_code == 403
    # a signed-in analist's save is refused without the token, and nothing is stored
    analist = role_clients["analist"]
    before = accounts_monitor.store.documents("evaluation")
    r = analist.post("/evaluaties", data={"naam": "zonder-token"}, csrf=False)
    assert r.status_code == 403 and accounts_monitor.store.documents("evaluation") == before
    assert analist.post("/afmelden", data={}, csrf=False, follow_redirects=False).status_code == 403


def test_wrong_password_then_lock_out_in_the_browser(accounts_monitor):
    ensure_account(accounts_monitor, "slot1", "lezer")
    c = FormClient(create_app(accounts_monitor), raise_server_exceptions=False)
    r = c.post("/aanmelden", data={"gebruikersnaam": "slot1", "wachtwoord": "fout"})
    assert r.status_code == 401 and "De gebruikersnaam of het wachtwoord klopt niet." in r.text
    assert 'value="slot1"' in r.text  # the user name stays filled in, the password not
    for _ in range(service.MAX_FAILURES - 1):
        r = c.post("/aanmelden", data={"gebruikersnaam": "slot1", "wachtwoord": "fout"})
    assert r.status_code == 403 and "geblokkeerd" in r.text
    r = c.post("/aanmelden", data={"gebruikersnaam": "slot1", "wachtwoord": PASSWORD})
    assert r.status_code == 403 and "geblokkeerd" in r.text
    empty = c.post("/aanmelden", data={"gebruikersnaam": "", "wachtwoord": ""})
    assert empty.status_code == 400 and "Vul uw gebruikersnaam in." in empty.text
    assert 'aria-invalid="true"' in empty.text and 'href="#f-wachtwoord"' in empty.text


def test_sign_in_is_rate_limited_per_address(accounts_monitor):
    app = create_app(accounts_monitor)
    c = FormClient(app, raise_server_exceptions=False)
    ensure_account(accounts_monitor, "snel1", "lezer")
    statuses = [c.post("/aanmelden", data={"gebruikersnaam": "niemand", "wachtwoord": "x"}).status_code
                for _ in range(app.state.sign_in_limiter.limit + 1)]
    assert statuses[:-1] == [401] * app.state.sign_in_limiter.limit
    assert statuses[-1] == 429
    # now even the right password is refused from this address, and says when to try again
    r = c.post("/aanmelden", data={"gebruikersnaam": "snel1", "wachtwoord": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0 and "Wacht een minuut" in r.text


def test_no_secrets_in_logs(accounts_app, accounts_monitor, caplog):
    ensure_account(accounts_monitor, "geheim1", "lezer")
    c = _fresh(accounts_app)
    with caplog.at_level(logging.DEBUG):
        c.post("/aanmelden", data={"gebruikersnaam": "geheim1", "wachtwoord": "mijn-geheime-poging-123"})
        c.post("/aanmelden", data={"gebruikersnaam": "geheim1", "wachtwoord": PASSWORD})
        c.get("/v1/ik", headers={"Authorization": "Bearer km_nep-token-dat-niet-bestaat"})
    text = caplog.text + repr(audit.entries(accounts_monitor.store.engine))
    for secret in ("mijn-geheime-poging-123", PASSWORD, "km_nep-token", "$argon2"):
        assert secret not in text


def test_api_token_and_scope(accounts_monitor, role_clients):
    engine = accounts_monitor.store.engine
    raw = service.create_token(engine, "analist1", "notebook", "lezen", actor="test")
    c = role_clients["publiek"]
    me = c.get("/v1/ik", headers={"Authorization": f"Bearer {raw}"}).json()
    assert me["gebruikersnaam"] == "analist1" and me["scope"] == "lezen" and "save_evaluation" not in me["mag"]
    assert c.get("/v1/ik").json()["rol"] == "publiek"
    bad = c.get("/v1/indicatoren", headers={"Authorization": "Bearer onzin"})
    assert bad.status_code == 401 and bad.headers["content-type"] == "application/problem+json"
    assert bad.headers["www-authenticate"].startswith("Bearer")
    # the browser's session cookie does not sign in on /v1 (the API has no CSRF tokens: only bearer tokens)
    assert role_clients["beheerder"].get("/v1/ik").json()["rol"] == "publiek"


def test_serve_production_refuses_without_secret_and_database(monkeypatch):
    monkeypatch.delenv("KANSENMONITOR_SECRET_KEY", raising=False)
    monkeypatch.delenv("KANSENMONITOR_DATABASE_URL", raising=False)
    r = runner.invoke(cli_app, ["serve", "--production"])
    assert r.exit_code == 2
    assert "KANSENMONITOR_SECRET_KEY" in r.output and "KANSENMONITOR_DATABASE_URL" in r.output
    monkeypatch.setenv("KANSENMONITOR_SECRET_KEY", "te-kort")
    monkeypatch.setenv("KANSENMONITOR_DATABASE_URL", "postgresql://x@127.0.0.1/x")
    r = runner.invoke(cli_app, ["serve", "--production"])
    assert r.exit_code == 2 and "te kort" in r.output


def test_users_cli_end_to_end(tmp_path):
    home = ["--home", str(tmp_path)]
    r = runner.invoke(cli_app, [*home, "users", "add", "eerste", "--role", "beheerder", "--name", "Eerste Beheerder",
                                "--password-stdin"], input="een goed lang wachtwoord\n")
    assert r.exit_code == 0, r.output
    assert "Account 'eerste' gemaakt met rol Beheerder." in r.output
    bad = runner.invoke(cli_app, [*home, "users", "add", "tweede", "--role", "partner", "--password-stdin"],
                        input="kort\n")
    assert bad.exit_code == 2 and "veld 'wachtwoord'" in bad.output and "veld 'organisatie'" in bad.output
    listing = runner.invoke(cli_app, [*home, "users", "list", "--json"])
    assert [a["username"] for a in __import__("json").loads(listing.output)] == ["eerste"]
    assert runner.invoke(cli_app, [*home, "users", "disable", "eerste", "--reason", "test"]).exit_code == 0
    assert "uitgeschakeld" in runner.invoke(cli_app, [*home, "users", "list"]).output
    assert runner.invoke(cli_app, [*home, "users", "enable", "eerste"]).exit_code == 0
    assert runner.invoke(cli_app, [*home, "users", "reset", "eerste", "--password-stdin"],
                         input="nog een goed wachtwoord\n").exit_code == 0
    assert runner.invoke(cli_app, [*home, "users", "role", "eerste", "analist"]).exit_code == 0
    tok = runner.invoke(cli_app, [*home, "users", "token", "eerste", "--label", "test", "--scope", "lezen"])
    assert tok.exit_code == 0 and "km_" in tok.output
    assert "geldig" in runner.invoke(cli_app, [*home, "users", "tokens"]).output
    assert runner.invoke(cli_app, [*home, "users", "revoke", "eerste", "--label", "test"]).exit_code == 0
    assert runner.invoke(cli_app, [*home, "users", "revoke", "eerste", "--label", "test"]).exit_code == 2
    shown = runner.invoke(cli_app, [*home, "history", "show", "account", "eerste"])
    assert shown.exit_code == 0 and "account.disable" in shown.output and "test" in shown.output
    out = tmp_path / "geschiedenis.csv"
    assert runner.invoke(cli_app, [*home, "history", "export", "-o", str(out)]).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,at,actor,action") and len(lines) == 1 + 7  # add, disable, enable, reset, role, token, revoke
    assert "wachtwoord" not in out.read_text() and "$argon2" not in out.read_text()


# -- in the browser ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def accounts_server(accounts_app):
    from web.axe import serve_in_thread

    with serve_in_thread(accounts_app) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_sign_in_page_is_accessible_and_keyboard_usable(accounts_server, accounts_monitor, browser, width,
                                                        tmp_path):
    from web.axe import assert_accessible

    ensure_account(accounts_monitor, "toetsenbord1", "analist")
    assert_accessible(accounts_server, browser, "/aanmelden")
    page = browser.new_page(viewport={"width": width, "height": 900})
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(accounts_server + "/aanmelden?terug=/account")
    # keyboard only: skip link, menu … until the user name field, then type, tab, type, enter
    page.focus("#f-gebruikersnaam")
    page.keyboard.type("toetsenbord1")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-wachtwoord"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(accounts_server + "/account", wait_until="load")
    assert "Analist" in page.content()
    page.screenshot(path=str(tmp_path / f"account-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(accounts_server + "/kaart")  # the page with the most script: no CSP violation
    page.goto(accounts_server + "/")
    page.close()
    assert not violations, violations


def test_signed_in_profile_is_the_shared_page_with_their_own_account_link(role_clients):
    """The profile is rendered once and kept; a signed-in visitor gets it with only the account link swapped."""
    anonymous = role_clients["publiek"].get("/gebieden/WK015306?lang=nl").text
    for role in ("lezer", "analist"):
        page = role_clients[role].get("/gebieden/WK015306?lang=nl")
        assert page.status_code == 200 and page.headers["cache-control"] == "private, no-store"
        assert 'href="/aanmelden"' not in page.text and 'href="/account"' in page.text
        link = re.search(r'<p class="account-link">.*?</p>', page.text, re.S).group(0)
        assert page.text.replace(link, "") == re.sub(r'<p class="account-link">.*?</p>', "", anonymous, flags=re.S)
    # the first visit may come from a signed-in visitor: what is kept is still the anonymous page
    site = role_clients["publiek"].app.state.site
    site.clear()
    role_clients["analist"].get("/gebieden/WK015306?lang=nl")
    assert 'href="/aanmelden"' in role_clients["publiek"].get("/gebieden/WK015306?lang=nl").text
