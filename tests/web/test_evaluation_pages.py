"""Effect evaluation on the website: set-up with design checks, shareable result, saving (POST, same origin)
and the ``/v1/evaluaties`` and ``/v1/besluiten`` resources."""

from __future__ import annotations

import shutil
from urllib.parse import urlencode

import numpy as np
import pytest

from kansenmonitor.analysis.evaluation import Panel, evaluate, minimal_detectable_effect
from kansenmonitor.monitor import Monitor
from kansenmonitor.panels import panel_frame, places_to_treatment
from kansenmonitor.programme import load_programme
from kansenmonitor.web.app import create_app

from .axe import CHROMIUM, assert_accessible, serve_in_thread
from .signin import signed_in

PROGRAMME = "regio-deal-elk-talent-telt"
INTERVENTION = "int-verzuim-vsv"  # running, in the same three focus areas as the planned ones
PLANNED = "int-bereik-voorschool"
INDICATOR = "ervaren_gezondheid_goed_18plus"
SETUP = {"programma": PROGRAMME, "interventie": INTERVENTION, "indicator": INDICATOR, "niveau": "buurt",
         "start": "2020", "methode": "cs", "controle": "notyet", "bootstrap": "49", "seed": "7"}
Q = urlencode(SETUP)


def _with(**changes) -> str:
    return urlencode({**SETUP, **changes})


@pytest.fixture(scope="module")
def copy_home(demo_home, tmp_path_factory):
    home = tmp_path_factory.mktemp("eval-web") / "home"
    shutil.copytree(demo_home, home)
    return home


@pytest.fixture(scope="module")
def copy_monitor(copy_home):
    monitor = Monitor.open(home=copy_home, url=f"sqlite:///{copy_home / 'kansenmonitor.sqlite'}")
    yield monitor
    monitor.close()


@pytest.fixture(scope="module")
def copy_client(copy_monitor):
    return signed_in(create_app(copy_monitor), copy_monitor, "analist1", "analist", base_url="http://testserver")


def _direct(monitor, start=2020, method="cs", control="notyet", bootstrap=49, seed=7):
    """The same evaluation, straight through the engine (as the CLI does)."""
    item = next(i for i in load_programme(PROGRAMME).interventions if i.id == INTERVENTION)
    treated = places_to_treatment(monitor, [p.code for p in item.places if p.code], start, "buurt", [])
    frame = panel_frame(monitor, INDICATOR, "buurt", treated)
    name = monitor.indicator(INDICATOR).label("nl")  # the page names the outcome by its label, not its id
    panel = Panel.from_frame(frame.rename(columns={"outcome": name}), unit="unit", time="time",
                             outcome=name, treated_from="treated_from")
    return panel, evaluate(panel, method=method, control=control, bootstrap=bootstrap, seed=seed)


def test_menu_and_list_page(client):
    r = client.get("/evaluaties?lang=nl")
    assert r.status_code == 200
    assert 'href="/evaluaties"' in r.text and "Effecten" in r.text
    assert 'href="/evaluaties/nieuw"' in r.text
    en = client.get("/evaluaties?lang=en")
    assert "Set up a new evaluation" in en.text
    client.get("/?lang=nl")


def test_setup_form_without_choices_has_no_design(client):
    r = client.get("/evaluaties/nieuw?lang=nl")
    assert r.status_code == 200
    assert 'name="interventie"' in r.text and 'formaction="/evaluaties/resultaat"' in r.text
    assert "Met deze gegevens kunt u" not in r.text


def test_setup_page_shows_the_mde_and_no_estimate(client, demo_monitor):
    panel, _ = _direct(demo_monitor)
    mde = minimal_detectable_effect(panel).mde
    r = client.get(f"/evaluaties/nieuw?{Q}&lang=nl")
    assert r.status_code == 200
    shown = f"{mde:.2f}".replace(".", ",")
    assert f"Met deze gegevens kunt u een effect kleiner dan {shown}" in r.text
    assert "Geschat effect" not in r.text  # design checks only: no estimate yet
    assert "Jaren vóór de start (0-meting)" in r.text
    data = client.get(f"/evaluaties/nieuw?{Q}&format=json").json()
    assert data["design"]["mde"]["mde"] == pytest.approx(mde)
    assert data["design"]["n_treated"] == panel.n_treated
    assert data["design"]["n_pre_periods"] == 2
    assert all(r["before_start"] == (r["year"] < 2020) for r in data["design"]["pre_trend_data"])


def test_result_page_matches_the_engine(client, demo_monitor):
    _, direct = _direct(demo_monitor)
    data = client.get(f"/evaluaties/resultaat?{Q}&format=json").json()
    res = data["result"]
    assert res["estimate"] == pytest.approx(direct.estimate, rel=1e-12)
    # fewer than 10 treated buurten: randomisation inference, its p-value and no interval
    assert direct.inference == "permutation" and direct.n_treated < 10
    assert res["ci"] is None and res["p_value"] == pytest.approx(direct.p_value, rel=1e-12)
    assert res["n_units"] == direct.n_units and res["n_treated"] == direct.n_treated
    assert [row["x"] for row in res["chart_rows"]] == list(direct.event_study["event_time"])
    assert [row["estimate"] for row in res["chart_rows"]] == pytest.approx(list(direct.event_study["estimate"]))
    assert res["interpretation"] == direct.interpret("nl")
    assert INDICATOR not in res["interpretation"] and demo_monitor.indicator(INDICATOR).label("nl") in res["interpretation"]
    page = client.get(f"/evaluaties/resultaat?{Q}&lang=nl").text
    # design checks come before the estimate; the chart has a text alternative and a table
    assert page.index("Met deze gegevens kunt u") < page.index("Geschat effect")
    assert '<desc id="effect-d">' in page and "Effect per jaar sinds de start</caption>" in page
    assert direct.interpret("nl")[:60].replace("'", "&#39;") in page
    # saving needs an analist: a visitor is offered sign-in, not the form
    assert 'method="post" action="/evaluaties"' not in page and "Een analist kan deze evaluatie bewaren" in page
    csv = client.get(f"/evaluaties/resultaat?{Q}&format=csv").text.splitlines()
    assert csv[0] == "unit,unit_name,x,estimate,ci_low,ci_high,observed,counterfactual"
    assert len(csv) == 1 + len(direct.event_study)


def test_a_planned_intervention_gives_a_placebo_test_not_an_effect(client, demo_monitor):
    _, direct = _direct(demo_monitor)  # same places, so the same numbers
    data = client.get(f"/evaluaties/resultaat?{_with(interventie=PLANNED)}&format=json").json()
    res = data["result"]
    assert data["source"]["placebo"] == {"reason": "not_started", "status": "planned", "real_start": None}
    assert res["estimate"] == pytest.approx(direct.estimate, rel=1e-12)
    assert res["interpretation"].startswith("Deze interventie is nog niet begonnen (gepland). Dit is dus geen "
                                            "effect van de maatregel, maar een placebotoets")
    assert "zelden door toeval" not in res["interpretation"]
    assert res["technical_interpretation"] == direct.interpret("nl")
    page = client.get(f"/evaluaties/resultaat?{_with(interventie=PLANNED)}&lang=nl").text
    assert "Placebotoets: geen effect, een verschil zonder maatregel" in page
    assert "Geschat effect" not in page and "Deze maatregel is nog niet begonnen." in page
    english = client.get(f"/evaluaties/resultaat?{_with(interventie=PLANNED)}&lang=en&format=json").json()
    assert english["result"]["interpretation"].startswith("This intervention has not started yet (status: planned).")
    # the running intervention in the same places is an effect estimate
    assert client.get(f"/evaluaties/resultaat?{Q}&format=json").json()["source"]["placebo"] is None


def test_scm_shows_donor_weights(client, demo_monitor):
    _, direct = _direct(demo_monitor, method="scm")
    res = client.get(f"/evaluaties/resultaat?{_with(methode='scm')}&format=json").json()["result"]
    assert res["estimate"] == pytest.approx(direct.estimate)
    assert res["donors"] and sum(d["weight"] for d in res["donors"]) == pytest.approx(
        direct.weights[direct.weights["weight"] >= 0.001]["weight"].sum())
    page = client.get(f"/evaluaties/resultaat?{_with(methode='scm')}&lang=nl").text
    assert "Waaruit de synthetische controle bestaat" in page


def test_similar_areas_as_comparison_pool(client):
    all_areas = client.get(f"/v1/evaluaties/ontwerp?{Q}").json()["ontwerp"]
    similar = client.get(f"/v1/evaluaties/ontwerp?{Q}&vergelijking=vergelijkbaar&k=3").json()["ontwerp"]
    assert 0 < similar["n_comparison"] < all_areas["n_comparison"]
    assert similar["n_comparison"] <= 3 * similar["n_treated"]


@pytest.mark.parametrize(("changes", "param", "words"), [
    ({"start": "2012"}, "start", "geen periode vóór de start"),
    ({"start": "2030"}, "start", "buiten de periode"),
    ({"indicator": "bestaat_niet"}, "indicator", "bestaat niet"),
    ({"methode": "its"}, "start", "te weinig periodes"),
    ({"methode": "xyz"}, "methode", "kies uit"),
    ({"interventie": "int-bestaat-niet"}, "interventie", "bestaat niet"),
])
def test_bad_input_is_a_400_that_names_the_problem(client, changes, param, words):
    page = client.get(f"/evaluaties/resultaat?{_with(**changes)}&lang=nl")
    assert page.status_code == 400
    assert f"De parameter &#39;{param}&#39; is niet goed" in page.text and words in page.text
    assert 'name="interventie"' in page.text  # the form is there to fix it
    api = client.get(f"/v1/evaluaties/schatting?{_with(**changes)}")
    assert api.status_code == 400
    assert api.headers["content-type"] == "application/problem+json"
    body = api.json()
    assert body["invalid_params"][0]["name"] == param and words in body["detail"]


def test_too_few_comparison_units(client):
    # one treated buurt with one similar buurt: the engine says what to change
    r = client.get("/v1/evaluaties/schatting?" + urlencode({
        "gebied": "BU01530603", "indicator": INDICATOR, "start": "2020", "methode": "did",
        "vergelijking": "vergelijkbaar", "k": "1"}))
    assert r.status_code == 400 and "te weinig vergelijkingseenheden" in r.json()["detail"]


def test_post_save_on_a_writable_copy(copy_client, copy_monitor):
    assert 'method="post" action="/evaluaties"' in copy_client.get(f"/evaluaties/resultaat?{Q}&lang=nl").text
    store = copy_monitor.store
    before = set(store.documents("evaluation"))
    form = {**SETUP, "naam": "voorschool-gezondheid", "lang": "nl"}
    r = copy_client.post("/evaluaties", data=form, headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/evaluaties/voorschool-gezondheid")
    body = store.get_document("evaluation", "voorschool-gezondheid")
    _, direct = _direct(copy_monitor)
    assert body["result"]["estimate"] == pytest.approx(direct.estimate)
    assert body["source"]["intervention"] == INTERVENTION and body["method"] == "cs"
    assert set(store.documents("evaluation")) == before | {"voorschool-gezondheid"}
    page = copy_client.get("/evaluaties/voorschool-gezondheid?lang=nl")
    assert page.status_code == 200 and "Nog geen besluit noemt deze evaluatie." in page.text
    listing = copy_client.get("/evaluaties?format=csv").text
    assert "voorschool-gezondheid" in listing
    api = copy_client.get("/v1/evaluaties/voorschool-gezondheid")
    assert api.status_code == 200 and api.headers["API-Version"]
    assert api.json()["result"]["estimate"] == pytest.approx(direct.estimate)
    assert any(e["name"] == "voorschool-gezondheid" for e in copy_client.get("/v1/evaluaties").json()["evaluaties"])
    # the same name again is refused
    again = copy_client.post("/evaluaties", data=form, headers={"Origin": "http://testserver"},
                             follow_redirects=False)
    assert again.status_code == 400 and "al een evaluatie" in again.text


def test_post_is_refused_cross_origin_and_without_origin(copy_client, copy_monitor):
    store = copy_monitor.store
    before = store.documents("evaluation")
    form = {**SETUP, "naam": "van-elders"}
    for headers in ({"Origin": "http://evil.example"}, {"Referer": "http://evil.example/evaluaties"}, {}):
        r = copy_client.post("/evaluaties", data=form, headers=headers, follow_redirects=False)
        assert r.status_code == 403, headers
        assert "niet van deze website" in r.text
    ok_referer = copy_client.post("/evaluaties", data={**form, "naam": "via-referer"},
                                  headers={"Referer": "http://testserver/evaluaties/resultaat"},
                                  follow_redirects=False)
    assert ok_referer.status_code == 303
    assert store.get_document("evaluation", "van-elders") is None
    assert set(store.documents("evaluation")) == set(before) | {"via-referer"}


def test_bad_input_on_post_stores_nothing(copy_client, copy_monitor):
    store = copy_monitor.store
    before = store.documents("evaluation")
    for form in ({**SETUP, "start": "2012", "naam": "zonder-nulmeting"},
                 {**SETUP, "naam": "Geen Geldige Naam"}, {**SETUP, "naam": "nieuw"}):
        r = copy_client.post("/evaluaties", data=form, headers={"Origin": "http://testserver"},
                             follow_redirects=False)
        assert r.status_code == 400
        assert "niet bewaard" in r.text.lower()
    assert store.documents("evaluation") == before


def test_saving_is_not_offered_or_possible_on_a_read_only_app(copy_monitor):
    app = create_app(copy_monitor)
    c = signed_in(app, copy_monitor, "analist1", "analist")  # a session from before the switch to read-only
    app.state.read_only = True
    page = c.get(f"/evaluaties/resultaat?{Q}&lang=nl")
    assert page.status_code == 200 and 'method="post"' not in page.text
    r = c.post("/evaluaties", data={**SETUP, "naam": "alleen-lezen"}, headers={"Origin": "http://testserver"},
               follow_redirects=False)
    assert r.status_code == 403 and "alleen-lezen" in r.text
    assert copy_monitor.store.get_document("evaluation", "alleen-lezen") is None


def test_saved_page_links_the_decisions_that_cite_it(copy_client, copy_monitor):
    from kansenmonitor.programme.decisions import Evidence, record_decision

    store = copy_monitor.store
    if store.get_document("evaluation", "voor-besluit") is None:
        r = copy_client.post("/evaluaties", data={**SETUP, "naam": "voor-besluit"},
                             headers={"Origin": "http://testserver"}, follow_redirects=False)
        assert r.status_code == 303
    record_decision(store, load_programme(PROGRAMME), INTERVENTION, "bijstellen", "Geen duidelijk effect.",
                    "stuurgroep", on="2025-03-01", evidence=[Evidence("evaluation", "voor-besluit")])
    page = copy_client.get("/evaluaties/voor-besluit?lang=nl").text
    assert "bijstellen" in page and "Geen duidelijk effect." in page
    assert f"/v1/besluiten?programma={PROGRAMME}&amp;interventie={INTERVENTION}" in page
    assert f'href="/programmas/{PROGRAMME}/interventies/{INTERVENTION}"' in page
    assert copy_client.get(f"/programmas/{PROGRAMME}/interventies/{INTERVENTION}").status_code == 200
    api = copy_client.get(f"/v1/besluiten?programma={PROGRAMME}&interventie={INTERVENTION}")
    assert api.status_code == 200 and api.headers["API-Version"]
    besluiten = api.json()["besluiten"]
    assert any(b["rationale"] == "Geen duidelijk effect." for b in besluiten)
    assert copy_client.get("/v1/besluiten?programma=ander").json()["besluiten"] == []
    assert copy_client.get("/v1/evaluaties/voor-besluit").json()["besluiten"][0]["decided_by"] == "stuurgroep"


def test_unknown_names_are_404_with_a_link(client):
    page = client.get("/evaluaties/bestaat-niet")
    assert page.status_code == 404 and 'href="/evaluaties"' in page.text
    api = client.get("/v1/evaluaties/bestaat-niet")
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"
    assert api.json()["_links"]["lijst"]["href"] == "/v1/evaluaties"
    assert api.headers["API-Version"]
    assert client.get("/v1/evaluaties/").status_code == 404  # no trailing slashes


def test_api_design_and_estimate_shape(client, demo_monitor):
    _, direct = _direct(demo_monitor)
    design = client.get(f"/v1/evaluaties/ontwerp?{Q}")
    assert design.status_code == 200 and design.headers["API-Version"]
    body = design.json()
    assert set(body) == {"ontwerp", "bron", "_links"} and "_chart" not in body["ontwerp"]
    assert body["ontwerp"]["mde"]["mde"] > 0
    est = client.get(f"/v1/evaluaties/schatting?{Q}").json()
    assert est["resultaat"]["estimate"] == pytest.approx(direct.estimate)
    assert len(est["bron"]["treated"]) == direct.n_treated == est["ontwerp"]["n_treated"]
    assert est["_links"]["pagina"]["href"].startswith("/evaluaties/resultaat?")


# -- accessibility ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def copy_server(copy_monitor, copy_client):
    r = copy_client.post("/evaluaties", data={**SETUP, "naam": "axe-voorbeeld"},
                         headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert r.status_code in (303, 400)
    with serve_in_thread(create_app(copy_monitor)) as url:
        yield url


AXE_PAGES = {
    "list": "/evaluaties",
    "setup": "/evaluaties/nieuw",
    "design": f"/evaluaties/nieuw?{Q}",
    "result": f"/evaluaties/resultaat?{Q}",
    "result-scm-en": f"/evaluaties/resultaat?{_with(methode='scm')}&lang=en",
    "bad-input": f"/evaluaties/resultaat?{_with(start='2012')}",
    "saved": "/evaluaties/axe-voorbeeld",
}


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (.ci/setup-browser.sh)")
@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_axe_on_evaluation_pages(copy_server, browser, name):
    assert_accessible(copy_server, browser, AXE_PAGES[name], statuses=(200, 400))


def test_scm_shows_balance_table_and_placebo_chart(client, demo_monitor):
    _, direct = _direct(demo_monitor, method="scm")
    res = client.get(f"/evaluaties/resultaat?{_with(methode='scm')}&format=json").json()["result"]
    assert len(res["balance"]) == len(direct.balance)
    assert res["balance"][0]["predictor"].startswith("De uitkomst in ")
    assert res["balance"][0]["treated"] == pytest.approx(direct.balance["treated"].iloc[0])
    page = client.get(f"/evaluaties/resultaat?{_with(methode='scm')}&lang=nl").text
    assert "Lijkt de synthetische controle vóór de start op het gebied?" in page
    assert "Placebotoets: is dit verschil bijzonder?" in page
    assert page.count('stroke="#8a8a8a"') == direct.n_donors
    first = direct.gaps["treated_unit"].iloc[0]
    pl = direct.placebos[direct.placebos["treated_unit"] == first]
    own = direct.gaps[direct.gaps["treated_unit"] == first]
    pre, post = own[own["event_time"] < 0]["gap"], own[own["event_time"] >= 0]["gap"]
    ratio = float(np.sqrt(np.mean(post**2)) / np.sqrt(np.mean(pre**2)))
    rank = int((pl["ratio"] >= ratio).sum())
    assert f"Bij {rank} van de {direct.n_donors} vergelijkingsgebieden" in page
    en = client.get(f"/evaluaties/resultaat?{_with(methode='scm')}&lang=en").text
    assert "Placebo test: is this gap unusual?" in en and "The outcome in " in en


def test_scm_chart_and_table_per_treated_unit_by_name(client, demo_monitor):
    _, direct = _direct(demo_monitor, method="scm")
    data = client.get(f"/evaluaties/resultaat?{_with(methode='scm')}&format=json").json()
    res, source = data["result"], data["source"]
    names = {u["code"]: u["name"] for u in source["treated_units"]}
    treated = sorted(set(direct.gaps["treated_unit"].astype(str)))
    assert sorted(names) == treated and len(treated) > 1
    assert all(not n.startswith("BU") for n in names.values())
    # the table: each year once per treated unit, with the unit's name, values equal to the engine's
    keys = [(r["unit"], r["x"]) for r in res["chart_rows"]]
    assert len(keys) == len(set(keys)) == len(direct.gaps)
    engine = {(str(g.treated_unit), int(g.time)): g for g in direct.gaps.itertuples()}
    for row in res["chart_rows"]:
        assert row["unit_name"] == names[row["unit"]]
        assert row["observed"] == pytest.approx(engine[(row["unit"], row["x"])].treated)
        assert row["counterfactual"] == pytest.approx(engine[(row["unit"], row["x"])].synthetic)
    page = client.get(f"/evaluaties/resultaat?{_with(methode='scm')}&lang=nl").text
    if len(treated) <= 6:  # one chart per unit, headed by its name
        for name in names.values():
            assert f'<h4 class="utrecht-heading-4">{name}</h4>' in page
            assert f"Gemeten uitkomst en de geschatte uitkomst zonder maatregel: {name}</title>" in page
    else:
        assert f"gemiddelde van de {len(treated)} gebieden met de maatregel" in page
    assert "Gebied met maatregel" in page and "en per gebied" in page
    for code in treated:  # codes only in links and data, not as the name of a unit in a table cell or a text
        assert f'<td class="utrecht-table__cell">{code}</td>' not in page
        assert f"&#39;{code}&#39;" not in page and f"'{code}'" not in page
    csv = client.get(f"/evaluaties/resultaat?{_with(methode='scm')}&format=csv").text
    assert csv.splitlines()[0].startswith("unit,unit_name,x,")


def test_scm_mean_chart_for_many_units():
    from kansenmonitor.web.evaluation import views as ev

    rows = [{"unit": f"U{u}", "unit_name": f"Gebied {u}", "x": t, "observed": float(u + t), "counterfactual": float(t)}
            for u in range(8) for t in (2018, 2019, 2020)]
    charts = ev._scm_unit_charts(rows, {"observed": ("gemeten", "observed"),
                                        "counterfactual": ("zonder maatregel (geschat)", "without")}, str, "nl")
    assert len(charts) == 1 and charts[0]["mean_of"] == 8
    assert charts[0]["name"] == "gemiddelde van de 8 gebieden met de maatregel"
    observed = next(line for line in charts[0]["chart"]["lines"] if line["name"] == "gemeten")
    assert observed["points"][0]["label"] == f"gemeten, 2018: {sum(u + 2018 for u in range(8)) / 8}"
