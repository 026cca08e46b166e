"""The programme as published: the programme file with its vastgesteld report entries merged in.

:func:`apply` adds measurements (process and outcome indicators), realised spending (budget lines in the
table :data:`~.validate.REALISED_TABLE`, a budget table that is never added to the plan) and narratives. A
vastgesteld entry that a later vastgesteld correction replaces is left out; the correction counts. With
``include_concepts`` (for signed-in roles that may read internal figures) concept entries are added too, each
marked "concept". Rejected entries never count. Narratives keep their consent and anonymity settings, so the
rules of :mod:`kansenmonitor.programme.narratives` apply to them: without consent they are never shown.
Decisions are not merged here: a vastgesteld decision is in the decision log.
"""

from __future__ import annotations

import copy

from ..programme.model import (
    BudgetKind,
    BudgetLine,
    Measurement,
    Narrative,
    NarrativeSourceType,
    Programme,
)
from .model import CONCEPT, VASTGESTELD, Entry
from .service import entries
from .validate import REALISED_TABLE, realised_table

CONCEPT_NOTE = "concept: nog niet vastgesteld"


def counted(all_entries: list[Entry], include_concepts: bool = False) -> list[Entry]:
    """The entries that count: vastgesteld ones not replaced by a vastgesteld correction (and, with
    ``include_concepts``, the concepts)."""
    replaced = {e.corrects for e in all_entries if e.corrects and e.state == VASTGESTELD}
    out = []
    for e in all_entries:
        if e.state == VASTGESTELD and e.id not in replaced:
            out.append(e)
        elif include_concepts and e.state == CONCEPT:
            out.append(e)
    return out


def _note(e: Entry) -> str:
    return f"melding {e.id}" + ("" if e.state == VASTGESTELD else f" ({CONCEPT_NOTE})")


def apply(programme: Programme, store, *, include_concepts: bool = False) -> Programme:
    """A copy of ``programme`` with the entries that count merged in (``programme`` itself is not changed)."""
    todo = [e for e in counted(entries(store, programme.id), include_concepts) if e.kind != "besluit"]
    if not todo:
        return programme
    p = copy.deepcopy(programme)
    indicators = {i.id: i for i in p.indicators}
    for e in todo:
        d = e.data
        if e.kind == "uitgaven":
            if REALISED_TABLE not in p.table_ids():
                p.budget_tables.append(realised_table())
            label = "gerealiseerd" + ("" if e.state == VASTGESTELD else " (concept)")
            p.budget.append(BudgetLine(id=f"melding-{e.id}", table=REALISED_TABLE, label=label,
                                       kind=BudgetKind.EXPENDITURE, year=d["year"], amount=d["amount"],
                                       item=e.intervention, source=d["source"], note=_note(e)))
        elif e.kind in ("proces", "meting"):
            ind = indicators.get(d["indicator"])
            if ind is None:  # the indicator left the programme file since: the entry no longer has a place
                continue
            ind.measurements.append(Measurement(date=d["date"], value=d["value"], region=d.get("region"),
                                                source=_note(e), note=_note(e)))
            ind.measurements.sort(key=lambda m: str(m.date))
        elif e.kind == "verhaal":
            p.narratives.append(Narrative(id=f"melding-{e.id}", source_type=NarrativeSourceType(d["source_type"]),
                                          text=d["text"], title=d.get("title"), date=d.get("date"),
                                          person=d.get("person"), consent=bool(d.get("consent")),
                                          anonymous=bool(d.get("anonymous", True)),
                                          intervention_ids=[e.intervention], source=_note(e), note=_note(e)))
    return p
