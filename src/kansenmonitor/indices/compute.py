"""Compute a composite index from a definition and an input matrix (pure: numpy/pandas only)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.model import gemeente_of
from ..core.model import number_or_none as _num
from . import methods
from .definition import Definition, IndicatorSpec, Steps
from .messages import CATALOGUE, Message, check_lang, join, localise, localise_frame, msg, pair, texts

THEME_PREFIX = "thema:"

#: Regions with fewer inhabitants than this are not ranked and get no money unless the user asks for it
#: (an industrial estate with 200 inhabitants is not a neighbourhood in need). ``0`` ranks every region.
DEFAULT_MIN_POPULATION = 500


@dataclass
class IndexInputs:
    """What an index is computed from: raw values for the whole reference population.

    ``values`` holds regions (index) × indicator ids (columns); ``groups`` gives each region's reference
    group (normalisation statistics are computed within a group: one gemeente, the Regio Deal, or NL);
    ``targets`` are the regions to rank (a subset of the index of ``values``).
    """

    values: pd.DataFrame
    groups: pd.Series
    targets: list[str]
    level: str
    boundary_year: int
    names: dict[str, str] = field(default_factory=dict)
    population: pd.Series | None = None
    reference_values: pd.DataFrame | None = None  # group label × indicator id (raw), for distance_to_reference
    provenance: dict[str, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: the reference actually used ("gemeente", "regio_deal" or "nl"); None = the definition's own
    reference: str | None = None
    #: targets with fewer inhabitants are not ranked (None or 0: every target is ranked); regions without a
    #: known population are ranked (nothing says they are small)
    min_population: float | None = None


def reference_label(reference: str, lang: str = "nl") -> str:
    """The reference population as a reader says it: ``nl`` → "Nederland"."""
    code = f"reference.{reference}"
    return msg(code).text(lang) if code in CATALOGUE else reference


@dataclass(frozen=True)
class Layout:
    """The definition resolved against the data: which indicators and themes can be used."""

    indicator_ids: list[str]
    specs: list[IndicatorSpec]
    sign: np.ndarray
    theme_ids: list[str]
    theme_labels: list[str]
    theme_of: np.ndarray
    ind_weight: np.ndarray
    theme_weight: np.ndarray
    theme_range: np.ndarray  # m × 2 (lower, upper); equal to the weight when no range is stated
    missing_themes: list[dict]
    unavailable: list[dict]


def import_hint(spec: IndicatorSpec, level: str) -> Message:
    return msg("indicator.import_hint", indicator=spec.id, level=level,
               source=spec.source or msg("indicator.source_unknown"))


def resolve_layout(definition: Definition, values: pd.DataFrame, level: str) -> Layout:
    ids, specs, sign, theme_of, ind_w = [], [], [], [], []
    theme_ids, theme_labels, theme_w, theme_r, missing_themes, unavailable = [], [], [], [], [], []
    for theme in definition.themes:
        usable = []
        for spec in theme.all_indicators:
            has = spec.id in values.columns and values[spec.id].notna().any()
            if has:
                usable.append(spec)
            else:
                unavailable.append({
                    "theme": theme.id, "indicator": spec.id, "label": pair(spec.label or spec.id, spec.label_en), "wanted": spec.wanted,
                    "sia": spec.sia, "source": spec.source,
                    "reason": msg("indicator.wanted") if spec.wanted else msg("indicator.no_data", level=level),
                    "hint": import_hint(spec, level),
                })
        if not usable:
            missing_themes.append({
                "theme": theme.id, "label": pair(theme.label_nl, theme.label_en),
                "reason": msg("theme.no_data"),
                "missing_indicators": [u for u in unavailable if u["theme"] == theme.id],
            })
            continue
        m = len(theme_ids)
        theme_ids.append(theme.id)
        theme_labels.append(pair(theme.label_nl, theme.label_en))
        theme_w.append(theme.weight)
        theme_r.append(theme.weight_range or (theme.weight, theme.weight))
        for spec in usable:
            ids.append(spec.id)
            specs.append(spec)
            sign.append(1.0 if spec.polarity == "higher_is_worse" else -1.0)
            theme_of.append(m)
            ind_w.append(spec.weight)
    return Layout(ids, specs, np.array(sign), theme_ids, theme_labels, np.array(theme_of, dtype=int),
                  np.array(ind_w, dtype=float), np.array(theme_w, dtype=float), np.array(theme_r, dtype=float),
                  missing_themes, unavailable)


class Engine:
    """The index pipeline on one input matrix, with caches so a Monte Carlo reuses shared steps."""

    def __init__(self, definition: Definition, inputs: IndexInputs):
        self.definition = definition
        self.inputs = inputs
        values = inputs.values.sort_index()
        self.regions = list(values.index)
        self.layout = layout = resolve_layout(definition, values, inputs.level)
        K = len(layout.indicator_ids)
        self.M = len(layout.theme_ids)
        raw = values.reindex(columns=layout.indicator_ids).to_numpy(dtype=float) if K else np.empty((len(values), 0))
        self.X = raw * layout.sign[None, :] if K else raw
        observed = ~np.isnan(self.X)
        self.n_observed = observed.sum(axis=1)
        self.coverage = self.n_observed / K if K else np.zeros(len(values))
        theme_ok = np.stack([observed[:, layout.theme_of == m].any(axis=1) for m in range(self.M)], axis=1) \
            if self.M else np.zeros((len(values), 0), dtype=bool)
        self.theme_ok = theme_ok
        self.scorable = (self.coverage + 1e-12 >= definition.min_coverage) & theme_ok.all(axis=1) & (K > 0)
        # too few inhabitants: not ranked and never selected for money; the region's values still count in the
        # normalisation (they are real figures of the reference population)
        self.population = (inputs.population.reindex(self.regions).to_numpy(dtype=float)
                           if inputs.population is not None else np.full(len(self.regions), np.nan))
        self.min_population = float(inputs.min_population) if inputs.min_population else None
        self.small = (~np.isnan(self.population) & (self.population < self.min_population)
                      if self.min_population else np.zeros(len(self.regions), dtype=bool))
        self.scorable = self.scorable & ~self.small
        groups = inputs.groups.reindex(self.regions)
        if groups.isna().any():
            raise ValueError("elk gebied in de referentiepopulatie heeft een referentiegroep nodig")
        self.group_labels = sorted(groups.unique())
        self.group_rows = {g: np.flatnonzero(groups.to_numpy() == g) for g in self.group_labels}
        self.ref_vals: dict = {}
        for g in self.group_labels:
            rv = None
            if inputs.reference_values is not None and g in inputs.reference_values.index:
                rv = inputs.reference_values.reindex(columns=layout.indicator_ids).loc[g].to_numpy(dtype=float)
                rv = rv * layout.sign
            self.ref_vals[g] = rv
        pos = {r: i for i, r in enumerate(self.regions)}
        missing_targets = [t for t in inputs.targets if t not in pos]
        if missing_targets:
            raise ValueError(f"doelgebieden niet in de referentiepopulatie: {', '.join(missing_targets[:5])}")
        self.target_idx = np.array([pos[t] for t in sorted(inputs.targets)], dtype=int)
        self.notes: list[Message] = []
        self._zcache: dict = {}
        self._tcache: dict = {}
        self.pca_loadings: dict = {}

    # -- steps ---------------------------------------------------------------------------------------
    def normalised(self, g, steps: Steps) -> np.ndarray:
        key = (g, steps.imputation, steps.outliers.key, steps.normalisation)
        if key not in self._zcache:
            rows = self.group_rows[g]
            X = self.X[rows]
            o = steps.outliers
            X = methods.winsorise(X, o.rule, o.lower, o.upper, o.k)
            if steps.imputation == "reference_mean":
                X = methods.impute_reference_mean(X)
            Z, notes = methods.normalise(X, steps.normalisation, self.ref_vals[g])
            for n in notes:
                if n not in self.notes:
                    self.notes.append(n)
            if steps.imputation == "theme_mean":
                Z = methods.impute_theme_mean(Z, self.layout.theme_of, self.M)
            self._zcache[key] = Z
        return self._zcache[key]

    def indicator_weights(self, g, steps: Steps) -> np.ndarray:
        if steps.weights == "expert":
            return self.layout.ind_weight
        if steps.weights == "pca":
            Z = self.normalised(g, steps)
            w, loadings = methods.pca_weights(Z, self.layout.theme_of, self.M)
            self.pca_loadings[(g, steps.normalisation, steps.outliers.key, steps.imputation)] = loadings
            return w
        return np.ones(len(self.layout.indicator_ids))

    def theme_weights(self, scheme: str) -> np.ndarray:
        w = self.layout.theme_weight if scheme == "expert" else np.ones(self.M)
        return w / w.sum()

    def theme_scores(self, g, steps: Steps) -> np.ndarray:
        key = (g, steps.imputation, steps.outliers.key, steps.normalisation, steps.weights, steps.within)
        if key not in self._tcache:
            Z = self.normalised(g, steps)
            w = self.indicator_weights(g, steps)
            self._tcache[key] = methods.within_theme(Z, self.layout.theme_of, self.M, w, steps.within)
        return self._tcache[key]

    def scores(self, steps: Steps, W: np.ndarray | None = None) -> np.ndarray:
        """Index scores for all reference regions (n × d), NaN where a region cannot be scored."""
        if W is None:
            W = self.theme_weights(steps.weights)[None, :]
        S = np.full((len(self.regions), W.shape[0]), np.nan)
        for g in self.group_labels:
            rows = self.group_rows[g]
            ok = self.scorable[rows]
            if not ok.any():
                continue
            T = self.theme_scores(g, steps)[ok]
            S[rows[ok]] = methods.across_themes(T, W, steps.across)
        return S

    def target_ranks(self, S: np.ndarray) -> np.ndarray:
        """Ranks among the targets (1 = most need) for score columns ``S`` of all regions."""
        return methods.ranks_desc(S[self.target_idx])

    def theme_frame(self, steps: Steps) -> np.ndarray:
        T = np.full((len(self.regions), self.M), np.nan)
        for g in self.group_labels:
            rows = self.group_rows[g]
            T[rows] = self.theme_scores(g, steps)
        return T

    def normalised_frame(self, steps: Steps) -> np.ndarray:
        Z = np.full(self.X.shape, np.nan)
        for g in self.group_labels:
            Z[self.group_rows[g]] = self.normalised(g, steps)
        return Z


def _reason(engine: Engine, i: int) -> Message | None:
    """Why region ``i`` has no score (None when it has one), as a message in Dutch and English."""
    if engine.scorable[i]:
        return None
    K = len(engine.layout.indicator_ids)
    if K == 0:
        return msg("reason.no_indicator")
    n = int(engine.n_observed[i])
    need = engine.definition.min_coverage
    parts = []
    if engine.small[i]:  # first, and with any other reason, so that a reader sees every cause
        parts.append(msg("reason.small_population", n=int(engine.population[i]), min=int(engine.min_population)))
    if engine.coverage[i] + 1e-12 < need:
        parts.append(msg("reason.coverage", n=n, k=K, coverage=float(engine.coverage[i]), need=need))
    empty = [engine.layout.theme_labels[m] for m in range(engine.M) if not engine.theme_ok[i, m]]
    if empty:
        parts.append(msg("reason.empty_themes", themes=join(empty, ", ")))
    return join(parts, "; ", code="reason")


@dataclass
class IndexResult:
    """A computed index. ``scores`` has one row per target region (see :meth:`to_frame`).

    Attributes: ``definition`` (id, version), ``steps`` (the choices used), ``level``, ``boundary_year``,
    ``reference``, ``scores`` (score, rank, coverage, reason, theme scores), ``normalised`` (oriented,
    normalised indicator values), ``missing_themes`` (declared themes without data, with import hints),
    ``unavailable`` (indicators without data), ``notes`` and ``provenance``.
    """

    definition: Definition
    steps: Steps
    level: str
    boundary_year: int
    reference: str
    scores: pd.DataFrame
    normalised: pd.DataFrame
    theme_ids: list[str]
    theme_labels: list[str]
    missing_themes: list[dict]
    unavailable: list[dict]
    notes: list[str]
    provenance: dict[str, dict]
    min_population: float | None = None
    #: target regions left out because they have fewer inhabitants than ``min_population``
    too_small: list[str] = field(default_factory=list)

    def reference_label(self, lang: str = "nl") -> str:
        return reference_label(self.reference, lang)

    @property
    def scored(self) -> pd.DataFrame:
        return self.scores[self.scores["score"].notna()]

    @property
    def unscored(self) -> pd.DataFrame:
        return self.scores[self.scores["score"].isna()]

    def to_frame(self, lang: str = "nl") -> pd.DataFrame:
        """Scores per target region; texts (``reason``) in ``lang``."""
        return localise_frame(self.scores, check_lang(lang))

    def to_dict(self, lang: str = "nl") -> dict:
        """Everything as plain data; texts (reasons, labels, hints, notes) in ``lang`` ("nl" or "en")."""
        check_lang(lang)
        rows = []
        for code, r in self.scores.iterrows():
            rows.append({
                "region": code, "name": r.get("name"), "gemeente": r.get("gemeente"),
                "score": _num(r["score"]), "rank": None if pd.isna(r["rank"]) else int(r["rank"]),
                "coverage": _num(r["coverage"]), "reason": self.scores["reason"][code],
                "themes": {t: _num(r[THEME_PREFIX + t]) for t in self.theme_ids},
            })
        return localise({
            "index": self.definition.id, "version": self.definition.version, "level": self.level,
            "boundary_year": self.boundary_year, "reference": self.reference,
            "reference_label": self.reference_label(lang), "min_population": self.min_population,
            "too_small": self.too_small, "steps": self.steps.to_dict(),
            "themes": [{"id": t, "label": lab} for t, lab in zip(self.theme_ids, self.theme_labels, strict=True)],
            "missing_themes": self.missing_themes, "unavailable_indicators": self.unavailable,
            "notes": self.notes, "provenance": self.provenance, "regions": rows,
        }, lang)



def build_result(engine: Engine, steps: Steps) -> IndexResult:
    inputs = engine.inputs
    S = engine.scores(steps)[:, 0]
    T = engine.theme_frame(steps)
    Z = engine.normalised_frame(steps)
    idx = engine.target_idx
    codes = [engine.regions[i] for i in idx]
    ranks = engine.target_ranks(S[:, None])[:, 0].astype(float)
    score_t = S[idx]
    ranks[np.isnan(score_t)] = np.nan
    frame = pd.DataFrame({
        "name": [inputs.names.get(c, c) for c in codes],
        "gemeente": [gemeente_of(c) or c for c in codes],
        "score": score_t,
        "rank": ranks,
        "coverage": engine.coverage[idx],
        "n_observed": engine.n_observed[idx].astype(int),
        "n_indicators": len(engine.layout.indicator_ids),
    }, index=pd.Index(codes, name="region"))
    frame["reason"] = texts((_reason(engine, i) for i in idx), frame.index)
    if inputs.population is not None:
        frame.insert(2, "inwoners", inputs.population.reindex(codes).to_numpy(dtype=float))
    for m, t in enumerate(engine.layout.theme_ids):
        col = T[idx, m].copy()
        col[np.isnan(score_t)] = np.nan
        frame[THEME_PREFIX + t] = col
    normalised = pd.DataFrame(Z[idx], index=frame.index, columns=engine.layout.indicator_ids)
    notes = list(inputs.notes) + list(engine.notes)
    if engine.layout.missing_themes:
        missing = ", ".join(m["theme"] for m in engine.layout.missing_themes)
        notes.append(msg("note.missing_themes", m=engine.M, total=engine.M + len(engine.layout.missing_themes),
                         missing=missing))
    too_small = [engine.regions[i] for i in idx if engine.small[i]]
    if engine.min_population:
        mp = int(engine.min_population)
        if too_small:
            listed = ", ".join(f"{inputs.names.get(c, c)} ({int(engine.population[engine.regions.index(c)])})"
                               for c in too_small)
            notes.append(msg("note.min_population", min=mp, n=len(too_small), regions=listed))
        else:
            notes.append(msg("note.min_population_none", min=mp))
    elif inputs.min_population == 0:
        notes.append(msg("note.min_population_off"))
    return IndexResult(
        definition=engine.definition, steps=steps, level=inputs.level, boundary_year=inputs.boundary_year,
        reference=inputs.reference or engine.definition.reference, scores=frame, normalised=normalised,
        theme_ids=list(engine.layout.theme_ids), theme_labels=list(engine.layout.theme_labels),
        missing_themes=engine.layout.missing_themes, unavailable=engine.layout.unavailable, notes=notes,
        provenance=inputs.provenance, min_population=inputs.min_population, too_small=too_small,
    )


def compute_index(definition: Definition, inputs: IndexInputs, steps: Steps | None = None) -> IndexResult:
    """Compute the index with the definition's choices (or ``steps``) for the target regions."""
    engine = Engine(definition, inputs)
    return build_result(engine, steps or definition.steps)
