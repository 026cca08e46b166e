"""Effect evaluation with schools as units: a panel of schools × years from the store, in the CLI and the web."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from kansenmonitor.cli import app
from kansenmonitor.monitor import Monitor
from kansenmonitor.schools.panel import school_panel, school_treatment

TREATED = ("17VN09", "17VS02")  # two vo locations in Enschede with exam results 2015-2019
GEMEENTEN = ("GM0153", "GM0141", "GM0164")

PROGRAMME = """\
id: lea-examens
name: LEA-examens
principles:
- id: p1
  name: Ongelijk investeren
ambitions:
- id: amb-1
  name: Een startkwalificatie voor iedereen
  age_phase:
    label: 12 tot 18 jaar
    months_from: 144
    months_to: 216
kansen:
- id: kans-1
  name: Examenbegeleiding
  ambition_id: amb-1
interventions:
- id: int-1
  name: Examentraining op school
  kans_id: kans-1
  start_year: 2018
  places:
  - code: SCHOOL-17VN09
  - code: SCHOOL-17VS02
  - code: BU01530603
- id: int-2
  name: Huiswerkklas in de buurt
  kans_id: kans-1
  start_year: 2018
  places:
  - code: BU01530603
funding_sources:
- id: oab
  name: OAB
budget_tables:
- id: t1
  name: Tabel
budget:
- id: b1
  table: t1
  label: Examentraining
  kind: expenditure
  year: 2018
  amount: 50000
  item: int-1
  source: oab
"""


@pytest.fixture(scope="module")
def home(demo_home, tmp_path_factory):
    home = tmp_path_factory.mktemp("school-eval") / "home"
    shutil.copytree(demo_home, home)
    file = home.parent / "lea.yaml"
    file.write_text(PROGRAMME, encoding="utf-8")
    result = CliRunner().invoke(app, ["--home", str(home), "programme", "load", str(file)])
    assert result.exit_code == 0, result.output
    return home


def _monitor(home) -> Monitor:
    return Monitor.open(home=home, url=f"sqlite:///{home / 'kansenmonitor.sqlite'}")


def test_places_that_are_schools_become_treated_units_and_others_are_named(demo_monitor):
    notes: list[str] = []
    treated = school_treatment(demo_monitor, ["SCHOOL-17VN09", "17vs02", "BU01530603", "SCHOOL-99XX00"], 2018, notes)
    assert treated == {"17VN09": 2018, "17VS02": 2018}
    assert notes == ["BU01530603 is geen school en telt niet mee",
                     "school 99XX00 staat niet in het scholenregister en telt niet mee"]


def test_school_panel_leaves_out_years_most_schools_miss_and_says_so(demo_monitor):
    notes: list[str] = []
    frame = school_panel(demo_monitor, "sch_slaagpercentage", dict.fromkeys(TREATED, 2018), GEMEENTEN,
                         sectors=["vo"], notes=notes)
    years = sorted(frame["time"].unique())
    assert 2020 not in years  # no central exams in 2020: no school has a pass rate
    assert years[0] == 2015 and 2019 in years
    counts = frame.groupby("time")["unit"].nunique()
    assert (counts >= frame["unit"].nunique() / 2).all()
    assert notes and "2020" in notes[0] and "minder dan de helft" in notes[0]
    assert set(TREATED) <= set(frame["unit"]) and frame["unit"].nunique() > 10
    assert frame.loc[frame["unit"].isin(TREATED), "treated_from"].eq(2018).all()
    assert frame.loc[~frame["unit"].isin(TREATED), "treated_from"].isna().all()


def test_cli_evaluates_an_intervention_at_schools(home):
    args = ["--home", str(home), "evaluate", "--programme", "lea-examens", "--intervention", "int-1",
            "--indicator", "sch_slaagpercentage", "--level", "school", "--method", "did", "--json"]
    for g in GEMEENTEN:
        args += ["--gemeente", g]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["n_treated"] == 2 and body["n_units"] > 10
    assert "BU01530603 is geen school" in result.stderr


def test_cli_refuses_school_level_for_an_intervention_without_schools(home):
    result = CliRunner().invoke(app, ["--home", str(home), "evaluate", "--programme", "lea-examens",
                                      "--intervention", "int-2", "--indicator", "sch_slaagpercentage",
                                      "--level", "school"])
    assert result.exit_code == 2
    assert "geen van de plaatsen van interventie 'int-2' is een school" in result.output


def test_web_evaluation_takes_schools_as_units(home):
    from fastapi.testclient import TestClient

    from kansenmonitor.web.app import create_app

    monitor = _monitor(home)
    try:
        client = TestClient(create_app(monitor))
        form = client.get("/evaluaties/nieuw").text
        assert '<option value="school"' in form and "Slaagpercentage" in form
        query = ("programma=lea-examens&interventie=int-1&indicator=sch_slaagpercentage&niveau=school&methode=did"
                 + "".join(f"&gemeente={g}" for g in GEMEENTEN))
        page = client.get(f"/evaluaties/resultaat?{query}&format=json")
        assert page.status_code == 200, page.text
        body = page.json()
        assert body["source"]["treated"] == sorted(TREATED) and body["source"]["level"] == "school"
        assert len(body["source"]["comparison_units"]) > 10
        html = client.get(f"/evaluaties/resultaat?{query}").text
        assert "Bonhoeffer College" in html or "Greijdanus" in html
        bad = client.get("/evaluaties/nieuw?programma=lea-examens&interventie=int-1&indicator=ind-bev-inwoners"
                         "&niveau=school")
        assert bad.status_code == 400 and "schoolcijfer" in bad.text
    finally:
        monitor.close()
