"""Uncertainty and sensitivity of an index ranking: a seeded Monte Carlo over the alternative choices a
definition allows (and over theme weights within their stated ranges).

The Monte Carlo is vectorised: draws that share the same discrete choices share one normalised matrix
and one matrix of theme scores; the theme weights of all those draws are applied in one matrix product,
and each draw is ranked with one ``argsort``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import methods
from .compute import Engine, IndexInputs, _num
from .definition import STEP_KEYS, Definition, Outliers, Steps

STEP_LABELS = {
    "imputation": "ontbrekende waarden aanvullen",
    "outliers": "uitschieters",
    "normalisation": "normalisatie",
    "weights": "gewichtenschema",
    "within": "aggregatie binnen thema's",
    "across": "aggregatie over thema's",
    "theme_weights": "themagewichten binnen hun bandbreedte",
}


def rank_label(median: float | None, low: float | None, high: float | None, lang: str = "nl") -> str:
    """``rang 3 (2–6)``: the median rank with its interval, never a bare point."""
    if median is None or (isinstance(median, float) and math.isnan(median)):
        return "geen rang" if lang == "nl" else "no rank"
    word = "rang" if lang == "nl" else "rank"
    return f"{word} {int(median)} ({int(low)}–{int(high)})"


@dataclass
class UncertaintyResult:
    """Rank uncertainty per region and the sensitivity of the ranking to each choice.

    ``ranks``: per target region the baseline ``rank``, ``median_rank``, ``rank_low`` and ``rank_high`` (the
    ``interval`` percentiles over the draws) and ``label`` ("rang 3 (2–6)"). ``sensitivity``: per choice the
    mean absolute rank shift when only that choice changes (``mean_abs_rank_shift``, the largest over its
    options in ``max_abs_rank_shift``) and its first-order share of the rank variance in the Monte Carlo
    (``variance_share``). ``most_influential`` names the choice that moves the ranking most.
    """

    index: str
    version: str
    level: str
    draws: int
    seed: int
    interval: tuple[float, float]
    ranks: pd.DataFrame
    sensitivity: pd.DataFrame
    varied: list[str]
    choices: pd.DataFrame
    rank_draws: np.ndarray | None = None

    @property
    def most_influential(self) -> str | None:
        if self.sensitivity.empty:
            return None
        return str(self.sensitivity.sort_values("mean_abs_rank_shift", ascending=False).index[0])

    def label(self, region: str, lang: str = "nl") -> str:
        r = self.ranks.loc[region]
        return rank_label(_num(r["median_rank"]), _num(r["rank_low"]), _num(r["rank_high"]), lang)

    def summary(self, lang: str = "nl") -> str:
        top = self.most_influential
        if top is None:
            return "De definitie staat geen alternatieve keuzes toe; er is geen gevoeligheid berekend."
        row = self.sensitivity.loc[top]
        return (f"De keuze '{STEP_LABELS.get(top, top)}' verschuift de rangorde het meest: gemiddeld "
                f"{row['mean_abs_rank_shift']:.1f} plaatsen per gebied ({self.draws} trekkingen, seed {self.seed}).")

    def to_frame(self) -> pd.DataFrame:
        return self.ranks.copy()

    def to_dict(self) -> dict:
        return {
            "index": self.index, "version": self.version, "level": self.level, "draws": self.draws,
            "seed": self.seed, "interval": list(self.interval), "varied": self.varied,
            "most_influential": self.most_influential, "summary": self.summary(),
            "regions": [
                {"region": code, "name": r["name"], "score": _num(r["score"]),
                 "rank": None if pd.isna(r["rank"]) else int(r["rank"]),
                 "median_rank": _num(r["median_rank"]), "rank_low": _num(r["rank_low"]),
                 "rank_high": _num(r["rank_high"]), "label": r["label"], "reason": r["reason"]}
                for code, r in self.ranks.iterrows()
            ],
            "sensitivity": [
                {"choice": k, "label": STEP_LABELS.get(k, k), **{c: _num(v) if c != "options" else v
                                                                 for c, v in r.items()}}
                for k, r in self.sensitivity.iterrows()
            ],
        }


def _option_key(value) -> str:
    return value.key if isinstance(value, Outliers) else str(value)


def _draw_weights(rng: np.random.Generator, engine: Engine, n: int) -> np.ndarray:
    lo, hi = engine.layout.theme_range[:, 0], engine.layout.theme_range[:, 1]
    W = lo[None, :] + (hi - lo)[None, :] * rng.random((n, engine.M))
    return W / W.sum(axis=1, keepdims=True)


def simulate(engine: Engine, steps_list: list[Steps], W: np.ndarray) -> np.ndarray:
    """Scores of the scorable targets for draws ``steps_list`` with theme weights ``W`` (d × m)."""
    keys = [tuple(s.key(k) for k in STEP_KEYS) for s in steps_list]
    tgt = engine.target_idx[engine.scorable[engine.target_idx]]
    S = np.empty((len(tgt), len(steps_list)))
    groups: dict[tuple, list[int]] = {}
    for d, key in enumerate(keys):
        groups.setdefault(key, []).append(d)
    for cols in groups.values():
        cols_a = np.array(cols)
        S[:, cols_a] = engine.scores(steps_list[cols[0]], W[cols_a])[tgt]
    return S


def uncertainty(definition: Definition, inputs: IndexInputs, draws: int = 1000, seed: int = 20240,
                interval: tuple[float, float] = (5.0, 95.0), keep_draws: bool = False,
                engine: Engine | None = None) -> UncertaintyResult:
    """Monte Carlo over the definition's ``alternatives`` (uniform over the listed options per step) and,
    when the expert scheme is drawn, over theme weights uniform within each theme's ``weight_range``."""
    engine = engine or Engine(definition, inputs)
    base = definition.steps
    rng = np.random.default_rng(seed)
    varied = [s for s in STEP_KEYS if len(definition.alternatives.get(s, ())) > 1]
    choice_idx = {s: rng.integers(0, len(definition.alternatives[s]), size=draws) for s in varied}
    steps_list = []
    for d in range(draws):
        changes = {s: definition.alternatives[s][choice_idx[s][d]] for s in varied}
        steps_list.append(Steps(**{**{k: base.get(k) for k in STEP_KEYS}, **changes}))
    drawn_w = _draw_weights(rng, engine, draws) if engine.M else np.zeros((draws, 0))
    W = np.empty((draws, engine.M))
    fixed = {scheme: engine.theme_weights(scheme) for scheme in ("equal", "expert", "pca")}
    for d, st in enumerate(steps_list):
        W[d] = drawn_w[d] if st.weights == "expert" else fixed[st.weights]

    tgt_all = engine.target_idx
    scored_mask = engine.scorable[tgt_all]
    codes = [engine.regions[i] for i in tgt_all]
    S = simulate(engine, steps_list, W)
    R = methods.ranks_desc(S) if S.size else np.empty((0, draws), dtype=int)

    S0 = engine.scores(base)[tgt_all[scored_mask], 0] if scored_mask.any() else np.empty(0)
    r0 = methods.ranks_desc(S0)
    lo_q, hi_q = interval[0] / 100.0, interval[1] / 100.0
    if R.size:
        med = np.quantile(R, 0.5, axis=1, method="inverted_cdf")
        low = np.quantile(R, lo_q, axis=1, method="inverted_cdf")
        high = np.quantile(R, hi_q, axis=1, method="inverted_cdf")
    else:
        med = low = high = np.empty(0)

    n_t = len(tgt_all)
    cols = {k: np.full(n_t, np.nan) for k in ("score", "rank", "median_rank", "rank_low", "rank_high")}
    cols["score"][scored_mask] = S0
    cols["rank"][scored_mask] = r0
    cols["median_rank"][scored_mask] = med
    cols["rank_low"][scored_mask] = low
    cols["rank_high"][scored_mask] = high
    from .compute import _reason

    frame = pd.DataFrame({
        "name": [inputs.names.get(c, c) for c in codes], **cols,
        "reason": [_reason(engine, i) for i in tgt_all],
    }, index=pd.Index(codes, name="region"))
    frame["label"] = [rank_label(_num(m), _num(lo), _num(hi)) for m, lo, hi in
                      zip(frame["median_rank"], frame["rank_low"], frame["rank_high"], strict=True)]

    sens = sensitivity(engine, definition, r0, varied, R, choice_idx, rng)
    choices = pd.DataFrame({s: [_option_key(definition.alternatives[s][i]) for i in choice_idx[s]] for s in varied})
    return UncertaintyResult(
        index=definition.id, version=definition.version, level=inputs.level, draws=draws, seed=seed,
        interval=interval, ranks=frame, sensitivity=sens, varied=varied, choices=choices,
        rank_draws=R if keep_draws else None,
    )


def sensitivity(engine: Engine, definition: Definition, r0: np.ndarray, varied: list[str], R: np.ndarray,
                choice_idx: dict[str, np.ndarray], rng: np.random.Generator, weight_draws: int = 100) -> pd.DataFrame:
    """One-at-a-time mean absolute rank shift per choice, and its first-order variance share in the draws."""
    base = definition.steps
    tgt = engine.target_idx[engine.scorable[engine.target_idx]]
    rows = {}
    if len(tgt) == 0:
        return pd.DataFrame(columns=["options", "mean_abs_rank_shift", "max_abs_rank_shift", "variance_share"])
    total_var = R.var(axis=1).sum() if R.size else 0.0
    for step in varied:
        shifts = []
        for opt in definition.alternatives[step]:
            if _option_key(opt) == base.key(step):
                continue
            st = base.with_(step, opt)
            S = engine.scores(st)[tgt]
            shifts.append(np.abs(methods.ranks_desc(S)[:, 0] - r0).mean())
        # first-order share: variance of the conditional mean rank over the options, summed over regions
        between = 0.0
        idx = choice_idx[step]
        for k in range(len(definition.alternatives[step])):
            sel = idx == k
            if sel.any():
                between += sel.mean() * ((R[:, sel].mean(axis=1) - R.mean(axis=1)) ** 2).sum()
        rows[step] = {
            "options": [_option_key(o) for o in definition.alternatives[step]],
            "mean_abs_rank_shift": float(np.mean(shifts)) if shifts else 0.0,
            "max_abs_rank_shift": float(np.max(shifts)) if shifts else 0.0,
            "variance_share": float(between / total_var) if total_var > 0 else 0.0,
        }
    rng_lo, rng_hi = engine.layout.theme_range[:, 0], engine.layout.theme_range[:, 1]
    if engine.M > 1 and np.any(rng_hi > rng_lo):
        st = base.with_("weights", "expert")
        W = _draw_weights(rng, engine, weight_draws)
        S = engine.scores(st, W)[tgt]
        S_nom = engine.scores(st)[tgt]
        r_nom = methods.ranks_desc(S_nom)
        shift = np.abs(methods.ranks_desc(S) - r_nom).mean(axis=0)
        rows["theme_weights"] = {
            "options": [f"{t}: {lo:g}–{hi:g}" for t, lo, hi in zip(engine.layout.theme_ids, rng_lo, rng_hi, strict=True)],
            "mean_abs_rank_shift": float(shift.mean()),
            "max_abs_rank_shift": float(shift.max()),
            "variance_share": float("nan"),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    if not frame.empty:
        frame.index.name = "choice"
        frame = frame.sort_values("mean_abs_rank_shift", ascending=False)
    return frame
