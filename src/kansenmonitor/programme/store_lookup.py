"""Values of linked programme indicators from the observation store (a thin adapter).

``make_lookup(monitor)`` returns the ``lookup(indicator_id, region, year) -> float | None`` that
:func:`~kansenmonitor.programme.indicators.indicator_status` expects; ``store_series`` lists every year
the store holds for an indicator and region (for trajectories). Both read through
``Monitor.observations(public=True, ...)``, so disclosure control is applied: a withheld value is
``None`` (status ``suppressed``).

Choice between indelingen: the store may hold the same region and year in several indelingen
(boundary years), sometimes from different publications. Per year we take the value from the most
recent indeling that has one, so that a series comes from one publication as far as possible. The
adapter does no arithmetic on the values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core.model import number_or_none as _value
from .model import Figure, ProgrammeIndicator

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kansenmonitor.monitor import Monitor

Lookup = Callable[[str, str, int], float | None]


@dataclass(frozen=True)
class StorePoint:
    """One year of a store series: ``value`` is ``None`` when missing or withheld (see ``status``)."""

    year: int
    value: float | None
    status: str
    boundary_year: int
    source_ref: str | None = None

    def as_dict(self) -> dict:
        return {"year": self.year, "value": self.value, "status": self.status,
                "boundary_year": self.boundary_year, "source_ref": self.source_ref}



class StoreValues:
    """Cached, disclosure-controlled series per (indicator, region) from one Monitor."""

    def __init__(self, monitor: Monitor):
        self.monitor = monitor
        self._cache: dict[tuple[str, str], list[StorePoint]] = {}

    def series(self, indicator_id: str, region: str) -> list[StorePoint]:
        """Every year the store holds for ``indicator_id`` in ``region``, oldest first."""
        key = (indicator_id, region)
        if key not in self._cache:
            self._cache[key] = self._read(indicator_id, region)
        return self._cache[key]

    def _read(self, indicator_id: str, region: str) -> list[StorePoint]:
        if indicator_id not in self.monitor.catalogue:
            return []
        obs = self.monitor.observations(public=True, regions=[region], indicators=[indicator_id])
        if obs.empty:
            return []
        points: list[StorePoint] = []
        for period, group in obs.groupby("period", sort=True):
            group = group.sort_values("boundary_year", ascending=False)
            with_value = group[group["value"].notna()]
            row = (with_value if not with_value.empty else group).iloc[0]
            source = row["source_ref"] if isinstance(row["source_ref"], str) else None
            points.append(StorePoint(year=int(period), value=_value(row["value"]), status=str(row["status"]),
                                     boundary_year=int(row["boundary_year"]), source_ref=source))
        return points

    def point(self, indicator_id: str, region: str, year: int) -> StorePoint | None:
        return next((p for p in self.series(indicator_id, region) if p.year == year), None)

    def value(self, indicator_id: str, region: str, year: int) -> float | None:
        """The value for exactly ``year``; ``None`` when missing or withheld."""
        p = self.point(indicator_id, region, year)
        return p.value if p is not None else None

    def latest(self, indicator_id: str, region: str, up_to: int | None = None) -> StorePoint | None:
        """The most recent year with a value (up to ``up_to``), or ``None``."""
        found = [p for p in self.series(indicator_id, region)
                 if p.value is not None and (up_to is None or p.year <= up_to)]
        return found[-1] if found else None


def make_lookup(monitor: Monitor) -> Lookup:
    """``lookup(indicator_id, region, year)`` for :func:`indicator_status`: exact year, ``None`` when
    missing or withheld by disclosure control."""
    return StoreValues(monitor).value


def store_series(
    monitor: Monitor | StoreValues, item: ProgrammeIndicator | Figure, region: str | None = None
) -> list[StorePoint]:
    """Years and values the store holds for a linked indicator or figure (``[]`` when not linked).

    ``region`` defaults to the item's own region (for an indicator also its baseline's region).
    """
    if not item.catalogue_id:
        return []
    if region is None:
        region = item.region
        if region is None and isinstance(item, ProgrammeIndicator) and item.baseline is not None:
            region = item.baseline.region
    if region is None:
        return []
    values = monitor if isinstance(monitor, StoreValues) else StoreValues(monitor)
    return values.series(item.catalogue_id, region)
