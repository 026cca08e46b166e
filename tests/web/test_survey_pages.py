"""Survey pages and /v1/enquetes on the demo: synthetic label everywhere, disclosure-checked shares only (a sweep
over every page, API response and CSV export), never a respondent row, helpful errors, accessible."""

from __future__ import annotations

import csv
import html
import io

import pytest

from .axe import CHROMIUM

SURVEY = "kansen_welzijn_demo"
LEVELS = ("gemeente", "wijk", "buurt", "gebied")


@pytest.fixture(scope="module")
def share_items(client):
    body = client.get("/v1/enquetes").json()
    (wave,) = [w for w in body["enquetes"] if w["enquete"] == SURVEY]
    return wave, [q["id"] for q in wave["vragen"] if q["aandeel"]]


def test_survey_list_says_synthetic_and_shows_no_answers(client, share_items):
    wave, items = share_items
    assert wave["synthetisch"] and "synthetisch" in wave["naam"] and wave["respondenten"] > 19000
    assert {"eenzaam", "rondkomen", "gezondheid"} <= set(items)
    page = client.get("/enquetes")
    assert page.status_code == 200 and "Synthetisch." in page.text and "Niemand heeft deze enquête ingevuld" in page.text
    en = client.get("/enquetes?lang=en")
    assert "Synthetic." in en.text and "Surveys of residents" in en.text


def side_ok(share: float, sensitive: str) -> bool:
    """The 90 % rule protects the sensitive side of a share (the codebook's polarity says which)."""
    if sensitive == "share":
        return share <= 90
    if sensitive == "rest":
        return share >= 10
    return 10 <= share <= 90


def _check_rows(rows, where, sensitive: str = "both"):
    for r in rows:
        if r["waarde"] is None:
            assert r["status"] == "suppressed" and r["respondenten"] is None and r["ondergrens"] is None, where
            assert r["onthulling"], where
        else:
            assert r["status"] == "published", where
            assert r["respondenten"] >= 30 and side_ok(r["waarde"], sensitive), (where, r)
            assert r["ondergrens"] <= r["waarde"] <= r["bovengrens"], (where, r)
            assert r["synthetisch"] is True


def test_sweep_every_survey_output_for_small_cells(client, share_items, demo_monitor):
    """API (all pages), page JSON and CSV of every question × level × gemeente: no cell under the thresholds, no
    respondent id anywhere."""
    from kansenmonitor.surveys import repository as repo

    wave, items = share_items
    cb = repo.wave(demo_monitor, SURVEY).codebook
    ids = set(repo.microdata(demo_monitor, repo.wave(demo_monitor, SURVEY))["respondent"])
    sample_ids = sorted(ids)[:50]
    n_api = 0
    for item in items:
        side = cb.item(item).sensitive
        page_no = 1
        while True:
            r = client.get(f"/v1/enquetes/{SURVEY}/2024/aandelen?vraag={item}&per_pagina=1000&pagina={page_no}")
            assert r.status_code == 200
            body = r.json()
            _check_rows(body["aandelen"], (item, page_no), side)
            n_api += len(body["aandelen"])
            assert not any(s in r.text for s in sample_ids)
            if "next" not in body["_links"]:
                break
            page_no += 1
        for gm in ("GM0153", "GM0141", "GM0164"):
            for level in LEVELS:
                url = f"/enquetes/aandelen?enquete={SURVEY}&vraag={item}&niveau={level}&gemeente={gm}"
                js = client.get(url + "&format=json")
                assert js.status_code == 200
                for row in js.json()["rows"]:
                    if row["share"] is not None:
                        assert row["respondents"] >= 30 and side_ok(row["share"], side)
                    else:
                        assert row["respondents"] is None and row["lower"] is None
                text = client.get(url + "&format=csv").text
                for row in csv.DictReader(io.StringIO(text)):
                    assert row["synthetic"] == "True"
                    if row["share"]:
                        assert int(row["respondents"]) >= 30 and side_ok(float(row["share"]), side)
                    else:
                        assert row["respondents"] == "" and row["lower"] == ""
                    assert row["area"] not in ids
    assert n_api > 2000


def test_shares_page_map_and_table(client):
    r = client.get(f"/enquetes/aandelen?enquete={SURVEY}&vraag=rondkomen&niveau=buurt&gemeente=GM0153")
    assert r.status_code == 200
    assert "Moeite met rondkomen" in r.text and "Synthetisch." in r.text and "<svg class=\"map\"" in r.text
    assert "niet getoond" in r.text and "95%-interval" in r.text


@pytest.mark.parametrize("url,name", [
    (f"/enquetes/aandelen?enquete={SURVEY}&vraag=geheim", "vraag"),
    (f"/enquetes/aandelen?enquete={SURVEY}&niveau=straat", "niveau"),
    (f"/enquetes/aandelen?enquete={SURVEY}&gemeente=GM0363", "gemeente"),
    (f"/enquetes/aandelen?enquete={SURVEY}&golf=twee", "golf"),
])
def test_bad_parameters_are_named(client, url, name):
    r = client.get(url)
    assert r.status_code == 400 and f"'{name}'" in html.unescape(r.text)


def test_unknown_survey_is_404_with_a_way_back(client):
    r = client.get("/enquetes/aandelen?enquete=bestaat_niet")
    assert r.status_code == 404 and "/enquetes" in r.text
    api = client.get("/v1/enquetes/bestaat_niet/2024/aandelen")
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/problem+json")
    bad = client.get(f"/v1/enquetes/{SURVEY}/2024/aandelen?niveau=straat")
    assert bad.status_code == 400 and bad.json()["invalid_params"][0]["name"] == "niveau"


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")
@pytest.mark.parametrize("path", ["/enquetes", f"/enquetes/aandelen?enquete={SURVEY}&vraag=eenzaam&niveau=buurt&gemeente=GM0153",
                                  f"/enquetes/aandelen?enquete={SURVEY}&vraag=gezondheid&niveau=gebied&lang=en",
                                  f"/enquetes/modelschattingen?enquete={SURVEY}&vraag=eenzaam"])
def test_survey_pages_are_accessible(server, browser, path):
    from .axe import assert_accessible

    assert_accessible(server, browser, path, statuses=(200,))


def test_classes_page_shows_the_saved_model(client):
    r = client.get("/enquetes/klassen")
    assert r.status_code == 200
    text = html.unescape(r.text)
    assert "Synthetisch." in text and "Hoeveel groepen?" in text and "(gekozen)" in text
    assert "kwetsbaarst" in text and "kapitaal" in text and "buiten de focusgebieden" in text
    en = html.unescape(client.get("/enquetes/klassen?lang=en").text)
    assert "How many groups?" in en and "capital" in en
    assert client.get("/enquetes/klassen?klasse=99").status_code == 400
    assert client.get("/enquetes/klassen?model=bestaat-niet").status_code == 404


def test_sweep_class_shares_for_small_cells(client):
    body = client.get("/enquetes/klassen?format=json").json()
    k = body["model"]["k"]
    assert 2 <= k <= 8
    for cls in range(1, k + 1):
        for gm in ("GM0153", "GM0141", "GM0164"):
            for level in LEVELS:
                text = client.get(f"/enquetes/klassen?klasse={cls}&niveau={level}&gemeente={gm}&format=csv").text
                for row in csv.DictReader(io.StringIO(text)):
                    assert row["synthetic"] == "True"
                    if row["share"]:
                        # membership of a class is the sensitive side
                        assert int(row["respondents"]) >= 30 and float(row["share"]) <= 90
                    else:
                        assert row["respondents"] == "" and row["lower"] == ""


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")
def test_classes_page_is_accessible(server, browser):
    from .axe import assert_accessible

    assert_accessible(server, browser, "/enquetes/klassen?niveau=buurt&gemeente=GM0153", statuses=(200,))


def test_classes_page_and_api_show_covariates_of_membership(client):
    """Who is in which class (three-step, ML and BCH): in words and a table on the page, and in the API; only
    cells of at least 10 respondents (and 10 outside the class) in a category of at least 30 carry numbers."""
    text = html.unescape(client.get("/enquetes/klassen").text)
    assert "Wie zit in welke groep?" in text and "odds ratio" in text and "vergelijkingsgroep" in text
    assert "Leeftijd" in text and "Woont in een focusgebied" in text and "3-stapsschatting" in text
    bch = html.unescape(client.get("/enquetes/klassen?correctie=bch").text)
    assert "BCH-gewichten" in bch
    assert client.get("/enquetes/klassen?correctie=naief").status_code == 400
    en = html.unescape(client.get("/enquetes/klassen?lang=en").text)
    assert "Who is in which group?" in en
    for corr in ("ml", "bch"):
        body = client.get(f"/v1/enquetes/{SURVEY}/2024/klassen/covariaten?correctie={corr}").json()
        assert body["synthetisch"] is True and body["correctie"] == corr
        assert [k["id"] for k in body["kenmerken"]] == ["leeftijd", "geslacht", "gemeente", "focusgebied"]
        shown = 0
        for k in body["kenmerken"]:
            for v in k["waarden"]:
                for c in v["klassen"]:
                    if c["status"] == "published":
                        shown += 1
                        assert v["respondenten"] >= 30 and c["aandeel"] <= 90
                    else:
                        assert c["aandeel"] is None and c["odds_ratio"] is None and c["onthulling"]
        assert shown > 40
    one = client.get(f"/v1/enquetes/{SURVEY}/2024/klassen/covariaten?kenmerken=leeftijd").json()
    assert [k["id"] for k in one["kenmerken"]] == ["leeftijd"]
    bad = client.get(f"/v1/enquetes/{SURVEY}/2024/klassen/covariaten?kenmerken=inkomen")
    assert bad.status_code == 400 and bad.json()["invalid_params"][0]["name"] == "kenmerken"
    assert client.get(f"/v1/enquetes/{SURVEY}/2024/klassen/covariaten?correctie=x").status_code == 400
    assert client.get("/v1/enquetes/bestaat-niet/2024/klassen/covariaten").status_code == 404


def test_model_estimates_page_and_api_sweep(client, demo_monitor):
    """Small-area estimates: shown side by side with the direct ones and flagged; the sweep over every question
    and gemeente (API and CSV) finds no model estimate under 10 respondents, none for 10–29 where the buurt's own
    respondents weigh more than half, none above 90 % on the sensitive side, and direct values only under the
    usual thresholds."""
    from kansenmonitor.surveys import repository as repo

    cb = repo.wave(demo_monitor, SURVEY).codebook
    page = html.unescape(client.get(f"/enquetes/modelschattingen?enquete={SURVEY}&vraag=eenzaam").text)
    assert "Synthetisch." in page and "modelschatting" in page and "Fay–Herriot" in page and "Prasad" in page
    assert "minder dan 10" in page and "CBS Kerncijfers wijken en buurten" in page
    assert "/enquetes/modelschattingen" in client.get("/enquetes").text
    assert "modelschattingen" in client.get(f"/enquetes/aandelen?enquete={SURVEY}&niveau=buurt").text
    en = client.get(f"/enquetes/modelschattingen?enquete={SURVEY}&lang=en&methode=fh")
    assert en.status_code == 200 and "model estimate" in en.text
    assert client.get("/enquetes/modelschattingen?methode=ols").status_code == 400
    assert client.get("/enquetes/modelschattingen?vraag=geheim").status_code == 400
    shown = 0
    for it in cb.shares():
        body = client.get(f"/v1/enquetes/{SURVEY}/2024/modelschattingen?vraag={it.id}&per_pagina=1000").json()
        for r in body["modelschattingen"]:
            assert r["synthetisch"] is True and "Fay-Herriot" in r["methode"]
            if r["direct"] is not None:
                assert side_ok(r["direct"], it.sensitive) and r["respondenten"] == "30+"
            if r["modelschatting"] is None:
                assert r["status"] == "suppressed" and r["onthulling"] and r["ondergrens"] is None
                continue
            shown += 1
            assert r["status"] == "modelschatting" and r["respondenten"] != "<10"
            if r["respondenten"] == "10-29":
                assert r["gewicht_eigen_respondenten"] <= 0.5
            assert side_ok(r["modelschatting"], it.sensitive)
        for gm in ("GM0153", "GM0141", "GM0164"):
            text = client.get(f"/enquetes/modelschattingen?enquete={SURVEY}&vraag={it.id}&gemeente={gm}"
                              "&format=csv").text
            for row in csv.DictReader(io.StringIO(text)):
                if row["model"]:
                    assert row["respondents_band"] != "<10" and row["status"] == "modelschatting"
    assert shown > 1000
    bad = client.get(f"/v1/enquetes/{SURVEY}/2024/modelschattingen?methode=ols")
    assert bad.status_code == 400 and bad.json()["invalid_params"][0]["name"] == "methode"
    assert client.get("/v1/enquetes/bestaat-niet/2024/modelschattingen").status_code == 404


def test_network_figures_on_the_map_like_any_indicator(demo_home, tmp_path):
    """After ``survey publish`` (a demo step), the ego-network figures are indicators on /kaart: flagged as from
    a (synthetic) survey, with the 95 % interval in the table, withheld areas hatched without a number. Uses a
    copy of the demo home, since the prebuilt one may predate the step."""
    import shutil

    from fastapi.testclient import TestClient

    from kansenmonitor.monitor import Monitor
    from kansenmonitor.surveys import ego
    from kansenmonitor.surveys import repository as repo
    from kansenmonitor.web.app import create_app

    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    monitor = Monitor.open(home)
    ego.publish(monitor, repo.wave(monitor, SURVEY))
    c = TestClient(create_app(monitor), raise_server_exceptions=False)
    page = html.unescape(c.get("/kaart?indicator=enquete_netwerk_niemand&niveau=wijk&gemeente=GM0153").text)
    assert "Heeft niemand om op terug te vallen (enquête)" in page and "Synthetisch." in page
    assert "Uit een enquête: een steekproef" in page and "95%-interval" in page and "geheim" in page
    rows = c.get("/kaart?indicator=enquete_netwerk_niemand&niveau=wijk&gemeente=GM0153&format=json").json()["rows"]
    shown = [r for r in rows if r["value"] is not None]
    assert shown and all(r["lower"] <= r["value"] <= r["upper"] and r["status"] == "estimated" for r in shown)
    assert any(r["value"] is None and r["status"] == "suppressed" for r in rows)
    # the same values as the survey's own disclosure-checked output
    own = {x.area: x for x in ego.area_indicators(monitor, repo.wave(monitor, SURVEY)) if x.indicator == "niemand"}
    for r in rows:
        assert r["value"] == own[r["code"]].value
    api = c.get("/v1/waarnemingen?indicator=enquete_netwerk_grootte&niveau=buurt&gemeente=GM0153"
                "&per_pagina=1000").json()["waarnemingen"]
    assert any(v["waarde"] is not None for v in api)
    for v in api:
        assert "synthetisch" in v["bron"]
        if v["waarde"] is None:
            assert v["ondergrens"] is None and v["status"] == "suppressed"
        else:
            assert v["ondergrens"] <= v["waarde"] <= v["bovengrens"] and v["status"] == "estimated"


def test_quality_of_life_themes_page_and_api_never_show_the_text(demo_home, data_dir, tmp_path):
    """The open question of the (regenerated) demo survey: theme shares per area on /enquetes/themas and in the
    API, only cells that pass the thresholds, and not one phrase of an answer anywhere. Uses a copy of the demo
    home with the survey imported again, since the prebuilt one may predate the open question."""
    import shutil

    from fastapi.testclient import TestClient

    from kansenmonitor.monitor import Monitor
    from kansenmonitor.surveys import synth
    from kansenmonitor.surveys.codebook import load_codebook
    from kansenmonitor.surveys.importer import import_survey
    from kansenmonitor.web.app import create_app

    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    monitor = Monitor.open(home)
    syn = synth.write(data_dir, tmp_path / "demo.csv")
    import_survey(monitor, tmp_path / "demo.csv", load_codebook(syn.codebook_path))
    c = TestClient(create_app(monitor), raise_server_exceptions=False)
    phrases = [p for ps in synth.PHRASES.values() for p in ps]
    assert "/enquetes/themas" in c.get("/enquetes").text
    for level in LEVELS:
        for gm in ("GM0153", "GM0141"):
            page = c.get(f"/enquetes/themas?niveau={level}&gemeente={gm}")
            assert page.status_code == 200
            text = html.unescape(page.text).lower()
            assert "synthetisch." in text and "kwaliteit van leven" in text
            assert not any(p.lower() in text for p in phrases)
            csv_text = c.get(f"/enquetes/themas?niveau={level}&gemeente={gm}&format=csv").text.lower()
            assert not any(p.lower() in csv_text for p in phrases)
    en = html.unescape(c.get("/enquetes/themas?lang=en").text)
    assert "What is a good quality of life?" in en
    body = c.get(f"/v1/enquetes/{SURVEY}/2024/themas?per_pagina=1000")
    assert not any(p.lower() in body.text.lower() for p in phrases)
    rows = body.json()["themas"]
    assert any(r["waarde"] is not None for r in rows) and any(r["waarde"] is None for r in rows)
    for r in rows:
        assert r["synthetisch"] is True
        if r["waarde"] is not None:
            assert r["respondenten"] >= 30 and r["waarde"] <= 90 and r["ondergrens"] <= r["waarde"]
        else:
            assert r["respondenten"] is None and r["onthulling"]
    assert c.get(f"/v1/enquetes/{SURVEY}/2024/themas?niveau=straat").status_code == 400
