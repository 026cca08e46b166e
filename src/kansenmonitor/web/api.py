"""The versioned REST API under ``/v1`` (NL API Design Rules where they apply).

Conventions: Dutch plural resource names; field names in snake_case, like the CSV exports and the
Python model; no trailing-slash redirects (``/v1/gebieden/`` is a 404); an ``API-Version`` header on
every response; errors as ``application/problem+json`` (RFC 9457); pagination with ``pagina`` and
``per_pagina`` plus ``_links``. Every value passes disclosure control: a withheld or missing value
is ``null`` with its ``status``.
"""

from __future__ import annotations

import json
import math
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..core.errors import UnknownIndicatorError, UnknownRegionError
from ..core.model import Level
from . import i18n
from .app import no_nan
from .service import Site, publishable
from .situation.views import indicator_ref

API_VERSION = "1.0.0"
PROBLEM = "application/problem+json"
MAX_PAGE_SIZE = 1000

Page = Annotated[int, Query(ge=1, le=1_000_000, description="Paginanummer, vanaf 1.")]
Size = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Aantal per pagina (maximaal 1000).")]
Year = Annotated[int, Query(ge=1800, le=2200, description="Jaar (1800-2200).")]
LevelParam = Literal["land", "gemeente", "stadsdeel", "wijk", "buurt", "gebied"]


def _dump(data) -> str:
    def default(o):
        return o.item() if hasattr(o, "item") else str(o)

    return json.dumps(no_nan(data), ensure_ascii=False, default=default, allow_nan=False)


def ok(data, media_type: str = "application/json", headers: dict | None = None) -> Response:
    return Response(_dump(data), media_type=media_type, headers=headers)


def problem(status: int, title: str, detail: str, instance: str, **extra) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": instance, **extra}
    return Response(_dump(body), status_code=status, media_type=PROBLEM)


def api_lang(request: Request) -> str:
    """nl or en: ``?lang=``, else the request's ``Accept-Language``, else Dutch."""
    return i18n.api_lang(request.query_params.get("lang"), request.headers.get("accept-language"))


def invalid_params_problem(request: Request, params: list[tuple[str, str, str | None]]) -> Response:
    """A 400 naming each bad parameter with its reason, in the request's language. ``params``: ``(name,
    reason_nl, reason_en)``; a reason without English says it is explained in Dutch only."""
    lang = api_lang(request)
    items = [{"name": n, "reason": (en or f"not valid (explained in Dutch only: {nl})") if lang == "en" else nl}
             for n, nl, en in params]
    names = ", ".join(p["name"] for p in items)
    reasons = "; ".join(p["reason"] for p in items)
    if lang == "en":
        title, detail = "Invalid parameter", f"The parameter '{names}' is not valid: {reasons}"
    else:
        title, detail = "Ongeldige parameter", f"De parameter '{names}' is niet goed: {reasons}"
    return problem(400, title, detail, request.url.path, invalid_params=items)


def internal_error(request: Request) -> Response:
    en = api_lang(request) == "en"
    return problem(500, "Internal error" if en else "Interne fout",
                   "Something went wrong; please try again later." if en
                   else "Er ging iets mis; probeer het later opnieuw.", request.url.path)


def _num(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)


def region_json(r, geometry: dict | None = None, with_geometry: bool = False) -> dict:
    out = {"code": r.code, "naam": r.name, "niveau": str(r.level), "indeling": r.boundary_year,
           "ouder": r.parent, "gemeente": r.gemeente, "leden": list(r.members),
           "_links": {"self": {"href": f"/v1/gebieden/{r.code}?indeling={r.boundary_year}"},
                      "vergelijkbaar": {"href": f"/v1/gebieden/{r.code}/vergelijkbaar?indeling={r.boundary_year}"},
                      "profiel": {"href": f"/gebieden/{r.code}?indeling={r.boundary_year}"}}}
    if with_geometry:
        return {"type": "Feature", "id": r.code, "properties": out, "geometry": geometry}
    return out


def paged(request: Request, key: str, items: list, page: int, size: int, total: int | None = None) -> Response:
    """One page of ``items``; with ``total``, ``items`` is that page already (sliced before costly work)."""
    sliced = total is not None
    total = len(items) if total is None else total
    pages = max(1, math.ceil(total / size))
    start = 0 if sliced else (page - 1) * size
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("pagina", "per_pagina")]

    def href(p):
        return str(request.url.path) + "?" + urlencode(params + [("pagina", p), ("per_pagina", size)])

    links = {"self": {"href": href(page)}, "first": {"href": href(1)}, "last": {"href": href(pages)}}
    if page > 1:
        links["prev"] = {"href": href(page - 1)}
    if page < pages:
        links["next"] = {"href": href(page + 1)}
    body = {key: items[start : start + size], "pagina": page, "per_pagina": size, "totaal": total,
            "aantal_paginas": pages, "_links": links}
    headers = {"X-Total-Count": str(total), "X-Pagination-Page": str(page), "X-Pagination-Limit": str(size)}
    return ok(body, headers=headers)


def create_api(site: Site) -> FastAPI:
    api = FastAPI(
        title="Kansenmonitor API",
        version=API_VERSION,
        description=__doc__,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
        servers=[{"url": "/v1"}],
    )

    @api.middleware("http")
    async def version_header(request: Request, call_next):
        response = await call_next(request)
        response.headers["API-Version"] = API_VERSION
        return response

    @api.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        return invalid_params_problem(request, [
            (str(e["loc"][1] if len(e["loc"]) > 1 else e["loc"][-1]), i18n.validation_reason(e, "nl"),
             i18n.validation_reason(e, "en")) for e in exc.errors()])

    @api.exception_handler(ValueError)
    async def bad_parameter(request: Request, exc: ValueError):
        # BadParameter (a ValueError with the parameter's name) from any resource, incl. plug-ins
        name = getattr(exc, "name", None)
        if name is None:
            return internal_error(request)
        return invalid_params_problem(request, [(name, str(exc), getattr(exc, "en", None))])

    @api.exception_handler(UnknownRegionError)
    async def unknown_region(request: Request, exc: UnknownRegionError):
        en = api_lang(request) == "en"
        return problem(404, "Area not found" if en else "Gebied niet gevonden", str(exc), request.url.path,
                       _links={"lijst": {"href": "/v1/gebieden"}})

    @api.exception_handler(UnknownIndicatorError)
    async def unknown_indicator(request: Request, exc: UnknownIndicatorError):
        en = api_lang(request) == "en"
        return problem(404, "Indicator not found" if en else "Indicator niet gevonden", str(exc), request.url.path,
                       _links={"lijst": {"href": "/v1/indicatoren"}})

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        en = api_lang(request) == "en"
        if exc.status_code == 404:
            title = "Not found" if en else "Niet gevonden"
            detail = (f"'{request.url.path}' does not exist in this API." if en
                      else f"'{request.url.path}' bestaat niet in deze API.")
        else:
            title = detail = str(exc.detail)
        return problem(exc.status_code, title, detail, request.url.path, _links={"openapi": {"href": "/v1/openapi.json"}})

    @api.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        return internal_error(request)

    @api.get("/gebieden", summary="Gebieden (gemeenten, wijken, buurten, eigen gebieden)")
    def gebieden(request: Request, niveau: LevelParam | None = None, gemeente: str | None = None,
                 indeling: Year | None = None, pagina: Page = 1, per_pagina: Size = 100):
        regions = [r for r in site.all_regions()
                   if (niveau is None or r.level == Level(niveau))
                   and (gemeente is None or r.gemeente == gemeente)
                   and (indeling is None or r.boundary_year == indeling)]
        return paged(request, "gebieden", [region_json(r) for r in regions], pagina, per_pagina)

    @api.get("/gebieden/{code}", summary="Eén gebied als GeoJSON Feature (met grenzen waar bekend)")
    def gebied(code: str, indeling: Year | None = None):
        r = site.region(code, indeling)
        geometry = None
        if r.level.is_custom and r.gemeente:
            geometry = site.geometries(str(r.level), r.gemeente, r.boundary_year).get(r.code)
        else:
            full = site.monitor.region(r.code, r.boundary_year)
            geometry = json.loads(full.geometry) if full.geometry else None
        return ok(region_json(r, geometry, with_geometry=True), media_type="application/geo+json")

    @api.get("/gebieden/{code}/vergelijkbaar", summary="Vergelijkbare gebieden van hetzelfde niveau")
    def vergelijkbaar(request: Request, code: str, indeling: Year | None = None,
                      k: Annotated[int, Query(ge=1, le=50, description="Aantal gebieden.")] = 5):
        r = site.region(code, indeling)
        result, why_not = site.similar(r, k=k)
        if result is None:
            if api_lang(request) == "en":
                reason = ("too few profile indicators known" if why_not == "too_few"
                          else "no comparison group with data for this area")
                return problem(422, "Cannot be compared", f"No similar areas can be computed for '{r.code}': "
                               f"{reason}.", f"/v1/gebieden/{code}/vergelijkbaar")
            reason = ("te weinig profielindicatoren bekend" if why_not == "too_few"
                      else "geen vergelijkingsgroep met gegevens voor dit gebied")
            return problem(422, "Niet te vergelijken", f"Voor '{r.code}' kunnen geen vergelijkbare gebieden "
                           f"berekend worden: {reason}.", f"/v1/gebieden/{code}/vergelijkbaar")
        names = {c: site.region(c, r.boundary_year).name for c in result.codes}
        return ok({
            "gebied": r.code, "indeling": r.boundary_year, "niveau": str(r.level), "k": result.k,
            "indicatoren": result.indicators, "weggelaten_indicatoren": result.dropped_indicators,
            "minimaal_aandeel_indicatoren": result.min_share, "vergelijkingsgroep": result.population_size,
            "methode": "z-scores over de vergelijkingsgroep, euclidische afstand over gedeelde indicatoren",
            "vergelijkbaar": [{
                "code": n.code, "naam": names[n.code], "afstand": n.distance, "gedeelde_indicatoren": n.n_shared,
                "bijdragen": n.contributions, "z_verschillen": n.z_differences, "lijkt_op": n.alike(3),
                "verschilt_in": n.different(2), "_links": {"self": {"href": f"/v1/gebieden/{n.code}"}},
            } for n in result.neighbours],
            "uitgesloten": result.excluded,
        })

    @api.get("/indicatoren", summary="Alle indicatoren met metadata")
    def indicatoren(thema: str | None = None):
        items = [indicator_ref(i, "nl") for i in site.catalogue if thema is None or i.theme == thema]
        return ok({"indicatoren": items, "totaal": len(items)})

    @api.get("/indicatoren/{iid}", summary="Eén indicator met metadata")
    def indicator(iid: str):
        ind = site.catalogue[iid]
        return ok({**indicator_ref(ind, "nl"), "label_en": ind.label_en, "definition_en": ind.definition_en,
                   "_links": {"waarnemingen": {"href": f"/v1/waarnemingen?indicator={ind.id}"}}})

    @api.get("/waarnemingen", summary="Waarnemingen (na privacybescherming), gepagineerd")
    def waarnemingen(request: Request,
                     gebied: Annotated[list[str] | None, Query(description="Gebiedscode(s).")] = None,
                     niveau: LevelParam | None = None,
                     indicator: Annotated[list[str] | None, Query(description="Indicator-id('s).")] = None,
                     jaar: Annotated[list[Annotated[int, Query(ge=1800, le=2200)]] | None,
                                     Query(description="Peiljaar/jaren (1800-2200).")] = None,
                     gemeente: str | None = None, indeling: Year | None = None,
                     pagina: Page = 1, per_pagina: Size = 100):
        for iid in indicator or []:
            site.catalogue[iid]  # raises UnknownIndicatorError → 404
        for code in gebied or []:
            if code not in site.codes():
                raise UnknownRegionError(f"Gebied '{code}' is onbekend.")
        def load() -> tuple[list, int]:
            # page first, then disclose only that page: disclosure is decided per cell in the store's ledger
            # (computed once per store content), so a page's cells are withheld exactly as in the whole listing
            obs = site.monitor.store.observations(regions=gebied, indicators=indicator, periods=jaar,
                                                  level=niveau, gemeente=gemeente, boundary_year=indeling)
            return _observation_items(site, obs, pagina, per_pagina), len(obs)

        # the same answer for every visitor (public figures only), so kept until the store changes
        key = ("waarnemingen", tuple(gebied or ()), niveau, tuple(indicator or ()), tuple(jaar or ()), gemeente,
               indeling, pagina, per_pagina)
        items, total = site.cached_api(key, load)
        return paged(request, "waarnemingen", items, pagina, per_pagina, total=total)

    return api


def _observation_items(site: Site, obs, pagina: int, per_pagina: int) -> list[dict]:
    items = []
    if not obs.empty:
        obs = obs.sort_values(["region", "indicator", "period", "boundary_year"], kind="stable")
        obs = site.monitor.disclose(obs.iloc[(pagina - 1) * per_pagina: pagina * per_pagina])
        for o in obs.itertuples():
            shown = publishable(o.value, o.status)
            items.append({
                "gebied": o.region, "indeling": int(o.boundary_year), "indicator": o.indicator,
                "jaar": int(o.period), "waarde": _num(o.value) if shown else None,
                "status": o.status if shown or o.status != "measured" else "missing",
                "ondergrens": _num(o.lower) if shown else None, "bovengrens": _num(o.upper) if shown else None,
                "bron": o.source_ref, "privacy": getattr(o, "disclosure", None),
            })
    return items
