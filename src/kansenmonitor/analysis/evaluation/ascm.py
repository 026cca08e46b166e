"""Ridge-augmented synthetic control (Ben-Michael, Feller & Rothstein 2021), as the R package ``augsynth``
(``progfunc = "Ridge"``) and pysyncon's ``AugSynth`` compute it.

The pre-period outcomes of the treated unit and the donors are centred at the donors' mean per period; with
predictors (covariate means over windows, as for :func:`synthetic_control`) their centred values, scaled to
the spread of the centred outcomes, are stacked below them (direct balance). The synthetic-control weights w
solve the simplex least-squares fit of that stacked design with V = I; the ridge correction

    w_ridge = (x1 - X0 w)' (X0 X0' + lambda I)^-1 X0

moves them towards what a ridge regression of the outcome on the design would extrapolate, so that a treated
unit outside the donors' convex hull is still matched (the augmented weights sum to one but may be negative).
lambda is chosen, unless given, by leave-one-period-out cross-validation over the pre-period (each of the
first T0 - 1 periods held out in turn) on a grid of 21 values from the largest squared singular value of the
design down by a factor 1e-8, taking the largest lambda whose mean error is within one standard error of the
smallest.

Inference: in-space placebos (each donor in turn plays the treated unit, with the same lambda) and the
p-value of the treated unit's post/pre RMSPE ratio, as for the synthetic control.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

import numpy as np
import pandas as pd

from .interpret import fmt_number
from .panel import Panel
from .results import AscmResult, DesignReport, Message
from .synth import Predictor, _as_predictors, _error, _resolve, simplex_least_squares


def ridge_correction(x1: np.ndarray, X0: np.ndarray, w: np.ndarray, lam: float) -> np.ndarray:
    """(x1 - X0 w)' (X0 X0' + lam I)^-1 X0: the ridge adjustment of the weights (``X0`` is m x J)."""
    m = X0.shape[0]
    return np.linalg.solve(X0 @ X0.T + lam * np.eye(m), x1 - X0 @ w) @ X0


def lambda_grid(X0: np.ndarray, min_ratio: float = 1e-8, n: int = 20) -> np.ndarray:
    s = np.linalg.svd(X0, compute_uv=False)
    scaler = min_ratio ** (1 / n)
    return s[0] ** 2 * scaler ** (np.arange(0, n + 1) - 1)


def cross_validate(X0: np.ndarray, x1: np.ndarray, t0: int, lambdas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard error of the held-out squared error per lambda (one of the first t0 - 1 rows out)."""
    errs = np.empty((t0 - 1, len(lambdas)))
    for i in range(t0 - 1):
        keep = np.delete(np.arange(X0.shape[0]), i)
        A, b = X0[keep], x1[keep]
        w = simplex_least_squares(A, b)
        M = A @ A.T
        r = b - A @ w
        for k, lam in enumerate(lambdas):
            w_aug = w + np.linalg.solve(M + lam * np.eye(len(keep)), r) @ A
            errs[i, k] = float((x1[i] - X0[i] @ w_aug) ** 2)
    return errs.mean(axis=0), errs.std(axis=0, ddof=1) / np.sqrt(t0 - 1)


def best_lambda(lambdas: np.ndarray, mean: np.ndarray, se: np.ndarray) -> float:
    """The largest lambda whose mean error is within one standard error of the minimum."""
    i = int(np.argmin(mean))
    return float(lambdas[mean <= mean[i] + se[i]].max())


def _design(Y_pre: np.ndarray, Z: np.ndarray | None, t: int, donors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stacked, centred design for treated row ``t`` against ``donors`` (Y_pre: units x T0, Z: k x units)."""
    X0 = Y_pre[donors].T
    mu = X0.mean(axis=1)
    X0c, x1c = X0 - mu[:, None], Y_pre[t] - mu
    if Z is None:
        return X0c, x1c
    Z0 = Z[:, donors]
    zm = Z0.mean(axis=1)
    Z0c, z1c = Z0 - zm[:, None], Z[:, t] - zm
    zsd = Z0c.std(axis=1, ddof=1)
    zsd[~(zsd > 0)] = 1.0
    xsd = float(X0c.std(ddof=1))
    return np.vstack([X0c, Z0c / zsd[:, None] * xsd]), np.concatenate([x1c, z1c / zsd * xsd])


def _fit(Y_pre, Z, t, donors, lam):
    X0s, x1s = _design(Y_pre, Z, t, donors)
    w = simplex_least_squares(X0s, x1s)
    return w, w + ridge_correction(x1s, X0s, w, lam)


def augmented_synthetic_control(
    panel: Panel,
    *,
    covariates: tuple[str, ...] | None = None,
    predictors: Sequence[Predictor | str] | None = None,
    lambda_: float | None = None,
    placebos: bool = True,
    alpha: float = 0.05,
    seed: int | None = 0,
) -> AscmResult:
    """Ridge-augmented synthetic control for one treated unit; donors are the never-treated units.

    ``predictors``/``covariates`` as for :func:`synthetic_control` (the outcome in every pre-period is always
    part of the design); ``lambda_``: the ridge penalty (default: cross-validated).
    """
    wide = panel.wide()
    tr = np.flatnonzero(wide.treated)
    donors = np.flatnonzero(~wide.treated)
    J = len(donors)
    panel.require(len(tr) >= 1, "er is geen enkele behandelde eenheid", "Geef de startperiode van de maatregel op.",
        en=("there is no treated unit", "Give the start period of the measure."))
    panel.require(
        len(tr) == 1,
        f"aangevulde synthetische controle is voor één eenheid met de maatregel, niet {len(tr)}",
        "Gebruik methode sdid (--method sdid) of cs voor meer eenheden met de maatregel.",
        en=(f"augmented synthetic control is for one unit with the measure, not {len(tr)}", "Use method sdid (--method sdid) or cs for more units with the measure."),
    )
    panel.require(
        J >= 2,
        f"te weinig vergelijkingseenheden (donoren): {J}; aangevulde synthetische controle heeft er minstens 2 nodig",
        "Voeg eenheden zonder maatregel toe.",
        en=(f"too few comparison units (donors): {J}; augmented synthetic control needs at least 2", "Add units without the measure."),
    )
    i = int(tr[0])
    T0 = int(wide.group[i])
    T = len(wide.times)
    panel.require(
        T0 >= 2,
        f"er is {T0} periode vóór de start; aangevulde synthetische controle heeft er minstens 2 nodig",
        "Voeg jaren vóór de start toe, of gebruik methode did (--method did).",
        en=(f"there is {T0} period before the start; augmented synthetic control needs at least 2", "Add years before the start, or use method did (--method did)."),
    )
    if lambda_ is None:
        panel.require(
            T0 >= 3,
            f"er zijn {T0} periodes vóór de start; de keuze van de ridge-parameter vraagt er minstens 3",
            "Voeg jaren vóór de start toe, of geef zelf een ridge-parameter (--ridge-lambda).",
        en=(f"there are {T0} periods before the start; choosing the ridge parameter needs at least 3", "Add years before the start, or give a ridge parameter yourself (--ridge-lambda)."),
        )
    if lambda_ is not None and not (np.isfinite(lambda_) and lambda_ > 0):
        raise _error(panel, "lambda_", f"ridge-parameter {lambda_} is geen positief getal",
                     "Geef een getal groter dan 0 (--ridge-lambda), of laat het weg om het te laten kiezen.",
                     (f"ridge parameter {lambda_} is not a positive number", "Give a number greater than 0 (--ridge-lambda), or leave it out to have it chosen."))
    covariates = panel.covariates if covariates is None else tuple(covariates)
    user_predictors = _as_predictors(predictors)
    everyone = np.arange(len(wide.units))
    times = wide.times
    spec = _resolve(panel, user_predictors, covariates, times[:T0], everyone)
    Z, labels = None, ()
    if spec is not None:
        n_added = T0 if spec.added_outcome_path else 0  # the outcome path is already the design's first block
        keep = list(range(len(spec.predictors) - n_added))
        if keep:
            Z = spec.X[keep]
            labels = tuple(spec.labels[k] for k in keep)
    Y_pre = wide.y[:, :T0]
    X0s, x1s = _design(Y_pre, Z, i, donors)
    cv = None
    if lambda_ is None:
        grid = lambda_grid(X0s)
        mean, se = cross_validate(X0s, x1s, T0, grid)
        lam = best_lambda(grid, mean, se)
        cv = pd.DataFrame({"lambda": grid, "cv_error": mean, "cv_se": se})
    else:
        lam = float(lambda_)
    w_scm, w = _fit(Y_pre, Z, i, donors, lam)
    Yd = wide.y[donors]
    synth = Yd.T @ w
    gap = wide.y[i] - synth
    scm_gap = wide.y[i] - Yd.T @ w_scm
    pre, post = slice(0, T0), slice(T0, T)

    def rmspe(g, s):
        return float(np.sqrt(np.mean(g[s] ** 2)))

    pre_r, post_r = rmspe(gap, pre), rmspe(gap, post)
    ratio = post_r / pre_r if pre_r > 0 else np.inf
    prow = []
    p_value = None
    if placebos:
        for j in range(J):
            others = np.delete(donors, j)
            _, wj = _fit(Y_pre, Z, int(donors[j]), others, lam)
            gj = wide.y[donors[j]] - wide.y[others].T @ wj
            a, b = rmspe(gj, pre), rmspe(gj, post)
            prow.append((wide.units[donors[j]], a, b, b / a if a > 0 else np.inf, float(gj[post].mean())))
        ratios = np.array([r[3] for r in prow])
        p_value = float((1 + np.sum(ratios >= ratio)) / (J + 1))
    warnings: list[Message] = list(panel.notes)
    neg = float(-w[w < 0].sum())
    if neg > 0.5:
        warnings.append(
            Message(
                "ascm_extrapolation",
                f"De aanvulling geeft vergelijkingseenheden samen een negatief gewicht van {fmt_number(neg)}: de "
                "vergelijking rekent verder dan de vergelijkingseenheden zelf gaan. Dat is de prijs voor een "
                "betere passing vóór de start; wees voorzichtig met de uitkomst.",
                f"The augmentation gives comparison units a combined negative weight of {fmt_number(neg, 'en')}: the "
                "comparison "
                "extrapolates beyond the comparison units themselves. That is the price of a better fit before the "
                "start; be careful with the result.",
            )
        )
    if J < int(np.ceil(1 / alpha)) - 1 and placebos:
        warnings.append(
            Message(
                "few_donors",
                f"Er zijn maar {J} vergelijkingseenheden. De kleinste mogelijke p-waarde is dan "
                f"1/{J + 1} = {fmt_number(1 / (J + 1))}; een effect kan met deze toets dus nooit overtuigend worden "
                "aangetoond.",
                f"There are only {J} comparison units. The smallest possible p-value is 1/{J + 1} = "
                f"{fmt_number(1 / (J + 1), 'en')}, so this test can never show an effect convincingly.",
            )
        )
    et = np.arange(T) - T0
    return AscmResult(
        method="ascm",
        outcome=panel.outcome,
        estimate=float(gap[post].mean()),
        se=None,
        ci_low=None,
        ci_high=None,
        p_value=p_value,
        n_units=int(len(wide.units)),
        n_treated=1,
        n_periods=T,
        alpha=alpha,
        warnings=tuple(warnings),
        design=DesignReport(
            n_pre_periods=T0,
            n_post_periods=T - T0,
            pre_periods_by_group=MappingProxyType({float(times[T0]): T0}),
            pretrend=None,
            balance=None,
            mde=None,
            mde_basis="",
        ),
        weights=pd.DataFrame({"donor": wide.units[donors], "weight": w, "scm_weight": w_scm}),
        gaps=pd.DataFrame({"time": times, "event_time": et, "treated": wide.y[i], "synthetic": synth, "gap": gap}),
        lambda_=lam,
        lambda_cv=cv,
        scm_estimate=float(scm_gap[post].mean()),
        pre_rmspe=pre_r,
        scm_pre_rmspe=rmspe(scm_gap, pre),
        rmspe_ratio=ratio,
        placebos=pd.DataFrame(prow, columns=["unit", "pre_rmspe", "post_rmspe", "ratio", "mean_post_gap"])
        if placebos
        else None,
        n_donors=J,
        predictors=labels,
    )
