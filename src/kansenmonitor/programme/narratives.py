"""Narrative evidence: stories, quotes and advice, shown only with consent.

A narrative without ``consent`` is never returned by :func:`visible_narratives` or
:func:`narrative_view`; an ``anonymous`` narrative is shown without the person.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .model import Narrative, NarrativeSourceType, Programme

SOURCE_TYPE_LABEL_NL = {
    NarrativeSourceType.BAS_ADVICE: "advies Bewonersadviescommissie (BAS)",
    NarrativeSourceType.YOUTH_COUNCIL: "advies jongerenberaad",
    NarrativeSourceType.INTERVIEW: "interview",
    NarrativeSourceType.NEIGHBOURHOOD_WALK: "buurtwandeling",
    NarrativeSourceType.QUOTE: "citaat",
    NarrativeSourceType.STORY: "verhaal",
    NarrativeSourceType.ADVICE: "advies",
}
ANONYMOUS_NL = "anoniem"


def visible_narratives(
    narratives: Programme | Iterable[Narrative],
    theme: str | None = None,
    place: str | None = None,
    intervention: str | None = None,
    indicator: str | None = None,
    source_type: NarrativeSourceType | str | None = None,
) -> list[Narrative]:
    """Narratives that may be shown (consent given), optionally filtered."""
    items = narratives.narratives if isinstance(narratives, Programme) else list(narratives)
    out = []
    for n in items:
        if not n.consent:
            continue
        if theme is not None and theme.lower() not in {t.lower() for t in n.themes}:
            continue
        if place is not None and place not in {p.code for p in n.places} | {p.name for p in n.places}:
            continue
        if intervention is not None and intervention not in n.intervention_ids:
            continue
        if indicator is not None and indicator not in n.indicator_ids:
            continue
        if source_type is not None and n.source_type != NarrativeSourceType(source_type):
            continue
        out.append(n)
    return out


def narrative_view(narrative: Narrative) -> dict[str, Any] | None:
    """What may be shown of one narrative: ``None`` without consent, no person when anonymous."""
    if not narrative.consent:
        return None
    return {
        "id": narrative.id,
        "date": narrative.date,
        "source_type": narrative.source_type.value,
        "source_type_nl": SOURCE_TYPE_LABEL_NL[narrative.source_type],
        "title": narrative.title,
        "text": narrative.text,
        "person": ANONYMOUS_NL if narrative.anonymous or not narrative.person else narrative.person,
        "places": [p.code or p.name for p in narrative.places],
        "themes": list(narrative.themes),
        "intervention_ids": list(narrative.intervention_ids),
        "indicator_ids": list(narrative.indicator_ids),
        "source": narrative.source,
        "source_location": narrative.source_location,
    }


def narrative_views(narratives: Programme | Iterable[Narrative], **filters: Any) -> list[dict[str, Any]]:
    """``narrative_view`` of every visible narrative (filters as in :func:`visible_narratives`)."""
    return [v for n in visible_narratives(narratives, **filters) if (v := narrative_view(n)) is not None]
