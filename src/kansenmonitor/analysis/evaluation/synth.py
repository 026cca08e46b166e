"""Synthetic control (Abadie & Gardeazabal 2003; Abadie, Diamond & Hainmueller 2010) with placebo inference.

For each treated unit the donor weights w (non-negative, summing to one) minimise
(x1 - X0 w)' V (x1 - X0 w), where x1/X0 are the treated unit's/donors' predictors, standardised by their
standard deviation across units (as R ``Synth`` and pysyncon do).

Predictors (:class:`Predictor`) are the mean of a variable (the outcome or a covariate) over a window of
pre-periods, per predictor, so covariates with gaps enter through the mean of the observed values. Without
predictors or covariates the predictors are the outcome in every pre-period and V = I. Otherwise the diagonal
V is chosen by nested optimisation: the outer problem minimises the mean squared pre-period outcome gap over
the fit periods, from several starting points (equal weights, the regression-based V of Synth's ``ols`` start,
and one start per predictor group), each a Nelder-Mead search in log-V with unit-sized first steps so that it
leaves a corner solution. A user-given V skips the search. When the predictors contain no outcome predictor
the outcome in every pre-period is added as special predictors (Abadie's practice), so that covariates which
do not predict the outcome cannot pull the weights away from the donors that reproduce it.

Inference: in-space placebos (every donor in turn plays the treated unit; p-value = rank of the treated unit's
post/pre RMSPE ratio), optionally re-optimising V for every placebo, and an in-time placebo (a fake start
halfway through the pre-period, fitted on the periods before it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd
from scipy import optimize

from .interpret import fmt_number
from .panel import Panel, PanelError, _issue
from .results import DesignReport, Message, SynthResult


@dataclass(frozen=True)
class Predictor:
    """The mean of ``variable`` (the outcome or a covariate) over ``periods`` (``None``: all pre-periods)."""

    variable: str
    periods: tuple[float, ...] | None = None

    @property
    def label(self) -> str:
        if self.periods is None:
            return self.variable
        return f"{self.variable} {_fmt_periods(self.periods)}"


def _fmt(t: float) -> str:
    return str(int(t)) if float(t).is_integer() else f"{t:g}"


def _fmt_periods(periods: Sequence[float]) -> str:
    ps = sorted(float(p) for p in periods)
    if len(ps) == 1:
        return _fmt(ps[0])
    if all(b - a == 1 for a, b in zip(ps, ps[1:], strict=False)):
        return f"{_fmt(ps[0])}–{_fmt(ps[-1])}"
    return ",".join(_fmt(p) for p in ps)


_PERIOD = r"-?\d+(?:\.\d+)?"


def parse_predictor(spec: str) -> Predictor:
    """Parse ``"name"``, ``"name:1964-1969"`` (a window), ``"name:1961,1963"`` or ``"name:1969"``.

    A window ``a-b`` means every period of the panel from ``a`` to ``b``; ``a-b/2`` every second one.
    """
    text = spec.strip()
    name, sep, when = text.rpartition(":") if ":" in text else (text, "", "")
    name = name.strip()
    if not name:
        raise ValueError(f"voorspeller '{spec}' heeft geen naam")
    if not sep:
        return Predictor(name)
    periods: list[float] = []
    for part in when.split(","):
        part = part.strip()
        m = re.fullmatch(rf"({_PERIOD})\s*-\s*({_PERIOD})(?:\s*/\s*(\d+))?", part)
        if m:
            a, b = float(m.group(1)), float(m.group(2))
            step = int(m.group(3) or 1)
            if b < a or step < 1:
                raise ValueError(f"periode '{part}' in voorspeller '{spec}' loopt achteruit")
            periods.extend(float(x) for x in np.arange(a, b + 0.5 * step, step))
        elif re.fullmatch(_PERIOD, part):
            periods.append(float(part))
        else:
            raise ValueError(
                f"periode '{part}' in voorspeller '{spec}' is geen jaar of reeks (bijv. 2015-2019 of 2015,2017)"
            )
    return Predictor(name, tuple(periods))


# ---------------------------------------------------------------------------------------------------- solvers
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


def _weights_for_v(Xs: np.ndarray, x1: np.ndarray, v: np.ndarray) -> np.ndarray:
    s = np.sqrt(np.clip(v, 0, None))
    return simplex_least_squares(Xs * s[:, None], x1 * s)


def _ols_start(Xs: np.ndarray, x1: np.ndarray, Z0: np.ndarray, z1: np.ndarray) -> np.ndarray | None:
    """Synth's regression-based starting V: squared coefficients of the outcomes on the predictors."""
    X = np.column_stack([np.ones(Xs.shape[1] + 1), np.column_stack([Xs, x1]).T])
    Z = np.column_stack([Z0, z1])
    if X.shape[0] <= X.shape[1]:
        return None
    beta, *_ = np.linalg.lstsq(X, Z.T, rcond=None)
    v = np.sum(beta[1:] ** 2, axis=1)
    if not np.all(np.isfinite(v)) or v.sum() <= 0:
        return None
    return v / v.sum()


V_SEARCHES = ("multistart", "equal")


def fit_v(
    Xs: np.ndarray,
    x1: np.ndarray,
    Z0: np.ndarray,
    z1: np.ndarray,
    groups: Sequence[int] | None = None,
    search: str = "multistart",
    maxiter: int | None = None,
) -> tuple[np.ndarray, np.ndarray, float, list[tuple[str, float, np.ndarray, np.ndarray]]]:
    """Nested optimisation of a diagonal V (sum one) minimising the mean squared pre-period outcome gap.

    ``Xs``: standardised donor predictors (k x J), ``x1`` the treated unit's; ``Z0`` (T0 x J) and ``z1`` the
    outcomes in the fit periods. ``search="equal"`` starts from equal weights only (the default start of R
    ``Synth`` and pysyncon, whose solution it reproduces); ``"multistart"`` adds the regression-based start and
    starts that emphasise the outcome predictors and the covariates, and keeps the best. Every start is a
    Nelder-Mead search in log V with unit-sized first steps (so that it can leave a corner solution),
    restarted once from its end point. Returns (v, w, loss, [(start, loss, v, w) for every start]).
    """
    k = Xs.shape[0]
    if k == 1:
        w = _weights_for_v(Xs, x1, np.ones(1))
        r = z1 - Z0 @ w
        return np.ones(1), w, float(r @ r / len(r)), []
    cache: dict[bytes, float] = {}

    def v_of(theta: np.ndarray) -> np.ndarray:
        e = np.exp(np.clip(theta - theta.max(), -50, 0))
        return e / e.sum()

    def loss(theta: np.ndarray) -> float:
        key = np.round(theta, 12).tobytes()
        if key not in cache:
            w = _weights_for_v(Xs, x1, v_of(theta))
            r = z1 - Z0 @ w
            cache[key] = float(r @ r / len(r))
        return cache[key]

    starts: list[tuple[str, np.ndarray]] = [("equal", np.full(k, 1.0 / k))]
    if search == "multistart":
        ols = _ols_start(Xs, x1, Z0, z1)
        if ols is not None:
            starts.append(("regression", np.clip(ols, 1e-8, None)))
        if groups is not None:
            g = np.asarray(groups)
            for lab, name in ((0, "outcome"), (1, "covariates")):
                sel = g == 0 if lab == 0 else g != 0
                if 0 < sel.sum() < k:
                    v0 = np.where(sel, 1.0, 0.01)
                    starts.append((name, v0 / v0.sum()))
    elif search != "equal":
        raise ValueError(f"unknown V search {search!r}; choose one of {', '.join(V_SEARCHES)}")
    maxiter = maxiter or 200 * k
    tried = []
    for name, v0 in starts:
        theta = np.log(v0)
        for _ in range(2):
            simplex = np.vstack([theta, theta + np.eye(k)])
            res = optimize.minimize(
                loss,
                theta,
                method="Nelder-Mead",
                options={"maxiter": maxiter, "xatol": 1e-6, "fatol": 1e-12, "initial_simplex": simplex},
            )
            theta = res.x
        v = v_of(theta)
        tried.append((name, loss(theta), v, _weights_for_v(Xs, x1, v)))
    best = min(tried, key=lambda x: x[1])
    return best[2], best[3], best[1], tried


def _rmspe(gap: np.ndarray, pre: np.ndarray, post: np.ndarray) -> tuple[float, float]:
    a = float(np.sqrt(np.mean(gap[pre] ** 2))) if pre.any() else float("nan")
    b = float(np.sqrt(np.mean(gap[post] ** 2))) if post.any() else float("nan")
    return a, b


# ---------------------------------------------------------------------------------------------- predictors
@dataclass(frozen=True)
class _Spec:
    """The resolved predictor set of one fit."""

    predictors: tuple[Predictor, ...]
    labels: tuple[str, ...]
    groups: tuple[int, ...]  # 0 = outcome, 1 = covariate (for the grouped V starts)
    X: np.ndarray  # k x n_units (unstandardised)
    added_outcome_path: bool


def _error(panel: Panel, field: str | None, message: str, hint: str,
           en: tuple[str, str | None] | None = None) -> PanelError:
    return PanelError([_issue(panel.source, None, field, message, hint, en)])


def _resolve(
    panel: Panel,
    predictors: Sequence[Predictor] | None,
    covariates: tuple[str, ...],
    pre_times: np.ndarray,
    rows: np.ndarray,
) -> _Spec | None:
    """Predictor matrix for the units ``rows`` of the wide panel, with pre-periods ``pre_times``."""
    wide = panel.wide()
    added = False
    if predictors is None:
        if not covariates:
            return None
        predictors = [Predictor(c) for c in covariates]
    predictors = list(predictors)
    names = {panel.outcome, *panel.covariates}
    for p in predictors:
        if p.variable not in names:
            raise _error(
                panel,
                p.variable,
                f"voorspeller '{p.variable}' is geen uitkomst of kenmerk van de gegevens",
                "Kies de uitkomst of een kenmerk dat u met --covariate meegeeft ("
                + ", ".join(sorted(map(str, names)))
                + ").",
        en=(f"predictor '{p.variable}' is not an outcome or covariate of the data", "Choose the outcome or a covariate you pass with --covariate (" + ", ".join(sorted(map(str, names))) + ").")
            )
    if not any(p.variable == panel.outcome for p in predictors):
        predictors += [Predictor(panel.outcome, (float(t),)) for t in pre_times]
        added = True
    rows_out, labels, groups = [], [], []
    pre_set = set(float(t) for t in pre_times)
    for p in predictors:
        periods = pre_times if p.periods is None else np.array(sorted(p.periods), dtype=float)
        late = [t for t in periods if t not in pre_set]
        if late:
            raise _error(
                panel,
                p.variable,
                f"voorspeller '{p.label}' gebruikt periode {_fmt(late[0])}, die niet vóór de start van de "
                "maatregel ligt of niet in de gegevens staat",
                "Kies voor elke voorspeller alleen periodes vóór de start (de 0-meting).",
        en=(f"predictor '{p.label}' uses period {_fmt(late[0])}, which is not before the start of the measure or not in the data", "Choose for each predictor only periods before the start (the baseline, 0-meting)."),
            )
        cols = np.searchsorted(wide.times, periods)
        mat = wide.y if p.variable == panel.outcome else panel.wide_covariate(p.variable)
        sub = mat[np.ix_(rows, cols)]
        with np.errstate(all="ignore"):
            val = np.nanmean(sub, axis=1) if sub.shape[1] else np.full(len(rows), np.nan)
        missing = ~np.isfinite(val)
        if missing.any():
            unit = wide.units[rows[np.flatnonzero(missing)[0]]]
            raise _error(
                panel,
                p.variable,
                f"voorspeller '{p.label}' heeft geen enkele waarde voor eenheid '{unit}' in de gekozen periodes"
                f" (en voor {int(missing.sum()) - 1} andere eenheden)"
                if missing.sum() > 1
                else f"voorspeller '{p.label}' heeft geen enkele waarde voor eenheid '{unit}' in de gekozen periodes",
                "Kies een ruimer venster (bijv. 2015-2019) of vul de ontbrekende waarden aan.",
        en=(f"predictor '{p.label}' has no value at all for unit '{unit}' in the chosen periods", "Choose a wider window (e.g. 2015-2019) or fill in the missing values."),
            )
        rows_out.append(val)
        labels.append(p.label)
        groups.append(0 if p.variable == panel.outcome else 1)
    X = np.vstack(rows_out)
    sd = X.std(axis=1, ddof=1)
    flat = np.flatnonzero(~(sd > 1e-12 * np.maximum(1.0, np.abs(X).max(axis=1))))
    if len(flat):
        raise _error(
            panel,
            predictors[flat[0]].variable,
            f"voorspeller '{labels[flat[0]]}' is voor alle eenheden gelijk (geen spreiding) en kan geen "
            "vergelijking sturen",
            "Laat deze voorspeller weg of kies een ander venster.",
        en=(f"predictor '{labels[flat[0]]}' is the same for all units (no spread) and cannot steer a comparison", "Leave this predictor out or choose another window."),
        )
    return _Spec(tuple(predictors), tuple(labels), tuple(groups), X, added)


# ------------------------------------------------------------------------------------------------- one fit
@dataclass(frozen=True)
class _Fit:
    w: np.ndarray
    v: np.ndarray | None
    loss: float
    tried: tuple = ()


def _fit(
    y1: np.ndarray,
    Y0: np.ndarray,
    fit_cols: np.ndarray,
    x1: np.ndarray | None,
    X0: np.ndarray | None,
    v: np.ndarray | None,
    groups: Sequence[int] | None,
    search: str = "multistart",
) -> _Fit:
    """Donor weights for one treated series (Y0: J x T); V searched unless given."""
    Z0, z1 = Y0[:, fit_cols].T, y1[fit_cols]
    if X0 is None:
        w = simplex_least_squares(Z0, z1)
        r = z1 - Z0 @ w
        return _Fit(w, None, float(r @ r / len(r)))
    allX = _standardise(np.column_stack([x1, X0]))
    xs1, Xs = allX[:, 0], allX[:, 1:]
    if v is None:
        vv, w, loss, tried = fit_v(Xs, xs1, Z0, z1, groups, search)
        return _Fit(w, vv, loss, tuple(tried))
    w = _weights_for_v(Xs, xs1, v)
    r = z1 - Z0 @ w
    return _Fit(w, v, float(r @ r / len(r)))


def _num(x: float, lang: str = "nl") -> str:
    from .interpret import fmt_number

    return fmt_number(x, lang)


def _as_predictors(predictors: Sequence[Predictor | str] | None) -> list[Predictor] | None:
    if predictors is None:
        return None
    out = []
    for p in predictors:
        out.append(p if isinstance(p, Predictor) else parse_predictor(str(p)))
    return out


def _clip(predictors: list[Predictor] | None, before: float) -> list[Predictor] | None:
    """Predictor windows restricted to periods before ``before`` (for the in-time placebo)."""
    if predictors is None:
        return None
    out = []
    for p in predictors:
        if p.periods is None:
            out.append(p)
        else:
            kept = tuple(t for t in p.periods if t < before)
            if kept:
                out.append(Predictor(p.variable, kept))
    return out


def _message_outside(unit: str, above: bool) -> Message:
    where_nl, where_en = ("hoger", "higher") if above else ("lager", "lower")
    return Message(
        "outside_hull",
        f"Eenheid '{unit}' lag vóór de start in de meeste jaren {where_nl} dan alle vergelijkingseenheden. Een "
        "gewogen mix van vergelijkingseenheden kan haar dan niet goed volgen; de synthetische controle is "
        "daardoor onbetrouwbaar. Gebruik de aangevulde synthetische controle (methode ascm) of synthetische "
        "verschil-in-verschillen (methode sdid), die daarvoor corrigeren, of kies vergelijkingseenheden die meer "
        "op haar lijken.",
        f"Unit '{unit}' was {where_en} than every comparison unit in most years before the start. A weighted mix "
        "of comparison units cannot track it then, so the synthetic control is unreliable. Use the augmented "
        "synthetic control (method ascm) or synthetic difference-in-differences (method sdid), which correct for "
        "this, or choose comparison units that resemble it more.",
    )


def synthetic_control(
    panel: Panel,
    *,
    covariates: tuple[str, ...] | None = None,
    predictors: Sequence[Predictor | str] | None = None,
    v: Sequence[float] | None = None,
    fit_periods: Sequence[float] | None = None,
    placebos: bool = True,
    placebo_refit_v: bool = False,
    in_time_placebo: bool = True,
    v_search: str = "multistart",
    alpha: float = 0.05,
    seed: int | None = 0,
    max_treated: int = 10,
    n_draws: int = 10000,
    leave_one_out: bool = False,
) -> SynthResult:
    """Synthetic control for one or a few treated units; donors are the never-treated units.

    ``predictors``: :class:`Predictor` objects or strings such as ``"income:2015-2019"`` (see
    :func:`parse_predictor`); default: the covariates' pre-period means plus the outcome in every pre-period,
    or (no covariates) the outcome in every pre-period with V = I. ``v``: a user-given diagonal of V (one value
    per predictor, in the order of ``result.balance``). ``fit_periods``: the pre-periods whose outcome fit
    chooses V (default: all pre-periods). ``placebo_refit_v``: re-optimise V for every placebo (slow).
    ``v_search``: ``"multistart"`` (default; the best of several starts) or ``"equal"`` (only the equal-weights
    start of R Synth and pysyncon). Every start's fit and estimate is in ``result.v_starts``.
    ``leave_one_out``: refit without each donor that has a positive weight (V searched again unless given)
    and report the effect of each refit in ``result.leave_one_out``.
    """
    if v_search not in V_SEARCHES:
        raise _error(panel, "v_search", f"onbekende zoekmethode voor V '{v_search}'", "Kies multistart of equal.",
                     (f"unknown search method for V '{v_search}'", "Choose multistart or equal."))
    covariates = panel.covariates if covariates is None else tuple(covariates)
    user_predictors = _as_predictors(predictors)
    wide = panel.wide()
    tr_idx = np.flatnonzero(wide.treated)
    donors = np.flatnonzero(~wide.treated)
    J = len(donors)
    panel.require(
        len(tr_idx) >= 1, "er is geen enkele behandelde eenheid", "Geef de startperiode van de maatregel op.",
        en=("there is no treated unit", "Give the start period of the measure.")
    )
    panel.require(
        len(tr_idx) <= max_treated,
        f"synthetische controle is bedoeld voor één of enkele behandelde eenheden, niet {len(tr_idx)}",
        "Gebruik methode cs of did (--method cs) voor veel behandelde eenheden.",
        en=(f"synthetic control is meant for one or a few treated units, not {len(tr_idx)}", "Use method cs or did (--method cs) for many treated units."),
    )
    panel.require(
        J >= 2,
        f"te weinig vergelijkingseenheden (donoren): {J}; synthetische controle heeft er minstens 2 nodig",
        "Voeg eenheden zonder maatregel toe.",
        en=(f"too few comparison units (donors): {J}; synthetic control needs at least 2", "Add units without the measure."),
    )
    T = len(wide.times)
    times = wide.times
    Yd = wide.y[donors]
    everyone = np.arange(len(wide.units))
    user_v = None if v is None else np.asarray(v, dtype=float)
    if user_v is not None and (not np.all(np.isfinite(user_v)) or np.any(user_v < 0) or user_v.sum() <= 0):
        raise _error(panel, "v", "de gewichten V moeten getallen ≥ 0 zijn, niet allemaal 0", "Pas V aan.",
                     ("the weights V must be numbers ≥ 0, not all 0", "Adjust V."))

    if leave_one_out:
        panel.require(
            J >= 3,
            f"zonder één vergelijkingseenheid blijft er maar {J - 1} over; dan valt er niets te vergelijken",
            "Zet het telkens weglaten van één vergelijkingseenheid uit (--leave-one-out), of voeg vergelijkingseenheden "
            "toe.",
            field="leave_one_out",
        en=(f"without one comparison unit only {J - 1} remains; then there is nothing to compare", "Turn off leaving out one comparison unit at a time (--leave-one-out), or add comparison units."),
        )
    loo_rows: list[tuple] = []
    weight_rows, gap_rows, placebo_rows, pgap_rows, balance_rows = [], [], [], [], []
    v_rows: list[tuple[str, str, float]] = []
    in_time_rows, in_time_summary, start_rows = [], [], []
    pre_r, post_r, ratios, mean_gaps, losses = [], [], [], [], []
    placebo_ratio_sets, placebo_gap_sets, placebo_pre_sets = [], [], []
    warnings: list[Message] = list(panel.notes) + list(panel.balance_notes())
    labels_used: tuple[str, ...] = ()
    fit_used: tuple[float, ...] = ()
    added_path = False
    for i in tr_idx:
        unit = wide.units[i]
        n_pre = int(wide.group[i])
        pre_times = times[:n_pre]
        if fit_periods is None:
            fit_cols = np.arange(n_pre)
        else:
            wanted = np.array(sorted(float(t) for t in fit_periods))
            bad = [t for t in wanted if t not in set(map(float, pre_times))]
            if bad or not len(wanted):
                raise _error(
                    panel,
                    "fit_periods",
                    f"de periodes voor de passing van de vergelijking moeten vóór de start van '{unit}' liggen "
                    f"en in de gegevens staan; {_fmt(bad[0]) if bad else 'geen periode'} voldoet niet",
                    f"Kies periodes tussen {_fmt(pre_times[0])} en {_fmt(pre_times[-1])}.",
        en=(f"the periods for fitting the comparison must lie before the start of '{unit}' and be in the data; {_fmt(bad[0]) if bad else 'no period'} does not", f"Choose periods between {_fmt(pre_times[0])} and {_fmt(pre_times[-1])}."),
                )
            fit_cols = np.searchsorted(times, wanted)
        fit_used = tuple(float(t) for t in times[fit_cols])
        spec = _resolve(panel, user_predictors, covariates, pre_times, everyone)
        Xd = Xt = None
        if spec is not None:
            Xd, Xt = spec.X[:, donors], spec.X[:, i]
            labels_used = spec.labels
            added_path = added_path or spec.added_outcome_path
            k = len(spec.labels)
            if user_v is not None and len(user_v) != k:
                raise _error(
                    panel,
                    "v",
                    f"V heeft {len(user_v)} waarden, maar er zijn {k} voorspellers ({', '.join(spec.labels)})",
                    "Geef één waarde per voorspeller, in deze volgorde.",
        en=(f"V has {len(user_v)} values, but there are {k} predictors ({', '.join(spec.labels)})", "Give one value per predictor, in this order."),
                )
            if user_v is None and k > J:
                raise _error(
                    panel,
                    "predictor",
                    f"er zijn {k} voorspellers maar maar {J} vergelijkingseenheden; dan zijn de gewichten "
                    "van de voorspellers niet te bepalen",
                    "Gebruik minder voorspellers, bijvoorbeeld het gemiddelde van de uitkomst over een paar jaar "
                    "(zoals uitkomst:2015-2019) in plaats van elk jaar apart, of voeg vergelijkingseenheden toe.",
        en=(f"there are {k} predictors but only {J} comparison units; then the weights of the predictors cannot be determined", "Use fewer predictors, for example the mean of the outcome over a few years (such as outcome:2015-2019) instead of each year separately, or add comparison units."),
                )
        fit = _fit(wide.y[i], Yd, fit_cols, Xt, Xd, user_v, None if spec is None else spec.groups, v_search)
        w = fit.w
        synth = Yd.T @ w
        gap = wide.y[i] - synth
        alt_close = []
        for name, loss_s, _v, w_s in fit.tried:
            shift = 0.5 * float(np.abs(w_s - w).sum())
            est_s = float((wide.y[i] - Yd.T @ w_s)[n_pre:].mean())
            chosen = bool(
                not any(r[0] == unit and r[6] for r in start_rows)
                and shift < 1e-9
                and abs(loss_s - fit.loss) <= 1e-12 * max(1.0, fit.loss)
            )
            start_rows.append((unit, name, loss_s, float(np.sqrt(loss_s)), shift, est_s, chosen))
            if not chosen and shift > 0.2 and np.sqrt(loss_s) <= 1.5 * np.sqrt(fit.loss):
                alt_close.append((name, np.sqrt(loss_s), est_s))
        if alt_close:
            name, rm, est_s = alt_close[0]
            warnings.append(
                Message(
                    "v_not_unique",
                    f"Een andere keuze van de gewichten van de voorspellers volgt '{unit}' vóór de start bijna even "
                    f"goed (afwijking {_num(rm)} tegen {_num(np.sqrt(fit.loss))}), maar met een andere mix van "
                    f"vergelijkingseenheden. Met die mix is het verschil na de start {_num(est_s)} in plaats van "
                    f"{_num(float(gap[n_pre:].mean()))}.",
                    f"Another choice of predictor weights tracks '{unit}' almost as well before the start (gap "
                    f"{_num(rm, 'en')} against {_num(np.sqrt(fit.loss), 'en')}), but with a different mix of "
                    f"comparison units. With that mix the difference after the start is {_num(est_s, 'en')} instead "
                    f"of {_num(float(gap[n_pre:].mean()), 'en')}.",
                )
            )
        pre_mask = np.zeros(T, bool)
        pre_mask[fit_cols] = True
        post_mask = np.arange(T) >= n_pre
        pre, post = _rmspe(gap, pre_mask, post_mask)
        pre_r.append(pre)
        post_r.append(post)
        losses.append(fit.loss)
        ratios.append(post / pre if pre > 0 else np.inf)
        mean_gaps.append(float(gap[n_pre:].mean()))
        for d, wd in zip(wide.units[donors], w, strict=True):
            weight_rows.append((unit, d, float(wd)))
        if spec is not None:
            vv = fit.v if fit.v is not None else np.full(len(spec.labels), 1.0 / len(spec.labels))
            vv = vv / vv.sum()
            v_rows.extend((unit, nm, float(x)) for nm, x in zip(spec.labels, vv, strict=True))
            for nm, x, a, b, c in zip(spec.labels, vv, Xt, Xd @ w, Xd.mean(axis=1), strict=True):
                balance_rows.append((unit, nm, float(x), float(a), float(b), float(c)))
        else:
            for c in range(n_pre):
                balance_rows.append(
                    (unit, f"{panel.outcome} {_fmt(times[c])}", 1.0 / n_pre, float(wide.y[i, c]),
                     float(synth[c]), float(Yd[:, c].mean()))
                )
        for t in range(T):
            gap_rows.append((unit, times[t], t - n_pre, wide.y[i, t], synth[t], gap[t]))
        pre_y = wide.y[i, fit_cols]
        above = np.mean(pre_y > Yd[:, fit_cols].max(axis=0))
        below = np.mean(pre_y < Yd[:, fit_cols].min(axis=0))
        if max(above, below) > 0.5:
            warnings.append(_message_outside(str(unit), above > below))
        if placebos:
            pr, pg, pp = [], [], []
            for j in range(J):
                others = np.delete(np.arange(J), j)
                fj = _fit(
                    Yd[j],
                    Yd[others],
                    fit_cols,
                    None if Xd is None else Xd[:, j],
                    None if Xd is None else Xd[:, others],
                    None if (placebo_refit_v and user_v is None) else fit.v,
                    None if spec is None else spec.groups,
                    v_search,
                )
                gj = Yd[j] - Yd[others].T @ fj.w
                a, b = _rmspe(gj, pre_mask, post_mask)
                ratio = b / a if a > 0 else np.inf
                pr.append(ratio)
                pg.append(float(gj[n_pre:].mean()))
                pp.append(a)
                placebo_rows.append((wide.units[donors[j]], unit, a, b, ratio, float(gj[n_pre:].mean())))
                pgap_rows.extend((wide.units[donors[j]], unit, times[t], t - n_pre, float(gj[t])) for t in range(T))
            placebo_ratio_sets.append(np.array(pr))
            placebo_gap_sets.append(np.array(pg))
            placebo_pre_sets.append(np.array(pp))
        if leave_one_out:
            for j in np.flatnonzero(w > 1e-6):
                others = np.delete(np.arange(J), j)
                search_again = user_v is None and Xd is not None and Xd.shape[0] <= J - 1
                fj = _fit(
                    wide.y[i], Yd[others], fit_cols,
                    Xt, None if Xd is None else Xd[:, others],
                    None if search_again else fit.v,
                    None if spec is None else spec.groups,
                    v_search,
                )
                gj = wide.y[i] - Yd[others].T @ fj.w
                a, _b = _rmspe(gj, pre_mask, post_mask)
                top = others[int(np.argmax(fj.w))]
                loo_rows.append((unit, wide.units[donors[j]], float(w[j]), float(gj[n_pre:].mean()), a,
                                 wide.units[donors[top]]))
        if in_time_placebo and len(fit_cols) >= 4:
            fake = int(fit_cols[len(fit_cols) // 2])
            it_fit = fit_cols[fit_cols < fake]
            it_preds = _clip(user_predictors, float(times[fake]))
            it_spec = _resolve(panel, it_preds, covariates, times[:fake], everyone)
            itX = None if it_spec is None else it_spec.X
            if itX is None or itX.shape[0] <= J:
                ft = _fit(
                    wide.y[i], Yd, it_fit,
                    None if itX is None else itX[:, i],
                    None if itX is None else itX[:, donors],
                    None,
                    None if it_spec is None else it_spec.groups,
                    v_search,
                )
                s_it = Yd.T @ ft.w
                g_it = wide.y[i] - s_it
                m_pre = np.zeros(T, bool)
                m_pre[it_fit] = True
                m_post = (np.arange(T) >= fake) & (np.arange(T) < n_pre)
                a, b = _rmspe(g_it, m_pre, m_post)
                in_time_summary.append(
                    (unit, times[fake], a, b, b / a if a > 0 else np.inf, float(g_it[m_post].mean()))
                )
                for t in range(n_pre):
                    in_time_rows.append((unit, times[t], t - fake, wide.y[i, t], s_it[t], g_it[t]))

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
    if added_path:
        warnings.append(
            Message(
                "outcome_path_added",
                f"De uitkomst '{panel.outcome}' in elk jaar vóór de start telt mee als voorspeller, naast de "
                "gekozen kenmerken. Zo kunnen kenmerken die de uitkomst niet voorspellen de vergelijking niet "
                "wegtrekken van de eenheden die de uitkomst wél volgen.",
                f"The outcome '{panel.outcome}' in every year before the start counts as a predictor, besides the "
                "chosen characteristics. That way characteristics that do not predict the outcome cannot pull "
                "the comparison away from the units that do track the outcome.",
            )
        )
    if J < int(np.ceil(1 / alpha)) - 1 and k == 1:
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
    it_summary = (
        pd.DataFrame(
            in_time_summary,
            columns=["treated_unit", "fake_start", "pre_rmspe", "post_rmspe", "ratio", "mean_gap"],
        )
        if in_time_summary
        else None
    )
    if it_summary is not None and np.mean(it_summary["ratio"]) >= obs_ratio:
        fs = _fmt(float(it_summary["fake_start"].iloc[0]))
        warnings.append(
            Message(
                "in_time_placebo",
                f"Bij een nepstart in {fs}, vóór de echte start, vindt de methode een even groot verschil als na "
                "de echte start. Het verschil na de start is dus waarschijnlijk geen effect van de maatregel.",
                f"With a fake start in {fs}, before the real start, the method finds a difference as large as "
                "after the real start. The difference after the start is therefore probably not an effect of the "
                "measure.",
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
    has_spec = bool(v_rows)
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
        predictor_weights=pd.DataFrame(v_rows, columns=["treated_unit", "predictor", "v"]) if has_spec else None,
        gaps=gaps,
        placebos=pd.DataFrame(
            placebo_rows,
            columns=["unit", "treated_unit", "pre_rmspe", "post_rmspe", "ratio", "mean_post_gap"],
        ),
        pre_rmspe=float(np.sqrt(np.mean(np.square(pre_r)))),
        post_rmspe=float(np.sqrt(np.mean(np.square(post_r)))),
        rmspe_ratio=obs_ratio,
        n_donors=J,
        balance=pd.DataFrame(
            balance_rows, columns=["treated_unit", "predictor", "v", "treated", "synthetic", "donor_mean"]
        ),
        placebo_gaps=pd.DataFrame(pgap_rows, columns=["unit", "treated_unit", "time", "event_time", "gap"]),
        in_time=pd.DataFrame(
            in_time_rows, columns=["treated_unit", "time", "event_time", "treated", "synthetic", "gap"]
        )
        if in_time_rows
        else None,
        in_time_summary=it_summary,
        v_method=("user" if user_v is not None else "optimised") if has_spec else "identity",
        placebo_v=None if not placebos else ("refit" if placebo_refit_v and has_spec and user_v is None else "treated"),
        predictors=labels_used,
        fit_periods=fit_used,
        v_loss=float(np.mean(losses)),
        v_search=v_search if has_spec and user_v is None else None,
        leave_one_out=pd.DataFrame(
            loo_rows, columns=["treated_unit", "donor", "weight", "estimate", "pre_rmspe", "largest_donor"]
        )
        if leave_one_out
        else None,
        v_starts=pd.DataFrame(
            start_rows,
            columns=["treated_unit", "start", "loss", "pre_rmspe", "weight_shift", "estimate", "chosen"],
        )
        if start_rows
        else None,
    )
