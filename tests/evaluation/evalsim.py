"""Simulated panels with a known injected effect, shared by the evaluation tests, fixtures and benchmark."""

from __future__ import annotations

import numpy as np
import pandas as pd


def staggered_panel(
    rng: np.random.Generator,
    n: int = 200,
    T: int = 8,
    cohorts: tuple[int, ...] = (3, 5, 6),
    p_never: float = 0.3,
    effect: float = 1.0,
    dynamic: float = 0.5,
    pretrend: float = 0.0,
    ar: float = 0.0,
    start_year: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outcome matrix (n x T), first treated period index per unit (inf = never) and true effect matrix.

    Effects are heterogeneous: cohort g gets effect * (1 + 0.5 * rank) plus ``dynamic`` per period since the
    start. ``pretrend`` adds a linear trend to treated units before and after the start (violates parallel
    trends). ``ar`` gives AR(1) errors. Period index 0 corresponds to ``start_year``.
    """
    k = len(cohorts)
    probs = np.r_[np.full(k, (1 - p_never) / k), p_never]
    choice = rng.choice(k + 1, size=n, p=probs)
    g = np.array([*cohorts, np.inf], dtype=float)[choice]
    unit = rng.normal(size=n)[:, None]
    period = np.cumsum(rng.normal(scale=0.5, size=T))[None, :]
    eps = rng.normal(size=(n, T))
    if ar:
        for t in range(1, T):
            eps[:, t] = ar * eps[:, t - 1] + np.sqrt(1 - ar**2) * eps[:, t]
    tt = np.arange(T)[None, :]
    treated = np.isfinite(g)[:, None]
    rank = np.where(np.isfinite(g), np.searchsorted(np.array(cohorts), np.where(np.isfinite(g), g, 0)), 0)[
        :, None
    ]
    since = tt - np.where(np.isfinite(g), g, 0)[:, None]
    tau = np.where(treated & (since >= 0), effect * (1 + 0.5 * rank) + dynamic * since, 0.0)
    y = unit + period + eps + tau + pretrend * treated * tt
    return y, g, tau


def to_frame(y: np.ndarray, g: np.ndarray, start_year: int = 1, unit_prefix: str = "") -> pd.DataFrame:
    """Long frame with columns unit, year, y, start (first treated year; 0 = never)."""
    n, T = y.shape
    start = np.where(np.isfinite(g), g + start_year, 0).astype(int)
    return pd.DataFrame(
        {
            "unit": np.repeat([f"{unit_prefix}{i:05d}" for i in range(n)], T),
            "year": np.tile(np.arange(T) + start_year, n),
            "y": y.ravel(),
            "start": np.repeat(start, T),
        }
    )


def factor_panel(
    rng: np.random.Generator,
    n_donors: int = 30,
    T: int = 20,
    T0: int = 12,
    effect: float = 0.0,
    noise: float = 0.3,
) -> np.ndarray:
    """Interactive fixed-effects panel for synthetic control; row 0 is the treated unit (effect from T0)."""
    f = rng.normal(size=(T, 3)).cumsum(axis=0)
    lam = rng.uniform(0.5, 1.5, size=(n_donors + 1, 3))
    lam[0] = lam[1:6].mean(axis=0)  # the treated unit lies inside the donors' convex hull
    y = 10 + lam @ f.T + rng.normal(scale=noise, size=(n_donors + 1, T))
    y[0, T0:] += effect
    return y


def wide_to_frame(y: np.ndarray, T0: int, n_treated: int = 1, start_year: int = 2000) -> pd.DataFrame:
    n, T = y.shape
    start = np.where(np.arange(n) < n_treated, start_year + T0, 0)
    return pd.DataFrame(
        {
            "unit": np.repeat([f"u{i:03d}" for i in range(n)], T),
            "year": np.tile(np.arange(T) + start_year, n),
            "y": y.ravel(),
            "start": np.repeat(start, T),
        }
    )
