"""Helpers that run in a separate (spawned) process, so they live in a module the child can import."""

from __future__ import annotations


def write_in_a_process(args: tuple[str, int]) -> str:
    """Open the store at ``url`` and report a process value; the new entry's id."""
    from kansenmonitor import entries as en
    from kansenmonitor.programme.repository import load_programme
    from kansenmonitor.store.store import Store

    url, i = args
    own = Store.open(url=url, create=False)
    try:
        return en.create_entry(own, load_programme("kansrijk-enschede-2023-2033"), "proces", "int-naschools",
                               {"indicator": "ind-vve-bereik", "periode": "2024", "waarde": str(50 + i)},
                               f"proces{i}").id
    finally:
        own.close()
