"""PC4 → buurt lookup: the buurten a four-digit postcode area overlaps, with the share of its surface.

Postcode areas and buurten do not nest, so a postcode usually lies in a few buurten. The overlap is measured in
square metres (RD New, EPSG:28992) between the PC4 polygons of a file and the buurt polygons of the store. Slivers
from generalised boundaries are left out: a buurt counts when at least :data:`MIN_SHARE_OF_PC4` of the postcode
area lies in it, or at least :data:`MIN_SHARE_OF_BUURT` of the buurt lies in the postcode area.

The result is one document in the store (kind ``postcodes``, id ``pc4_buurt``), replaced as a whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ImportValidationError, Issue

#: a buurt counts when at least this share of the postcode area lies in it …
MIN_SHARE_OF_PC4 = 0.03
#: … or when at least this share of the buurt lies in the postcode area
MIN_SHARE_OF_BUURT = 0.10
#: a postcode area that overlaps no buurt (a defect or a sliver in the boundary files) gets the nearest buurt within
#: this distance (metres), marked as the nearest rather than as overlapping
MAX_NEAREST_M = 250.0
DOCUMENT = ("postcodes", "pc4_buurt")
RD = "EPSG:28992"
POSTCODE_FIELDS = ("postcode", "pc4", "PC4", "Postcode", "POSTCODE", "PC4_CODE")
_PC = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})?\s*$")


def normalise_postcode(text: str) -> str | None:
    """'7511', '7511 AB' or '7511ab' → '7511'; anything else → ``None``."""
    m = _PC.match(text or "")
    return m.group(1) if m else None


def read_pc4_file(path: str | Path):
    """PC4 polygons (GeoJSON, GeoPackage, Shapefile) as a GeoDataFrame with ``postcode`` and ``geometry`` in RD.

    Raises :class:`ImportValidationError` naming the file, row and field when the file cannot be used."""
    import geopandas as gpd

    path = Path(path)
    name = str(path)
    if not path.exists():
        raise ImportValidationError([Issue(name, None, None, "bestand niet gevonden",
                                           "controleer de naam en de map van het bestand")])
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # fiona/pyogrio raise many kinds
        raise ImportValidationError([Issue(name, None, None, f"geen kaartbestand dat gelezen kan worden ({exc})",
                                           "gebruik GeoJSON, GeoPackage of Shapefile")]) from None
    field = next((f for f in POSTCODE_FIELDS if f in frame.columns), None)
    if field is None:
        raise ImportValidationError([Issue(name, None, None, "geen kolom met de postcode",
                                           f"noem de kolom een van: {', '.join(POSTCODE_FIELDS[:2])}")])
    if frame.crs is None:
        raise ImportValidationError([Issue(name, None, None, "het bestand zegt niet in welk coördinatenstelsel "
                                           "het is", "sla het op met een coördinatenstelsel (bijvoorbeeld WGS84)")])
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    codes = []
    for i, (raw, geom) in enumerate(zip(frame[field], frame.geometry, strict=True), start=1):
        text = str(raw).split(".")[0] if raw is not None else ""
        code = text.zfill(4) if text.isdigit() else None
        if code is None or normalise_postcode(code) != code:
            issues.append(Issue(name, i, field, f"'{raw}' is geen postcode van vier cijfers"))
        elif code in seen:
            issues.append(Issue(name, i, field, f"postcode {code} staat er twee keer in (ook in rij {seen[code]})"))
        else:
            seen[code] = i
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            issues.append(Issue(name, i, "geometry", "geen vlak (polygoon)"))
        codes.append(code)
    if issues:
        raise ImportValidationError(issues)
    frame = frame.assign(postcode=codes)[["postcode", "geometry"]]
    return frame.to_crs(RD)


@dataclass(frozen=True)
class Overlap:
    postcode: str
    buurt: str
    share_of_pc4: float
    share_of_buurt: float
    nearest: bool = False  # no buurt overlaps the postcode area: the nearest one


def compute_overlaps(pc4, buurten: dict[str, dict]) -> list[Overlap]:
    """The buurten each postcode area overlaps. ``pc4``: the frame of :func:`read_pc4_file`; ``buurten``:
    code → GeoJSON geometry in WGS84 (as stored). Slivers below both thresholds are left out. The overlay itself
    is the one the PC4 → buurt estimates use (:func:`kansenmonitor.pc4.interpolate.overlay`)."""
    import geopandas as gpd
    from shapely.geometry import shape

    from ..pc4.interpolate import overlay

    if not buurten:
        return []
    bu = gpd.GeoDataFrame({"buurt": list(buurten)}, geometry=[shape(g).buffer(0) for g in buurten.values()],
                          crs="EPSG:4326").to_crs(RD)
    pc = pc4.assign(geometry=pc4.geometry.buffer(0))
    pieces = overlay(pc["postcode"].to_numpy(), pc.geometry.to_numpy(), bu["buurt"].to_numpy(), bu.geometry.to_numpy())
    out = []
    for code, buurt, area, a_pc, a_bu in zip(pieces["pc4"], pieces["buurt"], pieces["area"], pieces["area_pc4"],
                                             pieces["area_buurt"], strict=True):
        sp, sb = area / a_pc, area / a_bu
        if sp >= MIN_SHARE_OF_PC4 or sb >= MIN_SHARE_OF_BUURT:
            out.append(Overlap(code, buurt, round(float(sp), 4), round(float(sb), 4)))
    found = {o.postcode for o in out}
    for code, geom in zip(pc["postcode"], pc.geometry, strict=True):
        if code in found:
            continue
        dist = bu.distance(geom)
        i = dist.idxmin()
        if dist[i] <= MAX_NEAREST_M:
            out.append(Overlap(code, bu.at[i, "buurt"], 0.0, 0.0, nearest=True))
    out.sort(key=lambda o: (o.postcode, -o.share_of_pc4, o.buurt))
    return out


def store_lookup(monitor, overlaps: list[Overlap], source: str, boundary_year: int) -> int:
    """Replace the lookup in the store (one document, all or nothing). Returns the number of postcodes."""
    by_pc: dict[str, list[dict]] = {}
    for o in overlaps:
        by_pc.setdefault(o.postcode, []).append({"buurt": o.buurt, "share_of_pc4": o.share_of_pc4,
                                                 "share_of_buurt": o.share_of_buurt, "nearest": o.nearest})
    body = {"source": source, "boundary_year": boundary_year, "min_share_of_pc4": MIN_SHARE_OF_PC4,
            "min_share_of_buurt": MIN_SHARE_OF_BUURT, "postcodes": by_pc}
    with monitor.store.transaction() as w:
        w.put_document(*DOCUMENT, body)
    return len(by_pc)


def load_pc4_file(monitor, path: str | Path, boundary_year: int | None = None, source: str | None = None) -> int:
    """Read a PC4 file, intersect it with the store's buurten of ``boundary_year`` (default: the newest with
    geometry) and store the lookup. ``source`` is the name of the source as readers see it (default: the file
    name). Returns the number of postcodes with at least one buurt."""
    import json

    if boundary_year is None:
        years = sorted({r.boundary_year for r in monitor.regions(level="buurt")})
        boundary_year = next((y for y in reversed(years)
                              if any(r.geometry for r in monitor.regions(level="buurt", boundary_year=y,
                                                                         with_geometry=True))), None)
    if boundary_year is None:
        raise ImportValidationError([Issue(str(path), None, None, "er staan nog geen buurten met grenzen in de "
                                           "database", "importeer eerst de buurtgrenzen")])
    pc4 = read_pc4_file(path)
    buurten = {r.code: json.loads(r.geometry) for r in monitor.regions(level="buurt", boundary_year=boundary_year,
                                                                       with_geometry=True) if r.geometry}
    return store_lookup(monitor, compute_overlaps(pc4, buurten), source or Path(path).name,
                        boundary_year)


@dataclass(frozen=True)
class Pc4Lookup:
    """The stored lookup, read once."""

    boundary_year: int | None
    source: str | None
    postcodes: dict[str, list[dict]]

    @property
    def empty(self) -> bool:
        return not self.postcodes


def load_lookup(monitor) -> Pc4Lookup:
    body = monitor.store.get_document(*DOCUMENT) or {}
    return Pc4Lookup(body.get("boundary_year"), body.get("source"), body.get("postcodes") or {})


def buurten_for(lookup: Pc4Lookup, postcode: str) -> list[dict]:
    """The buurten of a postcode (largest share of the postcode area first); [] when unknown."""
    code = normalise_postcode(postcode)
    return list(lookup.postcodes.get(code, [])) if code else []
