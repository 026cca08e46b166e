"""The web application: server-rendered pages (Jinja2, usable without JavaScript) and the ``/v1`` API.

``create_app(monitor)`` builds the app around one :class:`~kansenmonitor.monitor.Monitor`; the pages
and the API only format what the monitor returns.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import format as fmt
from ..core.errors import KansenmonitorError, UnknownIndicatorError, UnknownRegionError
from ..monitor import Monitor
from . import i18n
from .service import Site

HERE = Path(__file__).parent
log = logging.getLogger("kansenmonitor.web")


class BadParameter(ValueError):
    """An invalid query parameter: answered with 400, naming the parameter. ``message`` is Dutch, ``en`` the same
    in English (for ``?lang=en`` and the API's ``Accept-Language``); ``str(exc)`` is the Dutch text."""

    def __init__(self, name: str, message: str, en: str | None = None):
        self.name = name
        self.en = en
        super().__init__(message)

    def text(self, lang: str) -> str:
        """The reason in ``lang``. A reason that only exists in Dutch (a message of the engine behind the page)
        says so in English rather than pass for an English text."""
        if lang != "en":
            return str(self)
        return self.en or f"not valid (explained in Dutch only: {self})"


class NotFound(LookupError):
    """Something named in the URL does not exist: answered with 404 and a link to the list."""

    def __init__(self, what: str, message: str, list_url: str):
        self.what = what
        self.list_url = list_url
        super().__init__(message)


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=template_dirs())
    env = templates.env
    env.globals.update(number=fmt.number, level_label=i18n.level, theme_label=i18n.theme,
                       status_label=i18n.status)
    return templates


def lang_of(request: Request) -> str:
    return getattr(request.state, "lang", i18n.DEFAULT_LANG)


def render(request: Request, name: str, context: dict, status_code: int = 200) -> HTMLResponse:
    lang = lang_of(request)
    app = request.scope.get("kansenmonitor_app") or request.app
    ctx = {"request": request, "lang": lang, "_": i18n.translator(lang), "site": app.state.site,
           "url_with": lambda **kw: url_with(request, **kw), **context}
    return app.state.templates.TemplateResponse(request, name, ctx, status_code=status_code)


def url_with(request: Request, **changes) -> str:
    """The current URL with some query parameters changed (``None`` removes one)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    for k, v in changes.items():
        if v is None:
            continue
        if isinstance(v, list | tuple):
            params.extend((k, str(x)) for x in v)
        else:
            params.append((k, str(v)))
    from urllib.parse import urlencode

    query = urlencode(params)
    return request.url.path + ("?" + query if query else "")


def _json_default(o):
    if hasattr(o, "item"):
        return o.item()
    return str(o)


def no_nan(obj):
    """NaN (pandas' missing value) → ``None`` (JSON null), recursively."""
    if isinstance(obj, float) and obj != obj:
        return None
    if isinstance(obj, dict):
        return {k: no_nan(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [no_nan(v) for v in obj]
    return obj


def json_response(data, status_code: int = 200, media_type: str = "application/json") -> Response:
    body = json.dumps(no_nan(data), ensure_ascii=False, default=_json_default, allow_nan=False)
    return Response(body, status_code=status_code, media_type=media_type)


def csv_response(records: list[dict], columns: list[str], filename: str) -> Response:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for rec in records:
        writer.writerow({k: ("" if v is None or (isinstance(v, float) and v != v) else fmt.spreadsheet_safe(v))
                         for k, v in rec.items()})
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'inline; filename="{filename}.csv"'})


def _table(records: list[dict], columns: list[str]):
    import pandas as pd

    rows = [{c: (None if (isinstance(r.get(c), float) and r.get(c) != r.get(c)) else r.get(c)) for c in columns}
            for r in records]
    return pd.DataFrame(rows, columns=columns)


def csv_nl_response(records: list[dict], columns: list[str], filename: str) -> Response:
    """The table for Dutch Excel: semicolon, decimal comma, UTF-8 with BOM, downloaded as a file."""
    frame = _table(records, columns)
    body = frame.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
    return Response(("\ufeff" + body).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})


def xlsx_response(records: list[dict], columns: list[str], filename: str) -> Response:
    """The table as an Excel workbook (one sheet), downloaded as a file."""
    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        _table(records, columns).to_excel(xw, sheet_name="gegevens", index=False)
    return Response(buf.getvalue(), media_type=XLSX_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'})


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: the data twins every page offers beside HTML
DATA_FORMATS = ("json", "csv", "csv-nl", "xlsx")


def strip_private(obj):
    """Drop keys starting with '_' (Python objects kept for the templates) before JSON output."""
    if isinstance(obj, dict):
        return {k: strip_private(v) for k, v in obj.items() if not k.startswith("_")}
    if isinstance(obj, list):
        return [strip_private(v) for v in obj]
    return obj


def respond(request: Request, template: str, view: dict, records: list[dict], columns: list[str],
            filename: str, **extra) -> Response:
    """The page, or its data twin with ``?format=json``, ``csv``, ``csv-nl`` (Dutch Excel) or ``xlsx``."""
    form = request.query_params.get("format", "html")
    if form == "json":
        return json_response(strip_private(view))
    if form == "csv":
        return csv_response(records, columns, filename)
    if form == "csv-nl":
        return csv_nl_response(records, columns, filename)
    if form == "xlsx":
        return xlsx_response(records, columns, filename)
    if form != "html":
        raise BadParameter("format", "kies html, json, csv, csv-nl of xlsx", "choose html, json, csv, csv-nl or xlsx")
    return render(request, template, {"view": view, **extra})


#: Capability subpackages of ``kansenmonitor.web`` with pages and API resources register themselves:
#: each has ``register(app, v1)`` and ``NAV`` (a list of ``(path, label_nl, label_en)`` menu entries), and may
#: keep its templates in its own ``templates/`` folder. Outside packages plug in through the entry point
#: group ``kansenmonitor.web``. The situation pages (``web/situation``) are the core and come first.
CORE_PACKAGES = ("situation",)
#: menu order of the shipped capabilities; others follow in name order
NAV_ORDER = ("indices", "programme", "evaluation")


def _discovered() -> list[str]:
    import pkgutil

    names = [m.name for m in pkgutil.iter_modules([str(HERE)]) if m.ispkg and m.name not in CORE_PACKAGES]
    return sorted(names, key=lambda n: (NAV_ORDER.index(n) if n in NAV_ORDER else len(NAV_ORDER), n))


def web_plugins() -> list:
    """The capability modules, shipped ones first, then entry points of other packages."""
    import importlib
    from importlib.metadata import entry_points

    modules = []
    for name in _discovered():
        module = importlib.import_module(f"{__package__}.{name}")
        if hasattr(module, "register"):
            modules.append(module)
    for ep in entry_points(group="kansenmonitor.web"):
        modules.append(ep.load())
    return modules


def template_dirs() -> list[str]:
    """The shared templates, then each capability's own ``templates/`` folder."""
    dirs = [HERE / "templates"] + [HERE / name / "templates" for name in (*CORE_PACKAGES, *_discovered())]
    return [str(d) for d in dirs if d.is_dir()]


def create_app(monitor: Monitor | None = None, extra_static: Path | None = None, read_only: bool = False,
               allowed_hosts: set[str] | None = None) -> FastAPI:
    """Build the app. Without ``monitor``, open the store in ``$KANSENMONITOR_HOME``. Who may save what is the
    accounts policy's decision; ``read_only`` refuses every write (see :mod:`.security`). Writes are accepted
    only for a Host in ``allowed_hosts`` (default: this machine)."""
    if monitor is None:
        monitor = Monitor.open(create=False)
    app = FastAPI(title="Kansenmonitor", docs_url=None, redoc_url=None, openapi_url=None,
                  redirect_slashes=False)
    app.state.monitor = monitor
    app.state.read_only = read_only
    app.state.allowed_hosts = allowed_hosts
    app.state.site = Site(monitor)
    app.state.templates = _templates()

    @app.middleware("http")
    async def language(request: Request, call_next):
        asked = request.query_params.get("lang")
        cookie = request.cookies.get(i18n.COOKIE)
        lang = asked if asked in i18n.LANGS else (cookie if cookie in i18n.LANGS else i18n.DEFAULT_LANG)
        request.state.lang = lang
        request.scope["kansenmonitor_app"] = app
        app.state.site.refresh_if_changed()  # pick up imports made while the server runs
        response = await call_next(request)
        if asked in i18n.LANGS and asked != cookie:
            response.set_cookie(i18n.COOKIE, asked, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
        return response

    from . import api, security, situation

    app.include_router(situation.router)
    v1 = api.create_api(app.state.site)
    app.state.nav = []
    for module in web_plugins():
        # a capability module adds its pages to ``app``, its resources to ``v1`` and menu entries
        module.register(app, v1)
        app.state.nav.extend(getattr(module, "NAV", ()))
    app.mount("/v1", v1)
    # outermost: request limits, read-only and Host checks run before any other middleware reads the body
    security.install(app)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    if extra_static is not None:
        app.mount("/bestanden", StaticFiles(directory=str(extra_static)), name="bestanden")

    def error_page(request: Request, status: int, title: str, message: str, list_url: str | None = None,
                   list_label: str | None = None):
        if request.query_params.get("format") == "json":
            return json_response({"type": "about:blank", "title": title, "status": status, "detail": message},
                                 status, "application/problem+json")
        return render(request, "error.html", {"status": status, "title": title, "message": message,
                                              "list_url": list_url, "list_label": list_label}, status_code=status)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        _ = i18n.translator(lang_of(request))
        return error_page(request, 404, _("Niet gevonden", "Not found"), str(exc), exc.list_url,
                          _("Bekijk de lijst", "See the list"))

    @app.exception_handler(UnknownRegionError)
    async def unknown_region(request: Request, exc: UnknownRegionError):
        _ = i18n.translator(lang_of(request))
        return error_page(request, 404, _("Gebied niet gevonden", "Area not found"), str(exc), "/gebieden",
                          _("Bekijk de lijst met gebieden", "See the list of areas"))

    @app.exception_handler(UnknownIndicatorError)
    async def unknown_indicator(request: Request, exc: UnknownIndicatorError):
        _ = i18n.translator(lang_of(request))
        return error_page(request, 404, _("Indicator niet gevonden", "Indicator not found"), str(exc),
                          "/indicatoren", _("Bekijk de lijst met indicatoren", "See the list of indicators"))

    @app.exception_handler(BadParameter)
    async def bad_parameter(request: Request, exc: BadParameter):
        _ = i18n.translator(lang_of(request))
        return error_page(request, 400, _("Ongeldige invoer", "Invalid input"),
                          _(f"De parameter '{exc.name}' is niet goed: {exc}",
                            f"The parameter '{exc.name}' is not valid: {exc.text('en')}"))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        _ = i18n.translator(lang_of(request))
        names = ", ".join(str(e["loc"][1] if len(e["loc"]) > 1 else e["loc"][-1]) for e in exc.errors())
        return error_page(request, 400, _("Ongeldige invoer", "Invalid input"),
                          _(f"De parameter '{names}' is niet goed.", f"The parameter '{names}' is not valid."))

    @app.exception_handler(KansenmonitorError)
    async def cannot_answer(request: Request, exc: KansenmonitorError):
        # a known limit of the data or the definition (never a traceback): say what it is
        _ = i18n.translator(lang_of(request))
        return error_page(request, 422, _("Dit kan niet worden getoond", "This cannot be shown"), str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        _ = i18n.translator(lang_of(request))
        if exc.status_code == 404:
            return error_page(request, 404, _("Pagina niet gevonden", "Page not found"),
                              _(f"De pagina '{request.url.path}' bestaat niet.",
                                f"The page '{request.url.path}' does not exist."), "/",
                              _("Naar de startpagina", "To the home page"))
        return error_page(request, exc.status_code, str(exc.detail), str(exc.detail))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        log.exception("error while serving %s", request.url.path)
        _ = i18n.translator(lang_of(request))
        return error_page(request, 500, _("Er ging iets mis", "Something went wrong"),
                          _("Er ging iets mis bij het maken van deze pagina. Probeer het later opnieuw.",
                            "Something went wrong while making this page. Please try again later."))

    return app


__all__ = ["create_app", "BadParameter", "NotFound", "JSONResponse"]
