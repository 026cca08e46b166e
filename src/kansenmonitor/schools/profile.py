"""A school's profile: who it is, where it stands, its pupils' needs (public figures and its own klas counts),
its neighbourhood, the interventions and budgets linked to it and the LEA rules that select it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import repository as repo
from .locate import METHOD_LABELS

#: the buurt figures shown beside a school (about the people who live there, not the school)
NEIGHBOURHOOD = ["inwoners", "pct_0_14", "pct_laag_inkomen", "pct_huishoudens_tot_120_sociaal_minimum",
                 "pct_niet_westerse_migratieachtergrond", "scholen_po_aantal"]
PLACE_PREFIX = "SCHOOL-"


@dataclass
class SchoolProfile:
    school: dict
    location_text: str
    buurt: dict | None
    wijk: dict | None
    rows: list[dict] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    group_years: list[int] = field(default_factory=list)
    neighbourhood: list[dict] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)
    interventions: list[dict] = field(default_factory=list)
    scenarios: list[dict] = field(default_factory=list)
    areas: list[dict] = field(default_factory=list)


def _region(monitor, code, year):
    if not code or code != code:
        return None
    try:
        r = monitor.region(code, int(year) if year == year and year is not None else None)
    except LookupError:
        return {"code": code, "name": code}
    return {"code": r.code, "name": r.name, "boundary_year": r.boundary_year}


def interventions_for(code: str, name: str) -> list[dict]:
    """Interventions of the shipped and stored programmes that name this school as a place (``SCHOOL-<code>`` or
    the school's name), with their budget lines."""
    from ..programme.repository import available_ids, load_programme

    out = []
    for pid in available_ids():
        try:
            prog = load_programme(pid)
        except Exception:  # noqa: BLE001 - a broken programme file must not break a school page
            continue
        for iv in prog.interventions:
            hit = False
            for p in iv.places:
                if (p.code or "").upper() in (PLACE_PREFIX + code, code):
                    hit = True
                elif p.name and name and p.name.strip().lower() == name.strip().lower():
                    hit = True
            if hit:
                lines = [b for b in prog.budget if b.item == iv.id]
                out.append({"programme": prog.name if hasattr(prog, "name") else pid, "programme_id": pid,
                            "id": iv.id, "name": iv.name, "start_year": iv.start_year,
                            "budget": [{"year": b.year, "amount": b.amount, "label": b.label} for b in lines]})
    return out


def school_profile(monitor, code: str, lang: str = "nl") -> SchoolProfile:
    s = repo.school(monitor, code)
    code = s["code"]
    inds = repo.school_indicators()
    obs = repo.observations(monitor, schools=[code], public=True)
    rows = []
    for iid, sub in obs.sort_values("period").groupby("indicator", sort=False):
        if iid not in inds:
            continue
        ind = inds[iid]
        with_value = sub[sub["value"].notna()]
        latest = (with_value if not with_value.empty else sub).iloc[-1]
        rows.append({
            "indicator": iid, "label": ind.label(lang), "unit": ind.unit, "decimals": ind.decimals,
            "value": None if pd.isna(latest["value"]) else float(latest["value"]), "period": int(latest["period"]),
            "status": latest["status"], "source_ref": latest["source_ref"],
            "disclosure": latest.get("disclosure") if isinstance(latest.get("disclosure"), str) else None,
            "polarity": ind.polarity.value, "value_type": ind.value_type,
            "series": [(int(p), None if pd.isna(v) else float(v)) for p, v in zip(sub["period"], sub["value"],
                                                                              strict=True)],
        })
    order = list(inds)
    rows.sort(key=lambda r: order.index(r["indicator"]))
    g = repo.groups(monitor, code)
    groups, years = [], []
    if not g.empty:
        years = sorted(int(y) for y in g["period"].unique())
        latest_g = g[g["period"] == years[-1]]
        wide = latest_g.pivot(index="klas", columns="category", values="count")
        for klas, r in wide.iterrows():
            groups.append({"klas": klas, **{c: (None if pd.isna(v) else int(v)) for c, v in r.items()}})
    buurt = _region(monitor, s.get("buurt"), s.get("boundary_year"))
    wijk = _region(monitor, s.get("wijk"), s.get("boundary_year"))
    neighbourhood = []
    if buurt and buurt.get("boundary_year"):
        keys = monitor.linked_codes(buurt["code"], buurt["boundary_year"])
        nobs = monitor.observations(public=True, indicators=[i for i in NEIGHBOURHOOD if i in monitor.catalogue],
                                    keys=keys)
        nobs = nobs[nobs["value"].notna()].sort_values(["period", "boundary_year"])
        for iid in NEIGHBOURHOOD:
            sub = nobs[nobs["indicator"] == iid]
            if sub.empty or iid not in monitor.catalogue:
                continue
            r = sub.iloc[-1]
            ind = monitor.catalogue[iid]
            neighbourhood.append({"indicator": iid, "label": ind.label(lang), "unit": ind.unit,
                                  "decimals": ind.decimals, "value": float(r["value"]), "period": int(r["period"]),
                                  "source_ref": r["source_ref"]})
    method = s.get("location_method") or "none"
    nl, en = METHOD_LABELS.get(method, METHOD_LABELS["none"])
    scenarios = []
    from .selection import SCENARIOS, RuleError, run

    if s.get("gemeente") and s["sector"] in ("po", "sbo", "so"):
        for sc in SCENARIOS.values():
            try:
                t = run(monitor, s["gemeente"], sc.rule)
            except RuleError:
                continue
            f = t.selection.frame
            if code in f.index:
                scenarios.append({"id": sc.id, "name": sc.name, "selected": bool(f.at[code, "selected"])})
    info = {k: (None if (isinstance(v, float) and pd.isna(v)) else v) for k, v in s.items()}
    return SchoolProfile(
        school=info, location_text=en if lang == "en" else nl, buurt=buurt, wijk=wijk, rows=rows, groups=groups,
        group_years=years, neighbourhood=neighbourhood, history=repo.history_of(monitor, code),
        interventions=interventions_for(code, s["name"]), scenarios=scenarios, areas=repo.areas_of(monitor, code))
