"""Read figures published per postcode-4 area into observations of PC4 regions (vectorised, no per-row Python).

Three sources (see ``../shared/data/PROVENANCE.md``):

* CBS Kerncijfers per postcode 2023 (v2) and 2024 (v1): counts rounded to 5, percentages to tens, ``-99997``
  (0-4 or secret) already turned into empty by the staging, so an empty cell is *suppressed*;
* Leefbaarometer 3.0 total score per PC4, 2022;
* EP-Online energy labels per address: only dwellings (building class ``W``), per address the latest label,
  counted per PC4 right away. No address or label of one dwelling leaves this module.

Totals per gemeente use the one gemeente CBS assigns to each PC4 (``other/nl_pc4_gemeente_ggdregio_lookup.csv``):
a PC4 that straddles a border counts wholly for that gemeente, so these totals are *estimated*; the NL total of
all PC4 areas is a plain sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.catalogue import Catalogue
from ..core.errors import ImportValidationError, Issue
from ..core.model import Aggregation, Status
from ..store.store import OBSERVATION_COLUMNS

#: PC4 file column → indicator id (counts and published means/percentages read as they are)
KERNCIJFERS_COLUMNS = {
    "inwoners_totaal": "inwoners",
    "inwoners_leeftijdklassen_tot_15_jaar": "inwoners_0_14",
    "inwoners_leeftijdklassen_65_jaar_en_ouder": "inwoners_65plus",
    "huishouden_totaal": "huishoudens",
    "huishouden_samenstelling_eenouder": "eenouderhuishoudens",
    "woning_totaal": "woningvoorraad",
    "woning_type_koopwoning": "pct_koopwoningen",
    "woning_eigendom_huurcoporatie": "corporatiewoningen",
    "sociale_zekerheid_totaal_uitkeringen_personen_met_ww_bijstand_en_of_ao_uitkering_beneden_aow_leeftijd":
        "uitkeringsontvangers",
    "woning_waarde_woz_waarde_woning": "woz_waarde",
    "energie_gedurende_2023_waarde_gas_verbruik": "aardgasverbruik_woningen",
    "energie_gedurende_2023_waarde_elektra_verbruik": "elektriciteitsverbruik_woningen",
}
AGE_15_64 = ["inwoners_leeftijdklassen_15_tot_25_jaar", "inwoners_leeftijdklassen_25_tot_45_jaar",
             "inwoners_leeftijdklassen_45_tot_65_jaar"]
HERKOMST_BUITEN_EUROPA = ["inwoners_herkomst_geboren_in_nederland_met_herkomst_buiten_europa",
                          "inwoners_herkomst_geboren_buiten_nederland_met_een_herkomst_buiten_europa"]
#: rates computed from two counts of the same file: indicator → (numerator, denominator)
RATES = {
    "pct_eenouderhuishoudens": ("eenouderhuishoudens", "huishoudens"),
    "pct_uitkeringsontvangers": ("uitkeringsontvangers", "inwoners_15_64"),
    "pct_corporatiewoningen": ("corporatiewoningen", "woningvoorraad"),
}
TABLE = {2023: "PC4-2023", 2024: "PC4-2024"}
EFG = ("E", "F", "G")


@dataclass
class Pc4Frame:
    """Long observations per PC4 (``region`` = ``PCnnnn``) plus the gemeente each PC4 is assigned to."""

    observations: pd.DataFrame
    gemeente_of: pd.Series  # PCnnnn → GMxxxx


def _fail(path: Path, message: str, hint: str | None = None) -> None:
    raise ImportValidationError([Issue(str(path), None, None, message, hint)],
                                f"{path.name} is niet ingelezen: de store is niet gewijzigd.")


def read_lookup(path: Path) -> pd.Series:
    """PC4 → gemeente code, as CBS assigns it."""
    frame = pd.read_csv(path, dtype=str)
    for col in ("pc4", "gm_code"):
        if col not in frame.columns:
            _fail(path, f"kolom '{col}' ontbreekt", "gebruik het bestand other/nl_pc4_gemeente_ggdregio_lookup.csv")
    frame = frame.dropna(subset=["pc4", "gm_code"])
    return pd.Series(frame["gm_code"].str.strip().to_numpy(), index="PC" + frame["pc4"].str.strip().str.zfill(4),
                     name="gemeente").groupby(level=0).first()


def _long(wide: pd.DataFrame, year: int, table: str, source: dict[str, str], status_missing: Status) -> pd.DataFrame:
    """Wide numeric frame (index PCnnnn, columns indicator ids) → observation rows; NaN → ``status_missing``."""
    long = wide.stack(future_stack=True).rename("value").reset_index()
    long.columns = ["region", "indicator", "value"]
    long["boundary_year"] = 0  # set by the caller
    long["period"] = year
    long["status"] = np.where(long["value"].notna(), Status.MEASURED.value, status_missing.value)
    long["source_ref"] = table + ", " + long["indicator"].map(source).fillna("")
    for col in ("numerator", "denominator", "lower", "upper"):
        long[col] = np.nan
    return long


def read_kerncijfers(path: Path, year: int) -> pd.DataFrame:
    """One CBS PC4 kerncijfers file → long observations (counts, published means, 15-64 and rates)."""
    path = Path(path)
    header = pd.read_csv(path, nrows=0).columns
    wanted = {"pc4", *AGE_15_64, *HERKOMST_BUITEN_EUROPA, *KERNCIJFERS_COLUMNS}
    raw = pd.read_csv(path, dtype={"pc4": str}, usecols=[c for c in header if c in wanted])
    need = ["pc4", "inwoners_totaal", "huishouden_totaal", "woning_totaal", *AGE_15_64]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        _fail(path, f"kolommen ontbreken: {', '.join(missing)}",
              "gebruik een bestand 'Kerncijfers per postcode' van CBS zoals beschreven in PROVENANCE.md")
    raw = raw.dropna(subset=["pc4"])
    raw = raw[raw["pc4"].str.strip().str.fullmatch(r"\d{4}")]
    raw.index = "PC" + raw["pc4"].str.strip()
    if raw.index.duplicated().any():
        dup = raw.index[raw.index.duplicated()][0]
        _fail(path, f"postcode {dup[2:]} komt twee keer voor", "verwijder de dubbele rij")
    cols = {c: i for c, i in KERNCIJFERS_COLUMNS.items() if c in raw.columns}
    wide = raw[list(cols)].apply(pd.to_numeric, errors="coerce").rename(columns=cols)
    if (wide < 0).any().any():
        _fail(path, "negatieve waarden: CBS-codes voor geheim zijn niet omgezet", "zet -99997 om naar een lege cel")
    ages = raw[AGE_15_64].apply(pd.to_numeric, errors="coerce")
    wide["inwoners_15_64"] = ages.sum(axis=1, min_count=3).where(ages.notna().all(axis=1))
    herkomst = raw[[c for c in HERKOMST_BUITEN_EUROPA if c in raw.columns]].apply(pd.to_numeric, errors="coerce")
    if herkomst.shape[1] == 2:
        # an empty share is 0-4 people (CBS); the sum is kept only where both shares are published
        wide["pct_herkomst_buiten_europa"] = herkomst.sum(axis=1, min_count=2).clip(upper=100)
    columns = {v: k for k, v in cols.items()}
    columns["inwoners_15_64"] = "inwoners_leeftijdklassen 15-25 + 25-45 + 45-65"
    columns["pct_herkomst_buiten_europa"] = "herkomst buiten Europa (in en buiten NL geboren)"
    obs = _long(wide, year, TABLE[year], columns, Status.SUPPRESSED)
    obs = pd.concat([obs, rates(wide, year, TABLE[year])], ignore_index=True)
    obs["source_ref"] = obs["source_ref"] + f"; {path.name}"
    return obs


def rates(wide: pd.DataFrame, year: int, label: str) -> pd.DataFrame:
    """Rates from their numerator and denominator counts (per row of ``wide``)."""
    frames = []
    for rid, (num, den) in RATES.items():
        if num not in wide or den not in wide:
            continue
        n, d = wide[num].astype(float), wide[den].astype(float)
        ok = n.notna() & d.notna() & (d > 0)
        value = (n / d * 100).where(ok).clip(upper=100)
        frames.append(pd.DataFrame({
            "region": wide.index, "indicator": rid, "period": year, "boundary_year": 0,
            "value": value.to_numpy(), "numerator": n.where(ok).to_numpy(), "denominator": d.where(ok).to_numpy(),
            "status": np.where(ok, Status.MEASURED.value, Status.SUPPRESSED.value),
            "source_ref": f"{label}, {num} / {den} x 100", "lower": np.nan, "upper": np.nan,
        }))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=OBSERVATION_COLUMNS)


def read_leefbaarometer(path: Path) -> pd.DataFrame:
    """Leefbaarometer 3.0 total score per PC4 → observations (``leefbaarometer_score``)."""
    path = Path(path)
    raw = pd.read_csv(path, dtype={"pc4_code": str})
    for col in ("pc4_code", "lbm_score", "jaartal"):
        if col not in raw.columns:
            _fail(path, f"kolom '{col}' ontbreekt", "gebruik het Leefbaarometer-bestand per postcode-4")
    raw = raw[raw["pc4_code"].astype(str).str.strip().str.fullmatch(r"\d{4}")]
    years = pd.to_numeric(raw["jaartal"], errors="coerce").dropna().unique()
    if len(years) != 1:
        _fail(path, "het bestand bevat meer dan één jaar (kolom jaartal)", "lees per jaar een bestand in")
    score = pd.to_numeric(raw["lbm_score"], errors="coerce")
    bad = score.notna() & ~score.between(0, 10)
    if bad.any():
        _fail(path, f"score {score[bad].iloc[0]} ligt buiten 0-10", "controleer de kolom lbm_score")
    wide = pd.DataFrame({"leefbaarometer_score": score.to_numpy()}, index="PC" + raw["pc4_code"].str.strip())
    wide = wide[~wide.index.duplicated()]
    obs = _long(wide, int(years[0]), "Leefbaarometer 3.0 (BZK) totaalscore", {"leefbaarometer_score": "lbm_score"},
                Status.MISSING)
    obs["source_ref"] = obs["source_ref"] + f"; {path.name}"
    return obs[obs["status"] == Status.MEASURED.value]


def count_energy_labels(path: Path) -> tuple[pd.DataFrame, int]:
    """EP-Online labels per address → per PC4: dwellings with a label, with label E/F/G (latest label per
    address). Returns the counts per PC4 (index PCnnnn) and the last registration year."""
    path = Path(path)
    raw = pd.read_parquet(path, columns=["postal_code", "house_number", "house_letter", "house_addition",
                                         "energy_label", "registration_date", "building_class"])
    raw = raw[raw["building_class"].astype(str).str.upper() == "W"]
    pc6 = raw["postal_code"].astype(str).str.replace(" ", "").str.upper()
    raw = raw.assign(pc6=pc6)[pc6.str.fullmatch(r"\d{4}[A-Z]{2}")]
    key = raw["pc6"] + "|" + raw["house_number"].astype(str) + "|" + raw["house_letter"].fillna("").astype(str) \
        + "|" + raw["house_addition"].fillna("").astype(str)
    raw = raw.assign(key=key).sort_values("registration_date").drop_duplicates("key", keep="last")
    label = raw["energy_label"].astype(str).str.strip().str.upper().str[0]
    pc4 = "PC" + raw["pc6"].str[:4]
    counts = pd.DataFrame({"pc4": pc4, "efg": label.isin(EFG)}).groupby("pc4").agg(
        energielabels_geregistreerd=("efg", "size"), energielabels_efg=("efg", "sum"))
    last = pd.to_numeric(raw["registration_date"].astype(str).str[:4], errors="coerce").max()
    return counts.astype(float), int(last)


def energy_label_observations(counts: pd.DataFrame, dwellings: pd.Series, year: int, label: str) -> pd.DataFrame:
    """Counts per region → count, share E-G and coverage observations (rates through their counts)."""
    wide = counts.copy()
    wide["woningvoorraad"] = dwellings.reindex(wide.index)
    obs = _long(wide[["energielabels_geregistreerd", "energielabels_efg"]], year, label,
                {"energielabels_geregistreerd": "aantal adressen", "energielabels_efg": "aantal adressen E/F/G"},
                Status.MISSING)
    parts = [obs]
    for rid, num, den in (("pct_woningen_energielabel_efg", "energielabels_efg", "energielabels_geregistreerd"),
                          ("pct_dekking_energielabels", "energielabels_geregistreerd", "woningvoorraad")):
        n, d = wide[num], wide[den]
        ok = n.notna() & d.notna() & (d > 0)
        parts.append(pd.DataFrame({
            "region": wide.index, "indicator": rid, "period": year, "boundary_year": 0,
            "value": (n / d * 100).where(ok).to_numpy(), "numerator": n.where(ok).to_numpy(),
            "denominator": d.where(ok).to_numpy(), "status": np.where(ok, Status.MEASURED.value, Status.MISSING.value),
            "source_ref": f"{label}, {num} / {den} x 100", "lower": np.nan, "upper": np.nan}))
    out = pd.concat(parts, ignore_index=True)
    return out[out["status"] == Status.MEASURED.value]


def aggregate_to(obs: pd.DataFrame, groups: pd.Series, catalogue: Catalogue, status: Status, note: str) -> pd.DataFrame:
    """PC4 observations → the regions in ``groups`` (PCnnnn → target code): counts summed, rates as the ratio of
    the summed counts of the members where both are published, weighted means weighted by their weight
    indicator. A suppressed member (0-4, secret) counts as 0 in a sum: use this for large targets (gemeenten,
    NL) only, and mark the result as an estimate. Indicators that do not aggregate are left out."""
    obs = obs[obs["region"].isin(groups.index)]
    if obs.empty:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS)
    wide = obs.pivot_table(index=["region", "period"], columns="indicator", values="value", aggfunc="first")
    target = wide.index.get_level_values("region").map(groups)
    keys = [target, wide.index.get_level_values("period")]
    out = []
    for iid in sorted(set(obs["indicator"])):
        ind = catalogue[iid]
        if ind.aggregation == Aggregation.SUM and iid in wide:
            res = pd.DataFrame({"value": wide[iid].groupby(keys).sum(min_count=1)})
        elif ind.aggregation == Aggregation.RATIO and ind.numerator in wide and ind.denominator in wide:
            n, d = wide[ind.numerator], wide[ind.denominator]
            ok = n.notna() & d.notna()
            n, d = n.where(ok).groupby(keys).sum(min_count=1), d.where(ok).groupby(keys).sum(min_count=1)
            res = pd.DataFrame({"value": (n / d * ind.factor).where(d > 0), "numerator": n, "denominator": d})
        elif ind.aggregation == Aggregation.WEIGHTED_MEAN and ind.weight in wide and iid in wide:
            v, w = wide[iid], wide[ind.weight]
            ok = v.notna() & w.notna()
            num = (v * w).where(ok).groupby(keys).sum(min_count=1)
            den = w.where(ok).groupby(keys).sum(min_count=1)
            res = pd.DataFrame({"value": (num / den).where(den > 0)})
        else:
            continue
        res.index.names = ["region", "period"]
        res = res.reset_index()
        res["indicator"] = iid
        out.append(res)
    if not out:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS)
    frame = pd.concat(out, ignore_index=True).dropna(subset=["value"])
    frame["status"] = status.value
    frame["source_ref"] = note
    frame["boundary_year"] = 0
    return frame.reindex(columns=OBSERVATION_COLUMNS)
