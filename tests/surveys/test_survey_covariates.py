"""Covariates of class membership, three-step with BCH and ML correction: agreement with StepMix from the same
measurement model, recovery of a known covariate effect, design weights, and disclosure of the published cells.

Tolerances. BCH: the step-3 problem is a concave weighted multinomial logit with one optimum; StepMix (given
enough Newton iterations through ``structural_params``) and we reach it to machine precision, so coefficients
agree to 1e-8. ML: StepMix takes one Newton step per EM iteration and stops when the average log-likelihood
changes by less than ``abs_tol``; along a flat direction (a covariate category where a class is almost empty)
its coefficients are still creeping when it stops (1e-3 on one such coefficient). What is identified, and
shown on the pages, agrees: the class probabilities per covariate value to 1e-4, and our log-likelihood is at
least StepMix's. Where no direction is flat (a numeric covariate) coefficients agree to 1e-4.
"""

from __future__ import annotations

import numpy as np
import pytest

from kansenmonitor.surveys import covariates as cv

stepmix = pytest.importorskip("stepmix")


@pytest.fixture(scope="module")
def bakk():
    from stepmix.datasets import data_bakk_covariate

    X, Y, _labels = data_bakk_covariate(n_samples=2000, sep_level=0.7, random_state=42)
    dummies = np.column_stack([(Y[:, 0] == v).astype(float) for v in (2, 3, 4, 5)])
    return X, {"dummies": dummies, "numeric": Y.astype(float)}


def _stepmix(X, Z, correction):
    from stepmix.stepmix import StepMix

    m = StepMix(n_components=3, measurement="bernoulli", structural="covariate", n_steps=3, correction=correction,
                n_init=1, random_state=7, abs_tol=1e-12, max_iter=10000, progress_bar=0, verbose=0,
                structural_params={"max_iter": 200, "tol": 1e-12})
    m.fit(X, Z)
    beta = m.get_parameters()["structural"]["beta"]
    return m.predict_proba_class(X), beta - beta[0]  # class 1 as the reference, as ours


@pytest.mark.parametrize("covariate", ["dummies", "numeric"])
def test_bch_agrees_with_stepmix(bakk, covariate):
    X, Zs = bakk
    Z = Zs[covariate]
    post, beta = _stepmix(X, Z, "BCH")
    g = cv.group(np.column_stack([np.ones(len(Z)), Z]), post.argmax(axis=1), np.ones(len(Z)))
    f = cv.fit_logit("bch", g, cv.classification_matrix(post), ref=0)
    assert f.converged
    assert np.abs(f.beta - beta).max() < 1e-8


@pytest.mark.parametrize("covariate", ["dummies", "numeric"])
def test_ml_agrees_with_stepmix(bakk, covariate):
    X, Zs = bakk
    Z = Zs[covariate]
    post, beta = _stepmix(X, Z, "ML")
    design = np.column_stack([np.ones(len(Z)), Z])
    g = cv.group(design, post.argmax(axis=1), np.ones(len(Z)))
    d = cv.classification_matrix(post)
    f = cv.fit_logit("ml", g, d, ref=0)
    assert f.converged
    ours, theirs = cv._probs(f.beta, g.z), cv._probs(beta, g.z)
    assert np.abs(ours - theirs).max() < 1e-4
    _, their_ll = cv._target("ml", g, theirs, d, np.linalg.pinv(d))
    assert f.loglik >= their_ll - 1e-9
    if covariate == "numeric":
        assert np.abs(f.beta - beta).max() < 1e-4


def test_classification_matrix_is_stepmix_s_for_unit_weights(bakk):
    from stepmix.corrections import compute_bch_matrix

    X, Zs = bakk
    post, _ = _stepmix(X, Zs["numeric"], "BCH")
    d_theirs, _ = compute_bch_matrix(post, "modal")
    assert np.allclose(cv.classification_matrix(post), d_theirs, atol=1e-12)
    assert np.allclose(cv.classification_matrix(post).sum(axis=1), 1.0)


def _simulated(seed: int, n: int = 6000):
    """Three classes, a categorical covariate with three values and a known effect; six binary items."""
    rng = np.random.default_rng(seed)
    z = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    beta = np.array([[0.0, 0.0, 0.0], [-0.5, 1.0, -0.8], [-1.0, 0.2, 1.5]])  # class × (const, z=1, z=2)
    design = np.column_stack([np.ones(n), z == 1, z == 2]).astype(float)
    pi = cv._probs(beta, design)
    cls = (rng.random(n)[:, None] > np.cumsum(pi, axis=1)).sum(axis=1)
    p_items = np.array([[0.85] * 6, [0.15] * 6, [0.85, 0.85, 0.85, 0.15, 0.15, 0.15]])
    x = (rng.random((n, 6)) < p_items[cls]).astype(float)
    # the true measurement model's posteriors (as from a step-1 fit)
    like = np.stack([np.prod(np.where(x == 1, p_items[k], 1 - p_items[k]), axis=1) for k in range(3)], axis=1)
    marg = np.bincount(cls, minlength=3) / n
    post = like * marg
    post /= post.sum(axis=1, keepdims=True)
    return z, beta, design, post


@pytest.mark.parametrize("kind", cv.CORRECTIONS)
def test_recovers_a_known_covariate_effect_with_honest_intervals(kind):
    """The corrected estimates lie within their 95 % interval of the truth in most replications; the naive
    three-step estimate (modal classes taken as known) is biased towards zero."""
    inside, naive_bias, corrected_bias = 0, [], []
    reps = 6
    for seed in range(reps):
        z, beta, design, post = _simulated(seed)
        g = cv.group(design, post.argmax(axis=1), np.ones(len(z)))
        f = cv.fit_logit(kind, g, cv.classification_matrix(post), ref=0)
        se = f.se()
        coef = f.beta[1:, 1:]
        inside += int(np.all(np.abs(coef - beta[1:, 1:]) < 1.96 * se[1:, 1:] * 1.5))
        corrected_bias.append(np.abs(coef - beta[1:, 1:]).mean())
        naive = cv.fit_logit("bch", g, np.eye(3), ref=0)  # D = I: no correction
        naive_bias.append(np.abs(naive.beta[1:, 1:] - beta[1:, 1:]).mean())
    assert inside >= reps - 1
    assert np.mean(corrected_bias) < 0.6 * np.mean(naive_bias)


def test_design_weights_count_like_repeated_respondents():
    z, _beta, design, post = _simulated(1, n=1500)
    w = np.where(np.arange(len(z)) % 3 == 0, 2.0, 1.0)
    rep = np.repeat(np.arange(len(z)), w.astype(int))
    for kind in cv.CORRECTIONS:
        a = cv.fit_logit(kind, cv.group(design, post.argmax(axis=1), w), cv.classification_matrix(post, w))
        b = cv.fit_logit(kind, cv.group(design[rep], post[rep].argmax(axis=1), np.ones(len(rep))),
                         cv.classification_matrix(post[rep]))
        assert np.allclose(a.beta, b.beta, atol=1e-8)


def test_published_cells_pass_the_thresholds_and_small_ones_carry_no_number():
    z, _beta, _design, post = _simulated(2, n=800)
    # a rare category: about 12 respondents, so its class cells are under 10
    rare = np.zeros(len(z), dtype=bool)
    rare[:12] = True
    values = np.where(rare, 9, z).astype(object)
    cov = cv.Covariate("groep", "Groep", [(0, "nul"), (1, "een"), (2, "twee"), (9, "zeldzaam")], values)
    res = cv.analyse(post, np.ones(len(z)), [cov], "ml")
    assigned = post.argmax(axis=1)
    seen_published = seen_withheld = 0
    for cat in res.covariates[0]["categories"]:
        rows = values == cat["code"]
        for cell in cat["classes"]:
            x = int((rows & (assigned == cell["class"] - 1)).sum())
            if cell["status"] == "published":
                seen_published += 1
                assert rows.sum() >= 30 and x >= 10 and rows.sum() - x >= 10
                assert cell["share"] <= 90
                if not cell["boundary"]:
                    assert cell["lower"] <= cell["share"] <= cell["upper"]
                if not cat["reference"] and cell["odds_ratio"] is not None:
                    assert cell["or_lower"] <= cell["odds_ratio"] <= cell["or_upper"]
            else:
                seen_withheld += 1
                assert cell["share"] is None and cell["odds_ratio"] is None and cell["respondents"] is None
                assert cell["reason"]
        if cat["code"] == 9:
            assert cat["respondents"] is None
            assert all(c["status"] == "suppressed" for c in cat["classes"])
    assert seen_published and seen_withheld
    for c in res.coefficients:
        if "zeldzaam" in c["term"]:
            assert c["estimate"] is None and c["se"] is None


def test_bad_covariate_and_correction_are_refused():
    _z, _beta, _design, post = _simulated(3, n=200)
    one = cv.Covariate("x", "X", [(1, "een"), (2, "twee")], np.ones(len(post), dtype=object))
    with pytest.raises(cv.CovariateError, match="correctie"):
        cv.analyse(post, np.ones(len(post)), [one], "naief")
    with pytest.raises(cv.CovariateError, match="kenmerk"):
        cv.analyse(post, np.ones(len(post)), [], "ml")


def test_demo_wave_covariates_recount_and_pass_disclosure(demo_monitor):
    """On the demo's saved model: every published cell recounts (from the microdata) to ≥ 30 respondents in the
    category and ≥ 10 assigned to the class and ≥ 10 outside it; BCH and ML tell the same story."""
    from kansenmonitor.surveys import classes
    from kansenmonitor.surveys import repository as repo

    r = classes.result(demo_monitor)
    w = repo.wave(demo_monitor, r.body["survey"], r.body["wave"])
    ids = cv.available(w.codebook)
    assert ids == ["leeftijd", "geslacht", "gemeente", "focusgebied"]
    ml = cv.class_covariates(demo_monitor, r, w, ids, "ml")
    bch = cv.class_covariates(demo_monitor, r, w, ids, "bch")
    assert ml.converged and bch.converged
    frame, post = classes.posteriors(demo_monitor, r, w)
    assigned = post.argmax(axis=1)
    covs = {c.id: c for c in cv.wave_covariates(demo_monitor, w, frame, ids)}
    published = 0
    for c_ml, c_bch in zip(ml.covariates, bch.covariates, strict=True):
        vals = covs[c_ml["id"]].values
        for cat_ml, cat_bch in zip(c_ml["categories"], c_bch["categories"], strict=True):
            rows = np.array([v == cat_ml["code"] for v in vals])
            for x, y in zip(cat_ml["classes"], cat_bch["classes"], strict=True):
                n_in = int((rows & (assigned == x["class"] - 1)).sum())
                assert x["status"] == y["status"]  # the same cells (disclosure is on counts, not on the model)
                if x["status"] == "published":
                    published += 1
                    assert rows.sum() >= 30 and n_in >= 10 and rows.sum() - n_in >= 10
                    if not (x["boundary"] or y["boundary"]):  # the two corrections agree within their intervals
                        half = (x["upper"] - x["lower"] + y["upper"] - y["lower"]) / 2
                        assert abs(x["share"] - y["share"]) <= half, (x, y)
                else:
                    assert x["share"] is None and x["odds_ratio"] is None
    assert published > 40
    # a coefficient without a finite optimum (BCH's negative weights can do that) is never published as a number
    for c in ml.coefficients + bch.coefficients:
        if c["status"] != "published":
            assert c["estimate"] is None and c["se"] is None
    with pytest.raises(cv.CovariateError, match="kenmerk 'inkomen'"):
        cv.class_covariates(demo_monitor, r, w, ["inkomen"])


def test_cli_lca_with_covariates(demo_home, tmp_path):
    import json
    import shutil

    from typer.testing import CliRunner

    from kansenmonitor.cli import app
    from kansenmonitor.monitor import Monitor
    from kansenmonitor.surveys import classes

    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    model = classes.result(Monitor.open(home)).id

    def run(*args):
        return CliRunner().invoke(app, ["--home", str(home), "survey", "lca", "--toepassen", model, *args])

    r = run("--covariaten", "leeftijd,geslacht")
    assert r.exit_code == 0, r.output
    assert "Wie zit in welke klasse" in r.output and "vergelijkingsgroep" in r.output and "OR " in r.output
    assert "Synthetische gegevens" in r.output
    body = json.loads(run("--covariaten", "leeftijd", "--correctie", "bch", "--json").output)
    assert body["covariaten"]["correction"] == "bch" and body["covariaten"]["covariates"][0]["id"] == "leeftijd"
    bad = run("--covariaten", "schoenmaat")
    assert bad.exit_code != 0 and "schoenmaat" in bad.output and "leeftijd" in bad.output
    bad = run("--covariaten", "leeftijd", "--correctie", "naief")
    assert bad.exit_code != 0 and "--correctie" in bad.output
