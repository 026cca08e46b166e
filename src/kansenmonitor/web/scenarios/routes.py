"""Scenarios on the website: the list, one scenario with its arithmetic, several side by side (public reading),
and the compose form (signed in, policy ``save_scenario``, CSRF) that works a scenario out before it is saved.
API resources under ``/v1/scenarios``: read publicly, write with a token whose account may save scenarios."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import ImmutableMultiDict

from ... import scenarios as sc
from ...core.errors import KansenmonitorError, ValidationError
from ...scenarios import repository
from .. import i18n
from ..accounts.guard import allowed, require
from ..app import NotFound, lang_of, render, respond
from . import views as sv

NAV = [("/scenarios", "Scenario's", "Scenarios")]


def _projected(site, sid: str, lang: str) -> dict:
    def load():
        return sc.show(site.monitor, sid, lang)

    view = site.cached_view(("scenario", sid, lang), load)
    if view is None:
        raise NotFound("scenario", f"Er is geen scenario '{sid}'.", "/scenarios")
    return view


def list_page(request: Request):
    items = sv.list_items(repository.all_scenarios(request.app.state.monitor.store))
    view = {"scenarios": items}
    return respond(request, "scenarios_list.html", view, items, sv.LIST_CSV, "scenarios",
                   may_compose=allowed(request, "save_scenario"))


def scenario_page(request: Request, sid: str):
    view = _projected(request.app.state.site, sid, lang_of(request))
    return respond(request, "scenario_page.html", view, sv.view_records(view), sv.VIEW_CSV, f"scenario-{sid}")


def compare_page(request: Request):
    lang = lang_of(request)
    ids = [s for raw in request.query_params.getlist("s") for s in raw.split(",") if s.strip()]
    all_items = sv.list_items(repository.all_scenarios(request.app.state.monitor.store))
    view = sc.compare(request.app.state.monitor, ids, lang) if ids else {"scenarios": [], "indicators": [],
                                                                          "missing": []}
    view["chosen"] = ids
    from ...scenarios.service import COMPARE_CSV, compare_records

    return respond(request, "scenario_compare.html", view, compare_records(view), COMPARE_CSV,
                   "scenarios-vergelijking", all_items=all_items)


def _form_page(request: Request, values: dict, view: dict | None = None, issues: list | None = None,
               status: int = 200):
    site = request.app.state.site
    lang = lang_of(request)
    errors = [{"text": str(i.message) + (f" — {i.hint}" if i.hint else ""), "field": i.field,
               "anchor": sv.field_anchor(i.field)} for i in (issues or [])]
    return render(request, "scenario_new.html", {
        "opts": sv.form_options(site, lang), "values": values, "view": view, "errors": errors,
        "n_measures": sv.N_MEASURES, "n_assumptions": sv.N_ASSUMPTIONS}, status_code=status)


def new_page(request: Request):
    require(request, "save_scenario")
    return _form_page(request, dict(request.query_params))


async def post_scenario(request: Request):
    who = require(request, "save_scenario")
    raw = (await request.body()).decode("utf-8", errors="replace")
    form = ImmutableMultiDict(parse_qsl(raw, keep_blank_values=True))
    values = {k: v for k, v in form.items() if k != "csrf_token"}
    lang = lang_of(request)
    doc = sv.form_to_doc(form)
    monitor = request.app.state.monitor
    try:
        if form.get("actie") == "bewaren":
            scenario, _ = sc.create(monitor, doc, who.actor, "formulier", lang)
            return RedirectResponse(f"/scenarios/{scenario.id}?{urlencode({'lang': lang})}", status_code=303)
        _, view = sc.check(monitor, doc, "formulier", lang)
    except ValidationError as exc:
        return _form_page(request, values, None, exc.issues, status=400)
    except KansenmonitorError as exc:
        _ = i18n.translator(lang)
        from ...core.errors import Issue

        return _form_page(request, values, None, [Issue("formulier", None, "gebied", str(exc),
                                                        _("kies een ander gebied", "choose another area"))], 400)
    return _form_page(request, values, view)


# -- API ----------------------------------------------------------------------------------------------
def register_api(v1: FastAPI, site) -> None:
    from ..api import ok, problem

    def links(sid: str) -> dict:
        return {"self": {"href": f"/v1/scenarios/{sid}"}, "pagina": {"href": f"/scenarios/{sid}"},
                "lijst": {"href": "/v1/scenarios"}}

    @v1.get("/scenarios", summary="Bewaarde scenario's voor gebieden")
    def scenarios_list():
        items = [{**i, "_links": links(i["id"])} for i in sv.list_items(repository.all_scenarios(site.monitor.store))]
        return ok({"scenarios": items, "totaal": len(items)})

    @v1.get("/scenarios/vergelijking", summary="Scenario's naast elkaar: kosten, bereik, verwachte verandering, "
            "plaats in de urgentie, wat niet bekend is")
    def scenarios_compare(request: Request, ids: str = ""):
        chosen = [s for s in ids.split(",") if s.strip()]
        if not chosen:
            return problem(400, "Ongeldige invoer", "Geef de scenario's op met ?ids=naam1,naam2.", request.url.path,
                           invalid_params=[{"name": "ids", "reason": "verplicht"}])
        view = sc.compare(site.monitor, chosen, "nl")
        if view["missing"]:
            return problem(404, "Scenario niet gevonden", f"Onbekend scenario: {', '.join(view['missing'])}.",
                           request.url.path, _links={"lijst": {"href": "/v1/scenarios"}})
        return ok(view)

    @v1.get("/scenarios/{sid}", summary="Eén scenario met de berekening, aannames en wat niet bekend is")
    def scenario_one(request: Request, sid: str):
        view = sc.show(site.monitor, sid, "nl")
        if view is None:
            return problem(404, "Scenario niet gevonden", f"Er is geen scenario '{sid}'.", request.url.path,
                           _links={"lijst": {"href": "/v1/scenarios"}})
        return ok({**view, "_links": links(sid)})

    @v1.post("/scenarios", status_code=201, summary="Een scenario bewaren (token met schrijfrechten; alles of niets)")
    async def scenario_create(request: Request):
        who = require(request, "save_scenario")
        try:
            doc = await request.json()
        except ValueError:
            return problem(400, "Ongeldige invoer", "De body is geen JSON.", request.url.path)
        try:
            scenario, view = sc.create(site.monitor, doc, who.actor, "body", "nl")
        except ValidationError as exc:
            return problem(400, "Ongeldige invoer", exc.summary, request.url.path,
                           invalid_params=[{"name": i.field, "reason": i.message + (f" — {i.hint}" if i.hint else "")}
                                           for i in exc.issues])
        except KansenmonitorError as exc:
            return problem(422, "Dit kan niet worden berekend", str(exc), request.url.path)
        return Response(ok({**view, "_links": links(scenario.id)}).body, status_code=201,
                        media_type="application/json", headers={"Location": f"/v1/scenarios/{scenario.id}"})


def register(app: FastAPI, v1: FastAPI) -> None:
    from ... import format as fmt

    app.state.templates.env.globals.setdefault("euro", fmt.money)
    app.add_api_route("/scenarios", list_page, methods=["GET"])
    app.add_api_route("/scenarios", post_scenario, methods=["POST"])
    app.add_api_route("/scenarios/nieuw", new_page, methods=["GET"])
    app.add_api_route("/scenarios/vergelijk", compare_page, methods=["GET"])
    app.add_api_route("/scenarios/{sid}", scenario_page, methods=["GET"])
    register_api(v1, app.state.site)
