"""Tables of the surveys capability, declared on the core metadata (created with the core tables).

- ``survey_waves``: one row per survey × wave: the codebook (JSON), whether the data are synthetic, the file's
  checksum and the number of respondents;
- ``survey_respondents``: the microdata, one row per respondent: area, indeling year, design weight and the
  answers (JSON ``{item: code}``). These rows never leave the store: the web pages, the API and the exports
  only show estimates that passed disclosure control (:mod:`kansenmonitor.surveys.disclosure`);
- ``survey_results``: saved analyses (latent class models), versioned by survey, wave and codebook.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Index, Integer, PrimaryKeyConstraint, String, Table, Text

from ..store.schema import metadata

survey_waves = Table(
    "survey_waves",
    metadata,
    Column("survey", String(40), nullable=False),
    Column("wave", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("synthetic", Boolean, nullable=False),
    Column("codebook", Text, nullable=False),  # JSON of Codebook.to_dict()
    Column("codebook_sha", String(64), nullable=False),
    Column("data_sha", String(64)),
    Column("file", Text),
    Column("respondents", Integer, nullable=False),
    Column("area_level", String(16), nullable=False),
    Column("boundary_year", Integer, nullable=False),
    Column("imported_at", String(32), nullable=False),
    Column("import_id", Integer),
    PrimaryKeyConstraint("survey", "wave"),
)

survey_respondents = Table(
    "survey_respondents",
    metadata,
    Column("survey", String(40), nullable=False),
    Column("wave", Integer, nullable=False),
    Column("respondent", String(64), nullable=False),
    Column("area", String(80), nullable=False),
    Column("boundary_year", Integer, nullable=False),
    Column("weight", Float, nullable=False),
    Column("answers", Text, nullable=False),  # JSON {item: code}; missing answers are left out
    PrimaryKeyConstraint("survey", "wave", "respondent"),
)
Index("ix_survey_respondents_area", survey_respondents.c.survey, survey_respondents.c.wave,
      survey_respondents.c.area)

survey_results = Table(
    "survey_results",
    metadata,
    Column("id", String(120), primary_key=True),
    Column("survey", String(40), nullable=False),
    Column("wave", Integer, nullable=False),
    Column("kind", String(20), nullable=False),  # lca | network
    Column("body", Text, nullable=False),  # JSON
    Column("created_at", String(32), nullable=False),
)
