"""The map of a report: the area among its neighbours, filled in, with the names written on the map.

A vector SVG (a standalone document, so the same file goes into the HTML page and the PDF as an image with
alternative text). Presentation only: the shapes come from the store through
:meth:`~kansenmonitor.web.service.Site.geometries`.
"""

from __future__ import annotations

import base64
import re
from html import escape

import numpy as np
import shapely
from shapely.geometry import shape

from ..core.model import Level, Region
from ..web import graphics
from ..web.service import Site

AREA_FILL = "#01689b"  # the area itself (Rijksblauw-like; white text on it passes 4.5:1)
OTHER_FILL = "#e8eef3"
EDGE = "#ffffff"
MAP_WIDTH = 340.0
_PREFIX = re.compile(r"^(Wijk|Buurt)\s+\d+\s+", re.IGNORECASE)


def short_name(name: str) -> str:
    """"Wijk 01 Hogeland - Velve" → "Hogeland - Velve" (the number is not what people call it)."""
    return _PREFIX.sub("", name).strip() or name


def _context(site: Site, region: Region, gemeente: Region | None) -> tuple[str, str | None, int] | None:
    """Which shapes form the background: the buurten of the wijk (for a buurt), else the wijken of the
    gemeente. ``(level, parent code or None, boundary year)``."""
    if gemeente is None:
        return None
    if region.level == Level.BUURT and region.parent:
        return "buurt", region.parent, region.boundary_year
    by = region.boundary_year if region.level == Level.WIJK else site.map_boundary_year("wijk", gemeente.code)
    return ("wijk", None, by) if by is not None else None


def area_map(site: Site, region: Region, gemeente: Region | None, lang: str = "nl") -> dict | None:
    """``{svg, data_uri, alt, names}`` or ``None`` when the store has no shapes for the area."""
    ctx = _context(site, region, gemeente)
    if ctx is None or gemeente is None:
        return None
    level, parent, by = ctx
    shapes = site.geometries(level, gemeente.code, by)
    if parent is not None:
        members = {r.code for r in site.regions_of(level, gemeente.code, by) if r.parent == parent}
        shapes = {c: g for c, g in shapes.items() if c in members}
    own_level = "gebied" if region.level == Level.GEBIED else str(region.level)
    own = shapes.get(region.code) or site.geometries(own_level, gemeente.code, region.boundary_year).get(region.code)
    if not shapes or own is None:
        return None
    names = {r.code: r.name for r in site.regions_of(level, gemeente.code, by)}
    proj = graphics.projection_for([*shapes.values(), own], width=MAP_WIDTH)
    parts = []
    labels = []
    for code in sorted(shapes):
        if code == region.code:
            continue
        parts.append(f'<path d="{graphics.svg_path(shapes[code], proj)}" fill="{OTHER_FILL}" stroke="{EDGE}" '
                     f'stroke-width="1.5"/>')
        labels.append((code, shapes[code], False))
    parts.append(f'<path d="{graphics.svg_path(own, proj)}" fill="{AREA_FILL}" stroke="#154273" stroke-width="2"/>')
    labels.append((region.code, own, True))
    texts = []
    boxes: list[tuple[float, float, float, float]] = []
    # the area's own name first, then the neighbours' names where they do not overlap one already written
    for code, geo, is_own in sorted(labels, key=lambda t: not t[2]):
        poly = shapely.transform(shape(geo), lambda xy: np.column_stack(proj(xy[:, 0], xy[:, 1])))
        if poly.is_empty:
            continue
        pt = poly.representative_point()
        name = short_name(names.get(code) or (region.name if is_own else code))
        size = 14 if is_own else 10.5
        half = 0.31 * size * len(name)
        x = min(max(pt.x, half), proj.width - half)
        box = (x - half, pt.y - size, x + half, pt.y + 3)
        if any(not (box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3]) for b in boxes):
            continue
        boxes.append(box)
        weight = "bold" if is_own else "normal"
        # a light box behind the name keeps it readable on any fill (WeasyPrint draws no text halo)
        texts.append(f'<rect x="{box[0] - 2:.1f}" y="{box[1] - 1:.1f}" width="{box[2] - box[0] + 4:.1f}" '
                     f'height="{box[3] - box[1] + 2:.1f}" rx="2" fill="#ffffff" fill-opacity="0.85"/>')
        texts.append(f'<text x="{x:.1f}" y="{pt.y:.1f}" font-size="{size}" font-weight="{weight}" '
                     f'text-anchor="middle" fill="#1a1a1a">{escape(name)}</text>')
    w, h = proj.width, proj.height
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-4 -4 {w + 8:.1f} {h + 8:.1f}" '
           f'width="{w + 8:.1f}" height="{h + 8:.1f}" font-family="DejaVu Sans, Arial, sans-serif">'
           + "".join(parts) + "".join(texts) + "</svg>")
    around = (names.get(parent) if parent else None) or (gemeente.name if gemeente else "")
    if parent:
        try:
            around = site.region(parent, by).name
        except LookupError:
            around = parent
    others = sorted(short_name(names[c]) for c in shapes if c != region.code and c in names)
    if lang == "nl":
        what = "de buurten van" if level == "buurt" else "de wijken van"
        alt = (f"Kaart van {what} {around}. {region.name} is donkerblauw gekleurd. "
               f"Op de kaart staan ook: {', '.join(others)}." if others else
               f"Kaart van {region.name}.")
    else:
        what = "the buurten of" if level == "buurt" else "the wijken of"
        alt = (f"Map of {what} {around}. {region.name} is coloured dark blue. "
               f"The map also shows: {', '.join(others)}." if others else f"Map of {region.name}.")
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return {"svg": svg, "data_uri": uri, "alt": alt, "names": others, "around": around,
            "width": round(w + 8, 1), "height": round(h + 8, 1)}


def sparkline_svg(points: list[tuple[int, float]], fmt) -> dict | None:
    """A small trend line as a standalone SVG image (``{data_uri, width, height}``), years under the axis."""
    spark = graphics.sparkline(points, fmt, width=150, height=48)
    if not spark:
        return None
    dots = "".join(f'<circle cx="{p["x"]}" cy="{p["y"]}" r="2.5" fill="#154273"/>' for p in spark["points"])
    first, last = spark["first"], spark["last"]
    ax = spark["axis"]
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {spark["width"]} {spark["height"]}" '
           f'width="{spark["width"]}" height="{spark["height"]}" font-family="DejaVu Sans, Arial, sans-serif" '
           f'font-size="9">'
           f'<line x1="{ax["x0"]}" x2="{ax["x1"]}" y1="{ax["y"]}" y2="{ax["y"]}" stroke="#8c8c8c"/>'
           f'<path d="{spark["d"]}" fill="none" stroke="#154273" stroke-width="1.8"/>{dots}'
           f'<text x="{first["x"]}" y="{spark["height"] - 2}" fill="#333">{first["year"]}</text>'
           f'<text x="{last["x"]}" y="{spark["height"] - 2}" text-anchor="end" fill="#333">{last["year"]}</text>'
           f'<text x="{first["x"]}" y="{first["vy"]}" fill="#1a1a1a">{escape(first["value"])}</text>'
           f'<text x="{last["x"]}" y="{last["vy"]}" text-anchor="end" fill="#1a1a1a">{escape(last["value"])}</text>'
           "</svg>")
    return {"data_uri": "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii"),
            "width": spark["width"], "height": spark["height"]}
