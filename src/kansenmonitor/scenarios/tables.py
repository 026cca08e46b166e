"""Tables of the scenarios capability, declared on the core metadata (created with the core tables).

- ``scenarios``: one row per scenario (name, area, seed, who made it, when; adoption as a plan);
- ``scenario_measures``: its measures in order (the validated measure as JSON, plus the columns one filters on);
- ``scenario_assumptions``: its assumptions (context → mechanism → outcome, the indicator that tests it).

A scenario is written in one transaction with its measures, assumptions and audit line: all or nothing.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Table, Text

from ..store.schema import metadata

scenarios = Table(
    "scenarios",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("name", Text, nullable=False),
    Column("description", Text),
    Column("area_kind", String(16), nullable=False),
    Column("area_code", String(80), nullable=False),
    Column("area_name", Text, nullable=False),
    Column("boundary_year", Integer, nullable=False),
    Column("area_members", Text, nullable=False),  # JSON list of buurt/wijk codes
    Column("seed", Integer, nullable=False),
    Column("draws", Integer, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("created_by", String(80), nullable=False),
    Column("adopted_programme", String(200)),
    Column("adopted_at", String(32)),
    Column("adopted_by", String(80)),
)
Index("ix_scenarios_area", scenarios.c.area_code)

scenario_measures = Table(
    "scenario_measures",
    metadata,
    Column("scenario_id", String(80), ForeignKey("scenarios.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("measure_id", String(80), nullable=False),
    Column("name", Text, nullable=False),
    Column("indicator", String(100), nullable=False),
    Column("reach", Integer, nullable=False),
    Column("cost", Float, nullable=False),
    Column("programme", String(200)),
    Column("intervention", String(200)),
    Column("body", Text, nullable=False),  # JSON, the measure in the input's Dutch keys
    PrimaryKeyConstraint("scenario_id", "position"),
)

scenario_assumptions = Table(
    "scenario_assumptions",
    metadata,
    Column("scenario_id", String(80), ForeignKey("scenarios.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("assumption_id", String(80), nullable=False),
    Column("context", Text, nullable=False),
    Column("mechanism", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("indicator", String(100), nullable=False),
    PrimaryKeyConstraint("scenario_id", "position"),
)
