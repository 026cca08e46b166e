"""Bad input gets a message naming file, row and field, a non-zero exit code, and changes nothing.

Each case runs on both backends (SQLite and PostgreSQL where reachable) and through the CLI.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kansenmonitor.cli import app
from kansenmonitor.core.errors import ImportValidationError
from kansenmonitor.monitor import Monitor

runner = CliRunner()


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


GOOD_LONG = "region;indicator;period;value\nWK015306;inwoners;2024;33685\n"

CASES = {
    "unknown_region": (
        "long",
        "region;indicator;period;value\nWK015306;inwoners;2024;33685\nWK099999;inwoners;2024;12\n",
        {},
        (3, "region", "WK099999"),
    ),
    "indicator_not_in_catalogue": (
        "long",
        "region;indicator;period;value\nWK015306;inwoners;2024;33685\nWK015306;geluk_index;2024;7,5\n",
        {},
        (3, "indicator", "geluk_index"),
    ),
    "year_does_not_match": (
        "long",
        "region;indicator;period;value\nWK015306;inwoners;2024;33685\nWK015306;huishoudens;2023;14930\n",
        {"year": 2024},
        (3, "period", "2023"),
    ),
    "non_numeric_value": (
        "long",
        "region;indicator;period;value\nWK015306;inwoners;2024;33685\nWK015306;huishoudens;2024;veel\n",
        {},
        (3, "value", "veel"),
    ),
    "duplicate_rows": (
        "long",
        "region;indicator;period;value\nWK015306;inwoners;2024;33685\nWK015306;inwoners;2024;33690\n",
        {},
        (3, None, "dubbele"),
    ),
    "percentage_over_max": (
        "long",
        "region;indicator;period;value\nWK015306;pct_0_14;2024;116,3\n",
        {},
        (2, "value", "maximum"),
    ),
    "semicolon_vs_comma": (
        "long",
        "region,indicator,period,value\nWK015306,inwoners,2024,33685\n",
        {"delimiter": ";"},
        (1, None, "scheidingsteken"),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_long_file_changes_nothing(seeded: Monitor, tmp_path, case):
    kind, text, opts, (row, field, needle) = CASES[case]
    path = write(tmp_path, f"{case}.csv", text)
    before = seeded.store.fingerprint()
    with pytest.raises(ImportValidationError) as info:
        seeded.import_file(kind, path, **opts)
    issue = info.value.issues[0]
    assert issue.file == str(path)
    assert issue.row == row
    if field:
        assert issue.field == field
    assert needle in str(info.value)
    assert seeded.store.fingerprint() == before


def test_wrong_encoding_is_named_with_line(seeded: Monitor, tmp_path):
    path = write(tmp_path, "cp1252.csv", "region;indicator;period;value\nWK015306;inwoners;2024;33685\n"
                 "WK015306;huishoudens;2024;14930 \u2013 ca.\n", encoding="cp1252")
    before = seeded.store.fingerprint()
    with pytest.raises(ImportValidationError) as info:
        seeded.import_file("long", path)
    assert info.value.issues[0].row == 3
    assert "UTF-8" in str(info.value) and "--encoding" in str(info.value)
    assert seeded.store.fingerprint() == before


def test_one_bad_row_in_a_big_file_changes_nothing(seeded: Monitor, tmp_path):
    rows = [f"WK015306;misdrijven;{y};{100 + y}" for y in range(1990, 2025)] + ["WK015306;misdrijven;2025;x1"]
    path = write(tmp_path, "big.csv", "region;indicator;period;value\n" + "\n".join(rows) + "\n")
    before = seeded.store.fingerprint()
    with pytest.raises(ImportValidationError):
        seeded.import_file("long", path)
    assert seeded.store.fingerprint() == before
    assert seeded.store.observations(indicators=["misdrijven"]).empty


def test_wbk_year_mismatch(seeded: Monitor, tmp_path):
    path = write(tmp_path, "wbk.csv", "WK_CODE,WK_NAAM,JAAR,AANT_INW\nWK015306,Wijk 06,2023,33000\n")
    before = seeded.store.fingerprint()
    with pytest.raises(ImportValidationError) as info:
        seeded.import_file("wbk", path, boundary_year=2024, table="WBK2017")
    assert info.value.issues[0].field == "JAAR"
    assert info.value.issues[0].row == 2
    assert seeded.store.fingerprint() == before


def test_statline_bad_period_and_value(seeded: Monitor, tmp_path):
    path = write(
        tmp_path, "statline.csv",
        "WijkenEnBuurten,Perioden,Leeftijd,Marges,MoeiteMetRondkomen_38\n"
        "WK015306  ,2020JJ00,20300,MW00000,21.3\n"
        "BU01530603,2020KW01,20300,MW00000,24.0\n",
    )
    with pytest.raises(ImportValidationError) as info:
        seeded.import_file("statline", path, table="50090NED", boundary_year=2024)
    assert info.value.issues[0].row == 3 and info.value.issues[0].field == "Perioden"


def test_cli_exit_code_and_message(seeded: Monitor, tmp_path):
    path = write(tmp_path, "bad.csv", CASES["unknown_region"][1])
    before = seeded.store.fingerprint()
    result = runner.invoke(
        app, ["--home", str(tmp_path), "--database-url", seeded.store.engine.url.render_as_string(False),
              "import", "long", str(path)],
    )
    assert result.exit_code == 2
    assert "rij 3" in result.output and "WK099999" in result.output
    assert seeded.store.fingerprint() == before


def test_good_file_after_bad_lands(seeded: Monitor, tmp_path):
    path = write(tmp_path, "good.csv", GOOD_LONG)
    result = seeded.import_file("long", path, boundary_year=2024)
    assert result["observations"] == 1
