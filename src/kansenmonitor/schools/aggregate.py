"""School figures rolled up to buurt, wijk and gemeente: "scholen in dit gebied", never "kinderen die hier wonen".

Which schools count is decided per period: the schools that stand in the area and have a value that year
(schools open and close). Sums add counts; shares are ratios of sums (so pupil-weighted); means are weighted
by the pupils behind them. When a school in the area has a value that DUO suppressed (``<5``), the area gets no
number for that period rather than a number that is too low.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import delete, select

from ..store.schema import observations as obs_table
from ..store.store import OBSERVATION_COLUMNS
from . import tables as t

#: area indicator → (kind, school indicators, sectors)
AREA_RULES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...] | None]] = {
    "scholen_po_aantal": ("count", ("sch_leerlingen",), ("po",)),
    "scholen_leerlingen": ("sum", ("sch_leerlingen",), ("po", "sbo", "so", "vso")),
    "scholen_leerlingen_bekostigd": ("sum", ("sch_leerlingen_bekostigd",), None),
    "scholen_achterstandsscore": ("sum", ("sch_achterstandsscore",), None),
    "scholen_achterstandsscore_per_100": ("ratio", ("sch_achterstandsscore", "sch_leerlingen_bekostigd"), None),
    "scholen_eindtoets_cito_aantal": ("sum", ("sch_eindtoets_cito_aantal",), None),
    "scholen_eindtoets_cito_gem": ("mean", ("sch_eindtoets_cito_gem", "sch_eindtoets_cito_aantal"), None),
    "scholen_examenkandidaten": ("sum", ("sch_examenkandidaten",), None),
    "scholen_geslaagden": ("sum", ("sch_geslaagden",), None),
    "scholen_slaagpercentage": ("ratio", ("sch_geslaagden", "sch_examenkandidaten"), None),
    "scholen_vsv": ("sum", ("sch_vsv",), None),
    "scholen_vsv_leerlingen": ("sum", ("sch_vsv_leerlingen",), None),
    "scholen_vsv_pct": ("ratio", ("sch_vsv", "sch_vsv_leerlingen"), None),
}
LABEL = "scholen in dit gebied"


def _frames(monitor):
    with monitor.store.engine.connect() as conn:
        areas = pd.DataFrame(conn.execute(select(t.school_areas)).mappings().all(),
                             columns=[c.name for c in t.school_areas.columns])
        loc = pd.DataFrame(conn.execute(select(t.school_locations.c.code, t.school_locations.c.sector)).all(),
                           columns=["code", "sector"])
        needed = sorted({i for _k, ids, _s in AREA_RULES.values() for i in ids})
        obs = pd.DataFrame(conn.execute(select(t.school_observations).where(
            t.school_observations.c.indicator.in_(needed))).mappings().all(),
            columns=[c.name for c in t.school_observations.columns])
    obs["value"] = pd.to_numeric(obs["value"], errors="coerce").astype(float)
    return areas, loc, obs


def area_values(monitor) -> pd.DataFrame:
    """All "scholen in dit gebied" values per buurt, wijk and gemeente (long, observation columns)."""
    areas, loc, obs = _frames(monitor)
    if areas.empty or obs.empty:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS)
    sector = dict(zip(loc["code"], loc["sector"], strict=True))
    members = pd.concat([areas[["code", "boundary_year", lvl]].rename(columns={lvl: "region"})
                         for lvl in ("buurt", "wijk", "gemeente")], ignore_index=True).dropna(subset=["region"])
    out = []
    for target, (kind, ids, sectors) in AREA_RULES.items():
        parts = []
        for iid in ids:
            o = obs[obs["indicator"] == iid][["school", "period", "value", "status"]].rename(
                columns={"value": iid, "status": f"{iid}__st"})
            parts.append(o)
        df = parts[0]
        for p in parts[1:]:
            df = df.merge(p, on=["school", "period"], how="inner")
        if sectors is not None:
            df = df[df["school"].map(sector).isin(sectors)]
        if df.empty:
            continue
        suppressed = np.zeros(len(df), dtype=bool)
        for iid in ids:
            suppressed |= (df[f"{iid}__st"] == "suppressed").to_numpy()
        df = df.assign(_supp=suppressed)
        m = members.merge(df, left_on="code", right_on="school", how="inner")
        if m.empty:
            continue
        g = m.groupby(["region", "boundary_year", "period"])
        if kind == "count":
            m = m.assign(_open=((m[ids[0]] > 0) | m["_supp"]).astype(float))
            g = m.groupby(["region", "boundary_year", "period"])
            res = g["_open"].sum()
            res = pd.DataFrame({"value": res, "numerator": np.nan, "denominator": np.nan, "supp": False})
        elif kind == "sum":
            res = pd.DataFrame({"value": g[ids[0]].sum(min_count=1), "numerator": np.nan, "denominator": np.nan,
                                "supp": g["_supp"].any()})
        elif kind == "ratio":
            num, den = g[ids[0]].sum(min_count=1), g[ids[1]].sum(min_count=1)
            fac = monitor.catalogue[target].factor
            with np.errstate(all="ignore"):
                val = num / den * fac
            res = pd.DataFrame({"value": val.where(den > 0), "numerator": num, "denominator": den,
                                "supp": g["_supp"].any()})
        else:  # pupil-weighted mean
            m = m.assign(_vw=m[ids[0]] * m[ids[1]])
            g = m.groupby(["region", "boundary_year", "period"])
            w = g[ids[1]].sum(min_count=1)
            with np.errstate(all="ignore"):
                val = g["_vw"].sum(min_count=1) / w
            res = pd.DataFrame({"value": val.where(w > 0), "numerator": np.nan, "denominator": w,
                                "supp": g["_supp"].any()})
        res["n"] = g.size()
        res = res.reset_index()
        res["status"] = np.where(res["supp"] | res["value"].isna(), "missing", "measured")
        res.loc[res["supp"], ["value", "numerator", "denominator"]] = np.nan
        res["source_ref"] = [
            f"kansenmonitor: {LABEL}: {n} {'school' if n == 1 else 'scholen'}"
            + ("; een school heeft een door DUO afgeschermd aantal (<5), daarom geen uitkomst" if s else "")
            for n, s in zip(res["n"], res["supp"], strict=True)]
        res["indicator"] = target
        res["lower"] = np.nan
        res["upper"] = np.nan
        out.append(res[OBSERVATION_COLUMNS])
    if not out:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS)
    frame = pd.concat(out, ignore_index=True)
    known = monitor.store.region_keys()
    keep = [(r, int(y)) in known for r, y in zip(frame["region"], frame["boundary_year"], strict=True)]
    return frame[keep]


def refresh_area_aggregates(monitor) -> int:
    """Recompute and store the "scholen in dit gebied" values (replacing the previous ones)."""
    frame = area_values(monitor)
    with monitor.store.transaction() as w:
        w.conn.execute(delete(obs_table).where(obs_table.c.indicator.in_(list(AREA_RULES))))
        if frame.empty:
            return 0
        w.upsert_indicators([monitor.catalogue[i] for i in AREA_RULES if i in monitor.catalogue])
        return w.upsert_observations(frame)
