"""Honest DiD under relative magnitudes (Delta^RM(Mbar), ARP hybrid test) against moderndid.

Fixture honest_rm_moderndid.json is made by fixtures/make_honest_rm_fixture.py with moderndid 0.2.0 on R
HonestDiD's documented example (BCdata_EventStudy, 4 pre + 4 post; its 4 pre + 1 post) and a random 2 + 3 event
study. Both sides test the same grid (1000 points over ``l'beta_post +- (Mbar sum_t t|l_t| maxpre + 20 sd)``,
so a step of about 0.04 standard errors) and draw the least-favourable critical value from the same 1000 normal
draws, so the accepted grid points of every part (pre-period change, sign) must be the same points: tolerance
zero grid steps. moderndid 0.2.0 leaves the oldest pre-period change out of its union (R and the paper do not);
its own union is compared over the parts it has.
"""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pandas as pd
import pytest

from kansenmonitor.analysis.evaluation import Panel, callaway_santanna
from kansenmonitor.analysis.evaluation.honest_rm import (
    honest_did_rm,
    least_favorable_cv,
    rm_confidence_set,
    rm_constraints,
    rm_grid,
    rm_part_accept,
)

FIX = json.loads((pathlib.Path(__file__).parent / "fixtures" / "honest_rm_moderndid.json").read_text())
CASES = [(c["name"], r["target"], r["mbar"]) for c in FIX["cases"] for r in c["results"]]


def _case(name):
    c = next(c for c in FIX["cases"] if c["name"] == name)
    return c, np.array(c["betahat"]), np.array(c["sigma"]), c["n_pre"], c["n_post"]


def _l(target, T):
    return np.eye(T)[0] if target == "first" else np.full(T, 1 / T)


@pytest.mark.parametrize(("name", "target", "mbar"), CASES)
def test_every_part_accepts_the_same_grid_points_as_moderndid(name, target, mbar):
    c, b, S, K, T = _case(name)
    ref = next(r for r in c["results"] if r["target"] == target and r["mbar"] == mbar)
    l_vec = _l(target, T)
    grid = rm_grid(b, K, T, l_vec, mbar, S)
    assert grid[0] == pytest.approx(ref["grid_lb"], rel=1e-12) and grid[-1] == pytest.approx(ref["grid_ub"], rel=1e-12)
    for p in ref["parts"]:
        acc = np.flatnonzero(rm_part_accept(b, S, K, T, l_vec, mbar, p["j"], p["positive"], grid))
        got = [int(acc[0]), int(acc[-1]), len(acc)] if len(acc) else None
        assert got == p["accepted"], (p["j"], p["positive"])
    if ref["moderndid_union"] is not None:  # moderndid's own union: its parts j = 1 .. K-1
        parts = [(j, s) for j in range(1, K) for s in (True, False)]
        g, acc = rm_confidence_set(b, S, K, T, l_vec, mbar, grid=grid, parts=parts)
        idx = np.flatnonzero(acc)
        assert [g[idx[0]], g[idx[-1]]] == pytest.approx(ref["moderndid_union"], rel=1e-12)


def test_constraints_describe_relative_magnitudes():
    """A delta meets every row of some part exactly when it lies in Delta^RM(Mbar) (checked on random deltas)."""
    rng = np.random.default_rng(1)
    K, T, mbar = 3, 2, 1.5
    for _ in range(300):
        d = rng.normal(size=K + T)
        full = np.r_[d[:K], 0.0, d[K:]]
        diffs = np.diff(full)
        inside = np.all(np.abs(diffs[K:]) <= mbar * np.max(np.abs(diffs[:K])) + 1e-12)
        parts = any(np.all(rm_constraints(K, T, mbar, j, s) @ d <= 1e-12) for j in range(K) for s in (True, False))
        assert inside == parts


def test_least_favourable_value_by_vertices_equals_the_linear_programme():
    from scipy import optimize

    rng = np.random.default_rng(2)
    m, k = 6, 2
    X = rng.normal(size=(m, k))
    A = rng.normal(size=(m, m))
    S = A @ A.T + np.eye(m)
    cv = least_favorable_cv(X, S, 0.005)
    xi = np.random.default_rng(0).multivariate_normal(np.zeros(m), S, size=1000)
    sd = np.sqrt(np.diag(S))
    vals = [optimize.linprog(np.r_[1.0, np.zeros(k)], A_ub=-np.column_stack([sd, X]), b_ub=-x,
                             bounds=[(None, None)] * (k + 1), method="highs-ds").x[0] for x in xi]
    assert cv == pytest.approx(float(np.quantile(vals, 0.995)), abs=1e-9)


def test_sets_widen_with_mbar_and_the_breakdown_value_is_where_zero_enters():
    c, b, S, K, T = _case("bc")
    h = honest_did_rm(b, S, K, T, mbar_grid=[0.0, 0.5, 1.0, 2.0])
    t = h.table
    assert (np.diff(t["ci_low"]) <= 1e-12).all() and (np.diff(t["ci_high"]) >= -1e-12).all()
    assert h.breakdown is not None and 0 < h.breakdown < 2 and not h.breakdown_beyond
    l_vec = np.full(T, 1 / T)
    lo, _ = _bounds(rm_confidence_set(b, S, K, T, l_vec, h.breakdown))
    lo2, _ = _bounds(rm_confidence_set(b, S, K, T, l_vec, h.breakdown + 0.01))
    assert lo > 0 and lo2 <= 0
    # at Mbar = 0 (parallel trends after the start) the set sits around the plain estimate
    assert t["ci_low"][0] < h.original[0] < t["ci_high"][0]
    assert h.max_pre_change == pytest.approx(np.max(np.abs(np.diff(np.r_[b[:K], 0]))))
    d = h.to_dict()
    assert d["restriction"] == "RM" and len(d["table"]) == 4 and d["grid_points"] == 1000


def _bounds(ga):
    g, acc = ga
    idx = np.flatnonzero(acc)
    return g[idx[0]], g[idx[-1]]


def _panel(effect: float = 1.0, seed: int = 3) -> Panel:
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(60):
        treated = u < 30
        a = rng.normal()
        for t in range(2010, 2018):
            rows.append({"u": f"u{u}", "t": t, "start": 2015 if treated else np.nan,
                         "y": a + 0.1 * (t - 2010) + (effect if treated and t >= 2015 else 0.0) + rng.normal(0, 0.3)})
    return Panel.from_frame(pd.DataFrame(rows), unit="u", time="t", outcome="y", treated_from="start")


def test_cs_and_did_carry_relative_magnitudes_with_a_plain_dutch_sentence():
    from kansenmonitor.analysis.evaluation import difference_in_differences

    res = callaway_santanna(_panel(), bootstrap=0, honest_did=True, inference="asymptotic")
    h = res.honest_did_rm
    assert h is not None and h.n_pre == res.honest_did.n_pre and h.n_post == 3
    assert h.breakdown is not None and h.breakdown > 1
    nl, en = res.interpret(), res.interpret("en")
    assert "het effect blijft zichtbaar zolang de afwijking van de parallelle trend na de start niet meer dan" in nl
    assert "keer zo groot is als de grootste afwijking ervoor" in nl
    assert "times as large as the largest deviation before it" in en
    assert res.to_dict()["honest_did_rm"]["breakdown"] == pytest.approx(h.breakdown)
    did = difference_in_differences(_panel(), honest_did=True)
    pd.testing.assert_frame_equal(did.honest_did_rm.table, h.table)
    none = callaway_santanna(_panel(effect=0.0), bootstrap=0, honest_did=True, inference="asymptotic")
    assert none.honest_did_rm.breakdown is None
    assert "ook zonder enige afwijking van de parallelle trend na de start" in none.interpret()


def test_too_many_post_periods_is_refused_and_cs_then_keeps_only_the_smoothness_analysis():
    from kansenmonitor.analysis.evaluation.honest_rm import MAX_POST_PERIODS

    T = MAX_POST_PERIODS + 1
    with pytest.raises(ValueError, match="at most 8 post periods"):
        honest_did_rm(np.zeros(2 + T), np.eye(2 + T), 2, T)
    rng = np.random.default_rng(1)
    rows = [{"u": f"u{u}", "t": t, "start": 2012 if u < 20 else np.nan, "y": rng.normal() + (t >= 2012) * (u < 20)}
            for u in range(40) for t in range(2009, 2012 + T)]
    panel = Panel.from_frame(pd.DataFrame(rows), unit="u", time="t", outcome="y", treated_from="start")
    res = callaway_santanna(panel, bootstrap=0, honest_did=True, inference="asymptotic")
    assert res.honest_did is not None and res.honest_did.n_post == T and res.honest_did_rm is None
    assert "Anders bekeken" not in res.interpret()
