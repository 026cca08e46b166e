"""Editing a programme in the browser (programma-eigenaar of that programme, beheerder): an intervention and its
places, the planned budget lines, the whole structure from the Excel template; and ``PUT``/``PATCH`` of an
intervention through ``/v1`` with ``ETag``/``If-Match``.

Every form carries the version of the programme it was opened at (hidden ``versie``) and a fingerprint of the object
(hidden ``basis``). A save whose version is stale is accepted only when the object itself is unchanged since (someone
edited another intervention); otherwise nothing is stored and the form comes back with what the other person
changed beside the user's own input, ready to be sent again.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import ImmutableMultiDict

from ...accounts import audit
from ...accounts.policy import Target
from ...core.errors import Issue, ValidationError, VersionConflict
from ...programme import editing as ed
from ...programme.codec import to_dict
from ...programme.model import Intervention, Place, Programme
from ..accounts.guard import require
from ..app import NotFound, lang_of, render
from .views import INTERVENTION_STATUS, KIND_LABEL

#: form field name → the element id an error links to
ANCHORS = {"name": "f-name", "description": "f-description", "owner": "f-owner", "partners": "f-partners",
           "target_group": "f-target_group", "start_year": "f-start_year", "end_year": "f-end_year",
           "status": "f-status", "places": "f-nieuw_gebied", "nieuw_gebied": "f-nieuw_gebied",
           "label": "f-label", "kind": "f-kind", "table": "f-table", "year": "f-year", "amount": "f-amount",
           "source": "f-source", "item": "f-item", "versie": None, "bestand": "f-bestand"}


def fingerprint(obj: Any) -> str:
    data = to_dict(obj) if obj is not None and not isinstance(obj, dict) else (obj or {})
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:16]


def _store(request: Request):
    return request.app.state.monitor.store


def _site(request: Request):
    return request.app.state.site


def current_programme(request: Request, pid: str) -> tuple[int, Programme]:
    from ...programme.repository import available_ids

    if pid not in available_ids():
        raise NotFound("programma", f"Het programma '{pid}' bestaat niet.", "/programmas")
    return ed.current(pid, _store(request))


def _intervention(programme: Programme, iid: str) -> Intervention:
    item = programme.intervention(iid)
    if item is None:
        raise NotFound("interventie", f"De interventie '{iid}' bestaat niet in '{programme.id}'.",
                       f"/programmas/{programme.id}")
    return item


def intervention_target(programme: Programme, item: Intervention | None = None) -> Target:
    orgs = tuple(o for o in ([item.owner] + list(item.partners) if item else []) if o)
    return Target(programme=programme.id, organisations=orgs)


async def _form(request: Request) -> ImmutableMultiDict:
    raw = (await request.body()).decode("utf-8", errors="replace")
    return ImmutableMultiDict(parse_qsl(raw, keep_blank_values=True))


def _message(issue: Issue) -> str:
    text = issue.message
    if text.startswith("verplicht veld ontbreekt"):  # the codec names the model class; a form names the field
        text = "vul dit veld in"
    return text + (f" — {issue.hint}" if issue.hint else "")


def _errors(issues: list[Issue], lang: str) -> list[dict]:
    return [{"field": ed.field_label(i.field or "", lang) if i.field else "", "anchor": ANCHORS.get(i.field or ""),
             "text": _message(i)} for i in issues]


def _version(form) -> int:
    try:
        return max(0, int(form.get("versie") or "0"))
    except ValueError:
        return -1


def done(request: Request, url: str) -> RedirectResponse:
    _site(request).clear()  # this worker shows the new version at once; others notice the store changed
    sep = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{sep}{urlencode({'lang': lang_of(request), 'bewaard': 'ja'})}", status_code=303)


def last_change(request: Request, kind: str, oid: str) -> dict | None:
    rows = audit.history(_store(request).engine, kind, oid)
    return rows[-1] if rows else None


# -- intervention -----------------------------------------------------------------------------------------------
def _status_options(lang: str) -> list[tuple[str, str]]:
    return [("", "(niet genoemd)" if lang != "en" else "(not named)"),
            *INTERVENTION_STATUS["en" if lang == "en" else "nl"].items()]


def _place_label(p: Place, region_names: dict[str, str]) -> str:
    named = " · ".join(x for x in (p.name, p.address) if x)
    return named or region_names.get(p.code or "", p.code or "?")


def _intervention_form(request: Request, programme: Programme, version: int, item: Intervention,
                       values: dict, *, errors=None, conflict=None, status: int = 200, removed=(), new_place=None):
    lang = lang_of(request)
    values = {**ed.intervention_values(item), **values}
    return render(request, "programme_edit_intervention.html", {
        "programme": programme, "item": item, "values": values, "version": version, "basis": fingerprint(item),
        "errors": errors or [], "conflict": conflict, "status_options": _status_options(lang),
        "places": [(n, _place_label(p, _region_names(request, programme))) for n, p in enumerate(item.places)],
        "removed": {str(r) for r in removed},
        "new_place": new_place or {}, "labels": {k: ed.field_label(k, lang) for k in ed.INTERVENTION_FIELDS}},
        status_code=status)


def _region_names(request: Request, programme: Programme) -> dict[str, str]:
    names = {r.code: r.name for r in _site(request).all_regions()}
    names.update({a.code: a.name for a in programme.focus_areas})
    return names


def edit_intervention_page(request: Request, pid: str, iid: str):
    version, programme = current_programme(request, pid)
    item = _intervention(programme, iid)
    require(request, "edit_programme", intervention_target(programme, item))
    return _intervention_form(request, programme, version, item, ed.intervention_values(item))


def _user_places(store, programme: Programme, item: Intervention, form) -> list[Place]:
    removed = set(form.getlist("plek_weg"))
    places = [p for n, p in enumerate(item.places) if str(n) not in removed]
    new = ed.place_from_form(store, form.get("nieuw_gebied", ""), form.get("nieuw_adres", ""),
                             form.get("nieuw_plek_naam", ""), list(programme.gemeenten))
    return places + ([new] if new else [])


def _conflict_rows(theirs: Intervention | None, yours: dict, your_places: list[Place] | None, lang: str) -> list:
    their = to_dict(theirs) if theirs else {}
    mine = dict(their)
    for k, v in yours.items():
        if k == "partners" and isinstance(v, str):
            v = [p.strip() for p in v.replace(";", "\n").split("\n") if p.strip()]
        if k in ("start_year", "end_year") and isinstance(v, str) and v.strip().isdigit():
            v = int(v)
        mine[k] = v
    if your_places is not None:
        mine["places"] = [to_dict(p) for p in your_places]
    return [c for c in ed.changes(their, mine, lang=lang) if c["field"] in ed.INTERVENTION_FIELDS]


async def post_intervention(request: Request, pid: str, iid: str):
    lang = lang_of(request)
    version_now, programme = current_programme(request, pid)
    item = _intervention(programme, iid)
    who = require(request, "edit_programme", intervention_target(programme, item))
    form = await _form(request)
    values = {k: form[k] for k in ed.INTERVENTION_FIELDS if k != "places" and k in form}
    removed = form.getlist("plek_weg")
    new_place = {k: form.get(k, "") for k in ("nieuw_gebied", "nieuw_adres", "nieuw_plek_naam")}
    started = _version(form)
    reason = form.get("reden", "")
    store = _store(request)

    def conflict_page(current_version: int, current: Programme, places: list[Place] | None):
        theirs = current.intervention(iid)
        last = last_change(request, "intervention", f"{pid}/{iid}")
        conflict = {"rows": _conflict_rows(theirs, values, places, lang), "who": last["actor"] if last else None,
                    "at": last["at"] if last else None, "gone": theirs is None}
        shown = theirs or item
        return _intervention_form(request, current, current_version, shown, values, conflict=conflict, status=409,
                                  removed=removed, new_place=new_place)

    try:
        places = _user_places(store, programme, item, form)
    except ValidationError as exc:
        return _intervention_form(request, programme, version_now, item, values, errors=_errors(exc.issues, lang),
                                  status=400, removed=removed, new_place=new_place)
    if started != version_now and form.get("basis") != fingerprint(item):
        return conflict_page(version_now, programme, places)
    try:
        changed = ed.with_intervention(programme, iid, values, places)
        new_item = changed.intervention(iid)
        ed.save(store, changed, version_now, who.actor, "programme.intervention", "intervention", f"{pid}/{iid}",
                before=ed.plain(item), after=ed.plain(new_item), reason=reason)
    except ValidationError as exc:
        return _intervention_form(request, programme, version_now, item, values, errors=_errors(exc.issues, lang),
                                  status=400, removed=removed, new_place=new_place)
    except VersionConflict:
        v, current = ed.current(pid, store)
        return conflict_page(v, current, places)
    return done(request, f"/programmas/{pid}/interventies/{iid}")


# -- the programme's edit page and its budget lines -------------------------------------------------------------
def edit_programme_page(request: Request, pid: str):
    version, programme = current_programme(request, pid)
    require(request, "edit_programme", Target(programme=pid))
    lang = lang_of(request)
    names = ed.value_names(programme)
    tables, sources, items = names["table"], names["source"], names["item"]
    lines = [{"id": b.id, "label": b.label, "table": tables.get(b.table, b.table), "year": b.year,
              "kind": KIND_LABEL["en" if lang == "en" else "nl"].get(b.kind.value, b.kind.value),
              "amount": b.amount, "source": sources.get(b.source or "", b.source), "item": items.get(b.item or "",
                                                                                                    b.item)}
             for b in programme.budget]
    return render(request, "programme_edit.html", {"programme": programme, "version": version, "lines": lines,
                                                   "saved": request.query_params.get("bewaard") == "ja"})


def _line_form(request: Request, programme: Programme, version: int, bid: str | None, values: dict, *,
               errors=None, conflict=None, status: int = 200, basis: str | None = None):
    lang = lang_of(request)
    line = next((b for b in programme.budget if b.id == bid), None) if bid else None
    values = {**ed.budget_values(line), **values}
    return render(request, "programme_edit_budget.html", {
        "programme": programme, "bid": bid, "values": values, "version": version,
        "basis": basis if basis is not None else fingerprint(line), "errors": errors or [], "conflict": conflict,
        "kinds": list(KIND_LABEL["en" if lang == "en" else "nl"].items())[:2],
        "item_names": ed.value_names(programme)["item"],
        "labels": {k: ed.field_label(k, lang) for k in ed.BUDGET_FIELDS}}, status_code=status)


def _line(programme: Programme, bid: str):
    line = next((b for b in programme.budget if b.id == bid), None)
    if line is None:
        raise NotFound("begrotingsregel", f"De begrotingsregel '{bid}' bestaat niet in '{programme.id}'.",
                       f"/programmas/{programme.id}/bewerken")
    return line


def new_line_page(request: Request, pid: str):
    version, programme = current_programme(request, pid)
    require(request, "edit_programme", Target(programme=pid))
    values = ed.budget_values(None)
    if len(programme.budget_tables) == 1:
        values["table"] = programme.budget_tables[0].id
    values["kind"] = "expenditure"
    return _line_form(request, programme, version, None, values)


def edit_line_page(request: Request, pid: str, bid: str):
    version, programme = current_programme(request, pid)
    require(request, "edit_programme", Target(programme=pid))
    return _line_form(request, programme, version, bid, ed.budget_values(_line(programme, bid)))


async def _post_line(request: Request, pid: str, bid: str | None):
    lang = lang_of(request)
    version_now, programme = current_programme(request, pid)
    who = require(request, "edit_programme", Target(programme=pid))
    old = _line(programme, bid) if bid else None
    form = await _form(request)
    values = {k: form[k] for k in ed.BUDGET_FIELDS if k in form}
    remove = form.get("actie") == "verwijderen"
    started = _version(form)
    store = _store(request)

    def conflict_page(v: int, current: Programme):
        theirs = next((b for b in current.budget if b.id == bid), None) if bid else None
        last = last_change(request, "programme", pid)
        mine = {**(to_dict(theirs) if theirs else {}), **values}
        rows = [c for c in ed.changes(to_dict(theirs) if theirs else {}, mine, ed.value_names(current), lang)
                if c["field"] in ed.BUDGET_FIELDS]
        return _line_form(request, current, v, bid if theirs or not bid else None, values, status=409,
                          conflict={"rows": rows, "who": last["actor"] if last else None,
                                    "at": last["at"] if last else None, "gone": bool(bid) and theirs is None},
                          basis=fingerprint(theirs))

    if started != version_now and (bid is None and started < 0 or bid and form.get("basis") != fingerprint(old)):
        return conflict_page(version_now, programme)
    try:
        if remove and bid:
            changed = ed.without_budget_line(programme, bid)
            action, after = "programme.budget.remove", None
        else:
            changed, line_id = ed.with_budget_line(programme, bid, values)
            after = ed.plain(next(b for b in changed.budget if b.id == line_id))
            action = "programme.budget.edit" if bid else "programme.budget.add"
        ed.save(store, changed, version_now, who.actor, action, "programme", pid, before=ed.plain(old),
                after=after, reason=form.get("reden", ""))
    except ValidationError as exc:
        return _line_form(request, programme, version_now, bid, values, errors=_errors(exc.issues, lang), status=400)
    except VersionConflict:
        v, current = ed.current(pid, store)
        return conflict_page(v, current)
    return done(request, f"/programmas/{pid}/bewerken")


async def post_new_line(request: Request, pid: str):
    return await _post_line(request, pid, None)


async def post_line(request: Request, pid: str, bid: str):
    return await _post_line(request, pid, bid)


# -- API --------------------------------------------------------------------------------------------------------
def etag(version: int) -> str:
    return f'"{version}"'


def _if_match(header: str | None) -> int | None:
    """The version named by ``If-Match`` (``None``: missing or not ours)."""
    if not header:
        return None
    raw = header.split(",")[0].strip()
    if raw.startswith("W/"):
        raw = raw[2:]
    raw = raw.strip('"')
    return int(raw) if raw.isdigit() else None


def register_api(v1: FastAPI, site) -> None:
    from ..api import problem

    async def write(request: Request, pid: str, iid: str, partial: bool):
        from ...programme.repository import available_ids

        store = site.monitor.store
        if pid not in available_ids():
            return problem(404, "Niet gevonden", f"Het programma '{pid}' bestaat niet.", request.url.path)
        version_now, programme = ed.current(pid, store)
        item = programme.intervention(iid)
        if item is None:
            return problem(404, "Niet gevonden", f"De interventie '{iid}' bestaat niet in '{pid}'.", request.url.path)
        who = require(request, "edit_programme", intervention_target(programme, item))
        header = request.headers.get("if-match")
        if not header:
            return problem(428, "Versie ontbreekt", "Stuur de kop If-Match mee met de ETag die u bij het ophalen van "
                           "deze interventie kreeg, zodat u niet ongemerkt de wijziging van een ander overschrijft. "
                           "Er is niets opgeslagen.", request.url.path)
        expected = _if_match(header)
        if expected is None or expected != version_now:
            response = problem(412, "Intussen gewijzigd", f"De interventie is sinds uw versie gewijzigd (nu versie "
                               f"{version_now}). Er is niets opgeslagen; haal de interventie opnieuw op en stuur uw "
                               "wijziging dan nog eens.", request.url.path, huidige_versie=version_now)
            response.headers["ETag"] = etag(version_now)
            return response
        try:
            doc = await request.json()
        except ValueError:
            return problem(400, "Ongeldige invoer", "De body is geen JSON. Er is niets opgeslagen.", request.url.path)
        if not isinstance(doc, dict):
            return problem(400, "Ongeldige invoer", "De body moet een JSON-object zijn. Er is niets opgeslagen.",
                           request.url.path)
        allowed = set(ed.INTERVENTION_FIELDS) | {"reden", "id"}
        unknown = sorted(set(doc) - allowed)
        if unknown:
            return problem(400, "Ongeldige invoer", f"Onbekende velden: {', '.join(unknown)}. Er is niets opgeslagen.",
                           request.url.path, invalid_params=[{"name": u, "reason": "onbekend veld; toegestaan: "
                                                              + ", ".join(sorted(ed.INTERVENTION_FIELDS))}
                                                             for u in unknown])
        reason = doc.pop("reden", None)
        doc.pop("id", None)
        values: dict[str, Any] = dict(doc)
        if not partial:  # PUT: every editable field; what is left out becomes empty
            values = {k: doc.get(k) for k in ed.INTERVENTION_FIELDS if k != "places"}
        places = None
        if "places" in doc:
            raw = doc.get("places") or []
            if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
                return problem(400, "Ongeldige invoer", "places moet een lijst van plekken zijn (code, name, address, "
                               "lat, lon). Er is niets opgeslagen.", request.url.path)
            from ...programme.codec import Context, from_dict

            ctx = Context("api")
            places = [from_dict(Place, p, ctx, "api") for p in raw]
            if ctx.issues or any(p is None for p in places):
                return _invalid(request, ctx.issues)
        values.pop("places", None)
        try:
            changed = ed.with_intervention(programme, iid, values, places)
            saved = ed.save(store, changed, version_now, who.actor, "programme.intervention", "intervention",
                            f"{pid}/{iid}", before=ed.plain(item), after=ed.plain(changed.intervention(iid)),
                            reason=reason if isinstance(reason, str) else None)
        except ValidationError as exc:
            return _invalid(request, exc.issues)
        except VersionConflict as exc:
            return problem(412, "Intussen gewijzigd", "Iemand anders sloeg tegelijk een wijziging op. Er is niets "
                           "opgeslagen; haal de interventie opnieuw op en stuur uw wijziging dan nog eens.",
                           request.url.path, huidige_versie=exc.current_version)
        site.clear()
        from ..api import ok

        body = {"id": iid, "programma": pid, "versie": saved.version, **to_dict(saved.programme.intervention(iid)),
                "_links": {"self": {"href": f"/v1/programmas/{pid}/interventies/{iid}"}}}
        return ok(body, headers={"ETag": etag(saved.version)})

    def _invalid(request: Request, issues: list[Issue]) -> Response:
        return problem(400, "Ongeldige invoer", "De invoer is niet geldig; er is niets opgeslagen.", request.url.path,
                       invalid_params=[{"name": i.field or "", "reason": i.message + (f" — {i.hint}" if i.hint else "")}
                                       for i in issues])

    @v1.put("/programmas/{pid}/interventies/{iid}", summary="Een interventie vervangen (token met schrijfrechten; "
            "If-Match met de ETag verplicht)")
    async def put_interventie(request: Request, pid: str, iid: str):
        return await write(request, pid, iid, partial=False)

    @v1.patch("/programmas/{pid}/interventies/{iid}", summary="Velden van een interventie wijzigen (token met "
              "schrijfrechten; If-Match met de ETag verplicht)")
    async def patch_interventie(request: Request, pid: str, iid: str):
        return await write(request, pid, iid, partial=True)


def register(app: FastAPI, v1: FastAPI) -> None:
    from ...programme import stored

    @app.middleware("http")
    async def programme_store(request: Request, call_next):
        # programmes edited online are read from this app's store during the request (see programme.stored)
        with stored.using(app.state.monitor.store):
            return await call_next(request)

    app.add_api_route("/programmas/{pid}/bewerken", edit_programme_page, methods=["GET"])
    app.add_api_route("/programmas/{pid}/interventies/{iid}/bewerken", edit_intervention_page, methods=["GET"])
    app.add_api_route("/programmas/{pid}/interventies/{iid}/bewerken", post_intervention, methods=["POST"])
    app.add_api_route("/programmas/{pid}/begroting/nieuw", new_line_page, methods=["GET"])
    app.add_api_route("/programmas/{pid}/begroting/nieuw", post_new_line, methods=["POST"])
    app.add_api_route("/programmas/{pid}/begroting/{bid}/bewerken", edit_line_page, methods=["GET"])
    app.add_api_route("/programmas/{pid}/begroting/{bid}/bewerken", post_line, methods=["POST"])
    register_api(v1, app.state.site)
