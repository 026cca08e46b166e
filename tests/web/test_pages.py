"""Every page type renders, has its JSON and CSV twin, and speaks Dutch by default."""

from __future__ import annotations

import csv
import io

import pytest

PAGES = [
    "/",
    "/kaart?gemeente=GM0153&niveau=buurt&indicator=moeite_met_rondkomen_18plus",
    "/kaart?gemeente=GM0153&niveau=wijk&indicator=pct_65plus",
    "/kaart?gemeente=GM0153&niveau=gebied",
    "/gebieden",
    "/gebieden/BU01530603",
    "/gebieden/WK015306",
    "/gebieden/GM0153",
    "/gebieden/FG-WESSELERBRINK",
    "/indicatoren",
    "/indicatoren/moeite_met_rondkomen_18plus",
    "/vergelijk?gebied=BU01530603&gebied=BU01530604&gebied=GM0153",
]


@pytest.mark.parametrize("url", PAGES)
def test_page_and_its_data_twins(client, url):
    html = client.get(url, cookies={"taal": "nl"})
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in html.text
    sep = "&" if "?" in url else "?"
    js = client.get(f"{url}{sep}format=json")
    assert js.status_code == 200 and js.headers["content-type"].startswith("application/json")
    assert isinstance(js.json(), dict)
    cs = client.get(f"{url}{sep}format=csv")
    assert cs.status_code == 200 and cs.headers["content-type"].startswith("text/csv")
    assert next(csv.reader(io.StringIO(cs.text)))  # a header row
    assert "format=json" in html.text and "format=csv" in html.text
    assert "format=csv-nl" in html.text and "format=xlsx" in html.text
    _excel_twins_equal_the_csv(client, f"{url}{sep}", cs.text)


def _excel_twins_equal_the_csv(client, prefix: str, csv_text: str) -> None:
    """csv-nl (';', decimal comma, BOM, a download) and xlsx hold the same table as the plain CSV."""
    import pandas as pd

    plain = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    nl = client.get(f"{prefix}format=csv-nl")
    assert nl.status_code == 200 and nl.headers["content-type"].startswith("text/csv")
    assert nl.headers["content-disposition"].startswith("attachment;")
    assert nl.content.startswith(b"\xef\xbb\xbf")
    dutch = pd.read_csv(io.BytesIO(nl.content), sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(dutch.columns) == list(plain.columns) and len(dutch) == len(plain)
    for col in plain.columns:
        for a, b in zip(plain[col], dutch[col], strict=True):
            try:
                assert float(a) == pytest.approx(float(b.replace(",", ".")))
                assert "." not in b  # a decimal comma, never a point
            except ValueError:
                assert a == b
    xl = client.get(f"{prefix}format=xlsx")
    assert xl.status_code == 200 and xl.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = pd.read_excel(io.BytesIO(xl.content), dtype=str, keep_default_na=False)
    assert list(book.columns) == list(plain.columns) and len(book) == len(plain)


def test_english_switch_is_remembered_in_a_cookie(client):
    r = client.get("/gebieden/BU01530603?lang=en")
    assert r.status_code == 200 and '<html lang="en">' in r.text and "Similar areas" in r.text
    assert r.cookies.get("taal") == "en"
    again = client.get("/gebieden/BU01530603", cookies={"taal": "en"})
    assert '<html lang="en">' in again.text
    nl = client.get("/gebieden/BU01530603?lang=nl")
    assert '<html lang="nl">' in nl.text and "Gebieden die hierop lijken" in nl.text


def test_profile_has_references_summary_and_similar_areas(client):
    data = client.get("/gebieden/BU01530603?format=json").json()
    assert data["region"]["name"] == "Wesselerbrink Noord-Oost"
    assert data["gemeente"]["code"] == "GM0153"
    assert len(data["similar"]["neighbours"]) == 5
    rows = {r["indicator"]: r for r in data["rows"]}
    rond = rows["moeite_met_rondkomen_18plus"]
    assert rond["gemeente_value"] is not None and rond["nl_value"] is not None
    assert any(r["similar_mean"] is not None for r in data["rows"])
    # the summary only uses numbers shown in the table, in Dutch notation
    html = client.get("/gebieden/BU01530603", cookies={"taal": "nl"}).text
    for sentence in data["summary"]:
        assert sentence in html.replace("&#39;", "'")
        assert "tegen" in sentence
    assert any(len(r["series"]) >= 2 for r in data["rows"])
    assert 'role="img"' in html  # trend charts with a text alternative


def test_summary_is_polarity_aware_and_states_its_rule():
    from kansenmonitor.core.model import Aggregation, Indicator, Level, Polarity, Region
    from kansenmonitor.web.situation.views import meaningful, summary

    worse = Indicator("x", "Moeite met rondkomen", "Hard to make ends meet", "%", "inkomen",
                      Polarity.HIGHER_IS_WORSE, Aggregation.NONE, decimals=0)
    better = Indicator("y", "Goede gezondheid", "Good health", "%", "gezondheid",
                       Polarity.HIGHER_IS_BETTER, Aggregation.NONE, decimals=0)
    region = Region("BU1", "Wesselerbrink Noord-Oost", Level.BUURT, 2024)
    rows = [{"_indicator": worse, "value": 23.0, "reference_value": 17.0, "period": 2020},
            {"_indicator": better, "value": 70.0, "reference_value": 71.0, "period": 2020}]
    text = summary(region, "Enschede", rows, "nl")
    assert text == ["Inkomen – Moeite met rondkomen, 2020: 23% in Wesselerbrink Noord-Oost, tegen 17% gemiddeld "
                    "in Enschede. Dat is 6 procentpunt hoger. Dat is ongunstig."]
    assert not meaningful(better, 70.0, 71.0) and meaningful(worse, 23.0, 17.0)


def test_map_has_keyboard_path_legend_and_table(client):
    r = client.get("/kaart?gemeente=GM0153&niveau=buurt&indicator=moeite_met_rondkomen_18plus&jaar=2020")
    html = r.text
    data = client.get("/kaart?gemeente=GM0153&niveau=buurt&indicator=moeite_met_rondkomen_18plus&jaar=2020"
                      "&format=json").json()
    assert len(data["areas"]) > 50 and len(data["areas"]) == html.count('class="area"')
    assert "kwantielen" in html and "hatch-suppressed" in html and "hatch-missing" in html
    assert all(a["fill"].startswith("#") == (a["value"] is not None) for a in data["areas"])
    # higher is worse: the darkest colour is the last (highest) class
    assert data["legend"][-1]["colour"] == "#b30000"
    from kansenmonitor.web.graphics import palette

    assert palette("higher_is_better", 5)[0] == "#b30000"  # higher is better: the lowest class is darkest
    sorted_rows = client.get("/kaart?gemeente=GM0153&niveau=buurt&indicator=moeite_met_rondkomen_18plus"
                             "&sorteer=waarde&volgorde=af&format=json").json()["rows"]
    values = [r["value"] for r in sorted_rows if r["value"] is not None]
    assert values == sorted(values, reverse=True)


def test_geometry_payload_of_enschede_buurten_is_small(client):
    r = client.get("/kaart/geometrie?gemeente=GM0153&niveau=buurt")
    assert r.status_code == 200 and len(r.content) < 500_000
    assert len(r.json()["features"]) > 50
    page = client.get("/kaart?gemeente=GM0153&niveau=buurt")
    assert len(page.content) < 500_000


def test_custom_area_map_uses_the_union_of_its_members(client):
    data = client.get("/kaart?gemeente=GM0153&niveau=gebied&format=json").json()
    assert {a["code"] for a in data["areas"]} == {"FG-WESSELERBRINK", "FG-TWEKKELERVELD"}


def test_compare_needs_two_to_four(client):
    one = client.get("/vergelijk?gebied=BU01530603")
    assert one.status_code == 200 and "twee tot vier" in one.text
    five = client.get("/vergelijk?" + "&".join(f"gebied=BU0153060{i}" for i in range(1, 6)))
    assert five.status_code == 400 and "gebied" in five.text


def test_indicator_page_ranks_by_polarity(client):
    data = client.get("/indicatoren/moeite_met_rondkomen_18plus?niveau=wijk&format=json").json()
    ranked = [r for r in data["ranking"] if r["value"] is not None]
    assert [r["rank"] for r in ranked] == list(range(1, len(ranked) + 1))
    assert ranked[0]["value"] >= ranked[-1]["value"]  # higher is worse: worst first
    assert data["chart"] is not None and len(data["series"]) >= 2
