"""Tables of the networks capability, declared on the core metadata (created with the core tables).

- ``network_graphs``: one row per imported network: name, version (1, 2, … per re-import), title, whether the
  data are synthetic, the file names and checksum, import time and size;
- ``network_nodes``: the nodes of each network (id, label, kind such as organisation or team, area code);
- ``network_edges``: the edges (undirected), with weight and type.

Networks are of organisations or teams, never of persons: the import takes no person data.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Integer, PrimaryKeyConstraint, String, Table, Text

from ..store.schema import metadata

network_graphs = Table(
    "network_graphs",
    metadata,
    Column("name", String(80), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("synthetic", Boolean, nullable=False),
    Column("description", Text),
    Column("files", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("imported_at", String(32), nullable=False),
    Column("nodes", Integer, nullable=False),
    Column("edges", Integer, nullable=False),
)

network_nodes = Table(
    "network_nodes",
    metadata,
    Column("network", String(80), nullable=False),
    Column("id", String(120), nullable=False),
    Column("label", Text, nullable=False),
    Column("kind", String(80)),
    Column("area", String(80)),
    PrimaryKeyConstraint("network", "id"),
)

network_edges = Table(
    "network_edges",
    metadata,
    Column("network", String(80), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("source", String(120), nullable=False),
    Column("target", String(120), nullable=False),
    Column("weight", Float, nullable=False),
    Column("type", String(80)),
    PrimaryKeyConstraint("network", "seq"),
)
