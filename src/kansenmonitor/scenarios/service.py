"""The scenario operations the CLI, the pages and the API share: validate, work out, save, compare, adopt."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..core.errors import Issue, UnknownRegionError, ValidationError
from ..programme.model import (
    Assumption,
    IndicatorKind,
    Intervention,
    InterventionStatus,
    Place,
    Programme,
    ProgrammeIndicator,
)
from . import repository
from .model import RATINGS, Scenario
from .parse import Context, parse_scenario
from .project import project

EVALUATION_KIND = "evaluation"


def make_context(monitor) -> Context:
    from ..programme import load_programme

    programmes: dict[str, Programme | None] = {}

    def region(code: str, year: int | None):
        try:
            return monitor.store.region(code, year, with_geometry=False)
        except (UnknownRegionError, LookupError):
            return None

    def intervention(pid: str, iid: str):
        if pid not in programmes:
            try:
                programmes[pid] = load_programme(pid)
            except (KeyError, ValueError):
                programmes[pid] = None
        prog = programmes[pid]
        return prog.intervention(iid) if prog else None

    years = monitor.store.boundary_years()
    return Context(catalogue=monitor.catalogue, region=region, intervention=intervention,
                   evaluation=lambda name: monitor.store.get_document(EVALUATION_KIND, name),
                   default_boundary_year=max(years) if years else 2024)


def check(monitor, doc: Any, file: str = "scenario", lang: str = "nl") -> tuple[Scenario, dict]:
    """Validate and work out; raises ValidationError (nothing stored) when anything is wrong."""
    scenario = parse_scenario(doc, file, make_context(monitor))
    view = project(monitor, scenario, lang=lang)
    return scenario, view


def create(monitor, doc: Any, actor: str, file: str = "scenario", lang: str = "nl") -> tuple[Scenario, dict]:
    """Validate, work out and save in one transaction; an invalid scenario stores nothing."""
    scenario, view = check(monitor, doc, file, lang)
    repository.save(monitor.store, scenario, actor)
    view["created_at"], view["created_by"] = scenario.created_at, scenario.created_by
    return scenario, view


def show(monitor, sid: str, lang: str = "nl") -> dict | None:
    scenario = repository.get(monitor.store, sid)
    return project(monitor, scenario, lang=lang) if scenario is not None else None


def compare(monitor, sids: list[str], lang: str = "nl") -> dict:
    """Several scenarios side by side: cost, people reached, expected change with range, rank, unknowns."""
    views, missing = [], []
    for sid in sids:
        v = show(monitor, sid, lang)
        (views.append(v) if v is not None else missing.append(sid))
    indicators: dict[str, str] = {}
    for v in views:
        for o in v["outcomes"]:
            indicators.setdefault(o["indicator"], o["label"])
    rows = []
    for v in views:
        by = {o["indicator"]: o for o in v["outcomes"]}
        rows.append({"id": v["id"], "name": v["name"], "area": v["area"]["name"], "cost": v["totals"]["cost"],
                     "reach": v["totals"]["reach"], "cost_per_participant": v["totals"]["cost_per_participant"],
                     "n_assumed": sum(1 for m in v["measures"] if m["is_assumption"]),
                     "outcomes": {iid: by.get(iid) for iid in indicators}, "unknowns": v["unknowns"],
                     "thin": [t for o in v["outcomes"] for t in o["thin"]]})
    return {"scenarios": rows, "indicators": [{"id": k, "label": lab} for k, lab in indicators.items()],
            "missing": missing}


def compare_records(view: dict) -> list[dict]:
    out = []
    for row in view["scenarios"]:
        for ind in view["indicators"]:
            o = row["outcomes"].get(ind["id"])
            change = (o or {}).get("change") or {}
            ranks = ((o or {}).get("ranks") or {}).get("rows") or []
            out.append({"scenario": row["id"], "name": row["name"], "area": row["area"], "cost": row["cost"],
                        "reach": row["reach"], "indicator": ind["id"], "baseline": (o or {}).get("baseline"),
                        "change": change.get("verwacht"), "change_low": change.get("laag"),
                        "change_high": change.get("hoog"),
                        "rank_before": ranks[0]["before"] if len(ranks) == 1 else None,
                        "rank_after": ranks[0]["after"] if len(ranks) == 1 else None})
    return out


COMPARE_CSV = ["scenario", "name", "area", "cost", "reach", "indicator", "baseline", "change", "change_low",
               "change_high", "rank_before", "rank_after"]


# -- adoption as a plan -------------------------------------------------------------------------------
def adopt(monitor, sid: str, programme_id: str, actor: str) -> Programme:
    """Take the scenario into a programme as a plan: its new measures become planned interventions, and every
    measure carries the scenario's assumptions (the programme's own structure), each tied to a programme
    indicator that follows the assumption's catalogue indicator in the area."""
    from ..programme import load_programme
    from ..programme.repository import store_programme
    from ..programme.validate import check_programme

    scenario = repository.get(monitor.store, sid)
    if scenario is None:
        raise ValidationError([Issue("scenario", None, "scenario", f"er is geen scenario '{sid}'")],
                              "Het scenario is niet overgenomen.")
    if scenario.adopted:
        raise ValidationError([Issue("scenario", None, "scenario", f"het scenario is al overgenomen in programma "
                                     f"'{scenario.adopted['programme']}'")], "Het scenario is niet opnieuw overgenomen.")
    try:
        prog = load_programme(programme_id)
    except KeyError as exc:
        raise ValidationError([Issue("scenario", None, "programma", str(exc.args[0]))],
                              "Het scenario is niet overgenomen.") from exc
    prog = replace(prog, interventions=list(prog.interventions), indicators=list(prog.indicators))
    area = scenario.area
    region = None if area.is_own else area.code
    places = [Place(code=c) for c in area.members] if area.is_own else [Place(code=area.code, name=area.name)]
    ind_ids: dict[str, str] = {}
    for a in scenario.assumptions:
        iid = a.indicator_id or ""
        if iid in ind_ids:
            continue
        found = next((pi for pi in prog.indicators if pi.catalogue_id == iid and pi.region in (None, region)), None)
        if found is None:
            ind = monitor.catalogue[iid]
            found = ProgrammeIndicator(
                id=f"ind-scn-{sid}-{iid}"[:200], name=ind.label(), kind=IndicatorKind.OUTCOME, unit=ind.unit,
                polarity=ind.polarity, catalogue_id=iid, region=region,
                description=f"Volgt een aanname van scenario '{scenario.name}' in {area.name}.",
                note=("Eigen gebied van buurten: " + ", ".join(area.members)) if area.is_own else None)
            prog.indicators.append(found)
        ind_ids[iid] = found.id
    touched: list[str] = []
    for m in scenario.measures:
        assumptions = [Assumption(id=f"{sid}-{a.id}", context=a.context, mechanism=a.mechanism, outcome=a.outcome,
                                  indicator_id=ind_ids.get(a.indicator_id or ""),
                                  note=f"uit scenario '{scenario.name}'") for a in scenario.assumptions]
        if m.intervention and m.programme == prog.id and prog.intervention(m.intervention) is not None:
            iv = prog.intervention(m.intervention)
            assert iv is not None
            known = {x.id for x in iv.assumptions}
            new = replace(iv, assumptions=[*iv.assumptions, *[x for x in assumptions if x.id not in known]])
            prog.interventions[prog.interventions.index(iv)] = new
            touched.append(new.id)
        else:
            start = m.start_year
            end = int(start + max(m.duration_years, 1) - 1) if start else None
            rating = RATINGS.get(m.effect.rating or "")
            iv = Intervention(
                id=f"scn-{sid}-{m.id}"[:200], name=m.name, target_group=m.target_group, places=list(places),
                start_year=start, end_year=end, status=InterventionStatus.PLANNED,
                evidence_level=rating[2] if rating else None, assumptions=assumptions,
                description=f"Uit scenario '{scenario.name}': bereik {m.reach}, kosten € {m.cost:,.0f}, looptijd "
                            f"{m.duration_years:g} jaar.".replace(",", "."))
            prog.interventions.append(iv)
            touched.append(iv.id)
        for pi_id in {ind_ids.get(a.indicator_id or "") for a in scenario.assumptions}:
            pi = prog.indicator(pi_id) if pi_id else None
            if pi is not None and touched[-1] not in pi.intervention_ids:
                pi.intervention_ids = [*pi.intervention_ids, touched[-1]]
    check_programme(prog, f"{prog.id} (met scenario {sid})", set(monitor.catalogue.indicators))
    store_programme(prog)
    from ..programme import stored
    from ..programme.repository import replace_edited

    with stored.using(monitor.store):  # a programme edited online gets the adopted measures in the store too
        replace_edited(prog, "programme.scenario", f"scenario '{scenario.name}' overgenomen als plan", actor)
    repository.mark_adopted(monitor.store, sid, prog.id, actor)
    return prog
