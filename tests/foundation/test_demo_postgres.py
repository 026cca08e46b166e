"""The demo database builds the same on PostgreSQL as on the embedded default."""

from __future__ import annotations

import pytest

from kansenmonitor.demo import build_demo
from kansenmonitor.monitor import Monitor


@pytest.mark.slow
def test_demo_on_both_backends_is_identical(demo_monitor, data_dir, backend_url, tmp_path):
    if backend_url.startswith("sqlite"):
        pytest.skip("the session demo database is the SQLite reference")
    monitor = Monitor.open(home=tmp_path, url=backend_url)
    build_demo(monitor, data_dir)
    a = demo_monitor.store.observations()
    b = monitor.store.observations()
    key = ["region", "boundary_year", "indicator", "period"]
    merged = a.merge(b, on=key, how="outer", suffixes=("_sqlite", "_pg"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    diff = (merged["value_sqlite"] - merged["value_pg"]).abs()
    assert (diff.fillna(0) < 1e-9).all()
    assert (merged["status_sqlite"] == merged["status_pg"]).all()
    assert demo_monitor.store.counts()["regions"] == monitor.store.counts()["regions"]
    monitor.close()
