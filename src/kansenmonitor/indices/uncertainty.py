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
from .messages import CATALOGUE, check_lang, localise, localise_frame, msg, texts

_STEPS = ("imputation", "outliers", "normalisation", "weights", "within", "across", "theme_weights")
#: step → Dutch label (see :func:`step_label` for English)
STEP_LABELS = {k: CATALOGUE[f"step.{k}"][0] for k in _STEPS}
STEP_LABELS_EN = {k: CATALOGUE[f"step.{k}"][1] for k in _STEPS}


def step_label(step: str, lang: str = "nl") -> str:
    """The label of a calculation choice in ``lang``; an unknown step is its own label."""
    return (STEP_LABELS_EN if lang == "en" else STEP_LABELS).get(step, step)


#: a calculation option as a reader says it (Dutch, English)
OPTION_LABELS = {
    "none": ("geen", "none"),
    "theme_mean": ("gemiddelde van het thema", "theme mean"),
    "reference_mean": ("gemiddelde van de vergelijking", "reference mean"),
    "zscore": ("z-score (afstand tot het gemiddelde in standaardafwijkingen)", "z-score"),
    "minmax": ("schaal van laagste tot hoogste (0–1)", "min–max scale (0–1)"),
    "rank": ("rangorde", "rank order"),
    "distance_to_reference": ("afstand tot de vergelijking", "distance to the reference"),
    "equal": ("gelijke gewichten", "equal weights"),
    "expert": ("gewichten van deskundigen", "expert weights"),
    "pca": ("gewichten uit de samenhang (PCA)", "weights from the correlation (PCA)"),
    "arithmetic": ("gemiddelde (optellen)", "plain mean (adding up)"),
    "geometric": ("meetkundig gemiddelde (weinig compensatie)", "geometric mean (little compensation)"),
    "imd_exponential": ("exponentieel, zoals de Engelse IMD (zwakste thema's wegen zwaarder)",
                        "exponential, as the English IMD (weakest themes weigh more)"),
}


def option_label(option: str, lang: str = "nl") -> str:
    """A calculation option (``zscore``, ``sd:3``, ``percentile:5-95``) as words; unknown ones stay as given."""
    en = lang == "en"
    text = str(option)
    if text.startswith("sd:"):
        k = text.split(":", 1)[1]
        return (f"afkappen op gemiddelde ± {k.replace('.', ',')} standaardafwijking" if not en
                else f"cap at mean ± {k} standard deviations")
    if text.startswith("percentile:"):
        lo, _, hi = text.split(":", 1)[1].partition("-")
        return (f"afkappen op het {lo}e en {hi}e percentiel" if not en
                else f"cap at the {lo}th and {hi}th percentile")
    pair = OPTION_LABELS.get(text)
    return pair[1 if en else 0] if pair else text


def rank_label(median: float | None, low: float | None, high: float | None, lang: str = "nl") -> str:
    """``rang 3 (2–6)``: the median rank with its interval, never a bare point."""
    if median is None or (isinstance(median, float) and math.isnan(median)):
        return "geen rang" if lang == "nl" else "no rank"
    word = "rang" if lang == "nl" else "rank"
    return f"{word} {int(median)} ({int(low)}–{int(high)})"


def point_rank_label(rank: float | None, low: float | None, high: float | None, lang: str = "nl") -> str:
    """``rang 1 (1–4)``: the rank of the score as computed with the definition's own choices, with the interval
    of the ranks over the Monte Carlo draws. Where the two differ, both are true: the point is one set of
    choices, the interval is what the other reasonable choices give (so the point may even lie outside it)."""
    if rank is None or (isinstance(rank, float) and math.isnan(rank)):
        return "geen rang" if lang == "nl" else "no rank"
    word = "rang" if lang == "nl" else "rank"
    if low is None or high is None or (isinstance(low, float) and math.isnan(low)):
        return f"{word} {int(rank)}"
    return f"{word} {int(rank)} ({int(low)}–{int(high)})"


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
        check_lang(lang)
        top = self.most_influential
        if top is None:
            return msg("sensitivity.none").text(lang)
        row = self.sensitivity.loc[top]
        return msg("sensitivity.summary", step=step_label(top, lang), shift=float(row["mean_abs_rank_shift"]),
                   draws=self.draws, seed=self.seed).text(lang)

    def to_frame(self, lang: str = "nl") -> pd.DataFrame:
        """Ranks per target region; ``label`` and ``reason`` in ``lang``."""
        frame = localise_frame(self.ranks, check_lang(lang))
        if lang != "nl":
            frame["label"] = [rank_label(_num(m), _num(lo), _num(hi), lang) for m, lo, hi in
                              zip(frame["median_rank"], frame["rank_low"], frame["rank_high"], strict=True)]
        return frame

    def to_dict(self, lang: str = "nl") -> dict:
        """Everything as plain data; labels, reasons and the summary in ``lang`` ("nl" or "en")."""
        check_lang(lang)
        return localise({
            "index": self.index, "version": self.version, "level": self.level, "draws": self.draws,
            "seed": self.seed, "interval": list(self.interval), "varied": self.varied,
            "most_influential": self.most_influential, "summary": self.summary(lang),
            "regions": [
                {"region": code, "name": r["name"], "score": _num(r["score"]),
                 "rank": None if pd.isna(r["rank"]) else int(r["rank"]),
                 "median_rank": _num(r["median_rank"]), "rank_low": _num(r["rank_low"]),
                 "rank_high": _num(r["rank_high"]), "label": self.label(code, lang) if lang != "nl" else r["label"],
                 "reason": self.ranks["reason"][code]}
                for code, r in self.ranks.iterrows()
            ],
            "sensitivity": [
                {"choice": k, "label": step_label(k, lang), **{c: _num(v) if c != "options" else v
                                                               for c, v in r.items()}}
                for k, r in self.sensitivity.iterrows()
            ],
        }, lang)


def _option_key(value) -> str:
    return value.key if isinstance(value, Outliers) else str(value)


def _draw_weights(rng: np.random.Generator, engine: Engine, n: int) -> np.ndarray:
    lo, hi = engine.layout.theme_range[:, 0], engine.layout.theme_range[:, 1]
    W = lo[None, :] + (hi - lo)[None, :] * rng.random((n, engine.M))
    return W / W.sum(axis=1, keepdims=True)


def simulate(engine: Engine, steps_list: list[Steps], W: np.ndarray) -> np.ndarray:
    """Scores of the scorable targets (draws × regions) for draws ``steps_list`` with theme weights ``W``.

    Draws with the same discrete choices share their theme scores; their weights go in one matrix product."""
    keys = [tuple(s.key(k) for k in STEP_KEYS) for s in steps_list]
    tgt = engine.target_idx[engine.scorable[engine.target_idx]]
    col_of = np.full(len(engine.regions), -1)
    col_of[tgt] = np.arange(len(tgt))
    S = np.empty((len(steps_list), len(tgt)))
    groups: dict[tuple, list[int]] = {}
    for d, key in enumerate(keys):
        groups.setdefault(key, []).append(d)
    for draws in groups.values():
        st = steps_list[draws[0]]
        rows_d = np.array(draws)
        for g in engine.group_labels:
            rows = engine.group_rows[g]
            ok = engine.scorable[rows]
            if not ok.any():
                continue
            T = engine.theme_scores(g, st)[ok]
            cols = col_of[rows[ok]]
            keep = cols >= 0
            if keep.all() and len(cols) == len(tgt) and np.array_equal(cols, np.arange(len(tgt))):
                methods.across_themes_rows(T, W[rows_d], st.across, out=S, rows=rows_d)
            else:
                block = methods.across_themes_rows(T, W[rows_d], st.across)
                S[np.ix_(rows_d, cols[keep])] = block[:, keep]
    return S


def _order_stat(sorted_part: np.ndarray, q: float, n: int) -> np.ndarray:
    """Empirical quantile (inverted CDF) from values partitioned along axis 1."""
    return sorted_part[:, max(int(np.ceil(q * n)) - 1, 0)]


def uncertainty(definition: Definition, inputs: IndexInputs, draws: int = 1000, seed: int = 20240,
                interval: tuple[float, float] = (5.0, 95.0), keep_draws: bool = False,
                engine: Engine | None = None, with_sensitivity: bool = True) -> UncertaintyResult:
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
    S = simulate(engine, steps_list, W)  # draws × regions
    Rd = methods.ranks_desc_rows(S) if S.size else np.empty((draws, 0), dtype=np.int64)

    S0 = engine.scores(base)[tgt_all[scored_mask], 0] if scored_mask.any() else np.empty(0)
    r0 = methods.ranks_desc(S0)
    lo_q, hi_q = interval[0] / 100.0, interval[1] / 100.0
    if Rd.size:
        R = Rd.T  # regions × draws (a view)
        kth = sorted({max(int(np.ceil(q * draws)) - 1, 0) for q in (lo_q, 0.5, hi_q)})
        part = np.partition(R, kth, axis=1)
        med, low, high = (_order_stat(part, q, draws) for q in (0.5, lo_q, hi_q))
    else:
        R = Rd.T
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
    }, index=pd.Index(codes, name="region"))
    frame["reason"] = texts((_reason(engine, i) for i in tgt_all), frame.index)
    frame["label"] = [rank_label(_num(m), _num(lo), _num(hi)) for m, lo, hi in
                      zip(frame["median_rank"], frame["rank_low"], frame["rank_high"], strict=True)]

    sens = sensitivity(engine, definition, r0, varied if with_sensitivity else [], Rd, choice_idx, rng) \
        if with_sensitivity else pd.DataFrame(columns=["options", "mean_abs_rank_shift", "max_abs_rank_shift",
                                                       "variance_share"])
    choices = pd.DataFrame({s: [_option_key(definition.alternatives[s][i]) for i in choice_idx[s]] for s in varied})
    return UncertaintyResult(
        index=definition.id, version=definition.version, level=inputs.level, draws=draws, seed=seed,
        interval=interval, ranks=frame, sensitivity=sens, varied=varied, choices=choices,
        rank_draws=R if keep_draws else None,
    )


def sensitivity(engine: Engine, definition: Definition, r0: np.ndarray, varied: list[str], Rd: np.ndarray,
                choice_idx: dict[str, np.ndarray], rng: np.random.Generator, weight_draws: int = 100) -> pd.DataFrame:
    """One-at-a-time mean absolute rank shift per choice, and its first-order variance share in the draws."""
    base = definition.steps
    tgt = engine.target_idx[engine.scorable[engine.target_idx]]
    rows = {}
    if len(tgt) == 0:
        return pd.DataFrame(columns=["options", "mean_abs_rank_shift", "max_abs_rank_shift", "variance_share"])
    n_draws = Rd.shape[0]
    if Rd.size:  # mean and variance of each region's rank over the draws, in chunks of draws
        s1 = np.zeros(Rd.shape[1])
        s2 = np.zeros(Rd.shape[1])
        for start in range(0, n_draws, 100):
            chunk = Rd[start:start + 100].astype(float)
            s1 += chunk.sum(axis=0)
            s2 += (chunk * chunk).sum(axis=0)
        grand = s1 / n_draws
        total_var = float((s2 / n_draws - grand**2).sum())
    else:
        grand, total_var = np.empty(0), 0.0
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
        if Rd.size:
            for k in range(len(definition.alternatives[step])):
                sel = idx == k
                if sel.any():
                    cond = Rd[sel].mean(axis=0)
                    between += sel.mean() * float(((cond - grand) ** 2).sum())
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
        r_nom = methods.ranks_desc(engine.scores(st)[tgt])
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
