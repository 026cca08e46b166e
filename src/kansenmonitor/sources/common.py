"""Shared parts of the importers: reading files safely, CBS missing markers, the import result.

An importer never writes: it reads and validates a file into an :class:`ImportBatch`. The store
writes a batch in one transaction (:func:`kansenmonitor.sources.apply.apply_batch`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core.errors import ImportValidationError, Issue
from ..core.model import CBS_MISSING_MARKERS, CBS_SUPPRESSED_MARKERS, Region, Status

#: Codes that CBS uses inside numeric columns for "secret" or "unknown".
NUMERIC_SENTINELS = {-99997.0, -99999999.0, -99995.0, -99996.0, -99998.0}

RegionFilter = Callable[[str], bool]


@dataclass
class ImportBatch:
    """What one file brings: regions, observations and crosswalk links, all validated."""

    kind: str
    file: str
    rows: int
    observations: pd.DataFrame
    regions: list[Region] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    sha256: str | None = None
    note: str | None = None
    warnings: list[str] = field(default_factory=list)


class IssueCollector:
    """Collects issues while a file is read; raises them all at once."""

    def __init__(self, file: str, limit: int = 200):
        self.file = file
        self.issues: list[Issue] = []
        self.limit = limit
        self.more = 0  # issues found beyond the limit, counted in the summary

    def add(self, row: object, field: str | None, message: str, hint: str | None = None) -> None:
        if len(self.issues) >= self.limit:
            self.more += 1
            return
        # rows may come from a frame column (NumPy integers, NaN where the importer knows no row)
        r = None if row is None or (isinstance(row, float) and math.isnan(row)) else int(row)
        self.issues.append(Issue(self.file, r, field, message, hint))

    def __bool__(self) -> bool:
        return bool(self.issues)

    def raise_if_any(self, summary: str | None = None) -> None:
        if self.issues:
            extra = f" (en nog {self.more} andere problemen)" if self.more else ""
            raise ImportValidationError(
                self.issues, summary or f"{Path(self.file).name} is niet ingelezen{extra}: de store is niet gewijzigd."
            )


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_text_checked(path: Path, encoding: str = "utf-8") -> str:
    """Read a text file; a wrong encoding gets a message that says how to fix it."""
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise ImportValidationError([Issue(str(path), raw[: raw.index(b"\x00")].count(b"\n") + 1, None,
                                           "het bestand bevat binaire tekens: het is geen tekstbestand (CSV)",
                                           "lever een CSV-bestand of kies het goede importtype (xlsx, gpkg)")])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        guess = "Windows-1252 (Excel)" if encoding.lower().replace("-", "") == "utf8" else "een andere codering"
        raise ImportValidationError(
            [
                Issue(
                    str(path),
                    line,
                    None,
                    f"het bestand is geen {encoding.upper()}: onbekend teken 0x{raw[exc.start]:02x} (lijkt {guess})",
                    "sla het bestand op als 'CSV UTF-8' of geef de codering op met --encoding cp1252",
                )
            ]
        ) from exc


def sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if max(counts.values()) > 0 else ","


def read_csv_checked(
    path: Path,
    required: list[str] | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    dtype=str,
) -> tuple[pd.DataFrame, str]:
    """Read a CSV with checks for encoding and ``;`` vs ``,`` confusion. All cells are strings.

    Returns the frame and the delimiter used. Row numbers in messages are file lines (header = 1).
    """
    text = read_text_checked(path, encoding)
    if not text.strip():
        raise ImportValidationError([Issue(str(path), None, None, "het bestand is leeg")])
    lines = text.splitlines()
    header = lines[0]
    used = delimiter or sniff_delimiter(header)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=used, dtype=dtype, keep_default_na=False, quoting=csv.QUOTE_MINIMAL,
            engine="python",
        )
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise ImportValidationError([_csv_issue(path, exc, used)],
                                    f"{path.name} is niet ingelezen: de store is niet gewijzigd.") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    short = frame.isna().any(axis=1).to_numpy() if dtype is str and not frame.empty else None
    if short is not None and short.any():
        n_header = len(frame.columns)
        issues = []
        for i in short.nonzero()[0][:20]:
            have = int(frame.iloc[i].notna().sum())
            last = i == len(frame) - 1
            issues.append(Issue(
                str(path), i + 2, None, f"de rij heeft {have} van de {n_header} velden"
                + (" en is de laatste: het bestand lijkt afgebroken" if last else ""),
                "lever het volledige bestand; elke rij heeft evenveel velden als de kopregel"))
        raise ImportValidationError(issues)
    if required:
        missing = [c for c in required if c not in frame.columns]
        if missing:
            other = ";" if used == "," else ","
            other_cols = [c.strip() for c in header.split(other)]
            if all(c in other_cols for c in missing):
                raise ImportValidationError(
                    [
                        Issue(
                            str(path),
                            1,
                            None,
                            f"het scheidingsteken is '{other}', niet '{used}'",
                            f"geef --delimiter '{other}' op of sla het bestand op met '{used}' als scheidingsteken",
                        )
                    ]
                )
            raise ImportValidationError(
                [
                    Issue(
                        str(path),
                        1,
                        col,
                        "verplichte kolom ontbreekt",
                        f"gevonden kolommen: {', '.join(frame.columns[:12])}"
                        + (" (het scheidingsteken lijkt niet te kloppen)" if len(frame.columns) == 1 else ""),
                    )
                    for col in missing
                ]
            )
    return frame, used


def _csv_issue(path: Path, exc: Exception, delimiter: str) -> Issue:
    """A parser error as a Dutch message with the line it names."""
    text = str(exc)
    m = re.search(r"line (\d+)", text)
    row = int(m.group(1)) if m else None
    fields = re.search(r"Expected (\d+) fields in line \d+, saw (\d+)", text)
    if fields:
        message = (f"de rij heeft {fields.group(2)} velden, de kopregel {fields.group(1)}: staat er een "
                   f"'{delimiter}' in een waarde zonder aanhalingstekens?")
    elif "new-line character" in text:
        message = "een los regeleinde (\\r zonder \\n) staat midden in een regel"
    elif "field larger than field limit" in text:
        message = "een veld is langer dan 131.072 tekens: dit is geen tabel met cijfers per gebied"
    elif "EOF" in text or "end of data" in text or "quote" in text.lower():
        message = "een aanhalingsteken (\") wordt geopend maar niet gesloten"
    else:
        message = "het bestand is geen leesbare CSV-tabel"
    return Issue(str(path), row, None, message, "controleer het bestand in een teksteditor of sla het opnieuw op "
                 "als CSV vanuit Excel")


def read_excel_checked(path: Path, sheet_name: object = 0) -> pd.DataFrame:
    """Read a worksheet as strings, after checking the archive (no zip bombs, no junk named .xlsx)."""
    from ..core.limits import check_zip_archive

    check_zip_archive(path)
    try:
        frame = pd.read_excel(path, sheet_name=sheet_name, dtype=str).fillna("")
    except Exception as exc:  # openpyxl raises many kinds (zip, xml, key errors) for a broken workbook
        raise ImportValidationError([Issue(str(path), None, None, f"het Excel-bestand kan niet worden gelezen "
                                           f"({type(exc).__name__})", "open het in Excel en sla het opnieuw op als "
                                           ".xlsx, of lever een CSV-bestand")]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


_NUMBER_NL = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+,\d+$")
#: A plain number as people type it in a file: ASCII digits only (no ``1_000``, no Arabic-Indic or full-width
#: digits, which Python's float() would silently accept), an optional sign, decimals and exponent.
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,4})?$", re.ASCII)
#: Larger than any count or amount a monitor holds: 1e308 and friends are typing or export errors.
MAX_MAGNITUDE = 1e15


def parse_cell(raw: object, decimal_comma: bool = False) -> tuple[float | None, Status | None, str | None]:
    """Parse one cell: ``(value, status, error)``.

    CBS markers (``.``, empty, ``-99997``, ``-99999999``, ``x``, ``<5``) become a status, never a
    number. A non-numeric cell returns an error text.
    """
    if raw is None:
        return None, Status.MISSING, None
    if isinstance(raw, float):
        if math.isnan(raw):
            return None, Status.MISSING, None
        if raw in NUMERIC_SENTINELS:
            return None, Status.SUPPRESSED, None
        return _checked_number(raw, repr(raw))
    if isinstance(raw, int):
        if abs(raw) > MAX_MAGNITUDE:
            return None, None, f"'{raw}' is onwaarschijnlijk groot (meer dan 10^15)"
        if float(raw) in NUMERIC_SENTINELS:
            return None, Status.SUPPRESSED, None
        return _checked_number(float(raw), str(raw))
    text = str(raw).strip()
    if text in CBS_SUPPRESSED_MARKERS or text.startswith("<"):
        return None, Status.SUPPRESSED, None
    if text in CBS_MISSING_MARKERS:
        return None, Status.MISSING, None
    candidate = text
    if decimal_comma or _NUMBER_NL.match(text):
        candidate = text.replace(".", "").replace(",", ".")
    if not _PLAIN_NUMBER.match(candidate):
        return None, None, _not_a_number(text, decimal_comma)
    value = float(candidate)
    if value in NUMERIC_SENTINELS:
        return None, Status.SUPPRESSED, None
    return _checked_number(value, text)


def _not_a_number(text: str, decimal_comma: bool) -> str:
    shown = text if len(text) <= 40 else text[:37] + "…"
    if text.lower().lstrip("+-") in ("inf", "infinity", "nan"):
        return f"'{shown}' is geen eindig getal"
    if "_" in text:
        return f"'{shown}' is geen getal: gebruik geen _ tussen de cijfers (schrijf 1000, niet 1_000)"
    if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in text):
        return (f"'{shown}' bevat cijfers uit een ander schrift (zoals Arabische of brede cijfers); "
                "gebruik de cijfers 0 tot en met 9")
    if "," in text and not decimal_comma:
        return f"'{shown}' is geen getal (decimale komma? gebruik --decimal-comma)"
    return f"'{shown}' is geen getal"


def _checked_number(value: float, text: str) -> tuple[float | None, Status | None, str | None]:
    if not math.isfinite(value):
        return None, None, f"'{text}' is geen eindig getal"
    if abs(value) > MAX_MAGNITUDE:
        return None, None, f"'{text}' is onwaarschijnlijk groot (meer dan 10^15)"
    return value, Status.MEASURED, None


def record(
    region: str,
    boundary_year: int,
    indicator: str,
    period: int,
    value: float | None,
    status: Status,
    source_ref: str,
    numerator: float | None = None,
    denominator: float | None = None,
    lower: float | None = None,
    upper: float | None = None,
) -> dict:
    """One observation row as importers collect them (see :func:`observations_frame`)."""
    return {
        "region": region,
        "boundary_year": boundary_year,
        "indicator": indicator,
        "period": period,
        "value": value,
        "status": status.value,
        "numerator": numerator,
        "denominator": denominator,
        "lower": lower,
        "upper": upper,
        "source_ref": source_ref,
    }


def observations_frame(
    records: list[dict], rows: list[int] | None = None, fields: list[str] | None = None
) -> pd.DataFrame:
    """The observations of a batch; ``rows``/``fields`` (the file row and column of each) let later checks
    name where a value came from. The store writes only :data:`OBSERVATION_COLUMNS`."""
    from ..store.store import OBSERVATION_COLUMNS

    frame = pd.DataFrame.from_records(records, columns=OBSERVATION_COLUMNS)
    if rows is not None and len(rows) == len(frame):
        frame["_row"] = rows
    if fields is not None and len(fields) == len(frame):
        frame["_field"] = fields
    return frame


def check_duplicates(frame: pd.DataFrame, rows: list[int], issues: IssueCollector, what: str = "waarde") -> None:
    """Report rows that give the same region × indicator × period twice (vectorised: a national file has
    millions of rows)."""
    if frame.empty:
        return
    keys = frame[["region", "boundary_year", "indicator", "period"]].reset_index(drop=True)
    dup = keys.duplicated(keep="first").to_numpy()
    if not dup.any():
        return
    row_of = pd.Series(rows).reset_index(drop=True)
    first_row = row_of.groupby([keys[c] for c in keys.columns], sort=False).transform("first")
    for i in dup.nonzero()[0][: issues.limit]:
        k = keys.iloc[i]
        issues.add(
            int(row_of.iat[i]),
            None,
            f"dubbele {what} voor {k['region']} × {k['indicator']} × {k['period']} (ook in rij {int(first_row.iat[i])})",
            "verwijder een van beide rijen",
        )


def check_max(value: float | None, max_value: float | None, row: int, field: str, issues: IssueCollector) -> None:
    if value is not None and max_value is not None and value > max_value:
        issues.add(row, field, f"waarde {value:g} is groter dan het maximum {max_value:g}", "controleer de eenheid")
