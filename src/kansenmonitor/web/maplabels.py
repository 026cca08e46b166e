"""Name labels on the SVG map: placed on the server where they fit, never over each other.

A label goes at the pole of inaccessibility of an area's largest part (the point farthest from its edges), on one
line or, when that is too wide, on two. It is kept only when at least ``min_inside`` of its box lies inside the
area (so it cannot be read as the name of a neighbour), it stays on the map, and it is clear of every label placed
before it; larger areas are placed first. Text widths are estimated from DejaVu Sans, the widest of the
common sans-serif fonts, so the boxes hold on the fonts a browser actually uses.

The map is an SVG scaled to its box, so a label's size on screen is its size in map units times the scale. The
template shows the fine labels (buurten) on a wide map and the coarse ones (wijken, larger) on a narrow one.
"""

from __future__ import annotations

from collections.abc import Iterable

from .graphics import Projection

_NARROW = set("iljtf.,'- ()r!:;|")
_WIDE = set("mw")
_WIDER = set("MW")
LINE_HEIGHT = 1.15
ASCENT = 0.78  # of the font size, from the baseline up
PADDING = 0.25  # clearance between labels, in font sizes


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` at ``size`` map units (DejaVu Sans widths, rounded up)."""
    em = 0.0
    for c in text:
        if c in _NARROW:
            em += 0.40
        elif c in _WIDER:
            em += 1.0
        elif c in _WIDE:
            em += 0.98
        elif c.isupper():
            em += 0.80
        else:
            em += 0.65
    return em * size * (1.14 if bold else 1.0)


def _splits(text: str) -> list[list[str]]:
    """The text on one line, then on two lines split at a space or hyphen (most balanced first)."""
    options = [[text]]
    cuts = []
    for i, c in enumerate(text):
        if c == " ":
            cuts.append((text[:i], text[i + 1 :]))
        elif c == "-" and 0 < i < len(text) - 1 and text[i + 1] != " ":
            cuts.append((text[: i + 1], text[i + 1 :]))
    cuts = [(a.strip(), b.strip()) for a, b in cuts if a.strip() and b.strip() and not b.strip().startswith("-")]
    cuts.sort(key=lambda ab: abs(len(ab[0]) - len(ab[1])))
    options.extend([[a, b] for a, b in cuts[:2]])
    return options


def _shape(geo: dict, proj: Projection):
    from shapely.geometry import MultiPolygon, Polygon

    coords = geo["coordinates"]
    polys = coords if geo["type"] == "MultiPolygon" else [coords]
    parts = []
    for poly in polys:
        rings = [[proj(x, y) for x, y in ring] for ring in poly]
        if len(rings[0]) >= 3:
            parts.append(Polygon(rings[0], rings[1:]).buffer(0))
    return MultiPolygon([p for part in parts for p in getattr(part, "geoms", [part])]) if parts else None


def place_labels(areas: Iterable[tuple[str, str, dict]], proj: Projection, size: float,
                 bold: bool = False, min_inside: float = 0.5) -> list[dict]:
    """Labels for ``(code, name, GeoJSON geometry)`` areas at ``size`` map units: ``{code, x, y, lines, size,
    box}`` with ``y`` the baseline of the first line and ``box`` (x0, y0, x1, y1) the space the text takes."""
    from shapely.geometry import box as make_box
    from shapely.ops import polylabel

    shapes = []
    for code, name, geo in areas:
        shape = _shape(geo, proj)
        if shape is not None and not shape.is_empty:
            shapes.append((shape.area, code, name, shape))
    shapes.sort(key=lambda t: -t[0])
    placed: list[dict] = []
    boxes = []
    pad = PADDING * size
    for _area, code, name, shape in shapes:
        part = max(shape.geoms, key=lambda p: p.area)
        try:
            centre = polylabel(part, tolerance=max(size / 4, 0.5))
        except Exception:  # degenerate rings
            centre = part.representative_point()
        for lines in _splits(name):
            w = max(text_width(line, size, bold) for line in lines)
            h = size * (1 + LINE_HEIGHT * (len(lines) - 1)) + size * 0.25
            x0, y0 = centre.x - w / 2, centre.y - h / 2
            candidate = make_box(x0, y0, x0 + w, y0 + h)
            if candidate.intersection(part).area < min_inside * candidate.area:
                continue
            if x0 < 0 or y0 < 0 or x0 + w > proj.width or y0 + h > proj.height:
                continue
            grown = candidate.buffer(pad, join_style=2)
            if any(grown.intersects(b) for b in boxes):
                continue
            boxes.append(candidate)
            placed.append({"code": code, "x": round(centre.x, 1), "y": round(y0 + size * ASCENT + size * 0.1, 1),
                           "lines": lines, "size": size, "dy": round(size * LINE_HEIGHT, 1),
                           "box": tuple(round(v, 1) for v in (x0, y0, x0 + w, y0 + h))})
            break
    return placed
