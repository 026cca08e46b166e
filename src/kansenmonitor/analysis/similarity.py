"""Similar areas: the regions that look most alike on a standardised indicator profile.

Pure functions on frames; no store, no web. The input is a wide frame (regions × indicators) of one
level and one indeling, as :meth:`kansenmonitor.monitor.Monitor.matrix` returns it.

Method
------
1. Each profile indicator is standardised over the comparison population (all rows of the frame):
   ``z = (x - mean) / sd`` (population sd). An indicator without spread is dropped.
2. The distance between two regions is Euclidean over the indicators both have; with fewer shared
   indicators than the whole profile, the sum of squares is scaled up by ``p / p_shared`` so that
   regions with gaps are not favoured.
3. A region is only compared when it has at least ``min_share`` of the profile indicators (default
   70 %) and shares at least that many with the target. Regions that fail are listed in
   :attr:`SimilarityResult.excluded`, with the reason; a target that fails raises
   :class:`InsufficientDataError`.
4. The *contributions* of a neighbour are the squared z-differences per indicator, as a share of the
   squared distance: small contributions are the indicators on which the two are alike (the reason
   they are similar), large ones where they differ most.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.errors import KansenmonitorError

DEFAULT_K = 5
DEFAULT_MIN_SHARE = 0.7


class InsufficientDataError(KansenmonitorError, ValueError):
    """The target region has too few profile indicators to compare it honestly."""


@dataclass(frozen=True)
class Neighbour:
    """One similar region."""

    code: str
    distance: float
    #: indicator → share of the squared distance (sums to 1; all 0 when the distance is 0)
    contributions: dict[str, float]
    #: indicator → z-difference (neighbour minus target)
    z_differences: dict[str, float]
    n_shared: int

    def alike(self, n: int = 3) -> list[str]:
        """The ``n`` indicators on which the neighbour is closest to the target."""
        return [k for k, _ in sorted(self.z_differences.items(), key=lambda kv: (abs(kv[1]), kv[0]))[:n]]

    def different(self, n: int = 2) -> list[str]:
        """The ``n`` indicators on which the neighbour differs most from the target."""
        return [k for k, _ in sorted(self.z_differences.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:n]]


@dataclass(frozen=True)
class SimilarityResult:
    """The ``k`` regions most similar to ``target``."""

    target: str
    neighbours: list[Neighbour]
    #: the profile indicators that were used (after dropping those without spread)
    indicators: list[str]
    #: indicators asked for but dropped, with the reason
    dropped_indicators: dict[str, str]
    #: regions that could not be compared, with the reason
    excluded: dict[str, str]
    k: int
    min_share: float
    population_size: int
    #: the target's z-scores (NaN where missing)
    target_z: dict[str, float] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        return [n.code for n in self.neighbours]


class SimilarityModel:
    """Standardise a comparison population once; answer :meth:`similar` for any member quickly."""

    def __init__(self, frame: pd.DataFrame, indicators: Sequence[str] | None = None,
                 min_share: float = DEFAULT_MIN_SHARE):
        if not 0 < min_share <= 1:
            raise ValueError("min_share moet tussen 0 en 1 liggen")
        wanted = list(indicators) if indicators is not None else list(frame.columns)
        missing = [i for i in wanted if i not in frame.columns]
        if missing:
            raise KeyError(f"indicatoren niet in de tabel: {', '.join(missing)}")
        data = frame[wanted].apply(pd.to_numeric, errors="coerce").astype(float)
        self.dropped: dict[str, str] = {}
        keep = []
        for col in wanted:
            values = data[col].dropna()
            if len(values) < 2:
                self.dropped[col] = "minder dan twee gebieden met een waarde"
            elif float(values.std(ddof=0)) == 0.0:
                self.dropped[col] = "geen spreiding: alle gebieden hebben dezelfde waarde"
            else:
                keep.append(col)
        data = data[keep]
        self.indicators = keep
        self.min_share = min_share
        self.mean = data.mean()
        self.sd = data.std(ddof=0)
        self.z = (data - self.mean) / self.sd
        self.codes = list(map(str, data.index))
        self._z = self.z.to_numpy()
        self._present = ~np.isnan(self._z)
        p = len(keep)
        self.required = int(np.ceil(min_share * p)) if p else 0
        counts = self._present.sum(axis=1)
        self.excluded = {
            code: f"te weinig indicatoren: {int(n)} van {p}, minimaal {self.required}"
            for code, n in zip(self.codes, counts, strict=True)
            if n < self.required or p == 0
        }
        self._row = {code: j for j, code in enumerate(self.codes)}
        self._codes = np.array(self.codes, dtype=str)
        self._out = np.array([code in self.excluded for code in self.codes], dtype=bool)

    def similar(self, target: str, k: int = DEFAULT_K) -> SimilarityResult:
        if k < 1:
            raise ValueError("k moet minstens 1 zijn")
        if target not in self.codes:
            raise KeyError(f"gebied '{target}' hoort niet bij de vergelijkingsgroep")
        p = len(self.indicators)
        if p == 0:
            raise InsufficientDataError("er zijn geen profielindicatoren met spreiding; vergelijken kan niet")
        if target in self.excluded:
            raise InsufficientDataError(
                f"gebied '{target}' heeft {self.excluded[target]}; vergelijken kan niet eerlijk"
            )
        i = self._row[target]
        tz = self._z[i]
        tp = self._present[i]
        diff = self._z - tz
        shared = self._present & tp
        n_shared = shared.sum(axis=1)
        sq = np.where(shared, diff**2, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            dist = np.sqrt(sq.sum(axis=1) * p / n_shared)
        excluded = dict(self.excluded)
        pool = ~self._out
        pool[i] = False
        few = pool & (n_shared < self.required)
        for j in np.flatnonzero(few):
            excluded[self.codes[j]] = f"deelt maar {int(n_shared[j])} van {p} indicatoren met '{target}'"
        cand = np.flatnonzero(pool & ~few)
        # nearest first, ties by code (as sorting (distance, code) tuples would), without a Python loop
        order = cand[np.lexsort((self._codes[cand], dist[cand]))]
        candidates = [(float(dist[j]), self.codes[j], int(j)) for j in order[:k]]
        neighbours = []
        for d, code, j in candidates[:k]:
            total = float(sq[j].sum())
            cols = [(c, m) for m, c in enumerate(self.indicators) if shared[j, m]]
            neighbours.append(
                Neighbour(
                    code=code,
                    distance=d,
                    contributions={c: (float(sq[j, m]) / total if total > 0 else 0.0) for c, m in cols},
                    z_differences={c: float(diff[j, m]) for c, m in cols},
                    n_shared=int(n_shared[j]),
                )
            )
        excluded.pop(target, None)
        return SimilarityResult(
            target=target,
            neighbours=neighbours,
            indicators=list(self.indicators),
            dropped_indicators=dict(self.dropped),
            excluded=excluded,
            k=k,
            min_share=self.min_share,
            population_size=len(self.codes),
            target_z={c: float(tz[m]) for m, c in enumerate(self.indicators)},
        )


def similar(frame: pd.DataFrame, target: str, k: int = DEFAULT_K, indicators: Sequence[str] | None = None,
            min_share: float = DEFAULT_MIN_SHARE) -> SimilarityResult:
    """The ``k`` rows of ``frame`` (regions × indicators) most similar to ``target``; see the module doc."""
    return SimilarityModel(frame, indicators, min_share).similar(target, k)
