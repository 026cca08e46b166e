"""The council report (voortgangsrapportage) of a programme over a period, optionally for one area.

Everything comes from what exists: the programme register (ambitions, kansen, interventions with their status,
owner and years), its budget tables, the progress of its indicators (own measurements and store values, via
:mod:`kansenmonitor.programme.progress`), the evaluations and decisions saved in the store, and the narratives
with consent. What does not exist is said as missing, counted in the summary, and never filled in.

Money: the programme records *planned* amounts (budget lines). Realised spending is not recorded anywhere in
the kansenmonitor yet; the report says so instead of presenting the plan as spending.

For an area (a stadsdeel, a focus area, a wijk): only interventions with a place in the area, indicators
followed in the area (or in the gemeente, said so), narratives placed there, and the area's situation picture
(the key numbers of its profile).
"""

from __future__ import annotations

import math

from .. import format as fmt
from ..core.errors import Issue
from ..programme.decisions import DECISION_LABEL, decisions_for
from ..programme.finance import finance_by_source, finance_by_year, funding_gaps, is_budget, lijn_shares
from ..programme.format import year_note
from ..programme.model import BudgetKind, Programme
from ..programme.narratives import narrative_view, visible_narratives
from ..programme.progress import data_text, progress_rows
from ..programme.store_lookup import StoreValues
from ..web import i18n
from ..web.programme.area import area_codes as _area_codes
from ..web.programme.area import in_area as _in_area
from ..web.programme.views import (
    EVIDENCE_LEVEL,
    INDICATOR_STATUS,
    INTERVENTION_STATUS,
    REASON_EN,
    euro,
    status_rule,
)
from ..web.service import Site
from . import wijkprofiel
from .definition import ReportDefinition
from .wijkprofiel import ReportInputError

EVALUATION_KIND = "evaluation"


def _t(lang: str):
    return i18n.translator(lang)


def _num(v):
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _value(v: float | None, unit: str | None, lang: str) -> str:
    if v is None:
        return "–"
    decimals = 0 if float(v).is_integer() else 1
    text = fmt.number(v, decimals, lang)
    if not unit:
        return text
    return f"{text}%" if unit.strip() == "%" else f"{text} {unit}"


def _count_words(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# -- area ---------------------------------------------------------------------------------------------------
def _area(site: Site, code: str | None):
    if code is None:
        return None
    try:
        return site.region(code)
    except LookupError:
        raise wijkprofiel.UnknownAreaError(
            [Issue(code, None, "gebied", f"gebied '{code}' staat niet in de database",
                   "kies een stadsdeel, focusgebied, wijk of buurt van de gemeente")],
            "Het rapport is niet gemaakt.") from None


# -- period -------------------------------------------------------------------------------------------------
def years_with_data(site: Site, programme: Programme) -> set[int]:
    """Years in which the programme has a budget line, an indicator value, a decision or an evaluation."""
    years = {b.year for b in programme.budget if b.year is not None}
    values = StoreValues(site.monitor)
    for ind in programme.indicators:
        if ind.baseline is not None and ind.baseline.year is not None:
            years.add(ind.baseline.year)
        elif ind.baseline is not None and ind.baseline.published:
            # a statement whose year of measurement is not named counts for the year it was published
            years.add(int(str(ind.baseline.published)[:4]))
        years |= {m.year for m in ind.measurements}
        years |= {t.year for t in ind.targets}
        if ind.catalogue_id:
            for region in ([ind.region] if ind.region else [a.code for a in programme.focus_areas]
                           or list(programme.gemeenten)):
                years |= {p.year for p in values.series(ind.catalogue_id, region) if p.value is not None}
    for d in decisions_for(site.monitor.store, programme.id):
        years.add(int(d.date[:4]))
    return years


# -- parts ---------------------------------------------------------------------------------------------------
def _money_for(programme: Programme, table: str | None, period: int) -> tuple[dict[str, float], set[str]]:
    money: dict[str, float] = {}
    pm: set[str] = set()
    for b in programme.lines_of_table(table):
        if b.kind != BudgetKind.EXPENDITURE or not b.item or b.year not in (period, None):
            continue
        if b.amount is None:
            pm.add(b.item)
        else:
            money[b.item] = money.get(b.item, 0.0) + float(b.amount)
    return money, pm


def interventions_part(site: Site, programme: Programme, period: int, area_codes: set[str] | None,
                       lang: str) -> tuple[list[dict], list[dict]]:
    """Per ambition and kans: the interventions (status, owner, years, planned money in the period, strength of
    evidence, latest decision). Returns (ambitions, interventions without an ambition)."""
    _ = _t(lang)
    money, pm = _money_for(programme, programme.default_table, period)
    latest: dict[str, dict] = {}
    for d in decisions_for(site.monitor.store, programme.id):
        if int(d.date[:4]) <= period:
            latest[d.intervention] = {"date": d.date, "label": DECISION_LABEL[lang][d.decision.value],
                                      "code": d.decision.value}

    def keep(iv) -> bool:
        return area_codes is None or any(_in_area(site, area_codes, p.code) for p in iv.places)

    def item(iv) -> dict:
        amount = money.get(iv.id)
        return {
            "id": iv.id, "name": iv.name, "owner": iv.owner or _("niet genoemd", "not named"),
            "status": INTERVENTION_STATUS[lang].get(iv.status.value, iv.status.value) if iv.status else
            _("niet genoemd", "not named"),
            "status_code": iv.status.value if iv.status else None,
            "years": (f"{iv.start_year}–{iv.end_year}" if iv.start_year and iv.end_year else
                      (f"{_('vanaf', 'from')} {iv.start_year}" if iv.start_year else _("niet genoemd", "not named"))),
            "money": euro(amount, lang) if amount is not None else ("p.m." if iv.id in pm else "–"),
            "money_value": amount,
            "evidence": EVIDENCE_LEVEL[lang].get(iv.evidence_level.value) if iv.evidence_level else
            EVIDENCE_LEVEL[lang]["unknown"],
            "decision": latest.get(iv.id),
        }

    ambitions = []
    for a in programme.ambitions:
        kansen = []
        for k in programme.kansen_of(a.id):
            ivs = [item(i) for i in programme.interventions_of_kans(k.id) if keep(i)]
            if area_codes is not None and not ivs:
                continue
            kansen.append({"id": k.id, "number": k.number, "name": k.name, "interventions": ivs,
                           "money": euro(money[k.id], lang) if k.id in money else None})
        direct = [item(i) for i in programme.interventions_of_ambition(a.id) if keep(i)]
        if area_codes is not None and not kansen and not direct:
            continue
        ambitions.append({"id": a.id, "code": a.code, "name": a.name,
                          "age_phase": a.age_phase.label if a.age_phase else None,
                          "kansen": kansen, "interventions": direct})
    loose = [item(i) for i in programme.interventions if not i.kans_id and not i.ambition_id and keep(i)]
    return ambitions, loose


def money_part(programme: Programme, period: int, lang: str) -> dict:
    """Planned expenditure and coverage in the period (default table), per funding source, the lijn split, and
    the gaps where a funding source ends."""
    _ = _t(lang)
    table = programme.default_table
    tbl = next((t for t in programme.budget_tables if t.id == table), None)
    budget = is_budget(programme, table)
    out: dict = {"table": tbl.name if tbl else None, "has_budget": bool(programme.budget), "budget": budget,
                 "year": None, "sources": [], "regional": [], "lijn": None, "gaps": [], "refs": []}
    if not programme.budget:
        return out
    keys = ("expenditure", "coverage", "coverage_regional") + (() if budget else ("saldo",))
    for r in finance_by_year(programme, table).to_dict(orient="records"):
        if _num(r["year"]) == period:
            out["year"] = {k: euro(r[k], lang) for k in keys}
            out["year"]["saldo_value"] = None if budget else float(r["saldo"])
            out["year"]["regional_value"] = float(r["coverage_regional"])
            out["year"]["pm_lines"] = int(r["pm_lines"])
            for k in keys:
                out["refs"].append({"onderdeel": "geld", "indicator": f"begroting:{k}", "gebied": ",".join(programme.gemeenten),
                                    "periode": period, "waarde": float(r[k]), "eenheid": "euro",
                                    "bron": f"{programme.name}: {tbl.name if tbl else table}"})
    for r in finance_by_source(programme, table).to_dict(orient="records"):
        if int(r["year"]) == period:
            row = {"name": r["name"], **{k: euro(r[k], lang) for k in ("expenditure", "coverage")},
                   "saldo": None if budget else euro(r["saldo"], lang),
                   "saldo_value": None if budget else float(r["saldo"])}
            # regional money is listed apart from the gemeente's own sources (it is not the gemeente's)
            (out["regional"] if r["regional"] else out["sources"]).append(row)
            out["refs"].append({"onderdeel": "geld", "indicator": f"bron:{r['source']}", "gebied": ",".join(programme.gemeenten),
                                "periode": period, "waarde": float(r["expenditure"]), "eenheid": "euro",
                                "bron": f"{programme.name}: {tbl.name if tbl else table}"})
    lines = programme.lines_of_table(table)
    if any(b.lijn for b in lines if b.kind == BudgetKind.EXPENDITURE):
        out["lijn"] = [{"lijn": r["lijn"], "amount": euro(r["amount"], lang),
                        "share": fmt.number(r["share"], 0, lang) + "%" if _num(r["share"]) is not None else "–",
                        "target": fmt.number(r["target"], 0, lang) + "%"}
                       for r in lijn_shares(programme, table, year=period).to_dict(orient="records")]
    for g in funding_gaps(programme, table):
        for y, amount in sorted(g.uncovered.items()):
            if y == period:
                out["gaps"].append({"name": g.name, "last_year": g.last_year, "amount": euro(amount, lang),
                                    "lines": g.items.get(y, [])})
    return out


def _margin(site: Site, catalogue_id: str | None, region: str | None, year: int | None, unit, lang) -> str | None:
    """The interval of a store value ("marge 12,0–15,3%"), or ``None`` when the source gives none."""
    if not catalogue_id or not region or year is None:
        return None
    obs = site.monitor.observations(public=True, regions=[region], indicators=[catalogue_id])
    if obs.empty:
        return None
    obs = obs[(obs["period"] == year) & obs["lower"].notna() & obs["upper"].notna()]
    if obs.empty:
        return None
    row = obs.sort_values("boundary_year").iloc[-1]
    return f"{_value(float(row['lower']), unit, lang)} – {_value(float(row['upper']), unit, lang)}"


def indicators_part(site: Site, programme: Programme, period: int, area_codes: set[str] | None,
                    lang: str) -> dict[str, list[dict]]:
    """Outcome, process and narrative indicators: 0-meting, latest value up to the period, target, status in
    words, with the year, source and (where known) the margin of each number."""
    _ = _t(lang)
    values = StoreValues(site.monitor)
    out: dict[str, list[dict]] = {"outcome": [], "process": [], "narrative": []}
    for ind in programme.indicators:
        for row in progress_rows(programme, ind, values, year=period):
            if area_codes is not None and row.region is not None and row.region not in area_codes and \
                    row.region not in programme.gemeenten:
                continue
            st = row.status
            reason = st.reason
            if reason and lang == "en":
                reason = REASON_EN.get(reason, reason)

            def point(v, ind=ind):
                if v is None:
                    return None
                shown = _value(v.value, ind.unit, lang) if v.value is not None else (v.text or "–")
                return {"display": shown, "year": v.year, "year_note": year_note(v.year, v.published, lang),
                        "source": v.source or _("bron niet genoemd", "source not named"), "value": v.value}

            latest = point(row.latest)
            margin = None
            if row.latest is not None and row.latest.from_store:
                margin = _margin(site, ind.catalogue_id, row.region, row.latest.year, ind.unit, lang)
            region_name = None
            if row.region:
                try:
                    region_name = site.region(row.region).name
                except LookupError:
                    region_name = next((a.name for a in programme.focus_areas if a.code == row.region), row.region)
            targets = sorted(row.targets, key=lambda t: t.year)
            out[ind.kind.value].append({
                "id": ind.id, "name": ind.name, "unit": ind.unit, "region": row.region, "region_name": region_name,
                "scope": (_("hele gemeente", "whole gemeente") if area_codes is not None and
                          row.region in programme.gemeenten else None),
                "baseline": point(row.baseline), "latest": latest, "margin": margin,
                "data": row.data, "data_text": data_text(row, lang),
                "target": ("; ".join(f"{_value(t.value, ind.unit, lang)} ({t.year})" for t in targets)
                           if targets else None),
                "status": INDICATOR_STATUS[lang].get(st.status.value, st.status.value), "status_code": st.status.value,
                "reason": reason,
            })
    return out


def _strength(result: dict, lang: str) -> str:
    """The strength of evidence of a saved evaluation in plain words."""
    _ = _t(lang)
    if result.get("evidence") == "weak":
        return _("zwak: er was geen vergelijkingsgroep", "weak: there was no comparison group")
    p = _num(result.get("p_value"))
    if p is None:
        return _("onbekend: de onzekerheid kon niet worden bepaald", "unknown: the uncertainty could not be determined")
    if result.get("significant", p < 0.05):
        return _("redelijk: een verschil met een vergelijkingsgroep dat zelden door toeval ontstaat",
                 "fair: a difference with a comparison group that rarely arises by chance")
    return _("geen aantoonbaar effect: het verschil is niet te onderscheiden van toeval",
             "no demonstrable effect: the difference cannot be told apart from chance")


def evaluations_part(site: Site, programme: Programme, period: int, interventions: set[str] | None,
                     lang: str) -> list[dict]:
    names = {i.id: i.name for i in programme.interventions}
    out = []
    for name, body in sorted(site.monitor.store.documents(EVALUATION_KIND).items()):
        src, res = body.get("source") or {}, body.get("result") or {}
        if src.get("programme") != programme.id:
            continue
        if interventions is not None and src.get("intervention") not in interventions:
            continue
        saved = str(body.get("saved_on") or "")
        if saved[:4].isdigit() and int(saved[:4]) > period:
            continue
        est, lo, hi = _num(res.get("estimate")), _num(res.get("ci_low")), _num(res.get("ci_high"))
        out.append({"id": name, "intervention": names.get(src.get("intervention"), src.get("intervention")),
                    "indicator": src.get("indicator"), "method": body.get("method"), "saved_on": saved,
                    "estimate": fmt.number(est, 2, lang) if est is not None else "–",
                    "interval": (f"{fmt.number(lo, 2, lang)} – {fmt.number(hi, 2, lang)}"
                                 if lo is not None and hi is not None else None),
                    "text": res.get("text") or res.get("interpretation"), "strength": _strength(res, lang)})
    return out


def decisions_part(site: Site, programme: Programme, period: int, interventions: set[str] | None,
                   lang: str) -> list[dict]:
    names = {i.id: i.name for i in programme.interventions}
    out = []
    for d in decisions_for(site.monitor.store, programme.id):
        if int(d.date[:4]) > period or (interventions is not None and d.intervention not in interventions):
            continue
        out.append({"date": d.date, "intervention": names.get(d.intervention, d.intervention),
                    "decision": DECISION_LABEL[lang][d.decision.value], "code": d.decision.value,
                    "rationale": d.rationale, "decided_by": d.decided_by})
    return out


def narratives_part(site: Site, programme: Programme, area_codes: set[str] | None) -> list[dict]:
    out = []
    for n in visible_narratives(programme):
        if area_codes is not None and not any(_in_area(site, area_codes, p.code) for p in n.places):
            continue
        v = narrative_view(n)
        if v is not None:
            out.append({"title": v["title"], "text": v["text"], "date": v["date"], "person": v["person"],
                        "kind": v["source_type_nl"], "source": v["source"]})
    return out


#: how many measures have a status, as a sentence: (one, many) per language
_STATUS_SENTENCE = {
    "nl": {"running": ("1 maatregel loopt.", "{n} maatregelen lopen."),
           "planned": ("1 maatregel is gepland.", "{n} maatregelen zijn gepland."),
           "idea": ("1 maatregel wordt nog onderzocht.", "{n} maatregelen worden nog onderzocht."),
           "finished": ("1 maatregel is klaar.", "{n} maatregelen zijn klaar."),
           "stopped": ("1 maatregel is gestopt.", "{n} maatregelen zijn gestopt."),
           "unknown": ("Van 1 maatregel is de stand niet bekend.", "Van {n} maatregelen is de stand niet bekend.")},
    "en": {"running": ("1 measure is running.", "{n} measures are running."),
           "planned": ("1 measure is planned.", "{n} measures are planned."),
           "idea": ("1 measure is still being explored.", "{n} measures are still being explored."),
           "finished": ("1 measure is finished.", "{n} measures are finished."),
           "stopped": ("1 measure was stopped.", "{n} measures were stopped."),
           "unknown": ("The status of 1 measure is not known.", "The status of {n} measures is not known.")},
}


def _status_words(code: str, n: int, lang: str) -> str:
    one, many = _STATUS_SENTENCE["en" if lang == "en" else "nl"].get(code, _STATUS_SENTENCE["nl"]["unknown"])
    return one if n == 1 else many.format(n=n)


# -- the summary ---------------------------------------------------------------------------------------
def summary(doc: dict, lang: str) -> list[str]:
    """One page in B1 for council members: money, measures, indicators, evaluations, decisions, voices, and what
    is missing. Short sentences; numbers only from the parts of the document."""
    en = lang == "en"
    p, period = doc["programme"]["short_name"], doc["period"]
    where = f" in {doc['area']['name']}" if doc.get("area") else ""
    out = [f"This report shows how {p}{where} stands in {period}." if en else
           f"Dit verslag laat zien hoe het in {period} staat met {p}{where}."]
    m = doc.get("money")
    if m is not None:
        if not m["has_budget"]:
            out.append("The programme names no amounts yet." if en else "Het programma noemt nog geen bedragen.")
        elif m["year"] is None:
            out.append(f"The budget has no amounts for {period}." if en else
                       f"In de begroting staan geen bedragen voor {period}.")
        else:
            y = m["year"]
            if en:
                if m.get("budget"):
                    out.append(f"The budget plans {y['expenditure']} in {period}.")
                else:
                    out.append(f"The budget plans {y['expenditure']} of spending in {period}, against "
                               f"{y['coverage']} of funding by the municipality.")
            elif m.get("budget"):
                out.append(f"Voor {period} staat {y['expenditure']} in de begroting.")
            else:
                out.append(f"Voor {period} staat {y['expenditure']} aan uitgaven in de begroting. Daar staat "
                           f"{y['coverage']} aan geld van de gemeente tegenover.")
            if m.get("budget"):
                out.append("This is a budget: the source sets no funding against it, so there is no shortfall."
                           if en else "Dit is een begroting: de bron zet er geen dekking tegenover, dus er is geen "
                           "tekort.")
            elif y["saldo_value"] is not None and y["saldo_value"] < 0:
                short = euro(-y["saldo_value"], lang)
                out.append(f"So {short} is not yet covered." if en else f"Er ontbreekt dus {short}.")
            if y.get("regional_value"):
                out.append(f"Besides that, {y['coverage_regional']} of regional money is available; it belongs to "
                           f"the region, not to the municipality alone." if en else
                           f"Daarnaast is er {y['coverage_regional']} aan regionaal geld. Dat is geld van de regio, "
                           f"niet van de gemeente alleen.")
            out.append("How much was really spent is not recorded yet." if en else
                       "Hoeveel er echt is uitgegeven, is nog niet vastgelegd.")
        for g in m["gaps"]:
            out.append(f"The money from {g['name']} stops after {g['last_year']}: {g['amount']} has no funding in "
                       f"{period}." if en else
                       f"Het geld uit {g['name']} stopt na {g['last_year']}. Daardoor is er {g['amount']} zonder "
                       f"dekking in {period}.")
    ivs = [i for a in doc.get("ambitions", []) for k in a["kansen"] for i in k["interventions"]]
    ivs += [i for a in doc.get("ambitions", []) for i in a["interventions"]] + doc.get("other_interventions", [])
    if "ambitions" in doc:
        if ivs:
            counts: dict[str, int] = {}
            for i in ivs:
                counts[i["status_code"] or "unknown"] = counts.get(i["status_code"] or "unknown", 0) + 1
            out.append(f"There are {len(ivs)} measures." if en else f"Er zijn {len(ivs)} maatregelen.")
            parts = [_status_words(code, n, lang) for code, n in sorted(counts.items(), key=lambda t: (-t[1], t[0]))]
            out.append(" ".join(parts))
        else:
            out.append("No measures are recorded here yet." if en else "Hier zijn nog geen maatregelen vastgelegd.")
        if doc.get("gemeente_wide"):
            n, gm = doc["gemeente_wide"], doc.get("gemeente_name") or ""
            out.append(f"In addition, {n} measures are for the whole of {gm}." if en else
                       f"Daarnaast {'is er 1 maatregel' if n == 1 else f'zijn er {n} maatregelen'} voor heel {gm}.")
    inds = [r for k in ("outcome", "process") for r in doc.get("indicators", {}).get(k, [])]
    if "indicators" in doc:
        if inds:
            counts = {}
            for r in inds:
                counts[r["status_code"]] = counts.get(r["status_code"], 0) + 1
            known = [(c, n) for c, n in counts.items() if c != "no_data"]
            label = INDICATOR_STATUS[lang]
            if known:
                parts = ", ".join(f"{n} {label[c]}" for c, n in sorted(known, key=lambda t: -t[1]))
                out.append(f"The programme follows {len(inds)} figures. Of these: {parts}." if en else
                           f"Het programma volgt {len(inds)} cijfers. Daarvan staan er {parts}.")
            nd = counts.get("no_data", 0)
            if nd == len(inds):
                out.append(f"The programme follows {len(inds)} figures. For none of them can we say yet how it "
                           "stands: a baseline, a target or a new measurement is missing." if en else
                           f"Het programma volgt {len(inds)} cijfers. Van geen enkel cijfer is al te zeggen hoe het "
                           "staat. Er ontbreekt een 0-meting, een doel of een nieuwe meting.")
            elif nd:
                out.append(f"For {nd} of the {len(inds)} figures there are no data yet to say how they stand."
                           if en else
                           f"Van {nd} van de {len(inds)} cijfers is nog niet te zeggen hoe ze staan. Er ontbreekt "
                           f"een 0-meting, een doel of een nieuwe meting.")
        else:
            out.append("The programme follows no figures here yet." if en else
                       "Het programma volgt hier nog geen cijfers.")
    if "evaluations" in doc:
        n = len(doc["evaluations"])
        out.append((f"{_count_words(n, 'effect study was', 'effect studies were')} saved." if n else
                    "No effect study has been saved yet, so it is not yet known whether the measures work.")
                   if en else
                   (f"Er {'is' if n == 1 else 'zijn'} {_count_words(n, 'effectmeting', 'effectmetingen')} "
                    "vastgelegd." if n else
                    "Er is nog geen effectmeting vastgelegd. Of de maatregelen werken, is dus nog niet bekend."))
    if "decisions" in doc:
        ds = doc["decisions"]
        if ds:
            counts = {}
            for d in ds:
                counts[d["decision"]] = counts.get(d["decision"], 0) + 1
            parts = ", ".join(f"{n} × {k}" for k, n in counts.items())
            out.append(f"Decisions taken: {parts}." if en else f"Genomen besluiten: {parts}.")
        else:
            out.append("No decision to continue, adjust or stop has been recorded yet." if en else
                       "Er is nog geen besluit vastgelegd om door te gaan, bij te stellen of te stoppen.")
    if "narratives" in doc:
        n = len(doc["narratives"])
        out.append((f"{_count_words(n, 'story or advice', 'stories and advices')} of residents are in this report."
                    if n else "No stories of residents are recorded here yet.") if en else
                   (f"In dit verslag staan {_count_words(n, 'verhaal of advies', 'verhalen en adviezen')} van "
                    "inwoners." if n else "Er zijn hier nog geen verhalen van inwoners vastgelegd."))
    return out


# -- the document -----------------------------------------------------------------------------------------
def build(site: Site, definition: ReportDefinition, period: int | None = None, area: str | None = None,
          lang: str = "nl") -> dict:
    """The document model of one council report. ``period`` defaults to the definition's; ``area`` limits it."""
    from ..programme.repository import load_programme

    try:
        programme = site.cached_view(("programme", definition.programme), lambda: load_programme(definition.programme))
        from ..entries.published import apply as with_entries  # a report is public: only vastgesteld entries

        programme = with_entries(programme, site.monitor.store)
    except KeyError as exc:
        raise ReportInputError([Issue(definition.file, definition.lines.get("programme"), "programme", str(exc))],
                               "Het rapport is niet gemaakt.") from None
    if period is None:
        period = definition.period
    if period is None:
        raise ReportInputError([Issue(definition.file, None, "period", "er is geen periode gekozen",
                                      "geef --period JAAR of zet period: in de definitie")],
                               "Het rapport is niet gemaakt.")
    known = years_with_data(site, programme)
    if period not in known:
        where = definition.lines.get("period") if definition.period == period else None
        shown = ", ".join(str(y) for y in sorted(known)) or "geen"
        raise ReportInputError([Issue(definition.file if where else "--period", where, "period",
                                      f"over {period} heeft '{programme.name}' geen gegevens (geen bedragen, "
                                      f"cijfers of besluiten)", f"kies een jaar met gegevens: {shown}")],
                               "Het rapport is niet gemaakt.")
    region = _area(site, area)
    codes = _area_codes(site, region) if region is not None else None
    _ = _t(lang)
    doc: dict = {
        "kind": "voortgang", "definition": definition.id, "lang": lang, "period": period,
        "programme": {"id": programme.id, "name": programme.name, "short_name": programme.name.split(" — ")[0],
                      "source": programme.source,
                      "start_year": programme.start_year, "end_year": programme.end_year},
        "area": ({"code": region.code, "name": region.name, "level_label": i18n.level(region.level, lang)}
                 if region is not None else None),
        "title": (f"{definition.label(lang)} {period}" + (f" – {region.name}" if region is not None else "")),
        "sections": list(definition.sections), "refs": [], "synthetic": False,
    }
    if definition.has("ambities"):
        doc["ambitions"], doc["other_interventions"] = interventions_part(site, programme, period, codes, lang)
    iv_ids = None
    if codes is not None:
        iv_ids = {i.id for i in programme.interventions if any(_in_area(site, codes, p.code) for p in i.places)}
        # measures for the whole gemeente reach the area too, but are not the area's own: counted, not listed
        doc["gemeente_wide"] = sum(1 for i in programme.interventions if i.id not in iv_ids
                                   and any(p.code == region.gemeente for p in i.places))
        doc["gemeente_name"] = site.region(region.gemeente).name if region.gemeente else None
    if definition.has("geld"):
        doc["money"] = money_part(programme, period, lang)
        doc["money"]["area_note"] = codes is not None
        doc["refs"].extend(doc["money"].pop("refs"))
    if definition.has("bereik") or definition.has("uitkomsten"):
        doc["indicators"] = indicators_part(site, programme, period, codes, lang)
        for kind in ("outcome", "process", "narrative"):
            for r in doc["indicators"][kind]:
                for key in ("baseline", "latest"):
                    v = r[key]
                    if v and v["value"] is not None:
                        doc["refs"].append({"onderdeel": "uitkomsten" if kind == "outcome" else "bereik",
                                            "indicator": r["id"], "gebied": r["region"] or "", "periode": v["year"],
                                            "waarde": v["value"], "eenheid": r["unit"], "bron": v["source"]})
    if definition.has("evaluaties"):
        doc["evaluations"] = evaluations_part(site, programme, period, iv_ids, lang)
    if definition.has("besluiten"):
        doc["decisions"] = decisions_part(site, programme, period, iv_ids, lang)
    if definition.has("verhalen"):
        doc["narratives"] = narratives_part(site, programme, codes)
    if definition.has("situatie") and region is not None and str(region.level) in ("buurt", "wijk", "stadsdeel", "gebied"):
        from ..web.situation.views import profile_view
        from .wijkprofiel import key_numbers, summary_refs

        view = profile_view(site, region, lang)
        doc["situation"] = {"summary": view["summary"], "reference_name": view["reference_name"]}
        if definition.indicators:
            doc["situation"]["key_numbers"], refs = key_numbers(view, definition, site, lang)
            doc["refs"].extend(refs)
        doc["refs"].extend(summary_refs(view))
    if definition.has("samenvatting"):
        doc["summary"] = summary(doc, lang)
    if definition.has("methode"):
        doc["method"] = {"status_rule": status_rule(lang), "programme_source": programme.source}
    return doc
