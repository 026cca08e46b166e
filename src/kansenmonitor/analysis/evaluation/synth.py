"""Synthetic control (Abadie, Diamond & Hainmueller 2010) with in-space placebo inference.

For each treated unit the donor weights w (non-negative, summing to one) minimise
(x1 - X0 w)' V (x1 - X0 w), where x1/X0 are pre-period predictors of the treated unit/donors. Without
covariates the predictors are the pre-period outcomes themselves and V = I. With covariates the
predictors are the pre-period means of the covariates plus every pre-period outcome, standardised, and the
diagonal V is chosen (nested optimisation) to minimise the pre-period outcome fit. Inference: every donor in turn
plays the treated unit; the p-value is the rank of the treated unit's post/pre RMSPE ratio.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import pandas as pd
from scipy import optimize

from .panel import Panel
from .results import DesignReport, Message, SynthResult


def simplex_least_squares(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve min ||A w - b||^2 subject to w >= 0 and sum(w) = 1.

    Non-negative least squares with a heavily weighted row enforcing the sum, followed by an exact
    equality-constrained solve on the support (an active-set polish) when that keeps all weights >= 0.
    """
    m, J = A.shape
    if J == 1:
        return np.ones(1)
    scale = max(float(np.abs(A).max()), float(np.abs(b).max()), 1e-12)
    A_s, b_s = A / scale, b / scale
    lam = 1e3 * max(1.0, float(np.linalg.norm(A_s, ord="fro")))
    A_aug = np.vstack([A_s, np.full((1, J), lam)])
    b_aug = np.append(b_s, lam)
    w, _ = optimize.nnls(A_aug, b_aug, maxiter=50 * J)
    w = np.clip(w, 0, None)
    support = np.flatnonzero(w > 1e-10)
    if 0 < len(support) <= m + 1:
        As = A_s[:, support]
        k = len(support)
        kkt = np.zeros((k + 1, k + 1))
        kkt[:k, :k] = As.T @ As
        kkt[:k, k] = 1.0
        kkt[k, :k] = 1.0
        rhs = np.append(As.T @ b_s, 1.0)
        sol = np.linalg.lstsq(kkt, rhs, rcond=None)[0]
        ws = sol[:k]
        if np.all(ws >= -1e-12):
            cand = np.zeros(J)
            cand[support] = np.clip(ws, 0, None)
            cand /= cand.sum()
            base = w / w.sum()
            if np.sum((A_s @ cand - b_s) ** 2) <= np.sum((A_s @ base - b_s) ** 2) + 1e-15:
                return cand
    s = w.sum()
    return w / s if s > 0 else np.full(J, 1.0 / J)


def _standardise(X: np.ndarray) -> np.ndarray:
    sd = X.std(axis=1, ddof=1, keepdims=True)
    sd[~np.isfinite(sd) | (sd == 0)] = 1.0
    return X / sd


def _fit_v(Xs: np.ndarray, x1: np.ndarray, Z0: np.ndarray, z1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nested optimisation of a diagonal V (sum one) minimising the pre-period outcome MSPE."""
    k = Xs.shape[0]

    def weights_for(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        v = np.exp(theta - theta.max())
        v = v / v.sum()
        s = np.sqrt(v)
        return v, simplex_least_squares(Xs * s[:, None], x1 * s)

    def loss(theta: np.ndarray) -> float:
        _, w = weights_for(theta)
        r = z1 - Z0 @ w
        return float(r @ r)

    best = optimize.minimize(
        loss, np.zeros(k), method="Nelder-Mead", options={"maxiter": 200 * k, "xatol": 1e-4}
    )
    v, w = weights_for(best.x)
    return v, w


def _fit_one(
    y_treated: np.ndarray,
    y_donors: np.ndarray,
    n_pre: int,
    X_treated: np.ndarray | None = None,
    X_donors: np.ndarray | None = None,
    v: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Donor weights for one treated series (y_donors: J x T)."""
    Z0 = y_donors[:, :n_pre].T
    z1 = y_treated[:n_pre]
    if X_donors is None:
        return simplex_least_squares(Z0, z1), None
    allX = _standardise(np.column_stack([X_treated, X_donors]))
    x1, Xs = allX[:, 0], allX[:, 1:]
    if v is None:
        v, w = _fit_v(Xs, x1, Z0, z1)
        return w, v
    s = np.sqrt(v)
    return simplex_least_squares(Xs * s[:, None], x1 * s), v


def _fmt(t: float) -> str:
    return str(int(t)) if float(t).is_integer() else f"{t:g}"


def _rmspe(gap: np.ndarray, n_pre: int) -> tuple[float, float]:
    pre = float(np.sqrt(np.mean(gap[:n_pre] ** 2)))
    post = float(np.sqrt(np.mean(gap[n_pre:] ** 2)))
    return pre, post


def _predictors(panel: Panel, covariates: tuple[str, ...], n_pre: int) -> np.ndarray | None:
    """Predictor matrix (k x n_units): pre-period means of the covariates and each pre-period outcome."""
    if not covariates:
        return None
    wide = panel.wide()
    rows = [panel.wide_covariate(c)[:, :n_pre].mean(axis=1) for c in covariates]
    return np.vstack([*rows, *wide.y[:, :n_pre].T])


def synthetic_control(
    panel: Panel,
    *,
    covariates: tuple[str, ...] | None = None,
    placebos: bool = True,
    alpha: float = 0.05,
    seed: int | None = 0,
    max_treated: int = 10,
    n_draws: int = 10000,
) -> SynthResult:
    """Synthetic control for one or a few treated units; donors are the never-treated units."""
    covariates = panel.covariates if covariates is None else tuple(covariates)
    wide = panel.wide()
    tr_idx = np.flatnonzero(wide.treated)
    donors = np.flatnonzero(~wide.treated)
    J = len(donors)
    panel.require(
        len(tr_idx) >= 1, "er is geen enkele behandelde eenheid", "Geef de startperiode van de maatregel op."
    )
    panel.require(
        len(tr_idx) <= max_treated,
        f"synthetische controle is bedoeld voor één of enkele behandelde eenheden, niet {len(tr_idx)}",
        "Gebruik methode cs of did (--method cs) voor veel behandelde eenheden.",
    )
    panel.require(
        J >= 2,
        f"te weinig vergelijkingseenheden (donoren): {J}; synthetische controle heeft er minstens 2 nodig",
        "Voeg eenheden zonder maatregel toe.",
    )
    T = len(wide.times)
    Yd = wide.y[donors]
    weight_rows, gap_rows, placebo_rows = [], [], []
    v_rows: list[tuple[str, str, float]] = []
    pre_r, post_r, ratios, mean_gaps = [], [], [], []
    placebo_ratio_sets, placebo_gap_sets, placebo_pre_sets = [], [], []
    for i in tr_idx:
        n_pre = int(wide.group[i])
        X = _predictors(panel, covariates, n_pre)
        Xd = None if X is None else X[:, donors]
        Xt = None if X is None else X[:, i]
        w, v = _fit_one(wide.y[i], Yd, n_pre, Xt, Xd)
        synth = Yd.T @ w
        gap = wide.y[i] - synth
        pre, post = _rmspe(gap, n_pre)
        pre_r.append(pre)
        post_r.append(post)
        ratios.append(post / pre if pre > 0 else np.inf)
        mean_gaps.append(float(gap[n_pre:].mean()))
        unit = wide.units[i]
        for d, wd in zip(wide.units[donors], w, strict=True):
            weight_rows.append((unit, d, float(wd)))
        if v is not None:
            names = [*covariates, *(f"{panel.outcome} {_fmt(t)}" for t in wide.times[:n_pre])]
            v_rows.extend((unit, nm, float(vv)) for nm, vv in zip(names, v, strict=True))
        for t in range(T):
            gap_rows.append((unit, wide.times[t], t - n_pre, wide.y[i, t], synth[t], gap[t]))
        if placebos:
            pr, pg, pp = [], [], []
            for j in range(J):
                others = np.delete(np.arange(J), j)
                wj, _ = _fit_one(
                    Yd[j],
                    Yd[others],
                    n_pre,
                    None if Xd is None else Xd[:, j],
                    None if Xd is None else Xd[:, others],
                    v,
                )
                gj = Yd[j] - Yd[others].T @ wj
                a, b = _rmspe(gj, n_pre)
                ratio = b / a if a > 0 else np.inf
                pr.append(ratio)
                pg.append(float(gj[n_pre:].mean()))
                pp.append(a)
                placebo_rows.append((wide.units[donors[j]], unit, a, b, ratio, float(gj[n_pre:].mean())))
            placebo_ratio_sets.append(np.array(pr))
            placebo_gap_sets.append(np.array(pg))
            placebo_pre_sets.append(np.array(pp))

    k = len(tr_idx)
    estimate = float(np.mean(mean_gaps))
    obs_ratio = float(np.mean(ratios))
    p_value, mde = None, None
    if placebos:
        if k == 1:
            p_value = float((1 + np.sum(placebo_ratio_sets[0] >= ratios[0])) / (J + 1))
            null_gaps = placebo_gap_sets[0]
        else:
            rng = np.random.default_rng(seed)
            draws = np.column_stack([s[rng.integers(0, J, n_draws)] for s in placebo_ratio_sets]).mean(axis=1)
            p_value = float((1 + np.sum(draws >= obs_ratio)) / (n_draws + 1))
            null_gaps = np.column_stack([s[rng.integers(0, J, n_draws)] for s in placebo_gap_sets]).mean(
                axis=1
            )
        crit = float(np.quantile(np.abs(null_gaps), 1 - alpha))
        mde = crit + float(np.quantile(np.abs(null_gaps), 0.8)) - float(np.quantile(np.abs(null_gaps), 0.5))
    warnings: list[Message] = list(panel.notes) + list(panel.balance_notes())
    if J < int(np.ceil(1 / alpha)) - 1 and k == 1:
        warnings.append(
            Message(
                "few_donors",
                f"Er zijn maar {J} vergelijkingseenheden. De kleinste mogelijke p-waarde is dan "
                f"1/{J + 1} = {1 / (J + 1):.2f}; een effect kan met deze toets dus nooit overtuigend worden "
                "aangetoond.",
                f"There are only {J} comparison units. The smallest possible p-value is 1/{J + 1} = "
                f"{1 / (J + 1):.2f}, so this test can never show an effect convincingly.",
            )
        )
    if placebos and k >= 1:
        pooled_pre = np.concatenate(placebo_pre_sets)
        if np.sqrt(np.mean(np.square(pre_r))) > np.quantile(pooled_pre, 0.9):
            warnings.append(
                Message(
                    "poor_prefit",
                    "De synthetische controle volgt de behandelde eenheid vóór de start slecht (slechter dan 90 % "
                    "van de vergelijkingseenheden). De behandelde eenheid lijkt op geen enkele mix van "
                    "vergelijkingseenheden; wees voorzichtig met de uitkomst.",
                    "The synthetic control tracks the treated unit poorly before the start (worse than 90 % of "
                    "the comparison units). No mix of comparison units resembles the treated unit; be careful "
                    "with the result.",
                )
            )
    starts = wide.group[tr_idx].astype(int)
    design = DesignReport(
        n_pre_periods=int(starts.min()),
        n_post_periods=int(T - starts.max()),
        pre_periods_by_group=MappingProxyType({float(wide.times[g]): int(g) for g in np.unique(starts)}),
        pretrend=None,
        balance=None,
        mde=mde,
        mde_basis="placebo distribution of the average post-period gap (approximate, 80 % power)",
    )
    gaps = pd.DataFrame(
        gap_rows, columns=["treated_unit", "time", "event_time", "treated", "synthetic", "gap"]
    )
    return SynthResult(
        method="scm",
        outcome=panel.outcome,
        estimate=estimate,
        se=None,
        ci_low=None,
        ci_high=None,
        p_value=p_value,
        n_units=int(len(wide.units)),
        n_treated=k,
        n_periods=T,
        alpha=alpha,
        warnings=tuple(warnings),
        design=design,
        weights=pd.DataFrame(weight_rows, columns=["treated_unit", "donor", "weight"]),
        predictor_weights=pd.DataFrame(v_rows, columns=["treated_unit", "predictor", "v"])
        if v_rows
        else None,
        gaps=gaps,
        placebos=pd.DataFrame(
            placebo_rows,
            columns=["unit", "treated_unit", "pre_rmspe", "post_rmspe", "ratio", "mean_post_gap"],
        ),
        pre_rmspe=float(np.sqrt(np.mean(np.square(pre_r)))),
        post_rmspe=float(np.sqrt(np.mean(np.square(post_r)))),
        rmspe_ratio=obs_ratio,
        n_donors=J,
    )
