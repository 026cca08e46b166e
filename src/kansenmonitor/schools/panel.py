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
                 comparison: Sequence[str] | None = None, sectors: Sequence[str] = ("po",)) -> pd.DataFrame:
    """Long panel of ``indicator`` for the treated schools (code → first treated year) and comparison schools
    (by default every other school of the same sectors in the gemeenten of the treated schools)."""
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
    obs = obs[obs["value"].notna()]
    if obs.empty:
        raise PanelBuildError([Issue("<store>", None, "indicator", f"geen waarden van '{indicator}' voor deze scholen",
                                     "importeer het schoolbestand met deze indicator")])
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


def intervention_schools(intervention, monitor) -> list[str]:
    """The school codes among an intervention's places (a place whose ``code`` is a vestigingscode)."""
    reg = repo.register(monitor)
    out = []
    for p in getattr(intervention, "places", []) or []:
        code = (p.code or "").upper()
        if code in reg.index:
            out.append(code)
    return out
