"""Exports: standard CSV/Parquet/GeoJSON/GeoPackage, and CSV for Dutch Excel."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from kansenmonitor import exports
from kansenmonitor.cli import app

runner = CliRunner()


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_export_formats(demo_home, tmp_path, fmt):
    out = tmp_path / f"export.{fmt.replace('csv-nl', 'csv')}"
    result = runner.invoke(app, ["--home", str(demo_home), "export", "--format", fmt, "--output", str(out),
                                 "--gemeente", "GM0153", "--level", "buurt", "--indicator", "inwoners",
                                 "--indicator", "woz_waarde", "--period", "2024"])
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        df = pd.read_csv(out)
        assert set(df["indicator"]) == {"inwoners", "woz_waarde"} and len(df) == 140
        assert df["source"].notna().all()
    elif fmt == "csv-nl":
        raw = out.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        assert text.splitlines()[0].startswith("region;region_name;")
        df = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig")
        assert df[df["indicator"] == "inwoners"]["value"].sum() == pytest.approx(161_740, abs=100)
    elif fmt == "xlsx":
        sheets = pd.read_excel(out, sheet_name=None)
        assert set(sheets) == {"waarnemingen", "indicatoren"}
    elif fmt == "parquet":
        assert len(pd.read_parquet(out)) == 140
    elif fmt == "geojson":
        fc = json.loads(out.read_text(encoding="utf-8"))
        assert len(fc["features"]) == 70 and "inwoners_2024" in fc["features"][0]["properties"]
    elif fmt == "gpkg":
        import geopandas as gpd

        assert len(gpd.read_file(out)) == 70


def test_unknown_format(demo_home, tmp_path):
    result = runner.invoke(app, ["--home", str(demo_home), "export", "--format", "pdf", "--output", str(tmp_path / "x")])
    assert result.exit_code == 2 and "csv-nl" in result.output
