"""Report pages (/rapporten/…) and API (/v1/rapporten/…): pick, view with print button, PDF, CSV, errors, axe."""

from __future__ import annotations

import csv
import io

import docx
import pikepdf
import pytest

from .axe import CHROMIUM, assert_accessible

BUURT = "BU01530603"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def dutch(client):
    client.cookies.clear()


def test_pick_page_lists_definitions_and_areas(client):
    r = client.get("/rapporten?gemeente=GM0153")
    assert r.status_code == 200
    assert "Wijkprofiel" in r.text and 'action="/rapporten/maak"' in r.text
    assert f'value="{BUURT}"' in r.text and 'value="WK015306"' in r.text
    data = client.get("/rapporten?gemeente=GM0153&format=json").json()
    assert {d["id"] for d in data["definitions"]} >= {"wijkprofiel", "kansrijk-enschede-voortgang",
                                                      "regio-deal-monitor"}
    ke = next(d for d in data["definitions"] if d["id"] == "kansrijk-enschede-voortgang")
    assert 2025 in ke["periods"] and ke["period"] == 2025
    r = client.get("/rapporten/maak?definitie=wijkprofiel&gebied=WK015306&format=pdf", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/rapporten/wijkprofiel/WK015306?lang=nl&format=pdf"


def test_report_page_is_the_document_with_a_print_button(client):
    r = client.get(f"/rapporten/wijkprofiel/{BUURT}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert 'onclick="window.print()"' in r.text and "?format=pdf&amp;lang=nl" in r.text
    assert "<h1>Wijkprofiel Wesselerbrink Noord-Oost</h1>" in r.text
    assert "@media print" in r.text  # the print stylesheet is in the page


def test_pdf_and_csv_downloads(client):
    r = client.get(f"/rapporten/wijkprofiel/{BUURT}?format=pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert "attachment" in r.headers["content-disposition"]
    pdf = pikepdf.open(io.BytesIO(r.content))
    assert str(pdf.Root.Lang) == "nl" and "/StructTreeRoot" in pdf.Root
    r = client.get(f"/rapporten/wijkprofiel/{BUURT}?format=csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and {"indicator", "gebied", "periode", "bron"} <= set(rows[0])


def test_docx_download(client):
    page = client.get(f"/rapporten/wijkprofiel/{BUURT}").text
    assert "?format=docx&amp;lang=nl" in page and "Word-bestand om aan te vullen" in page
    assert 'value="docx"' in client.get("/rapporten?gemeente=GM0153").text
    r = client.get(f"/rapporten/wijkprofiel/{BUURT}?format=docx")
    assert r.status_code == 200 and r.headers["content-type"] == DOCX
    assert 'attachment; filename="wijkprofiel-BU01530603.docx"' == r.headers["content-disposition"]
    assert docx.Document(io.BytesIO(r.content)).core_properties.title == "Wijkprofiel Wesselerbrink Noord-Oost"


def test_errors_are_plain(client):
    r = client.get("/rapporten/wijkprofiel/BU99999999")
    assert r.status_code == 404 and "staat niet in de database" in r.text
    r = client.get("/rapporten/wijkprofiel/GM0153")
    assert r.status_code == 400 and "is een gemeente" in r.text
    r = client.get("/rapporten/jaarverslag/BU01530603")
    assert r.status_code == 404
    r = client.get(f"/rapporten/wijkprofiel/{BUURT}?format=odt")
    assert r.status_code == 400 and "format" in r.text
    r = client.get("/rapporten/maak?definitie=wijkprofiel")
    assert r.status_code == 400 and "gebied" in r.text


def test_api_lists_definitions_and_builds_one(client):
    data = client.get("/v1/rapporten").json()
    wp = next(d for d in data["rapporten"] if d["id"] == "wijkprofiel")
    assert "kerncijfers" in wp["onderdelen"] and wp["indicatoren"]
    doc = client.get(f"/v1/rapporten/wijkprofiel/{BUURT}").json()
    assert doc["region"]["code"] == BUURT and doc["key_numbers"] and doc["refs"]
    assert "data_uri" not in str(doc)  # images stay out of the JSON; their text alternatives are in it
    r = client.get(f"/v1/rapporten/wijkprofiel/{BUURT}?format=pdf&lang=en")
    assert r.headers["content-type"] == "application/pdf"
    assert str(pikepdf.open(io.BytesIO(r.content)).Root.Lang) == "en"
    r = client.get("/v1/rapporten/wijkprofiel/GM0153")
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    assert client.get("/v1/rapporten/wijkprofiel/BU99999999").status_code == 404


def test_api_format_by_query_or_accept(client):
    r = client.get(f"/v1/rapporten/wijkprofiel/{BUURT}?formaat=docx")
    assert r.status_code == 200 and r.headers["content-type"] == DOCX
    assert docx.Document(io.BytesIO(r.content)).core_properties.language == "nl-NL"
    r = client.get(f"/v1/rapporten/wijkprofiel/{BUURT}", headers={"Accept": DOCX})
    assert r.headers["content-type"] == DOCX and r.headers["vary"] == "Accept"
    r = client.get(f"/v1/rapporten/wijkprofiel/{BUURT}", headers={"Accept": "text/csv;q=0.5, application/pdf"})
    assert r.headers["content-type"] == "application/pdf"
    r = client.get(f"/v1/rapporten/wijkprofiel/{BUURT}?formaat=csv", headers={"Accept": "application/pdf"})
    assert r.headers["content-type"].startswith("text/csv")  # the query wins
    r = client.get(f"/v1/rapporten/wijkprofiel/{BUURT}", headers={"Accept": "image/png"})
    assert r.headers["content-type"].startswith("application/json")
    r = client.get(f"/v1/rapporten/wijkprofiel/{BUURT}?format=html")  # the older name still works
    assert r.headers["content-type"].startswith("text/html")
    listed = client.get("/v1/rapporten").json()["rapporten"]
    assert all("docx" in d["formaten"] for d in listed)


@pytest.mark.parametrize(("path", "status", "param"), [
    ("/v1/rapporten/jaarverslag", 404, "definitie"),
    ("/v1/rapporten/wijkprofiel/BU99999999", 404, "gebied"),
    ("/v1/rapporten/wijkprofiel/GM0153", 400, "gebied"),
    ("/v1/rapporten/kansrijk-enschede-voortgang?periode=2031", 400, "periode"),
    ("/v1/rapporten/kansrijk-enschede-voortgang?periode=twee", 400, "periode"),
    (f"/v1/rapporten/wijkprofiel/{BUURT}?formaat=odt", 400, "formaat"),
    (f"/v1/rapporten/wijkprofiel/{BUURT}?lang=de", 400, "lang"),
])
def test_api_problems_name_the_parameter(client, path, status, param):
    r = client.get(path)
    assert r.status_code == status and r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == status and body["instance"] == path.split("?")[0]
    assert [p["name"] for p in body["invalid_params"]] == [param] and body["invalid_params"][0]["reason"]


def test_council_report_pages(client):
    r = client.get("/rapporten/kansrijk-enschede-voortgang?periode=2025")
    assert r.status_code == 200 and "<h1>Voortgangsrapportage Kansrijk Enschede 2025</h1>" in r.text
    assert "Samenvatting" in r.text and "Werkwijze en bronnen" in r.text and "&amp;periode=2025" in r.text
    r = client.get("/rapporten/maak?definitie=kansrijk-enschede-voortgang&gebied=&periode=2024", follow_redirects=False)
    assert r.headers["location"] == "/rapporten/kansrijk-enschede-voortgang?lang=nl&periode=2024"
    r = client.get("/rapporten/regio-deal-monitor/FG-WESSELERBRINK")
    assert r.status_code == 200 and "Hoe staat Wesselerbrink ervoor?" in r.text
    r = client.get("/rapporten/kansrijk-enschede-voortgang?periode=2031")
    assert r.status_code == 400 and "2031" in r.text
    assert client.get("/rapporten/kansrijk-enschede-voortgang?periode=twee").status_code == 400
    assert client.get("/rapporten/wijkprofiel").status_code == 400
    r = client.get("/v1/rapporten/kansrijk-enschede-voortgang?periode=2025")
    assert r.status_code == 200 and r.json()["money"]["year"]["saldo"] == "€ -2.545.000"
    r = client.get("/v1/rapporten/kansrijk-enschede-voortgang?periode=2031")
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (.ci/setup-browser.sh)")
@pytest.mark.parametrize("path", ["/rapporten", f"/rapporten/wijkprofiel/{BUURT}",
                                  "/rapporten/wijkprofiel/WK015306?lang=en",
                                  "/rapporten/kansrijk-enschede-voortgang?periode=2025",
                                  "/rapporten/regio-deal-monitor/FG-WESSELERBRINK?lang=en"])
def test_axe(server, browser, path):
    assert_accessible(server, browser, path)
