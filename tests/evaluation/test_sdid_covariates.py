"""Synthetic difference-in-differences with time-varying covariates, as R synthdid fits them
(``sc.weight.fw.covariates``: weights and coefficients together), against synthdid-py (a port of R synthdid,
test-only dependency) on California's Proposition 99 with two covariates made in the test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kansenmonitor.analysis.evaluation import Panel, PanelError, synthetic_did
from kansenmonitor.analysis.evaluation.sdid import _standardised, projected_coefficients, sdid_fit

FIX = Path(__file__).parent / "fixtures"



def _data(seed: int = 5) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, int, int]:
    df = pd.read_csv(FIX / "california_prop99.csv")
    wide = df.pivot(index="State", columns="Year", values="PacksPerCapita")
    order = [s for s in wide.index if s != "California"] + ["California"]
    Y = wide.loc[order].to_numpy(float)
    rng = np.random.default_rng(seed)
    T = Y.shape[1]
    x1 = (Y - Y.mean()) / Y.std() + rng.normal(0, 0.3, size=Y.shape)  # related to the outcome
    x2 = 0.5 * rng.normal(size=Y.shape) + np.linspace(0, 1, T)[None, :]  # a common drift plus noise
    X = np.stack([x1, x2], axis=2)
    long = df.copy()
    pos = {s: i for i, s in enumerate(order)}
    years = sorted(df["Year"].unique())
    long["x1"] = [x1[pos[s], years.index(y)] for s, y in zip(long["State"], long["Year"], strict=True)]
    long["x2"] = [x2[pos[s], years.index(y)] for s, y in zip(long["State"], long["Year"], strict=True)]
    long["start"] = np.where(long["State"] == "California", 1989, 0)
    return long, Y, X, len(order) - 1, years.index(1989)


def test_optimized_joint_fit_equals_synthdid_port():
    """R synthdid's own method (``sc.weight.fw.covariates``), step for step."""
    sd = pytest.importorskip("synthdid")
    _, Y, X, N0, T0 = _data()
    ref = sd.synthdid_estimate(Y, N0, T0, X=X)
    ours = sdid_fit(Y, N0, T0, X=X)
    assert ours.estimate == pytest.approx(float(ref), abs=1e-9)
    np.testing.assert_allclose(ours.omega, np.asarray(ref.weights.omega), atol=1e-10)
    np.testing.assert_allclose(ours.lam, np.asarray(ref.weights.lambda_), atol=1e-10)
    np.testing.assert_allclose(ours.beta, np.asarray(ref.weights.beta), rtol=1e-9)


def test_projected_coefficients_are_the_two_way_fixed_effects_regression_on_the_donors():
    import statsmodels.formula.api as smf

    long, Y, X, N0, T0 = _data()
    beta = projected_coefficients(Y[:N0], X[:N0])
    donors = long[long["State"] != "California"]
    fe = smf.ols("PacksPerCapita ~ x1 + x2 + C(State) + C(Year)", data=donors).fit()
    np.testing.assert_allclose(beta, [fe.params["x1"], fe.params["x2"]], rtol=1e-9)


def test_projected_sdid_is_synthdid_on_the_adjusted_outcome():
    sd = pytest.importorskip("synthdid")
    long, Y, X, N0, T0 = _data()
    panel = Panel.from_frame(long, unit="State", time="Year", outcome="PacksPerCapita", treated_from="start",
                             covariates=("x1", "x2"))
    res = synthetic_did(panel, replications=20, seed=2)
    Xs = np.stack([_standardised(X[:, :, 0]), _standardised(X[:, :, 1])], axis=2)
    adjusted = Y - Xs @ projected_coefficients(Y[:N0], Xs[:N0])
    ref = sd.synthdid_estimate(adjusted, N0, T0)
    assert res.covariate_method == "projected"
    assert res.estimate == pytest.approx(float(ref), abs=1e-8)
    w = dict(zip(res.unit_weights["donor"], res.unit_weights["weight"], strict=True))
    assert max(w.values()) == pytest.approx(float(np.max(ref.weights.omega)), abs=1e-9)
    assert list(res.covariate_coefficients["covariate"]) == ["x1", "x2"]
    assert res.se_method == "placebo" and np.isfinite(res.se) and res.se > 0
    plain = synthetic_did(Panel.from_frame(long, unit="State", time="Year", outcome="PacksPerCapita",
                                           treated_from="start"), se_method="none")
    assert plain.covariate_coefficients is None and plain.covariate_method is None
    assert plain.estimate != pytest.approx(res.estimate, abs=1e-3)


def test_jackknife_with_projected_covariates():
    df = pd.read_csv(FIX / "california_prop99.csv")
    rng = np.random.default_rng(8)
    df["x1"] = (df["PacksPerCapita"] - df["PacksPerCapita"].mean()) / df["PacksPerCapita"].std() \
        + rng.normal(0, 0.3, len(df))
    df["start"] = np.where(df["State"].isin(["California", "Nevada", "Utah"]), 1989, 0)
    panel = Panel.from_frame(df, unit="State", time="Year", outcome="PacksPerCapita", treated_from="start",
                             covariates=("x1",))
    res = synthetic_did(panel)
    assert res.se_method == "jackknife" and np.isfinite(res.se) and res.se > 0
    assert res.ci_low < res.estimate < res.ci_high


def test_a_covariate_in_large_units_does_not_run_off():
    """R's plain 1/t gradient steps diverge on a covariate in large units; standardised covariates do not
    (and the projected coefficients do not care about units at all)."""
    long, Y, X, N0, T0 = _data()
    long["x1"] = long["x1"] * 250 + 4000  # e.g. euros instead of standard deviations
    panel = Panel.from_frame(long, unit="State", time="Year", outcome="PacksPerCapita", treated_from="start",
                             covariates=("x1",))
    small = Panel.from_frame(_data()[0], unit="State", time="Year", outcome="PacksPerCapita",
                             treated_from="start", covariates=("x1",))
    res = synthetic_did(panel, se_method="none")
    ref = synthetic_did(small, se_method="none")
    assert np.isfinite(res.estimate) and res.estimate == pytest.approx(ref.estimate, abs=1e-6)
    # the optimized fit works on standardised covariates too, so the large units do not reach it
    _, Y, X, N0, T0 = _data()
    big = X[:, :, :1] * 250 + 4000
    assert sdid_fit(Y, N0, T0, X=np.stack([_standardised(big[:, :, 0])], axis=2), kind="did").estimate == \
        pytest.approx(sdid_fit(Y, N0, T0, X=np.stack([_standardised(X[:, :, 0])], axis=2), kind="did").estimate,
                      abs=1e-6)


def test_a_constant_covariate_is_refused():
    long = _data()[0].assign(x1=1.0)
    panel = Panel.from_frame(long, unit="State", time="Year", outcome="PacksPerCapita", treated_from="start",
                             covariates=("x1",))
    with pytest.raises(PanelError, match="overal dezelfde waarde"):
        synthetic_did(panel, se_method="none")
    with pytest.raises(PanelError, match="onbekende manier voor de kenmerken"):
        synthetic_did(panel, se_method="none", covariate_method="ridge")
