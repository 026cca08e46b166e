"""The audit trail: every change (who, when, what, before → after, why) in an append-only log.

Writers call :func:`record` inside the same transaction as the change itself, so a change and its log line
are stored together or not at all. There is no function to alter or remove a line.
"""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, insert, select
from sqlalchemy.engine import Connection

from .tables import audit_log

#: fields never written to the log (secrets)
SECRET_FIELDS = frozenset({"password_hash", "password", "token", "token_hash"})


#: what an action means, in Dutch (for the history pages and the CLI)
ACTION_LABELS = {
    "account.add": "account gemaakt",
    "account.disable": "account uitgeschakeld",
    "account.enable": "account weer aangezet",
    "account.reset": "nieuw wachtwoord ingesteld",
    "account.role": "rol gewijzigd",
    "account.lock": "account tijdelijk geblokkeerd",
    "token.add": "API-token gemaakt",
    "token.revoke": "API-token ingetrokken",
    "evaluation.save": "evaluatie bewaard",
    "scenario.save": "scenario bewaard",
    "scenario.adopt": "scenario overgenomen als plan",
    "scenario.remove": "scenario verwijderd",
    "participation.round": "inspraakronde gemaakt",
    "participation.submit": "reactie van een inwoner ontvangen",
    "participation.moderate": "reactie van een inwoner beoordeeld",
    "programme.intervention": "interventie bewerkt",
    "programme.budget.add": "begrotingsregel toegevoegd",
    "programme.budget.edit": "begrotingsregel bewerkt",
    "programme.budget.remove": "begrotingsregel verwijderd",
    "programme.excel": "programma vervangen vanuit Excel",
    "programme.import": "programma opnieuw ingelezen uit een bestand",
    "programme.scenario": "scenario overgenomen in het programma",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def cli_actor() -> str:
    """The actor of a command on the server: ``cli:<operating-system user>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # pragma: no cover - no user name in the environment
        return "cli"


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if k not in SECRET_FIELDS}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(_scrub(value), ensure_ascii=False, sort_keys=True, default=str)


def record(conn: Connection, actor: str, action: str, object_kind: str, object_id: str,
           before: Any = None, after: Any = None, reason: str | None = None) -> None:
    """Append one line to the log, in the caller's transaction."""
    conn.execute(insert(audit_log).values(at=now(), actor=actor, action=action, object_kind=object_kind,
                                          object_id=str(object_id), before=_dump(before), after=_dump(after),
                                          reason=reason))


def _row(r) -> dict:
    m = r._mapping
    return {"id": m["id"], "at": m["at"], "actor": m["actor"], "action": m["action"],
            "object_kind": m["object_kind"], "object_id": m["object_id"],
            "before": json.loads(m["before"]) if m["before"] else None,
            "after": json.loads(m["after"]) if m["after"] else None, "reason": m["reason"]}


def history(engine, object_kind: str, object_id: str) -> list[dict]:
    """The log lines of one object, oldest first."""
    q = (select(audit_log).where(and_(audit_log.c.object_kind == object_kind, audit_log.c.object_id == str(object_id)))
         .order_by(audit_log.c.id))
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(q)]


def entries(engine, since: str | None = None, object_kind: str | None = None) -> list[dict]:
    """Every log line (optionally from a date, or of one kind of object), oldest first."""
    q = select(audit_log).order_by(audit_log.c.id)
    if since:
        q = q.where(audit_log.c.at >= since)
    if object_kind:
        q = q.where(audit_log.c.object_kind == object_kind)
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(q)]


EXPORT_COLUMNS = ["id", "at", "actor", "action", "object_kind", "object_id", "before", "after", "reason"]


def export_rows(rows: list[dict]) -> list[dict]:
    """Log lines flattened for CSV: before/after as JSON text."""
    return [{**r, "before": _dump(r["before"]) or "", "after": _dump(r["after"]) or ""} for r in rows]
