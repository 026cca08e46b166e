"""Readers for DUO and CBS school files: validate into a :class:`SchoolBatch`, write nothing.

DUO quirks handled here (see ``../shared/data/PROVENANCE.md``):
- two key schemes: ``BRIN NUMMER``/``VESTIGINGSNUMMER`` (older) and ``INSTELLINGSCODE``/``VESTIGINGSCODE``
  (newer); the vestiging is either 6 characters (BRIN + 2 digits) or 2 digits to join to the BRIN;
- ``GEMEENTENUMMER`` with or without leading zeros (``" 153"`` → GM0153);
- Dutch decimal commas (``537,31``) and ``"<5"`` strings (suppressed by DUO; never a number);
- Windows-1252 or UTF-8 (with or without BOM).

The kind of file is recognised from its columns (:func:`detect_kind`). Every problem is reported with
file, row (file line, header = 1) and field; one problem and the whole file is refused.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import ImportValidationError, Issue
from ..core.model import Status

OBS_COLUMNS = ["school", "indicator", "period", "value", "status", "numerator", "denominator", "lower", "upper",
               "source_ref"]
LOCATION_COLUMNS = ["code", "brin", "name", "sector", "denomination", "board", "street", "house_number", "postcode",
                    "place", "gemeente", "lat", "lon", "location_method", "structure", "first_year", "last_year",
                    "status", "source"]

KINDS = {
    "adressen": "adressenlijst van DUO (alle vestigingen bo of vo)",
    "leerlingen": "leerlingen per vestiging per jaar (DUO, historisch overzicht)",
    "achterstandsscores": "achterstandsscores basisscholen (CBS)",
    "eindscores": "gemiddelde eindscores bo/sbo (DUO)",
    "afstand": "gemiddelde afstand woonadres–school (DUO)",
    "vo-leerlingen": "leerlingen vo per vestiging naar onderwijstype (DUO)",
    "vsv": "voortijdig schoolverlaten per vo-vestiging (DUO/OCW)",
    "examens": "examenkandidaten en geslaagden per vo-vestiging (DUO)",
    "coordinaten": "coördinaten per schoolvestiging (eigen bestand: vestigingscode, lat, lon)",
    "klassen": "klas-gegevens van een school (sjabloon: aantallen per groep en categorie)",
    "geschiedenis": "geschiedenis van vestigingen (eigen bestand: vestigingscode, jaar, gebeurtenis, opvolger)",
}

_CODE = re.compile(r"^[0-9A-Z]{4}[0-9]{2}$")
_BRIN = re.compile(r"^[0-9A-Z]{4}$")
_PC6 = re.compile(r"^([1-9][0-9]{3}) ?([A-Z]{2})$")
_SECTORS = {"BO": "po", "SBO": "sbo", "SO": "so", "VSO": "vso", "SO/VSO": "so"}


@dataclass
class SchoolBatch:
    """A validated school file, ready to be written in one transaction."""

    kind: str
    file: str
    rows: int
    sha256: str | None = None
    locations: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LOCATION_COLUMNS))
    observations: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OBS_COLUMNS + ["_row"]))
    history: list[dict] = field(default_factory=list)
    groups: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["school", "period", "klas", "category", "count", "_row"]))
    #: file rows per school code (file line numbers) and the gemeente the file itself names (if any)
    rows_of: dict[str, int] = field(default_factory=dict)
    gemeente_of: dict[str, str] = field(default_factory=dict)
    key_field: str = "VESTIGINGSCODE"
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0


class Issues:
    def __init__(self, file: str, limit: int = 200):
        self.file = file
        self.items: list[Issue] = []
        self.limit = limit

    def add(self, row: int | None, fld: str | None, message: str, hint: str | None = None) -> None:
        if len(self.items) < self.limit:
            self.items.append(Issue(self.file, row, fld, message, hint))

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportValidationError(self.items, f"{Path(self.file).name} is niet ingelezen: er is niets gewijzigd.")


# -- reading -------------------------------------------------------------------------------------------
def read_table(path: Path) -> pd.DataFrame:
    """All cells as stripped strings; UTF-8 (BOM) or Windows-1252; ``,`` or ``;``."""
    if not path.exists():
        raise ImportValidationError([Issue(str(path), None, None, "bestand niet gevonden", "controleer het pad")])
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    if not text.strip():
        raise ImportValidationError([Issue(str(path), None, None, "het bestand is leeg")])
    header = text.splitlines()[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    frame.columns = [str(c).strip() for c in frame.columns]
    for c in frame.columns:
        frame[c] = frame[c].str.strip()
    return frame


def detect_kind(columns: list[str]) -> str | None:
    cols = set(columns)
    if "School (BRIN vestiging)" in cols:
        return "achterstandsscores"
    if any(c.startswith("LEERLINGEN_") for c in cols) and "VESTIGINGSCODE" in cols:
        return "leerlingen"
    if "CET_AANTAL" in cols:
        return "eindscores"
    if "AFSTAND" in cols:
        return "afstand"
    if "vsv_totaal" in cols:
        return "vsv"
    if any(c.startswith("EXAMENKANDIDATEN SCHOOLJAAR") for c in cols):
        return "examens"
    if "ONDERWIJSTYPE VO EN LEER- OF VERBLIJFSJAAR" in cols:
        return "vo-leerlingen"
    if {"klas", "categorie", "aantal"} <= {c.lower() for c in cols}:
        return "klassen"
    if {"gebeurtenis", "jaar"} <= {c.lower() for c in cols}:
        return "geschiedenis"
    if {"lat", "lon"} <= {c.lower() for c in cols} and "STRAATNAAM" not in cols:
        return "coordinaten"
    if "STRAATNAAM" in cols and ("VESTIGINGSNUMMER" in cols or "VESTIGINGSCODE" in cols):
        return "adressen"
    return None


def gemeente_code(raw: str) -> str | None:
    """'0153', ' 153', '153' → 'GM0153'; '' → None."""
    text = str(raw).strip()
    if not text:
        return None
    if text.upper().startswith("GM"):
        text = text[2:]
    if not text.isdigit() or len(text) > 4:
        return None
    return "GM" + text.zfill(4)


def number(raw: str) -> tuple[float | None, str | None, str | None]:
    """DUO/CBS cell → (value, status, error). ``<5`` → suppressed; empty → missing; decimal comma ok."""
    text = str(raw).strip()
    if text == "":
        return None, Status.MISSING.value, None
    if text.startswith("<") or text in (".", "x", "-99997", "-99999999"):
        return None, Status.SUPPRESSED.value, None
    cand = text.rstrip("%").strip()
    if "," in cand:
        cand = cand.replace(".", "").replace(",", ".")
    try:
        v = float(cand)
    except ValueError:
        return None, None, f"'{text}' is geen getal"
    if not np.isfinite(v):
        return None, None, f"'{text}' is geen eindig getal"
    return v, Status.MEASURED.value, None


def numbers(series: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Vectorised :func:`number`: (values, status, is_error) for a column of cells."""
    text = series.astype(str).str.strip()
    supp = (text.str.startswith("<") | text.isin([".", "x", "-99997", "-99999999"])).to_numpy()
    missing = (text == "").to_numpy()
    cand = text.str.rstrip("%").str.strip()
    comma = cand.str.contains(",", regex=False)
    cand = cand.where(~comma, cand.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    val = pd.to_numeric(cand.where(~(supp | missing)), errors="coerce")
    bad = val.isna().to_numpy() & ~supp & ~missing
    status = np.select([supp, missing], ["suppressed", "missing"], "measured")
    return val, status, bad


def _codes(frame: pd.DataFrame, issues: Issues) -> tuple[pd.Series, str]:
    """The 6-character vestigingscode per row from either key scheme."""
    if "VESTIGINGSCODE" in frame and "INSTELLINGSCODE" in frame:
        brin_col, ves_col = "INSTELLINGSCODE", "VESTIGINGSCODE"
    elif "BRIN NUMMER" in frame and "VESTIGINGSNUMMER" in frame:
        brin_col, ves_col = "BRIN NUMMER", "VESTIGINGSNUMMER"
    elif "BRIN_NUMMER" in frame and "VESTIGINGSNUMMER" in frame:
        brin_col, ves_col = "BRIN_NUMMER", "VESTIGINGSNUMMER"
    elif "brin_nummer" in frame and "vestigings_nummer" in frame:
        brin_col, ves_col = "brin_nummer", "vestigings_nummer"
    elif "VESTIGINGSCODE" in frame:
        brin_col, ves_col = None, "VESTIGINGSCODE"
    elif "vestigingscode" in {c.lower() for c in frame.columns}:
        ves_col = next(c for c in frame.columns if c.lower() == "vestigingscode")
        brin_col = None
    else:
        raise ImportValidationError([Issue(issues.file, 1, "VESTIGINGSCODE", "geen kolom met de school (BRIN en "
                                           "vestiging)", "verwacht INSTELLINGSCODE + VESTIGINGSCODE of BRIN NUMMER + "
                                           "VESTIGINGSNUMMER")])
    ves = frame[ves_col].str.upper().str.replace(" ", "", regex=False)
    if brin_col is not None:
        brin = frame[brin_col].str.upper().str.replace(" ", "", regex=False)
        short = ves.str.fullmatch(r"\d{1,2}")
        ves = ves.where(~short, brin + ves.str.zfill(2))
        bad_brin = ~brin.str.fullmatch(_BRIN.pattern)
        for i in np.flatnonzero(bad_brin.to_numpy()):
            issues.add(int(i) + 2, brin_col, f"'{frame[brin_col].iloc[i]}' is geen BRIN-nummer (4 tekens)")
        mismatch = ~bad_brin & (ves.str[:4] != brin)
        for i in np.flatnonzero(mismatch.to_numpy()):
            issues.add(int(i) + 2, ves_col, f"vestiging '{ves.iloc[i]}' hoort niet bij BRIN '{brin.iloc[i]}'",
                       "de vestigingscode begint met het BRIN-nummer")
    bad = ~ves.str.fullmatch(_CODE.pattern)
    for i in np.flatnonzero(bad.to_numpy()):
        issues.add(int(i) + 2, ves_col, f"'{frame[ves_col].iloc[i]}' is geen vestigingscode",
                   "verwacht BRIN + 2 cijfers, bijvoorbeeld 08UT00")
    return ves, ves_col


def _obs(records: list[dict]) -> pd.DataFrame:
    if not records:
        return pd.DataFrame(columns=OBS_COLUMNS + ["_row"])
    return pd.DataFrame.from_records(records).reindex(columns=OBS_COLUMNS + ["_row"])


def _rec(school, indicator, period, value, status, row, source, numerator=None, denominator=None) -> dict:
    return {"school": school, "indicator": indicator, "period": int(period),
            "value": value if status in ("measured", "estimated") else None, "status": status,
            "numerator": numerator, "denominator": denominator, "lower": None, "upper": None,
            "source_ref": source, "_row": row}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _dupes(codes: pd.Series, fld: str, issues: Issues, extra: pd.Series | None = None) -> None:
    key = codes if extra is None else codes + "|" + extra.astype(str)
    dup = key.duplicated(keep="first").to_numpy()
    for i in np.flatnonzero(dup):
        issues.add(int(i) + 2, fld, f"school '{codes.iloc[i]}' staat twee keer in het bestand",
                   "elke vestiging één keer")


def _year_from_name(path: Path) -> int | None:
    years = re.findall(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)", path.stem)
    return int(years[-1]) if years else None


# -- per kind --------------------------------------------------------------------------------------------
def read_addresses(path: Path, frame: pd.DataFrame, year: int | None = None) -> SchoolBatch:
    issues = Issues(str(path))
    codes, key = _codes(frame, issues)
    for col in ("VESTIGINGSNAAM", "POSTCODE", "GEMEENTENUMMER"):
        if col not in frame:
            issues.add(1, col, "verplichte kolom ontbreekt")
    issues.raise_if_any()
    year = year or _year_from_name(path)
    if year is None:
        issues.add(None, None, "het jaar van de lijst staat niet in de bestandsnaam", "geef het jaar op met --jaar")
        issues.raise_if_any()
    sector = "vo" if "ONDERWIJSSTRUCTUUR" in frame else "po"
    gm = frame["GEMEENTENUMMER"].map(gemeente_code)
    for i in np.flatnonzero(gm.isna().to_numpy()):
        issues.add(int(i) + 2, "GEMEENTENUMMER", f"'{frame['GEMEENTENUMMER'].iloc[i]}' is geen gemeentenummer")
    pc = frame["POSTCODE"].str.upper().str.replace(r"\s+", " ", regex=True)
    m = pc.str.extract(_PC6)
    bad_pc = m[0].isna() & (pc != "")
    for i in np.flatnonzero(bad_pc.to_numpy()):
        issues.add(int(i) + 2, "POSTCODE", f"'{frame['POSTCODE'].iloc[i]}' is geen postcode", "verwacht 1234 AB")
    names = frame["VESTIGINGSNAAM"]
    for i in np.flatnonzero((names == "").to_numpy()):
        issues.add(int(i) + 2, "VESTIGINGSNAAM", "de naam van de vestiging ontbreekt")
    lat = lon = None
    lower = {c.lower(): c for c in frame.columns}
    if "lat" in lower and "lon" in lower:
        lat = pd.to_numeric(frame[lower["lat"]].str.replace(",", "."), errors="coerce")
        lon = pd.to_numeric(frame[lower["lon"]].str.replace(",", "."), errors="coerce")
    _dupes(codes, key, issues)
    issues.raise_if_any()
    loc = pd.DataFrame({
        "code": codes, "brin": codes.str[:4], "name": names, "sector": sector,
        "denomination": frame.get("DENOMINATIE", pd.Series("", index=frame.index)).replace("", None),
        "board": frame.get("BEVOEGD GEZAG NUMMER", pd.Series("", index=frame.index)).replace("", None),
        "street": frame.get("STRAATNAAM", pd.Series("", index=frame.index)).replace("", None),
        "house_number": frame.get("HUISNUMMER-TOEVOEGING", pd.Series("", index=frame.index)).replace("", None),
        "postcode": (m[0] + m[1]).where(m[0].notna(), None),
        "place": frame.get("PLAATSNAAM", pd.Series("", index=frame.index)).replace("", None),
        "gemeente": gm, "lat": lat, "lon": lon,
        "location_method": None,
        "structure": frame["ONDERWIJSSTRUCTUUR"].replace("", None) if "ONDERWIJSSTRUCTUUR" in frame else None,
        "first_year": year, "last_year": year, "status": "open", "source": f"DUO adressen {year} ({path.name})",
    }).reindex(columns=LOCATION_COLUMNS)
    batch = SchoolBatch("adressen", str(path), len(frame), _sha(path), locations=loc, key_field=key)
    batch.rows_of = {c: i + 2 for i, c in enumerate(codes)}
    batch.gemeente_of = dict(zip(codes, gm, strict=True))
    batch.history = [{"code": c, "year": year, "event": "in_lijst", "to_code": None,
                      "note": f"in de DUO-adressenlijst {year}", "source": path.name} for c in codes]
    batch.list_year = year  # type: ignore[attr-defined]
    return batch


def read_pupil_history(path: Path, frame: pd.DataFrame) -> SchoolBatch:
    issues = Issues(str(path))
    codes, key = _codes(frame, issues)
    year_cols = [c for c in frame.columns if re.fullmatch(r"LEERLINGEN_\d{4}", c)]
    if not year_cols:
        issues.add(1, "LEERLINGEN_jjjj", "geen kolommen met leerlingen per jaar")
    _dupes(codes, key, issues)
    issues.raise_if_any()
    gm = frame["GEMEENTECODE_VESTIGING"].map(gemeente_code) if "GEMEENTECODE_VESTIGING" in frame else None
    long = frame[year_cols].assign(_code=codes.to_numpy(), _row=np.arange(len(frame)) + 2).melt(
        id_vars=["_code", "_row"], var_name="col", value_name="cell")
    val, status, bad = numbers(long["cell"])
    for i in np.flatnonzero(bad)[:50]:
        issues.add(int(long["_row"].iloc[i]), long["col"].iloc[i], f"'{long['cell'].iloc[i]}' is geen getal")
    neg = (val < 0).to_numpy()
    for i in np.flatnonzero(neg)[:50]:
        issues.add(int(long["_row"].iloc[i]), long["col"].iloc[i], "een negatief aantal leerlingen kan niet")
    # DUO writes 0 for years the location did not exist; empty cells are unknown
    keep = ~bad & ~neg & (status != "missing") & ~((status == "measured") & (val == 0)).to_numpy()
    kept = long[keep].assign(value=val[keep].to_numpy(), status=status[keep],
                             period=long.loc[keep, "col"].str[-4:].astype(int))
    src = f"DUO leerlingen per vestiging ({path.name})"
    obs = pd.DataFrame({"school": kept["_code"], "indicator": "sch_leerlingen", "period": kept["period"],
                        "value": kept["value"].where(kept["status"] == "measured"), "status": kept["status"],
                        "numerator": None, "denominator": None, "lower": None, "upper": None, "source_ref": src,
                        "_row": kept["_row"]})
    span = kept.groupby("_code")["period"].agg(["min", "max"])
    first, last = span["min"].to_dict(), span["max"].to_dict()
    issues.raise_if_any()
    soort = frame.get("SOORT_VESTIGING", pd.Series("", index=frame.index)).str.upper()
    newest = max(int(c[-4:]) for c in year_cols)
    loc = pd.DataFrame({
        "code": codes, "brin": codes.str[:4], "name": frame.get("NAAM_VESTIGING", codes),
        "sector": soort.map(_SECTORS).fillna("po"),
        "denomination": frame.get("DENOMINATIE_VESTIGING", pd.Series("", index=frame.index)).replace("", None),
        "board": frame.get("BEVOEGD_GEZAG_NUMMER", pd.Series("", index=frame.index)).replace("", None),
        "gemeente": gm, "first_year": codes.map(first), "last_year": codes.map(last),
        "status": ["open" if last.get(c) == newest else "gesloten" for c in codes],
        "source": f"DUO historisch overzicht leerlingen ({path.name})",
    }).reindex(columns=LOCATION_COLUMNS)
    batch = SchoolBatch("leerlingen", str(path), len(frame), _sha(path), locations=loc, observations=obs,
                        key_field=key)
    batch.rows_of = {c: i + 2 for i, c in enumerate(codes)}
    if gm is not None:
        batch.gemeente_of = dict(zip(codes, gm, strict=True))
    for c in codes:
        if c in first:
            batch.history.append({"code": c, "year": first[c], "event": "geopend", "to_code": None,
                                  "note": "eerste jaar met leerlingen in het bestand" if first[c] > int(year_cols[0][-4:])
                                  else "had al leerlingen in het eerste jaar van het bestand", "source": path.name})
            if last[c] < newest:
                batch.history.append({"code": c, "year": last[c], "event": "gesloten", "to_code": None,
                                      "note": "laatste jaar met leerlingen; daarna 0", "source": path.name})
    return batch


def read_scores(path: Path, frame: pd.DataFrame, period: int = 2019) -> SchoolBatch:
    issues = Issues(str(path))
    key = "School (BRIN vestiging)"
    codes = frame[key].str.upper()
    for i in np.flatnonzero((~codes.str.fullmatch(_CODE.pattern)).to_numpy()):
        issues.add(int(i) + 2, key, f"'{frame[key].iloc[i]}' is geen vestigingscode")
    for col in ("Aantal bekostigde leerlingen", "Achterstandsscore"):
        if col not in frame:
            issues.add(1, col, "verplichte kolom ontbreekt")
    _dupes(codes, key, issues)
    issues.raise_if_any()
    src = f"CBS achterstandsscores basisscholen {period} ({path.name})"
    records = []
    pupils_of, score_of = {}, {}
    note_col = frame.get("voetnoot tabel 1", pd.Series("", index=frame.index))
    for i, code in enumerate(codes):
        row = i + 2
        n, nst, err = number(frame["Aantal bekostigde leerlingen"].iloc[i])
        if err:
            issues.add(row, "Aantal bekostigde leerlingen", err)
            continue
        s, sst, err = number(frame["Achterstandsscore"].iloc[i])
        if err:
            issues.add(row, "Achterstandsscore", err)
            continue
        if n is not None and n < 0:
            issues.add(row, "Aantal bekostigde leerlingen", "negatief aantal leerlingen")
        if s is not None and s < 0:
            issues.add(row, "Achterstandsscore", "een achterstandsscore is nooit negatief")
        unreliable = "a" in str(note_col.iloc[i]).lower()
        ssrc = src + ("; onbetrouwbaar: 40 of minder leerlingen (voetnoot a)" if unreliable else "")
        st = "estimated" if unreliable and sst == "measured" else sst
        records.append(_rec(code, "sch_leerlingen_bekostigd", period, n, nst, row, src))
        records.append(_rec(code, "sch_achterstandsscore", period, s, st, row, ssrc))
        if n and s is not None:
            records.append(_rec(code, "sch_achterstandsscore_per_100", period, s / n * 100, st, row, ssrc,
                                numerator=s, denominator=n))
            pupils_of[code], score_of[code] = n, s / n * 100
        if "Achterstandsscore zonder drempel" in frame:
            z, zst, err = number(frame["Achterstandsscore zonder drempel"].iloc[i])
            if err:
                issues.add(row, "Achterstandsscore zonder drempel", err)
            else:
                records.append(_rec(code, "sch_achterstandsscore_zonder_drempel", period, z, zst, row, src))
    issues.raise_if_any()
    batch = SchoolBatch("achterstandsscores", str(path), len(frame), _sha(path), key_field=key)
    if len(pupils_of) >= 1000:  # the national file: the OCW groups are national
        groups = ocw_groups(pd.Series(score_of), pd.Series(pupils_of))
        for code, g in groups.items():
            records.append(_rec(code, "sch_ocw_groep", period, float(g), "measured", batch_row(frame, codes, code),
                                f"landelijke rangschikking van {len(pupils_of)} basisscholen ({path.name})"))
    else:
        batch.warnings.append("De landelijke OCW-groepen (5/10/15 % van de leerlingen) zijn niet berekend: dat "
                              "vraagt het landelijke bestand met alle basisscholen.")
    batch.observations = _obs(records)
    batch.rows_of = {c: i + 2 for i, c in enumerate(codes)}
    return batch


def batch_row(frame: pd.DataFrame, codes: pd.Series, code: str) -> int:
    return int(np.flatnonzero((codes == code).to_numpy())[0]) + 2


def ocw_groups(score: pd.Series, pupils: pd.Series, shares=(5, 10, 15)) -> dict[str, int]:
    """Per school the smallest share (5, 10 or 15) whose OCW selection holds it, else 0.

    The OCW rule: order the schools by score (highest first); take schools until together they hold the share
    of all pupils; the school that crosses the line is included.
    """
    df = pd.DataFrame({"score": score, "pupils": pupils}).dropna()
    df = df.sort_values(["score"], ascending=False, kind="stable")
    total = df["pupils"].sum()
    before = df["pupils"].cumsum() - df["pupils"]  # pupils of higher-scoring schools
    out = {}
    for code, b in before.items():
        g = 0
        for s in shares:
            if b < total * s / 100 - 1e-9:
                g = s
                break
        out[str(code)] = g
    return out


def read_eindscores(path: Path, frame: pd.DataFrame) -> SchoolBatch:
    issues = Issues(str(path))
    codes, key = _codes(frame, issues)
    _dupes(codes, key, issues)
    issues.raise_if_any()
    peil = frame.get("PEILDATUM_LEERLINGEN", pd.Series("", index=frame.index))
    src = f"DUO gemiddelde eindscores ({path.name})"
    records = []
    for i, code in enumerate(codes):
        row = i + 2
        p = str(peil.iloc[i])
        period = int(p[:4]) if p[:4].isdigit() else 2019
        vals = {}
        for col in ("LEERJAAR_8", "CET_AANTAL", "CET_GEM", "IEP_AANTAL", "IEP_GEM"):
            if col not in frame:
                continue
            v, st, err = number(frame[col].iloc[i])
            if err:
                issues.add(row, col, err)
                continue
            vals[col] = (v, st)
        n8 = vals.get("LEERJAAR_8", (None, None))[0]
        for cnt, gem, ind in (("CET_AANTAL", "CET_GEM", "cito"), ("IEP_AANTAL", "IEP_GEM", "iep")):
            n, nst = vals.get(cnt, (None, "missing"))
            # no check against LEERLINGJAAR_8: DUO counts group 8 in April, tests are taken later (pupils arrive)
            if n:
                records.append(_rec(code, f"sch_eindtoets_{ind}_aantal", period, n, nst, row, src))
                g, gst = vals.get(gem, (None, "missing"))
                records.append(_rec(code, f"sch_eindtoets_{ind}_gem", period, g, gst, row, src, denominator=n))
        if n8 is not None:
            records.append(_rec(code, "sch_leerjaar8", period, n8, vals["LEERJAAR_8"][1], row, src))
    issues.raise_if_any()
    batch = SchoolBatch("eindscores", str(path), len(frame), _sha(path), observations=_obs(records), key_field=key)
    batch.rows_of = {c: i + 2 for i, c in enumerate(codes)}
    if "GEMEENTENUMMER" in frame:
        batch.gemeente_of = dict(zip(codes, frame["GEMEENTENUMMER"].map(gemeente_code), strict=True))
    return batch


def read_afstand(path: Path, frame: pd.DataFrame) -> SchoolBatch:
    """Mean home–school distance; a vestiging with more than one sort (so and vso) gets the pupil-weighted mean."""
    issues = Issues(str(path))
    codes, key = _codes(frame, issues)
    soort = frame.get("SOORT_PO", pd.Series("", index=frame.index))
    _dupes(codes, key, issues, soort)
    issues.raise_if_any()
    dist, dst, dbad = numbers(frame["AFSTAND"])
    pupils, pst, pbad = numbers(frame["LEERLINGEN"]) if "LEERLINGEN" in frame else (
        pd.Series(np.nan, index=frame.index), None, np.zeros(len(frame), dtype=bool))
    for i in np.flatnonzero(dbad):
        issues.add(int(i) + 2, "AFSTAND", f"'{frame['AFSTAND'].iloc[i]}' is geen getal")
    for i in np.flatnonzero(pbad):
        issues.add(int(i) + 2, "LEERLINGEN", f"'{frame['LEERLINGEN'].iloc[i]}' is geen getal")
    issues.raise_if_any()
    peil = frame.get("PEILDATUM", pd.Series("2019", index=frame.index)).str[:4]
    df = pd.DataFrame({"school": codes, "d": dist, "n": pupils.fillna(0),
                       "period": pd.to_numeric(peil, errors="coerce").fillna(2019).astype(int),
                       "_row": np.arange(len(frame)) + 2})
    df = df[df["d"].notna()]
    df["dn"] = df["d"] * df["n"]
    g = df.groupby(["school", "period"])
    res = pd.DataFrame({"dn": g["dn"].sum(), "n": g["n"].sum(), "d": g["d"].mean(), "_row": g["_row"].min()})
    res["value"] = np.where(res["n"] > 0, res["dn"] / res["n"].where(res["n"] > 0), res["d"])
    src = f"DUO gemiddelde afstand woonadres–school ({path.name})"
    records = [_rec(s, "sch_afstand_woonadres", p, float(r.value), "measured", int(r._row), src,
                    denominator=float(r.n) if r.n else None) for (s, p), r in res.iterrows()]
    batch = SchoolBatch("afstand", str(path), len(frame), _sha(path), observations=_obs(records), key_field=key)
    batch.rows_of = {c: i + 2 for i, c in enumerate(codes)}
    if "GEMEENTENUMMER" in frame:
        batch.gemeente_of = dict(zip(codes, frame["GEMEENTENUMMER"].map(gemeente_code), strict=True))
    return batch


def read_vo_pupils(path: Path, frame: pd.DataFrame, period: int = 2019) -> SchoolBatch:
    issues = Issues(str(path))
    codes, key = _codes(frame, issues)
    issues.raise_if_any()
    cols = [c for c in frame.columns if c.startswith("LEER- OF VERBLIJFSJAAR")]
    nums = frame[cols].apply(lambda s: pd.to_numeric(s, errors="coerce"))
    bad = nums.isna() & (frame[cols] != "")
    for i, j in zip(*np.nonzero(bad.to_numpy()), strict=True):
        issues.add(int(i) + 2, cols[j], f"'{frame[cols[j]].iloc[i]}' is geen getal")
    issues.raise_if_any()
    total = nums.fillna(0).sum(axis=1).groupby(codes).sum()
    first_row = pd.Series(range(len(codes)), index=codes).groupby(level=0).first() + 2
    src = f"DUO leerlingen vo per vestiging {period} ({path.name})"
    records = [_rec(c, "sch_leerlingen", period, float(v), "measured", int(first_row[c]), src) for c, v in total.items()]
    batch = SchoolBatch("vo-leerlingen", str(path), len(frame), _sha(path), observations=_obs(records), key_field=key)
    batch.rows_of = {c: int(r) for c, r in first_row.items()}
    return batch


def read_vsv(path: Path, frame: pd.DataFrame, period: int = 2015) -> SchoolBatch:
    issues = Issues(str(path))
    codes, key = _codes(frame, issues)
    _dupes(codes, key, issues)
    issues.raise_if_any()
    src = f"DUO/OCW vsv per vestiging, bestand {period} ({path.name})"
    records = []
    for i, code in enumerate(codes):
        row = i + 2
        n, nst, err = number(frame["aantal_leerlingen"].iloc[i])
        v, vst, err2 = number(frame["vsv_totaal"].iloc[i])
        if err or err2:
            issues.add(row, "aantal_leerlingen" if err else "vsv_totaal", err or err2)
            continue
        if n is not None and v is not None and v > n:
            issues.add(row, "vsv_totaal", f"{v:g} schoolverlaters is meer dan de {n:g} leerlingen",
                       "een deelaantal kan niet groter zijn dan het totaal")
            continue
        records.append(_rec(code, "sch_vsv_leerlingen", period, n, nst, row, src))
        records.append(_rec(code, "sch_vsv", period, v, vst, row, src))
        if n and v is not None:
            records.append(_rec(code, "sch_vsv_pct", period, v / n * 100, "measured", row, src, numerator=v,
                                denominator=n))
    issues.raise_if_any()
    batch = SchoolBatch("vsv", str(path), len(frame), _sha(path), observations=_obs(records), key_field=key)
    batch.rows_of = {c: i + 2 for i, c in enumerate(codes)}
    return batch


def read_exams(path: Path, frame: pd.DataFrame) -> SchoolBatch:
    """Per vestiging and exam year: candidates and passes summed over its programmes (TOTAAL columns).
    A year in which any programme has ``<5`` gets no total (it would be a guess)."""
    issues = Issues(str(path))
    codes, key = _codes(frame, issues)
    issues.raise_if_any()
    years = sorted({m.group(1) for c in frame.columns
                    if (m := re.fullmatch(r"EXAMENKANDIDATEN SCHOOLJAAR (\d{4}-\d{4}) - TOTAAL", c))})
    src = f"DUO examenkandidaten en geslaagden ({path.name})"
    records = []
    first_row = pd.Series(range(len(codes)), index=codes).groupby(level=0).first() + 2
    for sy in years:
        period = int(sy[-4:])
        kc, gc = f"EXAMENKANDIDATEN SCHOOLJAAR {sy} - TOTAAL", f"GESLAAGDEN SCHOOLJAAR {sy} - TOTAAL"
        per: dict[str, list] = {}
        for i, code in enumerate(codes):
            k, kst, err = number(frame[kc].iloc[i])
            g, gst, err2 = number(frame[gc].iloc[i]) if gc in frame else (None, "missing", None)
            if err or err2:
                issues.add(i + 2, kc if err else gc, err or err2)
                continue
            if k is not None and g is not None and g > k:
                issues.add(i + 2, gc, f"{g:g} geslaagden is meer dan de {k:g} examenkandidaten",
                           "een deelaantal kan niet groter zijn dan het totaal")
                continue
            acc = per.setdefault(code, [0.0, 0.0, False, False])
            if kst == "suppressed" or gst == "suppressed":
                acc[2] = True
            if k is not None:
                acc[0] += k
                acc[3] = True
            if g is not None:
                acc[1] += g
        for code, (k, g, suppressed, seen) in per.items():
            row = int(first_row[code])
            if suppressed:
                records.append(_rec(code, "sch_examenkandidaten", period, None, "suppressed", row,
                                    src + "; een opleiding had minder dan 5 kandidaten (DUO: <5)"))
                continue
            if not seen or k == 0:
                continue
            records.append(_rec(code, "sch_examenkandidaten", period, k, "measured", row, src))
            records.append(_rec(code, "sch_geslaagden", period, g, "measured", row, src))
            records.append(_rec(code, "sch_slaagpercentage", period, g / k * 100, "measured", row, src,
                                numerator=g, denominator=k))
    issues.raise_if_any()
    batch = SchoolBatch("examens", str(path), len(frame), _sha(path), observations=_obs(records), key_field=key)
    batch.rows_of = {c: int(r) for c, r in first_row.items()}
    if "GEMEENTENAAM" in frame:
        batch.gemeente_of = {c: n for c, n in zip(codes, frame["GEMEENTENAAM"].str.upper(), strict=True)}
        batch.gemeente_names = True  # type: ignore[attr-defined]
    return batch


def read_coordinates(path: Path, frame: pd.DataFrame) -> SchoolBatch:
    issues = Issues(str(path))
    codes, key = _codes(frame, issues)
    lower = {c.lower(): c for c in frame.columns}
    lat = pd.to_numeric(frame[lower["lat"]].str.replace(",", "."), errors="coerce")
    lon = pd.to_numeric(frame[lower["lon"]].str.replace(",", "."), errors="coerce")
    for i in np.flatnonzero((lat.isna() | ~lat.between(50.7, 53.7)).to_numpy()):
        issues.add(int(i) + 2, lower["lat"], f"'{frame[lower['lat']].iloc[i]}' is geen breedtegraad in Nederland",
                   "WGS84 in graden, bijvoorbeeld 52.2215")
    for i in np.flatnonzero((lon.isna() | ~lon.between(3.2, 7.3)).to_numpy()):
        issues.add(int(i) + 2, lower["lon"], f"'{frame[lower['lon']].iloc[i]}' is geen lengtegraad in Nederland",
                   "WGS84 in graden, bijvoorbeeld 6.8937")
    _dupes(codes, key, issues)
    issues.raise_if_any()
    loc = pd.DataFrame({"code": codes, "lat": lat, "lon": lon, "location_method": "file"})
    batch = SchoolBatch("coordinaten", str(path), len(frame), _sha(path), locations=loc, key_field=key)
    batch.rows_of = {c: i + 2 for i, c in enumerate(codes)}
    return batch


HISTORY_EVENTS = {"geopend", "gesloten", "opgevolgd", "gefuseerd"}


def read_history(path: Path, frame: pd.DataFrame) -> SchoolBatch:
    issues = Issues(str(path))
    codes, key = _codes(frame, issues)
    lower = {c.lower(): c for c in frame.columns}
    out = []
    for i, code in enumerate(codes):
        row = i + 2
        y = frame[lower["jaar"]].iloc[i]
        ev = frame[lower["gebeurtenis"]].iloc[i].lower()
        to = frame[lower["opvolger"]].iloc[i].upper() if "opvolger" in lower else ""
        if not y.isdigit() or not 1900 <= int(y) <= 2100:
            issues.add(row, lower["jaar"], f"'{y}' is geen jaartal")
            continue
        if ev not in HISTORY_EVENTS:
            issues.add(row, lower["gebeurtenis"], f"'{ev}' kan niet", f"kies uit {', '.join(sorted(HISTORY_EVENTS))}")
            continue
        if ev in ("opgevolgd", "gefuseerd") and not _CODE.fullmatch(to):
            issues.add(row, lower.get("opvolger", "opvolger"), "een opvolging of fusie noemt de vestigingscode die "
                       "verder gaat", "bijvoorbeeld 08UT00")
            continue
        if to and to == code:
            issues.add(row, lower.get("opvolger", "opvolger"), "een vestiging kan zichzelf niet opvolgen")
            continue
        out.append({"code": code, "year": int(y), "event": ev, "to_code": to or None,
                    "note": frame[lower["toelichting"]].iloc[i] if "toelichting" in lower else None,
                    "source": path.name, "_row": row})
    issues.raise_if_any()
    batch = SchoolBatch("geschiedenis", str(path), len(frame), _sha(path), key_field=key)
    batch.history = out
    batch.rows_of = {c: i + 2 for i, c in enumerate(codes)}
    return batch


def read_school_file(path: str | Path, kind: str | None = None, year: int | None = None) -> SchoolBatch:
    """Read and validate one school file of ``kind`` (recognised from its columns when not given)."""
    path = Path(path)
    frame = read_table(path)
    found = detect_kind(list(frame.columns))
    kind = kind or found
    if kind is None:
        raise ImportValidationError([Issue(str(path), 1, None, "dit bestand is niet herkend als schoolbestand",
                                           "soorten: " + "; ".join(f"{k} ({v})" for k, v in KINDS.items()))])
    if kind not in KINDS:
        raise ImportValidationError([Issue(str(path), None, "soort", f"'{kind}' is geen soort schoolbestand",
                                           f"kies uit {', '.join(KINDS)}")])
    if kind == "adressen":
        return read_addresses(path, frame, year)
    if kind == "leerlingen":
        return read_pupil_history(path, frame)
    if kind == "achterstandsscores":
        return read_scores(path, frame, year or _year_from_name(path) or 2019)
    if kind == "eindscores":
        return read_eindscores(path, frame)
    if kind == "afstand":
        return read_afstand(path, frame)
    if kind == "vo-leerlingen":
        return read_vo_pupils(path, frame, year or _year_from_name(path) or 2019)
    if kind == "vsv":
        return read_vsv(path, frame, year or _year_from_name(path) or 2015)
    if kind == "examens":
        return read_exams(path, frame)
    if kind == "coordinaten":
        return read_coordinates(path, frame)
    if kind == "geschiedenis":
        return read_history(path, frame)
    from .klas import read_klas

    return read_klas(path, frame, year)
