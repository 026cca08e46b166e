"""Names on the map: placed where they fit, never over each other, mostly inside their own area; buurten on a wide
map and wijken on a phone, readable at both sizes in real Chromium."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from kansenmonitor.web import graphics, maplabels
from kansenmonitor.web.situation import views

from .axe import CHROMIUM, serve_in_thread


@pytest.fixture(scope="module")
def enschede(web_app):
    site = web_app.state.site
    gm = site.region("GM0153")
    by = site.map_boundary_year("buurt", gm.code)
    geo = site.geometries("buurt", gm.code, by)
    return site, gm, by, geo, graphics.projection_for(list(geo.values()))


def test_labels_fit_and_never_overlap(enschede):
    site, gm, by, geo, proj = enschede
    labels = views.map_labels(site, gm, "buurt", by, proj)
    names = {r.code: r.name for r in site.regions_of("buurt", gm.code, by)}
    assert len(labels["fine"]) >= 25  # most buurten of Enschede get their name on a wide map
    assert 3 <= len(labels["coarse"]) <= 10  # a few wijken on a phone
    wijken = {short for short in (views.short_wijk_name(r.name) for r in site.regions_of("wijk", gm.code))}
    for kind, size in (("fine", views.LABEL_FINE), ("coarse", views.LABEL_COARSE)):
        boxes = [box(*lab["box"]) for lab in labels[kind]]
        for i, a in enumerate(boxes):
            assert 0 <= a.bounds[0] and a.bounds[2] <= proj.width and 0 <= a.bounds[1] and a.bounds[3] <= proj.height
            for b in boxes[i + 1:]:
                assert not a.intersects(b), (kind, labels[kind][i]["lines"])
        for lab in labels[kind]:
            assert lab["size"] == size and 1 <= len(lab["lines"]) <= 2
            text = " ".join(lab["lines"])
            joined = {text, "".join(lab["lines"])}  # a split at a hyphen joins without a space
            if kind == "fine":
                assert joined & set(names.values()), lab["lines"]
                shape = maplabels._shape(geo[lab["code"]], proj)
                part = max(shape.geoms, key=lambda p: p.area)
                assert box(*lab["box"]).intersection(part).area >= 0.5 * box(*lab["box"]).area - 1e-6
            else:
                assert joined & wijken and not text.startswith("Wijk ")


def test_splitting_keeps_words_and_hyphens():
    assert maplabels._splits("Boswinkel - Stadsveld")[1] == ["Boswinkel -", "Stadsveld"]
    assert ["Wesselerbrink", "Noord-Oost"] in maplabels._splits("Wesselerbrink Noord-Oost")
    assert views.short_wijk_name("Wijk 06 Enschede-Zuid") == "Enschede-Zuid"
    assert views.short_wijk_name("Centrum") == "Centrum"


def test_map_page_draws_the_labels(client):
    page = client.get("/kaart?gemeente=GM0153&niveau=buurt").text
    assert 'class="map-labels" aria-hidden="true"' in page
    assert ">De Bothoven<" in page or ">Bothoven<" in page or "De Bothoven</tspan>" in page
    wijk = client.get("/kaart?gemeente=GM0153&niveau=wijk").text
    assert "Enschede-Zuid</tspan>" in wijk or ">Enschede-Zuid<" in wijk


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (.ci/setup-browser.sh)")
@pytest.mark.parametrize("width, kind, min_px", [(1280, "fine", 11.0), (390, "coarse", 10.5)])
def test_labels_are_readable_in_chromium(web_app, browser, width, kind, min_px):
    # the session's one Chromium (tests/conftest.py): a second sync_playwright in the same session clashes
    with serve_in_thread(web_app) as base:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{base}/kaart?gemeente=GM0153&niveau=buurt", wait_until="networkidle")
        shown = page.evaluate("""() => {
            const svg = document.querySelector('svg.map').getBoundingClientRect();
            return Array.from(document.querySelectorAll('svg.map .map-labels text'))
              .filter(t => t.getBoundingClientRect().width > 0)
              .map(t => { const r = t.getBoundingClientRect();
                return {kind: t.parentNode.getAttribute('class'), l: r.left, r: r.right, t: r.top, b: r.bottom,
                        px: parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a,
                        inside: r.left >= svg.left - 1 && r.right <= svg.right + 1 && r.top >= svg.top - 1
                                && r.bottom <= svg.bottom + 1}; }); }""")
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        page.close()
    assert shown and all(s["kind"] == f"map-labels--{kind}" for s in shown)
    assert all(s["inside"] for s in shown) and not overflow
    assert min(s["px"] for s in shown) >= min_px
    for i, a in enumerate(shown):
        for b in shown[i + 1:]:
            assert not (a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"])
