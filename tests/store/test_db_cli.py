"""``kansenmonitor db upgrade|current|history`` and ``serve --production`` on a database behind the code."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner

from kansenmonitor.cli import app as cli_app
from kansenmonitor.store import migrate

runner = CliRunner()


def _at_first_revision(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(migrate.config(conn), migrate.FIRST)
    engine.dispose()


def test_current_upgrade_history(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    _at_first_revision(url)
    monkeypatch.setenv("KANSENMONITOR_DATABASE_URL", url)
    r = runner.invoke(cli_app, ["db", "current"])
    assert r.exit_code == 1, r.output
    assert "0001" in r.output and "kansenmonitor db upgrade" in r.output
    # 'db current' looks, it does not upgrade
    assert "min_value" not in {c["name"] for c in inspect(create_engine(url)).get_columns("indicators")}
    r = runner.invoke(cli_app, ["db", "upgrade"])
    assert r.exit_code == 0, r.output
    assert f"bijgewerkt naar schemaversie {migrate.head()}" in r.output
    r = runner.invoke(cli_app, ["db", "current"])
    assert r.exit_code == 0 and "bijgewerkt" in r.output
    r = runner.invoke(cli_app, ["db", "upgrade"])
    assert r.exit_code == 0 and "was al bijgewerkt" in r.output
    r = runner.invoke(cli_app, ["db", "history"])
    assert r.exit_code == 0
    assert r.output.index("0001") < r.output.index("0002") and "ondergrens" in r.output


def test_db_help_is_dutch():
    r = runner.invoke(cli_app, ["db", "--help"])
    assert r.exit_code == 0 and "Werk het schema van de database bij" in r.output


def test_serve_production_refuses_a_database_behind_the_code(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    _at_first_revision(url)
    monkeypatch.setenv("KANSENMONITOR_DATABASE_URL", url)
    monkeypatch.setenv("KANSENMONITOR_SECRET_KEY", "x" * 64)
    monkeypatch.setenv("KANSENMONITOR_HOME", str(tmp_path))
    r = runner.invoke(cli_app, ["serve", "--production", "--no-warm"])
    assert r.exit_code == 2, r.output
    assert "kansenmonitor db upgrade" in r.output
    # and it left the database as it was
    assert "min_value" not in {c["name"] for c in inspect(create_engine(url)).get_columns("indicators")}
