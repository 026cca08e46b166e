"""Covariates of latent class membership: the bias-corrected three-step approach (BCH and ML), as StepMix does.

Step 1 is the saved measurement model (:mod:`.classes`). Step 2 assigns every respondent to the class with the
highest posterior probability (modal assignment) and computes the classification-error matrix
D[c, s] = P(assigned s | true class c) = Σ_i w_i r_ic m_is / Σ_i w_i r_ic (r: posteriors, m: modal one-hot,
w: design weights; StepMix's ``compute_bch_matrix`` is the unweighted case). Step 3 relates class membership to
covariates z by a multinomial logit π_k(z) = exp(z β_k) / Σ_j exp(z β_j) with β of a reference class fixed at 0:

- **BCH** (Vermunt 2010; Bakk, Tekle & Vermunt 2013): each respondent gets the weights m_i D⁻¹ (rows sum to one,
  some negative) and the logit is fitted to them (weighted multinomial pseudo-likelihood; concave).
- **ML** (Vermunt 2010; Bakk et al. 2013): maximise Σ_i w_i log Σ_c D[c, s_i] π_c(z_i), the likelihood of the
  assigned class with D fixed.

Both are solved here by Newton's method to convergence (StepMix takes one Newton step per EM iteration; the
optimum is the same). Identical (covariate pattern, assigned class) rows are aggregated. Standard errors are
robust (sandwich, A⁻¹BA⁻¹ with the observed information A and the outer product of respondent scores B), which
also covers design weights and the negative BCH weights; they treat D and the measurement model as known, so
the intervals do not include the uncertainty of step 1 (as in StepMix's analytic output; state it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.special import softmax

from ..core.errors import KansenmonitorError
from . import disclosure as dc
from .estimate import Z95

CORRECTIONS = ("bch", "ml")
BOUND = 20.0  # |coefficient| above this: on the boundary of the parameter space (odds ratio beyond e^20)
BOUNDARY = 0.005  # a model share under 0.5 % (or over 99.5 %): on the edge, no interval or odds ratio


class CovariateError(KansenmonitorError, ValueError):
    """A covariate that cannot be used (unknown, not categorical, or one category only)."""


def classification_matrix(post: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """D[c, s] = P(modal class s | class c), from posteriors (N × K) and design weights."""
    n, k = post.shape
    w = np.ones(n) if weights is None else np.asarray(weights, float)
    modal = np.zeros_like(post)
    modal[np.arange(n), post.argmax(axis=1)] = 1.0
    num = (post * w[:, None]).T @ modal
    return num / np.maximum(num.sum(axis=1, keepdims=True), 1e-300)


@dataclass
class Groups:
    """Distinct (covariate row, assigned class) combinations with the sums of weights and squared weights."""

    z: np.ndarray  # G × P design (intercept first)
    s: np.ndarray  # G: assigned class
    w: np.ndarray  # G: Σ w
    w2: np.ndarray  # G: Σ w²
    n: np.ndarray  # G: respondents


def group(design: np.ndarray, assigned: np.ndarray, weights: np.ndarray) -> Groups:
    key = np.column_stack([design, assigned])
    uniq, inv = np.unique(key, axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    g = len(uniq)
    return Groups(uniq[:, :-1], uniq[:, -1].astype(int), np.bincount(inv, weights=weights, minlength=g),
                  np.bincount(inv, weights=weights * weights, minlength=g), np.bincount(inv, minlength=g))


@dataclass
class LogitFit:
    beta: np.ndarray  # K × P (row ``ref`` is zero)
    cov: np.ndarray  # (K−1)P × (K−1)P robust covariance of the free coefficients (classes ≠ ref, row-major)
    loglik: float
    iterations: int
    converged: bool
    ref: int
    free: list[int] = field(default_factory=list)  # classes with free coefficients, in order

    def se(self) -> np.ndarray:
        """K × P standard errors (0 for the reference class)."""
        k, p = self.beta.shape
        out = np.zeros((k, p))
        d = np.sqrt(np.clip(np.diag(self.cov), 0, None)).reshape(len(self.free), p)
        out[self.free] = d
        return out


def _probs(beta: np.ndarray, z: np.ndarray) -> np.ndarray:
    return softmax(z @ beta.T, axis=1)


def _target(kind: str, g: Groups, pi: np.ndarray, d: np.ndarray, d_inv: np.ndarray) -> tuple[np.ndarray, float]:
    """The 'responses' whose difference with π gives the score, and the objective."""
    if kind == "bch":
        r = d_inv[g.s]
        return r, float(g.w @ (r * np.log(np.clip(pi, 1e-300, None))).sum(axis=1))
    lik = d[:, g.s].T * pi  # G × K
    tot = lik.sum(axis=1)
    return lik / tot[:, None], float(g.w @ np.log(np.clip(tot, 1e-300, None)))


def _info(kind: str, g: Groups, pi: np.ndarray, q: np.ndarray, free: list[int]) -> np.ndarray:
    """Observed information of the free coefficients (−Hessian)."""
    p = g.z.shape[1]
    m = len(free)
    a = np.zeros((m * p, m * p))
    for ia, ka in enumerate(free):
        for ib, kb in enumerate(free):
            c = (pi[:, ka] * ((ka == kb) - pi[:, kb]))
            if kind == "ml":  # Louis: complete-data information minus the missing information
                c = c - q[:, ka] * ((ka == kb) - q[:, kb])
            a[ia * p:(ia + 1) * p, ib * p:(ib + 1) * p] = (g.z * (g.w * c)[:, None]).T @ g.z
    return a


def fit_logit(kind: str, g: Groups, d: np.ndarray, ref: int = 0, max_iter: int = 200,
              tol: float = 1e-10) -> LogitFit:
    """Newton's method (with step halving; where the ML information is not positive definite, the absolute eigenvalues of the information) to the maximum of the BCH or ML step-3 objective."""
    if kind not in CORRECTIONS:
        raise ValueError(f"correctie '{kind}' kan niet; kies bch of ml")
    k = d.shape[0]
    p = g.z.shape[1]
    free = [c for c in range(k) if c != ref]
    d_inv = np.linalg.pinv(d)
    beta = np.zeros((k, p))
    pi = _probs(beta, g.z)
    q, obj = _target(kind, g, pi, d, d_inv)
    scale = max(float(g.w.sum()), 1.0)
    converged = False
    iterations = 0
    for it in range(1, max_iter + 1):
        iterations = it
        grad = ((q - pi)[:, free] * g.w[:, None]).T @ g.z  # (K−1) × P
        # a coefficient running off to infinity (no finite optimum: with BCH's negative weights a class can be
        # 'emptier than empty' in a category) is on the boundary; the others must converge
        inner = np.abs(beta[free]) <= BOUND
        if not inner.any() or np.max(np.abs(grad[inner])) / scale < tol:
            converged = True
            break
        a = _info(kind, g, pi, q, free)
        idx = np.flatnonzero(inner.reshape(-1))  # boundary coefficients stay where they are
        sub = a[np.ix_(idx, idx)]
        vals, vecs = np.linalg.eigh(sub)
        if vals.min() <= 1e-10 * max(vals.max(), 1.0):
            # not concave here (ML objective away from the optimum): modified Newton on |eigenvalues|
            vals = np.maximum(np.abs(vals), 1e-8 * max(np.abs(vals).max(), 1.0))
        flat = np.zeros(len(free) * p)
        flat[idx] = vecs @ ((vecs.T @ grad.reshape(-1)[idx]) / vals)
        step = flat.reshape(len(free), p)
        t = 1.0
        while True:
            cand = beta.copy()
            cand[free] = np.clip(cand[free] + t * step, -BOUND - 1, BOUND + 1)
            pi_c = _probs(cand, g.z)
            q_c, obj_c = _target(kind, g, pi_c, d, d_inv)
            if obj_c >= obj - 1e-12 * abs(obj) or t < 1e-8:
                break
            t /= 2
        beta, pi, q, obj = cand, pi_c, q_c, obj_c
    a = _info(kind, g, pi, q, free)
    u = (q - pi)[:, free]  # G × (K−1): score per respondent of each group is u ⊗ z
    scores = (u[:, :, None] * g.z[:, None, :]).reshape(len(g.w), -1)
    b = (scores * g.w2[:, None]).T @ scores
    a_inv = np.linalg.pinv(a)
    return LogitFit(beta, a_inv @ b @ a_inv, obj, iterations, converged, ref, free)


# ------------------------------------------------------------------------------------------------ applied to a wave

@dataclass
class Covariate:
    id: str
    label: str
    categories: list[tuple[int | str, str]]  # (code, label), reference first
    values: np.ndarray  # N (object or float; NaN / None = missing)


def design(covs: list[Covariate]) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
    """Intercept plus one dummy per non-reference category; rows with a missing covariate are dropped (mask).
    Returns the design, the mask and, per dummy column, (covariate index, category index)."""
    n = len(covs[0].values)
    ok = np.ones(n, dtype=bool)
    cols = [np.ones(n)]
    which: list[tuple[int, int]] = [(-1, -1)]
    for ci, c in enumerate(covs):
        codes = [code for code, _ in c.categories]
        known = np.array([v in codes for v in c.values])
        ok &= known
        for j, code in enumerate(codes[1:], start=1):
            cols.append(np.array([v == code for v in c.values], dtype=float))
            which.append((ci, j))
    return np.column_stack(cols)[ok], ok, which


@dataclass
class CovariateResult:
    correction: str
    reference_class: int  # 1-based
    covariates: list[dict]  # per covariate: id, label, reference, categories (with per-class cells)
    respondents: int
    converged: bool
    coefficients: list[dict]  # the logit (class vs reference class), for the API and CLI


def _marginal(beta: np.ndarray, free: list[int], z: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean of π(z_i) over rows (K) and its Jacobian with respect to the free coefficients (K × m·P)."""
    pi = _probs(beta, z)
    wn = w / w.sum()
    mean = wn @ pi
    k, p = beta.shape
    jac = np.zeros((k, len(free) * p))
    for ia, ka in enumerate(free):
        for kk in range(k):
            c = pi[:, kk] * ((kk == ka) - pi[:, ka])
            jac[kk, ia * p:(ia + 1) * p] = (wn * c) @ z
    return mean, jac


def analyse(post: np.ndarray, weights: np.ndarray, covs: list[Covariate], correction: str = "ml",
            rules: dc.Rules = dc.DEFAULT_RULES, lang: str = "nl") -> CovariateResult:
    """The bias-corrected three-step model of class membership on ``covs``, with per category and class: the
    number of respondents assigned (for disclosure), the model share with a 95 % interval and the odds ratio of
    being in the class (rather than another) against the reference category. Cells whose category × class count
    or its complement is under the thresholds carry no numbers, only the reason."""
    correction = correction.lower()
    if correction not in CORRECTIONS:
        raise CovariateError(f"correctie '{correction}' kan niet; kies bch of ml")
    if not covs:
        raise CovariateError("kies minstens één kenmerk (covariaat)")
    z, ok, which = design(covs)
    if ok.sum() < rules.min_area_n:
        raise CovariateError("te weinig respondenten met een bekende waarde voor deze kenmerken")
    post_ok, w_ok = post[ok], np.asarray(weights, float)[ok]
    w_ok = w_ok * len(w_ok) / w_ok.sum()
    d = classification_matrix(post_ok, w_ok)
    assigned = post_ok.argmax(axis=1)
    k = post.shape[1]
    # reference class: the largest by assignment (stable estimates); classes are numbered from 1 on pages
    ref = int(np.argmax(np.bincount(assigned, weights=w_ok, minlength=k)))
    g = group(z, assigned, w_ok)
    fit = fit_logit(correction, g, d, ref)
    se = fit.se()
    out_covs = []
    for c in covs:
        codes = [code for code, _ in c.categories]
        vals = c.values[ok]
        cats = []
        per = []
        for code in codes:
            rows = np.array([v == code for v in vals])
            mean, jac = _marginal(fit.beta, fit.free, z[rows], w_ok[rows]) if rows.any() else (None, None)
            per.append((rows, mean, jac))
        ref_rows, ref_mean, ref_jac = per[0]
        for j, (code, label) in enumerate(c.categories):
            rows, mean, jac = per[j]
            n_cat = int(rows.sum())
            cells = []
            for cls in range(k):
                member = rows & (assigned == cls)
                cell = dc.Cell(n_cat, int(member.sum()), float(w_ok[rows].sum()), float(w_ok[member].sum()))
                reason = dc.primary(cell, rules, dc.SENSITIVE_SHARE)
                if reason is None and j > 0:
                    rc = dc.Cell(int(ref_rows.sum()), int((ref_rows & (assigned == cls)).sum()),
                                 float(w_ok[ref_rows].sum()), float(w_ok[ref_rows & (assigned == cls)].sum()))
                    if dc.primary(rc, rules, dc.SENSITIVE_SHARE) is not None:
                        reason = ("de vergelijkingsgroep heeft te weinig respondenten" if lang == "nl" else
                                  "the reference group has too few respondents")
                row = {"class": cls + 1, "status": "published" if reason is None else "suppressed",
                       "reason": (dc.REASONS_EN.get(reason, reason) if lang == "en" else reason) if reason else None,
                       "share": None, "lower": None, "upper": None, "odds_ratio": None, "or_lower": None,
                       "or_upper": None, "respondents": None, "boundary": None}
                if reason is None:
                    var = float(jac[cls] @ fit.cov @ jac[cls])
                    m = float(mean[cls])
                    mr = float(ref_mean[cls])
                    row.update(share=round(100 * m, 1), respondents=n_cat, boundary=False)
                    if min(m, 1 - m) < BOUNDARY:
                        # at the edge of the parameter space the delta method gives no honest interval
                        row.update(boundary=True)
                    else:
                        half = Z95 * math.sqrt(max(var, 0.0))
                        row.update(lower=round(100 * max(0.0, m - half), 1), upper=round(100 * min(1.0, m + half), 1))
                        if j > 0 and min(mr, 1 - mr) >= BOUNDARY:
                            # log OR = logit(m) − logit(m_ref); delta method on both marginal shares
                            gvec = jac[cls] / (m * (1 - m)) - ref_jac[cls] / (mr * (1 - mr))
                            lv = float(gvec @ fit.cov @ gvec)
                            lor = math.log(m / (1 - m)) - math.log(mr / (1 - mr))
                            h = Z95 * math.sqrt(max(lv, 0.0))
                            row.update(odds_ratio=round(math.exp(lor), 2), or_lower=round(math.exp(lor - h), 2),
                                       or_upper=round(math.exp(lor + h), 2))
                cells.append(row)
            cats.append({"code": code, "label": label, "reference": j == 0, "respondents": n_cat
                         if n_cat >= rules.min_area_n else None, "classes": cells})
        out_covs.append({"id": c.id, "label": c.label, "reference": c.categories[0][1], "categories": cats})
    # the logit's coefficients (class against the reference class), only where the four cells behind them pass
    coefs = []
    for col, (ci, j) in enumerate(which):
        for c in range(k):
            if c == ref:
                continue
            if ci < 0:
                name = "constante" if lang == "nl" else "intercept"
                shown = all(dc.primary(_cell(cv, assigned, w_ok, ok, 0, cc), rules, dc.SENSITIVE_SHARE) is None
                            for cv in covs for cc in (c, ref))
            else:
                name = f"{covs[ci].id}: {covs[ci].categories[j][1]}"
                shown = all(dc.primary(_cell(covs[ci], assigned, w_ok, ok, jj, cc), rules, dc.SENSITIVE_SHARE) is None
                            for jj in (0, j) for cc in (c, ref))
            edge = abs(float(fit.beta[c, col])) > BOUND
            shown = shown and not edge
            coefs.append({"class": c + 1, "term": name, "estimate": round(float(fit.beta[c, col]), 4) if shown
                          else None, "se": round(float(se[c, col]), 4) if shown else None,
                          "status": "published" if shown else ("boundary" if edge else "suppressed")})
    return CovariateResult(correction, ref + 1, out_covs, int(ok.sum()), fit.converged, coefs)


def _cell(c: Covariate, assigned: np.ndarray, w: np.ndarray, ok: np.ndarray, j: int, cls: int) -> dc.Cell:
    rows = np.array([v == c.categories[j][0] for v in c.values[ok]])
    member = rows & (assigned == cls)
    return dc.Cell(int(rows.sum()), int(member.sum()), float(w[rows].sum()), float(w[member].sum()))



# ------------------------------------------------------------------------------------------------- from the store

DERIVED = {"gemeente": ("Gemeente", "Municipality"), "focusgebied": ("Woont in een focusgebied", "Lives in a focus area")}


def available(cb) -> list[str]:
    """Covariates that can be used: the codebook's categorical background items, and the respondent's gemeente
    and whether they live in a focus area (derived from their area)."""
    return [it.id for it in cb.items if it.type == "categorical" and it.capital == "achtergrond"] + list(DERIVED)


def wave_covariates(monitor, w, frame, ids: list[str], lang: str = "nl") -> list[Covariate]:
    """Covariates of a wave's respondents; the reference category is the largest (weighted)."""
    from .classes import focus_targets
    from .estimate import survey_areas

    cb = w.codebook
    known = available(cb)
    wt = frame["weight"].to_numpy(float)
    out = []
    for cid in ids:
        if cid not in known:
            raise CovariateError(f"kenmerk '{cid}' kan niet als covariaat; kies uit {', '.join(known)}")
        if cid == "gemeente":
            areas = survey_areas(monitor, w)
            gem = {a: info.gemeente for a, info in areas.items() if info.level == w.area_level}
            values = frame["area"].map(gem).to_numpy(object)
            names = {g: areas[g].name if g in areas else g for g in set(gem.values()) if g}
            cats = [(g, names[g]) for g in sorted(names)]
        elif cid == "focusgebied":
            targets = focus_targets(monitor, w)
            inside = set().union(*targets.values()) if targets else set()
            values = np.where(frame["area"].isin(inside).to_numpy(), 1, 2).astype(object)
            cats = [(1, "ja" if lang == "nl" else "yes"), (2, "nee" if lang == "nl" else "no")]
        else:
            it = cb.item(cid)
            raw = frame[cid].to_numpy(float)
            values = np.array([int(v) if not np.isnan(v) else None for v in raw], dtype=object)
            cats = [(code, it.category_label(code, lang)) for code in sorted(it.categories)]
        totals = [float(wt[np.array([v == code for v in values])].sum()) for code, _ in cats]
        cats = [c for c, tot in zip(cats, totals, strict=True) if tot > 0]
        if len(cats) < 2:
            raise CovariateError(f"kenmerk '{cid}' heeft maar één waarde onder de respondenten")
        totals = [tot for tot in totals if tot > 0]
        first = int(np.argmax(totals))
        cats = [cats[first]] + [c for i, c in enumerate(cats) if i != first]
        label = DERIVED[cid][1 if lang == "en" else 0] if cid in DERIVED else cb.item(cid).label(lang)
        out.append(Covariate(cid, label, cats, values))
    return out


def class_covariates(monitor, r, w, ids: list[str], correction: str = "ml", lang: str = "nl",
                     rules: dc.Rules = dc.DEFAULT_RULES) -> CovariateResult:
    """Covariates of membership of a saved class model's classes in a wave (the model is applied, not refitted)."""
    from .classes import posteriors

    frame, post = posteriors(monitor, r, w)
    covs = wave_covariates(monitor, w, frame, ids, lang)
    return analyse(post, frame["weight"].to_numpy(float), covs, correction, rules, lang)
