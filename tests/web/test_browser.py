"""axe-core in real headless Chromium on every page type: no serious or critical violations, and no
request leaves localhost."""

from __future__ import annotations

import pytest

from .axe import CHROMIUM, assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (.ci/setup-browser.sh)"),
]

PAGE_TYPES = {
    "start": "/",
    "kaart": "/kaart?gemeente=GM0153&niveau=buurt&indicator=moeite_met_rondkomen_18plus",
    "gebieden": "/gebieden?gemeente=GM0153&niveau=wijk",
    "profiel-buurt": "/gebieden/BU01530603",
    "profiel-gebied": "/gebieden/FG-WESSELERBRINK",
    "indicatoren": "/indicatoren",
    "indicator": "/indicatoren/moeite_met_rondkomen_18plus?niveau=wijk",
    "vergelijk": "/vergelijk?gebied=BU01530603&gebied=BU01530604",
    "niet-gevonden": "/gebieden/BU99999999",
    "zoeken": "/zoek?q=wessel",
    "kaart-zonder-gegevens": "/kaart?gemeente=GM0153&niveau=buurt&indicator=bijstand_per_1000",
    "engels-profiel": "/gebieden/WK015306?lang=en",
}


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_axe_has_no_serious_violations(server, browser, name):
    assert_accessible(server, browser, PAGE_TYPES[name])


def test_map_keyboard_path_reaches_every_area(server, browser):
    page = browser.new_page()
    page.goto(server + PAGE_TYPES["kaart"])
    n = page.locator("svg.map a.area").count()
    assert n > 50
    page.locator("svg.map a.area").first.focus()
    seen = set()
    for _ in range(n):
        seen.add(page.evaluate("document.activeElement.getAttribute('href')"))
        tip = page.locator("#map-tip").inner_text()
        assert tip  # the tooltip follows the keyboard focus
        page.keyboard.press("Tab")
    page.close()
    assert len(seen) == n
