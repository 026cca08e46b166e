"""Shared fixtures: a demo database built once per session from ../shared/data, and both store backends."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from kansenmonitor.demo import DataNotFoundError, find_data_dir
from kansenmonitor.monitor import Monitor

PG_ADMIN_URL = os.environ.get("KANSENMONITOR_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), connect_timeout=2):
            return True
    except Exception:
        return False


PG_AVAILABLE = _pg_available()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    try:
        return find_data_dir()
    except DataNotFoundError:
        pytest.skip("../shared/data is not present")


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory, data_dir) -> Path:
    """A demo database (scope 'twente'), built once for the whole test session. For quick local runs,
    ``KANSENMONITOR_TEST_DEMO_HOME`` names a home built by ``init --demo`` of the same code: it is copied
    instead (CI always builds)."""
    from kansenmonitor.demo import build_demo

    prebuilt = os.environ.get("KANSENMONITOR_TEST_DEMO_HOME")
    if prebuilt:
        import shutil

        home = tmp_path_factory.mktemp("demo-copy") / "home"
        shutil.copytree(prebuilt, home)
        return home
    home = tmp_path_factory.mktemp("demo-home")
    monitor = Monitor.open(home=home)
    build_demo(monitor, data_dir)
    monitor.close()
    return home


@pytest.fixture(scope="session")
def demo_monitor(demo_home) -> Monitor:
    """The session's demo database, read-only by convention: tests must not write to it."""
    return Monitor.open(home=demo_home, url=f"sqlite:///{demo_home / 'kansenmonitor.sqlite'}")


def _new_pg_database() -> str:
    import psycopg

    name = f"km_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def _drop_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend_url(request, tmp_path):
    """A fresh, empty store URL on each backend (PostgreSQL skipped when unreachable)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kansenmonitor.sqlite'}"
        return
    if not PG_AVAILABLE:
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    name = _new_pg_database()
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        _drop_pg_database(name)


@pytest.fixture
def empty_monitor(backend_url, tmp_path) -> Monitor:
    monitor = Monitor.open(home=tmp_path, url=backend_url)
    monitor.sync_catalogue()
    yield monitor
    monitor.close()


@pytest.fixture(autouse=True)
def _restore_kansenmonitor_env():
    """The CLI's --home/--database-url set environment variables; give every test a clean slate."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("KANSENMONITOR_")}
    yield
    for k in [k for k in os.environ if k.startswith("KANSENMONITOR_")]:
        if k not in saved:
            del os.environ[k]
    os.environ.update(saved)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test of the session (two would clash in Playwright)."""
    from web.axe import CHROMIUM

    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (.ci/setup-browser.sh)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        yield b
        b.close()
