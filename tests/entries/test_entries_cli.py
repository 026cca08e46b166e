"""``kansenmonitor report-entry list|approve``: the approving account must be allowed and must not be the one who
entered the entry."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kansenmonitor import entries as en
from kansenmonitor.accounts import service
from kansenmonitor.cli import app
from kansenmonitor.monitor import Monitor
from kansenmonitor.programme.repository import load_programme

runner = CliRunner()
PID = "kansrijk-enschede-2023-2033"


def test_list_and_approve(tmp_path):
    home = tmp_path / "home"
    monitor = Monitor.open(home=home)
    engine = monitor.store.engine
    for user, role, prog in (("eigenaar1", "programma-eigenaar", PID), ("lezer1", "lezer", None),
                             ("beheer1", "beheerder", None)):
        service.add_account(engine, user, "een heel lang testwachtwoord", role, user, None, prog, actor="test")
    entry = en.create_entry(monitor.store, load_programme(PID), "uitgaven", "int-naschools",
                            {"jaar": "2024", "bedrag": "500", "bron": "npo"}, "eigenaar1")
    monitor.close()
    base = ["--home", str(home)]
    listed = runner.invoke(app, [*base, "report-entry", "list", "--programme", PID, "--json"])
    assert listed.exit_code == 0, listed.output
    assert [(e["id"], e["state"]) for e in json.loads(listed.stdout)] == [(entry.id, "concept")]
    own = runner.invoke(app, [*base, "report-entry", "approve", entry.id, "--programme", PID, "--as", "eigenaar1"])
    assert own.exit_code == 2 and "eigen melding" in own.output
    reader = runner.invoke(app, [*base, "report-entry", "approve", entry.id, "--programme", PID, "--as", "lezer1"])
    assert reader.exit_code == 2 and "mag" in reader.output
    ok = runner.invoke(app, [*base, "report-entry", "approve", entry.id, "--programme", PID, "--as", "beheer1"])
    assert ok.exit_code == 0, ok.output
    listed = runner.invoke(app, [*base, "report-entry", "list", "--programme", PID, "--state", "vastgesteld"])
    assert entry.id in listed.stdout
