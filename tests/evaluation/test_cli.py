"""The ``evaluate`` CLI command, mounted on a fresh Typer app."""

from __future__ import annotations

import json

import numpy as np
import pytest
import typer
from evalsim import staggered_panel, to_frame
from typer.testing import CliRunner

from kansenmonitor.cli.evaluate import register


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("version")
    def _version() -> None:  # a second command so Typer keeps subcommand names
        pass

    return app


@pytest.fixture
def csv(tmp_path):
    y, g, _ = staggered_panel(np.random.default_rng(8), n=120, T=7, cohorts=(3, 5), effect=1.0)
    path = tmp_path / "wijken.csv"
    to_frame(y, g, start_year=2017).to_csv(path, index=False)
    return path


def args(csv, *extra):
    return [
        "evaluate",
        "--data",
        str(csv),
        "--unit",
        "unit",
        "--time",
        "year",
        "--outcome",
        "y",
        "--treated-from",
        "start",
        *extra,
    ]


def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)
    except TypeError:  # click >= 8.2 always keeps stderr apart
        return CliRunner()


def test_json_output(app, csv):
    res = runner().invoke(app, args(csv, "--method", "cs", "--json", "--bootstrap", "99", "--seed", "1"))
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["method"] == "cs" and d["bootstrap"] == 99 and d["seed"] == 1
    assert d["estimate"] > 0.5 and d["interpretation"].startswith("We vergeleken")
    again = json.loads(runner().invoke(app, args(csv, "--json", "--bootstrap", "99", "--seed", "1")).stdout)
    assert again["se"] == d["se"]


def test_human_output_in_dutch(app, csv):
    res = runner().invoke(app, args(csv, "--method", "cs", "--control", "notyet", "--bootstrap", "0"))
    assert res.exit_code == 0, res.output
    assert "Effectschatting" in res.stdout and "Schatting" in res.stdout and "Na de start" in res.stdout


def test_english_json(app, csv):
    res = runner().invoke(app, args(csv, "--json", "--bootstrap", "0", "--lang", "en"))
    assert json.loads(res.stdout)["interpretation"].startswith("We compared")


@pytest.mark.parametrize("method", ["did", "scm", "its"])
def test_other_methods_give_clear_errors_or_results(app, tmp_path, method):
    y, g, _ = staggered_panel(np.random.default_rng(9), n=30, T=8, cohorts=(4,), p_never=0.9, effect=1.0)
    if method in ("scm", "its"):
        g[:] = np.inf
        g[0] = 4
    path = tmp_path / "p.csv"
    to_frame(y, g).to_csv(path, index=False)
    res = runner().invoke(app, args(path, "--method", method, "--json"))
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["method"] == method


def test_bad_input_exit_code_2_on_stderr(app, csv, tmp_path):
    res = runner().invoke(app, args(csv, "--outcome", "nope"))
    assert res.exit_code == 2
    assert "kolom 'nope' ontbreekt" in res.stderr and res.stdout == ""
    res = runner().invoke(app, args(csv, "--method", "did"))
    assert res.exit_code == 2 and "--method cs" in res.stderr
    res = runner().invoke(app, args(csv, "--method", "xyz"))
    assert res.exit_code == 2 and "onbekende methode" in res.stderr
    res = runner().invoke(app, args(tmp_path / "missing.csv"))
    assert res.exit_code == 2 and "niet gevonden" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wijken.csv"]
