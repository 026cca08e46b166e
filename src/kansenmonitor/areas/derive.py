"""Assign buurten to areas (stadsdelen) from points that carry an area label.

The only official stadsdeel labelling of Enschede in the staged open data is the list of polling stations of
2012 (Open Data Enschede), each with its stadsdeel. There is no buurt → stadsdeel table. This module derives
one, in three steps, and records for every buurt how it was placed:

1. ``wijk`` — every polling station in the wijk carries the same stadsdeel: all buurten of the wijk get it
   (the stadsdeel nests in the wijk);
2. ``buurt`` — the wijk's polling stations carry more than one stadsdeel (a *conflict*, reported): a buurt
   with polling stations gets the stadsdeel most of them carry;
3. ``nearest`` — a buurt in such a wijk without a polling station, or in a wijk without any: the stadsdeel
   of the nearest polling station (distance from a point inside the buurt, in metres, RD New).

Points without coordinates (0, 0 or empty) and points outside every buurt are counted and reported, never
guessed. The result is a proposal to be confirmed by the gemeente; :func:`areas_document` says so in the file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

RD_NEW = "EPSG:28992"


@dataclass(frozen=True)
class BuurtAssignment:
    buurt: str
    name: str
    wijk: str
    area: str
    method: str  # wijk | buurt | nearest
    n_points: int = 0
    distance_m: float | None = None


@dataclass
class Derivation:
    """Per buurt its area and how it was placed, the points per wijk, and every conflict in words."""

    assignments: list[BuurtAssignment]
    wijk_counts: dict[str, dict[str, int]]
    conflicts: list[str] = field(default_factory=list)
    points_total: int = 0
    points_without_location: list[str] = field(default_factory=list)
    points_outside: list[str] = field(default_factory=list)

    def members(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for a in sorted(self.assignments, key=lambda a: a.buurt):
            out.setdefault(a.area, []).append(a.buurt)
        return out

    def by_method(self) -> dict[str, int]:
        return dict(Counter(a.method for a in self.assignments))


def read_labelled_points(path: str | Path, label_column: str, lat: str = "latitude", lon: str = "longitude",
                         describe: tuple[str, ...] = ("straatnaam", "huisnummer", "postcode")):
    """Read a CSV of points with a label; returns (GeoDataFrame of located points, descriptions of the rest)."""
    import geopandas as gpd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col in (label_column, lat, lon):
        if col not in frame.columns:
            raise ValueError(f"{Path(path).name}: kolom '{col}' ontbreekt")
    la = pd.to_numeric(frame[lat], errors="coerce")
    lo = pd.to_numeric(frame[lon], errors="coerce")
    located = la.notna() & lo.notna() & (la != 0) & (lo != 0)

    def text(row) -> str:
        return " ".join(str(row[c]) for c in describe if c in row and str(row[c]) not in ("", "NULL")).strip()

    missing = [text(r) for _, r in frame[~located].iterrows()]
    pts = frame[located].copy()
    pts["label"] = pts[label_column].str.strip()
    pts["describe"] = [text(r) for _, r in pts.iterrows()]
    geo = gpd.GeoDataFrame(pts, geometry=gpd.points_from_xy(lo[located], la[located]), crs="EPSG:4326")
    return geo, missing


def assign_buurten(points, buurten, code: str = "bu_code", name: str = "bu_naam", wijk: str = "wk_code") \
        -> Derivation:
    """Place every buurt of ``buurten`` (GeoDataFrame with code, name, wijk) in the area of ``points``
    (GeoDataFrame with ``label``), following the three steps of the module docstring."""
    import geopandas as gpd

    bu = buurten[[code, name, wijk, "geometry"]].to_crs(RD_NEW).reset_index(drop=True)
    pts = points.to_crs(RD_NEW).reset_index(drop=True)
    joined = gpd.sjoin(pts, bu, how="left", predicate="within")
    outside = [str(d) for d in joined.loc[joined[code].isna(), "describe"]]
    inside = joined[joined[code].notna()]
    wijk_counts = {str(w): {str(k): int(v) for k, v in Counter(g["label"]).most_common()}
                   for w, g in inside.groupby(wijk)}
    buurt_counts = {str(b): Counter(g["label"]) for b, g in inside.groupby(code)}
    conflicts: list[str] = []
    for b, c in sorted(buurt_counts.items()):
        if len(c) > 1:
            conflicts.append(f"buurt {b}: stembureaus in {len(c)} stadsdelen ({_counts(c)}); de meeste telt")
    for w, c in sorted(wijk_counts.items()):
        if len(c) > 1:
            conflicts.append(f"wijk {w} valt niet in één stadsdeel: stembureaus {_counts(c)}; de buurten zijn "
                             "apart ingedeeld")
    names = {str(r[code]): str(r[name]) for _, r in bu.iterrows()}
    out: list[BuurtAssignment] = []
    for _, r in bu.sort_values(code).iterrows():
        b, w = str(r[code]), str(r[wijk])
        wc = wijk_counts.get(w, {})
        if len(wc) == 1:
            out.append(BuurtAssignment(b, names[b], w, next(iter(wc)), "wijk", sum(buurt_counts.get(b, {}).values())))
            continue
        if b in buurt_counts:
            label, n = _majority(buurt_counts[b])
            out.append(BuurtAssignment(b, names[b], w, label, "buurt", sum(buurt_counts[b].values())))
            continue
        spot = r.geometry.representative_point()
        dist = pts.distance(spot)
        i = int(dist.idxmin())
        out.append(BuurtAssignment(b, names[b], w, str(pts.loc[i, "label"]), "nearest", 0, float(dist[i])))
    if not wijk_counts.keys() >= {a.wijk for a in out}:
        empty = sorted({a.wijk for a in out} - set(wijk_counts))
        conflicts.append(f"zonder stembureau: wijk {', '.join(empty)}; de buurten volgen het dichtstbijzijnde "
                         "stembureau")
    return Derivation(out, wijk_counts, conflicts, len(points) + 0, [], outside)


def _majority(c: Counter) -> tuple[str, int]:
    (label, n), *_ = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))
    return label, n


def _counts(c) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(dict(c).items(), key=lambda kv: (-kv[1], kv[0])))


#: Enschede's labels in the polling-station file → area code and name.
ENSCHEDE_STADSDELEN = {
    "STADSDEEL CENTRUM": ("SD-ENSCHEDE-CENTRUM", "Stadsdeel Centrum"),
    "STADSDEEL NOORD": ("SD-ENSCHEDE-NOORD", "Stadsdeel Noord"),
    "STADSDEEL OOST": ("SD-ENSCHEDE-OOST", "Stadsdeel Oost"),
    "STADSDEEL ZUID": ("SD-ENSCHEDE-ZUID", "Stadsdeel Zuid"),
    "STADSDEEL WEST": ("SD-ENSCHEDE-WEST", "Stadsdeel West"),
}
POINTS_FILE = Path("stadsdelen") / "enschede_stembureaus_2012_stadsdeel_opendata_enschede.csv"
BUURTEN_FILE = Path("geo") / "twente3_buurten_2024_cbs_gegeneraliseerd_approx_wgs84.geojson"
SOURCE = ("Afgeleid uit de stembureaus van 2012 met hun stadsdeel (Open Data Enschede, 'Stemdistrict') en de "
          "CBS-buurten 2024")
PROVISIONAL = ("Voorlopige indeling, nog te bevestigen door de gemeente Enschede: de gemeente publiceert geen "
               "lijst van buurten per stadsdeel.")


def enschede_stadsdelen(data_dir: str | Path) -> Derivation:
    """The derivation for Enschede from the staged data folder (``../shared/data``)."""
    import geopandas as gpd

    data_dir = Path(data_dir)
    points, missing = read_labelled_points(data_dir / POINTS_FILE, "stadsdeel")
    buurten = gpd.read_file(data_dir / BUURTEN_FILE)
    buurten = buurten[buurten["gm_code"] == "GM0153"]
    d = assign_buurten(points, buurten)
    d.points_total = len(points) + len(missing)
    d.points_without_location = missing
    return d


def areas_document(d: Derivation, labels: dict[str, tuple[str, str]] = ENSCHEDE_STADSDELEN,
                   gemeente: str = "GM0153", boundary_year: int = 2024) -> dict:
    """The areas file (as a dict for YAML) for a derivation, with its source and the provisional note."""
    areas = []
    for label, members in sorted(d.members().items(), key=lambda kv: labels[kv[0]][0]):
        code, name = labels[label]
        placed = Counter(a.method for a in d.assignments if a.area == label)
        how = ", ".join(f"{n} {METHOD_WORDS[m]}" for m, n in sorted(placed.items()))
        areas.append({"code": code, "name": name, "level": "stadsdeel", "gemeente": gemeente, "kind": "stadsdeel",
                      "members": members, "source": f"{SOURCE}; {len(members)} buurten: {how}",
                      "note": PROVISIONAL})
    return {"boundary_year": boundary_year, "areas": areas}


METHOD_WORDS = {"wijk": "via de hele wijk", "buurt": "via eigen stembureaus",
                "nearest": "via het dichtstbijzijnde stembureau"}


def header(d: Derivation) -> str:
    """The comment block on top of the generated file: how it was made and what did not fit."""
    lines = [
        "# Enschede's five stadsdelen as sets of CBS buurten (indeling 2024). GENERATED by",
        "# scripts/derive_stadsdelen.py from ../shared/data (see docs/gebieden.md); do not edit by hand.",
        f"# Polling stations 2012: {d.points_total}; without coordinates: {len(d.points_without_location)}"
        f" ({'; '.join(d.points_without_location)}); outside every buurt: {len(d.points_outside)}.",
        "# Buurten placed " + ", ".join(f"{METHOD_WORDS[m]}: {n}" for m, n in sorted(d.by_method().items())) + ".",
    ]
    lines += [f"# Conflict: {c}" for c in d.conflicts]
    lines.append("# To be confirmed by the gemeente (Enschede publishes no buurt -> stadsdeel list).")
    return "\n".join(lines) + "\n"
