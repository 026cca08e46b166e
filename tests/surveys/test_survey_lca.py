"""Latent class analysis: agreement with StepMix (frozen fixture and live), recovery of a known 7-class model,
FIML with missing answers, count items, and the bootstrap likelihood-ratio test."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kansenmonitor.surveys import lca

FIXTURE = Path(__file__).parent / "fixtures" / "stepmix_bakk_response.json"


@pytest.fixture(scope="module")
def bakk():
    body = json.loads(FIXTURE.read_text(encoding="utf-8"))
    X = np.array([[np.nan if v is None else v for v in row] for row in body["data"]], dtype=float)
    data = lca.prepare(X, [[0, 1]] * X.shape[1], [f"x{j}" for j in range(X.shape[1])])
    return body, X, data


def test_agrees_with_stepmix_from_the_same_start(bakk):
    body, _X, data = bakk
    p, ll, _it, conv = lca.em(data, lca.stepmix_start(data, 3, body["seed"]), max_iter=5000, tol=1e-10)
    assert conv
    assert ll == pytest.approx(body["loglik"], abs=1e-4)
    assert np.allclose(p.weights, body["weights"], atol=1e-4)
    assert np.allclose(p.probs, np.array(body["pis"]), atol=1e-4)


def test_best_of_many_starts_reaches_stepmix_best(bakk):
    body, _X, data = bakk
    f = lca.fit(data, 3, n_starts=20, seed=5, tol=1e-10, max_iter=5000)
    assert f.loglik >= body["best_of_20_loglik"] - 1e-6


def test_fixture_matches_the_installed_stepmix(bakk):
    pytest.importorskip("stepmix")
    from stepmix.stepmix import StepMix

    body, X, _data = bakk
    m = StepMix(n_components=3, measurement="categorical_nan", n_init=1, random_state=body["seed"], abs_tol=1e-10,
                max_iter=5000, progress_bar=0, verbose=0).fit(X)
    assert m.score(X) * len(X) == pytest.approx(body["loglik"], abs=1e-4)


def test_patterns_give_the_same_likelihood_as_respondents(bakk):
    _body, X, data = bakk
    assert len(data.freq) < data.n  # identical patterns were aggregated
    p = lca.random_start(data, 3, np.random.default_rng(0))
    # the same model evaluated respondent by respondent
    ll = 0.0
    for row in X:
        per_class = np.log(p.weights).copy()
        for j, v in enumerate(row):
            if not np.isnan(v):
                per_class += np.log(p.probs[:, 2 * j + int(v)])
        ll += np.log(np.exp(per_class).sum())
    assert lca.e_step(data, p)[1] == pytest.approx(ll, rel=1e-10)


def _seven_class_data(seed: int, n: int = 4000, items: int = 12, cats: int = 3, main: float = 0.85):
    rng = np.random.default_rng(seed)
    k = 7
    while True:  # class profiles that differ on at least half of the items
        modes = rng.integers(0, cats, size=(k, items))
        dist = (modes[:, None, :] != modes[None, :, :]).sum(axis=2)
        if dist[~np.eye(k, dtype=bool)].min() >= items // 2:
            break
    sizes = rng.dirichlet(np.full(k, 8.0))
    z = rng.choice(k, size=n, p=sizes)
    probs = np.full((k, items, cats), (1 - main) / (cats - 1))
    probs[np.arange(k)[:, None], np.arange(items)[None, :], modes] = main
    u = rng.random((n, items))
    X = (u[:, :, None] > np.cumsum(probs[z], axis=2)).sum(axis=2).astype(float)
    X[rng.random(X.shape) < 0.03] = np.nan
    return X, z


def test_recovers_a_known_seven_class_model():
    from sklearn.metrics import adjusted_rand_score

    chosen = []
    for rep in range(3):
        X, z = _seven_class_data(100 + rep)
        data = lca.prepare(X, [[0, 1, 2]] * X.shape[1], [f"v{j}" for j in range(X.shape[1])])
        fits = lca.enumerate_classes(data, [5, 6, 7, 8, 9], n_starts=6, seed=rep + 1, tol=1e-7, workers=1)
        stats = [lca.statistics(data, f) for f in fits]
        k = lca.choose_k(stats, "bic")
        chosen.append(k)
        best7 = next(f for f in fits if f.k == 7)
        ari = adjusted_rand_score(z, lca.posterior(data, best7.params).argmax(axis=1))
        assert ari >= 0.9, (rep, ari)
    assert sum(1 for k in chosen if k == 7) >= 2, chosen


def test_count_items_and_blrt():
    rng = np.random.default_rng(4)
    n = 1500
    z = rng.choice(2, size=n, p=[0.6, 0.4])
    cat = np.where(rng.random((n, 4)) < np.where(z[:, None] == 0, 0.8, 0.25), 1, 2).astype(float)
    cnt = rng.poisson(np.where(z == 0, 1.0, 5.0)).astype(float)[:, None]
    data = lca.prepare(cat, [[1, 2]] * 4, ["a", "b", "c", "d"], None, cnt, ["steun"])
    f1 = lca.fit(data, 1, n_starts=1)
    f2 = lca.fit(data, 2, n_starts=5)
    f3 = lca.fit(data, 3, n_starts=5)
    assert sorted(np.round(f2.params.rates[:, 0], 0)) == [1.0, 5.0]
    assert lca.n_parameters(data, 2) == 1 + 2 * 4 + 2
    assert lca.blrt(data, f1, f2, n_boot=9, n_starts=2)["p"] <= 0.1  # a real second class
    assert lca.blrt(data, f2, f3, n_boot=9, n_starts=2)["p"] > 0.1  # no third class
