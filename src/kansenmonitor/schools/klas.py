"""School-klas-kind: a school's own counts per klas (group) and need category, from a template.

Counts only, never pupils: the template has one row per klas and category with a number. A klas needs at
least :data:`MIN_KLAS` pupils and every count is 0 or at least :data:`MIN_CELL` (combine groups, e.g. 1 and 2,
when they are smaller). Columns that could hold a pupil's data (name, birth date, BSN, …) refuse the file.

From the counts kansenmonitor derives the school's VVE share (groups 1-2) and youth-care share, the inputs of
the LEA plus-arrangement rules (VVE > 75 %, jeugdhulp > 40 %).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .duo import Issues, SchoolBatch, _codes, _obs, _rec, _sha

MIN_KLAS = 10
MIN_CELL = 5
CATEGORIES = {
    "leerlingen": ("leerlingen in de klas (verplicht)", "pupils in the class (required)"),
    "vve_indicatie": ("kinderen met een VVE-indicatie (groep 1-2)", "children with a VVE indication (years 1-2)"),
    "jeugdhulp": ("leerlingen met jeugdhulp (Jeugdwet)", "pupils receiving youth care"),
    "achterstandsindicatie": ("leerlingen met een achterstandsindicatie van de school", "pupils with a disadvantage "
                              "indication"),
    "nt2": ("leerlingen met Nederlands als tweede taal", "pupils with Dutch as a second language"),
    "armoede": ("leerlingen uit een gezin met een laag inkomen (schatting school)", "pupils from a low-income "
                "family (school estimate)"),
    "extra_ondersteuning": ("leerlingen met extra ondersteuning (arrangement)", "pupils with extra support"),
}
REQUIRED = ["vestigingscode", "schooljaar", "klas", "groep", "categorie", "aantal"]
PERSONAL = re.compile(r"naam|geboorte|bsn|burgerservice|leerlingnummer|adres|postcode|geslacht", re.I)
_SCHOOLJAAR = re.compile(r"^(20\d{2})[-/](20\d{2})$")


def template_csv(code: str = "08UT00", schooljaar: str = "2024-2025") -> str:
    """An empty template with example rows (Dutch), separated by ``;``."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(REQUIRED)
    for klas, groep, n in (("1/2A", "1-2", 24), ("1/2B", "1-2", 23), ("3A", "3", 26)):
        w.writerow([code, schooljaar, klas, groep, "leerlingen", n])
        for cat in CATEGORIES:
            if cat == "leerlingen" or (cat == "vve_indicatie" and groep != "1-2"):
                continue
            w.writerow([code, schooljaar, klas, groep, cat, ""])
    return buf.getvalue()


def read_klas(path: Path, frame: pd.DataFrame, year: int | None = None) -> SchoolBatch:
    issues = Issues(str(path))
    cols = {c.lower(): c for c in frame.columns}
    for c in frame.columns:
        if PERSONAL.search(c):
            issues.add(1, c, "dit sjabloon neemt geen gegevens van afzonderlijke leerlingen",
                       "lever alleen aantallen per klas en categorie; haal deze kolom weg")
    missing = [c for c in REQUIRED if c not in cols]
    for c in missing:
        issues.add(1, c, "verplichte kolom ontbreekt", f"kolommen: {';'.join(REQUIRED)}")
    issues.raise_if_any()
    frame = frame.rename(columns={v: k for k, v in cols.items()})
    codes, key = _codes(frame, issues)
    rows = []
    for i in range(len(frame)):
        row = i + 2
        sj = frame["schooljaar"].iloc[i]
        m = _SCHOOLJAAR.match(sj)
        if not m or int(m.group(2)) != int(m.group(1)) + 1:
            issues.add(row, "schooljaar", f"'{sj}' is geen schooljaar", "schrijf het als 2024-2025")
            continue
        cat = frame["categorie"].iloc[i].lower()
        if cat not in CATEGORIES:
            issues.add(row, "categorie", f"'{frame['categorie'].iloc[i]}' is geen categorie",
                       f"kies uit {', '.join(CATEGORIES)}")
            continue
        raw = frame["aantal"].iloc[i]
        if raw == "":
            continue  # not filled in: unknown, not 0
        if not raw.isdigit():
            issues.add(row, "aantal", f"'{raw}' is geen aantal", "een heel getal, 0 of meer")
            continue
        n = int(raw)
        if 0 < n < MIN_CELL:
            issues.add(row, "aantal", f"{n} is minder dan {MIN_CELL}: zo'n klein aantal maakt kinderen herkenbaar",
                       "voeg groepen samen (bijvoorbeeld 1 en 2) of vul 0 in als er niemand is")
            continue
        klas = frame["klas"].iloc[i]
        if not klas:
            issues.add(row, "klas", "de klas (groep) ontbreekt")
            continue
        rows.append({"school": codes.iloc[i], "period": int(m.group(1)), "klas": klas,
                     "groep": frame["groep"].iloc[i], "category": cat, "count": n, "_row": row})
    g = pd.DataFrame(rows, columns=["school", "period", "klas", "groep", "category", "count", "_row"])
    dup = g.duplicated(["school", "period", "klas", "category"])
    for r in g.loc[dup, "_row"]:
        issues.add(int(r), "categorie", "deze klas en categorie staan twee keer in het bestand")
    tot = g[g["category"] == "leerlingen"].set_index(["school", "period", "klas"])["count"]
    for r in g.itertuples():
        k = (r.school, r.period, r.klas)
        if k not in tot.index:
            issues.add(r._7, "categorie", f"klas '{r.klas}' heeft geen regel 'leerlingen'",
                       "geef per klas het aantal leerlingen")
        elif r.category == "leerlingen" and r.count < MIN_KLAS:
            issues.add(r._7, "aantal", f"klas '{r.klas}' heeft {r.count} leerlingen; het minimum is {MIN_KLAS}",
                       "voeg kleine groepen samen tot ten minste 10 leerlingen")
        elif r.category != "leerlingen" and r.count > tot[k]:
            issues.add(r._7, "aantal", f"{r.count} {r.category} is meer dan de {tot[k]} leerlingen van klas '{r.klas}'",
                       "een deelaantal kan niet groter zijn dan het totaal")
    issues.raise_if_any()
    records = []
    src = f"klas-gegevens van de school ({path.name})"
    for (school, period), sub in g.groupby(["school", "period"]):
        row = int(sub["_row"].min())
        kle = sub[sub["groep"].str.replace(" ", "").isin(["1", "2", "1-2", "1/2"])]
        pupils = int(sub.loc[sub["category"] == "leerlingen", "count"].sum())
        records.append(_rec(school, "sch_leerlingen_klas", period, float(pupils), "measured", row, src))
        n_kl = int(kle.loc[kle["category"] == "leerlingen", "count"].sum())
        vve = kle[kle["category"] == "vve_indicatie"]
        if n_kl and not vve.empty:
            v = float(vve["count"].sum())
            records.append(_rec(school, "sch_kleuters", period, float(n_kl), "measured", row, src))
            records.append(_rec(school, "sch_vve_aantal", period, v, "measured", row, src))
            records.append(_rec(school, "sch_vve_pct", period, v / n_kl * 100, "measured", row, src, v, float(n_kl)))
        jh = sub[sub["category"] == "jeugdhulp"]
        if not jh.empty:
            # the share over the klassen that filled in the category
            base = int(sub[(sub["category"] == "leerlingen") & sub["klas"].isin(jh["klas"])]["count"].sum())
            j = float(jh["count"].sum())
            records.append(_rec(school, "sch_jeugdhulp_aantal", period, j, "measured", row, src))
            if base:
                records.append(_rec(school, "sch_jeugdhulp_pct", period, j / base * 100, "measured", row, src, j,
                                    float(base)))
    batch = SchoolBatch("klassen", str(path), len(frame), _sha(path), observations=_obs(records), key_field=key)
    batch.groups = g.drop(columns=["groep"])
    batch.rows_of = {c: int(np.flatnonzero((codes == c).to_numpy())[0]) + 2 for c in set(codes)}
    return batch
