from pathlib import Path

import pytest

from kansenmonitor.programme.repository import shipped_programmes

DATA = Path(__file__).resolve().parents[2] / "src" / "kansenmonitor" / "programme" / "data"


@pytest.fixture(scope="session")
def shipped():
    return shipped_programmes()


@pytest.fixture(scope="session")
def kansrijk(shipped):
    return shipped["kansrijk-enschede-2023-2033"]


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("KANSENMONITOR_HOME", str(tmp_path / "home"))
