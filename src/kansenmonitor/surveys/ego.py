"""Ego-network indicators from a survey's network items, per area and per latent class, under disclosure control.

The indicators (each computed over the respondents who answered the items it needs, weighted with the design
weights):

- ``grootte`` — mean number of people outside the household one can fall back on (the count item);
- ``niemand`` — share with no one to fall back on (that count is 0);
- ``diversiteit`` — mean number of distinct groups in the network, position-generator style: the number of
  "yes" answers to knowing someone with higher education, of another origin, of another generation (0 to 3);
- ``overbruggend`` — share with at least one bridging tie, a tie outside one's own group: someone of another
  origin, of another generation, or (for respondents without higher education themselves) someone with higher
  education;
- ``hulp_gegeven`` / ``hulp_gekregen`` — share who give informal care / received help from their own network.

Shares get the same estimator, interval and disclosure rules as :mod:`.estimate` (n ≥ 30 per area, both groups
≥ 10, no more than 90 % on the sensitive side — having no one to fall back on, having no tie outside one's own
group; both sides for the help items —, differencing of nested areas). Means get n ≥ 30 per area and no single answer held
by more than 90 % of the respondents (:func:`.disclosure.primary_mean`), with the same differencing check; their
95 % interval is the normal interval of the linearised ratio variance.

Per latent class, respondents count in the class of their highest posterior probability (modal assignment),
within one gemeente; the classes of a gemeente are checked as parts of the gemeente, so that no class's value
follows from the gemeente total and the other classes.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from . import disclosure as dc
from .codebook import Codebook
from .estimate import Z95, AreaInfo, interval, survey_areas
from .repository import Wave, microdata


@dataclass(frozen=True)
class EgoItems:
    """Which codebook items hold the ego-network block (defaults: the demo codebook)."""

    size: str = "steun_aantal"
    high_educated: str = "netwerk_hoogopgeleid"
    other_origin: str = "netwerk_herkomst"
    other_generation: str = "netwerk_leeftijd"
    own_education: str = "opleiding"
    own_education_high: tuple[int, ...] = (3,)
    gives_help: str = "hulp_gegeven"
    receives_help: str = "hulp_gekregen"
    yes: int = 2


DEFAULT_ITEMS = EgoItems()


@dataclass(frozen=True)
class Indicator:
    id: str
    kind: str  # share | mean
    label: str
    label_en: str
    unit: str
    unit_en: str
    needs: tuple[str, ...]  # EgoItems fields the indicator needs
    sensitive: str = dc.SENSITIVE_BOTH  # for shares: the side the 90 % rule protects


INDICATORS = (
    Indicator("grootte", "mean", "Gemiddeld aantal mensen om op terug te vallen",
              "Mean number of people to fall back on", "personen", "people", ("size",)),
    Indicator("niemand", "share", "Heeft niemand om op terug te vallen", "Has no one to fall back on", "%", "%",
              ("size",), dc.SENSITIVE_SHARE),
    Indicator("diversiteit", "mean", "Verschillende groepen in het netwerk (0 tot 3)",
              "Different groups in the network (0 to 3)", "groepen", "groups",
              ("high_educated", "other_origin", "other_generation")),
    Indicator("overbruggend", "share", "Heeft contact buiten de eigen groep", "Has ties outside their own group",
              "%", "%", ("other_origin", "other_generation"), dc.SENSITIVE_REST),
    Indicator("hulp_gegeven", "share", "Geeft mantelzorg", "Gives informal care", "%", "%", ("gives_help",)),
    Indicator("hulp_gekregen", "share", "Kreeg hulp van het eigen netwerk", "Received help from own network", "%",
              "%", ("receives_help",)),
)
BY_ID = {i.id: i for i in INDICATORS}


class NoEgoItemsError(LookupError):
    """The survey has none of the ego-network items."""


def available(cb: Codebook, items: EgoItems = DEFAULT_ITEMS) -> list[Indicator]:
    """The indicators this codebook has the items for."""
    have = set(cb.item_ids)
    return [ind for ind in INDICATORS if all(getattr(items, f) in have for f in ind.needs)]


def values(frame: pd.DataFrame, cb: Codebook, items: EgoItems = DEFAULT_ITEMS) -> dict[str, np.ndarray]:
    """Per indicator, one value per respondent (NaN where the respondent did not answer what it needs):
    0/1 for shares, the number for means."""
    out: dict[str, np.ndarray] = {}
    have = set(cb.item_ids)

    def col(field: str) -> np.ndarray:
        return frame[getattr(items, field)].to_numpy(float)

    for ind in available(cb, items):
        if ind.id == "grootte":
            v = col("size")
        elif ind.id == "niemand":
            s = col("size")
            v = np.where(np.isnan(s), np.nan, (s == 0).astype(float))
        elif ind.id == "diversiteit":
            parts = np.column_stack([col(f) for f in ("high_educated", "other_origin", "other_generation")])
            v = np.where(np.isnan(parts).any(axis=1), np.nan, (parts == items.yes).sum(axis=1).astype(float))
        elif ind.id == "overbruggend":
            o, g = col("other_origin"), col("other_generation")
            bridge = (o == items.yes) | (g == items.yes)
            if items.high_educated in have and items.own_education in have:
                h, e = col("high_educated"), col("own_education")
                bridge = bridge | ((h == items.yes) & ~np.isnan(e) & ~np.isin(e, items.own_education_high))
            v = np.where(np.isnan(o) | np.isnan(g), np.nan, bridge.astype(float))
        else:
            x = col("gives_help" if ind.id == "hulp_gegeven" else "receives_help")
            v = np.where(np.isnan(x), np.nan, (x == items.yes).astype(float))
        out[ind.id] = v
    return out


def _mode(v: np.ndarray) -> float:
    vals, counts = np.unique(v[~np.isnan(v)], return_counts=True)
    return float(vals[np.argmax(counts)]) if len(vals) else math.nan


@dataclass
class EgoRow:
    area: str
    name: str
    level: str
    gemeente: str | None
    cls: int | None  # latent class (per-class rows), else None
    indicator: str
    label: str
    kind: str
    value: float | None  # % for shares, the mean for means; None when withheld
    lower: float | None
    upper: float | None
    respondents: int | None
    status: str
    reason: str | None

    def to_dict(self) -> dict:
        return asdict(self)


def _sums(groups: np.ndarray, v: np.ndarray, wt: np.ndarray, ind: Indicator, mode: float) -> pd.DataFrame:
    ok = ~np.isnan(v)
    y = v[ok]
    w = wt[ok]
    x = (y == 1.0) if ind.kind == "share" else (y == mode)
    g = pd.DataFrame({"g": groups[ok], "n": 1, "x": x.astype(int), "w": w, "wy": w * y, "w2": w * w,
                      "w2y": w * w * y, "w2y2": w * w * y * y})
    return g.groupby("g").sum()


def _estimate(ind: Indicator, c: dc.Cell, w2: float, w2y: float, w2y2: float) -> tuple[float, float, float]:
    if ind.kind == "share":
        p, lo, hi = interval(c, w2, w2y)
        return round(100 * p, 1), round(100 * lo, 1), round(100 * hi, 1)
    m = c.wy / c.w
    ss = w2y2 - 2 * m * w2y + m * m * w2
    var = c.n / (c.n - 1) * ss / c.w ** 2 if c.n > 1 else 0.0
    half = Z95 * math.sqrt(max(var, 0.0))
    return round(m, 2), round(max(0.0, m - half), 2), round(m + half, 2)


def _rows(groups: np.ndarray, v: np.ndarray, wt: np.ndarray, ind: Indicator, mode: float,
          sets: dict[str, frozenset[str]], meta: dict[str, tuple], rules: dc.Rules, lang: str,
          cls: int | None = None) -> list[EgoRow]:
    s = _sums(groups, v, wt, ind, mode)
    cols = [s[c].to_numpy() for c in ("n", "x", "w", "wy", "w2", "w2y", "w2y2")]
    base = {a: dc.Cell(int(n), int(x), float(w_), float(wy)) for a, n, x, w_, wy in zip(s.index, *cols[:4],
                                                                                        strict=True)}
    sq = {a: (float(a2), float(b2), float(c2)) for a, a2, b2, c2 in zip(s.index, *cols[4:], strict=True)}
    check = dc.check_for(ind.sensitive) if ind.kind == "share" else dc.primary_mean
    reasons = dc.protect(base, sets, rules, check)
    label = ind.label_en if lang == "en" else ind.label
    out = []
    for code, (name, level, gemeente) in meta.items():
        reason = reasons[code]
        if reason is not None:
            out.append(EgoRow(code, name, level, gemeente, cls, ind.id, label, ind.kind, None, None, None, None,
                              "suppressed", dc.REASONS_EN[reason] if lang == "en" else reason))
            continue
        c = dc._sum(base, sets[code])
        w2, w2y, w2y2 = (sum(sq[m][i] for m in sets[code] if m in sq) for i in range(3))
        val, lo, hi = _estimate(ind, c, w2, w2y, w2y2)
        out.append(EgoRow(code, name, level, gemeente, cls, ind.id, label, ind.kind, val, lo, hi, c.n,
                          "published", None))
    return out


def area_indicators(monitor, w: Wave, levels: tuple[str, ...] | None = None, rules: dc.Rules = dc.DEFAULT_RULES,
                    lang: str = "nl", items: EgoItems = DEFAULT_ITEMS, data: pd.DataFrame | None = None,
                    areas: dict[str, AreaInfo] | None = None) -> list[EgoRow]:
    """The ego-network indicators of a wave per area (every area of :func:`.estimate.survey_areas`)."""
    inds = available(w.codebook, items)
    if not inds:
        raise NoEgoItemsError(f"De enquête {w.survey} heeft geen vragen over het eigen netwerk.")
    frame = microdata(monitor, w) if data is None else data
    areas = survey_areas(monitor, w) if areas is None else areas
    sets = {a: info.members for a, info in areas.items()}
    meta = {a: (info.name, info.level, info.gemeente) for a, info in areas.items()
            if levels is None or info.level in levels}
    vals = values(frame, w.codebook, items)
    wt = frame["weight"].to_numpy(float)
    groups = frame["area"].to_numpy()
    out: list[EgoRow] = []
    for ind in inds:
        v = vals[ind.id]
        rows = _rows(groups, v, wt, ind, _mode(v), sets, {a: m for a, m in meta.items()}, rules, lang)
        out.extend(rows)
    return out


def class_indicators(monitor, r, w: Wave, rules: dc.Rules = dc.DEFAULT_RULES, lang: str = "nl",
                     items: EgoItems = DEFAULT_ITEMS) -> list[EgoRow]:
    """The ego-network indicators per latent class of a saved model (modal assignment), per gemeente; ``area``
    is the gemeente code. Each gemeente's classes are checked as parts of the gemeente."""
    from . import classes

    inds = available(w.codebook, items)
    if not inds:
        raise NoEgoItemsError(f"De enquête {w.survey} heeft geen vragen over het eigen netwerk.")
    frame, post = classes.posteriors(monitor, r, w)
    areas = survey_areas(monitor, w)
    gem_of = {a: info.gemeente for a, info in areas.items() if info.level == w.area_level}
    gm = frame["area"].map(gem_of).to_numpy()
    modal = post.argmax(axis=1) + 1
    vals = values(frame, w.codebook, items)
    wt = frame["weight"].to_numpy(float)
    out: list[EgoRow] = []
    for g in sorted({x for x in gm if isinstance(x, str)}):
        name = areas[g].name if g in areas else g
        mine = gm == g
        keys = np.array([f"{g}|{k}" for k in modal[mine]], dtype=object)
        members = {k: frozenset([f"{g}|{k}"]) for k in range(1, post.shape[1] + 1)}
        sets = {f"k{k}": s for k, s in members.items()}
        sets["all"] = frozenset().union(*members.values())
        for ind in inds:
            v = vals[ind.id][mine]
            rows = _rows(keys, v, wt[mine], ind, _mode(vals[ind.id]), sets,
                         {f"k{k}": (name, "gemeente", g) for k in members}, rules, lang)
            for row, k in zip(rows, members, strict=True):
                row.area = g
                row.cls = k
            out.extend(rows)
    return out


def frame_of(rows: list[EgoRow]) -> pd.DataFrame:
    return pd.DataFrame([r.to_dict() for r in rows])


#: catalogue indicator (catalogue/enquete_netwerk.yaml) of each ego-network indicator
CATALOGUE_IDS = {"grootte": "enquete_netwerk_grootte", "niemand": "enquete_netwerk_niemand",
                 "diversiteit": "enquete_netwerk_diversiteit", "overbruggend": "enquete_netwerk_overbruggend",
                 "hulp_gegeven": "enquete_hulp_gegeven", "hulp_gekregen": "enquete_hulp_gekregen"}


def publish(monitor, w: Wave, rules: dc.Rules = dc.DEFAULT_RULES) -> dict[str, int]:
    """Write the wave's ego-network figures into the store as observations of the catalogue indicators in
    ``catalogue/enquete_netwerk.yaml`` — per gemeente, wijk, buurt and own area, for the wave's year and indeling
    — so that the map, profiles, API and exports show them like any indicator. Only what passed disclosure
    control gets a value (status ``estimated``, the 95 % interval as lower and upper bound); a withheld cell is
    written as ``suppressed`` without a number. The source of every value names the survey (and says
    "synthetisch" for a synthetic one). Re-publishing the same wave replaces the values."""
    from ..core.model import Status

    rows = area_indicators(monitor, w, rules=rules)
    source = f"{w.codebook.title('nl')}, {w.wave}" + (" (synthetisch: niemand heeft deze enquête ingevuld)"
                                                      if w.synthetic and "synthetisch" not in
                                                      w.codebook.title("nl").lower() else "")
    records = []
    for r in rows:
        records.append({"region": r.area, "boundary_year": w.boundary_year, "indicator": CATALOGUE_IDS[r.indicator],
                        "period": w.wave, "value": r.value,
                        "status": str(Status.ESTIMATED if r.value is not None else Status.SUPPRESSED),
                        "numerator": None, "denominator": None, "lower": r.lower, "upper": r.upper,
                        "source_ref": source})
    frame = pd.DataFrame.from_records(records)
    monitor.sync_catalogue()
    with monitor.store.transaction() as wr:
        wr.upsert_observations(frame)
    return {"published": int(sum(1 for r in rows if r.value is not None)),
            "withheld": int(sum(1 for r in rows if r.value is None))}
