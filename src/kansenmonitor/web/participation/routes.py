"""Participation on the website: the rounds, one round (the frame said out loud and the published summary),
the public form (no account, CSRF like every form, a honeypot and a per-client flood limit) and the moderation
page for staff (policy ``manage_participation``). API under ``/v1/participatie``: reading is public and shows
only moderated, published summaries; a round is made with a token whose account may manage participation."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import ImmutableMultiDict

from ... import participation as pt
from ...core.errors import ValidationError
from ...participation import summary as ps
from .. import i18n
from ..accounts.guard import allowed, require
from ..accounts.security import SignInLimiter
from ..app import NotFound, lang_of, render, respond

NAV = [("/participatie", "Inspraak", "Participation")]
#: at most this many stored reactions per client address per window (seconds), per server process
FLOOD_LIMIT = 3
FLOOD_WINDOW = 3600.0


def _round(request: Request, rid: str) -> pt.Round:
    rnd = pt.get_round(request.app.state.monitor.store, rid)
    if rnd is None:
        raise NotFound("inspraakronde", f"Er is geen inspraakronde '{rid}'.", "/participatie")
    return rnd


def _level(rnd: pt.Round, lang: str) -> str:
    return pt.LEVELS[rnd.level][lang == "en"]


def list_page(request: Request):
    rounds = pt.all_rounds(request.app.state.monitor.store)
    items = [{**r.to_dict(), "open": r.is_open()} for r in rounds]
    return respond(request, "participatie_list.html", {"rondes": items}, items,
                   ["id", "naam", "niveau", "open_van", "open_tot"], "inspraakrondes",
                   levels=pt.LEVELS, may_manage=allowed(request, "manage_participation"))


def _summary(request: Request, rnd: pt.Round, lang: str) -> dict:
    site = request.app.state.site
    return ps.summary(site, rnd, lang)


def round_page(request: Request, rid: str):
    lang = lang_of(request)
    rnd = _round(request, rid)
    view = _summary(request, rnd, lang)
    return respond(request, "participatie_ronde.html", view, ps.records(view), ps.CSV, f"inspraak-{rid}",
                   rnd=rnd, level_text=_level(rnd, lang), is_open=rnd.is_open(),
                   may_manage=allowed(request, "manage_participation"))


def _form(request: Request, rnd: pt.Round, values: dict, issues=None, status: int = 200, flood: str | None = None):
    lang = lang_of(request)
    errors = [{"field": i.field, "text": i.message + (f" — {i.hint}" if i.hint else ""),
               "anchor": _anchor(rnd, i.field)} for i in (issues or [])]
    return render(request, "participatie_formulier.html", {
        "rnd": rnd, "values": values, "errors": errors, "flood": flood, "level_text": _level(rnd, lang),
        "is_open": rnd.is_open(), "theme_label": lambda t: i18n.theme(t, lang)}, status_code=status)


def _anchor(rnd: pt.Round, field: str | None) -> str | None:
    if not field:
        return None
    if field.startswith("plaats voor "):
        theme = field[len("plaats voor "):]
        return f"rang_{theme}" if theme in rnd.themes else None
    return {"uw idee": "idee", "wat u weet over de buurt": "kennis", "toestemming": "toestemming-ja",
            "thema's": f"rang_{rnd.themes[0]}" if rnd.themes else None}.get(field)


def form_page(request: Request, rid: str):
    rnd = _round(request, rid)
    return _form(request, rnd, {})


def _client(request: Request) -> str:
    return request.client.host if request.client else "onbekend"


async def post_form(request: Request, rid: str):
    rnd = _round(request, rid)
    raw = (await request.body()).decode("utf-8", errors="replace")
    form = ImmutableMultiDict(parse_qsl(raw, keep_blank_values=True))
    values = {k: v for k, v in form.items() if k not in ("csrf_token", "website")}
    limiter: SignInLimiter = request.app.state.participation_limiter
    client = _client(request)
    if limiter.blocked(client):
        minutes = max(1, limiter.retry_after(client) // 60)
        msg = (f"U heeft al {FLOOD_LIMIT} reacties gestuurd vanaf deze verbinding. Om misbruik te voorkomen "
               f"slaan wij niet meer reacties op. Probeer het over ongeveer {minutes} minuten opnieuw. Uw reactie "
               "is niet opgeslagen.")
        return _form(request, rnd, values, None, 429, flood=msg)
    try:
        pt.submit(request.app.state.monitor.store, rnd, form)
    except ValidationError as exc:
        return _form(request, rnd, values, exc.issues, 400)
    limiter.failed(client)  # counts stored reactions
    return RedirectResponse(f"/participatie/{rid}/bedankt?{urlencode({'lang': lang_of(request)})}", status_code=303)


def thanks_page(request: Request, rid: str):
    rnd = _round(request, rid)
    return render(request, "participatie_bedankt.html", {"rnd": rnd})


def _moderation(request: Request, rnd: pt.Round, issues=None, status: int = 200):
    store = request.app.state.monitor.store
    return render(request, "participatie_moderatie.html", {
        "rnd": rnd, "waiting": pt.responses(store, rnd.id, "nieuw"), "counts": pt.counts(store, rnd.id),
        "done": [r for r in pt.responses(store, rnd.id) if r["status"] != "nieuw"][-20:],
        "errors": [{"field": i.field, "text": i.message} for i in (issues or [])],
        "theme_label": lambda t: i18n.theme(t, lang_of(request))}, status_code=status)


def moderation_page(request: Request, rid: str):
    require(request, "manage_participation")
    return _moderation(request, _round(request, rid))


async def post_moderation(request: Request, rid: str):
    who = require(request, "manage_participation")
    rnd = _round(request, rid)
    raw = (await request.body()).decode("utf-8", errors="replace")
    form = dict(parse_qsl(raw, keep_blank_values=True))
    try:
        number = int(form.get("reactie") or "")
    except ValueError:
        from ...core.errors import Issue

        return _moderation(request, rnd, [Issue("moderatie", None, "reactie", "kies een reactie")], 400)
    try:
        pt.moderate(request.app.state.monitor.store, rid, number, form.get("besluit") or "", form.get("reden"),
                    who.actor)
    except ValidationError as exc:
        return _moderation(request, rnd, exc.issues, 400)
    return RedirectResponse(f"/participatie/{rid}/moderatie?{urlencode({'lang': lang_of(request)})}",
                            status_code=303)


# -- API ----------------------------------------------------------------------------------------------
def register_api(v1: FastAPI, site) -> None:
    from ..api import ok, problem

    def links(rid: str) -> dict:
        return {"self": {"href": f"/v1/participatie/rondes/{rid}"},
                "samenvatting": {"href": f"/v1/participatie/rondes/{rid}/samenvatting"},
                "pagina": {"href": f"/participatie/{rid}"}, "lijst": {"href": "/v1/participatie/rondes"}}

    @v1.get("/participatie/rondes", summary="Inspraakrondes per gebied, met het kader")
    def rounds_list():
        items = [{**r.to_dict(), "open": r.is_open(), "_links": links(r.id)} for r in pt.all_rounds(site.monitor.store)]
        return ok({"rondes": items, "totaal": len(items)})

    @v1.get("/participatie/rondes/{rid}", summary="Eén inspraakronde: wat vastligt, wat inwoners kunnen "
            "beïnvloeden, het niveau en wat er met de inbreng gebeurt")
    def round_one(request: Request, rid: str):
        rnd = pt.get_round(site.monitor.store, rid)
        if rnd is None:
            return problem(404, "Inspraakronde niet gevonden", f"Er is geen inspraakronde '{rid}'.", request.url.path,
                           _links={"lijst": {"href": "/v1/participatie/rondes"}})
        return ok({**rnd.to_dict(), "open": rnd.is_open(), "_links": links(rid)})

    @v1.get("/participatie/rondes/{rid}/samenvatting", summary="De gepubliceerde samenvatting: wat we hoorden "
            "(alleen beoordeelde reacties, geen aantallen onder het minimum) naast wat de cijfers zeggen")
    def round_summary(request: Request, rid: str):
        rnd = pt.get_round(site.monitor.store, rid)
        if rnd is None:
            return problem(404, "Inspraakronde niet gevonden", f"Er is geen inspraakronde '{rid}'.", request.url.path,
                           _links={"lijst": {"href": "/v1/participatie/rondes"}})
        return ok({**ps.summary(site, rnd, "nl"), "_links": links(rid)})

    @v1.post("/participatie/rondes", status_code=201, summary="Een inspraakronde maken (token met schrijfrechten "
             "van een account dat inspraak mag beheren)")
    async def round_create(request: Request):
        who = require(request, "manage_participation")
        try:
            doc = await request.json()
        except ValueError:
            return problem(400, "Ongeldige invoer", "De body is geen JSON.", request.url.path)
        try:
            rnd = pt.create_round(site.monitor, doc, who.actor)
        except ValidationError as exc:
            return problem(400, "Ongeldige invoer", exc.summary, request.url.path,
                           invalid_params=[{"name": i.field, "reason": i.message + (f" — {i.hint}" if i.hint else "")}
                                           for i in exc.issues])
        return Response(ok({**rnd.to_dict(), "_links": links(rnd.id)}).body, status_code=201,
                        media_type="application/json", headers={"Location": f"/v1/participatie/rondes/{rnd.id}"})


def register(app: FastAPI, v1: FastAPI) -> None:
    app.state.participation_limiter = SignInLimiter(limit=FLOOD_LIMIT, window=FLOOD_WINDOW)
    app.add_api_route("/participatie", list_page, methods=["GET"])
    app.add_api_route("/participatie/{rid}", round_page, methods=["GET"])
    app.add_api_route("/participatie/{rid}/meedoen", form_page, methods=["GET"])
    app.add_api_route("/participatie/{rid}/meedoen", post_form, methods=["POST"])
    app.add_api_route("/participatie/{rid}/bedankt", thanks_page, methods=["GET"])
    app.add_api_route("/participatie/{rid}/moderatie", moderation_page, methods=["GET"])
    app.add_api_route("/participatie/{rid}/moderatie", post_moderation, methods=["POST"])
    register_api(v1, app.state.site)
