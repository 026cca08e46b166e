"""Ridge-augmented synthetic control against pysyncon's AugSynth on its documented Basque example.

``fixtures/ascm_basque.json`` holds pysyncon's results (test-only dependency; see make_fixtures.py); its own
test allows 0.025 on every weight, we hold to that and check the lambda grid and choice exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from evalsim import factor_panel, wide_to_frame

from kansenmonitor.analysis.evaluation import Panel, PanelError, evaluate, synthetic_control
from kansenmonitor.analysis.evaluation.ascm import augmented_synthetic_control

FIX = Path(__file__).parent / "fixtures"
REF = json.loads((FIX / "ascm_basque.json").read_text())
TREATED = "Basque Country (Pais Vasco)"
SECTORS = ["sec_agriculture", "sec_energy", "sec_industry", "sec_construction", "sec_services_venta",
           "sec_services_nonventa"]
SCHOOL = ["school_illit", "school_prim", "school_med", "school_high", "school_post_high"]
PREDICTORS = (
    [f"{c}:1964-1969" for c in [*SCHOOL, "invest"]]
    + ["gdpcap:1960-1969"]
    + [f"{c}:1961-1969/2" for c in SECTORS]
    + ["popdens:1969"]
)
KW = dict(unit="unit", time="year", outcome="y", treated_from="start")


@pytest.fixture(scope="module")
def basque() -> Panel:
    df = pd.read_csv(FIX / "basque.csv")
    df = df[df["year"] >= 1960].copy()
    df["start"] = np.where(df["region"] == TREATED, 1970, 0)
    return Panel.from_frame(df, unit="region", time="year", outcome="gdpcap", treated_from="start",
                            covariates=[*SCHOOL, "invest", *SECTORS, "popdens"], covariate_gaps=True)


@pytest.mark.parametrize("variant", ["predictors", "outcomes"])
def test_agrees_with_pysyncon_augsynth(basque, variant):
    ref = REF[variant]
    kwargs = {"predictors": PREDICTORS} if variant == "predictors" else {"covariates": ()}
    r = augmented_synthetic_control(basque, **kwargs)
    np.testing.assert_allclose(r.lambda_cv["lambda"], ref["cv_lambdas"], rtol=1e-9)
    np.testing.assert_allclose(r.lambda_cv["cv_error"], ref["cv_errors"], rtol=1e-3, atol=1e-9)
    assert r.lambda_ == pytest.approx(ref["lambda"], rel=1e-9)
    w = r.weights.set_index("donor")["weight"]
    for donor, value in ref["weights"].items():
        assert w[donor] == pytest.approx(value, abs=0.025)
    assert w.sum() == pytest.approx(1.0)
    assert r.estimate == pytest.approx(ref["att"], abs=0.01)
    assert len(r.placebos) == 17 and 0 < r.p_value <= 1


def test_live_pysyncon(basque):
    pysyncon = pytest.importorskip("pysyncon")
    df = pd.read_csv(FIX / "basque.csv")
    df = df[df["year"] >= 1960]
    dp = pysyncon.Dataprep(
        foo=df, predictors=["invest"], predictors_op="mean", time_predictors_prior=range(1964, 1970),
        dependent="gdpcap", unit_variable="region", time_variable="year", treatment_identifier=TREATED,
        controls_identifier=[u for u in dict.fromkeys(df["region"]) if u != TREATED],
        time_optimize_ssr=range(1960, 1970),
    )
    a = pysyncon.AugSynth()
    a.fit(dataprep=dp, use_covariates=False, lambda_=0.5)
    r = augmented_synthetic_control(basque, covariates=(), lambda_=0.5, placebos=False)
    w = r.weights.set_index("donor")["weight"]
    for donor, value in a.weights(round=12).items():
        assert w[donor] == pytest.approx(value, abs=0.025)


def test_corrects_a_unit_outside_the_hull():
    rng = np.random.default_rng(2)
    y = factor_panel(rng, n_donors=20, T=14, T0=9, effect=2.0)
    y[0] = y[1:].max(axis=0) + 3
    y[0, 9:] += 2.0
    panel = Panel.from_frame(wide_to_frame(y, 9), **KW)
    scm = synthetic_control(panel, placebos=False)
    assert "outside_hull" in {m.code for m in scm.warnings}
    r = evaluate(panel, method="ascm")
    assert r.pre_rmspe < 0.7 * r.scm_pre_rmspe
    assert abs(r.estimate - 2.0) < abs(r.scm_estimate - 2.0)
    text = r.interpret()
    assert "aangevulde synthetische controle" in text
    assert "zonder aanvulling zou de schatting" in text and "In de placebotoets" in text
    assert "without the augmentation the estimate would be" in r.interpret("en")
    assert r.to_dict(lang="en")["weights"]


def test_bad_input():
    rng = np.random.default_rng(1)
    y = factor_panel(rng, n_donors=10, T=8, T0=2)
    panel = Panel.from_frame(wide_to_frame(y, 2), **KW)
    with pytest.raises(PanelError, match="minstens 3") as exc:
        augmented_synthetic_control(panel)
    assert "--ridge-lambda" in str(exc.value)
    assert augmented_synthetic_control(panel, lambda_=1.0).lambda_ == 1.0
    with pytest.raises(PanelError, match="positief"):
        augmented_synthetic_control(panel, lambda_=-1.0)
    two = Panel.from_frame(wide_to_frame(factor_panel(rng, n_donors=10, T=8, T0=4), 4, n_treated=2), **KW)
    with pytest.raises(PanelError, match="--method sdid"):
        augmented_synthetic_control(two)
