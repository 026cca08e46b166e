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
