"""Callaway & Sant'Anna with few treated units: a warning and randomisation inference that keeps its size."""

from __future__ import annotations

import numpy as np
import pytest
from evalsim import staggered_panel, to_frame

from kansenmonitor.analysis.evaluation import Panel, callaway_santanna

KW = dict(unit="unit", time="year", outcome="y", treated_from="start")


def _one_treated(rng: np.random.Generator, n: int = 30, effect: float = 0.0, n_treated: int = 1) -> Panel:
    # effect=0 in the generator: only the first n_treated units are treated, with ``effect`` from period 4
    y, g, _ = staggered_panel(rng, n=n, T=6, cohorts=(4,), p_never=0.9, effect=0.0, dynamic=0.0)
    g[:] = np.inf
    g[:n_treated] = 4
    y[:n_treated, 4:] += effect
    return Panel.from_frame(to_frame(y, g), **KW)


def test_size_of_permutation_inference_with_one_treated_unit():
    """Under the null the asymptotic test rejects far too often with one treated unit; permutation does not."""
    rng = np.random.default_rng(1604)
    perm, asym = [], []
    for _ in range(60):
        panel = _one_treated(rng)
        res = callaway_santanna(panel, bootstrap=0, design=False, inference="permutation", permutations=39, seed=1)
        perm.append(res.p_value <= 0.05)
        asym.append(callaway_santanna(panel, bootstrap=0, design=False, inference="asymptotic").p_value <= 0.05)
    assert np.mean(perm) <= 0.15
    assert np.mean(asym) >= 0.3


def test_permutation_inference_still_detects_a_large_effect():
    rng = np.random.default_rng(7)
    hits = [
        callaway_santanna(_one_treated(rng, effect=6.0), bootstrap=0, design=False, permutations=39, seed=2).p_value
        <= 0.05
        for _ in range(10)
    ]
    assert np.mean(hits) >= 0.7


def test_auto_inference_warns_and_drops_the_interval():
    res = callaway_santanna(_one_treated(np.random.default_rng(3), n_treated=2), bootstrap=0, permutations=99, seed=4)
    assert res.inference == "permutation" and res.permutations == 99
    assert res.se is None and res.ci_low is None and res.ci_high is None
    assert 0 < res.p_value <= 1
    m = {w.code: w for w in res.warnings}
    assert "few_treated" in m and "permutatietoets" in m["few_treated"].nl
    assert res.design.mde_basis.startswith("permutation")
    text = res.interpret()
    assert "95%-interval" not in text
    # with two treated units the asymptotic pre-trend test "rejects" parallel trends that hold (p ~ 1e-44);
    # the text does not trust it
    assert res.design.pretrend.rejected
    assert "ook die toets niet betrouwbaar" in text and "niet betrouwbaar; het verschil" not in text
    # the same seed gives the same p-value
    again = callaway_santanna(_one_treated(np.random.default_rng(3), n_treated=2), bootstrap=0, permutations=99, seed=4)
    assert again.p_value == res.p_value


def test_many_treated_units_keep_asymptotic_inference():
    y, g, _ = staggered_panel(np.random.default_rng(5), n=120, T=6, cohorts=(3, 5), effect=1.0)
    res = callaway_santanna(Panel.from_frame(to_frame(y, g), **KW), bootstrap=0)
    assert res.inference == "asymptotic" and res.se is not None
    assert "few_treated" not in {w.code for w in res.warnings}


def test_asymptotic_inference_on_request_with_few_treated_still_warns():
    res = callaway_santanna(_one_treated(np.random.default_rng(6)), bootstrap=0, inference="asymptotic")
    assert res.se is not None and res.inference == "asymptotic"
    assert "Kies de permutatietoets" in {w.code: w for w in res.warnings}["few_treated"].nl
    with pytest.raises(ValueError):
        callaway_santanna(_one_treated(np.random.default_rng(6)), inference="wild")


def test_cli_inference_option(tmp_path):
    import json

    import typer
    from typer.testing import CliRunner

    from kansenmonitor.cli.evaluate import register

    app = typer.Typer()
    register(app)
    app.command("version")(lambda: None)
    y, g, _ = staggered_panel(np.random.default_rng(11), n=30, T=6, cohorts=(4,), p_never=0.9, effect=0.0)
    g[:] = np.inf
    g[:2] = 4
    path = tmp_path / "p.csv"
    to_frame(y, g).to_csv(path, index=False)
    base = ["evaluate", "--data", str(path), "--unit", "unit", "--time", "year", "--outcome", "y",
            "--treated-from", "start", "--bootstrap", "0", "--seed", "1", "--json"]
    out = json.loads(CliRunner().invoke(app, [*base, "--permutations", "49"]).stdout)
    assert out["inference"] == "permutation" and out["permutations"] == 49 and out["ci_low"] is None
    out = json.loads(CliRunner().invoke(app, [*base, "--inference", "asymptotic"]).stdout)
    assert out["inference"] == "asymptotic" and out["ci_low"] is not None
    bad = CliRunner().invoke(app, [*base, "--inference", "wild"])
    assert bad.exit_code == 2 and "kies auto, asymptotic of permutation" in bad.stderr
