"""Views on programmes for the web pages and the ``/v1/programmas`` API: plain dicts built from
:mod:`kansenmonitor.programme` (no arithmetic of their own beyond adding up the money per item).

Keys starting with ``_`` are for the templates only and are dropped from JSON output.
Narratives pass through :func:`~kansenmonitor.programme.narratives.narrative_view`, so a narrative
without consent never reaches a page, a JSON or a CSV; an anonymous one is shown without the person.
"""

from __future__ import annotations

import json
import math

from ... import format as fmt
from ...core.model import Level
from ...programme.decisions import decisions_for
from ...programme.finance import (
    finance_by_ambition,
    finance_by_source,
    finance_by_year,
    funding_gaps,
    is_budget,
    lijn_shares,
)
from ...programme.format import format_euro, year_note
from ...programme.model import BudgetKind, Intervention, Programme, ProgrammeIndicator
from ...programme.narratives import narrative_view, visible_narratives
from ...programme.progress import OTHER, ProgressRow, data_text, progress, progress_rows
from ...programme.store_lookup import StoreValues
from .. import graphics

INTERVENTION_STATUS = {
    "nl": {"idea": "te onderzoeken", "planned": "gepland", "running": "loopt", "finished": "afgerond",
           "stopped": "gestopt"},
    "en": {"idea": "to be explored", "planned": "planned", "running": "running", "finished": "finished",
           "stopped": "stopped"},
}
INDICATOR_STATUS = {
    "nl": {"on_track": "op koers", "behind": "achter", "ahead": "voor", "no_data": "nog geen gegevens"},
    "en": {"on_track": "on track", "behind": "behind", "ahead": "ahead", "no_data": "no data yet"},
}
#: English for the reasons ``indicator_status`` gives (in Dutch).
REASON_EN = {
    "geen 0-meting": "no baseline",
    "0-meting zonder waarde": "baseline without a value",
    "0-meting zonder meetjaar": "baseline without a year of measurement",
    "geen streefwaarde": "no target",
    "nog geen meting na de 0-meting": "no measurement after the baseline yet",
}
KIND_LABEL = {
    "nl": {"expenditure": "uitgaven", "coverage": "dekking", "outcome": "uitkomst", "process": "proces",
           "narrative": "verhalen"},
    "en": {"expenditure": "expenditure", "coverage": "coverage", "outcome": "outcome", "process": "process",
           "narrative": "narrative"},
}
EVIDENCE_LEVEL = {
    "nl": {"unknown": "onbekend", "described": "goed beschreven", "theoretical": "goed onderbouwd",
           "indicative": "eerste aanwijzingen dat het werkt", "proven": "sterke aanwijzingen dat het werkt"},
    "en": {"unknown": "unknown", "described": "well described", "theoretical": "well founded",
           "indicative": "first indications that it works", "proven": "strong indications that it works"},
}


def euro(value: float | None, lang: str) -> str:
    """``€ 10.528.000`` (nl) / ``€ 10,528,000`` (en); ``None`` is *p.m.*"""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "p.m."
    if lang == "nl":
        return format_euro(value)
    return f"€ {fmt.number(value, 0, 'en')}"


def percent(value: float | None, lang: str, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{fmt.number(value, decimals, lang)}%"


def _num(v):
    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) else f


def _status(value: str | None, lang: str) -> dict | None:
    if not value:
        return None
    return {"code": value, "label": INTERVENTION_STATUS[lang].get(value, value)}


def _ind_status(value: str, lang: str) -> dict:
    return {"code": value, "label": INDICATOR_STATUS[lang].get(value, value)}


# -- list and framework ----------------------------------------------------------------------------
def programme_ref(p: Programme) -> dict:
    return {"id": p.id, "name": p.name, "gemeenten": list(p.gemeenten), "start_year": p.start_year,
            "end_year": p.end_year, "description": p.description, "source": p.source,
            "ambitions": len(p.ambitions), "interventions": len(p.interventions),
            "indicators": len(p.indicators)}


def money_by_item(programme: Programme, table: str | None = None) -> tuple[dict[str, float], set[str]]:
    """Expenditure per item id in one table, and the items that have a *p.m.* line."""
    money: dict[str, float] = {}
    pm: set[str] = set()
    for b in programme.lines_of_table(table):
        if b.kind != BudgetKind.EXPENDITURE or not b.item:
            continue
        if b.amount is None:
            pm.add(b.item)
        else:
            money[b.item] = money.get(b.item, 0.0) + float(b.amount)
    return money, pm


def tree(programme: Programme, lang: str, table: str | None = None) -> dict:
    """Principle → uitgangspunten → ambitions → kansen → interventions, with status, money and notes."""
    money, pm = money_by_item(programme, table)

    def amount(ids: list[str], own: str) -> dict:
        total = sum(money.get(i, 0.0) for i in ids)
        return {"expenditure": total, "pm": any(i in pm for i in ids),
                "display": euro(total, lang) if total else ("p.m." if any(i in pm for i in ids) else "–"),
                "own": money.get(own, 0.0)}

    def intervention(i: Intervention) -> dict:
        return {"id": i.id, "name": i.name, "status": _status(i.status and i.status.value, lang),
                "owner": i.owner, "start_year": i.start_year, "end_year": i.end_year, "note": i.note,
                "money": amount([i.id], i.id)}

    ambitions = []
    for a in programme.ambitions:
        kansen = []
        for k in programme.kansen_of(a.id):
            ivs = programme.interventions_of_kans(k.id)
            kansen.append({"id": k.id, "number": k.number, "name": k.name,
                           "status": _status(k.status and k.status.value, lang), "note": k.note,
                           "money": amount([k.id] + [i.id for i in ivs], k.id),
                           "interventions": [intervention(i) for i in ivs]})
        direct = programme.interventions_of_ambition(a.id)
        ids = [a.id] + [k.id for k in programme.kansen_of(a.id)] + [
            i.id for k in programme.kansen_of(a.id) for i in programme.interventions_of_kans(k.id)] + [
            i.id for i in direct]
        ambitions.append({"id": a.id, "code": a.code, "name": a.name,
                          "age_phase": a.age_phase.label if a.age_phase else None,
                          "uitgangspunten": [u for u in a.uitgangspunt_ids], "horizon_year": a.horizon_year,
                          "note": a.note, "money": amount(ids, a.id), "kansen": kansen,
                          "interventions": [intervention(i) for i in direct]})
    loose = [intervention(i) for i in programme.interventions if not i.kans_id and not i.ambition_id]
    codes = {u.id: u.code or u.id for u in programme.uitgangspunten}
    for a in ambitions:
        a["uitgangspunten"] = [codes.get(u, u) for u in a["uitgangspunten"]]
    principles = [{"id": p.id, "name": p.name, "description": p.description, "note": p.note,
                   "uitgangspunten": [{"id": u.id, "code": u.code, "name": u.name, "description": u.description,
                                       "note": u.note}
                                      for u in programme.uitgangspunten if u.principle_id == p.id]}
                  for p in programme.principles]
    orphans = [{"id": u.id, "code": u.code, "name": u.name, "description": u.description, "note": u.note}
               for u in programme.uitgangspunten if u.principle_id not in {p.id for p in programme.principles}]
    return {"principles": principles, "other_uitgangspunten": orphans, "ambitions": ambitions,
            "other_interventions": loose}


def tree_records(t: dict) -> list[dict]:
    """The tree as flat rows (one per item) for the CSV twin."""
    rows = []

    def add(level, item, parent, phase=None):
        rows.append({"level": level, "id": item["id"], "code": item.get("code") or item.get("number"),
                     "name": item["name"], "parent": parent, "age_phase": phase,
                     "status": (item.get("status") or {}).get("code"),
                     "expenditure": item["money"]["expenditure"] if "money" in item else None,
                     "pm": item["money"]["pm"] if "money" in item else None, "note": item.get("note")})

    for p in t["principles"]:
        add("principle", p, None)
        for u in p["uitgangspunten"]:
            add("uitgangspunt", u, p["id"])
    for u in t["other_uitgangspunten"]:
        add("uitgangspunt", u, None)
    for a in t["ambitions"]:
        add("ambition", a, None, a["age_phase"])
        for k in a["kansen"]:
            add("kans", k, a["id"])
            for i in k["interventions"]:
                add("intervention", i, k["id"])
        for i in a["interventions"]:
            add("intervention", i, a["id"])
    for i in t["other_interventions"]:
        add("intervention", i, None)
    return rows


TREE_CSV = ["level", "id", "code", "name", "parent", "age_phase", "status", "expenditure", "pm", "note"]


MONEY_KEYS = ("expenditure", "coverage", "coverage_regional", "saldo")


def _money_display(r: dict, lang: str) -> dict:
    """Euro texts for the money columns; a missing saldo (a budget has none) is a dash, never 'p.m.'."""
    out = {}
    for k in MONEY_KEYS:
        if k not in r:
            continue
        v = _num(r[k])
        out[k] = "–" if v is None and k == "saldo" else euro(v, lang)
    return out


def finance(programme: Programme, lang: str, table: str | None = None) -> dict:
    """Per year (with totals), per funding source with the gaps where a source ends, and lijn shares.

    A budget table (a begroting) is shown as what it is: budgeted amounts, no saldo. Regional money
    (a regional funding source) is shown in its own column, apart from the gemeente's own coverage.
    """
    table = table or programme.default_table
    tbl = next((t for t in programme.budget_tables if t.id == table), None)
    if tbl is None:  # a programme without money (e.g. a Regio Deal proposal that names no amounts)
        return {"table": None, "table_name": None, "unit": None, "table_note": None, "budget": False,
                "tables": [], "years": [], "totals": None, "has_regional": False, "show_expenditure": False,
                "show_coverage": False, "sources": [],
                "source_names": {}, "source_notes": [], "gaps": [], "lijn": None}
    budget = is_budget(programme, table)
    years = []
    for r in finance_by_year(programme, table).to_dict(orient="records"):
        year = None if r["year"] is None or (isinstance(r["year"], float) and math.isnan(r["year"])) else int(r["year"])
        years.append({"year": year, **{k: _num(r[k]) for k in MONEY_KEYS}, "pm_lines": int(r["pm_lines"]),
                      "_display": _money_display(r, lang)})
    totals = None
    if len(years) > 1:
        totals = {k: sum(y[k] for y in years) if not (budget and k == "saldo") else None for k in MONEY_KEYS}
        totals["_display"] = _money_display(totals, lang)
    has_regional = any(y["coverage_regional"] for y in years)
    lines = programme.lines_of_table(table)
    # a budget shows only the kinds of amount it has (a list of available budgets has no spending column)
    show_expenditure = not budget or any(b.kind == BudgetKind.EXPENDITURE for b in lines)
    show_coverage = not budget or any(b.kind == BudgetKind.COVERAGE and b.source not in
                                      {s.id for s in programme.funding_sources if s.regional} for b in lines)
    names = {s.id: s.name for s in programme.funding_sources}
    sources = []
    for r in finance_by_source(programme, table).to_dict(orient="records"):
        sources.append({"source": r["source"], "name": r["name"], "year": int(r["year"]),
                        "regional": bool(r["regional"]), "expenditure": r["expenditure"],
                        "coverage": r["coverage"], "saldo": _num(r["saldo"]),
                        "_display": _money_display(r, lang)})
    sources.sort(key=lambda r: (r["regional"], r["source"], r["year"]))
    source_notes = [{"id": s.id, "name": s.name, "ends_after": s.ends_after, "note": s.note}
                    for s in programme.funding_sources if s.note and s.id in {r["source"] for r in sources}]
    gaps = []
    for g in funding_gaps(programme, table):
        gaps.append({"source": g.source, "name": g.name, "last_year": g.last_year, "declared_end": g.declared_end,
                     "uncovered": [{"year": y, "amount": a, "lines": g.items.get(y, []), "_display": euro(a, lang)}
                                   for y, a in sorted(g.uncovered.items())],
                     "total": g.total, "_total": euro(g.total, lang)})
    lijn = None
    if any(b.lijn for b in lines if b.kind == BudgetKind.EXPENDITURE):
        rows = []
        for r in lijn_shares(programme, table).to_dict(orient="records"):
            rows.append({"lijn": r["lijn"], "amount": r["amount"], "share": _num(r["share"]), "target": r["target"],
                         "difference": _num(r["difference"]),
                         "_display": {"amount": euro(r["amount"], lang), "share": percent(r["share"], lang),
                                      "target": percent(r["target"], lang, 0),
                                      "difference": fmt.number(r["difference"], 1, lang)}})
        lt = programme.lijn_target
        lijn = {"rows": rows, "target_source": lt.source if lt else None, "target_note": lt.note if lt else None}
    return {"table": table, "table_name": tbl.name, "unit": tbl.unit, "table_note": tbl.note, "budget": budget,
            "tables": [{"id": t.id, "name": t.name} for t in programme.budget_tables],
            "years": years, "totals": totals, "has_regional": has_regional, "show_expenditure": show_expenditure,
            "show_coverage": show_coverage, "sources": sources,
            "source_names": names, "source_notes": source_notes, "gaps": gaps, "lijn": lijn}


def finance_explanation(programme: Programme, table: str | None = None, lang: str = "nl") -> str:
    """What the money figures of a table mean, in one or two plain sentences."""
    regional = [s.name for s in programme.funding_sources if s.regional and any(
        b.source == s.id for b in programme.lines_of_table(table))]
    if is_budget(programme, table):
        out = ("Deze tabel is een begroting: het geld dat is begroot of beschikbaar gesteld. De bron zet er geen "
               "dekking tegenover, dus er is geen saldo en geen tekort." if lang == "nl" else
               "This table is a budget: the money that is budgeted or made available. The source sets no coverage "
               "against it, so there is no balance and no shortfall.")
    else:
        out = ("Saldo is de dekking van de gemeente min de uitgaven; een min-teken betekent dat er te weinig geld is."
               if lang == "nl" else
               "The balance is the municipality's coverage minus expenditure; a minus sign means there is not "
               "enough money.")
    if regional:
        names = ", ".join(regional)
        out += (f" Regionaal geld ({names}) staat apart in 'coverage_regional' en telt niet mee als geld van de "
                "gemeente." if lang == "nl" else
                f" Regional money ({names}) is kept apart in 'coverage_regional' and does not count as the "
                "municipality's money.")
    return out


def finance_records(programme: Programme, per: str, table: str | None = None) -> list[dict]:
    """Rows for ``/v1/programmas/{id}/financien?per=…`` (and its CSV)."""
    if per == "jaar":
        df = finance_by_year(programme, table)
    elif per == "ambitie":
        df = finance_by_ambition(programme, table)
    elif per == "bron":
        df = finance_by_source(programme, table)
    else:
        df = lijn_shares(programme, table)
    out = []
    for row in df.to_dict(orient="records"):
        rec = {}
        for k, v in row.items():
            v = v.item() if hasattr(v, "item") else v
            if isinstance(v, float) and math.isnan(v):
                v = None
            if k == "year" and v is not None:
                v = int(v)
            rec[str(k)] = v
        out.append(rec)
    return out


def framework(programme: Programme, lang: str) -> dict:
    """The whole results framework (for the API and the overview's JSON twin)."""
    return {**programme_ref(programme), "note": programme.note,
            "tree": tree(programme, lang),
            "programme_lines": [{"id": pl.id, "name": pl.name, "description": pl.description}
                                for pl in programme.programme_lines],
            "focus_areas": [{"code": f.code, "name": f.name, "gemeente": f.gemeente, "note": f.note}
                            for f in programme.focus_areas],
            "funding_sources": [{"id": s.id, "name": s.name, "ends_after": s.ends_after, "regional": s.regional,
                                 "note": s.note} for s in programme.funding_sources],
            "budget_tables": [{"id": t.id, "name": t.name, "kind": t.kind.value, "unit": t.unit, "note": t.note}
                              for t in programme.budget_tables],
            "default_table": programme.default_table}


# -- indicators and progress -----------------------------------------------------------------------
def _region_name(site, programme: Programme, code: str | None) -> str | None:
    if code is None:
        return None
    area = next((a for a in programme.focus_areas if a.code == code), None)
    if area is not None:
        return area.name
    try:
        return site.region(code).name
    except LookupError:
        return code


def _value(v, unit: str | None, lang: str) -> str:
    if v is None:
        return "–"
    decimals = 0 if float(v).is_integer() else 1
    text = fmt.number(v, decimals, lang)
    if not unit:
        return text
    return f"{text}%" if unit.strip() == "%" else f"{text} {unit}"


def progress_row(site, programme: Programme, row: ProgressRow, lang: str) -> dict:
    d = row.as_dict()
    ind = row.indicator
    st = row.status
    reason = st.reason
    if reason and lang == "en":
        reason = REASON_EN.get(reason, reason)
    d.update({"status": _ind_status(st.status.value, lang), "reason": reason,
              "region_name": _region_name(site, programme, row.region),
              "kind_label": KIND_LABEL[lang].get(ind.kind.value, ind.kind.value)})

    def point(v):
        if v is None:
            return None
        shown = _value(v.value, ind.unit, lang) if v.value is not None else (v.text or "–")
        return shown + year_note(v.year, v.published, lang)

    d["data_text"] = data_text(row, lang)
    d["_display"] = {"baseline": point(row.baseline), "latest": point(row.latest),
                     "expected": _value(st.expected, ind.unit, lang) if st.expected is not None else None,
                     "targets": "; ".join(f"{_value(t.value, ind.unit, lang)} ({t.year})"
                                          for t in sorted(row.targets, key=lambda t: t.year))}
    return d


def indicator_trajectory(site, programme: Programme, ind: ProgrammeIndicator, values: StoreValues,
                         lang: str) -> list[dict]:
    """Per region: status, the measured series (baseline, own measurements, store values) and the
    planned line (baseline → targets), with a line chart when there are two points or more."""
    out = []
    for row in progress_rows(programme, ind, values):
        d = progress_row(site, programme, row, lang)
        measured: dict[int, float] = {}
        if row.baseline is not None and row.baseline.value is not None:
            measured[row.baseline.year] = row.baseline.value
        for m in ind.measurements:
            if m.value is not None and (m.region is None or row.region is None or m.region == row.region):
                measured[m.year] = float(m.value)
        if ind.catalogue_id and row.region:
            for p in values.series(ind.catalogue_id, row.region):
                if p.value is not None and p.year not in measured:
                    measured[p.year] = p.value
        planned: dict[int, float] = {}
        if row.baseline is not None and row.baseline.value is not None and ind.targets:
            planned[row.baseline.year] = row.baseline.value
            for t in ind.targets:
                planned[t.year] = float(t.value)
        m_label = "Gemeten" if lang == "nl" else "Measured"
        p_label = "Doel (lijn)" if lang == "nl" else "Target (line)"
        series = {}
        if measured:
            series[m_label] = sorted(measured.items())
        if len(planned) >= 2:
            series[p_label] = sorted(planned.items())
        d["series"] = {k: [{"year": y, "value": v} for y, v in pts] for k, pts in series.items()}
        d["_table"] = [{"name": k, "points": "; ".join(f"{y}: {_value(v, ind.unit, lang)}" for y, v in pts)}
                       for k, pts in series.items()]
        chart = None
        if sum(len(p) for p in series.values()) >= 2:
            chart = graphics.line_chart(series, lambda v: _value(v, ind.unit, lang))
        d["_chart"] = chart
        out.append(d)
    return out


def ambition_progress(site, programme: Programme, ambition: str | None, lang: str) -> list[dict]:
    groups = progress(programme, StoreValues(site.monitor), ambition=ambition)
    return [{"id": None if g.id == OTHER else g.id, "code": g.code, "name": g.name,
             "indicators": [progress_row(site, programme, r, lang) for r in g.rows]} for g in groups]


def status_rule(lang: str) -> str:
    if lang == "en":
        return ("We draw a straight line from the baseline to the target. For the latest measurement we look "
                "at where the line says the figure should be in that year. Is the figure more than a tenth of "
                "the planned change better than that? Then it is 'ahead'. More than a tenth worse? Then it is "
                "'behind'. Otherwise it is 'on track'. Without a baseline, a target or a measurement after the "
                "baseline it is 'no data yet'.")
    return ("We trekken een rechte lijn van de 0-meting naar het doel. Bij de laatste meting kijken we waar "
            "het cijfer in dat jaar volgens de lijn zou moeten zijn. Is het cijfer meer dan een tiende van de "
            "geplande verandering beter? Dan staat het 'voor'. Meer dan een tiende slechter? Dan staat het "
            "'achter'. Anders is het 'op koers'. Is er geen 0-meting, geen doel of nog geen meting na de "
            "0-meting? Dan is het 'nog geen gegevens'.")


# -- places ----------------------------------------------------------------------------------------
def _geometry(site, code: str) -> dict | None:
    def load():
        try:
            r = site.region(code)
        except LookupError:
            return None
        if r.level == Level.GEBIED and r.gemeente:
            return site.geometries("gebied", r.gemeente, r.boundary_year).get(r.code)
        full = site.monitor.region(r.code, r.boundary_year)
        return json.loads(full.geometry) if full.geometry else None

    return site.cached_view(("programme-geometry", code), load)


def _school_place(site, code: str | None) -> dict | None:
    """A place ``SCHOOL-<code>``: the school's name, address and location from the schools register."""
    if not code or not code.upper().startswith("SCHOOL-"):
        return None
    from ...schools.repository import school

    try:
        s = school(site.monitor, code.split("-", 1)[1])
    except LookupError:
        return None
    if s["lat"] != s["lat"] or s["lon"] != s["lon"]:  # NaN: no location known
        return None
    address = " ".join(str(x) for x in (s["street"], s["house_number"], s["postcode"], s["place"]) if x)
    buurt = s["buurt"] if isinstance(s["buurt"], str) else None
    return {"name": s["name"], "code": code, "lat": float(s["lat"]), "lon": float(s["lon"]), "address": address,
            "_buurt": buurt}


def places_map(site, programme: Programme, places, lang: str) -> dict:
    """Regions (from the store) as shapes, named locations with coordinates as points, and the rest listed."""
    shapes, points, listed = [], [], []
    seen: set[str] = set()
    for p in places:
        school = _school_place(site, p.code)
        if school is not None:  # a school of the register: its location as a point, its buurt for context
            buurt = school.pop("_buurt")
            points.append(school)
            geo = _geometry(site, buurt) if buurt else None
            if geo is not None and buurt not in seen:
                seen.add(buurt)
                shapes.append({"code": buurt, "name": _region_name(site, programme, buurt), "geometry": geo})
            continue
        label = p.name or _region_name(site, programme, p.code) or p.code
        if p.lat is not None and p.lon is not None:
            points.append({"name": label, "code": p.code, "lat": p.lat, "lon": p.lon, "address": p.address})
            continue
        geo = _geometry(site, p.code) if p.code else None
        region_name = _region_name(site, programme, p.code)
        if geo is not None and p.code not in seen:
            seen.add(p.code)
            shapes.append({"code": p.code, "name": region_name, "geometry": geo})
        if geo is None or (p.name and p.name != region_name):
            why = None
            if geo is None:
                why = ("geen kaartgrens bekend" if lang == "nl" else "no boundary known")
            else:
                why = (f"ligt in {region_name}; geen coördinaten" if lang == "nl"
                       else f"in {region_name}; no coordinates")
            listed.append({"name": label, "code": p.code, "address": p.address, "why": why, "note": p.note})
    out = {"regions": [{"code": s["code"], "name": s["name"]} for s in shapes], "points": points,
           "without_geometry": listed, "_svg": None}
    if not shapes and not points:
        return out
    geoms = [s["geometry"] for s in shapes]
    if not geoms:  # points only: a small box around them
        lons = [p["lon"] for p in points]
        lats = [p["lat"] for p in points]
        pad = 0.005
        ring = [[min(lons) - pad, min(lats) - pad], [max(lons) + pad, min(lats) - pad],
                [max(lons) + pad, max(lats) + pad], [min(lons) - pad, max(lats) + pad],
                [min(lons) - pad, min(lats) - pad]]
        geoms = [{"type": "Polygon", "coordinates": [ring]}]
    proj = graphics.projection_for(geoms, width=480)
    svg_shapes = [{"name": s["name"], "code": s["code"], "d": graphics.svg_path(s["geometry"], proj)} for s in shapes]
    svg_points = []
    for p in points:
        x, y = proj(p["lon"], p["lat"])
        svg_points.append({"name": p["name"], "x": round(x, 1), "y": round(y, 1)})
    out["_svg"] = {"width": proj.width, "height": max(proj.height, 40), "shapes": svg_shapes, "points": svg_points}
    return out


# -- one intervention ------------------------------------------------------------------------------
def evaluations_of(store, programme_id: str, intervention_id: str) -> list[dict]:
    out = []
    for name, body in store.documents("evaluation").items():
        src = body.get("source") or {}
        if src.get("programme") == programme_id and src.get("intervention") == intervention_id:
            result = body.get("result") or {}
            out.append({"id": name, "saved_on": body.get("saved_on"), "method": body.get("method"),
                        "indicator": src.get("indicator"), "estimate": result.get("estimate"),
                        "href": f"/v1/programmas/{programme_id}/interventies/{intervention_id}/evaluaties/{name}"})
    return out


def decisions(store, programme: Programme, intervention_id: str | None, lang: str,
              visible_narrative_ids: set[str] | None = None) -> list[dict]:
    """The decision log with links for the evidence (a narrative without consent gets no link or text)."""
    if visible_narrative_ids is None:
        visible_narrative_ids = {n.id for n in visible_narratives(programme)}
    out = []
    for d in decisions_for(store, programme.id, intervention_id):
        body = d.to_dict(lang)
        evidence = []
        for e in body["evidence"]:
            href = None
            if e["kind"] == "evaluation":
                href = f"/v1/programmas/{programme.id}/interventies/{d.intervention}/evaluaties/{e['ref']}"
            elif e["kind"] == "indicator":
                href = f"/programmas/{programme.id}/interventies/{d.intervention}#ind-{e['ref']}"
            elif e["kind"] == "narrative":
                if e["ref"] not in visible_narrative_ids:
                    e = {**e, "ref": "(verhaal zonder toestemming)" if lang == "nl" else "(story without consent)"}
                else:
                    href = f"/programmas/{programme.id}/interventies/{d.intervention}#verhaal-{e['ref']}"
            elif e["kind"] == "document" and str(e["ref"]).startswith(("http://", "https://", "/")):
                href = e["ref"]
            evidence.append({**e, "href": href})
        body["evidence"] = evidence
        out.append(body)
    return out


def budget_lines(programme: Programme, item_ids: set[str], lang: str) -> list[dict]:
    tables = {t.id: t.name for t in programme.budget_tables}
    sources = {s.id: s.name for s in programme.funding_sources}
    out = []
    for b in programme.budget:
        if b.item not in item_ids:
            continue
        out.append({"id": b.id, "table": b.table, "table_name": tables.get(b.table, b.table), "label": b.label,
                    "kind": b.kind.value, "kind_label": KIND_LABEL[lang][b.kind.value], "year": b.year,
                    "amount": b.amount, "pm": b.is_pm, "item": b.item, "source": b.source,
                    "source_name": sources.get(b.source, b.source) if b.source else None,
                    "lijn": b.lijn.value if b.lijn else None, "note": b.note, "_display": euro(b.amount, lang)})
    return out


BUDGET_CSV = ["id", "table", "label", "kind", "year", "amount", "pm", "item", "source", "lijn", "note"]


def intervention_view(site, programme: Programme, i: Intervention, lang: str) -> dict:
    kans = programme.kans(i.kans_id) if i.kans_id else None
    amb_id = programme.ambition_of_item(i.id)
    amb = programme.ambition(amb_id) if amb_id else None
    line = next((pl for pl in programme.programme_lines if pl.id == i.programme_line_id), None)
    values = StoreValues(site.monitor)
    linked = [ind for ind in programme.indicators if i.id in ind.intervention_ids]
    for a in i.assumptions:
        ind = programme.indicator(a.indicator_id) if a.indicator_id else None
        if ind is not None and ind not in linked:
            linked.append(ind)
    indicators = []
    for ind in linked:
        indicators.append({"id": ind.id, "name": ind.name, "kind": ind.kind.value,
                           "kind_label": KIND_LABEL[lang].get(ind.kind.value, ind.kind.value), "unit": ind.unit,
                           "description": ind.description, "catalogue_id": ind.catalogue_id, "note": ind.note,
                           "regions": indicator_trajectory(site, programme, ind, values, lang)})
    narratives = [narrative_view(n) for n in visible_narratives(programme, intervention=i.id)]
    visible_ids = {n.id for n in visible_narratives(programme)}
    money, pm = money_by_item(programme)
    return {
        "programme": {"id": programme.id, "name": programme.name},
        "id": i.id, "name": i.name, "description": i.description,
        "status": _status(i.status and i.status.value, lang),
        "evidence_level": ({"code": i.evidence_level.value,
                            "label": EVIDENCE_LEVEL[lang][i.evidence_level.value]} if i.evidence_level else None),
        "owner": i.owner, "partners": list(i.partners), "target_group": i.target_group,
        "start_year": i.start_year, "end_year": i.end_year, "note": i.note, "source_location": i.source_location,
        "kans": {"id": kans.id, "number": kans.number, "name": kans.name} if kans else None,
        "ambition": ({"id": amb.id, "code": amb.code, "name": amb.name,
                      "age_phase": amb.age_phase.label if amb.age_phase else None} if amb else None),
        "programme_line": {"id": line.id, "name": line.name} if line else None,
        "expenditure": money.get(i.id, 0.0), "expenditure_pm": i.id in pm,
        "assumptions": [{"id": a.id, "context": a.context, "mechanism": a.mechanism, "outcome": a.outcome,
                         "indicator_id": a.indicator_id,
                         "indicator_name": (programme.indicator(a.indicator_id).name
                                            if a.indicator_id and programme.indicator(a.indicator_id) else None),
                         "note": a.note} for a in i.assumptions],
        "places": places_map(site, programme, i.places, lang),
        "budget": budget_lines(programme, {i.id}, lang),
        "indicators": indicators,
        "narratives": narratives,
        "evaluations": evaluations_of(site.monitor.store, programme.id, i.id),
        "decisions": decisions(site.monitor.store, programme, i.id, lang, visible_ids),
    }


def intervention_ref(programme: Programme, i: Intervention, lang: str) -> dict:
    money, pm = money_by_item(programme)
    return {"id": i.id, "name": i.name, "kans": i.kans_id, "ambition": programme.ambition_of_item(i.id),
            "status": i.status.value if i.status else None, "owner": i.owner, "start_year": i.start_year,
            "end_year": i.end_year, "expenditure": money.get(i.id, 0.0), "pm": i.id in pm,
            "_links": {"self": {"href": f"/v1/programmas/{programme.id}/interventies/{i.id}"},
                       "pagina": {"href": f"/programmas/{programme.id}/interventies/{i.id}"}}}

