"""The catalogue validates on load; every command has --help and is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kansenmonitor.cli import app
from kansenmonitor.core.catalogue import load_catalogue, parse_catalogue_file
from kansenmonitor.core.errors import DefinitionError
from kansenmonitor.core.model import gemeente_of, level_of_code, wijk_of

runner = CliRunner()
DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_shipped_catalogue_is_valid():
    cat = load_catalogue()
    assert len(cat) > 100
    assert cat["moeite_met_rondkomen_18plus"].polarity.value == "higher_is_worse"
    assert cat["pct_0_14"].numerator == "inwoners_0_14"
    assert cat.by_source_column("50090NED", "Eenzaam_28", {"Leeftijd": "80200", "Marges": "MW00000"}).id == "eenzaam_65plus"


def test_bad_catalogue_file_names_line_and_field(tmp_path):
    path = tmp_path / "eigen.yaml"
    path.write_text("indicators:\n  - id: a\n    label: A\n    unit: '%'\n    theme: t\n    aggregation: sum\n"
                    "  - id: b\n    label: B\n    unit: '%'\n    theme: t\n    polarity: beter\n    aggregation: sum\n",
                    encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        parse_catalogue_file(path)
    issues = {(i.row, i.field) for i in info.value.issues}
    assert (2, "polarity") in issues and (7, "polarity") in issues


def test_municipality_adds_its_own_catalogue(tmp_path):
    (tmp_path / "catalogue").mkdir()
    (tmp_path / "catalogue" / "enschede.yaml").write_text(
        "indicators:\n  - id: vve_bereik\n    label: {nl: Bereik VVE, en: Reach of early education}\n"
        "    unit: '%'\n    theme: onderwijs\n    polarity: higher_is_better\n    aggregation: none\n"
        "    sources:\n      - {publisher: Gemeente Enschede, table: eigen registratie}\n", encoding="utf-8")
    cat = load_catalogue(home=tmp_path)
    assert cat["vve_bereik"].label("en") == "Reach of early education"


def test_codes():
    assert level_of_code("BU0363AA01").value == "buurt"
    assert gemeente_of("BU01530301") == "GM0153" and wijk_of("BU01530301") == "WK015303"
    assert level_of_code("FG-WESSELERBRINK") is None


def _commands(typer_app, prefix=()):
    import typer.main

    group = typer.main.get_command(typer_app)
    stack = [(prefix, group)]
    while stack:
        path, cmd = stack.pop()
        yield path
        for name, sub in getattr(cmd, "commands", {}).items():
            stack.append(((*path, name), sub))


@pytest.mark.parametrize("path", sorted(_commands(app)))
def test_every_command_has_help(path):
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_every_command_is_documented():
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    missing = []
    for path in _commands(app):
        if not path:
            continue
        if f"kansenmonitor {' '.join(path)}" not in text:
            missing.append(" ".join(path))
    assert not missing, f"not documented in docs/: {missing}"


def test_import_kinds_documented():
    text = (DOCS / "importeren.md").read_text(encoding="utf-8")
    for kind in ("statline", "odata", "wbk", "wide", "long", "boundaries"):
        assert re.search(rf"kansenmonitor import {kind}\b", text), kind
