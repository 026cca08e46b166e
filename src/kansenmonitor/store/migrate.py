"""Schema migrations of the store with Alembic, configured in code (the environment is in ``migrations/``).

States of a database (:func:`status`):

- ``empty``: no tables of ours → ``upgrade head``;
- ``legacy``: made by a release before migrations (``metadata.create_all``, a ``schema_version`` row in ``meta``,
  no ``alembic_version``) → its tables are checked against the first revision, tables a capability made on first
  use are added, it is stamped at the first revision and upgraded;
- ``behind`` / ``current``: an ``alembic_version`` older than / equal to the head of this code;
- ``ahead``: a revision (or ``schema_version``) this code does not know → refused: the code is older.

The ``schema_version`` row in ``meta`` is kept in step (the number of the head revision), so that a release from
before migrations refuses a newer database with its own message.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, select, text
from sqlalchemy.engine import Connection

from ..core.errors import StoreError
from . import schema as s

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST = "0001"


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(config())


def head() -> str:
    rev = scripts().get_current_head()
    assert rev is not None
    return rev


def known(rev: str) -> bool:
    try:
        return scripts().get_revision(rev) is not None
    except Exception:  # alembic raises for an unknown id
        return False


def revision_of(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _legacy_version(conn: Connection) -> int | None:
    if not inspect(conn).has_table("meta"):
        return None
    value = conn.execute(select(s.meta.c.value).where(s.meta.c.key == "schema_version")).scalar()
    return int(value) if value is not None else None


def status(conn: Connection) -> str:
    """``empty`` | ``legacy`` | ``behind`` | ``current`` | ``ahead`` (see the module's docstring)."""
    rev = revision_of(conn)
    if rev is not None:
        if rev == head():
            return "current"
        return "behind" if known(rev) else "ahead"
    legacy = _legacy_version(conn)
    if legacy is None:
        return "empty"
    return "ahead" if legacy > int(FIRST) else "legacy"


def _too_new(conn: Connection) -> StoreError:
    rev = revision_of(conn) or str(_legacy_version(conn))
    return StoreError(
        f"De database heeft schemaversie {rev}; deze kansenmonitor kent {head()}. Werk kansenmonitor bij."
    )


@lru_cache(maxsize=1)
def first_revision_columns() -> dict[str, frozenset[str]]:
    """Table → column names of the first revision, read from an in-memory database upgraded to it."""
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        command.upgrade(config(conn), FIRST)
        insp = inspect(conn)
        cols = {t: frozenset(c["name"] for c in insp.get_columns(t)) for t in insp.get_table_names()
                if t != "alembic_version"}
    engine.dispose()
    return cols


def _adopt_legacy(conn: Connection) -> None:
    """Check a database of the release before migrations against the first revision and stamp it there."""
    expected = first_revision_columns()
    insp = inspect(conn)
    present = set(insp.get_table_names())
    problems = []
    for table, cols in sorted(expected.items()):
        if table not in present:
            continue
        have = {c["name"] for c in insp.get_columns(table)}
        if missing := sorted(cols - have):
            problems.append(f"tabel {table} mist kolom(men) {', '.join(missing)}")
        if extra := sorted(have - cols):
            problems.append(f"tabel {table} heeft onbekende kolom(men) {', '.join(extra)}")
    # tables a capability makes on first use (or one added after the store was made): create them as they were in
    # the first revision; only possible while the code's definition of that table has not changed since
    s.load_capability_tables()
    missing_tables = [t for t in expected if t not in present]
    for t in missing_tables:
        if frozenset(s.metadata.tables[t].columns.keys()) != expected[t]:
            problems.append(f"tabel {t} ontbreekt")
    if problems:
        raise StoreError(
            "De database heeft niet het schema dat deze kansenmonitor verwacht (" + "; ".join(problems) + "). "
            "Er is niets gewijzigd. Zet een reservekopie terug of vraag de beheerder om hulp."
        )
    if missing_tables:
        s.metadata.create_all(conn, tables=[s.metadata.tables[t] for t in missing_tables])
    command.stamp(config(conn), FIRST)


def _keep_schema_version(conn: Connection) -> None:
    version = str(int(head()))
    updated = conn.execute(s.meta.update().where(s.meta.c.key == "schema_version").values(value=version))
    if updated.rowcount == 0:
        conn.execute(s.meta.insert().values(key="schema_version", value=version))


def _lock(conn: Connection) -> None:
    """One upgrader at a time: two processes opening a new store at once must not both create it. SQLite: take the
    write lock first (the driver would only begin a transaction at the first INSERT, leaving the DDL outside it)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(4711530153)"))
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade(engine: Engine, target: str = "head") -> tuple[str, str]:
    """Bring the database to ``target`` (default the head); (state before, revision after)."""
    with engine.begin() as conn:
        _lock(conn)
        state = status(conn)
        if state == "ahead":
            raise _too_new(conn)
        if state == "legacy":
            _adopt_legacy(conn)
        if state != "current" or target != "head":
            command.upgrade(config(conn), target)
        if target == "head":
            _keep_schema_version(conn)
        return state, revision_of(conn) or ""


def ensure_current(engine: Engine, existing_only: bool = False) -> None:
    """What opening a store does: nothing when the database is at the head (one query), else :func:`upgrade`
    (with ``existing_only`` an empty database is left empty)."""
    with engine.connect() as conn:
        state = status(conn)
        if state == "current" or (existing_only and state == "empty"):
            return
        if state == "ahead":
            raise _too_new(conn)
    upgrade(engine)


def history() -> list[tuple[str, str | None, str]]:
    """(revision, previous, its Dutch description ``description_nl``), oldest first."""
    revs = list(scripts().walk_revisions())
    revs.reverse()
    return [(r.revision, r.down_revision if isinstance(r.down_revision, str) else None,
             getattr(r.module, "description_nl", "")) for r in revs]
