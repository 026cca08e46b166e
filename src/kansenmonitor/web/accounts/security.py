"""Security for a server on a municipal network: the secret key, security headers, CSRF tokens on every form,
who is asking (session cookie or API token), and a rate limit on sign-in.

All of it is one HTTP middleware (:func:`install`), so no page or API route can forget it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import deque
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import Response

from ...accounts import service
from ...accounts.policy import ANONYMOUS, Principal
from ..security import HEADERS, same_site  # one set of headers and one same-site rule for the whole site

ENV_SECRET = "KANSENMONITOR_SECRET_KEY"
SESSION_COOKIE = "km_sessie"
CSRF_COOKIE = "km_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MIN_SECRET_LENGTH = 32

def secret_key() -> str | None:
    """The configured secret key (``$KANSENMONITOR_SECRET_KEY``), or ``None``."""
    value = os.environ.get(ENV_SECRET, "").strip()
    return value or None


def production_problems() -> list[str]:
    """What is missing to run as a production server (Dutch sentences); empty when all is set."""
    from ...store.store import ENV_URL

    problems = []
    key = secret_key()
    if key is None:
        problems.append(f"Er is geen geheime sleutel ingesteld. Zet ${ENV_SECRET} op een willekeurige tekst van "
                        f"minstens {MIN_SECRET_LENGTH} tekens (bijv. de uitvoer van 'openssl rand -hex 32').")
    elif len(key) < MIN_SECRET_LENGTH:
        problems.append(f"De geheime sleutel in ${ENV_SECRET} is te kort: gebruik minstens {MIN_SECRET_LENGTH} tekens.")
    if not os.environ.get(ENV_URL, "").strip():
        problems.append(f"Er is geen database ingesteld. Zet ${ENV_URL} (of geef --database-url), "
                        "bijv. postgresql://kansenmonitor@db.gemeente.local/kansenmonitor.")
    return problems


class SignInLimiter:
    """At most ``limit`` failed sign-ins per client address per ``window`` seconds (in this process); then
    every attempt from that address is refused until the window has passed."""

    def __init__(self, limit: int = 10, window: float = 60.0):
        self.limit = limit
        self.window = window
        self._seen: dict[str, deque] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque:
        q = self._seen.setdefault(client, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def blocked(self, client: str) -> bool:
        with self._lock:
            return len(self._recent(client, time.monotonic())) >= self.limit

    def failed(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(client, now).append(now)
            if len(self._seen) > 10000:  # forget idle clients
                for key in [k for k, v in self._seen.items() if not v]:
                    del self._seen[key]

    def retry_after(self, client: str) -> int:
        q = self._seen.get(client)
        if not q:
            return 1
        return max(1, int(self.window - (time.monotonic() - q[0])) + 1)


def principal_of(request: Request) -> Principal:
    return getattr(request.state, "principal", ANONYMOUS)


def csrf_token(request: Request) -> str:
    """The value a form must send back in its hidden ``csrf_token`` field."""
    cookie = getattr(request.state, "csrf_cookie", "") or ""
    app = request.scope.get("kansenmonitor_app") or request.app
    key = app.state.secret_key
    return hmac.new(key.encode(), cookie.encode(), hashlib.sha256).hexdigest()


def secure_cookies(request: Request) -> bool:
    app = request.scope.get("kansenmonitor_app") or request.app
    return bool(getattr(app.state, "production", False)) or request.url.scheme == "https"


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int | None = None,
               samesite: str = "lax") -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite=samesite,
                        secure=secure_cookies(request))


async def _form_token(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("application/x-www-form-urlencoded"):
        body = (await request.body()).decode("utf-8", errors="replace")
        return dict(parse_qsl(body, keep_blank_values=True)).get(CSRF_FIELD)
    if ctype.startswith("multipart/form-data"):
        try:
            await request.body()  # kept, so that the page behind this middleware can read the upload again
            form = await request.form()
        except Exception:  # unreadable form (or no multipart parser installed): no token, so refused
            return None
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def install(app: FastAPI, refuse) -> None:
    """Add the security middleware to ``app``. ``refuse(request, status, title, message)`` renders a refusal."""
    if not hasattr(app.state, "secret_key"):
        # without a configured key (demo, development): a random key per process; forms opened before a
        # restart must then be sent again. ``serve --production`` refuses to start without one.
        app.state.secret_key = secret_key() or secrets.token_hex(32)
    app.state.sign_in_limiter = SignInLimiter()
    app.state.sessions = service.SessionCache()

    @app.middleware("http")
    async def security(request: Request, call_next):
        engine = app.state.monitor.store.engine
        path = request.url.path
        api = path == "/v1" or path.startswith("/v1/")
        new_csrf = None
        request.state.principal = ANONYMOUS
        if api:
            auth = request.headers.get("authorization", "")
            if auth:
                scheme, _, raw = auth.partition(" ")
                who = service.token_principal(engine, raw.strip()) if scheme.lower() == "bearer" else None
                if who is None:
                    return _with_headers(request, _api_unauthorised(path))
                request.state.principal = who
        else:
            # from the process's session cache, else one primary-key lookup on the event loop (a trip through the
            # thread pool queues behind the pages being built there: signed-in pages twice as slow, bench_users)
            acc = app.state.sessions.account(engine, request.cookies.get(SESSION_COOKIE))
            if acc is not None:
                request.state.principal = acc.principal()
            cookie = request.cookies.get(CSRF_COOKIE)
            if not cookie or len(cookie) > 100:
                cookie = new_csrf = secrets.token_urlsafe(32)
            request.state.csrf_cookie = cookie
            if request.method in UNSAFE:
                sent = await _form_token(request)
                expected = csrf_token(request)
                if new_csrf is not None or not sent or not hmac.compare_digest(sent, expected) \
                        or not same_site(request):
                    response = refuse(request, 403, "form_expired")
                    if new_csrf:
                        set_cookie(response, request, CSRF_COOKIE, new_csrf, samesite="lax")
                    return _with_headers(request, response)
        response = await call_next(request)
        if new_csrf and not getattr(request.state, "csrf_rotated", False):
            set_cookie(response, request, CSRF_COOKIE, new_csrf, samesite="lax")
        return _with_headers(request, response)


def _with_headers(request: Request, response: Response) -> Response:
    for k, v in HEADERS.items():
        response.headers.setdefault(k, v)
    if principal_of(request).signed_in:  # pages with internal figures are never kept by a shared cache
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _api_unauthorised(path: str) -> Response:
    from ..api import problem

    response = problem(401, "Niet aangemeld", "Het API-token is onbekend, ingetrokken of hoort bij een uitgeschakeld "
                       "account. Vraag de beheerder om een nieuw token, of laat de kop Authorization weg voor "
                       "de openbare cijfers.", path)
    response.headers["WWW-Authenticate"] = 'Bearer realm="kansenmonitor"'
    return response
