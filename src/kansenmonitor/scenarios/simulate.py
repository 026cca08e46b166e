"""The arithmetic of a scenario, with its uncertainty propagated by seeded simulation (pure numpy).

For measure *m* with reach :math:`r_m` (participants), an effect per participant :math:`e_m` in the outcome's
unit and the population :math:`N` the outcome is about, the expected change of the outcome in the area is

    change = Σ_m  r_m × e_m ÷ N

The effect is uncertain: :math:`e_m \\sim \\text{Normal}(\\mu_m, \\sigma_m)` with :math:`\\sigma_m` the stated
standard error, or (interval) ``(high − low) / (2 × 1.96)``. Measures are independent. One seeded standard
normal draw per measure and simulation gives the distribution of the change; the interval is the 2.5th and
97.5th percentile. :func:`closed_form` gives the same for normal effects without simulation (a sum of
independent normals is normal), which the tests hold the simulation to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054


@dataclass(frozen=True)
class EffectDistribution:
    """The effect of one measure per participant: normal with mean ``mean`` and sd ``sd``."""

    mean: float
    sd: float

    @classmethod
    def from_interval(cls, value: float, low: float, high: float) -> EffectDistribution:
        return cls(value, (high - low) / (2 * Z95))


@dataclass(frozen=True)
class Term:
    """One measure's part of a change: ``reach × effect ÷ population``."""

    reach: float
    effect: EffectDistribution
    population: float

    @property
    def factor(self) -> float:
        return self.reach / self.population


@dataclass(frozen=True)
class Summary:
    mean: float
    low: float
    high: float
    sd: float
    draws: int

    def to_dict(self) -> dict:
        return {"verwacht": self.mean, "laag": self.low, "hoog": self.high, "sd": self.sd, "trekkingen": self.draws}


def draw_changes(terms: list[Term], draws: int, seed: int) -> np.ndarray:
    """``draws`` simulated changes (sum over the terms); the same seed gives the same draws."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((draws, len(terms)))
    means = np.array([t.effect.mean for t in terms], dtype=float)
    sds = np.array([t.effect.sd for t in terms], dtype=float)
    factors = np.array([t.factor for t in terms], dtype=float)
    effects = means + z * sds
    return effects @ factors


def summarise(samples: np.ndarray, level: float = 0.95) -> Summary:
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(samples, [tail, 100 - tail])
    return Summary(float(np.mean(samples)), float(low), float(high), float(np.std(samples, ddof=1)), len(samples))


def simulate(terms: list[Term], draws: int = 10_000, seed: int = 1, level: float = 0.95) -> Summary:
    return summarise(draw_changes(terms, draws, seed), level)


def closed_form(terms: list[Term], level: float = 0.95) -> Summary:
    """Mean and interval of the change without simulation (normal effects, independent measures)."""
    from statistics import NormalDist

    mean = sum(t.factor * t.effect.mean for t in terms)
    sd = float(np.sqrt(sum((t.factor * t.effect.sd) ** 2 for t in terms)))
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    return Summary(mean, mean - z * sd, mean + z * sd, sd, 0)


def noise_of_share(share_pct: float, population: float) -> float:
    """Half-width (95%) of the chance difference between two years of a percentage in a population of
    ``population`` people: ``1.96 × √2 × √(p(1−p)/N) × 100`` (binomial). A change smaller than this cannot
    be told apart from chance when the indicator is measured again."""
    p = min(max(share_pct / 100.0, 0.0), 1.0)
    if population <= 0:
        return float("inf")
    return float(Z95 * np.sqrt(2.0) * np.sqrt(p * (1 - p) / population) * 100.0)
