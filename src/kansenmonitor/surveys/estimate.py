"""Weighted shares per area from survey microdata, with a confidence interval, after disclosure control.

Estimator: the weighted share p = Σ w·y / Σ w over the respondents of the area who answered the question
(design weights). Its variance is the with-replacement linearisation of a ratio,
var(p) = n/(n−1) · Σ w²(y−p)² / (Σ w)², and the 95 % interval is Wilson's with the effective sample size
n_eff = p(1−p)/var(p) (Kish), so it stays within 0–100 % and widens with unequal weights.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from . import disclosure as dc
from .codebook import Item
from .repository import Wave, microdata

Z95 = 1.959963984540054


@dataclass(frozen=True)
class AreaInfo:
    code: str
    name: str
    level: str
    gemeente: str | None
    members: frozenset[str]  # base areas (the codebook's area level) it consists of


@dataclass
class ShareRow:
    area: str
    name: str
    level: str
    gemeente: str | None
    item: str
    label: str
    share: float | None  # %, None when withheld
    lower: float | None
    upper: float | None
    respondents: int | None  # who answered; None when withheld
    status: str  # published | suppressed
    reason: str | None

    def to_dict(self) -> dict:
        return asdict(self)


def survey_areas(monitor, w: Wave) -> dict[str, AreaInfo]:
    """Every area estimates can be made for: the base areas, their wijken and gemeenten, and custom areas of the
    same indeling whose members are base areas or wijken."""
    base_regions = monitor.regions(level=w.area_level, boundary_year=w.boundary_year)
    out: dict[str, AreaInfo] = {}
    by_parent: dict[str, set[str]] = {}
    by_gemeente: dict[str, set[str]] = {}
    for r in base_regions:
        out[r.code] = AreaInfo(r.code, r.name, w.area_level, r.gemeente, frozenset([r.code]))
        if w.area_level == "buurt" and r.parent:
            by_parent.setdefault(r.parent, set()).add(r.code)
        if r.gemeente and w.area_level != "gemeente":
            by_gemeente.setdefault(r.gemeente, set()).add(r.code)
    names = {}
    for lvl in ("wijk", "gemeente", "gebied", "stadsdeel"):
        for r in monitor.regions(level=lvl, boundary_year=w.boundary_year):
            names[r.code] = r
    for code, members in by_parent.items():
        r = names.get(code)
        out[code] = AreaInfo(code, r.name if r else code, "wijk", r.gemeente if r else None, frozenset(members))
    for code, members in by_gemeente.items():
        r = names.get(code)
        out[code] = AreaInfo(code, r.name if r else code, "gemeente", code, frozenset(members))
    for r in names.values():
        if r.level not in ("gebied", "stadsdeel") or not r.members:
            continue
        members: set[str] = set()
        ok = True
        for m in r.members:
            if m in out and out[m].level in (w.area_level, "wijk"):
                members |= out[m].members
            else:
                ok = False
        if ok and members:
            out[r.code] = AreaInfo(r.code, r.name, str(r.level), r.gemeente, frozenset(members))
    return out


def _sums(data: pd.DataFrame, item: Item) -> pd.DataFrame:
    """Per base area: respondents who answered (n), in the share (x), weights (w, wy) and squared weights."""
    valid = data[data[item.id].notna()]
    y = valid[item.id].isin(item.share.codes).to_numpy(dtype=float)
    wt = valid["weight"].to_numpy()
    g = pd.DataFrame({"area": valid["area"].to_numpy(), "n": 1, "x": y, "w": wt, "wy": wt * y, "w2": wt * wt,
                      "w2y": wt * wt * y})
    return g.groupby("area").sum()


def base_cells(data: pd.DataFrame, item: Item) -> dict[str, dc.Cell]:
    """The disclosure cells per base area for one share item."""
    s = _sums(data, item)
    return {a: dc.Cell(int(n), int(x), float(w), float(wy))
            for a, n, x, w, wy in zip(s.index, s["n"], s["x"], s["w"], s["wy"], strict=True)}


def wilson(p: float, n_eff: float, z: float = Z95) -> tuple[float, float]:
    if n_eff <= 0:
        return (0.0, 1.0)
    denom = 1 + z * z / n_eff
    centre = (p + z * z / (2 * n_eff)) / denom
    half = z * math.sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff * n_eff)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def interval(cell: dc.Cell, w2: float, w2y: float) -> tuple[float, float, float]:
    """Share, lower and upper bound (fractions) of one area from its sums."""
    p = cell.wy / cell.w
    n = cell.n
    ss = w2y * (1 - 2 * p) + p * p * w2  # Σ w²(y−p)² for y ∈ {0, 1}
    var = n / (n - 1) * ss / cell.w ** 2 if n > 1 else float("inf")
    n_eff = p * (1 - p) / var if var > 0 and math.isfinite(var) else float(n)
    lo, hi = wilson(p, n_eff)
    return p, lo, hi


def shares(monitor, w: Wave, item_ids: list[str] | None = None, levels: tuple[str, ...] | None = None,
           rules: dc.Rules = dc.DEFAULT_RULES, lang: str = "nl", data: pd.DataFrame | None = None,
           areas: dict[str, AreaInfo] | None = None) -> list[ShareRow]:
    """The published shares of a wave per area. Withheld cells carry no number at all, only the reason."""
    cb = w.codebook
    items = [it for it in cb.shares() if item_ids is None or it.id in item_ids]
    if data is None:
        data = microdata(monitor, w)
    if areas is None:
        areas = survey_areas(monitor, w)
    sets = {a: info.members for a, info in areas.items()}
    rows: list[ShareRow] = []
    for it in items:
        sums = _sums(data, it)
        base = {a: dc.Cell(int(n), int(x), float(w), float(wy))
                for a, n, x, w, wy in zip(sums.index, sums["n"], sums["x"], sums["w"], sums["wy"], strict=True)}
        sq = {a: (float(v2), float(v2y)) for a, v2, v2y in zip(sums.index, sums["w2"], sums["w2y"], strict=True)}
        reasons = dc.protect(base, sets, rules, dc.check_for(it.sensitive))
        for code, info in areas.items():
            if levels is not None and info.level not in levels:
                continue
            reason = reasons[code]
            label = it.share_label(lang)
            if reason is None:
                cell = dc._sum(base, info.members)
                w2 = sum(sq[m][0] for m in info.members if m in sq)
                w2y = sum(sq[m][1] for m in info.members if m in sq)
                p, lo, hi = interval(cell, w2, w2y)
                rows.append(ShareRow(code, info.name, info.level, info.gemeente, it.id, label, round(100 * p, 1),
                                     round(100 * lo, 1), round(100 * hi, 1), cell.n, "published", None))
            else:
                rows.append(ShareRow(code, info.name, info.level, info.gemeente, it.id, label, None, None, None,
                                     None, "suppressed", dc.REASONS_EN[reason] if lang == "en" else reason))
    return rows


def frame_of(rows: list[ShareRow]) -> pd.DataFrame:
    return pd.DataFrame([r.to_dict() for r in rows])


def effective_n(weights: np.ndarray) -> float:
    """Kish's effective sample size of a set of weights."""
    return float(weights.sum() ** 2 / (weights ** 2).sum()) if len(weights) else 0.0
