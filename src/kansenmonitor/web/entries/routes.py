"""Reporting in the browser and the API: "Rapporteren" (a report entry for an intervention), "Vaststellen" (the
queue of concept entries the visitor may approve or reject) and the page of one entry with its history.

Who may do what is the accounts policy's (``report``, ``approve``, ``read_internal``, ``read_history``), asked
through :func:`~kansenmonitor.web.accounts.guard.require` / ``allowed``; an entry is about an intervention, so
the policy's target names the programme and the intervention's owner and partners.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from ... import entries as en
from ...accounts.policy import Principal, Target, authorize
from ...core.errors import Issue, ValidationError
from ...entries.validate import FIELDS
from ...programme.decisions import DECISION_LABEL
from ...programme.model import IndicatorKind, Intervention, NarrativeSourceType, Programme
from ...programme.narratives import SOURCE_TYPE_LABEL_NL
from ...programme.repository import available_ids, load_programme
from ..accounts.guard import Forbidden, SignInRequired, require
from ..accounts.security import principal_of
from ..app import NotFound, lang_of, render
from . import visible

NAV: list[tuple[str, str, str]] = []
FORM_FIELDS = sorted({f for names in FIELDS.values() for f in names.values()} |
                     {"indicator", "corrigeert", "reden", "soort", "interventie", "bewijs", "besloten_door"})


# -- helpers ---------------------------------------------------------------------------------------------
def _site(request: Request):
    app = request.scope.get("kansenmonitor_app") or request.app
    return app.state.site


def programme_of(site, pid: str) -> Programme | None:
    if pid not in site.cached_view(("programme-ids",), available_ids):
        return None
    return site.cached_view(("programme", pid), lambda: load_programme(pid))


def target(programme: Programme, intervention: Intervention | str | None) -> Target:
    iv = programme.intervention(intervention) if isinstance(intervention, str) else intervention
    orgs = tuple(o for o in ([iv.owner, *iv.partners] if iv else []) if o)
    return Target(programme=programme.id, organisations=orgs)


def reportable(who: Principal, programme: Programme) -> list[Intervention]:
    """The interventions ``who`` may report on (a partner: those of its own organisation)."""
    return [iv for iv in programme.interventions if authorize(who, "report", target(programme, iv))]


def require_reporter(request: Request, programme: Programme) -> Principal:
    """The visitor, when there is an intervention of ``programme`` they may report on; else a refusal."""
    who = principal_of(request)
    if reportable(who, programme):
        return who
    if not who.signed_in:
        raise SignInRequired("report")
    raise Forbidden(who, "report")


def may_see(who: Principal, programme: Programme, entry: en.Entry) -> bool:
    return entry.state == en.VASTGESTELD or authorize(who, "read_internal", target(programme, entry.intervention))


def may_approve(who: Principal, programme: Programme, entry: en.Entry) -> bool:
    return authorize(who, "approve", target(programme, entry.intervention))


def may_read_private(who: Principal, programme: Programme, entry: en.Entry) -> bool:
    """Unconsented narratives and names of anonymous tellers: for those who approve or may read microdata."""
    return authorize(who, "read_microdata") or may_approve(who, programme, entry)


def queue(who: Principal, programme: Programme, store) -> list[en.Entry]:
    """Concept entries ``who`` may approve (never their own)."""
    return [e for e in en.entries(store, programme.id)
            if e.state == en.CONCEPT and e.entered_by != who.actor and may_approve(who, programme, e)]


def entry_view(who: Principal, programme: Programme, entry: en.Entry, lang: str = "nl") -> dict[str, Any]:
    """What ``who`` may see of an entry (caller checked :func:`may_see`)."""
    data = dict(entry.data)
    if entry.kind == "verhaal" and not may_read_private(who, programme, entry):
        if not data.get("consent"):
            data["text"] = None
            data["title"] = None
        if data.get("anonymous", True) or not data.get("consent"):
            data["person"] = None
    iv = programme.intervention(entry.intervention)
    history = authorize(who, "read_history", target(programme, entry.intervention))
    out: dict[str, Any] = {
        "id": entry.id, "programma": programme.id, "interventie": entry.intervention,
        "interventie_naam": iv.name if iv else entry.intervention, "soort": entry.kind,
        "soort_label": en.kind_label(entry.kind, lang), "status": entry.state,
        "status_label": en.model.STATE_LABEL.get(lang, en.model.STATE_LABEL["nl"])[entry.state],
        "gegevens": data, "ingevoerd_op": entry.entered_at[:10], "corrigeert": entry.corrects,
        "reden": entry.reason}
    if history:
        out["ingevoerd_door"] = entry.entered_by
        if entry.approval:
            out["beoordeeld_door"] = entry.approval.by
            out["beoordeeld_op"] = entry.approval.at[:10]
            out["reden_beoordeling"] = entry.approval.reason
    if entry.approval and entry.approval.decision_id:
        out["besluit"] = entry.approval.decision_id
    return out


def _decimals(value: float) -> int:
    """As many decimals as the entered value has (at most 3), so 86.5 shows as 86,5 and 12 as 12."""
    text = f"{float(value):.3f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _area_name(store, code: str) -> str:
    try:
        return store.region(code, with_geometry=False).name
    except Exception:  # an area no longer in the store: its code is all there is
        return code


def _lines(entry_data: dict, kind: str, programme: Programme, lang: str, store=None) -> list[tuple[str, str]]:
    """The entry's data as (label, text) rows for the page: numbers and amounts written as in the interface
    language, areas by name."""
    from ...format import money, number

    d = entry_data
    nl = lang != "en"
    if kind == "uitgaven":
        src = programme.funding_source(d.get("source") or "")
        amount = d.get("amount")
        return [("Jaar" if nl else "Year", str(d.get("year"))),
                ("Bedrag" if nl else "Amount", money(amount, lang, 2 if amount is not None and amount % 1 else 0)
                 if amount is not None else "—"),
                ("Financieringsbron" if nl else "Funding source", src.name if src else "—")]
    if kind in ("proces", "meting"):
        ind = programme.indicator(d.get("indicator") or "")
        value = d.get("value")
        shown = number(value, _decimals(value), lang) if value is not None else str(d.get("value_text") or "—")
        region = d.get("region")
        return [("Indicator", ind.name if ind else str(d.get("indicator"))), ("Periode" if nl else "Period",
                str(d.get("date"))), ("Waarde" if nl else "Value", shown + (f" {ind.unit}" if ind and ind.unit
                                                                          else "")),
                *([("Gebied" if nl else "Area", _area_name(store, region) if store is not None else region)]
                  if region else [])]
    if kind == "verhaal":
        st = d.get("source_type")
        rows = [("Soort bron" if nl else "Kind of source", SOURCE_TYPE_LABEL_NL.get(NarrativeSourceType(st), st)
                 if st else "—"),
                ("Toestemming om te tonen" if nl else "Consent to show", ("ja" if nl else "yes") if d.get("consent")
                 else ("nee" if nl else "no")),
                ("Anoniem" if nl else "Anonymous", ("ja" if nl else "yes") if d.get("anonymous", True)
                 else ("nee" if nl else "no"))]
        if d.get("title"):
            rows.append(("Titel" if nl else "Title", d["title"]))
        rows.append(("Tekst" if nl else "Text", d.get("text") or ("(alleen zichtbaar voor wie mag vaststellen)" if nl
                                                                 else "(visible only to approvers)")))
        if d.get("person"):
            rows.append(("Persoon" if nl else "Person", d["person"]))
        return rows
    if kind == "besluit":
        word = DECISION_LABEL.get(lang, DECISION_LABEL["nl"]).get(d.get("decision"), d.get("decision"))
        return [("Besluit" if nl else "Decision", word), ("Onderbouwing" if nl else "Rationale", d.get("rationale")),
                ("Besloten door" if nl else "Decided by", d.get("decided_by")), ("Datum" if nl else "Date",
                                                                                 d.get("date")),
                ("Bewijs" if nl else "Evidence", ", ".join(f"{e['kind']}: {e['ref']}" for e in d.get("evidence", []))
                 or "—")]
    return []


def _known_regions(site) -> set[str] | None:
    """The codes of the store's areas, kept with the site's caches (dropped when areas are imported)."""
    def load() -> frozenset[str] | None:
        try:
            return frozenset(code for code, _year in site.monitor.store.region_keys())
        except Exception:  # pragma: no cover - a store without regions: check the form of codes only
            return None

    return site.cached_view(("region-codes",), load)


def _page_programme(request: Request, pid: str) -> Programme:
    p = programme_of(_site(request), pid)
    if p is None:
        raise NotFound("programma", f"Het programma '{pid}' bestaat niet.", "/programmas")
    return p


def _entry_or_404(request: Request, programme: Programme, eid: str) -> en.Entry:
    entry = en.get_entry(_site(request).monitor.store, eid)
    if entry is None or entry.programme != programme.id:
        raise NotFound("melding", f"Er is geen melding '{eid}' in dit programma.", f"/programmas/{programme.id}")
    return entry


#: form field → its label (Dutch, English), for the error list at the top of a form
FIELD_LABELS = {
    "interventie": ("Interventie", "Intervention"), "soort": ("Soort melding", "Kind of report"),
    "jaar": ("Jaar", "Year"), "bedrag": ("Bedrag in euro", "Amount in euro"),
    "bron": ("Financieringsbron", "Funding source"), "indicator": ("Indicator", "Indicator"),
    "periode": ("Periode", "Period"), "waarde": ("Waarde", "Value"), "gebied": ("Gebied", "Area"),
    "tekst": ("Tekst", "Text"), "titel": ("Titel", "Title"), "soort_bron": ("Soort bron", "Kind of source"),
    "datum": ("Datum", "Date"), "persoon": ("Naam van de verteller", "Name of the teller"),
    "toestemming": ("Toestemming", "Consent"), "anoniem": ("Anoniem", "Anonymous"),
    "besluit": ("Besluit", "Decision"), "onderbouwing": ("Onderbouwing", "Rationale"),
    "besloten_door": ("Besloten door", "Decided by"), "bewijs": ("Waar het besluit op rust", "Evidence"),
    "corrigeert": ("Correctie van", "Correction of"), "reden": ("Reden", "Reason"),
    "melding": ("Melding", "Report"),
}


def _user_issues(issues: list[Issue], lang: str = "nl") -> list[dict]:
    """Errors for the page: the field's label, no command-line hints (people see sentences, never commands)."""
    out = []
    for i in issues:
        hint = i.hint if i.hint and "kansenmonitor " not in i.hint else None
        nl, en_ = FIELD_LABELS.get(i.field or "", (i.field or "", i.field or ""))
        out.append({"field": i.field, "label": en_ if lang == "en" else nl,
                    "text": i.message + (f" — {hint}" if hint else ""),
                    "anchor": i.field if i.field in FORM_FIELDS else None})
    return out


async def _form(request: Request) -> dict[str, str]:
    """The posted form's fields (a dependency: read on the event loop, so the handler that uses it can be a plain
    function that runs in the thread pool and may wait for the database without holding up other requests)."""
    raw = (await request.body()).decode("utf-8", errors="replace")
    return {k: v for k, v in parse_qsl(raw, keep_blank_values=True) if k != "csrf_token"}


# -- pages ----------------------------------------------------------------------------------------------
def _report_form(request: Request, programme: Programme, values: dict, errors: list[dict] | None = None,
                 status: int = 200):
    who = principal_of(request)
    lang = lang_of(request)
    ivs = reportable(who, programme)
    kind = values.get("soort") or ""
    iid = values.get("interventie") or ""
    chosen = next((iv for iv in ivs if iv.id == iid), None)
    want = {"proces": IndicatorKind.PROCESS, "meting": IndicatorKind.OUTCOME}.get(kind)
    return render(request, "entries_report.html", {
        "programme": programme, "interventions": ivs, "kinds": en.KINDS, "values": values, "kind": kind,
        "chosen": chosen if kind in en.KINDS else None, "errors": errors or [],
        "bad": {e["anchor"] for e in errors or [] if e["anchor"]},
        "indicators": [i for i in programme.indicators if want and i.kind == want],
        "sources": programme.funding_sources, "source_types": SOURCE_TYPE_LABEL_NL,
        "decisions": DECISION_LABEL.get(lang, DECISION_LABEL["nl"]),
        "corrigeerbaar": [e for e in en.entries(_site(request).monitor.store, programme.id)
                          if e.state == en.VASTGESTELD and e.kind == kind and e.intervention == iid],
        "recent": [entry_view(who, programme, e, lang) for e in en.entries(_site(request).monitor.store, programme.id)
                   if e.intervention in {iv.id for iv in ivs} and may_see(who, programme, e)][-25:][::-1]},
        status_code=status)


def report_page(request: Request, pid: str):
    programme = _page_programme(request, pid)
    who = require_reporter(request, programme)
    values = {k: v for k, v in request.query_params.items() if k in ("interventie", "soort", "corrigeert")}
    errors = []
    if values.get("interventie") and values["interventie"] not in {iv.id for iv in reportable(who, programme)}:
        errors.append({"field": "interventie", "label": _user_issues([Issue("", None, "interventie", "")],
                                                                    lang_of(request))[0]["label"],
                       "text": "kies een interventie waarover u mag rapporteren", "anchor": "interventie"})
        values.pop("interventie")
    return _report_form(request, programme, values, errors)


def post_report(request: Request, pid: str, form: dict = Depends(_form)):
    programme = _page_programme(request, pid)
    iid = form.get("interventie", "")
    who = require(request, "report", target(programme, iid))
    site = _site(request)
    try:
        entry = en.create_entry(site.monitor.store, programme, form.get("soort", ""), iid, form, who.actor,
                                corrects=form.get("corrigeert"), reason=form.get("reden"),
                                known_regions=_known_regions(site))
    except ValidationError as exc:
        return _report_form(request, programme, form, _user_issues(exc.issues, lang_of(request)), 400)
    return RedirectResponse(f"/programmas/{pid}/meldingen/{entry.id}?{urlencode({'lang': lang_of(request)})}",
                            status_code=303)


def _queue_page(request: Request, programme: Programme, errors: list[dict] | None = None, status: int = 200,
                done: str | None = None):
    who = principal_of(request)
    lang = lang_of(request)
    store = _site(request).monitor.store
    items = [{"view": entry_view(who, programme, e, lang), "rows": _lines(entry_view(who, programme, e, lang)
                                                                          ["gegevens"], e.kind, programme, lang, store)}
             for e in queue(who, programme, store)]
    return render(request, "entries_queue.html", {"programme": programme, "items": items, "errors": errors or [],
                                                  "done": done}, status_code=status)


def queue_page(request: Request, pid: str):
    programme = _page_programme(request, pid)
    require(request, "approve", Target(programme=programme.id))
    return _queue_page(request, programme, done=request.query_params.get("gedaan"))


def post_decision(request: Request, pid: str, eid: str, form: dict = Depends(_form)):
    programme = _page_programme(request, pid)
    require(request, "approve", Target(programme=programme.id))
    entry = _entry_or_404(request, programme, eid)
    who = require(request, "approve", target(programme, entry.intervention))
    state = form.get("besluit", "")
    try:
        en.decide(_site(request).monitor.store, programme, eid, state, who.actor, form.get("reden"))
    except ValidationError as exc:
        errors = [{**e, "anchor": f"reden-{eid}" if e["field"] == "reden" else None}
                  for e in _user_issues(exc.issues, lang_of(request))]
        return _queue_page(request, programme, errors, 409 if isinstance(exc, en.AlreadyDecided) else 400)
    q = urlencode({"lang": lang_of(request), "gedaan": eid})
    return RedirectResponse(f"/programmas/{pid}/vaststellen?{q}", status_code=303)


def entry_page(request: Request, pid: str, eid: str):
    programme = _page_programme(request, pid)
    entry = _entry_or_404(request, programme, eid)
    who = principal_of(request)
    if not may_see(who, programme, entry):
        require(request, "read_internal", target(programme, entry.intervention))
    lang = lang_of(request)
    view = entry_view(who, programme, entry, lang)
    store = _site(request).monitor.store
    history = (en.history(store, eid) if authorize(who, "read_history", target(programme, entry.intervention))
               else None)
    corrections = [entry_view(who, programme, c, lang) for c in en.service.corrections_of(store, eid)
                   if may_see(who, programme, c)]
    return render(request, "entries_entry.html", {
        "programme": programme, "entry": view, "rows": _lines(view["gegevens"], entry.kind, programme, lang, store),
        "history": history, "corrections": corrections,
        "may_correct": entry.state == en.VASTGESTELD and authorize(who, "report", target(programme,
                                                                                          entry.intervention)),
        "may_decide": entry.state == en.CONCEPT and entry.entered_by != who.actor and
        may_approve(who, programme, entry)})


def entry_links(request: Request, pid: str) -> list[tuple[str, str, str]]:
    """Links for the programme page, only for those who may use them: (href, Dutch, English)."""
    site = _site(request)
    programme = programme_of(site, pid)
    if programme is None:
        return []
    who = principal_of(request)
    out = []
    if reportable(who, programme):
        out.append((f"/programmas/{pid}/rapporteren", "Rapporteren", "Report"))
    if authorize(who, "approve", Target(programme=pid)):
        n = len(queue(who, programme, site.monitor.store))
        out.append((f"/programmas/{pid}/vaststellen", f"Vaststellen ({n} te beoordelen)", f"Approve ({n} waiting)"))
    return out


# -- API ------------------------------------------------------------------------------------------------
def register_api(v1: FastAPI, site) -> None:
    from ..api import ok, problem

    def links(pid: str, eid: str | None = None) -> dict:
        base = f"/v1/programmas/{pid}/meldingen"
        out = {"lijst": {"href": base}, "programma": {"href": f"/v1/programmas/{pid}"}}
        if eid:
            out.update({"self": {"href": f"{base}/{eid}"}, "vaststelling": {"href": f"{base}/{eid}/vaststelling"},
                        "pagina": {"href": f"/programmas/{pid}/meldingen/{eid}"}})
        return out

    def not_found(request: Request, what: str) -> Response:
        return problem(404, "Niet gevonden", what, request.url.path, _links={"lijst": {"href": "/v1/programmas"}})

    def invalid(request: Request, exc: ValidationError, status: int = 400) -> Response:
        return problem(status, "Ongeldige invoer" if status == 400 else "Conflict", exc.summary, request.url.path,
                       invalid_params=[{"name": i["field"], "reason": i["text"]} for i in _user_issues(exc.issues)])

    async def body_of(request: Request) -> dict | None:
        """The JSON object posted, or ``None`` (a dependency, as :func:`_form`)."""
        try:
            doc = await request.json()
        except ValueError:
            return None
        return doc if isinstance(doc, dict) else None

    @v1.get("/programmas/{pid}/meldingen", summary="De meldingen van een programma (publiek: alleen vastgestelde)")
    def meldingen(request: Request, pid: str):
        p = programme_of(site, pid)
        if p is None:
            return not_found(request, f"Het programma '{pid}' bestaat niet.")
        who = principal_of(request)
        items = [{**entry_view(who, p, e), "_links": links(pid, e.id)} for e in en.entries(site.monitor.store, pid)
                 if may_see(who, p, e)]
        return ok({"programma": pid, "meldingen": items, "totaal": len(items), "_links": links(pid)})

    @v1.get("/programmas/{pid}/meldingen/{eid}", summary="Eén melding met haar status")
    def melding(request: Request, pid: str, eid: str):
        p = programme_of(site, pid)
        e = en.get_entry(site.monitor.store, eid) if p else None
        who = principal_of(request)
        if p is None or e is None or e.programme != pid or not may_see(who, p, e):
            return not_found(request, f"Er is geen (vastgestelde) melding '{eid}' in programma '{pid}'.")
        return ok({**entry_view(who, p, e), "_links": links(pid, eid)})

    @v1.post("/programmas/{pid}/meldingen", status_code=201, summary="Een melding invoeren (token met "
             "schrijfrechten van een account dat over de interventie mag rapporteren); zij is concept tot een "
             "tweede persoon haar vaststelt")
    def nieuwe_melding(request: Request, pid: str, doc: dict | None = Depends(body_of)):
        p = programme_of(site, pid)
        if p is None:
            return not_found(request, f"Het programma '{pid}' bestaat niet.")
        if doc is None:
            require_reporter(request, p)
            return problem(400, "Ongeldige invoer", "De body is geen JSON-object.", request.url.path)
        form = {k: ("\n".join(map(str, v)) if isinstance(v, list) else v) for k, v in doc.items()}
        iid = str(form.get("interventie") or "")
        who = require(request, "report", target(p, iid))
        try:
            e = en.create_entry(site.monitor.store, p, str(form.get("soort") or ""), iid, form, who.actor,
                                corrects=form.get("corrigeert"), reason=form.get("reden"),
                                known_regions=_known_regions(site))
        except ValidationError as exc:
            return invalid(request, exc)
        return Response(ok({**entry_view(who, p, e), "_links": links(pid, e.id)}).body, status_code=201,
                        media_type="application/json",
                        headers={"Location": f"/v1/programmas/{pid}/meldingen/{e.id}"})

    @v1.post("/programmas/{pid}/meldingen/{eid}/vaststelling", status_code=201, summary="Een melding vaststellen "
             "of afwijzen (een tweede persoon die mag vaststellen; bij afwijzen met reden)")
    def vaststelling(request: Request, pid: str, eid: str, doc: dict | None = Depends(body_of)):
        p = programme_of(site, pid)
        e = en.get_entry(site.monitor.store, eid) if p else None
        if p is None or e is None or e.programme != pid:
            require(request, "approve", Target(programme=pid))
            return not_found(request, f"Er is geen melding '{eid}' in programma '{pid}'.")
        who = require(request, "approve", target(p, e.intervention))
        if doc is None:
            return problem(400, "Ongeldige invoer", "De body is geen JSON-object met 'besluit' (vastgesteld of "
                           "afgewezen) en bij afwijzen 'reden'.", request.url.path)
        try:
            en.decide(site.monitor.store, p, eid, str(doc.get("besluit") or ""), who.actor, doc.get("reden"))
        except en.OwnEntry as exc:
            return problem(403, "Geen toegang", exc.issues[0].message + ".", request.url.path)
        except en.AlreadyDecided as exc:
            return invalid(request, exc, 409)
        except ValidationError as exc:
            return invalid(request, exc)
        e = en.get_entry(site.monitor.store, eid)
        return Response(ok({**entry_view(who, p, e), "_links": links(pid, eid)}).body, status_code=201,
                        media_type="application/json", headers={"Location": f"/v1/programmas/{pid}/meldingen/{eid}"})


def register(app: FastAPI, v1: FastAPI) -> None:
    visible.install(app)
    from ...accounts.audit import action_label

    app.state.templates.env.globals.update(entry_links=entry_links, history_label=action_label)
    app.add_api_route("/programmas/{pid}/rapporteren", report_page, methods=["GET"])
    app.add_api_route("/programmas/{pid}/rapporteren", post_report, methods=["POST"])
    app.add_api_route("/programmas/{pid}/vaststellen", queue_page, methods=["GET"])
    app.add_api_route("/programmas/{pid}/meldingen/{eid}", entry_page, methods=["GET"])
    app.add_api_route("/programmas/{pid}/meldingen/{eid}/vaststelling", post_decision, methods=["POST"])
    register_api(v1, app.state.site)


__all__ = ["NAV", "SignInRequired", "register"]
