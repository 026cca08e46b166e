"""Versioned documents: put bumps the version, a compare-and-swap write with a stale version writes nothing and
says what is stored, and of two writers that started from the same version exactly one wins (SQLite and
PostgreSQL, separate connections in separate threads)."""

from __future__ import annotations

import threading

import pytest

from kansenmonitor.core.errors import VersionConflict
from kansenmonitor.store import Store


def test_put_bumps_and_replace_checks_the_version(backend_url):
    store = Store.open(url=backend_url)
    try:
        assert store.document_with_version("programme", "p") is None
        assert store.put_document("programme", "p", {"n": 1}) == 1
        assert store.put_document("programme", "p", {"n": 2}) == 2
        assert store.document_with_version("programme", "p") == (2, {"n": 2})
        assert store.replace_document("programme", "p", {"n": 3}, 2) == 3
        with pytest.raises(VersionConflict) as info:
            store.replace_document("programme", "p", {"n": 4}, 2)
        assert info.value.current_version == 3 and info.value.current_body == {"n": 3}
        assert "intussen gewijzigd" in str(info.value)
        assert store.document_with_version("programme", "p") == (3, {"n": 3})
        # expected 0: only when there is no such document yet
        assert store.replace_document("programme", "q", {"n": 1}, 0) == 1
        with pytest.raises(VersionConflict):
            store.replace_document("programme", "q", {"n": 9}, 0)
        # a conflict inside a larger transaction rolls back what was written before it
        with pytest.raises(VersionConflict), store.transaction() as w:
            w.put_document("other", "x", {"a": 1})
            w.replace_document("programme", "p", {"n": 5}, 1)
        assert store.get_document("other", "x") is None
    finally:
        store.close()


@pytest.mark.parametrize("start", [0, 1])
def test_two_concurrent_writers_exactly_one_wins(backend_url, start):
    store = Store.open(url=backend_url)
    if start:
        store.put_document("programme", "p", {"n": 0})
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def write(name: str) -> None:
        own = Store.open(url=backend_url)  # a connection pool of its own
        try:
            barrier.wait()
            results[name] = own.replace_document("programme", "p", {"by": name}, start)
        except VersionConflict as exc:
            results[name] = exc
        finally:
            own.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wins = [n for n, r in results.items() if r == start + 1]
    conflicts = [n for n, r in results.items() if isinstance(r, VersionConflict)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    assert store.document_with_version("programme", "p") == (start + 1, {"by": wins[0]})
    store.close()
