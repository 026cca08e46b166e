"""Result objects of the effect-evaluation engine.

Every estimator returns a frozen dataclass with the same core attributes (``estimate``, ``se``,
``ci_low``, ``ci_high``, ``p_value``, ``n_units``, ``n_treated``, ``method``, ``warnings``) plus
method-specific tables. ``to_dict()`` gives a JSON-ready dict; ``interpret()`` the plain-language text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .honest import HonestDid
    from .honest_rm import HonestDidRM


@dataclass(frozen=True)
class Message:
    """A warning or note in Dutch and English, with a stable code for software."""

    code: str
    nl: str
    en: str

    def text(self, lang: str = "nl") -> str:
        return self.en if lang == "en" else self.nl

    def __str__(self) -> str:
        return self.nl


def _clean(value: Any) -> Any:
    """Make a value JSON-serialisable (NaN/inf -> None, numpy -> Python, frames -> records)."""
    if value is None:
        return None
    if isinstance(value, Message):
        return {"code": value.code, "nl": value.nl, "en": value.en}
    if isinstance(value, pd.DataFrame):
        return [_clean(rec) for rec in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, dict | MappingProxyType):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_clean(v) for v in value.tolist()]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return None if not math.isfinite(f) else f
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return value.to_dict()
    return value


def _frozen_tables(tables: dict[str, pd.DataFrame]) -> MappingProxyType:
    return MappingProxyType(dict(tables))


@dataclass(frozen=True, kw_only=True)
class PretrendTest:
    """Joint Wald test that all pre-period event-study coefficients are zero."""

    statistic: float
    df: int
    p_value: float
    table: pd.DataFrame  # event_time, estimate, se, ci_low, ci_high (includes post periods, for plotting)
    base_period: str
    covariates: tuple[str, ...] = ()  # the pre-period effects are adjusted for these (empty: unadjusted)
    covariate_method: str = "dr"

    @property
    def method(self) -> str:
        """What the test is, in one English sentence (the Dutch one is in :mod:`.interpret`)."""
        adjusted = (f", adjusted for {', '.join(self.covariates)} "
                    f"({'doubly robust' if self.covariate_method == 'dr' else 'outcome regression'})"
                    if self.covariates else "")
        return ("joint Wald test that all pre-period event-study coefficients are zero (universal base period, "
                f"cohorts weighted by size{adjusted}); R did's att_gt pre-test instead uses all pre-period "
                "ATT(g,t) with the varying base period")

    @property
    def rejected(self) -> bool:
        return bool(self.df > 0 and self.p_value < 0.05)

    def to_dict(self) -> dict:
        return {
            "statistic": _clean(self.statistic),
            "df": self.df,
            "p_value": _clean(self.p_value),
            "rejected": self.rejected,
            "base_period": self.base_period,
            "covariates": list(self.covariates),
            "covariate_method": self.covariate_method if self.covariates else None,
            "method": self.method,
            "plot_data": _clean(self.table),
        }


@dataclass(frozen=True, kw_only=True)
class DesignReport:
    """Checks of the design: pre-trends, number of pre-periods, comparability, detectable effect."""

    n_pre_periods: int  # smallest number of pre-periods over the treated units
    n_post_periods: int
    pre_periods_by_group: MappingProxyType
    pretrend: PretrendTest | None
    balance: pd.DataFrame | None  # measure, treated_mean, comparison_mean, std_diff, flagged
    mde: float | None
    mde_basis: str

    @property
    def balance_flagged(self) -> bool:
        return bool(self.balance is not None and len(self.balance) and self.balance["flagged"].any())

    def to_dict(self) -> dict:
        return {
            "n_pre_periods": self.n_pre_periods,
            "n_post_periods": self.n_post_periods,
            "pre_periods_by_group": _clean(dict(self.pre_periods_by_group)),
            "pretrend": None if self.pretrend is None else self.pretrend.to_dict(),
            "balance": None if self.balance is None else _clean(self.balance),
            "balance_flagged": self.balance_flagged,
            "mde": _clean(self.mde),
            "mde_basis": self.mde_basis,
        }


@dataclass(frozen=True, kw_only=True)
class EffectResult:
    """Common part of every estimate."""

    method: str
    outcome: str
    estimate: float
    se: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    n_units: int
    n_treated: int
    n_periods: int
    alpha: float = 0.05
    warnings: tuple[Message, ...] = ()
    design: DesignReport | None = None
    evidence: str = "comparison"  # "comparison" or "weak" (no comparison group)

    @property
    def significant(self) -> bool:
        return self.p_value is not None and math.isfinite(self.p_value) and self.p_value < self.alpha

    @property
    def mde(self) -> float | None:
        return None if self.design is None else self.design.mde

    def interpret(self, lang: str = "nl") -> str:
        from .interpret import interpret

        return interpret(self, lang=lang)

    def to_dict(self, lang: str = "nl") -> dict:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "warnings":
                out["warnings"] = [{"code": m.code, "text": m.text(lang)} for m in value]
            else:
                out[f.name] = _clean(value)
        out["significant"] = self.significant
        out["interpretation"] = self.interpret(lang)
        return out


@dataclass(frozen=True, kw_only=True)
class DidResult(EffectResult):
    """Classic 2x2 difference-in-differences (cluster-robust by unit)."""

    coefficients: pd.DataFrame  # term, estimate, se, t, p_value
    n_clusters: int
    df_resid: int
    vcov: str = "CR1 (cluster: unit)"
    # Rambachan & Roth sensitivity, when asked for: on the event study of the same comparison (mean of the
    # post-period effects against the last period before the start), not on the 2x2 estimate itself
    honest_did: HonestDid | None = None
    honest_did_rm: HonestDidRM | None = None  # the same event study under relative magnitudes (Delta^RM)


@dataclass(frozen=True, kw_only=True)
class TwfeDiagnostic:
    """Plain two-way fixed-effects estimate and why it may be biased under staggered timing."""

    estimate: float
    n_negative_weights: int
    n_treated_cells: int
    negative_weight_sum: float
    forbidden_weight: float  # Goodman-Bacon weight on 'later vs earlier treated' comparisons
    bacon: pd.DataFrame  # type, treated, control, estimate, weight
    biased: bool

    def to_dict(self) -> dict:
        return {
            "estimate": _clean(self.estimate),
            "n_negative_weights": self.n_negative_weights,
            "n_treated_cells": self.n_treated_cells,
            "negative_weight_sum": _clean(self.negative_weight_sum),
            "forbidden_weight": _clean(self.forbidden_weight),
            "bacon": _clean(self.bacon),
            "biased": self.biased,
        }


@dataclass(frozen=True, kw_only=True)
class StaggeredResult(EffectResult):
    """Callaway & Sant'Anna group-time ATTs and their aggregations."""

    control: str
    base_period: str
    aggregation: str
    covariates: tuple[str, ...]  # empty: unconditional; else covariate-adjusted (covariate_method)
    covariate_method: str = "dr"  # dr (doubly robust) | reg (outcome regression); only with covariates
    att_gt: pd.DataFrame  # group, time, event_time, att, se, ci_low, ci_high, n_group, n_control, post
    event_study: pd.DataFrame  # event_time, estimate, se, ci_low, ci_high (uniform band if bootstrapped)
    by_group: pd.DataFrame  # group, estimate, se, ci_low, ci_high, n_units
    overall: pd.DataFrame  # aggregation, estimate, se, ci_low, ci_high, p_value
    bootstrap: int
    bootstrap_weights: str
    seed: int | None
    twfe: TwfeDiagnostic | None = None
    inference: str = "asymptotic"  # asymptotic (influence function / bootstrap) or permutation
    permutations: int = 0  # number of random reassignments of the start periods (permutation inference)
    honest_did: HonestDid | None = None  # Rambachan & Roth sensitivity (Delta^SD(M), FLCI), when asked for
    honest_did_rm: HonestDidRM | None = None  # and under relative magnitudes (Delta^RM(Mbar), ARP hybrid)


@dataclass(frozen=True, kw_only=True)
class SynthResult(EffectResult):
    """Synthetic control with in-space placebo inference."""

    weights: pd.DataFrame  # treated_unit, donor, weight
    predictor_weights: pd.DataFrame | None  # predictor, v
    gaps: pd.DataFrame  # time, treated, synthetic, gap  (average over treated units)
    placebos: pd.DataFrame  # unit, treated_unit, pre_rmspe, post_rmspe, ratio, mean_post_gap
    pre_rmspe: float
    post_rmspe: float
    rmspe_ratio: float
    n_donors: int
    # predictor, v, treated, synthetic, donor_mean (the balance table of Synth/pysyncon), per treated unit
    balance: pd.DataFrame | None = None
    placebo_gaps: pd.DataFrame | None = None  # unit, treated_unit, time, event_time, gap (in-space placebos)
    in_time: pd.DataFrame | None = None  # gap path of the in-time placebo (fake start halfway the pre-period)
    in_time_summary: pd.DataFrame | None = None  # treated_unit, fake_start, pre/post_rmspe, ratio, mean_gap
    v_method: str = "identity"  # identity (outcome path, V = I), optimised (nested) or user
    placebo_v: str | None = None  # treated: placebos reuse the treated unit's V; refit: V re-optimised each
    predictors: tuple[str, ...] = ()
    fit_periods: tuple[float, ...] = ()
    v_loss: float | None = None  # mean squared pre-period outcome gap over the fit periods (pysyncon loss_V)
    v_search: str | None = None  # multistart or equal (None: V not searched)
    # every start of the V search: start, loss, pre_rmspe, weight_shift (vs chosen), estimate, chosen
    v_starts: pd.DataFrame | None = None
    # refit without each donor with positive weight: treated_unit, donor, weight, estimate, pre_rmspe,
    # largest_donor (of the refit)
    leave_one_out: pd.DataFrame | None = None


@dataclass(frozen=True, kw_only=True)
class SdidResult(EffectResult):
    """Synthetic difference-in-differences (Arkhangelsky et al. 2021) with its SC and DiD companions."""

    unit_weights: pd.DataFrame  # donor, weight (omega)
    time_weights: pd.DataFrame  # time, weight (lambda, pre-periods)
    # time, treated (mean), synthetic (omega-weighted donors), counterfactual (synthetic + the lambda-weighted
    # pre-period gap: its post-period mean gap is the estimate), time_weight, post
    series: pd.DataFrame
    sc_estimate: float  # synthetic control on the same panel (synthdid's sc_estimate)
    did_estimate: float  # plain difference-in-differences (synthdid's did_estimate)
    se_method: str  # placebo, jackknife or none
    replications: int
    noise_level: float
    zeta_omega: float
    n_donors: int
    # with covariates: their coefficients (per standard deviation of each covariate), fitted jointly with the
    # weights as R synthdid does; the series are then of the outcome net of the covariates
    covariate_coefficients: pd.DataFrame | None = None
    covariate_method: str | None = None  # projected (Kranz 2022) or optimized (R synthdid); None without covariates


@dataclass(frozen=True, kw_only=True)
class AscmResult(EffectResult):
    """Ridge-augmented synthetic control (Ben-Michael, Feller & Rothstein 2021)."""

    weights: pd.DataFrame  # donor, weight (augmented: may be negative), scm_weight
    gaps: pd.DataFrame  # time, event_time, treated, synthetic, gap
    lambda_: float  # ridge penalty (chosen by leave-one-period-out cross-validation unless given)
    lambda_cv: pd.DataFrame | None  # lambda, cv_error, cv_se
    scm_estimate: float
    pre_rmspe: float
    scm_pre_rmspe: float
    rmspe_ratio: float
    placebos: pd.DataFrame | None  # unit, pre_rmspe, post_rmspe, ratio, mean_post_gap (same lambda)
    n_donors: int
    predictors: tuple[str, ...] = ()  # predictors balanced besides the pre-period outcomes


@dataclass(frozen=True, kw_only=True)
class ItsResult(EffectResult):
    """Interrupted time series (segmented regression) with Newey-West standard errors."""

    level_change: float
    level_change_se: float
    slope_change: float
    slope_change_se: float
    pre_slope: float
    maxlags: int
    coefficients: pd.DataFrame
    series: pd.DataFrame  # time, observed, fitted, counterfactual, post


__all__ = [
    "DesignReport",
    "DidResult",
    "EffectResult",
    "AscmResult",
    "ItsResult",
    "Message",
    "SdidResult",
    "PretrendTest",
    "StaggeredResult",
    "SynthResult",
    "TwfeDiagnostic",
]
