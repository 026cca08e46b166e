"""Open exports of observations: CSV, CSV for Dutch Excel, XLSX, Parquet, GeoJSON, GeoPackage.

Exports only format: the numbers come from :class:`~kansenmonitor.monitor.Monitor` after disclosure
control, with region name, indicator label, unit, source and status beside each value.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .format import safe_frame, xlsx_no_formulas
from .monitor import Monitor

FORMATS = ("csv", "csv-nl", "xlsx", "parquet", "geojson", "gpkg")


def export_frame(monitor: Monitor, lang: str = "nl", **filters) -> pd.DataFrame:
    """The long export table (one row per observation), disclosure control applied."""
    obs = monitor.observations(public=True, **filters)
    if obs.empty:
        return pd.DataFrame(
            columns=["region", "region_name", "level", "boundary_year", "indicator", "indicator_label", "unit",
                     "period", "value", "status", "numerator", "denominator", "lower", "upper", "source"]
        )
    regions = {(r.code, r.boundary_year): r for r in monitor.store.regions()}
    cat = monitor.catalogue
    out = pd.DataFrame(
        {
            "region": obs["region"],
            "region_name": [regions[(c, int(y))].name if (c, int(y)) in regions else c
                            for c, y in zip(obs["region"], obs["boundary_year"], strict=True)],
            "level": [regions[(c, int(y))].level.value if (c, int(y)) in regions else ""
                      for c, y in zip(obs["region"], obs["boundary_year"], strict=True)],
            "boundary_year": obs["boundary_year"].astype(int),
            "indicator": obs["indicator"],
            "indicator_label": [cat[i].label(lang) for i in obs["indicator"]],
            "unit": [cat[i].unit for i in obs["indicator"]],
            "period": obs["period"].astype(int),
            "value": obs["value"],
            "status": obs["status"],
            "numerator": obs["numerator"],
            "denominator": obs["denominator"],
            "lower": obs["lower"],
            "upper": obs["upper"],
            "source": obs["source_ref"],
        }
    )
    return out.sort_values(["boundary_year", "region", "indicator", "period"]).reset_index(drop=True)


def wide_frame(long: pd.DataFrame) -> pd.DataFrame:
    """One row per region, one column per ``indicator_period``."""
    if long.empty:
        return pd.DataFrame(columns=["region", "region_name", "boundary_year"])
    key = long["indicator"] + "_" + long["period"].astype(str)
    wide = long.assign(key=key).pivot_table(
        index=["region", "region_name", "boundary_year"], columns="key", values="value", aggfunc="first"
    )
    wide.columns.name = None
    return wide.reset_index()


def write(monitor: Monitor, fmt: str, output: Path, lang: str = "nl", **filters) -> int:
    """Write an export; returns the number of rows (observations, or regions for geo formats)."""
    if fmt not in FORMATS:
        raise ValueError(f"onbekend formaat '{fmt}'; kies uit {', '.join(FORMATS)}")
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    long = export_frame(monitor, lang=lang, **filters)
    if fmt == "csv":
        safe_frame(long).to_csv(output, index=False, encoding="utf-8")
        return len(long)
    if fmt == "csv-nl":
        # for Dutch Excel: semicolon, decimal comma, UTF-8 with BOM
        safe_frame(long).to_csv(output, index=False, sep=";", decimal=",", encoding="utf-8-sig")
        return len(long)
    if fmt == "xlsx":
        with pd.ExcelWriter(output, engine="openpyxl") as xw:
            long.to_excel(xw, sheet_name="waarnemingen", index=False)
            meta = pd.DataFrame(
                [
                    {"indicator": i.id, "label": i.label(lang), "eenheid": i.unit, "thema": i.theme,
                     "definitie": i.definition(lang), "bron": "; ".join(s.label() for s in i.sources)}
                    for i in monitor.catalogue if i.id in set(long["indicator"])
                ]
            )
            meta.to_excel(xw, sheet_name="indicatoren", index=False)
            xlsx_no_formulas(xw.book)
        return len(long)
    if fmt == "parquet":
        long.to_parquet(output, index=False)
        return len(long)
    # geo formats: one feature per region with geometry
    import geopandas as gpd
    from shapely.geometry import shape

    wide = wide_frame(long)
    geoms = {}
    for r in monitor.store.regions(codes=sorted(set(wide["region"])), with_geometry=True):
        if r.geometry:
            geoms[(r.code, r.boundary_year)] = shape(json.loads(r.geometry))
    wide["geometry"] = [geoms.get((c, int(y))) for c, y in zip(wide["region"], wide["boundary_year"], strict=True)]
    wide = wide[wide["geometry"].notna()]
    gdf = gpd.GeoDataFrame(wide, geometry="geometry", crs=4326)
    if fmt == "geojson":
        gdf.to_file(output, driver="GeoJSON")
    else:
        gdf.to_file(output, driver="GPKG", layer="kansenmonitor")
    return len(gdf)
