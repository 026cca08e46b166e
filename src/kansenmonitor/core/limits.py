"""Resource limits on files users give: YAML that expands without end, XLSX archives that unpack to gigabytes.

A 325-byte YAML "billion laughs" (aliases of aliases) or a small XLSX whose XML unpacks to a gigabyte would take
the machine's memory before any validation sees a row. Both are refused up front, with a message that says why.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import yaml

from .errors import DefinitionError, ImportValidationError, Issue

#: A definition, mapping or codebook file is small; 5 MB is far above any real one.
MAX_YAML_BYTES = 5 * 1024 * 1024
#: Values a YAML file may hold once its aliases (``*name``) are expanded: real files hold a few thousand; a
#: "billion laughs" of a few hundred bytes holds hundreds of millions.
MAX_YAML_NODES = 1_000_000
#: What an XLSX may unpack to, and how much larger than its packed size it may get.
MAX_XLSX_UNPACKED = 300 * 1024 * 1024
MAX_XLSX_RATIO = 200


class LimitError(ImportValidationError, DefinitionError):
    """A file refused for its size or expansion; caught wherever an import or a definition error is."""


def _fail(file: str, message: str, hint: str) -> None:
    raise LimitError([Issue(file, None, None, message, hint)],
                                f"{Path(file).name} is niet gelezen: er is niets gewijzigd.")


def check_yaml_text(text: str, file: str) -> None:
    """Refuse a YAML text that is too large or uses too many aliases, before it is built into objects."""
    if len(text.encode("utf-8", "ignore")) > MAX_YAML_BYTES:
        _fail(file, f"het bestand is groter dan {MAX_YAML_BYTES // (1024 * 1024)} MB",
              "een definitie- of mappingbestand is klein; controleer of u het goede bestand koos")
    if "*" not in text:
        return
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)  # a graph of shared nodes: small even for a bomb
    except yaml.YAMLError:
        return  # the caller's own parse reports the syntax error with its line
    if root is not None and _expanded_size(root) > MAX_YAML_NODES:
        _fail(file, "het bestand gebruikt verwijzingen (aliassen, *naam) die samen uitgroeien tot meer dan "
              f"{MAX_YAML_NODES:,} waarden".replace(",", "."),
              "schrijf de waarden uit; zoveel verwijzingen kunnen het geheugen vullen en worden daarom geweigerd")


def _expanded_size(root: yaml.Node) -> int:
    """How many nodes the document has once every alias is expanded (counted without expanding)."""
    memo: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        memo[key] = 1  # a recursive alias counts once (the safe loader refuses it anyway)
        if isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(n) for n in node.value)
        elif isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        else:
            total = 1
        memo[key] = min(total, 10 * MAX_YAML_NODES)
        return memo[key]

    return size(root)


def check_zip_archive(path: Path, what: str = "Excel-bestand (xlsx)") -> None:
    """Refuse an XLSX (a zip archive) that is not one, or that would unpack to far more than it holds."""
    file = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        _fail(file, f"het bestand is geen geldig {what}",
              "open het in Excel en sla het opnieuw op als .xlsx, of lever een CSV-bestand")
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unpacked > MAX_XLSX_UNPACKED or (unpacked > 20 * 1024 * 1024 and unpacked / packed > MAX_XLSX_RATIO):
        _fail(file, f"het bestand zou uitpakken tot {unpacked / 1024 / 1024:,.0f} MB".replace(",", "."),
              "dat is veel meer dan een tabel van een gemeente nodig heeft; lever het bestand als CSV of in delen")
