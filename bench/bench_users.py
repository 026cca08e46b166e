"""Benchmark the server with many signed-in users on PostgreSQL: does signing in make pages slower?

Issue 11 asks: 50 concurrent signed-in users (mixed reads and 10 % writes) against PostgreSQL; the p95 latency
of a form save and of a profile page, as ratios to the same pages read anonymously; target at most 2×.

What it does, in one run:

1. Builds (once; reused afterwards) the demo on the PostgreSQL database given by ``--database-url``.
2. Starts ``kansenmonitor serve`` as a **separate process** on that database (so the load generator does not
   share the server's interpreter), and makes one account per user (role programma-eigenaar of the
   Kansrijk Enschede programme, the role that both reads internal pages and saves reports).
3. Anonymous phase: ``--users`` clients request, for ``--seconds`` seconds, rotating profile pages (every wijk
   and buurt of Enschede, Almelo and Hengelo) and, one request in ten, the public page of the intervention the
   reports are about.
4. Signed-in phase: the same clients sign in (each its own session and CSRF cookie) and run the same reads,
   with one request in ten a form save: a report (melding) of a process indicator's value, posted through the
   report form with its CSRF token, as a browser does. Each save is a real write (an entry and its audit line).
5. Prints p50/p95/p99 and counts for each kind, and the two ratios the issue names: the profile page signed in
   ÷ anonymous, and a report saved through the form ÷ the intervention's page read anonymously (the form itself
   has no anonymous reading: it is for signed-in reporters only).

Not a test: ``python bench/bench_users.py [--users 50] [--seconds 30] [--database-url …]``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

PASSWORD = "een heel lang benchwachtwoord"
PROGRAMME = "kansrijk-enschede-2023-2033"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/km_bench_users"


def _env(url: str, home: Path) -> dict:
    return {**os.environ, "KANSENMONITOR_DATABASE_URL": url, "KANSENMONITOR_HOME": str(home),
            "KANSENMONITOR_SECRET_KEY": "b" * 64}


def _km(*args: str, env: dict, **kw) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("kansenmonitor")
    return subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, **kw)


def ensure_demo(url: str, home: Path) -> None:
    from sqlalchemy import create_engine, inspect, text

    admin_url, _, name = url.rpartition("/")
    admin = create_engine(admin_url + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("select 1 from pg_database where datname = :n"), {"n": name}).first():
            conn.execute(text(f'create database "{name}"'))
    admin.dispose()
    engine = create_engine(url)
    try:
        has_demo = "observations" in inspect(engine).get_table_names() and engine.connect().execute(
            text("select count(*) from observations")).scalar() > 100_000
    finally:
        engine.dispose()
    if not has_demo:
        print("de demo wordt op PostgreSQL gebouwd (eenmalig, een paar minuten)…", flush=True)
        r = _km("init", "--demo", env=_env(url, home))
        if r.returncode:
            raise SystemExit(r.stdout + r.stderr)


def ensure_accounts(url: str, home: Path, n: int) -> list[str]:
    from kansenmonitor.accounts import service
    from kansenmonitor.store import Store

    store = Store.open(url)
    try:
        names = [f"bench{i:02d}" for i in range(n)]
        for name in names:
            if service.get_account(store.engine, name) is None:
                service.add_account(store.engine, name, PASSWORD, "programma-eigenaar", f"Bench {name}",
                                    programme=PROGRAMME, actor="bench")
        remove_bench_entries(store)
        return names
    finally:
        store.engine.dispose()


def remove_bench_entries(store) -> None:
    """Every run starts from the same store: the entries that earlier runs' bench accounts wrote are removed
    (their audit lines stay: the log is append-only), so that runs are comparable (pages that merge entries get
    slower as entries accumulate)."""
    from sqlalchemy import delete, select

    from kansenmonitor.entries.model import ENTRY_KIND
    from kansenmonitor.store import schema as s

    d = s.documents
    with store.engine.begin() as conn:
        ids = [i for i, body in conn.execute(select(d.c.id, d.c.body).where(d.c.kind == ENTRY_KIND))
               if '"entered_by": "bench' in body]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            conn.execute(delete(d).where(d.c.kind == ENTRY_KIND, d.c.id.in_(chunk)))
    if ids:
        print(f"{len(ids)} meldingen van een eerdere meting verwijderd", flush=True)


def start_server(url: str, home: Path) -> tuple[subprocess.Popen, str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    exe = Path(sys.executable).with_name("kansenmonitor")
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port), "--no-warm"], env=_env(url, home),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("de server stopte: " + (proc.stderr.read() if proc.stderr else ""))
        try:
            if httpx.get(base + "/over", timeout=5).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit("de server kwam niet op")



class User:
    """One visitor with its own cookies (session, CSRF), as one browser tab."""

    def __init__(self, base: str, username: str | None):
        self.client = httpx.Client(base_url=base, timeout=60, headers={"Origin": base})
        self.username = username
        self.csrf: str | None = None
        if username:
            page = self.client.get("/aanmelden")
            token = CSRF.search(page.text).group(1)
            r = self.client.post("/aanmelden", data={"gebruikersnaam": username, "wachtwoord": PASSWORD,
                                                     "csrf_token": token, "terug": "/"}, follow_redirects=False)
            if r.status_code != 303:
                raise SystemExit(f"aanmelden van {username} lukte niet: {r.status_code} {r.text[:300]}")


def run_phase(users: list[User], reads: list[str], seconds: float, write) -> dict[str, list[float]]:
    """Every user requests in a loop until the time is up; one request in ten is ``write(user, n)`` if given."""
    times: dict[str, list[float]] = {"profile": [], "intervention": [], "save": []}
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    url_cycle = itertools.cycle(reads)
    errors: list[str] = []

    def loop(user: User, offset: int):
        n = offset
        while time.monotonic() < stop:
            n += 1
            kind, t0 = "profile", time.perf_counter()
            if write is not None and n % 10 == 0:
                kind = "save"
                ok = write(user, n)
            elif n % 10 == 5:
                kind = "intervention"  # the public page the report is about
                ok = user.client.get(INTERVENTION_PAGE).status_code == 200
            else:
                with lock:
                    url = next(url_cycle)
                ok = user.client.get(url).status_code == 200
            dt = time.perf_counter() - t0
            with lock:
                (times[kind] if ok else errors).append(dt if ok else kind)
    threads = [threading.Thread(target=loop, args=(u, i)) for i, u in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"  let op: {len(errors)} verzoeken mislukten ({', '.join(sorted(set(errors)))})")
    return times


#: the report form: the page a partner or programme owner opens to enter a process indicator's value
FORM_PAGE = f"/programmas/{PROGRAMME}/rapporteren"
#: the public page of the intervention reported on (set by :func:`configure_form`)
INTERVENTION_PAGE = f"/programmas/{PROGRAMME}"


def save_report(user: User, n: int) -> bool:
    """Post a report of a process indicator's value through the form, with the CSRF token the user's session
    holds (read once from the form, as a browser has it from the page it shows)."""
    if user.csrf is None:
        page = user.client.get(FORM_PAGE + "?" + FORM_QUERY)
        match = CSRF.search(page.text)
        if page.status_code != 200 or not match:
            return False
        user.csrf = match.group(1)
    data = {**FORM_DATA, "csrf_token": user.csrf, "waarde": str(10 + n % 50)}
    r = user.client.post(FORM_PAGE, data=data, follow_redirects=False)
    return r.status_code in (200, 201, 303)


FORM_QUERY = ""
FORM_DATA: dict[str, str] = {}


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else float("nan")


def report(label: str, times: dict[str, list[float]]) -> None:
    for kind, values in times.items():
        if values:
            print(f"  {label:<12} {kind:<8} n={len(values):>5}  p50 {statistics.median(values) * 1000:7.1f} ms  "
                  f"p95 {pct(values, 95) * 1000:7.1f} ms  p99 {pct(values, 99) * 1000:7.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--database-url", default=os.environ.get("KANSENMONITOR_BENCH_PG", DEFAULT_URL))
    ap.add_argument("--home", default=str(Path(tempfile.gettempdir()) / "km-bench-users-home"))
    args = ap.parse_args()
    home = Path(args.home)
    home.mkdir(parents=True, exist_ok=True)

    ensure_demo(args.database_url, home)
    names = ensure_accounts(args.database_url, home, args.users)
    configure_form(args.database_url, home)
    proc, base = start_server(args.database_url, home)
    try:
        from kansenmonitor.store import Store

        store = Store.open(args.database_url)
        codes = [r.code for r in store.regions() if str(getattr(r.level, "value", r.level)) in ("wijk", "buurt")
                 and r.code[2:6] in ("0153", "0141", "0164")]
        store.engine.dispose()
        reads = [f"/gebieden/{c}" for c in sorted(set(codes))]
        print(f"{args.users} gebruikers, {args.seconds:.0f} s per fase, {len(reads)} profielpagina's, "
              f"PostgreSQL, server als apart proces")
        for u in [User(base, None)]:  # one pass over every page first, so both phases find the same caches
            for url in reads:
                u.client.get(url)
        anonymous = [User(base, None) for _ in range(args.users)]
        anon = run_phase(anonymous, reads, args.seconds, None)
        report("anoniem", anon)
        signed = [User(base, name) for name in names]
        mixed = run_phase(signed, reads, args.seconds, save_report)
        report("aangemeld", mixed)
        profile = pct(mixed["profile"], 95) / pct(anon["profile"], 95)
        save = pct(mixed["save"], 95) / pct(anon["intervention"], 95)
        print(f"profielpagina p95, aangemeld ÷ anoniem:                   {profile:5.2f}×  (doel ≤ 2×)")
        print(f"melding opslaan p95 ÷ pagina van de interventie anoniem:  {save:5.2f}×  (doel ≤ 2×)")
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def configure_form(url: str, home: Path) -> None:
    """Fill :data:`FORM_QUERY`/:data:`FORM_DATA` with a process indicator of the programme and its intervention."""
    global FORM_QUERY, FORM_DATA
    env = _env(url, home)
    os.environ.update({k: env[k] for k in ("KANSENMONITOR_DATABASE_URL", "KANSENMONITOR_HOME")})
    from kansenmonitor.programme import load_programme

    programme = load_programme(PROGRAMME)
    indicator = next(i for i in programme.indicators if i.kind.value == "process" and i.intervention_ids)
    global INTERVENTION_PAGE
    FORM_QUERY = f"soort=proces&interventie={indicator.intervention_ids[0]}"
    INTERVENTION_PAGE = f"/programmas/{PROGRAMME}/interventies/{indicator.intervention_ids[0]}"
    FORM_DATA = {"soort": "proces", "interventie": indicator.intervention_ids[0], "indicator": indicator.id,
                 "periode": "2025"}


if __name__ == "__main__":
    main()
