"""Sign-in, sign-out and the account page; the security middleware; refusals for pages and ``/v1``.

Pages: ``/aanmelden`` (form), ``/afmelden`` (POST), ``/account`` (who you are and what you may do).
API: ``/v1/ik`` (the account behind a token, or ``publiek``).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import ImmutableMultiDict

from ...accounts import service
from ...accounts.policy import ACTIONS, authorize, may_somewhere, role_label
from .. import i18n
from ..app import lang_of, render
from .guard import Forbidden, SignInRequired, allowed, allowed_somewhere
from .security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    SESSION_COOKIE,
    csrf_token,
    install,
    principal_of,
    set_cookie,
)

NAV: list = []


def _lang(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in i18n.LANGS:
        return asked
    cookie = request.cookies.get(i18n.COOKIE)
    return cookie if cookie in i18n.LANGS else lang_of(request)


def refusal(request: Request, status: int, kind: str) -> Response:
    """A refusal page (or problem+json with ``?format=json``) for the middleware and the guard."""
    request.state.lang = lang = _lang(request)
    _ = i18n.translator(lang)
    texts = {
        "form_expired": (_("Formulier verlopen", "Form expired"), _(
            "Er is niets opgeslagen: het formulier was verlopen of kwam niet van deze website. Open de pagina "
            "opnieuw en probeer het nog eens.",
            "Nothing was saved: the form had expired or did not come from this website. Open the page again "
            "and try once more.")),
        "forbidden": (_("Geen toegang", "No access"), _(
            f"Met uw rol ({role_label(principal_of(request).role, 'nl')}) mag u dit niet. Vraag de beheerder als u "
            "denkt dat dit wel zou moeten.",
            f"Your role ({role_label(principal_of(request).role, 'en')}) does not allow this. Ask the administrator "
            "if you think it should.")),
        "sign_in": (_("Aanmelden nodig", "Sign-in needed"), _(
            "Hiervoor moet u zijn aangemeld. Er is niets opgeslagen.",
            "You need to be signed in for this. Nothing was saved.")),
        "too_many": (_("Te veel pogingen", "Too many attempts"), _(
            "Er zijn vanaf dit adres te veel aanmeldpogingen gedaan. Wacht een minuut en probeer het opnieuw.",
            "Too many sign-in attempts came from this address. Wait a minute and try again.")),
    }
    title, message = texts[kind]
    if request.query_params.get("format") == "json":
        from ..app import json_response

        return json_response({"type": "about:blank", "title": title, "status": status, "detail": message},
                             status, "application/problem+json")
    context = {"status": status, "title": title, "message": message}
    if kind == "sign_in":
        context.update(list_url=sign_in_url(request), list_label=_("Aanmelden", "Sign in"))
    return render(request, "error.html", context, status_code=status)


def safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//host`` or a full URL) is followed after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def sign_in_url(request: Request) -> str:
    here = request.url.path + (("?" + request.url.query) if request.url.query else "")
    if request.method != "GET":
        here = request.headers.get("referer") or request.url.path
        from urllib.parse import urlsplit

        parts = urlsplit(here)
        here = parts.path + ("?" + parts.query if parts.query else "")
    return "/aanmelden?terug=" + quote(safe_next(here), safe="")


async def _form(request: Request) -> ImmutableMultiDict:
    from urllib.parse import parse_qsl

    raw = (await request.body()).decode("utf-8", errors="replace")
    return ImmutableMultiDict(parse_qsl(raw, keep_blank_values=True))


def _client(request: Request) -> str:
    return request.client.host if request.client else "onbekend"


def sign_in_page(request: Request):
    if principal_of(request).signed_in:
        return RedirectResponse(safe_next(request.query_params.get("terug")), status_code=303)
    return render(request, "account_signin.html", {"terug": safe_next(request.query_params.get("terug")),
                                                   "errors": {}, "username": ""})


async def sign_in(request: Request):
    lang = lang_of(request)
    _ = i18n.translator(lang)
    form = await _form(request)
    username = (form.get("gebruikersnaam") or "").strip()
    password = form.get("wachtwoord") or ""
    terug = safe_next(form.get("terug"))
    limiter = request.app.state.sign_in_limiter
    if limiter.blocked(_client(request)):
        response = refusal(request, 429, "too_many")
        response.headers["Retry-After"] = str(limiter.retry_after(_client(request)))
        return response
    errors = {}
    if not username:
        errors["gebruikersnaam"] = _("Vul uw gebruikersnaam in.", "Enter your user name.")
    if not password:
        errors["wachtwoord"] = _("Vul uw wachtwoord in.", "Enter your password.")
    if errors:
        return render(request, "account_signin.html", {"terug": terug, "errors": errors, "username": username},
                      status_code=400)
    engine = request.app.state.monitor.store.engine
    try:  # argon2 takes tens of milliseconds on purpose: in the thread pool, so other requests go on meanwhile
        acc = await run_in_threadpool(service.sign_in, engine, username, password)
    except service.SignInRefused as exc:
        limiter.failed(_client(request))
        message = {"wrong": _(service.WRONG, "The user name or the password is not right."),
                   "locked": _(service.LOCKED, f"This account is locked for {service.LOCK_MINUTES} minutes after "
                               f"{service.MAX_FAILURES} failed attempts. Try again later, or ask the administrator "
                               "for a new password."),
                   "disabled": _(service.DISABLED, "This account is disabled. Ask the administrator to turn it "
                                 "back on.")}[exc.reason]
        return render(request, "account_signin.html", {"terug": terug, "errors": {"_": message},
                                                       "username": username},
                      status_code=401 if exc.reason == "wrong" else 403)
    raw = await run_in_threadpool(service.create_session, engine, acc)
    response = RedirectResponse(terug, status_code=303)
    set_cookie(response, request, SESSION_COOKIE, raw, max_age=service.SESSION_HOURS * 3600)
    # a new CSRF secret with the new session (a token learnt before sign-in is worth nothing after it)
    import secrets

    set_cookie(response, request, CSRF_COOKIE, secrets.token_urlsafe(32))
    request.state.csrf_rotated = True
    return response


async def sign_out(request: Request):
    raw = request.cookies.get(SESSION_COOKIE)
    await run_in_threadpool(service.end_session, request.app.state.monitor.store.engine, raw)
    request.app.state.sessions.forget(raw)
    response = RedirectResponse("/?" + urlencode({"lang": lang_of(request)}), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def account_page(request: Request):
    who = principal_of(request)
    if not who.signed_in:
        return RedirectResponse(sign_in_url(request), status_code=303)
    may = [{"action": a, "text": text, "scoped": not authorize(who, a)} for a, text in ACTIONS.items()
           if may_somewhere(who, a)]
    return render(request, "account_page.html", {"who": who, "may": may})


def register_api(v1: FastAPI) -> None:
    from ..api import ok, problem

    @v1.get("/ik", summary="Het account achter het API-token (zonder token: publiek)")
    def whoami(request: Request):
        who = principal_of(request)
        return ok({"gebruikersnaam": who.username, "naam": who.display_name, "rol": who.role,
                   "rol_label": role_label(who.role), "organisatie": who.organisation, "programma": who.programme,
                   "scope": who.token_scope,
                   "mag": [a for a in ACTIONS if may_somewhere(who, a)]})

    @v1.exception_handler(SignInRequired)
    async def api_sign_in(request: Request, exc: SignInRequired):
        response = problem(401, "Niet aangemeld", f"Hiervoor is een API-token nodig ({ACTIONS.get(exc.action)}).",
                           request.url.path)
        response.headers["WWW-Authenticate"] = 'Bearer realm="kansenmonitor"'
        return response

    @v1.exception_handler(Forbidden)
    async def api_forbidden(request: Request, exc: Forbidden):
        scope = " met een token voor alleen lezen" if exc.who.token_scope == "lezen" else ""
        return problem(403, "Geen toegang", f"De rol {role_label(exc.who.role)}{scope} mag dit niet: "
                       f"{ACTIONS.get(exc.action)}.", request.url.path)


def register(app: FastAPI, v1: FastAPI) -> None:
    install(app, refusal)
    app.state.templates.env.globals.update(
        csrf_token=csrf_token, csrf_field=CSRF_FIELD, principal_of=principal_of, role_label=role_label,
        allowed=allowed, allowed_somewhere=allowed_somewhere)

    @app.exception_handler(SignInRequired)
    async def page_sign_in(request: Request, exc: SignInRequired):
        if request.method == "GET" and request.query_params.get("format") not in ("json", "csv"):
            return RedirectResponse(sign_in_url(request), status_code=303)
        return refusal(request, 401, "sign_in")

    @app.exception_handler(Forbidden)
    async def page_forbidden(request: Request, exc: Forbidden):
        return refusal(request, 403, "forbidden")

    from . import sso

    sso.register(app)
    app.add_api_route("/aanmelden", sign_in_page, methods=["GET"])
    app.add_api_route("/aanmelden", sign_in, methods=["POST"])
    app.add_api_route("/afmelden", sign_out, methods=["POST"])
    app.add_api_route("/account", account_page, methods=["GET"])
    register_api(v1)
