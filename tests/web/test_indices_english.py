"""English (``?lang=en``) JSON of the index and targeting pages: no Dutch engine text remains."""

from __future__ import annotations

import json
import re

import pytest

#: words that only occur in the engine's Dutch texts (reasons, notes, flags, summaries, methods)
DUTCH = ["geen", "thema", "ontbreekt", "te weinig", "gebieden", "gegevens", "indicatoren", "nodig", "niveau",
         "lees ", "kolommen", "bron:", "telt niet mee", "verschuift", "plaatsen per gebied", "samenhang",
         "hangt", "wijst", "voegt weinig", "behoefte", "inwoners", "formule", "blijft", "komt erbij", "valt af",
         "referentie", "afstand", "gemiddelde", "rang ", "verdeeld", "trekkingen", "keuze"]
#: JSON keys and identifiers (codes, rules, ids) are data, not text: only string values are checked
IDENTIFIER = re.compile(r"^[A-Za-z0-9_:.\-<>=]+$")

SCOPE = "gemeente=GM0153&niveau=buurt"


def _texts(obj, key=None):
    """Every string value that is prose (not an identifier), with the key it sits under."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _texts(v, k)
    elif isinstance(obj, list):
        for v in obj:
            yield from _texts(v, key)
    elif isinstance(obj, str) and not IDENTIFIER.match(obj):
        yield key, obj


# keys whose values are names or definition content, not engine texts
NAMES = {"name", "gemeente_name", "description", "label_nl", "source", "sia"}


def _dutch_left(data) -> list[tuple[str, str, str]]:
    hits = []
    for key, value in _texts(data):
        if key in NAMES:
            continue
        low = value.lower()
        hits += [(key, w, value) for w in DUTCH if w in low]
    return hits


def _get(client, url):
    res = client.get(url)
    assert res.status_code == 200, res.text
    return res.json()


@pytest.mark.parametrize("path", ["/indices/urgentie", "/indices/urgentie/samenhang",
                                  "/doelgroep?index=urgentie&regel_b=top-pct&waarde_b=20"])
def test_english_json_has_no_dutch_engine_text(client, path):
    sep = "&" if "?" in path else "?"
    data = _get(client, f"{path}{sep}{SCOPE}&lang=en&format=json")
    assert _dutch_left(data) == []


def test_english_index_page_texts(client):
    en = _get(client, f"/indices/urgentie?{SCOPE}&lang=en&format=json")
    nl = _get(client, f"/indices/urgentie?{SCOPE}&lang=nl&format=json")
    unscored_en = [r for r in en["rows"] if r["score"] is None]
    unscored_nl = [r for r in nl["rows"] if r["score"] is None]
    assert unscored_en and len(unscored_en) == len(unscored_nl)
    assert all(r["display"].startswith("no score") for r in unscored_en)
    assert all(r["display"].startswith("geen score") for r in unscored_nl)
    assert any("too little data" in r["reason"] or "no data for theme" in r["reason"] for r in unscored_en)
    assert any("te weinig gegevens" in r["reason"] or "geen gegevens voor thema" in r["reason"] for r in unscored_nl)
    assert en["missing_themes"] and all("does not count" in m["reason"] for m in en["missing_themes"])
    assert all("telt niet mee" in m["reason"] for m in nl["missing_themes"])
    hints = [u["hint"] for m in en["missing_themes"] for u in m["missing_indicators"]]
    assert hints and all(h.startswith("import '") for h in hints)
    assert any(n.startswith("score on ") for n in en["notes"])
    assert any(n.startswith("score op ") for n in nl["notes"])
    assert "moves the ranking most" in en["sensitivity_summary"]
    # numbers do not depend on the language
    assert [(r["code"], r["score"], r["median_rank"]) for r in en["rows"]] == \
        [(r["code"], r["score"], r["median_rank"]) for r in nl["rows"]]


def test_english_coherence_and_targeting_texts(client):
    coh = _get(client, f"/indices/urgentie/samenhang?{SCOPE}&lang=en&format=json")
    coh_nl = _get(client, f"/indices/urgentie/samenhang?{SCOPE}&lang=nl&format=json")
    assert len(coh["flags"]) == len(coh_nl["flags"])
    for f_en, f_nl in zip(coh["flags"], coh_nl["flags"], strict=True):
        assert "(theme " in f_en["message"] and "(thema " in f_nl["message"]
        assert f_en["kind"] in ("points the wrong way", "adds little")
    assert [n for n in coh["notes"] if "indicator of theme" in n or "too few complete rows" in n] == coh["notes"]
    t = _get(client, f"/doelgroep?index=urgentie&{SCOPE}&regel_b=top-pct&waarde_b=20&lang=en&format=json")
    t_nl = _get(client, f"/doelgroep?index=urgentie&{SCOPE}&regel_b=top-pct&waarde_b=20&lang=nl&format=json")
    assert t["a"]["method"] == "need × population" and t_nl["a"]["method"] == "behoefte × inwoners"
    assert {r["status_label"] for r in t["comparison"]["regions"]} <= {"stays", "enters", "leaves"}
    assert t["a"]["total"] == t_nl["a"]["total"]
    assert json.dumps(t["comparison"]["regions"], sort_keys=True).count("amount") > 0
