"""Validation of a programme: ids, references, years, places, percentages.

``validate_programme`` returns the list of issues; ``check_programme`` raises
:class:`~kansenmonitor.core.errors.DefinitionError` when there is at least one. Loading functions call
``check_programme`` before anything is returned or stored, so an invalid file is never loaded.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from kansenmonitor.core.errors import DefinitionError, Issue
from kansenmonitor.core.model import is_valid_cbs_code, is_valid_custom_code

from .model import Place, Programme


class _Checker:
    def __init__(self, programme: Programme, file: str):
        self.programme = programme
        self.file = file
        self.issues: list[Issue] = []

    def add(self, obj: object, field: str | None, message: str, hint: str | None = None) -> None:
        origin = getattr(obj, "origin", None)
        file, row = origin if origin else (self.file, None)
        self.issues.append(Issue(file=file, row=row, field=field, message=message, hint=hint))


def _ids(objs: Iterable[object], attr: str = "id") -> list[str]:
    return [getattr(o, attr) for o in objs]


def _place_ok(place: Place, known_regions: set[str] | None) -> tuple[bool, str]:
    if place.lat is not None or place.lon is not None:
        if place.lat is None or place.lon is None:
            return False, "een locatie heeft zowel lat als lon nodig"
        if not (-90 <= place.lat <= 90 and -180 <= place.lon <= 180):
            return False, f"coördinaten ({place.lat}, {place.lon}) liggen buiten het bereik van WGS84"
        if place.code is None:
            return True, ""
    if place.code is None:
        return False, f"plek '{place.name or '?'}' is geen bekend gebied en heeft geen coördinaten"
    if known_regions is not None:
        if place.code not in known_regions and place.code.upper().startswith("SCHOOL-"):
            return False, (f"school '{place.code.split('-', 1)[1]}' staat niet in het scholenregister; gebruik de "
                           "vestigingscode (BRIN + 2 cijfers) uit de lijst met scholen, als SCHOOL-<code>")
        if place.code not in known_regions:
            return False, f"gebied '{place.code}' is onbekend"
        return True, ""
    if not (is_valid_cbs_code(place.code) or is_valid_custom_code(place.code)):
        return False, f"'{place.code}' is geen geldige gebiedscode"
    return True, ""


def validate_programme(
    programme: Programme,
    file: str = "<programma>",
    known_indicators: set[str] | None = None,
    known_regions: set[str] | None = None,
) -> list[Issue]:
    """Check a programme. ``known_indicators``/``known_regions`` come from the catalogue/store.

    Indicators declared in the programme itself always count as known. When ``known_regions`` is
    ``None`` region codes are only checked for their form (CBS code or custom ``XX-NAME`` code).
    Focus areas with a custom code (``FG-…``) are declared by the programme itself and count as known
    even when the store does not hold them (yet); CBS codes must be in ``known_regions``.
    ``catalogue_id`` of indicators and figures is checked against ``known_indicators`` (the catalogue).
    """
    c = _Checker(programme, file)
    p = programme
    if known_regions is not None:
        known_regions = set(known_regions) | {a.code for a in p.focus_areas if is_valid_custom_code(a.code)}

    # duplicate ids -------------------------------------------------------------------------------
    collections = {
        "principles": p.principles,
        "uitgangspunten": p.uitgangspunten,
        "programme_lines": p.programme_lines,
        "ambitions": p.ambitions,
        "kansen": p.kansen,
        "interventions": p.interventions,
        "funding_sources": p.funding_sources,
        "budget_tables": p.budget_tables,
        "budget": p.budget,
        "indicators": p.indicators,
        "figures": p.figures,
        "narratives": p.narratives,
    }
    for objs in collections.values():
        seen: set[str] = set()
        for obj in objs:
            if obj.id in seen:
                c.add(obj, "id", f"dubbele id '{obj.id}'", "geef elk onderdeel een eigen id")
            seen.add(obj.id)
    seen_items: dict[str, str] = {}
    for kind, objs in (("programmalijn", p.programme_lines), ("ambitie", p.ambitions), ("kans", p.kansen),
                       ("interventie", p.interventions)):
        for obj in objs:
            if obj.id in seen_items and seen_items[obj.id] != kind:
                c.add(obj, "id", f"id '{obj.id}' wordt al gebruikt door een {seen_items[obj.id]}",
                      "ids van programmalijnen, ambities, kansen en interventies moeten samen uniek zijn")
            seen_items.setdefault(obj.id, kind)
    seen_focus: set[str] = set()
    for area in p.focus_areas:
        if area.code in seen_focus:
            c.add(area, "code", f"dubbel focusgebied '{area.code}'")
        seen_focus.add(area.code)
    for intervention in p.interventions:
        seen_a: set[str] = set()
        for a in intervention.assumptions:
            if a.id in seen_a:
                c.add(a, "id", f"dubbele id '{a.id}' bij de aannames van '{intervention.id}'")
            seen_a.add(a.id)

    principles = set(_ids(p.principles))
    uitgangspunten = set(_ids(p.uitgangspunten))
    lines = set(_ids(p.programme_lines))
    ambitions = set(_ids(p.ambitions))
    kansen = set(_ids(p.kansen))
    interventions = set(_ids(p.interventions))
    sources = set(_ids(p.funding_sources))
    tables = set(_ids(p.budget_tables))
    own_indicators = set(_ids(p.indicators))
    all_indicators = own_indicators | (known_indicators or set())

    def check_indicator(obj: object, field: str, ind: str | None) -> None:
        if ind is None:
            return
        if ind in own_indicators:
            return
        if known_indicators is None:
            c.add(obj, field, f"indicator '{ind}' is niet in dit programma gedeclareerd",
                  "declareer de indicator onder 'indicators' of valideer met de catalogus erbij")
        elif ind not in all_indicators:
            close = sorted(all_indicators)
            c.add(obj, field, f"indicator '{ind}' bestaat niet",
                  "bekende indicatoren: " + ", ".join(close[:10]) + (" …" if len(close) > 10 else ""))

    def check_region(obj: object, field: str, code: str | None) -> None:
        if code is None:
            return
        ok, message = _place_ok(Place(code=code), known_regions)
        if not ok:
            c.add(obj, field, message, "gebruik een CBS-code (GM0153, WK015303, BU01530301) of een eigen code "
                  "zoals FG-WESSELERBRINK")

    def check_places(obj: object, places: list[Place], field: str) -> None:
        for place in places:
            ok, message = _place_ok(place, known_regions)
            if not ok:
                c.add(place if place.origin else obj, field, message,
                      "geef een bekende gebiedscode (code) of coördinaten (lat en lon)")

    def check_years(obj: object, start: int | None, end: int | None) -> None:
        if start is not None and end is not None and end < start:
            c.add(obj, "end_year", f"eindjaar {end} ligt vóór beginjaar {start}")

    def check_percent(obj: object, field: str, unit: str | None, value: float | None) -> None:
        if value is None or unit is None:
            return
        if unit.strip() == "%" and not (0 <= value <= 100):
            c.add(obj, field, f"percentage {value} ligt niet tussen 0 en 100", "de eenheid is '%'")

    check_years(p, p.start_year, p.end_year)
    if p.default_table is not None and p.default_table not in tables:
        c.add(p, "default_table", f"tabel '{p.default_table}' bestaat niet in budget_tables")
    if p.lijn_target is not None:
        total = p.lijn_target.nulde + p.lijn_target.eerste + p.lijn_target.tweede
        if abs(total - 100) > 1e-6:
            c.add(p.lijn_target if p.lijn_target.origin else p, "lijn_target",
                  f"de streefverdeling telt op tot {total:g}%, niet tot 100%")

    for u in p.uitgangspunten:
        if u.principle_id is not None and u.principle_id not in principles:
            c.add(u, "principle_id", f"leidend principe '{u.principle_id}' bestaat niet")
    for area in p.focus_areas:
        check_region(area, "code", area.code)
    for a in p.ambitions:
        for uid in a.uitgangspunt_ids:
            if uid not in uitgangspunten:
                c.add(a, "uitgangspunt_ids", f"uitgangspunt '{uid}' bestaat niet")
        for lid in a.programme_line_ids:
            if lid not in lines:
                c.add(a, "programme_line_ids", f"programmalijn '{lid}' bestaat niet")
        if a.age_phase is not None and a.age_phase.months_to < a.age_phase.months_from:
            c.add(a.age_phase if a.age_phase.origin else a, "age_phase",
                  f"leeftijdsfase loopt van {a.age_phase.months_from} tot {a.age_phase.months_to} maanden: "
                  "het einde ligt vóór het begin")
    for k in p.kansen:
        if k.ambition_id is not None and k.ambition_id not in ambitions:
            c.add(k, "ambition_id", f"ambitie '{k.ambition_id}' bestaat niet")
    for i in p.interventions:
        if i.kans_id is not None and i.kans_id not in kansen:
            c.add(i, "kans_id", f"kans '{i.kans_id}' bestaat niet")
        if i.ambition_id is not None and i.ambition_id not in ambitions:
            c.add(i, "ambition_id", f"ambitie '{i.ambition_id}' bestaat niet")
        if i.programme_line_id is not None and i.programme_line_id not in lines:
            c.add(i, "programme_line_id", f"programmalijn '{i.programme_line_id}' bestaat niet")
        check_years(i, i.start_year, i.end_year)
        check_places(i, i.places, "places")
        for a in i.assumptions:
            check_indicator(a, "indicator_id", a.indicator_id)
    for t in p.budget_tables:
        if t.period_start is not None and t.period_end is not None and t.period_end < t.period_start:
            c.add(t, "period_end", f"eindjaar {t.period_end} ligt vóór beginjaar {t.period_start}")
    items = p.item_ids()
    for b in p.budget:
        if b.table not in tables:
            c.add(b, "table", f"begrotingstabel '{b.table}' bestaat niet", "declareer hem onder 'budget_tables'")
        if b.item is not None and b.item not in items:
            c.add(b, "item", f"onbekende interventie of onderdeel '{b.item}'",
                  "gebruik de id van een interventie, kans, ambitie of programmalijn, of laat leeg voor het "
                  "hele programma")
        if b.source is not None and b.source not in sources:
            c.add(b, "source", f"financieringsbron '{b.source}' bestaat niet",
                  "declareer hem onder 'funding_sources'")
        if b.amount is not None and b.amount < 0:
            c.add(b, "amount", f"negatief bedrag {b.amount}", "gebruik kind: coverage voor dekking")
    def check_catalogue_id(obj: object, cid: str | None) -> None:
        if cid is None or known_indicators is None or cid in known_indicators:
            return
        close = difflib.get_close_matches(cid, sorted(known_indicators), n=1)
        c.add(obj, "catalogue_id", f"indicator '{cid}' bestaat niet in de catalogus",
              f"bedoelt u '{close[0]}'?" if close else "zie 'kansenmonitor indicators' voor de bekende indicatoren")

    for ind in p.indicators:
        check_catalogue_id(ind, ind.catalogue_id)
        check_region(ind, "region", ind.region)
        for iid in ind.intervention_ids:
            if iid not in interventions:
                c.add(ind, "intervention_ids", f"interventie '{iid}' bestaat niet")
        for aid in ind.ambition_ids:
            if aid not in ambitions:
                c.add(ind, "ambition_ids", f"ambitie '{aid}' bestaat niet")
        if ind.baseline is not None:
            bl = ind.baseline
            try:
                base_year = bl.year
            except ValueError:
                c.add(bl if bl.origin else ind, "baseline.date", f"'{bl.date}' is geen datum",
                      "gebruik JJJJ-MM-DD of JJJJ")
                base_year = None
            if bl.published is not None and not _is_date(bl.published):
                c.add(bl if bl.origin else ind, "baseline.published", f"'{bl.published}' is geen datum",
                      "gebruik JJJJ-MM-DD, JJJJ-MM of JJJJ")
            if not bl.date and not bl.published:
                c.add(bl if bl.origin else ind, "baseline.date", "de 0-meting heeft geen datum",
                      "vul 'date' in (wanneer is gemeten) of, als de bron dat niet zegt, 'published' "
                      "(de datum van de bron)")
            check_percent(bl if bl.origin else ind, "baseline.value", ind.unit, bl.value)
            check_region(bl if bl.origin else ind, "baseline.region", bl.region)
            for t in ind.targets:
                if base_year is not None and t.year < base_year:
                    c.add(t if t.origin else ind, "year",
                          f"streefjaar {t.year} ligt vóór het jaar van de 0-meting ({base_year})",
                          "een streefwaarde hoort ná de 0-meting te liggen")
        for t in ind.targets:
            check_percent(t if t.origin else ind, "value", ind.unit, t.value)
        for m in ind.measurements:
            try:
                _ = m.year
            except ValueError:
                c.add(m if m.origin else ind, "date", f"'{m.date}' is geen datum", "gebruik JJJJ-MM-DD of JJJJ")
            check_percent(m if m.origin else ind, "value", ind.unit, m.value)
            check_region(m if m.origin else ind, "region", m.region)
    for f in p.figures:
        check_catalogue_id(f, f.catalogue_id)
        check_percent(f, "value", f.unit, f.value)
        check_percent(f, "value_high", f.unit, f.value_high)
        check_region(f, "region", f.region)
    for n in p.narratives:
        check_places(n, n.places, "places")
        for iid in n.intervention_ids:
            if iid not in interventions:
                c.add(n, "intervention_ids", f"interventie '{iid}' bestaat niet")
        for ind_id in n.indicator_ids:
            check_indicator(n, "indicator_ids", ind_id)
    return c.issues


def _is_date(text: str) -> bool:
    """``JJJJ``, ``JJJJ-MM`` or ``JJJJ-MM-DD``."""
    return re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(text).strip()) is not None


def check_programme(
    programme: Programme,
    file: str = "<programma>",
    known_indicators: set[str] | None = None,
    known_regions: set[str] | None = None,
) -> Programme:
    """Raise :class:`DefinitionError` listing every issue; return the programme when it is valid."""
    issues = validate_programme(programme, file, known_indicators, known_regions)
    if issues:
        raise DefinitionError(issues, f"Het programma in {file} is niet geldig; er is niets geladen.")
    return programme
