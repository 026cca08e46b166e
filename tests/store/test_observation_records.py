"""The rows written to the observations table: converted per column, they must equal the old cell-by-cell
conversion exactly (NaN and NA as None, numpy scalars as Python values, years as int)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kansenmonitor.store.store import OBSERVATION_COLUMNS, _clean, observation_records


def _cell_by_cell(frame: pd.DataFrame, import_id):
    df = frame.reindex(columns=OBSERVATION_COLUMNS)
    df = df.astype(object).where(pd.notna(df), None)
    records = df.to_dict("records")
    for rec in records:
        for k, v in rec.items():
            rec[k] = _clean(v)
        rec["boundary_year"] = int(rec["boundary_year"])
        rec["period"] = int(rec["period"])
        rec["import_id"] = import_id
    return records


def _same(a: list[dict], b: list[dict]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert x.keys() == y.keys()
        for k in x:
            assert type(x[k]) is type(y[k]), (k, x[k], y[k])
            assert x[k] == y[k], (k, x[k], y[k])


def test_per_column_conversion_equals_the_cell_by_cell_one():
    rng = np.random.default_rng(7)
    n = 500
    value = rng.normal(size=n)
    value[rng.random(n) < 0.2] = np.nan
    value[3] = np.inf
    frame = pd.DataFrame({
        "region": [f"BU{i:08d}" for i in range(n)],
        "boundary_year": np.full(n, 2024, dtype=np.int64),
        "indicator": "inwoners",
        "period": rng.integers(2015, 2025, n).astype(float),  # floats from a reader: written as int
        "value": value,
        "status": rng.choice(["measured", "suppressed", "estimated"], n),
        "numerator": pd.array(rng.integers(0, 50, n), dtype="Int64"),  # nullable ints with gaps
        "denominator": np.where(rng.random(n) < 0.5, np.nan, rng.integers(50, 500, n)),
        "source_ref": np.where(rng.random(n) < 0.3, None, "cbs:85984NED"),
    })
    frame.loc[rng.random(n) < 0.3, "numerator"] = pd.NA
    mixed = pd.Series([np.float64(1.5), "x", None, np.int64(4)] * (n // 4), dtype=object)
    frame["lower"] = mixed  # an object column of mixed numpy scalars and text
    _same(observation_records(frame, 12), _cell_by_cell(frame, 12))
    _same(observation_records(frame.iloc[:0], None), [])
    only_required = frame[["region", "boundary_year", "indicator", "period", "value", "status"]]
    _same(observation_records(only_required, None), _cell_by_cell(only_required, None))
