"""Latent class analysis (LCA) of survey items: EM with many random starts, design weights, FIML for missing
answers, model choice by BIC/AIC/entropy and a bootstrap likelihood-ratio test.

Model: P(x_i) = Σ_k π_k Π_j P(x_ij | k), with categorical items (one probability per class and answer) and,
where declared, count items (Poisson with a rate per class). A missing answer leaves its item out of the
product for that respondent (full-information maximum likelihood under missing at random).

Computation: identical answer patterns (missing included) are aggregated into frequency weights (the sum of
their design weights), so the E- and M-steps run on the distinct patterns; the one-hot pattern matrix times the
log-probabilities is one BLAS product. Design weights are scaled to sum to the number of respondents, so the
log-likelihood and BIC are on the sample's scale (BIC uses log n with n the number of respondents).

Starts follow StepMix's ``init_params='random'``: uniform random responsibilities per respondent, uniform class
weights, then an M-step. :func:`stepmix_start` reproduces StepMix's start for a given seed exactly, which the
agreement test uses.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from scipy.special import gammaln
from threadpoolctl import threadpool_limits

EPS = 1e-15


@dataclass
class LCAData:
    """Answer patterns ready for EM."""

    items: list[str]
    categories: list[list[int]]  # answer codes per categorical item, in order
    counts: list[str]  # count items (Poisson)
    onehot: np.ndarray  # P × Σ C_j (0/1; all zero for a missing answer)
    observed: np.ndarray  # P × J_categorical (1 if answered)
    count_values: np.ndarray  # P × J_count (0 where missing)
    count_observed: np.ndarray  # P × J_count
    count_const: np.ndarray  # P: Σ log(x!) over the answered count items
    freq: np.ndarray  # P: sum of scaled design weights per pattern
    inverse: np.ndarray  # N: pattern of each respondent
    n: int  # respondents

    @property
    def offsets(self) -> list[int]:
        out = [0]
        for c in self.categories:
            out.append(out[-1] + len(c))
        return out


@dataclass
class Params:
    weights: np.ndarray  # K
    probs: np.ndarray  # K × Σ C_j (each item's block sums to 1)
    rates: np.ndarray  # K × J_count

    def copy(self) -> Params:
        return Params(self.weights.copy(), self.probs.copy(), self.rates.copy())

    def to_dict(self) -> dict:
        return {"weights": self.weights.tolist(), "probs": self.probs.tolist(), "rates": self.rates.tolist()}

    @classmethod
    def from_dict(cls, d: dict) -> Params:
        k = len(d["weights"])
        return cls(np.array(d["weights"]), np.array(d["probs"]).reshape(k, -1),
                   np.array(d["rates"], dtype=float).reshape(k, -1))


@dataclass
class Fit:
    k: int
    params: Params
    loglik: float
    n_iter: int
    converged: bool
    start_logliks: list[float] = field(default_factory=list)
    seed: int | None = None


def prepare(values: np.ndarray, categories: Sequence[Sequence[int]], items: Sequence[str],
            weights: np.ndarray | None = None, count_values: np.ndarray | None = None,
            counts: Sequence[str] = ()) -> LCAData:
    """Build patterns from an N × J array of answer codes (NaN = missing) and optional count columns."""
    values = np.asarray(values, dtype=float)
    n = values.shape[0]
    idx = np.full(values.shape, -1, dtype=np.int16)
    for j, cats in enumerate(categories):
        col = values[:, j]
        for c_i, code in enumerate(cats):
            idx[col == code, j] = c_i
    cv = np.full((n, len(counts)), -1, dtype=np.int32)
    if counts:
        raw = np.asarray(count_values, dtype=float)
        ok = ~np.isnan(raw)
        cv[ok] = raw[ok].astype(np.int32)
    key = np.hstack([idx.astype(np.int32), cv]) if counts else idx.astype(np.int32)
    patterns, inverse = np.unique(key, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    w = w * n / w.sum()
    freq = np.bincount(inverse, weights=w, minlength=len(patterns))
    pat_idx = patterns[:, :len(categories)]
    total = sum(len(c) for c in categories)
    onehot = np.zeros((len(patterns), total))
    observed = np.zeros((len(patterns), len(categories)))
    off = 0
    for j, cats in enumerate(categories):
        ok = pat_idx[:, j] >= 0
        onehot[np.flatnonzero(ok), off + pat_idx[ok, j]] = 1.0
        observed[:, j] = ok
        off += len(cats)
    pc = patterns[:, len(categories):].astype(float)
    count_observed = (pc >= 0).astype(float)
    count_vals = np.where(pc >= 0, pc, 0.0)
    const = (gammaln(count_vals + 1) * count_observed).sum(axis=1)
    return LCAData(list(items), [list(c) for c in categories], list(counts), onehot, observed, count_vals,
                   count_observed, const, freq, inverse, n)


def _log_emission(data: LCAData, p: Params) -> np.ndarray:
    """P × K log P(pattern | class)."""
    out = data.onehot @ np.log(np.clip(p.probs, EPS, 1.0)).T
    if data.counts:
        lam = np.clip(p.rates, EPS, None)  # K × Jc
        x = data.count_values
        obs = data.count_observed
        out += x @ np.log(lam).T - obs @ lam.T - data.count_const[:, None]
    return out


def e_step(data: LCAData, p: Params) -> tuple[np.ndarray, float]:
    """Log posterior class probabilities per pattern and the (weighted) log-likelihood."""
    joint = _log_emission(data, p) + np.log(np.clip(p.weights, EPS, 1.0))
    top = joint.max(axis=1, keepdims=True)
    norm = top[:, 0] + np.log(np.exp(joint - top).sum(axis=1))
    return joint - norm[:, None], float(data.freq @ norm)


def m_step(data: LCAData, resp: np.ndarray, with_weights: bool = True, old: Params | None = None) -> Params:
    """Parameters from pattern responsibilities (already multiplied by nothing: ``resp`` is P × K)."""
    r = resp * data.freq[:, None]
    weights = r.sum(axis=0) / r.sum() if with_weights else old.weights
    # (ΣC × P) @ (P × K): the orientation BLAS handles well for a tall, narrow responsibility matrix
    num = (data.onehot.T @ r).T  # K × ΣC
    den = (data.observed.T @ r).T  # K × J
    width = [len(c) for c in data.categories]
    den_full = np.repeat(den, width, axis=1)
    probs = np.divide(num, den_full, out=np.zeros_like(num), where=den_full > 0)
    rates = np.zeros((resp.shape[1], len(data.counts)))
    if data.counts:
        rates = (data.count_values.T @ r).T / np.maximum((data.count_observed.T @ r).T, EPS)
    return Params(weights, probs, rates)


def em(data: LCAData, start: Params, max_iter: int = 1000, tol: float = 1e-10) -> tuple[Params, float, int, bool]:
    """EM from ``start`` until the average log-likelihood changes less than ``tol`` (StepMix's ``abs_tol``).
    BLAS runs on one thread: the products are narrow, and parallel work goes over starts and processes."""
    with threadpool_limits(1):
        return _em(data, start, max_iter, tol)


def _em(data: LCAData, start: Params, max_iter: int, tol: float) -> tuple[Params, float, int, bool]:
    p = start
    log_resp, ll = e_step(data, p)
    prev = ll / data.n
    for it in range(1, max_iter + 1):
        p = m_step(data, np.exp(log_resp))
        log_resp, ll = e_step(data, p)
        avg = ll / data.n
        if abs(avg - prev) < tol:
            return p, ll, it, True
        prev = avg
    return p, ll, max_iter, False


def start_from_resp(data: LCAData, resp_respondents: np.ndarray, weights: np.ndarray | None = None) -> Params:
    """A start from respondent-level responsibilities (summed per pattern with the design weights), uniform class
    weights — as StepMix initialises."""
    k = resp_respondents.shape[1]
    w = np.ones(data.n) if weights is None else np.asarray(weights, float) * data.n / np.sum(weights)
    agg = np.zeros((len(data.freq), k))
    np.add.at(agg, data.inverse, resp_respondents * w[:, None])
    safe = np.where(data.freq > 0, data.freq, 1.0)
    p = m_step(data, agg / safe[:, None])
    p.weights = np.full(k, 1.0 / k)
    return p


def stepmix_start(data: LCAData, k: int, seed: int, weights: np.ndarray | None = None) -> Params:
    """StepMix's random start for ``random_state=seed`` (first initialisation)."""
    rs = np.random.RandomState(seed)
    resp = rs.uniform(size=(data.n, k))
    resp /= resp.sum(axis=1)[:, None]
    return start_from_resp(data, resp, weights)


def random_start(data: LCAData, k: int, rng: np.random.Generator) -> Params:
    resp = rng.uniform(size=(len(data.freq), k))
    resp /= resp.sum(axis=1)[:, None]
    p = m_step(data, resp)
    p.weights = np.full(k, 1.0 / k)
    return p


def _one_start(args) -> tuple[float, dict, int, bool]:
    data, k, seed, max_iter, tol = args
    p, ll, it, conv = em(data, random_start(data, k, np.random.default_rng(seed)), max_iter, tol)
    return ll, p.to_dict(), it, conv


def fit(data: LCAData, k: int, n_starts: int = 20, seed: int = 1, max_iter: int = 1000, tol: float = 1e-8,
        workers: int = 1, pool: ProcessPoolExecutor | None = None) -> Fit:
    """The best of ``n_starts`` random starts (each run to convergence)."""
    seeds = [seed * 100003 + k * 1009 + s for s in range(n_starts)]
    tasks = [(data, k, s, max_iter, tol) for s in seeds]
    if pool is not None:
        results = list(pool.map(_one_start, tasks))
    elif workers > 1 and n_starts > 1:
        with ProcessPoolExecutor(max_workers=workers) as ex:
            results = list(ex.map(_one_start, tasks))
    else:
        results = [_one_start(t) for t in tasks]
    best = max(range(len(results)), key=lambda i: results[i][0])
    ll, pd_, it, conv = results[best]
    p = sort_classes(Params.from_dict(pd_))
    return Fit(k, p, ll, it, conv, [r[0] for r in results], seeds[best])


def sort_classes(p: Params) -> Params:
    """Largest class first (labels of a mixture are arbitrary; this makes results reproducible to read)."""
    order = np.argsort(-p.weights, kind="stable")
    return Params(p.weights[order], p.probs[order], p.rates[order])


def n_parameters(data: LCAData, k: int) -> int:
    return (k - 1) + k * sum(len(c) - 1 for c in data.categories) + k * len(data.counts)


def posterior(data: LCAData, p: Params) -> np.ndarray:
    """N × K posterior class probabilities of every respondent."""
    log_resp, _ = e_step(data, p)
    return np.exp(log_resp)[data.inverse]


def statistics(data: LCAData, f: Fit) -> dict:
    """Log-likelihood, number of parameters, AIC, BIC, sample-size adjusted BIC and relative entropy."""
    npar = n_parameters(data, f.k)
    n = data.n
    log_resp, _ = e_step(data, f.params)
    r = np.exp(log_resp)
    ent = -float(data.freq @ (r * np.where(r > 0, log_resp, 0.0)).sum(axis=1))
    rel_entropy = 1.0 if f.k == 1 else 1 - ent / (n * math.log(f.k))
    return {"k": f.k, "loglik": f.loglik, "parameters": npar, "aic": -2 * f.loglik + 2 * npar,
            "bic": -2 * f.loglik + npar * math.log(n), "sabic": -2 * f.loglik + npar * math.log((n + 2) / 24),
            "entropy": rel_entropy, "converged": f.converged, "iterations": f.n_iter,
            "starts": len(f.start_logliks),
            "starts_at_best": int(sum(1 for s in f.start_logliks if s >= f.loglik - 1e-3))}


def enumerate_classes(data: LCAData, ks: Sequence[int], n_starts: int = 20, seed: int = 1, max_iter: int = 1000,
                      tol: float = 1e-8, workers: int | None = None,
                      progress: Callable[[int, int, int], None] | None = None) -> list[Fit]:
    """Fit every K in ``ks`` (starts spread over ``workers`` processes; both cores by default)."""
    workers = workers or min(2, os.cpu_count() or 1)
    fits = []
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for i, k in enumerate(ks):
                fits.append(fit(data, k, n_starts, seed, max_iter, tol, pool=pool))
                if progress:
                    progress(i + 1, len(ks), k)
    else:
        for i, k in enumerate(ks):
            fits.append(fit(data, k, n_starts, seed, max_iter, tol))
            if progress:
                progress(i + 1, len(ks), k)
    return fits


def simulate(data: LCAData, p: Params, rng: np.random.Generator) -> LCAData:
    """A data set of the same size drawn from the model (no missing answers), for the bootstrap."""
    n = data.n
    cls = rng.choice(len(p.weights), size=n, p=p.weights / p.weights.sum())
    cols = []
    off = data.offsets
    for j, cats in enumerate(data.categories):
        probs = p.probs[cls, off[j]:off[j + 1]]
        u = rng.random(n)[:, None]
        pick = (u > np.cumsum(probs, axis=1)).sum(axis=1)
        cols.append(np.array(cats, dtype=float)[np.minimum(pick, len(cats) - 1)])
    values = np.column_stack(cols) if cols else np.zeros((n, 0))
    cv = rng.poisson(p.rates[cls]) if data.counts else None
    return prepare(values, data.categories, data.items, None, cv, data.counts)


def blrt(data: LCAData, smaller: Fit, larger: Fit, n_boot: int = 19, n_starts: int = 5, seed: int = 1,
         max_iter: int = 500, tol: float = 1e-7) -> dict:
    """Bootstrap likelihood-ratio test of K−1 against K classes (McLachlan; Nylund et al. 2007): data drawn from
    the fitted K−1 model, both models fitted again, p = share of bootstrap ratios at least the observed one."""
    observed = 2 * (larger.loglik - smaller.loglik)
    rng = np.random.default_rng(seed)
    stats = []
    for b in range(n_boot):
        sim = simulate(data, smaller.params, rng)
        f0 = fit(sim, smaller.k, n_starts, seed + b, max_iter, tol)
        f1 = fit(sim, larger.k, n_starts, seed + b, max_iter, tol)
        stats.append(2 * (f1.loglik - f0.loglik))
    p_value = (1 + sum(1 for s in stats if s >= observed)) / (n_boot + 1)
    return {"k": larger.k, "lr": observed, "p": p_value, "bootstraps": n_boot}


def choose_k(stats: list[dict], criterion: str = "bic") -> int:
    return min(stats, key=lambda s: s[criterion])["k"]


def item_probs(data: LCAData, p: Params) -> dict[str, np.ndarray]:
    """Item id → K × C answer probabilities."""
    off = data.offsets
    return {it: p.probs[:, off[j]:off[j + 1]] for j, it in enumerate(data.items)}
