"""The search finds the buurten of a postcode (largest share of the postcode area first) and still finds names."""

from __future__ import annotations

import pytest


def test_search_by_postcode(client):
    page = client.get("/zoek?q=7511&lang=nl")
    assert page.status_code == 200
    text = page.text
    assert "Postcode 7511 ligt in 5 buurten" in text
    assert text.index("De Bothoven") < text.index("City") < text.index("Velve-Lindenhof")
    assert "ongeveer 49% van het postcodegebied" in text and "dichtstbijzijnde" not in text
    full = client.get("/zoek?q=7511%20ab&lang=en").text
    assert "You searched a full postcode" in full and "about 49% of the postcode area" in full
    data = client.get("/zoek?q=7511&format=json").json()
    assert data["postcode"]["postcode"] == "7511"
    assert [h["code"] for h in data["hits"]][:2] == ["BU01530003", "BU01530000"]
    assert data["hits"][0]["share_of_pc4"] == pytest.approx(0.486, abs=0.002)
    csv = client.get("/zoek?q=7511&format=csv").text
    assert csv.splitlines()[0].endswith("share_of_pc4,nearest") and "BU01530003" in csv
    fragment = client.get("/zoek?q=7524&lang=nl").text
    assert "Buurtschap Lonneker-West" in fragment and "de dichtstbijzijnde buurt" in fragment
    outside = client.get("/zoek?q=1011&lang=nl").text
    assert "ligt niet in een van de gemeenten in deze monitor" in outside and "Enschede" in outside
    # a name search still works and still opens a single match
    one = client.get("/zoek?q=De%20Bothoven", follow_redirects=False)
    assert one.status_code == 303 and one.headers["location"] == "/gebieden/BU01530003"
