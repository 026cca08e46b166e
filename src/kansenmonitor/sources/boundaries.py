"""Boundaries (GeoJSON, GeoPackage, Shapefile): region geometry per indeling.

Geometry is reprojected to WGS84 and stored as GeoJSON text, rounded to about a metre; a region
that the store does not know yet is created with the name from the file.
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
        issues.add(None, None, f"kan het bestand niet lezen als GeoJSON/GeoPackage: {exc}")
        issues.raise_if_any()
        raise
    code_field = code_field or next((f for f in CODE_FIELDS if f in gdf.columns), None)
    if code_field is None or code_field not in gdf.columns:
        issues.add(None, code_field, "geen veld met gebiedscodes gevonden",
                   f"geef --code-field op; velden in het bestand: {', '.join(map(str, gdf.columns[:12]))}")
        issues.raise_if_any()
    name_field = name_field or NAME_FIELDS.get(code_field)
    if gdf.crs is None:
        issues.add(None, "crs", "het bestand heeft geen coördinatenstelsel", "sla het op met EPSG:28992 of EPSG:4326")
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
        if not geom.is_valid:
            geom = geom.buffer(0)
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
