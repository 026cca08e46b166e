"""Definitions: the shipped ones load; bad ones name file and line, and nothing is computed."""

from __future__ import annotations

import textwrap

import pytest

from kansenmonitor.core.errors import DefinitionError, KansenmonitorError
from kansenmonitor.indices import definition_files, load_definition

GOOD_HEAD = """\
id: proef
version: "2"
steps: {normalisation: zscore, weights: expert}
"""


def _write(tmp_path, body: str):
    p = tmp_path / "proef.yaml"
    p.write_text(textwrap.dedent(body), encoding="utf-8")
    return p


def _issues(tmp_path, body, catalogue):
    p = _write(tmp_path, body)
    with pytest.raises(DefinitionError) as exc:
        load_definition(p, catalogue=catalogue)
    assert isinstance(exc.value, ValueError) and isinstance(exc.value, KansenmonitorError)
    return p, exc.value.issues


def test_shipped_definitions_load(demo_monitor):
    ids = sorted(p.stem for p in definition_files())
    assert ids == ["meervoudige_achterstand", "urgentie"]
    for i in ids:
        d = load_definition(i, catalogue=demo_monitor.catalogue)
        assert d.version and len(d.themes) == 6
    u = load_definition("urgentie", catalogue=demo_monitor.catalogue)
    assert [t.id for t in u.themes if not t.indicators] == ["klimaat"]
    for t in u.themes:
        for spec in t.missing:
            assert spec.source and spec.label


def test_missing_indicator_named_with_line(tmp_path, demo_monitor):
    p, issues = _issues(tmp_path, GOOD_HEAD + """\
themes:
  - id: inkomen
    indicators:
      - id: moeite_met_rondkomen_18plus
      - id: bestaat_niet
""", demo_monitor.catalogue)
    assert len(issues) == 1
    assert issues[0].file == str(p) and issues[0].row == 8 and issues[0].field == "id"
    assert "bestaat_niet" in issues[0].message


def test_weights_not_summing_as_declared(tmp_path, demo_monitor):
    p, issues = _issues(tmp_path, GOOD_HEAD + """\
weights: {sum: 1}
themes:
  - id: inkomen
    weight: 0.5
    indicators: [moeite_met_rondkomen_18plus]
  - id: gezondheid
    weight: 0.4
    indicators: [ervaren_gezondheid_goed_18plus]
""", demo_monitor.catalogue)
    assert [(i.row, i.field) for i in issues] == [(4, "weights.sum")]
    assert "0.9" in issues[0].message and "regel 6" in issues[0].message


def test_polarity_missing_for_neutral_catalogue_indicator(tmp_path, demo_monitor):
    assert demo_monitor.catalogue["woz_waarde"].polarity.value == "neutral"
    p, issues = _issues(tmp_path, GOOD_HEAD + """\
themes:
  - id: wonen
    indicators:
      - id: woz_waarde
""", demo_monitor.catalogue)
    assert [(i.row, i.field) for i in issues] == [(7, "polarity")]
    assert "neutraal" in issues[0].message


def test_empty_theme(tmp_path, demo_monitor):
    p, issues = _issues(tmp_path, GOOD_HEAD + """\
themes:
  - id: inkomen
    indicators: [moeite_met_rondkomen_18plus]
  - id: leeg
    indicators: []
""", demo_monitor.catalogue)
    assert [(i.row, i.field) for i in issues] == [(7, "indicators")]
    assert "leeg" in issues[0].message


def test_several_problems_reported_together(tmp_path, demo_monitor):
    p, issues = _issues(tmp_path, GOOD_HEAD.replace("zscore", "logaritme") + """\
themes:
  - id: a
    indicators: [nope]
  - id: b
""", demo_monitor.catalogue)
    fields = {i.field for i in issues}
    assert {"steps.normalisation", "id", "indicators"} <= fields


def test_unknown_index_id(demo_monitor):
    with pytest.raises(LookupError, match="urgentie"):
        load_definition("onbekend", catalogue=demo_monitor.catalogue)


def test_supplementary_catalogue_is_valid_and_covers_wanted_ids(demo_monitor):
    from importlib import resources
    from pathlib import Path

    from kansenmonitor.core.catalogue import parse_catalogue_file

    path = Path(str(resources.files("kansenmonitor.indices") / "aanvullende_indicatoren.yaml"))
    extra = {i.id for i in parse_catalogue_file(path)}
    for did in ("urgentie", "meervoudige_achterstand"):
        d = load_definition(did, catalogue=demo_monitor.catalogue)
        wanted = {s.id for t in d.themes for s in t.missing}
        assert wanted <= extra | set(i.id for i in demo_monitor.catalogue)
