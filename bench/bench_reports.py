"""Benchmark the wijkprofielen: all buurten of Enschede to PDF, against WeasyPrint rendering the same HTML alone.

For every buurt of GM0153 (70 in the 2024 indeling) the full path as ``report build --all-buurten`` takes it — what
all profiles share computed once for the batch (:func:`documents.prepare`: the profiles of every buurt and of
their similar areas in one read, one pass of disclosure control), then per profile the document model, HTML and
tagged PDF — is timed (the shared part spread over the profiles), and then WeasyPrint alone on the same HTML string. The ratio (full / WeasyPrint alone) says how
much the data work adds: the target is at most 1.5×. Two passes: cold (empty caches, as the first batch after
start-up) and warm (caches filled, as the web app after warming up). Peak memory is the process's maximum
resident set size. Each profile is timed in full and then WeasyPrint alone right after it (interleaved, so a
change in the machine's load hits both alike). Not a test: ``python bench/bench_reports.py [--gemeente GM0153] [--limit N]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from kansenmonitor.monitor import Monitor
from kansenmonitor.reports import documents, render
from kansenmonitor.reports.definition import definitions
from kansenmonitor.reports.wijkprofiel import NoDataError
from kansenmonitor.web.service import Site


def open_demo() -> Monitor:
    home = os.environ.get("KANSENMONITOR_HOME")
    if home and (Path(home) / "kansenmonitor.sqlite").exists():
        return Monitor.open(home=home, create=False)
    from kansenmonitor.demo import build_demo, find_data_dir

    tmp = Path(tempfile.mkdtemp(prefix="km-bench-"))
    monitor = Monitor.open(home=tmp)
    build_demo(monitor, find_data_dir())
    return monitor


def one_pass(site: Site, definition, codes: list[str]) -> tuple[list[float], list[float], float, list[float]]:
    """Time the batch as the CLI makes it: first what all profiles share (:func:`documents.prepare`, once), then
    each profile. Returns (full time per profile, WeasyPrint alone per profile, the shared preparation, the data
    work per profile: document model and HTML, without the PDF)."""
    full, alone, data = [], [], []
    t = time.perf_counter()
    documents.prepare(site, definition, codes)
    shared = time.perf_counter() - t
    for code in codes:
        t = time.perf_counter()
        try:
            doc = documents.build(site, definition, code, None, "nl")
        except NoDataError:
            continue
        html = render.html(doc)
        data.append(time.perf_counter() - t)
        render.pdf_from_html(html)
        full.append(time.perf_counter() - t)
        # WeasyPrint alone on the same HTML right after, so both see the same load on a shared machine
        t = time.perf_counter()
        render.pdf_from_html(html)
        alone.append(time.perf_counter() - t)
    return full, alone, shared, data


def report(label: str, full: list[float], alone: list[float], shared: float, data: list[float]) -> None:
    """The shared preparation is spread over the profiles: the ratio is of the whole batch."""
    n = len(full)
    mean_full = (sum(full) + shared) / n
    mean_alone = statistics.fmean(alone)
    print(f"{label}: {n} profielen · volledig {mean_full:.2f} s per profiel (waarvan gedeelde voorbereiding "
          f"{shared / n:.2f} s; gegevens en HTML {(sum(data) + shared) / n:.2f} s; mediaan per profiel zonder de "
          f"voorbereiding {statistics.median(full):.2f}) · "
          f"WeasyPrint alleen {mean_alone:.2f} s · verhouding {mean_full / mean_alone:.2f}× (doel ≤ 1,5×) · "
          f"totaal {sum(full) + shared:.0f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gemeente", default="GM0153")
    ap.add_argument("--limit", type=int, default=None, help="only the first N buurten")
    args = ap.parse_args()
    monitor = open_demo()
    definition = definitions(monitor)["wijkprofiel"]
    site = Site(monitor)
    by = site.map_boundary_year("buurt", args.gemeente)
    codes = [r.code for r in sorted(site.regions_of("buurt", args.gemeente, by), key=lambda r: r.code)]
    if args.limit:
        codes = codes[: args.limit]
    render.pdf_from_html("<html lang='nl'><head><title>opwarmen</title></head><body><p>x</p></body></html>")
    report("koud (lege caches)", *one_pass(site, definition, codes))
    report("warm (caches gevuld)", *one_pass(site, definition, codes))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"piekgeheugen (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
