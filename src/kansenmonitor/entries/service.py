"""Storing report entries and deciding on them (vaststellen / afwijzen), each with its audit line.

:func:`create_entry` validates (:mod:`.validate`), then inserts the entry with a new number and its audit line in
one transaction; :func:`decide` inserts the approval once (a second approver at the same moment gets
:class:`AlreadyDecided`) and, for a decision entry that is vastgesteld, appends it to the decision log in the
same transaction. Who may do this is checked by the caller through the accounts policy; the rules that are
about the entry itself (not your own entry, only a concept, a correction names a vastgesteld entry and a
reason) are checked here.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, select

from ..accounts import audit
from ..core.errors import Issue, ValidationError
from ..programme import decisions as dec
from ..programme.model import Programme
from ..store import schema as s
from .model import AFGEWEZEN, APPROVAL_KIND, CONCEPT, ENTRY_KIND, VASTGESTELD, Approval, Entry
from .validate import WHERE, validate_entry

audit.ACTION_LABELS.update({
    "entry.add": "melding ingevoerd",
    "entry.approve": "melding vastgesteld",
    "entry.reject": "melding afgewezen",
})
AUDIT_KIND = "melding"


class AlreadyDecided(ValidationError):
    """Someone else approved or rejected the entry first (or it was never a concept)."""


class OwnEntry(ValidationError):
    """The one who entered cannot approve their own entry."""


def _fail(cls, field: str, message: str, hint: str | None = None, summary: str | None = None):
    raise cls([Issue(WHERE, None, field, message, hint)], summary or "Er is niets gewijzigd.")


def _clean(text: Any) -> str | None:
    return str(text).strip() or None if text is not None else None


# -- reading ----------------------------------------------------------------------------------------
def _approvals(store) -> dict[str, Approval]:
    return {k: Approval.from_dict(v) for k, v in store.documents(APPROVAL_KIND).items()}


def _all_entries(store) -> list[Entry]:
    """Every entry with its approval, oldest first; decoded once per version of the per-request documents and
    kept on the store object (the version is read first, so a list kept under a version is never older than it)."""
    version = store.per_request_version()
    kept = getattr(store, "_entries_kept", None)
    if version is not None and kept is not None and kept[0] == version:
        return kept[1]
    approvals = _approvals(store)
    out = sorted((Entry.from_dict(b, approvals.get(i)) for i, b in store.documents(ENTRY_KIND).items()),
                 key=lambda e: (e.entered_at, e.id))
    if version is not None:
        store._entries_kept = (version, out)
    return out


def entries(store, programme: str | None = None) -> list[Entry]:
    """Every entry (of one programme), oldest first, with its approval."""
    return [e for e in _all_entries(store) if programme is None or e.programme == programme]


def get_entry(store, entry_id: str) -> Entry | None:
    body = store.get_document(ENTRY_KIND, entry_id)
    if body is None:
        return None
    approval = store.get_document(APPROVAL_KIND, entry_id)
    return Entry.from_dict(body, Approval.from_dict(approval) if approval else None)


def corrections_of(store, entry_id: str) -> list[Entry]:
    return [e for e in entries(store) if e.corrects == entry_id]


# -- writing ----------------------------------------------------------------------------------------
#: the counter of entry numbers in the store's ``meta``
NUMBER_COUNTER = "entry_number"


def _highest_number(conn) -> int:
    """The highest entry number stored (read once, when the counter of entry numbers is made)."""
    ids = conn.execute(select(s.documents.c.id).where(s.documents.c.kind == ENTRY_KIND)).scalars()
    return max((int(i) for i in ids if i.isdigit()), default=0)


def _next_number(store) -> int:
    """A number for a new entry: the store's counter, claimed at once (two people saving at the same moment get
    two numbers without waiting for each other)."""
    return store.claim_number(NUMBER_COUNTER, lambda conn: _highest_number(conn) + 1)


def create_entry(store, programme: Programme, kind: str, intervention: str, form: dict[str, Any], actor: str,
                 corrects: str | None = None, reason: str | None = None,
                 known_regions: set[str] | None = None) -> Entry:
    """Validate and store a new concept entry; nothing is stored when something does not check out."""
    problems: list[Issue] = []
    corrects = _clean(corrects)
    reason = _clean(reason)
    if corrects is not None:
        old = get_entry(store, corrects)
        if old is None or old.programme != programme.id:
            problems.append(Issue(WHERE, None, "corrigeert", f"er is geen melding '{corrects}' in dit programma"))
        elif old.state != VASTGESTELD:
            problems.append(Issue(WHERE, None, "corrigeert", "alleen een vastgestelde melding kunt u corrigeren",
                                  "een concept kan de vaststeller afwijzen; voer daarna een nieuwe melding in"))
        elif old.kind != kind or old.intervention != intervention:
            problems.append(Issue(WHERE, None, "corrigeert", "een correctie is van dezelfde soort en interventie "
                                  "als de melding die zij corrigeert"))
        if reason is None:
            problems.append(Issue(WHERE, None, "reden", "zeg waarom u de vastgestelde melding corrigeert"))
    try:
        data = validate_entry(programme, kind, intervention, form, store, known_regions)
    except ValidationError as exc:
        raise ValidationError([*problems, *exc.issues], exc.summary) from None
    if problems:
        raise ValidationError(problems, "De melding is niet opgeslagen; verbeter de velden hieronder.")
    number = _next_number(store)
    at = audit.now()
    with store.transaction() as w:
        for _attempt in range(1000):  # a number already taken (an entry written around the counter): the next one
            entry = Entry(id=f"{number:05d}", programme=programme.id, intervention=intervention, kind=kind,
                          data=data, entered_by=actor, entered_at=at, corrects=corrects, reason=reason)
            if w.add_document(ENTRY_KIND, entry.id, entry.to_dict()):
                audit.record(w.conn, actor, "entry.add", AUDIT_KIND, entry.id, None, entry.to_dict(), reason)
                return entry
            number += 1
    _fail(ValidationError, "id", "de melding kreeg geen vrij nummer", "probeer het opnieuw")
    raise AssertionError("unreachable")


class _TransactionDocuments:
    """The decision log's document store, read and written inside the approval's transaction."""

    def __init__(self, writer):
        self.w = writer

    def get_document(self, kind: str, id: str) -> Any | None:
        body = self.w.conn.execute(select(s.documents.c.body).where(
            and_(s.documents.c.kind == kind, s.documents.c.id == id))).scalar()
        return json.loads(body) if body is not None else None

    def documents(self, kind: str) -> dict[str, Any]:
        rows = self.w.conn.execute(select(s.documents.c.id, s.documents.c.body)
                                   .where(s.documents.c.kind == kind)).all()
        return {r.id: json.loads(r.body) for r in rows}

    def put_document(self, kind: str, id: str, body: Any) -> None:
        self.w.put_document(kind, id, body)

    def add_document(self, kind: str, id: str, body: Any) -> bool:
        return self.w.add_document(kind, id, body)


def decide(store, programme: Programme, entry_id: str, state: str, actor: str, reason: str | None = None) -> Approval:
    """Set a concept entry ``vastgesteld`` or ``afgewezen`` (a rejection needs a reason). Raises
    :class:`OwnEntry` for your own entry and :class:`AlreadyDecided` when it is no longer a concept."""
    reason = _clean(reason)
    entry = get_entry(store, entry_id)
    if entry is None or entry.programme != programme.id:
        _fail(ValidationError, "melding", f"er is geen melding '{entry_id}' in dit programma")
    if state not in (VASTGESTELD, AFGEWEZEN):
        _fail(ValidationError, "besluit", f"'{state}' kan niet", "kies vaststellen of afwijzen")
    if entry.entered_by == actor:
        _fail(OwnEntry, "melding", "u kunt uw eigen melding niet vaststellen of afwijzen",
              "een tweede persoon met het recht om vast te stellen doet dat")
    if entry.state != CONCEPT:
        _fail(AlreadyDecided, "melding", f"deze melding is al {entry.state} door {entry.approval.by}",
              "vernieuw de pagina om de stand te zien")
    if state == AFGEWEZEN and reason is None:
        _fail(ValidationError, "reden", "zeg waarom u de melding afwijst",
              "de indiener ziet de reden en kan een nieuwe melding invoeren")
    approval = Approval(entry=entry.id, state=state, by=actor, at=audit.now(), reason=reason)
    with store.transaction() as w:
        if not w.add_document(APPROVAL_KIND, entry.id, approval.to_dict()):
            other = store.get_document(APPROVAL_KIND, entry.id) or {}
            _fail(AlreadyDecided, "melding", f"deze melding is net {other.get('state', 'beoordeeld')} door "
                  f"{other.get('by', 'een ander')}", "vernieuw de pagina om de stand te zien")
        if entry.kind == "besluit" and state == VASTGESTELD:
            d = entry.data
            decision = dec.record_decision(
                _TransactionDocuments(w), programme, entry.intervention, d["decision"], d["rationale"],
                d["decided_by"], d.get("date"), [dec.Evidence(**e) for e in d.get("evidence", [])],
                note=f"melding {entry.id}, vastgesteld door {actor}")
            approval = Approval(**{**approval.to_dict(), "decision_id": decision.id})
            w.put_document(APPROVAL_KIND, entry.id, approval.to_dict())  # same transaction: still inserted once
        audit.record(w.conn, actor, "entry.approve" if state == VASTGESTELD else "entry.reject", AUDIT_KIND,
                     entry.id, {"state": CONCEPT}, approval.to_dict(), reason)
    return approval


def history(store, entry_id: str) -> list[dict]:
    """The audit lines of an entry and of the entries that correct it, oldest first."""
    ids = [entry_id, *(e.id for e in corrections_of(store, entry_id))]
    lines = [line for i in ids for line in audit.history(store.engine, AUDIT_KIND, i)]
    return sorted(lines, key=lambda r: r["id"])
