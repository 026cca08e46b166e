"""The editing service: two concurrent writers of the same intervention (threads, each with its own store and
connections) → exactly one wins, the other gets the conflict, on SQLite and PostgreSQL; a stored programme is what
load_programme and available_ids see."""

from __future__ import annotations

import threading

import pytest
from edit_fixtures import IID, PID

from kansenmonitor.accounts import audit
from kansenmonitor.core.errors import ValidationError, VersionConflict
from kansenmonitor.programme import editing as ed
from kansenmonitor.programme import stored
from kansenmonitor.store import Store


def test_two_concurrent_writers_of_one_intervention_exactly_one_wins(backend_url):
    rounds = 2
    setup = Store.open(url=backend_url)
    try:
        for _ in range(rounds):  # first from the shipped file (version 0), then from a stored version
            version, programme = ed.current(PID, setup)
            barrier = threading.Barrier(2)
            results: dict[str, object] = {}

            def write(name: str, version=version, programme=programme, barrier=barrier, results=results) -> None:
                own = Store.open(url=backend_url)
                try:
                    changed = ed.with_intervention(programme, IID, {"owner": f"eigenaar {name}"})
                    barrier.wait()
                    results[name] = ed.save(own, changed, version, name, "programme.intervention", "intervention",
                                            f"{PID}/{IID}", before=None, after={"owner": name}).version
                except VersionConflict as exc:
                    results[name] = exc
                finally:
                    own.close()

            threads = [threading.Thread(target=write, args=(n,)) for n in ("a", "b")]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            winners = [n for n, r in results.items() if r == version + 1]
            losers = [n for n, r in results.items() if isinstance(r, VersionConflict)]
            assert len(winners) == 1 and len(losers) == 1, results
            now, saved = stored.stored_programme(PID, setup)
            assert now == version + 1 and saved.intervention(IID).owner == f"eigenaar {winners[0]}"
        lines = audit.history(setup.engine, "intervention", f"{PID}/{IID}")
        assert len(lines) == rounds  # the loser's audit line was rolled back with its write
    finally:
        setup.close()


def test_invalid_programme_is_not_saved(tmp_path):
    store = Store.open(url=f"sqlite:///{tmp_path / 'k.sqlite'}")
    version, programme = ed.current(PID, store)
    with pytest.raises(ValidationError):
        ed.with_intervention(programme, IID, {"start_year": 2030, "end_year": 2020})
    with pytest.raises(ValidationError) as info:
        ed.with_budget_line(programme, None, {"label": "x", "kind": "uitgaaf", "table": "ft-2023-2026"})
    assert "ongeldige waarde 'uitgaaf'" in str(info.value)
    assert stored.stored_programme(PID, store) is None
    store.close()


def test_the_stored_version_is_what_load_programme_sees(tmp_path, monkeypatch):
    """Outside a request (CLI, reports): the default store of $KANSENMONITOR_HOME when no Monitor is bound."""
    from kansenmonitor.programme import available_ids, load_programme

    monkeypatch.setenv("KANSENMONITOR_HOME", str(tmp_path))
    monkeypatch.delenv("KANSENMONITOR_DATABASE_URL", raising=False)
    monkeypatch.setattr(stored, "_bound", [])
    store = Store.open(home=tmp_path)
    version, programme = ed.current(PID, store)
    changed = ed.with_intervention(programme, IID, {"name": "Online gewijzigd"})
    ed.save(store, changed, version, "test", "programme.intervention", "intervention", f"{PID}/{IID}", None, None)
    assert load_programme(PID).intervention(IID).name == "Online gewijzigd"
    assert PID in available_ids()
    copy = ed.with_intervention(changed, IID, {"name": "x"})
    copy.id = "een-kopie"
    ed.save(store, copy, 0, "test", "programme.intervention", "intervention", f"een-kopie/{IID}", None, None)
    assert "een-kopie" in available_ids()
    store.close()
    stored._default_store.cache_clear()


def test_importing_a_file_again_replaces_the_edited_version(tmp_path, monkeypatch):
    from kansenmonitor.programme import load_programme, shipped_programmes, write_yaml
    from kansenmonitor.programme.repository import import_programme

    monkeypatch.setenv("KANSENMONITOR_HOME", str(tmp_path))
    store = Store.open(home=tmp_path)
    monkeypatch.setattr(stored, "_bound", [store])
    version, programme = ed.current(PID, store)
    ed.save(store, ed.with_intervention(programme, IID, {"name": "Online"}), version, "test",
            "programme.intervention", "intervention", f"{PID}/{IID}", None, None)
    assert load_programme(PID).intervention(IID).name == "Online"
    path = write_yaml(shipped_programmes()[PID], tmp_path / "nota.yaml")
    import_programme(path)
    assert load_programme(PID).intervention(IID).name == shipped_programmes()[PID].intervention(IID).name
    assert stored.version_of(PID, store) == 2
    last = audit.history(store.engine, "programme", PID)[-1]
    assert last["action"] == "programme.import" and last["after"]["bestand"] == "nota.yaml"
    store.close()


@pytest.mark.slow
def test_two_processes_writing_one_intervention_exactly_one_wins(backend_url):
    import multiprocessing

    from edit_fixtures import save_in_process

    setup = Store.open(url=backend_url)
    version, _p = ed.current(PID, setup)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=save_in_process, args=(backend_url, version, n, barrier, results)) for n in "ab"]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    got = dict(results.get(timeout=5) for _ in procs)
    assert sorted(got.values(), key=str) == [version + 1, f"conflict {version + 1}"], got
    winner = next(n for n, r in got.items() if r == version + 1)
    assert stored.stored_programme(PID, setup)[1].intervention(IID).owner == f"proces {winner}"
    setup.close()
