"""CBS StatLine / OData tables in their own column layout.

A StatLine table has a region dimension (``WijkenEnBuurten`` or ``RegioS``, codes space-padded),
``Perioden`` (``2020JJ00``), optional dimensions such as ``Leeftijd`` and ``Marges`` (``MW00000`` =
point estimate, ``MOG00095``/``MBG00095`` = lower/upper bound of the 95 % interval), and one column
per measure named ``Key_N`` (``ErvarenGezondheidGoedZeerGoed_4``). Measures map to indicators through
the catalogue (table, column and dimension filters).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.catalogue import Catalogue
from ..core.model import (
    CBS_MISSING_MARKERS,
    CBS_SUPPRESSED_MARKERS,
    Level,
    Region,
    Status,
    cbs_parent,
    level_of_code,
)
from .common import ImportBatch, IssueCollector, RegionFilter, read_csv_checked, sha256_of

REGION_COLUMNS = ["WijkenEnBuurten", "RegioS", "Regio", "regio_code", "Codering_3", "codering"]
MEASURE = re.compile(r"^[A-Z][A-Za-z0-9]+_\d+$")
PERIOD = re.compile(r"^(?P<year>\d{4})JJ00$")
MARGIN_POINT = "MW00000"
MARGIN_LOWER = "MOG00095"
MARGIN_UPPER = "MBG00095"
KNOWN_DIMENSIONS = ["Leeftijd", "Geslacht", "Marges"]
#: Known tables and the indeling (boundary year) their regions follow.
TABLE_BOUNDARY_YEAR = {"50090NED": 2020, "50150NED": 2024, "85984NED": 2024, "85318NED": 2022, "84583NED": 2019}
#: Columns of StatLine exports that are not measures.
META_COLUMNS = {"ID", "Gemeentenaam_1", "SoortRegio_2", "Codering_3", "IndelingswijzigingWijkenEnBuurten_4"}


def _level_name(level: Level | None) -> str:
    return level.value if level else "?"


def parse_statline(
    frame: pd.DataFrame,
    file: str,
    catalogue: Catalogue,
    table: str,
    boundary_year: int | None = None,
    years: list[int] | None = None,
    region_filter: RegionFilter | None = None,
    known_names: dict[str, str] | None = None,
    skip_unknown: bool = False,
    first_row: int = 2,
) -> ImportBatch:
    """Validate a StatLine table into an :class:`ImportBatch` (nothing is written)."""
    issues = IssueCollector(file)
    boundary_year = boundary_year or TABLE_BOUNDARY_YEAR.get(table)
    if boundary_year is None:
        issues.add(None, None, f"onbekend welke gebiedsindeling tabel {table} volgt", "geef --boundary-year op")
        issues.raise_if_any()
    columns = [str(c) for c in frame.columns]
    region_col = next((c for c in REGION_COLUMNS if c in columns), None)
    if region_col is None:
        issues.add(1, None, "geen regiokolom gevonden", f"verwacht een van: {', '.join(REGION_COLUMNS)}")
    if "Perioden" not in columns:
        issues.add(1, "Perioden", "kolom 'Perioden' ontbreekt", "een StatLine-tabel heeft een kolom Perioden (2020JJ00)")
    issues.raise_if_any()
    dims = [d for d in KNOWN_DIMENSIONS if d in columns]
    measures = [c for c in columns if MEASURE.match(c) and c not in META_COLUMNS and c != region_col]
    if not measures:
        issues.add(1, None, "geen meetkolommen gevonden (zoals ErvarenGezondheidGoedZeerGoed_4)")
        issues.raise_if_any()

    work = frame[[region_col, "Perioden", *dims, *measures]].copy()
    work["_row"] = np.arange(len(work)) + first_row
    work[region_col] = work[region_col].astype(str).str.strip()
    codes = work[region_col]
    if region_filter is not None:
        keep = codes.map(region_filter).astype(bool)
        work = work[keep]
        codes = work[region_col]
    levels = codes.map(level_of_code)
    for idx in work.index[levels.isna()][:20]:
        issues.add(int(work.at[idx, "_row"]), region_col, f"'{work.at[idx, region_col]}' is geen geldige CBS-code")
    periods = work["Perioden"].astype(str).str.strip()
    year = periods.str.extract(PERIOD)["year"]
    for idx in work.index[year.isna()][:20]:
        issues.add(
            int(work.at[idx, "_row"]), "Perioden", f"'{work.at[idx, 'Perioden']}' is geen jaarperiode",
            "alleen jaarcijfers (zoals 2020JJ00) worden ondersteund",
        )
    work["_year"] = pd.to_numeric(year, errors="coerce")
    if years:
        bad = work.index[work["_year"].notna() & ~work["_year"].isin(years)]
        for idx in bad[:5]:
            issues.add(
                int(work.at[idx, "_row"]), "Perioden",
                f"het jaar {int(work.at[idx, '_year'])} past niet bij het opgegeven jaar {', '.join(map(str, years))}",
                "controleer --year of het bestand",
            )
    for dim in dims:
        work[dim] = work[dim].astype(str).str.strip()
    issues.raise_if_any()

    # (measure, dimension values without Marges) → indicator
    dims_nomargin = [d for d in dims if d != "Marges"]
    lookup: dict[tuple, tuple[str, bool]] = {}
    for ind in catalogue:
        for src in ind.sources:
            if src.table == table and src.column in measures:
                key = (src.column, *[src.filters.get(d) for d in dims_nomargin])
                lookup[key] = (ind.id, src.estimated)
    margins = work["Marges"] if "Marges" in dims else pd.Series(MARGIN_POINT, index=work.index)
    unknown_margin = ~margins.isin([MARGIN_POINT, MARGIN_LOWER, MARGIN_UPPER])
    for idx in work.index[unknown_margin][:5]:
        issues.add(int(work.at[idx, "_row"]), "Marges", f"onbekende marge '{margins[idx]}'",
                   f"verwacht {MARGIN_POINT}, {MARGIN_LOWER} of {MARGIN_UPPER}")
    dupe_keys = [region_col, "_year", *dims]
    dupes = work.duplicated(subset=dupe_keys, keep="first")
    for idx in work.index[dupes][:20]:
        issues.add(
            int(work.at[idx, "_row"]), region_col,
            f"dubbele rij voor {work.at[idx, region_col]} in {work.at[idx, 'Perioden']}"
            + (f" ({', '.join(str(work.at[idx, d]) for d in dims)})" if dims else ""),
            "verwijder de dubbele rij",
        )
    issues.raise_if_any()

    long = work.melt(id_vars=[region_col, "_year", "_row", *dims], value_vars=measures, var_name="_col", value_name="_raw")
    key_frame = long[["_col", *dims_nomargin]].astype(str)
    keys = list(key_frame.itertuples(index=False, name=None))
    mapped = [lookup.get(k) for k in keys]
    long["indicator"] = [m[0] if m else None for m in mapped]
    long["_estimated"] = [m[1] if m else False for m in mapped]
    unmapped = long[long["indicator"].isna()]
    if not unmapped.empty and not skip_unknown:
        combos = unmapped[["_col", *dims_nomargin]].drop_duplicates().head(10)
        for combo in combos.itertuples(index=False):
            row = int(unmapped.loc[(unmapped["_col"] == combo[0]), "_row"].iloc[0])
            dim_txt = ", ".join(f"{d}={v}" for d, v in zip(dims_nomargin, combo[1:], strict=True))
            issues.add(
                row, combo[0], f"kolom hoort bij geen indicator uit de catalogus (tabel {table}"
                + (f", {dim_txt}" if dim_txt else "") + ")",
                "voeg de indicator toe aan een catalogusbestand of gebruik --skip-unknown",
            )
        issues.raise_if_any()
    long = long[long["indicator"].notna()].copy()

    # parse values: numbers pass, CBS markers become a status, other text is an error
    raw = long["_raw"]
    if raw.dtype == object or str(raw.dtype).startswith("str"):
        text = raw.astype(str).str.strip()
        text = text.where(~raw.isna(), "")
        suppressed = text.isin(CBS_SUPPRESSED_MARKERS) | text.str.startswith("<")
        missing = text.isin(CBS_MISSING_MARKERS) & ~suppressed
        values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
        bad = values.isna() & ~suppressed & ~missing
        for idx in long.index[bad][:20]:
            issues.add(int(long.at[idx, "_row"]), str(long.at[idx, "_col"]), f"'{text[idx]}' is geen getal")
    else:
        values = pd.to_numeric(raw, errors="coerce")
        suppressed = values.isin([-99997.0, -99999999.0])
        missing = values.isna()
    issues.raise_if_any()
    sentinel = values.isin([-99997.0, -99999999.0])
    suppressed = suppressed | sentinel
    values = values.where(~(suppressed | missing))
    long["_value"] = values.astype(float)
    long["_suppressed"] = suppressed.values
    for ind_id in long["indicator"].unique():
        ind = catalogue[ind_id]
        if ind.max_value is not None:
            over = long.index[(long["indicator"] == ind_id) & (long["_value"] > ind.max_value)]
            for idx in over[:5]:
                issues.add(int(long.at[idx, "_row"]), str(long.at[idx, "_col"]),
                           f"waarde {long.at[idx, '_value']:g} is groter dan het maximum {ind.max_value:g}")
    issues.raise_if_any()

    margin_col = long["Marges"] if "Marges" in long.columns else pd.Series(MARGIN_POINT, index=long.index)
    point = long[margin_col == MARGIN_POINT]
    out = point[[region_col, "_year", "indicator", "_value", "_suppressed", "_estimated", "_col"]].rename(
        columns={region_col: "region", "_year": "period", "_value": "value"}
    )
    for label, code in (("lower", MARGIN_LOWER), ("upper", MARGIN_UPPER)):
        bounds = long[margin_col == code][[region_col, "_year", "indicator", "_value"]].rename(
            columns={region_col: "region", "_year": "period", "_value": label}
        )
        out = out.merge(bounds, on=["region", "period", "indicator"], how="left") if not bounds.empty else out.assign(
            **{label: np.nan}
        )
    status = np.where(
        out["_suppressed"], Status.SUPPRESSED.value,
        np.where(out["value"].isna(), Status.MISSING.value,
                 np.where(out["_estimated"], Status.ESTIMATED.value, Status.MEASURED.value)),
    )
    obs = pd.DataFrame(
        {
            "region": out["region"].values,
            "boundary_year": boundary_year,
            "indicator": out["indicator"].values,
            "period": out["period"].astype(int).values,
            "value": out["value"].values,
            "status": status,
            "numerator": np.nan,
            "denominator": np.nan,
            "lower": out["lower"].values,
            "upper": out["upper"].values,
            "source_ref": (f"CBS {table}, " + out["_col"].astype(str) + f"; {Path(file).name}").values,
            "_field": out["_col"].values,
        }
    )
    regions = []
    name_cols = [c for c in ("gemeentenaam", "Gemeentenaam_1") if c in columns]
    names = dict(known_names or {})
    if name_cols:
        nm = frame[[region_col, name_cols[0]]].astype(str)
        for code, gm_name in zip(nm[region_col].str.strip(), nm[name_cols[0]].str.strip(), strict=True):
            if code.startswith("GM") and code not in names:
                names[code] = gm_name
    for code in obs["region"].unique():
        level = level_of_code(code)
        regions.append(
            Region(
                code=code,
                name=names.get(code) or ("Nederland" if level == Level.LAND else code),
                level=level,
                boundary_year=boundary_year,
                parent=cbs_parent(code),
                source=f"CBS {table}",
            )
        )
    return ImportBatch(kind="statline", file=file, rows=len(work), observations=obs, regions=regions)


def read_statline(
    path: Path,
    catalogue: Catalogue,
    table: str,
    boundary_year: int | None = None,
    years: list[int] | None = None,
    region_filter: RegionFilter | None = None,
    known_names: dict[str, str] | None = None,
    skip_unknown: bool = False,
    delimiter: str | None = None,
    encoding: str = "utf-8",
) -> ImportBatch:
    """Read a StatLine export (CSV as downloaded, or Parquet) and validate it."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        frame = pd.read_parquet(path)
    else:
        frame, _ = read_csv_checked(path, delimiter=delimiter, encoding=encoding)
    batch = parse_statline(
        frame, str(path), catalogue, table, boundary_year, years, region_filter, known_names, skip_unknown
    )
    batch.sha256 = sha256_of(path)
    return batch
