"""Benchmark of the effect-evaluation engine against established packages on the same data.

1. Staggered DiD (Callaway & Sant'Anna, never-treated controls, 999 multiplier-bootstrap draws) on a
   simulated panel of 14,500 units x 12 periods, against ``differences`` (ATTgt, same bootstrap size).
2. Synthetic control with in-space placebos: 1 treated unit + 300 donors x 20 periods, against ``pysyncon``
   (Synth with the same V = identity on every pre-period outcome; the placebo fits PlaceboTest would run
   are timed for a sample of donors and extrapolated, because each takes minutes at this size).

Run:  PYTHONPATH=src .venv/bin/python bench/bench_evaluation.py [--quick]
Reference packages (optional):  .venv/bin/pip install differences pysyncon
Ratios are ours / theirs: below 1 means kansenmonitor is faster. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import time
import warnings

import numpy as np
import pandas as pd

from kansenmonitor.analysis.evaluation import Panel, callaway_santanna, synthetic_control


def staggered_frame(n: int, T: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cohorts = np.array([4, 6, 8, 10])
    g = np.where(rng.random(n) < 0.4, np.inf, rng.choice(cohorts, n))
    tt = np.arange(T)[None, :]
    since = tt - np.where(np.isfinite(g), g, 0)[:, None]
    tau = np.where(np.isfinite(g)[:, None] & (since >= 0), 1.0 + 0.2 * since, 0.0)
    y = rng.normal(size=(n, 1)) + np.cumsum(rng.normal(size=T))[None, :] + rng.normal(size=(n, T)) + tau
    start = np.where(np.isfinite(g), g + 2010, 0).astype(int)
    return pd.DataFrame(
        {
            "unit": np.repeat(np.arange(n), T),
            "year": np.tile(np.arange(T) + 2010, n),
            "y": y.ravel(),
            "start": np.repeat(start, T),
        }
    )


def synth_frame(J: int, T: int, T0: int, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(T, 4)).cumsum(axis=0)
    lam = rng.uniform(0.5, 1.5, size=(J + 1, 4))
    lam[0] = lam[1:11].mean(axis=0)
    y = 10 + lam @ f.T + rng.normal(scale=0.3, size=(J + 1, T))
    y[0, T0:] += 1.5
    return pd.DataFrame(
        {
            "unit": np.repeat(np.arange(J + 1), T),
            "year": np.tile(np.arange(T) + 2000, J + 1),
            "y": y.ravel(),
            "start": np.repeat(np.where(np.arange(J + 1) == 0, 2000 + T0, 0), T),
        }
    )


def timed(fn, repeat: int = 1):
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def line(label: str, ours: float, theirs: float | None, ref: str) -> None:
    if theirs is None:
        print(f"  {label:<44} ours {ours:8.2f} s   {ref}: not available")
    else:
        print(
            f"  {label:<44} ours {ours:8.2f} s   {ref} {theirs:8.2f} s   ratio ours/theirs = {ours / theirs:.3g}"
        )


def bench_cs(n: int, T: int, boot: int) -> None:
    print(f"\n[1] Staggered DiD (Callaway & Sant'Anna), {n:,} units x {T} periods, {boot} bootstrap draws")
    df = staggered_frame(n, T)
    panel = Panel.from_frame(df, unit="unit", time="year", outcome="y", treated_from="start")
    t_ours, res = timed(lambda: callaway_santanna(panel, bootstrap=boot, seed=1, design=False), repeat=3)
    t_full, _ = timed(
        lambda: callaway_santanna(
            Panel.from_frame(df, unit="unit", time="year", outcome="y", treated_from="start"),
            bootstrap=boot,
            seed=1,
        ),
        repeat=3,
    )
    print(
        f"  ours: overall (group) ATT = {res.estimate:.4f} (se {res.se:.4f}), {len(res.att_gt)} ATT(g,t) cells"
    )
    try:
        from differences import ATTgt
    except ImportError:
        line("ATT(g,t) + aggregation + bootstrap", t_ours, None, "differences")
        print("  differences is not installed (pip install differences); no reference timing. Documented")
        print("  alternative: R package 'did' (att_gt + aggte with bootstrap), not callable from here.")
        return
    d2 = df.assign(start=df["start"].replace(0, np.nan)).set_index(["unit", "year"])

    def theirs():
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            att = ATTgt(data=d2, cohort_column="start")
            att.fit(
                formula="y",
                control_group="never_treated",
                boot_iterations=boot,
                random_state=1,
                progress_bar=False,
                n_jobs=1,
            )
            agg = att.aggregate("cohort", overall=True, boot_iterations=boot, random_state=1, n_jobs=1)
        return att, agg

    t_ref, (att, agg) = timed(theirs, repeat=3)
    ref_est = float(agg.iloc[0, 0])
    print(
        f"  differences: overall (cohort) ATT = {ref_est:.4f}; |difference| = {abs(ref_est - res.estimate):.2e}"
    )
    line("ATT(g,t) + aggregation + bootstrap", t_ours, t_ref, "differences")
    line("  same, incl. validation + design checks", t_full, t_ref, "differences")


def bench_scm(J: int, T: int, T0: int, ref_placebos: int = 10) -> None:
    print(f"\n[2] Synthetic control with placebos, 1 treated + {J} donors x {T} periods ({T0} pre-periods)")
    df = synth_frame(J, T, T0)
    panel = Panel.from_frame(df, unit="unit", time="year", outcome="y", treated_from="start")
    t_ours, res = timed(lambda: synthetic_control(panel, placebos=True))
    print(
        f"  ours: effect = {res.estimate:.4f}, placebo p = {res.p_value:.4f}, pre-RMSPE = {res.pre_rmspe:.4f}"
    )
    try:
        from pysyncon import Dataprep, Synth
    except ImportError:
        line("weights + all placebos", t_ours, None, "pysyncon")
        print("  pysyncon is not installed (pip install pysyncon); no reference timing. Documented")
        print("  alternative: R package 'Synth' / Stata 'synth_runner', not callable from here.")
        return
    controls = list(range(1, J + 1))
    years = range(2000, 2000 + T0)

    def fit(treated: int, pool: list[int]):
        dp = Dataprep(
            foo=df,
            predictors=[],
            predictors_op="mean",
            dependent="y",
            unit_variable="unit",
            time_variable="year",
            treatment_identifier=treated,
            controls_identifier=pool,
            time_predictors_prior=years,
            time_optimize_ssr=years,
            special_predictors=[("y", [t], "mean") for t in years],
        )
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            s = Synth()
            s.fit(dataprep=dp, custom_V=np.ones(T0))
        return s

    t_main, s = timed(lambda: fit(0, controls))
    # pysyncon's PlaceboTest runs exactly these fits (each donor as treated, the other donors as pool).
    # With hundreds of donors its SLSQP fits take minutes each, so time a sample and extrapolate.
    k = min(ref_placebos, J)
    t0 = time.perf_counter()
    for d in controls[:k]:
        fit(d, [c for c in controls if c != d])
    per_placebo = (time.perf_counter() - t0) / k
    t_ref = t_main + per_placebo * J
    w_ref = np.asarray(s.W, dtype=float)
    w_ours = res.weights.set_index("donor")["weight"].loc[controls].to_numpy()
    y = df.pivot(index="unit", columns="year", values="y").to_numpy()
    A, b = y[1:, :T0].T, y[0, :T0]
    print(
        f"  pre-period loss (lower is better): ours {np.sum((A @ w_ours - b) ** 2):.6f}, "
        f"pysyncon {np.sum((A @ w_ref - b) ** 2):.6f}"
    )
    print(
        f"  pysyncon: main fit {t_main:.2f} s, {per_placebo:.2f} s per placebo fit "
        f"(timed {k} of {J}, total extrapolated)"
    )
    line("weights + all placebos", t_ours, t_ref, "pysyncon")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller sizes (smoke run)")
    ap.add_argument("--ref-placebos", type=int, default=5, help="pysyncon placebo fits to time (default 5)")
    args = ap.parse_args()
    print("kansenmonitor effect-evaluation benchmark")
    print(f"  CPUs available: {os.cpu_count()}; wall-clock seconds; CS: best of 3 runs each, SCM: 1 run")
    if args.quick:
        bench_cs(2000, 12, 199)
        bench_scm(60, 20, 12, args.ref_placebos)
    else:
        bench_cs(14500, 12, 999)
        bench_scm(300, 20, 12, args.ref_placebos)


if __name__ == "__main__":
    main()
