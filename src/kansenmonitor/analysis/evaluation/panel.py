"""Panel data for effect evaluation: validation and reshaping.

A :class:`Panel` holds one row per unit (e.g. a neighbourhood) and period (e.g. a year) with an outcome,
the first treated period of the unit (empty, NaN or 0 = never treated) and optional covariates and
weights. Every problem found is reported at once as a :class:`ValidationError` with a hint what to change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kansenmonitor.core.errors import Issue, ValidationError

from .results import Message

NEVER = np.inf



def _eenheden(n: int) -> str:
    """'1 eenheid', '3 eenheden'."""
    return f"{n} eenheid" if n == 1 else f"{n} eenheden"

class PanelError(ValidationError):
    """The panel (or its use with a method) is not valid; nothing was estimated."""


@dataclass(frozen=True)
class Wide:
    """A balanced wide view of a panel: units in rows, periods in columns."""

    units: np.ndarray  # unit labels (n,)
    times: np.ndarray  # sorted period values (T,)
    y: np.ndarray  # outcome (n, T)
    group: np.ndarray  # first treated period index into ``times``; ``np.inf`` for never treated (n,)
    weights: np.ndarray  # unit weights, mean 1 (n,)
    dropped: tuple  # units left out because of missing periods

    @property
    def treated(self) -> np.ndarray:
        return np.isfinite(self.group)


def _issue(source: str, row: int | None, field: str | None, message: str, hint: str | None = None,
           en: tuple[str, str | None] | None = None) -> Issue:
    """An issue; ``en`` is its (message, hint) in English."""
    return Issue(file=source, row=row, field=field, message=message, hint=hint,
                 message_en=en[0] if en else None, hint_en=en[1] if en else None)


def _rows(positions: Sequence[int], offset: int, limit: int = 5, lang: str = "nl") -> str:
    shown = ", ".join(str(int(p) + offset) for p in list(positions)[:limit])
    more = (f" ({'and' if lang == 'en' else 'en nog'} {len(positions) - limit}"
            f"{' more' if lang == 'en' else ''})") if len(positions) > limit else ""
    return shown + more


class Panel:
    """A validated unit x period panel.

    Build it with :meth:`from_frame` or :meth:`from_file`; the constructor is internal.
    """

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        unit: str,
        time: str,
        outcome: str,
        treated_from: str,
        covariates: tuple[str, ...],
        weights: str | None,
        source: str,
        notes: tuple[Message, ...],
    ):
        self._data = data
        self.unit = unit
        self.time = time
        self.outcome = outcome
        self.treated_from = treated_from
        self.covariates = covariates
        self.weights = weights
        self.source = source
        self.notes = notes
        self.covariate_gaps = False
        self._wide: Wide | None = None
        self._unit_codes: tuple[np.ndarray, np.ndarray] | None = None
        self._time_codes: np.ndarray | None = None

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        unit: str,
        time: str,
        outcome: str,
        treated_from: str | None = None,
        treatment: str | None = None,
        covariates: Sequence[str] = (),
        weights: str | None = None,
        source: str = "<data>",
        row_offset: int = 0,
        covariate_gaps: bool = False,
    ) -> Panel:
        """Validate a long DataFrame and build a panel.

        Give either ``treated_from`` (first treated period per unit; empty/NaN/0 = never) or ``treatment``
        (a 0/1 indicator per row; the first period with 1 becomes the start).
        ``row_offset`` is added to 0-based row positions in messages (2 for a CSV file with a header).
        ``covariate_gaps=True`` allows empty covariate cells (the synthetic control averages each predictor over
        the observed values of its window); text that is not a number is still an error.
        """
        issues: list[Issue] = []
        notes: list[Message] = []
        covariates = tuple(covariates)
        if (treated_from is None) == (treatment is None):
            raise PanelError(
                [
                    _issue(
                        source,
                        None,
                        None,
                        "geef precies één van 'treated_from' (startperiode) of 'treatment' (0/1 per rij)",
                        "Gebruik --treated-from met de kolom met het eerste jaar van de maatregel.",
                        en=("give exactly one of 'treated_from' (start period) or 'treatment' (0/1 per row)", "Use --treated-from with the column holding the first year of the measure."),
                    )
                ]
            )
        needed = [unit, time, outcome, treated_from or treatment, *covariates] + (
            [weights] if weights else []
        )
        missing = [c for c in needed if c not in df.columns]
        for c in missing:
            issues.append(
                _issue(
                    source,
                    None,
                    c,
                    f"kolom '{c}' ontbreekt",
                    "Beschikbare kolommen: " + ", ".join(map(str, df.columns[:20])),
                        en=(f"column '{c}' is missing", "Available columns: " + ", ".join(map(str, df.columns[:20]))),
                )
            )
        if issues:
            raise PanelError(issues)
        if len(df) == 0:
            raise PanelError(
                [_issue(source, None, None, "de gegevens zijn leeg", "Lever minstens enkele rijen aan.",
                        ("the data are empty", "Provide at least a few rows."))]
            )

        d = pd.DataFrame(
            {"unit": df[unit].to_numpy(), "_row": np.arange(len(df)) + row_offset},
            index=pd.RangeIndex(len(df)),
        )
        # unit -----------------------------------------------------------------------
        bad_unit = d["unit"].isna().to_numpy()
        if bad_unit.any():
            issues.append(
                _issue(
                    source,
                    int(np.flatnonzero(bad_unit)[0]) + row_offset,
                    unit,
                    "lege eenheid (bijv. wijkcode)",
                    f"Vul de eenheid in op rij(en) {_rows(np.flatnonzero(bad_unit), row_offset)}.",
                        en=("empty unit (e.g. wijk code)", f"Fill in the unit in row(s) {_rows(np.flatnonzero(bad_unit), row_offset, lang='en')}."),
                )
            )
        # time -----------------------------------------------------------------------
        t = pd.to_numeric(_blank_to_nan(pd.Series(df[time].to_numpy())), errors="coerce")
        bad_t = t.isna().to_numpy()
        if bad_t.any():
            pos = np.flatnonzero(bad_t)
            issues.append(
                _issue(
                    source,
                    int(pos[0]) + row_offset,
                    time,
                    "periode is leeg of geen getal",
                    f"Gebruik jaartallen of volgnummers (rij(en) {_rows(pos, row_offset)}).",
                        en=("period is empty or not a number", f"Use years or sequence numbers (row(s) {_rows(pos, row_offset, lang='en')})."),
                )
            )
        d["time"] = t.to_numpy(dtype=float)
        # outcome --------------------------------------------------------------------
        raw_y = pd.Series(df[outcome].to_numpy())
        if _is_text(raw_y):
            raw_y = _blank_to_nan(
                _stripped(raw_y, decimal_comma=True)
            )
        y = pd.to_numeric(raw_y, errors="coerce")
        non_numeric = (y.isna() & raw_y.notna()).to_numpy()
        if non_numeric.any():
            pos = np.flatnonzero(non_numeric)
            example = raw_y.iloc[pos[0]]
            issues.append(
                _issue(
                    source,
                    int(pos[0]) + row_offset,
                    outcome,
                    f"uitkomst is geen getal (bijv. '{example}')",
                    f"Zet alleen getallen in deze kolom; laat een cel leeg als de waarde ontbreekt "
                    f"(rij(en) {_rows(pos, row_offset)}).",
                    en=(f"outcome is not a number (e.g. '{example}')",
                        "Put only numbers in this column; leave a cell empty when the value is missing "
                        f"(row(s) {_rows(pos, row_offset, lang='en')})."),
                )
            )
        d["y"] = y.to_numpy(dtype=float)
        # treatment ------------------------------------------------------------------
        if treated_from is not None:
            raw_g = pd.Series(df[treated_from].to_numpy())
            if _is_text(raw_g):
                raw_g = _blank_to_nan(_stripped(raw_g))
            g = pd.to_numeric(raw_g, errors="coerce")
            bad_g = (g.isna() & raw_g.notna()).to_numpy()
            if bad_g.any():
                pos = np.flatnonzero(bad_g)
                issues.append(
                    _issue(
                        source,
                        int(pos[0]) + row_offset,
                        treated_from,
                        "startperiode is geen getal",
                        "Vul het eerste jaar van de maatregel in, of laat leeg (of 0) als de eenheid nooit "
                        f"meedoet (rij(en) {_rows(pos, row_offset)}).",
                        en=("start period is not a number",
                            "Fill in the first year of the measure, or leave it empty (or 0) when the unit never "
                            f"takes part (row(s) {_rows(pos, row_offset, lang='en')})."),
                    )
                )
            g = g.to_numpy(dtype=float, copy=True)
            g[(g == 0) | np.isnan(g)] = NEVER
            d["g"] = g
            gfield = treated_from
        else:
            raw_d = pd.to_numeric(_blank_to_nan(pd.Series(df[treatment].to_numpy())), errors="coerce")
            bad_d = ~raw_d.isin([0, 1]).to_numpy()
            if bad_d.any():
                pos = np.flatnonzero(bad_d)
                issues.append(
                    _issue(
                        source,
                        int(pos[0]) + row_offset,
                        treatment,
                        "behandeling moet 0 of 1 zijn",
                        f"Gebruik 1 voor periodes met de maatregel en 0 zonder (rij(en) {_rows(pos, row_offset)}).",
                        en=("treatment must be 0 or 1", f"Use 1 for periods with the measure and 0 without (row(s) {_rows(pos, row_offset, lang='en')})."),
                    )
                )
            d["_d"] = raw_d.to_numpy(dtype=float)
            gfield = treatment
        # weights and covariates -------------------------------------------------------
        if weights:
            w = pd.to_numeric(_blank_to_nan(pd.Series(df[weights].to_numpy())), errors="coerce").to_numpy(
                dtype=float
            )
            bad_w = ~(np.isfinite(w) & (w > 0))
            if bad_w.any():
                pos = np.flatnonzero(bad_w)
                issues.append(
                    _issue(
                        source,
                        int(pos[0]) + row_offset,
                        weights,
                        "gewicht moet een positief getal zijn",
                        f"Controleer rij(en) {_rows(pos, row_offset)}.",
                        en=("weight must be a positive number", f"Check row(s) {_rows(pos, row_offset, lang='en')}."),
                    )
                )
            d["w"] = w
        else:
            d["w"] = 1.0
        for c in covariates:
            raw_x = _blank_to_nan(pd.Series(df[c].to_numpy()))
            if _is_text(raw_x):
                raw_x = _blank_to_nan(
                    _stripped(raw_x, decimal_comma=True)
                )
            x = pd.to_numeric(raw_x, errors="coerce").to_numpy(dtype=float)
            bad_x = ~np.isfinite(x)
            if covariate_gaps:
                bad_x &= raw_x.notna().to_numpy()
            if bad_x.any():
                pos = np.flatnonzero(bad_x)
                issues.append(
                    _issue(
                        source,
                        int(pos[0]) + row_offset,
                        c,
                        "kenmerk (covariaat) is leeg of geen getal",
                        f"Vul een getal in op rij(en) {_rows(pos, row_offset)} of laat dit kenmerk weg.",
                        en=("covariate is empty or not a number", f"Fill in a number in row(s) {_rows(pos, row_offset, lang='en')} or leave this covariate out."),
                    )
                )
            d[f"x:{c}"] = x
        if issues:
            raise PanelError(issues)

        # duplicates -------------------------------------------------------------------
        dup = d.duplicated(["unit", "time"], keep=False).to_numpy()
        if dup.any():
            pos = np.flatnonzero(dup)
            first = d.iloc[pos[0]]
            issues.append(
                _issue(
                    source,
                    int(pos[0]) + row_offset,
                    f"{unit}×{time}",
                    f"eenheid '{first['unit']}' komt meer dan eens voor in periode {_fmt_t(first['time'])}",
                    f"Houd per eenheid en periode één rij over (dubbele rijen: {_rows(pos, row_offset)}).",
                        en=(f"unit '{first['unit']}' occurs more than once in period {_fmt_t(first['time'])}", f"Keep one row per unit and period (duplicate rows: {_rows(pos, row_offset, lang='en')})."),
                )
            )
            raise PanelError(issues)

        # empty outcomes are dropped with a note -----------------------------------------------
        empty_y = np.isnan(d["y"].to_numpy())
        if empty_y.any():
            n_empty = int(empty_y.sum())
            notes.append(
                Message(
                    "missing_outcome",
                    f"{n_empty} rij(en) zonder uitkomst zijn niet gebruikt.",
                    f"{n_empty} row(s) without an outcome were not used.",
                )
            )
            d = d.loc[~empty_y]
            if len(d) == 0:
                raise PanelError(
                    [
                        _issue(
                            source,
                            None,
                            outcome,
                            "geen enkele rij heeft een uitkomst",
                            "Vul de uitkomstkolom.",
                        en=("no row has an outcome", "Fill in the outcome column."),
                        )
                    ]
                )

        # treatment indicator -> first treated period ------------------------------------
        if treatment is not None:
            d = d.sort_values(["unit", "time"], kind="stable")
            first_on = d.loc[d["_d"] == 1].groupby("unit", sort=False)["time"].min()
            d["g"] = d["unit"].map(first_on).astype(float).fillna(NEVER).to_numpy()
            switched_off = (d["_d"] == 0) & (d["time"] > d["g"])
            if switched_off.any():
                pos = d.loc[switched_off, "_row"].to_numpy() - row_offset
                u0 = d.loc[switched_off, "unit"].iloc[0]
                issues.append(
                    _issue(
                        source,
                        int(pos[0]) + row_offset,
                        treatment,
                        f"de maatregel stopt weer bij eenheid '{u0}' (na een 1 volgt een 0)",
                        "Deze methoden gaan uit van een maatregel die blijft lopen; gebruik de eerste "
                        "startperiode of analyseer de stop apart.",
                        en=(f"the measure stops again for unit '{u0}' (a 1 is followed by a 0)", "These methods assume a measure that keeps running; use the first start period or analyse the stop separately."),
                    )
                )
            d = d.drop(columns="_d").sort_values("_row", kind="stable")

        # per-unit consistency -------------------------------------------------------------
        per_unit = d.groupby("unit", sort=False)
        n_g = per_unit["g"].nunique(dropna=False)
        if (n_g > 1).any():
            u0 = n_g.index[np.flatnonzero(n_g.to_numpy() > 1)[0]]
            row0 = int(d.loc[d["unit"] == u0, "_row"].iloc[0])
            issues.append(
                _issue(
                    source,
                    row0,
                    gfield,
                    f"eenheid '{u0}' heeft verschillende startperiodes",
                    "Zet per eenheid overal dezelfde startperiode (of overal leeg).",
                        en=(f"unit '{u0}' has different start periods", "Give each unit the same start period everywhere (or leave it empty everywhere)."),
                )
            )
        if weights:
            n_w = per_unit["w"].nunique()
            if (n_w > 1).any():
                u0 = n_w.index[np.flatnonzero(n_w.to_numpy() > 1)[0]]
                row0 = int(d.loc[d["unit"] == u0, "_row"].iloc[0])
                issues.append(
                    _issue(
                        source,
                        row0,
                        weights,
                        f"eenheid '{u0}' heeft verschillende gewichten",
                        "Een gewicht geldt per eenheid (bijv. aantal inwoners in het startjaar); "
                        "zet het overal gelijk.",
                        en=(f"unit '{u0}' has different weights", "A weight holds per unit (e.g. the number of inhabitants in the start year); make it the same everywhere."),
                    )
                )
        tmin, tmax = float(d["time"].min()), float(d["time"].max())
        times = np.unique(d["time"].to_numpy())
        g_unit = per_unit["g"].first()
        first_t = per_unit["time"].min()
        treated_units = g_unit[np.isfinite(g_unit.to_numpy())]
        outside = treated_units[(treated_units < tmin) | (treated_units > tmax)]
        if len(outside):
            u0 = outside.index[0]
            row0 = int(d.loc[d["unit"] == u0, "_row"].iloc[0])
            issues.append(
                _issue(
                    source,
                    row0,
                    gfield,
                    f"startperiode {_fmt_t(outside.iloc[0])} van eenheid '{u0}' ligt buiten de periode in de "
                    f"gegevens ({_fmt_t(tmin)}–{_fmt_t(tmax)}); dit geldt voor {_eenheden(len(outside))}",
                    "Een start na de laatste periode heeft nog geen nameting: laat de startperiode leeg "
                    "(nooit behandeld) of voeg nieuwere gegevens toe. Een start vóór de eerste periode heeft "
                    "geen 0-meting: voeg oudere gegevens toe of laat de eenheid weg.",
                        en=(f"start period {_fmt_t(outside.iloc[0])} of unit '{u0}' lies outside the period in the data ({_fmt_t(tmin)}–{_fmt_t(tmax)}); this holds for {len(outside)} unit{'' if len(outside) == 1 else 's'}", "A start after the last period has no follow-up yet: leave the start period empty (never treated) or add newer data. A start before the first period has no baseline (0-meting): add older data or leave the unit out."),
                )
            )
        inside = treated_units[(treated_units >= tmin) & (treated_units <= tmax)]
        not_a_period = inside[~np.isin(inside.to_numpy(), times)]
        if len(not_a_period):
            u0 = not_a_period.index[0]
            row0 = int(d.loc[d["unit"] == u0, "_row"].iloc[0])
            issues.append(
                _issue(
                    source,
                    row0,
                    gfield,
                    f"startperiode {_fmt_t(not_a_period.iloc[0])} van eenheid '{u0}' is geen periode in de gegevens",
                    "Gebruik dezelfde tijdseenheid als de periodekolom (bijv. het jaartal).",
                        en=(f"start period {_fmt_t(not_a_period.iloc[0])} of unit '{u0}' is not a period in the data", "Use the same unit of time as the period column (e.g. the year)."),
                )
            )
        no_pre = inside.index[(inside <= first_t.loc[inside.index]).to_numpy()]
        if len(no_pre):
            u0 = no_pre[0]
            row0 = int(d.loc[d["unit"] == u0, "_row"].iloc[0])
            issues.append(
                _issue(
                    source,
                    row0,
                    gfield,
                    f"eenheid '{u0}' heeft geen periode vóór de start van de maatregel (geen 0-meting); "
                    f"dit geldt voor {_eenheden(len(no_pre))}",
                    "Voeg gegevens van vóór de start toe, of laat deze eenheden weg uit de analyse.",
                        en=(f"unit '{u0}' has no period before the start of the measure (no baseline, 0-meting); this holds for {len(no_pre)} unit{'' if len(no_pre) == 1 else 's'}", "Add data from before the start, or leave these units out of the analysis."),
                )
            )
        yv = d["y"].to_numpy()
        if np.nanmax(yv) - np.nanmin(yv) <= 1e-12 * max(1.0, abs(float(np.nanmax(yv)))):
            issues.append(
                _issue(
                    source,
                    None,
                    outcome,
                    f"de uitkomst is overal gelijk ({yv[0]:g})",
                    "Met een constante uitkomst valt geen effect te meten; kies een andere uitkomstkolom.",
                        en=(f"the outcome is the same everywhere ({yv[0]:g})", "With a constant outcome no effect can be measured; choose another outcome column."),
                )
            )
        if issues:
            raise PanelError(issues)

        d = d.sort_values(["unit", "time"], kind="stable").reset_index(drop=True)
        d["w"] = d["w"] / d.groupby("unit", sort=False)["w"].transform("first").mean()
        return cls(
            d,
            unit=unit,
            time=time,
            outcome=outcome,
            treated_from=gfield,
            covariates=covariates,
            weights=weights,
            source=source,
            notes=tuple(notes),
        )._with_gaps(covariate_gaps)

    @classmethod
    def from_file(cls, path: str | Path, **kwargs) -> Panel:
        """Read a CSV (comma or semicolon separated) or Parquet file and validate it."""
        p = Path(path)
        if not p.exists():
            raise PanelError([_issue(str(p), None, None, "bestand niet gevonden", "Controleer het pad.",
                                     ("file not found", "Check the path."))])
        suffix = p.suffix.lower()
        try:
            if suffix in (".parquet", ".pq"):
                df = pd.read_parquet(p)
                offset = 1
            elif suffix in (".csv", ".txt", ".tsv"):
                df = pd.read_csv(
                    p, sep=None, engine="python", dtype=str, keep_default_na=False, encoding="utf-8-sig"
                )
                offset = 2
            else:
                raise PanelError(
                    [
                        _issue(
                            str(p),
                            None,
                            None,
                            f"onbekend bestandstype '{suffix}'",
                            "Lever een .csv- of .parquet-bestand aan.",
                        en=(f"unknown file type '{suffix}'", "Provide a .csv or .parquet file."),
                        )
                    ]
                )
        except PanelError:
            raise
        except Exception as exc:  # parser errors: report them as validation issues
            raise PanelError(
                [
                    _issue(
                        str(p),
                        None,
                        None,
                        f"bestand kan niet worden gelezen ({exc})",
                        "Controleer of het een geldig CSV- of Parquet-bestand is.",
                        en=(f"the file cannot be read ({exc})", "Check that it is a valid CSV or Parquet file."),
                    )
                ]
            ) from exc
        kwargs.setdefault("row_offset", offset)
        return cls.from_frame(df, source=str(p), **kwargs)

    def _with_gaps(self, allowed: bool) -> Panel:
        self.covariate_gaps = allowed
        return self

    def require_complete_covariates(self, covariates: Sequence[str], method: str) -> None:
        """Raise a :class:`PanelError` if a covariate has an empty cell (only the synthetic control allows gaps)."""
        for c in covariates:
            x = self._data[f"x:{c}"].to_numpy(dtype=float)
            if not np.isfinite(x).all():
                pos = int(np.flatnonzero(~np.isfinite(x))[0])
                raise PanelError(
                    [
                        _issue(
                            self.source,
                            int(self._data["_row"].iloc[pos]),
                            c,
                            f"kenmerk '{c}' heeft lege cellen; methode {method} heeft in elke rij een waarde nodig",
                            "Vul de ontbrekende waarden aan, laat dit kenmerk weg, of gebruik de synthetische "
                            "controle (scm), die per voorspeller het gemiddelde van de ingevulde jaren neemt.",
                        en=(f"covariate '{c}' has empty cells; method {method} needs a value in every row", "Fill in the missing values, leave this covariate out, or use the synthetic control (scm), which takes the mean of the filled-in years per predictor."),
                        )
                    ]
                )

    # ------------------------------------------------------------------ views
    @property
    def data(self) -> pd.DataFrame:
        """Normalised long data: unit, time, y, g (first treated period, inf = never), w, x:<covariate>."""
        return self._data.drop(columns="_row")

    @property
    def times(self) -> np.ndarray:
        return np.unique(self._data["time"].to_numpy())

    @property
    def unit_groups(self) -> pd.Series:
        """First treated period per unit (inf = never treated)."""
        return self._data.groupby("unit", sort=True)["g"].first()

    @property
    def n_units(self) -> int:
        return int(self._data["unit"].nunique())

    @property
    def n_treated(self) -> int:
        return int(np.isfinite(self.unit_groups.to_numpy()).sum())

    @property
    def cohorts(self) -> np.ndarray:
        g = self.unit_groups.to_numpy()
        return np.unique(g[np.isfinite(g)])

    def wide(self) -> Wide:
        """Balanced wide matrix; units without a value in every period are dropped (listed in ``dropped``)."""
        if self._wide is not None:
            return self._wide
        d = self._data
        times = self.times
        units, y_all = self._grid("y")
        complete = ~np.isnan(y_all).any(axis=1)
        codes, _ = self._codes()
        first = np.full(len(units), -1)
        first[codes[::-1]] = np.arange(len(codes))[::-1]  # each unit's first row
        gu = d["g"].to_numpy(dtype=float)[first]
        wu = d["w"].to_numpy(dtype=float)[first] if "w" in d else np.ones(len(units))
        gi = np.full(len(gu), np.inf)
        fin = np.isfinite(gu)
        gi[fin] = np.searchsorted(times, gu[fin])
        keep = complete
        wk = wu[keep]
        self._wide = Wide(
            units=units[keep],
            times=times,
            y=y_all[keep],
            group=gi[keep],
            weights=wk / wk.mean() if len(wk) else wk,
            dropped=tuple(units[~keep]),
        )
        return self._wide

    def wide_covariate(self, name: str) -> np.ndarray:
        """Covariate as a (units x periods) matrix aligned with :meth:`wide`."""
        w = self.wide()
        units, x = self._grid(f"x:{name}")
        if len(units) == len(w.units) and np.array_equal(units, w.units):
            return x
        return x[pd.Index(units).get_indexer(w.units)]

    def _codes(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's unit number (units sorted) and time number, made once."""
        if self._unit_codes is None:
            codes, uniques = pd.factorize(self._data["unit"], sort=True)
            self._unit_codes = (codes, np.asarray(uniques))
            self._time_codes = np.searchsorted(self.times, self._data["time"].to_numpy(dtype=float))
        return self._unit_codes

    def _grid(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(units sorted, units x periods matrix of ``column``), NaN where a unit has no row for a period: the
        same as a pivot of the long data (each unit and period has at most one row), without pandas' reshaping."""
        codes, uniques = self._codes()
        out = np.full((len(uniques), len(self.times)), np.nan)
        out[codes, self._time_codes] = self._data[column].to_numpy(dtype=float)
        return uniques, out

    def balance_notes(self) -> tuple[Message, ...]:
        """Notes about units dropped to balance the panel."""
        dropped = self.wide().dropped
        if not dropped:
            return ()
        shown = ", ".join(map(str, dropped[:5])) + (" …" if len(dropped) > 5 else "")
        return (
            Message(
                "unbalanced",
                f"{_eenheden(len(dropped))} {'mist' if len(dropped) == 1 else 'missen'} een of meer periodes en "
                f"{'is' if len(dropped) == 1 else 'zijn'} weggelaten ({shown}).",
                f"{len(dropped)} unit{' misses' if len(dropped) == 1 else 's miss'} one or more periods and "
                f"{'was' if len(dropped) == 1 else 'were'} left out ({shown}).",
            ),
        )

    def require(self, ok: bool, message: str, hint: str, field: str | None = None,
                en: tuple[str, str | None] | None = None) -> None:
        """Raise a :class:`PanelError` about this panel unless ``ok``; ``en``: (message, hint) in English."""
        if not ok:
            raise PanelError([_issue(self.source, None, field or self.treated_from, message, hint, en)])

    def __repr__(self) -> str:
        return (
            f"Panel(units={self.n_units}, treated={self.n_treated}, periods={len(self.times)}, "
            f"outcome={self.outcome!r})"
        )


def _is_text(s: pd.Series) -> bool:
    return s.dtype == object or pd.api.types.is_string_dtype(s.dtype)


def _blank_to_nan(s: pd.Series) -> pd.Series:
    """Blank and 'NA'-like cells as NaN; a column of numbers is returned as it is (nothing to clean, and no
    conversion to Python objects: that made reading a 174,000-row panel cost a quarter of a second)."""
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        return s
    s = s.astype(object)
    return s.where(~s.isin(["", "NA", "NaN", "nan", "None"]), np.nan)


def _stripped(s: pd.Series, decimal_comma: bool = False) -> pd.Series:
    """Text cells stripped (and a decimal comma made a point), vectorised; other cells as they are."""
    try:
        text = s.str.strip()
    except AttributeError:  # an object column without any text (pandas refuses .str there): nothing to strip
        return s
    if decimal_comma:
        text = text.str.replace(",", ".", regex=False)
    return text.where(text.notna(), s)


def _fmt_t(value: float) -> str:
    v = float(value)
    return str(int(v)) if v.is_integer() else f"{v:g}"
