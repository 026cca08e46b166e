"""Declarative index definitions: YAML files, validated on load, versioned.

A definition names themes (domains), the indicators that fill each theme, the indicators that a theme
*wants* but that are not (yet) in the data (``missing_indicators``), and one choice per method step:
imputation, outlier treatment, normalisation, weights, aggregation within and across themes, the
reference population and the minimum coverage. ``alternatives`` lists which choices the uncertainty
analysis may vary. Every problem is reported with file, line and field; nothing is computed from an
invalid definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from ..core.catalogue import load_yaml_with_lines, strip_lines
from ..core.errors import DefinitionError, Issue, KansenmonitorError

IMPUTATIONS = ("none", "theme_mean", "reference_mean")
NORMALISATIONS = ("zscore", "minmax", "rank", "distance_to_reference")
WEIGHT_SCHEMES = ("equal", "expert", "pca")
WITHIN = ("arithmetic", "geometric")
ACROSS = ("arithmetic", "geometric", "imd_exponential")
REFERENCES = ("gemeente", "regio_deal", "nl")
LEVELS = ("buurt", "wijk", "gemeente")
POLARITIES = ("higher_is_better", "higher_is_worse")
STEP_KEYS = ("imputation", "outliers", "normalisation", "weights", "within", "across")
#: the gemeenten that carry out the Regio Deal "Elk talent telt"; Hengelo does not ("Hengelo neemt niet deel
#: in de uitvoering van het Regio Deal project", proposal p. 2)
REGIO_DEAL_GEMEENTEN = ("GM0153", "GM0141")
WEIGHT_TOLERANCE = 1e-6


class UnknownDefinitionError(KansenmonitorError, LookupError):
    """No index definition with this id."""


@dataclass(frozen=True)
class Outliers:
    """Outlier treatment: ``none``, winsorise at reference percentiles, or at mean ± k·SD."""

    rule: str = "none"  # none | percentile | sd
    lower: float = 5.0  # percentile (0-100) for rule=percentile
    upper: float = 95.0
    k: float = 3.0  # for rule=sd

    @property
    def key(self) -> str:
        if self.rule == "percentile":
            return f"percentile:{self.lower:g}-{self.upper:g}"
        if self.rule == "sd":
            return f"sd:{self.k:g}"
        return "none"

    def to_dict(self) -> dict:
        if self.rule == "percentile":
            return {"rule": "percentile", "lower": self.lower, "upper": self.upper}
        if self.rule == "sd":
            return {"rule": "sd", "k": self.k}
        return {"rule": "none"}


@dataclass(frozen=True)
class Steps:
    """One choice per method step."""

    imputation: str = "none"
    outliers: Outliers = field(default_factory=Outliers)
    normalisation: str = "zscore"
    weights: str = "equal"
    within: str = "arithmetic"
    across: str = "arithmetic"

    def get(self, step: str):
        return getattr(self, step)

    def with_(self, step: str, value) -> Steps:
        return replace(self, **{step: value})

    def key(self, step: str) -> str:
        value = self.get(step)
        return value.key if isinstance(value, Outliers) else str(value)

    def to_dict(self) -> dict:
        return {s: (self.get(s).to_dict() if s == "outliers" else self.get(s)) for s in STEP_KEYS}


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator in a theme, with the polarity used (from the catalogue or overridden)."""

    id: str
    polarity: str
    weight: float = 1.0
    period: int | None = None  # pin the period (e.g. 2024 when 2025 is incomplete); else the latest
    proxy: str | None = None  # what this stands in for, when it is a proxy
    wanted: bool = False  # listed under missing_indicators: used only once the data is imported
    label: str | None = None
    source: str | None = None
    sia: str | None = None  # the SIA / MDI indicator this fills or stands for
    label_en: str | None = None
    line: int | None = None

    def to_dict(self) -> dict:
        out = {"id": self.id, "polarity": self.polarity, "weight": self.weight, "wanted": self.wanted}
        for key in ("period", "proxy", "label", "source", "sia"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


@dataclass(frozen=True)
class Theme:
    id: str
    label_nl: str
    label_en: str
    indicators: tuple[IndicatorSpec, ...]
    missing: tuple[IndicatorSpec, ...] = ()
    weight: float = 1.0
    weight_range: tuple[float, float] | None = None
    note: str | None = None
    line: int | None = None

    def label(self, lang: str = "nl") -> str:
        return self.label_en if lang == "en" and self.label_en else self.label_nl

    @property
    def all_indicators(self) -> tuple[IndicatorSpec, ...]:
        return self.indicators + self.missing

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "label": {"nl": self.label_nl, "en": self.label_en},
            "weight": self.weight,
            "weight_range": list(self.weight_range) if self.weight_range else None,
            "indicators": [i.to_dict() for i in self.indicators],
            "missing_indicators": [i.to_dict() for i in self.missing],
            "note": self.note,
        }


@dataclass(frozen=True)
class Definition:
    """A validated index definition."""

    id: str
    version: str
    label_nl: str
    label_en: str
    description_nl: str
    description_en: str
    levels: tuple[str, ...]
    boundary_year: int
    reference: str
    min_coverage: float
    steps: Steps
    alternatives: dict[str, tuple]
    themes: tuple[Theme, ...]
    weights_sum: float | None = None
    file: str | None = None

    def label(self, lang: str = "nl") -> str:
        return self.label_en if lang == "en" and self.label_en else self.label_nl

    def theme(self, tid: str) -> Theme:
        for t in self.themes:
            if t.id == tid:
                return t
        raise KeyError(tid)

    @property
    def indicator_ids(self) -> list[str]:
        return [i.id for t in self.themes for i in t.all_indicators]

    def with_steps(self, **changes) -> Definition:
        return replace(self, steps=replace(self.steps, **changes))

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "version": self.version,
            "label": {"nl": self.label_nl, "en": self.label_en},
            "description": {"nl": self.description_nl, "en": self.description_en},
            "levels": list(self.levels),
            "boundary_year": self.boundary_year,
            "reference": self.reference,
            "min_coverage": self.min_coverage,
            "steps": self.steps.to_dict(),
            "alternatives": {k: [v.to_dict() if isinstance(v, Outliers) else v for v in vs]
                             for k, vs in self.alternatives.items()},
            "themes": [t.to_dict() for t in self.themes],
            "weights_sum": self.weights_sum,
        }


# -- parsing ------------------------------------------------------------------------------------------

def _text(value: Any, lang: str) -> str:
    if isinstance(value, Mapping):
        return str(value.get(lang) or "")
    return str(value or "") if lang == "nl" else ""


class _Collector:
    def __init__(self, file: str):
        self.file = file
        self.issues: list[Issue] = []

    def add(self, line: int | None, fld: str | None, message: str, hint: str | None = None) -> None:
        self.issues.append(Issue(self.file, line, fld, message, hint))


def _parse_outliers(value: Any, c: _Collector, line: int | None, fld: str) -> Outliers | None:
    if value is None or value == "none":
        return Outliers()
    if isinstance(value, str):
        # short forms: "sd:3", "percentile:5-95"
        try:
            rule, _, arg = value.partition(":")
            if rule == "sd":
                return Outliers("sd", k=float(arg or 3))
            if rule == "percentile":
                lo, _, hi = arg.partition("-")
                return Outliers("percentile", lower=float(lo), upper=float(hi))
        except ValueError:
            pass
        c.add(line, fld, f"onbekende uitschieterregel '{value}'", "kies none, sd:3 of percentile:5-95")
        return None
    if isinstance(value, Mapping):
        rule = value.get("rule", "none")
        vline = value.get("__line__", line)
        try:
            if rule == "none":
                return Outliers()
            if rule == "sd":
                k = float(value.get("k", 3))
                if k <= 0:
                    raise ValueError
                return Outliers("sd", k=k)
            if rule == "percentile":
                lo, hi = float(value.get("lower", 5)), float(value.get("upper", 95))
                if not 0 <= lo < hi <= 100:
                    c.add(vline, fld, f"percentielen {lo:g}–{hi:g} zijn ongeldig", "0 ≤ lower < upper ≤ 100")
                    return None
                return Outliers("percentile", lower=lo, upper=hi)
        except (TypeError, ValueError):
            c.add(vline, fld, "ongeldige waarde bij de uitschieterregel", "k moet een positief getal zijn")
            return None
        c.add(vline, fld, f"onbekende uitschieterregel '{rule}'", "kies none, sd of percentile")
        return None
    c.add(line, fld, "ongeldige uitschieterregel", "gebruik bijvoorbeeld {rule: sd, k: 3}")
    return None


_CHOICES = {
    "imputation": IMPUTATIONS,
    "normalisation": NORMALISATIONS,
    "weights": WEIGHT_SCHEMES,
    "within": WITHIN,
    "across": ACROSS,
}


def _parse_choice(step: str, value: Any, c: _Collector, line: int | None, fld: str):
    if step == "outliers":
        return _parse_outliers(value, c, line, fld)
    if value not in _CHOICES[step]:
        c.add(line, fld, f"onbekende keuze '{value}' voor {step}", f"kies uit {', '.join(_CHOICES[step])}")
        return None
    return value


def _number(value: Any, c: _Collector, line: int | None, fld: str, positive: bool = False) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        c.add(line, fld, f"'{value}' is geen getal")
        return None
    if positive and x < 0:
        c.add(line, fld, f"{x:g} is negatief", "gewichten zijn nul of groter")
        return None
    return x


def _parse_indicator(entry: Any, theme_id: str, wanted: bool, catalogue: Mapping | None, c: _Collector,
                     theme_line: int | None) -> IndicatorSpec | None:
    if isinstance(entry, str):
        entry = {"id": entry, "__line__": theme_line}
    if not isinstance(entry, Mapping) or "id" not in entry:
        c.add(theme_line, "indicators", f"thema '{theme_id}': elke indicator heeft een 'id'")
        return None
    line = entry.get("__line__", theme_line)
    iid = str(entry["id"])
    known_keys = {"id", "polarity", "weight", "period", "proxy", "label", "source", "sia", "__line__"}
    for key in sorted(set(entry) - known_keys):
        c.add(line, key, f"onbekend veld bij indicator '{iid}'", f"toegestaan: {', '.join(sorted(known_keys - {'__line__'}))}")
    in_catalogue = catalogue is not None and iid in catalogue
    if not wanted and catalogue is not None and not in_catalogue:
        c.add(line, "id", f"indicator '{iid}' (thema '{theme_id}') staat niet in de catalogus",
              "controleer de spelling met 'kansenmonitor indicators', of zet hem onder missing_indicators")
        return None
    polarity = entry.get("polarity")
    if polarity is None and in_catalogue:
        cat_pol = str(getattr(catalogue[iid].polarity, "value", catalogue[iid].polarity))
        if cat_pol in POLARITIES:
            polarity = cat_pol
        else:
            c.add(line, "polarity", f"indicator '{iid}' is in de catalogus neutraal; de index moet weten welke kant "
                  "slechter is", "geef 'polarity: higher_is_worse' of 'polarity: higher_is_better'")
            return None
    if polarity is None:
        c.add(line, "polarity", f"indicator '{iid}' heeft geen polariteit",
              "geef 'polarity: higher_is_worse' of 'polarity: higher_is_better'")
        return None
    if polarity not in POLARITIES:
        c.add(line, "polarity", f"onbekende polariteit '{polarity}'", f"kies uit {', '.join(POLARITIES)}")
        return None
    weight = _number(entry.get("weight", 1.0), c, line, "weight", positive=True)
    if weight is None:
        return None
    period = entry.get("period")
    if period is not None and not (isinstance(period, int) and 1900 < period < 2100):
        c.add(line, "period", f"'{period}' is geen jaartal")
        return None
    if wanted:
        for key in ("label", "source"):
            if not entry.get(key):
                c.add(line, key, f"ontbrekende indicator '{iid}' mist '{key}'",
                      "zeg wat er ontbreekt en waar de gebruiker het kan halen")
    label = entry.get("label")
    nl, en = (_text(label, "nl"), _text(label, "en") or None) if label else (None, None)
    if nl is None and in_catalogue:
        # an indicator without data at some level is named to readers: by its catalogue label, never its id
        nl, en = catalogue[iid].label("nl"), catalogue[iid].label("en")
    return IndicatorSpec(
        id=iid, polarity=str(polarity), weight=weight, period=period, proxy=entry.get("proxy"), wanted=wanted,
        label=nl, source=entry.get("source"), sia=entry.get("sia"), line=line, label_en=en,
    )


def parse_definition(doc: Any, file: str, catalogue: Mapping | None = None) -> Definition:
    """Validate a loaded YAML document (with ``__line__`` markers). Raises :class:`DefinitionError`."""
    c = _Collector(file)
    if not isinstance(doc, Mapping):
        raise DefinitionError([Issue(file, 1, None, "een indexdefinitie is een mapping (id, version, themes, …)")])
    top = doc.get("__line__", 1)
    known = {"id", "version", "label", "description", "levels", "boundary_year", "reference", "min_coverage",
             "steps", "alternatives", "themes", "weights", "__line__"}
    for key in sorted(set(doc) - known):
        c.add(top, key, "onbekend veld", f"toegestaan: {', '.join(sorted(known - {'__line__'}))}")
    for key in ("id", "version", "themes"):
        if key not in doc:
            c.add(top, key, "verplicht veld ontbreekt")
    if c.issues and any(i.field in ("id", "version", "themes") for i in c.issues):
        raise DefinitionError(c.issues, "De indexdefinitie is niet geldig; er is niets berekend.")

    levels = doc.get("levels", ["buurt", "wijk"])
    levels = [levels] if isinstance(levels, str) else list(levels)
    for lv in levels:
        if lv not in LEVELS:
            c.add(top, "levels", f"onbekend niveau '{lv}'", f"kies uit {', '.join(LEVELS)}")
    reference = doc.get("reference", "gemeente")
    if reference not in REFERENCES:
        c.add(top, "reference", f"onbekende referentiepopulatie '{reference}'", f"kies uit {', '.join(REFERENCES)}")
    min_cov = _number(doc.get("min_coverage", 0.65), c, top, "min_coverage")
    if min_cov is not None and min_cov > 1:
        min_cov = min_cov / 100.0  # allow 65 for 65 %
    if min_cov is not None and not 0 < min_cov <= 1:
        c.add(top, "min_coverage", f"dekking {min_cov:g} ligt niet tussen 0 en 1", "bijvoorbeeld 0.65 (65 %)")

    steps_doc = doc.get("steps") or {}
    sline = steps_doc.get("__line__", top) if isinstance(steps_doc, Mapping) else top
    chosen: dict[str, Any] = {}
    for key in sorted(set(steps_doc) - set(STEP_KEYS) - {"__line__"}) if isinstance(steps_doc, Mapping) else []:
        c.add(sline, f"steps.{key}", "onbekende stap", f"stappen: {', '.join(STEP_KEYS)}")
    defaults = Steps()
    for step in STEP_KEYS:
        if isinstance(steps_doc, Mapping) and step in steps_doc:
            v = _parse_choice(step, steps_doc[step], c, sline, f"steps.{step}")
            if v is not None:
                chosen[step] = v
        else:
            chosen[step] = defaults.get(step)

    weights_doc = doc.get("weights") or {}
    weights_sum = None
    if weights_doc:
        wline = weights_doc.get("__line__", top) if isinstance(weights_doc, Mapping) else top
        if not isinstance(weights_doc, Mapping) or "sum" not in weights_doc:
            c.add(wline, "weights", "schrijf 'weights: {sum: 1}' om de som van de themagewichten vast te leggen")
        else:
            weights_sum = _number(weights_doc["sum"], c, wline, "weights.sum", positive=True)

    alternatives: dict[str, tuple] = {}
    alt_doc = doc.get("alternatives") or {}
    aline = alt_doc.get("__line__", top) if isinstance(alt_doc, Mapping) else top
    if not isinstance(alt_doc, Mapping):
        c.add(aline, "alternatives", "alternatives is een mapping van stap naar lijst met keuzes")
        alt_doc = {}
    for step, values in alt_doc.items():
        if step == "__line__":
            continue
        if step not in STEP_KEYS:
            c.add(aline, f"alternatives.{step}", "onbekende stap", f"stappen: {', '.join(STEP_KEYS)}")
            continue
        if not isinstance(values, list) or not values:
            c.add(aline, f"alternatives.{step}", "geef een lijst met minstens één keuze")
            continue
        parsed = [_parse_choice(step, v, c, aline, f"alternatives.{step}") for v in values]
        if all(p is not None for p in parsed):
            base = chosen.get(step)
            if base is not None and base not in parsed:
                parsed.insert(0, base)
            alternatives[step] = tuple(parsed)

    themes: list[Theme] = []
    themes_doc = doc.get("themes")
    if not isinstance(themes_doc, list) or not themes_doc:
        c.add(top, "themes", "een index heeft minstens één thema")
        themes_doc = []
    seen_ind: dict[str, str] = {}
    seen_theme: set[str] = set()
    for tdoc in themes_doc:
        if not isinstance(tdoc, Mapping) or "id" not in tdoc:
            c.add(getattr(tdoc, "get", lambda *_: top)("__line__", top), "themes", "elk thema heeft een 'id'")
            continue
        tline = tdoc.get("__line__", top)
        tid = str(tdoc["id"])
        tknown = {"id", "label", "weight", "weight_range", "indicators", "missing_indicators", "note", "__line__"}
        for key in sorted(set(tdoc) - tknown):
            c.add(tline, key, f"onbekend veld bij thema '{tid}'", f"toegestaan: {', '.join(sorted(tknown - {'__line__'}))}")
        if tid in seen_theme:
            c.add(tline, "id", f"thema '{tid}' staat twee keer in de definitie")
        seen_theme.add(tid)
        raw_inds = tdoc.get("indicators") or []
        raw_missing = tdoc.get("missing_indicators") or []
        if not raw_inds and not raw_missing:
            c.add(tline, "indicators", f"thema '{tid}' is leeg",
                  "geef indicatoren, of zet onder 'missing_indicators' welke gegevens ontbreken")
            continue
        inds = [_parse_indicator(e, tid, False, catalogue, c, tline) for e in raw_inds]
        miss = [_parse_indicator(e, tid, True, catalogue, c, tline) for e in raw_missing]
        for spec in [s for s in inds + miss if s is not None]:
            if spec.id in seen_ind:
                c.add(spec.line, "id", f"indicator '{spec.id}' staat al in thema '{seen_ind[spec.id]}'",
                      "een indicator telt in één thema")
            seen_ind[spec.id] = tid
        weight = _number(tdoc.get("weight", 1.0), c, tline, "weight", positive=True)
        wr = tdoc.get("weight_range")
        weight_range = None
        if wr is not None:
            if not (isinstance(wr, list) and len(wr) == 2):
                c.add(tline, "weight_range", "geef [ondergrens, bovengrens]")
            else:
                lo = _number(wr[0], c, tline, "weight_range", positive=True)
                hi = _number(wr[1], c, tline, "weight_range", positive=True)
                if lo is not None and hi is not None:
                    if lo > hi or (weight is not None and not lo <= weight <= hi):
                        c.add(tline, "weight_range", f"bereik {lo:g}–{hi:g} klopt niet met gewicht {weight:g}",
                              "ondergrens ≤ gewicht ≤ bovengrens")
                    weight_range = (lo, hi)
        label = tdoc.get("label", tid)
        themes.append(Theme(
            id=tid, label_nl=_text(label, "nl") or tid, label_en=_text(label, "en"),
            indicators=tuple(s for s in inds if s is not None), missing=tuple(s for s in miss if s is not None),
            weight=weight if weight is not None else 1.0, weight_range=weight_range, note=tdoc.get("note"),
            line=tline,
        ))

    if weights_sum is not None and themes:
        total = sum(t.weight for t in themes)
        if abs(total - weights_sum) > WEIGHT_TOLERANCE:
            wline = weights_doc.get("__line__", top)
            c.add(wline, "weights.sum", f"de themagewichten tellen op tot {total:g}, niet tot {weights_sum:g} "
                  f"zoals verklaard ({', '.join(f'{t.id} {t.weight:g} (regel {t.line})' for t in themes)})",
                  "pas de gewichten of de verklaarde som aan")
    if chosen.get("weights") == "expert" or "expert" in alternatives.get("weights", ()):
        if all(t.weight == 0 for t in themes):
            c.add(top, "weights", "alle themagewichten zijn nul")

    if c.issues:
        raise DefinitionError(c.issues, "De indexdefinitie is niet geldig; er is niets berekend.")
    return Definition(
        id=str(doc["id"]), version=str(doc["version"]), label_nl=_text(doc.get("label"), "nl") or str(doc["id"]),
        label_en=_text(doc.get("label"), "en"), description_nl=_text(doc.get("description"), "nl").strip(),
        description_en=_text(doc.get("description"), "en").strip(), levels=tuple(levels),
        boundary_year=int(doc.get("boundary_year", 2024)), reference=reference,
        min_coverage=float(min_cov if min_cov is not None else 0.65), steps=Steps(**chosen),
        alternatives=alternatives, themes=tuple(themes), weights_sum=weights_sum, file=file,
    )


def load_definition(source: str | Path, catalogue: Mapping | None = None, home: Path | None = None) -> Definition:
    """Load a definition by id (shipped, or in ``home/indices/``) or from a YAML path."""
    path = Path(source)
    if not (path.suffix in (".yaml", ".yml") and path.exists()):
        found = {p.stem: p for p in definition_files(home)}
        if str(source) not in found:
            raise UnknownDefinitionError(
                f"Index '{source}' bestaat niet. Beschikbaar: {', '.join(sorted(found))}. "
                "Zie 'kansenmonitor index list'."
            )
        path = found[str(source)]
    doc = load_yaml_with_lines(path)
    return parse_definition(doc, str(path), catalogue)


def definition_files(home: Path | None = None) -> list[Path]:
    """Shipped definitions plus a municipality's own (``home/indices/*.yaml``); own files win."""
    root = resources.files("kansenmonitor.indices") / "definitions"
    files = sorted(Path(str(p)) for p in root.iterdir() if str(p).endswith(".yaml"))
    if home is not None and (Path(home) / "indices").is_dir():
        files += sorted((Path(home) / "indices").glob("*.yaml"))
    return files


def raw_definition(path: Path) -> dict:
    """The YAML as written (without line markers), e.g. to print it."""
    return strip_lines(load_yaml_with_lines(path))
