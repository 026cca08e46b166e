"""Disclosure control: no published number may be small enough to identify people.

Every adapter (CLI, web, API, exports, reports) passes observations through :func:`apply` before
showing them. A value is withheld when the source suppressed it, or when the indicator declares a
minimum count and the count behind the value (its denominator, or for counts the value itself) is
below it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..core.model import Aggregation, Indicator, Status

WITHHELD_NOTE = "niet getoond: te weinig waarnemingen"


def apply(obs: pd.DataFrame, indicators: Mapping[str, Indicator], counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return a copy of ``obs`` in which values below the minimum count are withheld.

    ``counts`` (optional) is a frame of (region, boundary_year, period, denominator) to use where an
    observation has no denominator of its own, e.g. the number of inhabitants of the region (of the
    nearest period when the same period is not there).
    Withheld values get status ``suppressed`` and a ``disclosure`` note; numerator and
    denominator are withheld too.
    """
    if obs.empty:
        out = obs.copy()
        out["disclosure"] = pd.Series(dtype=object)
        return out
    out = obs.copy()
    min_counts = out["indicator"].map(lambda i: indicators[i].min_count if i in indicators else None)
    min_counts = pd.to_numeric(min_counts, errors="coerce")
    base = out["denominator"].astype(float) if "denominator" in out else pd.Series(np.nan, index=out.index)
    if counts is not None and not counts.empty:
        # the count of the same region and indeling in the nearest period (population changes slowly)
        c = counts.dropna(subset=["denominator"])[["region", "boundary_year", "period", "denominator"]].copy()
        c["period"] = c["period"].astype("int64")
        c["boundary_year"] = c["boundary_year"].astype("int64")
        left = out[["region", "boundary_year", "period"]].copy()
        left["period"] = left["period"].astype("int64")
        left["boundary_year"] = left["boundary_year"].astype("int64")
        left["_pos"] = range(len(left))
        merged = pd.merge_asof(left.sort_values("period"), c.sort_values("period").rename(
            columns={"denominator": "_count"}), on="period", by=["region", "boundary_year"], direction="nearest")
        fallback = merged.sort_values("_pos")["_count"].to_numpy()
        base = base.fillna(pd.Series(fallback, index=out.index))
    is_count = out["indicator"].map(
        lambda i: i in indicators and indicators[i].aggregation == Aggregation.SUM and indicators[i].min_count is not None
    ).astype(bool)
    base = base.where(~is_count, out["value"])
    too_small = min_counts.notna() & base.notna() & (base < min_counts)
    # without any count to check against, a value with a minimum count is withheld too
    unknown_base = min_counts.notna() & base.isna() & out["value"].notna()
    withhold = too_small | unknown_base
    out["disclosure"] = np.where(withhold, WITHHELD_NOTE, None)
    out.loc[withhold, ["value", "numerator", "denominator", "lower", "upper"]] = np.nan
    out.loc[withhold, "status"] = Status.SUPPRESSED.value
    return out


def is_publishable(value: float | None, status: str) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value)) and status in (
        Status.MEASURED.value,
        Status.ESTIMATED.value,
    )
