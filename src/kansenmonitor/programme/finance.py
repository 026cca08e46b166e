"""Money views on a programme: pure functions from budget lines to DataFrames and result objects.

All views work on one budget table at a time (``table``; default: the programme's
``default_table``), because a nota often prints an overview and detailed spending plans that overlap.
Amounts are euros. *p.m.* lines (no amount) count as 0 and are counted separately.

Two distinctions keep the figures true to the source:

* a table of kind ``budget`` (a begroting or spending plan) has no saldo: its amounts are budgeted or
  made available, the source sets no coverage against them, so neither a shortfall nor a gap after a
  source ends is computed for it (``saldo`` is NaN);
* coverage from a ``regional`` funding source (money of the region, not of the gemeente alone) is kept
  apart in ``coverage_regional`` and is not part of ``coverage`` or ``saldo``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .model import BudgetKind, BudgetLine, BudgetTable, Lijn, LijnTarget, Programme, TableKind

#: The Rekenkamer's target split (0e/1e/2e lijn) for welfare spending: 20/20/60.
DEFAULT_LIJN_TARGET = {Lijn.NULDE.value: 20.0, Lijn.EERSTE.value: 20.0, Lijn.TWEEDE.value: 60.0}
PROGRAMME_AS_A_WHOLE = "(programma als geheel)"
NO_SOURCE = "(geen bron genoemd)"


def _lines(programme: Programme, table: str | None) -> list[BudgetLine]:
    table = table or programme.default_table
    if table is not None and table not in programme.table_ids():
        raise KeyError(f"begrotingstabel '{table}' bestaat niet in programma '{programme.id}'")
    return programme.lines_of_table(table)


def table_of(programme: Programme, table: str | None = None) -> BudgetTable | None:
    """The budget table (default: the programme's default table), ``None`` when the programme has none."""
    table = table or programme.default_table
    return next((t for t in programme.budget_tables if t.id == table), None)


def is_budget(programme: Programme, table: str | None = None) -> bool:
    """True when the table is a budget (begroting) without coverage, so that no saldo applies."""
    tbl = table_of(programme, table)
    return tbl is not None and tbl.kind == TableKind.BUDGET


def regional_sources(programme: Programme) -> set[str]:
    """Ids of the funding sources whose money belongs to the region, not to the gemeente alone."""
    return {s.id for s in programme.funding_sources if s.regional}


def budget_frame(programme: Programme, table: str | None = None) -> pd.DataFrame:
    """All budget lines of one table as a long DataFrame (one row per line), with the ambition resolved.

    ``regional`` is true for lines whose funding source is regional.
    """
    regional = regional_sources(programme)
    rows = []
    for b in _lines(programme, table):
        rows.append({
            "id": b.id,
            "table": b.table,
            "label": b.label,
            "kind": b.kind.value,
            "year": b.year,
            "amount": float(b.amount) if b.amount is not None else 0.0,
            "pm": b.is_pm,
            "item": b.item,
            "ambition": programme.ambition_of_item(b.item),
            "source": b.source,
            "lijn": b.lijn.value if b.lijn else None,
            "category": b.category,
            "regional": b.source in regional,
        })
    columns = ["id", "table", "label", "kind", "year", "amount", "pm", "item", "ambition", "source", "lijn",
               "category", "regional"]
    return pd.DataFrame(rows, columns=columns)


def _years(df: pd.DataFrame) -> list[int]:
    return sorted(int(y) for y in df["year"].dropna().unique())


def _sums(part: pd.DataFrame, budget: bool) -> dict[str, float]:
    """Expenditure, the gemeente's own coverage, regional coverage and saldo of some budget lines."""
    expenditure = float(part.loc[part["kind"] == BudgetKind.EXPENDITURE.value, "amount"].sum())
    cov = part[part["kind"] == BudgetKind.COVERAGE.value]
    coverage = float(cov.loc[~cov["regional"].astype(bool), "amount"].sum())
    regional = float(cov.loc[cov["regional"].astype(bool), "amount"].sum())
    saldo = float("nan") if budget else coverage - expenditure
    return {"expenditure": expenditure, "coverage": coverage, "coverage_regional": regional, "saldo": saldo}


def finance_by_year(programme: Programme, table: str | None = None) -> pd.DataFrame:
    """Expenditure, coverage and saldo (coverage − expenditure) per year, plus the number of p.m. lines.

    ``coverage`` is the gemeente's own coverage; regional money is in ``coverage_regional`` and not in
    the saldo. For a budget table ``saldo`` is NaN (see the module docstring). Lines without a year
    (amounts for the whole period of a table) are reported in a row with year ``None`` only when there
    are any.
    """
    df = budget_frame(programme, table)
    budget = is_budget(programme, table)
    out = []
    years: list[int | None] = _years(df)
    if df["year"].isna().any():
        years.append(None)
    for year in years:
        part = df[df["year"].isna()] if year is None else df[df["year"] == year]
        out.append({"year": year, **_sums(part, budget), "pm_lines": int(part["pm"].sum())})
    return pd.DataFrame(out, columns=["year", "expenditure", "coverage", "coverage_regional", "saldo", "pm_lines"])


def subtotals(programme: Programme, table: str | None = None) -> pd.DataFrame:
    """Sums per kind and printed category (e.g. *bestaande dekking*, *nieuwe dekking*) per year."""
    df = budget_frame(programme, table)
    df = df.assign(category=df["category"].fillna(""))
    grouped = df.groupby(["kind", "category", "year"], dropna=False)["amount"].sum().reset_index()
    return grouped.sort_values(["kind", "category", "year"]).reset_index(drop=True)


def _wide(df: pd.DataFrame, key: str) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame(columns=[key])
    wide = df.pivot_table(index=key, columns="year", values="amount", aggfunc="sum", fill_value=0.0)
    wide.columns = [int(c) for c in wide.columns]
    wide["total"] = wide.sum(axis=1)
    return wide.reset_index()


def finance_by_ambition(programme: Programme, table: str | None = None) -> pd.DataFrame:
    """Expenditure per ambition (rows, in programme order) and year (columns), with a total column.

    Lines that the source ties to no ambition (e.g. a project between two kansen) are in the row
    ``(programma als geheel)``.
    """
    df = budget_frame(programme, table)
    df = df[(df["kind"] == BudgetKind.EXPENDITURE.value) & df["year"].notna()]
    df = df.assign(ambition=df["ambition"].fillna(PROGRAMME_AS_A_WHOLE))
    wide = _wide(df, "ambition")
    order = [a.id for a in programme.ambitions] + [PROGRAMME_AS_A_WHOLE]
    names = {a.id: a.name for a in programme.ambitions}
    # ambitions with only p.m. lines still get a row (with zeros), so that they stay visible
    present = set(wide["ambition"]) if not wide.empty else set()
    pm_only = [a for a in order if a not in present and a in set(df["ambition"])]
    if pm_only:
        filler = pd.DataFrame({"ambition": pm_only})
        wide = pd.concat([wide, filler], ignore_index=True).fillna(0.0)
    wide["order"] = wide["ambition"].map({a: i for i, a in enumerate(order)}).fillna(len(order))
    wide = wide.sort_values("order").drop(columns="order").reset_index(drop=True)
    wide.insert(1, "name", wide["ambition"].map(names).fillna(""))
    pm = df.groupby("ambition")["pm"].sum()
    wide["pm_lines"] = wide["ambition"].map(pm).fillna(0).astype(int)
    return wide


def finance_by_source(programme: Programme, table: str | None = None) -> pd.DataFrame:
    """Per funding source and year: expenditure attributed to it, its coverage, and saldo.

    ``regional`` marks a regional source. Its coverage is in ``coverage`` here (the row is about that
    source alone) and its saldo is that of the source; the gemeente's totals leave it out
    (:func:`finance_by_year`). A budget table has no saldo (NaN).
    """
    df = budget_frame(programme, table)
    df = df[df["year"].notna()]
    df = df.assign(source=df["source"].fillna(NO_SOURCE))
    budget = is_budget(programme, table)
    regional = regional_sources(programme)
    rows = []
    for (source, year), part in df.groupby(["source", "year"]):
        expenditure = part.loc[part["kind"] == BudgetKind.EXPENDITURE.value, "amount"].sum()
        coverage = part.loc[part["kind"] == BudgetKind.COVERAGE.value, "amount"].sum()
        rows.append({"source": source, "year": int(year), "regional": source in regional,
                     "expenditure": float(expenditure), "coverage": float(coverage),
                     "saldo": float("nan") if budget else float(coverage - expenditure)})
    out = pd.DataFrame(rows, columns=["source", "year", "regional", "expenditure", "coverage", "saldo"])
    names = {s.id: s.name for s in programme.funding_sources}
    out.insert(1, "name", [names.get(src, src) for src in out["source"]])
    return out.sort_values(["source", "year"]).reset_index(drop=True)


def lijn_shares(
    programme: Programme,
    table: str | None = None,
    year: int | None = None,
    target: dict[str, float] | LijnTarget | None = None,
) -> pd.DataFrame:
    """Share of expenditure per lijn (0e/1e/2e) against a target split (default 20/20/60).

    Columns: ``lijn, amount, share`` (percent of the expenditure that has a lijn), ``target``
    (percent) and ``difference`` (share − target, percentage points).
    """
    if target is None:
        target = programme.lijn_target or DEFAULT_LIJN_TARGET
    if isinstance(target, LijnTarget):
        target = target.as_dict()
    df = budget_frame(programme, table)
    df = df[(df["kind"] == BudgetKind.EXPENDITURE.value) & df["lijn"].notna()]
    if year is not None:
        df = df[df["year"] == year]
    sums = df.groupby("lijn")["amount"].sum()
    total = float(sums.sum())
    rows = []
    for lijn in (Lijn.NULDE.value, Lijn.EERSTE.value, Lijn.TWEEDE.value):
        amount = float(sums.get(lijn, 0.0))
        share = amount / total * 100 if total else float("nan")
        goal = float(target.get(lijn, 0.0))
        rows.append({"lijn": lijn, "amount": amount, "share": share, "target": goal, "difference": share - goal})
    return pd.DataFrame(rows, columns=["lijn", "amount", "share", "target", "difference"])


@dataclass
class SourceGap:
    """What happens when a funding source stops: the expenditure it used to cover, per later year."""

    source: str
    name: str
    last_year: int | None  # last year with coverage from this source
    declared_end: int | None  # ``ends_after`` as declared on the funding source
    uncovered: dict[int, float] = field(default_factory=dict)  # year → expenditure without this coverage
    items: dict[int, list[str]] = field(default_factory=dict)  # year → labels of the affected lines

    @property
    def total(self) -> float:
        return float(sum(self.uncovered.values()))

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"source": self.source, "year": y, "uncovered": a, "lines": "; ".join(self.items.get(y, []))}
             for y, a in sorted(self.uncovered.items())],
            columns=["source", "year", "uncovered", "lines"],
        )


def source_end_gap(programme: Programme, source: str, table: str | None = None) -> SourceGap:
    """The gap after a source ends (e.g. NPO after 2025 in *Kansrijk Enschede*).

    The end is the last year in the table with coverage from ``source`` (or the declared
    ``ends_after`` when there is no coverage line at all). For each later year of the table, the
    expenditure attributed to that source is the gap: it no longer has coverage. Without either (no
    coverage line, no declared end) or in a budget table there is no gap: nothing says the money stops.
    """
    fs = programme.funding_source(source)
    if fs is None:
        raise KeyError(f"financieringsbron '{source}' bestaat niet in programma '{programme.id}'")
    df = budget_frame(programme, table)
    df = df[df["year"].notna()]
    cov = df[(df["source"] == source) & (df["kind"] == BudgetKind.COVERAGE.value) & (df["amount"] > 0)]
    last = int(cov["year"].max()) if not cov.empty else fs.ends_after
    gap = SourceGap(source=source, name=fs.name, last_year=last, declared_end=fs.ends_after)
    if last is None or is_budget(programme, table):
        # no coverage line and no declared end: nothing says the money stops. A budget (begroting)
        # lists money that is made available; it has no coverage to run out.
        return gap
    years = _years(df)
    exp = df[(df["source"] == source) & (df["kind"] == BudgetKind.EXPENDITURE.value)]
    for year in years:
        if last is not None and year <= last:
            continue
        part = exp[exp["year"] == year]
        amount = float(part["amount"].sum())
        if amount:
            gap.uncovered[year] = amount
            gap.items[year] = list(part["label"])
    return gap


def funding_gaps(programme: Programme, table: str | None = None) -> list[SourceGap]:
    """``source_end_gap`` for every funding source whose coverage ends before the table does."""
    out = []
    for fs in programme.funding_sources:
        gap = source_end_gap(programme, fs.id, table)
        if gap.uncovered:
            out.append(gap)
    return out
