"""Benchmark: synthetic control with predictors, nested V and all in-space placebos, against pysyncon.

Same data and settings for both: 1 treated unit + J donors x 20 periods (start in period 13), predictors
``x1`` and ``x2`` (x2 observed every other year) averaged over the pre-period and the outcome averaged over
two windows, V chosen by nested Nelder-Mead from equal weights (pysyncon ``optim_initial="equal"``; ours
``v_search="equal"``), outcome fit over all pre-periods. Placebos: every donor in turn as treated with the
other donors as pool. Ours runs in full, twice: placebos reusing the treated unit's V (the default) and with
V re-optimised for every placebo (pysyncon's ``PlaceboTest``).

What is compared in full (nothing extrapolated):
- at every size, ours in full (main fit and all placebos) against pysyncon's main fit alone — ours does strictly
  more work, so the ratio is an upper bound of ours / theirs;
- at sizes up to ``--full-up-to`` donors (default 20), pysyncon's complete placebo run (every donor refitted with
  its own V) against ours with V re-optimised per placebo: the same work, both in full.
pysyncon's complete placebo run at 100 donors would take about 100 main fits (~100 s each here, about 3 hours),
so at larger sizes only its time per placebo fit is shown, as information (``--ref-placebos`` fits).

Run:  PYTHONPATH=src .venv/bin/python bench/bench_scm_predictors.py [--donors 20 100 300] [--full-up-to 20]
Ratios are ours / theirs: below 1 means kansenmonitor is faster. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time
import warnings

import numpy as np
import pandas as pd

from kansenmonitor.analysis.evaluation import Panel, synthetic_control

T, T0 = 20, 12
PREDICTORS = ["x1:2000-2011", "x2:2000-2011", "y:2000-2005", "y:2006-2011"]


def frame(J: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(T, 4)).cumsum(axis=0)
    lam = rng.uniform(0.5, 1.5, size=(J + 1, 4))
    lam[0] = lam[1:11].mean(axis=0)
    y = 10 + lam @ f.T + rng.normal(scale=0.3, size=(J + 1, T))
    y[0, T0:] += 1.5
    x1 = lam[:, :1] * 3 + rng.normal(scale=0.2, size=(J + 1, T))
    x2 = lam[:, 1:2] * 2 + rng.normal(scale=0.2, size=(J + 1, T))
    x2[:, 1::2] = np.nan
    return pd.DataFrame(
        {
            "unit": np.repeat(np.arange(J + 1), T),
            "year": np.tile(np.arange(T) + 2000, J + 1),
            "y": y.ravel(),
            "x1": x1.ravel(),
            "x2": x2.ravel(),
            "start": np.repeat(np.where(np.arange(J + 1) == 0, 2000 + T0, 0), T),
        }
    )


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def ours(df: pd.DataFrame, refit: bool):
    panel = Panel.from_frame(df, unit="unit", time="year", outcome="y", treated_from="start",
                             covariates=("x1", "x2"), covariate_gaps=True)
    return synthetic_control(panel, predictors=PREDICTORS, v_search="equal", placebo_refit_v=refit,
                             in_time_placebo=False)


def pysyncon_fit(df: pd.DataFrame, treated: int, controls: list[int]):
    from pysyncon import Dataprep, Synth

    dp = Dataprep(
        foo=df,
        predictors=["x1", "x2"],
        predictors_op="mean",
        time_predictors_prior=range(2000, 2000 + T0),
        special_predictors=[("y", range(2000, 2006), "mean"), ("y", range(2006, 2012), "mean")],
        dependent="y",
        unit_variable="unit",
        time_variable="year",
        treatment_identifier=treated,
        controls_identifier=controls,
        time_optimize_ssr=range(2000, 2000 + T0),
    )
    s = Synth()
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        s.fit(dataprep=dp, optim_method="Nelder-Mead", optim_initial="equal")
    return s


def bench(J: int, ref_placebos: int, full_up_to: int) -> None:
    df = frame(J)
    print(f"\n1 treated + {J} donors x {T} periods, 4 predictors, nested V, all {J} in-space placebos")
    t_reuse, res = timed(lambda: ours(df, refit=False))
    t_refit, res_refit = timed(lambda: ours(df, refit=True))
    print(f"  ours, placebos reuse V (full run):          {t_reuse:8.2f} s  (pre-RMSPE {res.pre_rmspe:.4f}, "
          f"p = {res.p_value:.3f})")
    print(f"  ours, V re-optimised per placebo (full run): {t_refit:8.2f} s  (p = {res_refit.p_value:.3f})")
    try:
        import pysyncon  # noqa: F401
    except ImportError:
        print("  pysyncon is not installed (pip install pysyncon): no reference timing")
        return
    controls = list(range(1, J + 1))
    t_main, s = timed(lambda: pysyncon_fit(df, 0, controls))
    print(f"  pysyncon main fit: {t_main:.2f} s, loss_V {s.loss_V:.6f} (ours {res.v_loss:.6f})")
    print(f"  ratio ours (default, full: main fit + {J} placebos) / pysyncon main fit alone = {t_reuse / t_main:.3g}")
    if J <= full_up_to:
        t_all = t_main
        for j in controls:
            t, _ = timed(lambda j=j: pysyncon_fit(df, j, [c for c in controls if c != j]))
            t_all += t
        print(f"  pysyncon full PlaceboTest (main fit + all {J} placebos, each with its own V): {t_all:.1f} s")
        print(f"  ratio ours (V re-optimised per placebo, full) / pysyncon (same work, full) = {t_refit / t_all:.3g}")
    elif ref_placebos:
        per = [timed(lambda j=j: pysyncon_fit(df, j, [c for c in controls if c != j]))[0]
               for j in controls[:ref_placebos]]
        print(f"  (information) pysyncon placebo fit: {np.mean(per):.1f} s each ({ref_placebos} timed); its full "
              f"placebo run is not timed at this size (about {J} such fits)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--donors", type=int, nargs="+", default=[20, 100, 300])
    ap.add_argument("--full-up-to", type=int, default=20,
                    help="run pysyncon's complete placebo test up to this many donors")
    ap.add_argument("--ref-placebos", type=int, default=1)
    args = ap.parse_args()
    for J in args.donors:
        bench(J, args.ref_placebos, args.full_up_to)


if __name__ == "__main__":
    main()
