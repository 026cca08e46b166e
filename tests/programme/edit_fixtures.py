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


def save_in_process(url: str, version: int, name: str, barrier, results) -> None:
    """One writer in a process of its own (see test_programme_editing): change the owner from ``version``."""
    from kansenmonitor.core.errors import VersionConflict
    from kansenmonitor.programme import editing as ed
    from kansenmonitor.store import Store

    store = Store.open(url=url)
    try:
        _v, programme = ed.current(PID, store)
        changed = ed.with_intervention(programme, IID, {"owner": f"proces {name}"})
        barrier.wait(timeout=60)
        saved = ed.save(store, changed, version, name, "programme.intervention", "intervention", f"{PID}/{IID}",
                        before=None, after={"owner": name})
        results.put((name, saved.version))
    except VersionConflict as exc:
        results.put((name, f"conflict {exc.current_version}"))
    finally:
        store.close()
