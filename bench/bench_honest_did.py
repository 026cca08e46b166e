"""Benchmark: the honest-DiD FLCI (Delta^SD(M)) against the Python ``honestdid`` port of R HonestDiD.

Same data and settings, in one run: R HonestDiD's ``BCdata_EventStudy`` (4 pre + 4 post coefficients, from
tests/evaluation/fixtures/honestdid_bc.json) and a grid of M; for each target (first post period, average of
the post periods) the robust interval for every M: ours (``honest_did_sd``) vs honestdid's
``find_optimal_flci``. Prints both times, the ratio (ours / theirs: below 1 means kansenmonitor is faster) and
the largest difference of the interval ends.

honestdid pulls in torch and cvxpy, so it lives in a throwaway venv, not in the project's extras. Our module
needs only numpy, pandas and scipy, so this script loads it by path and runs in that venv:

    python3 -m venv /tmp/h16b-ref && /tmp/h16b-ref/bin/pip install honestdid==0.1.1
    /tmp/h16b-ref/bin/python bench/bench_honest_did.py
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
    for name in ("results", "honest"):
        spec = importlib.util.spec_from_file_location(f"kh.{name}", EVAL / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[f"kh.{name}"] = mod
        spec.loader.exec_module(mod)
    return sys.modules["kh.honest"].honest_did_sd


def main() -> None:
    import honestdid as hd

    honest_did_sd = load_ours()
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
