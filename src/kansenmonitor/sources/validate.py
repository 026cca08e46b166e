"""Checks every import batch passes before it is written, whatever importer read it.

The importers check the form of a file (columns, codes, years, numbers). These checks are about the values and
about what the batch would do to the store, so they live in one place that :func:`apply_batch` calls:

* numbers are finite and plausible (no ``inf``, no 1e308), counts and percentages are not negative, a value is
  not above the indicator's maximum, an interval has its lower bound under its upper bound and holds its value;
* a rate given with its numerator and denominator agrees with them, and its denominator does not lift the area
  over the minimum count when the store holds a smaller count of the indicator's denominator for that area and
  year (an invented denominator would make a small buurt's figure visible);
* "missing" never overwrites a measured value, unless the user says so explicitly;
* a batch that brings regions the store does not know only creates them when the user asks for it: creating a
  region is an explicit act, never a side effect of an import.

Every problem names the file, the row (when the importer knows it) and the field, and says what to do.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..core.catalogue import Catalogue
from ..core.model import Aggregation, Indicator, Status
from ..store.store import Store
from .common import MAX_MAGNITUDE, ImportBatch, IssueCollector

NUMBER_FIELDS = ("value", "numerator", "denominator", "lower", "upper")
FIELD_NL = {"value": "waarde", "numerator": "teller", "denominator": "noemer", "lower": "ondergrens",
            "upper": "bovengrens"}


def lowest_allowed(ind: Indicator) -> float | None:
    """The smallest value an indicator can take: its declared ``min_value``, else 0 for every count, share,
    rate, distance and amount; scores and classes have no lower bound of their own."""
    if ind.min_value is not None:
        return ind.min_value
    unit = (ind.unit or "").lower()
    if unit.startswith(("score", "klasse", "index")) or ind.value_type == "category":
        return None
    return 0.0


def _where(obs: pd.DataFrame, i: int, col: str) -> tuple[object, str]:
    row = obs["_row"].iat[i] if "_row" in obs.columns else None
    field = obs["_field"].iat[i] if "_field" in obs.columns and col == "value" else None
    return row, (str(field) if field else col)


def _what(obs: pd.DataFrame, i: int) -> str:
    return f"{obs['region'].iat[i]} × {obs['indicator'].iat[i]} × {obs['period'].iat[i]}"


def check_values(batch: ImportBatch, catalogue: Catalogue, found: IssueCollector) -> None:
    obs = batch.observations
    nums = {c: pd.to_numeric(obs[c], errors="coerce").to_numpy(dtype=float) for c in NUMBER_FIELDS if c in obs}
    inds = [catalogue.indicators.get(str(i)) for i in obs["indicator"]]
    for col, x in nums.items():
        with np.errstate(invalid="ignore"):
            bad = np.isinf(x) | (np.abs(x) > MAX_MAGNITUDE)
        for i in np.flatnonzero(bad):
            row, field = _where(obs, i, col)
            found.add(row, field, f"{FIELD_NL[col]} {x[i]:g} bij {_what(obs, i)} is geen bruikbaar getal "
                      "(oneindig of onwaarschijnlijk groot)", "controleer de cel; een ontbrekend cijfer laat u leeg")
    lows = np.array([np.nan if ind is None or lowest_allowed(ind) is None else lowest_allowed(ind) for ind in inds],
                    dtype=float)
    highs = np.array([np.nan if ind is None or ind.max_value is None else ind.max_value for ind in inds], dtype=float)
    with np.errstate(invalid="ignore"):
        for col in ("value", "lower", "upper"):
            if col not in nums:
                continue
            x = nums[col]
            for i in np.flatnonzero(x < lows):
                row, field = _where(obs, i, col)
                found.add(row, field, f"{FIELD_NL[col]} {x[i]:g} bij {_what(obs, i)} is negatief; "
                          f"{inds[i].label()} kan niet kleiner zijn dan {lows[i]:g}",
                          "controleer het teken en de eenheid")
            for i in np.flatnonzero(x > highs + 1e-9):
                row, field = _where(obs, i, col)
                found.add(row, field, f"{FIELD_NL[col]} {x[i]:g} bij {_what(obs, i)} is groter dan het maximum "
                          f"{highs[i]:g} van {inds[i].label()}", "controleer de eenheid (procent of fractie?)")
        for col in ("numerator", "denominator"):
            if col in nums:
                for i in np.flatnonzero(nums[col] < 0):
                    row, _ = _where(obs, i, col)
                    found.add(row, col, f"{FIELD_NL[col]} {nums[col][i]:g} bij {_what(obs, i)} is negatief",
                              "een teller of noemer is een aantal en is 0 of meer")
        if "lower" in nums and "upper" in nums:
            lo, hi = nums["lower"], nums["upper"]
            for i in np.flatnonzero(lo > hi):
                row, _ = _where(obs, i, "lower")
                found.add(row, "lower", f"de ondergrens {lo[i]:g} bij {_what(obs, i)} ligt boven de bovengrens "
                          f"{hi[i]:g}", "verwissel de kolommen of controleer de cijfers")
            v = nums.get("value")
            if v is not None:
                tol = 1e-6 * np.maximum(1.0, np.abs(v))
                outside = (lo <= hi) & ((v < lo - tol) | (v > hi + tol))
                for i in np.flatnonzero(outside):
                    row, field = _where(obs, i, "value")
                    found.add(row, field, f"de waarde {v[i]:g} bij {_what(obs, i)} ligt buiten haar eigen interval "
                              f"{lo[i]:g} tot {hi[i]:g}", "controleer de waarde en de grenzen")
        if "numerator" in nums and "denominator" in nums:
            n, d = nums["numerator"], nums["denominator"]
            ratio = np.array([ind is not None and ind.aggregation == Aggregation.RATIO for ind in inds])
            share = np.array([ind is not None and ind.max_value is not None and ind.factor == ind.max_value
                              for ind in inds])
            for i in np.flatnonzero(ratio & share & (n > d)):
                row, _ = _where(obs, i, "numerator")
                found.add(row, "numerator", f"de teller {n[i]:g} bij {_what(obs, i)} is groter dan de noemer {d[i]:g}",
                          "een aandeel telt nooit meer dan het geheel")
            v = nums.get("value")
            if v is not None:
                factor = np.array([ind.factor if ind is not None else 1.0 for ind in inds], dtype=float)
                with np.errstate(divide="ignore"):
                    implied = n / d * factor
                # the published value is rounded to its decimals; allow that and 1 % besides
                tol = np.array([0.5 * 10.0 ** -(ind.decimals if ind is not None else 1) for ind in inds]) \
                    + 0.01 * np.abs(implied)
                off = ratio & (d > 0) & np.isfinite(v) & (np.abs(v - implied) > tol)
                for i in np.flatnonzero(off):
                    row, field = _where(obs, i, "value")
                    found.add(row, field, f"de waarde {v[i]:g} bij {_what(obs, i)} past niet bij teller {n[i]:g} en "
                              f"noemer {d[i]:g} (dat geeft {implied[i]:.{inds[i].decimals}f})",
                              "controleer de drie cijfers")


def _stored(store: Store, obs: pd.DataFrame, indicators: Iterable[str]) -> pd.DataFrame:
    """What the store holds for the batch's (region, indeling) pairs, these indicators and periods. Queried by
    region code (the primary key's first column, so an index lookup) and narrowed to the pairs here."""
    keys = set(zip(obs["region"].astype(str), obs["boundary_year"].astype(int), strict=True))
    wanted = sorted(set(indicators))
    if not keys or not wanted:
        return pd.DataFrame(columns=["region", "boundary_year", "indicator", "period", "value", "status"])
    codes = sorted({code for code, _ in keys})
    periods = sorted({int(p) for p in obs["period"]})
    frames = [store.observations(regions=codes[k:k + 900], indicators=wanted, periods=periods)
              for k in range(0, len(codes), 900)]
    out = pd.concat(frames, ignore_index=True)
    if out.empty:
        return out
    pair = pd.Series(list(zip(out["region"].astype(str), out["boundary_year"].astype(int), strict=True)))
    return out[pair.isin(keys).to_numpy()]


def check_denominators(batch: ImportBatch, catalogue: Catalogue, store: Store, found: IssueCollector) -> None:
    """A rate's own denominator may not lift an area over the indicator's minimum count when the store (or the same
    batch) holds a smaller count of the denominator indicator for that area and year, nor be more than twice it."""
    obs = batch.observations
    if "denominator" not in obs.columns:
        return
    den = pd.to_numeric(obs["denominator"], errors="coerce")
    den_of = obs["indicator"].astype(str).map(
        {k: i.denominator for k, i in catalogue.indicators.items() if i.denominator})
    sel = den.notna() & den_of.notna()
    if not sel.any():
        return
    ref = pd.concat([_stored(store, obs[sel], den_of[sel]),
                     obs[obs["indicator"].isin(set(den_of[sel]))]], ignore_index=True)
    ref = ref[ref["status"].isin([Status.MEASURED.value, Status.ESTIMATED.value])]
    if ref.empty:
        return
    ref = ref.assign(value=pd.to_numeric(ref["value"], errors="coerce"))
    known = {(str(r), int(b), str(i), int(p)): float(v) for r, b, i, p, v in
             zip(ref["region"], ref["boundary_year"], ref["indicator"], ref["period"], ref["value"], strict=True)
             if pd.notna(v)}
    for i in np.flatnonzero(sel.to_numpy()):
        key = (str(obs["region"].iat[i]), int(obs["boundary_year"].iat[i]), str(den_of.iat[i]), int(obs["period"].iat[i]))
        have = known.get(key)
        d = float(den.iat[i])
        min_count = catalogue[str(obs["indicator"].iat[i])].min_count
        # refused where it would lift an area over the minimum count, or where it is far off; an estimate over
        # PC4 areas that straddle a border may honestly count a little more than the area's own households
        if have is None:
            continue
        lifts = min_count is not None and have < min_count <= d
        if lifts or d > 2 * have + 10:
            row, _ = _where(obs, i, "denominator")
            label = catalogue[den_of.iat[i]].label()
            label = label[:1].lower() + label[1:]
            found.add(row, "denominator", f"de noemer {d:g} bij {_what(obs, i)} is groter dan {label} dat de "
                      f"kansenmonitor voor dit gebied en jaar kent ({have:g})",
                      "gebruik de echte noemer; een te grote noemer zou een klein gebied ten onrechte zichtbaar maken")


def check_missing_over_measured(batch: ImportBatch, store: Store, found: IssueCollector) -> None:
    """A row that says "missing" where the store has a measured or estimated value would erase it."""
    obs = batch.observations
    missing = obs[obs["status"] == Status.MISSING.value]
    if missing.empty:
        return
    stored = _stored(store, missing, missing["indicator"].astype(str))
    stored = stored[stored["status"].isin([Status.MEASURED.value, Status.ESTIMATED.value])]
    if stored.empty:
        return
    have = set(zip(stored["region"].astype(str), stored["boundary_year"].astype(int), stored["indicator"].astype(str),
                   stored["period"].astype(int), strict=True))
    hits = [i for i in range(len(missing)) if (str(missing["region"].iat[i]), int(missing["boundary_year"].iat[i]),
                                               str(missing["indicator"].iat[i]), int(missing["period"].iat[i])) in have]
    if not hits:
        return
    first = hits[0]
    row, field = _where(missing, first, "value")
    found.add(row, field, f"{len(hits)} lege cellen zouden gemeten cijfers in de kansenmonitor wissen "
              f"(de eerste: {_what(missing, first)})",
              "is het bestand afgebroken of onvolledig? Lees het volledige bestand in; wilt u de cijfers echt "
              "wissen, geef dan --replace-with-missing op")


def check_regions(batch: ImportBatch, store: Store, found: IssueCollector, *, create_regions: bool) -> None:
    """New regions only with ``create_regions``; then their codes must be CBS codes of their gemeente."""
    from ..core.model import Level, level_of_code

    known = store.region_keys()
    new = [r for r in batch.regions if (r.code, r.boundary_year) not in known]
    if not new:
        return
    if not create_regions:
        shown = ", ".join(f"{r.code} ({r.boundary_year})" for r in new[:5]) + (" …" if len(new) > 5 else "")
        found.add(None, "region", f"het bestand brengt {len(new)} gebieden die de kansenmonitor nog niet kent: "
                  f"{shown}",
                  "controleer de codes en de indeling (het jaar); zijn het echt nieuwe gebieden, importeer dan eerst "
                  "de gebiedsgrenzen van die indeling of geef --create-regions op")
        return
    for r in new:
        level = level_of_code(r.code)
        expected = {Level.BUURT: "WK" + r.code[2:8], Level.WIJK: "GM" + r.code[2:6]}.get(level) if level else None
        if expected and r.parent and r.parent != expected:
            found.add(None, "region", f"gebied '{r.code}' hoort volgens zijn code bij {expected}, niet bij {r.parent}",
                      "controleer de code en de kolom met het bovenliggende gebied")
