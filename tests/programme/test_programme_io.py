from pathlib import Path

import pytest
from openpyxl import load_workbook

from kansenmonitor.programme import read_xlsx, read_yaml, to_yaml_text, write_xlsx
from kansenmonitor.programme.io_xlsx import SHEET_ORDER
from kansenmonitor.programme.io_yaml import parse_yaml_text

DATA = Path(__file__).resolve().parents[2] / "src" / "kansenmonitor" / "programme" / "data"

FILES = sorted(p.name for p in DATA.glob("*.yaml"))


@pytest.mark.parametrize("name", FILES)
def test_yaml_xlsx_yaml_round_trip(name, tmp_path):
    programme = read_yaml(DATA / name)
    text = to_yaml_text(programme)
    xlsx = write_xlsx(programme, tmp_path / "p.xlsx")
    back = read_xlsx(xlsx)
    assert back == programme
    assert to_yaml_text(back) == text
    # and YAML → model → YAML is stable
    assert to_yaml_text(parse_yaml_text(text)) == text


def test_workbook_has_one_sheet_per_level(kansrijk, tmp_path):
    path = write_xlsx(kansrijk, tmp_path / "k.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == SHEET_ORDER
    for needed in ("principles", "uitgangspunten", "ambitions", "kansen", "interventions", "assumptions", "places",
                   "budget", "indicators", "targets", "narratives"):
        assert needed in wb.sheetnames
    header = [c.value for c in wb["ambitions"][1]]
    assert "age_phase.months_from" in header and "age_phase.label" in header
    assert wb["budget"].max_row == len(kansrijk.budget) + 1


def test_shipped_content(shipped):
    k = shipped["kansrijk-enschede-2023-2033"]
    assert [p.name for p in k.principles] == ["Ongelijk investeren voor gelijkere kansen"]
    assert [u.code for u in k.uitgangspunten] == ["A", "B", "C", "D"]
    assert len(k.ambitions) == 4 and len(k.kansen) == 12
    assert {a.age_phase.label for a in k.ambitions} == {
        "Het jonge kind (-9 maanden tot 5 jaar)",
        "Het voorschoolse en schoolgaande kind (2 jaar tot 18 jaar)",
        "De jongvolwassen jongere (18 jaar tot 27 jaar)",
    }
    assert k.ambition("amb-A").age_phase.months_from == -9
    vve = k.indicator("ind-vve-bereik")
    assert vve.baseline.value == 83.7 and vve.targets[0].value == 90 and vve.targets[0].year == 2025
    rd = shipped["regio-deal-elk-talent-telt"]
    assert [pl.id for pl in rd.programme_lines] == ["leren", "werken", "woon-leefomgeving"]
    assert {"FG-WESSELERBRINK", "FG-TWEKKELERVELD"} <= {f.code for f in rd.focus_areas}
    assert {i.kind.value for i in rd.indicators} == {"outcome", "process", "narrative"}


def test_yaml_line_numbers_recorded(tmp_path):
    text = Path(DATA / "kansrijk_enschede_2023_2033.yaml").read_text(encoding="utf-8")
    programme = parse_yaml_text(text, "k.yaml")
    kans = programme.kans("kans-05")
    line = kans.origin[1]
    assert "id: kans-05" in text.splitlines()[line - 1]
