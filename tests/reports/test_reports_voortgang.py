"""The council report (voortgangsrapportage): its numbers are the programme's own, what is missing is said,
decisions and evaluations in the store appear with their reason and strength, a period without data and an
unknown area are refused, and an area report keeps only what happens there."""

from __future__ import annotations

import io
import shutil

import pikepdf
import pytest
from typer.testing import CliRunner

from kansenmonitor.cli import app
from kansenmonitor.monitor import Monitor
from kansenmonitor.programme.decisions import Evidence, record_decision
from kansenmonitor.programme.finance import finance_by_year
from kansenmonitor.programme.repository import load_programme
from kansenmonitor.reports import documents, render, voortgang, wijkprofiel
from kansenmonitor.reports.definition import definitions, parse_definition
from kansenmonitor.web.service import Site

KE = "kansrijk-enschede-2023-2033"


@pytest.fixture(scope="module")
def site(demo_monitor):
    return Site(demo_monitor)


@pytest.fixture(scope="module")
def defs(demo_monitor):
    return definitions(demo_monitor)


@pytest.fixture(scope="module")
def doc(site, defs):
    return documents.build(site, defs["kansrijk-enschede-voortgang"], None, 2025, "nl")


def test_summary_first_method_last_and_the_money_of_the_nota(doc):
    assert doc["sections"][0] == "samenvatting" and doc["sections"][-1] == "methode"
    programme = load_programme(KE)
    year = finance_by_year(programme).set_index("year").loc[2025]
    money = doc["money"]["year"]
    assert money["saldo_value"] == pytest.approx(float(year["saldo"])) == pytest.approx(-2_545_000)
    assert money["expenditure"] == "€ 10.528.000"
    assert [g["amount"] for g in doc["money"]["gaps"]] == ["€ 1.730.000"]  # NPO stops after 2024
    text = " ".join(doc["summary"])
    assert "€ 10.528.000" in text and "Er ontbreekt dus € 2.545.000." in text
    assert "Hoeveel er echt is uitgegeven, is nog niet vastgelegd." in text  # plan is never shown as spending


def test_missing_is_said(doc):
    text = " ".join(doc["summary"])
    assert "Er is nog geen effectmeting vastgelegd." in text
    assert "Er is nog geen besluit vastgelegd" in text
    html = render.html(doc)
    assert "nog geen meting" in html and "geen 0-meting" in html and "geen doel" in html
    assert "De begroting zegt niet welk deel naar de 0e, 1e en 2e lijn gaat." in html


def test_every_intervention_and_indicator_is_in_it(doc):
    programme = load_programme(KE)
    shown = {i["id"] for a in doc["ambitions"] for k in a["kansen"] for i in k["interventions"]}
    shown |= {i["id"] for a in doc["ambitions"] for i in a["interventions"]} | {i["id"] for i in
                                                                                 doc["other_interventions"]}
    assert shown == {i.id for i in programme.interventions}
    ids = {r["id"] for k in ("outcome", "process", "narrative") for r in doc["indicators"][k]}
    assert ids == {i.id for i in programme.indicators}


def test_only_narratives_with_consent(doc):
    programme = load_programme(KE)
    html = render.html(doc)
    for n in programme.narratives:
        if not n.consent:
            assert n.text[:60] not in html
    assert len(doc["narratives"]) == sum(n.consent for n in programme.narratives)


def test_same_store_same_document(site, defs, doc):
    again = documents.build(site, defs["kansrijk-enschede-voortgang"], None, 2025, "nl")
    assert render.html(again) == render.html(doc) and render.refs_csv(again) == render.refs_csv(doc)
    refs = render.refs_csv(doc)
    assert "begroting:saldo" in refs and "-2545000.0" in refs


def test_period_without_data_names_the_line(site, demo_monitor):
    text = (
        "id: proef\nkind: voortgang\ntitle: Proef\nprogramme: kansrijk-enschede-2023-2033\nperiod: 2031\n"
        "sections: [samenvatting, geld]\n"
    )
    d = parse_definition(text, "proef.yaml", {i.id for i in demo_monitor.catalogue})
    with pytest.raises(wijkprofiel.ReportInputError) as info:
        documents.build(site, d, None, None, "nl")
    issue = info.value.issues[0]
    assert (issue.file, issue.row, issue.field) == ("proef.yaml", 5, "period")
    assert "2031" in issue.message and "2025" in issue.hint


def test_unknown_programme_and_area_in_a_definition_are_refused(demo_monitor):
    from kansenmonitor.core.errors import DefinitionError
    from kansenmonitor.reports.definition import _known

    text = ("id: proef\nkind: voortgang\ntitle: Proef\nprogramme: kansrijk-almelo\nareas: [FG-NERGENS]\n"
            "sections: [samenvatting]\n")
    with pytest.raises(DefinitionError) as info:
        parse_definition(text, "proef.yaml", **_known(demo_monitor))
    assert {(i.row, i.field) for i in info.value.issues} == {(4, "programme"), (5, "areas")}


def test_area_report_keeps_what_happens_there(site, defs):
    d = documents.build(site, defs["regio-deal-monitor"], "FG-WESSELERBRINK", None, "nl")
    assert d["period"] == 2024 and d["area"]["name"] == "Wesselerbrink"
    programme = load_programme("regio-deal-elk-talent-telt")
    here = {i.id for i in programme.interventions if any(p.code == "FG-WESSELERBRINK" for p in i.places)}
    shown = {i["id"] for a in d["ambitions"] for k in a["kansen"] for i in k["interventions"]}
    shown |= {i["id"] for a in d["ambitions"] for i in a["interventions"]} | {i["id"] for i in d["other_interventions"]}
    assert shown == here and here
    assert all(r["region"] in (None, "FG-WESSELERBRINK", "GM0141", "GM0153")
               for k in ("outcome", "process") for r in d["indicators"][k])
    assert d["situation"]["key_numbers"] and "Hoe staat Wesselerbrink ervoor?" in render.html(d)
    with pytest.raises(wijkprofiel.UnknownAreaError):
        documents.build(site, defs["regio-deal-monitor"], "FG-NERGENS", None, "nl")


def test_pdf_is_tagged(doc):
    pdf = pikepdf.open(io.BytesIO(render.pdf(doc)))
    assert str(pdf.Root.Lang) == "nl" and bool(pdf.Root.MarkInfo.Marked)
    assert str(pdf.docinfo["/Title"]) == doc["title"]
    kinds = []

    def walk(node):
        if isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                kinds.append(str(node.S))
            kids = node.get("/K")
            for k in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
                walk(k)

    walk(pdf.Root.StructTreeRoot)
    assert kinds.count("/H1") == 1 and kinds.count("/H2") == len(doc["sections"]) - ("situatie" in doc["sections"])
    assert "/Table" in kinds and "/TH" in kinds and "/L" in kinds


# -- decisions and evaluations in a store of our own ---------------------------------------------------
@pytest.fixture(scope="module")
def own_site(demo_home, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report-own") / "home"
    shutil.copytree(demo_home, tmp)
    monitor = Monitor.open(home=tmp, url=f"sqlite:///{tmp / 'kansenmonitor.sqlite'}")
    programme = load_programme(KE)
    monitor.store.put_document("evaluation", "naschools-2024", {
        "id": "naschools-2024", "saved_on": "2025-03-01", "method": "did",
        "source": {"programme": KE, "intervention": "int-naschools", "indicator": "moeite_met_rondkomen_18plus"},
        "result": {"estimate": -1.25, "ci_low": -2.5, "ci_high": -0.1, "p_value": 0.03, "significant": True,
                   "evidence": "comparison", "interpretation": "Na de start lag het cijfer lager dan verwacht."}})
    record_decision(monitor.store, programme, "int-naschools", "bijstellen", "Minder kinderen bereikt dan gepland.",
                    "college van B&W", on="2025-04-15", evidence=[Evidence("evaluation", "naschools-2024")])
    record_decision(monitor.store, programme, "int-naschools", "doorgaan", "Later besluit, buiten het jaar.",
                    "gemeenteraad", on="2026-02-01")
    yield Site(monitor)
    monitor.close()


def test_decisions_and_evaluations_appear_with_reason_and_strength(own_site, defs):
    d = documents.build(own_site, defs["kansrijk-enschede-voortgang"], None, 2025, "nl")
    assert [x["decision"] for x in d["decisions"]] == ["bijstellen"]  # the 2026 decision is after the period
    assert d["decisions"][0]["rationale"] == "Minder kinderen bereikt dan gepland."
    ev = d["evaluations"][0]
    assert ev["estimate"] == "-1,25" and ev["interval"] == "-2,50 – -0,10"
    assert ev["strength"].startswith("redelijk")
    iv = next(i for a in d["ambitions"] for k in a["kansen"] for i in k["interventions"] if i["id"] == "int-naschools")
    assert iv["decision"]["label"] == "bijstellen"
    text = " ".join(d["summary"])
    assert "1 effectmeting" in text and "bijstellen" in text
    assert "Minder kinderen bereikt dan gepland." in render.html(d)


def test_years_with_data(site):
    years = voortgang.years_with_data(site, load_programme(KE))
    assert {2023, 2024, 2025, 2026} <= years and 2031 not in years


def test_cli_build_and_a_period_without_data(demo_home, tmp_path, monkeypatch):
    monkeypatch.setenv("KANSENMONITOR_HOME", str(demo_home))
    target = tmp_path / "raad.pdf"
    r = CliRunner().invoke(app, ["report", "build", "kansrijk-enschede-voortgang", "--period", "2025", "-o",
                                 str(target)])
    assert r.exit_code == 0, r.output
    assert target.read_bytes()[:5] == b"%PDF-"
    bad = tmp_path / "leeg.pdf"
    r = CliRunner().invoke(app, ["report", "build", "kansrijk-enschede-voortgang", "--period", "2031", "-o",
                                 str(bad)])
    assert r.exit_code == 2 and "2031" in r.output and not bad.exists()
