"""Benchmark of the latent class analysis (kansenmonitor.surveys.lca) against a plain NumPy EM and StepMix.

Data: 100,000 respondents x 12 categorical items (3 answers each) drawn from a 7-class model, 2 % missing.
Each method runs ONE start to convergence from the same starting values (StepMix's random start for seed 1,
abs_tol 1e-8 on the average log-likelihood, at most 1000 iterations):

- kansenmonitor: identical answer patterns aggregated into frequency weights, BLAS products on the patterns;
- plain NumPy EM written here: one-hot matrix of all respondents, the same E/M steps with BLAS, no aggregation;
- StepMix (measurement='categorical_nan'), if installed (it is in the test extra).

Run:  .venv/bin/python bench/bench_surveys.py [--quick] [--enumerate]
``--enumerate`` also times class enumeration K = 1..10 with 20 starts on both cores (with progress).
Ratios are kansenmonitor / other: below 1 means kansenmonitor is faster. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from threadpoolctl import threadpool_limits

from kansenmonitor.surveys import lca


def simulate(n: int, items: int = 12, cats: int = 3, k: int = 7, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    modes = rng.integers(0, cats, size=(k, items))
    z = rng.choice(k, size=n, p=rng.dirichlet(np.full(k, 8.0)))
    probs = np.full((k, items, cats), 0.15 / (cats - 1))
    probs[np.arange(k)[:, None], np.arange(items)[None, :], modes] = 0.85
    x = (rng.random((n, items))[:, :, None] > np.cumsum(probs[z], axis=2)).sum(axis=2).astype(float)
    x[rng.random(x.shape) < 0.02] = np.nan
    return x


def plain_em(x: np.ndarray, cats: int, resp0: np.ndarray, tol: float, max_iter: int) -> tuple[float, int]:
    """The textbook EM on a one-hot matrix of every respondent (BLAS for both steps)."""
    n, j = x.shape
    onehot = np.zeros((n, j * cats))
    obs = ~np.isnan(x)
    rows, cols = np.nonzero(obs)
    onehot[rows, cols * cats + x[rows, cols].astype(int)] = 1.0
    observed = obs.astype(float)
    k = resp0.shape[1]
    resp = resp0
    weights = np.full(k, 1.0 / k)
    prev = -np.inf
    for it in range(1, max_iter + 1):
        num = onehot.T @ resp
        den = np.repeat(observed.T @ resp, cats, axis=0)
        probs = (num / np.maximum(den, 1e-300)).T
        if it > 1:
            weights = resp.mean(axis=0)
        joint = onehot @ np.log(np.clip(probs, 1e-15, 1)).T + np.log(weights)
        top = joint.max(axis=1, keepdims=True)
        norm = top[:, 0] + np.log(np.exp(joint - top).sum(axis=1))
        resp = np.exp(joint - norm[:, None])
        avg = norm.mean()
        if abs(avg - prev) < tol:
            return float(norm.sum()), it
        prev = avg
    return float(norm.sum()), max_iter


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="20,000 respondents instead of 100,000")
    ap.add_argument("--enumerate", action="store_true", help="also K = 1..10 with 20 starts on both cores")
    args = ap.parse_args()
    n = 20000 if args.quick else 100000
    k, tol, max_iter = 7, 1e-8, 1000
    x = simulate(n)
    cats = [[0, 1, 2]] * x.shape[1]
    rs = np.random.RandomState(1)
    resp0 = rs.uniform(size=(n, k))
    resp0 /= resp0.sum(axis=1)[:, None]
    print(f"LCA benchmark: {n:,} respondents x {x.shape[1]} items x {k} classes, one start, tol {tol}")

    t = time.perf_counter()
    data = lca.prepare(x, cats, [f"v{i}" for i in range(x.shape[1])])
    start = lca.start_from_resp(data, resp0)
    _p, ll_ours, it_ours, _c = lca.em(data, start, max_iter, tol)
    t_ours = time.perf_counter() - t
    print(f"  kansenmonitor : {t_ours:7.2f} s  ({it_ours} iterations, {len(data.freq):,} distinct patterns), "
          f"log-likelihood {ll_ours:.3f}")

    t = time.perf_counter()
    with threadpool_limits(1):
        ll_plain, it_plain = plain_em(x, 3, resp0, tol, max_iter)
    t_plain = time.perf_counter() - t
    print(f"  plain NumPy EM: {t_plain:7.2f} s  ({it_plain} iterations), log-likelihood {ll_plain:.3f}")
    t = time.perf_counter()
    ll_plain_mt, _ = plain_em(x, 3, resp0, tol, max_iter)
    t_plain_mt = time.perf_counter() - t
    print(f"  plain NumPy EM, multithreaded BLAS: {t_plain_mt:7.2f} s")
    print(f"  ratio kansenmonitor / plain NumPy EM: {t_ours / t_plain:.2f} (target <= 1.5); "
          f"/ multithreaded: {t_ours / t_plain_mt:.2f}")
    try:
        from stepmix.stepmix import StepMix
    except ImportError:
        print("  StepMix not installed: pip install stepmix")
    else:
        t = time.perf_counter()
        m = StepMix(n_components=k, measurement="categorical_nan", n_init=1, random_state=1, abs_tol=tol,
                    max_iter=max_iter, progress_bar=0, verbose=0).fit(x)
        t_sm = time.perf_counter() - t
        print(f"  StepMix       : {t_sm:7.2f} s, log-likelihood {m.score(x) * n:.3f}")
        print(f"  ratio kansenmonitor / StepMix: {t_ours / t_sm:.2f} (target <= 0.33, i.e. >= 3x faster)")
    if args.enumerate:
        print(f"Class enumeration K = 1..10, 20 starts each, {min(2, os.cpu_count() or 1)} processes:")
        t = time.perf_counter()
        fits = lca.enumerate_classes(data, list(range(1, 11)), n_starts=20, seed=1, tol=1e-7,
                                     progress=lambda i, m, kk: print(f"  K = {kk} done ({i}/{m}), "
                                                                     f"{time.perf_counter() - t:.1f} s", flush=True))
        stats = [lca.statistics(data, f) for f in fits]
        print(f"  {time.perf_counter() - t:.1f} s; BIC chooses K = {lca.choose_k(stats)}")


if __name__ == "__main__":
    main()
