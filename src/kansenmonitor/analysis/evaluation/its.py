"""Interrupted time series: segmented regression for one area without a comparison group.

y_t = b0 + b1 (t - t0) + b2 post_t + b3 (t - t0) post_t + e_t, with t counted in periods and t0 the first
treated period. b2 is the level change at the start, b3 the change in slope. The headline estimate is the
average deviation from the extrapolated pre-period trend over the post periods, b2 + b3 * mean(t - t0 | post).
Standard errors are Newey-West (Bartlett kernel) HAC with the small-sample factor n/(n-k), inference on a t
distribution with n-k degrees of freedom. Without a comparison group this is weaker evidence: anything
else that changed at the same time is mixed into the estimate.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import pandas as pd
from scipy import stats

from .panel import Panel
from .results import DesignReport, ItsResult, Message


def newey_west(X: np.ndarray, y: np.ndarray, maxlags: int) -> tuple[np.ndarray, np.ndarray]:
    """OLS with Newey-West HAC covariance (Bartlett weights, small-sample factor n/(n-k))."""
    n, k = X.shape
    XtX_inv = np.linalg.inv(X.T @ X)
    beta = XtX_inv @ X.T @ y
    u = y - X @ beta
    s = X * u[:, None]
    meat = s.T @ s
    for lag in range(1, maxlags + 1):
        wl = 1 - lag / (maxlags + 1)
        g = s[lag:].T @ s[:-lag]
        meat += wl * (g + g.T)
    vcov = XtX_inv @ meat @ XtX_inv * n / (n - k)
    return beta, vcov


def default_maxlags(n: int) -> int:
    """Newey & West (1994) rule of thumb floor(4 (n/100)^(2/9)), at least 1."""
    return max(1, int(np.floor(4 * (n / 100) ** (2 / 9))))


def interrupted_time_series(panel: Panel, *, maxlags: int | None = None, alpha: float = 0.05) -> ItsResult:
    """Segmented regression on the treated unit's series (the average of treated units if several)."""
    wide = panel.wide()
    tr = wide.treated
    panel.require(
        tr.any(), "er is geen enkele behandelde eenheid", "Geef de startperiode van de maatregel op.",
        en=("there is no treated unit", "Give the start period of the measure.")
    )
    starts = np.unique(wide.group[tr])
    panel.require(
        len(starts) == 1,
        f"de maatregel start op {len(starts)} verschillende momenten; een onderbroken tijdreeks vraagt één start",
        "Analyseer de gebieden apart of gebruik methode cs (--method cs).",
        en=(f"the measure starts at {len(starts)} different moments; an interrupted time series needs one start", "Analyse the areas separately or use method cs (--method cs)."),
    )
    g = int(starts[0])
    T = len(wide.times)
    panel.require(
        g >= 3 and T - g >= 2,
        f"te weinig periodes voor een onderbroken tijdreeks: {g} vóór en {T - g} na de start "
        "(nodig: minstens 3 vóór en 2 na)",
        "Voeg oudere of nieuwere gegevens toe.",
        en=(f"too few periods for an interrupted time series: {g} before and {T - g} after the start (needed: at least 3 before and 2 after)", "Add older or newer data."),
    )
    w = wide.weights[tr]
    series = (wide.y[tr] * w[:, None]).sum(axis=0) / w.sum()
    tt = np.arange(T) - g
    post = (tt >= 0).astype(float)
    X = np.column_stack([np.ones(T), tt, post, tt * post])
    L = default_maxlags(T) if maxlags is None else int(maxlags)
    beta, vcov = newey_west(X, series, L)
    se = np.sqrt(np.diag(vcov))
    dfree = T - X.shape[1]
    tvals = beta / se
    pvals = 2 * stats.t.sf(np.abs(tvals), dfree)
    q = stats.t.ppf(1 - alpha / 2, dfree)
    c = np.array([0.0, 0.0, 1.0, tt[tt >= 0].mean()])
    est = float(c @ beta)
    s = float(np.sqrt(c @ vcov @ c))
    p = float(2 * stats.t.sf(abs(est / s), dfree)) if s > 0 else np.nan
    fitted = X @ beta
    counterfactual = beta[0] + beta[1] * tt
    warnings: list[Message] = list(panel.notes) + list(panel.balance_notes())
    warnings.append(
        Message(
            "its_weak",
            "Dit is een onderbroken tijdreeks zonder vergelijkingsgroep: zwakker bewijs. Alles wat rond de start "
            "ook veranderde (beleid, economie, een andere meting) zit in deze schatting.",
            "This is an interrupted time series without a comparison group: weaker evidence. Anything else "
            "that changed around the start (policy, economy, measurement) is part of this estimate.",
        )
    )
    if tr.sum() > 1:
        warnings.append(
            Message(
                "its_averaged",
                f"Er zijn {int(tr.sum())} behandelde eenheden; hun gemiddelde reeks is geanalyseerd. "
                f"De {int((~tr).sum())} onbehandelde eenheden zijn niet gebruikt.",
                f"There are {int(tr.sum())} treated units; their average series was analysed. The "
                f"{int((~tr).sum())} untreated units were not used.",
            )
        )
    elif (~tr).any():
        warnings.append(
            Message(
                "its_controls_unused",
                f"Er zijn {int((~tr).sum())} eenheden zonder maatregel. Met de methoden scm of did kunnen die als "
                "vergelijking dienen; dat geeft sterker bewijs.",
                f"There are {int((~tr).sum())} units without the measure. With the methods scm or did they can "
                "serve as a comparison, which gives stronger evidence.",
            )
        )
    if g < 6:
        warnings.append(
            Message(
                "its_short_pre",
                f"Er zijn maar {g} periodes vóór de start; de trend daarvoor is onzeker.",
                f"There are only {g} periods before the start; the earlier trend is uncertain.",
            )
        )
    if T < 30:
        warnings.append(
            Message(
                "its_short_series",
                f"De reeks is kort ({T} periodes). Het betrouwbaarheidsinterval is dan vaak te smal: "
                "de onzekerheid is groter dan het lijkt.",
                f"The series is short ({T} periods). The confidence interval is then often too narrow: "
                "the uncertainty is larger than it looks.",
            )
        )
    coef = pd.DataFrame(
        {
            "term": ["(Intercept)", "time", "level_change", "slope_change"],
            "estimate": beta,
            "se": se,
            "t": tvals,
            "p_value": pvals,
        }
    )
    design = DesignReport(
        n_pre_periods=g,
        n_post_periods=T - g,
        pre_periods_by_group=MappingProxyType({float(wide.times[g]): g}),
        pretrend=None,
        balance=None,
        mde=float((stats.t.ppf(1 - alpha / 2, dfree) + stats.t.ppf(0.8, dfree)) * s),
        mde_basis="HAC standard error of the average post-period deviation x (t_0.975 + t_0.80)",
    )
    return ItsResult(
        method="its",
        outcome=panel.outcome,
        estimate=est,
        se=s,
        ci_low=est - q * s,
        ci_high=est + q * s,
        p_value=p,
        n_units=int(tr.sum()),
        n_treated=int(tr.sum()),
        n_periods=T,
        alpha=alpha,
        warnings=tuple(warnings),
        design=design,
        evidence="weak",
        level_change=float(beta[2]),
        level_change_se=float(se[2]),
        slope_change=float(beta[3]),
        slope_change_se=float(se[3]),
        pre_slope=float(beta[1]),
        maxlags=L,
        coefficients=coef,
        series=pd.DataFrame(
            {
                "time": wide.times,
                "observed": series,
                "fitted": fitted,
                "counterfactual": counterfactual,
                "post": tt >= 0,
            }
        ),
    )
