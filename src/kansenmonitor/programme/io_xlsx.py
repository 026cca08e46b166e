"""Programme ⇄ Excel workbook, one sheet per level.

Sheets: ``programme`` (field/value rows), ``principles``, ``uitgangspunten``, ``programme_lines``,
``focus_areas``, ``ambitions``, ``kansen``, ``interventions``, ``assumptions``, ``places``,
``funding_sources``, ``budget_tables``, ``budget``, ``indicators``, ``targets``, ``measurements``,
``figures``, ``narratives``, ``narrative_places``.

Nested groups are columns with a dot (``age_phase.label``, ``baseline.value``); lists of texts are
one cell with items separated by ``; ``; nested lists (assumptions, places, targets, measurements)
are their own sheet with a column that names the parent (``intervention_id``, ``indicator_id``,
``narrative_id``). The column names are the YAML keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kansenmonitor.core.errors import DefinitionError, Issue

from .codec import (
    FILE_KEY,
    LINE_KEY,
    LIST_SEPARATOR,
    Context,
    from_dict,
    hints,
    is_dataclass_type,
    list_item_type,
    public_fields,
    to_dict,
    unwrap_optional,
)
from .model import (
    Ambition,
    BudgetLine,
    BudgetTable,
    Figure,
    FocusArea,
    FundingSource,
    Intervention,
    Kans,
    Narrative,
    Principle,
    Programme,
    ProgrammeIndicator,
    ProgrammeLine,
    Uitgangspunt,
)
from .validate import check_programme

#: (sheet, Programme attribute, item class)
TOP_SHEETS: list[tuple[str, str, type]] = [
    ("principles", "principles", Principle),
    ("uitgangspunten", "uitgangspunten", Uitgangspunt),
    ("programme_lines", "programme_lines", ProgrammeLine),
    ("focus_areas", "focus_areas", FocusArea),
    ("ambitions", "ambitions", Ambition),
    ("kansen", "kansen", Kans),
    ("interventions", "interventions", Intervention),
    ("funding_sources", "funding_sources", FundingSource),
    ("budget_tables", "budget_tables", BudgetTable),
    ("budget", "budget", BudgetLine),
    ("indicators", "indicators", ProgrammeIndicator),
    ("figures", "figures", Figure),
    ("narratives", "narratives", Narrative),
]
#: (parent sheet, parent field with a nested list) → (sheet, parent id column)
NESTED_SHEETS: dict[tuple[str, str], tuple[str, str]] = {
    ("interventions", "assumptions"): ("assumptions", "intervention_id"),
    ("interventions", "places"): ("places", "intervention_id"),
    ("indicators", "targets"): ("targets", "indicator_id"),
    ("indicators", "measurements"): ("measurements", "indicator_id"),
    ("narratives", "places"): ("narrative_places", "narrative_id"),
}
PROGRAMME_SHEET = "programme"
SHEET_ORDER = [PROGRAMME_SHEET]
for _sheet, _attr, _cls in TOP_SHEETS:
    SHEET_ORDER.append(_sheet)
    SHEET_ORDER.extend(s for (parent, _f), (s, _c) in NESTED_SHEETS.items() if parent == _sheet)


def _columns(cls: type, prefix: str = "") -> list[str]:
    """Flat column names of a dataclass; nested lists of dataclasses are left out (own sheet)."""
    cols: list[str] = []
    type_hints = hints(cls)
    for f in public_fields(cls):
        tp, _ = unwrap_optional(type_hints[f.name])
        item = list_item_type(tp)
        if item is not None and is_dataclass_type(item):
            continue
        if is_dataclass_type(tp):
            cols.extend(_columns(tp, f"{prefix}{f.name}."))
        else:
            cols.append(prefix + f.name)
    return cols


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        elif isinstance(value, list):
            if value and isinstance(value[0], dict):
                continue
            for item in value:
                if isinstance(item, str) and ";" in item:
                    raise ValueError(f"list item '{item}' contains ';', which separates items in a cell")
            out[prefix + key] = LIST_SEPARATOR.join(str(v) for v in value)
        else:
            out[prefix + key] = value
    return out


def _write_sheet(wb: Workbook, name: str, columns: list[str], rows: list[dict[str, Any]]) -> None:
    ws = wb.create_sheet(name)
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row.get(c) for c in columns])
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # text from data is never run as a formula (round trip keeps the text)
                cell.data_type = "s"
    for i, col in enumerate(columns, start=1):
        width = max([len(col)] + [len(str(r.get(col, ""))) for r in rows[:200]])
        ws.column_dimensions[get_column_letter(i)].width = min(max(10, width + 2), 60)
    ws.freeze_panes = "A2"


def write_xlsx(programme: Programme, path: str | Path) -> Path:
    """Write the programme as a workbook with one sheet per level."""
    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    data = to_dict(programme)
    top = {k: v for k, v in data.items() if not isinstance(v, list) or not v or not isinstance(v[0], dict)}
    flat_top = _flatten(top)
    ws = wb.create_sheet(PROGRAMME_SHEET)
    ws.append(["field", "value"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col in _columns(Programme):
        ws.append([col, flat_top.get(col)])
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 80
    for sheet, attr, cls in TOP_SHEETS:
        items = [to_dict(o) for o in getattr(programme, attr)]
        _write_sheet(wb, sheet, _columns(cls), [_flatten(i) for i in items])
        type_hints = hints(cls)
        for (parent, field_name), (nested_sheet, parent_col) in NESTED_SHEETS.items():
            if parent != sheet:
                continue
            nested_cls = list_item_type(type_hints[field_name])
            rows = []
            for obj, item in zip(getattr(programme, attr), items, strict=True):
                for nested in item.get(field_name, []):
                    rows.append({parent_col: obj.id, **_flatten(nested)})
            _write_sheet(wb, nested_sheet, [parent_col] + _columns(nested_cls), rows)
    wb.save(path)
    return path


def _unflatten(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        parts = key.split(".")
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return out


def _read_rows(ws, file: str) -> list[dict[str, Any]]:
    rows = list(ws.iter_rows(values_only=True))
    if not rows:
        return []
    header = [str(h).strip() if h is not None else None for h in rows[0]]
    out = []
    for index, values in enumerate(rows[1:], start=2):
        row: dict[str, Any] = {}
        for col, value in zip(header, values, strict=False):
            if col is None:
                continue
            if isinstance(value, str):
                value = value.strip()
                if value == "":
                    value = None
            if value is not None:
                row[col] = value
        if not row:
            continue
        nested = _unflatten(row)
        nested[LINE_KEY] = index
        nested[FILE_KEY] = f"{file} [blad {ws.title}]"
        out.append(nested)
    return out


def read_xlsx_unvalidated(path: str | Path) -> Programme:
    """Read a workbook into a programme; raises DefinitionError on conversion problems."""
    path = Path(path)
    file = str(path)
    from ..core.limits import check_zip_archive

    check_zip_archive(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, xml, key errors)
        raise DefinitionError([Issue(file, None, None, f"kan de werkmap niet lezen: {exc}",
                                     "sla het bestand op als .xlsx")]) from exc
    ctx = Context(file)
    known = set(SHEET_ORDER)
    for name in wb.sheetnames:
        if name not in known and not name.startswith("_"):
            ctx.add(f"{file} [blad {name}]", None, None, f"onbekend blad '{name}'",
                    "toegestane bladen: " + ", ".join(SHEET_ORDER) + " (bladen die met _ beginnen worden overgeslagen)")
    if PROGRAMME_SHEET not in wb.sheetnames:
        ctx.add(file, None, None, f"blad '{PROGRAMME_SHEET}' ontbreekt")
        raise DefinitionError(ctx.issues)
    data: dict[str, Any] = {}
    ws = wb[PROGRAMME_SHEET]
    flat: dict[str, Any] = {}
    keylines: dict[str, int] = {}
    for index, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if not values or values[0] is None:
            continue
        key = str(values[0]).strip()
        value = values[1] if len(values) > 1 else None
        if isinstance(value, str):
            value = value.strip() or None
        if value is not None:
            flat[key] = value
            keylines[key.split(".")[0]] = index
    data.update(_unflatten(flat))
    data[LINE_KEY] = 1
    data["__keylines__"] = keylines
    data[FILE_KEY] = f"{file} [blad {PROGRAMME_SHEET}]"
    for sheet, attr, _cls in TOP_SHEETS:
        items = _read_rows(wb[sheet], file) if sheet in wb.sheetnames else []
        by_id = {}
        for item in items:
            if "id" in item:
                by_id.setdefault(str(item["id"]), item)
        for (parent, field_name), (nested_sheet, parent_col) in NESTED_SHEETS.items():
            if parent != sheet or nested_sheet not in wb.sheetnames:
                continue
            for row in _read_rows(wb[nested_sheet], file):
                parent_id = row.pop(parent_col, None)
                owner = by_id.get(str(parent_id)) if parent_id is not None else None
                if owner is None:
                    ctx.add(row[FILE_KEY], row[LINE_KEY], parent_col,
                            f"'{parent_id}' verwijst niet naar een regel op blad '{sheet}'")
                    continue
                owner.setdefault(field_name, []).append(row)
        if items:
            data[attr] = items
    wb.close()
    programme = from_dict(Programme, data, ctx, file)
    if ctx.issues or programme is None:
        raise DefinitionError(ctx.issues, f"De werkmap {file} is niet geldig; er is niets geladen.")
    return programme


def read_xlsx(
    path: str | Path,
    known_indicators: set[str] | None = None,
    known_regions: set[str] | None = None,
) -> Programme:
    """Read and validate a programme workbook."""
    programme = read_xlsx_unvalidated(path)
    return check_programme(programme, str(path), known_indicators, known_regions)
