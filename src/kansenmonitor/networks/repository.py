"""Reading stored networks back from the store."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from ..core.errors import KansenmonitorError
from . import tables as t


class UnknownNetworkError(KansenmonitorError, LookupError):
    """A network that is not in the store."""


@dataclass(frozen=True)
class Network:
    name: str
    version: int
    title: str
    synthetic: bool
    description: str
    files: list[str]
    sha256: str
    imported_at: str
    n_nodes: int
    n_edges: int


def _row(r) -> Network:
    return Network(r.name, int(r.version), r.title, bool(r.synthetic), r.description or "", json.loads(r.files),
                   r.sha256, r.imported_at, int(r.nodes), int(r.edges))


def networks(monitor) -> list[Network]:
    with monitor.store.engine.connect() as conn:
        return [_row(r) for r in conn.execute(select(t.network_graphs).order_by(t.network_graphs.c.name))]


def network(monitor, name: str) -> Network:
    with monitor.store.engine.connect() as conn:
        r = conn.execute(select(t.network_graphs).where(t.network_graphs.c.name == name)).first()
    if r is None:
        known = [n.name for n in networks(monitor)]
        raise UnknownNetworkError(f"Netwerk '{name}' is niet ingelezen." + (
            f" Ingelezen: {', '.join(known)}." if known else " Lees er een in met een bestand met verbindingen."))
    return _row(r)


def contents(monitor, name: str) -> tuple[list[dict], list[dict]]:
    """The nodes and edges of a stored network."""
    with monitor.store.engine.connect() as conn:
        nodes = [dict(r._mapping) for r in conn.execute(
            select(t.network_nodes.c.id, t.network_nodes.c.label, t.network_nodes.c.kind, t.network_nodes.c.area)
            .where(t.network_nodes.c.network == name).order_by(t.network_nodes.c.id))]
        edges = [dict(r._mapping) for r in conn.execute(
            select(t.network_edges.c.source, t.network_edges.c.target, t.network_edges.c.weight,
                   t.network_edges.c.type).where(t.network_edges.c.network == name)
            .order_by(t.network_edges.c.seq))]
    return nodes, edges


def analysed(monitor, name: str):
    """The stored network and its analysis."""
    from . import analysis

    net = network(monitor, name)
    nodes, edges = contents(monitor, name)
    return net, analysis.analyse(analysis.graph(nodes, edges))
