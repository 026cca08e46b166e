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

    def add(self, row: int | None, field: str | None, message: str, hint: str | None = None) -> None:
        if len(self.issues) < self.limit:
            self.issues.append(Issue(self.file, row, field, message, hint))

    def __bool__(self) -> bool:
        return bool(self.issues)

    def raise_if_any(self, summary: str | None = None) -> None:
        if self.issues:
            raise ImportValidationError(
                self.issues, summary or f"{Path(self.file).name} is niet ingelezen: de store is niet gewijzigd."
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
    header = text.splitlines()[0]
    used = delimiter or sniff_delimiter(header)
    frame = pd.read_csv(
        io.StringIO(text), sep=used, dtype=dtype, keep_default_na=False, quoting=csv.QUOTE_MINIMAL, engine="python"
    )
    frame.columns = [str(c).strip() for c in frame.columns]
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


_NUMBER_NL = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+,\d+$")


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
        return raw, Status.MEASURED, None
    if isinstance(raw, int):
        if float(raw) in NUMERIC_SENTINELS:
            return None, Status.SUPPRESSED, None
        return float(raw), Status.MEASURED, None
    text = str(raw).strip()
    if text in CBS_SUPPRESSED_MARKERS or text.startswith("<"):
        return None, Status.SUPPRESSED, None
    if text in CBS_MISSING_MARKERS:
        return None, Status.MISSING, None
    candidate = text
    if decimal_comma or _NUMBER_NL.match(text):
        candidate = text.replace(".", "").replace(",", ".")
    try:
        value = float(candidate)
    except ValueError:
        if "," in text and not decimal_comma:
            return None, None, f"'{text}' is geen getal (decimale komma? gebruik --decimal-comma)"
        return None, None, f"'{text}' is geen getal"
    if value in NUMERIC_SENTINELS:
        return None, Status.SUPPRESSED, None
    if math.isinf(value) or math.isnan(value):
        return None, None, f"'{text}' is geen eindig getal"
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


def observations_frame(records: list[dict]) -> pd.DataFrame:
    from ..store.store import OBSERVATION_COLUMNS

    frame = pd.DataFrame.from_records(records, columns=OBSERVATION_COLUMNS)
    return frame


def check_duplicates(frame: pd.DataFrame, rows: list[int], issues: IssueCollector, what: str = "waarde") -> None:
    """Report rows that give the same region × indicator × period twice."""
    if frame.empty:
        return
    keys = frame[["region", "boundary_year", "indicator", "period"]].astype(str).agg("|".join, axis=1)
    first: dict[str, int] = {}
    for key, row in zip(keys, rows, strict=True):
        if key in first:
            region, _, indicator, period = key.split("|")
            issues.add(
                row,
                None,
                f"dubbele {what} voor {region} × {indicator} × {period} (ook in rij {first[key]})",
                "verwijder een van beide rijen",
            )
        else:
            first[key] = row


def check_max(value: float | None, max_value: float | None, row: int, field: str, issues: IssueCollector) -> None:
    if value is not None and max_value is not None and value > max_value:
        issues.add(row, field, f"waarde {value:g} is groter dan het maximum {max_value:g}", "controleer de eenheid")
