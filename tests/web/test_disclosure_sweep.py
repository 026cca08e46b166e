"""The disclosure sweep: a store with planted withheld values, every page, data twin, /v1 route and export.

Planted (synthetic, built here): a buurt of 5 inhabitants with 8317 registered crimes and an income of
47.123 (both below their minimum counts, and the crimes a count behind a withheld rate), and a value the
source kept secret whose numerator, denominator and bounds (4711, 6133, 23.17, 61.93) were delivered anyway.
The sweep fails when any of these strings leaves the server, and when the attacker of
tests/disclosure_attacks.py gets any withheld cell back from the API or an export (complement and
differencing over wijk, gemeente and a custom area)."""

from __future__ import annotations

import json
import re
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlparse

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from disclosure_attacks import recovered
from kansenmonitor import exports
from kansenmonitor.core.model import Level, Region
from kansenmonitor.monitor import Monitor
from kansenmonitor.web.app import create_app

SECRETS = ("8317", "8.317", "47,1", "47.1", "47,12", "47.12", "23,17", "23.17", "61,93", "61.93", "4711", "4.711",
           "6133", "6.133")
BUURTEN = {  # code: (name, wijk, inhabitants, 0-14, crimes, income, x, y)
    "BU99990101": ("Grote Buurt", "WK999901", 1000, 180, 300, 31.5, 6.00, 52.00),
    "BU99990102": ("Kleine Buurt", "WK999901", 5, 2, 8317, 47.123, 6.01, 52.00),
    "BU99990103": ("Middenbuurt", "WK999901", 800, 150, 250, 30.2, 6.00, 52.01),
    "BU99990201": ("Oostbuurt", "WK999902", 600, 120, 140, 29.0, 6.03, 52.00),
    "BU99990202": ("Westbuurt", "WK999902", 700, 110, 160, 28.4, 6.04, 52.00),
}


def _square(x: float, y: float, d: float = 0.01) -> str:
    ring = [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def _row(code, ind, value, status="measured", **extra):
    return {"region": code, "boundary_year": 2024, "indicator": ind, "period": 2024, "value": value,
            "status": status, "numerator": extra.get("numerator", np.nan), "denominator": extra.get("denominator",
            np.nan), "lower": extra.get("lower", np.nan), "upper": extra.get("upper", np.nan),
            "source_ref": "synthetisch (test)"}


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    home = tmp_path_factory.mktemp("sweep-home")
    m = Monitor.open(home=home, url=f"sqlite:///{home / 'kansenmonitor.sqlite'}")
    m.sync_catalogue()
    regions = [Region("NL01", "Nederland", Level.LAND, 2024),
               Region("GM9999", "Teststad", Level.GEMEENTE, 2024, parent="NL01", geometry=_square(6.0, 52.0, 0.05)),
               Region("WK999901", "Noord", Level.WIJK, 2024, parent="GM9999", geometry=_square(6.0, 52.0, 0.02)),
               Region("WK999902", "Zuid", Level.WIJK, 2024, parent="GM9999", geometry=_square(6.03, 52.0, 0.02))]
    regions += [Region(c, n, Level.BUURT, 2024, parent=w, geometry=_square(x, y)) for c, (n, w, *_r, x, y)
                in BUURTEN.items()]
    rows = []
    totals: dict[str, list[float]] = {}
    for code, (_n, wijk, inw, kids, crimes, income, _x, _y) in BUURTEN.items():
        for ind, v in (("inwoners", inw), ("inwoners_0_14", kids), ("misdrijven", crimes),
                       ("inkomen_per_inwoner", income)):
            rows.append(_row(code, ind, float(v)))
        for parent in (wijk, "GM9999"):
            t = totals.setdefault(parent, [0.0, 0.0, 0.0, 0.0])
            t[0] += inw
            t[1] += kids
            t[2] += crimes
            t[3] += income * inw
    for code, (inw, kids, crimes, weighted) in totals.items():
        for ind, v in (("inwoners", inw), ("inwoners_0_14", kids), ("misdrijven", crimes),
                       ("inkomen_per_inwoner", round(weighted / inw, 1))):
            rows.append(_row(code, ind, float(v)))
    # the source kept this one secret but delivered its numerator, denominator and bounds
    rows.append(_row("BU99990201", "pct_laag_inkomen", np.nan, "suppressed", numerator=4711.0, denominator=6133.0,
                     lower=23.17, upper=61.93))
    with m.store.transaction() as w:
        w.upsert_regions(regions)
        w.upsert_observations(pd.DataFrame(rows))
    m.derive_ratios(2024)
    areas = home / "areas.yaml"
    areas.write_text("boundary_year: 2024\nareas:\n  - {code: FG-ZUID, name: Zuid en Klein, gemeente: GM9999, "
                     "members: [BU99990201, BU99990202, BU99990102]}\n"
                     "  - {code: SD-TEST-NOORD, name: Stadsdeel Noord, level: stadsdeel, gemeente: GM9999, "
                     "members: [BU99990101, BU99990102, BU99990103]}\n", encoding="utf-8")
    m.load_areas(areas)
    yield m
    m.close()


@pytest.fixture(scope="module")
def sweep_client(planted):
    return TestClient(create_app(planted), raise_server_exceptions=False)


def _links(html: str, base: str) -> list[str]:
    out = []
    for href in re.findall(r'(?:href|src|action)="([^"#]+)"', html):
        href = href.replace("&amp;", "&")
        url = urljoin(base, href)
        parsed = urlparse(url)
        if parsed.netloc not in ("", "testserver") or parsed.path.startswith(("/static", "/bestanden")):
            continue
        out.append(parsed.path + (f"?{parsed.query}" if parsed.query else ""))
    return out


def _with_format(url: str, form: str) -> str:
    return url + ("&" if "?" in url else "?") + f"format={form}"


def test_planted_values_are_in_the_store(planted):
    raw = planted.observations(public=False, regions=["BU99990102"]).set_index("indicator")["value"]
    assert raw["misdrijven"] == 8317 and raw["inkomen_per_inwoner"] == pytest.approx(47.123)


def test_no_page_data_twin_or_api_route_shows_a_withheld_value(sweep_client):
    seeds = ["/", "/gebieden", "/indicatoren", "/kaart", "/over", "/indices", "/programmas", "/scholen",
             "/gebieden/BU99990102", "/gebieden/BU99990201", "/gebieden/FG-ZUID", "/gebieden/WK999901",
             "/vergelijk?gebied=BU99990101&gebied=BU99990102&gebied=FG-ZUID",
             "/kaart?gemeente=GM9999&niveau=buurt&indicator=misdrijven",
             "/kaart?gemeente=GM9999&niveau=buurt&indicator=inkomen_per_inwoner",
             "/kaart?gemeente=GM9999&niveau=gebied&indicator=misdrijven",
             "/gebieden/SD-TEST-NOORD", "/gebieden?niveau=stadsdeel",
             "/kaart?gemeente=GM9999&niveau=stadsdeel&indicator=misdrijven",
             "/kaart?gemeente=GM9999&niveau=stadsdeel&indicator=inkomen_per_inwoner",
             "/indicatoren/misdrijven?niveau=buurt", "/indicatoren/pct_laag_inkomen?niveau=buurt",
             "/v1/gebieden", "/v1/indicatoren", "/v1/gebieden/BU99990102", "/v1/gebieden/BU99990102/vergelijkbaar",
             "/v1/waarnemingen?per_pagina=1000", "/v1/waarnemingen?gebied=BU99990102",
             "/v1/waarnemingen?gebied=BU99990201", "/v1/openapi.json"]
    queue = deque(seeds)
    seen: set[str] = set()
    checked = 0
    while queue and checked < 700:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        r = sweep_client.get(url)
        assert r.status_code < 500, url
        checked += 1
        body = r.text
        for secret in SECRETS:
            # numbers inside longer numbers (e.g. 84711 or 4711,5) do not count
            assert not re.search(rf"(?<![\d.,]){re.escape(secret)}(?!\d|[.,]\d)", body), (url, secret)
        if "text/html" in r.headers.get("content-type", ""):
            page = urlparse(url)
            if page.path.startswith("/v1"):
                continue
            for link in _links(body, url):
                if link not in seen:
                    queue.append(link)
            if "format=" not in url:
                queue.extend([_with_format(url, "json"), _with_format(url, "csv")])
    assert checked > 60


def _api_frame(client) -> pd.DataFrame:
    rows, url = [], "/v1/waarnemingen?per_pagina=50"
    while url:
        body = client.get(url).json()
        rows += body["waarnemingen"]
        url = body["_links"].get("next", {}).get("href")
    return pd.DataFrame([{"region": r["gebied"], "boundary_year": r["indeling"], "indicator": r["indicator"],
                          "period": r["jaar"], "value": r["waarde"]} for r in rows]).astype({"value": float})


def test_the_attacks_recover_nothing_from_the_api(sweep_client, planted):
    frame = _api_frame(sweep_client)
    assert len(frame) > 40
    found = recovered(frame, planted.observations(public=False), planted.regions(), planted.catalogue)
    assert found == []


def test_the_attacks_recover_nothing_from_any_export(planted, tmp_path: Path):
    internal = planted.observations(public=False)
    readers = {"csv": lambda p: pd.read_csv(p), "csv-nl": lambda p: pd.read_csv(p, sep=";", decimal=","),
               "xlsx": lambda p: pd.read_excel(p, sheet_name="waarnemingen"), "parquet": pd.read_parquet}
    for form in exports.FORMATS:
        out = tmp_path / f"export.{form}"
        exports.write(planted, form, out)
        if form in readers:
            frame = readers[form](out)
            assert recovered(frame, internal, planted.regions(), planted.catalogue) == [], form
            withheld = frame[frame["status"] == "suppressed"]
            assert len(withheld) >= 5
            assert withheld[["value", "numerator", "denominator", "lower", "upper"]].isna().all().all(), form
        else:
            import geopandas as gpd

            text = gpd.read_file(out).drop(columns="geometry").to_csv()
            for secret in ("8317", "47.123", "23.17", "61.93"):
                assert secret not in text, (form, secret)


def test_scenario_pages_and_api_show_no_withheld_value(planted, sweep_client):
    """Scenarios for the planted small buurt, for the focus area around it and for an own set of buurten: the
    pages, their data twins and /v1/scenarios show the area's figures only through disclosure control."""
    from kansenmonitor.core.errors import ValidationError
    from kansenmonitor.scenarios import create

    def doc(name, area, indicator, target="inwoners", reach=2):
        return {"naam": name, "gebied": area, "maatregelen": [{
            "naam": "Maatregel", "doelgroep": "inwoners", "bereik": reach, "kosten": 1000, "looptijd": 1,
            "indicator": indicator, "doelgroep_indicator": target,
            "effect": {"waarde": -1, "laag": -2, "hoog": 0, "aanname": True}}],
            "aannames": [{"context": "c", "mechanisme": "m", "uitkomst": "u", "indicator": indicator}]}

    made = []
    for name, area, indicator in (
            ("Klein inkomen", {"code": "BU99990102"}, "inkomen_per_inwoner"),
            ("Klein misdrijven", {"code": "BU99990102"}, "misdrijven_per_1000"),
            ("Zuid laag inkomen", {"code": "FG-ZUID"}, "pct_laag_inkomen"),
            ("Oost laag inkomen", {"code": "BU99990201"}, "pct_laag_inkomen"),
            ("Eigen noord", {"naam": "Noord zonder klein", "buurten": ["BU99990101", "BU99990103"]},
             "inkomen_per_inwoner")):
        try:
            s, _ = create(planted, doc(name, area, indicator), actor="test")
            made.append(s.id)
        except ValidationError:
            pass  # refused (e.g. reach above a shown target group): nothing to publish
    # an own area that would give the small buurt back by subtraction is refused, with nothing shown
    try:
        create(planted, doc("Eigen lek", {"naam": "Klein en groot", "buurten": ["BU99990101", "BU99990102"]},
                            "inkomen_per_inwoner"), actor="test")
    except ValidationError as exc:
        for secret in SECRETS:
            assert secret not in str(exc)
    else:
        made.append("eigen-lek")
    assert len(made) >= 3
    urls = ["/scenarios", "/v1/scenarios", "/scenarios/vergelijk?s=" + "&s=".join(made),
            "/v1/scenarios/vergelijking?ids=" + ",".join(made)]
    for sid in made:
        urls += [f"/scenarios/{sid}", f"/scenarios/{sid}?format=json", f"/scenarios/{sid}?format=csv",
                 f"/scenarios/{sid}?lang=en", f"/v1/scenarios/{sid}"]
    urls += [_with_format("/scenarios/vergelijk?s=" + "&s=".join(made), f) for f in ("json", "csv")]
    for url in urls:
        r = sweep_client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        for secret in SECRETS:
            assert not re.search(rf"(?<![\d.,]){re.escape(secret)}(?!\d|[.,]\d)", r.text), (url, secret)
