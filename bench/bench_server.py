"""Benchmark the web server from outside: ``wrk`` against a separate ``kansenmonitor serve`` process.

For each worker count (default 1 and 2, in one run) it starts ``kansenmonitor serve --workers N`` on the demo
database (``$KANSENMONITOR_HOME``, which must exist: ``kansenmonitor init --demo``) with the warm-up a real start
does, waits until every worker has prepared its profiles, and runs, each for ``--duration`` seconds:

- ``profiel``: wrk on one buurt profile page, after a few requests so that every worker has it rendered (the
  page the floor serves);
- ``profielen``: wrk cycling through every wijk and buurt profile page the site links to (HTML, Dutch; the
  warm-up prepared their figures, the first visit of each renders its HTML);
- ``api``: wrk cycling through ``/v1/waarnemingen`` queries for one buurt (all, per indicator, per year);
- ``floor``: a bare ASGI app (below) that returns the bytes of one cached profile page, on uvicorn with the same
  worker count, loop and HTTP parser, hit the same way.

It prints req/s, p50/p95/p99 per run and the ratios product / floor. Not a test:
``python bench/bench_server.py [--duration 15] [--connections 16] [--workers 1,2]``. Needs ``wrk``
(Debian: ``apt-get install wrk``). wrk runs on the same machine as the server and takes CPU from it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).with_name("kansenmonitor")

FLOOR_APP = '''
import os

BODY = open(os.environ["FLOOR_BODY"], "rb").read()
HEADERS = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(BODY)).encode())]


async def app(scope, receive, send):
    if scope["type"] != "http":  # lifespan
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
'''

# wrk: every thread cycles through the paths in $WRK_PATHS (one per line), starting at a different place;
# done() prints one JSON line with the latency percentiles (microseconds)
WRK_SCRIPT = '''
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local i = 0
local counter = 0
function setup(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
end
function request()
  i = i + 1
  return wrk.format("GET", paths[((i + (offset or 0)) % #paths) + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, ' ..
    '"max": %d, "errors": %d, "status_errors": %d, "paths": %d}\\n', summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout, e.status, #paths))
end
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, log: Path, ready_lines: int = 0, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server stopped:\n{log.read_text()}")
        if log.read_text().count(" klaar in ") >= ready_lines:
            try:
                if httpx.get(url, timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
        time.sleep(0.5)
    sys.exit(f"server not ready in {timeout} s:\n{log.read_text()}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def wrk(base: str, paths: list[str], args, tmp: Path, name: str) -> dict:
    listing = tmp / f"{name}.txt"
    listing.write_text("\n".join(paths) + "\n")
    script = tmp / "rotate.lua"
    script.write_text(WRK_SCRIPT)
    out = subprocess.run(["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
                          "--timeout", "30s", "-s", str(script), base],
                         env={**os.environ, "WRK_PATHS": str(listing)}, capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("WRKJSON "))
    r = json.loads(line[len("WRKJSON "):])
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    return r


def urls(base: str) -> tuple[list[str], list[str], bytes]:
    """The profile pages the site links to, /v1 queries for one buurt, and the bytes of one cached profile."""
    from kansenmonitor.monitor import Monitor
    from kansenmonitor.web.service import Site

    monitor = Monitor.open(create=False)
    site = Site(monitor)
    areas = [r for r in site.areas_in_detail(newest=True) if r.level.value in ("wijk", "buurt")]
    profiles = [f"/gebieden/{r.code}" for r in areas]
    buurt = next(r.code for r in areas if r.level.value == "buurt" and r.code.startswith("BU0153"))
    obs = monitor.store.observations(regions=[buurt])
    api = [f"/v1/waarnemingen?gebied={buurt}"]
    api += [f"/v1/waarnemingen?gebied={buurt}&indicator={i}" for i in sorted(obs["indicator"].unique())]
    api += [f"/v1/waarnemingen?gebied={buurt}&jaar={int(p)}" for p in sorted(obs["period"].unique())]
    monitor.close()
    body = httpx.get(base + profiles[0], timeout=60).content
    return profiles, api, body


def fmt(r: dict) -> str:
    return (f"{r['rps']:8.0f} {r['p50'] / 1000:8.1f} {r['p95'] / 1000:8.1f} {r['p99'] / 1000:8.1f}"
            f" {r['errors'] + r['status_errors']:6d} {r['paths']:6d}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=15, help="seconds per run")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=1, help="wrk threads")
    ap.add_argument("--workers", default="1,2", help="worker counts to compare, e.g. 1,2")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    if not os.environ.get("KANSENMONITOR_HOME"):
        sys.exit("set KANSENMONITOR_HOME to a home made by 'kansenmonitor init --demo'")
    tmp = Path(tempfile.mkdtemp(prefix="km-bench-server-"))
    (tmp / "floor.py").write_text(FLOOR_APP)
    results: dict[int, dict[str, dict]] = {}
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {os.cpu_count()} cores, "
          f"load average before: {os.getloadavg()[0]:.1f}")
    print(f"{'run':22} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6} {'urls':>6}")
    for n in [int(x) for x in args.workers.split(",")]:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp / f"serve-{n}.log"
        started = time.perf_counter()
        with log.open("w") as fh:
            proc = subprocess.Popen([str(BIN), "serve", "--port", str(port), "--workers", str(n)],
                                    stdout=fh, stderr=subprocess.STDOUT)
        try:
            # ready = every worker prepared the newest profiles and, in the background, the older ones (a run
            # during that background work measures the warm-up, not the server)
            wait_for(base + "/", proc, log, ready_lines=2 * n)
            ready = time.perf_counter() - started
            profiles, api, body = urls(base)
            (tmp / "body.html").write_bytes(body)
            with httpx.Client(timeout=60) as c:  # new connections, so that each worker gets some
                for _ in range(8 * n):
                    c.get(base + profiles[0], headers={"Connection": "close"}).raise_for_status()
            results[n] = {"profiel": wrk(base, profiles[:1], args, tmp, "profile"),
                          "profielen": wrk(base, profiles, args, tmp, "profiles"),
                          "api": wrk(base, api, args, tmp, "api")}
        finally:
            stop(proc)
        print(f"  (serve --workers {n}: ready after {ready:.0f} s with warm-up, also of older indelingen)")
        port = free_port()
        flog = tmp / f"floor-{n}.log"
        with flog.open("w") as fh:
            floor = subprocess.Popen([sys.executable, "-m", "uvicorn", "floor:app", "--app-dir", str(tmp),
                                      "--port", str(port), "--workers", str(n), "--log-level", "warning"],
                                     stdout=fh, stderr=subprocess.STDOUT,
                                     env={**os.environ, "FLOOR_BODY": str(tmp / "body.html")})
        try:
            wait_for(f"http://127.0.0.1:{port}/", floor, flog)
            results[n]["floor"] = wrk(f"http://127.0.0.1:{port}", ["/"], args, tmp, "floor")
        finally:
            stop(floor)
        for kind, r in results[n].items():
            print(f"{kind + f' (workers {n})':22} {fmt(r)}")
        print(f"  (load average: {os.getloadavg()[0]:.1f})")
    print("\nratios (product / floor; req/s: floor ÷ product, latency: product ÷ floor):")
    summary = {}
    for n, rs in results.items():
        f = rs["floor"]
        for kind in ("profiel", "profielen", "api"):
            p = rs[kind]
            summary[f"{kind}_w{n}"] = {"rps_floor_over_product": round(f["rps"] / p["rps"], 2),
                                       "p99_product_over_floor": round(p["p99"] / f["p99"], 2),
                                       "rps": round(p["rps"], 1)}
            print(f"  {kind:9} workers {n}: floor serves {f['rps'] / p['rps']:5.1f}× the requests, "
                  f"p95 {p['p95'] / f['p95']:5.1f}×, p99 {p['p99'] / f['p99']:5.1f}× the floor's")
    ns = sorted(results)
    if len(ns) > 1:
        for kind in ("profiel", "profielen", "api", "floor"):
            print(f"  {kind:9} workers {ns[-1]} / workers {ns[0]}: "
                  f"{results[ns[-1]][kind]['rps'] / results[ns[0]][kind]['rps']:.2f}× the req/s")
    print(json.dumps(summary))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
