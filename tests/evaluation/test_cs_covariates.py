"""Callaway & Sant'Anna with a covariate, pinned on R ``did``'s own mpdta example, and the covariate-adjusted
pre-trend verdict.

The reference (``fixtures/cs_mpdta_moderndid.json``) was computed once by ``fixtures/make_mpdta_fixture.py``
with moderndid, a Python port of R ``did``: ``att_gt(lemp ~ 1, xformla = ~lpop)`` with the doubly robust and
the outcome-regression estimator, never- and not-yet-treated comparison groups. Its first cell, ATT(2004,2004)
= -0.0145 (SE 0.0221) with ``dr``, is the number R ``did``'s documentation prints.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kansenmonitor.analysis.evaluation import Panel, callaway_santanna, difference_in_differences, interpret

FIX = json.loads((Path(__file__).parent / "fixtures" / "cs_mpdta_moderndid.json").read_text())


def mpdta(covariates=("lpop",)) -> Panel:
    return Panel.from_frame(pd.DataFrame(FIX["data"]), unit="unit", time="year", outcome="y",
                            treated_from="start", covariates=covariates)


@pytest.mark.parametrize("method", ["dr", "reg"])
@pytest.mark.parametrize("control", ["never", "notyet"])
def test_mpdta_with_lpop_matches_r_did(method, control):
    ref = FIX[f"{method}_{control}"]
    res = callaway_santanna(mpdta(), control=control, bootstrap=0, design=False, covariate_method=method,
                            inference="asymptotic")
    assert res.covariates == ("lpop",) and res.covariate_method == method
    got = res.att_gt.set_index(["group", "time"])
    want = pd.DataFrame(ref["att_gt"]).set_index(["group", "time"])
    assert len(got) == len(want) == 12
    got = got.loc[want.index]
    np.testing.assert_allclose(got["att"], want["att"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got["se"], want["se"], rtol=1e-8)
    overall = res.overall.set_index("aggregation")
    for agg in ("simple", "group", "dynamic"):
        assert overall.loc[agg, "estimate"] == pytest.approx(ref[agg]["att"], rel=1e-9)
        assert overall.loc[agg, "se"] == pytest.approx(ref[agg]["se"], rel=1e-8)


def test_the_documented_first_cell():
    res = callaway_santanna(mpdta(), bootstrap=0, design=False, inference="asymptotic")
    first = res.att_gt.set_index(["group", "time"]).loc[(2004, 2004)]
    assert round(first["att"], 4) == -0.0145 and round(first["se"], 4) == 0.0221


def test_outcome_regression_differs_from_doubly_robust():
    dr = callaway_santanna(mpdta(), bootstrap=0, design=False, inference="asymptotic")
    reg = callaway_santanna(mpdta(), bootstrap=0, design=False, inference="asymptotic", covariate_method="reg")
    assert not np.allclose(dr.att_gt["att"], reg.att_gt["att"], rtol=1e-6)
    with pytest.raises(ValueError):
        callaway_santanna(mpdta(), bootstrap=0, design=False, covariate_method="ipw")


def _confounded(n: int = 300, seed: int = 3) -> pd.DataFrame:
    """Units with a high covariate trend upwards and are more often treated; the measure does nothing."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    treated = rng.random(n) < 1 / (1 + np.exp(-1.5 * x))
    rows = []
    for i in range(n):
        for t in range(2014, 2022):
            rows.append({"unit": f"u{i}", "year": t, "x": x[i], "start": 2019 if treated[i] else 0,
                         "y": 0.6 * x[i] * (t - 2014) + rng.normal(scale=0.3)})
    return pd.DataFrame(rows)


def test_pretrend_verdict_uses_the_covariate_adjusted_pre_effects():
    df = _confounded()
    plain = Panel.from_frame(df, unit="unit", time="year", outcome="y", treated_from="start")
    adjusted = Panel.from_frame(df, unit="unit", time="year", outcome="y", treated_from="start", covariates=("x",))
    res_plain = callaway_santanna(plain, bootstrap=0, inference="asymptotic")
    res_adj = callaway_santanna(adjusted, bootstrap=0, inference="asymptotic")
    # without the covariate the groups drift apart before the start; with it they do not
    assert res_plain.design.pretrend.rejected and res_plain.design.pretrend.covariates == ()
    pt = res_adj.design.pretrend
    assert pt.covariates == ("x",) and not pt.rejected and pt.p_value > 0.05
    pre = pt.table[pt.table["event_time"] < -1]
    assert np.all(np.abs(pre["estimate"]) < 3 * pre["se"])
    assert "adjusted for x" in pt.method and "varying base period" in pt.method
    assert pt.to_dict()["covariates"] == ["x"]
    text = interpret(res_adj)
    assert "niet betrouwbaar" not in text
    assert "niet betrouwbaar" in interpret(res_plain)
    # the 2x2 DiD with the covariate uses the same adjusted pre-trend test
    did = difference_in_differences(adjusted)
    assert did.design.pretrend.covariates == ("x",) and not did.design.pretrend.rejected
