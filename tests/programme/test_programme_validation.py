from pathlib import Path

import pytest
from openpyxl import load_workbook

from kansenmonitor.core.errors import DefinitionError, ValidationError
from kansenmonitor.programme import read_xlsx, read_yaml, write_xlsx
from kansenmonitor.programme.repository import import_programme, programmes_dir

BASE = """\
id: test-programma
name: Testprogramma
principles:
- id: p1
  name: Ongelijk investeren
ambitions:
- id: amb-1
  name: Een eerlijke kans
  age_phase:
    label: 2 tot 18 jaar
    months_from: 24
    months_to: 216
kansen:
- id: kans-1
  name: Plusarrangementen
  ambition_id: amb-1
interventions:
- id: int-1
  name: Huiskamers
  kans_id: kans-1
  places:
  - code: WK015303
  - name: IKC De Test
    lat: 52.22
    lon: 6.89
  assumptions:
  - id: a1
    context: veel kansarme leerlingen
    mechanism: laagdrempelig contact
    outcome: minder uitval
    indicator_id: ind-1
funding_sources:
- id: npo
  name: NPO
budget_tables:
- id: t1
  name: Tabel
budget:
- id: b1
  table: t1
  label: Huiskamers
  kind: expenditure
  year: 2023
  amount: 750000
  item: int-1
  source: npo
indicators:
- id: ind-1
  name: Bereik
  kind: process
  unit: '%'
  baseline:
    date: '2022-01-01'
    value: 83.7
  targets:
  - value: 90
    year: 2025
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def issues_of(path: Path, **kw):
    with pytest.raises(DefinitionError) as info:
        read_yaml(path, **kw)
    err = info.value
    assert isinstance(err, ValidationError) and isinstance(err, ValueError)
    return err.issues


def test_base_is_valid(tmp_path):
    p = read_yaml(write(tmp_path, BASE))
    assert p.intervention("int-1").places[1].name == "IKC De Test"


def test_budget_line_for_unknown_intervention(tmp_path):
    text = BASE.replace("  item: int-1\n", "  item: int-bestaat-niet\n")
    issues = issues_of(write(tmp_path, text))
    assert len(issues) == 1
    issue = issues[0]
    assert issue.field == "item" and "int-bestaat-niet" in issue.message
    assert issue.file.endswith("p.yaml")
    assert issue.row == line_of(text, "- id: b1")


def test_target_year_before_baseline(tmp_path):
    text = BASE.replace("    year: 2025\n", "    year: 2020\n")
    issues = issues_of(write(tmp_path, text))
    assert [i.field for i in issues] == ["year"]
    assert "2020" in issues[0].message and "0-meting" in issues[0].message
    assert issues[0].row == line_of(text, "  - value: 90")


def test_unknown_indicator_id(tmp_path):
    text = BASE.replace("    indicator_id: ind-1\n", "    indicator_id: ind-onbekend\n")
    path = write(tmp_path, text)
    issues = issues_of(path, known_indicators={"bevolking_totaal"})
    assert [i.field for i in issues] == ["indicator_id"]
    assert issues[0].row == line_of(text, "  - id: a1")
    # catalogue ids given → a catalogue indicator is accepted, programme-own ones too
    ok = BASE.replace("    indicator_id: ind-1\n", "    indicator_id: bevolking_totaal\n")
    read_yaml(write(tmp_path, ok), known_indicators={"bevolking_totaal"})
    read_yaml(write(tmp_path, BASE), known_indicators={"bevolking_totaal"})


def test_duplicate_id(tmp_path):
    text = BASE.replace("kansen:\n- id: kans-1\n  name: Plusarrangementen\n  ambition_id: amb-1\n",
                        "kansen:\n- id: kans-1\n  name: Plusarrangementen\n  ambition_id: amb-1\n"
                        "- id: kans-1\n  name: Nog een\n  ambition_id: amb-1\n")
    issues = issues_of(write(tmp_path, text))
    assert [i.field for i in issues] == ["id"]
    assert "dubbele id 'kans-1'" in issues[0].message
    assert issues[0].row == line_of(text, "  name: Nog een") - 1


def test_place_neither_region_nor_coordinates(tmp_path):
    text = BASE.replace("    lat: 52.22\n    lon: 6.89\n", "    address: Teststraat 1\n")
    issues = issues_of(write(tmp_path, text))
    assert [i.field for i in issues] == ["places"]
    assert "IKC De Test" in issues[0].message
    # a region code that the store does not know
    issues = issues_of(write(tmp_path, BASE), known_regions={"GM0153", "BU01530301"})
    assert [i.field for i in issues] == ["places"] and "WK015303" in issues[0].message


def test_percentage_over_100(tmp_path):
    text = BASE.replace("    value: 83.7\n", "    value: 183.7\n")
    issues = issues_of(write(tmp_path, text))
    assert [i.field for i in issues] == ["baseline.value"]
    assert "183.7" in issues[0].message


def test_unknown_field_and_bad_enum_are_reported_with_line(tmp_path):
    text = BASE.replace("  kind: expenditure\n", "  kind: uitgave\n  amout: 3\n")
    issues = issues_of(write(tmp_path, text))
    fields = {i.field: i for i in issues}
    assert set(fields) == {"kind", "amout"}
    assert fields["kind"].row == line_of(text, "  kind: uitgave")
    assert "amount" in fields["amout"].hint


def test_invalid_file_is_not_loaded(tmp_path):
    text = BASE.replace("  item: int-1\n", "  item: int-x\n")
    with pytest.raises(DefinitionError):
        import_programme(write(tmp_path, text))
    assert not programmes_dir().exists() or not any(programmes_dir().iterdir())


def test_xlsx_errors_name_sheet_and_row(tmp_path):
    good = read_yaml(write(tmp_path, BASE))
    path = write_xlsx(good, tmp_path / "p.xlsx")
    wb = load_workbook(path)
    ws = wb["budget"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("item") + 1, value="int-onbekend")
    ws = wb["targets"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("year") + 1, value=2019)
    wb.save(path)
    with pytest.raises(DefinitionError) as info:
        read_xlsx(path)
    by_field = {i.field: i for i in info.value.issues}
    assert by_field["item"].file.endswith("[blad budget]") and by_field["item"].row == 2
    assert by_field["year"].file.endswith("[blad targets]") and by_field["year"].row == 2
    assert "blad budget" in str(info.value)
