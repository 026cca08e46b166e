"""Selection rules, budget allocation, scenario comparison, exports, investments and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from kansenmonitor.indices import (
    FormulaError,
    allocate,
    compare_scenarios,
    investment_view,
    load_registry_file,
    register_investments,
    safe_formula,
    select,
    stored_investments,
)
from kansenmonitor.indices.investments import FLAG_HIGH_LOW, RegistryValidationError
from kansenmonitor.indices.targeting import RuleError, largest_remainder


def frame():
    return pd.DataFrame({"name": list("ABCDE"), "score": [4.0, 3.0, 2.0, 1.0, np.nan],
                         "inwoners": [100.0, 200.0, 300.0, 400.0, 50.0], "x": [5.0, 1.0, 7.0, 2.0, 9.0]},
                        index=pd.Index(["r1", "r2", "r3", "r4", "r5"], name="region"))


def test_ocw_population_rule():
    s = select(frame(), "top-pct-population:30")  # total 1050 → 315: r1 (100) + r2 (300) + r3 crosses
    assert s.selected == ["r1", "r2", "r3"]
    s = select(frame(), "top-pct-population:20")  # 210: r1, then r2 crosses
    assert s.selected == ["r1", "r2"]
    assert s.frame.loc["r5", "reason"] == "geen score"


def test_top_pct_top_n_threshold():
    assert select(frame(), "top-pct:50").selected == ["r1", "r2"]
    assert select(frame(), "top-pct:51").selected == ["r1", "r2", "r3"]
    assert select(frame(), "top-n:1").selected == ["r1"]
    assert select(frame(), "threshold:x>=5").selected == ["r1", "r3"]  # r5 has no score
    with pytest.raises(RuleError):
        select(frame(), "top-pct:0")
    with pytest.raises(RuleError):
        select(frame(), "threshold:onbekend>1")


def test_allocation_sums_to_budget_exactly():
    assert largest_remainder(np.ones(3), 1000).tolist() == [333.34, 333.33, 333.33]
    s = select(frame(), "top-n:4")
    a = allocate(s, 1_000_000.01)
    assert round(a.frame["amount"].sum(), 2) == 1_000_000.01
    # need = percentile rank of the score among the scored regions: 1, .75, .5, .25
    key = np.array([1.0 * 100, 0.75 * 200, 0.5 * 300, 0.25 * 400])
    np.testing.assert_allclose(a.frame["share"], key / key.sum())
    b = allocate(s, 1000, formula="x * 2 + 1")
    np.testing.assert_allclose(b.frame.loc[["r1", "r2", "r3", "r4"], "key"], [11, 3, 15, 5])
    assert b.total == 1000


def test_formula_is_safe():
    data = {"a": np.array([1.0, 4.0]), "b": np.array([2.0, 2.0])}
    np.testing.assert_allclose(safe_formula("sqrt(a) * b - -1", data), [3.0, 5.0])
    for bad in ("__import__('os')", "a.__class__", "[a]", "a if b else 1", "open('x')", "c + 1", "lambda: 1"):
        with pytest.raises(FormulaError):
            safe_formula(bad, data)


def test_negative_key_is_refused():
    with pytest.raises(RuleError, match="negatief"):
        allocate(select(frame(), "top-n:2"), 100, formula="score - 10")


def test_compare_scenarios_and_exports(tmp_path):
    a = allocate(select(frame(), "top-n:2"), 1000)
    b = allocate(select(frame(), "top-pct-population:60"), 1000)
    c = compare_scenarios(a, b)
    assert c.entered == ["r3", "r4"] and c.left == []
    assert c.money_moved == pytest.approx(c.frame.loc[["r3", "r4"], "delta"].sum())
    json.dumps(c.to_dict())
    p = c.export(tmp_path / "v.csv", dutch=True)
    text = p.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("region;") and "," in text.splitlines()[1]
    x = a.export(tmp_path / "v.xlsx")
    back = pd.read_excel(x, index_col=0)
    assert back["amount"].sum() == pytest.approx(1000)


def test_registry_file_all_or_nothing(tmp_path):
    good = tmp_path / "inv.csv"
    good.write_text("region;party;amount;year;domain\nr1;Gemeente;250.000,50;2025;sociaal\nr3;Corporatie;1000;2026;wonen\n",
                    encoding="utf-8")
    reg = load_registry_file(good, {"r1", "r2", "r3", "r4"})
    assert [i["amount"] for i in reg.investments] == [250000.5, 1000.0]
    bad = tmp_path / "bad.csv"
    bad.write_text("region,party,amount,year,domain\nr1,Gemeente,100,2025,sociaal\nr9,X,-5,20x5,wonen\n"
                   "r2,,100,2025,wonen\n", encoding="utf-8")
    with pytest.raises(RegistryValidationError) as exc:
        load_registry_file(bad, {"r1", "r2"})
    where = {(i.row, i.field) for i in exc.value.issues}
    assert where == {(3, "region"), (4, "party")}
    pot = tmp_path / "pot.yaml"
    pot.write_text("potenties:\n  - {region: r1, category: groen, text: Groot park}\n"
                   "  - {region: r2, category: iets, text: x}\n", encoding="utf-8")
    with pytest.raises(RegistryValidationError) as exc:
        load_registry_file(pot, {"r1", "r2"})
    assert [(i.row, i.field) for i in exc.value.issues] == [(3, "category")]


def test_investment_view_flags_high_urgency_low_investment(tmp_path):
    from kansenmonitor.monitor import Monitor

    f = frame().assign(rank=[1.0, 2.0, 3.0, 4.0, np.nan])
    inv = tmp_path / "inv.csv"
    inv.write_text("region,party,amount,year,domain\nr2,Gemeente,100000,2025,sociaal\nr3,Rijk,50000,2025,wonen\n",
                   encoding="utf-8")
    monitor = Monitor.open(home=tmp_path)
    register_investments(monitor, load_registry_file(inv, set(f.index)))
    register_investments(monitor, load_registry_file(inv, set(f.index)))  # idempotent
    stored = stored_investments(monitor)
    assert len(stored) == 2
    view = investment_view(f, stored)
    assert view.flagged == ["r1"]
    assert view.frame.loc["r1", "flag"] == FLAG_HIGH_LOW
    assert view.frame.loc["r2", "per_inhabitant"] == 500
    monitor.close()


@pytest.fixture
def runner_app(demo_home, monkeypatch):
    from kansenmonitor.cli.index import register

    monkeypatch.setenv("KANSENMONITOR_HOME", str(demo_home))
    app = typer.Typer()
    register(app)
    return app


def test_cli_compute_json_has_intervals(runner_app):
    res = CliRunner().invoke(runner_app, ["index", "compute", "urgentie", "--level", "buurt", "--gemeente", "GM0153",
                                          "--draws", "40", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    scored = [r for r in data["regions"] if r["score"] is not None]
    assert all(r["label"].startswith("rang ") and "(" in r["label"] for r in scored)
    assert {m["theme"] for m in data["missing_themes"]} == {"klimaat"}
    assert data["uncertainty"]["draws"] == 40


def test_cli_compute_text_and_explain(runner_app):
    res = CliRunner().invoke(runner_app, ["index", "compute", "urgentie", "--gemeente", "GM0153", "--draws", "20"])
    assert res.exit_code == 0, res.output
    assert "rang 1 (" in res.stdout and "import long" in res.stdout
    res = CliRunner().invoke(runner_app, ["index", "explain", "urgentie", "--gemeente", "GM0153"])
    assert res.exit_code == 0, res.output
    assert "ONTBREEKT" in res.stdout and "Cronbach" in res.stdout
    res = CliRunner().invoke(runner_app, ["index", "list", "--json"])
    assert {d["id"] for d in json.loads(res.stdout)} == {"urgentie", "meervoudige_achterstand"}


def test_cli_reference_nl_says_nederland_and_the_limit(runner_app):
    res = CliRunner().invoke(runner_app, ["index", "compute", "urgentie", "--gemeente", "GM0153", "--draws", "10",
                                          "--reference", "nl"])
    assert res.exit_code == 0, res.output
    first = res.stdout.splitlines()[0]
    assert first.endswith("vergeleken met Nederland") and "referentie nl" not in res.stdout
    flat = " ".join(res.stdout.split())
    assert "gebieden met minder dan 500 inwoners krijgen geen rang en geen geld; dat zijn er hier 12" in flat
    assert "Industrie- en havengebied (210)" in flat
    en = CliRunner().invoke(runner_app, ["index", "compute", "urgentie", "--gemeente", "GM0153", "--draws", "10",
                                         "--reference", "nl", "--lang", "en"])
    assert en.stdout.splitlines()[0].endswith("compared with the Netherlands")
    data = json.loads(CliRunner().invoke(runner_app, ["index", "compute", "urgentie", "--gemeente", "GM0153",
                                                      "--draws", "10", "--reference", "nl", "--json"]).stdout)
    assert data["reference"] == "nl" and data["reference_label"] == "Nederland" and data["min_population"] == 500
    bad = CliRunner().invoke(runner_app, ["index", "compute", "urgentie", "--gemeente", "GM0153", "--min-inwoners",
                                          "-5"])
    assert bad.exit_code == 2 and "--min-inwoners -5 kan niet" in bad.output


def test_cli_target_gives_no_money_to_small_areas_unless_asked(runner_app):
    args = ["target", "--index", "urgentie", "--gemeente", "GM0153", "--rule", "top-n:3", "--budget", "90000"]
    data = json.loads(CliRunner().invoke(runner_app, args + ["--json"]).stdout)
    got = [r["region"] for r in data["allocation"]["regions"]]
    assert "BU01530700" not in got and "BU01530700" in data["too_small"] and data["min_population"] == 500
    text = CliRunner().invoke(runner_app, args)
    assert "Gebieden met minder dan 500 inwoners krijgen geen rang en geen geld" in " ".join(text.stdout.split())
    asked = json.loads(CliRunner().invoke(runner_app, args + ["--min-inwoners", "0", "--json"]).stdout)
    assert "BU01530700" in [r["region"] for r in asked["allocation"]["regions"]] and asked["too_small"] == []


def test_cli_target_compare_and_output(runner_app, tmp_path):
    out = tmp_path / "t.xlsx"
    res = CliRunner().invoke(runner_app, ["target", "--index", "urgentie", "--gemeente", "GM0153", "--rule",
                                          "top-pct-population:30", "--budget", "1000000", "--compare", "top-pct:20",
                                          "--output", str(out), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["allocation"]["total"] == 1000000.0
    assert data["population_share"] >= 0.30
    assert "entered" in data["comparison"] and out.exists()


def test_cli_bad_input_exits_with_message(runner_app):
    res = CliRunner().invoke(runner_app, ["target", "--index", "urgentie", "--gemeente", "GM0153", "--rule",
                                          "top-pct:abc", "--budget", "10"])
    assert res.exit_code == 2 and "ongeldig" in res.output
    res = CliRunner().invoke(runner_app, ["index", "compute", "bestaat_niet"])
    assert res.exit_code == 2 and "bestaat niet" in res.output
