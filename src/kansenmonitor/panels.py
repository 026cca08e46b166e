"""Panels for effect evaluation, read from the store.

A panel is regions × years of one indicator, with for each region the first year it was treated
(empty for comparison regions). Treatment comes from an intervention's places and start year, or is
given directly. Observations published on older indelingen are mapped onto the newest indeling where the
code continues ('same' links); a region whose code did not continue keeps only its newest-indeling years.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from .core.errors import Issue, ValidationError
from .core.model import Level
from .monitor import Monitor

PANEL_COLUMNS = ["unit", "time", "outcome", "treated_from", "unit_name"]


class PanelBuildError(ValidationError):
    """A panel cannot be built from the store as asked; says what to change."""


def places_to_treatment(
    monitor: Monitor, codes: Sequence[str], start_year: int, level: str, skipped: list[str] | None = None
) -> dict[str, int]:
    """Treated regions at ``level`` for the places of an intervention.

    A place at the panel's level is treated itself; a custom area or a wijk treats its member buurten
    (for a buurt panel); a buurt place in a wijk panel treats its wijk. Places that are no region in the
    store (or a whole gemeente) are added to ``skipped`` with the reason.
    """
    level_enum = Level(level)
    treated: dict[str, int] = {}
    for code in codes:
        try:
            region = monitor.region(code)
        except LookupError:
            if skipped is not None:
                skipped.append(f"{code}: dit gebied is nog niet vastgelegd in de kansenmonitor; een beheerder kan het "
                               "toevoegen als eigen gebied")
            continue
        if region.level in (Level.GEMEENTE, Level.LAND):
            if skipped is not None:
                skipped.append(f"{code}: een hele gemeente heeft geen vergelijkingsgebieden binnen de gemeente")
            continue
        if region.level == level_enum:
            treated[region.code] = start_year
        elif region.members:
            for m in region.members:
                member = monitor.region(m, region.boundary_year)
                if member.level == level_enum:
                    treated[member.code] = start_year
                elif level_enum == Level.WIJK and member.parent:
                    treated[member.parent] = start_year
        elif region.level == Level.WIJK and level_enum == Level.BUURT:
            for child in monitor.regions(level="buurt", parent=region.code, boundary_year=region.boundary_year):
                treated[child.code] = start_year
        elif region.level == Level.BUURT and level_enum == Level.WIJK and region.parent:
            treated[region.parent] = start_year
    return treated


def panel_frame(
    monitor: Monitor,
    indicator: str,
    level: str,
    treated: Mapping[str, int],
    gemeenten: Sequence[str] | None = None,
    comparison: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A long panel frame (unit, time, outcome, treated_from, unit_name) from the store.

    ``treated`` maps region codes (newest indeling) to their first treated year. ``comparison``
    limits the comparison regions (e.g. the similar areas); by default all regions of ``level`` in
    ``gemeenten`` (or in the gemeenten of the treated regions) that are not treated.
    """
    ind = monitor.indicator(indicator)
    issues: list[Issue] = []
    if not treated:
        issues.append(Issue("<store>", None, "treated", "er zijn geen behandelde gebieden",
                            "geef de plaatsen van de interventie op als gebieden op dit niveau"))
        raise PanelBuildError(issues)
    years = monitor.store.boundary_years()
    newest = max(y for y in years if monitor.store.regions(level=level, boundary_year=y))
    regions = {r.code: r for r in monitor.regions(level=level, boundary_year=newest)}
    unknown = [c for c in treated if c not in regions]
    if unknown:
        issues.append(Issue("<store>", None, "treated",
                            f"onbekende gebieden op niveau {level} in de indeling {newest}: {', '.join(unknown)}"))
        raise PanelBuildError(issues)
    gms = list(gemeenten) if gemeenten else sorted({regions[c].gemeente for c in treated if regions[c].gemeente})
    pool = [r for r in regions.values() if r.gemeente in gms]
    if comparison is not None:
        allowed = set(comparison) | set(treated)
        pool = [r for r in pool if r.code in allowed]
    codes = [r.code for r in pool]
    # map older indelingen onto the newest where the code continues
    keys: list[tuple[str, int]] = []
    to_newest: dict[tuple[str, int], str] = {}
    for code in codes:
        for c, y in monitor.linked_codes(code, newest):
            keys.append((c, y))
            to_newest[(c, y)] = code
    # only publishable values enter a panel (disclosure control applies to evaluations too)
    obs = monitor.observations(public=True, indicators=[indicator], keys=keys)
    obs = obs[obs["value"].notna()]
    if obs.empty:
        raise PanelBuildError([Issue("<store>", None, "indicator",
                                     f"geen waarden van '{indicator}' voor deze gebieden",
                                     "kies een andere indicator of importeer de gegevens")])
    obs = obs.assign(unit=[to_newest[(c, int(y))] for c, y in zip(obs["region"], obs["boundary_year"], strict=True)])
    # one value per unit and year: prefer the newest indeling
    obs = obs.sort_values("boundary_year").groupby(["unit", "period"], as_index=False).last()
    frame = pd.DataFrame(
        {
            "unit": obs["unit"],
            "time": obs["period"].astype(int),
            "outcome": obs["value"].astype(float),
            "treated_from": [treated.get(u, np.nan) for u in obs["unit"]],
            "unit_name": [regions[u].name for u in obs["unit"]],
        }
    )
    frame.attrs["indicator"] = ind.id
    frame.attrs["unit_label"] = ind.unit
    return frame.sort_values(["unit", "time"]).reset_index(drop=True)


NOT_STARTED = ("idea", "planned")


def placebo_reason(item, start: int) -> dict | None:
    """Whether an evaluation of intervention ``item`` from ``start`` measures before the measure began: the
    intervention is still an idea or planned (so nothing can have worked yet), or ``start`` lies before its
    real start. Then the estimate is a placebo test, never an effect."""
    status = str(item.status.value) if item.status is not None else None
    real = item.start_year
    if status in NOT_STARTED and (real is None or start < real or real > date.today().year):
        return {"reason": "not_started", "status": status, "real_start": real}
    if real is not None and start < real:
        return {"reason": "before_start", "status": status, "real_start": real}
    return None


def placebo_text(placebo: dict, result: dict, start: int, lang: str) -> str:
    """The plain-language reading of a placebo estimate: a difference without the measure, not an effect."""
    est, lo, hi = result.get("estimate"), result.get("ci_low"), result.get("ci_high")
    from .analysis.evaluation.interpret import fmt_number

    n = lambda x: fmt_number(x, lang)  # noqa: E731
    p = result.get("p_value")
    if lo is not None and hi is not None:
        clear = lo > 0 or hi < 0
    else:  # permutation inference (few treated units) gives a p-value without an interval
        clear = p is not None and p < 0.05
    real = placebo.get("real_start")
    if lang == "en":
        why = ("This intervention has not started yet (status: " + ("idea" if placebo.get("status") == "idea"
               else "planned") + ")." if placebo["reason"] == "not_started" else
               f"This intervention started in {real}; you chose {start}.")
        text = (f"{why} So this is not an effect of the measure but a placebo test: we pretended the measure began "
                f"in {start}. The difference of {n(est)}")
        if lo is not None and hi is not None:
            text += f" (95% interval {n(lo)} to {n(hi)})"
        elif p is not None:
            text += f" (p = {n(p)})"
        text += " shows how far these areas already differ from the comparison without the measure. "
        text += ("That difference is clearly not zero: a later effect evaluation must allow for it, for example with "
                 "another comparison." if clear else "It cannot be told apart from zero: the comparison looks usable "
                 "for a later effect evaluation.")
        return text
    why = ("Deze interventie is nog niet begonnen (" + ("nog een idee" if placebo.get("status") == "idea" else
           "gepland") + ")." if placebo["reason"] == "not_started" else
           f"Deze interventie begon in {real}; u koos {start}.")
    text = (f"{why} Dit is dus geen effect van de maatregel, maar een placebotoets: we deden alsof de maatregel in "
            f"{start} begon. Het verschil van {n(est)}")
    if lo is not None and hi is not None:
        text += f" (95%-interval: {n(lo)} tot {n(hi)})"
    elif p is not None:
        text += f" (p = {n(p)})"
    text += " laat zien hoeveel deze gebieden zonder maatregel al afwijken van de vergelijking. "
    text += ("Dat verschil is duidelijk niet nul: een latere effectmeting moet daar rekening mee houden, "
             "bijvoorbeeld met een andere vergelijking." if clear else "Het is niet te onderscheiden van nul: de "
             "vergelijking lijkt bruikbaar voor een latere effectmeting.")
    return text


# -- own areas (stadsdelen, focus areas) as units --------------------------------------------------------------

#: the level name of an evaluation whose units are own areas, each as one whole
AREA_LEVEL = "gebied"


def withheld_note(obs: pd.DataFrame, unit_col: str, names: Mapping[str, str], what: tuple[str, str],
                  min_count: int | None = None, counted: str = "waarnemingen") -> str | None:
    """'3 scholen tellen niet (helemaal) mee: ...' for the units whose values of the outcome are withheld by
    disclosure control (``disclosure`` holds the reason), or None. ``what`` is (singular, plural); with
    ``min_count`` the reason 'too few observations' says the threshold ('minder dan 10 leerlingen')."""
    if obs.empty or "disclosure" not in obs:
        return None
    hidden = obs[obs["value"].isna() & obs["disclosure"].notna()]
    if hidden.empty:
        return None
    units = sorted(hidden[unit_col].unique())
    reasons = sorted({str(r).removeprefix("niet getoond: ") for r in hidden["disclosure"]})
    if min_count:
        reasons = [f"{r}: minder dan {min_count} {counted}" if r == "te weinig waarnemingen" else r for r in reasons]
    shown = ", ".join(names.get(u, u) for u in units[:5]) + (f" en {len(units) - 5} andere" if len(units) > 5 else "")
    one = len(units) == 1
    return (f"{len(units)} {what[0] if one else what[1]} {'telt' if one else 'tellen'} niet of niet elk jaar mee "
            f"({shown}): de cijfers voor deze uitkomst zijn afgeschermd ({'; '.join(reasons)}). "
            f"{'Die reeks wordt' if one else 'Die reeksen worden'} niet getoond en de jaren zonder cijfer tellen niet "
            "mee.")


def _covered_buurten(monitor: Monitor, region, year: int) -> set[str]:
    """The buurten (indeling ``year``) a wijk or an own area covers."""
    if region.level == Level.BUURT:
        return {region.code}
    if region.level == Level.WIJK:
        return {b.code for b in monitor.regions(level="buurt", parent=region.code, boundary_year=year)}
    out: set[str] = set()
    for m in region.members or []:
        try:
            member = monitor.region(m, region.boundary_year)
        except LookupError:
            continue
        out |= _covered_buurten(monitor, member, region.boundary_year)
    return out


def area_treatment(monitor: Monitor, places: Sequence[str], start_year: int, skipped: list[str]) -> dict[str, int]:
    """Own-area code → first treated year for the places that are own areas (stadsdeel, focus area); other places
    are named in ``skipped``."""
    out: dict[str, int] = {}
    for code in places:
        try:
            region = monitor.region(code)
        except LookupError:
            skipped.append(f"{code}: dit gebied is nog niet vastgelegd in de kansenmonitor")
            continue
        if region.level.is_custom:
            out[region.code] = start_year
        else:
            skipped.append(f"{region.name} ({code}) is geen eigen gebied of focusgebied en telt niet mee")
    return out


def area_panel(monitor: Monitor, indicator: str, treated: Mapping[str, int], gemeenten: Sequence[str] | None = None,
               notes: list[str] | None = None) -> pd.DataFrame:
    """Long panel with own areas as units: each treated own area as one whole (its figures as the store holds
    them, aggregated from its buurten under the same disclosure control), compared with the wijken and the other
    own areas of the gemeenten that share no buurt with a treated area.

    Wijken are the comparison because they are, like an own area, groups of buurten; a buurt that lies in a
    treated area must not be in the comparison. A count (an indicator that adds up) is refused: the count of an
    area of four buurten cannot be compared with that of one wijk; a share, mean or rate can."""
    from .core.model import Aggregation

    ind = monitor.indicator(indicator)
    if not treated:
        raise PanelBuildError([Issue("<store>", None, "treated", "er zijn geen eigen gebieden met de maatregel",
                                     "noem een eigen gebied of focusgebied als plaats van de interventie")])
    if ind.aggregation == Aggregation.SUM:
        raise PanelBuildError([Issue("<store>", None, "indicator",
                                     f"'{ind.label()}' is een aantal; het aantal van een eigen gebied is niet te "
                                     "vergelijken met dat van één wijk",
                                     "kies een percentage, gemiddelde of cijfer per inwoner, of kies niveau buurt")])
    years = monitor.store.boundary_years()
    newest = max(y for y in years if monitor.store.regions(level="buurt", boundary_year=y))
    areas = {c: monitor.region(c) for c in treated}
    gms = list(gemeenten) if gemeenten else sorted({a.gemeente for a in areas.values() if a.gemeente})
    taken: set[str] = set()
    for a in areas.values():
        taken |= _covered_buurten(monitor, a, newest)
    pool: dict[str, object] = dict(areas)
    for level in ("wijk", "stadsdeel", "gebied"):
        for r in monitor.regions(level=level, boundary_year=newest):
            if r.code in pool or r.gemeente not in gms:
                continue
            if not (_covered_buurten(monitor, r, newest) & taken):
                pool[r.code] = r
    keys: list[tuple[str, int]] = []
    to_unit: dict[tuple[str, int], str] = {}
    for code in pool:
        for c, y in monitor.linked_codes(code, newest):
            keys.append((c, y))
            to_unit[(c, y)] = code
    raw = monitor.observations(public=True, indicators=[indicator], keys=keys)
    names = {c: r.name for c, r in pool.items()}
    if not raw.empty:
        raw = raw.assign(unit=[to_unit[(c, int(y))] for c, y in zip(raw["region"], raw["boundary_year"], strict=True)])
        note = withheld_note(raw, "unit", names, ("gebied", "gebieden"), ind.min_count)
        if note and notes is not None:
            notes.append(note)
    obs = raw[raw["value"].notna()] if not raw.empty else raw
    if obs.empty or not set(obs["unit"]) & set(treated):
        raise PanelBuildError([Issue("<store>", None, "indicator",
                                     f"geen waarden van '{ind.label()}' voor {', '.join(a.name for a in areas.values())}",
                                     "kies een andere indicator; een eigen gebied heeft alleen cijfers die uit zijn "
                                     "buurten op te tellen zijn")])
    obs = obs.sort_values("boundary_year").groupby(["unit", "period"], as_index=False).last()
    frame = pd.DataFrame({
        "unit": obs["unit"],
        "time": obs["period"].astype(int),
        "outcome": obs["value"].astype(float),
        "treated_from": [treated.get(u, np.nan) for u in obs["unit"]],
        "unit_name": [names[u] for u in obs["unit"]],
    })[PANEL_COLUMNS]
    frame.attrs["indicator"] = ind.id
    frame.attrs["unit_label"] = ind.unit
    frame.attrs["units"] = "gebieden"
    return frame.sort_values(["unit", "time"]).reset_index(drop=True)
