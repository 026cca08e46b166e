import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from kansenmonitor.cli.programme import register
from kansenmonitor.programme.format import format_euro, format_number
from kansenmonitor.programme.repository import programmes_dir

DATA = Path(__file__).resolve().parents[2] / "src" / "kansenmonitor" / "programme" / "data"

app = typer.Typer()
register(app)


@app.callback()
def _root() -> None:
    """Test app."""


runner = CliRunner()


def test_format_helpers():
    assert format_euro(1234567) == "€ 1.234.567"
    assert format_euro(-2545000) == "€ -2.545.000"
    assert format_euro(None) == "p.m."
    assert format_number(83.7, 1) == "83,7"


def test_finance_text_and_json():
    res = runner.invoke(app, ["programme", "finance", "kansrijk-enschede-2023-2033"])
    assert res.exit_code == 0, res.output
    assert "€ 10.528.000" in res.output and "€ -2.575.000" in res.output
    assert "NPO" in res.output and "€ 1.730.000" in res.output
    res = runner.invoke(app, ["programme", "finance", "kansrijk-enschede-2023-2033", "--json"])
    rows = {r["year"]: r for r in json.loads(res.output)["rows"]}
    assert rows[2025]["saldo"] == -2_545_000
    for by in ("ambition", "source", "lijn"):
        res = runner.invoke(app, ["programme", "finance", "kansrijk-enschede-2023-2033", "--by", by])
        assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["programme", "finance", "rekenkamer-nieuw-enschedees-welzijn-2020", "--by", "lijn"])
    assert "13,9%" in res.output and "78,5%" in res.output


def test_show_tree():
    res = runner.invoke(app, ["programme", "show", "kansrijk-enschede-2023-2033"])
    assert res.exit_code == 0, res.output
    assert "Leidend principe: Ongelijk investeren voor gelijkere kansen" in res.output
    assert "Kans 7: LEA: De interactiekwaliteit vergroten — € 2.720.000" in res.output
    res = runner.invoke(app, ["programme", "show", "regio-deal-elk-talent-telt", "--json"])
    tree = json.loads(res.output)
    assert len(tree["ambitions"]) == 4 and tree["programme_lines"][0]["name"] == "Leren"


def test_load_validate_export(tmp_path):
    src = DATA / "regio_deal_elk_talent_telt.yaml"
    res = runner.invoke(app, ["programme", "validate", str(src)])
    assert res.exit_code == 0 and "geldig" in res.output
    xlsx = tmp_path / "rd.xlsx"
    res = runner.invoke(app, ["programme", "export", "regio-deal-elk-talent-telt", "--format", "xlsx",
                              "--output", str(xlsx)])
    assert res.exit_code == 0 and xlsx.exists()
    res = runner.invoke(app, ["programme", "load", str(xlsx)])
    assert res.exit_code == 0, res.output
    stored = programmes_dir() / "regio-deal-elk-talent-telt.yaml"
    assert stored.is_file()
    assert not list(programmes_dir().glob("*.tmp"))
    out = tmp_path / "rd.yaml"
    runner.invoke(app, ["programme", "export", "regio-deal-elk-talent-telt", "--format", "yaml", "--output", str(out)])
    assert out.read_text(encoding="utf-8") == stored.read_text(encoding="utf-8")


def test_invalid_file_and_unknown_id(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nname: X\nbudget_tables:\n- id: t\n  name: T\nbudget:\n- id: b\n  table: t\n"
                   "  label: L\n  kind: expenditure\n  item: onbekend\n", encoding="utf-8")
    res = runner.invoke(app, ["programme", "load", str(bad)])
    assert res.exit_code == 1
    assert "rij 7" in res.output and "item" in res.output
    assert not (programmes_dir() / "x.yaml").exists()
    res = runner.invoke(app, ["programme", "show", "bestaat-niet"])
    assert res.exit_code == 1 and "niet gevonden" in res.output
