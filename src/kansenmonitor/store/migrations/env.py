"""Alembic environment of the store. Run through :mod:`kansenmonitor.store.migrate`, which passes the open
connection in ``config.attributes["connection"]``; ``render_as_batch`` so that SQLite can alter tables."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from kansenmonitor.store import schema as s

s.load_capability_tables()
target_metadata = s.metadata
config = context.config


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
