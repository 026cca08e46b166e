"""The presentation of an area for a participation evening: one topic per screen, large type, works offline.

Every number comes from the functions the profile and the wijkprofiel use, never retyped: the key numbers are
:func:`.wijkprofiel.key_numbers` (the wijkprofiel definition's 8–12 indicators, against the gemeente, in plain
words) of the situation profile (:func:`kansenmonitor.web.situation.views.profile_view`); the scenarios are the
scenario service's own work-out (:func:`kansenmonitor.scenarios.service.show`); the frame of the conversation
is the wijkprofiel definition's. This module only divides them over screens.

The document model is plain data; :mod:`.render` turns it into one HTML file (``presentatie.html``).
"""

from __future__ import annotations

from ..core.errors import Issue, UnknownRegionError
from ..core.model import Level
from ..web import i18n
from ..web.service import Site
from ..web.situation import views as situation
from . import maps, wijkprofiel
from .definition import ReportDefinition, definitions

LEVELS = ("buurt", "wijk", "stadsdeel", "gebied")
#: at most this many key numbers on one screen (large type: four cards fit a laptop screen)
PER_SCREEN = 4


def _t(lang: str, nl: str, en: str) -> str:
    return en if lang == "en" else nl


def area_scenarios(monitor, code: str) -> list:
    """The saved scenarios of the area (its own code), oldest first."""
    from ..scenarios import repository

    return [s for s in repository.all_scenarios(monitor.store) if s.area.code == code]


def _groups(numbers: list[dict]) -> list[list[dict]]:
    """Key numbers on screens of at most :data:`PER_SCREEN`, in the definition's order, as even as possible
    (12 numbers: three screens of four; 10: four, three and three)."""
    if not numbers:
        return []
    count = -(-len(numbers) // PER_SCREEN)
    size, extra = divmod(len(numbers), count)
    out, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        out.append(numbers[start:end])
        start = end
    return out


def _theme_title(themes: list[str], lang: str) -> str:
    """"Inkomen, gezondheid en sociaal": the themes of a screen in one phrase."""
    words = [themes[0]] + [t.lower() for t in themes[1:]]
    joint = " en " if lang == "nl" else " and "
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + joint + words[-1]
    return text[:1].upper() + text[1:]


def _profile_definition(site: Site) -> ReportDefinition:
    defs = site.cached_view(("report-definitions",), lambda: definitions(site.monitor))
    return defs["wijkprofiel"]


def build(site: Site, code: str, lang: str = "nl") -> dict:
    """The presentation of one area as a list of screens (plain data; the template only formats it)."""
    try:
        region = site.region(code)
    except (UnknownRegionError, LookupError):
        raise wijkprofiel.UnknownAreaError([Issue(code, None, "gebied", f"gebied '{code}' staat niet in de database",
                                                  "kies een gebied op de pagina Gebieden")],
                                           "De presentatie is niet gemaakt.") from None
    if str(region.level) not in LEVELS:
        raise wijkprofiel.ReportInputError([Issue(code, None, "gebied", f"'{region.name}' is een "
                                                  f"{i18n.level(region.level, 'nl')}; een presentatie is voor een "
                                                  "buurt, wijk, stadsdeel of focusgebied",
                                                  "kies een gebied op een van die niveaus")],
                                           "De presentatie is niet gemaakt.")
    definition = _profile_definition(site)
    view = situation.profile_view(site, region, lang)
    if not any(r["value"] is not None for r in view["rows"]):
        raise wijkprofiel.NoDataError([Issue(code, None, "gebied", f"er zijn geen cijfers van '{region.name}' in de "
                                             "database", "kies een ander gebied")], "De presentatie is niet gemaakt.")
    numbers, _refs = wijkprofiel.key_numbers(view, definition, site, lang)
    numbers = [k for k in numbers if k["value"] is not None]
    periods = [k["period"] for k in numbers if k["period"]]
    gemeente = site.region(region.gemeente) if region.gemeente else None
    screens: list[dict] = []
    name = region.name
    screens.append({"kind": "opening", "title": name, "map": maps.area_map(site, region, gemeente, lang)})
    if view["summary"]:
        screens.append({"kind": "summary", "title": _t(lang, "In het kort", "In short"), "sentences": view["summary"]})
    for group in _groups(numbers):
        themes = list(dict.fromkeys(k["theme"] for k in group))
        screens.append({"kind": "numbers", "title": _theme_title(themes, lang), "numbers": group})
    from ..scenarios import service as scenario_service

    scenarios = []
    for s in area_scenarios(site.monitor, region.code):
        v = site.cached_view(("scenario", s.id, lang), lambda s=s: scenario_service.show(site.monitor, s.id, lang))
        if v is None:
            continue
        scenarios.append(v)
        screens.append({"kind": "scenario", "title": _t(lang, "Scenario", "Scenario") + f" ‘{v['name']}’",
                        "scenario": v})
        screens.append({"kind": "unknowns", "title": _t(lang, "Wat we niet weten over", "What we do not know about")
                        + f" ‘{v['name']}’", "scenario": v,
                        "lines": [t for o in v["outcomes"] for t in o["thin"]] + list(v["unknowns"])})
    if len(scenarios) > 1:
        screens.append({"kind": "compare", "title": _t(lang, "De scenario's naast elkaar", "The scenarios side by side"),
                        "scenarios": scenarios})
    said = wijkprofiel.residents_said(site, region, lang)
    if said:
        screens.append({"kind": "said", "title": _t(lang, "Wat bewoners eerder zeiden", "What residents said before"),
                        "narratives": said[:3], "more": max(0, len(said) - 3)})
    c = definition.conversation
    fixed, open_ = c.texts("fixed", lang), c.texts("open", lang)
    if fixed or open_:
        screens.append({"kind": "frame", "title": _t(lang, "Wat vastligt en waar u invloed op heeft",
                                                      "What is fixed and what you can influence"),
                        "fixed": fixed, "open": open_})
    questions = c.texts("questions", lang)
    if questions:
        screens.append({"kind": "questions", "title": _t(lang, "Vragen voor vanavond", "Questions for tonight"),
                        "questions": questions})
    sources = list(dict.fromkeys(k["source"] for k in numbers if k["source"]))
    screens.append({"kind": "sources", "title": _t(lang, "Waar de cijfers vandaan komen", "Where the figures come from"),
                    "sources": sources})
    for n, s in enumerate(screens, start=1):
        s["n"], s["anchor"] = n, f"scherm-{n}"
    return {
        "kind": "presentatie", "lang": lang, "title": _t(lang, "Presentatie", "Presentation") + f" {name}",
        "region": view["region"], "gemeente": view["gemeente"], "reference_name": view["reference_name"],
        "newest_period": max(periods) if periods else None, "screens": screens, "total": len(screens),
        "key_numbers": numbers, "scenarios": scenarios,
        "has_wijkprofiel": str(region.level) in definition.levels and region.level != Level.GEMEENTE,
    }
