"""Pages and ``/v1/scholen`` resources of the schools capability (plug-in: ``register(app, v1)``).

Pages (Dutch first, ``?lang=en``; each with ``?format=json|csv``): ``/scholen`` (map of school points over the
buurten, with the table twin), ``/scholen/{code}`` (school profile), ``/scholen/kiezen`` (selection by rule,
budget, two rules side by side, the LEA scenarios) and ``/scholen/jeugd`` (youth indicators 0-27 and the
programme links). API: ``/v1/scholen``, ``/v1/scholen/{code}``, ``/v1/scholen/{code}/waarnemingen``,
``/v1/scholen/selectie``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request

from ...indices.targeting import RuleError
from ...schools.repository import UnknownSchoolError
from ...schools.selection import ALLOCATIONS, SCENARIOS, missing_inputs, run, school_table
from ..api import Page, Size, invalid_params_problem, ok, paged, problem
from ..app import BadParameter, NotFound, lang_of, respond
from . import views as sv

NAV = [("/scholen", "Scholen", "Schools")]
SECTORS = ("po", "sbo", "so", "vso", "vo")
RULES = {"ocw": ("landelijke OCW-regel: hoogste scores samen x % van de leerlingen in Nederland (5, 10 of 15)",
                 "national OCW rule: highest scores together x % of pupils in the Netherlands (5, 10 or 15)"),
         "top-pct-population": ("hoogste scores tot samen x % van de leerlingen van de gemeente",
                                "highest scores until together x % of the gemeente's pupils"),
         "top-n": ("de x scholen met de hoogste achterstandsscore", "the x schools with the highest score"),
         "vve": ("VVE-indicatie groep 1-2 boven x %", "VVE indication years 1-2 above x %"),
         "jeugdhulp": ("jeugdhulp boven x %", "youth care above x %"),
         "score": ("achterstandsscore per 100 leerlingen minstens x", "disadvantage score per 100 pupils at least x")}

router = APIRouter()


def _programme_indicator_names() -> dict[str, str]:
    """Names of the Kansrijk Enschede indicators the youth links point at (the programme's own wording)."""
    from ...programme import load_programme

    try:
        prog = load_programme("kansrijk-enschede-2023-2033")
    except Exception:  # noqa: BLE001 - without the programme the ids are all there is
        return {}
    return {i.id: i.name for i in prog.indicators}


def _gemeente(site, raw: str | None) -> dict:
    gms = site.detail_gemeenten()
    if not gms:
        raise NotFound("gemeente", "Er staan nog geen gemeenten met wijken in de database.", "/gebieden")
    code = raw or gms[0].code
    if code not in {g.code for g in gms}:
        raise BadParameter("gemeente", f"'{code}' kan niet; kies uit {', '.join(g.code for g in gms)}",
                           f"'{code}' is not possible; choose from {', '.join(g.code for g in gms)}")
    g = next(g for g in gms if g.code == code)
    return {"code": g.code, "name": g.name}


def _rule(kind: str | None, value: str | None, name: str, default_kind: str | None, default_value: float | None):
    kind = kind if kind not in (None, "") else default_kind
    if kind is None:
        return None, None
    if kind not in RULES:
        raise BadParameter(name, f"'{kind}' kan niet; kies uit {', '.join(RULES)}",
                           f"'{kind}' is not possible; choose from {', '.join(RULES)}")
    if value in (None, ""):
        v = default_value if default_value is not None else {"ocw": 15, "vve": 75, "jeugdhulp": 40}.get(kind, 15)
    else:
        try:
            v = float(value.replace(",", "."))
        except ValueError:
            raise BadParameter(name.replace("regel", "waarde"), f"'{value}' is geen getal",
                               f"'{value}' is not a number") from None
    if kind == "ocw":
        if v not in (5, 10, 15):
            raise BadParameter(name.replace("regel", "waarde"), "de OCW-regel kent 5, 10 of 15 %",
                               "the OCW rule has 5, 10 or 15%")
        return kind, f"ocw:{int(v)}"
    if kind in ("top-pct-population",) and not 0 < v <= 100:
        raise BadParameter(name.replace("regel", "waarde"), "kies een percentage tussen 0 en 100",
                           "choose a percentage between 0 and 100")
    if kind == "top-n":
        if v < 1 or v != int(v):
            raise BadParameter(name.replace("regel", "waarde"), "kies een heel aantal van 1 of meer",
                               "choose a whole number of 1 or more")
        return kind, f"top-n:{int(v)}"
    if kind in ("vve", "jeugdhulp") and not 0 <= v <= 100:
        raise BadParameter(name.replace("regel", "waarde"), "kies een percentage tussen 0 en 100",
                           "choose a percentage between 0 and 100")
    if kind == "vve":
        return kind, f"threshold:vve>{v:g}"
    if kind == "jeugdhulp":
        return kind, f"threshold:jeugdhulp>{v:g}"
    if kind == "score":
        return kind, f"threshold:achterstandsscore_per_100>={v:g}"
    return kind, f"{kind}:{v:g}"


def _budget(raw: str | None) -> float | None:
    from ..indices.routes import parse_amount

    return parse_amount(raw, "budget", None)


# -- pages -----------------------------------------------------------------------------------------------
@router.get("/scholen")
def schools_page(request: Request):
    site = request.app.state.site
    lang = lang_of(request)
    gm = _gemeente(site, request.query_params.get("gemeente"))
    sector = request.query_params.get("soort") or None
    if sector is not None and sector not in SECTORS:
        raise BadParameter("soort", f"'{sector}' kan niet; kies uit {', '.join(SECTORS)}",
                           f"'{sector}' is not possible; choose from {', '.join(SECTORS)}")
    view = sv.school_list(site, gm["code"], sector, lang)
    view["gemeente"] = gm
    view["map"] = sv.school_map(site, gm["code"], view["rows"], lang)
    view["method_labels"] = {m: sv.method_label(m, lang) for m in view["methods"]}
    cols = ["code", "name", "sector", "denomination", "address", "gemeente", "buurt", "buurt_name", "wijk",
            "lat", "lon", "location_method", "pupils", "pupils_period"]
    return respond(request, "schools_list.html", view, view["rows"], cols, f"scholen-{gm['code']}",
                   gemeenten=site.detail_gemeenten(), sectors=[(s, sv.sector_label(s, lang)) for s in SECTORS])


@router.get("/scholen/kiezen")
def selection_page(request: Request):
    site = request.app.state.site
    lang = lang_of(request)
    q = request.query_params
    gm = _gemeente(site, q.get("gemeente"))
    kind_a, rule_a = _rule(q.get("regel"), q.get("waarde"), "regel", "ocw", None)
    kind_b, rule_b = _rule(q.get("regel_b"), q.get("waarde_b"), "regel_b", None, None)
    budget = _budget(q.get("budget")) or 150000.0
    verdeling = q.get("verdeling") or "gewogen"
    if verdeling not in ALLOCATIONS:
        raise BadParameter("verdeling", f"'{verdeling}' kan niet; kies uit {', '.join(ALLOCATIONS)}",
                           f"'{verdeling}' is not possible; choose from {', '.join(ALLOCATIONS)}")
    error = None
    result = None
    try:
        t = run(site.monitor, gm["code"], rule_a, budget, verdeling, rule_b)
        result = sv.selection_view(t, lang)
    except RuleError as exc:
        error = str(exc)
    frame = school_table(site.monitor, gm["code"])
    scenarios = []
    for sc in SCENARIOS.values():
        scenarios.append({"id": sc.id, "name": sc.name, "rule": sc.rule, "budget": sv.fmt.money(sc.budget, lang), "budget_value": int(sc.budget),
                          "budget_source": sc.budget_source, "source_location": sc.source_location,
                          "inputs": [{"what": w, "who": who} for w, who in sc.inputs],
                          "missing": bool(missing_inputs(frame, sc))})
    form = {"gemeente": gm["code"], "regel": kind_a, "waarde": q.get("waarde") or "", "regel_b": kind_b or "",
            "waarde_b": q.get("waarde_b") or "", "budget": budget, "verdeling": verdeling}
    view = {"gemeente": gm, "form": form, "result": result, "error": error, "scenarios": scenarios,
            "rule_a": rule_a, "rule_b": rule_b}
    records = []
    if result:
        for r in result["a"]["rows"]:
            records.append({"scenario": "A", "regel": rule_a, "code": r["code"], "name": r["name"],
                            "selected": r["selected"], "pupils": r["pupils"], "score_per_100": r["score100"],
                            "vve": r["vve"], "jeugdhulp": r["jeugdhulp"], "amount": r["amount"]})
        if result["b"]:
            for r in result["b"]["rows"]:
                records.append({"scenario": "B", "regel": rule_b, "code": r["code"], "name": r["name"],
                                "selected": r["selected"], "pupils": r["pupils"], "score_per_100": r["score100"],
                                "vve": r["vve"], "jeugdhulp": r["jeugdhulp"], "amount": r["amount"]})
    return respond(request, "schools_select.html", view, records,
                   ["scenario", "regel", "code", "name", "selected", "pupils", "score_per_100", "vve", "jeugdhulp",
                    "amount"], f"scholen-kiezen-{gm['code']}", gemeenten=site.detail_gemeenten(),
                   rules=[(k, v[1] if lang == "en" else v[0]) for k, v in RULES.items()],
                   allocations=[(k, v[2] if lang == "en" else v[1]) for k, v in ALLOCATIONS.items()])


@router.get("/scholen/jeugd")
def youth_page(request: Request):
    from ...schools.youth import LINKS, overview

    site = request.app.state.site
    lang = lang_of(request)
    gm = _gemeente(site, request.query_params.get("gemeente"))
    phases = overview(site.monitor, gm["code"], lang)
    for ph in phases:
        for r in ph["indicators"]:
            r["display"] = (sv.fmt.number(r["value"], r["decimals"], lang) + ("" if r["unit"] == "%" else " ")
                            + r["unit"]) if r["value"] is not None else None
    cat = site.monitor.catalogue
    names = _programme_indicator_names()
    links = [{"programme_indicator": link.programme_indicator,
              "programme_indicator_label": names.get(link.programme_indicator, link.programme_indicator),
              "indicator": link.indicator,
              "indicator_label": cat[link.indicator].label(lang) if link.indicator in cat else link.indicator,
              "agreement": link.agreement, "note": link.note_en if lang == "en" else link.note_nl} for link in LINKS]
    view = {"gemeente": gm, "phases": phases, "links": links}
    records = [{"phase": ph["phase"], **{k: r[k] for k in ("indicator", "label", "unit", "value", "period",
                                                          "delivered_by")}}
               for ph in phases for r in ph["indicators"]]
    return respond(request, "schools_youth.html", view, records,
                   ["phase", "indicator", "label", "unit", "value", "period", "delivered_by"], f"jeugd-{gm['code']}",
                   gemeenten=site.detail_gemeenten())


@router.get("/scholen/{code}")
def school_page(request: Request, code: str):
    site = request.app.state.site
    lang = lang_of(request)
    try:
        view = sv.profile_view(site, code.upper(), lang)
    except UnknownSchoolError as exc:
        raise NotFound("school", str(exc), "/scholen") from None
    return respond(request, "schools_profile.html", view, sv.records_of_profile(view),
                   ["school", "indicator", "label", "period", "value", "unit", "status", "source"],
                   f"school-{view['school']['code']}")


# -- API -------------------------------------------------------------------------------------------------
def register_api(v1: FastAPI, site) -> None:
    def _links(code: str) -> dict:
        return {"self": {"href": f"/v1/scholen/{code}"}, "waarnemingen": {"href": f"/v1/scholen/{code}/waarnemingen"},
                "pagina": {"href": f"/scholen/{code}"}}

    @v1.get("/scholen", summary="Schoolvestigingen met de buurt waarin ze staan")
    def api_schools(request: Request, gemeente: Annotated[str | None, Query(description="Gemeentecode, bv. GM0153.")]
                    = None, soort: Annotated[str | None, Query(description="po, sbo, so, vso of vo.")] = None,
                    pagina: Page = 1, per_pagina: Size = 100):
        if soort is not None and soort not in SECTORS:
            return invalid_params_problem(request, [("soort", f"'{soort}' kan niet; kies uit {', '.join(SECTORS)}",
                                                    f"'{soort}' is not possible; choose from {', '.join(SECTORS)}")])
        gms = [g.code for g in site.detail_gemeenten()]
        if gemeente is not None and gemeente not in gms:
            return invalid_params_problem(request, [(
                "gemeente", f"'{gemeente}' is geen gemeente met scholen; kies uit {', '.join(gms)}",
                f"'{gemeente}' is not a municipality with schools; choose from {', '.join(gms)}")])
        items = []
        for gm in ([gemeente] if gemeente else gms):
            for r in sv.school_list(site, gm, soort, "nl")["rows"]:
                items.append({"code": r["code"], "naam": r["name"], "soort": r["sector"], "adres": r["address"],
                              "gemeente": r["gemeente"], "buurt": r["buurt"], "wijk": r["wijk"], "lat": r["lat"],
                              "lon": r["lon"], "locatiebepaling": r["location_method"],
                              "leerlingen": r["pupils"], "leerlingen_jaar": r["pupils_period"],
                              "_links": _links(r["code"])})
        return paged(request, "scholen", items, pagina, per_pagina)

    @v1.get("/scholen/selectie", summary="Scholen kiezen met een regel en een budget verdelen")
    def api_selection(request: Request, gemeente: Annotated[str, Query(description="Gemeentecode.")],
                      regel: Annotated[str, Query(description="ocw:15, top-pct-population:15, top-n:10, "
                                                  "threshold:vve>75 …")],
                      budget: Annotated[float | None, Query(gt=0, le=1e12, description="Bedrag in euro (tot 10^12).")] = None,
                      verdeling: Annotated[str, Query(description="gewogen, leerling, school of behoefte")] = "gewogen",
                      vergelijk: Annotated[str | None, Query(description="Tweede regel.")] = None):
        try:
            t = run(site.monitor, gemeente, regel, budget, verdeling, vergelijk)
        except RuleError as exc:
            name = "vergelijk" if vergelijk and vergelijk in str(exc) else "regel"
            return invalid_params_problem(request, [(name, str(exc), None)])
        body = {"gemeente": gemeente, "regel": regel, "gekozen": t.selection.selected,
                "selectie": t.selection.to_dict("nl")}
        if t.allocation is not None:
            body["verdeling"] = t.allocation.to_dict("nl")
        if t.comparison is not None:
            body["vergelijking"] = t.comparison.to_dict("nl")
        return ok(body)

    @v1.get("/scholen/{code}", summary="Eén schoolvestiging: gegevens, buurt per indeling, geschiedenis")
    def api_school(request: Request, code: str):
        from ...schools import repository as repo

        try:
            s = repo.school(site.monitor, code)
        except UnknownSchoolError as exc:
            return problem(404, "Niet gevonden", str(exc), request.url.path)
        info = {k: sv._none(v) for k, v in s.items() if k not in ("import_id",)}
        return ok({**info, "gebieden": repo.areas_of(site.monitor, s["code"]),
                   "geschiedenis": repo.history_of(site.monitor, s["code"]), "_links": _links(s["code"])})

    @v1.get("/scholen/{code}/waarnemingen", summary="Cijfers van één school (met onthullingscontrole)")
    def api_school_obs(request: Request, code: str):
        from ...schools import repository as repo

        try:
            s = repo.school(site.monitor, code)
        except UnknownSchoolError as exc:
            return problem(404, "Niet gevonden", str(exc), request.url.path)
        obs = repo.observations(site.monitor, schools=[s["code"]], public=True)
        inds = repo.school_indicators()
        items = [{"indicator": r.indicator, "label": inds[r.indicator].label_nl if r.indicator in inds else r.indicator,
                  "eenheid": inds[r.indicator].unit if r.indicator in inds else None, "jaar": int(r.period),
                  "waarde": sv._none(r.value), "status": r.status, "bron": r.source_ref,
                  "onthulling": r.disclosure if isinstance(r.disclosure, str) else None}
                 for r in obs.sort_values(["indicator", "period"]).itertuples()]
        return ok({"school": s["code"], "waarnemingen": items, "_links": _links(s["code"])})


def register(app: FastAPI, v1: FastAPI) -> None:
    app.include_router(router)
    register_api(v1, app.state.site)
