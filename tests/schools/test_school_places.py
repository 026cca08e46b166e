"""A programme can name a school as an intervention's place; the school's profile then shows it."""

from __future__ import annotations

import shutil

from typer.testing import CliRunner

from kansenmonitor.cli import app
from kansenmonitor.monitor import Monitor
from kansenmonitor.schools.profile import school_profile

PROGRAMME = """\
id: lea-proef
name: LEA-proef
principles:
- id: p1
  name: Ongelijk investeren
ambitions:
- id: amb-1
  name: Een eerlijke kans
  age_phase:
    label: 4 tot 12 jaar
    months_from: 48
    months_to: 144
kansen:
- id: kans-1
  name: Plusarrangementen
  ambition_id: amb-1
interventions:
- id: int-1
  name: Plusarrangement taal
  kans_id: kans-1
  start_year: 2025
  places:
  - code: SCHOOL-{code}
funding_sources:
- id: oab
  name: OAB
budget_tables:
- id: t1
  name: Tabel
budget:
- id: b1
  table: t1
  label: Plusarrangement taal
  kind: expenditure
  year: 2025
  amount: 50000
  item: int-1
  source: oab
"""


def _home(demo_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    return home


def test_intervention_at_a_school_validates_and_reaches_the_school_profile(demo_home, tmp_path):
    home = _home(demo_home, tmp_path)
    file = tmp_path / "lea.yaml"
    file.write_text(PROGRAMME.format(code="16ZT00"), encoding="utf-8")
    result = CliRunner().invoke(app, ["--home", str(home), "programme", "load", str(file)])
    assert result.exit_code == 0, result.output
    monitor = Monitor.open(home=home, url=f"sqlite:///{home / 'kansenmonitor.sqlite'}")
    try:
        profile = school_profile(monitor, "16ZT00")
    finally:
        monitor.close()
    [iv] = [i for i in profile.interventions if i["programme_id"] == "lea-proef"]
    assert iv["name"] == "Plusarrangement taal" and iv["budget"][0]["amount"] == 50000


def test_unknown_school_as_place_is_refused_with_a_message(demo_home, tmp_path):
    home = _home(demo_home, tmp_path)
    file = tmp_path / "lea.yaml"
    file.write_text(PROGRAMME.format(code="99XX00"), encoding="utf-8")
    result = CliRunner().invoke(app, ["--home", str(home), "programme", "load", str(file)])
    assert result.exit_code == 1  # the programme commands exit 1 on an invalid file
    assert "school '99XX00' staat niet in het scholenregister" in result.output
    assert not (home / "programmes" / "lea-proef.yaml").exists()


def test_programme_page_draws_the_school_as_a_named_point(demo_home, tmp_path):
    from fastapi.testclient import TestClient

    from kansenmonitor.web.app import create_app

    home = _home(demo_home, tmp_path)
    file = tmp_path / "lea.yaml"
    file.write_text(PROGRAMME.format(code="16ZT00"), encoding="utf-8")
    assert CliRunner().invoke(app, ["--home", str(home), "programme", "load", str(file)]).exit_code == 0
    monitor = Monitor.open(home=home, url=f"sqlite:///{home / 'kansenmonitor.sqlite'}")
    try:
        page = TestClient(create_app(monitor)).get("/programmas/lea-proef/interventies/int-1?format=json").json()
    finally:
        monitor.close()
    text = str(page)
    assert "Alles in één school De Zuidsprong" in text and "Het Lang 78" in text
    assert "geen kaartgrens bekend" not in text
