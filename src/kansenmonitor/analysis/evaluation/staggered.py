"""Staggered adoption: Callaway & Sant'Anna (2021) group-time ATTs, unconditional (no covariates).

ATT(g,t) compares the change in outcome between a base period and period t of the units first treated in
period g with the same change of a comparison group (never treated, or not yet treated). Influence
functions give analytic standard errors and drive the multiplier bootstrap; aggregations (overall,
event study, by group) carry the influence function of their estimated weights, as in the R package
``did``. A two-way fixed-effects diagnostic shows when the usual regression would mislead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from kansenmonitor.core.errors import Issue

from .interpret import fmt_number
from .panel import Panel, PanelError, Wide
from .results import Message, StaggeredResult, TwfeDiagnostic

#: Below this many treated units the asymptotic standard errors are unreliable (``inference="auto"`` permutes).
FEW_TREATED = 10
INFERENCE = ("auto", "asymptotic", "permutation")


@dataclass(frozen=True)
class GroupTime:
    """Group-time ATTs with their influence functions (psi: n_units x n_cells)."""

    group: np.ndarray  # cohort index (into times) per cell
    time: np.ndarray  # period index per cell
    base: np.ndarray  # base period index per cell
    att: np.ndarray
    psi: np.ndarray
    n_group: np.ndarray
    n_control: np.ndarray
    pg: np.ndarray  # P(G = g) for the cell's group
    unit_group: np.ndarray  # group index per unit (inf = never)
    weights: np.ndarray
    skipped: int

    @property
    def n(self) -> int:
        return self.psi.shape[0]

    @property
    def event(self) -> np.ndarray:
        return self.time - self.group

    def se(self, psi: np.ndarray | None = None) -> np.ndarray:
        p = self.psi if psi is None else psi
        return np.sqrt(np.sum(p * p, axis=0)) / self.n


def _logit(X: np.ndarray, d: np.ndarray, w: np.ndarray, iters: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Weighted logistic regression by Newton-Raphson. Returns (fitted probabilities, inverse Hessian / n)."""
    beta = np.zeros(X.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(X @ beta, -35, 35)))
        H = (X * (w * p * (1 - p))[:, None]).T @ X
        step = np.linalg.solve(H, X.T @ (w * (d - p)))
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    p = 1 / (1 + np.exp(-np.clip(X @ beta, -35, 35)))
    H = (X * (w * p * (1 - p))[:, None]).T @ X
    return p, np.linalg.inv(H / len(d))


def _dr_cell(dy: np.ndarray, D: np.ndarray, X: np.ndarray, w: np.ndarray, fits: dict | None = None,
             key=None) -> tuple[float, np.ndarray]:
    """Doubly-robust DiD for panel data (Sant'Anna & Zhao 2020, ``DRDID::drdid_panel``) on a 2x2 subsample.

    Returns the ATT and its influence function on the subsample (scale: Var = mean(psi^2) / n_sub). ``fits``
    keeps, under ``key``, what depends only on the subsample and its covariates (the propensity score fit and
    the comparison units' X'WX): cells that share both (one cohort, time-invariant covariates) fit it once.
    """
    n = len(dy)
    w = w / w.mean()
    if fits is not None and key in fits:
        ps, hess_ps, xpx_inv = fits[key]
    else:
        ps, hess_ps = _logit(X, D, w)
        ps = np.minimum(ps, 1 - 1e-6)
        w_ols = w * (1 - D)
        xpx_inv = np.linalg.inv((X * w_ols[:, None]).T @ X / n)
        if fits is not None:
            fits[key] = (ps, hess_ps, xpx_inv)
    ctrl = D == 0
    Xc = X[ctrl] * np.sqrt(w[ctrl])[:, None]
    coef = np.linalg.lstsq(Xc, dy[ctrl] * np.sqrt(w[ctrl]), rcond=None)[0]
    out = X @ coef
    w_t = w * D
    w_c = w * ps * (1 - D) / (1 - ps)
    att_t = w_t * (dy - out)
    att_c = w_c * (dy - out)
    eta_t = att_t.mean() / w_t.mean()
    eta_c = att_c.mean() / w_c.mean()
    w_ols = w * (1 - D)
    lin_ols = (X * (w_ols * (dy - out))[:, None]) @ xpx_inv
    lin_ps = (X * (w * (D - ps))[:, None]) @ hess_ps
    inf_t = (att_t - w_t * eta_t - lin_ols @ (w_t[:, None] * X).mean(axis=0)) / w_t.mean()
    inf_c = (
        att_c
        - w_c * eta_c
        + lin_ps @ (w_c[:, None] * (dy - out - eta_c)[:, None] * X).mean(axis=0)
        - lin_ols @ (w_c[:, None] * X).mean(axis=0)
    ) / w_c.mean()
    return float(eta_t - eta_c), inf_t - inf_c


def _or_cell(dy: np.ndarray, D: np.ndarray, X: np.ndarray, w: np.ndarray, fits: dict | None = None,
             key=None) -> tuple[float, np.ndarray]:
    """Outcome-regression DiD for panel data (Heckman, Ichimura & Todd 1997; ``DRDID::reg_did_panel``) on a 2x2
    subsample: the comparison units' change is modelled by OLS on the covariates and predicted for the treated.

    Returns the ATT and its influence function on the subsample (scale as :func:`_dr_cell`).
    """
    n = len(dy)
    w = w / w.mean()
    ctrl = D == 0
    Xc = X[ctrl] * np.sqrt(w[ctrl])[:, None]
    coef = np.linalg.lstsq(Xc, dy[ctrl] * np.sqrt(w[ctrl]), rcond=None)[0]
    out = X @ coef
    w_t = w * D
    att_t = w_t * dy
    att_c = w_t * out
    eta_t = att_t.mean() / w_t.mean()
    eta_c = att_c.mean() / w_t.mean()
    w_ols = w * (1 - D)
    xpx_inv = np.linalg.inv((X * w_ols[:, None]).T @ X / n)
    lin_ols = (X * (w_ols * (dy - out))[:, None]) @ xpx_inv
    inf_t = (att_t - w_t * eta_t) / w_t.mean()
    inf_c = (att_c - w_t * eta_c + lin_ols @ (w_t[:, None] * X).mean(axis=0)) / w_t.mean()
    return float(eta_t - eta_c), inf_t - inf_c


#: the covariate-adjusted estimators of one ATT(g,t): doubly robust (default) and outcome regression
COVARIATE_METHODS = {"dr": _dr_cell, "reg": _or_cell}


def group_time_att(
    wide: Wide, control: str = "never", base_period: str = "varying", covariates: np.ndarray | None = None,
    covariate_method: str = "dr",
) -> GroupTime:
    """Compute all ATT(g,t) and their influence functions on a balanced panel.

    ``covariates`` (units x periods x k) switches to a covariate-adjusted estimator with the covariates of the
    base period: ``covariate_method="dr"`` the doubly-robust estimator of Sant'Anna & Zhao (2020), ``"reg"``
    outcome regression (as R ``did``'s ``est_method``); without covariates the estimator is the unconditional
    difference of mean changes.
    """
    if covariate_method not in COVARIATE_METHODS:
        raise ValueError("covariate_method must be 'dr' or 'reg'")
    cell = COVARIATE_METHODS[covariate_method]
    if control not in ("never", "notyet"):
        raise ValueError("control must be 'never' or 'notyet'")
    if base_period not in ("varying", "universal"):
        raise ValueError("base_period must be 'varying' or 'universal'")
    y, G, w = wide.y, wide.group, wide.weights
    n, T = y.shape
    never = ~np.isfinite(G)
    cohorts = np.unique(G[np.isfinite(G)]).astype(int)
    pg_of = {g: float(np.mean(w * (G == g))) for g in cohorts}
    rows_g, rows_t, rows_b, atts, psis, ng, nc, pgs = [], [], [], [], [], [], [], []
    skipped = 0
    fits: dict = {}
    # covariates that do not change over time (the usual case): every base period has the same X, so the cells
    # of one cohort with the same comparison units share one propensity score fit
    invariant = covariates is not None and bool(np.array_equal(
        covariates, np.broadcast_to(covariates[:, :1, :], covariates.shape), equal_nan=True))
    for g in cohorts:
        in_g = G == g
        wg = w * in_g
        p_g = wg.mean()
        for t in range(1, T) if base_period == "varying" else range(T):
            if base_period == "universal":
                if t == g - 1:
                    continue
                b = g - 1
            else:
                b = t - 1 if t < g else g - 1
            if control == "never":
                ctrl = never
            else:
                ctrl = never | ((G > max(t, b)) & ~in_g)
            if not ctrl.any():
                skipped += 1
                continue
            dy = y[:, t] - y[:, b]
            if covariates is None:
                wc = w * ctrl
                p_c = wc.mean()
                mu_g = np.sum(wg * dy) / np.sum(wg)
                mu_c = np.sum(wc * dy) / np.sum(wc)
                psi = wg * (dy - mu_g) / p_g - wc * (dy - mu_c) / p_c
                att = mu_g - mu_c
            else:
                sub = in_g | ctrl
                Xs = np.column_stack([np.ones(int(sub.sum())), covariates[sub, b, :]])
                key = (g, None if invariant else b, "never" if control == "never" else max(t, b))
                att, inf = cell(dy[sub], in_g[sub].astype(float), Xs, w[sub], fits, key)
                psi = np.zeros(n)
                psi[sub] = inf * n / sub.sum()
            rows_g.append(g)
            rows_t.append(t)
            rows_b.append(b)
            atts.append(att)
            psis.append(psi)
            ng.append(int(in_g.sum()))
            nc.append(int(ctrl.sum()))
            pgs.append(pg_of[g])
    psi_m = np.column_stack(psis) if psis else np.zeros((n, 0))
    return GroupTime(
        group=np.array(rows_g, dtype=int),
        time=np.array(rows_t, dtype=int),
        base=np.array(rows_b, dtype=int),
        att=np.array(atts, dtype=float),
        psi=psi_m,
        n_group=np.array(ng, dtype=int),
        n_control=np.array(nc, dtype=int),
        pg=np.array(pgs, dtype=float),
        unit_group=G,
        weights=w,
        skipped=skipped,
    )


def _weights_if(gt: GroupTime, keep: np.ndarray) -> np.ndarray:
    """Influence function of weights pg_k / sum(pg) over the kept cells (n x k)."""
    G, w = gt.unit_group, gt.weights
    pg = gt.pg[keep]
    s = pg.sum()
    ind = np.column_stack([w * (G == g) for g in gt.group[keep]]) - pg  # n x k
    return ind / s - np.outer(ind.sum(axis=1), pg / s**2)


def aggregate_cells(gt: GroupTime, keep: np.ndarray) -> tuple[float, np.ndarray]:
    """Group-size weighted average of the kept ATT(g,t) cells and its influence function."""
    keep = np.asarray(keep, dtype=bool)
    if not keep.any():
        return np.nan, np.zeros(gt.n)
    pg = gt.pg[keep]
    wt = pg / pg.sum()
    theta = float(wt @ gt.att[keep])
    psi = gt.psi[:, keep] @ wt + _weights_if(gt, keep) @ gt.att[keep]
    return theta, psi


@dataclass(frozen=True)
class Aggregates:
    labels: list[tuple[str, float]]  # (kind, key)
    estimates: np.ndarray
    psi: np.ndarray  # n x m


def aggregate_all(gt: GroupTime) -> Aggregates:
    """Event-study, by-group and overall aggregations with influence functions."""
    labels: list[tuple[str, float]] = []
    ests: list[float] = []
    psis: list[np.ndarray] = []
    post = gt.time >= gt.group
    ev = gt.event
    # event study
    ev_post: list[np.ndarray] = []
    for e in np.unique(ev):
        th, ps = aggregate_cells(gt, ev == e)
        labels.append(("event", float(e)))
        ests.append(th)
        psis.append(ps)
        if e >= 0:
            ev_post.append(np.array([th]))
    # by group (equal weights over the group's post periods)
    groups = np.unique(gt.group)
    g_est, g_psi, g_pg = [], [], []
    for g in groups:
        sel = (gt.group == g) & post
        if not sel.any():
            continue
        th = float(gt.att[sel].mean())
        ps = gt.psi[:, sel].mean(axis=1)
        labels.append(("group", float(g)))
        ests.append(th)
        psis.append(ps)
        g_est.append(th)
        g_psi.append(ps)
        g_pg.append(gt.pg[sel][0])
    # overall: simple (cell-weighted)
    th, ps = aggregate_cells(gt, post)
    labels.append(("overall", "simple"))
    ests.append(th)
    psis.append(ps)
    # overall: group-weighted (Callaway & Sant'Anna's recommended summary)
    if g_est:
        ge, gp = np.array(g_est), np.array(g_pg)
        s = gp.sum()
        pi = gp / s
        G, w = gt.unit_group, gt.weights
        grp_with_post = [g for g in groups if ((gt.group == g) & post).any()]
        ind = np.column_stack([w * (G == g) for g in grp_with_post]) - gp
        wif = ind / s - np.outer(ind.sum(axis=1), gp / s**2)
        ps = np.column_stack(g_psi) @ pi + wif @ ge
        labels.append(("overall", "group"))
        ests.append(float(pi @ ge))
        psis.append(ps)
    # overall: dynamic (average of post-treatment event-study coefficients)
    ev_idx = [i for i, (k, e) in enumerate(labels) if k == "event" and e >= 0]
    if ev_idx:
        labels.append(("overall", "dynamic"))
        ests.append(float(np.mean([ests[i] for i in ev_idx])))
        psis.append(np.mean([psis[i] for i in ev_idx], axis=0))
    return Aggregates(labels=labels, estimates=np.array(ests), psi=np.column_stack(psis))


def multiplier_bootstrap(
    psi: np.ndarray, n_boot: int, seed: int | None, kind: str = "rademacher", chunk: int = 64
) -> np.ndarray:
    """Bootstrap draws of (1/n) * sum_i v_i psi_i for multiplier weights v (n_boot x m)."""
    rng = np.random.default_rng(seed)
    n, m = psi.shape
    out = np.empty((n_boot, m))
    if kind == "mammen":
        s5 = np.sqrt(5.0)
        lo, hi = (1 - s5) / 2, (1 + s5) / 2
        p_lo = (s5 + 1) / (2 * s5)
    elif kind != "rademacher":
        raise ValueError("bootstrap weights must be 'rademacher' or 'mammen'")
    psi32 = np.ascontiguousarray(psi)
    column_sums = psi32.sum(axis=0)
    n_bytes = (n + 7) // 8
    for start in range(0, n_boot, chunk):
        b = min(chunk, n_boot - start)
        if kind == "rademacher":
            # v = 2 * bit - 1 with 8 fair bits from every random byte: sum v_i psi_i = 2 * (bits @ psi) - sum psi_i
            bits = np.unpackbits(rng.integers(0, 256, size=(b, n_bytes), dtype=np.uint8), axis=1, count=n)
            out[start : start + b] = 2.0 * (bits.astype(np.float64) @ psi32) - column_sums
        else:
            v = np.where(rng.random((b, n)) < p_lo, lo, hi)
            out[start : start + b] = v @ psi32
    return out / n


def _bootstrap_se(draws: np.ndarray) -> np.ndarray:
    """Robust bootstrap standard error from the interquartile range (as in R's ``did``)."""
    q75, q25 = np.quantile(draws, [0.75, 0.25], axis=0)
    return (q75 - q25) / (stats.norm.ppf(0.75) - stats.norm.ppf(0.25))


def twfe_diagnostic(wide: Wide) -> TwfeDiagnostic:
    """Two-way fixed-effects estimate, de Chaisemartin-D'Haultfoeuille weights and Bacon decomposition."""
    y, G = wide.y, wide.group
    T = y.shape[1]
    tt = np.arange(T)
    D = (tt[None, :] >= G[:, None]).astype(float)

    def demean(a: np.ndarray) -> np.ndarray:
        return a - a.mean(axis=1, keepdims=True) - a.mean(axis=0, keepdims=True) + a.mean()

    Dt = demean(D)
    yt = demean(y)
    denom = float(np.sum(Dt * Dt))
    beta = float(np.sum(Dt * yt) / denom) if denom > 0 else np.nan
    treated_cells = D == 1
    wts = Dt[treated_cells] / np.sum(Dt[treated_cells])
    neg = wts < -1e-12
    bacon = _bacon(y, G)
    forbidden = (
        float(bacon.loc[bacon["type"] == "later vs earlier treated", "weight"].sum()) if len(bacon) else 0.0
    )
    n_cohorts = len(np.unique(G[np.isfinite(G)]))
    biased = bool(n_cohorts > 1 and (neg.any() or forbidden > 0.05))
    return TwfeDiagnostic(
        estimate=beta,
        n_negative_weights=int(neg.sum()),
        n_treated_cells=int(treated_cells.sum()),
        negative_weight_sum=float(wts[neg].sum()),
        forbidden_weight=forbidden,
        bacon=bacon,
        biased=biased,
    )


def _bacon(y: np.ndarray, G: np.ndarray) -> pd.DataFrame:
    """Goodman-Bacon (2021) decomposition of the TWFE estimate on a balanced panel."""
    T = y.shape[1]
    groups = np.unique(G[np.isfinite(G)]).astype(int)
    has_never = bool((~np.isfinite(G)).any())
    means = {g: y[G == g].mean(axis=0) for g in groups}
    share = {g: float(np.mean(G == g)) for g in groups}
    if has_never:
        means[-1] = y[~np.isfinite(G)].mean(axis=0)
        share[-1] = float(np.mean(~np.isfinite(G)))
    dbar = {g: (T - g) / T for g in groups}
    tt = np.arange(T)
    D = (tt[None, :] >= G[:, None]).astype(float)
    Dt = D - D.mean(axis=1, keepdims=True) - D.mean(axis=0, keepdims=True) + D.mean()
    vd = float(np.mean(Dt * Dt))
    rows = []

    def did(treat, ctrl, pre, post_):
        return (means[treat][post_].mean() - means[treat][pre].mean()) - (
            means[ctrl][post_].mean() - means[ctrl][pre].mean()
        )

    for k in groups:
        if has_never:
            nk, nu = share[k], share[-1]
            nku = nk / (nk + nu)
            s = (nk + nu) ** 2 * nku * (1 - nku) * dbar[k] * (1 - dbar[k]) / vd
            rows.append(("treated vs never treated", k, -1, did(k, -1, tt < k, tt >= k), s))
        for lg in groups:
            if lg <= k:
                continue
            nk, nl = share[k], share[lg]
            nkl = nk / (nk + nl)
            dk, dl = dbar[k], dbar[lg]
            s_k = (
                ((nk + nl) * (1 - dl)) ** 2
                * nkl
                * (1 - nkl)
                * ((dk - dl) / (1 - dl))
                * ((1 - dk) / (1 - dl))
                / vd
            )
            s_l = ((nk + nl) * dk) ** 2 * nkl * (1 - nkl) * (dl / dk) * ((dk - dl) / dk) / vd
            win_k = tt < lg
            rows.append(
                ("earlier vs later treated", k, lg, did(k, lg, win_k & (tt < k), win_k & (tt >= k)), s_k)
            )
            win_l = tt >= k
            rows.append(
                ("later vs earlier treated", lg, k, did(lg, k, win_l & (tt < lg), win_l & (tt >= lg)), s_l)
            )
    df = pd.DataFrame(rows, columns=["type", "treated", "control", "estimate", "weight"])
    return df


def callaway_santanna(
    panel: Panel,
    *,
    control: str = "never",
    base_period: str = "varying",
    aggregation: str = "group",
    bootstrap: int = 999,
    bootstrap_weights: str = "rademacher",
    seed: int | None = None,
    alpha: float = 0.05,
    design: bool = True,
    covariates: tuple[str, ...] | None = None,
    inference: str = "auto",
    permutations: int = 999,
    honest_did: bool = False,
    covariate_method: str = "dr",
) -> StaggeredResult:
    """Callaway & Sant'Anna estimator with never-treated or not-yet-treated controls.

    With covariates (default: the panel's) each ATT(g,t) is the doubly-robust estimate of Sant'Anna & Zhao
    (2020), using the covariates in the base period; pass ``covariates=()`` for the unconditional estimator,
    and ``covariate_method="reg"`` for outcome regression instead (R ``did``'s ``est_method``).

    ``aggregation`` chooses the headline number: ``"group"`` (average effect per cohort, weighted by cohort
    size), ``"simple"`` (all post-treatment group-time cells weighted by cohort size) or ``"dynamic"``
    (average of the event-study coefficients from the start onwards). ``bootstrap=0`` gives analytic
    influence-function standard errors only.

    ``inference``: ``"asymptotic"`` (influence-function or bootstrap standard errors), ``"permutation"``
    (randomisation inference: the start periods are reassigned at random over all units ``permutations``
    times and the headline p-value is the share of reassignments with an estimate at least as large in
    absolute value) or ``"auto"`` (default): permutation with fewer than :data:`FEW_TREATED` treated units,
    where the asymptotic standard errors are far too small.

    ``honest_did``: add the Rambachan & Roth sensitivity analysis for the average post-period effect of the
    event study with the universal base period: smoothness (Delta^SD(M), FLCI, :mod:`.honest`) and relative
    magnitudes (Delta^RM(Mbar), ARP hybrid test, :mod:`.honest_rm`).
    """
    if aggregation not in ("group", "simple", "dynamic"):
        raise ValueError("aggregation must be 'group', 'simple' or 'dynamic'")
    if covariate_method not in COVARIATE_METHODS:
        raise ValueError("covariate_method must be 'dr' or 'reg'")
    if inference not in INFERENCE:
        raise ValueError(f"inference must be one of {', '.join(INFERENCE)}")
    wide = panel.wide()
    n_never = int((~wide.treated).sum())
    n_tr = int(wide.treated.sum())
    panel.require(
        n_tr >= 1, "er is geen enkele behandelde eenheid", "Geef de startperiode van de maatregel op.",
        en=("there is no treated unit", "Give the start period of the measure.")
    )
    if control == "never":
        panel.require(
            n_never >= 2,
            f"te weinig vergelijkingseenheden: {n_never} nooit behandelde {'eenheid' if n_never == 1 else 'eenheden'}; deze methode heeft er "
            "minstens 2 nodig",
            "Gebruik vergelijkingsgroep notyet (--control notyet; nog niet behandelde eenheden als vergelijking) of voeg eenheden zonder "
            "maatregel toe.",
        en=(f"too few comparison units: {n_never} never-treated unit{'' if n_never == 1 else 's'}; this method needs at least 2", "Use comparison group notyet (--control notyet; not-yet-treated units as comparison) or add units without the measure.")
        )
    covariates = panel.covariates if covariates is None else tuple(covariates)
    panel.require_complete_covariates(covariates, "cs")
    X = np.stack([panel.wide_covariate(c) for c in covariates], axis=2) if covariates else None
    try:
        gt = group_time_att(wide, control=control, base_period=base_period, covariates=X,
                            covariate_method=covariate_method)
    except np.linalg.LinAlgError as exc:
        raise PanelError(
            [
                Issue(
                    panel.source,
                    None,
                    ", ".join(covariates),
                    "de kenmerken (covariaten) maken de vergelijking onmogelijk: ze voorspellen de groep "
                    "perfect of hangen volledig samen",
                    "Gebruik minder of andere kenmerken, of laat ze weg.",
                )
            ]
        ) from exc
    panel.require(
        gt.att.size > 0 and bool(np.any(gt.time >= gt.group)),
        "te weinig vergelijkingseenheden: voor geen enkele periode na de start is er een vergelijkingsgroep",
        "Voeg eenheden toe die (nog) geen maatregel hebben.",
        en=("too few comparison units: no period after the start has a comparison group", "Add units that do not (yet) have the measure."),
    )
    agg = aggregate_all(gt)
    n = gt.n
    all_psi = np.column_stack([gt.psi, agg.psi])
    se_an = np.sqrt(np.sum(all_psi * all_psi, axis=0)) / n
    z = stats.norm.ppf(1 - alpha / 2)
    crit_event = z
    if bootstrap and bootstrap > 0:
        draws = multiplier_bootstrap(all_psi, int(bootstrap), seed, bootstrap_weights)
        se = _bootstrap_se(draws)
        se = np.where(se > 0, se, se_an)
        ev_cols = [gt.att.size + i for i, (k, _) in enumerate(agg.labels) if k == "event"]
        if ev_cols:
            tstat = np.abs(draws[:, ev_cols]) / se[ev_cols]
            crit_event = float(np.quantile(np.max(tstat, axis=1), 1 - alpha))
    else:
        se = se_an
    k = gt.att.size
    times = wide.times
    att_gt = pd.DataFrame(
        {
            "group": times[gt.group],
            "time": times[gt.time],
            "base": times[gt.base],
            "event_time": gt.event,
            "att": gt.att,
            "se": se[:k],
            "ci_low": gt.att - z * se[:k],
            "ci_high": gt.att + z * se[:k],
            "n_group": gt.n_group,
            "n_control": gt.n_control,
            "post": gt.time >= gt.group,
        }
    )
    rows_ev, rows_g, rows_o = [], [], []
    for i, (kind, key) in enumerate(agg.labels):
        est, s = agg.estimates[i], se[k + i]
        if kind == "event":
            rows_ev.append((int(key), est, s, est - crit_event * s, est + crit_event * s))
        elif kind == "group":
            rows_g.append(
                (times[int(key)], est, s, est - z * s, est + z * s, int(np.sum(gt.unit_group == key)))
            )
        else:
            p = 2 * stats.norm.sf(abs(est / s)) if s > 0 else np.nan
            rows_o.append((key, est, s, est - z * s, est + z * s, p))
    event_study = pd.DataFrame(rows_ev, columns=["event_time", "estimate", "se", "ci_low", "ci_high"])
    by_group = pd.DataFrame(rows_g, columns=["group", "estimate", "se", "ci_low", "ci_high", "n_units"])
    overall = pd.DataFrame(rows_o, columns=["aggregation", "estimate", "se", "ci_low", "ci_high", "p_value"])
    head = overall.set_index("aggregation").loc[aggregation]
    use_perm = inference == "permutation" or (inference == "auto" and n_tr < FEW_TREATED)
    perm_p = perm_mde = None
    if use_perm:
        perm_p, perm_mde = _permutation_test(
            wide, control, base_period, X, aggregation, float(head["estimate"]), int(permutations), seed, alpha,
            covariate_method,
        )

    warnings: list[Message] = list(panel.notes) + list(panel.balance_notes())
    if gt.skipped:
        warnings.append(
            Message(
                "cells_without_control",
                f"Voor {gt.skipped} combinatie(s) van startgroep en periode was er geen vergelijkingsgroep; "
                "die zijn overgeslagen.",
                f"{gt.skipped} group-period combination(s) had no comparison group and were skipped.",
            )
        )
    twfe = twfe_diagnostic(wide)
    if twfe.biased:
        warnings.append(
            Message(
                "twfe_biased",
                f"Een gewone regressie met vaste effecten per eenheid en per periode (TWFE) geeft "
                f"{fmt_number(twfe.estimate)}. Die is hier niet betrouwbaar: de eenheden beginnen op verschillende "
                f"momenten, zodat de regressie al behandelde eenheden als vergelijking gebruikt "
                f"({round(100 * twfe.forbidden_weight)} % van het gewicht) en {twfe.n_negative_weights} van de "
                f"{twfe.n_treated_cells} behandelde eenheid-periodes een negatief gewicht krijgt. Als het effect "
                "groeit of verschilt per groep, kan die schatting zelfs het verkeerde teken hebben. "
                "Gebruik de schatting van deze methode (Callaway & Sant'Anna).",
                f"A plain two-way fixed-effects regression (TWFE) gives {fmt_number(twfe.estimate, 'en')}. It is not reliable "
                f"here: units start at different times, so the regression uses already-treated units as "
                f"controls ({twfe.forbidden_weight:.0%} of the weight) and {twfe.n_negative_weights} of "
                f"{twfe.n_treated_cells} treated unit-periods get a negative weight. With effects that grow or "
                "differ by group it can even have the wrong sign. Use this method's (Callaway & Sant'Anna) "
                "estimate.",
            )
        )
    if n_tr < FEW_TREATED:
        how_nl = (
            f"De p-waarde komt daarom uit een permutatietoets: de startjaren zijn {int(permutations)} keer "
            "willekeurig aan andere eenheden gegeven, en er staat geen interval bij."
            if use_perm
            else "Kies de permutatietoets voor een p-waarde die hier wel klopt."
        )
        how_en = (
            f"The p-value therefore comes from a permutation test: the start years were given to other units at "
            f"random {int(permutations)} times, and no interval is shown."
            if use_perm
            else "Choose the permutation test for a p-value that does hold here."
        )
        warnings.append(
            Message(
                "few_treated",
                f"Er zijn maar {n_tr} eenheden met de maatregel. Dan zijn de gewone standaardfouten en "
                f"95%-intervallen niet betrouwbaar: ze zijn vaak veel te smal, zodat toeval op een effect lijkt. "
                + how_nl,
                f"There are only {n_tr} units with the measure. Then the usual standard errors and 95% intervals "
                f"are not reliable: they are often far too narrow, so that chance looks like an effect. " + how_en,
            )
        )
    design_report = None
    if design:
        from .design import design_report as _design_report

        design_report = _design_report(panel, control=control, se=float(head["se"]), alpha=alpha,
                                       covariates=covariates, covariate_method=covariate_method)
        if use_perm and perm_mde is not None:
            design_report = replace(
                design_report,
                mde=perm_mde,
                mde_basis="permutation distribution of the headline estimate (approximate, 80 % power)",
            )
    honest = honest_rm = None
    if honest_did:
        honest, honest_rm = _honest_did(panel, wide, control, X, alpha, covariate_method)
    return StaggeredResult(
        method="cs",
        outcome=panel.outcome,
        estimate=float(head["estimate"]),
        se=None if use_perm else float(head["se"]),
        ci_low=None if use_perm else float(head["ci_low"]),
        ci_high=None if use_perm else float(head["ci_high"]),
        p_value=float(perm_p) if use_perm else float(head["p_value"]),
        inference="permutation" if use_perm else "asymptotic",
        permutations=int(permutations) if use_perm else 0,
        n_units=int(wide.y.shape[0]),
        n_treated=n_tr,
        n_periods=len(times),
        alpha=alpha,
        warnings=tuple(warnings),
        design=design_report,
        control=control,
        base_period=base_period,
        aggregation=aggregation,
        covariates=covariates,
        covariate_method=covariate_method,
        att_gt=att_gt,
        event_study=event_study,
        by_group=by_group,
        overall=overall,
        bootstrap=int(bootstrap or 0),
        bootstrap_weights=bootstrap_weights,
        seed=seed,
        twfe=twfe,
        honest_did=honest,
        honest_did_rm=honest_rm,
    )


def event_study_moments(
    wide: Wide, control: str = "never", covariates: np.ndarray | None = None, covariate_method: str = "dr"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Event-study coefficients with the universal base period (e = -1 is zero and left out).

    Returns the event times, the coefficients and their covariance from the influence functions (as R
    ``did``'s ``aggte(type = "dynamic")`` with ``base_period = "universal"``, the input HonestDiD expects).
    """
    gt = group_time_att(wide, control=control, base_period="universal", covariates=covariates,
                        covariate_method=covariate_method)
    evs, est, psis = [], [], []
    for e in np.unique(gt.event):
        if e == -1:
            continue
        th, ps = aggregate_cells(gt, gt.event == e)
        evs.append(int(e))
        est.append(th)
        psis.append(ps)
    if not evs:
        return np.array([], dtype=int), np.array([]), np.zeros((0, 0))
    psi = np.column_stack(psis)
    n = psi.shape[0]
    return np.array(evs), np.array(est), psi.T @ psi / n**2


def _honest_did(panel: Panel, wide: Wide, control: str, X: np.ndarray | None, alpha: float,
                covariate_method: str = "dr"):
    from .honest import honest_did_sd
    from .honest_rm import honest_did_rm

    ev, b, V = event_study_moments(wide, control, X, covariate_method)
    pre = ev <= -2
    post = ev >= 0
    panel.require(
        bool(pre.any()) and bool(post.any()),
        "de gevoeligheidsanalyse voor de trend heeft minstens 2 periodes vóór de start nodig (één als "
        "vergelijkingspunt en één om de trend te zien)",
        "Gebruik meer jaren vóór de start, of zet de gevoeligheidsanalyse voor de trend uit (--honest-did).",
        en=("the sensitivity analysis for the trend needs at least 2 periods before the start (one as reference point and one to see the trend)", "Use more years before the start, or turn the sensitivity analysis for the trend off (--honest-did)."),
        field="honest_did",
    )
    keep = pre | post
    bk, Vk, K, T = b[keep], V[np.ix_(keep, keep)], int(pre.sum()), int(post.sum())
    from .honest_rm import MAX_POST_PERIODS

    # relative magnitudes only up to MAX_POST_PERIODS periods after the start (the smoothness analysis always)
    rm = honest_did_rm(bk, Vk, K, T, alpha=alpha) if T <= MAX_POST_PERIODS else None
    return honest_did_sd(bk, Vk, K, T, alpha=alpha), rm


def _permutation_test(
    wide: Wide,
    control: str,
    base_period: str,
    X: np.ndarray | None,
    aggregation: str,
    observed: float,
    B: int,
    seed: int | None,
    alpha: float,
    covariate_method: str = "dr",
) -> tuple[float, float | None]:
    """Randomisation inference: reassign the units' start periods at random and re-estimate.

    When the one cohort can be given to the units in at most ``B`` ways, every assignment is used (the exact
    randomisation test, ``p = #{|theta_a| >= |theta|} / #assignments``); otherwise ``B`` random permutations,
    ``p = (1 + #{|theta_b| >= |theta|}) / (B + 1)``. Reassignments without a comparison group are skipped.
    Also returns the approximate detectable effect from the draws' distribution.
    """
    from itertools import combinations
    from math import comb

    n = len(wide.group)
    treated = np.flatnonzero(np.isfinite(wide.group))
    cohorts = np.unique(wide.group[treated])
    exact = len(cohorts) == 1 and comb(n, len(treated)) <= max(int(B), 1)
    if exact:
        # every assignment of the one cohort to len(treated) of the n units: the exact randomisation test
        def assignments():
            for idx in combinations(range(n), len(treated)):
                g = np.full(n, np.inf)
                g[list(idx)] = cohorts[0]
                yield g
    else:
        rng = np.random.default_rng(seed)

        def assignments():
            for _ in range(max(int(B), 1)):
                yield rng.permutation(wide.group)

    draws = []
    for g_b in assignments():
        perm = replace(wide, group=g_b)
        try:
            gt = group_time_att(perm, control=control, base_period=base_period, covariates=X,
                                covariate_method=covariate_method)
        except np.linalg.LinAlgError:
            continue
        if gt.att.size == 0 or not np.any(gt.time >= gt.group):
            continue
        agg = aggregate_all(gt)
        idx = agg.labels.index(("overall", aggregation))
        draws.append(float(agg.estimates[idx]))
    d = np.abs(np.array(draws))
    if not len(d):
        return float("nan"), None
    hits = np.sum(d >= abs(observed) - 1e-9 * max(1.0, abs(observed)))
    # the exact test includes the observed assignment among its draws; the random one adds it
    p = hits / len(d) if exact else (1 + hits) / (len(d) + 1)
    mde = float(np.quantile(d, 1 - alpha) + np.quantile(d, 0.8) - np.quantile(d, 0.5))
    return float(p), mde


def event_study_pretrend(panel: Panel, control: str = "never", alpha: float = 0.05,
                         covariates: tuple[str, ...] | None = None, covariate_method: str = "dr"):
    """Event-study coefficients (universal base period e=-1) and the joint pre-trend Wald test.

    With covariates (default: the panel's, when they have no gaps) the pre-period coefficients are the
    covariate-adjusted ones of the same estimator as the effect, so that a trend the covariates explain does
    not count against the design.
    """
    covariates = panel.covariates if covariates is None else tuple(covariates)
    X = None
    if covariates:
        try:
            panel.require_complete_covariates(covariates, "cs")
            X = np.stack([panel.wide_covariate(c) for c in covariates], axis=2)
        except PanelError:
            covariates, X = (), None
    return pretrend_test(panel.wide(), control=control, alpha=alpha, covariates=X,
                         covariate_names=tuple(covariates) if X is not None else (),
                         covariate_method=covariate_method)


def pretrend_test(wide: Wide, control: str = "never", alpha: float = 0.05, covariates: np.ndarray | None = None,
                  covariate_names: tuple[str, ...] = (), covariate_method: str = "dr"):
    """Pre-trend test on a balanced wide panel (see :func:`event_study_pretrend`).

    The test: a joint Wald test that every pre-period event-study coefficient (cohorts aggregated by size,
    universal base period e = -1, covariance from the influence functions) is zero. R ``did`` reports a
    different one with ``att_gt``: a Wald test over all pre-period ATT(g,t) cells with the *varying* base
    period (period-to-period changes per cohort); its ``conditional_did_pretest`` is an integrated-moments
    test. Both ask whether the groups moved alike before the start; this one weighs cohorts as the event
    study shown in the chart does.
    """
    from .results import PretrendTest

    gt = group_time_att(wide, control=control, base_period="universal", covariates=covariates,
                        covariate_method=covariate_method)
    rows, psis = [], []
    for e in np.unique(gt.event):
        th, ps = aggregate_cells(gt, gt.event == e)
        rows.append((int(e), th))
        psis.append(ps)
    if not rows:
        return None
    psi = np.column_stack(psis)
    est = np.array([r[1] for r in rows])
    ev = np.array([r[0] for r in rows])
    n = psi.shape[0]
    vcov = psi.T @ psi / n**2
    se = np.sqrt(np.diag(vcov))
    z = stats.norm.ppf(1 - alpha / 2)
    table = pd.DataFrame(
        {"event_time": ev, "estimate": est, "se": se, "ci_low": est - z * se, "ci_high": est + z * se}
    )
    table = pd.concat(
        [
            table,
            pd.DataFrame(
                {"event_time": [-1], "estimate": [0.0], "se": [0.0], "ci_low": [0.0], "ci_high": [0.0]}
            ),
        ]
    ).sort_values("event_time", ignore_index=True)
    pre = ev < -1
    k = int(pre.sum())
    if k == 0:
        return PretrendTest(statistic=np.nan, df=0, p_value=np.nan, table=table, base_period="universal",
                            covariates=covariate_names, covariate_method=covariate_method)
    b = est[pre]
    V = vcov[np.ix_(pre, pre)]
    stat = float(b @ np.linalg.pinv(V) @ b)
    rank = int(np.linalg.matrix_rank(V))
    return PretrendTest(
        statistic=stat,
        df=rank,
        p_value=float(stats.chi2.sf(stat, rank)),
        table=table,
        base_period="universal",
        covariates=covariate_names,
        covariate_method=covariate_method,
    )
