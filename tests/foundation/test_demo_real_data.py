"""The demo database against the staged CBS files it was built from."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from kansenmonitor.cli import app
from kansenmonitor.core.model import Level

runner = CliRunner()
KWB2024 = "kwb_buurt/twente3_gm_wk_bu_2024_kwb85984NED_misdrijven47022NED_gezondheid50150NED.csv"
COLUMNS = {
    "inwoners": "AantalInwoners_5",
    "huishoudens": "HuishoudensTotaal_29",
    "huishoudensgrootte": "GemiddeldeHuishoudensgrootte_33",
    "bevolkingsdichtheid": "Bevolkingsdichtheid_34",
    "woz_waarde": "GemiddeldeWOZWaardeVanWoningen_39",
    "pct_koopwoningen": "Koopwoningen_47",
    "afstand_huisarts": "AfstandTotHuisartsenpraktijk_110",
    "stedelijkheid": "MateVanStedelijkheid_120",
}


def test_show_enschede_wijk_prints_the_cbs_values(demo_home, data_dir):
    """`kansenmonitor show WK015306 --json` gives the same values as the staged KWB 2024 file."""
    cbs = pd.read_csv(data_dir / KWB2024).set_index("code")
    result = runner.invoke(app, ["--home", str(demo_home), "show", "WK015306", "--json"])
    assert result.exit_code == 0, result.output
    shown = {row["id"]: row for row in json.loads(result.output)["indicators"]}
    for ind, col in COLUMNS.items():
        assert shown[ind]["period"] == 2024
        assert shown[ind]["value"] == pytest.approx(cbs.loc["WK015306", col]), ind
        assert shown[ind]["gemeente_value"] == pytest.approx(cbs.loc["GM0153", col]), ind
    assert shown["inwoners"]["nl_value"] == 17_942_942  # CBS 1 January 2024
    assert "85984NED" in shown["inwoners"]["source"]


def test_show_health_from_the_2020_indeling(demo_home, data_dir):
    health = pd.read_csv(data_dir / "health/twente3_gezondheid_wijk_buurt_50090NED_2012_2016_2020.csv")
    want = health[(health.regio_code == "WK015306") & (health.jaar == 2020) & (health.leeftijdsgroep == "18+")]
    result = runner.invoke(app, ["--home", str(demo_home), "show", "WK015306", "--json"])
    shown = {row["id"]: row for row in json.loads(result.output)["indicators"]}
    row = shown["moeite_met_rondkomen_18plus"]
    assert row["value"] == pytest.approx(want["MoeiteMetRondkomen_38"].iloc[0])
    assert row["boundary_year"] == 2020 and row["status"] == "estimated"


def test_human_readable_show(demo_home):
    result = runner.invoke(app, ["--home", str(demo_home), "show", "FG-WESSELERBRINK"])
    assert result.exit_code == 0, result.output
    assert "Wesselerbrink" in result.output and "Enschede" in result.output


def test_unknown_region_in_show(demo_home):
    result = runner.invoke(app, ["--home", str(demo_home), "show", "WK999999"])
    assert result.exit_code == 2
    assert "WK999999" in result.output and "kansenmonitor regions" in result.output


def test_demo_levels_and_indelingen(demo_monitor):
    gm = demo_monitor.regions(level="gemeente", boundary_year=2024)
    assert {"GM0153", "GM0141", "GM0164"} <= {r.code for r in gm}
    assert len(gm) == 342  # all NL gemeenten as reference
    buurten_2024 = demo_monitor.regions(level="buurt", boundary_year=2024)
    assert len(buurten_2024) == 203
    buurten_2020 = demo_monitor.regions(level="buurt", boundary_year=2020)
    assert len(buurten_2020) == 200
    # Almelo was re-divided: these codes exist only in 2024 and are not linked to 2020
    assert demo_monitor.linked_codes("BU01411203", 2024) == [("BU01411203", 2024)]
    assert ("BU01530301", 2020) in demo_monitor.linked_codes("BU01530301", 2024)
    assert demo_monitor.region("BU01411106", 2020).boundary_year == 2020
    with pytest.raises(LookupError):
        demo_monitor.region("BU01411106", 2024)


def test_focus_areas_are_aggregated(demo_monitor):
    area = demo_monitor.region("FG-WESSELERBRINK")
    assert area.level == Level.GEBIED and len(area.members) == 4
    obs = demo_monitor.store.observations(regions=["FG-WESSELERBRINK"], indicators=["inwoners"], periods=[2024])
    assert obs["value"].iloc[0] == 3820 + 4375 + 2780 + 4550


def test_every_indicator_has_source_and_observations_are_attributed(demo_monitor):
    obs = demo_monitor.store.observations(gemeente="GM0153")
    assert obs["source_ref"].notna().all()
    for ind in demo_monitor.catalogue:
        assert ind.sources, ind.id
    # third-party reshapings say so in the source
    assert "tmap" in demo_monitor.indicator("netto_arbeidsparticipatie").sources[0].note


def test_missing_markers_never_become_numbers(demo_monitor, data_dir):
    cbs = pd.read_csv(data_dir / KWB2024)
    empty = cbs[(cbs.level == "buurt") & cbs["k_0Tot15Jaar_8"].isna()]["code"].tolist()
    assert empty
    obs = demo_monitor.store.observations(regions=empty, indicators=["inwoners_0_14"], boundary_year=2024)
    assert obs["value"].isna().all() and set(obs["status"]) <= {"missing", "suppressed"}
