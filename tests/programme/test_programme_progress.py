"""``kansenmonitor programme progress`` and catalogue/store validation in the CLI, on the demo store."""

import json

import pytest
import typer
from typer.testing import CliRunner

from kansenmonitor.cli.programme import register
from kansenmonitor.programme.progress import indicator_regions, progress, status_counts
from kansenmonitor.programme.repository import read_programme_file
from kansenmonitor.programme.store_lookup import StoreValues

app = typer.Typer()
register(app)


@app.callback()
def _root() -> None:
    """Test app."""


runner = CliRunner()


@pytest.fixture
def demo_env(demo_home, monkeypatch):
    monkeypatch.setenv("KANSENMONITOR_HOME", str(demo_home))
    monkeypatch.delenv("KANSENMONITOR_DATABASE_URL", raising=False)
    return demo_home


def _store_value(demo_monitor, indicator, region, year):
    obs = demo_monitor.observations(public=True, regions=[region], indicators=[indicator], periods=[year])
    obs = obs[obs["value"].notna()].sort_values("boundary_year")
    return float(obs["value"].iloc[-1])


@pytest.fixture
def test_programme(tmp_path, demo_monitor):
    """A small programme whose statuses follow from the demo store's values."""
    gm0141_2020 = _store_value(demo_monitor, "ervaren_gezondheid_goed_18plus", "GM0141", 2020)
    wb_2024 = _store_value(demo_monitor, "huishoudens", "FG-WESSELERBRINK", 2024)
    text = f"""id: test-voortgang
name: Testprogramma
gemeenten: [GM0153]
focus_areas:
- code: FG-WESSELERBRINK
  name: Wesselerbrink
ambitions:
- id: amb-gezond
  code: A
  name: Gezond opgroeien
- id: amb-wonen
  name: Wonen
indicators:
- id: ind-achter
  name: Ervaren gezondheid Enschede
  kind: outcome
  unit: '%'
  catalogue_id: ervaren_gezondheid_goed_18plus
  region: GM0153
  baseline:
    date: '2016'
  targets:
  - value: 90
    year: 2024
  ambition_ids: [amb-gezond]
- id: ind-voor
  name: Ervaren gezondheid Almelo
  kind: outcome
  unit: '%'
  catalogue_id: ervaren_gezondheid_goed_18plus
  region: GM0141
  baseline:
    date: '2012'
  targets:
  - value: {gm0141_2020 - 3}
    year: 2020
  ambition_ids: [amb-gezond]
- id: ind-op-koers
  name: Huishoudens Wesselerbrink
  kind: outcome
  unit: huishoudens
  polarity: neutral
  catalogue_id: huishoudens
  baseline:
    date: '2020'
    value: {wb_2024 - 100}
    source: eigen telling
  targets:
  - value: {wb_2024}
    year: 2024
  ambition_ids: [amb-wonen]
- id: ind-eigen
  name: Bereik
  kind: process
  unit: '%'
  baseline:
    date: '2020'
    value: 10
  targets:
  - value: 20
    year: 2030
  measurements:
  - date: '2025'
    value: 15
    source: eigen registratie
  ambition_ids: [amb-wonen]
- id: ind-leeg
  name: Arbeidsparticipatie Wesselerbrink
  kind: outcome
  unit: '%'
  catalogue_id: netto_arbeidsparticipatie
  baseline:
    date: '2024'
    value_text: 40-45%
  ambition_ids: [amb-gezond]
- id: ind-los
  name: Ervaringen
  kind: narrative
"""
    path = tmp_path / "voortgang.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _rows(out):
    return {(i["id"], i["region"]): i for g in out["ambitions"] for i in g["indicators"]}


def test_progress_statuses_from_store_and_own_measurements(demo_env, demo_monitor, test_programme):
    res = runner.invoke(app, ["programme", "progress", str(test_programme), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["database"] is True
    rows = _rows(out)
    behind = rows[("ind-achter", "GM0153")]
    assert behind["status"] == "behind" and behind["status_label"] == "achter"
    # 0-meting taken from the store for its year; the latest value is the store's latest
    assert behind["baseline"]["from_store"] is True
    assert behind["baseline"]["value"] == pytest.approx(
        _store_value(demo_monitor, "ervaren_gezondheid_goed_18plus", "GM0153", 2016))
    latest_year = max(behind["store_years"])
    assert behind["latest"]["year"] == latest_year and behind["latest"]["from_store"] is True
    assert behind["latest"]["value"] == pytest.approx(
        _store_value(demo_monitor, "ervaren_gezondheid_goed_18plus", "GM0153", latest_year))
    assert "50150NED" in behind["latest"]["source"] or "50090NED" in behind["latest"]["source"]
    assert rows[("ind-voor", "GM0141")]["status"] == "ahead"
    # linked without region: followed in the programme's focus area
    on_track = rows[("ind-op-koers", "FG-WESSELERBRINK")]
    assert on_track["status"] == "on_track" and on_track["baseline"]["source"] == "eigen telling"
    own = rows[("ind-eigen", None)]
    assert own["status"] == "on_track" and own["latest"] == {
        "year": 2025, "value": 15, "text": None, "source": "eigen registratie", "from_store": False,
        "published": None, "source_location": None}
    empty = rows[("ind-leeg", "FG-WESSELERBRINK")]
    assert empty["status"] == "no_data" and empty["reason"] == "0-meting zonder waarde"
    assert empty["baseline"]["text"] == "40-45%" and empty["latest"] is None
    assert rows[("ind-los", None)]["status"] == "no_data"
    assert out["ambitions"][-1]["id"] is None  # indicators without ambition come last
    assert out["counts"] == {"on_track": 2, "behind": 1, "ahead": 1, "no_data": 2}


def test_progress_text_dutch_and_english(demo_env, test_programme):
    res = runner.invoke(app, ["programme", "progress", str(test_programme)])
    assert res.exit_code == 0, res.output
    text = res.output
    assert "Ambitie A: Gezond opgroeien" in text
    assert "Stand: achter" in text and "Stand: voor" in text and "Stand: op koers" in text
    assert "Stand: nog geen gegevens (0-meting zonder waarde)" in text
    assert "Wesselerbrink (FG-WESSELERBRINK)" in text
    assert "Laatste waarde: 15% (2025) — eigen registratie" in text
    assert "Doel: 20% in 2030" in text
    assert "Samen: 2 op koers, 1 achter, 1 voor, 2 nog geen gegevens." in text
    res = runner.invoke(app, ["programme", "progress", str(test_programme), "--lang", "en",
                              "--ambition", "amb-gezond"])
    assert res.exit_code == 0, res.output
    assert "Status: behind" in res.output and "Status: no data yet (baseline without a value)" in res.output
    assert "Bereik" not in res.output  # other ambition left out
    res = runner.invoke(app, ["programme", "progress", str(test_programme), "--ambition", "amb-x"])
    assert res.exit_code == 1 and "amb-x" in res.output and "amb-gezond" in res.output
    res = runner.invoke(app, ["programme", "progress", str(test_programme), "--lang", "fr"])
    assert res.exit_code == 1


def test_progress_year_limits_the_measurements(demo_env, test_programme):
    res = runner.invoke(app, ["programme", "progress", str(test_programme), "--json", "--year", "2024"])
    rows = _rows(json.loads(res.output))
    own = rows[("ind-eigen", None)]
    assert own["status"] == "no_data" and own["latest"] is None  # the 2025 measurement does not count yet


def test_progress_shipped_programmes_on_demo(demo_env):
    res = runner.invoke(app, ["programme", "progress", "kansrijk-enschede-2023-2033", "--json",
                              "--ambition", "amb-C"])
    assert res.exit_code == 0, res.output
    rows = _rows(json.loads(res.output))
    vve = rows[("ind-vve-bereik", "GM0153")]
    assert vve["status"] == "no_data" and vve["reason"] == "nog geen meting na de 0-meting"
    assert vve["baseline"]["value"] == 83.7 and vve["targets"] == [{"value": 90, "year": 2025}]
    res = runner.invoke(app, ["programme", "progress", "regio-deal-elk-talent-telt", "--json"])
    assert res.exit_code == 0, res.output
    rows = _rows(json.loads(res.output))
    focus = {"FG-WESSELERBRINK", "FG-TWEKKELERVELD", "FG-ALMELO-SPOORZONE"}
    assert {r for (i, r) in rows if i == "ind-arbeidsparticipatie"} == focus
    assert all(row["status"] == "no_data" for row in rows.values())  # no targets, text-only baselines


def test_progress_without_database_uses_own_measurements(test_programme):
    res = runner.invoke(app, ["programme", "progress", str(test_programme), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["database"] is False
    rows = _rows(out)
    assert rows[("ind-eigen", None)]["status"] == "on_track"
    assert rows[("ind-achter", "GM0153")]["status"] == "no_data"
    res = runner.invoke(app, ["programme", "progress", str(test_programme)])
    assert "Er is geen database" in res.output


def test_progress_module_without_cli(demo_monitor, test_programme):
    programme = read_programme_file(test_programme)
    groups = progress(programme, StoreValues(demo_monitor))
    assert [g.id for g in groups] == ["amb-gezond", "amb-wonen", "_other"]
    assert status_counts(groups)["behind"] == 1
    assert indicator_regions(programme, programme.indicator("ind-leeg")) == ["FG-WESSELERBRINK"]
    programme.focus_areas = []
    assert indicator_regions(programme, programme.indicator("ind-leeg")) == ["GM0153"]
    assert indicator_regions(programme, programme.indicator("ind-los")) == [None]


def test_validate_and_show_use_catalogue_and_store_regions(demo_env, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: b\nname: B\nindicators:\n- id: ind-a\n  name: A\n  kind: outcome\n"
                   "  catalogue_id: huishoudens\n  region: WK015399\n", encoding="utf-8")
    res = runner.invoke(app, ["programme", "validate", str(bad)])
    assert res.exit_code == 1
    assert str(bad) in res.output and "rij 4" in res.output and "region" in res.output and "WK015399" in res.output
    good = tmp_path / "good.yaml"
    good.write_text(bad.read_text(encoding="utf-8").replace("WK015399", "WK015303"), encoding="utf-8")
    res = runner.invoke(app, ["programme", "validate", str(good)])
    assert res.exit_code == 0 and "gebieden in de database" in res.output, res.output
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(good.read_text(encoding="utf-8").replace("huishoudens", "huishoudenz"), encoding="utf-8")
    res = runner.invoke(app, ["programme", "validate", str(unknown)])
    assert res.exit_code == 1 and "catalogue_id" in res.output and "huishoudens" in res.output
    # a focus area the programme declares itself (FG-ALMELO-SPOORZONE) need not be in the store
    res = runner.invoke(app, ["programme", "show", "regio-deal-elk-talent-telt"])
    assert res.exit_code == 0, res.output


def test_validate_without_database_checks_catalogue_only(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("id: b\nname: B\nindicators:\n- id: ind-a\n  name: A\n  kind: outcome\n"
                    "  catalogue_id: huishoudenz\n  region: WK015399\n", encoding="utf-8")
    res = runner.invoke(app, ["programme", "validate", str(path)])
    assert res.exit_code == 1 and "huishoudenz" in res.output and "WK015399" not in res.output


def test_progress_says_where_the_figures_come_from(demo_env, test_programme):
    """Each row says whether its figures come from the store, only from the programme itself, or who must
    deliver them (the programme file's organisation and source, else the catalogue's publisher)."""
    out = json.loads(runner.invoke(app, ["programme", "progress", str(test_programme), "--json"]).output)
    rows = _rows(out)
    store = rows[("ind-achter", "GM0153")]
    assert store["data"] == "store" and store["delivery"] is None and 2016 in store["store_years"]
    assert rows[("ind-eigen", None)]["data"] == "own"
    linked_empty = rows[("ind-leeg", "FG-WESSELERBRINK")]  # arbeidsparticipatie is published per wijk, not buurt
    assert linked_empty["data"] == "deliver" and linked_empty["delivery"]["organisation"] == "CBS"
    assert rows[("ind-los", None)]["data"] == "deliver" and rows[("ind-los", None)]["delivery"] is None
    assert out["data_counts"] == {"store": 3, "deliver": 2, "own": 1, "total": 6}
    text = runner.invoke(app, ["programme", "progress", str(test_programme)]).output
    assert "Gegevens: Cijfers uit de kansenmonitor (open gegevens): 2012, 2016, 2020, 2022, 2024." in text
    assert "Gegevens: Alleen de cijfers die in het programma zelf staan." in text
    assert "Gegevens: Geen open bron heeft deze cijfers; het programma zegt niet wie ze levert." in text
    assert "Cijfers uit de kansenmonitor voor 3 van 6 indicatoren; 2 nog aan te leveren" in text
    en = runner.invoke(app, ["programme", "progress", str(test_programme), "--lang", "en"]).output
    assert "Data: No open source in the kansenmonitor: to be delivered by CBS" in en


@pytest.mark.parametrize(("pid", "total"), [("kansrijk-enschede-2023-2033", 19), ("regio-deal-elk-talent-telt", 7)])
def test_shipped_indicators_say_who_delivers(demo_env, pid, total):
    """No staged open data holds these indicators with the programme's definition for the programme's area
    (checked on the demo: 0 of 19 and 0 of 7), so every one names the organisation and the source that
    must deliver it; a linked one switches to the store as soon as the store holds its figures."""
    out = json.loads(runner.invoke(app, ["programme", "progress", pid, "--json"]).output)
    rows = [i for g in out["ambitions"] for i in g["indicators"]]
    assert out["data_counts"]["total"] == total
    assert out["data_counts"]["store"] + out["data_counts"]["deliver"] + out["data_counts"]["own"] == total
    for r in rows:
        if r["data"] == "store":
            assert r["store_years"]
        else:
            assert r["data"] == "deliver" and r["delivery"]["organisation"] and r["delivery"]["source"], r["id"]
    by_id = {r["id"]: r for r in rows}
    if pid.startswith("kansrijk"):
        assert by_id["ind-vve-bereik"]["delivery"]["organisation"].startswith("GGD Twente")
        assert by_id["ind-vsv"]["delivery"]["organisation"] == "DUO en RMC Twente"
    else:
        assert by_id["ind-mdi-score"]["delivery"]["organisation"] == "Het PON & Telos"
