"""Own areas (stadsdelen, focus areas) as units of an evaluation, and the disclosure notes of school and area
panels: a tiny store built by code (so the disclosure rule cannot pass by accident) and the demo's real areas."""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from kansenmonitor.analysis.evaluation import Panel, evaluate
from kansenmonitor.cli import app
from kansenmonitor.core.model import Level, Region
from kansenmonitor.monitor import Monitor
from kansenmonitor.panels import PanelBuildError, area_panel, area_treatment, withheld_note

YEARS = range(2016, 2024)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Gemeente GM9998: 5 wijken of 2 buurten; own area FG-TEST = the two buurten of WK999801; WK999805 has 20
    inhabitants, so its income per inhabitant (min_count 100) is withheld."""
    home = tmp_path_factory.mktemp("area-units")
    monitor = Monitor.open(home=home, url=f"sqlite:///{home / 'kansenmonitor.sqlite'}")
    monitor.sync_catalogue()
    regions = [Region("NL01", "Nederland", Level.LAND, 2024), Region("GM9998", "Proefstad", Level.GEMEENTE, 2024,
                                                                      parent="NL01")]
    for w in range(1, 6):
        wk = f"WK99980{w}"
        regions.append(Region(wk, f"Wijk {w}", Level.WIJK, 2024, parent="GM9998"))
        regions += [Region(f"BU99980{w}0{b}", f"Buurt {w}.{b}", Level.BUURT, 2024, parent=wk) for b in (1, 2)]
    regions.append(Region("FG-TEST", "Testgebied", Level.GEBIED, 2024, parent="GM9998",
                          members=("BU99980101", "BU99980102")))
    rng = np.random.default_rng(4)
    rows = []
    for code, inw in (("FG-TEST", 2000), ("WK999801", 2000), ("WK999802", 1500), ("WK999803", 1800),
                      ("WK999804", 2500), ("WK999805", 20)):
        level = 30.0 + rng.normal()
        for t in YEARS:
            effect = 2.0 if code == "FG-TEST" and t >= 2020 else 0.0
            rows.append((code, "inwoners", t, inw))
            rows.append((code, "inkomen_per_inwoner", t, level + 0.3 * (t - 2016) + effect + rng.normal(0, 0.1)))
    frame = pd.DataFrame([{"region": c, "boundary_year": 2024, "indicator": i, "period": t, "value": float(v),
                           "status": "measured", "numerator": np.nan, "denominator": np.nan, "lower": np.nan,
                           "upper": np.nan, "source_ref": "test"} for c, i, t, v in rows])
    with monitor.store.transaction() as w:
        w.upsert_regions(regions)
        w.upsert_observations(frame)
    yield monitor
    monitor.close()


def test_withheld_note_names_the_units_and_the_rule():
    obs = pd.DataFrame({"school": ["A", "A", "B", "C"], "value": [1.0, np.nan, np.nan, 2.0],
                        "disclosure": [None, "niet getoond: te weinig waarnemingen",
                                       "niet getoond: te weinig waarnemingen", None]})
    note = withheld_note(obs, "school", {"A": "De Es", "B": "De Eik"}, ("school", "scholen"), 10, "leerlingen")
    assert note == ("2 scholen tellen niet of niet elk jaar mee (De Es, De Eik): de cijfers voor deze uitkomst zijn "
                    "afgeschermd (te weinig waarnemingen: minder dan 10 leerlingen). Die reeksen worden niet getoond "
                    "en de jaren zonder cijfer tellen niet mee.")
    assert withheld_note(obs.iloc[[0, 3]], "school", {}, ("school", "scholen")) is None


def test_own_area_is_one_unit_compared_with_wijken_outside_it(tiny):
    notes: list[str] = []
    treated = area_treatment(tiny, ["FG-TEST", "BU99980201"], 2020, notes)
    assert treated == {"FG-TEST": 2020}
    assert notes == ["Buurt 2.1 (BU99980201) is geen eigen gebied of focusgebied en telt niet mee"]
    frame = area_panel(tiny, "inkomen_per_inwoner", treated, notes=notes)
    units = set(frame["unit"])
    # WK999801 holds the area's buurten: not a comparison; WK999805's income is withheld (20 inhabitants)
    assert units == {"FG-TEST", "WK999802", "WK999803", "WK999804"}
    assert "1 gebied telt niet of niet elk jaar mee (Wijk 5)" in notes[-1]
    assert "minder dan 100 waarnemingen" in notes[-1]
    assert frame.loc[frame["unit"] == "FG-TEST", "treated_from"].eq(2020).all()
    assert frame.loc[frame["unit"] != "FG-TEST", "treated_from"].isna().all()
    assert frame.attrs["units"] == "gebieden"
    panel = Panel.from_frame(frame, unit="unit", time="time", outcome="outcome", treated_from="treated_from")
    res = evaluate(panel, method="scm")
    assert res.estimate == pytest.approx(2.0, abs=0.5)


def test_a_count_of_an_own_area_is_refused(tiny):
    with pytest.raises(PanelBuildError, match="is een aantal; het aantal van een eigen gebied is niet te vergelijken"):
        area_panel(tiny, "inwoners", {"FG-TEST": 2020})
    with pytest.raises(PanelBuildError, match="geen eigen gebieden met de maatregel"):
        area_panel(tiny, "inkomen_per_inwoner", {})


def test_demo_focus_area_against_wijken_and_other_own_areas(demo_monitor):
    notes: list[str] = []
    frame = area_panel(demo_monitor, "ervaren_gezondheid_goed_18plus", {"FG-WESSELERBRINK": 2022}, notes=notes)
    units = set(frame["unit"])
    assert "FG-WESSELERBRINK" in units and "FG-TWEKKELERVELD" in units and "SD-ENSCHEDE-NOORD" in units
    # Stadsdeel Zuid and wijk 06 hold Wesselerbrink's buurten
    assert "SD-ENSCHEDE-ZUID" not in units and "WK015306" not in units
    own = frame[frame["unit"] == "FG-WESSELERBRINK"].set_index("time")["outcome"]
    stored = demo_monitor.observations(public=True, indicators=["ervaren_gezondheid_goed_18plus"],
                                       regions=["FG-WESSELERBRINK"], boundary_year=2024)
    stored = stored[stored["value"].notna()].set_index("period")["value"]
    for year, value in stored.items():
        assert own[int(year)] == pytest.approx(value)
    assert sorted(own.index) == [2012, 2016, 2020, 2022, 2024]


def test_school_panel_says_which_schools_are_withheld(demo_monitor):
    from kansenmonitor.schools.panel import school_panel

    notes: list[str] = []
    frame = school_panel(demo_monitor, "sch_leerjaar8", {"05VT00": 2021}, ["GM0153"], notes=notes)
    assert "19NS00" not in set(frame["unit"])
    assert any(n.startswith("1 school telt niet of niet elk jaar mee (Basisschool Menkotoren)") and
               "minder dan 5 leerlingen" in n for n in notes)


@pytest.fixture(scope="module")
def home(demo_home, tmp_path_factory):
    home = tmp_path_factory.mktemp("area-eval") / "home"
    shutil.copytree(demo_home, home)
    return home


def test_cli_and_web_take_own_areas_as_units(home):
    base = ["--home", str(home), "evaluate", "--programme", "regio-deal-elk-talent-telt", "--intervention",
            "int-verlengde-schooldag", "--indicator", "ervaren_gezondheid_goed_18plus", "--start", "2022"]
    res = CliRunner().invoke(app, [*base, "--level", "gebied", "--method", "scm", "--json"])
    assert res.exit_code == 0, res.output
    body = json.loads(res.stdout)
    assert body["n_treated"] == 2  # Wesselerbrink and Twekkelerveld; the Almelo spoorzone is not in the store
    assert "FG-ALMELO-SPOORZONE" in res.stderr
    count = CliRunner().invoke(app, [*base[:-4], "--indicator", "misdrijven", "--start", "2022", "--level", "gebied",
                                     "--method", "scm"])
    assert count.exit_code == 2 and "is een aantal" in count.output

    from fastapi.testclient import TestClient

    from kansenmonitor.web.app import create_app

    monitor = Monitor.open(home=home, url=f"sqlite:///{home / 'kansenmonitor.sqlite'}")
    try:
        client = TestClient(create_app(monitor))
        assert '<option value="gebied"' in client.get("/evaluaties/nieuw").text
        q = "gebied=FG-WESSELERBRINK&indicator=ervaren_gezondheid_goed_18plus&niveau=gebied&start=2022&methode=scm"
        data = client.get(f"/evaluaties/resultaat?{q}&format=json")
        assert data.status_code == 200, data.text
        source = data.json()["source"]
        assert source["level"] == "gebied" and source["treated"] == ["FG-WESSELERBRINK"]
        names = {u["name"] for u in source["comparison_units"]}
        assert "Twekkelerveld" in names and "Stadsdeel Zuid" not in names
        html = client.get(f"/evaluaties/resultaat?{q}").text
        visible = re.sub(r"<[^>]+>", " ", html.split("<main", 1)[-1].split("</main>")[0])
        assert "Wesselerbrink" in visible and "FG-WESSELERBRINK" not in visible  # names, not codes
        bad = client.get("/evaluaties/resultaat?gebied=BU01530603&indicator=ervaren_gezondheid_goed_18plus"
                         "&niveau=gebied&start=2022&methode=scm")
        assert bad.status_code == 400 and "geen eigen gebied of focusgebied" in bad.text
    finally:
        monitor.close()
