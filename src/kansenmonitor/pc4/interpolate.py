"""PC4 → buurt: divide figures published per postcode-4 area over the buurten that overlap it.

The overlay of the two sets of polygons is done with shapely 2 (the geometry engine of geopandas): a spatial
index (``STRtree``) finds the pairs that meet, and their intersections are computed in one vectorised call, in
RD New (EPSG:28992). Each piece *p* of PC4 *s* ∩ buurt *b* gets a weight *w(s, p)*: the share of the PC4's figure that
lies in that piece.

* ``areal``: *w* = area(p) / area(s) — the textbook areal weighting (what ``tobler.area_weighted`` does for
  extensive variables; the agreement is pinned in the tests).
* ``huishoudens`` (default, dasymetric): the households of buurt *b* (CBS, per buurt) are spread evenly over the
  buurt's area, so piece *p* holds h(p) = H(b) · area(p) / area(b) households; *w* = h(p) / H_in(s), where H_in(s)
  is the sum of h over the pieces of *s*. Where a PC4 reaches beyond the buurten at hand (a border with a
  gemeente that is not loaded), only the part inside counts: H_in(s) is then replaced by the PC4's own
  households when those are larger, so the part outside keeps its share.

Extensive counts become Σ w·X; rates are carried as numerator and denominator (Σ w·N / Σ w·D); a mean per
dwelling or score (gas use, Leefbaarometer) is carried as Σ w·v·H / Σ w·H with H the PC4's households. A buurt
gets no estimate when a PC4 that contributes to it has a suppressed count. Every value is ``estimated`` and its
source names the method. Slivers (pieces under 2 % of a buurt's area) are dropped: the staged buurt polygons are
simplified by about 60 m, so such pieces are drawing errors, not places where people live.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.catalogue import Catalogue
from ..core.model import Aggregation, Status
from ..store.store import OBSERVATION_COLUMNS

RD = 28992
METHODS = ("huishoudens", "areal")
SLIVER = 0.02
#: PC4 areas counted as wholly inside the buurten when this share of their area is covered
INSIDE = 0.97
METHOD_NL = {
    "huishoudens": "geschat: cijfer van het postcodegebied, verdeeld over de buurten naar huishoudens",
    "areal": "geschat: cijfer van het postcodegebied, verdeeld over de buurten naar oppervlakte",
}


@dataclass
class Weights:
    """The share of each PC4's figures that lies in each buurt."""

    table: pd.DataFrame  # columns pc4, buurt, weight
    method: str

    def matrix(self) -> pd.DataFrame:
        """buurt × pc4 weights (0 where they do not overlap)."""
        return self.table.pivot_table(index="buurt", columns="pc4", values="weight", aggfunc="sum", fill_value=0.0)


def overlay(pc4_codes, pc4_geoms, buurt_codes, buurt_geoms) -> pd.DataFrame:
    """Every piece PC4 ∩ buurt with a positive area: columns ``pc4``, ``buurt``, ``area`` and the whole areas
    ``area_pc4`` and ``area_buurt``. The geometries must be in one projected CRS (areas in its unit, m² in RD).
    A spatial index finds the pairs that meet; their intersections are computed in one vectorised call. Also
    used by the postcode search (``postcodes.compute_overlaps``), so the two capabilities share one overlay."""
    import shapely

    sg = shapely.make_valid(np.asarray(pc4_geoms, dtype=object))
    bg = shapely.make_valid(np.asarray(buurt_geoms, dtype=object))
    si, bi = shapely.STRtree(bg).query(sg, predicate="intersects")
    pieces = pd.DataFrame({"pc4": np.asarray(pc4_codes)[si], "buurt": np.asarray(buurt_codes)[bi],
                           "area": shapely.area(shapely.intersection(sg[si], bg[bi])),
                           "area_pc4": shapely.area(sg)[si], "area_buurt": shapely.area(bg)[bi]})
    return pieces[pieces["area"] > 0].reset_index(drop=True)


def weights(pc4, buurten, method: str = "huishoudens", households: pd.Series | None = None,
            pc4_households: pd.Series | None = None, sliver: float = SLIVER) -> Weights:
    """Overlay weights. ``pc4`` and ``buurten``: GeoDataFrames with a ``code`` column (any CRS; projected to RD).
    ``households``: buurt code → households (needed for ``huishoudens``); ``pc4_households``: PC4 code → households
    (used where a PC4 reaches beyond the buurten). ``sliver``: pieces under this share of a buurt's area are
    dropped (0 keeps every piece)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {METHODS}")
    s = pc4[["code", "geometry"]].to_crs(RD)
    b = buurten[["code", "geometry"]].to_crs(RD)
    pieces = overlay(s["code"].to_numpy(), s.geometry.to_numpy(), b["code"].to_numpy(), b.geometry.to_numpy())
    area_s = pieces.drop_duplicates("pc4").set_index("pc4")["area_pc4"]
    area_b = pieces.groupby("buurt")["area"].transform("sum")  # the buurt as covered by PC4 areas
    pieces = pieces[(pieces["area"] > 0) & (pieces["area"] >= sliver * area_b)].copy()
    pieces["share_b"] = pieces["area"] / pieces.groupby("buurt")["area"].transform("sum")
    if method == "areal":
        pieces["weight"] = pieces["area"] / pieces["pc4"].map(area_s)
    else:
        if households is None:
            raise ValueError("method 'huishoudens' needs the households per buurt")
        h = pieces["buurt"].map(households).astype(float) * pieces["share_b"]
        pieces["h"] = h.fillna(0.0)
        h_in = pieces.groupby("pc4")["h"].transform("sum")
        inside = pieces.groupby("pc4")["area"].transform("sum") / pieces["pc4"].map(area_s)
        own = pieces["pc4"].map(pc4_households) if pc4_households is not None else pd.Series(np.nan, pieces.index)
        denom = np.where((inside < INSIDE) & own.notna(), np.fmax(h_in, own.fillna(0)), h_in)
        with np.errstate(invalid="ignore", divide="ignore"):
            pieces["weight"] = np.where(denom > 0, pieces["h"] / denom, 0.0)
    table = pieces.groupby(["pc4", "buurt"], as_index=False)["weight"].sum()
    return Weights(table=table[table["weight"] > 0], method=method)


def _carry(wm: pd.DataFrame, x: pd.Series) -> pd.Series:
    """Σ w·x per buurt; NaN where a contributing PC4 has no value."""
    x = x.reindex(wm.columns)
    known = x.notna().to_numpy()
    vals = np.nan_to_num(x.to_numpy(dtype=float))
    w = wm.to_numpy()
    total = w @ vals
    blocked = (w[:, ~known] > 0).any(axis=1)
    return pd.Series(np.where(blocked, np.nan, total), index=wm.index)


def interpolate(obs: pd.DataFrame, w: Weights, catalogue: Catalogue, indicators: list[str],
                weight_indicator: str = "huishoudens") -> pd.DataFrame:
    """PC4 observations (region = PCnnnn) → estimated buurt observations for ``indicators``.

    Counts (``sum``) are carried as they are, rates (``ratio``) through their numerator and denominator counts,
    weighted means through value × weight and the weight (the weight of the indicator, else ``weight_indicator``).
    """
    wm = w.matrix()
    out = []
    note = METHOD_NL[w.method]
    for period, per in obs.groupby("period"):
        wide = per.pivot_table(index="region", columns="indicator", values="value", aggfunc="first", dropna=False)

        def col(iid: str, wide=wide) -> pd.Series:
            return wide[iid] if iid in wide else pd.Series(np.nan, index=wide.index)

        for iid in indicators:
            if iid not in wide:
                continue
            ind = catalogue[iid]
            num = den = None
            if ind.aggregation == Aggregation.SUM:
                value = _carry(wm, col(iid))
            elif ind.aggregation == Aggregation.RATIO and ind.numerator and ind.denominator:
                num, den = _carry(wm, col(ind.numerator)), _carry(wm, col(ind.denominator))
                value = (num / den * ind.factor).where(den > 0)
            elif ind.aggregation == Aggregation.WEIGHTED_MEAN:
                weight = col(ind.weight or weight_indicator)
                v = col(iid)
                wv = (v * weight).where(v.notna() & weight.notna())
                num, den = _carry(wm, wv), _carry(wm, weight.where(v.notna()))
                value = (num / den).where(den > 0)
                num = None  # the product value × weight is not a count anyone should read
            else:
                continue
            frame = pd.DataFrame({"region": value.index, "value": value.to_numpy()})
            frame["numerator"] = num.to_numpy() if num is not None else np.nan
            frame["denominator"] = den.to_numpy() if den is not None else np.nan
            frame["indicator"] = iid
            frame["period"] = int(period)
            refs = per.loc[per["indicator"] == iid, "source_ref"]
            frame["source_ref"] = f"{note} (bron: {refs.iloc[0] if len(refs) else iid})"
            out.append(frame.dropna(subset=["value"]))
    if not out:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS)
    res = pd.concat(out, ignore_index=True)
    res["status"] = Status.ESTIMATED.value
    res["boundary_year"] = 0
    res["lower"] = np.nan
    res["upper"] = np.nan
    return res.reindex(columns=OBSERVATION_COLUMNS)


def error_against_truth(estimate: pd.Series, truth: pd.Series) -> dict[str, float]:
    """Compare estimates with the published buurt values: median and 90th percentile absolute error (and, for
    counts, relative to the true value), over buurten where both exist and the truth is positive."""
    both = pd.concat({"est": estimate, "true": truth}, axis=1).dropna()
    both = both[both["true"] > 0]
    err = (both["est"] - both["true"]).abs()
    rel = err / both["true"]
    return {"n": int(len(both)), "median_abs": float(err.median()), "p90_abs": float(err.quantile(0.9)),
            "median_rel": float(rel.median()), "p90_rel": float(rel.quantile(0.9)),
            "total_est": float(both["est"].sum()), "total_true": float(both["true"].sum())}
