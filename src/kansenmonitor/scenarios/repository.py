"""Scenarios in the store: saved in one transaction with their measures, assumptions and audit line."""

from __future__ import annotations

import json

from sqlalchemy import delete, insert, select, update

from ..accounts import audit
from ..core.errors import Issue, ValidationError
from ..programme.model import Assumption
from .model import Area, Effect, Measure, Scenario, measure_to_dict
from .tables import scenario_assumptions, scenario_measures, scenarios


class ScenarioExists(ValidationError):
    pass


TABLES = (scenarios, scenario_measures, scenario_assumptions)


def ready(store) -> bool:
    """Make sure the scenario tables exist (a store made before this capability is opened without creating
    tables); ``False`` when they are missing and cannot be made (a read-only database): then there are none."""
    state = store.__dict__.get("_scenario_tables")
    if state is None:
        from sqlalchemy import inspect
        from sqlalchemy.exc import SQLAlchemyError

        from ..store.schema import metadata

        try:
            metadata.create_all(store.engine, tables=list(TABLES), checkfirst=True)
            state = True
        except SQLAlchemyError:
            state = all(inspect(store.engine).has_table(t.name) for t in TABLES)
        store.__dict__["_scenario_tables"] = state
    return state


def exists(store, sid: str) -> bool:
    if not ready(store):
        return False
    with store.engine.connect() as conn:
        return conn.execute(select(scenarios.c.id).where(scenarios.c.id == sid)).first() is not None


def save(store, scenario: Scenario, actor: str) -> None:
    """Write the scenario, its measures and assumptions and the audit line together, or nothing."""
    if exists(store, scenario.id):
        raise ScenarioExists([Issue("scenario", None, "naam", f"er is al een scenario '{scenario.id}'",
                                    "kies een andere naam")], "Het scenario is niet bewaard; er is niets gewijzigd.")
    created = scenario.created_at or audit.now()
    a = scenario.area
    with store.transaction() as w:
        conn = w.conn
        conn.execute(insert(scenarios).values(
            id=scenario.id, name=scenario.name, description=scenario.description, area_kind=a.kind,
            area_code=a.code, area_name=a.name, boundary_year=a.boundary_year, area_members=json.dumps(list(a.members)),
            seed=scenario.seed, draws=scenario.draws, created_at=created, created_by=actor))
        for pos, m in enumerate(scenario.measures, start=1):
            conn.execute(insert(scenario_measures).values(
                scenario_id=scenario.id, position=pos, measure_id=m.id, name=m.name, indicator=m.indicator,
                reach=m.reach, cost=m.cost, programme=m.programme, intervention=m.intervention,
                body=json.dumps(measure_to_dict(m), ensure_ascii=False, sort_keys=True)))
        for pos, x in enumerate(scenario.assumptions, start=1):
            conn.execute(insert(scenario_assumptions).values(
                scenario_id=scenario.id, position=pos, assumption_id=x.id, context=x.context, mechanism=x.mechanism,
                outcome=x.outcome, indicator=x.indicator_id))
        audit.record(conn, actor, "scenario.save", "scenario", scenario.id, None, scenario.to_dict())
    scenario.created_at, scenario.created_by = created, actor


def mark_adopted(store, sid: str, programme: str, actor: str, conn=None) -> None:
    at = audit.now()

    def run(c):
        c.execute(update(scenarios).where(scenarios.c.id == sid).values(
            adopted_programme=programme, adopted_at=at, adopted_by=actor))
        audit.record(c, actor, "scenario.adopt", "scenario", sid, None, {"programme": programme})

    if conn is not None:
        run(conn)
    else:
        with store.transaction() as w:
            run(w.conn)


def remove(store, sid: str, actor: str) -> None:
    with store.transaction() as w:
        w.conn.execute(delete(scenario_assumptions).where(scenario_assumptions.c.scenario_id == sid))
        w.conn.execute(delete(scenario_measures).where(scenario_measures.c.scenario_id == sid))
        w.conn.execute(delete(scenarios).where(scenarios.c.id == sid))
        audit.record(w.conn, actor, "scenario.remove", "scenario", sid)


def _measure(body: dict) -> Measure:
    e = body.get("effect") or {}
    ref = body.get("interventie") or {}
    return Measure(
        id=body["id"], name=body["naam"], target_group=body["doelgroep"], reach=int(body["bereik"]),
        cost=float(body["kosten"]), duration_years=float(body["looptijd"]), indicator=body["indicator"],
        effect=Effect(value=e.get("waarde"), low=e.get("laag"), high=e.get("hoog"), se=e.get("standaardfout"),
                      source=e.get("bron"), rating=e.get("oordeel"), assumption=bool(e.get("aanname")),
                      explanation=e.get("toelichting"), evaluation=e.get("evaluatie"),
                      evaluated_share=e.get("bereik_in_evaluatie")),
        programme=ref.get("programma"), intervention=ref.get("id"), target_indicator=body.get("doelgroep_indicator"),
        target_size=body.get("doelgroep_omvang"), target_source=body.get("doelgroep_bron"),
        population_indicator=body.get("bevolking_indicator"), start_year=body.get("startjaar"))


def _scenario(conn, row) -> Scenario:
    r = row._mapping
    ms = conn.execute(select(scenario_measures.c.body).where(scenario_measures.c.scenario_id == r["id"])
                      .order_by(scenario_measures.c.position)).all()
    asm = conn.execute(select(scenario_assumptions).where(scenario_assumptions.c.scenario_id == r["id"])
                       .order_by(scenario_assumptions.c.position)).all()
    area = Area(kind=r["area_kind"], code=r["area_code"], name=r["area_name"], boundary_year=int(r["boundary_year"]),
                members=tuple(json.loads(r["area_members"])))
    adopted = ({"programme": r["adopted_programme"], "at": r["adopted_at"], "by": r["adopted_by"]}
               if r["adopted_programme"] else None)
    return Scenario(
        id=r["id"], name=r["name"], area=area, measures=[_measure(json.loads(b)) for (b,) in ms],
        assumptions=[Assumption(id=a._mapping["assumption_id"], context=a._mapping["context"],
                                mechanism=a._mapping["mechanism"], outcome=a._mapping["outcome"],
                                indicator_id=a._mapping["indicator"]) for a in asm],
        description=r["description"], seed=int(r["seed"]), draws=int(r["draws"]), created_at=r["created_at"],
        created_by=r["created_by"], adopted=adopted)


def get(store, sid: str) -> Scenario | None:
    if not ready(store):
        return None
    with store.engine.connect() as conn:
        row = conn.execute(select(scenarios).where(scenarios.c.id == sid)).first()
        return _scenario(conn, row) if row is not None else None


def all_scenarios(store) -> list[Scenario]:
    if not ready(store):
        return []
    with store.engine.connect() as conn:
        rows = conn.execute(select(scenarios).order_by(scenarios.c.created_at.desc(), scenarios.c.id)).all()
        return [_scenario(conn, r) for r in rows]
