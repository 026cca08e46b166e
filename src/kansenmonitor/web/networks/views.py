"""View models of the network pages: the analysis, a server-side SVG drawing and its table twin."""

from __future__ import annotations

from dataclasses import asdict

from markupsafe import Markup, escape

from ... import format as fmt
from ...networks import repository as repo
from ...networks.kinds import kind_label

#: colours of the communities (colour-blind safe, Okabe–Ito), repeated when there are more groups
COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999")
SHAPES = ("circle", "square", "diamond", "triangle")
WIDTH, HEIGHT, PAD = 800, 600, 30
LABELLED = 5


def summary(n: repo.Network, lang: str) -> dict:
    return {"name": n.name, "title": n.title, "version": n.version, "synthetic": n.synthetic,
            "description": n.description, "imported_at": n.imported_at, "nodes": n.n_nodes, "edges": n.n_edges,
            "files": n.files}


def _shape(shape: str, x: float, y: float, r: float, style: str, title: str) -> Markup:
    """One node as an SVG element with its ``<title>`` (the title is escaped)."""
    if shape == "square":
        tag, geo = "rect", f'x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}"'
    elif shape == "diamond":
        tag, geo = "polygon", (f'points="{x:.1f},{y - r * 1.3:.1f} {x + r * 1.3:.1f},{y:.1f} {x:.1f},'
                               f'{y + r * 1.3:.1f} {x - r * 1.3:.1f},{y:.1f}"')
    elif shape == "triangle":
        tag, geo = "polygon", (f'points="{x:.1f},{y - r * 1.3:.1f} {x + r * 1.2:.1f},{y + r:.1f} '
                               f'{x - r * 1.2:.1f},{y + r:.1f}"')
    else:
        tag, geo = "circle", f'cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"'
    return Markup(f"<{tag} {geo} {style}><title>{escape(title)}</title></{tag}>")


def network_view(site, name: str, lang: str) -> dict:
    key = ("network", name, lang)

    def build():
        return repo.analysed(site.monitor, name)

    net, a = site._cache.get(key, build)
    xs = [n.x for n in a.nodes] or [0.0]
    ys = [n.y for n in a.nodes] or [0.0]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    sx = (WIDTH - 2 * PAD) / (x1 - x0 or 1.0)
    sy = (HEIGHT - 2 * PAD) / (y1 - y0 or 1.0)
    pos = {n.id: (PAD + (n.x - x0) * sx, PAD + (n.y - y0) * sy) for n in a.nodes}
    label_of = {n.id: n.label for n in a.nodes}
    max_deg = max([n.degree for n in a.nodes] or [1]) or 1
    edges = []
    for u, v, w in a.edges:
        (xa, ya), (xb, yb) = pos[u], pos[v]
        edges.append({"x1": round(xa, 1), "y1": round(ya, 1), "x2": round(xb, 1), "y2": round(yb, 1),
                      "width": round(0.8 + 0.8 * min(w, 5), 1), "title": f"{label_of[u]} – {label_of[v]}"})
    nodes = []
    for i, n in enumerate(a.nodes, start=1):
        x, y = pos[n.id]
        r = 6 + 10 * n.degree / max_deg
        colour = COLOURS[(n.community - 1) % len(COLOURS)]
        shape = SHAPES[(n.community - 1) // len(COLOURS) % len(SHAPES)]
        style = (f'fill="{colour}" stroke="{"#000000" if n.broker else "#333333"}" '
                 f'stroke-width="{3 if n.broker else 1}"')
        word = ("links", "group", "broker") if lang == "en" else ("verbindingen", "groep", "verbinder")
        title = (f"{n.label} ({kind_label(n.kind, lang)}): {n.degree} {word[0]}, {word[1]} {n.community}"
                 + (f", {word[2]}" if n.broker else ""))
        nodes.append({"id": n.id, "anchor": f"knoop-{i}", "label": n.label, "kind": kind_label(n.kind, lang),
                      "area": n.area, "degree": n.degree,
                      "degree_centrality": fmt.number(n.degree_centrality, 3, lang),
                      "betweenness": fmt.number(n.betweenness, 3, lang), "betweenness_value": n.betweenness,
                      "degree_centrality_value": n.degree_centrality, "community": n.community,
                      "component": n.component, "broker": n.broker, "bridges": n.bridges, "colour": colour,
                      "svg": _shape(shape, x, y, r, style, title), "title": title, "x": round(x, 1), "y": round(y, 1), "r": round(r, 1),
                      "label_x": round(x + r + 3 if x < WIDTH / 2 else x - r - 3, 1), "label_y": round(y + 4, 1),
                      "anchor_side": "start" if x < WIDTH / 2 else "end"})
    brokers = [n for n in nodes if n["broker"]]
    for n in brokers[:LABELLED]:  # nodes are sorted by betweenness: name the strongest brokers in the drawing
        n["labelled"] = True
    communities = []
    for c in range(1, a.communities + 1):
        members = [n["label"] for n in nodes if n["community"] == c]
        communities.append({"number": c, "colour": COLOURS[(c - 1) % len(COLOURS)], "size": len(members),
                            "members": sorted(members)})
    return {"network": summary(net, lang), "width": WIDTH, "height": HEIGHT, "nodes": nodes, "edges": edges,
            "components": a.components, "communities": communities, "n_communities": a.communities,
            "modularity": fmt.number(a.modularity, 2, lang), "density": fmt.number(a.density, 3, lang),
            "brokers": brokers, "_analysis": asdict(a)}
