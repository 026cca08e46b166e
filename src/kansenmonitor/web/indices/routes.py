"""Pages and ``/v1`` resources for composite indices and targeting (plug-in: ``register(app, v1)``).

Pages (Dutch first, ``?lang=en``; each with ``?format=json|csv``): ``/indices``, ``/indices/{id}``,
``/indices/{id}/gebieden/{code}``, ``/indices/{id}/samenhang``, ``/indices/{id}/investeringen`` and
``/doelgroep`` (also ``?format=xlsx``). API: ``/v1/indices``, ``/v1/indices/{id}``,
``/v1/indices/{id}/scores``, ``/v1/indices/{id}/samenhang`` and ``/v1/doelgroepen``.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import Response

from ...core.model import Region
from ...indices import IndexInputError
from ...indices.messages import localise
from ...indices.targeting import RuleError
from ..api import invalid_params_problem, ok, problem
from ..app import BadParameter, NotFound, lang_of, respond
from ..service import Site
from . import views as iv

NAV = [("/indices", "Indices", "Indices"), ("/doelgroep", "Doelgroep kiezen", "Targeting")]

router = APIRouter()


def site_of(request: Request) -> Site:
    return request.app.state.site


# -- parameters (shared by pages and API) ---------------------------------------------------------------
def definition_of(site: Site, iid: str, param: str | None = None):
    defs = iv.definitions(site)
    if iid not in defs:
        msg = f"Index '{iid}' bestaat niet. Beschikbaar: {', '.join(sorted(defs))}."
        if param:
            raise BadParameter(param, msg, f"Index '{iid}' does not exist. Available: {', '.join(sorted(defs))}.")
        raise NotFound("index", msg, "/indices")
    return defs[iid]


def gemeente_of(site: Site, code: str | None) -> Region:
    gms = site.detail_gemeenten()
    if not gms:
        raise NotFound("gemeente", "Er staan nog geen gemeenten met wijken in de database.", "/gebieden")
    code = code or gms[0].code
    if code not in {g.code for g in gms}:
        raise BadParameter("gemeente", f"'{code}' kan niet; kies uit {', '.join(g.code for g in gms)}",
                           f"'{code}' is not possible; choose from {', '.join(g.code for g in gms)}")
    return site.region(code)


def level_of(d, raw: str | None) -> str:
    default = "buurt" if "buurt" in d.levels else d.levels[0]
    level = raw or default
    if level not in d.levels:
        raise BadParameter("niveau", f"'{level}' kan niet voor index '{d.id}'; kies uit {', '.join(d.levels)}",
                           f"'{level}' is not possible for index '{d.id}'; choose from {', '.join(d.levels)}")
    return level


def choice(raw: str | None, name: str, options, default: str) -> str:
    if raw in (None, ""):
        return default
    if raw not in options:
        raise BadParameter(name, f"'{raw}' kan niet; kies uit {', '.join(options)}",
                           f"'{raw}' is not possible; choose from {', '.join(options)}")
    return raw


_DUTCH_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")


def parse_amount(raw: str | None, name: str, default: float | None) -> float | None:
    """'1000000', '1.000.000', '1.000.000,50', '1000000.50' or '€ 1.000.000' → a positive number."""
    if raw in (None, ""):
        return default
    text = raw.replace("€", "").replace(" ", "").replace("\u00a0", "")
    if _DUTCH_THOUSANDS.match(text):
        text = text.replace(".", "")
    text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise BadParameter(name, f"'{raw}' is geen bedrag", f"'{raw}' is not an amount") from None
    if not value > 0 or value != value or value == float("inf"):
        raise BadParameter(name, f"'{raw}': het bedrag moet groter dan 0 zijn",
                           f"'{raw}': the amount must be greater than 0")
    if value > MAX_BUDGET:
        raise BadParameter(name, f"'{raw}': het bedrag mag hoogstens {MAX_BUDGET:,.0f} euro zijn".replace(",", "."),
                           f"'{raw}': the amount may be at most {MAX_BUDGET:,.0f} euro")
    return value


MAX_BUDGET = 1e12  # a thousand billion euro: far above any municipal budget, far below float overflow


def parse_number(raw: str | None, name: str, default: float | None) -> float | None:
    if raw in (None, ""):
        return default
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise BadParameter(name, f"'{raw}' is geen getal", f"'{raw}' is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise BadParameter(name, f"'{raw}' is geen getal", f"'{raw}' is not a number")
    return value


MAX_MIN_POPULATION = 100_000


def min_population_of(raw: str | None) -> int:
    """``min_inwoners``: areas with fewer inhabitants get no rank and no money; empty = the default (500)."""
    if raw in (None, ""):
        return iv.DEFAULT_MIN_POPULATION
    text = raw.strip().replace(".", "").replace(" ", "")
    if not text.isdigit():
        raise BadParameter("min_inwoners", f"'{raw}' is geen aantal inwoners; vul een heel getal in, 0 of meer",
                           f"'{raw}' is not a number of inhabitants; fill in a whole number, 0 or more")
    value = int(text)
    if value > MAX_MIN_POPULATION:
        raise BadParameter("min_inwoners", f"'{raw}': hoogstens {MAX_MIN_POPULATION:,} inwoners".replace(",", "."),
                           f"'{raw}': at most {MAX_MIN_POPULATION:,} inhabitants")
    return value


def _computed(request: Request, iid: str):
    site = site_of(request)
    d = definition_of(site, iid)
    gm = gemeente_of(site, request.query_params.get("gemeente"))
    level = level_of(d, request.query_params.get("niveau"))
    mp = min_population_of(request.query_params.get("min_inwoners"))
    return site, d, gm, level, iv.computed(site, d, gm, level, mp)


def _choices(site: Site) -> dict:
    return {"gemeenten": site.detail_gemeenten(), "definitions": list(iv.definitions(site).values())}


# -- pages ---------------------------------------------------------------------------------------------
@router.get("/indices")
def indices_page(request: Request):
    site = site_of(request)
    lang = lang_of(request)
    gm = gemeente_of(site, request.query_params.get("gemeente"))
    items = []
    for d in iv.definitions(site).values():
        try:
            c = iv.computed(site, d, gm, level_of(d, None))
        except IndexInputError:
            c = None  # e.g. a reference that does not cover this gemeente: the definition is listed without data
        items.append(iv.definition_ref(d, lang, c))
    view = {"indices": items, "gemeente": {"code": gm.code, "name": gm.name}}
    records = [{"id": i["id"], "version": i["version"], "label": i["label"], "levels": " ".join(i["levels"]),
                "reference": i["reference"], "themes": " ".join(t["id"] for t in i["themes"]),
                "themes_filled": " ".join(i["themes_filled"]), "themes_missing": " ".join(i["themes_missing"])}
               for i in items]
    return respond(request, "indices_list.html", view, records,
                   ["id", "version", "label", "levels", "reference", "themes", "themes_filled", "themes_missing"],
                   "indices", **_choices(site))


@router.get("/indices/{iid}")
def index_page(request: Request, iid: str):
    site, d, gm, level, c = _computed(request, iid)
    lang = lang_of(request)
    sort = choice(request.query_params.get("sorteer"), "sorteer", tuple(iv.SORTS), "rang")
    order = choice(request.query_params.get("volgorde"), "volgorde", ("op", "af"), "op")
    view = iv.index_view(site, c, lang, sort, order)
    return respond(request, "indices_index.html", view, view["rows"], iv.SCORES_CSV,
                   f"index-{d.id}-{gm.code}-{level}", levels=list(d.levels), **_choices(site))


@router.get("/indices/{iid}/gebieden/{code}")
def index_region_page(request: Request, iid: str, code: str):
    site = site_of(request)
    d = definition_of(site, iid)
    region = site.region(code)  # unknown code → 404 with a link to /gebieden
    if str(region.level) not in d.levels or not region.gemeente:
        raise NotFound("gebied", f"Index '{d.id}' heeft geen score voor '{code}' ({region.level}); de index is er "
                       f"voor {', '.join(d.levels)}.", f"/indices/{d.id}")
    mp = min_population_of(request.query_params.get("min_inwoners"))
    c = iv.computed(site, d, gemeente_of(site, region.gemeente), str(region.level), mp)
    if code not in c.result.scores.index:
        raise NotFound("gebied", f"'{code}' hoort niet bij de gebieden van index '{d.id}' (indeling "
                       f"{c.inputs.boundary_year}).", f"/indices/{d.id}?gemeente={region.gemeente}")
    view = iv.region_view(site, c, code, lang_of(request))
    return respond(request, "indices_region.html", view, iv.region_records(view), iv.REGION_CSV,
                   f"index-{d.id}-{code}")


@router.get("/indices/{iid}/samenhang")
def coherence_page(request: Request, iid: str):
    site, d, gm, level, c = _computed(request, iid)
    view = iv.coherence_view(iv.coherence_of(site, d, gm, level, c.inputs.min_population or 0), c,
                             lang_of(request), site)
    return respond(request, "indices_coherence.html", view, view["indicators"], iv.COHERENCE_CSV,
                   f"samenhang-{d.id}-{gm.code}-{level}", levels=list(d.levels), **_choices(site))


@router.get("/indices/{iid}/investeringen")
def investments_page(request: Request, iid: str):
    site, d, gm, level, c = _computed(request, iid)
    view = iv.investments_view(site, c, lang_of(request))
    return respond(request, "indices_investments.html", view, view["regions"], iv.INVESTMENTS_CSV,
                   f"investeringen-{d.id}-{gm.code}-{level}", levels=list(d.levels),
                   **_choices(site))


@router.get("/doelgroep")
def targeting_page(request: Request):
    site = site_of(request)
    lang = lang_of(request)
    q = request.query_params
    defs = iv.definitions(site)
    d = definition_of(site, q.get("index") or next(iter(defs)), "index")
    gm = gemeente_of(site, q.get("gemeente"))
    level = level_of(d, q.get("niveau"))
    kind = choice(q.get("regel"), "regel", iv.RULE_KINDS, iv.DEFAULT_RULE)
    value = parse_number(q.get("waarde"), "waarde", iv.DEFAULT_RULE_VALUE)
    kind_b = choice(q.get("regel_b"), "regel_b", ("",) + iv.RULE_KINDS, "")
    value_b = parse_number(q.get("waarde_b"), "waarde_b", None)
    budget = parse_amount(q.get("budget"), "budget", iv.DEFAULT_BUDGET)
    mp = min_population_of(q.get("min_inwoners"))
    rule = iv.rule_text(kind, value)
    rule_b = None
    if kind_b:
        if value_b is None:
            raise BadParameter("waarde_b", "vul een waarde in voor de tweede regel",
                               "fill in a value for the second rule")
        rule_b = iv.rule_text(kind_b, value_b)
    c = iv.computed(site, d, gm, level, mp)
    try:
        t = iv.run_targeting(c, rule, budget)
    except RuleError as exc:
        raise BadParameter("waarde", str(exc)) from None
    if rule_b:
        try:
            t = iv.run_targeting(c, rule, budget, rule_b)
        except RuleError as exc:
            raise BadParameter("waarde_b", str(exc)) from None
    view = iv.targeting_view(c, t, lang)
    view["form"] = {"index": d.id, "gemeente": gm.code, "niveau": level, "regel": kind, "waarde": value,
                    "regel_b": kind_b, "waarde_b": value_b, "budget": budget, "min_inwoners": mp}
    filename = f"doelgroep-{d.id}-{gm.code}-{level}"
    if q.get("format") == "xlsx":
        return Response(iv.xlsx_bytes(t), media_type="application/vnd.openxmlformats-officedocument."
                        "spreadsheetml.sheet", headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'})
    records, columns = iv.targeting_records(view)
    return respond(request, "targeting_page.html", view, records, columns, filename,
                   levels=list(d.levels), **_choices(site))


# -- API -----------------------------------------------------------------------------------------------
class _ApiError(Exception):
    def __init__(self, response: Response):
        self.response = response


def _api_definition(site: Site, iid: str, instance: str, param: str | None = None):
    defs = iv.definitions(site)
    if iid in defs:
        return defs[iid]
    if param:
        raise BadParameter(param, f"index '{iid}' bestaat niet; kies uit {', '.join(sorted(defs))}",
                           f"index '{iid}' does not exist; choose from {', '.join(sorted(defs))}")
    raise _ApiError(problem(404, "Index niet gevonden", f"Index '{iid}' bestaat niet. Beschikbaar: "
                            f"{', '.join(sorted(defs))}.", instance, _links={"lijst": {"href": "/v1/indices"}}))


def _bad(name: str, reason: str, instance: str, en: str | None = None) -> BadParameter:
    """A parameter error of the API, answered by :func:`_api_call` in the request's language."""
    return BadParameter(name, reason, en)


def _api_call(request: Request, fn):
    """Run ``fn``; parameter errors become problem+json 400 (naming the parameter), unknown index 404."""
    try:
        return fn()
    except _ApiError as exc:
        return exc.response
    except BadParameter as exc:
        return invalid_params_problem(request, [(exc.name, str(exc), exc.en)])
    except NotFound as exc:
        return problem(404, "Niet gevonden", str(exc), request.url.path, _links={"lijst": {"href": "/v1/indices"}})


def _api_scope(site: Site, d, gemeente: str, niveau: str | None, instance: str, min_inwoners: str | None = None):
    gm = gemeente_of(site, gemeente)
    level = level_of(d, niveau)
    return gm, level, iv.computed(site, d, gm, level, min_population_of(min_inwoners))


def _api_scope_fields(c) -> dict:
    """What the ranking is compared with, and which areas it leaves out for too few inhabitants (API)."""
    scope = iv.scope_view(c, "nl")
    return {"referentie": scope["reference"], "referentie_naam": scope["reference_label"],
            "min_inwoners": scope["min_population"], "te_weinig_inwoners": scope["too_small"]}


def _links(iid: str, gm: str | None = None, level: str | None = None) -> dict:
    scope = f"?gemeente={gm}&niveau={level}" if gm else ""
    return {"self": {"href": f"/v1/indices/{iid}"}, "scores": {"href": f"/v1/indices/{iid}/scores{scope}"},
            "samenhang": {"href": f"/v1/indices/{iid}/samenhang{scope}"},
            "pagina": {"href": f"/indices/{iid}{scope}"}}


Gemeente = Annotated[str, Query(description="Gemeentecode, bv. GM0153.")]
Niveau = Annotated[str | None, Query(description="buurt (standaard) of wijk.")]
MinInwoners = Annotated[str | None, Query(description="Gebieden met minder inwoners krijgen geen rang en geen geld "
                                                      "(standaard 500; 0 = alle gebieden).")]


def register_api(v1: FastAPI, the_site: Site) -> None:
    def site(request: Request) -> Site:
        return the_site

    @v1.get("/indices", summary="Indexdefinities")
    def api_indices(request: Request):
        items = []
        for d in iv.definitions(site(request)).values():
            ref = iv.definition_ref(d, "nl")
            ref["_links"] = _links(d.id)
            items.append(ref)
        return ok({"indices": items, "totaal": len(items)})

    @v1.get("/indices/{iid}", summary="Eén indexdefinitie")
    def api_index(request: Request, iid: str):
        def run():
            d = _api_definition(site(request), iid, request.url.path)
            return ok({**d.to_dict(), "_links": _links(d.id)})

        return _api_call(request, run)

    @v1.get("/indices/{iid}/scores", summary="Scores met rang en 90%-interval per gebied")
    def api_scores(request: Request, iid: str, gemeente: Gemeente, niveau: Niveau = None,
                   min_inwoners: MinInwoners = None):
        def run():
            s = site(request)
            d = _api_definition(s, iid, request.url.path)
            gm, level, c = _api_scope(s, d, gemeente, niveau, request.url.path, min_inwoners)
            # 'rank' and 'point_label' are the rank of the score; 'median_rank' and 'label' the median over the draws
            rows = [{k: r[k] for k in ("code", "name", "score", "rank", "point_label", "median_rank", "rank_low",
                                       "rank_high", "label", "coverage", "n_observed", "n_indicators", "inwoners",
                                       "reason", "themes")} for r in iv.score_rows(c, "nl")]
            return ok({"index": d.id, "versie": d.version, "gemeente": gm.code, "niveau": level,
                       "indeling": c.inputs.boundary_year, **_api_scope_fields(c),
                       "onzekerheid": {"trekkingen": c.unc.draws, "seed": c.unc.seed,
                                       "interval": list(c.unc.interval), "meest_invloedrijk": c.unc.most_influential,
                                       "samenvatting": iv.sensitivity_summary(c, "nl"),
                                       "gevoeligheid": iv.sensitivity_rows(c, "nl")},
                       "thema_s": [{"id": t, "label": lab} for t, lab in
                                   zip(c.result.theme_ids, c.result.theme_labels, strict=True)],
                       "ontbrekende_thema_s": localise(c.result.missing_themes, "nl"),
                       "opmerkingen": localise(c.result.notes, "nl"),
                       "gebieden": rows, "_links": _links(d.id, gm.code, level)})

        return _api_call(request, run)

    @v1.get("/indices/{iid}/samenhang", summary="Samenhang: correlaties, Cronbachs alfa, PCA-ladingen")
    def api_coherence(request: Request, iid: str, gemeente: Gemeente, niveau: Niveau = None,
                      min_inwoners: MinInwoners = None):
        def run():
            s = site(request)
            d = _api_definition(s, iid, request.url.path)
            gm, level, _c = _api_scope(s, d, gemeente, niveau, request.url.path, min_inwoners)
            coh = iv.coherence_of(s, d, gm, level, _c.inputs.min_population or 0)
            return ok({**coh.to_dict(), "gemeente": gm.code, "_links": _links(d.id, gm.code, level)})

        return _api_call(request, run)

    @v1.get("/doelgroepen", summary="Gebieden kiezen met een regel en een budget verdelen (met vergelijking)")
    def api_targeting(request: Request, index: Annotated[str, Query(description="Id van de index.")],
                      gemeente: Gemeente, regel: Annotated[str, Query(description="top-pct-population:30, "
                                                                      "top-pct:20, top-n:10 of threshold:score>=0.5")],
                      budget: Annotated[float, Query(gt=0, le=1e12, description="Te verdelen bedrag in euro.")],
                      niveau: Niveau = None,
                      vergelijk: Annotated[str | None, Query(description="Tweede regel om mee te vergelijken.")] = None,
                      min_inwoners: MinInwoners = None):
        def run():
            s = site(request)
            d = _api_definition(s, index, request.url.path, param="index")
            gm, level, c = _api_scope(s, d, gemeente, niveau, request.url.path, min_inwoners)
            try:
                t = iv.run_targeting(c, regel, budget)
            except RuleError as exc:
                raise _bad("regel", str(exc), request.url.path) from None
            if vergelijk:
                try:
                    t = iv.run_targeting(c, regel, budget, vergelijk)
                except RuleError as exc:
                    raise _bad("vergelijk", str(exc), request.url.path) from None
            view = iv.targeting_view(c, t, "nl")
            return ok({"index": d.id, "versie": d.version, "gemeente": gm.code, "niveau": level,
                       **_api_scope_fields(c), "selectie": view["a"], "vergelijking": view["comparison"], "scenario_b": view["b"],
                       "_links": {"index": {"href": f"/v1/indices/{d.id}"},
                                  "pagina": {"href": "/doelgroep"}}})

        return _api_call(request, run)


def register(app: FastAPI, v1: FastAPI) -> None:
    app.include_router(router)
    register_api(v1, app.state.site)
