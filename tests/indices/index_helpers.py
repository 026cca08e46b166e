"""Helpers for the index tests: small hand-made definitions and inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kansenmonitor.indices import IndexInputs
from kansenmonitor.indices.definition import parse_definition


def make_definition(themes: list[dict], **top) -> object:
    doc = {"id": "test", "version": "1", "levels": ["buurt"], "reference": "gemeente", "min_coverage": 0.65,
           "steps": {"imputation": "none", "outliers": "none", "normalisation": "zscore", "weights": "equal",
                     "within": "arithmetic", "across": "arithmetic"}, "themes": themes}
    doc.update(top)
    return parse_definition(doc, "test.yaml", catalogue=None)


def make_inputs(values: dict[str, list[float]], codes: list[str] | None = None, population=None) -> IndexInputs:
    n = len(next(iter(values.values())))
    codes = codes or [f"BU0153{i:04d}" for i in range(n)]
    frame = pd.DataFrame(values, index=pd.Index(codes, name="region"), dtype=float)
    pop = pd.Series(population if population is not None else np.full(n, 1000.0), index=codes, dtype=float)
    return IndexInputs(values=frame, groups=pd.Series("GM0153", index=codes), targets=list(codes), level="buurt",
                       boundary_year=2024, names={c: c for c in codes}, population=pop)
