"""Programme ⇄ YAML (human-editable, canonical storage format).

The loader records the line of every mapping (``__line__``) and of every key (``__keylines__``) so
that validation messages point at the right line.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode

from kansenmonitor.core.errors import DefinitionError, Issue

from .codec import KEYLINES_KEY, LINE_KEY, Context, from_dict, to_dict
from .model import Programme
from .validate import check_programme


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present: ~10x faster
    """SafeLoader that records line numbers (1-based) of mappings and their keys."""


def _construct_mapping(loader: _LineLoader, node: MappingNode) -> dict:
    loader.flatten_mapping(node)
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    mapping[KEYLINES_KEY] = {
        key.value: key.start_mark.line + 1 for key, _ in node.value if isinstance(key, ScalarNode)
    }
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml_text(text: str, file: str = "<yaml>") -> Programme:
    """Parse and convert (no validation of references). Raises DefinitionError on any problem."""
    from ..core.limits import check_yaml_text

    check_yaml_text(text, file)
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise DefinitionError([Issue(file, row, None, f"geen geldige YAML: {getattr(exc, 'problem', exc)}",
                                     "controleer inspringing, dubbele punten en aanhalingstekens")]) from exc
    if not isinstance(data, dict):
        raise DefinitionError([Issue(file, 1, None, "het bestand bevat geen programma (verwacht velden zoals id en "
                                     "name)")])
    if "programme" in data and isinstance(data["programme"], dict) and len(
            [k for k in data if not str(k).startswith("__")]) == 1:
        data = data["programme"]
    ctx = Context(file)
    programme = from_dict(Programme, data, ctx, file)
    if ctx.issues or programme is None:
        raise DefinitionError(ctx.issues, f"Het programma in {file} is niet geldig; er is niets geladen.")
    return programme


def read_yaml(
    path: str | Path,
    known_indicators: set[str] | None = None,
    known_regions: set[str] | None = None,
) -> Programme:
    """Read and validate a programme YAML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError([Issue(str(path), None, None, f"kan het bestand niet lezen: {exc.strerror}")]) from exc
    programme = parse_yaml_text(text, str(path))
    return check_programme(programme, str(path), known_indicators, known_regions)


def to_yaml_text(programme: Programme) -> str:
    """Canonical YAML text of a programme."""
    return yaml.safe_dump(to_dict(programme), sort_keys=False, allow_unicode=True, width=100)


def write_yaml(programme: Programme, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(to_yaml_text(programme), encoding="utf-8")
    return path
