"""Index and targeting pages and their /v1 resources, on the session demo database.

The index computations are cached per process in the app's Site, so every page after the first is cheap.
"""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from kansenmonitor import indices
from kansenmonitor.monitor import Monitor
from kansenmonitor.web.app import create_app
from kansenmonitor.web.indices import views as indices_views

from .axe import assert_accessible

GM = "GM0153"
RANK = re.compile(r"^(rang|rank) \d+ \(\d+–\d+\)$")


def _get(client, url):
    r = client.get(url, cookies={"taal": "nl"})
    assert r.status_code == 200, (url, r.status_code, r.text[:500])
    return r


def test_list_page_names_filled_and_missing_themes(client):
    html = _get(client, f"/indices?gemeente={GM}").text
    assert "Urgentie per buurt (SIA-vorm)" in html and "Meervoudige achterstand" in html
    assert "ontbreekt" in html and "gevuld" in html
    data = _get(client, f"/indices?gemeente={GM}&format=json").json()
    urg = next(i for i in data["indices"] if i["id"] == "urgentie")
    # climate has no open data in the demo; the rest is filled
    assert set(urg["themes_missing"]) == {"klimaat"}
    assert set(urg["themes_filled"]) == {"energie", "leefbaarheid", "veiligheid", "gezondheid", "inkomen"}
    rows = list(csv.DictReader(io.StringIO(_get(client, "/indices?format=csv").text)))
    assert {r["id"] for r in rows} == {"urgentie", "meervoudige_achterstand"}
    en = client.get("/indices?lang=en", cookies={"taal": "en"}).text
    assert "Urgency per neighbourhood" in en and "missing" in en


def test_index_page_map_table_interval_and_sensitivity(client):
    html = _get(client, f"/indices/urgentie?gemeente={GM}&niveau=buurt").text
    assert '<svg class="map"' in html and 'class="area"' in html
    assert "200 trekkingen" in html  # the page says how many draws it used
    assert "verschuift de rangorde het meest" in html
    data = _get(client, f"/indices/urgentie?gemeente={GM}&niveau=buurt&format=json").json()
    assert data["draws"] == indices_views.PAGE_DRAWS and data["seed"] == indices_views.PAGE_SEED
    assert data["most_influential"] in {s["choice"] for s in data["sensitivity"]}
    scored = [r for r in data["rows"] if r["score"] is not None]
    assert len(scored) > 20
    for r in scored:  # a rank is never a bare point: the rank of the score with the interval of the draws
        assert RANK.match(r["point_label"]), r["point_label"]
        assert r["point_label"].startswith(f"rang {r['rank']} (")
        assert RANK.match(r["label"]), r["label"]  # the median with its interval, kept under its old name
        assert r["rank_low"] <= r["median_rank"] <= r["rank_high"]
        assert escape(f'{r["name"]}: {r["point_label"]}') in html  # tooltip/aria-label on the map
    for r in data["rows"]:
        if r["score"] is None:
            assert r["reason"] and r["display"].startswith("geen score: ")
    # the table is sorted by the rank of the score by default, which is then the order of the scores
    ranks = [r["rank"] for r in scored]
    assert ranks == list(range(1, len(scored) + 1))
    assert [r["score"] for r in scored] == sorted((r["score"] for r in scored), reverse=True)
    assert "Middelste rang (mediaan)" in html and "Rang van de score (90%-marge)" in html
    by_score = _get(client, f"/indices/urgentie?gemeente={GM}&sorteer=score&volgorde=af&format=json").json()
    scores = [r["score"] for r in by_score["rows"] if r["score"] is not None]
    assert scores == sorted(scores, reverse=True)
    rows = list(csv.DictReader(io.StringIO(_get(client, f"/indices/urgentie?gemeente={GM}&format=csv").text)))
    assert len(rows) == len(data["rows"]) and "rank_low" in rows[0]
    assert list(rows[0])[:6] == ["code", "name", "rank", "rank_low", "rank_high", "median_rank"]


def test_small_areas_are_not_ranked_and_the_limit_is_stated(client):
    """Industrie- en havengebied (210 inhabitants in 2024) was 'rang 2' by its score: below the default limit
    of 500 it gets no rank and no money, the page says so and names it; min_inwoners=0 ranks it again."""
    data = _get(client, f"/indices/urgentie?gemeente={GM}&format=json").json()
    assert data["scope"]["min_population"] == 500 and data["scope"]["reference_label"] == "de eigen gemeente"
    small = {t["code"]: t for t in data["scope"]["too_small"]}
    assert small["BU01530700"] == {"code": "BU01530700", "name": "Industrie- en havengebied", "inwoners": 210.0}
    assert all(t["inwoners"] < 500 for t in small.values())
    row = next(r for r in data["rows"] if r["code"] == "BU01530700")
    assert row["rank"] is None and row["score"] is None
    assert row["reason"] == "te weinig inwoners: 210 (een rang en geld pas vanaf 500 inwoners)"
    html = _get(client, f"/indices/urgentie?gemeente={GM}").text
    assert "Gebieden met minder dan 500 inwoners krijgen geen rang en geen geld" in html
    assert "Industrie- en havengebied (210)" in html and 'name="min_inwoners"' in html
    everyone = _get(client, f"/indices/urgentie?gemeente={GM}&min_inwoners=0&format=json").json()
    assert everyone["scope"]["too_small"] == [] and everyone["scope"]["min_population"] == 0
    assert next(r for r in everyone["rows"] if r["code"] == "BU01530700")["rank"] == 2
    assert "Op uw verzoek krijgen alle gebieden een rang" in _get(
        client, f"/indices/urgentie?gemeente={GM}&min_inwoners=0").text
    # no money either: the targeting page never selects it, unless asked
    t = _get(client, f"/doelgroep?index=urgentie&gemeente={GM}&regel=top-n&waarde=3&format=json").json()
    assert "BU01530700" not in {r["code"] for r in t["a"]["regions"]}
    assert "Industrie- en havengebied (210)" in _get(client, f"/doelgroep?index=urgentie&gemeente={GM}").text
    t0 = _get(client, f"/doelgroep?index=urgentie&gemeente={GM}&regel=top-n&waarde=3&min_inwoners=0&format=json")
    assert "BU01530700" in {r["code"] for r in t0.json()["a"]["regions"]}
    bad = client.get(f"/indices/urgentie?gemeente={GM}&min_inwoners=veel", cookies={"taal": "nl"})
    assert bad.status_code == 400 and "min_inwoners" in bad.text

def test_index_page_matches_engine(client, demo_monitor):
    d = indices.load_definition("urgentie", catalogue=demo_monitor.catalogue)
    inputs = indices.load_inputs(demo_monitor, d, level="wijk", gemeente=GM)
    unc = indices.uncertainty(d, inputs, draws=indices_views.PAGE_DRAWS, seed=indices_views.PAGE_SEED)
    data = _get(client, f"/indices/urgentie?gemeente={GM}&niveau=wijk&format=json").json()
    page = {r["code"]: r for r in data["rows"]}
    for code, r in unc.ranks.iterrows():
        if r["score"] == r["score"]:
            assert page[code]["label"] == r["label"] and page[code]["rank"] == r["rank"]
        else:
            assert page[code]["score"] is None


def test_region_breakdown_by_theme(client):
    data = _get(client, f"/indices/urgentie?gemeente={GM}&format=json").json()
    top = next(r for r in data["rows"] if r["score"] is not None)
    html = _get(client, f"/indices/urgentie/gebieden/{top['code']}").text
    assert top["point_label"] in html and "themascore" in html and "vergeleken met de eigen gemeente" in html
    view = _get(client, f"/indices/urgentie/gebieden/{top['code']}?format=json").json()
    assert {t["id"] for t in view["themes"]} == {t["id"] for t in data["themes"]}
    assert view["region"]["label"] == top["label"] and view["region"]["point_label"] == top["point_label"]
    rows = list(csv.DictReader(io.StringIO(_get(client, f"/indices/urgentie/gebieden/{top['code']}?format=csv").text)))
    assert rows and {r["theme"] for r in rows} == {t["id"] for t in data["themes"]}
    assert client.get("/indices/urgentie/gebieden/BU99999999").status_code == 404
    assert client.get(f"/indices/urgentie/gebieden/{GM}").status_code == 404  # a gemeente has no index score


def test_coherence_page(client):
    html = _get(client, f"/indices/meervoudige_achterstand/samenhang?gemeente={GM}").text
    assert "Cronbachs alfa" in html and "PC1" in html and "Tussen thema" in html
    data = _get(client, f"/indices/meervoudige_achterstand/samenhang?gemeente={GM}&format=json").json()
    assert data["alpha"] and data["loadings"]["rows"] and data["theme_correlations"]["rows"]
    rows = list(csv.DictReader(io.StringIO(
        _get(client, f"/indices/meervoudige_achterstand/samenhang?gemeente={GM}&format=csv").text)))
    assert {r["indicator"] for r in rows} == {i["indicator"] for i in data["indicators"]}


def test_investments_page_explains_how_to_load(client):
    html = _get(client, f"/indices/urgentie/investeringen?gemeente={GM}").text
    assert "Een beheerder kan ze inlezen uit een tabel" in html and "het bedrag, het jaar en het domein" in html
    assert "kansenmonitor index" not in html  # no command on a public page
    assert _get(client, "/indices/urgentie/investeringen?format=json").json()["has_data"] is False


def test_investments_page_with_registry(demo_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    monitor = Monitor.open(home=home, url=f"sqlite:///{home / 'kansenmonitor.sqlite'}")
    try:
        plan = tmp_path / "plannen.csv"
        plan.write_text("region,party,amount,year,domain\nBU01530000,gemeente,250000,2025,wonen\n", encoding="utf-8")
        reg = indices.load_registry_file(plan, {c for c, _ in monitor.store.region_keys()})
        indices.register_investments(monitor, reg)
        client = TestClient(create_app(monitor), raise_server_exceptions=False)
        data = _get(client, f"/indices/urgentie/investeringen?gemeente={GM}&format=json").json()
        assert data["has_data"] is True
        city = next(r for r in data["regions"] if r["code"] == "BU01530000")
        assert city["investment"] == 250000.0
        html = _get(client, f"/indices/urgentie/investeringen?gemeente={GM}").text
        assert "hoge urgentie, weinig investering" in html
    finally:
        monitor.close()


def test_not_found_and_bad_parameters_on_pages(client):
    r = client.get("/indices/bestaatniet")
    assert r.status_code == 404 and 'href="/indices"' in r.text
    r = client.get("/indices/urgentie?niveau=gemeente")
    assert r.status_code == 400 and "niveau" in r.text
    r = client.get("/indices/urgentie?gemeente=GM9999")
    assert r.status_code == 400 and "gemeente" in r.text
    r = client.get("/doelgroep?budget=veel")
    assert r.status_code == 400 and "budget" in r.text
    r = client.get("/doelgroep?regel=iets")
    assert r.status_code == 400 and "regel" in r.text
    r = client.get("/doelgroep?regel_b=top-pct")
    assert r.status_code == 400 and "waarde_b" in r.text


# -- targeting ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def engine_comparison(demo_monitor):
    """The same comparison computed with the engine directly."""
    d = indices.load_definition("urgentie", catalogue=demo_monitor.catalogue)
    frame = indices.compute_index(d, indices.load_inputs(demo_monitor, d, level="buurt", gemeente=GM)).to_frame()
    a = indices.allocate(indices.select(frame, "top-pct-population:30"), 1_000_000)
    b = indices.allocate(indices.select(frame, "top-pct:20"), 1_000_000)
    return indices.compare_scenarios(a, b)


TARGET = f"/doelgroep?index=urgentie&gemeente={GM}&niveau=buurt&regel=top-pct-population&waarde=30" \
         "&regel_b=top-pct&waarde_b=20&budget=1.000.000"


def test_targeting_comparison_matches_engine(client, engine_comparison):
    data = _get(client, TARGET + "&format=json").json()
    comp = data["comparison"]
    assert comp["money_moved"] == pytest.approx(engine_comparison.money_moved, abs=0.005)
    assert [x["code"] for x in comp["entered"]] == engine_comparison.entered
    assert [x["code"] for x in comp["left"]] == engine_comparison.left
    assert data["a"]["total"] == pytest.approx(1_000_000) and data["b"]["total"] == pytest.approx(1_000_000)
    html = _get(client, TARGET).text
    assert "Geld dat naar een ander gebied gaat" in html
    assert indices_views._money(engine_comparison.money_moved, "nl") in html
    api = _get(client, f"/v1/doelgroepen?index=urgentie&gemeente={GM}&regel=top-pct-population:30&budget=1000000"
                       "&vergelijk=top-pct:20").json()
    assert api["vergelijking"]["money_moved"] == pytest.approx(engine_comparison.money_moved, abs=0.005)


def test_targeting_downloads(client, engine_comparison):
    rows = list(csv.DictReader(io.StringIO(_get(client, TARGET + "&format=csv").text)))
    assert {r["code"] for r in rows} == set(engine_comparison.frame.index)
    r = _get(client, TARGET + "&format=xlsx")
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["verdeling A", "verdeling B", "vergelijking"]
    single = _get(client, f"/doelgroep?index=urgentie&gemeente={GM}&regel=top-n&waarde=5&budget=5000&format=json").json()
    assert single["comparison"] is None and single["a"]["n_selected"] == 5
    assert sum(r["amount"] for r in single["a"]["regions"]) == pytest.approx(5000)


def test_targeting_form_works_without_parameters(client):
    html = _get(client, "/doelgroep").text
    assert '<form class="filters" method="get" action="/doelgroep">' in html
    assert 'name="regel_b"' in html and 'name="budget"' in html


# -- API ------------------------------------------------------------------------------------------------
def test_api_indices_and_definition(client):
    r = _get(client, "/v1/indices")
    assert r.headers["API-Version"] and r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["totaal"] == 2 and {i["id"] for i in body["indices"]} == {"urgentie", "meervoudige_achterstand"}
    one = _get(client, "/v1/indices/urgentie").json()
    assert one["id"] == "urgentie" and one["themes"] and one["_links"]["scores"]["href"].startswith("/v1/indices/")


def test_api_scores_and_coherence(client):
    r = _get(client, f"/v1/indices/urgentie/scores?gemeente={GM}&niveau=buurt")
    assert r.headers["API-Version"]
    body = r.json()
    assert body["onzekerheid"]["trekkingen"] == indices_views.PAGE_DRAWS
    scored = [g for g in body["gebieden"] if g["score"] is not None]
    assert scored and all(RANK.match(g["label"]) and g["rank_low"] <= g["median_rank"] <= g["rank_high"]
                          for g in scored)
    # the point rank and its label stand next to the median and the interval
    assert all(g["point_label"] == f"rang {g['rank']} ({g['rank_low']}–{g['rank_high']})" for g in scored)
    assert body["referentie"] == "gemeente" and body["referentie_naam"] == "de eigen gemeente"
    assert body["min_inwoners"] == 500
    assert "BU01530700" in {t["code"] for t in body["te_weinig_inwoners"]}
    assert _get(client, f"/v1/indices/urgentie/scores?gemeente={GM}&min_inwoners=0").json()["te_weinig_inwoners"] == []
    dg = _get(client, f"/v1/doelgroepen?index=urgentie&gemeente={GM}&regel=top-n:3&budget=1000").json()
    assert dg["min_inwoners"] == 500 and "BU01530700" not in {r["code"] for r in dg["selectie"]["regions"]}
    coh = _get(client, f"/v1/indices/urgentie/samenhang?gemeente={GM}").json()
    assert {"alpha", "correlations", "loadings", "flags"} <= set(coh)


@pytest.mark.parametrize(("url", "param"), [
    ("/v1/indices/urgentie/scores", "gemeente"),
    (f"/v1/indices/urgentie/scores?gemeente={GM}&niveau=land", "niveau"),
    ("/v1/indices/urgentie/scores?gemeente=GM0000", "gemeente"),
    (f"/v1/doelgroepen?index=urgentie&gemeente={GM}&regel=kapot&budget=1000", "regel"),
    (f"/v1/doelgroepen?index=urgentie&gemeente={GM}&regel=top-n:3&budget=-5", "budget"),
    (f"/v1/doelgroepen?index=urgentie&gemeente={GM}&regel=top-n:3&budget=10&vergelijk=x", "vergelijk"),
    (f"/v1/doelgroepen?index=bestaatniet&gemeente={GM}&regel=top-n:3&budget=10", "index"),
    (f"/v1/indices/urgentie/scores?gemeente={GM}&min_inwoners=-1", "min_inwoners"),
])
def test_api_bad_input_is_problem_json(client, url, param):
    r = client.get(url)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/problem+json" and r.headers["API-Version"]
    assert f"'{param}'" in r.json()["detail"]


def test_api_unknown_index_is_404_with_link(client):
    r = client.get("/v1/indices/bestaatniet/scores?gemeente=" + GM)
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["_links"]["lijst"]["href"] == "/v1/indices"
    assert client.get("/v1/indices/").status_code == 404  # no trailing slashes


# -- accessibility ----------------------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.parametrize("path", [
    "/indices", f"/indices/urgentie?gemeente={GM}", "/indices/urgentie/gebieden/BU01530000",
    f"/indices/meervoudige_achterstand/samenhang?gemeente={GM}", f"/indices/urgentie/investeringen?gemeente={GM}",
    TARGET, "/doelgroep?lang=en",
])
def test_axe(server, browser, path):
    assert_accessible(server, browser, path, statuses=(200,))


def test_region_profile_shows_rank_with_interval(client):
    """The profile shows "rang 3 (2–6)", never a bare rank, and links to the index breakdown."""
    import re

    data = client.get("/gebieden/BU01530603?format=json").json()
    labels = {ix["id"]: ix["rank_label"] for ix in data["indices"]}
    assert set(labels) == {"urgentie", "meervoudige_achterstand"}
    for label in labels.values():
        assert re.fullmatch(r"rang \d+ \(\d+–\d+\)", label)
    rows = {r["code"]: r for r in client.get(f"/indices/urgentie?gemeente={GM}&format=json").json()["rows"]}
    assert labels["urgentie"] == rows["BU01530603"]["point_label"]  # the rank of its score, as on the index page
    html = client.get("/gebieden/BU01530603").text
    assert "Plaats op de indices" in html and "/indices/urgentie/gebieden/BU01530603" in html
