"""Sign-in through the organisation's OpenID Connect provider: ``/aanmelden/sso`` and its return address.

``GET /aanmelden/sso`` sends the visitor to the provider with a fresh state, nonce and PKCE verifier, kept in a
short-lived signed, HttpOnly cookie (SameSite=Lax, so it comes back with the provider's redirect).
``GET /aanmelden/sso/terug`` checks that answer (:meth:`~kansenmonitor.accounts.oidc.Provider.finish`), finds the
account of the user name the provider vouches for, and opens a session exactly as a password sign-in does.
When single sign-on is not configured, both addresses say so and the sign-in page shows no button.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

from ...accounts import oidc, service
from .. import i18n
from ..app import lang_of, render
from .security import CSRF_COOKIE, SESSION_COOKIE, set_cookie

FLOW_COOKIE = "km_sso"
CALLBACK = "/aanmelden/sso/terug"


def provider_of(app: FastAPI) -> oidc.Provider | None:
    return getattr(app.state, "oidc_provider", None)


def _sign(app: FastAPI, payload: dict) -> str:
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
    mac = hmac.new(app.state.secret_key.encode(), ("sso." + body).encode(), hashlib.sha256).hexdigest()
    return f"{body}.{mac}"


def _unsign(app: FastAPI, value: str | None) -> dict | None:
    if not value or len(value) > 2000 or "." not in value:
        return None
    body, _, mac = value.rpartition(".")
    expected = hmac.new(app.state.secret_key.encode(), ("sso." + body).encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(mac, expected):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(body.encode()))
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def redirect_uri(request: Request) -> str:
    """The return address registered at the provider: this site's own, as the visitor reached it."""
    return str(request.url.replace(path=CALLBACK, query=""))


def _failed(request: Request, message: str, status: int = 400):
    from .routes import safe_next

    return render(request, "account_signin.html", {"terug": safe_next(None), "errors": {"_": message},
                                                   "username": ""}, status_code=status)


def start(request: Request):
    from .routes import safe_next

    _ = i18n.translator(lang_of(request))
    provider = provider_of(request.app)
    if provider is None:
        return _failed(request, _("Aanmelden via uw organisatie is op deze server niet ingesteld. Meld u aan met uw "
                                  "gebruikersnaam en wachtwoord.", "Single sign-on is not set up on this server. "
                                  "Sign in with your user name and password."), 404)
    try:
        url, flow = provider.start(redirect_uri(request), safe_next(request.query_params.get("terug")))
    except oidc.SSOError as exc:
        return _failed(request, exc.message, 502)
    response = RedirectResponse(url, status_code=303)
    set_cookie(response, request, FLOW_COOKIE, _sign(request.app, flow.to_dict()), max_age=oidc.FLOW_TTL)
    return response


def finish(request: Request):
    _ = i18n.translator(lang_of(request))
    provider = provider_of(request.app)
    if provider is None:
        return _failed(request, _("Aanmelden via uw organisatie is op deze server niet ingesteld.",
                                  "Single sign-on is not set up on this server."), 404)
    limiter = request.app.state.sign_in_limiter
    client = request.client.host if request.client else "onbekend"
    if limiter.blocked(client):
        from .routes import refusal

        response = refusal(request, 429, "too_many")
        response.headers["Retry-After"] = str(limiter.retry_after(client))
        return response
    saved = _unsign(request.app, request.cookies.get(FLOW_COOKIE))
    if saved is None:
        limiter.failed(client)
        return _failed(request, _("Uw aanmelding via uw organisatie is verlopen of begon niet op deze website. "
                                  "Probeer het opnieuw.", "Your single sign-on attempt expired or did not start on "
                                  "this website. Try again."))
    try:
        flow = oidc.Flow.from_dict(saved)
        claims = provider.finish(redirect_uri(request), flow, dict(request.query_params))
        username = provider.username_of(claims)
        acc = service.sso_sign_in(request.app.state.monitor.store.engine, username or "")
    except (KeyError, ValueError, TypeError):
        limiter.failed(client)
        return _failed(request, _("Uw aanmelding via uw organisatie is verlopen. Probeer het opnieuw.",
                                  "Your single sign-on attempt expired. Try again."))
    except oidc.SSOError as exc:
        limiter.failed(client)
        return _failed(request, exc.message)
    except service.SignInRefused as exc:
        limiter.failed(client)
        return _failed(request, str(exc), 403)
    raw = service.create_session(request.app.state.monitor.store.engine, acc)
    response = RedirectResponse(flow.terug, status_code=303)
    set_cookie(response, request, SESSION_COOKIE, raw, max_age=service.SESSION_HOURS * 3600)
    set_cookie(response, request, CSRF_COOKIE, secrets.token_urlsafe(32))
    request.state.csrf_rotated = True
    response.delete_cookie(FLOW_COOKIE, path="/")
    return response


def register(app: FastAPI) -> None:
    if not hasattr(app.state, "oidc_provider"):
        config = oidc.config_from_env()
        app.state.oidc_provider = oidc.Provider(config) if config else None
    app.state.templates.env.globals.update(sso_name=lambda: (provider_of(app).config.name
                                                             if provider_of(app) else None))
    app.add_api_route("/aanmelden/sso", start, methods=["GET"])
    app.add_api_route(CALLBACK, finish, methods=["GET"])
