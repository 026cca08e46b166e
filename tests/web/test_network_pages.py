"""Network pages and /v1/netwerken on the demo (synthetic label, accessible SVG with a table twin, JSON twins),
and the ego-network page of the demo survey (disclosure-checked cells only), in Dutch and English."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest

from .axe import CHROMIUM

NAME = "samenwerking-enschede-zuid"


def test_network_list_and_page_in_dutch_and_english(client):
    page = client.get("/netwerken?lang=nl")
    assert page.status_code == 200 and NAME in page.text and "synthetisch" in page.text
    en = client.get("/netwerken?lang=en")
    assert en.status_code == 200 and "Networks of organisations" in en.text
    nl = client.get(f"/netwerken/{NAME}?lang=nl")
    assert nl.status_code == 200
    assert "Synthetisch." in nl.text and "Tussenpositie" in nl.text and "Verbinders tussen groepen" in nl.text
    en = client.get(f"/netwerken/{NAME}?lang=en")
    assert en.status_code == 200 and "Synthetic." in en.text and "Betweenness" in en.text


def test_svg_is_accessible_and_every_node_has_a_table_row(client):
    text = client.get(f"/netwerken/{NAME}?lang=nl").text
    svg = re.search(r"<svg class=\"network\".*?</svg>", text, re.S).group(0)
    root = ET.fromstring(svg.replace("&nbsp;", " "))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "group" and root.get("aria-labelledby") and root.get("aria-describedby")
    links = [a for a in root.iter() if a.tag in ("a", f"{ns}a")]
    api = client.get(f"/v1/netwerken/{NAME}").json()
    assert len(links) == len(api["knopen"]) == 28
    for a in links:
        anchor = a.get("href")[1:]
        assert f'id="{anchor}"' in text  # the link leads to the node's row in the table
        shape = next(iter(a))
        assert any(c.tag in ("title", f"{ns}title") and c.text for c in shape), "every node has a <title>"


def test_json_twins_and_api_agree(client):
    view = client.get(f"/netwerken/{NAME}?format=json").json()
    api = client.get(f"/v1/netwerken/{NAME}").json()
    assert view["components"] == api["delen"] and view["n_communities"] == api["groepen"]
    assert api["synthetisch"] is True and api["versie"] >= 1
    assert {n["id"] for n in view["nodes"]} == {n["id"] for n in api["knopen"]}
    listing = client.get("/v1/netwerken").json()
    assert [n["naam"] for n in listing["netwerken"]] == [NAME]
    assert client.get("/v1/netwerken/bestaat-niet").status_code == 404
    missing = client.get("/netwerken/bestaat-niet?lang=nl")
    assert missing.status_code == 404 and "niet ingelezen" in missing.text
    csv = client.get(f"/netwerken/{NAME}?format=csv").text
    assert csv.splitlines()[0].startswith("network,version,synthetic,node")


def test_ego_network_page_in_dutch_and_english_shows_only_checked_cells(client):
    nl = client.get("/enquetes/netwerk?niveau=wijk&gemeente=GM0153&lang=nl")
    assert nl.status_code == 200 and "Synthetisch." in nl.text and "Per groep inwoners" in nl.text
    en = client.get("/enquetes/netwerk?niveau=wijk&gemeente=GM0153&lang=en")
    assert en.status_code == 200 and "Residents' own networks" in html.unescape(en.text) and "withheld" in en.text
    view = client.get("/enquetes/netwerk?niveau=buurt&gemeente=GM0153&format=json").json()
    cells = [c for a in view["areas"] for c in a["cells"].values()]
    cells += [c for r in view["per_class"]["rows"] for c in r["cells"].values()]
    assert any(c["value"] is None for c in cells) and any(c["value"] is not None for c in cells)
    for c in cells:
        if c["value"] is None:
            assert c["reason"] and "respondents" not in c
        else:
            assert c["respondents"] >= 30
    assert "/enquetes/netwerk" in client.get("/enquetes").text
    assert client.get("/enquetes/netwerk?niveau=land").status_code == 400


def test_sweep_ego_exports_for_small_cells(client):
    import csv
    import io

    seen = 0
    for gm in ("GM0153", "GM0141", "GM0164"):
        for level in ("gemeente", "wijk", "buurt", "gebied"):
            text = client.get(f"/enquetes/netwerk?niveau={level}&gemeente={gm}&format=csv").text
            for row in csv.DictReader(io.StringIO(text)):
                assert row["synthetic"] == "True"
                if row["value"]:
                    assert int(row["respondents"]) >= 30
                    if row["indicator"] not in ("grootte", "diversiteit"):
                        from kansenmonitor.surveys import ego

                        from .test_survey_pages import side_ok

                        assert side_ok(float(row["value"]), ego.BY_ID[row["indicator"]].sensitive), row
                    seen += 1
                else:
                    assert row["respondents"] == "" and row["lower"] == "" and row["reason"]
    assert seen > 100


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")
@pytest.mark.parametrize("path", ["/netwerken", f"/netwerken/{NAME}", f"/netwerken/{NAME}?lang=en",
                                  "/enquetes/netwerk?niveau=wijk&gemeente=GM0153"])
def test_network_pages_are_accessible(server, browser, path):
    from .axe import assert_accessible

    assert_accessible(server, browser, path, statuses=(200,))


def test_ego_api_pages_only_checked_cells(client):
    body = client.get("/v1/enquetes/kansen_welzijn_demo/2024/netwerk?niveau=wijk&gemeente=GM0153").json()
    rows = body["indicatoren"]
    assert rows and all(r["synthetisch"] for r in rows) and {r["niveau"] for r in rows} == {"wijk"}
    for r in rows:
        assert (r["waarde"] is None) == (r["respondenten"] is None) == (r["status"] == "suppressed")
        assert r["waarde"] is None or r["respondenten"] >= 30
    model = client.get("/enquetes/klassen?format=json").json()["model"]["id"]
    per_class = client.get(f"/v1/enquetes/kansen_welzijn_demo/2024/netwerk?model={model}&gemeente=GM0153"
                           "&per_pagina=1000").json()["indicatoren"]
    assert {r["klasse"] for r in per_class} == set(range(1, len({r["klasse"] for r in per_class}) + 1))
    page = client.get("/enquetes/netwerk?niveau=gemeente&gemeente=GM0153&format=json").json()
    shown = {(row["cls"], ind): c.get("value") for row in page["per_class"]["rows"] for ind, c in row["cells"].items()}
    assert shown == {(r["klasse"], r["indicator"]): r["waarde"] for r in per_class}
    assert client.get("/v1/enquetes/kansen_welzijn_demo/2024/netwerk?niveau=straat").status_code == 400
    assert client.get("/v1/enquetes/bestaat-niet/2024/netwerk").status_code == 404
