"""Opening a new store: ``upgrade head`` (Store.open, what every test does) against plain ``metadata.create_all``
(what the store did before migrations), on SQLite, plus re-opening a store at head. Prints medians and ratios.

    python bench/bench_migrations.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, insert

from kansenmonitor.store import Store
from kansenmonitor.store import schema as s


def _median(fn, rounds: int) -> float:
    times = []
    for i in range(rounds):
        t = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    rounds = ap.parse_args().rounds
    s.load_capability_tables()
    tmp = Path(tempfile.mkdtemp(prefix="km-bench-mig-"))
    Store.open(url=f"sqlite:///{tmp / 'warm.sqlite'}").close()  # import alembic, read the revisions once

    def migrated(i: int) -> None:
        Store.open(url=f"sqlite:///{tmp / f'm{i}.sqlite'}").close()

    def created(i: int) -> None:
        engine = create_engine(f"sqlite:///{tmp / f'c{i}.sqlite'}")
        s.metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(insert(s.meta).values(key="schema_version", value="1"))
        engine.dispose()

    def reopen(_i: int) -> None:
        Store.open(url=f"sqlite:///{tmp / 'm0.sqlite'}").close()

    up, ca = _median(migrated, rounds), _median(created, rounds)
    ro = _median(reopen, rounds)
    print(f"new store, upgrade head : {up * 1000:7.1f} ms")
    print(f"new store, create_all   : {ca * 1000:7.1f} ms")
    print(f"ratio upgrade/create_all: {up / ca:7.2f}")
    print(f"re-open a store at head : {ro * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
