"""The words of the reports are B1 Dutch: every generated text of the demo (the council report summaries for
every definition and every year with data, the wijkprofiel sentences and key-number words of a sample of
areas, and the fixed sentences of the report templates) is measured with the Flesch–Douma score (textstat's
Dutch constants), the average sentence length and the share of long words."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from kansenmonitor.programme.repository import load_programme
from kansenmonitor.reports import documents, voortgang
from kansenmonitor.reports.definition import definitions
from kansenmonitor.web.service import Site

textstat = pytest.importorskip("textstat")

#: B1 guidance for public texts: sentences of at most about 15 words on average, few long words, and a
#: Flesch–Douma score that is at least "fairly easy" (60 is plain newspaper Dutch; we keep a margin for the
#: indicator names CBS uses, such as "Matig of hoog risico op angst of depressie").
MIN_FLESCH_DOUMA = 55.0
MAX_AVG_SENTENCE = 15.0
MAX_LONG_WORD_SHARE = 0.10  # words of 4 syllables or more
AREAS = ("WK015306", "WK015303", "BU01530603", "BU01530300")

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9€\"'(])")
_WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:[-'][A-Za-zÀ-ÿ]+)*")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text.strip()) if s]


def measure(texts: list[str]) -> dict:
    text = " ".join(t if t.rstrip().endswith((".", "?", "!")) else t + "." for t in texts)
    sents = sentences(text)
    lengths = [len(re.findall(r"\S+", s)) for s in sents]
    words = _WORD.findall(text)
    long = [w for w in words if textstat.syllable_count(w) >= 4]
    return {"flesch_douma": textstat.flesch_reading_ease(text), "avg_sentence": sum(lengths) / len(lengths),
            "long_share": len(long) / len(words), "long_words": sorted(set(long))}


@pytest.fixture(scope="module", autouse=True)
def dutch():
    textstat.set_lang("nl")


def test_textstat_uses_the_flesch_douma_constants():
    # Flesch–Douma: 206.84 − 0.77 × syllables per 100 words − 0.93 × words per sentence
    text = "De kat zit op de mat. Het is een mooie dag."
    syllables = sum(textstat.syllable_count(w) for w in _WORD.findall(text))
    words = len(_WORD.findall(text))
    expected = 206.835 - 77 * syllables / words - 0.93 * words / 2
    assert textstat.flesch_reading_ease(text) == pytest.approx(expected, abs=0.5)


@pytest.fixture(scope="module")
def generated(demo_monitor) -> dict[str, list[str]]:
    site = Site(demo_monitor)
    defs = definitions(demo_monitor)
    out: dict[str, list[str]] = {}
    for d in defs.values():
        if d.kind != "voortgang":
            continue
        for year in sorted(voortgang.years_with_data(site, load_programme(d.programme))):
            out[f"{d.id} {year}"] = documents.build(site, d, None, year, "nl")["summary"]
    for code in AREAS:
        doc = documents.build(site, defs["wijkprofiel"], code, None, "nl")
        out[f"wijkprofiel {code}"] = list(doc["summary"])
        out[f"kerncijfers {code}"] = [
            f"{k['label']}: {k['display']}{' (' + k['plain'] + ')' if k['plain'] else ''}, {k['comparison']['text']}"
            for k in doc["key_numbers"]]
    return out


def template_sentences() -> list[str]:
    """The fixed Dutch sentences of the report templates (the first argument of every ``_("…", "…")``)."""
    folder = resources.files("kansenmonitor.reports") / "templates"
    out = []
    for p in folder.iterdir():
        if p.name.endswith(".html"):
            out += [s for s in re.findall(r'_\("([^"]+)"', p.read_text(encoding="utf-8")) if len(s.split()) >= 6]
    return out


def test_every_generated_text_is_b1(generated):
    assert len(generated) >= 10
    failures = []
    for name, texts in generated.items():
        m = measure(texts)
        if (m["flesch_douma"] < MIN_FLESCH_DOUMA or m["avg_sentence"] > MAX_AVG_SENTENCE
                or m["long_share"] > MAX_LONG_WORD_SHARE):
            failures.append(f"{name}: {m}")
    assert not failures, "\n".join(failures)


def test_the_fixed_sentences_of_the_templates_are_b1():
    texts = template_sentences()
    assert len(texts) > 20
    m = measure(texts)
    assert m["flesch_douma"] >= MIN_FLESCH_DOUMA, m
    assert m["avg_sentence"] <= MAX_AVG_SENTENCE, m
    assert m["long_share"] <= MAX_LONG_WORD_SHARE, m


def test_a_hard_text_fails_the_measure():
    # the measure can fail: officialese with long words and one long sentence does not pass
    hard = ["Ten aanzien van de implementatie van de voorgenomen beleidsintensiveringen wordt geconstateerd dat de "
            "gerealiseerde bestedingen achterblijven bij de oorspronkelijk geraamde begrotingsuitgangspunten en "
            "dat nadere operationalisering van de monitoringsystematiek noodzakelijk geacht wordt."]
    m = measure(hard)
    assert m["flesch_douma"] < MIN_FLESCH_DOUMA and m["avg_sentence"] > MAX_AVG_SENTENCE
    assert m["long_share"] > MAX_LONG_WORD_SHARE
