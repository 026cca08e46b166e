"""Honest DiD (Rambachan & Roth, Delta^SD(M), FLCI) against R HonestDiD and the Python honestdid port.

Reference: R HonestDiD's BCdata_EventStudy (Benzarti & Carloni 2019; 4 pre, 4 post). The fixture
honestdid_bc.json is made by fixtures/make_honestdid_fixture.py with honestdid 0.1.1 and also carries R's own
printed FLCI results. Tolerance 1e-3 on the interval ends: both references simulate the folded-normal
critical value (10^6 draws) and search the standard deviation h on a coarse grid, and the half-length is flat
near its optimum, so the chosen estimator (and thus the centre) can move by a few 1e-4.
"""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kansenmonitor.analysis.evaluation import Panel, callaway_santanna
from kansenmonitor.analysis.evaluation.honest import folded_normal_quantile, honest_did_sd, m_upper_bound

FIX = json.loads((pathlib.Path(__file__).parent / "fixtures" / "honestdid_bc.json").read_text())
B = np.array(FIX["betahat"])
S = np.array(FIX["sigma"])
TOL = 1e-3


@pytest.mark.parametrize("target", ["first", "average"])
def test_flci_matches_python_honestdid(target):
    ref = FIX[target]
    res = honest_did_sd(B, S, 4, 4, target=target, m_grid=[r["M"] for r in ref], breakdown=False)
    np.testing.assert_allclose(res.table["ci_low"], [r["lb"] for r in ref], atol=TOL)
    np.testing.assert_allclose(res.table["ci_high"], [r["ub"] for r in ref], atol=TOL)
    # ours is the exact optimum: never longer than the reference by more than its simulation noise
    assert np.all(
        res.table["half_length"].to_numpy() <= np.array([r["half_length"] for r in ref]) * (1 + 2e-3)
    )


@pytest.mark.parametrize("case", range(4))
def test_flci_matches_honestdid_on_other_shapes(case):
    """7+3, 2+4, 5+1 and 3+6 coefficients with random covariances: the interval ends agree within 0.3 % of
    the half-length (the reference's simulated critical value alone moves it by about 0.1 %)."""
    c = FIX["shapes"][case]
    b, s = np.array(c["betahat"]), np.array(c["sigma"])
    for target in ("first", "average"):
        res = honest_did_sd(b, s, c["n_pre"], c["n_post"], target=target, m_grid=c["M"], breakdown=False)
        for i, ref in enumerate(c[target]):
            tol = 3e-3 * ref["half_length"]
            assert res.table["ci_low"].iloc[i] == pytest.approx(ref["lb"], abs=tol)
            assert res.table["ci_high"].iloc[i] == pytest.approx(ref["ub"], abs=tol)


def test_flci_matches_r_honestdid():
    r = FIX["r"]
    res = honest_did_sd(B, S, 4, 4, target="first", m_grid=r["M"], breakdown=False)
    np.testing.assert_allclose(res.table["ci_low"], r["lb"], atol=TOL)
    np.testing.assert_allclose(res.table["ci_high"], r["ub"], atol=TOL)
    assert m_upper_bound(B, S, 4) == pytest.approx(r["m_upper_bound"], rel=1e-9)
    assert res.m_scale == pytest.approx(FIX["m_upper_bound"], rel=1e-9)


def test_m_zero_is_the_minimum_variance_linear_trend_correction():
    res = honest_did_sd(B, S, 4, 4, target="first", m_grid=[0.0], breakdown=False)
    hl = res.table["half_length"].iloc[0]
    # at M = 0 the bias is zero for every trend-unbiased estimator, so the FLCI is estimate +- z * its sd
    assert hl == pytest.approx(FIX["r"]["ub"][0] / 2 - FIX["r"]["lb"][0] / 2, rel=2e-3)
    assert res.original[1] == pytest.approx(0.15877494280765, abs=1e-9)  # R constructOriginalCS
    assert res.original[2] == pytest.approx(0.233147292681241, abs=1e-9)


def test_breakdown_is_where_the_interval_reaches_zero():
    res = honest_did_sd(B, S, 4, 4, target="first")
    assert res.breakdown is not None and not res.breakdown_beyond
    below = honest_did_sd(B, S, 4, 4, target="first", m_grid=[res.breakdown * 0.99], breakdown=False)
    above = honest_did_sd(B, S, 4, 4, target="first", m_grid=[res.breakdown * 1.01], breakdown=False)
    assert below.table["ci_low"].iloc[0] > 0
    assert above.table["ci_low"].iloc[0] <= 0
    # the default grid: 6 points from 0 to HonestDiD's data-driven upper bound for M
    assert res.table["M"].tolist() == pytest.approx(list(np.linspace(0, FIX["m_upper_bound"], 6)))


def test_no_breakdown_when_not_significant_at_m_zero():
    b = B.copy()
    b[4:] = 0.01
    res = honest_did_sd(b, S, 4, 4, target="first")
    assert res.breakdown is None
    assert not res.table["excludes_zero"].iloc[0]


def test_folded_normal_quantile():
    assert folded_normal_quantile(0.95, 0.0) == pytest.approx(stats.norm.ppf(0.975), abs=1e-12)
    c = folded_normal_quantile(0.95, 1.3)
    assert stats.norm.cdf(c - 1.3) - stats.norm.cdf(-c - 1.3) == pytest.approx(0.95, abs=1e-12)


def test_single_pre_period_and_bad_input():
    res = honest_did_sd(B[3:5], S[3:5, 3:5], 1, 1, m_grid=[0.0, 0.01], breakdown=False)
    # one pre-period: the only trend-unbiased estimator is beta_1 + beta_{-1}; its bias at M is M
    est = B[3] + B[4]
    sd = np.sqrt(S[3, 3] + S[4, 4] + 2 * S[3, 4])
    assert res.table["estimate"].iloc[0] == pytest.approx(est)
    assert res.table["half_length"].iloc[1] == pytest.approx(sd * folded_normal_quantile(0.95, 0.01 / sd))
    with pytest.raises(ValueError):
        honest_did_sd(B, S[:7, :7], 4, 4)
    with pytest.raises(ValueError):
        honest_did_sd(B[4:], S[4:, 4:], 0, 4)


def _panel(trend_break: float, seed: int = 3, effect: float = 1.0) -> Panel:
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(60):
        treated = u < 30
        a = rng.normal()
        for t in range(2010, 2020):
            eff = effect if treated and t >= 2015 else 0.0
            drift = trend_break * (t - 2014) if treated and t >= 2015 else 0.0
            rows.append(
                {
                    "u": f"u{u}",
                    "t": t,
                    "y": a + 0.1 * (t - 2010) + eff + drift + rng.normal(0, 0.3),
                    "start": 2015 if treated else np.nan,
                }
            )
    return Panel.from_frame(pd.DataFrame(rows), unit="u", time="t", outcome="y", treated_from="start")


def test_cs_event_study_carries_honest_did():
    res = callaway_santanna(_panel(0.0), bootstrap=0, honest_did=True, inference="asymptotic")
    h = res.honest_did
    assert h is not None and h.n_pre == 4 and h.n_post == 5 and h.target == "average"
    # the original interval is the dynamic aggregation's (same post-period coefficients, analytic se)
    dyn = res.overall.set_index("aggregation").loc["dynamic"]
    assert h.original[0] == pytest.approx(dyn["estimate"], abs=1e-10)
    assert h.breakdown is not None and h.breakdown > 0
    d = res.to_dict()
    assert d["honest_did"]["breakdown"] == pytest.approx(h.breakdown)
    assert len(d["honest_did"]["table"]) == 6
    assert callaway_santanna(_panel(0.0), bootstrap=0, inference="asymptotic").honest_did is None


def test_reading_says_how_far_the_trend_may_bend():
    res = callaway_santanna(_panel(0.0), bootstrap=0, honest_did=True, inference="asymptotic")
    nl, en = res.interpret(), res.interpret("en")
    assert "Het effect blijft zichtbaar zolang de trend na de start niet meer dan" in nl
    assert "afwijkt van de trend ervoor" in nl
    assert "The effect remains visible as long as the trend after the start deviates by no more than" in en
    # no effect at all: the interval at M = 0 already contains zero, so the conclusion is not robust
    none = callaway_santanna(_panel(0.0, effect=0.0), bootstrap=0, honest_did=True, inference="asymptotic")
    assert none.honest_did.breakdown is None
    assert "De conclusie is dus niet robuust" in none.interpret()
    assert "The conclusion is therefore not robust" in none.interpret("en")


def test_too_few_pre_periods_is_refused_with_a_message():
    from kansenmonitor.analysis.evaluation import PanelError

    rows = [
        {"u": f"u{u}", "t": t, "y": float(u + t), "start": 2011 if u < 3 else np.nan}
        for u in range(8)
        for t in (2010, 2011, 2012)
    ]
    panel = Panel.from_frame(pd.DataFrame(rows), unit="u", time="t", outcome="y", treated_from="start")
    with pytest.raises(PanelError, match="minstens 2 periodes vóór de start"):
        callaway_santanna(panel, bootstrap=0, honest_did=True, inference="asymptotic")


def test_honest_did_from_the_command_line(tmp_path):
    import json

    import typer
    from typer.testing import CliRunner

    from kansenmonitor.cli.evaluate import register

    app = typer.Typer()
    register(app)
    app.command("version")(lambda: None)
    rng = np.random.default_rng(3)
    rows = []
    for u in range(40):
        tr = u < 20
        a = rng.normal()
        for t in range(2010, 2019):
            y = a + 0.1 * (t - 2010) + (1.0 if tr and t >= 2015 else 0.0) + rng.normal(0, 0.3)
            rows.append({"u": f"u{u}", "t": t, "y": y, "start": 2015 if tr else ""})
    path = tmp_path / "p.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    base = [
        "evaluate",
        "--data",
        str(path),
        "--unit",
        "u",
        "--time",
        "t",
        "--outcome",
        "y",
        "--treated-from",
        "start",
    ]
    res = CliRunner().invoke(app, [*base, "--honest-did", "--bootstrap", "0", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    h = out["honest_did"]
    assert h["restriction"] == "SD" and h["n_pre"] == 4 and len(h["table"]) == 6
    assert h["breakdown"] > 0 and "Het effect blijft zichtbaar zolang" in out["interpretation"]
    text = CliRunner().invoke(app, [*base, "--honest-did", "--bootstrap", "0"])
    assert text.exit_code == 0 and "Gevoeligheid voor de trend" in text.stdout
    did = CliRunner().invoke(app, [*base, "--method", "did", "--honest-did", "--json"])
    assert did.exit_code == 0, did.output
    out = json.loads(did.stdout)
    assert out["honest_did"]["n_pre"] == 4 and "gebeurtenisstudie" in out["interpretation"]
    wrong = CliRunner().invoke(app, [*base, "--method", "its", "--honest-did", "--json", "--lang", "en"])
    assert wrong.exit_code == 2
    assert json.loads(wrong.stderr)["detail"] == "--honest-did belongs to --method cs or did."


def test_two_by_two_did_carries_the_same_sensitivity_as_its_event_study():
    from kansenmonitor.analysis.evaluation import difference_in_differences

    panel = _panel(0.0)
    did = difference_in_differences(panel, honest_did=True)
    cs = callaway_santanna(panel, bootstrap=0, honest_did=True, inference="asymptotic")
    # one cohort and never-treated units: the event study under the 2x2 is CS's, so the analysis is the same
    pd.testing.assert_frame_equal(did.honest_did.table, cs.honest_did.table)
    assert did.honest_did.breakdown == pytest.approx(cs.honest_did.breakdown)
    assert "gebeurtenisstudie van dezelfde vergelijking" in did.interpret()
    assert "event study of the same comparison" in did.interpret("en")
    assert difference_in_differences(panel).honest_did is None
    # a trend that bends after the start shrinks the room left
    bent = difference_in_differences(_panel(0.15), honest_did=True)
    assert bent.to_dict()["honest_did"]["table"]
