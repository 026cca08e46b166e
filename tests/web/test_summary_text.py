"""The generated "In het kort" sentences over every wijk, buurt and custom area of the demo: correct Dutch
(B1) and English, one form of address, procentpunt for differences of percentages, and the general, newest
figure first (never an age-band estimate of 2016 when a 2020 figure for everyone exists)."""

from __future__ import annotations

import re

import pytest

from kansenmonitor.core.model import Level
from kansenmonitor.web.situation.views import summary

#: Patterns that must never occur in a generated sentence (each was seen once, or is a classic error).
FORBIDDEN_NL = [
    (r"\bis (voldoet|personen|loopt|rookt|drinkt|sport|doet|geeft|fietst|heel|een of meer)\b", "'is' + verb/noun"),
    (r"\beenheid/eenheden\b", "unit placeholder"),
    (r"\d %", "space before %"),
    (r"\b(je|jij|jouw|jullie)\b", "informal address (we use 'u')"),
    (r"\b(\w+) \1\b", "repeated word"),
    (r"\b(higher|lower|against|average|better|worse)\b", "English word in Dutch"),
    (r"  |\s[.,:]", "spacing"),
    (r"\b(18_64|65plus|18plus)\b|_", "indicator id"),
]
FORBIDDEN_EN = [
    (r"\b(hoger|lager|tegen|gemiddeld|gunstig|ongunstig|procentpunt)\b", "Dutch word in English"),
    (r"\d %", "space before %"),
    (r"\b(\w+) \1\b", "repeated word"),
    (r"  |\s[.,:]", "spacing"),
    (r"_", "indicator id"),
]


def _rows_per_region(monitor):
    """Profile-like rows (latest value per indicator, the gemeente value of the same year as reference) for
    every wijk, buurt and custom area, built from one read of the public observations (fast)."""
    regions = [r for r in monitor.regions() if r.level in (Level.WIJK, Level.BUURT, Level.GEBIED) and r.gemeente]
    gms = sorted({r.gemeente for r in regions})
    obs = monitor.observations(public=True, regions=sorted({r.code for r in regions} | set(gms)))
    obs = obs[obs["value"].notna()]
    ref = {(g, i, int(p)): float(v) for g, i, p, v in obs.loc[obs["region"].isin(gms),
                                                             ["region", "indicator", "period", "value"]].itertuples(
                                                                 index=False)}
    latest = obs.sort_values("period").drop_duplicates(["region", "boundary_year", "indicator"], keep="last")
    by_region: dict = {}
    for o in latest.itertuples(index=False):
        by_region.setdefault((o.region, int(o.boundary_year)), []).append(o)
    cat = monitor.catalogue
    for r in regions:
        rows = []
        for o in by_region.get((r.code, r.boundary_year), []):
            if o.indicator not in cat:
                continue
            rows.append({"_indicator": cat[o.indicator], "value": float(o.value), "period": int(o.period),
                         "reference_value": ref.get((r.gemeente, o.indicator, int(o.period)))})
        yield r, monitor.region(r.gemeente).name, rows


@pytest.fixture(scope="module")
def all_summaries(demo_monitor):
    out = []
    for region, gm_name, rows in _rows_per_region(demo_monitor):
        for lang in ("nl", "en"):
            out.append((region, lang, summary(region, gm_name, rows, lang), rows))
    return out


def test_generator_covers_every_area_of_the_demo(all_summaries):
    regions = {r.code for r, *_ in all_summaries}
    assert len(regions) > 200
    assert sum(1 for _r, lang, text, _ in all_summaries if lang == "nl" and text) > 150


def test_no_forbidden_pattern_in_any_generated_sentence(all_summaries):
    bad = []
    for region, lang, text, _rows in all_summaries:
        for sentence in text:
            # names of places may contain anything; check the sentence without them
            checked = sentence.replace(region.name, "X")
            for pattern, why in FORBIDDEN_NL if lang == "nl" else FORBIDDEN_EN:
                if re.search(pattern, checked, flags=re.IGNORECASE if "je" in pattern else 0):
                    bad.append(f"{region.code} [{lang}] {why}: {sentence}")
            assert sentence[0].isupper() and sentence.endswith("."), sentence
    assert not bad, "\n".join(bad[:20])


def test_percentages_differ_in_procentpunt_and_other_units_do_not(all_summaries):
    for _region, lang, text, _rows in all_summaries:
        for s in text:
            if lang != "nl":
                continue
            values = re.search(r"\d{4}: (.+?) in .*, tegen (.+?) gemiddeld", s)
            assert values, s
            if values.group(1).endswith("%"):
                assert "procentpunt" in s, s
            else:
                assert "procentpunt" not in s, s


def test_summary_uses_the_general_newest_figure(all_summaries):
    for _region, lang, text, rows in all_summaries:
        if lang != "nl":
            continue
        labels = {r["_indicator"].label("nl") for r in rows}
        for s in text:
            for band in ("(18 tot 65 jaar)", "(65 jaar en ouder)"):
                if band in s:
                    general = s.split(" – ", 1)[1].split(band)[0] + "(18 jaar en ouder)"
                    assert general not in labels, s
    # and in Dutch, a reader's themes come first when they are in the summary
    order = ("Inkomen", "Gezondheid", "Mentale gezondheid", "Onderwijs", "Veiligheid")
    for _region, lang, text, _rows in all_summaries:
        if lang != "nl" or not text:
            continue
        themes = [s.split(" – ")[0] for s in text]
        present = [t for t in order if t in themes]
        assert themes[: len(present)] == present, themes


def test_summary_never_mentions_an_older_figure_when_a_newer_one_exists(all_summaries):
    for _region, lang, text, rows in all_summaries:
        if lang != "nl":
            continue
        newest = {}
        for r in rows:
            fam = re.sub(r"_(18_64|65plus|18plus)$", "", r["_indicator"].id)
            newest[fam] = max(newest.get(fam, 0), r["period"])
        for s in text:
            label = s.split(" – ", 1)[1].split(", ")[0]
            year = int(re.search(r", (\d{4}):", s).group(1))
            fams = {re.sub(r"_(18_64|65plus|18plus)$", "", r["_indicator"].id) for r in rows
                    if r["_indicator"].label("nl").startswith(label)}
            assert all(year >= newest[f] for f in fams), s
