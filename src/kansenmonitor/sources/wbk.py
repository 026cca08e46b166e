"""CBS wijk- en buurtkaart attribute tables and flat KWB files (one row per region).

Handles the layouts users really have: the map's attribute table (``WK_CODE``, ``WK_NAAM``,
``AANT_INW``, ``P_00_14_JR`` …), flat exports of Kerncijfers wijken en buurten with OData column
names (``AantalInwoners_5`` …, optionally year-suffixed such as ``misdrijven_totaal_2023``) and
renamed third-party reshapings. Columns are matched to indicators through the catalogue's sources.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..core.catalogue import Catalogue
from ..core.model import Level, Region, Source, Status, cbs_parent, level_of_code
from .common import (
    ImportBatch,
    IssueCollector,
    RegionFilter,
    check_duplicates,
    check_max,
    observations_frame,
    parse_cell,
    read_csv_checked,
    read_excel_checked,
    record,
    sha256_of,
)

CODE_COLUMNS = ["BU_CODE", "WK_CODE", "GM_CODE", "code", "CODE", "statcode", "regio_code", "unique_id", "Codering_3"]
NAME_FOR_CODE = {
    "BU_CODE": ["BU_NAAM"],
    "WK_CODE": ["WK_NAAM"],
    "GM_CODE": ["GM_NAAM"],
    "code": ["name", "naam"],
    "CODE": ["NAAM", "NAME"],
    "statcode": ["statnaam"],
    "unique_id": ["region"],
    "regio_code": ["naam"],
}
NON_MEASURE = {"level", "wk_code", "gm_code", "gm_naam", "provincie", "province", "WATER", "IND_WBI", "H2O", "JAAR"}
#: Text classes of urbanity in third-party files → CBS classes 1..5.
URBANITY_TEXT = {
    "extremely urbanised": 1.0,
    "strongly urbanised": 2.0,
    "moderately urbanised": 3.0,
    "hardly urbanised": 4.0,
    "not urbanised": 5.0,
}
_YEAR_SUFFIX = re.compile(r"^(?P<col>.+)_(?P<year>(19|20)\d{2})$")


def _match_columns(
    columns: list[str], catalogue: Catalogue, table: str | None
) -> tuple[dict[str, tuple[str, Source, int | None]], list[str], str | None]:
    """Map file columns to (indicator id, source, period-from-suffix). Returns the map, unmatched, table."""
    by_table: dict[str, dict[str, tuple[str, Source, int | None]]] = {}
    for ind in catalogue:
        for src in ind.sources:
            if not src.column or (table and src.table != table):
                continue
            for col in columns:
                if col == src.column:
                    by_table.setdefault(src.table or "", {})[col] = (ind.id, src, None)
                else:
                    m = _YEAR_SUFFIX.match(col)
                    if m and m.group("col") == src.column:
                        by_table.setdefault(src.table or "", {})[col] = (ind.id, src, int(m.group("year")))
    if not by_table:
        return {}, [c for c in columns if c not in NON_MEASURE], table
    main = max(by_table, key=lambda t: len(by_table[t]))
    mapping = dict(by_table[main])
    for t, cols in by_table.items():
        if t == main:
            continue
        for col, hit in cols.items():
            if col in mapping:
                continue
            owners = [tt for tt, cc in by_table.items() if tt != main and col in cc]
            if len(owners) == 1:
                mapping[col] = hit
    unmatched = [c for c in columns if c not in mapping and c not in NON_MEASURE]
    return mapping, unmatched, main


def parse_attribute_table(
    frame: pd.DataFrame,
    file: str,
    catalogue: Catalogue,
    boundary_year: int,
    period: int | None = None,
    table: str | None = None,
    region_filter: RegionFilter | None = None,
    known_names: dict[str, str] | None = None,
    first_row: int = 2,
    kind: str = "wbk",
) -> ImportBatch:
    """Validate a one-row-per-region table into an :class:`ImportBatch` (nothing is written)."""
    issues = IssueCollector(file)
    period = period or boundary_year
    columns = [str(c) for c in frame.columns]
    code_col = next((c for c in CODE_COLUMNS if c in columns), None)
    if code_col is None:
        issues.add(1, None, "geen kolom met gebiedscodes gevonden", f"verwacht een van: {', '.join(CODE_COLUMNS)}")
        issues.raise_if_any()
    name_col = next((c for c in NAME_FOR_CODE.get(code_col, []) if c in columns), None)
    for year_col in ("JAAR", "jaar"):
        if year_col in columns:
            years = {str(v).strip() for v in frame[year_col] if str(v).strip()}
            wrong = sorted(y for y in years if y != str(boundary_year))
            if wrong:
                row = first_row + int(frame.index[frame[year_col].astype(str).str.strip() == wrong[0]][0])
                issues.add(
                    row, year_col, f"het jaar in het bestand ({wrong[0]}) past niet bij de indeling {boundary_year}",
                    f"geef --year {wrong[0]} op als dat de bedoelde indeling is",
                )
    mapping, unmatched, used_table = _match_columns(
        [c for c in columns if c not in (code_col, name_col)], catalogue, table
    )
    if not mapping:
        issues.add(
            1, None, "geen enkele kolom hoort bij een indicator uit de catalogus",
            "controleer --table of voeg de indicatoren toe aan een catalogusbestand",
        )
    issues.raise_if_any()

    records: list[dict] = []
    rows: list[int] = []
    fields: list[str] = []
    regions: dict[str, Region] = {}
    seen_codes: dict[str, int] = {}
    for i, rec in enumerate(frame.to_dict("records")):
        row = first_row + i
        code = str(rec[code_col]).strip()
        if not code:
            issues.add(row, code_col, "lege gebiedscode")
            continue
        level = level_of_code(code)
        if level is None:
            issues.add(row, code_col, f"'{code}' is geen geldige CBS-code", "verwacht GMxxxx, WKxxxxxx of BUxxxxxxxx")
            continue
        if region_filter is not None and not region_filter(code):
            continue
        if code in seen_codes:
            issues.add(row, code_col, f"gebied '{code}' staat twee keer in het bestand (ook in rij {seen_codes[code]})")
            continue
        seen_codes[code] = row
        name = str(rec[name_col]).strip() if name_col and str(rec.get(name_col, "")).strip() else None
        parent = None
        if level == Level.BUURT:
            parent = str(rec.get("WK_CODE") or rec.get("wk_code") or "").strip() or cbs_parent(code)
        elif level in (Level.WIJK, Level.GEMEENTE):
            parent = cbs_parent(code)
        regions[code] = Region(
            code=code,
            name=name or (known_names or {}).get(code) or code,
            level=level,
            boundary_year=boundary_year,
            parent=parent,
            source=f"{used_table or table or kind}: {Path(file).name}",
        )
        for col, (ind_id, src, suffix_year) in mapping.items():
            raw = rec.get(col)
            ind = catalogue[ind_id]
            if ind_id == "stedelijkheid" and isinstance(raw, str) and raw.strip().lower() in URBANITY_TEXT:
                raw = URBANITY_TEXT[raw.strip().lower()]
            value, status, error = parse_cell(raw)
            if error:
                issues.add(row, col, error)
                continue
            check_max(value, ind.max_value, row, col, issues)
            if status == Status.MEASURED and src.estimated:
                status = Status.ESTIMATED
            records.append(
                record(code, boundary_year, ind_id, suffix_year or period, value, status,
                       f"{src.publisher} {src.table}, {col}; {Path(file).name}")
            )
            rows.append(row)
            fields.append(col)
    obs = observations_frame(records, rows, fields)
    check_duplicates(obs, rows, issues)
    issues.raise_if_any()
    warnings = []
    if unmatched:
        warnings.append(
            f"{len(unmatched)} kolommen horen niet bij een indicator en zijn overgeslagen: "
            + ", ".join(unmatched[:10])
            + (" …" if len(unmatched) > 10 else "")
        )
    return ImportBatch(
        kind=kind,
        file=file,
        rows=len(frame),
        observations=obs,
        regions=list(regions.values()),
        warnings=warnings,
        note=f"table {used_table}" if used_table else None,
    )


def read_wbk(
    path: Path,
    catalogue: Catalogue,
    boundary_year: int,
    period: int | None = None,
    table: str | None = None,
    region_filter: RegionFilter | None = None,
    known_names: dict[str, str] | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
) -> ImportBatch:
    """Read a wijk- en buurtkaart attribute table or a flat KWB file (CSV, XLSX or DBF)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xls"):
        frame = read_excel_checked(path)
    elif suffix in (".dbf", ".shp", ".gpkg"):
        import pyogrio

        frame = pyogrio.read_dataframe(path, read_geometry=False)
    else:
        frame, _ = read_csv_checked(path, delimiter=delimiter, encoding=encoding)
    batch = parse_attribute_table(
        frame, str(path), catalogue, boundary_year, period, table, region_filter, known_names, kind="wbk"
    )
    batch.sha256 = sha256_of(path)
    return batch
