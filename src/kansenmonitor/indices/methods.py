"""The method steps of a composite index as pure NumPy functions.

Every function works on a matrix ``X`` of regions (rows) × indicators (columns) of one reference
population, with ``NaN`` for a missing value. Missing values stay ``NaN`` unless an imputation step
fills them on purpose; nothing here turns a missing value into zero.
Values are *oriented* before they arrive here: higher always means more need.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.stats import rankdata

from .messages import msg

IMD_CONSTANT = 23.0  # English IMD: X = -23 ln(1 - R (1 - exp(-100/23)))


def _nan_stats(X: np.ndarray):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(X, axis=0), np.nanstd(X, axis=0)


def winsorise(X: np.ndarray, rule: str, lower: float = 5.0, upper: float = 95.0, k: float = 3.0) -> np.ndarray:
    """Clamp each column to reference percentiles (``percentile``) or mean ± k·SD (``sd``, population SD)."""
    if rule == "none":
        return X
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if rule == "percentile":
            lo = np.nanpercentile(X, lower, axis=0)
            hi = np.nanpercentile(X, upper, axis=0)
        elif rule == "sd":
            mean, sd = _nan_stats(X)
            lo, hi = mean - k * sd, mean + k * sd
        else:
            raise ValueError(f"onbekende uitschieterregel '{rule}'")
    return np.clip(X, lo, hi)  # NaN stays NaN


def impute_reference_mean(X: np.ndarray) -> np.ndarray:
    """Fill a missing value with the mean of that indicator over the reference population."""
    mean, _ = _nan_stats(X)
    return np.where(np.isnan(X), mean[None, :], X)


def impute_theme_mean(Z: np.ndarray, theme_of: np.ndarray, n_themes: int) -> np.ndarray:
    """Fill a missing normalised value with the mean of the region's observed values in the same theme."""
    out = Z.copy()
    for m in range(n_themes):
        cols = np.flatnonzero(theme_of == m)
        block = Z[:, cols]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            row_mean = np.nanmean(block, axis=1)
        out[:, cols] = np.where(np.isnan(block), row_mean[:, None], block)
    return out


def percentile_rank(X: np.ndarray) -> np.ndarray:
    """(number below + half the number equal) / n, per column over the non-missing values; in (0, 1)."""
    out = np.full(X.shape, np.nan)
    for j in range(X.shape[1]):
        ok = ~np.isnan(X[:, j])
        n = ok.sum()
        if n:
            out[ok, j] = (rankdata(X[ok, j], method="average") - 0.5) / n
    return out


def normalise(X: np.ndarray, method: str, reference_values: np.ndarray | None = None) -> tuple[np.ndarray, list[str]]:
    """Normalise each column over the reference population. Returns the matrix and notes."""
    notes: list[str] = []
    if method == "rank":
        return percentile_rank(X), notes
    mean, sd = _nan_stats(X)
    if method == "zscore":
        safe = np.where(sd > 0, sd, 1.0)
        Z = (X - mean) / safe
        if np.any(sd == 0):
            notes.append(msg("note.zero_spread"))
        return Z, notes
    if method == "minmax":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lo, hi = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
        span = hi - lo
        Z = np.where(span > 0, (X - lo) / np.where(span > 0, span, 1.0), 0.5)
        Z = np.where(np.isnan(X), np.nan, Z)
        return Z, notes
    if method == "distance_to_reference":
        ref = mean if reference_values is None else np.where(np.isnan(reference_values), mean, reference_values)
        if reference_values is None:
            notes.append(msg("note.distance_mean"))
        elif np.any(np.isnan(reference_values)):
            notes.append(msg("note.distance_fallback"))
        denom = np.abs(ref)
        Z = np.where(denom > 0, (X - ref) / np.where(denom > 0, denom, 1.0), np.nan)
        if np.any(denom == 0):
            notes.append(msg("note.distance_zero"))
        return Z, notes
    raise ValueError(f"onbekende normalisatie '{method}'")


def rescale_positive(A: np.ndarray) -> np.ndarray:
    """Min-max each column to [1, 100] over its non-missing values (needed before a geometric mean)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, hi = np.nanmin(A, axis=0), np.nanmax(A, axis=0)
    span = hi - lo
    out = np.where(span > 0, 1.0 + 99.0 * (A - lo) / np.where(span > 0, span, 1.0), 50.5)
    return np.where(np.isnan(A), np.nan, out)


def pca_weights(Z: np.ndarray, theme_of: np.ndarray, n_themes: int) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Within-theme weights from the first principal component of the correlation matrix (complete cases):
    weight ∝ squared loading, summing to 1 per theme (OECD/JRC handbook). A theme with one indicator, or too
    few complete rows, gets equal weights. Returns the weights and the loadings per theme."""
    w = np.ones(Z.shape[1])
    loadings: dict[int, np.ndarray] = {}
    for m in range(n_themes):
        cols = np.flatnonzero(theme_of == m)
        if len(cols) < 2:
            w[cols] = 1.0
            continue
        block = Z[:, cols]
        block = block[~np.isnan(block).any(axis=1)]
        if block.shape[0] < len(cols) + 2 or np.any(block.std(axis=0) == 0):
            w[cols] = 1.0 / len(cols)
            continue
        corr = np.corrcoef(block, rowvar=False)
        vals, vecs = np.linalg.eigh(corr)
        v = vecs[:, -1] * np.sqrt(max(vals[-1], 0.0))
        if v.sum() < 0:
            v = -v
        loadings[m] = v
        sq = v**2
        w[cols] = sq / sq.sum()
    return w, loadings


def within_theme(Z: np.ndarray, theme_of: np.ndarray, n_themes: int, weights: np.ndarray, method: str) -> np.ndarray:
    """Theme scores: weighted arithmetic or geometric mean over the *available* indicators of each theme
    (weights renormalised per region). A region without any value in a theme gets NaN for it."""
    V = rescale_positive(Z) if method == "geometric" else Z
    T = np.full((Z.shape[0], n_themes), np.nan)
    for m in range(n_themes):
        cols = np.flatnonzero(theme_of == m)
        block = V[:, cols]
        ok = ~np.isnan(block)
        w = np.where(ok, weights[cols][None, :], 0.0)
        wsum = w.sum(axis=1)
        has = wsum > 0
        if method == "geometric":
            val = (w * np.log(np.where(ok, block, 1.0))).sum(axis=1)
            T[has, m] = np.exp(val[has] / wsum[has])
        elif method == "arithmetic":
            val = (w * np.where(ok, block, 0.0)).sum(axis=1)
            T[has, m] = val[has] / wsum[has]
        else:
            raise ValueError(f"onbekende aggregatie binnen een thema '{method}'")
    return T


def imd_exponential(T: np.ndarray) -> np.ndarray:
    """English IMD transform per column: rank (1 = least need) → R = rank / n → -23 ln(1 - R(1 - e^(-100/23)))."""
    out = np.full(T.shape, np.nan)
    c = 1.0 - np.exp(-100.0 / IMD_CONSTANT)
    for j in range(T.shape[1]):
        ok = ~np.isnan(T[:, j])
        n = ok.sum()
        if n:
            R = rankdata(T[ok, j], method="average") / n
            out[ok, j] = -IMD_CONSTANT * np.log(1.0 - R * c)
    return out


def across_themes_rows(T: np.ndarray, W: np.ndarray, method: str, out: np.ndarray | None = None,
                       rows: np.ndarray | None = None) -> np.ndarray:
    """As :func:`across_themes`, but draws × regions: one contiguous dot product per draw, written into
    ``out[rows[i]]`` when given (no temporary block)."""
    if method == "arithmetic":
        V = T
    elif method == "geometric":
        V = np.log(rescale_positive(T))
    elif method == "imd_exponential":
        V = imd_exponential(T)
    else:
        raise ValueError(f"onbekende aggregatie over thema's '{method}'")
    Vt = np.ascontiguousarray(V.T)
    if out is None:
        out, rows = np.empty((W.shape[0], T.shape[0])), np.arange(W.shape[0])
    for i, r in enumerate(rows):
        np.dot(W[i], Vt, out=out[r])
        if method == "geometric":
            np.exp(out[r], out=out[r])
    return out


def across_themes(T: np.ndarray, W: np.ndarray, method: str) -> np.ndarray:
    """Combine theme scores ``T`` (n × m) with weight rows ``W`` (d × m, each summing to 1) → (n × d).
    Rows of ``T`` must be complete (regions with a missing theme are not scored)."""
    if method == "arithmetic":
        return T @ W.T
    if method == "geometric":
        return np.exp(np.log(rescale_positive(T)) @ W.T)
    if method == "imd_exponential":
        return imd_exponential(T) @ W.T
    raise ValueError(f"onbekende aggregatie over thema's '{method}'")


def ranks_desc_rows(S: np.ndarray) -> np.ndarray:
    """Rank within each row of ``S`` (draws × regions), 1 = highest score; ties broken by column order
    (stable); NaN ranks last. One ``argsort`` per row, on contiguous memory."""
    S = np.ascontiguousarray(S, dtype=float)
    nan = np.isnan(S)
    key = np.where(nan, np.inf, -S) if nan.any() else np.negative(S)
    ranks = np.empty(S.shape, dtype=np.int64)
    positions = np.arange(1, S.shape[1] + 1)
    for d in range(S.shape[0]):
        ranks[d, np.argsort(key[d], kind="stable")] = positions
    return ranks


def ranks_desc(S: np.ndarray) -> np.ndarray:
    """Rank per column of ``S`` (regions × draws), 1 = highest score; ties broken by row order (stable);
    NaN ranks last. A 1-D ``S`` gives a 1-D result."""
    S = np.asarray(S, dtype=float)
    if S.ndim == 1:
        return ranks_desc_rows(S[None, :])[0]
    return ranks_desc_rows(S.T).T
