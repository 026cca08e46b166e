"""History ("geschiedenis") of a programme and of one intervention: who changed what when (field, before → after)
and why, from the audit trail; readable by the roles with ``read_history``; as CSV (also Dutch Excel CSV) and
through ``/v1``. Only the programme's own lines are shown here (its interventions, budget lines, Excel uploads and
file imports); imports of data and evaluations have their own logs."""

from __future__ import annotations

from fastapi import FastAPI, Request
from sqlalchemy import and_, or_, select

from ...accounts import audit
from ...accounts.policy import Target
from ...accounts.tables import audit_log
from ...programme import editing as ed
from ..accounts.guard import require
from ..app import NotFound, lang_of, respond
from .editing import intervention_target

CSV = ["at", "actor", "action", "object", "field", "before", "after", "reason"]
#: the programme's actions in English (the audit trail keeps Dutch labels)
ACTIONS_EN = {"programme.intervention": "intervention edited", "programme.budget.add": "budget line added",
              "programme.budget.edit": "budget line edited", "programme.budget.remove": "budget line removed",
              "programme.excel": "programme replaced from Excel", "programme.import": "programme loaded again from a file",
              "programme.scenario": "scenario adopted into the programme"}


def lines_of(engine, pid: str, iid: str | None) -> list[dict]:
    log = audit_log
    if iid is not None:
        cond = and_(log.c.object_kind == "intervention", log.c.object_id == f"{pid}/{iid}")
    else:
        cond = or_(and_(log.c.object_kind == "programme", log.c.object_id == pid),
                   and_(log.c.object_kind == "intervention", log.c.object_id.like(f"{pid}/%")))
    with engine.connect() as conn:
        rows = conn.execute(select(log).where(cond).order_by(log.c.id.desc())).all()
    return [audit._row(r) for r in rows]


def entries(engine, programme, iid: str | None, lang: str = "nl") -> list[dict]:
    """Newest first: one entry per save, with its field-by-field changes."""
    names = {i.id: i.name for i in programme.interventions}
    values = ed.value_names(programme)
    out = []
    for r in lines_of(engine, programme.id, iid):
        obj = programme.name
        if r["object_kind"] == "intervention":
            own = r["object_id"].split("/", 1)[1]
            obj = names.get(own, own)
        elif isinstance(r["after"] or r["before"], dict) and (r["after"] or r["before"]).get("label"):
            obj = f"{programme.name}: {(r['after'] or r['before'])['label']}"
        rows = ed.changes(r["before"], r["after"], values, lang) if r["action"] != "programme.excel" else [
            {"field": k, "label": k, "before": str((r["before"] or {}).get(k, "—")),
             "after": str((r["after"] or {}).get(k, "—"))} for k in sorted(set(r["before"] or {}) | set(r["after"] or {}))]
        out.append({"at": r["at"], "actor": r["actor"], "action": r["action"],
                    "action_label": ACTIONS_EN.get(r["action"], audit.action_label(r["action"])) if lang == "en"
                    else audit.action_label(r["action"]), "object": obj, "reason": r["reason"] or "",
                    "changes": rows})
    return out


def records(items: list[dict]) -> list[dict]:
    """One CSV row per changed field."""
    out = []
    for e in items:
        for c in e["changes"] or [{"label": "", "before": "", "after": ""}]:
            out.append({"at": e["at"], "actor": e["actor"], "action": e["action_label"], "object": e["object"],
                        "field": c["label"], "before": c["before"], "after": c["after"], "reason": e["reason"]})
    return out


def _programme(request: Request, pid: str):
    from .editing import current_programme

    return current_programme(request, pid)[1]


def programme_history(request: Request, pid: str):
    programme = _programme(request, pid)
    require(request, "read_history", Target(programme=pid))
    items = entries(request.app.state.monitor.store.engine, programme, None, lang_of(request))
    view = {"programme": {"id": programme.id, "name": programme.name}, "intervention": None, "entries": items}
    return respond(request, "programme_history.html", view, records(items), CSV, f"geschiedenis-{pid}")


def intervention_history(request: Request, pid: str, iid: str):
    programme = _programme(request, pid)
    item = programme.intervention(iid)
    if item is None:
        raise NotFound("interventie", f"De interventie '{iid}' bestaat niet in '{pid}'.", f"/programmas/{pid}")
    require(request, "read_history", intervention_target(programme, item))
    items = entries(request.app.state.monitor.store.engine, programme, iid, lang_of(request))
    view = {"programme": {"id": programme.id, "name": programme.name},
            "intervention": {"id": item.id, "name": item.name}, "entries": items}
    return respond(request, "programme_history.html", view, records(items), CSV, f"geschiedenis-{pid}-{iid}")


def register_api(v1: FastAPI, site) -> None:
    from ...programme.repository import available_ids
    from ..api import ok, problem

    def load(request: Request, pid: str):
        if pid not in available_ids():
            return None
        return ed.current(pid, site.monitor.store)[1]

    @v1.get("/programmas/{pid}/geschiedenis", summary="Wie wijzigde wat in een programma, wanneer en waarom "
            "(token van een account dat de geschiedenis mag lezen)")
    def geschiedenis(request: Request, pid: str):
        programme = load(request, pid)
        if programme is None:
            return problem(404, "Niet gevonden", f"Het programma '{pid}' bestaat niet.", request.url.path)
        require(request, "read_history", Target(programme=pid))
        items = entries(site.monitor.store.engine, programme, None)
        return ok({"programma": pid, "wijzigingen": items, "totaal": len(items)})

    @v1.get("/programmas/{pid}/interventies/{iid}/geschiedenis", summary="Wie wijzigde wat in een interventie")
    def interventie_geschiedenis(request: Request, pid: str, iid: str):
        programme = load(request, pid)
        item = programme.intervention(iid) if programme else None
        if item is None:
            return problem(404, "Niet gevonden", f"De interventie '{iid}' bestaat niet in '{pid}'.", request.url.path)
        require(request, "read_history", intervention_target(programme, item))
        items = entries(site.monitor.store.engine, programme, iid)
        return ok({"programma": pid, "interventie": iid, "wijzigingen": items, "totaal": len(items)})


def register(app: FastAPI, v1: FastAPI) -> None:
    app.add_api_route("/programmas/{pid}/geschiedenis", programme_history, methods=["GET"])
    app.add_api_route("/programmas/{pid}/interventies/{iid}/geschiedenis", intervention_history, methods=["GET"])
    register_api(v1, app.state.site)
