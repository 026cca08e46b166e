"""Programme pages (``/programmas/…``, with JSON and CSV twins) and API resources (``/v1/programmas/…``).

Plugged in by :func:`kansenmonitor.web.app.create_app` through ``register(app, v1)``. The views are in
:mod:`.programme_views`; this module only routes, checks parameters and picks the output format.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, FastAPI, Request

from ...programme.finance import is_budget
from ...programme.model import Programme
from ...programme.repository import available_ids, load_programme
from ..app import BadParameter, NotFound, lang_of, respond
from ..service import Site
from . import views as pv

NAV = [("/programmas", "Programma's", "Programmes")]
LIST = "/programmas"
API_LIST = "/v1/programmas"

router = APIRouter()


class ProgrammeNotFound(LookupError):
    """An unknown programme, intervention or ambition id (a 404 with a link to the list)."""

    def __init__(self, message: str, page_list: str, api_list: str):
        self.page_list = page_list
        self.api_list = api_list
        super().__init__(message)


def _site(request: Request) -> Site:
    app = request.scope.get("kansenmonitor_app") or request.app
    return app.state.site


def _ids(site: Site) -> list[str]:
    return site.cached_view(("programme-ids",), available_ids)


def _programme(site: Site, pid: str) -> Programme:
    if pid not in _ids(site):
        raise ProgrammeNotFound(f"Het programma '{pid}' bestaat niet. Bekende programma's: {', '.join(_ids(site))}.",
                                LIST, API_LIST)
    # merged in: the vastgesteld report entries (and the concepts, for staff who may read internal figures)
    from ..entries.visible import visible_programme

    return visible_programme(site, site.cached_view(("programme", pid), lambda: load_programme(pid)))


def _intervention(programme: Programme, iid: str):
    item = programme.intervention(iid)
    if item is None:
        raise ProgrammeNotFound(f"De interventie '{iid}' bestaat niet in '{programme.id}'.",
                                f"/programmas/{programme.id}", f"/v1/programmas/{programme.id}/interventies")
    return item


def _table(request: Request, programme: Programme) -> str | None:
    table = request.query_params.get("tabel") or None
    if table is not None and table not in programme.table_ids():
        raise BadParameter("tabel", f"'{table}' kan niet; kies uit {', '.join(programme.table_ids())}",
                           f"'{table}' is not possible; choose from {', '.join(programme.table_ids())}")
    return table


def _page(request: Request, pid: str) -> tuple[Site, Programme, str]:
    site = _site(request)
    try:
        programme = _programme(site, pid)
    except ProgrammeNotFound as exc:
        raise NotFound("programma", str(exc), exc.page_list) from None
    return site, programme, lang_of(request)


# -- pages -----------------------------------------------------------------------------------------
@router.get("/programmas")
def programmes_page(request: Request):
    site = _site(request)
    items = [pv.programme_ref(_programme(site, pid)) for pid in _ids(site)]
    view = {"programmes": items}
    records = [{**i, "gemeenten": " ".join(i["gemeenten"])} for i in items]
    return respond(request, "programme_list.html", view, records,
                   ["id", "name", "gemeenten", "start_year", "end_year", "ambitions", "interventions", "indicators"],
                   "programmas")


@router.get("/programmas/{pid}")
def programme_page(request: Request, pid: str):
    site, programme, lang = _page(request, pid)
    table = _table(request, programme)
    view = {**pv.framework(programme, lang), "finance": pv.finance(programme, lang, table)}
    view["tree"] = pv.tree(programme, lang, table)
    return respond(request, "programme_overview.html", view, pv.tree_records(view["tree"]), pv.TREE_CSV,
                   f"programma-{programme.id}", **_edit_links(request, programme, None))


@router.get("/programmas/{pid}/interventies/{iid}")
def intervention_page(request: Request, pid: str, iid: str):
    site, programme, lang = _page(request, pid)
    try:
        item = _intervention(programme, iid)
    except ProgrammeNotFound as exc:
        raise NotFound("interventie", str(exc), exc.page_list) from None
    view = pv.intervention_view(site, programme, item, lang)
    return respond(request, "programme_intervention.html", view, view["budget"], pv.BUDGET_CSV,
                   f"interventie-{programme.id}-{item.id}", **_edit_links(request, programme, item))


def _edit_links(request: Request, programme: Programme, item) -> dict:
    """Whether to show the links "Bewerken" and "Geschiedenis" (only to those who may)."""
    from ..accounts.guard import allowed
    from .editing import intervention_target

    target = intervention_target(programme, item)
    base = f"/programmas/{programme.id}" + (f"/interventies/{item.id}" if item else "")
    return {"edit_url": f"{base}/bewerken" if allowed(request, "edit_programme", target) else None,
            "history_url": f"{base}/geschiedenis" if allowed(request, "read_history", target) else None,
            "saved": request.query_params.get("bewaard") == "ja"}


@router.get("/programmas/{pid}/ambities/{aid}")
def ambition_page(request: Request, pid: str, aid: str):
    site, programme, lang = _page(request, pid)
    amb = programme.ambition(aid)
    if amb is None:
        raise NotFound("ambitie", f"De ambitie '{aid}' bestaat niet in '{programme.id}'. Bekende ambities: "
                       f"{', '.join(a.id for a in programme.ambitions) or 'geen'}.", f"/programmas/{programme.id}")
    groups = pv.ambition_progress(site, programme, aid, lang)
    rows = groups[0]["indicators"] if groups else []
    t = pv.tree(programme, lang)
    node = next(a for a in t["ambitions"] if a["id"] == aid)
    view = {"programme": {"id": programme.id, "name": programme.name}, "id": amb.id, "code": amb.code,
            "name": amb.name, "description": amb.description, "note": amb.note,
            "age_phase": amb.age_phase.label if amb.age_phase else None, "horizon_year": amb.horizon_year,
            "rule": pv.status_rule(lang), "indicators": rows,
            "counts": {s: sum(1 for r in rows if r["status"]["code"] == s) for s in pv.INDICATOR_STATUS["nl"]},
            "kansen": node["kansen"], "interventions": node["interventions"]}
    records = [{"id": r["id"], "name": r["name"], "region": r["region"], "status": r["status"]["code"],
                "status_label": r["status"]["label"], "reason": r["reason"],
                "baseline": (r["baseline"] or {}).get("value"), "baseline_year": (r["baseline"] or {}).get("year"),
                "latest": (r["latest"] or {}).get("value"), "latest_year": (r["latest"] or {}).get("year"),
                "expected": r["expected"],
                "target": r["targets"][-1]["value"] if r["targets"] else None,
                "target_year": r["targets"][-1]["year"] if r["targets"] else None} for r in rows]
    return respond(request, "programme_ambition.html", view, records,
                   ["id", "name", "region", "status", "status_label", "reason", "baseline", "baseline_year",
                    "latest", "latest_year", "expected", "target", "target_year"],
                   f"ambitie-{programme.id}-{amb.id}")


# -- API -------------------------------------------------------------------------------------------
def _register_api(v1: FastAPI, site: Site) -> None:
    from ..api import invalid_params_problem, ok, problem
    from ..app import strip_private

    @v1.exception_handler(ProgrammeNotFound)
    async def not_found(request: Request, exc: ProgrammeNotFound):
        return problem(404, "Niet gevonden", str(exc), request.url.path, _links={"lijst": {"href": exc.api_list}})

    def links(pid: str) -> dict:
        base = f"/v1/programmas/{pid}"
        return {"self": {"href": base}, "pagina": {"href": f"/programmas/{pid}"},
                "financien": {"href": f"{base}/financien"}, "interventies": {"href": f"{base}/interventies"},
                "indicatoren": {"href": f"{base}/indicatoren"}, "besluiten": {"href": f"{base}/besluiten"}}

    @v1.get("/programmas", summary="Programma's (nota's, Regio Deals, beoordeelde beleid)")
    def programmas():
        items = [{**pv.programme_ref(_programme(site, pid)), "_links": links(pid)} for pid in _ids(site)]
        return ok({"programmas": items, "totaal": len(items)})

    @v1.get("/programmas/{pid}", summary="Eén programma: het hele resultatenkader")
    def programma(pid: str):
        p = _programme(site, pid)
        return ok({**strip_private(pv.framework(p, "nl")), "_links": links(pid)})

    @v1.get("/programmas/{pid}/financien", summary="Uitgaven, dekking en saldo per jaar; of per ambitie, bron of lijn")
    def financien(request: Request, pid: str, per: Literal["jaar", "ambitie", "bron", "lijn"] = "jaar",
                  tabel: str | None = None):
        p = _programme(site, pid)
        if tabel is not None and tabel not in p.table_ids():
            return invalid_params_problem(request, [(
                "tabel", f"'{tabel}' is geen begrotingstabel; kies uit {', '.join(p.table_ids())}",
                f"'{tabel}' is not a budget table; choose from {', '.join(p.table_ids())}")])
        table = tabel or p.default_table
        if table is None:
            return ok({"programma": p.id, "per": per, "tabel": None, "rijen": [],
                       "uitleg": "Dit programma noemt geen bedragen.", "_links": links(pid)})
        budget = is_budget(p, table)
        body = {"programma": p.id, "per": per, "tabel": table,
                "soort_tabel": "begroting" if budget else "uitgaven_en_dekking",
                "uitleg": pv.finance_explanation(p, table),
                "rijen": pv.finance_records(p, per, tabel), "_links": links(pid)}
        if per == "jaar":
            f = pv.finance(p, "nl", tabel)
            body["tekorten_na_einde_bron"] = strip_private(f["gaps"])
        if per == "lijn":
            body["doelverdeling"] = (p.lijn_target.as_dict() if p.lijn_target
                                     else {"0e": 20.0, "1e": 20.0, "2e": 60.0})
        return ok(body)

    @v1.get("/programmas/{pid}/interventies", summary="De interventies van een programma")
    def interventies(pid: str):
        p = _programme(site, pid)
        items = [pv.intervention_ref(p, i, "nl") for i in p.interventions]
        return ok({"interventies": items, "totaal": len(items), "_links": links(pid)})

    @v1.get("/programmas/{pid}/interventies/{iid}", summary="Eén interventie, met besluiten (de ETag is de versie "
            "van het programma: stuur hem als If-Match mee bij PUT of PATCH)")
    def interventie(pid: str, iid: str):
        from ...programme import editing

        _programme(site, pid)  # 404 for an unknown programme
        # the body and the ETag from one read of the store (not the page cache): a client that sends this ETag back
        # with a whole new intervention (PUT) has seen exactly this version
        version, p = editing.current(pid, site.monitor.store)
        item = _intervention(p, iid)
        return ok({**strip_private(pv.intervention_view(site, p, item, "nl")),
                   "_links": {"self": {"href": f"/v1/programmas/{pid}/interventies/{iid}"},
                              "pagina": {"href": f"/programmas/{pid}/interventies/{iid}"},
                              "programma": {"href": f"/v1/programmas/{pid}"},
                              "geschiedenis": {"href": f"/v1/programmas/{pid}/interventies/{iid}/geschiedenis"}}},
                  headers={"ETag": f'"{version}"'})

    @v1.get("/programmas/{pid}/interventies/{iid}/evaluaties/{name}", summary="Een bewaarde evaluatie")
    def evaluatie(pid: str, iid: str, name: str):
        p = _programme(site, pid)
        _intervention(p, iid)
        body = site.monitor.store.get_document("evaluation", name)
        src = (body or {}).get("source") or {}
        if body is None or src.get("programme") != pid or src.get("intervention") != iid:
            raise ProgrammeNotFound(f"Er is geen bewaarde evaluatie '{name}' van '{iid}'.",
                                    f"/programmas/{pid}/interventies/{iid}", f"/v1/programmas/{pid}/interventies/{iid}")
        return ok(body)

    @v1.get("/programmas/{pid}/indicatoren", summary="Indicatoren per ambitie, met de stand")
    def indicatoren(pid: str):
        p = _programme(site, pid)
        groups = pv.ambition_progress(site, p, None, "nl")
        return ok({"programma": p.id, "regel": pv.status_rule("nl"),
                   "ambities": strip_private(groups), "_links": links(pid)})

    @v1.get("/programmas/{pid}/besluiten", summary="Het besluitenlogboek van een programma")
    def besluiten(pid: str):
        p = _programme(site, pid)
        items = pv.decisions(site.monitor.store, p, None, "nl")
        return ok({"programma": p.id, "besluiten": items, "totaal": len(items), "_links": links(pid)})


def register(app: FastAPI, v1: FastAPI) -> None:
    from . import editing, excel, history

    app.include_router(router)
    _register_api(v1, app.state.site)
    editing.register(app, v1)
    history.register(app, v1)
    excel.register(app)


__all__ = ["NAV", "register"]
