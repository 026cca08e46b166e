"""``kansenmonitor evaluate`` with sdid, ascm and scm --leave-one-out, and its JSON error documents."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from kansenmonitor.cli.evaluate import register

FIX = Path(__file__).parent / "fixtures"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("version")
    def _version() -> None:
        pass

    return app


@pytest.fixture
def ca_csv(tmp_path) -> Path:
    df = pd.read_csv(FIX / "california_prop99.csv")
    df["start"] = np.where(df["State"] == "California", 1989, 0)
    path = tmp_path / "ca.csv"
    df.to_csv(path, index=False)
    return path


def args(path: Path, method: str, *extra: str) -> list[str]:
    return ["evaluate", "--data", str(path), "--unit", "State", "--time", "Year", "--outcome", "PacksPerCapita",
            "--treated-from", "start", "--method", method, *extra]


def test_sdid_from_the_command_line(app, ca_csv):
    res = CliRunner().invoke(app, args(ca_csv, "sdid", "--replications", "20", "--json"))
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["method"] == "sdid" and round(out["estimate"], 1) == -15.6
    assert round(out["sc_estimate"], 1) == -19.6 and round(out["did_estimate"], 1) == -27.3
    assert out["se_method"] == "placebo" and out["replications"] == 20 and out["se"] > 0
    text = CliRunner().invoke(app, args(ca_csv, "sdid", "--replications", "20"))
    assert text.exit_code == 0
    assert "Jaren vóór de start die meetellen" in text.stdout and "synthetische verschil-in-verschillen" in text.stdout


def test_ascm_and_leave_one_out_from_the_command_line(app, ca_csv):
    res = CliRunner().invoke(app, args(ca_csv, "ascm", "--json", "--lang", "en"))
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["method"] == "ascm" and out["lambda_"] > 0 and len(out["weights"]) == 38
    assert "augmented synthetic control" in out["interpretation"]
    text = CliRunner().invoke(app, args(ca_csv, "ascm", "--ridge-lambda", "10"))
    assert text.exit_code == 0 and "ridge-parameter 10" in text.stdout
    loo = CliRunner().invoke(app, args(ca_csv, "scm", "--leave-one-out"))
    assert loo.exit_code == 0, loo.output
    assert "Zonder één vergelijkingseenheid" in loo.stdout and "Zonder vergelijkingseenheid '" in loo.stdout


def test_errors_are_problem_json_on_stderr(app, ca_csv):
    res = CliRunner().invoke(app, args(ca_csv, "sdid", "--ridge-lambda", "3", "--json", "--lang", "en"))
    assert res.exit_code == 2 and res.stdout == ""
    body = json.loads(res.stderr)
    assert body["title"].startswith("Invalid input") and body["status"] == 2
    assert body["detail"] == "--ridge-lambda belongs to --method ascm." and body["detail_lang"] == "en"
    nl = CliRunner().invoke(app, args(ca_csv, "ascm", "--se-method", "placebo", "--json"))
    assert nl.exit_code == 2
    assert json.loads(nl.stderr)["detail"] == "--se-method en --replications horen bij --method sdid."
    # a data problem found by the estimator: the issues name the field and what to do
    bad = CliRunner().invoke(app, args(ca_csv, "sdid", "--se-method", "jackknife", "--json", "--lang", "en"))
    assert bad.exit_code == 2
    body = json.loads(bad.stderr)
    assert body["issues"][0]["hint"].startswith("Choose --se-method placebo") and body["detail_lang"] == "en"
    plain = CliRunner().invoke(app, args(ca_csv, "nope", "--lang", "en"))
    assert plain.exit_code == 2 and "Error:" in plain.stderr and "unknown method 'nope'" in plain.stderr
