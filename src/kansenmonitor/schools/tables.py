"""Tables of the schools capability, declared on the core metadata (created with the core tables).

- ``school_locations``: the register, one row per school location (BRIN + vestiging, 6 characters);
- ``school_areas``: the buurt/wijk/gemeente a location stands in, per indeling year, and how it was found;
- ``school_history``: openings, closures and successions of a code (codes continue or end, never mix);
- ``school_observations``: school × indicator × period, with the same columns as the region observations;
- ``school_groups``: counts per klas (group) and need category, from a school's own template (never pupils).
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, PrimaryKeyConstraint, String, Table, Text

from ..store.schema import metadata

school_locations = Table(
    "school_locations",
    metadata,
    Column("code", String(8), primary_key=True),  # BRIN (4) + vestigingsnummer (2), e.g. 08UT00
    Column("brin", String(4), nullable=False),
    Column("name", Text, nullable=False),
    Column("sector", String(8), nullable=False),  # po | sbo | so | vso | vo | mbo
    Column("denomination", Text),
    Column("board", String(16)),  # bevoegd gezag nummer
    Column("street", Text),
    Column("house_number", String(24)),
    Column("postcode", String(8)),  # PC6 without space, e.g. 7544LR
    Column("place", Text),
    Column("gemeente", String(8)),  # GMxxxx
    Column("lat", Float),
    Column("lon", Float),
    Column("location_method", String(24)),  # file | gemeente | stembureau_pc6 | pc4_overlap | none
    Column("structure", Text),  # vo: onderwijsstructuur (VBO/MAVO/HAVO/VWO, PRO …)
    Column("first_year", Integer),
    Column("last_year", Integer),
    Column("status", String(12), nullable=False),  # open | gesloten
    Column("source", Text),
    Column("import_id", Integer),
)
Index("ix_school_locations_gemeente", school_locations.c.gemeente)

school_areas = Table(
    "school_areas",
    metadata,
    Column("code", String(8), nullable=False),
    Column("boundary_year", Integer, nullable=False),
    Column("buurt", String(16)),
    Column("wijk", String(16)),
    Column("gemeente", String(8)),
    Column("method", String(24), nullable=False),
    PrimaryKeyConstraint("code", "boundary_year"),
)
Index("ix_school_areas_buurt", school_areas.c.buurt, school_areas.c.boundary_year)

school_history = Table(
    "school_history",
    metadata,
    Column("code", String(8), nullable=False),
    Column("year", Integer, nullable=False),
    Column("event", String(16), nullable=False),  # geopend | gesloten | opgevolgd | in_lijst | uit_lijst
    Column("to_code", String(8)),
    Column("note", Text),
    Column("source", Text),
    PrimaryKeyConstraint("code", "year", "event"),
)

school_observations = Table(
    "school_observations",
    metadata,
    Column("school", String(8), nullable=False),
    Column("indicator", String(100), nullable=False),
    Column("period", Integer, nullable=False),
    Column("value", Float),
    Column("status", String(12), nullable=False),
    Column("numerator", Float),
    Column("denominator", Float),
    Column("lower", Float),
    Column("upper", Float),
    Column("source_ref", Text),
    Column("import_id", Integer),
    PrimaryKeyConstraint("school", "indicator", "period"),
)
Index("ix_school_obs_indicator", school_observations.c.indicator, school_observations.c.period)

school_groups = Table(
    "school_groups",
    metadata,
    Column("school", String(8), nullable=False),
    Column("period", Integer, nullable=False),
    Column("klas", String(40), nullable=False),
    Column("category", String(40), nullable=False),
    Column("count", Integer, nullable=False),
    Column("import_id", Integer),
    PrimaryKeyConstraint("school", "period", "klas", "category"),
)
