"""Benchmark: an index plus a 1,000-draw uncertainty analysis for all 14,574 NL buurten of 2024 × 20 indicators,
against a hand-written NumPy kernel doing the same normalise-weight-aggregate-rank arithmetic.

Data: ../shared/data/kwb_buurt/nl_gm_wk_bu_2024_kwb85984NED_misdrijven47022NED_gezondheid50150NED.csv, read
directly. The file has fewer than 20 usable buurt columns, so derived ratios are reused: % 0-14 and % 65+ (counts /
inhabitants) and crimes per 1,000 inhabitants for 2021-2024 (each year's crimes / 2024 inhabitants). Nothing else is
synthesised. Run: ``python bench/bench_indices.py [--draws 1000]``.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from kansenmonitor.indices import IndexInputs, compute_index, uncertainty
from kansenmonitor.indices import methods as m
from kansenmonitor.indices.definition import parse_definition

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "kwb_buurt" / \
    "nl_gm_wk_bu_2024_kwb85984NED_misdrijven47022NED_gezondheid50150NED.csv"

THEMES = {  # theme -> [(column, +1 = higher is worse)]
    "wonen": [("pct_0_14", 1), ("pct_65plus", 1), ("GemiddeldeHuishoudensgrootte_33", 1),
              ("GemiddeldeWOZWaardeVanWoningen_39", -1), ("Koopwoningen_47", -1), ("PercentageEengezinswoning_40", -1)],
    "voorzieningen": [("AfstandTotHuisartsenpraktijk_110", 1), ("AfstandTotGroteSupermarkt_111", 1),
                      ("AfstandTotSchool_113", 1), ("ScholenBinnen3Km_114", -1), ("MateVanStedelijkheid_120", 1),
                      ("Omgevingsadressendichtheid_121", -1)],
    "veiligheid": [(f"misdrijven_per_1000_{y}", 1) for y in (2021, 2022, 2023, 2024)],
    "gezondheid": [(f"GoedErvarenGezondheid_18plus_{y}", -1) for y in (2016, 2020, 2022, 2024)],
}
ALTERNATIVES = {"outliers": ["none", {"rule": "sd", "k": 3}], "normalisation": ["zscore", "minmax", "rank"],
                "weights": ["equal", "expert"], "across": ["arithmetic", "geometric"]}


def load() -> pd.DataFrame:
    raw = pd.read_csv(DATA)
    bu = raw[raw["level"] == "buurt"].set_index("code")
    inw = bu["AantalInwoners_5"].where(bu["AantalInwoners_5"] > 0)
    bu = bu.assign(pct_0_14=bu["k_0Tot15Jaar_8"] / inw * 100, pct_65plus=bu["k_65JaarOfOuder_12"] / inw * 100)
    for y in (2021, 2022, 2023, 2024):
        bu[f"misdrijven_per_1000_{y}"] = bu[f"misdrijven_totaal_{y}"] / inw.where(inw >= 50) * 1000
    cols = [c for t in THEMES.values() for c, _ in t]
    return bu[cols].astype(float).sort_index(), inw


def definition():
    themes = [{"id": t, "weight": 1, "weight_range": [0.5, 1.5],
               "indicators": [{"id": c, "polarity": "higher_is_worse" if s > 0 else "higher_is_better"} for c, s in ind]}
              for t, ind in THEMES.items()]
    doc = {"id": "bench", "version": "1", "reference": "nl", "min_coverage": 0.65,
           "steps": {"outliers": "none", "normalisation": "zscore", "weights": "equal", "within": "arithmetic",
                     "across": "arithmetic"}, "alternatives": ALTERNATIVES, "themes": themes}
    return parse_definition(doc, "bench", catalogue=None)


def kernel(X: np.ndarray, theme_of: np.ndarray, draws: int, seed: int) -> np.ndarray:
    """Hand-written NumPy: the same random choices, then per draw normalise → theme means → weights → rank."""
    rng = np.random.default_rng(seed)
    # same draw order as kansenmonitor.indices.uncertainty: one integer vector per varied step, then weights
    steps = ["outliers", "normalisation", "weights", "across"]
    choice = {s: rng.integers(0, len(ALTERNATIVES[s]), size=draws) for s in steps}
    M = theme_of.max() + 1
    Wr = 0.5 + rng.random((draws, M))
    Wr = Wr / Wr.sum(axis=1, keepdims=True)
    obs = ~np.isnan(X)
    ok = (obs.sum(axis=1) / X.shape[1] >= 0.65) & np.stack([obs[:, theme_of == t].any(axis=1) for t in range(M)], 1).all(1)
    ranks = np.empty((draws, ok.sum()), dtype=np.int64)
    cache = {}
    for d in range(draws):
        o, n = choice["outliers"][d], choice["normalisation"][d]
        if (o, n) not in cache:
            A = X.copy()
            if o == 1:
                mu, sd = np.nanmean(A, 0), np.nanstd(A, 0)
                A = np.clip(A, mu - 3 * sd, mu + 3 * sd)
            if n == 0:
                Z = (A - np.nanmean(A, 0)) / np.nanstd(A, 0)
            elif n == 1:
                Z = (A - np.nanmin(A, 0)) / (np.nanmax(A, 0) - np.nanmin(A, 0))
            else:
                Z = m.percentile_rank(A)
            T = np.stack([np.nanmean(Z[:, theme_of == t], axis=1) for t in range(M)], axis=1)[ok]
            cache[(o, n)] = (T, np.log(m.rescale_positive(T)))
        T, logT = cache[(o, n)]
        w = Wr[d] if choice["weights"][d] == 1 else np.full(M, 1.0 / M)
        s = T @ w if choice["across"][d] == 0 else np.exp(logT @ w)
        order = np.argsort(-s, kind="stable")
        ranks[d, order] = np.arange(1, len(s) + 1)
    R = ranks.T
    k = [max(int(np.ceil(q * draws)) - 1, 0) for q in (0.05, 0.5, 0.95)]
    part = np.partition(R, sorted(set(k)), axis=1)
    kernel.summary = part[:, k]  # 5th percentile, median, 95th percentile rank per buurt
    return R


def main() -> None:
    warnings.simplefilter("ignore", RuntimeWarning)  # all-missing slices in the kernel's theme means
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    values, inw = load()
    d = definition()
    codes = list(values.index)
    inputs = IndexInputs(values=values, groups=pd.Series("NL01", index=codes), targets=codes, level="buurt",
                         boundary_year=2024, population=inw.reindex(codes))
    print(f"{len(codes)} buurten × {values.shape[1]} indicatoren; {args.draws} trekkingen")

    t0 = time.perf_counter()
    result = compute_index(d, inputs)
    unc = uncertainty(d, inputs, draws=args.draws, seed=args.seed, keep_draws=True, with_sensitivity=False)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    full = uncertainty(d, inputs, draws=args.draws, seed=args.seed)
    t_full = time.perf_counter() - t0

    theme_of = np.repeat(np.arange(len(THEMES)), [len(v) for v in THEMES.values()])
    sign = np.array([s for t in THEMES.values() for _, s in t], dtype=float)
    t0 = time.perf_counter()
    ranks = kernel(values.to_numpy() * sign, theme_of, args.draws, args.seed)
    t_kernel = time.perf_counter() - t0

    same = np.array_equal(ranks, unc.rank_draws)
    print(f"gescoord: {result.scored.shape[0]}, zonder score: {result.unscored.shape[0]}")
    print(f"kansenmonitor, index + onzekerheid (mediaan en 5-95%-interval): {t_ours:.2f} s")
    print(f"NumPy-kernel, zelfde rekenwerk:                                   {t_kernel:.2f} s")
    print(f"verhouding: {t_ours / t_kernel:.2f} (doel ≤ 2); rangen per trekking gelijk: {same}")
    print(f"met gevoeligheidsanalyse erbij (één keuze tegelijk + variantieaandeel): {t_full:.2f} s "
          f"(verhouding {t_full / t_kernel:.2f})")
    print(full.summary())


if __name__ == "__main__":
    main()
