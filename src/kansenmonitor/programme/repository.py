"""Where programmes live: shipped examples (package data) and loaded ones in ``$KANSENMONITOR_HOME``.

Loaded programmes are stored as validated canonical YAML in ``<home>/programmes/<id>.yaml``; ``home``
is ``$KANSENMONITOR_HOME`` or ``platformdirs.user_data_dir("kansenmonitor")``. A loaded programme
with the same id as a shipped one takes precedence. A programme edited in the browser lives in the store
(:mod:`.stored`) and takes precedence over both; importing a file again replaces that stored version too.
"""

from __future__ import annotations

import copy
import functools
import os
import tempfile
from importlib import resources
from pathlib import Path

import platformdirs

from kansenmonitor.core.errors import DefinitionError, Issue

from .io_xlsx import read_xlsx
from .io_yaml import parse_yaml_text, read_yaml, to_yaml_text
from .model import Programme
from .validate import check_programme

SHIPPED = ("kansrijk_enschede_2023_2033.yaml", "regio_deal_elk_talent_telt.yaml",
           "rekenkamer_nieuw_enschedees_welzijn_2020.yaml")


def home_dir() -> Path:
    env = os.environ.get("KANSENMONITOR_HOME")
    return Path(env) if env else Path(platformdirs.user_data_dir("kansenmonitor"))


def programmes_dir() -> Path:
    return home_dir() / "programmes"


def read_programme_file(
    path: str | Path, known_indicators: set[str] | None = None, known_regions: set[str] | None = None
) -> Programme:
    """Read and validate a YAML (``.yaml``/``.yml``) or Excel (``.xlsx``) programme file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return read_yaml(path, known_indicators, known_regions)
    if suffix == ".xlsx":
        return read_xlsx(path, known_indicators, known_regions)
    raise DefinitionError([Issue(str(path), None, None, f"onbekend bestandstype '{suffix}'",
                                 "gebruik .yaml of .xlsx")])


def shipped_programmes() -> dict[str, Programme]:
    """The example programmes that ship with the package, by id (a fresh copy each call: callers may change
    theirs; the package files are read and checked once per process)."""
    return copy.deepcopy(_shipped_programmes())


@functools.cache
def _shipped_programmes() -> dict[str, Programme]:
    out = {}
    data = resources.files("kansenmonitor.programme") / "data"
    for name in SHIPPED:
        resource = data / name
        text = resource.read_text(encoding="utf-8")
        programme = check_programme(parse_yaml_text(text, name), name)
        out[programme.id] = programme
    return out


def stored_ids() -> list[str]:
    folder = programmes_dir()
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def available_ids() -> list[str]:
    from . import stored

    return sorted(set(stored_ids()) | set(_shipped_programmes()) | set(stored.stored_ids()))


def load_programme(
    path_or_id: str | Path, known_indicators: set[str] | None = None, known_regions: set[str] | None = None
) -> Programme:
    """A programme from a file path, or by id from the home directory or the shipped examples."""
    candidate = Path(path_or_id)
    if candidate.suffix.lower() in (".yaml", ".yml", ".xlsx") and candidate.exists():
        return read_programme_file(candidate, known_indicators, known_regions)
    pid = str(path_or_id)
    from . import stored as in_store

    edited = in_store.stored_programme(pid)
    if edited is not None:
        programme = edited[1]
        if known_indicators is not None or known_regions is not None:
            check_programme(programme, pid, known_indicators, known_regions)
        return programme
    stored = programmes_dir() / f"{pid}.yaml"
    if stored.is_file():
        return read_yaml(stored, known_indicators, known_regions)
    shipped = shipped_programmes()
    if pid in shipped:
        programme = shipped[pid]
        if known_indicators is not None or known_regions is not None:
            check_programme(programme, pid, known_indicators, known_regions)
        return programme
    raise KeyError(f"programma '{pid}' niet gevonden; beschikbaar: {', '.join(available_ids())}")


def store_programme(programme: Programme) -> Path:
    """Write the canonical YAML atomically (temporary file + rename) into the programmes directory."""
    folder = programmes_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{programme.id}.yaml"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{programme.id}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(to_yaml_text(programme))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def import_programme(
    path: str | Path, known_indicators: set[str] | None = None, known_regions: set[str] | None = None
) -> tuple[Programme, Path]:
    """Validate a file and store it; nothing is written when it is invalid."""
    programme = read_programme_file(path, known_indicators, known_regions)
    if not _safe_id(programme.id):
        raise DefinitionError([Issue(str(path), None, "id", f"id '{programme.id}' is niet bruikbaar als bestandsnaam",
                                     "gebruik letters, cijfers, - en _")])
    target = store_programme(programme)
    replace_edited(programme, "programme.import", "programma opnieuw ingelezen uit een bestand",
                   extra={"bestand": Path(path).name})
    return programme, target


def replace_edited(programme: Programme, action: str, reason: str, actor: str | None = None,
                   extra: dict | None = None) -> bool:
    """A programme that was edited online is replaced in the store as well (else a new file version would not
    show), with a line in the audit trail; whether there was such a version."""
    from . import stored as in_store

    store = in_store.current_store()
    if store is None or in_store.version_of(programme.id, store) == 0:
        return False
    from kansenmonitor.accounts import audit

    with store.transaction() as w:
        found = w.document_with_version(in_store.KIND, programme.id)
        w.put_document(in_store.KIND, programme.id, in_store.to_body(programme))
        audit.record(w.conn, actor or audit.cli_actor(), action, "programme", programme.id,
                     before={"interventies": len((found[1] if found else {}).get("interventions", []))},
                     after={"interventies": len(programme.interventions), **(extra or {})}, reason=reason)
    return True


def _safe_id(pid: str) -> bool:
    return bool(pid) and all(ch.isalnum() or ch in "-_" for ch in pid) and not pid.startswith("-")
