"""Synthetic difference-in-differences (Arkhangelsky, Athey, Hirshberg, Imbens & Wager 2021).

Follows the reference R package ``synthdid`` step by step, so that its documented example (California's
Proposition 99: SDID -15.6, SC -19.6, DID -27.3) is reproduced:

* noise level sigma = standard deviation of the first differences of the donors' outcomes before the start;
* unit weights omega (non-negative, sum one, with an intercept) by Frank-Wolfe on the ridge-penalised fit of the
  treated units' mean pre-period path, zeta_omega = ((N1 T1)^(1/4)) sigma; time weights lambda likewise on the
  donors' post-period mean, zeta_lambda = 1e-6 sigma; each solved first for 100 iterations, then sparsified
  (weights below a quarter of the largest set to zero) and solved again until the decrease is below
  (1e-5 sigma)^2;
* the estimate (-omega, 1/N1)' Y (-lambda, 1/T1), which is the weighted two-way fixed-effects estimate.

The synthetic control (omega without intercept, tiny penalty, lambda = 0) and the plain DiD (uniform weights)
come with it, as in the R package's ``sc_estimate`` and ``did_estimate``.

Inference: with one treated unit the placebo variance (donors in random order play the treated units, weights
re-estimated, ``replications`` times); with more the jackknife over units with the weights fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd
from scipy import stats

from .panel import Panel, PanelError, _issue
from .results import DesignReport, Message, SdidResult

SE_METHODS = ("auto", "placebo", "jackknife", "none")


def fw_batch(
    A: np.ndarray,
    b: np.ndarray,
    zeta: float,
    intercept: bool = True,
    start: np.ndarray | None = None,
    min_decrease: float = 1e-3,
    max_iter: int = 1000,
) -> np.ndarray:
    """Frank-Wolfe for R problems at once: min zeta^2 ||w||^2 + ||A w - b||^2 / n over the simplex.

    ``A`` is R x n x k, ``b`` R x n; ``intercept`` demeans A's columns and b. This is synthdid's
    ``sc.weight.fw`` (the vertex with the smallest gradient, the exact line-search step, stopping when the
    objective falls by less than ``min_decrease``^2), with A'A w kept up to date in O(k) per step, and run for
    many problems in step (each stops on its own criterion) so that placebo replications cost little more
    than one fit.
    """
    R, n, k = A.shape
    if intercept:
        A = A - A.mean(axis=1, keepdims=True)
        b = b - b.mean(axis=1, keepdims=True)
    w = np.full((R, k), 1.0 / k) if start is None else np.array(start, dtype=float, copy=True).reshape(R, k)
    eta = n * zeta**2
    AtA = np.einsum("rni,rnj->rij", A, A)
    Atb = np.einsum("rni,rn->ri", A, b)
    diag = np.einsum("rii->ri", AtA)
    bb = np.einsum("rn,rn->r", b, b)
    AtAx = np.einsum("rij,rj->ri", AtA, w)
    rows = np.arange(R)
    active = np.ones(R, bool)
    prev = np.full(R, np.inf)
    cur = np.full(R, np.inf)
    tol = min_decrease**2
    t = 0
    while t < max_iter and active.any():
        t += 1
        idx = rows[active]
        wa, Ga = w[idx], AtAx[idx]
        half_grad = Ga - Atb[idx] + eta * wa
        i = np.argmin(half_grad, axis=1)
        wi = wa[np.arange(len(idx)), i]
        ww = np.einsum("rk,rk->r", wa, wa)
        gd = half_grad[np.arange(len(idx)), i] - np.einsum("rk,rk->r", half_grad, wa)
        xAx = np.einsum("rk,rk->r", wa, Ga)
        dAd = diag[idx, i] - 2 * Ga[np.arange(len(idx)), i] + xAx
        dd = 1 - 2 * wi + ww
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(dd > 0, -gd / (dAd + eta * dd), 0.0)
        st = np.clip(np.nan_to_num(step), 0.0, 1.0)
        wa = (1 - st)[:, None] * wa
        wa[np.arange(len(idx)), i] += st
        Ga = (1 - st)[:, None] * Ga + st[:, None] * AtA[idx, :, i]
        w[idx], AtAx[idx] = wa, Ga
        err2 = np.einsum("rk,rk->r", wa, Ga) - 2 * np.einsum("rk,rk->r", wa, Atb[idx]) + bb[idx]
        prev[idx] = cur[idx]
        cur[idx] = zeta**2 * np.einsum("rk,rk->r", wa, wa) + err2 / n
        if t >= 2:
            active[idx] = ~(prev[idx] - cur[idx] <= tol)
    return w


def _sparsify_rows(W: np.ndarray) -> np.ndarray:
    W = np.where(W <= W.max(axis=1, keepdims=True) / 4, 0.0, W)
    return W / W.sum(axis=1, keepdims=True)


def _two_stage(A: np.ndarray, b: np.ndarray, zeta: float, intercept: bool, start: np.ndarray | None,
               min_decrease: float) -> np.ndarray:
    """synthdid's weight fit: 100 steps, sparsify, then up to 10,000 steps from there."""
    w = fw_batch(A, b, zeta, intercept, start, min_decrease, 100)
    return fw_batch(A, b, zeta, intercept, _sparsify_rows(w), min_decrease, 10000)


def sc_weight_fw(
    Y: np.ndarray,
    zeta: float,
    intercept: bool = True,
    start: np.ndarray | None = None,
    min_decrease: float = 1e-3,
    max_iter: int = 1000,
) -> np.ndarray:
    """One problem in synthdid's layout: ``Y`` is n x (k + 1), the first k columns A, the last b."""
    return fw_batch(Y[None, :, :-1], Y[None, :, -1], zeta, intercept,
                    None if start is None else np.asarray(start)[None], min_decrease, max_iter)[0]


@dataclass(frozen=True)
class SdidFit:
    """One fit: estimate, unit weights (donors), time weights (pre-periods), covariate coefficients."""

    estimate: float
    omega: np.ndarray
    lam: np.ndarray
    beta: np.ndarray | None = None  # with covariates: the coefficients, one per covariate


def fw_step(A: np.ndarray, x: np.ndarray, b: np.ndarray, eta: float) -> np.ndarray:
    """One Frank-Wolfe step with exact line search for min eta/n ||x||^2 + ||A x - b||^2 / n over the simplex
    (synthdid's ``fw.step``; ``eta`` is n zeta^2)."""
    Ax = A @ x
    half_grad = (Ax - b) @ A + eta * x
    i = int(np.argmin(half_grad))
    d_x = -x.copy()
    d_x[i] += 1.0
    if not d_x.any():
        return x
    d_err = A[:, i] - Ax
    step = -(half_grad @ d_x) / (d_err @ d_err + eta * (d_x @ d_x))
    return x + min(1.0, max(0.0, float(step))) * d_x


def sc_weight_fw_covariates(
    Yc: np.ndarray,
    Xc: np.ndarray,
    zeta_lambda: float,
    zeta_omega: float,
    *,
    lambda_intercept: bool = True,
    omega_intercept: bool = True,
    min_decrease: float = 1e-3,
    max_iter: int = 10000,
    lam: np.ndarray | None = None,
    omega: np.ndarray | None = None,
    beta: np.ndarray | None = None,
    update_lambda: bool = True,
    update_omega: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """synthdid's ``sc.weight.fw.covariates``: time weights, unit weights and covariate coefficients together.

    ``Yc`` is the collapsed (N0 + 1) x (T0 + 1) outcome, ``Xc`` the collapsed covariates ((N0 + 1) x (T0 + 1) x C).
    Each iteration takes one Frank-Wolfe step (exact line search) for lambda and for omega on the outcome minus
    the covariates' part, ``Yc - Xc beta``, and a gradient step of size 1/t for beta; it stops when the penalised
    fit improves by less than ``min_decrease``^2. Returns (lambda, omega, beta).
    """
    N0, T0 = Yc.shape[0] - 1, Yc.shape[1] - 1
    C = Xc.shape[2]
    lam = np.full(T0, 1.0 / T0) if lam is None else np.array(lam, dtype=float)
    omega = np.full(N0, 1.0 / N0) if omega is None else np.array(omega, dtype=float)
    beta = np.zeros(C) if beta is None else np.array(beta, dtype=float)

    def update(Yb, lam, omega):
        Yl = Yb[:N0] - Yb[:N0].mean(axis=0) if lambda_intercept else Yb[:N0]
        if update_lambda:
            lam = fw_step(Yl[:, :T0], lam, Yl[:, T0], N0 * zeta_lambda**2)
        err_l = Yl @ np.append(lam, -1.0)
        Yo = Yb[:, :T0].T
        if omega_intercept:
            Yo = Yo - Yo.mean(axis=0)
        if update_omega:
            omega = fw_step(Yo[:, :N0], omega, Yo[:, N0], T0 * zeta_omega**2)
        err_o = Yo @ np.append(omega, -1.0)
        val = (zeta_omega**2 * omega @ omega + zeta_lambda**2 * lam @ lam + err_o @ err_o / T0
               + err_l @ err_l / N0)
        return lam, omega, err_l, err_o, val

    lam, omega, err_l, err_o, _val = update(Yc - Xc @ beta, lam, omega)
    vals: list[float] = []
    tol = min_decrease**2
    XlT = Xc[:N0].transpose(2, 0, 1)  # C x N0 x (T0 + 1)
    XoT = Xc[:, :T0].transpose(2, 1, 0)  # C x T0 x (N0 + 1)
    while len(vals) < max_iter and (len(vals) < 2 or vals[-2] - vals[-1] > tol):
        t = len(vals) + 1
        la, om = np.append(lam, -1.0), np.append(omega, -1.0)
        grad = -(err_l @ (XlT @ la).T / N0 + err_o @ (XoT @ om).T / T0)
        beta = beta - grad / t
        lam, omega, err_l, err_o, val = update(Yc - Xc @ beta, lam, omega)
        vals.append(float(val))
    return lam, omega, beta


def _collapsed(Y: np.ndarray, N0: int, T0: int) -> np.ndarray:
    """(N0 + 1) x (T0 + 1): donors and the treated mean by pre-periods and the post-period mean."""
    top = np.column_stack([Y[:N0, :T0], Y[:N0, T0:].mean(axis=1)])
    bottom = np.append(Y[N0:, :T0].mean(axis=0), Y[N0:, T0:].mean())
    return np.vstack([top, bottom])


def noise_level(Y: np.ndarray, N0: int, T0: int) -> float:
    """Standard deviation of the donors' period-to-period changes before the start."""
    return float(np.std(np.diff(Y[:N0, :T0], axis=1), ddof=1))


def sdid_fit(
    Y: np.ndarray,
    N0: int,
    T0: int,
    *,
    kind: str = "sdid",
    zeta_omega: float | None = None,
    zeta_lambda: float | None = None,
    omega: np.ndarray | None = None,
    lam: np.ndarray | None = None,
    update_omega: bool = True,
    update_lambda: bool = True,
    sigma: float | None = None,
    X: np.ndarray | None = None,
    beta: np.ndarray | None = None,
) -> SdidFit:
    """``synthdid_estimate`` (kind ``sdid``), ``sc_estimate`` (``sc``) or ``did_estimate`` (``did``).

    ``Y``: units x periods with the N0 donors first and the pre-periods first. ``X`` (units x periods x C):
    time-varying covariates, fitted jointly with the weights as synthdid does (:func:`sc_weight_fw_covariates`,
    no sparsifying step); the estimate is then that of ``Y - X beta``.
    """
    N, T = Y.shape
    N1, T1 = N - N0, T - T0
    sigma = noise_level(Y, N0, T0) if sigma is None else sigma
    if X is not None and X.shape[2] > 0:
        return _fit_with_covariates(Y, X, N0, T0, kind, sigma, zeta_omega, zeta_lambda, omega, lam, beta,
                                    update_omega, update_lambda)
    if kind == "did":
        o, lm = np.full(N0, 1.0 / N0), np.full(T0, 1.0 / T0)
    else:
        eta_omega = ((N1 * T1) ** 0.25) if kind == "sdid" else 1e-6
        zo = eta_omega * sigma if zeta_omega is None else zeta_omega
        zl = 1e-6 * sigma if zeta_lambda is None else zeta_lambda
        min_dec = 1e-5 * sigma
        Yc = _collapsed(Y, N0, T0)
        if kind == "sc":
            lm = np.zeros(T0)
        elif update_lambda:
            lm = _two_stage(Yc[None, :N0, :T0], Yc[None, :N0, T0], zl, True,
                            None if lam is None else np.asarray(lam)[None], min_dec)[0]
        else:
            lm = np.asarray(lam, dtype=float)
        intercept = kind == "sdid"
        if update_omega:
            o = _two_stage(Y[None, :N0, :T0].transpose(0, 2, 1), Yc[None, N0, :T0], zo, intercept,
                           None if omega is None else np.asarray(omega)[None], min_dec)[0]
        else:
            o = np.asarray(omega, dtype=float)
    est = float(np.concatenate([-o, np.full(N1, 1.0 / N1)]) @ Y @ np.concatenate([-lm, np.full(T1, 1.0 / T1)]))
    return SdidFit(est, o, lm)


def _collapsed_x(X: np.ndarray, N0: int, T0: int) -> np.ndarray:
    return np.stack([_collapsed(X[:, :, c], N0, T0) for c in range(X.shape[2])], axis=2)


def _fit_with_covariates(Y, X, N0, T0, kind, sigma, zeta_omega, zeta_lambda, omega, lam, beta,
                         update_omega, update_lambda) -> SdidFit:
    N, T = Y.shape
    N1, T1 = N - N0, T - T0
    if kind == "did":  # uniform weights, only beta is fitted
        omega, lam, update_omega, update_lambda = np.full(N0, 1.0 / N0), np.full(T0, 1.0 / T0), False, False
    if kind == "sc":  # no time weights, no intercept, a tiny penalty
        lam, update_lambda = np.zeros(T0), False
    eta_omega = ((N1 * T1) ** 0.25) if kind == "sdid" else 1e-6
    zo = eta_omega * sigma if zeta_omega is None else zeta_omega
    zl = 1e-6 * sigma if zeta_lambda is None else zeta_lambda
    lam_, om_, beta_ = sc_weight_fw_covariates(
        _collapsed(Y, N0, T0), _collapsed_x(X, N0, T0), zl, zo, omega_intercept=kind != "sc",
        min_decrease=1e-5 * sigma, lam=lam, omega=omega, beta=beta, update_lambda=update_lambda,
        update_omega=update_omega)
    Yb = Y - X @ beta_
    est = float(np.concatenate([-om_, np.full(N1, 1.0 / N1)]) @ Yb @ np.concatenate([-lam_, np.full(T1, 1.0 / T1)]))
    return SdidFit(est, om_, lam_, beta_)


def placebo_se_covariates(Y: np.ndarray, X: np.ndarray, N0: int, T0: int, fit: SdidFit, replications: int,
                          seed: int | None, zeta: tuple[float, float], sigma: float) -> tuple[float, np.ndarray]:
    """:func:`placebo_se` with covariates: each replication refits weights and coefficients jointly, starting
    from the fit's (as synthdid's ``placebo_se`` does through ``synthdid_estimate``)."""
    N1 = Y.shape[0] - N0
    n0 = N0 - N1
    rng = np.random.default_rng(seed)
    ests = np.empty(replications)
    for r in range(replications):
        perm = rng.permutation(N0)
        o0 = fit.omega[perm[:n0]]
        o0 = o0 / o0.sum() if o0.sum() > 0 else np.full(n0, 1.0 / n0)
        ests[r] = sdid_fit(Y[:N0][perm], n0, T0, zeta_omega=zeta[0], zeta_lambda=zeta[1], omega=o0, lam=fit.lam,
                           sigma=sigma, X=X[:N0][perm], beta=fit.beta).estimate
    return float(np.sqrt((replications - 1) / replications) * np.std(ests, ddof=1)), ests


def placebo_se(Y: np.ndarray, N0: int, T0: int, fit: SdidFit, replications: int, seed: int | None,
               zeta: tuple[float, float], sigma: float) -> tuple[float, np.ndarray]:
    """synthdid's ``placebo_se``: donors in random order; the last N1 of them play the treated units.

    Both weights are re-estimated in every replication, starting from the fit's (omega renormalised over the
    remaining donors), with the fit's penalties; all replications are solved together (:func:`fw_batch`).
    Returns the standard error and the placebo estimates.
    """
    N1 = Y.shape[0] - N0
    T1 = Y.shape[1] - T0
    n0 = N0 - N1
    rng = np.random.default_rng(seed)
    perms = np.array([rng.permutation(N0) for _ in range(replications)])
    Yp = Y[:N0][perms]  # R x N0 x T (donors in the drawn order)
    ctrl, trt = Yp[:, :n0], Yp[:, n0:]
    o0 = fit.omega[perms[:, :n0]]
    sums = o0.sum(axis=1, keepdims=True)
    o0 = np.where(sums > 0, o0 / np.where(sums > 0, sums, 1), 1.0 / n0)
    min_dec = 1e-5 * sigma
    lam0 = np.repeat(fit.lam[None], replications, axis=0)
    lam = _two_stage(ctrl[:, :, :T0], ctrl[:, :, T0:].mean(axis=2), zeta[1], True, lam0, min_dec)
    om = _two_stage(ctrl[:, :, :T0].transpose(0, 2, 1), trt[:, :, :T0].mean(axis=1), zeta[0], True, o0, min_dec)
    wt = np.concatenate([-lam, np.full((replications, T1), 1.0 / T1)], axis=1)
    diff = trt.mean(axis=1) - np.einsum("rn,rnt->rt", om, ctrl)
    ests = np.einsum("rt,rt->r", diff, wt)
    return float(np.sqrt((replications - 1) / replications) * np.std(ests, ddof=1)), ests


def jackknife_se(Y: np.ndarray, N0: int, T0: int, fit: SdidFit, X: np.ndarray | None = None,
                 sigma: float | None = None, zeta: tuple[float, float] | None = None) -> float:
    """synthdid's ``jackknife_se`` with the weights fixed (leave one unit out, renormalise omega); with
    covariates their coefficients are refitted from the fit's (the weights stay fixed)."""
    N = Y.shape[0]
    if N0 == N - 1 or np.count_nonzero(fit.omega) == 1:
        return float("nan")
    u = np.empty(N)
    for i in range(N):
        keep = np.delete(np.arange(N), i)
        n0 = int(np.sum(keep < N0))
        o = fit.omega[keep[keep < N0]]
        o = o / o.sum()
        if X is not None and fit.beta is not None:
            u[i] = sdid_fit(Y[keep], n0, T0, omega=o, lam=fit.lam, update_omega=False, update_lambda=False,
                            sigma=sigma, X=X[keep], beta=fit.beta, zeta_omega=None if zeta is None else zeta[0],
                            zeta_lambda=None if zeta is None else zeta[1]).estimate
        else:
            u[i] = _fixed(Y[keep], n0, T0, o, fit.lam)
    return float(np.sqrt(((N - 1) / N) * (N - 1) * np.var(u, ddof=1)))


def _fixed(Y: np.ndarray, N0: int, T0: int, omega: np.ndarray, lam: np.ndarray) -> float:
    N, T = Y.shape
    N1, T1 = N - N0, T - T0
    return float(np.concatenate([-omega, np.full(N1, 1.0 / N1)]) @ Y @ np.concatenate([-lam, np.full(T1, 1.0 / T1)]))


def projected_coefficients(Y0: np.ndarray, X0: np.ndarray) -> np.ndarray:
    """Coefficients of the covariates in a two-way fixed-effects regression of the outcome on them over the
    comparison units (units x periods; Kranz 2022, Stata ``sdid``'s ``projected``): both sides are demeaned by
    unit and by period (the balanced panel's within transformation), then least squares."""
    def within(a: np.ndarray) -> np.ndarray:
        return a - a.mean(axis=1, keepdims=True) - a.mean(axis=0, keepdims=True) + a.mean()
    y = within(Y0).ravel()
    Xw = np.column_stack([within(X0[:, :, c]).ravel() for c in range(X0.shape[2])])
    if np.linalg.matrix_rank(Xw) < Xw.shape[1]:
        return np.full(X0.shape[2], np.nan)
    return np.linalg.lstsq(Xw, y, rcond=None)[0]


def _standardised(x: np.ndarray) -> np.ndarray:
    """A covariate centred and scaled to standard deviation one over all its cells.

    synthdid fits covariate coefficients with plain gradient steps of size 1/t; on a covariate measured in
    large units (a percentage, euros) those steps overshoot and the fit runs off (R's own ``synthdid_estimate``
    does too). Scaling changes only the coefficients' units: the optimum, and so the estimate and weights, are
    the same (a shift of a covariate is absorbed by the intercepts)."""
    sd = float(np.std(x))
    return (x - float(np.mean(x))) / sd if sd > 0 else x - float(np.mean(x))


def _error(panel: Panel, field: str | None, message: str, hint: str,
           en: tuple[str, str | None] | None = None) -> PanelError:
    return PanelError([_issue(panel.source, None, field, message, hint, en)])


def synthetic_did(
    panel: Panel,
    *,
    se_method: str = "auto",
    replications: int = 200,
    alpha: float = 0.05,
    seed: int | None = 0,
    covariate_method: str = "projected",
) -> SdidResult:
    """Synthetic difference-in-differences for units that all start at the same period.

    ``se_method``: ``auto`` (placebo with one treated unit, jackknife with more), ``placebo``, ``jackknife`` or
    ``none``. ``replications``: number of placebo draws.

    With the panel's covariates, ``covariate_method`` (the two methods of Stata's ``sdid``):
    ``"projected"`` (default; Kranz 2022) takes out the covariates' part first, with coefficients from a
    two-way fixed-effects regression of the outcome on the covariates over the comparison units
    (:func:`projected_coefficients`), and then runs SDID on what is left; ``"optimized"`` fits the
    coefficients together with the weights as R ``synthdid`` does (:func:`sc_weight_fw_covariates`). The
    latter takes small gradient steps and can stop (after 10,000 of them) before it has converged, and its
    placebo replications each refit everything, so it is much slower.
    """
    if covariate_method not in ("projected", "optimized"):
        raise _error(panel, "covariate_method", f"onbekende manier voor de kenmerken '{covariate_method}'",
                     "Kies projected of optimized.",
        en=(f"unknown way to use the covariates '{covariate_method}'", "Choose projected or optimized."))
    if se_method not in SE_METHODS:
        raise _error(panel, "se_method", f"onbekende manier voor de onzekerheid '{se_method}'",
                     "Kies auto, placebo, jackknife of none.",
        en=(f"unknown way to estimate the uncertainty '{se_method}'", "Choose auto, placebo, jackknife or none."))
    wide = panel.wide()
    tr = np.flatnonzero(wide.treated)
    donors = np.flatnonzero(~wide.treated)
    panel.require(len(tr) >= 1, "er is geen enkele behandelde eenheid", "Geef de startperiode van de maatregel op.",
        en=("there is no treated unit", "Give the start period of the measure."))
    starts = np.unique(wide.group[tr])
    panel.require(
        len(starts) == 1,
        f"de maatregel start op {len(starts)} verschillende momenten; synthetische verschil-in-verschillen "
        "vraagt één startmoment voor alle eenheden met de maatregel",
        "Gebruik methode cs (--method cs; gespreide start) of evalueer elk startmoment apart.",
        en=(f"the measure starts at {len(starts)} different moments; synthetic difference-in-differences needs one start for all units with the measure", "Use method cs (--method cs; staggered adoption) or evaluate each start separately."),
    )
    T0 = int(starts[0])
    T = len(wide.times)
    N0, N1 = len(donors), len(tr)
    panel.require(
        T0 >= 2,
        f"er is {T0} periode vóór de start; synthetische verschil-in-verschillen heeft er minstens 2 nodig "
        "(de tijdgewichten kiezen tussen de jaren vóór de start)",
        "Voeg jaren vóór de start toe, of gebruik methode did (--method did).",
        en=(f"there is {T0} period before the start; synthetic difference-in-differences needs at least 2 (the time weights choose among the years before the start)", "Add years before the start, or use method did (--method did)."),
    )
    panel.require(
        N0 >= 2,
        f"te weinig vergelijkingseenheden: {N0}; synthetische verschil-in-verschillen heeft er minstens 2 nodig",
        "Voeg eenheden zonder maatregel toe.",
        en=(f"too few comparison units: {N0}; synthetic difference-in-differences needs at least 2", "Add units without the measure."),
    )
    method = se_method if se_method != "auto" else ("placebo" if N1 == 1 else "jackknife")
    if method == "placebo":
        panel.require(
            N0 > N1,
            f"de placebo-onzekerheid vraagt meer vergelijkingseenheden ({N0}) dan eenheden met de maatregel ({N1})",
            "Kies --se-method jackknife of voeg vergelijkingseenheden toe.",
        en=(f"the placebo uncertainty needs more comparison units ({N0}) than units with the measure ({N1})", "Choose --se-method jackknife or add comparison units."),
        )
    if method == "jackknife":
        panel.require(
            N1 >= 2,
            "de jackknife vraagt minstens 2 eenheden met de maatregel",
            "Kies --se-method placebo (bij één eenheid met de maatregel).",
        en=("the jackknife needs at least 2 units with the measure", "Choose --se-method placebo (with one unit with the measure)."),
        )
    order = np.concatenate([donors, tr])
    Y = wide.y[order]
    X = None
    beta_projected = None
    if panel.covariates:
        panel.require_complete_covariates(panel.covariates, "sdid")
        X = np.stack([_standardised(panel.wide_covariate(c)[order]) for c in panel.covariates], axis=2)
        panel.require(
            all(np.ptp(X[:N0, :, c]) > 0 for c in range(X.shape[2])),
            "een kenmerk heeft bij de vergelijkingseenheden overal dezelfde waarde; synthetische "
            "verschil-in-verschillen kan er niets mee",
            "Laat dat kenmerk weg.", field="covariates",
        en=("a covariate has the same value everywhere among the comparison units; synthetic difference-in-differences cannot use it", "Leave that covariate out."),
        )
        if covariate_method == "projected":
            beta_projected = projected_coefficients(Y[:N0], X[:N0])
            panel.require(
                bool(np.all(np.isfinite(beta_projected))),
                "de kenmerken zijn bij de vergelijkingseenheden niet van elkaar en van de vaste effecten te "
                "onderscheiden", "Laat kenmerken weg die bijna hetzelfde meten.", field="covariates",
        en=("the covariates cannot be told apart from each other and from the fixed effects among the comparison units", "Leave out covariates that measure nearly the same."),
            )
            Y = Y - X @ beta_projected
            X = None
    sigma = noise_level(Y, N0, T0)
    fits = {k: sdid_fit(Y, N0, T0, kind=k, sigma=sigma, X=X) for k in ("sdid", "sc", "did")}
    fit = fits["sdid"]
    if X is not None and not all(np.isfinite(f.estimate) for f in fits.values()):
        raise _error(panel, "covariates", "met deze kenmerken vindt synthetische verschil-in-verschillen geen "
                     "stabiele oplossing", "Laat kenmerken weg die bijna hetzelfde meten, of schat zonder kenmerken.",
        en=("with these covariates synthetic difference-in-differences finds no stable solution", "Leave out covariates that measure nearly the same, or estimate without covariates."))
    zeta = (((N1 * (T - T0)) ** 0.25) * sigma, 1e-6 * sigma)
    se = None
    if method == "placebo":
        if X is None:
            se, _ = placebo_se(Y, N0, T0, fit, replications, seed, zeta, sigma)
        else:
            se, _ = placebo_se_covariates(Y, X, N0, T0, fit, replications, seed, zeta, sigma)
    elif method == "jackknife":
        se = jackknife_se(Y, N0, T0, fit, X, sigma, zeta)
    warnings: list[Message] = list(panel.notes)
    ci_low = ci_high = p = None
    if se is not None and np.isfinite(se) and se > 0:
        z = stats.norm.ppf(1 - alpha / 2)
        ci_low, ci_high = fit.estimate - z * se, fit.estimate + z * se
        p = float(2 * stats.norm.sf(abs(fit.estimate) / se))
    if method == "placebo" and N0 < 20:
        warnings.append(
            Message(
                "sdid_few_placebos",
                f"De onzekerheid komt uit {N0} vergelijkingseenheden die om de beurt doen alsof zij de maatregel "
                "hadden. Met zo weinig eenheden is die onzekerheid zelf onzeker.",
                f"The uncertainty comes from {N0} comparison units that in turn pretend to have had the measure. "
                "With so few units that uncertainty is itself uncertain.",
            )
        )
    times = wide.times
    Ya = Y if X is None else Y - X @ fit.beta  # with covariates the chart shows the outcome net of them
    sy = fit.omega @ Ya[:N0]
    ty = Ya[N0:].mean(axis=0)
    # SDID compares changes: the counterfactual is the weighted donors shifted by the time-weighted pre-period gap
    shift = float(fit.lam @ (ty[:T0] - sy[:T0]))
    series = pd.DataFrame({"time": times, "treated": ty, "synthetic": sy, "counterfactual": sy + shift,
                           "time_weight": np.concatenate([fit.lam, np.zeros(T - T0)]),
                           "post": np.arange(T) >= T0})
    design = DesignReport(
        n_pre_periods=T0,
        n_post_periods=T - T0,
        pre_periods_by_group=MappingProxyType({float(times[T0]): T0}),
        pretrend=None,
        balance=None,
        mde=None if se is None or not np.isfinite(se) else float((stats.norm.ppf(1 - alpha / 2) + 0.84) * se),
        mde_basis="normal approximation with the estimated standard error (80 % power)",
    )
    return SdidResult(
        method="sdid",
        outcome=panel.outcome,
        estimate=fit.estimate,
        se=se,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p,
        n_units=int(len(wide.units)),
        n_treated=N1,
        n_periods=T,
        alpha=alpha,
        warnings=tuple(warnings),
        design=design,
        unit_weights=pd.DataFrame({"donor": wide.units[donors], "weight": fit.omega}),
        time_weights=pd.DataFrame({"time": times[:T0], "weight": fit.lam}),
        series=series,
        sc_estimate=fits["sc"].estimate,
        did_estimate=fits["did"].estimate,
        se_method=method,
        replications=replications if method == "placebo" else 0,
        noise_level=sigma,
        zeta_omega=zeta[0],
        n_donors=N0,
        covariate_coefficients=None if not panel.covariates else pd.DataFrame(
            {"covariate": list(panel.covariates),
             "coefficient_per_sd": beta_projected if beta_projected is not None else fit.beta}),
        covariate_method=covariate_method if panel.covariates else None,
    )
