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
    assert sum(r["observed"] - r["counterfactual"] for r in post) / len(post) == pytest.approx(direct.estimate)
    names = {u["code"]: u["name"] for u in data["source"]["comparison_units"]}
    heavy = direct.unit_weights.sort_values("weight").iloc[-1]
    assert res["donors"][0]["code"] == heavy["donor"] and res["donors"][0]["name"] == names[heavy["donor"]]
    page = client.get(f"/evaluaties/resultaat?{_with(methode='sdid')}&lang=nl").text
    assert "synthetische verschil-in-verschillen" in page and "Waaruit de synthetische controle bestaat" in page
    en = client.get(f"/evaluaties/resultaat?{_with(methode='sdid')}&lang=en").text
    assert "synthetic difference-in-differences" in en


def test_ascm_with_several_treated_areas_names_the_other_method(client):
    r = client.get(f"/evaluaties/resultaat?{_with(methode='ascm')}&lang=nl")
    assert r.status_code == 400
    assert "aangevulde synthetische controle is voor één eenheid met de maatregel" in r.text
