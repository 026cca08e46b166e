"""Effect evaluation on the website: set up an evaluation, see its design checks before any estimate,
estimate (shareable GET URL), save it under a name (POST, same-origin only) and read saved evaluations
with the decisions that cite them. API resources under ``/v1/evaluaties`` and ``/v1/besluiten``.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import ImmutableMultiDict

from ...accounts import audit
from .. import i18n
from ..accounts.guard import allowed, require
from ..app import BadParameter, NotFound, lang_of, render, respond, strip_private
from ..security import same_site, writes_allowed
from . import views as ev

NAV = [("/evaluaties", "Effecten", "Effects")]


# -- helpers ------------------------------------------------------------------------------------------
def writable(app) -> bool:
    """Whether evaluations may be saved: the server is not read-only and, for SQLite, the database file is
    writable."""
    if not writes_allowed(app):
        return False
    url = app.state.monitor.store.engine.url
    if url.drivername.startswith("sqlite"):
        path = url.database
        if not path or path == ":memory:":
            return True
        folder = os.path.dirname(os.path.abspath(path))
        return os.access(path, os.W_OK) and os.access(folder, os.W_OK)
    return True


def same_origin(request: Request) -> bool:
    """The form was posted from a page of this site (see :func:`..security.same_site`)."""
    return same_site(request)


def programme_options(site) -> list[dict]:
    from ...programme import available_ids, load_programme

    def load():
        out = []
        for pid in available_ids():
            try:
                prog = load_programme(pid)
            except Exception:  # a broken stored programme must not break the form
                continue
            out.append({"id": prog.id, "name": prog.name, "interventions": [
                {"id": i.id, "name": i.name, "start": i.start_year} for i in prog.interventions]})
        return out

    return site.cached_view(("evaluation-programmes",), load)


def indicator_groups(site, lang: str) -> list[dict]:
    groups: dict[str, list] = {}
    for i in sorted(site.catalogue, key=lambda i: (i.theme, i.label(lang))):
        groups.setdefault(i18n.theme(i.theme, lang), []).append({"id": i.id, "label": i.label(lang)})
    from ...schools.repository import school_indicators

    out = [{"label": k, "options": v} for k, v in groups.items()]
    schools = sorted(school_indicators().values(), key=lambda i: i.label(lang))
    out.append({"label": "Scholen (niveau school)" if lang != "en" else "Schools (level school)",
                "options": [{"id": i.id, "label": i.label(lang)} for i in schools]})
    return out


def form_values(params) -> dict:
    """The submitted values, to fill in the form again."""
    return {"programma": params.get("programma") or "", "interventie": params.get("interventie") or "",
            "gebied": " ".join(params.getlist("gebied")) if hasattr(params, "getlist") else "",
            "indicator": params.get("indicator") or "", "niveau": params.get("niveau") or "buurt",
            "start": params.get("start") or "", "methode": params.get("methode") or "cs",
            "controle": params.get("controle") or "notyet", "vergelijking": params.get("vergelijking") or "gemeente",
            "k": params.get("k") or "10", "gemeente": " ".join(params.getlist("gemeente"))
            if hasattr(params, "getlist") else "", "bootstrap": params.get("bootstrap") or "199",
            "seed": params.get("seed") or "1", "gevoeligheid": bool(params.get("gevoeligheid")),
            "weglaten": bool(params.get("weglaten"))}


def form_context(request: Request) -> dict:
    site = request.app.state.site
    lang = lang_of(request)
    return {"programmes": programme_options(site), "indicator_groups": indicator_groups(site, lang),
            "values": form_values(request.query_params), "method_label": ev.METHOD_LABEL,
            "control_label": ev.CONTROL_LABEL, "pool_label": ev.POOL_LABEL}


def saved_or_404(store, name: str) -> dict:
    body = store.get_document(ev.KIND, name)
    if body is None:
        raise NotFound("evaluatie", f"Er is geen bewaarde evaluatie '{name}'.", "/evaluaties")
    return body


def bad_request(request: Request, exc: BadParameter, template: str, context: dict) -> Response:
    """The form again with the problem named at the top (status 400); JSON asks get problem+json."""
    if request.query_params.get("format", "html") != "html":
        raise exc
    _ = i18n.translator(lang_of(request))
    error = _(f"De parameter '{exc.name}' is niet goed: {exc}", f"The parameter '{exc.name}' is not valid: {exc}")
    return render(request, template, {"view": None, "error": error, "error_param": exc.name, **context},
                  status_code=400)


# -- pages --------------------------------------------------------------------------------------------
def list_page(request: Request):
    store = request.app.state.monitor.store
    items = [ev.summary(name, body) for name, body in store.documents(ev.KIND).items()]
    items.sort(key=lambda s: (s["saved_on"] or "", s["name"]), reverse=True)
    view = {"evaluations": items}
    return respond(request, "evaluation_list.html", view, items, ev.LIST_CSV, "evaluaties",
                   method_label=ev.METHOD_LABEL)


def setup_page(request: Request):
    site = request.app.state.site
    lang = lang_of(request)
    context = form_context(request)
    view = None
    if ev.submitted(request.query_params):
        try:
            spec = ev.parse_spec(site, request.query_params)
            built = ev.build(site, spec, lang_of(request))
            view = {"design": ev.design_view(site, built, lang), "query": spec.query_string(),
                    "source": built.source}
        except BadParameter as exc:
            return bad_request(request, exc, "evaluation_setup.html", context)
    if view is None:
        if request.query_params.get("format", "html") != "html":
            raise BadParameter("interventie", "kies een interventie of geef de codes van de gebieden met de maatregel",
                               "choose an intervention or give the codes of the areas with the measure")
        return render(request, "evaluation_setup.html", {"view": None, "error": None, **context})
    return respond(request, "evaluation_setup.html", view, view["design"]["pre_trend_data"],
                   ["year", "treated_mean", "comparison_mean", "before_start"], "evaluatie-ontwerp", error=None,
                   **context)


def result_page(request: Request):
    site = request.app.state.site
    lang = lang_of(request)
    context = form_context(request)
    try:
        spec = ev.parse_spec(site, request.query_params)
        built = ev.build(site, spec, lang_of(request))
        design = ev.design_view(site, built, lang)
        result = ev.estimate(built, lang)
    except BadParameter as exc:
        return bad_request(request, exc, "evaluation_setup.html", context)
    view = {"design": design, "result": ev.result_view(result.to_dict(lang=lang), built.source, lang),
            "query": spec.query_string(), "source": built.source, "_query_pairs": spec.query(),
            "names": ev.source_names(site, built.source, lang)}
    return respond(request, "evaluation_result.html", view, ev.chart_records(view["result"]), ev.CHART_CSV,
                   "evaluatie-resultaat", writable=writable(request.app),
                   may_save=allowed(request, "save_evaluation"))


def saved_page(request: Request, name: str):
    monitor = request.app.state.monitor
    lang = lang_of(request)
    body = saved_or_404(monitor.store, name)
    source = body.get("source") or {}
    view = {"name": name, "saved_on": body.get("saved_on"), "source": source,
            "names": ev.source_names(request.app.state.site, source, lang),
            "result": ev.result_view(body.get("result") or {}, source, lang),
            "decisions": ev.citing_decisions(monitor.store, name, lang)}
    return respond(request, "evaluation_saved.html", view, ev.chart_records(view["result"]), ev.CHART_CSV,
                   f"evaluatie-{name}")


async def save(request: Request):
    lang = lang_of(request)
    _ = i18n.translator(lang)

    def refuse(status: int, title: str, message: str) -> Response:
        return render(request, "error.html", {"status": status, "title": title, "message": message,
                                              "list_url": "/evaluaties",
                                              "list_label": _("Naar de evaluaties", "To the evaluations")},
                      status_code=status)

    if not same_origin(request):
        return refuse(403, _("Niet bewaard", "Not saved"), _(
            "Deze evaluatie is niet bewaard: het formulier kwam niet van deze website. Open de evaluatie op deze "
            "website en klik daar op 'Bewaar'.",
            "This evaluation was not saved: the form did not come from this website. Open the evaluation on this "
            "website and press 'Save' there."))
    who = require(request, "save_evaluation")
    if not writable(request.app):
        return refuse(403, _("Niet bewaard", "Not saved"), _(
            "Deze website kan niets bewaren (de database is alleen-lezen). Vraag de beheerder van de "
            "kansenmonitor om de evaluatie te bewaren.",
            "This website cannot save anything (the database is read-only). Ask the administrator of the "
            "monitor to save the evaluation."))
    raw = (await request.body()).decode("utf-8", errors="replace")
    form = ImmutableMultiDict(parse_qsl(raw, keep_blank_values=True))
    site = request.app.state.site
    store = site.monitor.store
    try:
        name = ev.check_name(store, (form.get("naam") or "").strip())
        spec = ev.parse_spec(site, form)
        built = ev.build(site, spec, lang_of(request))
        result = ev.estimate(built, lang)
    except BadParameter as exc:
        return refuse(400, _("Niet bewaard", "Not saved"), _(
            f"De evaluatie is niet bewaard. De parameter '{exc.name}' is niet goed: {exc}",
            f"The evaluation was not saved. The parameter '{exc.name}' is not valid: {exc}"))
    body = ev.saved_body(name, built, result, lang)
    with store.transaction() as w:
        # a saved evaluation is never replaced (decisions cite it): the insert itself checks the name
        if not w.add_document(ev.KIND, name, body):
            return refuse(400, _("Niet bewaard", "Not saved"), _(
                f"De evaluatie is niet bewaard: er is al een evaluatie '{name}'. Kies een andere naam.",
                f"The evaluation was not saved: an evaluation '{name}' exists already. Choose another name."))
        audit.record(w.conn, who.actor, "evaluation.save", ev.KIND, name, None,
                     {"indicator": spec.indicator, "query": spec.query_string()})
    return RedirectResponse(f"/evaluaties/{name}?{urlencode({'lang': lang})}", status_code=303)


# -- API ----------------------------------------------------------------------------------------------
def register_api(v1: FastAPI, site) -> None:
    from ..api import invalid_params_problem, ok, problem

    def invalid(request: Request, exc: BadParameter) -> Response:
        return invalid_params_problem(request, [(exc.name, str(exc), exc.en)])

    def links_of(name: str) -> dict:
        return {"self": {"href": f"/v1/evaluaties/{name}"}, "pagina": {"href": f"/evaluaties/{name}"},
                "lijst": {"href": "/v1/evaluaties"}}

    @v1.get("/evaluaties", summary="Bewaarde evaluaties (effectmetingen)")
    def evaluaties():
        items = [{**ev.summary(n, b), "_links": links_of(n)} for n, b in site.monitor.store.documents(ev.KIND).items()]
        return ok({"evaluaties": items, "totaal": len(items)})

    @v1.get("/evaluaties/ontwerp", summary="Ontwerpcontrole van een evaluatie (vóór een schatting; niets bewaard)")
    def ontwerp(request: Request):
        try:
            spec = ev.parse_spec(site, request.query_params)
            built = ev.build(site, spec, lang_of(request))
            design = strip_private(ev.design_view(site, built, "nl"))
        except BadParameter as exc:
            return invalid(request, exc)
        return ok({"ontwerp": design, "bron": built.source,
                   "_links": {"schatting": {"href": f"/v1/evaluaties/schatting?{spec.query_string()}"},
                              "pagina": {"href": f"/evaluaties/nieuw?{spec.query_string()}"}}})

    @v1.get("/evaluaties/schatting", summary="Effectschatting van een evaluatie (niet bewaard)")
    def schatting(request: Request):
        try:
            spec = ev.parse_spec(site, request.query_params)
            built = ev.build(site, spec, lang_of(request))
            design = strip_private(ev.design_view(site, built, "nl"))
            result = ev.estimate(built, "nl")
        except BadParameter as exc:
            return invalid(request, exc)
        return ok({"ontwerp": design, "resultaat": result.to_dict(lang="nl"), "bron": built.source,
                   "_links": {"pagina": {"href": f"/evaluaties/resultaat?{spec.query_string()}"},
                              "ontwerp": {"href": f"/v1/evaluaties/ontwerp?{spec.query_string()}"}}})

    @v1.get("/evaluaties/{name}", summary="Eén bewaarde evaluatie, met de besluiten die erop steunen")
    def evaluatie(request: Request, name: str):
        store = site.monitor.store
        body = store.get_document(ev.KIND, name)
        if body is None:
            return problem(404, "Evaluatie niet gevonden", f"Er is geen bewaarde evaluatie '{name}'.",
                           request.url.path, _links={"lijst": {"href": "/v1/evaluaties"}})
        return ok({**body, "besluiten": ev.citing_decisions(store, name, "nl"), "_links": links_of(name)})

    @v1.get("/besluiten", summary="Het besluitenlogboek (doorgaan, bijstellen, stoppen), oudste eerst")
    def besluiten(request: Request, programma: str | None = None, interventie: str | None = None):
        from ...programme.decisions import KIND, Decision

        out = []
        for body in site.monitor.store.documents(KIND).values():
            if programma is not None and body.get("programme") != programma:
                continue
            if interventie is not None and body.get("intervention") != interventie:
                continue
            d = Decision.from_dict(body).to_dict("nl")
            d["_links"] = {"evaluaties": [{"href": f"/v1/evaluaties/{e['ref']}"} for e in d["evidence"]
                                          if e["kind"] == "evaluation"]}
            out.append(d)
        out.sort(key=lambda d: (d["date"], d["id"]))
        return ok({"besluiten": out, "totaal": len(out)})


def register(app: FastAPI, v1: FastAPI) -> None:
    app.add_api_route("/evaluaties", list_page, methods=["GET"])
    app.add_api_route("/evaluaties", save, methods=["POST"])
    app.add_api_route("/evaluaties/nieuw", setup_page, methods=["GET"])
    app.add_api_route("/evaluaties/resultaat", result_page, methods=["GET"])
    app.add_api_route("/evaluaties/{name}", saved_page, methods=["GET"])
    register_api(v1, app.state.site)
