"""Read the inputs of an index from a :class:`~kansenmonitor.monitor.Monitor` (the adapter between the
store and the pure index code).

Per indicator one period is used (the one pinned in the definition, else the latest with data), so
regions are never compared across different years. Values published in another indeling are used only
where the region's code is linked as 'same' to the target indeling (e.g. health 2020 for 2024 buurten
whose code did not change). Ratio indicators without stored values are derived from their numerator and
denominator (same period), respecting the catalogue's minimum count. Values pass disclosure control;
a suppressed or empty value stays missing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..core.errors import KansenmonitorError
from ..core.model import gemeente_of
from .compute import DEFAULT_MIN_POPULATION, IndexInputs
from .definition import REFERENCES, REGIO_DEAL_GEMEENTEN, Definition
from .messages import msg


class IndexInputError(KansenmonitorError, LookupError):
    """The store does not hold what an index needs (no regions at this level, unknown gemeente)."""


def _same_map(links: list[dict], boundary_year: int) -> dict[tuple[str, int], str]:
    """(code, year) in another indeling → code in ``boundary_year``, following chains of 'same' links."""
    graph: dict[tuple[str, int], set[tuple[str, int]]] = {}
    for link in links:
        if link["relation"] != "same":
            continue
        a, b = (link["code"], int(link["boundary_year"])), (link["to_code"], int(link["to_boundary_year"]))
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set()).add(a)
    out: dict[tuple[str, int], str] = {}
    for start in [k for k in graph if k[1] == boundary_year]:
        seen, frontier = {start}, [start]
        while frontier:
            node = frontier.pop()
            for nxt in graph.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        for node in seen:
            if node[1] != boundary_year:
                out[node] = start[0]
    return out


def _attach(obs: pd.DataFrame, boundary_year: int, same: dict[tuple[str, int], str]) -> pd.DataFrame:
    """Keep observations of the target indeling, plus linked ones mapped to the target code."""
    if obs.empty:
        return obs.assign(target=pd.Series(dtype=str), own=pd.Series(dtype=int))
    by = obs["boundary_year"].astype(int)
    target = np.where(by == boundary_year, obs["region"],
                      [same.get((r, y)) for r, y in zip(obs["region"], by, strict=True)])
    obs = obs.assign(target=target, own=(by == boundary_year).astype(int))
    return obs[obs["target"].notna()]


def _pick(obs: pd.DataFrame, ind: str, period: int | None) -> tuple[pd.Series, dict]:
    sel = obs[(obs["indicator"] == ind) & obs["value"].notna()]
    if sel.empty:
        return pd.Series(dtype=float), {}
    p = period if period is not None else int(sel["period"].max())
    sel = sel[sel["period"] == p].sort_values("own")
    sel = sel.drop_duplicates("target", keep="last")
    prov = {"period": p, "boundary_years": sorted({int(y) for y in sel["boundary_year"]}),
            "source": str(sel["source_ref"].dropna().iloc[0]) if sel["source_ref"].notna().any() else None}
    return sel.set_index("target")["value"].astype(float), prov


def _derive(obs: pd.DataFrame, ind, period: int | None) -> tuple[pd.Series, dict]:
    num = obs[(obs["indicator"] == ind.numerator) & obs["value"].notna()]
    den = obs[(obs["indicator"] == ind.denominator) & obs["value"].notna()]
    common = sorted(set(num["period"]) & set(den["period"]))
    if period is not None:
        common = [p for p in common if p == period]
    if not common:
        return pd.Series(dtype=float), {}
    p = int(common[-1])
    n = num[num["period"] == p].sort_values("own").drop_duplicates("target", keep="last").set_index("target")["value"]
    d = den[den["period"] == p].sort_values("own").drop_duplicates("target", keep="last").set_index("target")["value"]
    both = pd.concat([n.rename("n"), d.rename("d")], axis=1).dropna()
    both = both[both["d"] > 0]
    if ind.min_count:
        both = both[both["d"] >= ind.min_count]
    prov = {"period": p, "derived": f"{ind.numerator} / {ind.denominator} × {ind.factor:g}",
            "min_count": ind.min_count, "source": "kansenmonitor (afgeleid)"}
    return (both["n"] / both["d"] * ind.factor).astype(float), prov


def load_inputs(monitor, definition: Definition, level: str = "buurt", gemeente: str | Sequence[str] | None = None,
                boundary_year: int | None = None, reference: str | None = None,
                min_population: float | None = DEFAULT_MIN_POPULATION) -> IndexInputs:
    """The raw input matrix of ``definition`` for the regions of ``level`` in ``gemeente``.

    ``min_population``: target regions with fewer inhabitants (latest count) are not ranked and get no money
    (default 500; ``0`` or ``None`` ranks every region)."""
    if min_population is not None and (min_population != min_population or min_population < 0):
        raise IndexInputError(f"de minimale bevolking moet 0 of meer inwoners zijn, niet {min_population}")
    by = int(boundary_year or definition.boundary_year)
    reference = reference or definition.reference
    if reference not in REFERENCES:
        raise IndexInputError(f"referentie '{reference}' kan niet; kies uit {', '.join(REFERENCES)}")
    notes: list[str] = []
    if level == "gemeente":
        # a gemeente compared with itself or with two others says little: the seeds rank gemeenten nationally
        # ("plaats 5 Enschede en plaats 7 Almelo"), so gemeenten are always compared with all of NL
        reference = "nl"
        notes.append(msg("note.gemeente_reference_nl"))
    gms = [gemeente] if isinstance(gemeente, str) else list(gemeente or [])
    if level == "gemeente":
        # the rank of a gemeente is its place among all gemeenten, so all of them are ranked
        gms = []
    targets = monitor.regions(level=level, gemeente=gms or None, boundary_year=by)
    if not targets:
        where = f" in {', '.join(gms)}" if gms else ""
        raise IndexInputError(
            f"Er zijn geen gebieden op niveau '{level}'{where} in indeling {by}. Controleer --level en --gemeente, "
            "of maak de voorbeelddatabase met 'kansenmonitor init --demo'."
        )
    target_codes = sorted(r.code for r in targets)
    target_gms = sorted({gemeente_of(c) or c for c in target_codes})
    if reference == "gemeente":
        ref_gms = target_gms
    elif reference == "regio_deal":
        outside = [g for g in target_gms if g not in REGIO_DEAL_GEMEENTEN]
        if outside:
            # the seed: "Hengelo neemt niet deel in de uitvoering van het Regio Deal project" — such a gemeente's
            # areas are compared among themselves, never mixed into the Regio Deal group
            names = monitor.known_names()
            notes.append(msg("note.regio_deal_outside", names=", ".join(names.get(g, g) for g in outside)))
            reference = "gemeente"
            ref_gms = target_gms
        else:
            ref_gms = list(REGIO_DEAL_GEMEENTEN)
    else:
        ref_gms = []
    ref_regions = monitor.regions(level=level, gemeente=ref_gms or None, boundary_year=by)
    ref_codes = sorted({r.code for r in ref_regions} | set(target_codes))
    names = {r.code: r.name for r in ref_regions}
    if reference == "nl":
        n_gm = len({gemeente_of(c) for c in ref_codes})
        if n_gm < 100:
            notes.append(msg("note.reference_nl_partial", level=level, n=n_gm))

    catalogue = monitor.catalogue
    wanted = [i for i in definition.indicator_ids if i in catalogue]
    needed = set(wanted) | {"inwoners"}
    for i in wanted:
        ind = catalogue[i]
        if ind.is_derived:
            needed |= {ind.numerator, ind.denominator}
    obs = monitor.observations(public=True, purpose="analysis", level=level, gemeente=ref_gms or None, indicators=sorted(needed))
    same = _same_map(monitor.store.links(), by)
    obs = _attach(obs, by, same)
    obs = obs[obs["target"].isin(ref_codes)]

    specs = {s.id: s for t in definition.themes for s in t.all_indicators}
    columns, provenance = {}, {}
    for i in wanted:
        ind = catalogue[i]
        values, prov = _pick(obs, i, specs[i].period)
        if ind.is_derived and values.empty:
            values, prov = _derive(obs, ind, specs[i].period)
        if values.empty:
            continue
        columns[i] = values
        provenance[i] = prov
    values = pd.DataFrame(columns, index=pd.Index(ref_codes, name="region")).reindex(ref_codes)
    values = values.reindex(columns=[i for i in definition.indicator_ids if i in columns])

    pop, pop_prov = _pick(obs, "inwoners", None)
    if pop_prov:
        provenance["inwoners"] = pop_prov
    if reference == "gemeente":
        groups = pd.Series({c: gemeente_of(c) or c for c in ref_codes})
    elif reference == "regio_deal":
        groups = pd.Series("regio_deal", index=ref_codes)
    else:
        groups = pd.Series("NL01", index=ref_codes)

    ref_values = None
    group_regions = {g: g for g in groups.unique() if g.startswith("GM")} if reference == "gemeente" else \
        ({"NL01": "NL01"} if reference == "nl" else {})
    if group_regions and columns:
        robs = monitor.observations(public=True, purpose="analysis", regions=sorted(set(group_regions.values())), indicators=sorted(needed))
        robs = _attach(robs, by, _same_map(monitor.store.links(), by))
        rows = {}
        for g, code in group_regions.items():
            sub = robs[robs["target"] == code]
            rows[g] = {}
            for i in columns:
                ind = catalogue[i]
                period = provenance[i]["period"]
                v, _ = _pick(sub, i, period)
                if v.empty and ind.is_derived:
                    v, _ = _derive(sub, ind, period)
                rows[g][i] = float(v.iloc[0]) if not v.empty else np.nan
        ref_values = pd.DataFrame.from_dict(rows, orient="index")

    return IndexInputs(
        values=values, groups=groups, targets=target_codes, level=level, boundary_year=by, names=names,
        population=pop.reindex(ref_codes), reference_values=ref_values, provenance=provenance, notes=notes,
        reference=reference, min_population=min_population,
    )
