"""Values that should never have got in (inf, 1e308, written past the importers by an older version or by hand)
and parameters out of any range (jaar=10^30) must not turn pages into 500s: stored values are read as missing,
parameters get a 400 problem+json that names them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from kansenmonitor.core.model import Level, Region
from kansenmonitor.monitor import Monitor
from kansenmonitor.web.app import create_app


def _square(x: float, y: float, d: float = 0.01) -> str:
    return json.dumps({"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]})


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    home = tmp_path_factory.mktemp("inf-home")
    m = Monitor.open(home=home, url=f"sqlite:///{home / 'k.sqlite'}")
    m.sync_catalogue()
    regions = [Region("NL01", "Nederland", Level.LAND, 2024),
               Region("GM9999", "Teststad", Level.GEMEENTE, 2024, parent="NL01"),
               Region("WK999901", "Centrum", Level.WIJK, 2024, parent="GM9999", geometry=_square(6, 52, 0.02))]
    regions += [Region(f"BU9999010{i}", f"Buurt {i}", Level.BUURT, 2024, parent="WK999901",
                       geometry=_square(6 + 0.01 * (i % 2), 52 + 0.01 * (i // 2))) for i in range(1, 5)]
    rows = []
    for i, (inw, inc) in enumerate([(1000, float("inf")), (900, 1e308), (800, -float("inf")), (700, 30.0)], 1):
        rows += [(f"BU9999010{i}", "inwoners", inw), (f"BU9999010{i}", "inkomen_per_inwoner", inc),
                 (f"BU9999010{i}", "pct_0_14", float("inf") if i == 1 else 20.0)]
    rows += [("WK999901", "inwoners", 3400), ("GM9999", "inwoners", 3400), ("WK999901", "inkomen_per_inwoner", 1e308)]
    frame = pd.DataFrame([{"region": c, "boundary_year": 2024, "indicator": i, "period": 2024, "value": float(v),
                           "status": "measured", "numerator": np.nan, "denominator": np.nan, "lower": -np.inf,
                           "upper": np.inf, "source_ref": "test"} for c, i, v in rows])
    with m.store.transaction() as w:  # written past the importers, as an older store might hold them
        w.upsert_regions(regions)
        w.upsert_observations(frame)
    yield TestClient(create_app(m), raise_server_exceptions=False)
    m.close()


PAGES = ["/gebieden/BU99990101", "/gebieden/BU99990102?format=json", "/gebieden/WK999901",
         "/kaart?gemeente=GM9999&niveau=buurt&indicator=inkomen_per_inwoner",
         "/kaart?gemeente=GM9999&niveau=buurt&indicator=inkomen_per_inwoner&format=json",
         "/kaart?gemeente=GM9999&niveau=buurt&indicator=pct_0_14&format=csv-nl",
         "/vergelijk?gebied=BU99990101&gebied=BU99990102", "/v1/waarnemingen?gebied=BU99990101",
         "/v1/waarnemingen?gemeente=GM9999", "/indicatoren/inkomen_per_inwoner?niveau=buurt",
         "/indicatoren/inkomen_per_inwoner?niveau=buurt&format=csv", "/v1/gebieden/BU99990101"]


@pytest.mark.parametrize("url", PAGES)
def test_stored_inf_and_huge_values_do_not_break_pages(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.text[:300]
    assert "Infinity" not in r.text and "1e+308" not in r.text and "inf;" not in r.text


def test_stored_inf_reads_as_missing(client):
    body = client.get("/v1/waarnemingen?gebied=BU99990101&indicator=inkomen_per_inwoner").json()
    rows = body.get("_embedded", body).get("waarnemingen", body.get("data", []))
    assert rows and all(r.get("waarde") is None for r in rows)


@pytest.mark.parametrize("url,param", [
    ("/v1/waarnemingen?gemeente=GM9999&jaar=" + "9" * 30, "jaar"),
    ("/v1/waarnemingen?gemeente=GM9999&pagina=" + "9" * 30, "pagina"),
    ("/v1/waarnemingen?gemeente=GM9999&per_pagina=-4", "per_pagina"),
    ("/v1/gebieden?gemeente=GM9999&indeling=" + "9" * 30, "indeling"),
])
def test_out_of_range_parameters_are_400_naming_the_parameter(client, url, param):
    r = client.get(url)
    assert r.status_code == 400, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/problem+json")
    assert param in r.text
