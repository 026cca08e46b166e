"""A tiny store (a few regions of Enschede) and an app with one account per role, for the programme edit tests."""

from __future__ import annotations

from kansenmonitor.core.model import Level, Region
from kansenmonitor.monitor import Monitor

PID = "kansrijk-enschede-2023-2033"
IID = "int-3e-pmer"
OTHER = "regio-deal-elk-talent-telt"


def tiny_monitor(home, url: str | None = None) -> Monitor:
    monitor = Monitor.open(home=home, url=url or f"sqlite:///{home / 'kansenmonitor.sqlite'}")
    monitor.sync_catalogue()
    with monitor.store.transaction() as w:
        w.upsert_regions([
            Region("NL01", "Nederland", Level.LAND, 2024),
            Region("GM0153", "Enschede", Level.GEMEENTE, 2024, parent="NL01"),
            Region("WK015306", "Wesselerbrink", Level.WIJK, 2024, parent="GM0153"),
            Region("WK015307", "Centrum", Level.WIJK, 2024, parent="GM0153"),
            Region("WK014101", "Centrum", Level.WIJK, 2024, parent="GM0141"),
        ])
    return monitor
