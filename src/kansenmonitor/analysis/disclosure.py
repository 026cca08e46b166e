"""Disclosure control: no published number may be small enough to identify people, nor recoverable.

Every adapter (CLI, web, API, exports, reports) reads observations through
``Monitor.observations(public=True)``, which passes them through :func:`apply` with the store's
:class:`Ledger`: the record of every withheld cell and why. The ledger is built in four steps and
repeated until nothing changes:

1. **source** — the source itself suppressed the value (status ``suppressed``);
2. **minimum count** — the indicator declares a minimum count and the count behind the value is below
   it. The count is the smallest of the row's own denominator and the stored value of the indicator's
   denominator (so an invented denominator cannot lift a small buurt over the limit); without either,
   the number of inhabitants (nearest period); for counts, the value itself; with no count at all the
   value is withheld;
3. **complement** — a rate ``R = N / D × f`` and its inputs are published per region and period: when
   one of the three is withheld and the other two are published, the withheld one could be recomputed.
   A withheld rate withholds its numerator; a withheld numerator or denominator withholds the rate;
4. **secondary** — a region's value is a linear combination of its members' values (sum, ratio of sums,
   weighted mean) across buurt → wijk → gemeente → Nederland and custom areas (for model estimates, which
   their source models per level, only custom areas are such combinations). A withheld cell is
   recoverable when its member vector lies in the span of the published cells' vectors (one SVD per
   indicator, period and indeling decides for all withheld cells at once, so differencing of any number of
   published aggregates is covered, not only "total minus siblings"). A custom area combines the members it
   is aggregated from (for a weighted mean: those with a value). Then one more cell is withheld: a custom
   area's aggregate first, otherwise the published sibling with the fewest inhabitants, otherwise the
   aggregate itself; of these the first that makes the cell unrecoverable and is not computable itself
   (an area of whole wijken, the fifth of five stadsdelen that tile the gemeente, protect nothing).

:func:`apply` clears value, numerator, denominator and interval bounds of every withheld cell and sets
status ``suppressed`` with a note saying why, so no adapter can print a field behind a withheld value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from ..core.model import Aggregation, Indicator, Level, Region, Status, cbs_parent

KEY = ["region", "boundary_year", "indicator", "period"]

#: Reason → the note shown beside a withheld value.
NOTES = {
    "source": "niet getoond: de bron houdt dit cijfer geheim",
    "min_count": "niet getoond: te weinig waarnemingen",
    "complement": "niet getoond: anders terug te rekenen uit een ander cijfer van dit gebied",
    "secondary": "niet getoond: anders terug te rekenen uit de cijfers van omliggende gebieden",
}
WITHHELD_NOTE = NOTES["min_count"]
CLEARED = ["value", "numerator", "denominator", "lower", "upper"]


@dataclass
class Hierarchy:
    """Which regions add up to which, per indeling: every region as its set of finest members (leaves)."""

    #: (code, boundary_year) → the leaves (codes) it consists of
    leaves: dict[tuple[str, int], frozenset[str]] = field(default_factory=dict)
    #: (code, boundary_year) of custom areas (their aggregates are withheld before an official cell)
    custom: set[tuple[str, int]] = field(default_factory=set)
    #: (code, boundary_year) → level, to prefer a sibling of the same level
    level: dict[tuple[str, int], str] = field(default_factory=dict)
    #: (code, boundary_year) of a custom area → its own members (wijken or buurten), of which it is aggregated
    members: dict[tuple[str, int], frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_regions(cls, regions: Iterable[Region]) -> Hierarchy:
        regions = list(regions)
        keys = {(r.code, r.boundary_year) for r in regions}
        children: dict[tuple[str, int], list[str]] = {}
        custom: dict[tuple[str, int], tuple[str, ...]] = {}
        level: dict[tuple[str, int], str] = {}
        for r in regions:
            key = (r.code, r.boundary_year)
            level[key] = str(r.level)
            if r.level.is_custom:
                custom[key] = tuple(r.members)
                continue
            parent = r.parent if r.level == Level.BUURT and r.parent else cbs_parent(r.code)
            if r.level == Level.WIJK:
                parent = r.gemeente or parent
            if parent and (parent, r.boundary_year) in keys and parent != r.code:
                children.setdefault((parent, r.boundary_year), []).append(r.code)
        leaves: dict[tuple[str, int], frozenset[str]] = {}

        def leaves_of(key: tuple[str, int], depth: int = 0) -> frozenset[str]:
            if key in leaves:
                return leaves[key]
            kids = children.get(key)
            if not kids or depth > 8:
                out = frozenset([key[0]])
            else:
                out = frozenset().union(*(leaves_of((c, key[1]), depth + 1) for c in kids))
            leaves[key] = out
            return out

        for key in level:
            if key not in custom:
                leaves_of(key)
        for key, members in custom.items():
            parts = [leaves.get((m, key[1]), frozenset([m])) for m in members]
            leaves[key] = frozenset().union(*parts) if parts else frozenset()
        return cls(leaves=leaves, custom=set(custom), level=level,
                   members={k: frozenset(v) for k, v in custom.items()})


@dataclass
class Ledger:
    """Every withheld cell with its reason, and the custom areas refused because they would isolate one."""

    withheld: pd.DataFrame  # KEY + reason + stage (1: on its own, 2: because of secondary suppression)
    refusals: list[dict] = field(default_factory=list)

    def for_analysis(self) -> Ledger:
        """The cells withheld on their own (source, minimum count, complement of those): what indices and
        other analyses may not use as input. Secondary suppression governs printed cells only; every printed
        input of an analysis passes the full ledger."""
        return Ledger(self.withheld[self.withheld["stage"] == 1], self.refusals)

    def withholds(self, region: str, boundary_year: int, indicator: str, period: int) -> bool:
        keys = self.__dict__.get("_keys")
        if keys is None:
            keys = set(_keys(self.withheld)) if not self.withheld.empty else set()
            self.__dict__["_keys"] = keys
        return (region, int(boundary_year), indicator, int(period)) in keys

    def summary(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.withheld.groupby("reason").size().items()}


def _nearest(left: pd.DataFrame, counts: pd.DataFrame, name: str) -> np.ndarray:
    """The count of the same region and indeling in the nearest period (populations change slowly)."""
    c = counts.dropna(subset=["denominator"])[["region", "boundary_year", "period", "denominator"]].copy()
    if c.empty:
        return np.full(len(left), np.nan)
    c["period"] = c["period"].astype("int64")
    c["boundary_year"] = c["boundary_year"].astype("int64")
    c = c.drop_duplicates(["region", "boundary_year", "period"])
    lf = left[["region", "boundary_year", "period"]].copy()
    lf["period"] = lf["period"].astype("int64")
    lf["boundary_year"] = lf["boundary_year"].astype("int64")
    lf["_pos"] = range(len(lf))
    merged = pd.merge_asof(lf.sort_values("period"), c.sort_values("period").rename(columns={"denominator": name}),
                           on="period", by=["region", "boundary_year"], direction="nearest")
    return merged.sort_values("_pos")[name].to_numpy(dtype=float)


def primary(obs: pd.DataFrame, indicators: Mapping[str, Indicator], counts: pd.DataFrame | None = None,
            reference: pd.DataFrame | None = None) -> pd.Series:
    """The reason each row is withheld on its own (``source`` or ``min_count``), or None.

    ``counts`` holds (region, boundary_year, period, denominator): the inhabitants, used where a value
    has no count of its own. ``reference`` holds the stored observations (region, boundary_year,
    indicator, period, value) in which an indicator's denominator indicator is looked up.
    """
    reason = pd.Series([None] * len(obs), index=obs.index, dtype=object)
    if obs.empty:
        return reason
    reason[obs["status"].astype(str) == Status.SUPPRESSED.value] = "source"
    min_counts = pd.to_numeric(obs["indicator"].astype(str).map(
        {k: i.min_count for k, i in indicators.items()}), errors="coerce")
    needs = min_counts.notna()
    if not needs.any():
        return reason
    base = obs["denominator"].astype(float) if "denominator" in obs else pd.Series(np.nan, index=obs.index)
    base = base.where(needs)
    # the stored denominator indicator of the same region and period caps the row's own denominator
    if reference is not None and not reference.empty:
        den_of = obs["indicator"].astype(str).map({k: i.denominator for k, i in indicators.items()})
        for den_id in sorted({d for d in den_of[needs].dropna().unique()}):
            rows = needs & (den_of == den_id)
            ref = reference[reference["indicator"] == den_id].rename(columns={"value": "denominator"})
            if ref.empty:
                continue
            stored = pd.Series(_nearest(obs.loc[rows], ref, "_den"), index=obs.index[rows])
            base.loc[rows] = np.fmin(base.loc[rows].to_numpy(dtype=float), stored.to_numpy(dtype=float))
    if counts is not None and not counts.empty:
        missing = needs & base.isna()
        if missing.any():
            base.loc[missing] = _nearest(obs.loc[missing], counts, "_pop")
    is_count = obs["indicator"].astype(str).map(
        {k: i.aggregation == Aggregation.SUM and i.min_count is not None for k, i in indicators.items()}
    ).fillna(False).astype(bool)
    base = base.where(~is_count, obs["value"].astype(float))
    too_small = needs & base.notna() & (base < min_counts)
    unknown_base = needs & base.isna() & obs["value"].notna()
    reason[(too_small | unknown_base) & reason.isna()] = "min_count"
    return reason


def _keys(obs: pd.DataFrame) -> list[tuple]:
    return list(zip(obs["region"].astype(str).tolist(), obs["boundary_year"].astype(int).tolist(),
                    obs["indicator"].astype(str).tolist(), obs["period"].astype(int).tolist(), strict=True))


def _state(obs: pd.DataFrame, withheld: dict, indicators: Mapping[str, Indicator]) -> dict:
    """(region, by, indicator, period) → 'pub' | 'prot' for the cells that can give another away: those of
    aggregatable indicators and of rates with their inputs."""
    linked = {i.id for i in indicators.values() if i.aggregation != Aggregation.NONE}
    linked |= {x for i in indicators.values() for x in (i.numerator, i.denominator) if x}
    sel = obs[obs["indicator"].isin(sorted(linked))]
    out: dict = {}
    vals = sel["value"].to_numpy(dtype=float)
    for k, v in zip(_keys(sel), vals, strict=True):
        if k in withheld:
            out[k] = "prot"
        elif not np.isnan(v):
            out[k] = "pub"
    return out


def _complement(state: dict, withheld: dict, indicators: Mapping[str, Indicator]) -> int:
    """Withhold one more input of a rate when exactly one of rate, numerator, denominator is withheld."""
    triples = [(i.id, i.numerator, i.denominator) for i in indicators.values()
               if i.numerator and i.denominator and i.numerator in indicators and i.denominator in indicators]
    if not triples:
        return 0
    by_cell: dict = {}
    for (region, by, ind, period) in withheld:
        by_cell.setdefault((region, by, period), set()).add(ind)
    added = 0
    for (region, by, period) in list(by_cell):
        for r, n, d in triples:
            s = [state.get((region, by, x, period)) for x in (r, n, d)]
            if s.count("prot") != 1 or s.count("pub") != 2:
                continue
            target = n if s[0] == "prot" else r
            key = (region, by, target, period)
            withheld[key] = "complement"
            state[key] = "prot"
            added += 1
    return added


#: a target vector is in the span when its distance to the row space is below this (0/1 vectors of a few hundred
#: leaves: the distance of a vector outside the span is of the order 0.1–1, rounding error of the order 1e-13)
SPAN_TOL = 1e-6


def _connected(rows: list[frozenset], cols: set) -> list[frozenset]:
    """The rows connected to ``cols`` through shared leaves (the other rows cannot change the answer)."""
    picked: list[frozenset] = []
    pool = [r for r in rows if r]
    changed = True
    while changed:
        changed = False
        rest = []
        for r in pool:
            if r & cols:
                picked.append(r)
                cols |= r
                changed = True
            else:
                rest.append(r)
        pool = rest
    return picked


def spans(rows: list[frozenset], targets: list[frozenset]) -> np.ndarray:
    """For each 0/1 vector in ``targets``, whether it is a linear combination of the 0/1 vectors ``rows`` (over
    the leaves that are not published): whether an attacker who knows every row's value can compute the
    target's. Positive member weights (inhabitants, denominators) do not change the answer: scaling columns
    keeps the rank.

    One factorisation for all targets: with the rows as matrix A (rows × leaves) and V an orthonormal basis of
    its row space (from one SVD), a target t lies in the row space iff t − (t·Vᵀ)·V = 0. The same answer as
    comparing rank(A) with rank([A; t]) per target, at the cost of a single rank computation."""
    out = np.zeros(len(targets), dtype=bool)
    if not targets:
        return out
    empty = np.array([not t for t in targets])
    out[empty] = True
    if empty.all():
        return out
    picked = _connected(rows, set().union(*(t for t in targets if t)))
    if not picked:
        return out
    index = {c: j for j, c in enumerate(sorted(set().union(*picked, *targets)))}
    a = np.zeros((len(picked), len(index)))
    for i, r in enumerate(picked):
        a[i, [index[c] for c in r]] = 1.0
    _, sv, vt = np.linalg.svd(a, full_matrices=False)
    tol = sv.max(initial=0.0) * max(a.shape) * np.finfo(float).eps
    basis = vt[: int((sv > tol).sum())]
    live = np.flatnonzero(~empty)
    t = np.zeros((len(live), len(index)))
    for i, k in enumerate(live):
        t[i, [index[c] for c in targets[k]]] = 1.0
    residual = t - (t @ basis.T) @ basis
    out[live] = np.linalg.norm(residual, axis=1) <= SPAN_TOL
    return out


def _in_span(rows: list[frozenset], target: frozenset) -> bool:
    """Whether the 0/1 vector ``target`` is a linear combination of the 0/1 vectors ``rows``, see :func:`spans`."""
    return bool(spans(rows, [target])[0])


def _layout(cells: dict, leaves: dict, estimate: bool, custom: set, by: int) -> tuple[frozenset, dict]:
    """The published leaves, and per published aggregate the leaves behind it that are not published."""
    pub_leaves = frozenset(r for r, st in cells.items() if st == "pub" and leaves[r] == frozenset([r]))
    rows = {r: leaves[r] - pub_leaves for r, st in cells.items() if st == "pub" and r not in pub_leaves
            and (not estimate or (r, by) in custom)}
    return pub_leaves, rows


def _secondary(state: dict, withheld: dict, indicators: Mapping[str, Indicator], hierarchy: Hierarchy,
               population: dict, new_areas: set, refusals: list, valued: set | None = None) -> int:
    """Withhold further cells until no withheld cell of an aggregatable indicator is recoverable."""
    groups: dict = {}
    for (region, by, ind, period), st in state.items():
        if ind in indicators and indicators[ind].aggregation != Aggregation.NONE and (region, by) in hierarchy.leaves:
            groups.setdefault((by, ind, period), {})[region] = st
    added = 0
    for (by, ind, period), cells in groups.items():
        if "prot" not in cells.values():
            continue
        # a model estimate of a wijk or gemeente is modelled on its own, not a mean of its buurten: every region
        # is its own unknown, and only the aggregates kansenmonitor computes (custom areas) combine members, the
        # very members (wijken or buurten) they are aggregated from
        estimate = indicators[ind].is_model_estimate
        if estimate:
            leaves = {r: hierarchy.members.get((r, by)) or frozenset([r]) if (r, by) in hierarchy.custom
                      else frozenset([r]) for r in cells}
        else:
            leaves = {r: hierarchy.leaves[(r, by)] for r in cells}
        if indicators[ind].aggregation == Aggregation.WEIGHTED_MEAN and valued is not None:
            # an own area's weighted mean may leave out members without a value (analysis.aggregation): it is a
            # combination of the members that have one
            for r in cells:
                own = hierarchy.members.get((r, by))
                if (r, by) in hierarchy.custom and own:
                    kept = [m for m in own if (m, by, ind, period) in valued]
                    if len(kept) < len(own):
                        leaves[r] = frozenset().union(*(
                            frozenset([m]) if estimate else hierarchy.leaves.get((m, by), frozenset([m]))
                            for m in kept))
        layout = partial(_layout, cells, leaves, estimate, hierarchy.custom, by)
        while True:
            pub_leaves, rows = layout()
            prot = sorted(r for r, st in cells.items() if st == "prot")
            targets = [leaves[w] - pub_leaves for w in prot]
            hits = np.flatnonzero(spans(list(rows.values()), targets))
            if not len(hits):
                break
            # the first recoverable cell in code order (one factorisation decides for all withheld cells)
            w, target = prot[hits[0]], targets[hits[0]]
            # a custom area being loaded that isolates a withheld member is refused, not suppressed
            fresh = [r for r in rows if (r, by) in new_areas and rows[r] & (target or leaves[w])]
            if fresh and not _in_span([v for r, v in rows.items() if (r, by) not in new_areas], target):
                area = min(fresh, key=lambda r: len(leaves[r]))
                refusals.append({"area": area, "boundary_year": by, "indicator": ind, "period": period, "member": w})
                cells[area] = "refused"
                continue
            choice = _effective(w, _candidates(w, target, cells, leaves, rows, hierarchy, by, population, period),
                                cells, leaves, layout)
            cells[choice] = "prot"
            key = (choice, by, ind, period)
            withheld[key] = "secondary"
            state[key] = "prot"
            added += 1
    return added


def _candidates(w: str, target: frozenset, cells: dict, leaves: dict, rows: dict, hierarchy: Hierarchy, by: int,
                population: dict, period: int) -> list[str]:
    """The cells that could be withheld so that ``w`` is no longer recoverable, in order of preference: a member
    of ``w`` with the fewest inhabitants when all its members are published; a custom area's aggregate (smallest
    first); a published sibling inside the smallest published aggregate that contains ``w`` (same level first,
    fewest inhabitants first); that aggregate itself."""
    def pop(r: str) -> tuple:
        return (population.get((r, by, period), population.get((r, by), np.inf)), r)

    out: list[str] = []
    w_leaves = leaves[w]
    if not target:
        inside = [r for r, st in cells.items() if st == "pub" and r != w and leaves[r] <= w_leaves]
        out += sorted(inside, key=pop)
    involved = sorted((r for r in rows if rows[r] & (target or w_leaves) or (not target and leaves[r] >= w_leaves)),
                      key=lambda r: (len(leaves[r]), r))
    out += [r for r in involved if (r, by) in hierarchy.custom]
    outer = next((r for r in involved if leaves[r] >= w_leaves), involved[0] if involved else None)
    scope = leaves[outer] if outer else frozenset().union(*leaves.values())
    level = hierarchy.level.get((w, by))
    siblings = [r for r, st in cells.items() if st == "pub" and r != outer and leaves[r] <= scope
                and not (leaves[r] & w_leaves)]
    same = sorted((r for r in siblings if hierarchy.level.get((r, by)) == level), key=pop)
    out += same + sorted((r for r in siblings if r not in set(same)), key=pop)
    if outer is not None:
        out.append(outer)
    out += [r for r in involved if r != outer]
    seen: set = set()
    return [r for r in out if not (r in seen or seen.add(r))] or [w]


#: how many candidates are tried for an effective choice before the first one is taken as it is
MAX_TRIED = 40


def _effective(w: str, candidates: list[str], cells: dict, leaves: dict, layout) -> str:
    """The first candidate whose withholding makes ``w`` unrecoverable and that is not recoverable itself.

    Withholding a cell that an attacker can compute anyway protects nothing and only costs a figure: an area
    made of whole wijken is the sum of their published values; of five stadsdelen that tile the gemeente, the
    fifth follows from the gemeente and the other four. Such a cell is skipped. When no single candidate is
    enough (several must go), the first one that at least helps is taken, else the first in order; the loop
    of :func:`_secondary` then withholds the next."""
    helps = None
    for c in candidates[:MAX_TRIED]:
        before = cells[c]
        cells[c] = "prot"
        try:
            pub_leaves, rows = layout()
            still_w, still_c = spans(list(rows.values()), [leaves[w] - pub_leaves, leaves[c] - pub_leaves])
        finally:
            cells[c] = before
        if not still_w and not still_c:
            return c
        if helps is None and not still_c:
            helps = c
    return helps if helps is not None else candidates[0]


def build_ledger(obs: pd.DataFrame, indicators: Mapping[str, Indicator], counts: pd.DataFrame | None = None,
                 hierarchy: Hierarchy | None = None, new_areas: Iterable[tuple[str, int]] = ()) -> Ledger:
    """The ledger of withheld cells for ``obs`` (normally the whole store), see the module docstring."""
    if obs.empty:
        return Ledger(pd.DataFrame(columns=[*KEY, "reason", "stage"]))
    reasons = primary(obs, indicators, counts, reference=obs[["region", "boundary_year", "indicator", "period",
                                                               "value"]])
    withheld: dict = {}
    hit = reasons.notna().to_numpy()
    for k, why in zip(_keys(obs[hit]), reasons[hit].tolist(), strict=True):
        withheld[k] = why
    state = _state(obs, withheld, indicators)
    population: dict = {}
    if counts is not None and not counts.empty:
        for r, by, p, v in zip(counts["region"], counts["boundary_year"].astype(int), counts["period"].astype(int),
                               counts["denominator"], strict=True):
            population[(r, by, p)] = float(v)
            population.setdefault((r, by), float(v))
    refusals: list[dict] = []
    fresh = set(new_areas)
    has_value = obs["value"].notna().to_numpy()
    valued = set(_keys(obs[has_value])) if hierarchy is not None else None
    if hierarchy is not None:
        _complement(state, withheld, indicators)
    stage1 = set(withheld)
    for _ in range(50):
        added = _complement(state, withheld, indicators)
        if hierarchy is not None:
            added += _secondary(state, withheld, indicators, hierarchy, population, fresh, refusals, valued)
        if not added:
            break
    frame = pd.DataFrame([(*k, why, 1 if k in stage1 else 2) for k, why in withheld.items()],
                         columns=[*KEY, "reason", "stage"])
    return Ledger(frame, refusals)


def apply(obs: pd.DataFrame, indicators: Mapping[str, Indicator], counts: pd.DataFrame | None = None,
          ledger: Ledger | None = None) -> pd.DataFrame:
    """Return a copy of ``obs`` in which every withheld cell is cleared.

    With a ``ledger`` (the store's, see :func:`build_ledger`) its decisions are applied; without one the
    source, minimum-count and complement steps are computed on ``obs`` alone. Withheld cells get status
    ``suppressed`` and a ``disclosure`` note; value, numerator, denominator and bounds are cleared.
    """
    out = obs.copy()
    if obs.empty:
        out["disclosure"] = pd.Series(dtype=object)
        return out
    if ledger is None:
        ledger = build_ledger(obs, indicators, counts)
    keys = pd.MultiIndex.from_arrays([out["region"], out["boundary_year"].astype(int), out["indicator"],
                                      out["period"].astype(int)])
    w = ledger.withheld
    if w.empty:
        reason = pd.Series([None] * len(out), index=out.index, dtype=object)
    else:
        lookup = pd.Series(w["reason"].to_numpy(), index=pd.MultiIndex.from_arrays(
            [w["region"], w["boundary_year"].astype(int), w["indicator"], w["period"].astype(int)]))
        lookup = lookup[~lookup.index.duplicated()]
        reason = pd.Series(lookup.reindex(keys).to_numpy(), index=out.index, dtype=object)
    # a value the source suppressed is withheld whatever the ledger says
    src = out["status"].astype(str) == Status.SUPPRESSED.value
    reason = reason.where(~(src & reason.isna()), "source")
    withhold = reason.notna().to_numpy()
    out["disclosure"] = [NOTES.get(r) if isinstance(r, str) else None for r in reason]
    cols = [c for c in CLEARED if c in out.columns]
    out.loc[withhold, cols] = np.nan
    out.loc[withhold, "status"] = Status.SUPPRESSED.value
    # the denominator of a weighted mean is the sum of its weights: a figure of another indicator (inhabitants of
    # an age group), published and protected under that indicator. Beside the mean it would give a withheld sum
    # away, so it is never published with the mean
    weighted = out["indicator"].astype(str).map(
        {k: i.aggregation == Aggregation.WEIGHTED_MEAN for k, i in indicators.items()}).fillna(False).astype(bool)
    if "denominator" in out.columns and weighted.any():
        out.loc[weighted.to_numpy(), "denominator"] = np.nan
    return out


def is_publishable(value: float | None, status: str) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value)) and status in (
        Status.MEASURED.value,
        Status.ESTIMATED.value,
    )
