"""Test helpers: a signed-in browser-like client that sends the CSRF token with every form."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from kansenmonitor.accounts import service

PASSWORD = "een heel lang testwachtwoord"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class FormClient(TestClient):
    """A TestClient that adds the page's CSRF token to every posted form (as a browser would)."""

    def csrf(self) -> str:
        page = self.get("/aanmelden") if "km_sessie" not in self.cookies else self.get("/account")
        match = TOKEN.search(page.text)
        assert match, page.text[:500]
        return match.group(1)

    def post(self, url, data=None, csrf: bool = True, **kwargs):  # type: ignore[override]
        """Post a form as a browser on this site does: with the CSRF token and an Origin header."""
        if csrf and isinstance(data, dict) and "csrf_token" not in data:
            data = {**data, "csrf_token": self.csrf()}
        given = kwargs.pop("headers", None)
        headers = dict(given or {})
        if csrf and given is None:  # headers given explicitly (even empty) are sent as they are
            headers["Origin"] = str(self.base_url).rstrip("/")
        return super().post(url, data=data, headers=headers, **kwargs)


def ensure_account(monitor, username: str, role: str, organisation: str | None = None,
                   programme: str | None = None) -> None:
    engine = monitor.store.engine
    if service.get_account(engine, username) is None:
        service.add_account(engine, username, PASSWORD, role, username.title(), organisation, programme,
                            actor="test")


def signed_in(app, monitor, username: str, role: str, organisation: str | None = None,
              programme: str | None = None, **client_kw) -> FormClient:
    """A client of ``app`` signed in as ``username`` (created with ``role`` when it does not exist)."""
    ensure_account(monitor, username, role, organisation, programme)
    client = FormClient(app, raise_server_exceptions=False, **client_kw)
    r = client.post("/aanmelden", data={"gebruikersnaam": username, "wachtwoord": PASSWORD},
                    follow_redirects=False)
    assert r.status_code == 303, r.text[:800]
    return client
