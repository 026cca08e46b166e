"""Schema migrations: an upgrade from empty equals ``create_all``; a database of the release before migrations (with
the demo data in it) is adopted without losing a row; the chain 0001 → head keeps the data and adds the column."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, func, inspect, select, text

from kansenmonitor.core.errors import StoreError
from kansenmonitor.store import Store, migrate
from kansenmonitor.store import schema as s

DEMO = Path(os.environ.get("KANSENMONITOR_TEST_DEMO_HOME", "/work/demo-home")) / "kansenmonitor.sqlite"


def _reflect(engine) -> dict:
    insp = inspect(engine)
    out = {}
    for t in insp.get_table_names():
        if t == "alembic_version":
            continue
        cols = {c["name"]: (str(c["type"]), c["nullable"]) for c in insp.get_columns(t)}
        pk = tuple(insp.get_pk_constraint(t)["constrained_columns"])
        idx = sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(t))
        uq = sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(t))
        out[t] = (cols, pk, idx, uq)
    return out


def _second_url(url: str, tmp_path: Path):
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'other.sqlite'}", lambda: None
    import uuid

    import psycopg

    admin = url.rsplit("/", 1)[0].replace("+psycopg", "") + "/postgres"
    name = f"km_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.rsplit("/", 1)[0] + "/" + name, drop


def test_upgrade_from_empty_equals_create_all(backend_url, tmp_path):
    store = Store.open(url=backend_url)
    other_url, drop = _second_url(backend_url, tmp_path)
    try:
        other = create_engine(other_url)
        s.load_capability_tables()
        s.metadata.create_all(other)
        migrated, created = _reflect(store.engine), _reflect(other)
        other.dispose()
        assert set(migrated) == set(created)
        for table in created:
            assert migrated[table] == created[table], table
    finally:
        store.close()
        drop()
    store = Store.open(url=backend_url)
    with store.engine.connect() as conn:
        assert migrate.status(conn) == "current"
        version = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    store.close()
    assert version == str(int(migrate.head()))


def _counts(engine) -> dict[str, int]:
    insp = inspect(engine)
    with engine.connect() as conn:
        return {t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar() for t in insp.get_table_names()
                if t != "alembic_version"}


def _as_release_before_migrations(url: str) -> None:
    """A demo built by this code is already migrated: take it back to what the release before migrations left
    (the first revision's schema, no ``alembic_version``, ``schema_version`` 1 in ``meta``) with its data."""
    engine = create_engine(url)
    try:
        if inspect(engine).has_table("alembic_version"):
            with engine.begin() as conn:
                command.downgrade(migrate.config(conn), migrate.FIRST)
                conn.execute(text("DROP TABLE alembic_version"))
                conn.execute(text("UPDATE meta SET value = :v WHERE key = 'schema_version'"),
                             {"v": str(int(migrate.FIRST))})
    finally:
        engine.dispose()


@pytest.mark.skipif(not DEMO.exists(), reason="no prebuilt demo home")
def test_demo_database_of_the_release_before_migrations_keeps_every_row(tmp_path):
    path = tmp_path / "kansenmonitor.sqlite"
    shutil.copy(DEMO, path)
    url = f"sqlite:///{path}"
    _as_release_before_migrations(url)
    plain = create_engine(url)
    before = _counts(plain)
    plain.dispose()
    assert before["observations"] > 0 and before["indicators"] > 0
    assert not inspect(create_engine(url)).has_table("alembic_version")
    store = Store.open(url=url)
    after = _counts(store.engine)
    with store.engine.connect() as conn:
        assert migrate.status(conn) == "current"
    for table, n in before.items():
        assert after[table] == n, table
    assert set(after) - set(before) <= {"network_graphs", "network_nodes", "network_edges"}
    assert "min_value" in {c["name"] for c in inspect(store.engine).get_columns("indicators")}
    assert len(store.indicators()) == before["indicators"]
    store.close()


def test_chain_from_revision_one_keeps_data_and_adds_the_column(backend_url):
    engine = create_engine(backend_url)
    with engine.begin() as conn:
        command.upgrade(migrate.config(conn), migrate.FIRST)
        conn.execute(text(
            "INSERT INTO indicators (id, label_nl, label_en, unit, theme, polarity, aggregation, factor, decimals,"
            " value_type, structural, sources) VALUES ('x', 'X', 'X', '%', 'werk', 'higher_is_better', 'ratio',"
            " 1.0, 1, 'float', false, '[]')"))
    assert "min_value" not in {c["name"] for c in inspect(engine).get_columns("indicators")}
    state, rev = migrate.upgrade(engine)
    assert (state, rev) == ("behind", migrate.head())
    with engine.connect() as conn:
        row = conn.execute(select(s.indicators).where(s.indicators.c.id == "x")).one()
        assert row.label_nl == "X" and row.min_value is None
        assert conn.execute(select(func.count()).select_from(s.indicators)).scalar() == 1
    engine.dispose()


def test_min_value_round_trips(tmp_path):
    from dataclasses import replace

    from kansenmonitor.monitor import Monitor

    monitor = Monitor.open(home=tmp_path, url=f"sqlite:///{tmp_path / 'k.sqlite'}")
    ind = replace(list(monitor.catalogue.values())[0] if isinstance(monitor.catalogue, dict)
                  else list(monitor.catalogue)[0], min_value=-5.0)
    with monitor.store.transaction() as w:
        w.upsert_indicators([ind])
    assert {i.id: i for i in monitor.store.indicators()}[ind.id].min_value == -5.0
    monitor.close()


def test_newer_database_is_refused_in_dutch(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    store = Store.open(url=url)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.close()
    with pytest.raises(StoreError, match="Werk kansenmonitor bij"):
        Store.open(url=url)


def test_legacy_database_with_a_changed_table_is_refused_and_unchanged(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(migrate.config(conn), migrate.FIRST)
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('schema_version', '1')"))
        conn.execute(text("ALTER TABLE documents ADD COLUMN surprise TEXT"))
    with pytest.raises(StoreError, match="documents heeft onbekende kolom"):
        Store.open(url=url)
    assert not inspect(engine).has_table("alembic_version")
    engine.dispose()


def test_open_without_create_upgrades_an_existing_store_and_leaves_an_empty_one_empty(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(migrate.config(conn), migrate.FIRST)
    Store.open(url=url, create=False).close()
    assert "min_value" in {c["name"] for c in inspect(engine).get_columns("indicators")}
    engine.dispose()
    empty = f"sqlite:///{tmp_path / 'leeg.sqlite'}"
    (tmp_path / "leeg.sqlite").touch()
    Store.open(url=empty, create=False).close()
    assert inspect(create_engine(empty)).get_table_names() == []


def _open_and_close(url: str) -> str:
    Store.open(url=url).close()
    return "ok"


def test_processes_opening_one_new_store_at_once_all_succeed(backend_url):
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(4) as pool:
        assert pool.map(_open_and_close, [backend_url] * 4) == ["ok"] * 4
    engine = create_engine(backend_url)
    with engine.connect() as conn:
        assert migrate.status(conn) == "current"
        assert conn.execute(text("SELECT COUNT(*) FROM alembic_version")).scalar() == 1
    engine.dispose()


def test_every_revision_has_a_dutch_description():
    assert all(doc for _rev, _prev, doc in migrate.history())
