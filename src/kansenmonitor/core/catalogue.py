"""The indicator catalogue: indicators declared as data, one YAML file per source or theme.

The shipped files live in ``kansenmonitor/catalogue/``; a municipality adds its own files in
``$KANSENMONITOR_HOME/catalogue/`` (same format). Files are validated on load; a bad file is
reported with file, line and field, and nothing is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import DefinitionError, Issue, UnknownIndicatorError
from .model import Aggregation, Indicator, Polarity, Source, parse_weight

REQUIRED = ("id", "label", "unit", "theme", "polarity", "aggregation")
KNOWN_KEYS = set(REQUIRED) | {
    "definition",
    "sources",
    "numerator",
    "denominator",
    "factor",
    "weight",
    "min_count",
    "decimals",
    "value_type",
    "max_value",
    "min_value",
    "structural",
    "aggregation_note",
}


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that records the line of every mapping as ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml_with_lines(path: Path) -> Any:
    """Load YAML, recording ``__line__`` in every mapping (for error messages)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DefinitionError([Issue(str(path), None, None, "het bestand is geen UTF-8", "sla het op als UTF-8")]) from exc
    from .limits import check_yaml_text

    check_yaml_text(text, str(path))
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise DefinitionError(
            [Issue(str(path), line, None, f"ongeldige YAML: {getattr(exc, 'problem', exc)}", "controleer inspringing")]
        ) from exc


def strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or "")
    return str(value or "")


def parse_catalogue_file(path: Path) -> list[Indicator]:
    """Parse and validate one catalogue file. Raises :class:`DefinitionError` with all issues."""
    doc = load_yaml_with_lines(path)
    issues: list[Issue] = []
    name = str(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("indicators"), list):
        raise DefinitionError([Issue(name, 1, "indicators", "het bestand heeft geen lijst 'indicators'")])
    defaults = strip_lines(doc.get("defaults") or {})
    out: list[Indicator] = []
    seen: set[str] = set()
    for entry in doc["indicators"]:
        line = entry.get("__line__") if isinstance(entry, dict) else None
        if not isinstance(entry, dict):
            issues.append(Issue(name, line, None, "elke indicator moet een mapping zijn"))
            continue
        missing = [k for k in REQUIRED if k not in entry]
        for key in missing:
            issues.append(Issue(name, line, key, f"verplicht veld ontbreekt bij indicator '{entry.get('id', '?')}'"))
        unknown = set(entry) - KNOWN_KEYS - {"__line__"}
        for key in sorted(unknown):
            issues.append(Issue(name, line, key, "onbekend veld", f"toegestaan: {', '.join(sorted(KNOWN_KEYS))}"))
        if missing:
            continue
        iid = str(entry["id"])
        if iid in seen:
            issues.append(Issue(name, line, "id", f"indicator '{iid}' staat twee keer in dit bestand"))
        seen.add(iid)
        try:
            polarity = Polarity(entry["polarity"])
        except ValueError:
            issues.append(
                Issue(name, line, "polarity", f"'{entry['polarity']}' is geen polariteit",
                      f"kies uit {', '.join(p.value for p in Polarity)}")
            )
            continue
        try:
            aggregation = Aggregation(entry["aggregation"])
        except ValueError:
            issues.append(
                Issue(name, line, "aggregation", f"'{entry['aggregation']}' is geen aggregatieregel",
                      f"kies uit {', '.join(a.value for a in Aggregation)}")
            )
            continue
        if aggregation == Aggregation.RATIO and not (entry.get("numerator") and entry.get("denominator")):
            issues.append(Issue(name, line, "numerator", "een ratio heeft 'numerator' en 'denominator' nodig"))
        if aggregation == Aggregation.WEIGHTED_MEAN and not entry.get("weight"):
            issues.append(Issue(name, line, "weight", "een gewogen gemiddelde heeft 'weight' nodig"))
        if entry.get("weight"):
            try:
                parse_weight(str(entry["weight"]))
            except ValueError as exc:
                issues.append(Issue(name, line, "weight", str(exc)))
        sources = []
        for src in entry.get("sources") or []:
            src = {**defaults, **strip_lines(src)}
            if "publisher" not in src:
                issues.append(Issue(name, line, "sources", "elke bron heeft een 'publisher'"))
                continue
            src["filters"] = {str(k): str(v) for k, v in (src.get("filters") or {}).items()}
            try:
                sources.append(Source(**src))
            except TypeError as exc:
                issues.append(Issue(name, line, "sources", f"ongeldige bron: {exc}"))
        label = entry["label"]
        out.append(
            Indicator(
                id=iid,
                label_nl=_text(label, "nl"),
                label_en=_text(label, "en") or _text(label, "nl"),
                definition_nl=_text(entry.get("definition"), "nl"),
                definition_en=_text(entry.get("definition"), "en"),
                unit=str(entry["unit"]),
                theme=str(entry["theme"]),
                polarity=polarity,
                aggregation=aggregation,
                sources=tuple(sources),
                numerator=entry.get("numerator"),
                denominator=entry.get("denominator"),
                factor=float(entry.get("factor", 1.0)),
                weight=entry.get("weight"),
                min_count=entry.get("min_count"),
                decimals=int(entry.get("decimals", 1)),
                value_type=str(entry.get("value_type", "float")),
                max_value=entry.get("max_value"),
                min_value=entry.get("min_value"),
                structural=bool(entry.get("structural", False)),
                aggregation_note_nl=_text(entry.get("aggregation_note"), "nl"),
                aggregation_note_en=_text(entry.get("aggregation_note"), "en") or _text(entry.get("aggregation_note"), "nl"),
                catalogue_file=path.name,
            )
        )
    if issues:
        raise DefinitionError(issues, f"Het catalogusbestand {path.name} is niet geldig; er is niets geladen.")
    return out


@dataclass
class Catalogue:
    """All known indicators, by id."""

    indicators: dict[str, Indicator]

    def __getitem__(self, iid: str) -> Indicator:
        try:
            return self.indicators[iid]
        except KeyError:
            raise UnknownIndicatorError(
                f"Indicator '{iid}' staat niet in de catalogus. Bekijk de lijst met 'kansenmonitor indicators'."
            ) from None

    def __contains__(self, iid: object) -> bool:
        return iid in self.indicators

    def __iter__(self):
        return iter(self.indicators.values())

    def __len__(self) -> int:
        return len(self.indicators)

    def by_source_column(self, table: str, column: str, filters: dict[str, str] | None = None) -> Indicator | None:
        """The indicator fed by a table column (and dimension filters, e.g. Leeftijd)."""
        for ind in self.indicators.values():
            for src in ind.sources:
                if src.table == table and src.column == column:
                    if filters is None or all(src.filters.get(k) == v for k, v in filters.items() if k in src.filters):
                        if filters is None or set(src.filters) <= set(filters):
                            return ind
        return None

    def column_map(self, table: str) -> dict[str, list[tuple[Indicator, Source]]]:
        """Columns of a source table → the indicators (and their source entries) they feed."""
        out: dict[str, list[tuple[Indicator, Source]]] = {}
        for ind in self.indicators.values():
            for src in ind.sources:
                if src.table == table and src.column:
                    out.setdefault(src.column, []).append((ind, src))
        return out

    def validate_references(self) -> list[Issue]:
        issues = []
        for ind in self.indicators.values():
            refs = [("numerator", ind.numerator), ("denominator", ind.denominator)]
            refs += [("weight", t) for _sign, t in ind.weight_terms]
            for key, ref in refs:
                if ref and ref not in self.indicators:
                    issues.append(
                        Issue(ind.catalogue_file or "?", None, key, f"indicator '{ind.id}' verwijst naar onbekende '{ref}'")
                    )
        return issues


def shipped_catalogue_files() -> list[Path]:
    root = resources.files("kansenmonitor") / "catalogue"
    return sorted(Path(str(p)) for p in root.iterdir() if str(p).endswith(".yaml"))


def load_catalogue(extra: Iterable[Path] = (), home: Path | None = None) -> Catalogue:
    """Load the shipped catalogue files plus a municipality's own (``home/catalogue/*.yaml``)."""
    files = shipped_catalogue_files() + [Path(p) for p in extra]
    if home is not None and (home / "catalogue").is_dir():
        files += sorted((home / "catalogue").glob("*.yaml"))
    indicators: dict[str, Indicator] = {}
    issues: list[Issue] = []
    for path in files:
        try:
            for ind in parse_catalogue_file(path):
                if ind.id in indicators and indicators[ind.id].catalogue_file != ind.catalogue_file:
                    issues.append(
                        Issue(str(path), None, "id",
                              f"indicator '{ind.id}' staat ook in {indicators[ind.id].catalogue_file}")
                    )
                indicators[ind.id] = ind
        except DefinitionError as exc:
            issues.extend(exc.issues)
    cat = Catalogue(indicators)
    issues.extend(cat.validate_references())
    if issues:
        raise DefinitionError(issues, "De indicatorcatalogus is niet geldig.")
    return cat
