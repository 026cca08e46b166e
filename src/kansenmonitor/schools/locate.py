"""Where a school stands: coordinates, and the buurt/wijk it falls in per indeling year (point in polygon).

DUO's address lists have no coordinates. A location gets its point, best first, from:
1. ``file``: coordinates in the file or a coordinates file the gemeente supplies (e.g. from the BAG);
2. ``stembureau_pc6``: a polling station of Open Data Enschede on the same PC6 (schools are often polling
   stations; the polling-station point is on the same street side, a few dozen metres at most);
3. ``pc4_overlap``: an approximation — the buurt of the school's gemeente that covers most of its PC4 area,
   with the middle of that overlap as the point. Good enough to colour a buurt, not to measure distances;
   every page says which method was used.
The buurt is then found by point in polygon against the buurt boundaries in the store (GeoJSON on regions),
for every indeling year that has them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import ImportValidationError, Issue

METHOD_LABELS = {
    "file": ("coördinaat uit bestand", "coordinate from file"),
    "stembureau_pc6": ("punt van een stembureau op dezelfde postcode (PC6)", "point of a polling station on the same PC6"),
    "pc4_overlap": ("benaderd: midden van het grootste deel van postcodegebied in een buurt",
                    "approximated: middle of the largest part of the postcode area within a buurt"),
    "pc4_nearest": ("benaderd: het postcodegebied valt net buiten de buurtgrenzen; dichtstbijzijnde buurt",
                    "approximated: the postcode area falls just outside the buurt boundaries; nearest buurt"),
    "none": ("geen locatie (geen buurtgrenzen of postcode)", "no location (no boundaries or postcode)"),
}
#: a file coordinate just outside its gemeente's (simplified) buurt polygons is taken into the nearest buurt
SNAP_METRES = 150.0


def buurt_frame(monitor, boundary_year: int):
    """Buurten of one indeling with geometry as a GeoDataFrame (code, name, wijk, gemeente, geometry)."""
    import geopandas as gpd
    from shapely.geometry import shape

    rows = [r for r in monitor.regions(level="buurt", boundary_year=boundary_year, with_geometry=True) if r.geometry]
    if not rows:
        return None
    return gpd.GeoDataFrame(
        {"code": [r.code for r in rows], "name": [r.name for r in rows], "wijk": [r.parent for r in rows],
         "gemeente": [r.gemeente for r in rows]},
        geometry=[shape(json.loads(r.geometry)) for r in rows], crs="EPSG:4326")


def geometry_years(monitor) -> list[int]:
    """Indeling years for which the store has buurt boundaries."""
    from sqlalchemy import select

    from ..store.schema import regions

    q = select(regions.c.boundary_year).distinct().where(
        (regions.c.level == "buurt") & regions.c.geometry.is_not(None))
    with monitor.store.engine.connect() as conn:
        return sorted(int(y) for (y,) in conn.execute(q).all())


def _pc4_frame(data_dir: Path | None):
    import geopandas as gpd

    if data_dir is None:
        return None
    for name in ("twente3_pc4_2020_certegis.geojson", "nl_pc4_2020_certegis.gpkg"):
        p = Path(data_dir) / "geo" / name
        if p.exists():
            g = gpd.read_file(p)
            g = g.rename(columns={c: "postcode" for c in g.columns if c.lower() in ("postcode", "pc4")})
            g["postcode"] = g["postcode"].astype(str).str.zfill(4)
            return g.to_crs("EPSG:4326")[["postcode", "geometry"]]
    return None


def _stembureaus(data_dir: Path | None) -> dict[str, tuple[float, float]]:
    if data_dir is None:
        return {}
    folder = Path(data_dir) / "stadsdelen"
    out: dict[str, tuple[float, float]] = {}
    for p in sorted(folder.glob("*stembureau*.csv")) if folder.is_dir() else []:
        f = pd.read_csv(p, dtype=str, keep_default_na=False)
        for pc, lat, lon in zip(f["postcode"].str.replace(" ", "").str.upper(), f["latitude"], f["longitude"],
                                strict=True):
            try:
                la, lo = float(lat), float(lon)
            except ValueError:
                continue
            if 50.7 <= la <= 53.7 and 3.2 <= lo <= 7.3:  # some stations have 0.0, 0.0
                out.setdefault(pc, (la, lo))
    return out


def locate(locations: pd.DataFrame, monitor, data_dir: Path | None = None) -> pd.DataFrame:
    """Fill ``lat``/``lon``/``location_method`` where missing, for schools in gemeenten with buurt boundaries."""
    import geopandas as gpd

    loc = locations.copy()
    years = geometry_years(monitor)
    if not years or loc.empty:
        loc["location_method"] = loc["location_method"].where(loc["lat"].notna(), "none")
        return loc
    bu = buurt_frame(monitor, max(years))
    gms = set(bu["gemeente"])
    has = loc["lat"].notna() & loc["lon"].notna()
    loc.loc[has & loc["location_method"].isna(), "location_method"] = "file"
    todo = ~has & loc["gemeente"].isin(gms) & loc["postcode"].notna()
    stations = _stembureaus(data_dir)
    for idx in loc.index[todo]:
        hit = stations.get(str(loc.at[idx, "postcode"]))
        if hit:
            loc.at[idx, "lat"], loc.at[idx, "lon"] = hit
            loc.at[idx, "location_method"] = "stembureau_pc6"
    todo = loc["lat"].isna() & loc["gemeente"].isin(gms) & loc["postcode"].notna()
    pc4 = _pc4_frame(data_dir)
    if todo.any() and pc4 is not None:
        bu_rd = bu.to_crs("EPSG:28992")
        pc4_rd = pc4.to_crs("EPSG:28992").set_index("postcode")
        cache: dict[tuple[str, str], tuple[float, float] | None] = {}
        for idx in loc.index[todo]:
            key = (str(loc.at[idx, "postcode"])[:4], str(loc.at[idx, "gemeente"]))
            if key not in cache:
                cache[key] = None
                if key[0] in pc4_rd.index:
                    poly = pc4_rd.loc[[key[0]], "geometry"].union_all()
                    cand = bu_rd[bu_rd["gemeente"] == key[1]]
                    inter = cand.geometry.intersection(poly)
                    areas = inter.area
                    if len(areas) and areas.max() > 0:
                        best = inter.loc[areas.idxmax()]
                        pt = gpd.GeoSeries([best.representative_point()], crs="EPSG:28992").to_crs("EPSG:4326").iloc[0]
                        cache[key] = (pt.y, pt.x, "pc4_overlap")
                    elif len(cand):
                        # a PC4 polygon that misses the (simplified) buurten: the nearest point of the nearest buurt
                        d = cand.distance(poly)
                        if d.min() <= SNAP_METRES:
                            from shapely.ops import nearest_points

                            target = cand.geometry.loc[d.idxmin()]
                            p = nearest_points(target.buffer(-1.0) if target.area > 10 else target,
                                               poly.centroid)[0]
                            pt = gpd.GeoSeries([p], crs="EPSG:28992").to_crs("EPSG:4326").iloc[0]
                            cache[key] = (pt.y, pt.x, "pc4_nearest")
            if cache[key]:
                loc.at[idx, "lat"], loc.at[idx, "lon"], loc.at[idx, "location_method"] = cache[key]
    loc["location_method"] = loc["location_method"].where(loc["lat"].notna(), "none")
    return loc


def assign_areas(locations: pd.DataFrame, monitor, file: str = "<register>",
                 rows_of: dict[str, int] | None = None) -> pd.DataFrame:
    """Per location and indeling year with buurt boundaries: buurt, wijk, gemeente (point in polygon).

    A located school of a gemeente with boundaries that falls in none of its gemeente's buurten (more than
    :data:`SNAP_METRES` away) is an error: the coordinate or the gemeente is wrong.
    """
    import geopandas as gpd

    out = []
    issues: list[Issue] = []
    located = locations[locations["lat"].notna() & locations["lon"].notna()]
    for year in geometry_years(monitor):
        bu = buurt_frame(monitor, year)
        gms = set(bu["gemeente"])
        pts = located[located["gemeente"].isin(gms)]
        if pts.empty:
            continue
        g = gpd.GeoDataFrame(pts[["code", "gemeente", "location_method"]].reset_index(drop=True),
                             geometry=gpd.points_from_xy(pts["lon"], pts["lat"]), crs="EPSG:4326")
        joined = gpd.sjoin(g, bu.rename(columns={"code": "buurt", "gemeente": "bu_gemeente"}), how="left",
                           predicate="within")
        joined = joined[~joined.index.duplicated(keep="first")]
        ok = joined["bu_gemeente"] == joined["gemeente"]
        bad = joined[~ok]
        if not bad.empty:
            bu_rd = bu.to_crs("EPSG:28992")
            pts_rd = gpd.GeoSeries(bad.geometry, crs="EPSG:4326").to_crs("EPSG:28992")
            for i, pt in pts_rd.items():
                gm = joined.at[i, "gemeente"]
                cand = bu_rd[bu_rd["gemeente"] == gm]
                d = cand.distance(pt)
                if len(d) and d.min() <= SNAP_METRES:
                    j = d.idxmin()
                    joined.loc[i, ["buurt", "wijk", "bu_gemeente"]] = [cand.at[j, "code"], cand.at[j, "wijk"], gm]
                else:
                    code = joined.at[i, "code"]
                    issues.append(Issue(file, (rows_of or {}).get(code), "lat/lon",
                                        f"school '{code}' ligt buiten de buurtgrenzen van {gm} (indeling {year})",
                                        "controleer de coördinaten of het gemeentenummer van deze vestiging"))
        for r in joined.itertuples():
            if isinstance(r.buurt, str):
                out.append({"code": r.code, "boundary_year": int(year), "buurt": r.buurt, "wijk": r.wijk,
                            "gemeente": r.gemeente, "method": r.location_method})
    if issues:
        raise ImportValidationError(issues, "De schoollocaties zijn niet opgeslagen: er is niets gewijzigd.")
    return pd.DataFrame(out, columns=["code", "boundary_year", "buurt", "wijk", "gemeente", "method"])


def points_in(lat: np.ndarray, lon: np.ndarray, geometry_json: str) -> np.ndarray:
    """Whether each point lies in a GeoJSON geometry (used by the tests and the map)."""
    from shapely import contains_xy
    from shapely.geometry import shape

    return contains_xy(shape(json.loads(geometry_json)), lon, lat)
