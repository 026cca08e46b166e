"""The web app picks up an import made while it runs (no restart needed)."""

from __future__ import annotations

import shutil

from fastapi.testclient import TestClient

from kansenmonitor.monitor import Monitor
from kansenmonitor.web.app import create_app


def test_profile_shows_a_new_import(demo_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    monitor = Monitor.open(home=home, url=f"sqlite:///{home / 'kansenmonitor.sqlite'}")
    app = create_app(monitor)
    client = TestClient(app)
    before = client.get("/gebieden/WK015306?format=json").json()
    assert not any(r["indicator"] == "pct_laag_inkomen" and r["period"] == 2025 for r in before["rows"])
    path = tmp_path / "nieuw.csv"
    path.write_text("region;indicator;period;value\nWK015306;pct_laag_inkomen;2025;39,5\n", encoding="utf-8")
    monitor.import_file("long", path, boundary_year=2024)
    app.state.site._checked -= app.state.site.FRESHNESS_INTERVAL  # as if a few seconds passed
    after = client.get("/gebieden/WK015306?format=json").json()
    row = next(r for r in after["rows"] if r["indicator"] == "pct_laag_inkomen")
    assert row["period"] == 2025 and row["value"] == 39.5
    monitor.close()
