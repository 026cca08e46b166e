"""Honest DiD: how large a violation of parallel trends would overturn the conclusion (Rambachan & Roth 2023).

The event study gives ``K`` pre-period and ``T`` post-period coefficients ``betahat`` (reference period, the
one just before the start, normalised to zero) and their covariance ``sigma``. The target is ``theta = l'tau``
for a weight vector ``l`` over the post periods (default: the average post-period effect). Under the
smoothness restriction Delta^SD(M) the bias ``delta`` may bend away from a straight line by at most ``M`` per
period: ``|(delta_{t+1} - delta_t) - (delta_t - delta_{t-1})| <= M`` with ``delta_0 = 0``. ``M = 0`` allows a
linear trend that continues after the start; a larger ``M`` allows the trend to change.

The robust interval is the optimal fixed-length confidence interval (FLCI) of Armstrong & Kolesar (2018) as
the R package HonestDiD computes it (``findOptimalFLCI``): among the affine estimators
``l_pre' betahat_pre + l' betahat_post`` that are unbiased for linear trends, it picks the one whose interval
``estimate +- h * cv_alpha(bias / h)`` is shortest, where ``h`` is its standard deviation, ``bias`` its worst-case
bias over Delta^SD(M) and ``cv_alpha(b)`` the ``1 - alpha`` quantile of ``|N(b, 1)|``. In the cumulative
weights ``u`` (``u_K`` fixed by unbiasedness) the worst-case bias is ``M * (c + sum |u_i|)`` and the variance a
quadratic in ``u``, so for each ``h`` the smallest bias is a small convex programme; the half-length is then
minimised over ``h`` between the minimum-variance and the minimum-bias estimator.

Differences from HonestDiD (stated in docs/evaluatie.md): ``cv_alpha`` is computed exactly (HonestDiD
simulates it with 10^6 normal draws) and ``h`` is found by bounded Brent minimisation (HonestDiD bisects on a
finite-difference derivative with 100 grid steps), so the intervals agree with the reference to about 1e-3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats


@dataclass(frozen=True)
class HonestDid:
    """Sensitivity of an event-study conclusion to violations of parallel trends (Delta^SD(M), FLCI)."""

    restriction: str  # "SD" (smoothness)
    target: str  # "average" (mean of the post-period effects) or "first" (first post period)
    alpha: float
    n_pre: int
    n_post: int
    original: tuple[float, float, float]  # estimate, ci_low, ci_high under exact parallel trends
    table: pd.DataFrame  # M, ci_low, ci_high, half_length, estimate, excludes_zero
    breakdown: float | None  # largest M at which the robust interval excludes 0 (None: not even at M=0)
    breakdown_beyond: bool  # True when the interval still excludes 0 at the end of the search (M_cap)
    m_scale: float  # the data-driven upper end of the M grid (HonestDiD's DeltaSD_upperBound_Mpre)

    def to_dict(self) -> dict:
        from .results import _clean

        return _clean(
            {
                "restriction": self.restriction,
                "target": self.target,
                "alpha": self.alpha,
                "n_pre": self.n_pre,
                "n_post": self.n_post,
                "original": {
                    "estimate": self.original[0],
                    "ci_low": self.original[1],
                    "ci_high": self.original[2],
                },
                "table": self.table,
                "breakdown": self.breakdown,
                "breakdown_beyond": self.breakdown_beyond,
                "m_scale": self.m_scale,
            }
        )


def folded_normal_quantile(p: float, mu: float) -> float:
    """The ``p`` quantile of ``|N(mu, 1)|`` (exact: solves ``Phi(c - mu) - Phi(-c - mu) = p``)."""
    mu = abs(float(mu))

    def f(c: float) -> float:
        return stats.norm.cdf(c - mu) - stats.norm.cdf(-c - mu) - p

    hi = mu + stats.norm.ppf(p) + 10.0
    return float(optimize.brentq(f, 0.0, hi, xtol=1e-14, rtol=1e-14))


def _lower_diff(k: int) -> np.ndarray:
    """I with -1 on the subdiagonal: from cumulative sums back to increments."""
    m = np.eye(k)
    if k > 1:
        m[np.arange(1, k), np.arange(k - 1)] = -1.0
    return m


class _FlciProblem:
    """The pieces of the FLCI search that do not depend on M (so a grid of M reuses them)."""

    def __init__(self, sigma: np.ndarray, n_pre: int, n_post: int, l_vec: np.ndarray) -> None:
        K, T = n_pre, n_post
        self.K = K
        self.l_vec = l_vec
        s_pre = sigma[:K, :K]
        s_pp = sigma[:K, K:]
        s_post = float(l_vec @ sigma[K:, K:] @ l_vec)
        # pre-period weights l_pre = G u, with u the cumulative sums of HonestDiD's w (u_K = target)
        G = _lower_diff(K) @ _lower_diff(K)
        self.G = G
        self.Q = G.T @ s_pre @ G
        self.q = G.T @ s_pp @ l_vec
        self.c = s_post
        j = np.arange(1, T + 1)
        self.target = float(j @ l_vec)
        self.bias_const = float(
            sum(abs(float(np.arange(1, s + 1) @ l_vec[T - s :])) for s in range(1, T + 1)) - self.target
        )
        u_free0 = np.zeros(K - 1)
        self.h_max = self.sd(u_free0)  # all weight on the last pre-period: the smallest bias
        if K > 1:
            Qff = self.Q[: K - 1, : K - 1]
            rhs = self.Q[: K - 1, K - 1] * self.target + self.q[: K - 1]
            x = -np.linalg.lstsq(Qff, rhs, rcond=None)[0]
            self.u_minvar = x
            self.h_min = self.sd(x)
        else:
            self.u_minvar = u_free0
            self.h_min = self.h_max
        self._cache: dict[float, tuple[float, np.ndarray]] = {}

    def _u(self, x: np.ndarray) -> np.ndarray:
        return np.append(x, self.target)

    def var(self, x: np.ndarray) -> float:
        u = self._u(x)
        return float(u @ self.Q @ u + 2 * u @ self.q + self.c)

    def sd(self, x: np.ndarray) -> float:
        return float(np.sqrt(max(self.var(x), 0.0)))

    def bias(self, x: np.ndarray) -> float:
        """Worst-case bias over Delta^SD(1) (scale by M)."""
        return self.bias_const + abs(self.target) + float(np.sum(np.abs(x)))

    def min_bias(self, h: float) -> tuple[float, np.ndarray]:
        """Smallest worst-case bias (M = 1) among the estimators with standard deviation at most ``h``."""
        key = round(float(h), 15)
        if key in self._cache:
            return self._cache[key]
        K = self.K
        if K == 1 or h >= self.h_max:
            out = (self.bias(np.zeros(K - 1)), np.zeros(K - 1))
            self._cache[key] = out
            return out
        n = K - 1
        h2 = float(h) ** 2
        Qx = self.Q[:n, :n]
        gx = self.Q[:n, n] * self.target + self.q[:n]

        def var_split(z: np.ndarray) -> float:
            x = z[:n] - z[n:]
            return self.var(x)

        def grad_var(z: np.ndarray) -> np.ndarray:
            x = z[:n] - z[n:]
            g = 2 * (Qx @ x + gx)
            return np.concatenate([g, -g])

        # start on the straight line between the minimum-variance and the minimum-bias estimator
        lo, hi = self.h_min, self.h_max
        frac = 0.0 if hi <= lo else min(max((hi - h) / (hi - lo), 0.0), 1.0)
        x0 = frac * self.u_minvar
        z0 = np.concatenate([np.maximum(x0, 0), np.maximum(-x0, 0)])
        res = optimize.minimize(
            lambda z: float(np.sum(z)),
            z0,
            jac=lambda z: np.ones_like(z),
            method="SLSQP",
            bounds=[(0.0, None)] * (2 * n),
            constraints=[
                {
                    "type": "ineq",
                    "fun": lambda z: (h2 - var_split(z)) / h2,
                    "jac": lambda z: -grad_var(z) / h2,
                }
            ],
            options={"ftol": 1e-13, "maxiter": 500},
        )
        x = res.x[:n] - res.x[n:]
        if self.var(x) > h2 * (1 + 1e-6):  # numerically infeasible: fall back to the minimum-variance point
            x = self.u_minvar
        out = (self.bias(x), x)
        self._cache[key] = out
        return out

    def flci(self, M: float, alpha: float) -> tuple[float, np.ndarray]:
        """Half-length and pre-period weights ``l_pre`` of the optimal FLCI at ``M``."""
        p = 1 - alpha

        def half(h: float) -> float:
            b, _ = self.min_bias(h)
            return h * folded_normal_quantile(p, M * b / h)

        lo, hi = self.h_min, self.h_max
        if M == 0 or hi - lo <= 1e-12 * max(hi, 1e-300):
            h_best = lo
        else:
            res = optimize.minimize_scalar(
                half, bounds=(lo, hi), method="bounded", options={"xatol": 1e-10 * hi}
            )
            cands = [(half(lo), lo), (half(hi), hi), (float(res.fun), float(res.x))]
            h_best = min(cands)[1]
        _, x = self.min_bias(h_best)
        hl = half(h_best) if M > 0 else h_best * folded_normal_quantile(p, 0.0)
        l_pre = self.G @ self._u(x)
        return float(hl), l_pre


def m_upper_bound(betahat: np.ndarray, sigma: np.ndarray, n_pre: int, alpha: float = 0.05) -> float:
    """HonestDiD's ``DeltaSD_upperBound_Mpre``: the largest pre-period second difference plus z * its se."""
    if n_pre < 2:
        return float(np.sqrt(sigma[0, 0]))
    K = n_pre
    A = np.zeros((K - 1, K + 1))
    for r in range(K - 1):
        A[r, r : r + 3] = [1.0, -2.0, 1.0]
    A = np.delete(A, K, axis=1)  # the reference period (delta_0 = 0) drops out
    A = np.vstack([A, -A])
    b = betahat[:K]
    S = sigma[:K, :K]
    d = A @ b
    se = np.sqrt(np.diag(A @ S @ A.T))
    return float(np.max(d + stats.norm.ppf(1 - alpha) * se))



def event_study_inputs(betahat, sigma, n_pre, n_post) -> tuple[np.ndarray, np.ndarray, int, int]:
    """The event-study coefficients (pre-periods first) and their covariance as arrays, with their counts;
    a ``ValueError`` when they do not fit together (shared by both honest-DiD restrictions)."""
    betahat = np.asarray(betahat, dtype=float).ravel()
    sigma = np.asarray(sigma, dtype=float)
    K, T = int(n_pre), int(n_post)
    if K < 1 or T < 1:
        raise ValueError("honest DiD needs at least one pre-period and one post-period coefficient")
    if betahat.size != K + T or sigma.shape != (K + T, K + T):
        raise ValueError("betahat and sigma do not match n_pre + n_post")
    return betahat, sigma, K, T


def honest_did_sd(
    betahat: np.ndarray,
    sigma: np.ndarray,
    n_pre: int,
    n_post: int,
    *,
    l_vec: np.ndarray | None = None,
    m_grid: np.ndarray | list[float] | None = None,
    alpha: float = 0.05,
    target: str = "average",
    breakdown: bool = True,
) -> HonestDid:
    """Robust intervals under Delta^SD(M) on a grid of M, and the breakdown value of M.

    ``betahat`` holds the ``n_pre`` pre-period coefficients (oldest first, without the reference period) and
    then the ``n_post`` post-period ones. ``l_vec`` defaults to the average (``target="average"``) or the first
    post period (``target="first"``, HonestDiD's default). ``m_grid`` defaults to 6 points from 0 to
    HonestDiD's data-driven upper bound.
    """
    betahat, sigma, K, T = event_study_inputs(betahat, sigma, n_pre, n_post)
    if not np.all(np.isfinite(betahat)) or not np.all(np.isfinite(sigma)):
        raise ValueError("betahat and sigma must be finite")
    sigma = (sigma + sigma.T) / 2
    if l_vec is None:
        l_vec = np.full(T, 1.0 / T) if target == "average" else np.eye(T)[0]
        target_name = target
    else:
        l_vec = np.asarray(l_vec, dtype=float).ravel()
        target_name = "custom"
    prob = _FlciProblem(sigma, K, T, l_vec)
    m_scale = m_upper_bound(betahat, sigma, K, alpha)
    grid = np.linspace(0.0, m_scale, 6) if m_grid is None else np.asarray(m_grid, dtype=float)
    post_est = float(l_vec @ betahat[K:])

    def interval(M: float) -> tuple[float, float, float, float]:
        hl, l_pre = prob.flci(float(M), alpha)
        est = float(l_pre @ betahat[:K]) + post_est
        return est - hl, est + hl, hl, est

    rows = []
    for M in grid:
        lo, hi, hl, est = interval(M)
        rows.append((float(M), lo, hi, hl, est, bool(lo > 0 or hi < 0)))
    table = pd.DataFrame(rows, columns=["M", "ci_low", "ci_high", "half_length", "estimate", "excludes_zero"])
    se_post = float(np.sqrt(l_vec @ sigma[K:, K:] @ l_vec))
    z = stats.norm.ppf(1 - alpha / 2)
    original = (post_est, post_est - z * se_post, post_est + z * se_post)

    bd: float | None = None
    beyond = False
    if breakdown:
        lo0, hi0, _, _ = interval(0.0)
        sign = 1 if lo0 > 0 else (-1 if hi0 < 0 else 0)
        if sign != 0:

            def excludes(M: float) -> bool:
                lo, hi, _, _ = interval(M)
                return lo > 0 if sign > 0 else hi < 0

            scale = m_scale if m_scale > 0 else se_post
            a, b = 0.0, scale
            steps = 0
            while excludes(b) and steps < 12:
                a, b = b, 2 * b
                steps += 1
            if steps == 12:
                bd, beyond = a, True
            else:
                while b - a > 1e-4 * scale:
                    mid = (a + b) / 2
                    if excludes(mid):
                        a = mid
                    else:
                        b = mid
                bd = a
    return HonestDid(
        restriction="SD",
        target=target_name,
        alpha=alpha,
        n_pre=K,
        n_post=T,
        original=original,
        table=table,
        breakdown=bd,
        breakdown_beyond=beyond,
        m_scale=m_scale,
    )
