"""Benchmark: honest DiD against the Python ports of R HonestDiD: the FLCI (Delta^SD(M)) against ``honestdid``
and relative magnitudes (Delta^RM(Mbar), ARP hybrid test) against ``moderndid``.

Same data and settings, in one run: R HonestDiD's ``BCdata_EventStudy`` (4 pre + 4 post coefficients, from
tests/evaluation/fixtures/honestdid_bc.json) and a grid of M; for each target (first post period, average of
the post periods) the robust interval for every M: ours (``honest_did_sd``) vs honestdid's
``find_optimal_flci``. Prints both times, the ratio (ours / theirs: below 1 means kansenmonitor is faster) and
the largest difference of the interval ends.

honestdid pulls in torch and cvxpy, so it lives in a throwaway venv, not in the project's extras. Our module
needs only numpy, pandas and scipy, so this script loads it by path and runs in that venv:

    python3 -m venv /tmp/h16b-ref && /tmp/h16b-ref/bin/pip install honestdid==0.1.1 "moderndid[didhonest]==0.2.0"
    /tmp/h16b-ref/bin/python bench/bench_honest_did.py

Each part runs when its reference is installed in that venv. Relative magnitudes: for each target and Mbar the
confidence set on the same 1000-point grid, ours over the same parts as moderndid 0.2.0 (it leaves out the
oldest pre-period change, see honest_rm.py), the accepted grid compared point for point; then ours over all
parts with the breakdown value.
"""

from __future__ import annotations

import importlib.util
import json
import pathlib
import sys
import time
import types

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
EVAL = ROOT / "src" / "kansenmonitor" / "analysis" / "evaluation"


def load_ours():
    """Load honest.py (and results.py, for _clean) without importing the whole kansenmonitor package."""
    pkg = types.ModuleType("kh")
    pkg.__path__ = [str(EVAL)]
    sys.modules["kh"] = pkg
    for name in ("results", "honest", "honest_rm"):
        spec = importlib.util.spec_from_file_location(f"kh.{name}", EVAL / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[f"kh.{name}"] = mod
        spec.loader.exec_module(mod)
    return sys.modules["kh.honest"].honest_did_sd


def bench_rm() -> None:
    import warnings

    from moderndid.didhonest.delta.rm.rm import compute_conditional_cs_rm

    rm = sys.modules["kh.honest_rm"]
    fix = json.loads((ROOT / "tests" / "evaluation" / "fixtures" / "honestdid_bc.json").read_text())
    B, S = np.array(fix["betahat"]), np.array(fix["sigma"])
    K = T = 4
    grid_m = [0.0, 0.5, 1.0, 1.5, 2.0]
    warnings.simplefilter("ignore")
    for target, l_vec in (("first", np.eye(T)[0]), ("average", np.full(T, 1 / T))):
        t_ours = t_theirs = 0.0
        same = True
        for m in grid_m:
            t = time.perf_counter()
            g, acc = rm.rm_confidence_set(B, S, K, T, l_vec, m, parts=[(j, s) for j in range(1, K) for s in (1, 0)])
            t_ours += time.perf_counter() - t
            t = time.perf_counter()
            ref = compute_conditional_cs_rm(B, S, K, T, l_vec=l_vec, m_bar=m, seed=0)
            t_theirs += time.perf_counter() - t
            same &= bool(np.array_equal(acc > 0, np.asarray(ref["accept"]) > 0))
        print(
            f"RM {target:7s} {len(grid_m)} values of Mbar: ours {t_ours:.2f} s, moderndid {t_theirs:.2f} s, "
            f"ratio {t_ours / t_theirs:.4f}; accepted grids {'identical' if same else 'DIFFER'}"
        )
    t = time.perf_counter()
    res = rm.honest_did_rm(B, S, K, T, target="first")
    print(f"ours RM: all {K} pre-period changes, default Mbar grid + breakdown value (Mbar = {res.breakdown:.2f}) "
          f"in {time.perf_counter() - t:.2f} s")


def main() -> None:
    honest_did_sd = load_ours()
    try:
        import moderndid  # noqa: F401
    except ImportError:
        print("moderndid not installed: relative magnitudes skipped")
    else:
        bench_rm()
    try:
        import honestdid as hd
    except ImportError:
        print("honestdid not installed: FLCI skipped")
        return
    fix = json.loads((ROOT / "tests" / "evaluation" / "fixtures" / "honestdid_bc.json").read_text())
    B, S = np.array(fix["betahat"]), np.array(fix["sigma"])
    grid = [0.0, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5]
    for target, l_vec in (("first", np.eye(4)[0]), ("average", np.full(4, 0.25))):
        t = time.perf_counter()
        ours = honest_did_sd(B, S, 4, 4, target=target, m_grid=grid, breakdown=False)
        t_ours = time.perf_counter() - t
        t = time.perf_counter()
        theirs = [
            hd.find_optimal_flci(B, S, M=m, numPrePeriods=4, numPostPeriods=4, l_vec=l_vec)["FLCI"]
            for m in grid
        ]
        t_theirs = time.perf_counter() - t
        diff = max(
            max(abs(a - b[0]), abs(c - b[1]))
            for a, c, b in zip(ours.table["ci_low"], ours.table["ci_high"], theirs, strict=True)
        )
        print(
            f"FLCI {target:7s} {len(grid)} values of M: ours {t_ours:.2f} s, honestdid {t_theirs:.2f} s, "
            f"ratio {t_ours / t_theirs:.3f}; largest difference of the interval ends {diff:.1e}"
        )
    t = time.perf_counter()
    res = honest_did_sd(B, S, 4, 4, target="first")
    print(
        f"ours: default grid + breakdown value (M = {res.breakdown:.4f}) in {time.perf_counter() - t:.2f} s"
    )


if __name__ == "__main__":
    main()
