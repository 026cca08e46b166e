"""Selecting schools by rule and allocating a budget over them — the LEA's way of investing unequally.

Rules (text, so they fit a CLI flag and a URL), on the school table of one gemeente:
- ``ocw:5`` / ``ocw:10`` / ``ocw:15`` — the OCW rule on the national ranking: the schools with the highest
  achterstandsscore per 100 pupils that together hold 5/10/15 % of all pupils in the Netherlands (School en
  Omgeving uses 5 and 10 %, the arbeidsmarkttoelage 15 %). Needs the national CBS file (stored as
  ``sch_ocw_groep``);
- ``top-pct-population:15`` — the same rule within the gemeente (pupils of the gemeente's schools);
- ``top-n:10``, ``top-pct:20`` — the highest-scoring schools;
- ``threshold:vve>75``, ``threshold:jeugdhulp>40``, ``threshold:achterstandsscore>=300`` — a threshold on any
  column of :data:`COLUMNS`.
The selection, allocation and comparison are the same engine as the area targeting
(:mod:`kansenmonitor.indices.targeting`), with pupils in the place of inhabitants.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..indices.targeting import (
    Allocation,
    RuleError,
    ScenarioComparison,
    Selection,
    allocate,
    compare_scenarios,
)
from ..indices.targeting import select as select_rows
from . import repository as repo

#: column of the school table → (school indicator, label nl, label en)
COLUMNS = {
    "leerlingen": ("sch_leerlingen_bekostigd", "Leerlingen", "Pupils"),
    "achterstandsscore": ("sch_achterstandsscore", "Achterstandsscore", "Disadvantage score"),
    "achterstandsscore_per_100": ("sch_achterstandsscore_per_100", "Achterstandsscore per 100 leerlingen",
                                  "Disadvantage score per 100 pupils"),
    "ocw_groep": ("sch_ocw_groep", "Landelijke OCW-groep", "National OCW group"),
    "vve": ("sch_vve_pct", "VVE-indicatie groep 1-2 (%)", "VVE indication years 1-2 (%)"),
    "jeugdhulp": ("sch_jeugdhulp_pct", "Jeugdhulp (%)", "Youth care (%)"),
    "eindtoets": ("sch_eindtoets_cito_gem", "Centrale Eindtoets (gemiddelde)", "Centrale Eindtoets (mean)"),
}
ALLOCATIONS = {
    "leerling": ("leerlingen", "per leerling", "per pupil"),
    "gewogen": ("achterstandsscore", "per gewogen leerling (achterstandsscore)", "per weighted pupil (disadvantage "
                "score)"),
    "school": ("1", "gelijk per school", "equal per school"),
    "behoefte": (None, "naar behoefte × leerlingen", "by need × pupils"),
}


def school_table(monitor, gemeente: str, public: bool = True) -> pd.DataFrame:
    """One row per open school of ``gemeente`` (po, sbo, so) with the selection columns (latest period)."""
    reg = repo.register(monitor, gemeente=gemeente)
    reg = reg[reg["sector"].isin(["po", "sbo", "so"])]
    if reg.empty:
        return pd.DataFrame(columns=["name", "buurt", "wijk", "sector", *COLUMNS])
    obs = repo.observations(monitor, schools=list(reg.index), indicators=[v[0] for v in COLUMNS.values()],
                            public=public)
    obs = obs[obs["value"].notna()].sort_values("period")
    latest = obs.groupby(["school", "indicator"]).tail(1)
    wide = latest.pivot(index="school", columns="indicator", values="value")
    frame = pd.DataFrame(index=pd.Index(reg.index, name="region"))
    frame["name"] = reg["name"]
    frame["gemeente"] = reg["gemeente"]
    frame["buurt"] = reg["buurt"]
    frame["wijk"] = reg["wijk"]
    frame["sector"] = reg["sector"]
    for col, (iid, _nl, _en) in COLUMNS.items():
        frame[col] = wide[iid].reindex(frame.index) if iid in wide else np.nan
    # a school that closed before the scores' year has no pupils and drops out
    frame = frame[frame[["leerlingen", "achterstandsscore", "vve", "jeugdhulp"]].notna().any(axis=1)]
    return frame.sort_values("name")


@dataclass
class SchoolTargeting:
    gemeente: str
    rule: str
    selection: Selection
    allocation: Allocation | None = None
    comparison: ScenarioComparison | None = None
    selection_b: Selection | None = None
    allocation_b: Allocation | None = None
    notes: list[str] = field(default_factory=list)


def _prepare(frame: pd.DataFrame, rule: str) -> tuple[pd.DataFrame, str, str]:
    """(frame, rule for the engine, score column)."""
    rule = rule.strip()
    kind, _, arg = rule.partition(":")
    if kind == "ocw":
        if arg not in ("5", "10", "15"):
            raise RuleError(f"regel '{rule}' kan niet; kies ocw:5, ocw:10 of ocw:15")
        if frame["ocw_groep"].notna().sum() == 0:
            raise RuleError("de landelijke OCW-groepen ontbreken: importeer het landelijke bestand met de "
                            "achterstandsscores van CBS (alle basisscholen)")
        col = f"ocw_binnen_{arg}"
        g = frame["ocw_groep"]
        frame = frame.assign(**{col: np.where(g.isna(), np.nan, ((g > 0) & (g <= int(arg))).astype(float))})
        return frame, f"threshold:{col}>=1", col
    if kind == "threshold":
        import re

        m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)", arg)
        col = m.group(1) if m else ""
        if col not in frame:
            raise RuleError(f"regel '{rule}': kolom '{col}' bestaat niet; kies uit {', '.join(COLUMNS)}")
        return frame, rule, col
    return frame, rule, "achterstandsscore_per_100"


def run(monitor, gemeente: str, rule: str, budget: float | None = None, verdeling: str = "gewogen",
        rule_b: str | None = None, verdeling_b: str | None = None) -> SchoolTargeting:
    """Select the schools of ``gemeente`` by ``rule``; allocate ``budget``; compare with ``rule_b``."""
    frame = school_table(monitor, gemeente)
    if frame.empty:
        raise RuleError(f"er staan geen basisscholen van {gemeente} in het register; importeer eerst de scholen")
    out = None
    for which, (r, v) in enumerate(((rule, verdeling), (rule_b, verdeling_b or verdeling))):
        if not r:
            continue
        f, engine_rule, score = _prepare(frame, r)
        sel = select_rows(f, engine_rule, score=score, population="leerlingen")
        sel.rule = r
        alloc = None
        if budget:
            if v not in ALLOCATIONS:
                raise RuleError(f"verdeling '{v}' kan niet; kies uit {', '.join(ALLOCATIONS)}")
            formula = ALLOCATIONS[v][0]
            alloc = allocate(sel, budget, formula=formula, population="leerlingen")
            alloc.method = ALLOCATIONS[v][1]
        if which == 0:
            out = SchoolTargeting(gemeente, r, sel, alloc)
        else:
            out.selection_b, out.allocation_b = sel, alloc
            if out.allocation is not None and alloc is not None:
                out.comparison = compare_scenarios(out.allocation, alloc)
    return out


# -- the LEA plus-arrangements as scenarios ---------------------------------------------------------------
@dataclass(frozen=True)
class Scenario:
    id: str
    name: str
    rule: str
    verdeling: str
    budget: float
    budget_source: str
    inputs: tuple[tuple[str, str], ...]  # (what the gemeente supplies, who delivers it)
    source_location: str


SCENARIOS = {
    "pm-groep-1-2": Scenario(
        "pm-groep-1-2", "Pedagogisch medewerkers in groep 1 en 2 (VVE-indicatie boven 75 %)", "threshold:vve>75",
        "school", 175000.0, "LEA-begroting 2023: inzet pm'ers in groepen 1 en 2 met grote VVE-populatie € 175.000",
        (("aantal kleuters en kleuters met een VVE-indicatie per groep 1-2 (klas-sjabloon)",
          "de scholen, met de indicatie van de GGD (consultatiebureau)"),),
        "LEA hoofdstuk 4, par. 2: 'op 14 scholen waar het aantal VVE-geïndiceerde kinderen in een groep gemiddeld "
        "hoger is dan 75%'"),
    "oja": Scenario(
        "oja", "Onderwijs-jeugdhulparrangement (jeugdhulp boven 40 %)", "threshold:jeugdhulp>40", "leerling",
        40000.0, "LEA-begroting: extra inzet OJA-scholen € 40.000",
        (("leerlingen met jeugdhulp uit de Jeugdwet per klas (klas-sjabloon)",
          "de gemeente (registratie Jeugdwet), samen met de school"),),
        "LEA hoofdstuk 4: 'zorgintensieve scholen (waar meer dan 40% van de jongeren een vorm van jeugdhulp uit de "
        "Jeugdwet krijgt)'"),
    "plusarrangement": Scenario(
        "plusarrangement", "Plusarrangement op scholen met de hoogste achterstandsscores (15 % van de leerlingen)",
        "top-pct-population:15", "gewogen", 150000.0,
        "LEA-begroting: beschikbare middelen uitvoering LEA plusarrangementen € 150.000 per jaar",
        (("welke regel de gemeente met de schoolbesturen afspreekt (hier: de scholen met de hoogste "
          "achterstandsscores die samen 15 % van de leerlingen hebben)", "de gemeente en de schoolbesturen (LEA)"),
         ("de school-klas-kind-analyse per gekozen school (klas-sjabloon)", "de gekozen scholen")),
        "LEA hoofdstuk 1: 'kiezen we eerst die scholen waar op basis van gemeenschappelijke gegevens en ervaring het "
        "meest te verbeteren is'"),
}


def missing_inputs(frame: pd.DataFrame, scenario: Scenario) -> list[str]:
    """What the gemeente still has to supply before the scenario can select (empty when ready)."""
    _f, _r, col = _prepare(frame, scenario.rule) if scenario.rule.startswith("threshold") else (None, None, None)
    if col and frame[col].notna().sum() == 0:
        return [f"{what} — levert: {who}" for what, who in scenario.inputs]
    return []
