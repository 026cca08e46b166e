"""Monte Carlo checks: estimators recover a known injected effect and their 95 % intervals cover it.

Fixed seeds; small panels so the whole file runs in seconds. Bands are wide enough for Monte Carlo
error (200 replications: SD of a coverage rate near 0.95 is about 0.015).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from evalsim import factor_panel, staggered_panel, to_frame, wide_to_frame
from scipy import stats

from kansenmonitor.analysis.evaluation import (
    Panel,
    difference_in_differences,
    evaluate,
    interrupted_time_series,
    minimal_detectable_effect,
    synthetic_control,
)
from kansenmonitor.analysis.evaluation.panel import Wide
from kansenmonitor.analysis.evaluation.staggered import (
    aggregate_all,
    group_time_att,
    multiplier_bootstrap,
    pretrend_test,
    twfe_diagnostic,
)
from kansenmonitor.analysis.evaluation.synth import simplex_least_squares

Z = stats.norm.ppf(0.975)
COHORTS = (3, 5, 6)
KW = dict(unit="unit", time="year", outcome="y", treated_from="start")


def as_wide(y: np.ndarray, g: np.ndarray) -> Wide:
    n, T = y.shape
    return Wide(units=np.arange(n), times=np.arange(T), y=y, group=g, weights=np.ones(n), dropped=())


def true_cs(T: int, effect: float = 1.0, dynamic: float = 0.5, cohorts=COHORTS) -> dict:
    """Population targets of the group-weighted overall ATT and event-study e=0 (equal cohort shares)."""
    by_group = [
        np.mean([effect * (1 + 0.5 * r) + dynamic * (t - g) for t in range(g, T)])
        for r, g in enumerate(cohorts)
    ]
    return {
        "group": float(np.mean(by_group)),
        "e0": float(np.mean([effect * (1 + 0.5 * r) for r in range(len(cohorts))])),
    }


def cs_draws(reps: int, seed: int, control: str, **sim):
    rng = np.random.default_rng(seed)
    T = sim.get("T", 8)
    out = []
    for _ in range(reps):
        y, g, _ = staggered_panel(rng, **sim)
        gt = group_time_att(as_wide(y, g), control=control)
        agg = aggregate_all(gt)
        se = np.sqrt(np.sum(agg.psi**2, axis=0)) / gt.n
        lab = agg.labels
        i_g, i_e0 = lab.index(("overall", "group")), lab.index(("event", 0.0))
        out.append((agg.estimates[i_g], se[i_g], agg.estimates[i_e0], se[i_e0]))
    return np.array(out), true_cs(T)


@pytest.mark.parametrize("control", ["never", "notyet"])
def test_cs_recovers_heterogeneous_staggered_effects_and_covers(control):
    res, truth = cs_draws(200, 101, control, n=150, T=8, cohorts=COHORTS)
    est, se, e0, se0 = res.T
    assert abs(est.mean() - truth["group"]) < 3 * est.std() / np.sqrt(len(est)) + 0.01
    assert abs(e0.mean() - truth["e0"]) < 3 * e0.std() / np.sqrt(len(e0)) + 0.01
    cover = np.mean(np.abs(est - truth["group"]) <= Z * se)
    cover0 = np.mean(np.abs(e0 - truth["e0"]) <= Z * se0)
    assert 0.90 <= cover <= 0.99
    assert 0.90 <= cover0 <= 0.99
    # analytic SEs match the Monte Carlo spread
    assert 0.85 < se.mean() / est.std() < 1.15


def test_cs_bootstrap_coverage_and_seeding():
    rng = np.random.default_rng(202)
    truth = true_cs(8)["group"]
    hits = []
    for _ in range(100):
        y, g, _ = staggered_panel(rng, n=150, T=8, cohorts=COHORTS)
        gt = group_time_att(as_wide(y, g))
        agg = aggregate_all(gt)
        i = agg.labels.index(("overall", "group"))
        draws = multiplier_bootstrap(agg.psi[:, [i]], 199, seed=7)
        lo, hi = np.quantile(draws[:, 0], [0.025, 0.975])
        hits.append(agg.estimates[i] - hi <= truth <= agg.estimates[i] - lo)
    assert 0.88 <= np.mean(hits) <= 0.99


def test_cs_bootstrap_se_close_to_analytic_and_reproducible():
    y, g, _ = staggered_panel(np.random.default_rng(3), n=800, T=8, cohorts=COHORTS)
    df = to_frame(y, g)
    panel = Panel.from_frame(df, **KW)
    a = evaluate(panel, "cs", bootstrap=0)
    b = evaluate(panel, "cs", bootstrap=999, seed=42)
    c = evaluate(panel, "cs", bootstrap=999, seed=42)
    m = evaluate(panel, "cs", bootstrap=999, seed=42, bootstrap_weights="mammen")
    assert a.estimate == b.estimate
    assert b.se == c.se and b.event_study.equals(c.event_study)
    assert 0.9 < b.se / a.se < 1.1 and 0.9 < m.se / a.se < 1.1
    # the uniform event-study band is wider than the pointwise one
    pointwise = Z * b.event_study["se"]
    assert np.all(b.event_study["ci_high"] - b.event_study["estimate"] >= pointwise - 1e-12)


def test_pretrend_test_size_and_power():
    rng = np.random.default_rng(303)
    null, alt = [], []
    for _ in range(200):
        y, g, _ = staggered_panel(rng, n=150, T=8, cohorts=COHORTS)
        null.append(pretrend_test(as_wide(y, g)).p_value < 0.05)
    for _ in range(100):
        y, g, _ = staggered_panel(rng, n=150, T=8, cohorts=COHORTS, pretrend=0.3)
        alt.append(pretrend_test(as_wide(y, g)).p_value < 0.05)
    assert 0.01 <= np.mean(null) <= 0.10
    assert np.mean(alt) >= 0.8


def test_violated_pretrend_is_reported_in_result_and_text():
    y, g, _ = staggered_panel(np.random.default_rng(9), n=300, T=8, cohorts=COHORTS, pretrend=0.4)
    res = evaluate(Panel.from_frame(to_frame(y, g), **KW), "cs", bootstrap=0)
    assert res.design.pretrend.rejected
    assert "liepen de eenheden met en zonder maatregel al uiteen" in res.interpret()
    assert "already drifting apart" in res.interpret("en")
    table = res.design.pretrend.table
    assert table.loc[table["event_time"] == -1, "estimate"].item() == 0.0


def test_did_recovers_effect_and_cr1_covers():
    rng = np.random.default_rng(404)
    est, hit = [], []
    for _ in range(200):
        y, g, _ = staggered_panel(rng, n=40, T=6, cohorts=(3,), p_never=0.5, effect=0.5, dynamic=0.0, ar=0.5)
        if np.isfinite(g).sum() < 2 or (~np.isfinite(g)).sum() < 2:
            continue
        r = difference_in_differences(Panel.from_frame(to_frame(y, g), **KW), design=False)
        est.append(r.estimate)
        hit.append(r.ci_low <= 0.5 <= r.ci_high)
    est = np.array(est)
    assert abs(est.mean() - 0.5) < 3 * est.std() / np.sqrt(len(est))
    assert 0.90 <= np.mean(hit) <= 0.99


def test_twfe_diagnostic_flags_staggered_bias():
    y, g, _ = staggered_panel(
        np.random.default_rng(5), n=400, T=10, cohorts=(2, 5, 8), p_never=0.1, dynamic=1.0
    )
    diag = twfe_diagnostic(as_wide(y, g))
    assert diag.bacon["weight"].sum() == pytest.approx(1.0, abs=1e-10)
    assert (diag.bacon["weight"] * diag.bacon["estimate"]).sum() == pytest.approx(diag.estimate, rel=1e-10)
    assert diag.biased and diag.n_negative_weights > 0 and diag.forbidden_weight > 0.05
    res = evaluate(Panel.from_frame(to_frame(y, g), **KW), "cs", bootstrap=0)
    assert "twfe_biased" in [m.code for m in res.warnings]
    # CS is close to its target; TWFE is far off
    truth = true_cs(10, cohorts=(2, 5, 8), dynamic=1.0)["group"]
    assert abs(res.estimate - truth) < 3 * res.se
    assert abs(diag.estimate - truth) > 10 * res.se


def test_twfe_diagnostic_quiet_with_single_start():
    y, g, _ = staggered_panel(np.random.default_rng(6), n=200, T=6, cohorts=(3,), dynamic=0.0)
    diag = twfe_diagnostic(as_wide(y, g))
    assert not diag.biased and diag.n_negative_weights == 0 and diag.forbidden_weight == 0


def test_scm_recovers_effect_with_small_p_value():
    y = factor_panel(np.random.default_rng(7), n_donors=30, T=20, T0=12, effect=3.0, noise=0.2)
    res = synthetic_control(Panel.from_frame(wide_to_frame(y, 12), **KW))
    assert res.estimate == pytest.approx(3.0, abs=0.5)
    assert res.p_value == pytest.approx(1 / 31)
    assert res.weights["weight"].min() >= 0 and res.weights["weight"].sum() == pytest.approx(1.0)
    assert len(res.placebos) == 30 and res.n_donors == 30
    assert res.pre_rmspe < 0.5 and res.significant


def test_scm_placebo_p_value_is_calibrated_under_null():
    rng = np.random.default_rng(808)
    pv = []
    for _ in range(100):
        T, J = 16, 19
        f = rng.normal(size=(T, 2)).cumsum(axis=0)
        y = 5 + rng.uniform(0.5, 1.5, size=(J + 1, 2)) @ f.T + rng.normal(scale=0.5, size=(J + 1, T))
        res = synthetic_control(Panel.from_frame(wide_to_frame(y, 10), **KW))
        pv.append(res.p_value)
    pv = np.array(pv)
    assert 0.03 <= np.mean(pv <= 0.2) <= 0.35
    assert 0.35 <= pv.mean() <= 0.65


def test_simplex_least_squares_exact_solution():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(12, 5))
    w_true = np.array([0.5, 0.3, 0.2, 0.0, 0.0])
    w = simplex_least_squares(A, A @ w_true)
    np.testing.assert_allclose(w, w_true, atol=1e-8)
    # KKT: no donor outside the support could improve the fit
    b = rng.normal(size=12) * 3
    w = simplex_least_squares(A, b)
    grad = A.T @ (A @ w - b)
    support = w > 1e-9
    assert w.min() >= 0 and w.sum() == pytest.approx(1.0)
    assert np.all(grad[~support] >= grad[support].max() - 1e-8)
    np.testing.assert_allclose(grad[support], grad[support].mean(), atol=1e-8)


def test_scm_several_treated_and_covariates():
    rng = np.random.default_rng(12)
    y = factor_panel(rng, n_donors=26, T=18, T0=10, effect=0.0, noise=0.2)
    y[1] = y[3:7].mean(axis=0) + rng.normal(scale=0.2, size=18)  # second treated unit, also inside the hull
    y[:2, 10:] += 2.0
    df = wide_to_frame(y, 10, n_treated=2)
    pre_mean = df[df["year"] < 2010].groupby("unit")["y"].mean()
    df["x"] = df["unit"].map(pre_mean) + rng.normal(scale=0.1, size=len(df))
    res = synthetic_control(Panel.from_frame(df, **KW, covariates=("x",)), seed=1)
    assert res.n_treated == 2 and res.estimate == pytest.approx(2.0, abs=0.8)
    assert res.predictor_weights is not None
    v = res.predictor_weights.groupby("treated_unit")["v"].sum()
    np.testing.assert_allclose(v, 1.0)
    assert 0 < res.p_value <= 0.1


def test_its_recovers_level_and_slope_change_with_hac_coverage():
    rng = np.random.default_rng(505)
    # Newey-West intervals are too narrow in short series (documented in docs/evaluatie.md); this checks
    # a long monthly series with mild autocorrelation, where the asymptotics apply.
    T, g = 96, 48
    tt = np.arange(T) - g
    truth = 1.0 + 0.02 * tt[tt >= 0].mean()
    est, hit = [], []
    for _ in range(200):
        e = rng.normal(size=T)
        for t in range(1, T):
            e[t] = 0.3 * e[t - 1] + e[t]
        y = 3 + 0.1 * tt + (tt >= 0) * (1.0 + 0.02 * tt) + e
        df = pd.DataFrame({"unit": "A", "year": np.arange(T), "y": y, "start": g})
        r = interrupted_time_series(Panel.from_frame(df, **KW))
        est.append(r.estimate)
        hit.append(r.ci_low <= truth <= r.ci_high)
    est = np.array(est)
    assert abs(est.mean() - truth) < 3 * est.std() / np.sqrt(len(est))
    assert 0.85 <= np.mean(hit) <= 0.99


def test_prospective_mde_matches_monte_carlo_spread():
    rng = np.random.default_rng(606)
    n, T, n_t = 200, 8, 50

    def draw():
        y, g, _ = staggered_panel(rng, n=n, T=T, cohorts=(4,), p_never=1.0, ar=0.6)
        return y

    y0 = draw()
    panel = Panel.from_frame(to_frame(y0, np.full(n, np.inf)), **KW)
    mde = minimal_detectable_effect(panel, n_treated=n_t, n_control=n - n_t, n_pre=4, n_post=4)
    ests = []
    for _ in range(300):
        y = draw()
        d = y[:, 4:].mean(axis=1) - y[:, :4].mean(axis=1)
        ests.append(d[:n_t].mean() - d[n_t:].mean())
    assert 0.85 < mde.se / np.std(ests) < 1.15
    assert mde.mde == pytest.approx(mde.se * (Z + stats.norm.ppf(0.8)))


def test_doubly_robust_cs_recovers_effect_under_conditional_parallel_trends():
    rng = np.random.default_rng(707)
    T, n = 6, 300
    truth = true_cs(T, cohorts=(2, 4), dynamic=0.0)["group"]
    dr, unc, hit = [], [], []
    for _ in range(100):
        y, g, _ = staggered_panel(rng, n=n, T=T, cohorts=(2, 4), dynamic=0.0)
        x = rng.normal(size=n) + 0.8 * np.isfinite(g)  # treated units have higher x ...
        y = y + 0.4 * x[:, None] * np.arange(T)[None, :]  # ... and x drives the trend
        X = np.repeat(x[:, None, None], T, axis=1)
        for store, cov in ((dr, X), (unc, None)):
            gt = group_time_att(as_wide(y, g), covariates=cov)
            agg = aggregate_all(gt)
            i = agg.labels.index(("overall", "group"))
            store.append(agg.estimates[i])
            if cov is not None:
                se = np.sqrt(np.sum(agg.psi[:, i] ** 2)) / n
                hit.append(abs(agg.estimates[i] - truth) <= Z * se)
    dr, unc = np.array(dr), np.array(unc)
    assert abs(dr.mean() - truth) < 3 * dr.std() / np.sqrt(len(dr))
    assert abs(unc.mean() - truth) > 0.3  # the unconditional estimator is biased here
    assert 0.88 <= np.mean(hit) <= 0.99
