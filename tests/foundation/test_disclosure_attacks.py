"""Disclosure attacks on a small store: complement, source suppression, differencing, custom areas.

Each test plants a withheld value, publishes through the one disclosure function and lets an attacker
(tests/disclosure_attacks.py, written without the engine) try to get it back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from disclosure_attacks import recovered
from kansenmonitor import exports
from kansenmonitor.core.errors import DefinitionError, ImportValidationError
from kansenmonitor.monitor import Monitor

# A wijk of three buurten; BU01530699 has 5 inhabitants (too few for any rate)
KWB = """level,code,name,wk_code,gm_code,AantalInwoners_5,k_0Tot15Jaar_8,k_65JaarOfOuder_12,HuishoudensTotaal_29
gemeente,GM0153,Enschede,,GM0153,161738,22327,27000,81878
wijk,WK015306,Wijk 06 Enschede-Zuid,,GM0153,8200,1522,1400,3652
buurt,BU01530603,Wesselerbrink Noord-Oost,WK015306,GM0153,3820,680,640,1745
buurt,BU01530604,Wesselerbrink Zuid-Oost,WK015306,GM0153,4375,840,757,1905
buurt,BU01530699,Klein,WK015306,GM0153,5,2,3,2
"""
CRIME = """region;indicator;period;value
WK015306;misdrijven;2024;725
BU01530603;misdrijven;2024;300
BU01530604;misdrijven;2024;250
BU01530699;misdrijven;2024;175
"""


@pytest.fixture
def small(empty_monitor: Monitor, tmp_path: Path) -> Monitor:
    kwb = tmp_path / "kwb.csv"
    kwb.write_text(KWB, encoding="utf-8")
    empty_monitor.import_file("wbk", kwb, boundary_year=2024, table="85984NED", create_regions=True)
    crime = tmp_path / "crime.csv"
    crime.write_text(CRIME, encoding="utf-8")
    empty_monitor.import_file("long", crime, boundary_year=2024)
    empty_monitor.derive_ratios(2024)
    return empty_monitor


def _attack(m: Monitor, published=None):
    published = m.observations(public=True) if published is None else published
    return recovered(published, m.observations(public=False), m.regions(), m.catalogue)


def test_the_attacker_finds_what_the_old_rule_left(small: Monitor):
    # per-indicator control alone (no ledger): the rate is withheld but crimes and inhabitants are not
    from kansenmonitor.analysis import disclosure

    internal = small.observations(public=False)
    naive = internal.copy()
    naive.loc[(naive["region"] == "BU01530699") & naive["indicator"].isin(
        ["misdrijven_per_1000", "pct_0_14", "pct_65plus"]), "value"] = np.nan
    found = _attack(small, naive)
    assert {f["cell"][2] for f in found} >= {"misdrijven_per_1000", "pct_0_14", "pct_65plus"}
    assert disclosure.NOTES["complement"]


def test_complement_and_differencing_recover_nothing(small: Monitor):
    public = small.observations(public=True).set_index(["region", "indicator"])
    assert public.loc[("BU01530699", "misdrijven_per_1000"), "status"] == "suppressed"
    # the rate's count goes too, and a sibling's count so the wijk total does not give it back
    assert np.isnan(public.loc[("BU01530699", "misdrijven"), "value"])
    assert np.isnan(public.loc[("BU01530699", "inwoners_0_14"), "value"])
    assert public.loc[("WK015306", "misdrijven"), "value"] == 725
    siblings = public.loc[[("BU01530603", "misdrijven"), ("BU01530604", "misdrijven")], "value"]
    assert siblings.isna().sum() == 1
    assert _attack(small) == []
    reasons = small.disclosure_ledger().summary()
    assert reasons["min_count"] >= 3 and reasons["complement"] >= 3 and reasons["secondary"] >= 1


def test_every_field_of_a_withheld_value_is_cleared_in_every_export(small: Monitor, tmp_path: Path):
    src = tmp_path / "secret.csv"
    src.write_text("region;indicator;period;value;status;numerator;denominator;lower;upper\n"
                   "BU01530603;pct_laag_inkomen;2024;;geheim;41;3820;30,5;44,5\n", encoding="utf-8")
    small.import_file("long", src, boundary_year=2024)
    for frame in (small.observations(public=True), exports.export_frame(small)):
        rows = frame[frame["status"] == "suppressed"]
        assert len(rows) >= 10
        assert rows[["value", "numerator", "denominator", "lower", "upper"]].isna().all().all()
    for fmt in ("csv", "csv-nl", "xlsx", "parquet"):
        out = tmp_path / f"export.{fmt}"
        exports.write(small, fmt, out)
        import pandas as pd

        frame = {"csv": lambda p: pd.read_csv(p), "csv-nl": lambda p: pd.read_csv(p, sep=";", decimal=","),
                 "xlsx": lambda p: pd.read_excel(p, sheet_name="waarnemingen"),
                 "parquet": lambda p: pd.read_parquet(p)}[fmt](out)
        secret = frame[(frame["region"] == "BU01530603") & (frame["indicator"] == "pct_laag_inkomen")]
        assert len(secret) == 1
        assert secret[["value", "numerator", "denominator", "lower", "upper"]].isna().all().all(), fmt
        assert _attack(small, frame.assign(value=frame["value"])) == [], fmt


def test_a_custom_area_that_isolates_a_withheld_buurt_is_refused(small: Monitor, tmp_path: Path):
    before = small.store.fingerprint()
    path = tmp_path / "areas.yaml"
    path.write_text("boundary_year: 2024\nareas:\n"
                    "  - {code: FG-TWEE, name: Twee buurten, members: [BU01530603, BU01530604]}\n"
                    "  - {code: FG-DRIE, name: Drie buurten, members: [BU01530603, BU01530604, BU01530699]}\n",
                    encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        small.load_areas(path)
    text = str(err.value)
    assert ("Klein" in text or "Wesselerbrink Noord-Oost" in text) and "Twee buurten" in text
    assert "uit te rekenen" in text and "niet geladen" in text
    assert small.store.fingerprint() == before


def test_a_custom_area_with_withheld_members_is_published_safely(small: Monitor, tmp_path: Path):
    path = tmp_path / "areas.yaml"
    path.write_text("boundary_year: 2024\nareas:\n"
                    "  - {code: FG-ZUID, name: Zuid, members: [BU01530604, BU01530699]}\n", encoding="utf-8")
    small.load_areas(path)
    assert small.observations(public=False, regions=["FG-ZUID"], indicators=["misdrijven"])["value"].tolist() == [425]
    assert _attack(small) == []


def test_an_invented_denominator_is_refused_at_import(small: Monitor, tmp_path: Path):
    path = tmp_path / "lift.csv"
    path.write_text("region;indicator;period;value;numerator;denominator\n"
                    "BU01530699;pct_0_14;2024;40,0;200;500\n", encoding="utf-8")
    before = small.store.counts()
    with pytest.raises(ImportValidationError, match="noemer 500 .* groter dan"):
        small.import_file("long", path, boundary_year=2024)
    assert small.store.counts() == before


def test_an_invented_denominator_that_got_in_does_not_lift_a_small_buurt(small: Monitor):
    # defence in depth: a row written past the importers (an older store) is still capped by the stored inwoners
    import pandas as pd

    from kansenmonitor.store.store import OBSERVATION_COLUMNS

    row = dict(region="BU01530699", boundary_year=2024, indicator="pct_0_14", period=2024, value=40.0,
               status="measured", numerator=200.0, denominator=500.0, lower=None, upper=None, source_ref="planted")
    with small.store.transaction() as w:
        w.upsert_observations(pd.DataFrame([row], columns=OBSERVATION_COLUMNS))
    row = small.observations(public=True, regions=["BU01530699"], indicators=["pct_0_14"]).iloc[0]
    assert row["status"] == "suppressed" and np.isnan(row["value"]) and np.isnan(row["denominator"])


def test_the_ledger_is_computed_once_per_store_content(small: Monitor, tmp_path: Path):
    first = small.disclosure_ledger()
    assert small.disclosure_ledger() is first
    path = tmp_path / "more.csv"
    path.write_text("region;indicator;period;value\nBU01530603;misdrijven;2023;280\n", encoding="utf-8")
    small.import_file("long", path, boundary_year=2024)
    assert small.disclosure_ledger() is not first


def test_privacy_command_lists_what_is_withheld_without_values(small: Monitor, tmp_path: Path):
    from typer.testing import CliRunner

    from kansenmonitor.cli import app

    out = tmp_path / "afgeschermd.csv"
    result = CliRunner().invoke(app, ["--home", str(tmp_path), "--database-url", small.store.url, "privacy",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "te weinig waarnemingen" in result.output
    text = out.read_text(encoding="utf-8")
    assert "Klein" in text and "Geregistreerde misdrijven" in text
    assert "175" not in text  # the list names cells, never their values
