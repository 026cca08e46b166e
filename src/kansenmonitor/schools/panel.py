"""Schools as evaluation units: a panel of schools × years of one school indicator, from the store.

The frame has the same columns as :func:`kansenmonitor.panels.panel_frame` (unit, time, outcome,
treated_from, unit_name), so the evaluation methods take schools as they take buurten. Only publishable values
enter (disclosure control applies to evaluations too). A school code that ended (closed, or succeeded by
another code) keeps its own years: codes are never joined silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..core.errors import Issue
from ..panels import PANEL_COLUMNS, PanelBuildError
from . import repository as repo


def school_panel(monitor, indicator: str, treated: Mapping[str, int], gemeenten: Sequence[str] | None = None,
                 comparison: Sequence[str] | None = None, sectors: Sequence[str] = ("po",),
                 notes: list[str] | None = None) -> pd.DataFrame:
    """Long panel of ``indicator`` for the treated schools (code → first treated year) and comparison schools
    (by default every other school of the same sectors in the gemeenten of the treated schools).

    School files have gaps (no exams in 2020, locations that report in some years only). The methods need a
    balanced panel and drop every school that misses a year, so years in which fewer than half of the schools
    have a value are left out first, and said in ``notes``; otherwise one sparse year would drop nearly all
    comparison schools."""
    inds = repo.school_indicators()
    if indicator not in inds:
        raise PanelBuildError([Issue("<store>", None, "indicator", f"'{indicator}' is geen schoolindicator",
                                     f"kies uit {', '.join(sorted(inds))}")])
    if not treated:
        raise PanelBuildError([Issue("<store>", None, "treated", "er zijn geen behandelde scholen",
                                     "noem de scholen (vestigingscode) van de interventie")])
    reg = repo.register(monitor)
    unknown = [c for c in treated if c not in reg.index]
    if unknown:
        raise PanelBuildError([Issue("<store>", None, "treated",
                                     f"onbekende scholen: {', '.join(unknown)}",
                                     "gebruik de vestigingscode (BRIN + 2 cijfers), zie 'kansenmonitor schools list'")])
    gms = list(gemeenten) if gemeenten else sorted({reg.at[c, "gemeente"] for c in treated})
    pool = reg[reg["gemeente"].isin(gms) & reg["sector"].isin(list(sectors))]
    codes = set(pool.index) | set(treated)
    if comparison is not None:
        codes = set(comparison) | set(treated)
    obs = repo.observations(monitor, schools=sorted(codes), indicators=[indicator], public=True)
    if notes is not None:
        from ..panels import withheld_note

        note = withheld_note(obs, "school", {c: str(reg.at[c, "name"]) for c in codes if c in reg.index},
                             ("school", "scholen"), inds[indicator].min_count, "leerlingen")
        if note:
            notes.append(note)
    obs = obs[obs["value"].notna()]
    if obs.empty:
        raise PanelBuildError([Issue("<store>", None, "indicator", f"geen waarden van '{indicator}' voor deze scholen",
                                     "importeer het schoolbestand met deze indicator")])
    per_year = obs.groupby("period")["school"].nunique()
    n_schools = obs["school"].nunique()
    sparse = sorted(int(y) for y, n in per_year.items() if n < n_schools / 2)
    if sparse and len(sparse) < len(per_year):
        obs = obs[~obs["period"].astype(int).isin(sparse)]
        if notes is not None:
            notes.append(f"{_years(sparse)} {'telt' if len(sparse) == 1 else 'tellen'} niet mee: in "
                         f"{'dat jaar' if len(sparse) == 1 else 'die jaren'} heeft minder dan de helft van de "
                         f"{n_schools} scholen een waarde")
    frame = pd.DataFrame({
        "unit": obs["school"].to_numpy(),
        "time": obs["period"].astype(int).to_numpy(),
        "outcome": obs["value"].astype(float).to_numpy(),
        "treated_from": [treated.get(u, np.nan) for u in obs["school"]],
        "unit_name": [reg.at[u, "name"] if u in reg.index else u for u in obs["school"]],
    })[PANEL_COLUMNS]
    frame.attrs["indicator"] = indicator
    frame.attrs["unit_label"] = inds[indicator].unit
    frame.attrs["units"] = "scholen"
    return frame.sort_values(["unit", "time"]).reset_index(drop=True)


def _years(years: list[int]) -> str:
    return (", ".join(map(str, years[:-1])) + " en " + str(years[-1])) if len(years) > 1 else str(years[0])


def intervention_schools(intervention, monitor) -> list[str]:
    """The school codes among an intervention's places (``SCHOOL-<vestigingscode>`` or the bare code)."""
    return sorted(school_treatment(monitor, [p.code for p in getattr(intervention, "places", []) or [] if p.code],
                                   0, []))


def school_treatment(monitor, places: Sequence[str], start: int, notes: list[str]) -> dict[str, int]:
    """School code → first treated year for the places that are schools in the register; other places are
    named in ``notes`` (a buurt or wijk is not a school, and a school code the register lacks is said)."""
    from .profile import PLACE_PREFIX

    reg = repo.register(monitor)
    out: dict[str, int] = {}
    for raw in places:
        code = str(raw).strip().upper()
        bare = code[len(PLACE_PREFIX):] if code.startswith(PLACE_PREFIX) else code
        if bare in reg.index:
            out[bare] = start
        elif code.startswith(PLACE_PREFIX):
            notes.append(f"school {bare} staat niet in het scholenregister en telt niet mee")
        else:
            notes.append(f"{raw} is geen school en telt niet mee")
    return out
