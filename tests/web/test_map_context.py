"""The map opens on the installation's own gemeente, says its unit, and tells which figures have no data."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from kansenmonitor.web.app import create_app


def _options(html: str) -> dict[str, str]:
    select = html[html.index('id="f-indicator"'):]
    select = select[:select.index("</select>")]
    return dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select))


def test_the_demo_map_opens_on_enschede(client):
    html = client.get("/kaart").text
    assert "in Enschede" in html.split("</h1>")[0]
    assert client.get("/kaart?format=json").json()["gemeente"]["code"] == "GM0153"
    assert client.get("/scholen?format=json").json()["gemeente"]["code"] == "GM0153"


def test_the_own_gemeente_can_be_set_for_an_installation(demo_monitor, monkeypatch):
    monkeypatch.setenv("KANSENMONITOR_GEMEENTE", "GM0164")
    own = TestClient(create_app(demo_monitor))
    assert own.get("/kaart?format=json").json()["gemeente"]["code"] == "GM0164"


def test_the_legend_carries_the_unit(client):
    income = client.get("/kaart?indicator=inkomen_per_inwoner&niveau=wijk").text
    assert "(eenheid: × € 1.000)" in income
    share = client.get("/kaart?indicator=pct_65plus&niveau=wijk").text
    assert "(eenheid: %)" in share
    assert "(unit: × € 1,000)" in client.get("/kaart?indicator=inkomen_per_inwoner&niveau=wijk&lang=en").text


def test_picker_marks_figures_without_data_at_this_level(client, demo_monitor):
    obs = demo_monitor.observations(public=True, level="buurt", gemeente="GM0153")
    with_data = set(obs.loc[obs["value"].notna(), "indicator"])
    options = _options(client.get("/kaart?niveau=buurt").text)
    marked = {iid for iid, label in options.items() if "(geen gegevens op dit niveau" in label}
    assert marked == {i.id for i in demo_monitor.catalogue} - with_data
    assert marked, "the demo has indicators without buurt figures in Enschede (e.g. bijstand)"
    iid = sorted(marked)[0]
    page = client.get(f"/kaart?niveau=buurt&indicator={iid}").text
    assert 'class="utrecht-paragraph notice" role="note">Voor' in page and "geen cijfers per buurt" in page
    wijk = demo_monitor.observations(public=True, level="wijk", gemeente="GM0153", indicators=[iid])
    if wijk["value"].notna().any():
        assert f"wel per wijk ({int(wijk.loc[wijk['value'].notna(), 'period'].max())})" in options[iid]


def test_search_finds_a_buurt_by_name_and_lists_several(client, demo_monitor):
    buurten = [r for r in demo_monitor.store.regions() if r.level == "buurt" and r.gemeente == "GM0153"]
    target = max(buurten, key=lambda r: (r.boundary_year, len(r.name)))  # a long, distinctive name
    r = client.get(f"/zoek?q={target.name.upper()}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/gebieden/{target.code}"
    listed = client.get("/zoek?q=wessel&format=json").json()["hits"]
    names = [h["name"] for h in listed]
    assert len(listed) > 1 and all("wessel" in n.lower() for n in names)
    page = client.get("/zoek?q=wessel").text
    assert "gebieden met “wessel” in de naam" in page
    none = client.get("/zoek?q=xyzzy")
    assert none.status_code == 200 and "Geen buurt of wijk gevonden" in none.text
    assert 'action="/zoek"' in client.get("/kaart").text
    assert client.get("/zoek?q=" + "a" * 101).status_code == 400


def test_buurt_map_draws_each_wijk_boundary_from_its_own_buurten(client, web_app):
    html = client.get("/kaart?niveau=buurt").text
    group = html[html.index('<g class="wijk-outlines"'):]
    group = group[:group.index("</g>")]
    site = web_app.state.site
    by = site.map_boundary_year("buurt", "GM0153")
    wijken = {code[:8].replace("BU", "WK") for code in site.geometries("buurt", "GM0153", by)}
    assert group.count("<path ") == len(wijken) > 5
    assert "grens van een wijk" in html
    assert 'class="wijk-outlines"' not in client.get("/kaart?niveau=wijk").text
