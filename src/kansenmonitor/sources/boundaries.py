"""Boundaries (GeoJSON, GeoPackage, Shapefile): region geometry per indeling.

Geometry is reprojected to WGS84 and stored as GeoJSON text, rounded to about a metre; a region
that the store does not know yet is created with the name from the file (a boundary file is the definition of
an indeling). Coordinates must fit their CRS and lie in the Netherlands; a boundary is a polygon, never a point.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..core.model import Region, cbs_parent, level_of_code
from .common import ImportBatch, IssueCollector, RegionFilter, sha256_of

CODE_FIELDS = ["bu_code", "BU_CODE", "wk_code", "WK_CODE", "gm_code", "GM_CODE", "statcode", "code", "WKC", "GMC",
               "postcode", "pc4"]
NAME_FIELDS = {"bu_code": "bu_naam", "BU_CODE": "BU_NAAM", "wk_code": "wk_naam", "WK_CODE": "WK_NAAM",
               "gm_code": "gm_naam", "GM_CODE": "GM_NAAM", "statcode": "statnaam", "code": "name", "WKC": "WKN",
               "GMC": "GMN"}


def round_coords(geom: dict, digits: int = 5) -> dict:
    def rnd(c):
        if isinstance(c, (list, tuple)) and c and isinstance(c[0], (int, float)):
            return [round(float(x), digits) for x in c]
        return [rnd(x) for x in c]

    return {"type": geom["type"], "coordinates": rnd(geom["coordinates"])}


def geometry_to_geojson(geom, simplify_m: float | None = None) -> str:
    """A shapely geometry (WGS84) → compact GeoJSON text."""
    from shapely.geometry import mapping

    if simplify_m:
        geom = geom.simplify(simplify_m / 111_000, preserve_topology=True)
    return json.dumps(round_coords(mapping(geom)), separators=(",", ":"))


#: Geometry types that can bound an area.
AREA_TYPES = ("Polygon", "MultiPolygon")
#: The European Netherlands in WGS84 (lon_min, lat_min, lon_max, lat_max), with a margin; Caribbean codes (x900…)
#: are exempt.
NL_BOX = (3.0, 50.6, 7.4, 53.8)
#: The extent of RD New (EPSG:28992) coordinates of the Netherlands.
RD_BOX = (-7_000, 289_000, 300_000, 629_000)


def _coordinates_fit(gdf, path: Path, issues: IssueCollector) -> bool:
    """Coordinates must be what the file's CRS says: RD metres labelled as degrees (a GeoJSON without crs is read
    as WGS84) or degrees beyond ±180/±90 are refused before any reprojection."""
    if gdf.empty or gdf.geometry.isna().all():
        return True
    x0, y0, x1, y1 = gdf.total_bounds
    if gdf.crs.is_geographic:
        if RD_BOX[0] <= x0 and x1 <= RD_BOX[2] and RD_BOX[1] <= y0 and y1 <= RD_BOX[3]:
            issues.add(None, "crs", "de coördinaten zijn RD-meters (EPSG:28992), maar het bestand zegt dat het "
                       "lengte- en breedtegraden zijn", "sla het bestand op met EPSG:28992 als coördinatenstelsel "
                       "(of zet het om naar EPSG:4326)")
            return False
        if x0 < -180 or x1 > 180 or y0 < -90 or y1 > 90:
            issues.add(None, "geometry", f"coördinaten buiten het bereik van lengte- en breedtegraden "
                       f"(x {x0:g} tot {x1:g}, y {y0:g} tot {y1:g})", "controleer het coördinatenstelsel")
            return False
    return True


def read_boundaries(
    path: Path,
    boundary_year: int,
    code_field: str | None = None,
    name_field: str | None = None,
    layer: str | None = None,
    region_filter: RegionFilter | None = None,
    known_names: dict[str, str] | None = None,
) -> ImportBatch:
    """Read polygons with CBS codes; returns regions with geometry (no observations)."""
    import geopandas as gpd

    path = Path(path)
    issues = IssueCollector(str(path))
    if not path.exists():
        issues.add(None, None, "bestand niet gevonden")
        issues.raise_if_any()
    try:
        gdf = gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several error types for unreadable files
        issues.add(None, None, "het bestand kan niet worden gelezen als GeoJSON, GeoPackage of Shapefile "
                   f"({type(exc).__name__})", "open het in QGIS en sla het opnieuw op als GeoPackage of GeoJSON")
        issues.raise_if_any()
    code_field = code_field or next((f for f in CODE_FIELDS if f in gdf.columns), None)
    if code_field is None or code_field not in gdf.columns:
        issues.add(None, code_field, "geen veld met gebiedscodes gevonden",
                   f"geef --code-field op; velden in het bestand: {', '.join(map(str, gdf.columns[:12]))}")
        issues.raise_if_any()
    name_field = name_field or NAME_FIELDS.get(code_field)
    if gdf.crs is None:
        issues.add(None, "crs", "het bestand heeft geen coördinatenstelsel", "sla het op met EPSG:28992 of EPSG:4326")
        issues.raise_if_any()
    if not _coordinates_fit(gdf, path, issues):
        issues.raise_if_any()
    gdf = gdf.to_crs(4326)
    regions: list[Region] = []
    seen: dict[str, int] = {}
    for i, (code_raw, geom) in enumerate(zip(gdf[code_field], gdf.geometry, strict=True)):
        row = i + 1
        code = str(code_raw).strip()
        if code.isdigit() and len(code) == 4:
            code = "PC" + code
        level = level_of_code(code)
        if level is None:
            issues.add(row, code_field, f"'{code}' is geen geldige CBS-code")
            continue
        if region_filter is not None and not region_filter(code):
            continue
        if code in seen:
            issues.add(row, code_field, f"gebied '{code}' komt twee keer voor (ook in object {seen[code]})")
            continue
        seen[code] = row
        if geom is None or geom.is_empty:
            issues.add(row, "geometry", f"gebied '{code}' heeft geen geometrie")
            continue
        if geom.geom_type not in AREA_TYPES:
            issues.add(row, "geometry", f"gebied '{code}' heeft een {geom.geom_type} als grens, geen vlak",
                       "een grens is een Polygon of MultiPolygon; een punt of lijn kan geen gebied afbakenen")
            continue
        if not geom.is_valid:
            geom = geom.buffer(0)
        x0, y0, x1, y1 = geom.bounds
        if not code[2:5] == "900" and not (NL_BOX[0] <= x0 and x1 <= NL_BOX[2] and NL_BOX[1] <= y0 and y1 <= NL_BOX[3]):
            issues.add(row, "geometry", f"gebied '{code}' ligt (deels) buiten Nederland "
                       f"(lengte {x0:.2f} tot {x1:.2f}, breedte {y0:.2f} tot {y1:.2f})",
                       "controleer het coördinatenstelsel van het bestand en de volgorde van x en y")
            continue
        name = None
        if name_field and name_field in gdf.columns:
            value = gdf.iloc[i][name_field]
            name = str(value).strip() if pd.notna(value) and str(value).strip() else None
        regions.append(
            Region(
                code=code,
                name=name or (known_names or {}).get(code) or code,
                level=level,
                boundary_year=boundary_year,
                parent=cbs_parent(code),
                geometry=geometry_to_geojson(geom),
                source=f"boundaries: {path.name}",
            )
        )
    issues.raise_if_any()
    return ImportBatch(
        kind="boundaries",
        file=str(path),
        rows=len(gdf),
        observations=pd.DataFrame(),
        regions=regions,
        sha256=sha256_of(path),
    )
