"""One entry point for every kind of report: the document model of a definition for an area and a period."""

from __future__ import annotations

from ..core.errors import Issue
from ..web.service import Site
from . import voortgang, wijkprofiel
from .definition import ReportDefinition
from .wijkprofiel import ReportInputError


def build(site: Site, definition: ReportDefinition, area: str | None = None, period: int | None = None,
          lang: str = "nl") -> dict:
    """The document model (plain data) of ``definition``; the templates in ``templates/`` only format it."""
    doc = _build(site, definition, area, period, lang)
    doc["data_version"] = data_version(site)
    return doc


def _build(site: Site, definition: ReportDefinition, area: str | None, period: int | None, lang: str) -> dict:
    if definition.kind == "wijkprofiel":
        if area is None:
            raise ReportInputError([Issue(definition.file, None, "gebied", "een wijkprofiel is voor één buurt of wijk",
                                          "geef de code van het gebied, bijvoorbeeld --area BU01530603")],
                                   "Het rapport is niet gemaakt.")
        if period is not None:
            raise ReportInputError([Issue("--period", None, "period", "een wijkprofiel heeft altijd de nieuwste "
                                          "cijfers en geen verslagjaar", "laat --period weg")],
                                   "Het rapport is niet gemaakt.")
        return wijkprofiel.build(site, definition, area, lang)
    return voortgang.build(site, definition, period, area, lang)


def data_version(site: Site) -> str | None:
    """When the data in the store last changed (the newest import, saved document — a decision, an evaluation —
    or residents' input and its moderation), as an ISO timestamp: the date a file carries instead of the clock,
    so the same store gives the same file."""
    from ..participation.service import last_change

    store = site.monitor.store
    stamps = [str(i["imported_at"]) for i in store.imports() if i.get("imported_at")]
    documents_changed = store.last_document_change()
    if documents_changed:
        stamps.append(str(documents_changed))
    participation_changed = last_change(store)
    if participation_changed:
        stamps.append(participation_changed)
    # every stamp is UTC ISO 8601 ("2026-12-03T13:49:18+00:00"); a date alone is read as midnight UTC
    return max(stamps, key=_instant) if stamps else None


def _instant(stamp: str):
    from datetime import UTC, datetime

    when = datetime.fromisoformat(stamp)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def prepare(site: Site, definition: ReportDefinition, codes: list[str]) -> None:
    """Before a batch of reports: what every report of the batch needs, computed once for all of them (the
    profiles of all the areas and of their similar areas from one read of the store, one pass of disclosure
    control, the similarity model) instead of area by area."""
    if definition.kind != "wijkprofiel" or not codes:
        return
    regions = []
    for code in codes:
        try:
            regions.append(site.region(code))
        except LookupError:
            continue
    site.warm_up(regions=regions)


def areas_of(site: Site, definition: ReportDefinition, gemeente: str | None = None) -> list[dict]:
    """The areas a definition can be made for, grouped by level (for the web form)."""
    out = []
    gms = [g.code for g in site.detail_gemeenten()] if gemeente is None else [gemeente]
    if definition.areas:
        regions = []
        for code in definition.areas:
            try:
                regions.append(site.region(code))
            except LookupError:
                continue
        if regions:
            out.append({"level": "gebied", "regions": [{"code": r.code, "name": r.name} for r in regions]})
    for level in ("stadsdeel", "gebied", "wijk", "buurt"):
        if level not in definition.levels:
            continue
        regions = []
        for gm in gms:
            years = site.boundary_years(level, gm)
            found = site.regions_of(level, gm, years[-1]) if years else []
            regions.extend(r for r in found if r.code not in definition.areas)
        if regions:
            out.append({"level": level, "regions": [{"code": r.code, "name": r.name}
                                                    for r in sorted(regions, key=lambda r: r.code)]})
    return out
