"""The site's page cache: one load per missing key however many requests want it at once, and nothing kept that
was loaded while the store changed."""

from __future__ import annotations

import threading
import time

from kansenmonitor.web.service import _Cache


def test_many_requests_for_one_missing_key_load_it_once():
    cache = _Cache(8)
    calls = []
    start = threading.Barrier(12)

    def load():
        calls.append(1)
        time.sleep(0.2)
        return "pagina"

    results = []

    def ask():
        start.wait()
        results.append(cache.get("k", load))

    threads = [threading.Thread(target=ask) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["pagina"] * 12
    assert len(calls) == 1


def test_a_value_loaded_while_the_cache_was_cleared_is_not_kept():
    cache = _Cache(8)
    loading = threading.Event()
    release = threading.Event()

    def slow():
        loading.set()
        release.wait(5)
        return "oud"

    out = []
    t = threading.Thread(target=lambda: out.append(cache.get("k", slow)))
    t.start()
    loading.wait(5)
    cache.clear()  # the store changed while the old value was being built
    assert cache.get("k", lambda: "nieuw") == "nieuw"  # a new request does not wait for the old load
    release.set()
    t.join()
    assert out == ["oud"]
    assert cache.get("k", lambda: "anders") == "nieuw"


def test_a_failing_load_lets_the_waiters_load_themselves():
    cache = _Cache(8)
    started = threading.Event()

    def failing():
        started.set()
        time.sleep(0.1)
        raise RuntimeError("kapot")

    errors = []

    def first():
        try:
            cache.get("k", failing)
        except RuntimeError as exc:
            errors.append(exc)

    t = threading.Thread(target=first)
    t.start()
    started.wait(5)
    assert cache.get("k", lambda: "goed") == "goed"
    t.join()
    assert len(errors) == 1
    assert cache.get("k", lambda: "anders") == "goed"


def test_the_least_recently_used_key_goes_first():
    cache = _Cache(2)
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 2)
    cache.get("a", lambda: 0)  # used again: b is now the oldest
    cache.get("c", lambda: 3)
    assert "a" in cache and "c" in cache and "b" not in cache
