"""Synthetic difference-in-differences on the documented example of R synthdid (California Prop 99).

Published (Arkhangelsky et al. 2021, Table 1; synthdid's README): SDID -15.6, SC -19.6, DID -27.3.
``fixtures/sdid_synthdid.json`` holds synthdid-py's results (a port of R synthdid; test-only, see
make_fixtures.py); the live test runs when it is installed.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kansenmonitor.analysis.evaluation import Panel, PanelError, evaluate, synthetic_did
from kansenmonitor.analysis.evaluation.sdid import fw_batch, sc_weight_fw

FIX = Path(__file__).parent / "fixtures"
REF = json.loads((FIX / "sdid_synthdid.json").read_text())


def _panel(treated=("California",)) -> Panel:
    df = pd.read_csv(FIX / "california_prop99.csv")
    df["start"] = np.where(df["State"].isin(treated), 1989, 0)
    return Panel.from_frame(df, unit="State", time="Year", outcome="PacksPerCapita", treated_from="start")


@pytest.fixture(scope="module")
def california():
    return synthetic_did(_panel(), replications=200, seed=1)


def test_published_estimates(california):
    assert round(california.estimate, 1) == -15.6
    assert round(california.sc_estimate, 1) == -19.6
    assert round(california.did_estimate, 1) == -27.3


def test_agrees_with_synthdid_port(california):
    ref = REF["california"]
    assert california.estimate == pytest.approx(ref["sdid"], abs=1e-8)
    assert california.sc_estimate == pytest.approx(ref["sc"], abs=1e-6)
    assert california.did_estimate == pytest.approx(ref["did"], abs=1e-10)
    w = dict(zip(california.unit_weights["donor"], california.unit_weights["weight"], strict=True))
    np.testing.assert_allclose([w[d] for d in ref["donors"]], ref["omega"], atol=1e-9)
    np.testing.assert_allclose(california.time_weights["weight"], ref["lambda"], atol=1e-9)
    # same random order of the donors (seed 1): the placebo standard error is the same number
    assert california.se_method == "placebo"
    assert california.se == pytest.approx(ref["placebo_se_seed1_r200"], rel=1e-8)
    assert california.ci_low < california.estimate < california.ci_high


def test_jackknife_with_several_treated():
    r = synthetic_did(_panel(("California", "Nevada", "Utah")))
    ref = REF["three"]
    assert r.se_method == "jackknife"
    assert r.estimate == pytest.approx(ref["sdid"], abs=1e-8)
    assert r.sc_estimate == pytest.approx(ref["sc"], abs=1e-6)
    assert r.did_estimate == pytest.approx(ref["did"], abs=1e-10)
    assert r.se == pytest.approx(ref["jackknife_se"], rel=1e-8)


def test_live_synthdid_port():
    sd = pytest.importorskip("synthdid")
    df = pd.read_csv(FIX / "california_prop99.csv")
    setup = sd.panel_matrices(df, unit="State", time="Year", outcome="PacksPerCapita", treatment="treated")
    ref = float(sd.synthdid_estimate(setup.Y, setup.N0, setup.T0))
    assert synthetic_did(_panel(), se_method="none").estimate == pytest.approx(ref, abs=1e-8)


def test_batch_solver_equals_single_problems():
    rng = np.random.default_rng(4)
    A = rng.normal(size=(5, 12, 7))
    b = rng.normal(size=(5, 12))
    batch = fw_batch(A, b, 0.3, True, None, 1e-6, 5000)
    for r in range(5):
        one = sc_weight_fw(np.column_stack([A[r], b[r]]), 0.3, True, None, 1e-6, 5000)
        np.testing.assert_allclose(batch[r], one, atol=1e-12)
        assert batch[r].min() >= 0 and batch[r].sum() == pytest.approx(1)


def test_recovers_a_known_effect():
    rng = np.random.default_rng(11)
    N, T, T0 = 30, 14, 9
    f = rng.normal(size=(T, 2)).cumsum(axis=0)
    lam = rng.normal(size=(N, 2))
    y = lam @ f.T + rng.normal(scale=0.2, size=(N, T)) + rng.normal(size=(N, 1))
    y[:3, T0:] += 1.5
    rows = [(u, 2000 + t, y[u, t], 2000 + T0 if u < 3 else 0) for u in range(N) for t in range(T)]
    df = pd.DataFrame(rows, columns=["u", "t", "y", "s"])
    r = evaluate(Panel.from_frame(df, unit="u", time="t", outcome="y", treated_from="s"), method="sdid")
    assert r.method == "sdid" and r.estimate == pytest.approx(1.5, abs=0.3)
    assert r.ci_low < 1.5 < r.ci_high
    d = r.to_dict(lang="en")
    assert d["unit_weights"] and d["time_weights"] and d["interpretation"]


def test_bad_input_names_the_option():
    df = pd.read_csv(FIX / "california_prop99.csv")
    one_pre = df[df["Year"] >= 1988].copy()
    one_pre["start"] = np.where(one_pre["State"] == "California", 1989, 0)
    p = Panel.from_frame(one_pre, unit="State", time="Year", outcome="PacksPerCapita", treated_from="start")
    with pytest.raises(PanelError, match="minstens 2 nodig") as exc:
        synthetic_did(p)
    assert "--method did" in str(exc.value)
    df["start"] = np.where(df["State"] == "California", 1989, np.where(df["State"] == "Nevada", 1990, 0))
    staggered = Panel.from_frame(df, unit="State", time="Year", outcome="PacksPerCapita", treated_from="start")
    with pytest.raises(PanelError, match="één startmoment"):
        synthetic_did(staggered)
    with pytest.raises(PanelError, match="jackknife vraagt"):
        synthetic_did(_panel(), se_method="jackknife")
