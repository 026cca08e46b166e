"""Long and wide tables from the municipality's own files.

* **long**: one value per row, ``region;indicator;period;value`` (optional columns
  ``boundary_year``, ``status``, ``numerator``, ``denominator``, ``lower``, ``upper``, ``source``).
* **wide**: one row per region, one column per indicator, with a YAML mapping file that says which
  column is the region code and which column feeds which indicator.

Both only accept regions the store knows (in the stated indeling) and indicators in the catalogue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.catalogue import Catalogue, load_yaml_with_lines, strip_lines
from ..core.errors import ImportValidationError, Issue
from ..core.model import Status
from .common import (
    ImportBatch,
    IssueCollector,
    check_duplicates,
    check_max,
    observations_frame,
    parse_cell,
    read_csv_checked,
    read_excel_checked,
    record,
    sha256_of,
)

LONG_REQUIRED = ["region", "indicator", "period", "value"]
STATUS_NL = {"gemeten": "measured", "geschat": "estimated", "geheim": "suppressed", "ontbreekt": "missing"}


def _resolve_year(
    code: str, stated: int | None, known: dict[str, set[int]], row: int, field: str, issues: IssueCollector
) -> int | None:
    years = known.get(code)
    if not years:
        issues.add(row, field, f"gebied '{code}' is onbekend", "importeer eerst de gebieden of controleer de code "
                   "(zie 'kansenmonitor regions')")
        return None
    if stated is not None:
        if stated not in years:
            issues.add(
                row, field, f"gebied '{code}' bestaat niet in de indeling {stated}",
                f"het bestaat wel in {', '.join(map(str, sorted(years)))}",
            )
            return None
        return stated
    if len(years) > 1:
        issues.add(
            row, field, f"gebied '{code}' bestaat in meer indelingen ({', '.join(map(str, sorted(years)))})",
            "voeg een kolom boundary_year toe of geef --boundary-year op",
        )
        return None
    return next(iter(years))


def _period(raw: Any, row: int, field: str, issues: IssueCollector, expected: int | None) -> int | None:
    text = str(raw).strip()
    if not text.isdigit() or not 1900 <= int(text) <= 2100:
        issues.add(row, field, f"'{text}' is geen jaartal", "gebruik een jaar met vier cijfers, zoals 2024")
        return None
    if expected is not None and int(text) != expected:
        issues.add(row, field, f"het jaar {text} past niet bij het opgegeven jaar {expected}", "controleer --year")
        return None
    return int(text)


def read_long(
    path: Path,
    catalogue: Catalogue,
    known_regions: dict[str, set[int]],
    boundary_year: int | None = None,
    year: int | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    decimal_comma: bool | None = None,
) -> ImportBatch:
    """Read a long CSV (``region;indicator;period;value``)."""
    path = Path(path)
    frame, used = read_csv_checked(path, LONG_REQUIRED, delimiter, encoding)
    decimal_comma = (used == ";") if decimal_comma is None else decimal_comma
    issues = IssueCollector(str(path))
    records, rows = [], []
    for i, rec in enumerate(frame.to_dict("records")):
        row = i + 2
        code = str(rec["region"]).strip()
        ind_id = str(rec["indicator"]).strip()
        if ind_id not in catalogue:
            issues.add(row, "indicator", f"indicator '{ind_id}' staat niet in de catalogus",
                       "zie 'kansenmonitor indicators' of voeg hem toe aan een catalogusbestand")
            continue
        ind = catalogue[ind_id]
        stated = boundary_year
        if str(rec.get("boundary_year", "")).strip():
            by = str(rec["boundary_year"]).strip()
            if not by.isdigit():
                issues.add(row, "boundary_year", f"'{by}' is geen jaartal")
                continue
            stated = int(by)
        by_year = _resolve_year(code, stated, known_regions, row, "region", issues)
        period = _period(rec["period"], row, "period", issues, year)
        value, status, error = parse_cell(rec["value"], decimal_comma)
        if error:
            issues.add(row, "value", error)
            continue
        if str(rec.get("status", "")).strip():
            word = str(rec["status"]).strip().lower()
            word = STATUS_NL.get(word, word)
            if word not in {s.value for s in Status}:
                issues.add(row, "status", f"onbekende status '{rec['status']}'",
                           "gebruik measured, estimated, suppressed of missing")
                continue
            status = Status(word)
            if value is not None and status in (Status.SUPPRESSED, Status.MISSING):
                issues.add(row, "value", f"een waarde bij status '{word}'", "laat de waarde leeg")
                continue
            if value is None and status in (Status.MEASURED, Status.ESTIMATED):
                issues.add(row, "value", f"status '{word}' zonder waarde")
                continue
        check_max(value, ind.max_value, row, "value", issues)
        extra = {}
        for col in ("numerator", "denominator", "lower", "upper"):
            if str(rec.get(col, "")).strip():
                v, _, err = parse_cell(rec[col], decimal_comma)
                if err:
                    issues.add(row, col, err)
                extra[col] = v
        if by_year is None or period is None:
            continue
        records.append(
            record(code, by_year, ind_id, period, value, status,
                   str(rec.get("source") or "").strip() or f"{path.name}, rij {row}", **extra)
        )
        rows.append(row)
    obs = observations_frame(records, rows)
    check_duplicates(obs, rows, issues)
    issues.raise_if_any()
    return ImportBatch(kind="long", file=str(path), rows=len(frame), observations=obs, sha256=sha256_of(path))


def load_mapping(path: Path) -> dict:
    """Load and validate a wide-table mapping file."""
    doc = load_yaml_with_lines(Path(path))
    issues = []
    if not isinstance(doc, dict):
        raise ImportValidationError([Issue(str(path), 1, None, "het mappingbestand moet een YAML-mapping zijn")])
    for key in ("region_column", "columns"):
        if key not in doc:
            issues.append(Issue(str(path), doc.get("__line__"), key, "verplicht veld ontbreekt"))
    if "columns" in doc and not isinstance(doc["columns"], dict):
        issues.append(Issue(str(path), doc.get("__line__"), "columns", "'columns' moet kolom: indicator-paren bevatten"))
    if issues:
        raise ImportValidationError(issues)
    return strip_lines(doc)


def read_wide(
    path: Path,
    mapping_path: Path,
    catalogue: Catalogue,
    known_regions: dict[str, set[int]],
    boundary_year: int | None = None,
    year: int | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    region_filter=None,
) -> ImportBatch:
    """Read a wide CSV/XLSX with a mapping file (column → indicator)."""
    path = Path(path)
    mapping = load_mapping(mapping_path)
    if path.suffix.lower() in (".xlsx", ".xls"):
        frame = read_excel_checked(path, sheet_name=mapping.get("sheet", 0))
        used = ","
    else:
        frame, used = read_csv_checked(
            path, [mapping["region_column"], *mapping["columns"].keys()], delimiter or mapping.get("delimiter"), encoding
        )
    decimal_comma = bool(mapping.get("decimal_comma", used == ";"))
    issues = IssueCollector(str(path))
    mfile = str(mapping_path)
    for col, ind_id in mapping["columns"].items():
        if ind_id not in catalogue:
            issues.add(None, col, f"mapping {Path(mfile).name}: indicator '{ind_id}' staat niet in de catalogus",
                       "zie 'kansenmonitor indicators'")
        if col not in frame.columns:
            issues.add(1, col, "kolom uit de mapping ontbreekt in het bestand")
    if mapping["region_column"] not in frame.columns:
        issues.add(1, mapping["region_column"], "kolom met gebiedscodes ontbreekt")
    issues.raise_if_any()
    by_stated = boundary_year or mapping.get("boundary_year")
    period_default = year or mapping.get("period") or by_stated
    if period_default is None:
        issues.add(None, "period", "onbekend over welk jaar de cijfers gaan", "geef --year op of zet 'period' in de mapping")
        issues.raise_if_any()
    source = mapping.get("source") or {}
    source_label = ", ".join(str(source[k]) for k in ("publisher", "table") if source.get(k)) or path.name
    records, rows, fields = [], [], []
    for i, rec in enumerate(frame.to_dict("records")):
        row = i + 2
        code = str(rec[mapping["region_column"]]).strip()
        if region_filter is not None and not region_filter(code):
            continue
        by_year = _resolve_year(code, by_stated, known_regions, row, mapping["region_column"], issues)
        if by_year is None:
            continue
        for col, ind_id in mapping["columns"].items():
            ind = catalogue[ind_id]
            value, status, error = parse_cell(rec[col], decimal_comma)
            if error:
                issues.add(row, col, error)
                continue
            check_max(value, ind.max_value, row, col, issues)
            records.append(
                record(code, by_year, ind_id, int(period_default), value, status, f"{source_label}, {col}; {path.name}")
            )
            rows.append(row)
            fields.append(col)
    obs = observations_frame(records, rows, fields)
    check_duplicates(obs, rows, issues)
    issues.raise_if_any()
    return ImportBatch(kind="wide", file=str(path), rows=len(frame), observations=obs, sha256=sha256_of(path),
                       note=f"mapping {Path(mapping_path).name}")
