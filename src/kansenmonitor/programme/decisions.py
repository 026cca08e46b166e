"""The decision log: per intervention, dated decisions (continue / adjust / stop) with the reasons on record.

A decision names what it rests on (saved evaluations, indicators, narratives) and who decided. Decisions
are never edited: a later decision supersedes an earlier one, and both stay on record. The log is kept
in the store (documents of kind ``decision``), so it is shared on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from ..core.errors import DefinitionError, Issue
from .model import Programme

KIND = "decision"
EVALUATION_KIND = "evaluation"


class DecisionKind(StrEnum):
    CONTINUE = "continue"
    ADJUST = "adjust"
    STOP = "stop"


DECISION_LABEL = {
    "nl": {"continue": "doorgaan", "adjust": "bijstellen", "stop": "stoppen"},
    "en": {"continue": "continue", "adjust": "adjust", "stop": "stop"},
}
#: Dutch words accepted on input.
DECISION_WORDS = {"doorgaan": "continue", "bijstellen": "adjust", "stoppen": "stop"}
EVIDENCE_KINDS = ("evaluation", "indicator", "narrative", "document")


class DocumentStore(Protocol):
    def get_document(self, kind: str, id: str) -> Any | None: ...

    def documents(self, kind: str) -> dict[str, Any]: ...

    def put_document(self, kind: str, id: str, body: Any) -> None: ...

    def add_document(self, kind: str, id: str, body: Any) -> bool: ...


@dataclass(frozen=True)
class Evidence:
    kind: str  # evaluation | indicator | narrative | document
    ref: str
    note: str | None = None


@dataclass(frozen=True)
class Decision:
    id: str
    programme: str
    intervention: str
    date: str  # ISO date
    decision: DecisionKind
    rationale: str
    decided_by: str
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    note: str | None = None
    recorded_at: str | None = None

    def to_dict(self, lang: str = "nl") -> dict[str, Any]:
        body = asdict(self)
        body["decision"] = self.decision.value
        body["decision_label"] = DECISION_LABEL.get(lang, DECISION_LABEL["nl"])[self.decision.value]
        body["evidence"] = [asdict(e) for e in self.evidence]
        return body

    @classmethod
    def from_dict(cls, body: dict[str, Any]) -> Decision:
        return cls(
            id=body["id"],
            programme=body["programme"],
            intervention=body["intervention"],
            date=body["date"],
            decision=DecisionKind(body["decision"]),
            rationale=body["rationale"],
            decided_by=body["decided_by"],
            evidence=tuple(Evidence(**e) for e in body.get("evidence", [])),
            note=body.get("note"),
            recorded_at=body.get("recorded_at"),
        )


def parse_evidence(text: str) -> Evidence:
    """``evaluation:ID`` / ``indicator:ID`` / ``narrative:ID`` / ``document:URL`` → :class:`Evidence`."""
    kind, _, ref = text.partition(":")
    return Evidence(kind.strip(), ref.strip())


def record_decision(
    store: DocumentStore,
    programme: Programme,
    intervention: str,
    decision: str,
    rationale: str,
    decided_by: str,
    on: str | None = None,
    evidence: list[Evidence] | None = None,
    note: str | None = None,
    known_indicators: set[str] | None = None,
) -> Decision:
    """Validate and record a decision. Nothing is recorded when something does not check out."""
    issues = check_decision(store, programme, intervention, decision, rationale, decided_by, on, evidence,
                            known_indicators)
    if issues:
        raise DefinitionError(issues, "Het besluit is niet vastgelegd.")
    word = DECISION_WORDS.get(decision.strip().lower(), decision.strip().lower())
    when = on or date.today().isoformat()
    return _append(store, programme, intervention, word, rationale, decided_by, when, evidence, note)


def check_decision(
    store: DocumentStore,
    programme: Programme,
    intervention: str,
    decision: str,
    rationale: str,
    decided_by: str,
    on: str | None = None,
    evidence: list[Evidence] | None = None,
    known_indicators: set[str] | None = None,
) -> list[Issue]:
    """The issues :func:`record_decision` would refuse a decision for (empty: it would be recorded)."""
    where = f"besluit over {intervention}"
    issues: list[Issue] = []
    if intervention not in {i.id for i in programme.interventions}:
        issues.append(Issue(where, None, "intervention",
                            f"interventie '{intervention}' bestaat niet in programma '{programme.id}'",
                            "zie 'kansenmonitor programme show " + programme.id + "'"))
    word = DECISION_WORDS.get(decision.strip().lower(), decision.strip().lower())
    if word not in {d.value for d in DecisionKind}:
        issues.append(Issue(where, None, "decision", f"'{decision}' is geen besluit",
                            "kies doorgaan, bijstellen of stoppen (continue, adjust, stop)"))
    if not rationale or not rationale.strip():
        issues.append(Issue(where, None, "rationale", "een besluit heeft een onderbouwing nodig",
                            "schrijf waarom: wat liet de evaluatie, de indicator of het verhaal zien?"))
    if not decided_by or not decided_by.strip():
        issues.append(Issue(where, None, "decided_by", "zeg wie besloot (persoon of gremium)"))
    when = on or date.today().isoformat()
    try:
        date.fromisoformat(when)
    except ValueError:
        issues.append(Issue(where, None, "date", f"'{when}' is geen datum", "gebruik JJJJ-MM-DD"))
    indicator_ids = {i.id for i in programme.indicators} | (known_indicators or set())
    narrative_ids = {n.id for n in programme.narratives}
    for ev in evidence or []:
        if ev.kind not in EVIDENCE_KINDS:
            issues.append(Issue(where, None, "evidence", f"onbekende soort bewijs '{ev.kind}'",
                                f"gebruik {', '.join(EVIDENCE_KINDS)}, bijv. evaluation:ID"))
        elif ev.kind == "evaluation" and store.get_document(EVALUATION_KIND, ev.ref) is None:
            issues.append(Issue(where, None, "evidence", f"evaluatie '{ev.ref}' is niet bewaard",
                                "bewaar de evaluatie eerst met 'kansenmonitor evaluate … --save ID'"))
        elif ev.kind == "indicator" and ev.ref not in indicator_ids:
            issues.append(Issue(where, None, "evidence", f"indicator '{ev.ref}' is onbekend"))
        elif ev.kind == "narrative" and ev.ref not in narrative_ids:
            issues.append(Issue(where, None, "evidence", f"verhaal '{ev.ref}' staat niet in het programma"))
        elif not ev.ref:
            issues.append(Issue(where, None, "evidence", "bewijs zonder verwijzing"))
    return issues


def _append(store: DocumentStore, programme: Programme, intervention: str, word: str, rationale: str,
            decided_by: str, when: str, evidence: list[Evidence] | None, note: str | None) -> Decision:
    where = f"besluit over {intervention}"
    prefix = f"{programme.id}/{intervention}/"
    taken = [d.id for d in decisions_for(store, programme.id, intervention)]
    seq = max((int(i.rsplit("/", 1)[1]) for i in taken if i.rsplit("/", 1)[1].isdigit()), default=0) + 1
    result = _decision(prefix, seq, programme, intervention, when, word, rationale, decided_by, evidence, note)
    # append atomically: the number is claimed by the insert itself, so two people deciding at the same
    # moment get consecutive numbers instead of one overwriting the other
    for _attempt in range(1000):
        if store.add_document(KIND, result.id, result.to_dict()):
            return result
        seq += 1
        result = _decision(prefix, seq, programme, intervention, when, word, rationale, decided_by, evidence, note)
    raise DefinitionError([Issue(where, None, "id", "het besluit kreeg geen vrij volgnummer",
                                 "probeer het opnieuw")], "Het besluit is niet vastgelegd.")


def _decision(prefix, seq, programme, intervention, when, word, rationale, decided_by, evidence, note) -> Decision:
    return Decision(
        id=f"{prefix}{seq:03d}",
        programme=programme.id,
        intervention=intervention,
        date=when,
        decision=DecisionKind(word),
        rationale=rationale.strip(),
        decided_by=decided_by.strip(),
        evidence=tuple(evidence or ()),
        note=note,
        recorded_at=date.today().isoformat(),
    )


def decisions_for(store: DocumentStore, programme: str, intervention: str | None = None) -> list[Decision]:
    """The decision log of a programme (or one intervention), oldest first."""
    out = []
    for body in store.documents(KIND).values():
        if body["programme"] != programme:
            continue
        if intervention is not None and body["intervention"] != intervention:
            continue
        out.append(Decision.from_dict(body))
    return sorted(out, key=lambda d: (d.date, d.id))


def current_decision(store: DocumentStore, programme: str, intervention: str) -> Decision | None:
    log = decisions_for(store, programme, intervention)
    return log[-1] if log else None
