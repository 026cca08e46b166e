"""Fixtures for the network tests: a small store with buurten and wijken ."""

from __future__ import annotations

import pytest

from kansenmonitor.core.model import Level, Region
from kansenmonitor.monitor import Monitor


def regions() -> list[Region]:
    out = [Region("GM9999", "Teststad", Level.GEMEENTE, 2024), Region("WK999901", "Wijk 01", Level.WIJK, 2024,
                                                                       parent="GM9999")]
    out += [Region(f"BU9999010{i}", f"Buurt {i}", Level.BUURT, 2024, parent="WK999901") for i in (1, 2)]
    return out


@pytest.fixture
def net_monitor(empty_monitor: Monitor) -> Monitor:
    with empty_monitor.store.transaction() as w:
        w.upsert_regions(regions())
    return empty_monitor
