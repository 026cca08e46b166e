"""Tables of the participation capability (created on first use in a store made before it, as for scenarios).

- ``participation_rounds``: one round per area: the frame (what is fixed, what residents can influence, the
  level, what happens with the input), the dates and the themes residents rank;
- ``participation_responses``: what a resident sent through the public form, with its moderation state. Nothing
  about the sender is stored (no name, no address, no client address).
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from ..store.schema import metadata

participation_rounds = Table(
    "participation_rounds",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("name", Text, nullable=False),
    Column("area_kind", String(16), nullable=False),
    Column("area_code", String(80), nullable=False),
    Column("area_name", Text, nullable=False),
    Column("boundary_year", Integer, nullable=False),
    Column("fixed", Text, nullable=False),
    Column("influence", Text, nullable=False),
    Column("level", String(20), nullable=False),
    Column("afterwards", Text, nullable=False),
    Column("opens", String(10), nullable=False),
    Column("closes", String(10), nullable=False),
    Column("themes", Text, nullable=False),  # JSON list of catalogue themes
    Column("example", Integer, nullable=False, default=0),
    Column("created_at", String(32), nullable=False),
    Column("created_by", String(80), nullable=False),
)
Index("ix_participation_rounds_area", participation_rounds.c.area_code)

participation_responses = Table(
    "participation_responses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", String(80), ForeignKey("participation_rounds.id"), nullable=False),
    Column("submitted_at", String(32), nullable=False),
    Column("ranks", Text, nullable=False),  # JSON {theme: place}
    Column("idea", Text),
    Column("knowledge", Text),
    Column("consent", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # nieuw | goedgekeurd | afgewezen
    Column("reason", Text),
    Column("moderated_at", String(32)),
    Column("moderated_by", String(80)),
)
Index("ix_participation_responses_round", participation_responses.c.round_id, participation_responses.c.status)
