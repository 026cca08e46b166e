"""Network analysis of a stored network with networkx: components, centrality, communities, brokers, layout.

- The graph is undirected; edges of different types between the same two nodes are one edge whose weight is
  the sum of their weights.
- Degree centrality: the number of neighbours divided by n − 1 (networkx ``degree_centrality``); the table
  shows the number of neighbours too.
- Betweenness centrality: the share of shortest paths between other pairs that pass through the node,
  normalised (networkx ``betweenness_centrality``), counting every edge as one step (weights are strengths of
  cooperation, not distances).
- Communities: Louvain modularity optimisation on the weights with a fixed seed (networkx
  ``louvain_communities``), numbered 1, 2, … from largest to smallest.
- Brokers: the nodes with the highest betweenness (above 0, at most :data:`N_BROKERS`), and every node with
  neighbours in at least :data:`BRIDGE_MIN` communities other than its own (it bridges communities).
- Layout: networkx ``spring_layout`` with a fixed seed, so the drawing is the same on every visit. The largest
  part is laid out in the top 85 % of the square [-1, 1]²; the other parts (often single nodes) are laid out on
  their own and placed side by side in the bottom strip, so they do not squeeze the main part.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

SEED = 1
N_BROKERS = 5
BRIDGE_MIN = 3


@dataclass
class NodeResult:
    id: str
    label: str
    kind: str | None
    area: str | None
    degree: int
    degree_centrality: float
    betweenness: float
    community: int
    component: int
    broker: bool
    bridges: int  # number of other communities among its neighbours
    x: float = 0.0
    y: float = 0.0


@dataclass
class Analysis:
    nodes: list[NodeResult]
    edges: list[tuple[str, str, float]]
    components: int
    communities: int
    modularity: float
    density: float


def graph(nodes: list[dict], edges: list[dict]) -> nx.Graph:
    g = nx.Graph()
    for n in nodes:
        g.add_node(n["id"], label=n.get("label") or n["id"], kind=n.get("kind"), area=n.get("area"))
    for e in edges:
        u, v, w = e["source"], e["target"], float(e.get("weight") or 1.0)
        for x in (u, v):
            if x not in g:
                g.add_node(x, label=x, kind=None, area=None)
        if g.has_edge(u, v):
            g[u][v]["weight"] += w
        else:
            g.add_edge(u, v, weight=w)
    return g


def analyse(g: nx.Graph, seed: int = SEED) -> Analysis:
    comps = sorted(nx.connected_components(g), key=lambda c: (-len(c), min(c)))
    comp_of = {v: i + 1 for i, c in enumerate(comps) for v in c}
    deg = nx.degree_centrality(g) if g.number_of_nodes() > 1 else {v: 0.0 for v in g}
    btw = nx.betweenness_centrality(g, normalized=True)
    comms = nx.community.louvain_communities(g, weight="weight", seed=seed) if g.number_of_edges() else [
        {v} for v in g]
    comms = sorted(comms, key=lambda c: (-len(c), min(c)))
    comm_of = {v: i + 1 for i, c in enumerate(comms) for v in c}
    modularity = nx.community.modularity(g, comms, weight="weight") if g.number_of_edges() else 0.0
    bridges = {v: len({comm_of[u] for u in g[v]} - {comm_of[v]}) for v in g}
    top = [v for v in sorted(g, key=lambda v: (-btw[v], v)) if btw[v] > 0][:N_BROKERS]
    pos = layout(g, comps, seed)
    nodes = []
    for v, data in g.nodes(data=True):
        x, y = (float(pos[v][0]), float(pos[v][1])) if v in pos else (0.0, 0.0)
        nodes.append(NodeResult(v, data["label"], data.get("kind"), data.get("area"), g.degree(v), float(deg[v]),
                                float(btw[v]), comm_of[v], comp_of[v], v in top or bridges[v] >= BRIDGE_MIN, bridges[v],
                                x, y))
    nodes.sort(key=lambda n: (-n.betweenness, -n.degree, n.label))
    edges = [(u, v, float(d["weight"])) for u, v, d in g.edges(data=True)]
    return Analysis(nodes, edges, len(comps), len(comms), float(modularity), float(nx.density(g)))


def layout(g: nx.Graph, comps: list[set], seed: int = SEED) -> dict:
    """Positions in [-1, 1]²: the largest part on top, the other parts side by side at the bottom."""
    if not comps:
        return {}
    pos: dict = {}
    rest = comps[1:]
    top = 0.7 if rest else 1.0
    main = nx.spring_layout(g.subgraph(comps[0]), seed=seed, weight="weight", center=(0.0, 0.0), scale=1.0)
    for v, (x, y) in main.items():
        pos[v] = (float(x), float(y) * (top + 1) / 2 - (1 - top) / 2)
    n = len(rest)
    for i, c in enumerate(rest):
        cx = -1 + (2 * i + 1) / n if n else 0.0
        width = min(0.9 / max(n, 1), 0.3)
        sub = nx.spring_layout(g.subgraph(c), seed=seed, weight="weight", center=(0.0, 0.0), scale=1.0) \
            if len(c) > 1 else {next(iter(c)): (0.0, 0.0)}
        for v, (x, y) in sub.items():
            pos[v] = (cx + float(x) * width, 0.92 + float(y) * 0.07)
    return pos
