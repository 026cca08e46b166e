"""Programme indicators: status against the linear trajectory from the 0-meting to the target.

Rule (also in ``docs/programma.md``): the expected value in year *y* lies on the straight line
between the baseline (value, year) and the targets (value, year), piecewise when there are several
targets and flat after the last one. The latest measurement up to *y* is compared with the
expected value for its own year. With ``tolerance`` (default 10%) of the planned change as a
margin:

* better than expected by more than the margin → ``ahead``
* worse than expected by more than the margin → ``behind``
* otherwise → ``on_track``
* no baseline value, no target or no measurement after the baseline → ``no_data``

"Better" follows the polarity; for a neutral indicator it is the direction from baseline to target.

Values come from the programme's own measurements, or, for an indicator linked to a neighbourhood
statistic (``catalogue_id``), from the caller's ``lookup(indicator_id, region, year)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from kansenmonitor.core.model import Polarity

from .model import Programme, ProgrammeIndicator

Lookup = Callable[[str, str, int], float | None]


class IndicatorStatus(StrEnum):
    ON_TRACK = "on_track"
    BEHIND = "behind"
    AHEAD = "ahead"
    NO_DATA = "no_data"


STATUS_LABEL_NL = {
    IndicatorStatus.ON_TRACK: "op koers",
    IndicatorStatus.BEHIND: "achter",
    IndicatorStatus.AHEAD: "voor",
    IndicatorStatus.NO_DATA: "nog geen gegevens",
}


@dataclass(frozen=True)
class StatusResult:
    indicator_id: str
    status: IndicatorStatus
    year: int | None = None  # year of the measurement used
    value: float | None = None
    expected: float | None = None
    baseline: float | None = None
    baseline_year: int | None = None
    target: float | None = None
    target_year: int | None = None
    reason: str | None = None

    @property
    def label_nl(self) -> str:
        return STATUS_LABEL_NL[self.status]


def expected_value(points: list[tuple[int, float]], year: int) -> float:
    """Piecewise linear trajectory through ``(year, value)`` points; flat before/after them."""
    points = sorted(points)
    if year <= points[0][0]:
        return points[0][1]
    for (y0, v0), (y1, v1) in zip(points, points[1:], strict=False):
        if y0 <= year <= y1:
            if y1 == y0:
                return v1
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    return points[-1][1]


def _series(
    indicator: ProgrammeIndicator,
    lookup: Lookup | None,
    region: str | None,
    first_year: int,
    last_year: int,
) -> list[tuple[int, float]]:
    """(year, value) of all known measurements: own records plus values from ``lookup``."""
    values: dict[int, float] = {}
    for m in indicator.measurements:
        if m.value is not None:
            values[m.year] = float(m.value)
    if indicator.catalogue_id and lookup is not None and region:
        for year in range(first_year, last_year + 1):
            if year in values:
                continue
            v = lookup(indicator.catalogue_id, region, year)
            if v is not None:
                values[year] = float(v)
    return sorted(values.items())


def indicator_status(
    indicator: ProgrammeIndicator,
    year: int | None = None,
    lookup: Lookup | None = None,
    region: str | None = None,
    tolerance: float = 0.1,
) -> StatusResult:
    """Status of one indicator in ``year`` (default: its latest measurement)."""
    iid = indicator.id
    region = region or indicator.region or (indicator.baseline.region if indicator.baseline else None)
    bl = indicator.baseline
    if bl is None:
        return StatusResult(iid, IndicatorStatus.NO_DATA, reason="geen 0-meting")
    base_year = bl.year
    if base_year is None:  # the source names no year of measurement: no line can be drawn from it
        return StatusResult(iid, IndicatorStatus.NO_DATA, reason="0-meting zonder meetjaar")
    base_value = bl.value
    if base_value is None and indicator.catalogue_id and lookup is not None and region:
        base_value = lookup(indicator.catalogue_id, region, base_year)
    if base_value is None:
        return StatusResult(iid, IndicatorStatus.NO_DATA, baseline_year=base_year, reason="0-meting zonder waarde")
    if not indicator.targets:
        return StatusResult(iid, IndicatorStatus.NO_DATA, baseline=base_value, baseline_year=base_year,
                            reason="geen streefwaarde")
    targets = sorted(indicator.targets, key=lambda t: t.year)
    last_target = targets[-1]
    horizon = year if year is not None else max(last_target.year, base_year)
    series = [(y, v) for y, v in _series(indicator, lookup, region, base_year + 1, horizon)
              if base_year < y <= horizon]
    if not series:
        return StatusResult(iid, IndicatorStatus.NO_DATA, baseline=base_value, baseline_year=base_year,
                            target=last_target.value, target_year=last_target.year,
                            reason="nog geen meting na de 0-meting")
    m_year, m_value = series[-1]
    points = [(base_year, float(base_value))] + [(t.year, float(t.value)) for t in targets]
    expected = expected_value(points, m_year)
    next_target = next((t for t in targets if t.year >= m_year), last_target)
    planned_change = abs(next_target.value - base_value) or abs(base_value) or 1.0
    if indicator.polarity == Polarity.HIGHER_IS_BETTER:
        sign = 1.0
    elif indicator.polarity == Polarity.HIGHER_IS_WORSE:
        sign = -1.0
    else:
        sign = 1.0 if last_target.value >= base_value else -1.0
    deviation = (m_value - expected) * sign
    margin = tolerance * planned_change
    if deviation > margin:
        status = IndicatorStatus.AHEAD
    elif deviation < -margin:
        status = IndicatorStatus.BEHIND
    else:
        status = IndicatorStatus.ON_TRACK
    return StatusResult(iid, status, year=m_year, value=m_value, expected=expected, baseline=float(base_value),
                        baseline_year=base_year, target=next_target.value, target_year=next_target.year)


def indicator_overview(
    programme: Programme,
    year: int | None = None,
    lookup: Lookup | None = None,
    region: str | None = None,
    tolerance: float = 0.1,
) -> pd.DataFrame:
    """Status of every indicator of a programme as a DataFrame."""
    rows = []
    for ind in programme.indicators:
        r = indicator_status(ind, year=year, lookup=lookup, region=region, tolerance=tolerance)
        rows.append({
            "id": ind.id, "name": ind.name, "kind": ind.kind.value, "unit": ind.unit,
            "baseline": r.baseline, "baseline_year": r.baseline_year, "target": r.target,
            "target_year": r.target_year, "year": r.year, "value": r.value, "expected": r.expected,
            "status": r.status.value, "status_nl": r.label_nl, "reason": r.reason,
        })
    columns = ["id", "name", "kind", "unit", "baseline", "baseline_year", "target", "target_year", "year",
               "value", "expected", "status", "status_nl", "reason"]
    return pd.DataFrame(rows, columns=columns)
