"""The online path: download a table from the CBS OData API, then import it as a StatLine table.

Only the download differs from the offline path; the file it writes goes through exactly the same
:mod:`kansenmonitor.sources.statline` importer. Tests replace ``fetch`` with recorded responses and
never touch the network.
"""

from __future__ import annotations

import json
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.errors import ImportValidationError, Issue

OPENDATA = "https://opendata.cbs.nl/ODataApi/odata"
DATADERDEN = "https://dataderden.cbs.nl/ODataApi/odata"
#: Tables that CBS publishes for third parties (RIVM, police) live on a different host.
THIRD_PARTY_TABLES = {"50090NED", "50150NED", "47022NED"}
REGION_DIMENSIONS = ("WijkenEnBuurten", "RegioS")

Fetch = Callable[[str], dict[str, Any]]


def http_fetch(url: str, timeout: float = 60.0) -> dict[str, Any]:
    """GET a URL and parse its JSON body."""
    req = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "kansenmonitor"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - fixed https hosts
            return json.loads(resp.read().decode("utf-8"))
    except OSError as exc:
        raise ImportValidationError(
            [Issue(url, None, None, f"CBS is niet bereikbaar: {exc}",
                   "controleer de internetverbinding, of download de tabel als CSV en gebruik 'import statline'")]
        ) from exc


def table_url(table: str, regions: list[str] | None = None, region_dimension: str = "WijkenEnBuurten") -> str:
    base = DATADERDEN if table in THIRD_PARTY_TABLES else OPENDATA
    url = f"{base}/{table}/TypedDataSet"
    if regions:
        clauses = " or ".join(f"startswith({region_dimension},'{r}')" for r in regions)
        url += "?" + urllib.parse.urlencode({"$filter": clauses}, safe="(),'$ ")
        url = url.replace(" ", "%20")
    return url


def download_frame(table: str, regions: list[str] | None = None, fetch: Fetch | None = None,
                   region_dimension: str = "WijkenEnBuurten") -> pd.DataFrame:
    """All rows of a TypedDataSet (following ``odata.nextLink`` pages) as a frame."""
    fetch = fetch or http_fetch
    url: str | None = table_url(table, regions, region_dimension)
    rows: list[dict] = []
    while url:
        page = fetch(url)
        if "value" not in page:
            raise ImportValidationError([Issue(url, None, None, "onverwacht antwoord van CBS (geen 'value')")])
        rows.extend(page["value"])
        url = page.get("odata.nextLink") or page.get("@odata.nextLink")
    if not rows:
        raise ImportValidationError([Issue(table, None, None, "CBS gaf geen rijen terug", "controleer tabel en filter")])
    frame = pd.DataFrame(rows)
    for dim in REGION_DIMENSIONS:
        if dim in frame.columns:
            frame[dim] = frame[dim].astype(str).str.strip()
    return frame


def download_table(table: str, regions: list[str] | None = None, target: Path | None = None,
                   fetch: Fetch | None = None) -> Path:
    """Download a table and write it as a StatLine-layout CSV; returns the path."""
    frame = download_frame(table, regions, fetch)
    if target is None:
        target = Path(tempfile.mkdtemp(prefix="kansenmonitor-odata-")) / f"{table}.csv"
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.drop(columns=["ID"], errors="ignore").to_csv(target, index=False)
    return target
