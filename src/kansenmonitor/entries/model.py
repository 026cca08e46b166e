"""Report entries ("meldingen") and their approval, as stored documents.

An entry is immutable once stored (kind :data:`ENTRY_KIND`); its approval or rejection is a document of its
own (kind :data:`APPROVAL_KIND`, id = the entry's id), inserted once, so two approvers at the same moment give
exactly one decision. An entry without an approval document is ``concept``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ENTRY_KIND = "report-entry"
APPROVAL_KIND = "report-approval"

# pages merge entries per request (never from a cache), so writing one need not drop the site's cached pages
from ..store.store import PER_REQUEST_KINDS  # noqa: E402

PER_REQUEST_KINDS.update({ENTRY_KIND, APPROVAL_KIND})

CONCEPT = "concept"
VASTGESTELD = "vastgesteld"
AFGEWEZEN = "afgewezen"
STATES = (CONCEPT, VASTGESTELD, AFGEWEZEN)
STATE_LABEL = {
    "nl": {CONCEPT: "concept", VASTGESTELD: "vastgesteld", AFGEWEZEN: "afgewezen"},
    "en": {CONCEPT: "draft", VASTGESTELD: "approved", AFGEWEZEN: "rejected"},
}

#: the kinds of entry, with their Dutch and English labels
KINDS: dict[str, tuple[str, str]] = {
    "uitgaven": ("Gerealiseerde uitgaven", "Realised spending"),
    "proces": ("Waarde van een procesindicator (bereik, deelnemers)", "Value of a process indicator"),
    "meting": ("Meting van een uitkomstindicator", "Measurement of an outcome indicator"),
    "verhaal": ("Verhaal of citaat", "Story or quote"),
    "besluit": ("Besluit (doorgaan, bijstellen, stoppen)", "Decision (continue, adjust, stop)"),
}


def kind_label(kind: str, lang: str = "nl") -> str:
    nl, en = KINDS.get(kind, (kind, kind))
    return en if lang == "en" else nl


@dataclass(frozen=True)
class Approval:
    entry: str
    state: str  # vastgesteld | afgewezen
    by: str
    at: str
    reason: str | None = None
    decision_id: str | None = None  # the decision log's id when a decision entry was vastgesteld

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, body: dict[str, Any]) -> Approval:
        return cls(**{k: body.get(k) for k in ("entry", "state", "by", "at", "reason", "decision_id")})


@dataclass(frozen=True)
class Entry:
    id: str
    programme: str
    intervention: str
    kind: str
    data: dict[str, Any]
    entered_by: str
    entered_at: str
    corrects: str | None = None  # the id of the vastgesteld entry this one corrects
    reason: str | None = None  # why (required for a correction)
    approval: Approval | None = field(default=None, compare=False)

    @property
    def state(self) -> str:
        return self.approval.state if self.approval else CONCEPT

    def to_dict(self) -> dict[str, Any]:
        body = asdict(self)
        body.pop("approval")
        return body

    @classmethod
    def from_dict(cls, body: dict[str, Any], approval: Approval | None = None) -> Entry:
        return cls(id=body["id"], programme=body["programme"], intervention=body["intervention"],
                   kind=body["kind"], data=dict(body.get("data") or {}), entered_by=body["entered_by"],
                   entered_at=body["entered_at"], corrects=body.get("corrects"), reason=body.get("reason"),
                   approval=approval)
