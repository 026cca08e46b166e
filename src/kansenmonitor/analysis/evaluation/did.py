"""Classic 2x2 difference-in-differences with cluster-robust (by unit) standard errors.

Model: y_it = a + b1 treated_i + b2 post_t + delta treated_i x post_t (+ covariates) + e_it, estimated by
(weighted) least squares on all unit-periods. Standard errors are CR1 (Stata / pyfixest convention):
G/(G-1) x (N-1)/(N-K) x sandwich, with inference on a t distribution with G-1 degrees of freedom.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .panel import Panel
from .results import DidResult, Message


def ols_cluster(
    X: np.ndarray, y: np.ndarray, cluster: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, int]:
    """(Weighted) OLS with CR1 cluster-robust covariance. Returns (beta, vcov, n_clusters)."""
    n, k = X.shape
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    sw = np.sqrt(w)
    Xw, yw = X * sw[:, None], y * sw
    XtX_inv = np.linalg.pinv(Xw.T @ Xw)
    beta = XtX_inv @ (Xw.T @ yw)
    u = yw - Xw @ beta
    scores = Xw * u[:, None]
    codes, _ = pd.factorize(cluster)
    n_cl = int(codes.max()) + 1
    S = np.zeros((n_cl, k))
    np.add.at(S, codes, scores)
    meat = S.T @ S
    adj = (n_cl / (n_cl - 1)) * ((n - 1) / (n - k)) if n_cl > 1 else np.nan
    vcov = adj * XtX_inv @ meat @ XtX_inv
    return beta, vcov, n_cl


def difference_in_differences(panel: Panel, *, alpha: float = 0.05, design: bool = True,
                              honest_did: bool = False) -> DidResult:
    """Classic 2x2 DiD: treated vs never-treated units, before vs from the (common) start period.

    ``honest_did``: add the Rambachan & Roth sensitivity analysis (Delta^SD(M), FLCI). It needs the effect per
    period, so it is computed on the event study of the same comparison (one cohort, never-treated units,
    universal base period: the last period before the start; with covariates, doubly robust as in
    :func:`~.staggered.callaway_santanna`), for the mean of the post-period effects.
    """
    d = panel.data
    cohorts = panel.cohorts
    panel.require(
        len(cohorts) >= 1, "er is geen enkele behandelde eenheid", "Geef de startperiode van de maatregel op.",
        en=("there is no treated unit", "Give the start period of the measure.")
    )
    panel.require(
        len(cohorts) == 1,
        f"de maatregel start op {len(cohorts)} verschillende momenten; de klassieke 2x2-vergelijking "
        "vraagt één startmoment",
        "Gebruik methode cs (--method cs; gespreide start, Callaway & Sant'Anna).",
        en=(f"the measure starts at {len(cohorts)} different moments; the classic 2x2 comparison needs one start", "Use method cs (--method cs; staggered adoption, Callaway & Sant'Anna)."),
    )
    groups = panel.unit_groups
    n_tr = int(np.isfinite(groups.to_numpy()).sum())
    n_ctrl = int((~np.isfinite(groups.to_numpy())).sum())
    panel.require(
        n_ctrl >= 2,
        f"te weinig vergelijkingseenheden: {n_ctrl} {'eenheid' if n_ctrl == 1 else 'eenheden'} zonder maatregel; deze methode heeft er "
        "minstens 2 nodig",
        "Voeg eenheden zonder maatregel toe.",
        en=(f"too few comparison units: {n_ctrl} unit{'' if n_ctrl == 1 else 's'} without the measure; this method needs at least 2", "Add units without the measure."),
    )
    panel.require(
        n_tr >= 2,
        f"te weinig behandelde eenheden voor betrouwbare standaardfouten: {n_tr}; deze methode heeft er "
        "minstens 2 nodig",
        "Gebruik methode scm (--method scm; synthetische controle) voor één behandelde eenheid.",
        en=(f"too few treated units for reliable standard errors: {n_tr}; this method needs at least 2", "Use method scm (--method scm; synthetic control) for one treated unit."),
    )
    panel.require_complete_covariates(panel.covariates, "did")
    g0 = float(cohorts[0])
    treat = np.isfinite(d["g"].to_numpy()).astype(float)
    post = (d["time"].to_numpy() >= g0).astype(float)
    cols = [np.ones(len(d)), treat, post, treat * post]
    names = ["(Intercept)", "treated", "post", "treated:post"]
    for c in panel.covariates:
        cols.append(d[f"x:{c}"].to_numpy(dtype=float))
        names.append(c)
    X = np.column_stack(cols)
    y = d["y"].to_numpy(dtype=float)
    weights = d["w"].to_numpy() if panel.weights else None
    beta, vcov, n_cl = ols_cluster(X, y, d["unit"].to_numpy(), weights)
    se = np.sqrt(np.diag(vcov))
    dfree = n_cl - 1
    tval = beta / se
    pval = 2 * stats.t.sf(np.abs(tval), dfree)
    coef = pd.DataFrame({"term": names, "estimate": beta, "se": se, "t": tval, "p_value": pval})
    q = stats.t.ppf(1 - alpha / 2, dfree)
    est, s = float(beta[3]), float(se[3])
    warnings: list[Message] = list(panel.notes)
    design_report = None
    if design:
        from .design import design_report as _design_report

        design_report = _design_report(panel, control="never", se=s, alpha=alpha)
    honest = honest_rm = None
    if honest_did:
        from .staggered import _honest_did

        Xc = np.stack([panel.wide_covariate(c) for c in panel.covariates], axis=2) if panel.covariates else None
        honest, honest_rm = _honest_did(panel, panel.wide(), "never", Xc, alpha)
    return DidResult(
        method="did",
        outcome=panel.outcome,
        estimate=est,
        se=s,
        ci_low=est - q * s,
        ci_high=est + q * s,
        p_value=float(pval[3]),
        n_units=panel.n_units,
        n_treated=n_tr,
        n_periods=len(panel.times),
        alpha=alpha,
        warnings=tuple(warnings),
        design=design_report,
        coefficients=coef,
        n_clusters=n_cl,
        df_resid=int(len(y) - X.shape[1]),
        honest_did=honest,
        honest_did_rm=honest_rm,
    )
