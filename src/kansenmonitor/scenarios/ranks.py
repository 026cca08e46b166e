"""How an area's place in the urgency index would move if the expected change came true.

The index is the shipped ``urgentie`` definition (indices package), computed as on the index pages. For a
buurt or wijk its own place; for a stadsdeel, focus area or own set of buurten the places of its members,
with the same change added to each member (the measures' effect assumed spread evenly — said on the page).
The place is computed at the expected change and at both ends of its range.
"""

from __future__ import annotations

from ..core.model import Level, gemeente_of, level_of_code
from .model import Area
from .simulate import Summary

INDEX_ID = "urgentie"


def _t(lang: str, nl: str, en: str) -> str:
    return en if lang == "en" else nl


def _cached_inputs(monitor, definition, level: str, gemeente: str):
    from ..indices import load_inputs

    stamp = monitor.store.change_stamp()
    cache = monitor.__dict__.setdefault("_scenario_rank_inputs", {})
    key = (definition.id, level, gemeente, stamp)
    if key not in cache:
        cache.clear()
        cache[key] = load_inputs(monitor, definition, level=level, gemeente=gemeente)
    return cache[key]


def rank_moves(monitor, area: Area, indicator: str, change: Summary, lang: str = "nl") -> dict:
    from ..indices import IndexInputError, compute_index, load_definition

    try:
        definition = load_definition(INDEX_ID, catalogue=monitor.catalogue)
    except Exception:  # the index definition is shipped; a broken home override must not break the page
        return {"available": False, "reason": _t(lang, "De urgentie-index is niet beschikbaar.",
                                                 "The urgency index is not available.")}
    label = definition.label(lang)
    if indicator not in definition.indicator_ids:
        return {"available": False, "index": label, "reason": _t(
            lang, "Deze indicator telt niet mee in de urgentie-index; de plaats van het gebied verandert er niet door.",
            "This indicator does not count in the urgency index; the area's place does not change through it.")}
    if area.kind in (Level.BUURT.value, Level.WIJK.value):
        units, level = [area.code], area.kind
    else:
        units = list(area.members)
        levels = {level_of_code(u) for u in units}
        if len(levels) != 1 or next(iter(levels)) not in (Level.BUURT, Level.WIJK):
            return {"available": False, "index": label, "reason": _t(
                lang, "De leden van dit gebied zijn geen buurten of wijken van één soort; de urgentie-index gaat over "
                "buurten en wijken.", "The members of this area are not buurten or wijken of one kind.")}
        level = next(iter(levels)).value
    gm = gemeente_of(units[0])
    try:
        inputs = _cached_inputs(monitor, definition, level, gm)
    except IndexInputError as exc:
        return {"available": False, "index": label, "reason": str(exc)}
    if indicator not in inputs.values.columns:
        return {"available": False, "index": label, "reason": _t(
            lang, "De urgentie-index heeft voor deze indicator geen cijfers op dit niveau.",
            "The urgency index has no figures for this indicator at this level.")}
    before = compute_index(definition, inputs).scores
    n_ranked = int(before["rank"].notna().sum())
    shifted = {}
    for key, delta in (("after", change.mean), ("after_low", change.low), ("after_high", change.high)):
        values = inputs.values.copy()
        present = [u for u in units if u in values.index]
        values.loc[present, indicator] = values.loc[present, indicator] + delta
        moved = type(inputs)(**{**inputs.__dict__, "values": values})
        shifted[key] = compute_index(definition, moved).scores["rank"]
    rows = []
    for u in units:
        if u not in before.index:
            continue
        def rank(series, code=u):
            v = series.get(code)
            return None if v is None or v != v else int(v)
        rows.append({"code": u, "name": inputs.names.get(u, u), "before": rank(before["rank"]),
                     "after": rank(shifted["after"]), "after_low": rank(shifted["after_low"]),
                     "after_high": rank(shifted["after_high"])})
    note = None
    if len(units) > 1:
        note = _t(lang, "Voor een gebied van meerdere buurten of wijken is dezelfde verandering bij elk lid opgeteld: "
                  "aangenomen is dat het effect gelijk over het gebied verdeeld is.",
                  "For an area of several buurten or wijken the same change is added to each member: the effect is "
                  "assumed to be spread evenly over the area.")
    return {"available": True, "index": label, "index_id": definition.id, "level": level, "of": n_ranked,
            "gemeente": gm, "rows": rows, "note": note,
            "explanation": _t(lang, "Plaats 1 is de buurt of wijk met de meeste urgentie in de gemeente. Een hoger "
                              "nummer na de maatregelen betekent minder urgentie.",
                              "Place 1 is the most urgent buurt or wijk of the municipality. A higher number after "
                              "the measures means less urgency.")}
