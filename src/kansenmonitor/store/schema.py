"""The store's schema: one definition for the embedded default (SQLite) and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

regions = Table(
    "regions",
    metadata,
    Column("code", String(80), nullable=False),
    Column("boundary_year", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("level", String(16), nullable=False),
    Column("parent", String(80)),
    Column("gemeente", String(8)),
    Column("geometry", Text),  # GeoJSON geometry, WGS84
    Column("source", Text),
    Column("note", Text),
    PrimaryKeyConstraint("code", "boundary_year"),
)
Index("ix_regions_level_year", regions.c.level, regions.c.boundary_year)
Index("ix_regions_parent", regions.c.parent)

region_members = Table(
    "region_members",
    metadata,
    Column("area", String(80), nullable=False),
    Column("boundary_year", Integer, nullable=False),
    Column("member", String(80), nullable=False),
    PrimaryKeyConstraint("area", "boundary_year", "member"),
)

# Crosswalk: a code of one indeling continues (or is split/merged) in another indeling.
region_links = Table(
    "region_links",
    metadata,
    Column("code", String(80), nullable=False),
    Column("boundary_year", Integer, nullable=False),
    Column("to_code", String(80), nullable=False),
    Column("to_boundary_year", Integer, nullable=False),
    Column("relation", String(16), nullable=False),  # same | renamed | split | merged
    Column("note", Text),
    PrimaryKeyConstraint("code", "boundary_year", "to_code", "to_boundary_year"),
)

indicators = Table(
    "indicators",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("label_nl", Text, nullable=False),
    Column("label_en", Text, nullable=False),
    Column("definition_nl", Text),
    Column("definition_en", Text),
    Column("unit", String(40), nullable=False),
    Column("theme", String(60), nullable=False),
    Column("polarity", String(20), nullable=False),
    Column("aggregation", String(20), nullable=False),
    Column("numerator", String(100)),
    Column("denominator", String(100)),
    Column("factor", Float, nullable=False, default=1.0),
    Column("weight", String(100)),
    Column("min_count", Integer),
    Column("decimals", Integer, nullable=False, default=1),
    Column("value_type", String(12), nullable=False, default="float"),
    Column("min_value", Float),
    Column("max_value", Float),
    Column("structural", Boolean, nullable=False, default=False),
    Column("sources", Text, nullable=False),  # JSON list of Source dicts
    Column("catalogue_file", Text),
)

imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),
    Column("file", Text, nullable=False),
    Column("sha256", String(64)),
    Column("rows", Integer, nullable=False),
    Column("observations", Integer, nullable=False),
    Column("regions", Integer, nullable=False),
    Column("imported_at", String(32), nullable=False),
    Column("note", Text),
)

observations = Table(
    "observations",
    metadata,
    Column("region", String(80), nullable=False),
    Column("boundary_year", Integer, nullable=False),
    Column("indicator", String(100), ForeignKey("indicators.id"), nullable=False),
    Column("period", Integer, nullable=False),
    Column("value", Float),
    Column("status", String(12), nullable=False),
    Column("numerator", Float),
    Column("denominator", Float),
    Column("lower", Float),
    Column("upper", Float),
    Column("source_ref", Text),
    Column("import_id", Integer),
    PrimaryKeyConstraint("region", "boundary_year", "indicator", "period"),
)
Index("ix_obs_indicator_period", observations.c.indicator, observations.c.period)

# Documents: validated JSON of programmes, index definitions, evaluations, decisions, investments.
documents = Table(
    "documents",
    metadata,
    Column("kind", String(40), nullable=False),
    Column("id", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("updated_at", String(32), nullable=False),
    # bumped by every write; a compare-and-swap write (Writer.replace_document) checks it: no lost updates
    Column("version", Integer, nullable=False, server_default="1"),
    PrimaryKeyConstraint("kind", "id"),
)


def load_capability_tables() -> None:
    """Import ``kansenmonitor.<package>.tables`` of every capability package, so that the tables they
    declare on :data:`metadata` are created (and dropped) with the core ones."""
    import importlib
    import importlib.util
    import pkgutil
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for mod in pkgutil.iter_modules([str(root)]):
        if mod.ispkg:
            name = f"kansenmonitor.{mod.name}.tables"
            if importlib.util.find_spec(name) is not None:
                importlib.import_module(name)

