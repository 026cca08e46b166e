"""Small-area estimates of survey shares per buurt: the area-level Fay–Herriot model (EBLUP with the
Prasad–Rao MSE), for buurten where the direct estimate is too noisy or too small to publish.

Model (Fay & Herriot 1979; Rao & Molina 2015, ch. 6): the direct estimate of area i is
y_i = x_i'β + v_i + e_i, with v_i ~ N(0, σ²_v) the area effect and e_i ~ N(0, ψ_i) the sampling error whose
variance ψ_i is taken as known. σ²_v is estimated by REML (Fisher scoring; the default) or by the Fay–Herriot
moment estimator; a negative estimate is set to 0 (then every area gets the regression estimate). The EBLUP is
θ_i = γ_i y_i + (1 − γ_i) x_i'β̂ with γ_i = σ²_v / (σ²_v + ψ_i): the more precise an area's own estimate, the
more it counts. Its MSE is Prasad & Rao's g1 + g2 + 2·g3 (REML); for the moment estimator Datta, Rao & Smith's
(2005) version with the bias term of g1. The formulas follow ``samplics`` (``EblupAreaModel``), which a test
checks to 1e-6 on its documented example (expenditure on milk, also R ``sae``'s ``milk``).

Applied to a survey (:func:`small_area_shares`): y_i is the weighted share of the buurt; its sampling variance
is smoothed, ψ_i = p̄(1 − p̄) / n_eff,i with p̄ the share of the area's gemeente and n_eff,i Kish's effective
sample size of the buurt (a raw variance from 12 respondents is itself too noisy, and 0 where the share is 0);
x_i are CBS buurt indicators of the same year from the store (standardised; where CBS left a figure out for a
small buurt, the mean of the gemeente's buurten, flagged) and the gemeente. The model is fitted on the buurten
with at least 10 respondents.

Disclosure (see docs/enquetes.md): a model estimate is never shown for a buurt with fewer than 10
respondents; for 10 to 29 respondents (where the direct share is never shown) only when the model weighs more
than the buurt's own respondents (γ_i ≤ 0.5); never above 90 % on the sensitive side. Model estimates are not
sums of respondents, so the differencing rule (which is about sums) does not apply to them; the direct
estimates beside them keep all their rules.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..core.errors import KansenmonitorError
from . import disclosure as dc
from .estimate import Z95, survey_areas
from .repository import Wave, microdata

METHODS = ("reml", "fh")
MIN_MODEL_N = 10  # never a model estimate for fewer respondents
MAX_OWN_WEIGHT = 0.5  # for 10..29 respondents: the buurt's own share may weigh at most this much
DEFAULT_COVARIATES = ("pct_uitkeringsontvangers", "pct_corporatiewoningen", "pct_herkomst_buiten_europa", "pct_65plus",
                      "omgevingsadressendichtheid")

WITHHELD_N = "minder dan 10 respondenten: ook geen modelschatting"
WITHHELD_OWN = "de eigen respondenten (minder dan 30) zouden te zwaar wegen in de modelschatting"
WITHHELD_COV = "geen CBS-cijfers voor deze buurt om het model mee te schatten"
WITHHELD_SHARE = "de modelschatting ligt boven 90 % aan de gevoelige kant"
REASONS_EN = {WITHHELD_N: "fewer than 10 respondents: no model estimate either",
              WITHHELD_OWN: "the area's own respondents (fewer than 30) would weigh too much in the model estimate",
              WITHHELD_COV: "no CBS figures for this neighbourhood to estimate the model with",
              WITHHELD_SHARE: "the model estimate is above 90 % on the sensitive side"}


class SmallAreaError(KansenmonitorError, ValueError):
    """The model cannot be estimated (too few areas, unknown question or method)."""


@dataclass
class FHFit:
    method: str
    beta: np.ndarray
    beta_cov: np.ndarray
    sigma2_v: float
    sigma2_v_var: float  # asymptotic variance of σ²_v (inverse information)
    iterations: int
    converged: bool


def _vinv(psi: np.ndarray, s2: float) -> np.ndarray:
    return 1.0 / (psi + s2)


def _gls(y: np.ndarray, X: np.ndarray, psi: np.ndarray, s2: float) -> tuple[np.ndarray, np.ndarray]:
    vi = _vinv(psi, s2)
    xtvx = (X * vi[:, None]).T @ X
    cov = np.linalg.inv(xtvx)
    return cov @ ((X * vi[:, None]).T @ y), cov


def _score(method: str, y: np.ndarray, X: np.ndarray, psi: np.ndarray, s2: float) -> tuple[float, float]:
    """Score and (Fisher) information of σ²_v; for the moment estimator the equation and its derivative."""
    vi = _vinv(psi, s2)
    if method == "reml":
        xtvx_inv = np.linalg.inv((X * vi[:, None]).T @ X)
        P = np.diag(vi) - (X * vi[:, None]) @ xtvx_inv @ (X * vi[:, None]).T
        Py = P @ y
        return -0.5 * (np.trace(P) - Py @ Py), 0.5 * np.sum(P * P.T)
    beta, _ = _gls(y, X, psi, s2)
    r = y - X @ beta
    m, p = X.shape
    return m - p - float(np.sum(r * r * vi)), -float(np.sum(r * r * vi * vi))


def fit_fh(y: np.ndarray, X: np.ndarray, psi: np.ndarray, method: str = "reml", start: float = 1e-6,
           tol: float = 1e-10, max_iter: int = 200) -> FHFit:
    """Estimate σ²_v (Fisher scoring from ``start``, relative change below ``tol``) and β by GLS."""
    if method not in METHODS:
        raise SmallAreaError(f"methode '{method}' kan niet; kies reml of fh")
    y, X, psi = (np.asarray(a, float) for a in (y, X, psi))
    if (psi <= 0).any():
        raise SmallAreaError("elke steekproefvariantie moet groter dan 0 zijn")
    if len(y) <= X.shape[1] + 1:
        raise SmallAreaError("te weinig gebieden voor een model met deze kenmerken")
    s2 = start
    info = 0.0
    converged = False
    iterations = 0
    for it in range(1, max_iter + 1):
        iterations = it
        score, info = _score(method, y, X, psi, s2)
        new = s2 + score / info
        if new <= 0:  # the estimate leaves the parameter space: σ²_v = 0
            s2, converged = 0.0, True
            break
        change = abs((new - s2) / s2)
        s2 = new
        if change < tol:
            converged = True
            break
    if method == "reml":
        var = 1.0 / info if info > 0 else math.inf
    else:
        vi = _vinv(psi, s2)
        var = 2.0 * len(y) / float(np.sum(vi)) ** 2
    beta, cov = _gls(y, X, psi, s2)
    return FHFit(method, beta, cov, float(s2), float(var), iterations, converged)


def eblup(f: FHFit, y: np.ndarray, X: np.ndarray, psi: np.ndarray) -> dict[str, np.ndarray]:
    """EBLUP, its MSE (Prasad–Rao; Datta–Rao–Smith for the moment estimator), γ and the regression part."""
    y, X, psi = (np.asarray(a, float) for a in (y, X, psi))
    s2 = f.sigma2_v
    v = psi + s2
    gamma = s2 / v
    mu = X @ f.beta
    est = gamma * y + (1 - gamma) * mu
    g1 = gamma * psi
    g2 = (1 - gamma) ** 2 * np.einsum("ij,jk,ik->i", X, f.beta_cov, X)
    inv_v = 1.0 / v
    if f.method == "reml":
        g3 = (1 - gamma) ** 2 * (2.0 / np.sum(inv_v ** 2)) / v
        mse = g1 + g2 + 2 * g3
    else:
        m = len(y)
        s1, s2sum = float(np.sum(inv_v)), float(np.sum(inv_v ** 2))
        b = 2.0 * (m * s2sum - s1 ** 2) / s1 ** 3
        g3 = (1 - gamma) ** 2 * (2.0 * m / s1 ** 2) / v
        mse = g1 - (1 - gamma) ** 2 * b + g2 + 2 * g3
    return {"estimate": est, "mse": mse, "gamma": gamma, "synthetic": mu, "g1": g1, "g2": g2, "g3": g3}


# ---------------------------------------------------------------------------------------------- applied to a wave

@dataclass
class SmallAreaRow:
    area: str
    name: str
    gemeente: str | None
    item: str
    respondents_band: str  # "<10", "10-29" or "30+" (no exact n for withheld direct estimates)
    direct: float | None  # %, as on /enquetes/aandelen (None when withheld there)
    direct_lower: float | None
    direct_upper: float | None
    direct_respondents: int | None
    direct_reason: str | None
    model: float | None  # %, None when withheld
    model_lower: float | None
    model_upper: float | None
    model_weight: float | None  # γ: how much the buurt's own respondents count (0..1)
    model_reason: str | None
    status: str  # "modelschatting" when a model estimate is shown, else "suppressed"
    imputed: bool = False  # a CBS covariate was missing and replaced by the gemeente mean

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SmallAreaResult:
    item: str
    method: str
    covariates: list[str]
    areas_in_model: int
    sigma2_v: float
    converged: bool
    rows: list[SmallAreaRow]


def _band(n: int) -> str:
    return "<10" if n < 10 else ("10-29" if n < 30 else "30+")


def small_area_shares(monitor, w: Wave, item_id: str, method: str = "reml",
                      covariates: tuple[str, ...] = DEFAULT_COVARIATES, rules: dc.Rules = dc.DEFAULT_RULES,
                      lang: str = "nl", direct_rows=None) -> SmallAreaResult:
    """Direct and Fay–Herriot estimates of a share per buurt (the wave's base level), with disclosure control."""
    from .estimate import shares

    cb = w.codebook
    if item_id not in {it.id for it in cb.shares()}:
        raise SmallAreaError(f"vraag '{item_id}' heeft geen aandeel; kies uit "
                             f"{', '.join(it.id for it in cb.shares())}")
    if method not in METHODS:
        raise SmallAreaError(f"methode '{method}' kan niet; kies reml of fh")
    it = cb.item(item_id)
    data = microdata(monitor, w)
    valid = data[data[item_id].notna()]
    y01 = valid[item_id].isin(it.share.codes).to_numpy(float)
    wt = valid["weight"].to_numpy(float)
    g = pd.DataFrame({"area": valid["area"].to_numpy(), "n": 1, "w": wt, "wy": wt * y01, "w2": wt * wt})
    s = g.groupby("area").sum()
    areas = survey_areas(monitor, w)
    base = {a: info for a, info in areas.items() if info.level == w.area_level}
    gem_p = {}
    for gm in {info.gemeente for info in base.values()}:
        members = [a for a, info in base.items() if info.gemeente == gm and a in s.index]
        sub = s.loc[members]
        gem_p[gm] = float(sub["wy"].sum() / sub["w"].sum()) if len(sub) else math.nan
    # covariates of the same year (the wave) in the wave's indeling, from the store
    obs = monitor.observations(level=w.area_level, boundary_year=w.boundary_year, periods=[w.wave],
                               indicators=list(covariates))
    cov = obs.pivot_table(index="region", columns="indicator", values="value", aggfunc="first")
    missing_ind = [c for c in covariates if c not in cov.columns]
    if missing_ind:
        raise SmallAreaError(f"de database heeft geen buurtcijfers {', '.join(missing_ind)} voor {w.wave}; lees de "
                             "CBS Kerncijfers wijken en buurten van dat jaar in")
    codes = sorted(base)
    cov = cov.reindex(codes)[list(covariates)]
    # CBS leaves some figures out for small buurten: those get the mean of their gemeente's buurten (flagged)
    imputed = set(cov.index[cov.isna().any(axis=1)])
    gem_s = pd.Series({a: base[a].gemeente for a in codes})
    cov = cov.groupby(gem_s).transform(lambda col: col.fillna(col.mean())).fillna(cov.mean())
    n_of = {a: int(s.loc[a, "n"]) if a in s.index else 0 for a in codes}
    fit_codes = [a for a in codes if n_of[a] >= MIN_MODEL_N and cov.loc[a].notna().all()
                 and not math.isnan(gem_p.get(base[a].gemeente, math.nan))]
    res_rows: list[SmallAreaRow] = []
    if direct_rows is None:
        direct_rows = shares(monitor, w, item_ids=[item_id], levels=(w.area_level,), rules=rules, lang=lang,
                             data=data, areas=areas)
    direct = {r.area: r for r in direct_rows if r.item == item_id}
    est: dict[str, tuple[float, float, float]] = {}
    fit = None
    if len(fit_codes) > len(covariates) + 5:
        y = np.array([s.loc[a, "wy"] / s.loc[a, "w"] for a in fit_codes])
        n_eff = np.array([s.loc[a, "w"] ** 2 / s.loc[a, "w2"] for a in fit_codes])
        pbar = np.array([gem_p[base[a].gemeente] for a in fit_codes])
        psi = np.clip(pbar * (1 - pbar), 1e-6, None) / n_eff
        Z = cov.loc[fit_codes].to_numpy(float)
        Z = (Z - Z.mean(axis=0)) / np.where(Z.std(axis=0) > 0, Z.std(axis=0), 1.0)
        gms = sorted({base[a].gemeente for a in fit_codes})
        dummies = np.column_stack([[base[a].gemeente == gm for a in fit_codes] for gm in gms[1:]]).astype(float) \
            if len(gms) > 1 else np.zeros((len(fit_codes), 0))
        X = np.column_stack([np.ones(len(fit_codes)), Z, dummies])
        fit = fit_fh(y, X, psi, method)
        out = eblup(fit, y, X, psi)
        for i, a in enumerate(fit_codes):
            est[a] = (float(out["estimate"][i]), float(out["mse"][i]), float(out["gamma"][i]))
    sensitive = it.sensitive
    for a in codes:
        info = base[a]
        n = n_of[a]
        d = direct.get(a)
        reason = None
        if n < MIN_MODEL_N:
            reason = WITHHELD_N
        elif a not in est:
            reason = WITHHELD_COV
        else:
            theta, mse, gamma = est[a]
            if n < rules.min_area_n and gamma > MAX_OWN_WEIGHT:
                reason = WITHHELD_OWN
            elif (sensitive in ("share", "both") and theta > rules.max_share) or \
                    (sensitive in ("rest", "both") and theta < 1 - rules.max_share):
                reason = WITHHELD_SHARE
        row = SmallAreaRow(a, info.name, info.gemeente, item_id, _band(n),
                           d.share if d else None, d.lower if d else None, d.upper if d else None,
                           d.respondents if d else None, d.reason if d else None,
                           None, None, None, None, (REASONS_EN[reason] if lang == "en" else reason) if reason else None,
                           "suppressed")
        if reason is None:
            theta, mse, gamma = est[a]
            half = Z95 * math.sqrt(max(mse, 0.0))
            row.model = round(100 * min(max(theta, 0.0), 1.0), 1)
            row.model_lower = round(100 * max(0.0, theta - half), 1)
            row.model_upper = round(100 * min(1.0, theta + half), 1)
            row.model_weight = round(gamma, 2)
            row.status = "modelschatting"
            row.imputed = a in imputed
        res_rows.append(row)
    return SmallAreaResult(item_id, method, list(covariates), len(fit_codes), fit.sigma2_v if fit else math.nan,
                           bool(fit and fit.converged), res_rows)
