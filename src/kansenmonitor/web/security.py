"""Security for a hosted server: headers on every response, request limits, a read-only switch, known hosts.

* Every response carries a Content-Security-Policy that the app's own pages pass (scripts, styles and images
  only from this site, no inline script, no framing), ``X-Content-Type-Options``, ``Referrer-Policy``,
  ``X-Frame-Options`` and a restrictive ``Permissions-Policy``.
* Who may save what is decided by the accounts policy (:mod:`.accounts`), with a CSRF token on every form.
  A server started read-only (``serve --read-only``) refuses every POST before any handler runs.
* A write must be addressed to a Host the server was started for (a DNS rebinding page cannot pose as it);
  a form posted from a browser must also carry this site's Origin (or Referer) — see :func:`same_site`.
* Requests that are too large are refused with a Dutch message: a query string over 4 KB, more than 100
  query parameters, a body over 256 KB.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import Response

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
#: A self-contained report (one HTML file that also works offline and in print) carries its stylesheet inline and one
#: print button; its policy allows exactly that script (by hash) and inline style, nothing else.
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
              "script-src 'self' 'unsafe-hashes' 'sha256-MguIPR6qNR8D3B+eAlK+bIRTZe8t3wkOY4B/56Me9FU='; "
              "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
MAX_QUERY_BYTES = 4096
MAX_QUERY_PARAMS = 100
MAX_BODY_BYTES = 256 * 1024
#: hosts a locally started server answers writes for, whatever the port
LOOPBACK = frozenset({"127.0.0.1", "localhost", "[::1]", "testserver"})


def _problem(request: Request, status: int, title: str, detail: str) -> Response:
    import json

    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail,
                       "instance": request.url.path}, ensure_ascii=False)
    return Response(body, status_code=status, media_type="application/problem+json")


def allowed_host(request: Request, netloc: str) -> bool:
    """Whether ``netloc`` (host[:port]) is one this server was started for."""
    hosts = getattr(request.app.state, "allowed_hosts", None) or LOOPBACK
    netloc = netloc.lower()
    host = netloc.rsplit(":", 1)[0] if not netloc.endswith("]") else netloc
    return netloc in hosts or host in hosts


def same_site(request: Request) -> bool:
    """A write came from a page of this site: a known Host, and the Origin (or else Referer) is that Host."""
    host = request.headers.get("host", "")
    if not host or not allowed_host(request, host):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        origin = request.headers.get("referer")
    if not origin or origin == "null":
        return False
    return urlsplit(origin).netloc.lower() == host.lower()


def writes_allowed(app) -> bool:
    """Whether the server saves anything at all (not started read-only)."""
    return not getattr(app.state, "read_only", False)


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def guard(request: Request, call_next):
        query = request.scope.get("query_string", b"")
        if len(query) > MAX_QUERY_BYTES:
            response = _problem(request, 414, "Adres te lang",
                                f"Het adres is langer dan {MAX_QUERY_BYTES} tekens. Vraag minder tegelijk op.")
        elif query.count(b"&") + 1 > MAX_QUERY_PARAMS:
            response = _problem(request, 400, "Te veel parameters",
                                f"Geef hoogstens {MAX_QUERY_PARAMS} parameters op. Vraag minder tegelijk op.")
        elif request.method not in ("GET", "HEAD", "POST", "OPTIONS") and not _api_edit(request):
            response = _problem(request, 405, "Niet toegestaan", "Deze website kan alleen lezen en bewaren.")
        elif _writes(request) and not writes_allowed(request.app):
            response = _read_only(request)
        elif _writes(request) and not allowed_host(request, request.headers.get("host", "")):
            response = _problem(request, 403, "Niet bewaard",
                                "Dit adres hoort niet bij deze website, dus wordt hier niets bewaard. Open de "
                                "website via het adres dat de gemeente heeft bekendgemaakt.")
        elif _too_large(request):
            response = _problem(request, 413, "Te groot",
                                f"Wat u stuurt is groter dan {MAX_BODY_BYTES // 1024} kB. Stuur minder tegelijk.")
        else:
            response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def _api_edit(request: Request) -> bool:
    """``PUT``/``PATCH`` of an object through ``/v1`` (an intervention, with If-Match); pages only read and post."""
    return request.method in ("PUT", "PATCH") and request.url.path.startswith("/v1/")


def _writes(request: Request) -> bool:
    return request.method == "POST" or _api_edit(request)


def _read_only(request: Request) -> Response:
    title = "Niet bewaard"
    message = ("Deze website is alleen-lezen: hij bewaart niets. Wilt u iets invoeren of bewaren? Vraag de "
               "beheerder van de kansenmonitor naar de website waarop dat kan.")
    if request.url.path.startswith("/v1"):
        return _problem(request, 403, title, message)
    from .app import render

    return render(request, "error.html", {"status": 403, "title": title, "message": message,
                                          "list_url": "/", "list_label": "Naar de startpagina"}, status_code=403)


def _too_large(request: Request) -> bool:
    length = request.headers.get("content-length")
    if length is None:
        return request.method == "POST" and request.headers.get("transfer-encoding", "").lower() == "chunked"
    try:
        return int(length) > MAX_BODY_BYTES
    except ValueError:
        return True
