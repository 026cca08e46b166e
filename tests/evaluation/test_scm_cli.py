"""``kansenmonitor evaluate --method scm`` with predictors, windows and a given V."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from kansenmonitor.cli.evaluate import register

BASQUE = Path(__file__).parent / "fixtures" / "basque.csv"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("version")
    def _version() -> None:
        pass

    return app


@pytest.fixture
def basque_csv(tmp_path) -> Path:
    df = pd.read_csv(BASQUE)
    df["start"] = np.where(df["region"] == "Basque Country (Pais Vasco)", 1970, 0)
    path = tmp_path / "basque.csv"
    df.to_csv(path, index=False)
    return path


def base(path: Path, *extra: str) -> list[str]:
    return ["evaluate", "--data", str(path), "--unit", "region", "--time", "year", "--outcome", "gdpcap",
            "--treated-from", "start", "--method", "scm", *extra]


PREDICTORS = ["--predictor", "gdpcap:1960-1969", "--predictor", "sec_industry:1961-1969/2",
              "--predictor", "school_high:1964-1969", "--predictor", "popdens:1969"]


def test_predictors_from_the_command_line(app, basque_csv):
    res = CliRunner().invoke(app, base(basque_csv, *PREDICTORS, "--fit-periods", "1960-1969", "--json"))
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["predictors"] == ["gdpcap 1960–1969", "sec_industry 1961,1963,1965,1967,1969",
                                 "school_high 1964–1969", "popdens 1969"]
    assert out["v_method"] == "optimised" and out["fit_periods"][0] == 1960
    assert len(out["balance"]) == 4 and out["in_time_summary"][0]["fake_start"] == 1965
    text = CliRunner().invoke(app, base(basque_csv, *PREDICTORS, "--fit-periods", "1960-1969"))
    assert text.exit_code == 0
    assert "Voorspellers vóór de start" in text.stdout and "Placebo's:" in text.stdout
    assert "Controle met een nepstart in 1965" in text.stdout


def test_given_v_and_bad_v(app, basque_csv):
    res = CliRunner().invoke(app, base(basque_csv, *PREDICTORS, "--v", "1,0,0,0", "--json"))
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["v_method"] == "user"
    res = CliRunner().invoke(app, base(basque_csv, *PREDICTORS, "--v", "1,0"))
    assert res.exit_code == 2 and "V heeft 2 waarden, maar er zijn 4 voorspellers" in res.stderr
    res = CliRunner().invoke(app, base(basque_csv, *PREDICTORS, "--v", "een,twee"))
    assert res.exit_code == 2 and "iets anders dan getallen" in res.stderr
    res = CliRunner().invoke(app, base(basque_csv, "--predictor", "gdpcap:1975"))
    assert res.exit_code == 2 and "niet vóór de start" in res.stderr
    res = CliRunner().invoke(app, base(basque_csv, "--fit-periods", "vroeger"))
    assert res.exit_code == 2 and "zijn geen jaren" in res.stderr
    cs = ["evaluate", "--data", str(basque_csv), "--unit", "region", "--time", "year", "--outcome", "gdpcap",
          "--treated-from", "start", "--predictor", "gdpcap"]
    res = CliRunner().invoke(app, cs)
    assert res.exit_code == 2 and "horen bij --method scm" in res.stderr
