"""Programme pages (/programmas/…) and API (/v1/programmas/…): content, twins, privacy, decisions, axe."""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from kansenmonitor.monitor import Monitor
from kansenmonitor.programme.decisions import Evidence, record_decision
from kansenmonitor.programme.repository import load_programme, store_programme
from kansenmonitor.web.app import create_app

KE = "kansrijk-enschede-2023-2033"
RK = "rekenkamer-nieuw-enschedees-welzijn-2020"
RD = "regio-deal-elk-talent-telt"
SECRET_STORY = "Dit verhaal is zonder toestemming en mag nergens verschijnen."
SECRET_PERSON = "Geheime Verteller"
NAMED_PERSON = "Fatima de Vries"


@pytest.fixture(autouse=True)
def dutch(request):
    """The session client keeps the language cookie of ``?lang=en``: start every test in Dutch."""
    for name in ("client", "own"):
        if name in request.fixturenames:
            request.getfixturevalue(name).cookies.clear()


def test_list_page_and_twins(client):
    r = client.get("/programmas")
    assert r.status_code == 200
    assert "Kansrijk Enschede 2023-2033" in r.text and f'href="/programmas/{RK}"' in r.text
    data = client.get("/programmas?format=json").json()
    assert {p["id"] for p in data["programmes"]} >= {KE, RK, RD}
    rows = list(csv.DictReader(io.StringIO(client.get("/programmas?format=csv").text)))
    assert KE in {row["id"] for row in rows}


def test_overview_reproduces_the_nota_totals(client):
    r = client.get(f"/programmas/{KE}")
    assert r.status_code == 200
    html = r.text
    # the nota's yearly totals (expenditure, coverage, saldo; x 1.000 euro in the source)
    for amount in ("€ 10.528.000", "€ 10.558.000", "€ 11.063.000", "€ 9.713.000", "€ 7.983.000",
                   "€ 535.000", "€ -815.000", "€ -2.545.000", "€ -2.575.000"):
        assert amount in html, amount
    # the gap where the NPO stops, per year
    assert "Nationaal Programma Onderwijs (NPO)" in html and "€ 1.730.000" in html
    # tree: principle, uitgangspunt, ambition with age phase, kans, intervention with status as text and money
    assert "Ongelijk investeren voor gelijkere kansen" in html and "Gericht investeren" in html
    assert "Het jonge kind (-9 maanden tot 5 jaar)" in html
    assert f'href="/programmas/{KE}/interventies/int-3e-pmer"' in html
    assert 'class="pstatus pstatus--running">loopt<' in html
    assert "€ 1.200.000" in html
    # notes that record ambiguities, where they apply (the table note and the NPO end date)
    assert "Totalen in de bron" in html and "niet eenduidig over het einde" in html
    en = client.get(f"/programmas/{KE}?lang=en").text
    assert "Expenditure, coverage and balance per year" in en and "running" in en


def test_overview_rekenkamer_lijn_shares(client):
    html = client.get(f"/programmas/{RK}").text
    assert "Begroot per lijn tegen het doel" in html
    for text in ("13,9%", "7,6%", "78,5%", "20%", "60%", "-6,1", "-12,4", "18,5", "telt op tot 120%"):
        assert text in html, text
    api = client.get(f"/v1/programmas/{RK}/financien?per=lijn").json()
    shares = {r["lijn"]: round(r["share"], 1) for r in api["rijen"]}
    assert shares == {"0e": 13.9, "1e": 7.6, "2e": 78.5}
    assert api["doelverdeling"] == {"0e": 20.0, "1e": 20.0, "2e": 60.0}


def test_overview_twins_and_bad_table(client):
    data = client.get(f"/programmas/{KE}?format=json").json()
    years = {y["year"]: y for y in data["finance"]["years"]}
    assert years[2025]["saldo"] == -2545000 and years[2023]["coverage"] == 11063000
    assert not any(k.startswith("_") for k in data["finance"]["years"][0])
    rows = list(csv.DictReader(io.StringIO(client.get(f"/programmas/{KE}?format=csv").text)))
    assert {"principle", "ambition", "kans", "intervention"} <= {r["level"] for r in rows}
    bad = client.get(f"/programmas/{KE}?tabel=bestaat-niet")
    assert bad.status_code == 400 and "tabel" in bad.text
    other = client.get(f"/programmas/{KE}?tabel=oab-2023")
    assert other.status_code == 200


def test_intervention_page(client):
    r = client.get(f"/programmas/{KE}/interventies/int-3e-pmer")
    assert r.status_code == 200
    html = r.text
    assert "Situatie" in html and "Wat het doet" in html and "Wat het oplevert" in html
    assert 'href="#ind-ind-onderwijsachterstanden"' in html and 'id="ind-ind-onderwijsachterstanden"' in html
    assert 'class="pmap"' in html and "<path d=" in html  # Enschede from the store on the map
    assert "€ 300.000" in html and "Nationaal Programma Onderwijs (NPO)" in html
    assert "Er zijn nog geen besluiten" in html
    named = client.get(f"/programmas/{KE}/interventies/int-kansrijk-ondersteunen").text
    assert "Het Stedelijk Lyceum, locatie Alpha" in named  # a named place without coordinates is listed
    data = client.get(f"/programmas/{KE}/interventies/int-3e-pmer?format=json").json()
    assert data["owner"] is None or isinstance(data["owner"], str)
    assert data["places"]["regions"][0]["code"] == "GM0153"
    rows = list(csv.DictReader(io.StringIO(client.get(f"/programmas/{KE}/interventies/int-3e-pmer?format=csv").text)))
    assert {r["year"] for r in rows} >= {"2023", "2026"}
    assert client.get(f"/programmas/{KE}/interventies/bestaat-niet").status_code == 404
    assert f'href="/programmas/{KE}"' in client.get(f"/programmas/{KE}/interventies/bestaat-niet").text


def test_intervention_narratives_respect_consent(client):
    html = client.get(f"/programmas/{KE}/interventies/int-naschools").text
    assert 'id="verhaal-locatiedirecteuren-advies"' in html
    programme = load_programme(KE)
    hidden = [n.text for n in programme.narratives if not n.consent]
    assert hidden
    for path in [f"/programmas/{KE}", f"/programmas/{KE}?format=json", f"/v1/programmas/{KE}"] + [
            f"/programmas/{KE}/interventies/{i.id}{q}" for i in programme.interventions for q in ("", "?format=json")]:
        body = client.get(path).text
        for text in hidden:
            assert text[:60] not in body, path


def test_ambition_page(client):
    r = client.get(f"/programmas/{KE}/ambities/amb-C")
    assert r.status_code == 200
    html = r.text
    assert "Zo bepalen we de stand" in html and "rechte lijn van de 0-meting naar het doel" in html
    assert "nog geen gegevens" in html and "pstatus--no_data" in html
    assert f'href="/programmas/{KE}/interventies/int-3e-pmer"' in html
    rows = list(csv.DictReader(io.StringIO(client.get(f"/programmas/{KE}/ambities/amb-C?format=csv").text)))
    assert rows and {r["status"] for r in rows} <= {"on_track", "behind", "ahead", "no_data"}
    assert "straight line" in client.get(f"/programmas/{KE}/ambities/amb-C?lang=en").text
    missing = client.get(f"/programmas/{KE}/ambities/amb-Z")
    assert missing.status_code == 404 and "amb-Z" in missing.text


def test_unknown_programme_page(client):
    r = client.get("/programmas/bestaat-niet")
    assert r.status_code == 404 and 'href="/programmas"' in r.text
    j = client.get("/programmas/bestaat-niet?format=json")
    assert j.status_code == 404 and j.headers["content-type"].startswith("application/problem+json")


def test_api(client):
    r = client.get("/v1/programmas")
    assert r.status_code == 200 and r.headers["API-Version"] and r.headers["content-type"] == "application/json"
    assert KE in {p["id"] for p in r.json()["programmas"]}
    fw = client.get(f"/v1/programmas/{KE}").json()
    assert fw["tree"]["principles"][0]["uitgangspunten"] and fw["tree"]["ambitions"][0]["age_phase"]
    fin = client.get(f"/v1/programmas/{KE}/financien").json()
    assert [(r["year"], r["saldo"]) for r in fin["rijen"]] == [
        (2023, 535000.0), (2024, -815000.0), (2025, -2545000.0), (2026, -2575000.0)]
    assert fin["tekorten_na_einde_bron"][0]["source"] == "npo"
    for per in ("ambitie", "bron", "lijn"):
        assert client.get(f"/v1/programmas/{KE}/financien?per={per}").status_code == 200
    ivs = client.get(f"/v1/programmas/{KE}/interventies").json()
    assert ivs["totaal"] == len(load_programme(KE).interventions)
    one = client.get(f"/v1/programmas/{KE}/interventies/int-3e-pmer").json()
    assert one["decisions"] == [] and one["assumptions"]
    inds = client.get(f"/v1/programmas/{KE}/indicatoren").json()
    assert all(i["status"]["code"] in ("on_track", "behind", "ahead", "no_data")
               for a in inds["ambities"] for i in a["indicators"])
    assert client.get(f"/v1/programmas/{KE}/besluiten").json()["besluiten"] == []


@pytest.mark.parametrize("path, status, names", [
    ("/v1/programmas/bestaat-niet", 404, "/v1/programmas"),
    (f"/v1/programmas/{KE}/interventies/bestaat-niet", 404, f"/v1/programmas/{KE}/interventies"),
    (f"/v1/programmas/{KE}/financien?per=maand", 400, "per"),
    (f"/v1/programmas/{KE}/financien?tabel=nee", 400, "tabel"),
    ("/v1/programmas/", 404, "openapi"),
])
def test_api_errors(client, path, status, names):
    r = client.get(path)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json") and r.headers["API-Version"]
    assert names in r.text


# -- a temporary store and programme: decisions, evaluations, consent and anonymity -------------------
@pytest.fixture(scope="module")
def own(demo_home, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("programme-web") / "home"
    shutil.copytree(demo_home, tmp)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KANSENMONITOR_HOME", str(tmp))
        programme = load_programme(KE)
        narratives = list(programme.narratives)
        shown = narratives[0]
        narratives += [
            replace(shown, id="geheim", text=SECRET_STORY, person=SECRET_PERSON, consent=False, anonymous=False,
                    intervention_ids=["int-naschools"]),
            replace(shown, id="met-naam", text="Mijn kind leert hier veel.", person=NAMED_PERSON, consent=True,
                    anonymous=False, intervention_ids=["int-naschools"]),
            replace(shown, id="zonder-naam", text="Goed dat dit er is.", person=SECRET_PERSON, consent=True,
                    anonymous=True, intervention_ids=["int-naschools"]),
        ]
        programme = replace(programme, narratives=narratives)
        store_programme(programme)
        monitor = Monitor.open(home=tmp, url=f"sqlite:///{tmp / 'kansenmonitor.sqlite'}")
        monitor.store.put_document("evaluation", "naschools-did", {
            "id": "naschools-did", "saved_on": "2025-03-01", "method": "did",
            "source": {"programme": KE, "intervention": "int-naschools", "indicator": "inkomen_per_inwoner"},
            "result": {"estimate": 1.5}})
        record_decision(monitor.store, programme, "int-naschools", "bijstellen",
                        "Minder kinderen bereikt dan gepland; meer inzet in Velve-Lindenhof.", "Wethouder onderwijs",
                        on="2025-04-01", evidence=[Evidence("evaluation", "naschools-did")])
        yield TestClient(create_app(monitor), raise_server_exceptions=False)
        monitor.close()


def test_decision_and_evaluation_on_intervention_page(own):
    html = own.get(f"/programmas/{KE}/interventies/int-naschools").text
    assert "2025-04-01" in html and "bijstellen" in html and "Wethouder onderwijs" in html
    assert "Minder kinderen bereikt dan gepland" in html
    link = f"/v1/programmas/{KE}/interventies/int-naschools/evaluaties/naschools-did"
    assert f'href="{link}"' in html
    assert own.get(link).json()["result"]["estimate"] == 1.5
    assert own.get(f"/v1/programmas/{KE}/interventies/int-3e-pmer/evaluaties/naschools-did").status_code == 404
    assert "stopping" not in html and "adjust" in own.get(f"/programmas/{KE}/interventies/int-naschools?lang=en").text
    log = own.get(f"/v1/programmas/{KE}/besluiten").json()["besluiten"]
    assert [d["decision"] for d in log] == ["adjust"] and log[0]["evidence"][0]["href"] == link
    api = own.get(f"/v1/programmas/{KE}/interventies/int-naschools").json()
    assert api["decisions"][0]["decided_by"] == "Wethouder onderwijs"


def test_consent_and_anonymity_everywhere(own):
    paths = [f"/programmas/{KE}/interventies/int-naschools", f"/programmas/{KE}/interventies/int-naschools?format=json",
             f"/programmas/{KE}/interventies/int-naschools?format=csv", f"/v1/programmas/{KE}/interventies/int-naschools",
             f"/programmas/{KE}", f"/programmas/{KE}?format=json", f"/programmas/{KE}?format=csv",
             f"/v1/programmas/{KE}", f"/v1/programmas/{KE}/indicatoren"]
    for path in paths:
        body = own.get(path).text
        assert SECRET_STORY not in body and SECRET_PERSON not in body, path
    html = own.get(f"/programmas/{KE}/interventies/int-naschools").text
    assert "Mijn kind leert hier veel." in html and NAMED_PERSON in html  # consent and not anonymous: named
    assert "Goed dat dit er is." in html and "anoniem" in html  # anonymous: shown without the person


@pytest.mark.browser
@pytest.mark.parametrize("path", [
    "/programmas",
    f"/programmas/{KE}",
    f"/programmas/{RK}?lang=en",
    f"/programmas/{KE}/interventies/int-3e-pmer",
    f"/programmas/{KE}/ambities/amb-C",
])
def test_programme_pages_accessible(server, browser, path):
    from .axe import assert_accessible

    assert_accessible(server, browser, path, statuses=(200,))
