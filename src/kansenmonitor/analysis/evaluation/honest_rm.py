"""Honest DiD under relative magnitudes, Delta^RM(Mbar) (Rambachan & Roth 2023, section 2.4.1).

The post-period deviations from parallel trends may change per period by at most ``Mbar`` times the largest
change per period before the start: ``|delta_{t+1} - delta_t| <= Mbar * max_{s<0} |delta_{s+1} - delta_s|`` for
``t >= 0`` (``delta_0 = 0``). ``Mbar = 1`` says "after the start the trend wanders no more than it did before".

Delta^RM is a union of polyhedra, one per pre-period change ``j`` (the one that is the largest) and sign; a
confidence set for the union is the union of the sets for its parts (Lemma 2.2). For each part the test of
``theta = l'tau = theta0`` is the moment-inequality test of Andrews, Roth & Pakes (2023) with the hybrid
least-favourable first stage (``kappa = alpha / 10``), as R HonestDiD's ``computeConditionalCS_DeltaRM`` and
moderndid's ``compute_conditional_cs_rm`` do it: with one post period the test without nuisance parameters,
with more the conditional test with ``T - 1`` nuisance parameters on the post-period moments only. The confidence
set is read off a grid of ``theta`` (1000 points, the reference's default span ``l'beta_post +- (Mbar *
sum_t t|l_t| * maxpre + 20 sd)``), where per part the accepted points are found by the reference's search from
the middle of the grid and bisection to both ends.

Agreement (tests/evaluation/test_honest_rm.py): on the Benzarti-Carloni event study and on mpdta's event study
the accepted grids equal moderndid 0.2.0's point for point, per part, because the least-favourable critical value
uses the same 1000 normal draws (numpy ``default_rng(0)``). The parts are all ``K`` pre-period changes as in R
HonestDiD and the paper; moderndid 0.2.0 leaves out the oldest one (``s`` from ``-(K-1)`` to ``-1``) and needs
``K >= 2``. The least-favourable value here solves the linear programme per draw by enumerating the vertices of
its dual (exact), and so does the maximisation inside the truncation bounds of the degenerate case (the
reference: an LP per bisection step); that is what makes the breakdown search affordable.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .honest import event_study_inputs

LF_SIMS = 1000
GRID_POINTS = 1000
#: the dual of the test's linear programme has C(2T, T) candidate vertices for T post periods: up to T = 8 here
MAX_POST_PERIODS = 8
_EPS = np.finfo(float).eps


@dataclass(frozen=True)
class HonestDidRM:
    """Sensitivity of an event-study conclusion under relative magnitudes (Delta^RM(Mbar), ARP hybrid test)."""

    target: str
    alpha: float
    n_pre: int
    n_post: int
    original: tuple[float, float, float]
    table: pd.DataFrame  # Mbar, ci_low, ci_high, excludes_zero (grid-based; NaN when the set is empty)
    breakdown: float | None  # largest Mbar at which the robust set excludes 0 (None: not even at Mbar = 0)
    breakdown_beyond: bool  # the set still excludes 0 at the end of the search
    max_pre_change: float  # the largest estimated change per period before the start, |beta_{s+1} - beta_s|
    grid_points: int = GRID_POINTS

    @property
    def restriction(self) -> str:
        return "RM"

    def to_dict(self) -> dict:
        from .results import _clean

        return _clean(
            {
                "restriction": "RM",
                "target": self.target,
                "alpha": self.alpha,
                "n_pre": self.n_pre,
                "n_post": self.n_post,
                "original": {"estimate": self.original[0], "ci_low": self.original[1],
                             "ci_high": self.original[2]},
                "table": self.table,
                "breakdown": self.breakdown,
                "breakdown_beyond": self.breakdown_beyond,
                "max_pre_change": self.max_pre_change,
                "grid_points": self.grid_points,
            }
        )


# --------------------------------------------------------------------------------------------- constraints


def rm_constraints(n_pre: int, n_post: int, mbar: float, j: int, positive: bool) -> np.ndarray:
    """``A`` with ``A delta <= 0`` for the part of Delta^RM(Mbar) where pre-period change ``j`` is the largest.

    ``delta`` runs over periods ``-K .. -1, 1 .. T`` (``delta_0 = 0`` dropped); change ``j`` (0-based) is
    ``delta_{-K+j+1} - delta_{-K+j}``, so ``j = K - 1`` is ``delta_0 - delta_{-1}``. ``positive``: that change is
    ``>= 0`` (else ``<= 0``). Rows: every pre-period change within +- it, every post change within +- Mbar times it.
    """
    K, T = n_pre, n_post
    n = K + T + 1
    a_tilde = np.zeros((K + T, n))
    for r in range(K + T):
        a_tilde[r, r : r + 2] = (-1.0, 1.0)
    v = np.zeros(n)
    v[j : j + 2] = (-1.0, 1.0)
    if not positive:
        v = -v
    a_ub = np.vstack([np.tile(v, (K, 1)), np.tile(mbar * v, (T, 1))])
    A = np.vstack([a_tilde - a_ub, -a_tilde - a_ub])
    A = A[np.sum(A * A, axis=1) > 1e-10]
    return np.delete(A, K, axis=1)


# ------------------------------------------------------------------------------------- truncated normals


def _norminvp(p: float, lower: float, upper: float, mu: float = 0.0, sd: float = 1.0) -> float:
    """The ``p`` quantile of ``N(mu, sd^2)`` truncated to ``[lower, upper]``."""
    lo = -np.inf if np.isinf(lower) else (lower - mu) / sd
    up = np.inf if np.isinf(upper) else (upper - mu) / sd
    if np.isinf(lo) and np.isinf(up):
        return mu + sd * stats.norm.ppf(p)
    p_l = 0.0 if np.isinf(lo) else stats.norm.cdf(lo)
    p_u = 1.0 if np.isinf(up) else stats.norm.cdf(up)
    q = p_l + p * (p_u - p_l)
    if q <= p_l:
        return lower
    if q >= p_u:
        return upper
    return mu + sd * stats.norm.ppf(q)


# ------------------------------------------------------------------------------------ least favourable cv


def _draws(sigma: np.ndarray) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.multivariate_normal(mean=np.zeros(sigma.shape[0]), cov=sigma, size=LF_SIMS)


def dual_vertices(sd: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Vertices of ``{lam >= 0 : lam'sd = 1, lam'X = 0}`` (rows): every basis of ``k + 1`` rows, solved at once."""
    m, k = X.shape
    W = np.column_stack([sd, X])  # m x (k + 1)
    size = k + 1
    supports = np.array(list(combinations(range(m), size)), dtype=int)
    Ws = np.transpose(W[supports], (0, 2, 1))  # n x size x size: W_S'
    rhs = np.zeros(size)
    rhs[0] = 1.0
    ok = np.abs(np.linalg.det(Ws)) > 1e-12
    supports, Ws = supports[ok], Ws[ok]
    if not len(supports):
        return np.zeros((0, m))
    lam_s = np.linalg.solve(Ws, np.broadcast_to(rhs, (len(Ws), size))[..., None])[..., 0]
    feas = np.all(lam_s >= -1e-12, axis=1)
    out = np.zeros((int(feas.sum()), m))
    rows = np.repeat(np.arange(len(out)), size)
    out[rows, supports[feas].ravel()] = np.maximum(lam_s[feas], 0.0).ravel()
    return np.unique(np.round(out, 14), axis=0)


def least_favorable_cv(X: np.ndarray | None, sigma: np.ndarray, kappa: float,
                       verts: np.ndarray | None = None) -> float:
    """The ``1 - kappa`` quantile of ``eta(xi) = min_delta max_i (xi_i - X_i delta) / sd_i`` with xi ~ N(0, sigma).

    The draws are numpy's ``default_rng(0)`` (as moderndid's), so the value is reproducible and the same.
    ``eta`` is the linear programme's value; by duality it is the largest ``lam'xi`` over the vertices of the
    dual feasible set, which gives all draws at once.
    """
    xi = _draws(sigma)
    sd = np.sqrt(np.diag(sigma))
    if X is None:
        return float(np.quantile(np.max(xi / sd, axis=1), 1 - kappa))
    X = X.reshape(len(sd), -1)
    verts = dual_vertices(sd, X) if verts is None else verts
    if len(verts) == 0:
        raise RuntimeError("least-favourable critical value: the linear programme is unbounded")
    eta = np.max(xi @ verts.T, axis=1)
    return float(np.quantile(eta, 1 - kappa))


# ------------------------------------------------------------------------------------------- the tests


def _test_lf_no_nuisance(y: np.ndarray, sigma: np.ndarray, A: np.ndarray, alpha: float, kappa: float,
                         lf_cv: float, a_tilde: np.ndarray) -> bool:
    """Accept ``A mu <= 0`` for ``y ~ N(mu, sigma)``? The hybrid conditional test without nuisance parameters."""
    moments = a_tilde @ y
    loc = int(np.argmax(moments))
    top = moments[loc]
    if top > lf_cv:
        return False
    gamma = a_tilde[loc]
    a_bar = a_tilde - a_tilde[loc]
    gsg = float(gamma @ sigma @ gamma)
    sigma_bar = np.sqrt(gsg)
    c = sigma @ gamma / gsg
    z = y - c * float(gamma @ y)
    Az, Ac = a_bar @ z, a_bar @ c
    nz = np.abs(Ac) > 1e-10
    obj = np.full_like(Ac, np.nan)
    obj[nz] = -Az[nz] / Ac[nz]
    neg, pos = nz & (Ac < 0), nz & (Ac > 0)
    v_lo = np.max(obj[neg]) if np.any(neg) else -np.inf
    v_up = np.min(obj[pos]) if np.any(pos) else np.inf
    size = (alpha - kappa) / (1 - kappa)
    cv = max(0.0, _norminvp(1 - size, v_lo, v_up, 0.0, sigma_bar))
    return not top > cv


def _eta_lp(y: np.ndarray, X: np.ndarray, sd: np.ndarray):
    c = np.r_[1.0, np.zeros(X.shape[1])]
    res = optimize.linprog(c, A_ub=-np.column_stack([sd, X]), b_ub=-y, bounds=[(None, None)] * len(c),
                           method="highs-ds")
    if not res.success:
        return None, None
    return float(res.x[0]), -np.asarray(res.ineqlin.marginals)


class _MaxProgram:
    """``max_x f'x`` s.t. ``W'x = e1, x >= 0`` with ``f = s_t + b c``: the reference solves an LP per call.

    The feasible set is a polytope (``W``'s first column, the standard deviations, is positive, so it has no
    rays) whose vertices are those of the dual of the eta programme; the maximum is over them, exactly.
    """

    def __init__(self, verts: np.ndarray, s_t: np.ndarray, b: np.ndarray) -> None:
        self.vs = verts @ s_t
        self.vb = verts @ b
        self.verts = verts

    def __call__(self, c: float) -> tuple[np.ndarray, float]:
        vals = self.vs + self.vb * c
        i = int(np.argmax(vals))
        return self.verts[i], float(vals[i])


def _round_eps(x: float) -> float:
    return 0.0 if abs(x) < _EPS ** 0.75 else x


def _vlo_vup_dual(eta, s_t, gamma, sigma, verts):
    """The truncation bounds of the conditional test in the degenerate case, by the reference's bisection."""
    tol_c = tol_eq = 1e-6
    sg = float(gamma @ sigma @ gamma)
    sigma_b = np.sqrt(sg)
    low0, high0 = min(-100.0, eta - 20 * sigma_b), max(100.0, eta + 20 * sigma_b)
    max_iters, switch_iters = 10000, 10
    b = (sigma @ gamma) / sg
    prog = _MaxProgram(verts, s_t, b)

    def is_sol(c):
        x, val = prog(c)
        return x, bool(abs(c - val) <= tol_eq)

    _, ok = is_sol(eta)
    if not ok:
        return eta, np.inf

    def shortcut(x, start):
        return _round_eps(float(x @ s_t)) / (1 - float(x @ b))

    def edge(start, unbounded):
        """From ``start`` towards ``eta``: the reference's shortcut steps, then bisection between ``eta`` (inside
        the set) and the last point outside it."""
        res, ok = is_sol(start)
        if ok:
            return unbounded
        iters = 1
        mid = shortcut(res, start)
        while iters < switch_iters:
            res, ok = is_sol(mid)
            if ok:
                break
            iters += 1
            mid = shortcut(res, mid)
        inside, outside = eta, mid
        diff = tol_c + 1
        while diff > tol_c and iters < max_iters:
            iters += 1
            mid = (inside + outside) / 2
            _, ok = is_sol(mid)
            if ok:
                inside = mid
            else:
                outside = mid
            diff = abs(outside - inside)
        return mid

    vup = edge(high0, np.inf)
    vlo = edge(low0, -np.inf)
    return vlo, vup


def _test_lf_nuisance(y: np.ndarray, X: np.ndarray, sigma: np.ndarray, alpha: float, kappa: float,
                      lf_cv: float, verts: np.ndarray) -> bool:
    """Accept? The ARP conditional test with linear nuisance parameters and the least-favourable first stage."""
    sd = np.sqrt(np.diag(sigma))
    vals = verts @ y
    top = int(np.argmax(vals))
    if np.sum(vals >= vals[top] - 1e-9 * max(1.0, abs(vals[top]))) == 1:
        eta, lam = float(vals[top]), verts[top]  # the unique dual solution: what the LP returns
    else:  # several optimal dual vertices: take the one the reference's solver picks
        eta, lam = _eta_lp(y, X, sd)
    if eta is None:
        return True
    if eta > lf_cv:
        return False
    size = (alpha - kappa) / (1 - kappa)
    k = X.shape[1]
    b_idx = lam > 1e-6
    degenerate = int(b_idx.sum()) != k + 1
    x_b = X[b_idx]
    full_rank = x_b.size > 0 and np.linalg.matrix_rank(x_b) == min(x_b.shape)
    if not full_rank or degenerate:
        gamma = lam
        sg = float(gamma @ sigma @ gamma)
        if abs(sg) < _EPS or sg <= _EPS:
            return not eta > 0
        s_t = y - (sigma @ gamma) * float(gamma @ y) / sg
        vlo, vup = _vlo_vup_dual(eta, s_t, gamma, sigma, verts)
        sigma_b = np.sqrt(sg)
        stat = eta / sigma_b
        zlo, zup = vlo / sigma_b, min(vup, lf_cv) / sigma_b
        if not zlo <= stat <= zup:
            return True
        return not stat > max(0.0, _norminvp(1 - size, zlo, zup))
    m = len(y)
    bc_idx = ~b_idx
    w_b = np.column_stack([sd[b_idx], x_b])
    w_bc = np.column_stack([sd[bc_idx], X[bc_idx]])
    eye = np.eye(m)
    s_b, s_bc = eye[b_idx], eye[bc_idx]
    w_b_inv = np.linalg.inv(w_b)
    gamma_b = w_bc @ w_b_inv @ s_b - s_bc
    v_b = s_b.T @ (w_b_inv.T @ np.eye(int(b_idx.sum()))[0])
    s2 = float(v_b @ sigma @ v_b)
    sigma_b = np.sqrt(s2)
    rho = gamma_b @ sigma @ v_b / s2
    vals = -gamma_b @ y / rho + float(v_b @ y)
    vlo = np.max(vals[rho > 0]) if np.any(rho > 0) else -np.inf
    vup = np.min(vals[rho < 0]) if np.any(rho < 0) else np.inf
    zlo, zup = vlo / sigma_b, min(vup, lf_cv) / sigma_b
    stat = eta / sigma_b
    if not zlo <= stat <= zup:
        return True
    return not stat > max(0.0, _norminvp(1 - size, zlo, zup))


def _construct_gamma(l_vec: np.ndarray) -> np.ndarray:
    T = len(l_vec)
    drop = int(np.argmax(np.abs(l_vec)))
    g = np.zeros((T, T))
    g[0] = l_vec
    row = 1
    for i in range(T):
        if i != drop:
            g[row, i] = 1.0
            row += 1
    return g


def _search(accepts, n: int) -> np.ndarray:
    """The reference's search: the first accepted point outward from the middle, then bisection to each end."""
    out = np.zeros(n)
    mid = n // 2
    seed = None
    if accepts(mid):
        seed = mid
    else:
        for off in range(1, n):
            left, right = mid - off, mid + off
            if left >= 0 and accepts(left):
                seed = left
                break
            if right < n and accepts(right):
                seed = right
                break
            if left < 0 and right >= n:
                break
    if seed is None:
        return out
    if seed == 0 or not accepts(0):
        lo, hi = 0, seed
        while lo < hi:
            m = (lo + hi) // 2
            if accepts(m):
                hi = m
            else:
                lo = m + 1
        lb = lo
    else:
        lb = 0
    if seed == n - 1 or not accepts(n - 1):
        lo, hi = seed, n - 1
        while lo < hi:
            m = (lo + hi + 1) // 2
            if accepts(m):
                lo = m
            else:
                hi = m - 1
        ub = lo
    else:
        ub = n - 1
    out[lb : ub + 1] = 1.0
    return out


def rm_part_accept(betahat, sigma, n_pre, n_post, l_vec, mbar, j, positive, grid, alpha=0.05,
                   kappa=None) -> np.ndarray:
    """Accepted points of ``grid`` for one part (change ``j``, sign) of Delta^RM(Mbar)."""
    kappa = alpha / 10 if kappa is None else kappa
    K, T = n_pre, n_post
    A = rm_constraints(K, T, mbar, j, positive)
    n = len(grid)
    if T == 1:
        sigma_y = A @ sigma @ A.T
        lf = least_favorable_cv(None, sigma_y, kappa)
        sd_t = np.maximum(np.sqrt(np.diag(sigma_y)), 1e-10)
        a_tilde = A / sd_t[:, None]
        e = np.zeros(K + T)
        e[K] = 1.0

        def accepts(i):
            return _test_lf_no_nuisance(betahat - e * grid[i], sigma, A, alpha, kappa, lf, a_tilde)

        # the reference tests every grid point in this case
        return np.array([float(accepts(i)) for i in range(n)])
    rows = np.flatnonzero(np.any(A[:, K:] != 0, axis=1))
    g_inv = np.linalg.inv(_construct_gamma(l_vec))
    ag = A[:, K:] @ g_inv
    a_one, a_rest = ag[:, 0], ag[:, 1:]
    y = A @ betahat
    sigma_y = A @ sigma @ A.T
    y_r, x_r, s_r = y[rows], a_rest[rows], sigma_y[np.ix_(rows, rows)]
    verts = dual_vertices(np.sqrt(np.diag(s_r)), x_r)
    lf = least_favorable_cv(x_r, s_r, kappa, verts)
    a_one_r = a_one[rows]

    def accepts(i):
        return _test_lf_nuisance(y_r - a_one_r * grid[i], x_r, s_r, alpha, kappa, lf, verts)

    return _search(accepts, n)


def rm_grid(betahat, n_pre, n_post, l_vec, mbar, sigma, points=GRID_POINTS) -> np.ndarray:
    """The reference's default grid: ``l'beta_post +- (Mbar * sum_t t|l_t| * maxpre + 20 sd(l'beta_post))``."""
    K, T = n_pre, n_post
    sd = float(np.sqrt(l_vec @ sigma[K:, K:] @ l_vec))
    maxpre = float(np.max(np.abs(np.diff(np.r_[betahat[:K], 0.0]))))
    off = float(betahat[K:] @ l_vec)
    half = float(mbar * (np.arange(1, T + 1) @ np.abs(l_vec)) * maxpre) + 20 * sd
    return np.linspace(off - half, off + half, points)


def rm_confidence_set(betahat, sigma, n_pre, n_post, l_vec, mbar, alpha=0.05, grid=None,
                      parts=None) -> tuple[np.ndarray, np.ndarray]:
    """Grid and accepted points of the Delta^RM(Mbar) confidence set (the union over its parts)."""
    K, T = n_pre, n_post
    if grid is None:
        grid = rm_grid(betahat, K, T, l_vec, mbar, sigma)
    parts = [(j, sgn) for j in range(K) for sgn in (True, False)] if parts is None else parts
    acc = np.zeros(len(grid))
    for j, sgn in parts:
        acc = np.maximum(acc, rm_part_accept(betahat, sigma, K, T, l_vec, mbar, j, sgn, grid, alpha))
    return grid, acc


def _bounds(grid: np.ndarray, acc: np.ndarray) -> tuple[float, float]:
    if not acc.any():
        return float("nan"), float("nan")
    idx = np.flatnonzero(acc > 0)
    return float(grid[idx[0]]), float(grid[idx[-1]])


def honest_did_rm(
    betahat,
    sigma,
    n_pre: int,
    n_post: int,
    *,
    l_vec=None,
    mbar_grid=None,
    alpha: float = 0.05,
    target: str = "average",
    breakdown: bool = True,
) -> HonestDidRM:
    """Robust confidence sets under Delta^RM(Mbar) on a grid of Mbar, and the breakdown value of Mbar.

    ``mbar_grid`` defaults to 0, 0.5, 1, 1.5, 2 (R HonestDiD's default Mbarvec is 0 to 2). The breakdown value
    is found by bisection on Mbar to 0.01 (each step a full confidence set), capped at 10.
    """
    betahat, sigma, K, T = event_study_inputs(betahat, sigma, n_pre, n_post)
    if T > MAX_POST_PERIODS:
        raise ValueError(f"relative magnitudes: at most {MAX_POST_PERIODS} post periods")
    sigma = (sigma + sigma.T) / 2
    if l_vec is None:
        l_vec = np.full(T, 1.0 / T) if target == "average" else np.eye(T)[0]
        target_name = target
    else:
        l_vec = np.asarray(l_vec, dtype=float).ravel()
        target_name = "custom"
    grid_m = [0.0, 0.5, 1.0, 1.5, 2.0] if mbar_grid is None else [float(m) for m in mbar_grid]
    cache: dict[float, tuple[float, float]] = {}

    def interval(mbar: float) -> tuple[float, float]:
        key = round(float(mbar), 12)
        if key not in cache:
            grid, acc = rm_confidence_set(betahat, sigma, K, T, l_vec, float(mbar), alpha)
            cache[key] = _bounds(grid, acc)
        return cache[key]

    rows = []
    for m in grid_m:
        lo, hi = interval(m)
        rows.append((m, lo, hi, bool(np.isfinite(lo) and (lo > 0 or hi < 0))))
    table = pd.DataFrame(rows, columns=["M", "ci_low", "ci_high", "excludes_zero"])
    post_est = float(l_vec @ betahat[K:])
    se = float(np.sqrt(l_vec @ sigma[K:, K:] @ l_vec))
    z = stats.norm.ppf(1 - alpha / 2)
    maxpre = float(np.max(np.abs(np.diff(np.r_[betahat[:K], 0.0]))))

    bd, beyond = None, False
    if breakdown:
        lo0, hi0 = interval(0.0)
        sign = 1 if (np.isfinite(lo0) and lo0 > 0) else (-1 if (np.isfinite(hi0) and hi0 < 0) else 0)
        if sign:

            def excludes(m):
                lo, hi = interval(m)
                return bool(np.isfinite(lo)) and (lo > 0 if sign > 0 else hi < 0)

            a, b = 0.0, 1.0
            while excludes(b) and b < 10:
                a, b = b, min(2 * b, 10.0)
            if excludes(b):
                bd, beyond = b, True
            else:
                while b - a > 0.01:
                    mid = (a + b) / 2
                    if excludes(mid):
                        a = mid
                    else:
                        b = mid
                bd = a
    return HonestDidRM(
        target=target_name, alpha=alpha, n_pre=K, n_post=T,
        original=(post_est, post_est - z * se, post_est + z * se), table=table, breakdown=bd,
        breakdown_beyond=beyond, max_pre_change=maxpre,
    )
