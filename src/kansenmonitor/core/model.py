"""The core model: regions, indicators and observations.

Pure Python, no I/O. Everything else (importers, store, web, reports, CLI) reads and writes these.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import StrEnum


class Level(StrEnum):
    """Geographic level of a region. ``land`` is the Netherlands as a whole."""

    LAND = "land"
    GEMEENTE = "gemeente"
    STADSDEEL = "stadsdeel"
    WIJK = "wijk"
    BUURT = "buurt"
    PC4 = "pc4"
    GEBIED = "gebied"  # custom area: focus area, school catchment, ...

    @property
    def is_custom(self) -> bool:
        return self in (Level.STADSDEEL, Level.GEBIED)


#: Order from large to small, used to sort and to find a parent level.
LEVEL_ORDER = [Level.LAND, Level.GEMEENTE, Level.STADSDEEL, Level.GEBIED, Level.WIJK, Level.PC4, Level.BUURT]


class Polarity(StrEnum):
    """Which direction of an indicator is favourable."""

    HIGHER_IS_BETTER = "higher_is_better"
    HIGHER_IS_WORSE = "higher_is_worse"
    NEUTRAL = "neutral"


class Aggregation(StrEnum):
    """How an indicator is re-aggregated from smaller to larger regions."""

    SUM = "sum"
    RATIO = "ratio"  # ratio of sums: sum(numerator) / sum(denominator) * factor
    WEIGHTED_MEAN = "weighted_mean"  # mean weighted by another indicator (e.g. inhabitants)
    NONE = "none"  # not aggregatable (model estimates, medians, distances, classes)


class Status(StrEnum):
    """Status of one observation. Missing markers become a status, never a number."""

    MEASURED = "measured"
    ESTIMATED = "estimated"
    SUPPRESSED = "suppressed"
    MISSING = "missing"


#: CBS markers that mean "no value": secret, not available, unknown ("NA" is how R writes a missing value).
CBS_MISSING_MARKERS = frozenset({"", ".", "-", "?", "-99997", "-99999999", "-99995", "-99996", "nan", "NaN", "NA"})
#: Of those, the ones that mean "suppressed for confidentiality" rather than just absent.
CBS_SUPPRESSED_MARKERS = frozenset({"-99997", "-99999999", "x", "<5"})

_CODE_PATTERNS = {
    Level.LAND: re.compile(r"^NL\d{2}$"),
    Level.GEMEENTE: re.compile(r"^GM\d{4}$"),
    Level.WIJK: re.compile(r"^WK\d{4}[0-9A-Z]{2}$"),
    Level.BUURT: re.compile(r"^BU\d{4}[0-9A-Z]{4}$"),
    Level.PC4: re.compile(r"^PC\d{4}$"),
}
_CUSTOM_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,11}-[A-Za-z0-9_\-]{1,60}$")


def number_or_none(value: object) -> float | None:
    """A finite float, or ``None`` for None, NaN and anything that is not a number."""
    if value is None:
        return None
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def level_of_code(code: str) -> Level | None:
    """Return the CBS level a code belongs to (``GM0153`` → gemeente), or ``None`` for custom codes."""
    for level, pattern in _CODE_PATTERNS.items():
        if pattern.match(code):
            return level
    return None


def is_valid_cbs_code(code: str) -> bool:
    return level_of_code(code) is not None


def is_valid_custom_code(code: str) -> bool:
    """Custom area codes look like ``SD-ENSCHEDE-ZUID`` or ``FG-WESSELERBRINK``: prefix, dash, name."""
    return bool(_CUSTOM_CODE.match(code)) and level_of_code(code) is None


def gemeente_of(code: str) -> str | None:
    """The gemeente code of a CBS wijk or buurt code (``BU01530301`` → ``GM0153``)."""
    level = level_of_code(code)
    if level in (Level.WIJK, Level.BUURT):
        return "GM" + code[2:6]
    if level == Level.GEMEENTE:
        return code
    return None


def wijk_of(code: str) -> str | None:
    """The wijk code of a CBS buurt code (``BU01530301`` → ``WK015303``)."""
    if level_of_code(code) == Level.BUURT:
        return "WK" + code[2:8]
    return None


def cbs_parent(code: str) -> str | None:
    """The CBS parent of a code: buurt → wijk → gemeente → NL01."""
    level = level_of_code(code)
    if level == Level.BUURT:
        return wijk_of(code)
    if level == Level.WIJK:
        return gemeente_of(code)
    if level == Level.GEMEENTE:
        return "NL01"
    return None


@dataclass(frozen=True)
class Region:
    """A region of one boundary year (indeling). ``(code, boundary_year)`` is its identity."""

    code: str
    name: str
    level: Level
    boundary_year: int
    parent: str | None = None
    geometry: str | None = None  # GeoJSON geometry (WGS84) as text
    members: tuple[str, ...] = ()  # for custom areas: the wijk/buurt codes that make it up
    source: str | None = None
    note: str | None = None

    @property
    def gemeente(self) -> str | None:
        if self.level == Level.GEMEENTE:
            return self.code
        if self.parent and self.parent.startswith("GM"):
            return self.parent
        return gemeente_of(self.code)


@dataclass(frozen=True)
class Source:
    """Where an indicator's values come from."""

    publisher: str
    table: str | None = None
    column: str | None = None
    url: str | None = None
    licence: str | None = None
    note: str | None = None  # e.g. "third-party reshaping of CBS data, see PROVENANCE.md"
    filters: dict[str, str] = field(default_factory=dict)  # e.g. {"Leeftijd": "20300"}
    estimated: bool = False  # values are model estimates (status 'estimated'), not counts

    def label(self) -> str:
        parts = [self.publisher]
        if self.table:
            parts.append(self.table)
        if self.column:
            parts.append(self.column)
        return ", ".join(parts)


@dataclass(frozen=True)
class Indicator:
    """An indicator declared as data in the catalogue."""

    id: str
    label_nl: str
    label_en: str
    unit: str
    theme: str
    polarity: Polarity
    aggregation: Aggregation
    definition_nl: str = ""
    definition_en: str = ""
    sources: tuple[Source, ...] = ()
    numerator: str | None = None  # indicator id, for ratio aggregation or derived ratios
    denominator: str | None = None
    factor: float = 1.0  # e.g. 100 for a percentage, 1000 for "per 1000 inhabitants"
    weight: str | None = None  # indicator id or a sum/difference of them ("inwoners - inwoners_0_14"), weighted_mean
    min_count: int | None = None  # minimum denominator count behind a published value
    decimals: int = 1
    value_type: str = "float"  # float | int | category
    max_value: float | None = None  # e.g. 100 for a percentage
    min_value: float | None = None  # declared lower bound; by default 0 for counts, shares and rates (see validate)
    catalogue_file: str | None = None
    structural: bool = False  # part of the default similarity profile (age, households, housing, density)
    aggregation_note_nl: str = ""  # why an indicator with aggregation 'none' cannot be computed for an own area
    aggregation_note_en: str = ""

    def label(self, lang: str = "nl") -> str:
        return self.label_en if lang == "en" else self.label_nl

    def definition(self, lang: str = "nl") -> str:
        return self.definition_en if lang == "en" else self.definition_nl

    def aggregation_note(self, lang: str = "nl") -> str:
        return self.aggregation_note_en if lang == "en" else self.aggregation_note_nl

    @property
    def weight_terms(self) -> tuple[tuple[int, str], ...]:
        """The weight as signed indicator ids: ``"inwoners - inwoners_0_14"`` → ((1, "inwoners"),
        (-1, "inwoners_0_14")). The weight of a model estimate for an age group is that group's population."""
        return parse_weight(self.weight) if self.weight else ()

    @property
    def is_model_estimate(self) -> bool:
        """Every source of the indicator gives model estimates (not counts): an aggregate is an estimate too."""
        return bool(self.sources) and all(s.estimated for s in self.sources)

    @property
    def is_derived(self) -> bool:
        """Derived indicators are computed from a numerator and denominator indicator."""
        return self.numerator is not None and self.denominator is not None


_WEIGHT_TERM = re.compile(r"\s*([+-]?)\s*([a-z][a-z0-9_]*)\s*")


def parse_weight(text: str) -> tuple[tuple[int, str], ...]:
    """Signed terms of a weight expression (``a``, ``a - b``, ``a + b - c``); ValueError when it is not one."""
    out: list[tuple[int, str]] = []
    pos = 0
    while pos < len(text):
        m = _WEIGHT_TERM.match(text, pos)
        if m is None or m.end() == pos or (out and not m.group(1)) or (not out and m.group(1) == "-"):
            raise ValueError(f"'{text}' is geen gewicht: gebruik indicatoren met + en -, zoals 'inwoners - inwoners_0_14'")
        out.append((-1 if m.group(1) == "-" else 1, m.group(2)))
        pos = m.end()
    if not out:
        raise ValueError("een leeg gewicht")
    return tuple(out)


@dataclass(frozen=True)
class Observation:
    """One value: region × indicator × period, with status and provenance."""

    region: str
    boundary_year: int
    indicator: str
    period: int
    value: float | None
    status: Status = Status.MEASURED
    numerator: float | None = None
    denominator: float | None = None
    lower: float | None = None
    upper: float | None = None
    source_ref: str | None = None

    def __post_init__(self) -> None:
        if self.value is None and self.status in (Status.MEASURED, Status.ESTIMATED):
            raise ValueError("an observation without a value must have status 'suppressed' or 'missing'")
