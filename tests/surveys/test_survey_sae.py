"""Small-area estimates (Fay–Herriot EBLUP): agreement with samplics on its documented example (frozen fixture,
made by tests/surveys/fixtures/make_samplics_fh_fixture.py), behaviour on simulated data, and disclosure of the
model estimates on the demo survey.

Tolerance: both implementations solve the same Fisher-scoring equations in double precision with a relative
tolerance of 1e-12 on σ²_v, so variance, coefficients, EBLUPs and MSEs agree to 1e-8 (observed: 1e-13).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kansenmonitor.surveys import sae

FIXTURE = Path(__file__).parent / "fixtures" / "samplics_fh_milk.json"


@pytest.fixture(scope="module")
def milk():
    body = json.loads(FIXTURE.read_text(encoding="utf-8"))
    ma = np.array(body["major_area"])
    X = np.column_stack([np.ones(len(ma))] + [(ma == v).astype(float) for v in sorted(set(ma))[1:]])
    return body, np.array(body["direct_est"]), X, np.array(body["std_error"]) ** 2


@pytest.mark.parametrize("method", sae.METHODS)
def test_agrees_with_samplics_on_its_milk_example(milk, method):
    body, y, X, psi = milk
    ref = body["methods"][method]
    f = sae.fit_fh(y, X, psi, method)
    out = sae.eblup(f, y, X, psi)
    assert f.converged
    assert f.sigma2_v == pytest.approx(ref["sigma2_v"], abs=1e-8)
    assert np.allclose(f.beta, ref["beta"], atol=1e-8)
    assert np.allclose(out["estimate"], ref["estimate"], atol=1e-8)
    assert np.allclose(out["mse"], ref["mse"], atol=1e-8)


def test_fixture_matches_the_installed_samplics(milk):
    pytest.importorskip("samplics")
    import warnings

    from samplics.sae import EblupAreaModel
    from samplics.utils.types import FitMethod

    body, y, X, psi = milk
    warnings.simplefilter("ignore", FutureWarning)
    m = EblupAreaModel(method=FitMethod("REML"))
    m.fit(yhat=y, X=X[:, 1:], area=np.array(body["area"]), error_std=np.sqrt(psi), intercept=True, tol=1e-12,
          maxiter=500)
    assert m.re_std ** 2 == pytest.approx(body["methods"]["reml"]["sigma2_v"], abs=1e-10)


def _simulate(seed: int, m: int = 150, s2: float = 0.004):
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(m), rng.normal(size=m)])
    theta = X @ np.array([0.3, 0.05]) + rng.normal(scale=np.sqrt(s2), size=m)
    n = rng.integers(10, 200, size=m)
    psi = 0.21 / n
    y = theta + rng.normal(scale=np.sqrt(psi))
    return y, X, psi, theta, n


def test_eblup_beats_the_direct_estimate_and_its_mse_is_honest():
    err_direct, err_model, mse_mean = [], [], []
    for seed in range(20):
        y, X, psi, theta, _n = _simulate(seed)
        f = sae.fit_fh(y, X, psi)
        out = sae.eblup(f, y, X, psi)
        err_direct.append(np.mean((y - theta) ** 2))
        err_model.append(np.mean((out["estimate"] - theta) ** 2))
        mse_mean.append(np.mean(out["mse"]))
        assert np.all((out["gamma"] >= 0) & (out["gamma"] <= 1))
    assert np.mean(err_model) < 0.7 * np.mean(err_direct)
    # Prasad–Rao's MSE is on average close to the realised squared error (within 20 %)
    assert np.mean(mse_mean) == pytest.approx(np.mean(err_model), rel=0.2)


def test_no_area_variance_gives_the_regression_estimate():
    rng = np.random.default_rng(4)
    X = np.column_stack([np.ones(80), rng.normal(size=80)])
    psi = np.full(80, 0.01)
    y = X @ np.array([0.5, 0.1]) + rng.normal(scale=0.05, size=80)  # less spread than the sampling error
    f = sae.fit_fh(y, X, psi)
    assert f.sigma2_v == 0.0
    out = sae.eblup(f, y, X, psi)
    assert np.allclose(out["estimate"], X @ f.beta) and np.allclose(out["gamma"], 0)
    with pytest.raises(sae.SmallAreaError, match="methode"):
        sae.fit_fh(y, X, psi, "ols")
    with pytest.raises(sae.SmallAreaError, match="groter dan 0"):
        sae.fit_fh(y, X, np.zeros(80))


@pytest.fixture(scope="module")
def demo_sae(demo_monitor):
    from kansenmonitor.surveys import repository as repo

    w = repo.wave(demo_monitor)
    return w, {item: sae.small_area_shares(demo_monitor, w, item) for item in ("eenzaam", "koopwoning")}


def test_demo_model_estimates_follow_the_disclosure_rules(demo_monitor, demo_sae):
    """No model estimate under 10 respondents; for 10–29 only where the model weighs more than the buurt; never
    above 90 % on the sensitive side; direct values exactly as on the shares page (with their rules)."""
    from kansenmonitor.surveys import estimate
    from kansenmonitor.surveys import repository as repo

    w, results = demo_sae
    data = repo.microdata(demo_monitor, w)
    for item, res in results.items():
        assert res.converged and res.areas_in_model > 150
        it = w.codebook.item(item)
        direct = {r.area: r for r in estimate.shares(demo_monitor, w, item_ids=[item], levels=("buurt",))}
        n_by = data[data[item].notna()].groupby("area").size()
        shown = 0
        for r in res.rows:
            n = int(n_by.get(r.area, 0))
            assert r.respondents_band == ("<10" if n < 10 else "10-29" if n < 30 else "30+")
            d = direct[r.area]
            assert (r.direct, r.direct_lower, r.direct_respondents) == (d.share, d.lower, d.respondents)
            if r.model is None:
                assert r.model_lower is None and r.model_weight is None and r.model_reason
                continue
            shown += 1
            assert r.status == "modelschatting" and n >= 10
            if n < 30:
                assert r.model_weight <= 0.5 and r.direct is None
            assert r.model_lower <= r.model <= r.model_upper
            if it.sensitive in ("share", "both"):
                assert r.model <= 90
            if it.sensitive in ("rest", "both"):
                assert r.model >= 10
        assert shown > 150
        assert any(r.respondents_band == "<10" and r.model_reason == sae.WITHHELD_N for r in res.rows)
    # owning a home varies a lot between buurten: small buurten would be mostly their own respondents there
    assert any(r.model_reason == sae.WITHHELD_OWN for r in results["koopwoning"].rows)
    # model intervals are narrower than direct ones where both are shown
    rows = [r for r in results["eenzaam"].rows if r.direct is not None and r.model is not None]
    narrower = sum((r.model_upper - r.model_lower) < (r.direct_upper - r.direct_lower) for r in rows)
    assert narrower >= 0.9 * len(rows)


def test_cli_sae(demo_home, tmp_path):
    import shutil

    from typer.testing import CliRunner

    from kansenmonitor.cli import app

    home = tmp_path / "home"
    shutil.copytree(demo_home, home)

    def run(*args):
        return CliRunner().invoke(app, ["--home", str(home), "survey", "sae", *args])

    r = run("--vraag", "eenzaam", "--gemeente", "GM0164")
    assert r.exit_code == 0, r.output
    assert "modelschattingen per buurt" in r.output and "Fay–Herriot" in r.output and "Synthetische" in r.output
    body = json.loads(run("--vraag", "rondkomen", "--methode", "fh", "--json").output)
    assert body["synthetisch"] and "FH" in body["methode"] and body["buurten_in_model"] > 150
    assert all(x["model"] is None for x in body["schattingen"] if x["respondents_band"] == "<10")
    bad = run("--vraag", "geheim")
    assert bad.exit_code != 0 and "geheim" in bad.output and "eenzaam" in bad.output
    bad = run("--vraag", "eenzaam", "--methode", "ols")
    assert bad.exit_code != 0 and "methode" in bad.output
