"""Work a scenario out for its area: the figures the measures work on, the source of every effect, the
arithmetic, the simulated change with its range, the urgency rank before and after, what is too thin to say
and what is not known. Reads through the monitor (disclosure-controlled figures only); computes nothing the
pages, API or CLI would compute again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import format as fmt
from ..core.errors import Issue, ValidationError
from ..core.model import Level, Region, number_or_none
from .model import EVIDENCE_LABELS, RATINGS, Area, Measure, Scenario
from .parse import base_of
from .simulate import EffectDistribution, Term, closed_form, draw_changes, noise_of_share, summarise

#: below this many people in the population of an outcome the expected change is not worth stating alone
THIN_POPULATION = 100
#: below this many participants an average effect per participant says little about this group
THIN_REACH = 20


def _t(lang: str, nl: str, en: str) -> str:
    return en if lang == "en" else nl


@dataclass
class Figure:
    """One figure of the area (disclosure-controlled): value, period, source; ``None`` when withheld/missing."""

    indicator: str
    value: float | None
    period: int | None
    source: str | None
    status: str


@dataclass
class AreaFigures:
    area: Area
    figures: dict[str, Figure] = field(default_factory=dict)

    def get(self, iid: str) -> Figure:
        return self.figures.get(iid) or Figure(iid, None, None, None, "missing")


def own_region(area: Area) -> Region:
    gm = "GM" + area.members[0][2:6]
    return Region(area.code, area.name, Level.GEBIED, area.boundary_year, parent=gm, members=area.members,
                  source="eigen gebied van een scenario")


def area_figures(monitor, area: Area, indicators: set[str]) -> AreaFigures:
    """The latest published figure per indicator for the area (own areas: aggregated, then disclosure)."""
    if area.is_own:
        obs = _own_area_observations(monitor, area)
    else:
        # the region in every indeling where its code continues (as on the area's profile page), newest wins
        keys = monitor.linked_codes(area.code, area.boundary_year)
        obs = monitor.observations(public=True, keys=keys, indicators=sorted(indicators))
    out = AreaFigures(area)
    if obs.empty:
        return out
    obs = obs[obs["indicator"].isin(indicators)]
    for iid, group in obs.groupby("indicator"):
        group = group.sort_values(["period", "boundary_year"])
        with_value = group[group["value"].notna()]
        row = (with_value if not with_value.empty else group).iloc[-1]
        source = row["source_ref"] if isinstance(row["source_ref"], str) else None
        out.figures[str(iid)] = Figure(str(iid), number_or_none(row["value"]), int(row["period"]), source,
                                       str(row["status"]))
    return out


def _own_area_observations(monitor, area: Area) -> pd.DataFrame:
    """An own area's disclosed figures, kept per store content: the check against differencing rebuilds the
    store's whole ledger once (seconds on a large store), so the pages of one area in two languages, the API
    and the comparison share it."""
    stamp = monitor.store.change_stamp()
    cache = monitor.__dict__.setdefault("_scenario_own_areas", {})
    key = (area.members, area.boundary_year, area.name)
    hit = cache.get(key)
    if hit is None or hit[0] != stamp:
        hit = (stamp, monitor.own_area_observations(own_region(area)))
        cache[key] = hit
    return hit[1]


def needed_indicators(scenario: Scenario, catalogue) -> set[str]:
    need: set[str] = {"inwoners"}
    for m in scenario.measures:
        need.add(m.indicator)
        base = m.population_indicator or base_of(catalogue[m.indicator])
        if base:
            need.add(base)
        if m.target_indicator:
            need.add(m.target_indicator)
    return need


# -- effects ------------------------------------------------------------------------------------------
@dataclass
class Resolved:
    kind: str  # evaluatie | studie | aanname
    distribution: EffectDistribution
    label: str
    source: str
    detail: str
    passed_over: list[str] = field(default_factory=list)


def similar_evaluations(evaluations: dict[str, dict], m: Measure) -> list[tuple[str, dict]]:
    """Saved evaluations of the same intervention on the same outcome, newest first."""
    found = []
    for name, body in evaluations.items():
        src = body.get("source") or {}
        if (m.intervention and src.get("programme") == m.programme and src.get("intervention") == m.intervention
                and src.get("indicator") == m.indicator):
            found.append((name, body))
    found.sort(key=lambda nb: (nb[1].get("saved_on") or "", nb[0]), reverse=True)
    return found


def _evaluation_sd(result: dict) -> float | None:
    se = number_or_none(result.get("se"))
    if se is not None and se > 0:
        return se
    lo, hi = number_or_none(result.get("ci_low")), number_or_none(result.get("ci_high"))
    if lo is not None and hi is not None and hi > lo:
        return (hi - lo) / (2 * 1.959963984540054)
    return None


def resolve_effect(m: Measure, n: int, evaluations: dict[str, dict], ind, lang: str) -> Resolved:
    """The effect per participant, from (1) an own evaluation, (2) a study, (3) an assumption — in that order."""
    e = m.effect
    passed: list[str] = []
    candidates: list[tuple[str, dict]] = []
    if e.evaluation and e.evaluation in evaluations:
        candidates.append((e.evaluation, evaluations[e.evaluation]))
    candidates += [c for c in similar_evaluations(evaluations, m) if c[0] != e.evaluation]
    unit = change_unit(ind, lang)
    for name, body in candidates:
        src, result = body.get("source") or {}, body.get("result") or {}
        estimate, sd = number_or_none(result.get("estimate")), _evaluation_sd(result)
        if src.get("indicator") != m.indicator:
            passed.append(_t(lang, f"evaluatie '{name}' gaat over een andere indicator en is niet gebruikt",
                             f"evaluation '{name}' is about another indicator and was not used"))
            continue
        if estimate is None or sd is None:
            passed.append(_t(lang, f"evaluatie '{name}' heeft geen schatting met onzekerheid en is niet gebruikt",
                             f"evaluation '{name}' has no estimate with uncertainty and was not used"))
            continue
        if e.evaluated_share is None:
            passed.append(_t(lang, f"evaluatie '{name}' is gevonden, maar niet gebruikt: niet bekend is welk deel van de "
                             "inwoners tijdens de evaluatie meedeed (vul 'bereik in de evaluatie' in)",
                             f"evaluation '{name}' was found but not used: it is not known what share of the "
                             "inhabitants took part during the evaluation (fill in 'reach in the evaluation')"))
            continue
        s = e.evaluated_share / 100.0
        detail = _t(lang,
                    f"De evaluatie '{name}' mat {fmt.number(estimate, 2, lang)} {unit} in de gebieden met de maatregel, "
                    f"waar {fmt.number(e.evaluated_share, 1, lang)}% van de inwoners meedeed. Per deelnemer is dat "
                    f"{fmt.number(estimate, 2, lang)} ÷ {fmt.number(s, 3, lang)} = {fmt.number(estimate / s, 2, lang)} "
                    f"{unit}.",
                    f"Evaluation '{name}' measured {fmt.number(estimate, 2, lang)} {unit} in the areas with the measure, "
                    f"where {fmt.number(e.evaluated_share, 1, lang)}% of the inhabitants took part. Per participant "
                    f"that is {fmt.number(estimate, 2, lang)} ÷ {fmt.number(s, 3, lang)} = "
                    f"{fmt.number(estimate / s, 2, lang)} {unit}.")
        return Resolved("evaluatie", EffectDistribution(estimate / s, sd / s), EVIDENCE_LABELS["evaluatie"][lang == "en"],
                        _t(lang, f"eigen evaluatie '{name}' (bewaard op {body.get('saved_on') or 'onbekende datum'})",
                           f"own evaluation '{name}' (saved on {body.get('saved_on') or 'unknown date'})"),
                        detail, passed)
    if e.value is None:
        raise ValidationError([Issue("scenario", None, f"maatregel {n}: effect: waarde",
                                     "er is geen bruikbaar effect: " + ("; ".join(passed) or "geen evaluatie gevonden"),
                                     "vul het verwachte effect per deelnemer in, met een bron of als aanname")],
                              "Het scenario is niet geldig; er is niets bewaard.")
    dist = (EffectDistribution(e.value, e.se) if e.se is not None
            else EffectDistribution.from_interval(e.value, e.low, e.high))  # type: ignore[arg-type]
    spread = (_t(lang, f"standaardfout {fmt.number(e.se, 2, lang)}", f"standard error {fmt.number(e.se, 2, lang)}")
              if e.se is not None else _t(lang, f"95%-interval {fmt.number(e.low, 2, lang)} tot "
                                          f"{fmt.number(e.high, 2, lang)}", f"95% interval {fmt.number(e.low, 2, lang)} "
                                          f"to {fmt.number(e.high, 2, lang)}"))
    if e.source:
        rating = f" — {RATINGS[e.rating][1 if lang == 'en' else 0]}" if e.rating else ""
        return Resolved("studie", dist, EVIDENCE_LABELS["studie"][lang == "en"], f"{e.source}{rating}",
                        _t(lang, f"Effect per deelnemer {fmt.number(e.value, 2, lang)} {unit} ({spread}).",
                           f"Effect per participant {fmt.number(e.value, 2, lang)} {unit} ({spread})."), passed)
    return Resolved("aanname", dist, EVIDENCE_LABELS["aanname"][lang == "en"],
                    e.explanation or _t(lang, "geen toelichting gegeven", "no explanation given"),
                    _t(lang, f"Aangenomen effect per deelnemer {fmt.number(e.value, 2, lang)} {unit} ({spread}). Dit is "
                       "niet gemeten.", f"Assumed effect per participant {fmt.number(e.value, 2, lang)} {unit} "
                       f"({spread}). This has not been measured."), passed)


def change_unit(ind, lang: str) -> str:
    if ind.unit == "%":
        return _t(lang, "procentpunt", "percentage points")
    if ind.unit == "x 1.000 euro":
        return _t(lang, "duizend euro", "thousand euros")
    return fmt.unit_label(ind.unit, lang)


# -- the projection -----------------------------------------------------------------------------------
def _member_names(monitor, area) -> list[str]:
    """The buurten of an own area by name (a reader does not know buurt codes); the code where a name is unknown."""
    names = []
    for code in area.members:
        try:
            names.append(monitor.store.region(code, area.boundary_year, with_geometry=False).name)
        except (LookupError, ValueError):
            names.append(code)
    return names


def project(monitor, scenario: Scenario, evaluations: dict[str, dict] | None = None, lang: str = "nl",
            with_ranks: bool = True) -> dict:
    """Everything a page, the API and the CLI show about one scenario (plain data, texts in ``lang``).

    Raises :class:`ValidationError` for a measure whose reach is above its target group in the area."""
    from .ranks import rank_moves

    catalogue = monitor.catalogue
    evaluations = evaluations if evaluations is not None else monitor.store.documents("evaluation")
    figures = area_figures(monitor, scenario.area, needed_indicators(scenario, catalogue))
    issues: list[Issue] = []
    measures: list[dict] = []
    resolved: dict[str, Resolved] = {}
    for n, m in enumerate(scenario.measures, start=1):
        ind = catalogue[m.indicator]
        try:
            r = resolve_effect(m, n, evaluations, ind, lang)
        except ValidationError as exc:
            issues.extend(exc.issues)
            continue
        resolved[m.id] = r
        if m.target_indicator:
            fig = figures.get(m.target_indicator)
            size, size_source = fig.value, _figure_source(catalogue, fig, lang)
        else:
            size, size_source = m.target_size, m.target_source
        if size is not None and m.reach > size:
            issues.append(Issue("scenario", None, f"maatregel {n}: bereik",
                                f"het bereik ({m.reach}) is groter dan de doelgroep in {scenario.area.name} "
                                f"({fmt.number(size, 0)})", "verlaag het bereik of kies een grotere doelgroep"))
        measures.append({"n": n, "measure": m, "resolved": r, "target_size": size, "target_source": size_source})
    if issues:
        raise ValidationError(issues, "Het scenario is niet geldig; er is niets bewaard.")

    outcomes: dict[str, list[dict]] = {}
    for item in measures:
        outcomes.setdefault(item["measure"].indicator, []).append(item)
    outcome_views = []
    for k, (iid, items) in enumerate(sorted(outcomes.items())):
        outcome_views.append(_outcome(monitor, scenario, figures, iid, items, lang, seed=scenario.seed + k,
                                      with_ranks=with_ranks, rank_moves=rank_moves))
    total_cost = sum(m.cost for m in scenario.measures)
    total_reach = sum(m.reach for m in scenario.measures)
    view = {
        "id": scenario.id, "name": scenario.name, "description": scenario.description,
        "area": {"code": scenario.area.code, "name": scenario.area.name, "kind": scenario.area.kind,
                 "boundary_year": scenario.area.boundary_year, "members": list(scenario.area.members),
                 "member_names": _member_names(monitor, scenario.area),
                 "inwoners": figures.get("inwoners").value},
        "totals": {"cost": total_cost, "reach": total_reach,
                   "cost_per_participant": total_cost / total_reach if total_reach else None},
        "measures": [_measure_view(item, catalogue, lang) for item in measures],
        "outcomes": outcome_views,
        "assumptions": [{"id": a.id, "context": a.context, "mechanism": a.mechanism, "outcome": a.outcome,
                         "indicator": a.indicator_id,
                         "indicator_label": catalogue[a.indicator_id].label(lang) if a.indicator_id in catalogue
                         else a.indicator_id} for a in scenario.assumptions],
        "unknowns": unknowns(scenario, measures, outcome_views, lang),
        "seed": scenario.seed, "draws": scenario.draws,
        "created_at": scenario.created_at, "created_by": scenario.created_by, "adopted": scenario.adopted,
    }
    return view


def _figure_source(catalogue, fig: Figure, lang: str) -> str | None:
    if fig.value is None:
        return None
    ind = catalogue[fig.indicator]
    return f"{ind.label(lang)}, {fig.period}" + (f" ({fig.source})" if fig.source else "")


def _measure_view(item: dict, catalogue, lang: str) -> dict:
    m: Measure = item["measure"]
    r: Resolved = item["resolved"]
    ind = catalogue[m.indicator]
    return {"id": m.id, "n": item["n"], "name": m.name, "target_group": m.target_group, "reach": m.reach,
            "cost": m.cost, "duration_years": m.duration_years, "start_year": m.start_year,
            "cost_per_participant": m.cost / m.reach if m.reach else None,
            "programme": m.programme, "intervention": m.intervention,
            "indicator": m.indicator, "indicator_label": ind.label(lang),
            "target_size": item["target_size"], "target_source": item["target_source"],
            "evidence": r.kind, "evidence_label": r.label, "evidence_source": r.source, "evidence_detail": r.detail,
            "evidence_passed_over": r.passed_over, "is_assumption": r.kind == "aanname",
            "effect_mean": r.distribution.mean, "effect_sd": r.distribution.sd}


def _outcome(monitor, scenario: Scenario, figures: AreaFigures, iid: str, items: list[dict], lang: str, seed: int,
             with_ranks: bool, rank_moves) -> dict:
    catalogue = monitor.catalogue
    ind = catalogue[iid]
    unit = change_unit(ind, lang)
    base_ids = {it["measure"].population_indicator or base_of(ind) for it in items}
    base_id = sorted(b for b in base_ids if b)[0]
    population = figures.get(base_id)
    baseline = figures.get(iid)
    out = {"indicator": iid, "label": ind.label(lang), "unit": ind.unit, "change_unit": unit,
           "polarity": str(ind.polarity), "decimals": ind.decimals,
           "population_indicator": base_id, "population_label": catalogue[base_id].label(lang),
           "population": population.value, "population_period": population.period,
           "population_source": population.source, "baseline": baseline.value, "baseline_period": baseline.period,
           "baseline_source": baseline.source, "lines": [], "change": None, "expected": None, "thin": [],
           "ranks": None, "change_decimals": 2, "computable": population.value is not None and population.value > 0}
    if not out["computable"]:
        out["thin"].append(_t(lang, f"Het aantal '{catalogue[base_id].label(lang)}' van {scenario.area.name} wordt niet "
                              "getoond (te klein of niet bekend). Daarom is de verwachte verandering niet uit te "
                              "rekenen.", f"The number '{catalogue[base_id].label(lang)}' of {scenario.area.name} is "
                              "not shown (too small or unknown), so the expected change cannot be calculated."))
        return out
    N = float(population.value)
    terms = []
    for it in items:
        m, r = it["measure"], it["resolved"]
        terms.append(Term(m.reach, r.distribution, N))
        part = m.reach * r.distribution.mean / N
        out["lines"].append({
            "measure": m.name, "reach": m.reach, "effect": r.distribution.mean, "population": N, "part": part,
            "text": f"{fmt.number(m.reach, 0, lang)} × {fmt.number(r.distribution.mean, 2, lang)} {unit} ÷ "
                    f"{fmt.number(N, 0, lang)} = {fmt.number(part, 3, lang)} {unit}",
            "is_assumption": r.kind == "aanname"})
    samples = draw_changes(terms, scenario.draws, seed)
    s = summarise(samples)
    exact = closed_form(terms)
    out["change"] = {**s.to_dict(), "closed_form": exact.to_dict()}
    # enough decimals that a small change does not print as 0,00
    out["change_decimals"] = 2 if abs(s.mean) >= 0.1 or s.mean == 0 else min(4, 2 + int(-np.floor(np.log10(abs(s.mean)))) - 1)
    if baseline.value is not None:
        out["expected"] = {"verwacht": baseline.value + s.mean, "laag": baseline.value + s.low,
                           "hoog": baseline.value + s.high}
        if ind.unit == "%" and not (0 <= baseline.value + s.mean <= 100):
            out["thin"].append(_t(lang, "De verwachte waarde valt buiten 0 tot 100%: het effect per deelnemer of het "
                                  "bereik is te groot voor dit gebied.", "The expected value falls outside 0 to 100%: "
                                  "the effect per participant or the reach is too large for this area."))
    if N < THIN_POPULATION:
        out["thin"].append(_t(lang, f"Dit gebied heeft maar {fmt.number(N, 0, lang)} mensen in de bevolking van deze "
                              "indicator. Bij zo weinig mensen zijn de cijfers te dun om een verandering te volgen; de "
                              "berekening laat alleen zien wat de aannames betekenen.",
                              f"This area has only {fmt.number(N, 0, lang)} people in this indicator's population. With "
                              "so few people the figures are too thin to follow a change; the calculation only shows "
                              "what the assumptions mean."))
    if ind.unit == "%" and baseline.value is not None:
        noise = noise_of_share(baseline.value, N)
        out["noise"] = noise
        if abs(s.mean) < noise:
            out["thin"].append(_t(lang,
                                  f"Een verandering van {fmt.number(abs(s.mean), 2, lang)} {unit} is kleiner dan het "
                                  f"toeval tussen twee metingen bij {fmt.number(N, 0, lang)} mensen (ongeveer "
                                  f"{fmt.number(noise, 2, lang)} {unit}). De monitor zal dit effect niet van toeval "
                                  "kunnen onderscheiden.",
                                  f"A change of {fmt.number(abs(s.mean), 2, lang)} {unit} is smaller than chance "
                                  f"between two measurements among {fmt.number(N, 0, lang)} people (about "
                                  f"{fmt.number(noise, 2, lang)} {unit}). The monitor will not be able to tell this "
                                  "effect from chance."))
    small = [it["measure"].name for it in items if it["measure"].reach < THIN_REACH]
    if small:
        out["thin"].append(_t(lang, f"Minder dan {THIN_REACH} deelnemers bij: {', '.join(small)}. Een gemiddeld "
                              "effect per deelnemer zegt weinig over zo'n kleine groep.",
                              f"Fewer than {THIN_REACH} participants in: {', '.join(small)}. An average effect per "
                              "participant says little about such a small group."))
    if with_ranks:
        out["ranks"] = rank_moves(monitor, scenario.area, iid, s, lang)
    return out


def unknowns(scenario: Scenario, measures: list[dict], outcomes: list[dict], lang: str) -> list[str]:
    """What the calculation does not know, said plainly."""
    out = []
    assumed = [it["measure"].name for it in measures if it["resolved"].kind == "aanname"]
    if len(assumed) == 1:
        out.append(_t(lang, f"Het effect van {assumed[0]} is een aanname, niet gemeten.",
                      f"The effect of {assumed[0]} is an assumption, not measured."))
    elif assumed:
        names_nl = ", ".join(assumed[:-1]) + " en " + assumed[-1]
        names_en = ", ".join(assumed[:-1]) + " and " + assumed[-1]
        out.append(_t(lang, f"De effecten van {names_nl} zijn aannames, niet gemeten.",
                      f"The effects of {names_en} are assumptions, not measured."))
    out.append(_t(lang, "Het bereik is genomen zoals gepland; als minder mensen meedoen, is het effect kleiner.",
                  "The reach is taken as planned; if fewer people take part, the effect is smaller."))
    if len(measures) > 1:
        out.append(_t(lang, "De effecten van de maatregelen zijn opgeteld. Of ze elkaar versterken of overlappen "
                      "(dezelfde mensen in twee maatregelen) is niet bekend.",
                      "The effects of the measures are added up. Whether they reinforce or overlap each other (the "
                      "same people in two measures) is not known."))
    out.append(_t(lang, "Andere ontwikkelingen in het gebied (economie, verhuizingen, ander beleid) zijn niet "
                  "meegenomen: de berekening zegt wat de maatregelen toevoegen, niet hoe het gebied er straks voor "
                  "staat.", "Other developments in the area (economy, moves, other policy) are not included: the "
                  "calculation says what the measures add, not how the area will be doing."))
    out.append(_t(lang, "Het effect geldt aan het eind van de looptijd; hoe lang het daarna blijft, is niet bekend.",
                  "The effect applies at the end of the duration; how long it lasts after that is not known."))
    for o in outcomes:
        if o["baseline"] is None:
            out.append(_t(lang, f"De huidige waarde van '{o['label']}' in {scenario.area.name} wordt niet getoond of is "
                          "niet bekend; alleen de verandering is berekend.",
                          f"The current value of '{o['label']}' in {scenario.area.name} is not shown or not known; "
                          "only the change is calculated."))
    return out


def frame_of_outcomes(view: dict) -> pd.DataFrame:
    rows = [{"scenario": view["id"], "indicator": o["indicator"], "baseline": o["baseline"],
             "change": (o["change"] or {}).get("verwacht"), "low": (o["change"] or {}).get("laag"),
             "high": (o["change"] or {}).get("hoog")} for o in view["outcomes"]]
    return pd.DataFrame(rows)
