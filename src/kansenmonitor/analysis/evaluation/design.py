"""Design checks: pre-trends, pre-periods, comparability and the minimal detectable effect (MDE).

The MDE answers, before a measure starts, whether its effect could ever be seen with this data: it is the
smallest true effect that a two-sided 5 % test finds with 80 % probability.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd
from scipy import stats

from .panel import Panel
from .results import DesignReport

#: Standardised differences above this are flagged (rule of thumb of Stuart 2010 / Rubin 2001).
BALANCE_THRESHOLD = 0.25


def mde_factor(alpha: float = 0.05, power: float = 0.8) -> float:
    """z_{1-alpha/2} + z_{power}: about 2.80 for 5 % two-sided and 80 % power."""
    return float(stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power))


def pre_periods(panel: Panel) -> tuple[int, int, dict]:
    """Smallest number of pre- and post-periods over treated units, and pre-periods per cohort."""
    wide = panel.wide()
    T = len(wide.times)
    groups = np.unique(wide.group[wide.treated]).astype(int)
    if len(groups) == 0:
        return 0, 0, {}
    by_group = {float(wide.times[g]): int(g) for g in groups}
    return int(groups.min()), int(T - groups.max()), by_group


def balance_table(panel: Panel) -> pd.DataFrame:
    """Standardised differences of pre-period outcome level and trend between treated and comparison units.

    The common pre-period is every period before the first start of any treated unit.
    """
    wide = panel.wide()
    tr = wide.treated
    first = int(np.min(wide.group[tr])) if tr.any() else 0
    cols = ["measure", "treated_mean", "comparison_mean", "std_diff", "flagged"]
    if first < 1 or tr.sum() < 1 or (~tr).sum() < 1:
        return pd.DataFrame(columns=cols)
    y = wide.y[:, :first]
    rows = []
    measures = {"pre_level": y.mean(axis=1)}
    if first >= 2:
        t = np.arange(first) - (first - 1) / 2
        measures["pre_trend"] = (y @ t) / (t @ t)
    for name, v in measures.items():
        a, b = v[tr], v[~tr]
        va = a.var(ddof=1) if len(a) > 1 else 0.0
        vb = b.var(ddof=1) if len(b) > 1 else 0.0
        pooled = np.sqrt((va + vb) / 2)
        if pooled > 0:
            sd = (a.mean() - b.mean()) / pooled
        else:
            sd = 0.0 if np.isclose(a.mean(), b.mean()) else np.inf
        rows.append((name, float(a.mean()), float(b.mean()), float(sd), bool(abs(sd) > BALANCE_THRESHOLD)))
    return pd.DataFrame(rows, columns=cols)


@dataclass(frozen=True)
class MdeResult:
    """Prospective minimal detectable effect of a 2x2 comparison."""

    mde: float
    se: float
    n_treated: int
    n_control: int
    n_pre: int
    n_post: int
    unit_sd: float  # SD of one unit's post-minus-pre change net of common shocks
    alpha: float
    power: float

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def minimal_detectable_effect(
    panel: Panel,
    *,
    n_treated: int | None = None,
    n_control: int | None = None,
    n_pre: int | None = None,
    n_post: int | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
) -> MdeResult:
    """Smallest effect a difference-in-differences would detect, from the panel's residual variation.

    Uses untreated data only: the never-treated units, or (if there are fewer than two) every unit in the
    periods before the first start. Outcomes are purged of unit and period effects; the variance of a unit's
    (mean post - mean pre) change is measured over every window of ``n_pre`` + ``n_post`` periods in the
    data, so serial correlation is taken into account. Works before any measure has started: leave the
    start column empty and pass the planned numbers of treated units and periods.
    """
    wide = panel.wide()
    T = len(wide.times)
    never = ~wide.treated
    if never.sum() >= 2:
        y = wide.y[never]
    else:
        first = int(np.min(wide.group[wide.treated])) if wide.treated.any() else T
        y = wide.y[:, :first]
    n_units, n_t = y.shape
    if n_pre is None:
        n_pre = int(np.min(wide.group[wide.treated])) if wide.treated.any() else max(1, n_t // 2)
    if n_post is None:
        n_post = int(T - np.max(wide.group[wide.treated])) if wide.treated.any() else max(1, n_t - n_pre)
    n_pre, n_post = max(1, int(n_pre)), max(1, int(n_post))
    panel.require(
        n_units >= 2 and n_t >= n_pre + n_post,
        f"te weinig gegevens zonder maatregel om het kleinste meetbare effect te schatten "
        f"({n_units} eenheden, {n_t} periodes; nodig: 2 eenheden en {n_pre + n_post} periodes)",
        "Voeg meer periodes of eenheden zonder maatregel toe, of kies minder periodes voor en na de start.",
        en=(f"too few data without the measure to estimate the smallest detectable effect ({n_units} units, {n_t} periods; needed: 2 units and {n_pre + n_post} periods)", "Add more periods or units without the measure, or choose fewer periods before and after the start."),
    )
    e = y - y.mean(axis=1, keepdims=True) - y.mean(axis=0, keepdims=True) + y.mean()
    win = n_pre + n_post
    variances = []
    for s in range(0, n_t - win + 1):
        d = e[:, s + n_pre : s + win].mean(axis=1) - e[:, s : s + n_pre].mean(axis=1)
        variances.append(d.var(ddof=1))
    var_d = float(np.mean(variances)) * n_units / (n_units - 1) if n_units > 1 else np.nan
    if n_treated is None:
        n_treated = max(1, int(wide.treated.sum()))
    if n_control is None:
        n_control = int(never.sum()) if never.sum() >= 1 else n_units
    se = float(np.sqrt(var_d * (1 / n_treated + 1 / n_control)))
    return MdeResult(
        mde=mde_factor(alpha, power) * se,
        se=se,
        n_treated=int(n_treated),
        n_control=int(n_control),
        n_pre=n_pre,
        n_post=n_post,
        unit_sd=float(np.sqrt(var_d)),
        alpha=alpha,
        power=power,
    )


def design_report(
    panel: Panel, *, control: str = "never", se: float | None = None, alpha: float = 0.05,
    covariates: tuple[str, ...] | None = None, covariate_method: str = "dr",
) -> DesignReport:
    """All design checks for a comparison-group design (DiD, staggered DiD). With covariates (default: the
    panel's) the pre-trend test uses the covariate-adjusted pre-period effects."""
    from .staggered import event_study_pretrend

    n_pre, n_post, by_group = pre_periods(panel)
    try:
        pretrend = event_study_pretrend(panel, control=control, alpha=alpha, covariates=covariates,
                                        covariate_method=covariate_method)
    except (ValueError, np.linalg.LinAlgError):
        pretrend = None
    mde = mde_factor(alpha) * se if se is not None and np.isfinite(se) else None
    return DesignReport(
        n_pre_periods=n_pre,
        n_post_periods=n_post,
        pre_periods_by_group=MappingProxyType(by_group),
        pretrend=pretrend,
        balance=balance_table(panel),
        mde=mde,
        mde_basis="standard error of the estimate x (z_0.975 + z_0.80)",
    )
