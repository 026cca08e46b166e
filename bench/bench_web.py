"""Benchmark the web app: 20 concurrent clients on a mix of pages, against a static JSON file.

Starts uvicorn in a thread on the demo database ($KANSENMONITOR_HOME, or builds one in a temporary
folder), warms the per-process caches once (as ``serve`` would after start-up), then requests a
fixed number of URLs per kind and prints p50/p95 latency, throughput and the ratio to a static file.
Not a test: ``python bench/bench_web.py [--requests 400] [--clients 20]``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import uvicorn

from kansenmonitor.monitor import Monitor
from kansenmonitor.web.app import create_app


def open_demo() -> Monitor:
    home = os.environ.get("KANSENMONITOR_HOME")
    if home and (Path(home) / "kansenmonitor.sqlite").exists():
        return Monitor.open(home=home, create=False)
    from kansenmonitor.demo import build_demo, find_data_dir

    tmp = Path(tempfile.mkdtemp(prefix="km-bench-"))
    monitor = Monitor.open(home=tmp)
    build_demo(monitor, find_data_dir())
    return monitor


def run(client: httpx.Client, urls: list[str], clients: int) -> tuple[list[float], float]:
    def one(url):
        t = time.perf_counter()
        r = client.get(url)
        r.raise_for_status()
        return time.perf_counter() - t

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        times = list(pool.map(one, urls))
    return times, time.perf_counter() - start


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=400, help="requests per kind")
    ap.add_argument("--clients", type=int, default=20)
    args = ap.parse_args()

    monitor = open_demo()
    static = Path(tempfile.mkdtemp(prefix="km-static-"))
    app = create_app(monitor, extra_static=static)
    site = app.state.site
    model = site.similarity_model("buurt", 2024)
    buurten = [r.code for r in site.regions_of("buurt", "GM0153", 2024)
               if r.code in model.codes and r.code not in model.excluded][:20]

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"

    kinds = {
        "buurt profile (HTML)": [f"/gebieden/{c}" for c in buurten],
        "map page (HTML)": ["/kaart?gemeente=GM0153&niveau=buurt&indicator=moeite_met_rondkomen_18plus",
                            "/kaart?gemeente=GM0153&niveau=wijk&indicator=pct_65plus"],
        "map geometry (GeoJSON)": ["/kaart/geometrie?gemeente=GM0153&niveau=buurt"],
        "API observations": [f"/v1/waarnemingen?gebied={c}" for c in buurten],
        "API similar areas": [f"/v1/gebieden/{c}/vergelijkbaar" for c in buurten],
    }
    with httpx.Client(base_url=base, timeout=120) as client:
        t = time.perf_counter()
        for urls in kinds.values():  # warm the per-process caches, as after start-up
            for u in urls:
                client.get(u).raise_for_status()
        print(f"warm-up: {time.perf_counter() - t:.1f} s")
        # the static equivalent: the JSON twin of one buurt profile, written to a file
        (static / "profiel.json").write_bytes(client.get(f"/gebieden/{buurten[0]}?format=json").content)
        geo_size = len(client.get("/kaart/geometrie?gemeente=GM0153&niveau=buurt").content)
        kinds = {"static JSON file": ["/bestanden/profiel.json"], **kinds}
        results = {}
        print(f"{'kind':26} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
        for kind, urls in kinds.items():
            todo = [urls[i % len(urls)] for i in range(args.requests)]
            times, wall = run(client, todo, args.clients)
            results[kind] = (pct(times, 50) * 1000, pct(times, 95) * 1000, len(times) / wall)
            p50, p95, tput = results[kind]
            print(f"{kind:26} {p50:8.1f} {p95:8.1f} {tput:8.1f}")
    static_p95 = results["static JSON file"][1]
    ratio = results["buurt profile (HTML)"][1] / static_p95
    print(f"\nbuurt profile p95 / static p95 = {ratio:.2f} (target ≤ 3)")
    print(f"geometry payload, Enschede buurten: {geo_size / 1000:.1f} kB (target < 500 kB)")
    print(json.dumps({"ratio_profile_p95_to_static_p95": round(ratio, 2), "geometry_bytes": geo_size}))
    server.should_exit = True


if __name__ == "__main__":
    main()
