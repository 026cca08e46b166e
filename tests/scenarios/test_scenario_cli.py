"""The CLI: `kansenmonitor scenario new|show|compare|list|adopt` on the small store."""

from __future__ import annotations

import json

import yaml
from typer.testing import CliRunner

from kansenmonitor.cli import app

from .conftest import measure, scenario_doc
from .test_scenarios import counts


def run(*args):
    return CliRunner().invoke(app, list(args))


def test_new_show_compare_and_bad_file(scn_monitor, tmp_path):
    good = tmp_path / "plan.yaml"
    good.write_text(yaml.safe_dump(scenario_doc(naam="Plan A"), allow_unicode=True), encoding="utf-8")
    dry = run("scenario", "new", str(good), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "÷" in dry.output and "Wat niet bekend is" in dry.output and counts(scn_monitor)[0] == 0
    r = run("scenario", "new", str(good))
    assert r.exit_code == 0 and "Bewaard als scenario 'plan-a'" in r.output
    bad = tmp_path / "fout.yaml"
    bad.write_text(yaml.safe_dump(scenario_doc(naam="Plan B", maatregelen=[measure(kosten=-1)])), encoding="utf-8")
    before = counts(scn_monitor)
    r = run("scenario", "new", str(bad))
    assert r.exit_code == 2
    assert "fout.yaml, veld 'maatregel 1: kosten'" in r.output and "niets bewaard" in r.output
    assert counts(scn_monitor) == before
    shown = run("scenario", "show", "plan-a", "--json")
    assert shown.exit_code == 0 and json.loads(shown.output)["id"] == "plan-a"
    r = run("scenario", "new", str(good.with_name("plan2.yaml")))
    assert r.exit_code == 2 and "bestaat niet" in r.output
    good.write_text(yaml.safe_dump(scenario_doc(naam="Plan C", maatregelen=[measure(bereik=300)])), encoding="utf-8")
    assert run("scenario", "new", str(good)).exit_code == 0
    cmp = run("scenario", "compare", "plan-a", "plan-c")
    assert cmp.exit_code == 0 and "Plan A" in cmp.output and "Plan C" in cmp.output
    assert run("scenario", "compare", "plan-a", "nee").exit_code == 2
    assert "plan-a" in run("scenario", "list").output
    adopted = run("scenario", "adopt", "plan-a", "--programme", "regio-deal-elk-talent-telt")
    assert adopted.exit_code == 0, adopted.output
