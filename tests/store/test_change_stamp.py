"""The store's change stamp: what every cached page compares every few seconds, so it must be cheap (no count of
the observations) and must move on with every write that a cached page could show — and not with a report entry,
which pages read per request."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import event

from kansenmonitor.core.catalogue import load_catalogue
from kansenmonitor.core.model import Level, Region
from kansenmonitor.store import store as store_module
from kansenmonitor.store.store import OBSERVATION_COLUMNS, Store


@pytest.fixture
def store(backend_url) -> Store:
    st = Store.open(backend_url)
    yield st
    st.close()


INDICATOR = next(iter(load_catalogue().indicators.values()))


def _observations(value: float) -> pd.DataFrame:
    row = {c: None for c in OBSERVATION_COLUMNS}
    row.update(region="GM9999", boundary_year=2024, indicator=INDICATOR.id, period=2024, value=value, status="measured")
    return pd.DataFrame([row])


def test_every_shared_write_moves_the_stamp_and_a_per_request_document_does_not(store, monkeypatch):
    monkeypatch.setattr(store_module, "PER_REQUEST_KINDS", {"report-entry-test"})
    seen = [store.change_stamp()]

    def changed() -> bool:
        now = store.change_stamp()
        moved = now != seen[-1]
        seen.append(now)
        return moved

    with store.transaction() as w:
        w.upsert_regions([Region("GM9999", "Proefgemeente", Level.GEMEENTE, 2024)])
        w.upsert_indicators([INDICATOR])
    assert changed()
    with store.transaction() as w:
        w.upsert_observations(_observations(1.0))
    assert changed()
    with store.transaction() as w:  # the same key, another value: the count of rows stays, the stamp moves
        w.upsert_observations(_observations(2.0))
    assert changed()
    store.put_document("programme", "p1", {"naam": "een"})
    assert changed()
    store.put_document("programme", "p1", {"naam": "twee"})
    assert changed()
    store.add_document("report-entry-test", "00001", {"waarde": 1})
    assert not changed()
    with store.transaction() as w:  # a per-request document together with a shared one: moves
        w.add_document("report-entry-test", "00002", {"waarde": 2})
        w.put_document("programme", "p1", {"naam": "drie"})
    assert changed()
    with store.transaction() as w:  # a write straight through the connection cannot be seen: it moves too
        w.conn.execute(store_module.s.meta.insert().values(key="proef", value="x"))
    assert changed()
    with pytest.raises(RuntimeError), store.transaction() as w:  # rolled back: nothing moved
        w.put_document("programme", "p2", {"naam": "vier"})
        raise RuntimeError("stop")
    assert not changed()


def test_the_stamp_does_not_read_the_observations(store):
    statements: list[str] = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement.lower())

    event.listen(store.engine, "before_cursor_execute", remember)
    try:
        store.change_stamp()
    finally:
        event.remove(store.engine, "before_cursor_execute", remember)
    assert statements and not any("observations" in s or "count(" in s for s in statements)
