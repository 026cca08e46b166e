"""Programmes kept in the store: the version edited in the browser (or through ``/v1``), shared by every server
worker and by the CLI through the database.

A programme edited online is a document of kind ``programme`` (its canonical dict, as the YAML and Excel writers
use) with a version number. The first edit copies the shipped or imported programme into the store; from then on
the stored version takes precedence over the file (see :func:`kansenmonitor.programme.repository.load_programme`).

Which store: during a web request the app's own store (set per request by the programme pages, see
:func:`using`); otherwise the store of the last :class:`~kansenmonitor.monitor.Monitor` opened in this process
(:func:`bind`, called by ``Monitor.open``); otherwise the default store of ``$KANSENMONITOR_DATABASE_URL`` /
``$KANSENMONITOR_HOME`` when it exists. Without any store the files alone count, as before.
"""

from __future__ import annotations

import contextvars
import functools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .codec import Context, from_dict, to_dict
from .model import Programme
from .validate import check_programme

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kansenmonitor.store import Store

KIND = "programme"

_request_store: contextvars.ContextVar[Store | None] = contextvars.ContextVar("programme_store", default=None)
_bound: list[Store] = []


def bind(store: Store) -> None:
    """Make ``store`` the one programmes are read from outside a web request (the last opened Monitor's)."""
    _bound[:] = [store]


def unbind(store: Store) -> None:
    if _bound and _bound[0] is store:
        _bound.clear()


@contextmanager
def using(store: Store) -> Iterator[None]:
    """Read programmes from ``store`` within the block (one web request)."""
    token = _request_store.set(store)
    try:
        yield
    finally:
        _request_store.reset(token)


@functools.lru_cache(maxsize=4)
def _default_store(url: str) -> Store | None:
    from kansenmonitor.core.errors import StoreError
    from kansenmonitor.store import Store

    try:
        return Store.open(url=url, create=False, upgrade=False)
    except StoreError:
        return None


def current_store() -> Store | None:
    store = _request_store.get()
    if store is not None:
        return store
    if _bound:
        return _bound[0]
    from kansenmonitor.store.store import default_url

    url = default_url()
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    return _default_store(url)


_USABLE: dict[int, bool] = {}


def _usable(store: Store) -> bool:
    """Whether the store has the versioned documents table (an old database not yet upgraded has not)."""
    key = id(store.engine)
    if key not in _USABLE:
        from sqlalchemy import inspect

        try:
            cols = {c["name"] for c in inspect(store.engine).get_columns("documents")}
        except Exception:  # no such table, or the database is gone
            cols = set()
        if "version" not in cols:
            return False  # not remembered: it may be upgraded later in this process
        _USABLE[key] = True
    return _USABLE[key]


def stored_ids(store: Store | None = None) -> list[str]:
    store = store or current_store()
    if store is None or not _usable(store):
        return []
    from sqlalchemy import select

    from kansenmonitor.store import schema as s

    with store.engine.connect() as conn:
        return sorted(conn.execute(select(s.documents.c.id).where(s.documents.c.kind == KIND)).scalars())


def to_body(programme: Programme) -> dict:
    return to_dict(programme)


@functools.lru_cache(maxsize=32)
def _parse(text: str, label: str) -> Programme:
    ctx = Context(label)
    programme = from_dict(Programme, json.loads(text), ctx, label)
    if ctx.issues or programme is None:
        from kansenmonitor.core.errors import DefinitionError

        raise DefinitionError(ctx.issues, f"Het programma in {label} is niet geldig.")
    return check_programme(programme, label)


def from_body(body: dict, label: str = "database") -> Programme:
    """A programme from its stored dict (validated; parsed once per distinct body)."""
    import copy

    return copy.deepcopy(_parse(json.dumps(body, ensure_ascii=False, sort_keys=True), label))


def stored_programme(pid: str, store: Store | None = None) -> tuple[int, Programme] | None:
    """(version, programme) of the stored version of ``pid``, or ``None`` when it is only a file."""
    store = store or current_store()
    if store is None or not _usable(store):
        return None
    found = store.document_with_version(KIND, pid)
    if found is None:
        return None
    version, body = found
    return version, from_body(body, f"programma {pid} (database)")


def version_of(pid: str, store: Store | None = None) -> int:
    """The stored version of ``pid``; ``0`` while it has not been edited online (the file counts)."""
    store = store or current_store()
    if store is None or not _usable(store):
        return 0
    found = store.document_with_version(KIND, pid)
    return found[0] if found else 0
