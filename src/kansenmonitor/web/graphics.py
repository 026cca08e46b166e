"""Server-side graphics: the SVG map (projection, class breaks, colours) and small SVG charts.

Presentation only: class breaks are for colouring a map, not statistics that are published.
Every graphic is paired with a data table and a text alternative in the templates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: ColorBrewer sequential palettes (colour-blind safe), light → dark.
PALETTE_WORSE = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"]  # OrRd: darker is worse
PALETTE_NEUTRAL = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"]  # PuBu: darker is higher
N_CLASSES = 5
MAP_WIDTH = 800.0


# -- map -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Projection:
    """Equirectangular around the mean latitude, scaled into an SVG viewBox ``0 0 width height``."""

    lon0: float
    lat1: float
    kx: float
    scale: float
    width: float
    height: float

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.kx * self.scale, (self.lat1 - lat) * self.scale


def _points(geo: dict):
    coords = geo["coordinates"]
    polys = coords if geo["type"] == "MultiPolygon" else [coords]
    for poly in polys:
        for ring in poly:
            yield from ring


def projection_for(geometries: Sequence[dict], width: float = MAP_WIDTH) -> Projection:
    pts = np.array([p for g in geometries for p in _points(g)], dtype=float)
    lon0, lat0 = pts[:, 0].min(), pts[:, 1].min()
    lon1, lat1 = pts[:, 0].max(), pts[:, 1].max()
    kx = math.cos(math.radians((lat0 + lat1) / 2))
    span_x = max((lon1 - lon0) * kx, 1e-9)
    scale = width / span_x
    return Projection(lon0, lat1, kx, scale, width, round((lat1 - lat0) * scale, 1))


def svg_path(geo: dict, proj: Projection, precision: int = 1) -> str:
    coords = geo["coordinates"]
    polys = coords if geo["type"] == "MultiPolygon" else [coords]
    parts = []
    for poly in polys:
        for ring in poly:
            pts = [proj(x, y) for x, y in ring]
            out = []
            last = None
            for x, y in pts:
                xy = (round(x, precision), round(y, precision))
                if xy != last:
                    out.append(f"{xy[0]:g},{xy[1]:g}")
                    last = xy
            if len(out) >= 3:
                parts.append("M" + "L".join(out) + "Z")
    return "".join(parts)


def quantile_breaks(values: Sequence[float], k: int = N_CLASSES) -> list[float]:
    """Upper bounds of up to ``k`` classes with about as many areas each (the last is the maximum)."""
    vals = np.sort(np.asarray([v for v in values if v is not None], dtype=float))
    if vals.size == 0:
        return []
    qs = np.quantile(vals, [i / k for i in range(1, k + 1)], method="linear")
    breaks: list[float] = []
    for q in qs:
        q = float(q)
        if not breaks or q > breaks[-1]:
            breaks.append(q)
    return breaks


def class_of(value: float, breaks: Sequence[float]) -> int:
    for i, b in enumerate(breaks):
        if value <= b:
            return i
    return len(breaks) - 1


def palette(polarity: str, n: int) -> list[str]:
    """``n`` colours, light → dark for the classes low → high; for 'higher is better' the order is
    reversed so that the worse end is always darker."""
    base = PALETTE_NEUTRAL if polarity == "neutral" else PALETTE_WORSE
    idx = [round(i * (len(base) - 1) / max(n - 1, 1)) for i in range(n)] if n > 1 else [len(base) // 2]
    colours = [base[i] for i in idx]
    return list(reversed(colours)) if polarity == "higher_is_better" else colours


def text_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill``."""
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


# -- charts ----------------------------------------------------------------------------------------------
def _nice_range(lo: float, hi: float) -> tuple[float, float]:
    if lo == hi:
        pad = abs(lo) * 0.1 or 1.0
        return lo - pad, hi + pad
    pad = (hi - lo) * 0.1
    return lo - pad, hi + pad


def line_chart(series: dict[str, list[tuple[int, float]]], fmt, width: int = 560, height: int = 220) -> dict:
    """Coordinates for an SVG line chart: ``{lines: [{name, d, points: [{x, y, label}]}], xticks, yticks}``."""
    left, right, top, bottom = 70, 150, 16, 34
    all_pts = [(p, v) for pts in series.values() for p, v in pts]
    if not all_pts:
        return {}
    periods = sorted({p for p, _ in all_pts})
    lo, hi = _nice_range(min(v for _, v in all_pts), max(v for _, v in all_pts))
    p0, p1 = periods[0], periods[-1]

    def x(p):
        return left + (0.5 if p0 == p1 else (p - p0) / (p1 - p0)) * (width - left - right)

    def y(v):
        return top + (hi - v) / (hi - lo) * (height - top - bottom)

    lines = []
    for i, (name, pts) in enumerate(series.items()):
        pts = sorted(pts)
        lines.append({
            "name": name,
            "style": i,
            "d": "M" + "L".join(f"{x(p):.1f},{y(v):.1f}" for p, v in pts),
            "points": [{"x": round(x(p), 1), "y": round(y(v), 1), "label": f"{name}, {p}: {fmt(v)}"} for p, v in pts],
            "end": {"x": round(x(pts[-1][0]), 1) + 6, "y": round(y(pts[-1][1]), 1) + 4},
        })
    yticks = [{"y": round(y(v), 1), "label": fmt(v)} for v in np.linspace(lo, hi, 4)]
    xticks = [{"x": round(x(p), 1), "label": str(p)} for p in periods]
    return {"width": width, "height": height, "lines": lines, "xticks": xticks, "yticks": yticks,
            "left": left, "bottom": height - bottom, "right": width - right}


def histogram(values: Sequence[float], fmt, bins: int = 10, width: int = 560, height: int = 200,
              highlight: float | None = None) -> dict:
    """Bars for an SVG histogram, with the labels of their ranges."""
    vals = np.asarray(values, dtype=float)
    if vals.size == 0:
        return {}
    lo, hi = float(vals.min()), float(vals.max())
    if lo == hi:
        lo, hi = _nice_range(lo, hi)
    counts, edges = np.histogram(vals, bins=bins, range=(lo, hi))
    left, bottom_pad, top = 40, 34, 10
    inner_w, inner_h = width - left - 10, height - top - bottom_pad
    peak = max(int(counts.max()), 1)
    bars = []
    bw = inner_w / bins
    for i, c in enumerate(counts):
        h = inner_h * int(c) / peak
        bars.append({"x": round(left + i * bw, 1), "y": round(top + inner_h - h, 1), "w": round(bw - 2, 1),
                     "h": round(h, 1), "count": int(c),
                     "label": f"{fmt(edges[i])} – {fmt(edges[i + 1])}"})
    mark = None
    if highlight is not None and lo <= highlight <= hi:
        mark = round(left + (highlight - lo) / (hi - lo) * inner_w, 1)
    return {"width": width, "height": height, "bars": bars, "base": top + inner_h, "left": left,
            "lo": fmt(lo), "hi": fmt(hi), "peak": peak, "mark": mark, "top": top}


def sparkline(points: Sequence[tuple[int, float]], fmt, width: int = 180, height: int = 64) -> dict:
    """A small trend chart on a real time axis: x is the year (spaced by time, not by position), the first
    and the last year are written under the axis and their values beside the points.

    Returns ``{width, height, d, points: [{x, y, year, label}], first, last, axis}`` or ``{}`` for fewer than
    two points. The template pairs it with a text alternative (every year and value)."""
    pts = sorted((int(p), float(v)) for p, v in points)
    if len(pts) < 2:
        return {}
    left, right, top, bottom = 6, 6, 16, 18  # room for the value labels above and the years below
    years = [p for p, _ in pts]
    vals = [v for _, v in pts]
    p0, p1 = years[0], years[-1]
    lo, hi = min(vals), max(vals)
    if lo == hi:
        lo, hi = lo - 1, hi + 1

    def x(p):
        return left + (p - p0) / max(p1 - p0, 1) * (width - left - right)

    def y(v):
        return top + (hi - v) / (hi - lo) * (height - top - bottom)

    out = [{"x": round(x(p), 1), "y": round(y(v), 1), "year": p, "label": f"{p}: {fmt(v)}"} for p, v in pts]
    first, last = out[0], out[-1]
    return {
        "width": width, "height": height,
        "d": "M" + "L".join(f"{q['x']:g},{q['y']:g}" for q in out),
        "points": out,
        "axis": {"y": height - bottom + 2, "x0": left, "x1": width - right},
        "first": {"x": first["x"], "year": p0, "value": fmt(pts[0][1]), "vy": max(first["y"] - 5, 10)},
        "last": {"x": last["x"], "year": p1, "value": fmt(pts[-1][1]), "vy": max(last["y"] - 5, 10)},
    }
