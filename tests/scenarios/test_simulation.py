"""The arithmetic: simulation against the closed form, and coverage of the propagated interval."""

from __future__ import annotations

import numpy as np
import pytest

from kansenmonitor.scenarios.simulate import (
    EffectDistribution,
    Term,
    closed_form,
    draw_changes,
    noise_of_share,
    simulate,
    summarise,
)


def test_one_normal_measure_equals_closed_form():
    # 150 participants, effect -8 pp (sd 3) per participant, population 2400
    term = Term(150, EffectDistribution(-8.0, 3.0), 2400)
    exact = closed_form([term])
    assert exact.mean == pytest.approx(150 * -8.0 / 2400)
    assert exact.sd == pytest.approx(150 * 3.0 / 2400)
    assert exact.low == pytest.approx(exact.mean - 1.959963984540054 * exact.sd)
    n = 400_000
    sim = simulate([term], draws=n, seed=11)
    # Monte Carlo error: mean sd/sqrt(n); a 2.5% quantile about sd*sqrt(q(1-q))/(sqrt(n)*phi(z)) ≈ 2.7 sd/sqrt(n)
    mc = exact.sd / np.sqrt(n)
    assert abs(sim.mean - exact.mean) < 5 * mc
    assert abs(sim.low - exact.low) < 15 * mc
    assert abs(sim.high - exact.high) < 15 * mc
    assert sim.sd == pytest.approx(exact.sd, rel=0.01)


def test_same_seed_same_answer_and_several_measures_add():
    terms = [Term(100, EffectDistribution(-5, 2), 1000), Term(40, EffectDistribution(3, 1), 1000)]
    a, b = simulate(terms, 20_000, seed=3), simulate(terms, 20_000, seed=3)
    assert a == b
    exact = closed_form(terms)
    assert exact.mean == pytest.approx(0.1 * -5 + 0.04 * 3)
    assert exact.sd == pytest.approx(np.hypot(0.1 * 2, 0.04 * 1))
    big = simulate(terms, 300_000, seed=4)
    assert big.low == pytest.approx(exact.low, abs=0.01) and big.high == pytest.approx(exact.high, abs=0.01)


def test_interval_covers_the_truth_at_the_nominal_rate():
    """Simulated areas: a true effect per participant, a study that estimates it with known standard error;
    the scenario's 95% interval must contain the true change in about 95% of the areas."""
    rng = np.random.default_rng(2026)
    n_areas, hits = 2000, 0
    for i in range(n_areas):
        population = float(rng.integers(200, 8000))
        k = int(rng.integers(1, 4))
        truth, terms = 0.0, []
        for _ in range(k):
            reach = float(rng.integers(10, int(population * 0.3)))
            theta = rng.normal(-6, 4)
            se = rng.uniform(0.5, 5)
            estimate = rng.normal(theta, se)  # what the study reports
            truth += reach * theta / population
            terms.append(Term(reach, EffectDistribution(estimate, se), population))
        s = summarise(draw_changes(terms, 4000, seed=i))
        hits += s.low <= truth <= s.high
    rate = hits / n_areas
    # binomial 99.9% band around 0.95 for 2000 areas: ±0.016
    assert 0.934 <= rate <= 0.966, rate


def test_interval_from_low_high():
    d = EffectDistribution.from_interval(-10, -18, -2)
    assert d.sd == pytest.approx(8 / 1.959963984540054)


def test_noise_of_a_share_shrinks_with_population():
    assert noise_of_share(30, 60) > 10 * noise_of_share(30, 8000) / 2
    assert noise_of_share(30, 1000) == pytest.approx(1.96 * np.sqrt(2) * np.sqrt(0.21 / 1000) * 100, rel=1e-3)
