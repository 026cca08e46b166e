"""Statistical coherence of an index: do the indicators of a theme measure the same thing?

Computed on the oriented, normalised indicator values of the reference population (no imputation):
correlations within and across themes, Cronbach's alpha per theme, PCA loadings, and flags for
indicators that add nothing (|r| < 0.1 with the rest of their theme) or point the wrong way (r ≤ -0.1).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .compute import Engine, IndexInputs, _num
from .definition import Definition
from .messages import Message, check_lang, localise, localise_frame, msg, texts

WEAK = 0.1


def _pairwise_corr(a: np.ndarray, b: np.ndarray) -> float:
    ok = ~(np.isnan(a) | np.isnan(b))
    if ok.sum() < 3 or a[ok].std() == 0 or b[ok].std() == 0:
        return float("nan")
    return float(np.corrcoef(a[ok], b[ok])[0, 1])


def cronbach_alpha(items: np.ndarray) -> float:
    """Cronbach's alpha on complete rows of standardised items: k/(k-1) · (1 − Σ var_i / var(Σ items))."""
    items = items[~np.isnan(items).any(axis=1)]
    k = items.shape[1]
    if k < 2 or items.shape[0] < 3:
        return float("nan")
    sd = items.std(axis=0)
    if np.any(sd == 0):
        return float("nan")
    z = (items - items.mean(axis=0)) / sd
    total = z.sum(axis=1).var()
    return float(k / (k - 1) * (1 - z.var(axis=0).sum() / total))


def pca_loadings(X: np.ndarray, n_components: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Loadings (eigenvector × √eigenvalue) of the correlation matrix on complete rows, and explained shares."""
    X = X[~np.isnan(X).any(axis=1)]
    k = X.shape[1]
    if k < 2 or X.shape[0] < k + 2 or np.any(X.std(axis=0) == 0):
        return np.full((k, 0), np.nan), np.empty(0)
    corr = np.corrcoef(X, rowvar=False)
    vals, vecs = np.linalg.eigh(corr)
    order = np.argsort(vals)[::-1][: min(n_components, k)]
    vals, vecs = vals[order], vecs[:, order]
    vecs = vecs * np.where(vecs.sum(axis=0) < 0, -1.0, 1.0)
    return vecs * np.sqrt(np.clip(vals, 0, None)), vals / k


@dataclass
class CoherenceResult:
    """Coherence report. Attributes: ``correlations`` (indicator × indicator), ``theme_correlations``
    (theme × theme), ``indicators`` (per indicator: theme, ``r_own_theme`` = correlation with the mean of the
    other indicators of its theme, ``r_max_other_theme``, ``flag``), ``alpha`` (Cronbach per theme),
    ``loadings`` (PCA, first components), ``explained`` (variance share per component), ``flags``."""

    index: str
    version: str
    level: str
    n_regions: int
    correlations: pd.DataFrame
    theme_correlations: pd.DataFrame
    indicators: pd.DataFrame
    alpha: pd.Series
    loadings: pd.DataFrame
    explained: list[float]
    flags: list[dict] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)

    def to_frame(self, lang: str = "nl") -> pd.DataFrame:
        """Per indicator; the ``flag`` texts in ``lang``."""
        return localise_frame(self.indicators, check_lang(lang))

    def summary(self, lang: str = "nl") -> list[str]:
        check_lang(lang)
        lines = []
        for t, a in self.alpha.items():
            lines.append(msg("coherence.alpha", theme=t, alpha="–" if pd.isna(a) else f"{a:.2f}").text(lang))
        lines += [localise(f["message"], lang) for f in self.flags]
        return lines

    def to_dict(self, lang: str = "nl") -> dict:
        """Everything as plain data; flags and notes in ``lang`` ("nl" or "en")."""
        check_lang(lang)

        def mat(df: pd.DataFrame) -> dict:
            return {str(i): {str(j): _num(v) for j, v in row.items()} for i, row in df.iterrows()}

        return localise({
            "index": self.index, "version": self.version, "level": self.level, "n_regions": self.n_regions,
            "alpha": {str(k): _num(v) for k, v in self.alpha.items()},
            "indicators": [{"indicator": i, **{k: (_num(v) if isinstance(v, float) else v) for k, v in r.items()},
                            "flag": self.indicators["flag"][i]} for i, r in self.indicators.iterrows()],
            "correlations": mat(self.correlations), "theme_correlations": mat(self.theme_correlations),
            "loadings": mat(self.loadings), "explained": [_num(x) for x in self.explained],
            "flags": self.flags, "notes": self.notes,
        }, lang)


def coherence(definition: Definition, inputs: IndexInputs, engine: Engine | None = None) -> CoherenceResult:
    engine = engine or Engine(definition, inputs)
    steps = definition.steps.with_("imputation", "none")
    Z = engine.normalised_frame(steps)
    T = engine.theme_frame(steps.with_("within", "arithmetic").with_("weights", "equal"))
    lay = engine.layout
    ids = lay.indicator_ids
    K = len(ids)
    corr = np.full((K, K), np.nan)
    for a in range(K):
        for b in range(K):
            corr[a, b] = 1.0 if a == b else _pairwise_corr(Z[:, a], Z[:, b])
    tcorr = np.full((engine.M, engine.M), np.nan)
    for a in range(engine.M):
        for b in range(engine.M):
            tcorr[a, b] = 1.0 if a == b else _pairwise_corr(T[:, a], T[:, b])
    rows, flags, notes = {}, [], []
    for j, iid in enumerate(ids):
        m = lay.theme_of[j]
        others = [c for c in np.flatnonzero(lay.theme_of == m) if c != j]
        if others:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                rest = np.nanmean(Z[:, others], axis=1)
            r_own = _pairwise_corr(Z[:, j], rest)
        else:
            r_own = float("nan")
        other_t = [c for c in range(engine.M) if c != m]
        r_other = [_pairwise_corr(Z[:, j], T[:, c]) for c in other_t]
        r_other = [x for x in r_other if not np.isnan(x)]
        flag = None
        theme = lay.theme_ids[m]
        if not others:
            notes.append(msg("coherence.single", indicator=iid, theme=theme))
        elif not np.isnan(r_own):
            if r_own <= -WEAK:
                flag = msg("coherence.flag.negative")
                message = msg("coherence.negative", indicator=iid, theme=theme, r=r_own)
            elif abs(r_own) < WEAK:
                flag = msg("coherence.flag.weak")
                message = msg("coherence.weak", indicator=iid, theme=theme, r=r_own)
            if flag:
                flags.append({"indicator": iid, "theme": theme, "kind": flag, "r": round(r_own, 4), "message": message})
        rows[iid] = {"theme": theme, "polarity": lay.specs[j].polarity, "n": int((~np.isnan(Z[:, j])).sum()),
                     "r_own_theme": r_own, "r_max_other_theme": float(max(r_other, key=abs)) if r_other else float("nan"),
                     "flag": flag}
    alpha = pd.Series({t: cronbach_alpha(Z[:, lay.theme_of == m]) for m, t in enumerate(lay.theme_ids)}, name="alpha")
    load, expl = pca_loadings(Z)
    loadings = pd.DataFrame(load, index=ids, columns=[f"PC{i + 1}" for i in range(load.shape[1])])
    if load.shape[1] == 0:
        notes.append(msg("coherence.no_pca"))
    indicators = pd.DataFrame.from_dict(rows, orient="index")
    if not indicators.empty:
        indicators["flag"] = texts((r["flag"] for r in rows.values()), indicators.index)
    return CoherenceResult(
        index=definition.id, version=definition.version, level=inputs.level, n_regions=len(engine.regions),
        correlations=pd.DataFrame(corr, index=ids, columns=ids),
        theme_correlations=pd.DataFrame(tcorr, index=lay.theme_ids, columns=lay.theme_ids),
        indicators=indicators, alpha=alpha, loadings=loadings,
        explained=[float(x) for x in expl], flags=flags, notes=notes,
    )
