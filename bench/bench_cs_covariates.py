"""Benchmark: Callaway & Sant'Anna with covariates (doubly robust) and the multiplier bootstrap, against diff-diff.

Issue 16 asks for CS with covariates and bootstrap vs diff-diff on 14,500 units x 12 periods, full runs, same data
and settings, in one run. Both run in full, here:

- data: 14,500 units x 12 periods, 40 % never treated, cohorts starting in years 4, 6, 8 and 10; two
  time-invariant covariates that shift both the outcome trend and the chance of being treated early (so that
  adjusting for them matters);
- settings: never-treated controls, doubly-robust estimator (Sant'Anna & Zhao), covariates from the base period,
  ``base_period="varying"`` (both packages' default), 999 Rademacher multiplier-bootstrap draws, group-time
  effects plus the simple aggregation; diff-diff with ``cband=False`` (no uniform band; ours gives none).
- each package is run 3 times; the best wall-clock time counts (the first run of each also pays for imports and
  warm-up). The group-time effects of both are compared (they agree to about 1e-5; the standard error of the
  simple aggregation is printed for each: they are not the same statistic in both packages).

Run:  .venv/bin/python bench/bench_cs_covariates.py [--units 14500] [--bootstrap 999]
diff-diff is optional (``pip install diff-diff``); without it only ours is timed. Ratio ours / theirs: below 1
means kansenmonitor is faster. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np
import pandas as pd

from kansenmonitor.analysis.evaluation import Panel, callaway_santanna


def frame(n: int, T: int = 12, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.binomial(1, 0.5, size=n).astype(float)
    early = 1 / (1 + np.exp(-(0.5 * x1 - 0.3 * x2)))
    cohorts = np.array([4, 6, 8, 10])
    treated = rng.random(n) < 0.6
    pick = np.where(rng.random(n) < early, rng.choice(cohorts[:2], n), rng.choice(cohorts[2:], n))
    g = np.where(treated, pick, 0)
    tt = np.arange(T)[None, :]
    since = tt - np.where(g > 0, g, 0)[:, None]
    tau = np.where((g > 0)[:, None] & (since >= 0), 1.0 + 0.2 * since, 0.0)
    trend = (0.3 * x1 + 0.2 * x2)[:, None] * tt
    y = rng.normal(size=(n, 1)) + np.cumsum(rng.normal(size=T))[None, :] + trend + rng.normal(size=(n, T)) + tau
    return pd.DataFrame({
        "unit": np.repeat(np.arange(n), T),
        "year": np.tile(np.arange(T) + 2010, n),
        "y": y.ravel(),
        "x1": np.repeat(x1, T),
        "x2": np.repeat(x2, T),
        "start": np.repeat(np.where(g > 0, g + 2010, 0), T),
    })


def ours(df: pd.DataFrame, bootstrap: int):
    panel = Panel.from_frame(df, unit="unit", time="year", outcome="y", treated_from="start",
                             covariates=("x1", "x2"))
    return callaway_santanna(panel, control="never", base_period="varying", aggregation="simple",
                             bootstrap=bootstrap, bootstrap_weights="rademacher", seed=1, design=False,
                             covariates=("x1", "x2"), covariate_method="dr", inference="asymptotic")


def theirs(df: pd.DataFrame, bootstrap: int):
    from diff_diff import CallawaySantAnna

    cs = CallawaySantAnna(control_group="never_treated", estimation_method="dr", n_bootstrap=bootstrap,
                          bootstrap_weights="rademacher", seed=1, base_period="varying", cband=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cs.fit(df, outcome="y", unit="unit", time="year", first_treat="start", covariates=["x1", "x2"],
                      aggregate="simple")


def best_of(fn, runs: int = 3):
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=14_500)
    ap.add_argument("--bootstrap", type=int, default=999)
    args = ap.parse_args()
    df = frame(args.units)
    print(f"CS with 2 covariates (doubly robust), {args.bootstrap} bootstrap draws: {args.units:,} units x 12 "
          f"periods; CPUs available: {os.cpu_count()}; best of 3 runs each")
    t_ours, res = best_of(lambda: ours(df, args.bootstrap))
    print(f"  kansenmonitor: {t_ours:7.2f} s  (simple ATT {res.estimate:.4f}, se {res.se:.4f})")
    try:
        import diff_diff
    except ImportError:
        print("  diff-diff is not installed (pip install diff-diff): no reference timing")
        return
    t_theirs, ref = best_of(lambda: theirs(df, args.bootstrap))
    print(f"  diff-diff {diff_diff.__version__}: {t_theirs:7.2f} s  (simple ATT {ref.overall_att:.4f}, "
          f"se {ref.overall_se:.4f})")
    mine = {(int(r.group), int(r.time)): float(r.att) for r in res.att_gt.itertuples()}
    other = {(int(g), int(t)): float(v["effect"]) for (g, t), v in ref.group_time_effects.items()}
    common = sorted(set(mine) & set(other))
    diff = max(abs(mine[k] - other[k]) for k in common) if common else float("nan")
    print(f"  group-time effects compared: {len(common)}, largest difference {diff:.2e}")
    print(f"  ratio kansenmonitor / diff-diff = {t_ours / t_theirs:.3g}  (target <= 1)")


if __name__ == "__main__":
    main()
