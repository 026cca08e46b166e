"""Benchmark the first visit of profile pages after ``serve`` has prepared them (issue 15, item 11).

On the demo database ($KANSENMONITOR_HOME, or one built in a temporary folder) it builds the app as ``serve`` does,
runs the start-up preparation (:func:`kansenmonitor.web.situation.prepare`) and reports how long that took. Then it
visits a sample of profiles (buurten, wijken, own areas of the three gemeenten, Dutch and English) for the first
time, and again (warm), and renders the same template with the same prepared view without the app around it (the
baseline: what a page costs at the least). It prints seconds and the ratios first/baseline, warm/baseline and
first/warm; with ``--cold`` also the first visit without preparation (as before this change).

Not a test (no timing is asserted anywhere): ``python bench/bench_first_visit.py [--sample 30] [--cold]``.
The goal of the issue: a first visit under 0.5 s on the demo.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from kansenmonitor.monitor import Monitor
from kansenmonitor.web.app import create_app
from kansenmonitor.web.situation import prepare


def open_demo() -> Monitor:
    home = os.environ.get("KANSENMONITOR_HOME")
    if home and (Path(home) / "kansenmonitor.sqlite").exists():
        return Monitor.open(home=home, create=False)
    from kansenmonitor.demo import build_demo, find_data_dir

    tmp = Path(tempfile.mkdtemp(prefix="km-bench-"))
    monitor = Monitor.open(home=tmp)
    build_demo(monitor, find_data_dir())
    return monitor


def sample_regions(site, n: int, seed: int = 15) -> list:
    areas = [r for gm in site.detail_gemeenten() for level in ("wijk", "buurt", "gebied")
             for r in site.regions_of(level, gm.code)]
    newest = {}
    for r in areas:
        if r.code not in newest or r.boundary_year > newest[r.code].boundary_year:
            newest[r.code] = r
    pool = sorted(newest.values(), key=lambda r: r.code)
    return random.Random(seed).sample(pool, min(n, len(pool)))


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def visits(client: TestClient, regions, langs) -> list[float]:
    out = []
    for r in regions:
        for lang in langs:
            def get(r=r, lang=lang):
                resp = client.get(f"/gebieden/{r.code}?lang={lang}")
                resp.raise_for_status()
            out.append(timed(get))
    return out


def baseline(app, regions, langs) -> list[float]:
    """The profile template rendered with the prepared view through the app's own ``render``, for a bare request
    (no routing, no middleware, no page cache): what a page costs at the least."""
    from starlette.requests import Request

    from kansenmonitor.web.app import render

    site = app.state.site
    out = []
    for r in regions:
        for lang in langs:
            view = site.cached_view(("profile", r.code, r.boundary_year, lang), lambda: None)
            scope = {"type": "http", "method": "GET", "path": f"/gebieden/{r.code}", "query_string": b"",
                     "headers": [], "app": app, "state": {"lang": lang}, "kansenmonitor_app": app,
                     "server": ("testserver", 80), "scheme": "http", "root_path": ""}
            out.append(timed(lambda scope=scope, view=view: render(Request(scope), "profile.html", {"view": view})))
    return out


def summary(name: str, values: list[float]) -> float:
    med = statistics.median(values)
    print(f"  {name:<32} median {med * 1000:8.1f} ms   max {max(values) * 1000:8.1f} ms   (n={len(values)})")
    return med


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=30, help="profiles to visit (each in nl and en)")
    ap.add_argument("--cold", action="store_true", help="also time first visits without preparation")
    args = ap.parse_args()
    langs = ("nl", "en")
    monitor = open_demo()
    app = create_app(monitor)
    site = app.state.site
    regions = sample_regions(site, args.sample)
    start = timed(lambda: prepare(site))
    print(f"start-up preparation (prepare): {start:.1f} s for every profile of the gemeenten in detail")
    client = TestClient(app)
    first = visits(client, regions, langs)
    warm = visits(client, regions, langs)
    try:
        base = baseline(app, regions, langs)
    except Exception as exc:  # the baseline needs only the template; say so if it cannot run here
        print(f"  baseline could not be rendered outside the app: {exc!r}")
        base = warm
    print("profile pages:")
    f, w, b = summary("first visit (after prepare)", first), summary("repeat visit", warm), summary(
        "baseline: template with view", base)
    print(f"ratios: first/baseline {f / b:.2f}   warm/baseline {w / b:.2f}   first/warm {f / w:.2f}")
    print(f"share of first visits under 0.5 s: {sum(t < 0.5 for t in first)}/{len(first)}")
    if args.cold:
        cold_app = create_app(monitor)  # a new site: nothing prepared
        cold = visits(TestClient(cold_app), regions[: max(3, args.sample // 5)], ("nl",))
        c = summary("first visit without prepare", cold)
        print(f"ratio: cold/first {c / f:.1f}")


if __name__ == "__main__":
    main()
