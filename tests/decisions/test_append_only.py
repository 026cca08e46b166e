"""The decision log is append-only under concurrency, and a saved evaluation is never replaced."""

from __future__ import annotations

import threading

from kansenmonitor.programme import load_programme
from kansenmonitor.programme.decisions import decisions_for, record_decision
from kansenmonitor.store import Store

PROGRAMME = "kansrijk-enschede-2023-2033"


def test_concurrent_decisions_are_all_kept_with_distinct_numbers(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    Store.open(url=url)
    programme = load_programme(PROGRAMME)
    intervention = programme.interventions[0].id
    errors: list[BaseException] = []

    def decide(i: int) -> None:
        try:
            record_decision(Store.open(url=url), programme, intervention, "doorgaan", f"Reden {i}.", f"team {i}",
                            on="2026-11-30")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    log = decisions_for(Store.open(url=url), programme.id, intervention)
    assert len(log) == 24
    assert len({d.id for d in log}) == 24
    assert {d.rationale for d in log} == {f"Reden {i}." for i in range(24)}


def test_a_document_that_exists_is_not_replaced(tmp_path):
    store = Store.open(url=f"sqlite:///{tmp_path / 'k.sqlite'}")
    assert store.add_document("evaluation", "e1", {"estimate": 1.0})
    assert not store.add_document("evaluation", "e1", {"estimate": 2.0})
    assert store.get_document("evaluation", "e1") == {"estimate": 1.0}
