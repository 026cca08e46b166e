"""The /v1 API, helpful errors, and disclosure control in every view."""

from __future__ import annotations

import pytest

SECRET_VALUE = 47.123  # as in tests/web/conftest.py


def test_api_regions_feature_and_headers(client):
    r = client.get("/v1/gebieden?niveau=buurt&gemeente=GM0153&indeling=2024&per_pagina=10")
    assert r.status_code == 200 and r.headers["API-Version"]
    body = r.json()
    assert len(body["gebieden"]) == 10 and body["totaal"] == 70 and "next" in body["_links"]
    f = client.get("/v1/gebieden/BU01530603").json()
    assert f["type"] == "Feature" and f["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert f["properties"]["naam"] == "Wesselerbrink Noord-Oost"


def test_api_indicators_observations_similar(client):
    assert len(client.get("/v1/indicatoren").json()["indicatoren"]) > 100
    ind = client.get("/v1/indicatoren/moeite_met_rondkomen_18plus").json()
    assert ind["polarity"] == "higher_is_worse" and ind["sources"]
    obs = client.get("/v1/waarnemingen?gebied=BU01530603&indicator=moeite_met_rondkomen_18plus").json()
    assert obs["totaal"] >= 2 and {o["jaar"] for o in obs["waarnemingen"]} >= {2016, 2020}
    sim = client.get("/v1/gebieden/BU01530603/vergelijkbaar?k=3").json()
    assert len(sim["vergelijkbaar"]) == 3 and sim["indicatoren"]
    assert abs(sum(sim["vergelijkbaar"][0]["bijdragen"].values()) - 1) < 1e-9


def test_openapi_document(client):
    doc = client.get("/v1/openapi.json").json()
    assert {"/gebieden", "/gebieden/{code}", "/indicatoren", "/indicatoren/{iid}", "/waarnemingen",
            "/gebieden/{code}/vergelijkbaar"} <= set(doc["paths"])


@pytest.mark.parametrize("url,status,name", [
    ("/v1/gebieden/", 404, None),
    ("/v1/gebieden/BU99999999", 404, "BU99999999"),
    ("/v1/indicatoren/bestaat_niet", 404, "bestaat_niet"),
    ("/v1/waarnemingen?jaar=twintig", 400, "jaar"),
    ("/v1/waarnemingen?niveau=planeet", 400, "niveau"),
    ("/v1/waarnemingen?per_pagina=5000", 400, "per_pagina"),
])
def test_api_errors_are_problem_json(client, url, status, name):
    r = client.get(url)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["API-Version"]
    body = r.json()
    assert body["status"] == status and body["title"] and "Traceback" not in r.text
    if name:
        assert name in body["detail"]


@pytest.mark.parametrize("url,status,needle,link", [
    ("/gebieden/BU99999999", 404, "BU99999999", "/gebieden"),
    ("/indicatoren/bestaat_niet", 404, "bestaat_niet", "/indicatoren"),
    ("/bestaat/niet", 404, "/bestaat/niet", "/"),
    ("/gebieden/", 404, "/gebieden/", "/"),
    ("/kaart?niveau=planeet", 400, "niveau", None),
    ("/kaart?indicator=bestaat_niet", 400, "indicator", None),
    ("/kaart?jaar=1850", 400, "jaar", None),
    ("/gebieden/BU01530603?indeling=abc", 400, "indeling", None),
    ("/gebieden/BU01530603?format=pdf", 400, "format", None),
    ("/vergelijk?gebied=XX1&gebied=BU01530603", 400, "gebied", None),
])
def test_html_errors_are_helpful(client, url, status, needle, link):
    r = client.get(url)
    assert r.status_code == status and r.headers["content-type"].startswith("text/html")
    assert needle in r.text and "Traceback" not in r.text
    if link:
        assert f'href="{link}"' in r.text


def _no_secret(text: str) -> None:
    for form in ("47,1", "47.1", "47,12", "47.123"):
        assert form not in text, form


def test_value_below_min_count_is_never_published(tiny_client, tiny_monitor):
    # the raw store has it; every public view withholds it
    raw = tiny_monitor.observations(public=False, regions=["BU99990102"], indicators=["inkomen_per_inwoner"])
    assert raw["value"].iloc[0] == pytest.approx(SECRET_VALUE)
    urls = [
        "/gebieden/BU99990102", "/gebieden/BU99990102?format=json", "/gebieden/BU99990102?format=csv",
        "/kaart?gemeente=GM9999&niveau=buurt&indicator=inkomen_per_inwoner",
        "/kaart?gemeente=GM9999&niveau=buurt&indicator=inkomen_per_inwoner&format=json",
        "/kaart?gemeente=GM9999&niveau=buurt&indicator=inkomen_per_inwoner&format=csv",
        "/indicatoren/inkomen_per_inwoner?niveau=buurt",
        "/indicatoren/inkomen_per_inwoner?niveau=buurt&format=json",
        "/indicatoren/inkomen_per_inwoner?niveau=buurt&format=csv",
        "/vergelijk?gebied=BU99990101&gebied=BU99990102", "/vergelijk?gebied=BU99990101&gebied=BU99990102&format=csv",
        "/v1/waarnemingen?gebied=BU99990102", "/v1/waarnemingen?niveau=buurt&indicator=inkomen_per_inwoner",
    ]
    for url in urls:
        r = tiny_client.get(url)
        assert r.status_code == 200, url
        _no_secret(r.text)
    # the big buurt's value is shown, and the small one is marked as withheld
    page = tiny_client.get("/kaart?gemeente=GM9999&niveau=buurt&indicator=inkomen_per_inwoner&format=json").json()
    by_code = {r["code"]: r for r in page["rows"]}
    assert by_code["BU99990101"]["value"] == pytest.approx(31.5)
    assert by_code["BU99990102"]["value"] is None and by_code["BU99990102"]["status"] == "suppressed"
    assert by_code["BU99990103"]["value"] is None and by_code["BU99990103"]["status"] == "suppressed"
    html = tiny_client.get("/kaart?gemeente=GM9999&niveau=buurt&indicator=inkomen_per_inwoner").text
    assert 'fill="url(#hatch-suppressed)"' in html
    api = tiny_client.get("/v1/waarnemingen?gebied=BU99990102&indicator=inkomen_per_inwoner").json()
    assert api["waarnemingen"][0]["waarde"] is None and api["waarnemingen"][0]["status"] == "suppressed"


def test_observation_pages_disclose_as_the_whole_listing_does(client, demo_monitor):
    """Each page is disclosed on its own (fast); together the pages equal the whole listing disclosed at once."""
    url = "/v1/waarnemingen?gemeente=GM0153&indicator=moeite_met_rondkomen_18plus&indicator=misdrijven&per_pagina=40"
    first = client.get(url).json()
    rows = list(first["waarnemingen"])
    for p in range(2, first["aantal_paginas"] + 1):
        rows += client.get(f"{url}&pagina={p}").json()["waarnemingen"]
    whole = demo_monitor.observations(public=True, gemeente="GM0153",
                                      indicators=["moeite_met_rondkomen_18plus", "misdrijven"])
    assert len(rows) == first["totaal"] == len(whole)
    shown = {(r["gebied"], r["indicator"], r["jaar"], r["indeling"]): r["waarde"] for r in rows}
    withheld = whole[whole["status"] == "suppressed"]
    assert len(withheld) > 0
    for o in withheld.itertuples():
        assert shown[(o.region, o.indicator, int(o.period), int(o.boundary_year))] is None
    for o in whole[whole["value"].notna()].itertuples():
        assert shown[(o.region, o.indicator, int(o.period), int(o.boundary_year))] == pytest.approx(o.value, abs=1e-6)
