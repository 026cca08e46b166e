"""Report definitions are data: the shipped ones validate, and a bad one names the line and changes nothing."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kansenmonitor.cli import app
from kansenmonitor.core.errors import DefinitionError
from kansenmonitor.reports.definition import definitions, parse_definition, shipped_files

GOOD = """id: mijn-profiel
kind: wijkprofiel
title: Mijn profiel
levels: [buurt]
sections:
  - kaart
  - kerncijfers
indicators:
  - moeite_met_rondkomen_18plus
  - ervaren_gezondheid_goed_18plus
  - eenzaam_18plus
  - regie_eigen_leven_18plus
  - vrijwilligerswerk_18plus
  - misdrijven_per_1000
  - pct_0_14
  - pct_65plus
"""


def _issues(text: str, monitor) -> list:
    known = {i.id for i in monitor.catalogue}
    aggs = {i.id: i.aggregation.value for i in monitor.catalogue}
    with pytest.raises(DefinitionError) as info:
        parse_definition(text, "mijn.yaml", known, aggs)
    return info.value.issues


def test_shipped_definitions_validate_against_the_catalogue(demo_monitor):
    defs = definitions(demo_monitor)
    assert set(shipped_files()) <= set(defs)
    wp = defs["wijkprofiel"]
    assert wp.kind == "wijkprofiel" and 8 <= len(wp.indicators) <= 12
    assert wp.conversation.texts("questions", "nl") and wp.conversation.texts("questions", "en")
    assert all(demo_monitor.catalogue[i].aggregation.value != "sum" for i in wp.indicators)


def test_a_good_definition_parses(demo_monitor):
    d = parse_definition(GOOD, "mijn.yaml", {i.id for i in demo_monitor.catalogue})
    assert d.id == "mijn-profiel" and d.sections == ("kaart", "kerncijfers") and d.levels == ("buurt",)
    assert d.label("en") == "Mijn profiel"  # no English title: the Dutch one


def test_unknown_indicator_names_its_line(demo_monitor):
    issues = _issues(GOOD.replace("  - pct_65plus", "  - pct_65_plus"), demo_monitor)
    assert [(i.row, i.field) for i in issues] == [(16, "indicators")]
    assert "pct_65_plus" in issues[0].message


def test_unknown_section_and_level_name_their_lines(demo_monitor):
    text = GOOD.replace("  - kaart", "  - plattegrond").replace("levels: [buurt]", "levels: [straat]")
    issues = _issues(text, demo_monitor)
    assert {(i.row, i.field) for i in issues} == {(4, "levels"), (6, "sections")}
    assert "plattegrond" in " ".join(i.message for i in issues)


def test_counts_too_few_numbers_and_unknown_fields_are_refused(demo_monitor):
    text = GOOD.replace("  - pct_0_14\n", "  - inwoners\n").replace("  - pct_65plus\n", "") + "kleur: blauw\n"
    issues = _issues(text, demo_monitor)
    messages = " | ".join(f"{i.row}:{i.field}:{i.message}" for i in issues)
    assert "15:indicators:'inwoners' is een aantal" in messages
    assert "8:indicators:een wijkprofiel heeft 8 tot 12 kerncijfers, deze definitie noemt er 7" in messages
    assert "16:kleur:onbekend veld" in messages


def test_kind_and_yaml_errors():
    with pytest.raises(DefinitionError) as info:
        parse_definition(GOOD.replace("kind: wijkprofiel", "kind: jaarverslag"), "x.yaml")
    assert info.value.issues[0].row == 2 and "jaarverslag" in info.value.issues[0].message
    with pytest.raises(DefinitionError) as info:
        parse_definition("id: [x\n", "x.yaml")
    assert "geen geldige YAML" in info.value.issues[0].message


def test_cli_with_a_bad_definition_writes_nothing(demo_home, tmp_path, monkeypatch):
    monkeypatch.setenv("KANSENMONITOR_HOME", str(demo_home))
    bad = tmp_path / "slecht.yaml"
    bad.write_text(GOOD.replace("  - eenzaam_18plus", "  - eenzaamheid"), encoding="utf-8")
    target = tmp_path / "uit.pdf"
    result = CliRunner().invoke(app, ["report", "build", str(bad), "--area", "BU01530603", "-o", str(target)])
    assert result.exit_code == 2
    assert "rij 11" in result.output and "eenzaamheid" in result.output
    assert not target.exists() and not list(tmp_path.glob("*.pdf"))
