"""Read survey microdata (CSV, XLSX, SPSS ``.sav``), check it against its codebook, store it (all or nothing).

Checks, each reported with file, row and field: a missing column, an empty or duplicate respondent id, a weight
that is not a number or not above 0, an area code the store does not know for the codebook's level and
indeling, an answer code that is neither an answer nor a missing code of the codebook, a count that is not a
whole number from 0 up to its maximum. For ``.sav`` files the user-missing values declared in the file count as
missing too, and the file's value labels are compared with the codebook (a label for a code the codebook does
not know is reported).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import delete, insert

from ..core.errors import ImportValidationError, Issue
from ..sources.common import read_csv_checked
from . import tables as t
from .codebook import Codebook

MAX_ISSUES = 200


@dataclass
class RawSurvey:
    """The cells of a file as strings, plus what an SPSS file declares."""

    file: str
    frame: pd.DataFrame
    first_row: int  # the row number of the first data row in messages (2 for CSV/XLSX: header is row 1)
    sha256: str
    user_missing: dict[str, set[int]]
    value_labels: dict[str, dict[int, str]]


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        if v.is_integer():
            return str(int(v))
        return repr(v)
    return str(v).strip()


def read_survey_file(path: str | Path) -> RawSurvey:
    path = Path(path)
    if not path.exists():
        raise ImportValidationError([Issue(str(path), None, None, "het bestand is niet gevonden",
                                           "controleer de naam en de map")])
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    suffix = path.suffix.lower()
    user_missing: dict[str, set[int]] = {}
    labels: dict[str, dict[int, str]] = {}
    if suffix in (".csv", ".txt"):
        frame, _ = read_csv_checked(path)
        first = 2
    elif suffix in (".xlsx", ".xlsm"):
        from ..core.limits import check_zip_archive

        check_zip_archive(path)
        try:
            frame = pd.read_excel(path, dtype=object, sheet_name=0)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ImportValidationError([Issue(path.name, None, None, f"het Excel-bestand kan niet worden gelezen "
                                               f"({type(exc).__name__})", "sla het opnieuw op als .xlsx")]) from None
        frame.columns = [str(c).strip() for c in frame.columns]
        frame = frame.map(_cell)
        first = 2
    elif suffix in (".sav", ".zsav"):
        import pyreadstat

        try:
            frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
        except Exception as exc:  # pyreadstat.ReadstatError and friends
            raise ImportValidationError([Issue(path.name, None, None, f"het SPSS-bestand kan niet worden gelezen "
                                               f"({exc})", "sla het opnieuw op in SPSS als .sav")]) from None
        frame = frame.map(_cell)
        for col, ranges in (meta.missing_ranges or {}).items():
            codes: set[int] = set()
            for r in ranges:
                lo, hi = r.get("lo"), r.get("hi")
                if isinstance(lo, int | float) and isinstance(hi, int | float) and hi - lo <= 1000:
                    codes.update(range(int(math.ceil(lo)), int(math.floor(hi)) + 1))
            user_missing[col] = codes
        for col, vals in (meta.missing_user_values or {}).items():
            user_missing.setdefault(col, set()).update(int(v) for v in vals if isinstance(v, int | float))
        for col, vl in (meta.variable_value_labels or {}).items():
            labels[col] = {int(k): str(v) for k, v in vl.items() if isinstance(k, int | float) and float(k).is_integer()}
        first = 1
    else:
        raise ImportValidationError([Issue(path.name, None, None, f"bestanden van het soort '{suffix}' kan "
                                           "kansenmonitor niet lezen", "gebruik CSV, XLSX of SPSS (.sav)")])
    return RawSurvey(path.name, frame, first, sha, user_missing, labels)


def _parse_int(text: str) -> int | None:
    try:
        f = float(text.replace(",", "."))
    except ValueError:
        return None
    return int(f) if f.is_integer() else None


def validate(raw: RawSurvey, cb: Codebook, known_areas: set[str]) -> tuple[pd.DataFrame, list[Issue]]:
    """The respondent rows (respondent, area, weight, answers) and every issue found."""
    issues: list[Issue] = []
    f = raw.frame
    file = raw.file

    def add(row: int | None, fld: str | None, msg: str, hint: str | None = None) -> None:
        if len(issues) < MAX_ISSUES:
            issues.append(Issue(file, row, fld, msg, hint))

    needed = [cb.respondent_id, cb.weight, cb.area_column] + [it.id for it in cb.items]
    missing_cols = [c for c in needed if c not in f.columns]
    for c in missing_cols:
        add(1 if raw.first_row == 2 else None, c, "deze kolom ontbreekt",
            "het codeboek noemt deze kolom; voeg hem toe of pas het codeboek aan")
    if missing_cols:
        return pd.DataFrame(), issues
    for col, vl in raw.value_labels.items():
        if col in cb.item_ids:
            it = cb.item(col)
            extra = sorted(set(vl) - set(it.categories) - set(it.missing) - raw.user_missing.get(col, set()))
            if extra and it.type == "categorical":
                add(None, col, f"het bestand geeft een label aan code {extra[0]} ('{vl[extra[0]]}'), maar het "
                    "codeboek kent die code niet", "zet de code bij 'categories' of 'missing' in het codeboek")
    if f.empty:
        add(None, None, "het bestand bevat geen respondenten")
        return pd.DataFrame(), issues
    rows = [raw.first_row + i for i in range(len(f))]
    ids = f[cb.respondent_id].astype(str).str.strip()
    seen: dict[str, int] = {}
    for r, rid in zip(rows, ids, strict=True):
        if not rid:
            add(r, cb.respondent_id, "het respondentnummer is leeg")
        elif rid in seen:
            add(r, cb.respondent_id, f"respondent '{rid}' staat er twee keer in (ook in rij {seen[rid]})",
                "elke respondent mag maar één keer voorkomen")
        else:
            seen[rid] = r
    weights = []
    for r, w in zip(rows, f[cb.weight], strict=True):
        try:
            v = float(str(w).replace(",", "."))
        except ValueError:
            v = float("nan")
        if not math.isfinite(v):
            add(r, cb.weight, f"het gewicht '{w}' is geen getal", "vul een getal groter dan 0 in")
        elif v <= 0:
            add(r, cb.weight, f"het gewicht {w} is niet groter dan 0", "een weegfactor moet groter dan 0 zijn")
        weights.append(v)
    areas = f[cb.area_column].astype(str).str.strip()
    for r, a in zip(rows, areas, strict=True):
        if a not in known_areas:
            what = {"buurt": "buurt", "wijk": "wijk", "gemeente": "gemeente", "pc4": "postcodegebied"}[cb.area_level]
            add(r, cb.area_column, f"'{a}' is geen bekende {what} in de indeling van {cb.boundary_year}" if a else
                "het gebied is leeg", f"gebruik de CBS-code van de {what} in de indeling van {cb.boundary_year}")
    answers: list[dict] = [{} for _ in range(len(f))]
    for it in cb.items:
        col = f[it.id]
        file_missing = raw.user_missing.get(it.id, set())
        for i, (r, text) in enumerate(zip(rows, col, strict=True)):
            if text == "":
                continue
            if it.type == "text":
                answers[i][it.id] = text
                continue
            code = _parse_int(text)
            if code is None:
                add(r, it.id, f"'{text}' is geen antwoordcode", "gebruik de codes uit het codeboek")
                continue
            if code in it.missing or code in file_missing:
                continue
            if it.type == "categorical":
                if code not in it.categories:
                    allowed = ", ".join(str(c) for c in [*it.categories, *it.missing])
                    add(r, it.id, f"code {code} staat niet in het codeboek", f"kies uit {allowed}")
                    continue
            elif code < 0 or (it.max_count is not None and code > it.max_count):
                add(r, it.id, f"het aantal {code} kan niet",
                    f"vul een heel aantal van 0 tot en met {it.max_count} in" if it.max_count is not None
                    else "vul een heel aantal van 0 of meer in")
                continue
            answers[i][it.id] = code
    out = pd.DataFrame({"respondent": ids, "area": areas, "weight": weights, "answers": answers})
    return out, issues


def import_survey(monitor, path: str | Path, cb: Codebook) -> dict:
    """Validate a microdata file against ``cb`` and store it, replacing an earlier import of the same wave."""
    raw = read_survey_file(path)
    known = {r.code for r in monitor.regions(level=cb.area_level, boundary_year=cb.boundary_year)}
    if not known:
        raise ImportValidationError([Issue(raw.file, None, None, f"de database kent geen gebieden van het niveau "
                                           f"'{cb.area_level}' in de indeling van {cb.boundary_year}",
                                           "lees eerst de gebiedsindeling in (bijvoorbeeld met 'init --demo')")])
    rows, issues = validate(raw, cb, known)
    if issues:
        more = " (de eerste 200 problemen)" if len(issues) >= MAX_ISSUES else ""
        raise ImportValidationError(issues, f"{raw.file} is niet ingelezen{more}: er is niets gewijzigd.")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with monitor.store.transaction() as w:
        import_id = w.record_import("survey", str(path), len(rows), 0, int(rows["area"].nunique()), raw.sha256,
                                    f"enquête {cb.survey} golf {cb.wave}" + (" (synthetisch)" if cb.synthetic else ""))
        cond = (t.survey_respondents.c.survey == cb.survey) & (t.survey_respondents.c.wave == cb.wave)
        w.conn.execute(delete(t.survey_respondents).where(cond))
        w.conn.execute(delete(t.survey_waves).where((t.survey_waves.c.survey == cb.survey)
                                                    & (t.survey_waves.c.wave == cb.wave)))
        w.conn.execute(insert(t.survey_waves).values(
            survey=cb.survey, wave=cb.wave, name=cb.name, synthetic=cb.synthetic,
            codebook=json.dumps(cb.to_dict(), ensure_ascii=False), codebook_sha=cb.sha256(), data_sha=raw.sha256,
            file=str(path), respondents=len(rows), area_level=cb.area_level, boundary_year=cb.boundary_year,
            imported_at=now, import_id=import_id))
        recs = [{"survey": cb.survey, "wave": cb.wave, "respondent": r.respondent, "area": r.area,
                 "boundary_year": cb.boundary_year, "weight": float(r.weight),
                 "answers": json.dumps(r.answers, separators=(",", ":"), ensure_ascii=False)}
                for r in rows.itertuples()]
        for start in range(0, len(recs), 5000):
            w.conn.execute(insert(t.survey_respondents), recs[start:start + 5000])
    return {"bestand": raw.file, "enquete": cb.survey, "golf": cb.wave, "respondenten": len(rows),
            "gebieden": int(rows["area"].nunique()), "synthetisch": cb.synthetic}
