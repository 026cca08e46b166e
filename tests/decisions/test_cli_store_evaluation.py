"""From an intervention in the database to a saved evaluation to a recorded decision."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from kansenmonitor.cli import app

runner = CliRunner()


def test_evaluate_intervention_then_decide(demo_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    base = ["--home", str(home)]
    result = runner.invoke(app, [*base, "evaluate", "--programme", "regio-deal-elk-talent-telt",
                                 "--intervention", "int-bereik-voorschool", "--indicator",
                                 "ervaren_gezondheid_goed_18plus", "--start", "2020", "--method", "cs",
                                 "--control", "notyet", "--bootstrap", "99", "--seed", "3", "--json",
                                 "--save", "voorschool-gezondheid"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout[result.stdout.index("{"):])
    assert payload["n_treated"] == 5  # the 4 Wesselerbrink buurten and Twekkelerveld
    assert "FG-ALMELO-SPOORZONE" in result.output  # a place that is not a region is named, not ignored
    saved = runner.invoke(app, [*base, "evaluations", "show", "voorschool-gezondheid"])
    assert json.loads(saved.stdout)["source"]["intervention"] == "int-bereik-voorschool"
    decided = runner.invoke(app, [*base, "decision", "add", "--programme", "regio-deal-elk-talent-telt",
                                  "--intervention", "int-bereik-voorschool", "--decision", "bijstellen",
                                  "--rationale", "Trends liepen voor de start al uiteen; eerst een betere 0-meting.",
                                  "--by", "stuurgroep Regio Deal", "--date", "2026-11-23",
                                  "--evidence", "evaluation:voorschool-gezondheid"])
    assert decided.exit_code == 0, decided.output
    log = runner.invoke(app, [*base, "decision", "list", "--programme", "regio-deal-elk-talent-telt", "--json"])
    entries = json.loads(log.stdout)
    assert entries[0]["decision"] == "adjust" and entries[0]["evidence"][0]["ref"] == "voorschool-gezondheid"


def test_decision_on_unsaved_evaluation_is_refused(demo_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    result = runner.invoke(app, ["--home", str(home), "decision", "add", "--programme", "regio-deal-elk-talent-telt",
                                 "--intervention", "int-bereik-voorschool", "--decision", "stoppen",
                                 "--rationale", "x", "--by", "college", "--evidence", "evaluation:bestaat-niet"])
    assert result.exit_code == 2 and "bestaat-niet" in result.output


def test_evaluate_needs_a_start_year(demo_home):
    result = runner.invoke(app, ["--home", str(demo_home), "evaluate", "--programme", "regio-deal-elk-talent-telt",
                                 "--intervention", "int-bereik-voorschool", "--indicator", "inwoners"])
    assert result.exit_code == 2 and "--start" in result.output
