"""HTML pages (with JSON and CSV twins via ``?format=``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ... import format as fmt
from ...core.errors import UnknownIndicatorError
from ...core.model import Level
from .. import graphics, i18n
from ..app import BadParameter, NotFound, json_response, lang_of, render, respond
from ..service import MAP_LEVELS, Site, publishable
from . import views

router = APIRouter()

DEFAULT_INDICATOR = "moeite_met_rondkomen_18plus"
PAGE_LEVELS = ("gemeente", "stadsdeel", "wijk", "buurt", "gebied")


def site_of(request: Request) -> Site:
    return request.app.state.site


def _int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, f"'{raw}' is geen jaartal", f"'{raw}' is not a year") from None
    if not 1800 <= value <= 2200:
        raise BadParameter(name, f"'{raw}' is geen jaartal tussen 1800 en 2200", f"'{raw}' is not a year between 1800 and 2200")
    return value


def _choice(request: Request, name: str, options, default):
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    if raw not in options:
        raise BadParameter(name, f"'{raw}' kan niet; kies uit {', '.join(options)}",
                           f"'{raw}' is not possible; choose from {', '.join(options)}")
    return raw


def _gemeente(request: Request, site: Site, required: bool = True):
    gms = site.detail_gemeenten()
    code = request.query_params.get("gemeente") or (gms[0].code if gms else None)
    if code is None:
        if required:
            raise NotFound("gemeente", "Er staan nog geen gemeenten met wijken in de database.", "/gebieden")
        return None
    if code not in {g.code for g in gms}:
        raise BadParameter("gemeente", f"'{code}' kan niet; kies uit {', '.join(g.code for g in gms)}",
                           f"'{code}' is not possible; choose from {', '.join(g.code for g in gms)}")
    return site.region(code)


def _indicator(site: Site, iid: str, param: str | None = None):
    try:
        return site.catalogue[iid]
    except UnknownIndicatorError:
        if param:
            raise BadParameter(param, f"indicator '{iid}' bestaat niet; zie /indicatoren",
                               f"indicator '{iid}' does not exist; see /indicatoren") from None
        raise


@router.get("/")
def home(request: Request):
    site = site_of(request)
    view = {"gemeenten": [views.region_ref(g, lang_of(request)) for g in site.detail_gemeenten()],
            "levels": list(MAP_LEVELS),
            "with_stadsdelen": [g.code for g in site.detail_gemeenten() if site.regions_of("stadsdeel", g.code)]}
    return respond(request, "home.html", view, view["gemeenten"], ["code", "name", "level", "boundary_year"],
                   "gemeenten")


@router.get("/kaart")
def map_page(request: Request):
    site = site_of(request)
    lang = lang_of(request)
    gm = _gemeente(request, site)
    level = _choice(request, "niveau", MAP_LEVELS, "buurt")
    default = DEFAULT_INDICATOR if DEFAULT_INDICATOR in site.catalogue else next(iter(site.catalogue)).id
    ind = _indicator(site, request.query_params.get("indicator") or default, "indicator")
    sort = _choice(request, "sorteer", ("naam", "waarde"), "naam")
    order = _choice(request, "volgorde", ("op", "af"), "op")
    period = _int(request, "jaar")
    view = views.map_view(site, gm, level, ind, period, lang, {"naam": "name", "waarde": "value"}[sort],
                          {"op": "asc", "af": "desc"}[order])
    if period is not None and period not in view["periods"]:
        raise BadParameter("jaar", f"voor deze indicator zijn er cijfers voor "
                           f"{', '.join(map(str, view['periods'])) or 'geen enkel jaar'}",
                           f"this indicator has figures for {', '.join(map(str, view['periods'])) or 'no year'}")
    view["sort_param"], view["order_param"] = sort, order
    groups = views.indicator_picker(site, gm.code, level, lang)
    view["availability"] = views.availability_note(site, gm, level, ind, lang)
    return respond(request, "map.html", view, view["rows"], views.MAP_CSV,
                   f"kaart-{gm.code}-{level}-{ind.id}-{view['period']}", indicator_groups=groups,
                   gemeenten=site.detail_gemeenten())


@router.get("/kaart/geometrie")
def map_geometry(request: Request):
    """The simplified GeoJSON of a map (FeatureCollection), cached per process."""
    site = site_of(request)
    gm = _gemeente(request, site)
    level = _choice(request, "niveau", MAP_LEVELS, "buurt")
    by = site.map_boundary_year(level, gm.code)
    geo = site.geometries(level, gm.code, by) if by else {}
    names = {r.code: r.name for r in site.regions_of(level, gm.code, by)}
    return json_response({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": code, "properties": {"code": code, "name": names.get(code, code),
                                                       "boundary_year": by}, "geometry": g}
        for code, g in geo.items()]}, media_type="application/geo+json")


@router.get("/zoek")
def search_page(request: Request):
    """Find a buurt, wijk or own area by name, or the buurten of a postcode: one name match opens its
    profile, more give a list; a postcode always gives its buurten with the share of the postcode area."""
    site = site_of(request)
    lang = lang_of(request)
    q = (request.query_params.get("q") or "").strip()
    if len(q) > 100:
        raise BadParameter("q", "zoek met hoogstens 100 tekens", "search with at most 100 characters")
    postcode = views.search_postcode(site, q, lang) if q else None
    if postcode is not None:
        hits = postcode["hits"]
    else:
        hits = views.search_regions(site, q, lang) if q else []
    form = request.query_params.get("format", "html")
    if postcode is None and form == "html":
        exact = [h for h in hits if views._fold(h["name"]) == views._fold(q)]
        if len(hits) == 1 or len(exact) == 1:
            target = (hits if len(hits) == 1 else exact)[0]
            return RedirectResponse(f"/gebieden/{target['code']}", status_code=303)
    view = {"q": q, "hits": hits, "postcode": postcode}
    return respond(request, "search.html", view, hits,
                   ["code", "name", "level", "gemeente", "gemeente_name", "share_of_pc4", "nearest"], "zoeken")


@router.get("/gebieden")
def regions_page(request: Request):
    site = site_of(request)
    lang = lang_of(request)
    level = _choice(request, "niveau", PAGE_LEVELS, None)
    gms = {g.code for g in site.detail_gemeenten()}
    gm = request.query_params.get("gemeente") or None
    if gm is not None and gm not in gms:
        raise BadParameter("gemeente", f"'{gm}' kan niet; kies uit {', '.join(sorted(gms))}",
                           f"'{gm}' is not possible; choose from {', '.join(sorted(gms))}")
    regions = []
    newest = site.newest_boundary_years()  # code → its newest indeling, one lookup per area (not a scan)
    for r in site.all_regions():
        if level is None and r.level not in (Level.STADSDEEL, Level.WIJK, Level.BUURT, Level.GEBIED) and r.code not in gms:
            continue
        if level is not None and r.level != level:
            continue
        if r.level != Level.GEMEENTE and r.gemeente not in gms:
            continue
        if gm is not None and r.gemeente != gm:
            continue
        if level == "gemeente" and r.code not in gms and gm is None and request.query_params.get("alle") != "1":
            continue
        if r.boundary_year != newest[r.code]:
            continue
        regions.append(views.region_ref(r, lang))
    regions.sort(key=lambda r: (PAGE_LEVELS.index(r["level"]) if r["level"] in PAGE_LEVELS else 9, r["code"]))
    view = {"regions": regions, "level": level, "gemeente": gm,
            "gemeenten": [views.region_ref(g, lang) for g in site.detail_gemeenten()]}
    return respond(request, "regions.html", view, regions, ["code", "name", "level", "boundary_year", "gemeente"],
                   "gebieden")


@router.get("/gebieden/{code}")
def profile_page(request: Request, code: str):
    site = site_of(request)
    lang = lang_of(request)
    by = _int(request, "indeling")
    region = site.region(code, by)
    key = (region.code, region.boundary_year, lang)
    view = site.cached_view(("profile",) + key, lambda: views.profile_view(site, region, lang))
    form = request.query_params.get("format", "html")
    if form == "html":
        # the page does not change while the server runs; it differs between visitors only in the account link,
        # which a signed-in visitor gets swapped in (it is rendered once, by the first anonymous visit)
        from ..accounts.personal import as_anonymous, personalised

        def render_once() -> bytes:
            with as_anonymous(request):
                return bytes(respond(request, "profile.html", view, [], [], "").body)

        own = personalised(request, site.cached_view(("profile-html",) + key, render_once))
        if own is not None:
            return Response(own, media_type="text/html; charset=utf-8")
    return respond(request, "profile.html", view, views.profile_records(view), views.PROFILE_CSV,
                   f"profiel-{region.code}")


def _signed_in(request: Request) -> bool:
    from ..accounts.security import principal_of

    return principal_of(request).signed_in


def prepare(site: Site, newest: bool | None = None) -> int:
    """Server start: the profile of every area of the gemeenten in detail, in both languages, so that no visitor
    waits for a first visit (see :meth:`Site.warm_up`). ``newest=True``: only the newest indeling of each area (the
    pages the site links to), ``False``: only the older ones. Returns the number of areas prepared."""
    return site.warm_up(views.profile_view, regions=site.areas_in_detail(newest))


@router.get("/indicatoren")
def indicators_page(request: Request):
    site = site_of(request)
    lang = lang_of(request)
    items = [views.indicator_ref(i, lang) for i in sorted(site.catalogue, key=lambda i: (i.theme, i.id))]
    themes: dict[str, list] = {}
    for i in items:
        themes.setdefault(i["theme_label"], []).append(i)
    view = {"indicators": items, "themes": [{"label": k, "items": v} for k, v in themes.items()]}
    records = [{k: v for k, v in i.items() if k != "sources"} for i in items]
    return respond(request, "indicators.html", view, records,
                   ["id", "label", "theme", "unit", "polarity", "decimals", "structural", "min_count", "definition"],
                   "indicatoren")


@router.get("/indicatoren/{iid}")
def indicator_page(request: Request, iid: str):
    site = site_of(request)
    lang = lang_of(request)
    ind = site.catalogue[iid]
    level = _choice(request, "niveau", ("gemeente", "wijk", "buurt"), "buurt")
    gms = [g.code for g in site.detail_gemeenten()]
    period = _int(request, "jaar")
    scope = gms if level != "gemeente" else None
    obs = site.monitor.observations(public=True, level=level, gemeente=scope, indicators=[ind.id])
    periods = sorted(int(p) for p in obs.loc[obs["value"].notna(), "period"].unique()) if not obs.empty else []
    if period is not None and period not in periods:
        raise BadParameter("jaar", f"er zijn cijfers voor {', '.join(map(str, periods)) or 'geen enkel jaar'}",
                           f"there are figures for {', '.join(map(str, periods)) or 'no year'}")
    period = period or (periods[-1] if periods else None)
    names = {(r.code, r.boundary_year): r.name for r in site.all_regions()}
    rows = []
    if period is not None:
        sel = obs[obs["period"] == period].sort_values("boundary_year").drop_duplicates("region", keep="last")
        for o in sel.itertuples():
            ok = publishable(o.value, o.status)
            rows.append({"code": o.region, "name": names.get((o.region, int(o.boundary_year)), o.region),
                         "boundary_year": int(o.boundary_year), "period": int(o.period),
                         "value": float(o.value) if ok else None, "status": o.status if ok else
                         ("suppressed" if o.status == "suppressed" else "missing"),
                         "display": fmt.observation(o.value if ok else None, o.status, ind, lang)})
    worse_first = ind.polarity.value == "higher_is_worse"
    with_value = sorted((r for r in rows if r["value"] is not None), key=lambda r: r["value"],
                        reverse=worse_first or ind.polarity.value == "neutral")
    for rank, r in enumerate(with_value, 1):
        r["rank"] = rank
    ranking = with_value + sorted((r for r in rows if r["value"] is None), key=lambda r: r["name"])

    def num(x):
        return fmt.number(x, ind.decimals, lang)

    hist = graphics.histogram([r["value"] for r in with_value], num)
    # time series: the gemeenten with detail and NL
    ts_obs = site.monitor.observations(public=True, regions=gms + ["NL01"], indicators=[ind.id])
    series: dict[str, list] = {}
    for o in ts_obs.sort_values("boundary_year").itertuples():
        if publishable(o.value, o.status):
            nm = names.get((o.region, int(o.boundary_year)), o.region)
            pts = dict(series.get(nm, []))
            pts[int(o.period)] = float(o.value)
            series[nm] = sorted(pts.items())
    chart = graphics.line_chart(series, num) if any(len(v) >= 2 for v in series.values()) else None
    view = {"indicator": views.indicator_ref(ind, lang), "level": level, "period": period, "periods": periods,
            "ranking": ranking, "histogram": hist, "series": {k: v for k, v in series.items()}, "chart": chart,
            "n_withheld": sum(1 for r in rows if r["value"] is None)}
    return respond(request, "indicator.html", view, ranking,
                   ["rank", "code", "name", "boundary_year", "period", "value", "status"],
                   f"indicator-{ind.id}-{level}-{period}")


@router.get("/vergelijk")
def compare_page(request: Request):
    site = site_of(request)
    lang = lang_of(request)
    codes = [c.strip() for c in request.query_params.getlist("gebied") if c.strip()]
    if len(codes) > 4:
        raise BadParameter("gebied", "vergelijk twee tot vier gebieden", "compare two to four areas")
    regions = []
    for c in codes:
        try:
            regions.append(site.region(c))
        except LookupError:
            raise BadParameter("gebied", f"gebied '{c}' bestaat niet; zie /gebieden",
                               f"area '{c}' does not exist; see /gebieden") from None
    profiles = [views.profile_view(site, r, lang) for r in regions]
    table = []
    if len(profiles) >= 2:
        ids: list[str] = []
        for p in profiles:
            for row in p["rows"]:
                if row["indicator"] not in ids:
                    ids.append(row["indicator"])
        lookup = [{row["indicator"]: row for row in p["rows"]} for p in profiles]
        for iid in sorted(ids, key=lambda i: (site.catalogue[i].theme, i)):
            ind = site.catalogue[iid]
            cells = []
            for lk in lookup:
                row = lk.get(iid)
                cells.append({"value": row["value"] if row else None, "period": row["period"] if row else None,
                              "status": row["status"] if row else "missing",
                              "display": row["display"] if row else i18n.status("missing", lang)})
            if all(c["value"] is None for c in cells):
                continue
            table.append({"indicator": iid, "label": ind.label(lang), "theme": ind.theme,
                          "theme_label": i18n.theme(ind.theme, lang), "cells": cells})
    view = {"regions": [views.region_ref(r, lang) for r in regions], "rows": table, "codes": codes,
            "enough": len(regions) >= 2}
    records = []
    for row in table:
        rec = {"indicator": row["indicator"], "label": row["label"]}
        for r, cell in zip(regions, row["cells"], strict=True):
            rec[r.code] = cell["value"]
            rec[f"{r.code}_period"] = cell["period"]
        records.append(rec)
    columns = ["indicator", "label"] + [x for r in regions for x in (r.code, f"{r.code}_period")]
    options = [r for r in site.all_regions() if r.level != Level.GEMEENTE or r.code in
               {g.code for g in site.detail_gemeenten()}]
    latest = {}
    for r in options:
        if r.level == Level.LAND:
            continue
        if r.code not in latest or r.boundary_year > latest[r.code].boundary_year:
            latest[r.code] = r
    return respond(request, "compare.html", view, records, columns, "vergelijking",
                   options=sorted(latest.values(), key=lambda r: r.name))


@router.get("/over")
def about_page(request: Request):
    return render(request, "about.html", {})
