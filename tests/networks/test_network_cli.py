"""CLI: ``kansenmonitor network import|list|show`` and ``kansenmonitor survey network`` on a copy of the demo."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from kansenmonitor.cli import app


@pytest.fixture(scope="module")
def home(demo_home, tmp_path_factory):
    target = tmp_path_factory.mktemp("net-cli") / "home"
    shutil.copytree(demo_home, target)
    return target


def run(home, *args):
    return CliRunner().invoke(app, ["--home", str(home), *args])


def test_network_import_list_show(home, tmp_path):
    e = tmp_path / "v.csv"
    e.write_text("source;target;weight\nschool-a;wijkteam;2\nwijkteam;bieb;1\n", encoding="utf-8")
    r = run(home, "network", "import", str(e), "--naam", "proef", "--titel", "Proef")
    assert r.exit_code == 0, r.output
    assert "versie 1" in r.output and "3 knopen en 2 verbindingen" in r.output
    bad = tmp_path / "bad.csv"
    bad.write_text("source;target\na;a\n", encoding="utf-8")
    r = run(home, "network", "import", str(bad), "--naam", "proef")
    assert r.exit_code != 0 and "rij 2, veld 'target'" in r.output and "zichzelf" in r.output
    listing = json.loads(run(home, "network", "list", "--json").output)
    assert {n["name"]: n["version"] for n in listing}["proef"] == 1
    shown = json.loads(run(home, "network", "show", "proef", "--json").output)
    assert shown["delen"] == 1
    assert {n["id"]: n["betweenness"] for n in shown["knopen"]}["wijkteam"] == pytest.approx(1.0)
    demo = run(home, "network", "show", "samenwerking-enschede-zuid")
    assert demo.exit_code == 0 and "Synthetische gegevens" in demo.output
    missing = run(home, "network", "show", "bestaat-niet")
    assert missing.exit_code != 0 and "niet ingelezen" in missing.output


def test_survey_network_by_area_and_by_class(home):
    r = run(home, "survey", "network", "--niveau", "wijk", "--gemeente", "GM0153", "--json")
    assert r.exit_code == 0, r.output
    body = json.loads(r.output)
    assert body["synthetisch"] is True and {x["level"] for x in body["indicatoren"]} == {"wijk"}
    assert all(x["value"] is None or x["respondents"] >= 30 for x in body["indicatoren"])
    from kansenmonitor.monitor import Monitor
    from kansenmonitor.surveys import classes

    m = Monitor.open(home=home, url=f"sqlite:///{home / 'kansenmonitor.sqlite'}")
    model = classes.result(m)
    r = run(home, "survey", "network", "--model", model.id, "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)["indicatoren"]
    assert {x["cls"] for x in rows} == set(range(1, model.k + 1)) and {x["level"] for x in rows} == {"gemeente"}
    bad = run(home, "survey", "network", "--niveau", "land")
    assert bad.exit_code != 0 and "--niveau 'land'" in bad.output
