"""Synthetic control with predictors on simulated panels: what the fit does, warnings and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from evalsim import factor_panel, wide_to_frame

from kansenmonitor.analysis.evaluation import Panel, PanelError, callaway_santanna, synthetic_control

KW = dict(unit="unit", time="year", outcome="y", treated_from="start")


def _misleading_panel(seed: int = 3) -> tuple[pd.DataFrame, str, str]:
    """The treated unit follows donor A; its covariate equals that of donor B, which follows another path."""
    rng = np.random.default_rng(seed)
    y = factor_panel(rng, n_donors=20, T=16, T0=10, effect=0.0, noise=0.1)
    y[0] = y[5] + rng.normal(scale=0.05, size=16)
    df = wide_to_frame(y, 10)
    x = dict(zip(sorted(set(df["unit"])), rng.normal(size=21), strict=True))
    x["u000"] = x["u012"]
    df["x"] = df["unit"].map(x)
    return df, "u005", "u012"


def test_outcome_path_keeps_weights_on_the_donor_that_reproduces_the_outcome():
    df, a, b = _misleading_panel()
    panel = Panel.from_frame(df, **KW, covariates=("x",))
    res = synthetic_control(panel, predictors=["x"], placebos=False)
    w = res.weights.set_index("donor")["weight"]
    assert w[a] > 0.7 and w[b] < 0.1
    assert "outcome_path_added" in {m.code for m in res.warnings}
    assert res.predictors[0] == "x" and len(res.predictors) == 11
    # the same panel with all predictor weight on the covariate leaves the donor that reproduces the outcome
    v = np.r_[1.0, np.zeros(10)]
    wrong = synthetic_control(panel, predictors=["x"], v=v, placebos=False)
    assert wrong.weights.set_index("donor")["weight"][a] < 0.3
    assert wrong.pre_rmspe > 5 * res.pre_rmspe


def test_covariate_gaps_enter_through_the_window_mean():
    df, _, _ = _misleading_panel()
    df["z"] = np.where(df["year"] % 2 == 0, df["y"] * 0.5, np.nan)
    panel = Panel.from_frame(df, **KW, covariates=("x", "z"), covariate_gaps=True)
    res = synthetic_control(panel, predictors=["z:2000-2009", "y:2005-2009"], placebos=False)
    bal = res.balance.set_index("predictor")
    want = df[(df["unit"] == "u000") & df["year"].between(2000, 2009)]["z"].mean()
    assert bal.loc["z 2000–2009", "treated"] == pytest.approx(want)
    assert "outcome_path_added" not in {m.code for m in res.warnings}
    with pytest.raises(PanelError, match="lege cellen"):
        callaway_santanna(panel, bootstrap=0)


def test_in_time_placebo_is_quiet_without_effect_and_flags_an_earlier_divergence():
    rng = np.random.default_rng(9)
    y = factor_panel(rng, n_donors=25, T=20, T0=12, effect=3.0, noise=0.1)
    res = synthetic_control(Panel.from_frame(wide_to_frame(y, 12), **KW))
    s = res.in_time_summary.iloc[0]
    assert s["fake_start"] == 2006 and abs(s["mean_gap"]) < 0.5
    assert "in_time_placebo" not in {m.code for m in res.warnings}
    assert len(res.in_time) == 12
    # a treated unit that already drifted away halfway the pre-period
    y2 = y.copy()
    y2[0, 6:] += np.linspace(0.5, 8.0, 14)
    res2 = synthetic_control(Panel.from_frame(wide_to_frame(y2, 12), **KW))
    assert "in_time_placebo" in {m.code for m in res2.warnings}


def test_treated_unit_above_every_donor_is_warned():
    rng = np.random.default_rng(2)
    y = factor_panel(rng, n_donors=20, T=14, T0=9)
    y[0] = y[1:].max(axis=0) + 5
    res = synthetic_control(Panel.from_frame(wide_to_frame(y, 9), **KW))
    m = {m.code: m for m in res.warnings}
    assert "outside_hull" in m and "hoger dan alle vergelijkingseenheden" in m["outside_hull"].nl
    assert "methode ascm" in m["outside_hull"].nl and "method sdid" in m["outside_hull"].en


@pytest.mark.parametrize(
    "kwargs,field,text",
    [
        (dict(predictors=["c"]), "c", "geen spreiding"),
        (dict(predictors=["x"], v=[1.0, 2.0]), "v", "V heeft 2 waarden, maar er zijn 11 voorspellers"),
        (dict(predictors=["onbekend"]), "onbekend", "geen uitkomst of kenmerk"),
        (dict(predictors=["x:2012"]), "x", "niet vóór de start"),
        (dict(predictors=["x"], fit_periods=[2011]), "fit_periods", "vóór de start"),
        (dict(predictors=["x"], v=[-1.0] + [0.0] * 10), "v", "≥ 0"),
    ],
)
def test_bad_predictor_input_is_refused_with_a_message(kwargs, field, text):
    df, _, _ = _misleading_panel()
    df["c"] = 1.0
    panel = Panel.from_frame(df, **KW, covariates=("x", "c"))
    with pytest.raises(PanelError) as exc:
        synthetic_control(panel, **kwargs)
    issue = exc.value.issues[0]
    assert issue.field == field and text in issue.message


def test_fewer_donors_than_predictors_is_refused():
    df, _, _ = _misleading_panel()
    keep = sorted(set(df["unit"]))[:8]
    panel = Panel.from_frame(df[df["unit"].isin(keep)], **KW, covariates=("x",))
    with pytest.raises(PanelError, match="11 voorspellers maar maar 7 vergelijkingseenheden"):
        synthetic_control(panel)
    # a window mean of the outcome keeps the number of predictors below the number of donors
    res = synthetic_control(panel, predictors=["x", "y:2000-2004", "y:2005-2009"])
    assert len(res.predictors) == 3


def test_leave_one_donor_out_refits_without_each_weighted_donor():
    rng = np.random.default_rng(9)
    y = factor_panel(rng, n_donors=15, T=16, T0=10, effect=3.0, noise=0.1)
    res = synthetic_control(Panel.from_frame(wide_to_frame(y, 10), **KW), placebos=False, leave_one_out=True)
    loo = res.leave_one_out
    weighted = res.weights[res.weights["weight"] > 1e-6]
    assert set(loo["donor"]) == set(weighted["donor"])
    # each refit is a real refit: the dropped donor is not in it, and its estimate differs from the full fit
    assert not (loo["donor"] == loo["largest_donor"]).any()
    assert (loo["estimate"] - res.estimate).abs().max() > 1e-6
    assert loo["estimate"].between(2.0, 4.0).all()
    text = res.interpret()
    top = weighted.sort_values("weight").iloc[-1]["donor"]
    assert f"Zonder vergelijkingseenheid '{top}'" in text and "ligt het effect tussen" in text
    assert "Without comparison unit" in res.interpret("en")
    assert res.to_dict()["leave_one_out"]


def test_leave_one_donor_out_needs_three_donors():
    rng = np.random.default_rng(1)
    y = factor_panel(rng, n_donors=2, T=8, T0=5)
    with pytest.raises(PanelError, match="--leave-one-out"):
        synthetic_control(Panel.from_frame(wide_to_frame(y, 5), **KW), leave_one_out=True)
