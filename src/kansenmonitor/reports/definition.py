"""Report definitions as data: a small YAML file says which document, sections, indicators and areas.

Shipped definitions live in ``reports/definitions/``; a user may keep their own in
``$KANSENMONITOR_HOME/rapporten/``. Loading validates everything against the catalogue and the store
before anything is generated, and every problem names the file, the line and the field (all-or-nothing:
an invalid definition produces no document).

A definition::

    id: wijkprofiel
    kind: wijkprofiel            # wijkprofiel (a buurt or wijk for a participation evening)
    title: {nl: Wijkprofiel, en: Neighbourhood profile}
    levels: [buurt, wijk]        # which areas it can be made for
    sections: [kaart, in_het_kort, kerncijfers, ...]
    indicators: [moeite_met_rondkomen_18plus, ...]   # the key numbers, in this order (8-12)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..core.errors import DefinitionError, Issue

#: the sections each kind of report knows, in the order they are printed
SECTIONS: dict[str, tuple[str, ...]] = {
    "wijkprofiel": ("kaart", "in_het_kort", "kerncijfers", "vergelijkbaar", "gepland", "verhalen", "gesprek",
                    "bronnen"),
    # the council report (voortgangsrapportage) of a programme over a period
    "voortgang": ("samenvatting", "situatie", "ambities", "geld", "bereik", "uitkomsten", "evaluaties",
                  "besluiten", "verhalen", "methode"),
}
KINDS = tuple(SECTIONS)
LEVELS = ("buurt", "wijk", "gebied", "stadsdeel", "gemeente")
MIN_KEY_NUMBERS, MAX_KEY_NUMBERS = 8, 12
FIELDS = {"id", "kind", "title", "description", "levels", "sections", "indicators", "conversation", "programme",
          "period", "areas"}


@dataclass(frozen=True)
class Conversation:
    """The frame of a participation evening: what the council fixed, what residents can influence, and
    the questions for the evening (text written by the municipality, printed as written)."""

    fixed: tuple[dict[str, str], ...] = ()
    open: tuple[dict[str, str], ...] = ()
    questions: tuple[dict[str, str], ...] = ()

    def texts(self, part: str, lang: str) -> list[str]:
        """The sentences of one part in ``lang`` (Dutch where no translation is given)."""
        return [t.get(lang) or t["nl"] for t in getattr(self, part)]


@dataclass(frozen=True)
class ReportDefinition:
    id: str
    kind: str
    title: dict[str, str]
    sections: tuple[str, ...]
    indicators: tuple[str, ...] = ()
    levels: tuple[str, ...] = ("buurt", "wijk")
    description: dict[str, str] = field(default_factory=dict)
    conversation: Conversation = field(default_factory=Conversation)
    programme: str | None = None
    period: int | None = None
    areas: tuple[str, ...] = ()
    file: str = ""
    #: field → line in the file (for messages about a period or an area without data)
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    def label(self, lang: str = "nl") -> str:
        return self.title.get(lang) or self.title.get("nl") or self.id

    def text(self, lang: str = "nl") -> str:
        return self.description.get(lang) or self.description.get("nl") or ""

    def has(self, section: str) -> bool:
        return section in self.sections


# -- YAML with line numbers ---------------------------------------------------------------------------
@dataclass
class _Node:
    value: object
    line: int


def _plain(node) -> _Node:
    """A YAML node as nested plain values, each with its 1-based line."""
    line = node.start_mark.line + 1
    if isinstance(node, MappingNode):
        out = {}
        for k, v in node.value:
            out[k.value if isinstance(k, ScalarNode) else str(k.value)] = (_plain(v), k.start_mark.line + 1)
        return _Node(out, line)
    if isinstance(node, SequenceNode):
        return _Node([_plain(v) for v in node.value], line)
    return _Node(_scalar(node), line)


def _scalar(node: ScalarNode):
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def _compose(text: str, file: str) -> _Node:
    from ..core.limits import check_yaml_text

    check_yaml_text(text, file)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DefinitionError([Issue(file, mark.line + 1 if mark else None, None,
                                     f"geen geldige YAML: {getattr(exc, 'problem', exc)}",
                                     "controleer inspringing, dubbele punten en aanhalingstekens")],
                              f"De rapportdefinitie {file} is niet geldig; er is niets gemaakt.") from exc
    if root is None or not isinstance(root, MappingNode):
        raise DefinitionError([Issue(file, 1, None, "het bestand bevat geen rapportdefinitie",
                                     "begin met velden zoals id, kind en sections")],
                              f"De rapportdefinitie {file} is niet geldig; er is niets gemaakt.")
    return _plain(root)


# -- parsing and checks ------------------------------------------------------------------------------
def parse_definition(text: str, file: str = "<rapport>", known_indicators: set[str] | None = None,
                     aggregations: dict[str, str] | None = None, known_programmes: set[str] | None = None,
                     known_regions: set[str] | None = None) -> ReportDefinition:
    """Parse and check one definition. ``known_indicators``: the catalogue's ids (checked when given);
    ``aggregations``: indicator id → aggregation, to refuse counts as key numbers (they grow with the area);
    ``known_programmes`` and ``known_regions``: programme ids and region codes (checked when given)."""
    root = _compose(text, file)
    data: dict = root.value  # type: ignore[assignment]
    issues: list[Issue] = []

    def at(key: str) -> int:
        return data[key][1] if key in data else root.line

    def get(key: str):
        return data[key][0] if key in data else None

    for key in data:
        if key not in FIELDS:
            issues.append(Issue(file, at(key), key, "onbekend veld", f"gebruik een van: {', '.join(sorted(FIELDS))}"))

    def text_of(key: str, required: bool) -> dict[str, str]:
        node = get(key)
        if node is None:
            if required:
                issues.append(Issue(file, root.line, key, "dit veld ontbreekt", "geef een tekst, of nl: en en:"))
            return {}
        if isinstance(node.value, str):
            return {"nl": node.value}
        if isinstance(node.value, dict):
            out = {}
            for lang, (v, line) in node.value.items():
                if lang not in ("nl", "en") or not isinstance(v.value, str):
                    issues.append(Issue(file, line, f"{key}.{lang}", "verwacht een tekst per taal (nl, en)"))
                else:
                    out[lang] = v.value
            return out
        issues.append(Issue(file, node.line, key, "verwacht een tekst"))
        return {}

    def str_list(key: str) -> list[tuple[str, int]]:
        node = get(key)
        if node is None:
            return []
        if not isinstance(node.value, list):
            issues.append(Issue(file, node.line, key, "verwacht een lijst", "schrijf elk item op een eigen regel "
                                                                              "met '- ' ervoor"))
            return []
        out = []
        for item in node.value:
            if not isinstance(item.value, str | int) or isinstance(item.value, bool):
                issues.append(Issue(file, item.line, key, "verwacht een naam"))
            else:
                out.append((str(item.value), item.line))
        return out

    rid = get("id")
    if rid is None or not isinstance(rid.value, str) or not rid.value:
        issues.append(Issue(file, at("id"), "id", "geef de definitie een id (letters, cijfers en -)"))
        rid_value = ""
    else:
        rid_value = rid.value
        if not all(ch.isalnum() or ch in "-_" for ch in rid_value):
            issues.append(Issue(file, rid.line, "id", f"'{rid_value}' kan niet als id", "gebruik letters, cijfers, - en _"))
    kind = get("kind")
    kind_value = kind.value if kind is not None else None
    if kind_value not in KINDS:
        issues.append(Issue(file, at("kind"), "kind", f"onbekende soort rapport '{kind_value}'" if kind_value
                            else "dit veld ontbreekt", f"kies uit: {', '.join(KINDS)}"))
    title = text_of("title", required=True)
    description = text_of("description", required=False)

    sections = str_list("sections")
    allowed = SECTIONS.get(str(kind_value), ())
    if kind_value in KINDS and not sections:
        issues.append(Issue(file, at("sections"), "sections", "noem minstens één onderdeel",
                            f"kies uit: {', '.join(allowed)}"))
    seen: set[str] = set()
    for name, line in sections:
        if allowed and name not in allowed:
            issues.append(Issue(file, line, "sections", f"onbekend onderdeel '{name}'", f"kies uit: {', '.join(allowed)}"))
        if name in seen:
            issues.append(Issue(file, line, "sections", f"onderdeel '{name}' staat er twee keer in"))
        seen.add(name)

    levels = str_list("levels") or [("buurt", root.line), ("wijk", root.line)]
    for name, line in levels:
        if name not in LEVELS:
            issues.append(Issue(file, line, "levels", f"onbekend niveau '{name}'", f"kies uit: {', '.join(LEVELS)}"))

    indicators = str_list("indicators")
    if kind_value == "voortgang" and len(indicators) > MAX_KEY_NUMBERS:
        issues.append(Issue(file, at("indicators"), "indicators", f"noem hoogstens {MAX_KEY_NUMBERS} cijfers voor "
                            f"het beeld van het gebied, deze definitie noemt er {len(indicators)}"))
    if kind_value == "wijkprofiel" and "kerncijfers" in {s for s, _ in sections}:
        n = len(indicators)
        if not MIN_KEY_NUMBERS <= n <= MAX_KEY_NUMBERS:
            issues.append(Issue(file, at("indicators"), "indicators",
                                f"een wijkprofiel heeft {MIN_KEY_NUMBERS} tot {MAX_KEY_NUMBERS} kerncijfers, "
                                f"deze definitie noemt er {n}", "kies de cijfers die er voor deze avond toe doen"))
    seen = set()
    for iid, line in indicators:
        if known_indicators is not None and iid not in known_indicators:
            issues.append(Issue(file, line, "indicators", f"onbekende indicator '{iid}'",
                                "kijk met 'kansenmonitor indicators' welke er zijn"))
        elif aggregations is not None and aggregations.get(iid) == "sum":
            issues.append(Issue(file, line, "indicators", f"'{iid}' is een aantal: een groter gebied heeft vanzelf "
                                "meer, dus het is niet eerlijk te vergelijken met de gemeente",
                                "kies een percentage of een cijfer per inwoner"))
        if iid in seen:
            issues.append(Issue(file, line, "indicators", f"indicator '{iid}' staat er twee keer in"))
        seen.add(iid)

    conv = Conversation()
    node = get("conversation")
    if node is not None:
        if not isinstance(node.value, dict):
            issues.append(Issue(file, node.line, "conversation", "verwacht de velden fixed, open en questions"))
        else:
            parts: dict[str, tuple[str, ...]] = {}
            for key, (v, line) in node.value.items():
                if key not in ("fixed", "open", "questions"):
                    issues.append(Issue(file, line, f"conversation.{key}", "onbekend veld",
                                        "gebruik fixed (wat vastligt), open (waar bewoners over meebeslissen) en "
                                        "questions (vragen voor de avond)"))
                    continue
                if not isinstance(v.value, list):
                    issues.append(Issue(file, line, f"conversation.{key}", "verwacht een lijst met zinnen"))
                    continue
                items = []
                for x in v.value:
                    if isinstance(x.value, str):
                        items.append({"nl": x.value})
                    elif isinstance(x.value, dict) and set(x.value) <= {"nl", "en"} and "nl" in x.value and all(
                            isinstance(t.value, str) for t, _ in x.value.values()):
                        items.append({lang: t.value for lang, (t, _) in x.value.items()})
                    else:
                        issues.append(Issue(file, x.line, f"conversation.{key}",
                                            "verwacht een zin, of een zin per taal (nl: … en en: …)"))
                parts[key] = tuple(items)
            conv = Conversation(**parts)
    programme = get("programme")
    programme_value = None
    if kind_value == "voortgang":
        if programme is None or not isinstance(programme.value, str):
            issues.append(Issue(file, at("programme"), "programme", "noem het programma (zijn id)",
                                "kijk met 'kansenmonitor programme list' welke er zijn"))
        else:
            programme_value = programme.value
            if known_programmes is not None and programme_value not in known_programmes:
                issues.append(Issue(file, programme.line, "programme", f"onbekend programma '{programme_value}'",
                                    f"kies uit: {', '.join(sorted(known_programmes))}"))
    elif programme is not None:
        issues.append(Issue(file, programme.line, "programme", "alleen een voortgangsrapportage hoort bij een "
                            "programma"))
    period = get("period")
    period_value = None
    if period is not None:
        if not isinstance(period.value, int) or isinstance(period.value, bool) or not 1990 <= period.value <= 2100:
            issues.append(Issue(file, period.line, "period", f"'{period.value}' is geen jaar", "schrijf bijvoorbeeld "
                                "period: 2025"))
        else:
            period_value = period.value
    areas = str_list("areas")
    if known_regions is not None:
        for code, line in areas:
            if code not in known_regions:
                issues.append(Issue(file, line, "areas", f"onbekend gebied '{code}'",
                                    "gebruik een code uit de database, zoals WK015306 of FG-WESSELERBRINK"))
    if issues:
        raise DefinitionError(issues, f"De rapportdefinitie {file} is niet geldig; er is niets gemaakt.")
    return ReportDefinition(
        id=rid_value, kind=str(kind_value), title=title, description=description,
        sections=tuple(s for s, _ in sections), indicators=tuple(i for i, _ in indicators),
        levels=tuple(v for v, _ in levels), conversation=conv, programme=programme_value, period=period_value,
        areas=tuple(c for c, _ in areas), file=file, lines={k: line for k, (_v, line) in data.items()})


def read_definition(path: str | Path, known_indicators: set[str] | None = None,
                    aggregations: dict[str, str] | None = None, known_programmes: set[str] | None = None,
                    known_regions: set[str] | None = None) -> ReportDefinition:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError([Issue(str(path), None, None, f"kan het bestand niet lezen: {exc.strerror}")],
                              f"De rapportdefinitie {path} is niet te lezen; er is niets gemaakt.") from exc
    return parse_definition(text, str(path), known_indicators, aggregations, known_programmes, known_regions)


def shipped_files() -> dict[str, str]:
    """id (file stem) → YAML text of the shipped definitions."""
    folder = resources.files("kansenmonitor.reports") / "definitions"
    return {p.name.rsplit(".", 1)[0]: p.read_text(encoding="utf-8")
            for p in sorted(folder.iterdir(), key=lambda p: p.name) if p.name.endswith(".yaml")}


def user_dir(home: Path | None) -> Path | None:
    return (home / "rapporten") if home is not None else None


def _known(monitor) -> dict:
    """What a definition is checked against: the monitor's catalogue, the programmes and the store's regions."""
    if monitor is None:
        return {}
    from ..programme.repository import available_ids

    return {"known_indicators": {i.id for i in monitor.catalogue},
            "aggregations": {i.id: i.aggregation.value for i in monitor.catalogue},
            "known_programmes": set(available_ids()),
            "known_regions": {r.code for r in monitor.store.regions()}}


def definitions(monitor=None) -> dict[str, ReportDefinition]:
    """All definitions: the shipped ones, then the user's own (same id: the user's wins), checked against
    the monitor's catalogue, programmes and regions when a monitor is given."""
    known = _known(monitor)
    out: dict[str, ReportDefinition] = {}
    for stem, text in shipped_files().items():
        d = parse_definition(text, f"{stem}.yaml", **known)
        out[d.id] = d
    folder = user_dir(getattr(monitor, "home", None)) if monitor is not None else None
    if folder is not None and folder.is_dir():
        for p in sorted(folder.glob("*.yaml")):
            d = read_definition(p, **known)
            out[d.id] = d
    return out


def definition(name_or_path: str, monitor=None) -> ReportDefinition:
    """A definition by id, or from a file path (checked against the monitor's catalogue)."""
    candidate = Path(name_or_path)
    if candidate.suffix.lower() in (".yaml", ".yml"):
        return read_definition(candidate, **_known(monitor))
    defs = definitions(monitor)
    if name_or_path not in defs:
        raise DefinitionError([Issue(name_or_path, None, None, "deze rapportdefinitie bestaat niet",
                                     f"kies uit: {', '.join(sorted(defs))}, of geef het pad van een YAML-bestand")],
                              f"Rapport '{name_or_path}' niet gevonden; er is niets gemaakt.")
    return defs[name_or_path]
