"""The wijkprofiel is made from the same numbers as the profile page, says what is missing, lists where every
number comes from, and is the same document each time it is made from the same store."""

from __future__ import annotations

import csv
import io
from html import unescape

import pytest

from kansenmonitor.reports import render, wijkprofiel
from kansenmonitor.reports.definition import definitions
from kansenmonitor.reports.words import comparison, share_in_words
from kansenmonitor.web.service import Site
from kansenmonitor.web.situation.views import profile_view

BUURT = "BU01530603"  # Wesselerbrink Noord-Oost, in the Regio Deal focus area Wesselerbrink
WIJK = "WK015306"


@pytest.fixture(scope="module")
def site(demo_monitor):
    return Site(demo_monitor)


@pytest.fixture(scope="module")
def definition(demo_monitor):
    return definitions(demo_monitor)["wijkprofiel"]


@pytest.fixture(scope="module")
def doc(site, definition):
    return wijkprofiel.build(site, definition, BUURT, "nl")


def test_numbers_and_sentences_are_the_profile_pages(site, doc, definition):
    view = profile_view(site, site.region(BUURT), "nl")
    assert doc["summary"] == view["summary"] and doc["summary"]
    rows = {r["indicator"]: r for r in view["rows"]}
    assert [k["indicator"] for k in doc["key_numbers"]] == list(definition.indicators)
    shown = 0
    for k in doc["key_numbers"]:
        row = rows.get(k["indicator"])
        if row is None or row["value"] is None:
            assert k["value"] is None and k["missing"] and k["display"] == "–"
            continue
        shown += 1
        assert (k["value"], k["gemeente_value"], k["period"]) == (row["value"], row["gemeente_value"], row["period"])
        assert k["display"] == row["display"] and k["source"] == row["source"]
    assert shown >= 8


def test_arrows_follow_the_summary_rule(doc, site):
    for k in doc["key_numbers"]:
        c = k["comparison"]
        if k["value"] is None or k["gemeente_value"] is None:
            assert c["direction"] == "unknown"
            continue
        ind = site.catalogue[k["indicator"]]
        diff = abs(k["value"] - k["gemeente_value"])
        big = diff >= 3.0 if ind.unit == "%" else diff >= 0.1 * abs(k["gemeente_value"])
        assert (c["arrow"] != "≈") == big, k
        if big:
            assert c["arrow"] == ("↑" if k["value"] > k["gemeente_value"] else "↓")


def test_missing_figures_are_said_not_hidden(site, definition):
    # the 2024 buurten of Enschede have no KWB income figure for many buurten: the row stays, said as missing
    found = None
    for b in site.regions_of("buurt", "GM0153", 2024):
        view = profile_view(site, b, "nl")
        values = {r["indicator"]: r["value"] for r in view["rows"]}
        if values.get("inkomen_per_inwoner") is None and any(v is not None for v in values.values()):
            found = b.code
            break
    assert found is not None
    d = wijkprofiel.build(site, definition, found, "nl")
    row = next(k for k in d["key_numbers"] if k["indicator"] == "inkomen_per_inwoner")
    assert row["value"] is None and row["missing"]
    assert row["missing"] in render.html(d)


def test_every_number_has_a_reference(doc):
    refs = list(csv.DictReader(io.StringIO(render.refs_csv(doc))))
    assert refs and set(refs[0]) == set(render.REF_COLUMNS)
    for k in doc["key_numbers"]:
        if k["value"] is None:
            continue
        mine = [r for r in refs if r["indicator"] == k["indicator"] and r["gebied"] == BUURT]
        assert mine and float(mine[0]["waarde"]) == pytest.approx(k["value"]) and mine[0]["bron"]
        assert mine[0]["periode"] == str(k["period"])
    assert sum(r["onderdeel"] == "in_het_kort" for r in refs) >= len(doc["summary"])


def test_planned_interventions_and_the_frame_of_the_evening(doc, definition):
    rows = doc["planned"]["rows"]
    assert rows and all(r["programme_id"] == "regio-deal-elk-talent-telt" for r in rows)
    assert all("Wesselerbrink" in r["where"] for r in rows)
    assert doc["planned"]["gemeente_wide"] > 0
    assert doc["conversation"]["fixed"] == definition.conversation.texts("fixed", "nl")
    html = render.html(doc)
    assert "Wat vastligt" in html and "Waar u invloed op heeft" in html and "Vragen voor vanavond" in html
    # what residents said: the demo's participation round in Wesselerbrink (approved, with consent), else said missing
    if doc["narratives"]:
        assert all(n["text"] in unescape(html) for n in doc["narratives"])
        assert "Er zijn nog geen verhalen van bewoners over dit gebied" not in html
    else:
        assert "Er zijn nog geen verhalen van bewoners over dit gebied" in html


def test_map_has_names_and_a_text_alternative(doc):
    m = doc["map"]
    assert "Wesselerbrink Noord-Oost" in m["svg"] and "<text" in m["svg"]
    assert m["names"] and all(n in m["alt"] for n in m["names"])


def test_same_store_same_document(site, definition, doc):
    again = wijkprofiel.build(site, definition, BUURT, "nl")
    assert render.html(again) == render.html(doc)
    assert render.refs_csv(again) == render.refs_csv(doc)


def test_english_and_a_wijk(site, definition):
    en = wijkprofiel.build(site, definition, WIJK, "en")
    html = render.html(en)
    assert '<html lang="en">' in html and "Key figures" in html and "What you can influence" in html
    assert en["title"].startswith("Neighbourhood profile")


def test_wrong_level_and_unknown_area_are_refused(site, definition):
    with pytest.raises(wijkprofiel.ReportInputError, match="gemeente"):
        wijkprofiel.build(site, definition, "GM0153", "nl")
    with pytest.raises(wijkprofiel.UnknownAreaError, match="BU99999999"):
        wijkprofiel.build(site, definition, "BU99999999", "nl")


@pytest.mark.parametrize("pct, nl, en", [
    (20.2, "1 op de 5", "1 in 5"), (21.3, "ruim 1 op de 5", "just over 1 in 5"), (25.1, "een kwart", "a quarter"),
    (47.7, "bijna de helft", "almost half"), (57.0, "bijna 6 op de 10", "almost 6 in 10"),
    (70.0, "7 op de 10", "7 in 10"), (1.2, "ruim 1 op de 100", "just over 1 in 100"), (0.4, None, None),
])
def test_shares_in_words(pct, nl, en):
    assert share_in_words(pct, "nl") == nl and share_in_words(pct, "en") == en


def test_comparison_words():
    assert comparison(26.9, 17.2, "higher_is_worse", "%", True)["text"] == "hoger, ongunstig"
    assert comparison(58.4, 71.9, "higher_is_better", "%", True, "en")["text"] == "lower, worse"
    assert comparison(14.0, 13.8, "neutral", "%", False)["arrow"] == "≈"
    assert comparison(None, 13.8, "neutral", "%", False)["direction"] == "unknown"


def test_the_same_words_of_several_residents_appear_once_with_their_number(site, definition):
    from kansenmonitor.reports.wijkprofiel import _grouped

    said = [{"programme": "inspraak", "title": "Speeltuin", "text": "Meer  licht bij de speeltuin.", "date": d,
             "person": "inwoner", "kind": "inspraak", "source": None} for d in ("2025-03-01", "2025-03-04")]
    said.append({**said[0], "text": "Een bankje bij de bushalte.", "date": "2025-03-02"})
    grouped = _grouped(said, "nl")
    assert [(g["text"], g["count"], g["person"], g["date"]) for g in grouped] == [
        ("Meer  licht bij de speeltuin.", 2, "2 inwoners", "2025-03-04"),
        ("Een bankje bij de bushalte.", 1, "inwoner", "2025-03-02")]
    doc = wijkprofiel.build(site, definition, "WK015306", "nl")  # the demo round in Wesselerbrink
    texts = [" ".join(n["text"].split()).lower() for n in doc["narratives"]]
    assert len(texts) == len(set(texts))
