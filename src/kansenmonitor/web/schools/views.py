"""View models for the school pages and ``/v1/scholen`` (they reshape; every number comes from
:mod:`kansenmonitor.schools`, read through disclosure control)."""

from __future__ import annotations

import json
import math
import re

import pandas as pd

from ... import format as fmt
from ...schools import repository as repo
from ...schools.locate import METHOD_LABELS
from .. import graphics

SECTOR_LABELS = {"po": ("basisschool", "primary school"), "sbo": ("speciaal basisonderwijs", "special primary"),
                 "so": ("speciaal onderwijs", "special education"), "vso": ("voortgezet speciaal onderwijs",
                                                                          "secondary special education"),
                 "vo": ("voortgezet onderwijs", "secondary school"), "mbo": ("mbo", "vocational")}
SECTOR_COLOURS = {"po": "#b30000", "sbo": "#6a3d9a", "so": "#6a3d9a", "vso": "#6a3d9a", "vo": "#045a8d"}


def sector_label(sector: str, lang: str) -> str:
    nl, en = SECTOR_LABELS.get(sector, (sector, sector))
    return en if lang == "en" else nl


def method_label(method: str | None, lang: str) -> str:
    nl, en = METHOD_LABELS.get(method or "none", METHOD_LABELS["none"])
    return en if lang == "en" else nl


def _none(v):
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def school_list(site, gemeente: str, sector: str | None, lang: str, closed: bool = False) -> dict:
    monitor = site.monitor
    reg = repo.register(monitor, gemeente=gemeente)
    if sector:
        reg = reg[reg["sector"] == sector]
    if not closed:
        reg = reg[reg["status"] == "open"]
    names = {r.code: r.name for r in site.all_regions() if r.level in ("buurt", "wijk")}
    pupils = repo.observations(monitor, schools=list(reg.index), indicators=["sch_leerlingen"], public=True)
    pupils = pupils.sort_values("period").groupby("school").tail(1).set_index("school")
    rows = []
    for r in reg.itertuples():
        p = pupils.loc[r.code] if r.code in pupils.index else None
        value = _none(float(p["value"])) if p is not None else None
        rows.append({
            "code": r.code, "name": r.name, "sector": r.sector, "sector_label": sector_label(r.sector, lang),
            "denomination": _none(r.denomination), "address": " ".join(str(x) for x in (
                _none(r.street), _none(r.house_number), _none(r.postcode), _none(r.place)) if x),
            "gemeente": r.gemeente, "buurt": _none(r.buurt), "buurt_name": names.get(r.buurt) if _none(r.buurt) else None,
            "wijk": _none(r.wijk), "wijk_name": names.get(r.wijk) if _none(r.wijk) else None,
            "lat": _none(r.lat), "lon": _none(r.lon), "location_method": r.location_method or "none",
            "location_label": method_label(r.location_method, lang), "status": r.status,
            "pupils": value, "pupils_period": int(p["period"]) if p is not None else None,
            "pupils_status": str(p["status"]) if p is not None else "missing",
            "pupils_display": fmt.number(value, 0, lang) if value is not None else None,
        })
    return {"gemeente": gemeente, "sector": sector, "rows": rows, "n": len(rows),
            "n_located": sum(1 for r in rows if r["buurt"]),
            "methods": {m: sum(1 for r in rows if r["location_method"] == m) for m in METHOD_LABELS}}


def school_map(site, gemeente: str, rows: list[dict], lang: str) -> dict | None:
    """Buurten of the gemeente as an SVG backdrop with the schools as points (keyboard: each point is a link)."""
    years = sorted({r.boundary_year for r in site.all_regions() if r.level == "buurt" and r.gemeente == gemeente})
    if not years:
        return None
    buurten = [r for r in site.monitor.regions(level="buurt", boundary_year=years[-1], gemeente=gemeente,
                                              with_geometry=True) if r.geometry]
    if not buurten:
        return None
    geo = {r.code: json.loads(r.geometry) for r in buurten}
    proj = graphics.projection_for(list(geo.values()))
    areas = [{"code": r.code, "name": r.name, "d": graphics.svg_path(geo[r.code], proj)} for r in buurten]
    points = []
    for r in rows:
        if r["lat"] is None or r["lon"] is None or not r["buurt"]:
            continue
        x, y = proj(r["lon"], r["lat"])
        points.append({"code": r["code"], "name": r["name"], "x": round(x, 1), "y": round(y, 1),
                       "colour": SECTOR_COLOURS.get(r["sector"], "#333333"),
                       "approx": r["location_method"] in ("pc4_overlap", "pc4_nearest"),
                       "label": f"{r['name']} ({r['sector_label']})" + (f", {r['buurt_name']}" if r["buurt_name"]
                                                                         else "")})
    legend = [{"sector": s, "label": sector_label(s, lang), "colour": c} for s, c in
              (("po", SECTOR_COLOURS["po"]), ("so", SECTOR_COLOURS["so"]), ("vo", SECTOR_COLOURS["vo"]))]
    return {"width": proj.width, "height": proj.height, "areas": areas, "points": points, "legend": legend}


def _display(row: dict, lang: str) -> str | None:
    if row["value"] is None:
        return None
    if row.get("value_type") == "category":
        g = int(row["value"])
        if g == 0:
            return "buiten de landelijke 15 %" if lang == "nl" else "outside the national 15 %"
        return f"binnen de landelijke {g} %" if lang == "nl" else f"within the national {g} %"
    unit = row["unit"]
    return f"{fmt.number(row['value'], row['decimals'], lang)}{'' if unit in ('%',) else ' '}{unit}"


def profile_view(site, code: str, lang: str) -> dict:
    from dataclasses import asdict

    from ...schools.profile import school_profile

    p = school_profile(site.monitor, code, lang)
    view = asdict(p)
    s = view["school"]
    s["sector_label"] = sector_label(s["sector"], lang)
    for r in view["rows"]:
        r["display"] = _display(r, lang)
        r["source_label"], r["source_file"] = source_parts(r.get("source_ref"))
    for r in view["neighbourhood"]:
        r["display"] = _display({**r, "value_type": "float"}, lang)
    for iv in view["interventions"]:
        for b in iv["budget"]:
            b["display"] = fmt.money(b["amount"], lang) if b["amount"] is not None else "p.m."
    view["categories"] = sorted({k for g in view["groups"] for k in g if k != "klas"})
    return view


def source_parts(ref: str | None) -> tuple[str, str | None]:
    """``DUO gemiddelde eindscores (nl_po_….csv); note`` → ("DUO gemiddelde eindscores; note", "nl_po_….csv"):
    the publication for people, the file name for a tooltip."""
    if not ref:
        return "", None
    m = re.match(r"^(.*?)\s*\(([^()]+\.(?:csv|xlsx|json|parquet))\)(.*)$", ref)
    if not m:
        return ref, None
    return (m.group(1) + m.group(3)).strip(), m.group(2)


def records_of_profile(view: dict) -> list[dict]:
    return [{"school": view["school"]["code"], "indicator": r["indicator"], "label": r["label"], "period": r["period"],
             "value": r["value"], "unit": r["unit"], "status": r["status"], "source": r["source_ref"]}
            for r in view["rows"]]


def selection_view(t, lang: str) -> dict:
    def side(sel, alloc):
        frame = sel.to_frame(lang)
        amounts = alloc.frame["amount"] if alloc is not None else pd.Series(dtype=float)
        rows = []
        for code, r in frame.iterrows():
            amt = _none(float(amounts[code])) if code in amounts.index else None
            rows.append({"code": code, "name": r["name"], "selected": bool(r["selected"]),
                         "reason": r["reason"] if isinstance(r["reason"], str) else None,
                         "pupils": _none(r["leerlingen"]), "score": _none(r["achterstandsscore"]),
                         "score100": _none(r["achterstandsscore_per_100"]), "vve": _none(r["vve"]),
                         "jeugdhulp": _none(r["jeugdhulp"]), "ocw": _none(r["ocw_groep"]),
                         "amount": amt, "amount_display": fmt.money(amt, lang) if amt is not None else None,
                         "pupils_display": fmt.number(_none(r["leerlingen"]), 0, lang) if _none(r["leerlingen"])
                         is not None else None,
                         "score100_display": fmt.number(_none(r["achterstandsscore_per_100"]), 1, lang)
                         if _none(r["achterstandsscore_per_100"]) is not None else None})
        rows.sort(key=lambda r: (not r["selected"], -(r["score100"] or -1)))
        chosen = [r for r in rows if r["selected"]]
        pupils_all = sum(r["pupils"] or 0 for r in rows)
        pupils_in = sum(r["pupils"] or 0 for r in chosen)
        return {"rule": sel.rule, "rows": rows, "n_selected": len(chosen), "n": len(rows),
                "pupil_share": pupils_in / pupils_all if pupils_all else None,
                "pupil_share_display": fmt.number(100 * pupils_in / pupils_all, 1, lang) + " %" if pupils_all else None,
                "method": alloc.method if alloc is not None else None,
                "total_display": fmt.money(alloc.total, lang) if alloc is not None else None}

    out = {"a": side(t.selection, t.allocation), "b": None, "comparison": None}
    if t.selection_b is not None:
        out["b"] = side(t.selection_b, t.allocation_b)
    if t.comparison is not None:
        c = t.comparison
        frame = c.to_frame(lang)
        out["comparison"] = {
            "entered": c.entered, "left": c.left, "money_moved": c.money_moved,
            "money_moved_display": fmt.money(c.money_moved, lang),
            "rows": [{"code": code, "name": r["name"], "status": r["status"],
                      "a": fmt.money(r["amount_a"], lang), "b": fmt.money(r["amount_b"], lang),
                      "delta": fmt.money(r["delta"], lang)} for code, r in frame.iterrows()]}
    return out
