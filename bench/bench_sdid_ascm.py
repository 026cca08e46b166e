"""Benchmark: synthetic difference-in-differences against synthdid-py, augmented SCM against pysyncon.

Same data and settings for each pair, in one run:

* SDID: 1 treated unit + J donors x 30 periods (start in period 20); the estimate with the unit and time weights
  plus the placebo standard error (``--replications`` draws, same seed: both give the same number), ours
  (``synthetic_did``) vs synthdid-py (``synthdid_estimate`` + ``placebo_se``), a port of R synthdid.
* ASCM: 1 treated unit + J donors x 20 periods (start in period 13), outcome only, lambda chosen by
  cross-validation; ours (``augmented_synthetic_control``, without placebos, as pysyncon has none) vs
  pysyncon's ``AugSynth``.

Run:  PYTHONPATH=src .venv/bin/python bench/bench_sdid_ascm.py [--donors 38 100] [--replications 200]
Ratios are ours / theirs: below 1 means kansenmonitor is faster. Not part of the test suite; the peers are
test-only packages (pip install synthdid-py pysyncon).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from kansenmonitor.analysis.evaluation import Panel, augmented_synthetic_control, synthetic_did


def panel_frame(J: int, T: int, T0: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(T, 3)).cumsum(axis=0)
    lam = rng.uniform(0.5, 1.5, size=(J + 1, 3))
    y = 10 + lam @ f.T + rng.normal(scale=0.3, size=(J + 1, T)) + rng.normal(size=(J + 1, 1))
    y[0, T0:] += 1.5
    return pd.DataFrame({
        "unit": np.repeat([f"u{i:04d}" for i in range(J + 1)], T),
        "year": np.tile(np.arange(T) + 2000, J + 1),
        "y": y.ravel(),
        "start": np.repeat(np.where(np.arange(J + 1) == 0, 2000 + T0, 0), T),
        "treated": ((np.repeat(np.arange(J + 1), T) == 0) & (np.tile(np.arange(T), J + 1) >= T0)).astype(int),
    })


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def bench_sdid(J: int, replications: int) -> None:
    import synthdid as sd

    df = panel_frame(J, 30, 20, seed=5)
    # the peer orders units as synthdid does; ours sorts them the same way (names), so the placebo draws match
    panel = Panel.from_frame(df, unit="unit", time="year", outcome="y", treated_from="start")
    ours_t, ours = timed(lambda: synthetic_did(panel, replications=replications, seed=1))

    def peer():
        setup = sd.panel_matrices(df, unit="unit", time="year", outcome="y", treatment="treated")
        e = sd.synthdid_estimate(setup.Y, setup.N0, setup.T0)
        return float(e), sd.placebo_se(e, replications=replications, random_state=1)

    ref_t, (ref_est, ref_se) = timed(peer)
    print(f"SDID 1 + {J} donors x 30, {replications} placebo draws: ours {ours_t:.2f} s, synthdid-py {ref_t:.2f} s, "
          f"ratio {ours_t / ref_t:.3f}  (estimate {ours.estimate:.6f} vs {ref_est:.6f}, se {ours.se:.6f} vs "
          f"{ref_se:.6f})")


def bench_ascm(J: int) -> None:
    from pysyncon import AugSynth, Dataprep

    df = panel_frame(J, 20, 12, seed=6)
    panel = Panel.from_frame(df, unit="unit", time="year", outcome="y", treated_from="start")
    ours_t, ours = timed(lambda: augmented_synthetic_control(panel, placebos=False))
    units = sorted(df["unit"].unique())

    def peer():
        dp = Dataprep(foo=df, predictors=["y"], predictors_op="mean", time_predictors_prior=range(2000, 2012),
                      dependent="y", unit_variable="unit", time_variable="year", treatment_identifier=units[0],
                      controls_identifier=units[1:], time_optimize_ssr=range(2000, 2012))
        a = AugSynth()
        a.fit(dataprep=dp, use_covariates=False)
        return a

    ref_t, ref = timed(peer)
    w = ours.weights.set_index("donor")["weight"]
    diff = float(np.max(np.abs(w.reindex(ref.weights(round=12).index) - ref.weights(round=12))))
    print(f"ASCM 1 + {J} donors x 20 (lambda by cross-validation): ours {ours_t:.2f} s, pysyncon {ref_t:.2f} s, "
          f"ratio {ours_t / ref_t:.3f}  (lambda {ours.lambda_:.4g} vs {ref.lambda_:.4g}, max weight diff {diff:.1e})")
    pt, _ = timed(lambda: augmented_synthetic_control(panel, lambda_=ours.lambda_))
    print(f"     ours with all {J} in-space placebos (not in pysyncon): {pt:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--donors", type=int, nargs="+", default=[38, 100])
    ap.add_argument("--replications", type=int, default=200)
    args = ap.parse_args()
    for J in args.donors:
        bench_sdid(J, args.replications)
        bench_ascm(J)


if __name__ == "__main__":
    main()
