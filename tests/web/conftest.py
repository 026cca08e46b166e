"""Fixtures for the web tests: the app on the session demo database, and a tiny store with a value
below its minimum count (built by code, so the disclosure test cannot pass by accident)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from kansenmonitor.core.model import Level, Region
from kansenmonitor.monitor import Monitor
from kansenmonitor.web.app import create_app

SECRET_VALUE = 47.123  # income per inhabitant of a buurt with 20 inhabitants (min_count 100)


@pytest.fixture(scope="session")
def web_app(demo_monitor):
    return create_app(demo_monitor)


@pytest.fixture(scope="session")
def client(web_app):
    return TestClient(web_app, raise_server_exceptions=False)


def _square(x: float, y: float, d: float = 0.01) -> str:
    ring = [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


@pytest.fixture(scope="session")
def tiny_monitor(tmp_path_factory):
    home = tmp_path_factory.mktemp("tiny-home")
    monitor = Monitor.open(home=home, url=f"sqlite:///{home / 'kansenmonitor.sqlite'}")
    monitor.sync_catalogue()
    regions = [
        Region("NL01", "Nederland", Level.LAND, 2024),
        Region("GM9999", "Teststad", Level.GEMEENTE, 2024, parent="NL01"),
        Region("WK999901", "Centrum", Level.WIJK, 2024, parent="GM9999", geometry=_square(6.0, 52.0, 0.02)),
        Region("BU99990101", "Grote Buurt", Level.BUURT, 2024, parent="WK999901", geometry=_square(6.0, 52.0)),
        Region("BU99990102", "Kleine Buurt", Level.BUURT, 2024, parent="WK999901", geometry=_square(6.01, 52.0)),
        Region("BU99990103", "Middenbuurt", Level.BUURT, 2024, parent="WK999901", geometry=_square(6.0, 52.01)),
    ]
    rows = []
    # with two buurten the wijk minus the big one would give the small one back: the middle one (fewest
    # inhabitants of the published siblings) is withheld by secondary suppression, the big one is shown
    for code, inw, income in (("BU99990101", 1000, 31.5), ("BU99990102", 20, SECRET_VALUE),
                              ("BU99990103", 800, 30.2), ("WK999901", 1820, 31.2), ("GM9999", 1820, 31.2)):
        rows.append((code, "inwoners", inw))
        rows.append((code, "inkomen_per_inwoner", income))
    frame = pd.DataFrame([{"region": c, "boundary_year": 2024, "indicator": i, "period": 2024, "value": float(v),
                           "status": "measured", "numerator": np.nan, "denominator": np.nan, "lower": np.nan,
                           "upper": np.nan, "source_ref": "test"} for c, i, v in rows])
    with monitor.store.transaction() as w:
        w.upsert_regions(regions)
        w.upsert_observations(frame)
    yield monitor
    monitor.close()


@pytest.fixture(scope="session")
def tiny_client(tiny_monitor):
    return TestClient(create_app(tiny_monitor), raise_server_exceptions=False)


@pytest.fixture(scope="session")
def server(web_app):
    from .axe import serve_in_thread

    with serve_in_thread(web_app) as url:
        yield url


@pytest.fixture(autouse=True)
def _fresh_cookies(request):
    """The session client keeps cookies (the language choice); start every test without them."""
    if "client" in request.fixturenames:
        request.getfixturevalue("client").cookies.clear()
    yield
