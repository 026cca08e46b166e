"""View models for the index and targeting pages (and the ``/v1/indices`` resources).

Every number comes from :mod:`kansenmonitor.indices`, which reads through disclosure control; this module
only caches the computations per process and reshapes them. A rank is always shown with its interval
("rang 3 (2–6)"); a region below the coverage threshold has no score and says why.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import pandas as pd

from ... import format as fmt
from ... import indices
from ...core.model import Region
from ...core.model import number_or_none as _num
from ...indices.compute import DEFAULT_MIN_POPULATION, THEME_PREFIX
from ...indices.messages import localise
from ...indices.messages import text as msg_text
from ...indices.targeting import rule_label, status_label
from ...indices.uncertainty import option_label, point_rank_label, rank_label, step_label
from .. import graphics, i18n
from ..service import Site

#: Monte Carlo draws for the web pages (the CLI uses 1,000); seeded, so a page is the same every time.
PAGE_DRAWS = 200
PAGE_SEED = 20240
DEFAULT_RULE = "top-pct-population"
DEFAULT_RULE_VALUE = 30.0
DEFAULT_BUDGET = 1_000_000.0

RULE_KINDS = ("top-pct-population", "top-pct", "top-n", "drempel")


def _text(v) -> str | None:
    return v if isinstance(v, str) and v else None


# -- cached computations -----------------------------------------------------------------------------
@dataclass
class Computed:
    """One index computed for one gemeente and level, with its rank uncertainty."""

    definition: indices.Definition
    inputs: indices.IndexInputs
    result: indices.IndexResult
    unc: indices.UncertaintyResult
    gemeente: Region
    level: str

    @property
    def frame(self) -> pd.DataFrame:
        """Scores with rank intervals; texts are kept as engine messages (render with ``msg_text``)."""
        return self.result.scores.join(self.unc.ranks[["median_rank", "rank_low", "rank_high"]])


def definitions(site: Site) -> dict[str, indices.Definition]:
    """id → definition (shipped ones and the municipality's own), cached per process."""

    def load():
        out = {}
        for path in indices.definition_files(site.monitor.home):
            d = indices.load_definition(path, catalogue=site.catalogue)
            out[d.id] = d
        return out

    return site.cached_view(("indices", "definitions"), load)


def computed(site: Site, d: indices.Definition, gemeente: Region, level: str,
             min_population: int = DEFAULT_MIN_POPULATION) -> Computed:
    """``min_population``: areas with fewer inhabitants get no rank and no money (0: every area)."""

    def load():
        inputs = indices.load_inputs(site.monitor, d, level=level, gemeente=gemeente.code,
                                     min_population=min_population)
        result = indices.compute_index(d, inputs)
        unc = indices.uncertainty(d, inputs, draws=PAGE_DRAWS, seed=PAGE_SEED)
        return Computed(d, inputs, result, unc, gemeente, level)

    return site.cached_view(("indices", "computed", d.id, d.version, gemeente.code, level, int(min_population)),
                            load)


def coherence_of(site: Site, d: indices.Definition, gemeente: Region, level: str,
                 min_population: int = DEFAULT_MIN_POPULATION) -> indices.CoherenceResult:
    c = computed(site, d, gemeente, level, min_population)
    return site.cached_view(("indices", "coherence", d.id, d.version, gemeente.code, level, int(min_population)),
                            lambda: indices.coherence(d, c.inputs))


# -- definitions ---------------------------------------------------------------------------------------
def definition_ref(d: indices.Definition, lang: str, c: Computed | None = None) -> dict:
    """A definition with, when computed, which themes have data and which are still missing."""
    missing = {m["theme"]: m for m in c.result.missing_themes} if c else {}
    themes = []
    for t in d.themes:
        filled = t.id not in missing if c else bool(t.indicators)
        themes.append({
            "id": t.id, "label": t.label(lang), "weight": t.weight, "filled": filled,
            "indicators": [i.id for i in t.indicators], "missing_indicators": [i.id for i in t.missing],
            "reason": msg_text(missing[t.id]["reason"], lang) if t.id in missing else None,
        })
    return {
        "id": d.id, "version": d.version, "label": d.label(lang),
        "description": d.description_en if lang == "en" and d.description_en else d.description_nl,
        "levels": list(d.levels), "boundary_year": d.boundary_year, "reference": d.reference,
        "min_coverage": d.min_coverage, "themes": themes,
        "themes_filled": [t["id"] for t in themes if t["filled"]],
        "themes_missing": [t["id"] for t in themes if not t["filled"]],
        "gemeente": c.gemeente.code if c else None, "level": c.level if c else None,
    }


# -- scores --------------------------------------------------------------------------------------------
def score_rows(c: Computed, lang: str) -> list[dict]:
    rows = []
    frame = c.frame
    for code, r in frame.iterrows():
        score = _num(r["score"])
        med, lo, hi = _num(r["median_rank"]), _num(r["rank_low"]), _num(r["rank_high"])
        reason = _text(msg_text(frame["reason"][code], lang))
        rank = None if score is None else int(r["rank"])
        point = point_rank_label(rank, lo, hi, lang) if score is not None else None
        rows.append({
            "code": code, "name": str(r["name"]), "score": score,
            # the rank of this score (the definition's own choices), with the interval over the draws
            "rank": rank, "point_label": point,
            "median_rank": None if med is None else int(med), "rank_low": None if lo is None else int(lo),
            "rank_high": None if hi is None else int(hi),
            # the median rank over the draws with its interval (kept under its old name for API clients)
            "label": rank_label(med, lo, hi, lang) if score is not None else None,
            "median_display": (fmt.number(med, 0, lang) if med is not None and score is not None else None),
            "interval": f"{int(lo)}–{int(hi)}" if score is not None and lo is not None else None,
            "coverage": _num(r["coverage"]), "n_observed": int(r["n_observed"]),
            "n_indicators": int(r["n_indicators"]), "inwoners": _num(r.get("inwoners")),
            "reason": reason,
            "display": (point if score is not None else
                        ("geen score" if lang == "nl" else "no score") + (f": {reason}" if reason else "")),
            "score_display": fmt.number(score, 2, lang), "coverage_display": fmt.number(
                None if r["coverage"] is None else 100 * float(r["coverage"]), 0, lang) + " %",
            "themes": {t: _num(r[THEME_PREFIX + t]) for t in c.result.theme_ids},
        })
    return rows


SORTS = {"rang": "rank", "naam": "name", "score": "score", "dekking": "coverage"}


def sort_rows(rows: list[dict], sort: str, order: str) -> list[dict]:
    if sort == "naam":
        out = sorted(rows, key=lambda r: r["name"].lower(), reverse=order == "af")
        return out
    key = {"rang": lambda r: (r["rank"], r["median_rank"]), "score": lambda r: r["score"],
           "dekking": lambda r: r["coverage"]}[sort]
    has = [r for r in rows if r["score"] is not None or (sort == "dekking" and r["coverage"] is not None)]
    rest = [r for r in rows if r not in has]
    has.sort(key=key, reverse=order == "af")
    return has + sorted(rest, key=lambda r: r["name"].lower())


def sensitivity_rows(c: Computed, lang: str) -> list[dict]:
    out = []
    for step, r in c.unc.sensitivity.iterrows():
        options = r["options"]
        out.append({"choice": step, "label": step_label(step, lang),
                    "options": [str(o) for o in options] if isinstance(options, list | tuple) else [str(options)],
                    "option_labels": [option_label(str(o), lang) for o in
                                      (options if isinstance(options, list | tuple) else [options])],
                    "mean_abs_rank_shift": _num(r["mean_abs_rank_shift"]),
                    "max_abs_rank_shift": _num(r["max_abs_rank_shift"]),
                    "variance_share": _num(r["variance_share"])})
    return out


def sensitivity_summary(c: Computed, lang: str) -> str:
    top = c.unc.most_influential
    if top is None:
        return ("De definitie staat geen andere rekenkeuzes toe; er is geen gevoeligheid berekend." if lang == "nl"
                else "The definition allows no alternative choices; no sensitivity was computed.")
    shift = float(c.unc.sensitivity.loc[top, "mean_abs_rank_shift"])
    if lang == "en":
        return (f"The choice '{step_label(top, lang)}' moves the ranking most: on average "
                f"{fmt.number(shift, 1, lang)} places per area.")
    return (f"De keuze '{step_label(top, lang)}' verschuift de rangorde het meest: gemiddeld "
            f"{fmt.number(shift, 1, lang)} plaatsen per gebied.")


def map_areas(site: Site, c: Computed, rows: list[dict], lang: str) -> dict:
    """The SVG map coloured by the rank of the score (rank 1 = most need = darkest), with a legend."""
    geo = site.geometries(c.level, c.gemeente.code, c.inputs.boundary_year)
    ranks = [r["rank"] for r in rows if r["rank"] is not None]
    breaks = graphics.quantile_breaks(ranks)
    # low rank = more need: 'higher is better' reverses the palette so that rank 1 is darkest
    colours = graphics.palette("higher_is_better", len(breaks))
    legend = []
    for i, b in enumerate(breaks):
        lo = min(ranks) if i == 0 else math.floor(breaks[i - 1]) + 1
        legend.append({"colour": colours[i], "from": int(lo), "to": int(math.floor(b)),
                       "count": sum(1 for v in ranks if graphics.class_of(v, breaks) == i)})
    if not geo:
        return {"areas": [], "legend": legend, "width": 0, "height": 0}
    proj = graphics.projection_for(list(geo.values()))
    areas = []
    for r in rows:
        if r["code"] not in geo:
            continue
        cls = graphics.class_of(r["rank"], breaks) if r["rank"] is not None else None
        areas.append({"code": r["code"], "name": r["name"], "display": r["display"],
                      "fill": colours[cls] if cls is not None else "url(#hatch-missing)",
                      "d": graphics.svg_path(geo[r["code"]], proj)})
    return {"areas": areas, "legend": legend, "width": proj.width, "height": proj.height}


SCORES_CSV = ["code", "name", "rank", "rank_low", "rank_high", "median_rank", "score", "coverage", "n_observed",
              "n_indicators", "inwoners", "reason"]


def scope_view(c: Computed, lang: str) -> dict:
    """What the ranking is compared with and which areas it leaves out for having too few inhabitants."""
    res = c.result
    pop = c.inputs.population
    small = [{"code": code, "name": c.inputs.names.get(code, code),
              "inwoners": _num(pop.get(code)) if pop is not None else None} for code in res.too_small]
    return {"reference": res.reference, "reference_label": res.reference_label(lang),
            "min_population": int(res.min_population or 0), "too_small": small}


def index_view(site: Site, c: Computed, lang: str, sort: str, order: str) -> dict:
    rows = score_rows(c, lang)
    m = map_areas(site, c, rows, lang)
    n_scored = sum(1 for r in rows if r["score"] is not None)
    return {
        "index": definition_ref(c.definition, lang, c), "gemeente": {"code": c.gemeente.code,
                                                                     "name": c.gemeente.name},
        "level": c.level, "level_label": i18n.level(c.level, lang, plural=True),
        "boundary_year": c.inputs.boundary_year, "themes": [
            {"id": t, "label": msg_text(lab, lang)}
            for t, lab in zip(c.result.theme_ids, c.result.theme_labels, strict=True)],
        "rows": sort_rows(rows, sort, order), "sort": sort, "order": order,
        "n_scored": n_scored, "n_unscored": len(rows) - n_scored,
        "draws": c.unc.draws, "seed": c.unc.seed, "interval": list(c.unc.interval),
        "scope": scope_view(c, lang),
        "sensitivity": sensitivity_rows(c, lang), "sensitivity_summary": sensitivity_summary(c, lang),
        "most_influential": c.unc.most_influential, "notes": localise(c.result.notes, lang),
        "missing_themes": localise([{"theme": mt["theme"], "label": mt["label"], "reason": mt["reason"],
                                     "missing_indicators": [{"indicator": u["indicator"], "label": u["label"],
                                                             "hint": u["hint"]} for u in mt["missing_indicators"]]}
                                    for mt in c.result.missing_themes], lang),
        "map": {"legend": m["legend"], "width": m["width"], "height": m["height"]}, "_areas": m["areas"],
    }


def region_view(site: Site, c: Computed, code: str, lang: str) -> dict:
    """One region's breakdown by theme: theme scores, and per indicator the (disclosed) input value and its
    normalised value (oriented so that higher = more need)."""
    row = next(r for r in score_rows(c, lang) if r["code"] == code)
    themes = []
    values = c.inputs.values
    normalised = c.result.normalised
    # inputs are read for analysis; what is printed of them passes the full ledger (secondary suppression too)
    ledger = site.monitor.disclosure_ledger()
    for t in c.definition.themes:
        if t.id not in c.result.theme_ids:
            continue
        inds = []
        for spec in t.indicators:
            if spec.id not in normalised.columns:
                continue
            ind = site.catalogue[spec.id] if spec.id in site.catalogue else None
            raw = _num(values.loc[code, spec.id]) if spec.id in values.columns and code in values.index else None
            prov = c.inputs.provenance.get(spec.id, {})
            norm = _num(normalised.loc[code, spec.id])
            cells = [spec.id] + ([ind.numerator] if ind is not None and ind.numerator else [])
            withheld = prov.get("period") is not None and any(
                ledger.withholds(code, c.inputs.boundary_year, i, prov["period"]) for i in cells)
            if withheld:
                raw = norm = None
            inds.append({
                "indicator": spec.id, "label": ind.label(lang) if ind else (spec.label or spec.id),
                "polarity": spec.polarity, "polarity_label": i18n.polarity(spec.polarity, lang),
                "proxy": spec.proxy, "period": prov.get("period"), "value": raw,
                "value_display": (fmt.observation(raw, "measured", ind, lang) if ind and raw is not None else
                                  fmt.number(raw, 1, lang) if raw is not None else
                                  i18n.status("suppressed" if withheld else "missing", lang)),
                "normalised": norm,
                "normalised_display": fmt.number(norm, 2, lang),
            })
        score = row["themes"].get(t.id)
        themes.append({"id": t.id, "label": t.label(lang), "score": score,
                       "score_display": fmt.number(score, 2, lang), "indicators": inds})
    return {"index": {"id": c.definition.id, "version": c.definition.version, "label": c.definition.label(lang)},
            "region": {k: row[k] for k in ("code", "name", "score", "rank", "point_label", "median_rank",
                                            "median_display", "rank_low", "rank_high", "label", "coverage",
                                            "reason", "display", "inwoners")},
            "scope": scope_view(c, lang),
            "gemeente": {"code": c.gemeente.code, "name": c.gemeente.name}, "level": c.level,
            "themes": themes, "missing_themes": [msg_text(m["label"], lang) for m in c.result.missing_themes],
            "draws": c.unc.draws}


def region_records(view: dict) -> list[dict]:
    out = []
    for t in view["themes"]:
        for i in t["indicators"]:
            out.append({"region": view["region"]["code"], "theme": t["id"], "theme_score": t["score"],
                        "indicator": i["indicator"], "label": i["label"], "period": i["period"],
                        "value": i["value"], "normalised": i["normalised"], "polarity": i["polarity"],
                        "proxy": i["proxy"]})
    return out


REGION_CSV = ["region", "theme", "theme_score", "indicator", "label", "period", "value", "normalised", "polarity",
              "proxy"]


# -- coherence -----------------------------------------------------------------------------------------
def _matrix(df: pd.DataFrame, lang: str, names: dict[str, str] | None = None) -> dict:
    names = names or {}
    return {"columns": [names.get(str(c), str(c)) for c in df.columns], "ids": [str(c) for c in df.columns],
            "rows": [{"name": names.get(str(i), str(i)), "id": str(i), "values": [_num(v) for v in r],
                      "display": [fmt.number(_num(v), 2, lang) for v in r]} for i, r in df.iterrows()]}


def _named(message, names: dict[str, str], lang: str) -> str:
    """A coherence message rendered again with the indicator and theme named by their labels, not their ids."""
    from ...indices.messages import CATALOGUE, Message, msg

    if isinstance(message, Message) and message.code in CATALOGUE and message.params:
        params = {k: (names.get(v, v) if k in ("indicator", "theme") and isinstance(v, str) else v)
                  for k, v in message.params.items()}
        return msg(message.code, **params).text(lang)
    return localise(message, lang)


def coherence_view(coh: indices.CoherenceResult, c: Computed, lang: str, site: Site | None = None) -> dict:
    """The coherence checks, with indicators and themes named by their labels (ids stay in the data twin)."""
    names: dict[str, str] = {t.id: t.label(lang) for t in c.definition.themes}
    if site is not None:
        for iid in coh.indicators.index:
            try:
                names[str(iid)] = site.catalogue[str(iid)].label(lang)
            except Exception:  # noqa: BLE001 - an indicator no longer in the catalogue keeps its id
                pass
    ind_rows = []
    for iid, r in coh.indicators.iterrows():
        flag = coh.indicators["flag"][iid]
        ind_rows.append({"indicator": str(iid), "label": names.get(str(iid), str(iid)), "theme": r["theme"],
                         "theme_label": names.get(str(r["theme"]), str(r["theme"])), "polarity": r["polarity"], "n": int(r["n"]),
                         "r_own_theme": _num(r["r_own_theme"]), "r_max_other_theme": _num(r["r_max_other_theme"]),
                         "flag": msg_text(flag, lang) if isinstance(flag, str) else None,
                         "r_own_display": fmt.number(_num(r["r_own_theme"]), 2, lang),
                         "r_other_display": fmt.number(_num(r["r_max_other_theme"]), 2, lang)})
    return {
        "index": {"id": c.definition.id, "version": c.definition.version, "label": c.definition.label(lang)},
        "gemeente": {"code": c.gemeente.code, "name": c.gemeente.name}, "level": c.level,
        "n_regions": coh.n_regions, "scope": scope_view(c, lang),
        "alpha": [{"theme": str(t), "theme_label": names.get(str(t), str(t)), "alpha": _num(a), "display": fmt.number(_num(a), 2, lang)}
                  for t, a in coh.alpha.items()],
        "indicators": ind_rows, "flags": [_named(m, names, lang) for m in coh.flags],
        "notes": [_named(m, names, lang) for m in coh.notes],
        "theme_correlations": _matrix(coh.theme_correlations, lang, names),
        "correlations": _matrix(coh.correlations, lang, names), "loadings": _matrix(coh.loadings, lang, names),
        "explained": [{"component": f"PC{i + 1}", "share": _num(x),
                       "display": fmt.number(100 * x, 0, lang) + " %"} for i, x in enumerate(coh.explained)],
    }


COHERENCE_CSV = ["indicator", "theme", "polarity", "n", "r_own_theme", "r_max_other_theme", "flag"]


# -- targeting -----------------------------------------------------------------------------------------
def rule_text(kind: str, value: float) -> str:
    """A form choice → the engine's rule text."""
    v = f"{value:g}"
    if kind == "drempel":
        return f"threshold:score>={v}"
    if kind == "top-n":
        return f"top-n:{int(value)}"
    return f"{kind}:{v}"


@dataclass
class Targeting:
    selection: indices.Selection
    allocation: indices.Allocation
    selection_b: indices.Selection | None = None
    allocation_b: indices.Allocation | None = None
    comparison: indices.ScenarioComparison | None = None


def run_targeting(c: Computed, rule: str, budget: float, rule_b: str | None = None) -> Targeting:
    """Raises :class:`indices.targeting.RuleError` (a ValueError) for a rule that cannot be applied."""
    frame = c.result.to_frame()
    sel = indices.select(frame, rule)
    alloc = indices.allocate(sel, budget)
    out = Targeting(sel, alloc)
    if rule_b:
        out.selection_b = indices.select(frame, rule_b)
        out.allocation_b = indices.allocate(out.selection_b, budget)
        out.comparison = indices.compare_scenarios(alloc, out.allocation_b)
    return out


def _money(v, lang) -> str:
    return fmt.money(v, lang, decimals=0)


def allocation_rows(alloc: indices.Allocation, labels: dict[str, str], lang: str) -> list[dict]:
    rows = []
    for code, r in alloc.frame.iterrows():
        rows.append({"code": code, "name": str(r.get("name")), "label": labels.get(code),
                     "score": _num(r.get("score")), "inwoners": _num(r.get("inwoners")), "need": _num(r.get("need")),
                     "share": _num(r.get("share")), "amount": _num(r.get("amount")),
                     "amount_per_inhabitant": _num(r.get("amount_per_inhabitant")),
                     "amount_display": _money(_num(r.get("amount")), lang),
                     "per_inhabitant_display": fmt.money(_num(r.get("amount_per_inhabitant")), lang, decimals=2)})
    return rows


def comparison_rows(comp: indices.ScenarioComparison, lang: str) -> list[dict]:
    rows = []
    for code, r in comp.frame.iterrows():
        status = str(r["status"])
        rows.append({"code": code, "name": str(r["name"]), "status": status_label(status, lang),
                     "status_label": status_label(status, lang),
                     "amount_a": _num(r["amount_a"]), "amount_b": _num(r["amount_b"]), "delta": _num(r["delta"]),
                     "amount_a_display": _money(_num(r["amount_a"]), lang),
                     "amount_b_display": _money(_num(r["amount_b"]), lang),
                     "delta_display": ("+" if r["delta"] > 0 else "") + _money(_num(r["delta"]), lang)})
    return rows


def targeting_view(c: Computed, t: Targeting, lang: str) -> dict:
    labels = {r["code"]: r["display"] for r in score_rows(c, lang)}
    names = c.inputs.names

    def scenario(sel: indices.Selection, alloc: indices.Allocation) -> dict:
        share = sel.population_share
        return {"rule": sel.rule, "rule_label": rule_label(sel.rule, lang), "method": alloc.method_text(lang), "budget": alloc.budget, "total": round(alloc.total, 2),
                "total_display": _money(alloc.total, lang),
                "n_selected": len(sel.selected), "population_share": share,
                "population_share_display": fmt.number(None if share is None else 100 * share, 0, lang) + " %",
                "regions": allocation_rows(alloc, labels, lang)}

    view = {"index": {"id": c.definition.id, "version": c.definition.version, "label": c.definition.label(lang)},
            "gemeente": {"code": c.gemeente.code, "name": c.gemeente.name}, "level": c.level,
            "scope": scope_view(c, lang),
            "a": scenario(t.selection, t.allocation), "b": None, "comparison": None}
    if t.comparison is not None:
        comp = t.comparison
        view["b"] = scenario(t.selection_b, t.allocation_b)
        view["comparison"] = {
            "entered": [{"code": x, "name": names.get(x, x)} for x in comp.entered],
            "left": [{"code": x, "name": names.get(x, x)} for x in comp.left],
            "money_moved": comp.money_moved, "money_moved_display": _money(comp.money_moved, lang),
            "regions": comparison_rows(comp, lang)}
    return view


ALLOCATION_CSV = ["code", "name", "score", "inwoners", "need", "share", "amount", "amount_per_inhabitant"]
COMPARISON_CSV = ["code", "name", "status", "amount_a", "amount_b", "delta"]


def targeting_records(view: dict) -> tuple[list[dict], list[str]]:
    if view["comparison"] is not None:
        return view["comparison"]["regions"], COMPARISON_CSV
    return view["a"]["regions"], ALLOCATION_CSV


def xlsx_bytes(t: Targeting) -> bytes:
    """The allocation (and, with a second scenario, scenario B and the comparison) as an Excel workbook."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        t.allocation.to_frame().to_excel(xw, sheet_name="verdeling A" if t.comparison is not None else "verdeling")
        if t.comparison is not None:
            t.allocation_b.to_frame().to_excel(xw, sheet_name="verdeling B")
            t.comparison.to_frame().to_excel(xw, sheet_name="vergelijking")
        fmt.xlsx_no_formulas(xw.book)
    return buf.getvalue()


# -- investments ---------------------------------------------------------------------------------------
def investments_view(site: Site, c: Computed, lang: str) -> dict:
    invest = indices.stored_investments(site.monitor)
    base = {"index": {"id": c.definition.id, "version": c.definition.version, "label": c.definition.label(lang)},
            "gemeente": {"code": c.gemeente.code, "name": c.gemeente.name}, "level": c.level,
            "has_data": bool(invest), "regions": [], "flagged": [], "high_share": None,
            "scope": scope_view(c, lang)}
    if not invest:
        return base
    iv = indices.investment_view(c.result.scores, invest, indices.stored_potentials(site.monitor))
    labels = {r["code"]: r["display"] for r in score_rows(c, lang)}
    rows = []
    for code, r in iv.frame.iterrows():
        flag = msg_text(iv.frame["flag"][code], lang) if isinstance(iv.frame["flag"][code], str) else None
        rows.append({"code": code, "name": str(r["name"]), "label": labels.get(code), "score": _num(r["score"]),
                     "inwoners": _num(r["inwoners"]), "investment": _num(r["investment"]),
                     "per_inhabitant": _num(r["per_inhabitant"]),
                     "potentials": r["potentials"] if isinstance(r["potentials"], str) else None, "flag": flag,
                     "investment_display": _money(_num(r["investment"]), lang),
                     "per_inhabitant_display": fmt.money(_num(r["per_inhabitant"]), lang, decimals=2),
                     "flag_label": flag})
    base.update(regions=rows, flagged=iv.flagged, high_share=iv.high_share)
    return base


INVESTMENTS_CSV = ["code", "name", "label", "score", "inwoners", "investment", "per_inhabitant", "potentials", "flag"]
