"""The new evaluation methods on the website: sdid and ascm in the method choice, result view and JSON twin."""

from __future__ import annotations

import pytest

from .test_evaluation_pages import _direct, _with


def test_method_choice_offers_sdid_and_ascm(client):
    page = client.get("/evaluaties/nieuw?lang=nl").text
    assert '<option value="sdid"' in page and "synthetische verschil-in-verschillen" in page
    assert '<option value="ascm"' in page and "aangevulde synthetische controle" in page


def test_sdid_result_page_and_json_twin(client, demo_monitor):
    _, direct = _direct(demo_monitor, method="sdid")
    data = client.get(f"/evaluaties/resultaat?{_with(methode='sdid')}&format=json").json()
    res = data["result"]
    assert res["method"] == "sdid" and res["estimate"] == pytest.approx(direct.estimate)
    details = res["method_details"]
    assert details["se_method"] == direct.se_method == "jackknife"
    assert details["did_estimate"] == pytest.approx(direct.did_estimate)
    assert len(details["time_weights"]) == len(direct.time_weights)
    # the chart rows: observed and the shifted weighted donors; their post-period gap averages to the estimate
    post = [r for r in res["chart_rows"] if r["x"] >= 2020]
    assert sum(r["observed"] - r["counterfactual"] for r in post) / len(post) == pytest.approx(
        direct.estimate
    )
    names = {u["code"]: u["name"] for u in data["source"]["comparison_units"]}
    heavy = direct.unit_weights.sort_values("weight").iloc[-1]
    assert res["donors"][0]["code"] == heavy["donor"] and res["donors"][0]["name"] == names[heavy["donor"]]
    page = client.get(f"/evaluaties/resultaat?{_with(methode='sdid')}&lang=nl").text
    assert (
        "synthetische verschil-in-verschillen" in page and "Waaruit de synthetische controle bestaat" in page
    )
    en = client.get(f"/evaluaties/resultaat?{_with(methode='sdid')}&lang=en").text
    assert "synthetic difference-in-differences" in en


def test_ascm_with_several_treated_areas_names_the_other_method(client):
    r = client.get(f"/evaluaties/resultaat?{_with(methode='ascm')}&lang=nl")
    assert r.status_code == 400
    assert "aangevulde synthetische controle is voor één eenheid met de maatregel" in r.text


def test_sensitivity_to_the_trend_on_the_result_page(client, demo_monitor):
    panel, _ = _direct(demo_monitor)
    from kansenmonitor.analysis.evaluation import evaluate

    direct = evaluate(panel, method="cs", control="notyet", bootstrap=49, seed=7, honest_did=True)
    form = client.get("/evaluaties/nieuw?lang=nl").text
    assert 'name="gevoeligheid"' in form and 'name="weglaten"' in form
    data = client.get(f"/evaluaties/resultaat?{_with(gevoeligheid='1')}&format=json").json()
    h = data["result"]["method_details"]["honest_did"]
    assert h["restriction"] == "SD" and h["n_pre"] == direct.honest_did.n_pre
    assert [r["ci_low"] for r in h["table"]] == pytest.approx(direct.honest_did.table["ci_low"].tolist())
    assert h["breakdown"] == (
        None if direct.honest_did.breakdown is None else pytest.approx(direct.honest_did.breakdown)
    )
    rm = data["result"]["method_details"]["honest_did_rm"]
    assert rm["restriction"] == "RM" and rm["n_pre"] == direct.honest_did_rm.n_pre and len(rm["table"]) == 5
    assert rm["breakdown"] == (
        None if direct.honest_did_rm.breakdown is None else pytest.approx(direct.honest_did_rm.breakdown)
    )
    page = client.get(f"/evaluaties/resultaat?{_with(gevoeligheid='1')}&lang=nl").text
    assert "Hoe gevoelig is de conclusie voor de trend?" in page and "Afwijking M" in page
    assert ("Het effect blijft zichtbaar zolang" in page) or ("niet robuust" in page)
    assert "En als de afwijking na de start een veelvoud is van die ervoor?" in page and "Keer zo groot" in page
    assert ("keer zo groot is als de grootste afwijking ervoor" in page) or ("ook zonder enige afwijking" in page)
    setup = client.get(f"/evaluaties/nieuw?{_with(gevoeligheid='1')}&lang=nl").text
    assert 'name="gevoeligheid" type="checkbox" value="1" class="utrecht-checkbox" checked' in setup
    en = client.get(f"/evaluaties/resultaat?{_with(gevoeligheid='1')}&lang=en").text
    assert "How sensitive is the conclusion to the trend?" in en
    # without the box: no table
    plain = client.get(f"/evaluaties/resultaat?{_with()}&lang=nl").text
    assert "Hoe gevoelig is de conclusie voor de trend?" not in plain


def test_sensitivity_to_the_trend_for_the_two_by_two_comparison(client):
    data = client.get(f"/evaluaties/resultaat?{_with(methode='did', gevoeligheid='1')}&format=json").json()
    h = data["result"]["method_details"]["honest_did"]
    assert h["restriction"] == "SD" and h["table"]
    page = client.get(f"/evaluaties/resultaat?{_with(methode='did', gevoeligheid='1')}&lang=nl").text
    assert "Hoe gevoelig is de conclusie voor de trend?" in page and "gebeurtenisstudie" in page


def test_leave_one_out_box_for_synthetic_control(client):
    data = client.get(f"/evaluaties/resultaat?{_with(methode='scm', weglaten='1')}&format=json").json()
    loo = data["result"]["method_details"]["leave_one_out"]
    assert loo and {"donor", "weight", "estimate"} <= set(loo[0])
    page = client.get(f"/evaluaties/resultaat?{_with(methode='scm', weglaten='1')}&lang=nl").text
    assert "Hangt de uitkomst van één vergelijkingsgebied af?" in page and "Effect zonder dit gebied" in page


def test_boxes_with_the_wrong_method_are_refused(client):
    r = client.get(f"/evaluaties/resultaat?{_with(methode='its', gevoeligheid='1')}&lang=nl")
    assert r.status_code == 400
    assert "gevoeligheid voor de trend kan alleen bij de methodes" in r.text and "gespreide start" in r.text
    r = client.get(f"/evaluaties/resultaat?{_with(gevoeligheid='misschien')}&lang=nl")
    assert r.status_code == 400 and "geen geldige keuze" in r.text
