"""CLI for programmes: ``kansenmonitor programme load|validate|list|show|export|finance``.

Register on the main app with ``register(app)``. Output is Dutch (B1) with Dutch number notation.
"""

from __future__ import annotations

import json
import math
from enum import StrEnum
from pathlib import Path

import typer

from kansenmonitor.core.errors import DefinitionError
from kansenmonitor.programme.finance import (
    PROGRAMME_AS_A_WHOLE,
    finance_by_ambition,
    finance_by_source,
    finance_by_year,
    funding_gaps,
    lijn_shares,
)
from kansenmonitor.programme.format import format_euro, format_number, format_percent
from kansenmonitor.programme.io_xlsx import write_xlsx
from kansenmonitor.programme.io_yaml import write_yaml
from kansenmonitor.programme.model import Programme
from kansenmonitor.programme.repository import (
    available_ids,
    import_programme,
    load_programme,
    read_programme_file,
)


class ExportFormat(StrEnum):
    YAML = "yaml"
    XLSX = "xlsx"


class FinanceBy(StrEnum):
    YEAR = "year"
    AMBITION = "ambition"
    SOURCE = "source"
    LIJN = "lijn"


STATUS_NL = {"idea": "te onderzoeken", "planned": "gepland", "running": "loopt", "finished": "afgerond",
             "stopped": "gestopt"}

programme_app = typer.Typer(help="Programma's: principes, ambities, kansen, interventies en geld.",
                            no_args_is_help=True)


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code=1)


def _get(pid: str) -> Programme:
    try:
        return load_programme(pid)
    except KeyError as exc:
        _fail(str(exc.args[0]))
    except DefinitionError as exc:
        _fail(str(exc))
    raise AssertionError("unreachable")


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@programme_app.command("validate")
def validate_cmd(file: Path = typer.Argument(..., help="Programmabestand (.yaml of .xlsx)")) -> None:
    """Controleer een programmabestand zonder het te laden."""
    try:
        programme = read_programme_file(file)
    except DefinitionError as exc:
        _fail(str(exc))
    typer.echo(f"Het programma '{programme.id}' in {file} is geldig.")


@programme_app.command("load")
def load_cmd(file: Path = typer.Argument(..., help="Programmabestand (.yaml of .xlsx)")) -> None:
    """Controleer een programmabestand en bewaar het (als YAML) in de kansenmonitor-map."""
    try:
        programme, target = import_programme(file)
    except DefinitionError as exc:
        _fail(str(exc))
    typer.echo(f"Programma '{programme.id}' geladen en bewaard in {target}.")


@programme_app.command("list")
def list_cmd() -> None:
    """Toon de beschikbare programma's."""
    for pid in available_ids():
        typer.echo(pid)


def _money_by_item(programme: Programme) -> dict[str, float]:
    out: dict[str, float] = {}
    for b in programme.lines_of_table(None):
        if b.kind.value == "expenditure" and b.item and b.amount is not None:
            out[b.item] = out.get(b.item, 0.0) + float(b.amount)
    return out


def _tree(programme: Programme) -> dict:
    money = _money_by_item(programme)

    def intervention(i) -> dict:
        return {"id": i.id, "name": i.name, "status": i.status.value if i.status else None,
                "owner": i.owner, "expenditure": money.get(i.id, 0.0)}

    ambitions = []
    for a in programme.ambitions:
        kansen = []
        for k in programme.kansen_of(a.id):
            ivs = [intervention(i) for i in programme.interventions_of_kans(k.id)]
            kansen.append({"id": k.id, "number": k.number, "name": k.name,
                           "expenditure": money.get(k.id, 0.0) + sum(i["expenditure"] for i in ivs),
                           "interventions": ivs})
        direct = [intervention(i) for i in programme.interventions_of_ambition(a.id)]
        total = money.get(a.id, 0.0) + sum(k["expenditure"] for k in kansen) + sum(i["expenditure"] for i in direct)
        ambitions.append({
            "id": a.id, "code": a.code, "name": a.name,
            "age_phase": a.age_phase.label if a.age_phase else None,
            "expenditure": total, "kansen": kansen, "interventions": direct,
        })
    loose = [intervention(i) for i in programme.interventions
             if not i.kans_id and not i.ambition_id]
    return {
        "id": programme.id, "name": programme.name, "table": programme.default_table,
        "principles": [
            {"id": p.id, "name": p.name,
             "uitgangspunten": [{"id": u.id, "code": u.code, "name": u.name}
                                for u in programme.uitgangspunten if u.principle_id == p.id]}
            for p in programme.principles
        ],
        "programme_lines": [{"id": pl.id, "name": pl.name} for pl in programme.programme_lines],
        "focus_areas": [{"code": f.code, "name": f.name} for f in programme.focus_areas],
        "ambitions": ambitions,
        "other_interventions": loose,
    }


@programme_app.command("show")
def show_cmd(
    programme_id: str = typer.Argument(..., metavar="ID"),
    as_json: bool = typer.Option(False, "--json", help="Uitvoer als JSON"),
) -> None:
    """Toon de opbouw van een programma, van principe tot interventie, met geld."""
    programme = _get(programme_id)
    tree = _tree(programme)
    if as_json:
        typer.echo(json.dumps(tree, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{programme.name} ({programme.id})")
    for p in tree["principles"]:
        typer.echo(f"Leidend principe: {p['name']}")
        for u in p["uitgangspunten"]:
            code = f" {u['code']}" if u["code"] else ""
            typer.echo(f"  Uitgangspunt{code}: {u['name']}")
    if tree["programme_lines"]:
        typer.echo("Programmalijnen: " + ", ".join(pl["name"] for pl in tree["programme_lines"]))
    if tree["focus_areas"]:
        typer.echo("Focusgebieden: " + ", ".join(f"{f['name']} ({f['code']})" for f in tree["focus_areas"]))
    if tree["table"]:
        typer.echo(f"Geld: uitgaven in tabel '{tree['table']}', alle jaren samen.")

    def money(amount: float) -> str:
        return f" — {format_euro(amount)}" if amount else ""

    def show_intervention(i: dict, indent: str) -> None:
        status = f" [{STATUS_NL.get(i['status'], i['status'])}]" if i["status"] else ""
        typer.echo(f"{indent}Interventie: {i['name']}{status}{money(i['expenditure'])}")

    for a in tree["ambitions"]:
        phase = f" ({a['age_phase']})" if a["age_phase"] else ""
        code = f" {a['code']}" if a["code"] else ""
        typer.echo(f"Ambitie{code}: {a['name']}{phase}{money(a['expenditure'])}")
        for k in a["kansen"]:
            number = f" {k['number']}" if k["number"] is not None else ""
            typer.echo(f"  Kans{number}: {k['name']}{money(k['expenditure'])}")
            for i in k["interventions"]:
                show_intervention(i, "    ")
        for i in a["interventions"]:
            show_intervention(i, "  ")
    for i in tree["other_interventions"]:
        show_intervention(i, "")


@programme_app.command("export")
def export_cmd(
    programme_id: str = typer.Argument(..., metavar="ID"),
    fmt: ExportFormat = typer.Option(..., "--format", help="yaml of xlsx"),
    output: Path = typer.Option(..., "--output", help="Bestand om naar te schrijven"),
) -> None:
    """Schrijf een programma naar YAML of naar een Excel-werkmap (één blad per niveau)."""
    programme = _get(programme_id)
    if fmt == ExportFormat.YAML:
        write_yaml(programme, output)
    else:
        write_xlsx(programme, output)
    typer.echo(f"Programma '{programme.id}' geschreven naar {output}.")


@programme_app.command("finance")
def finance_cmd(
    programme_id: str = typer.Argument(..., metavar="ID"),
    by: FinanceBy = typer.Option(FinanceBy.YEAR, "--by", help="year, ambition, source of lijn"),
    table: str | None = typer.Option(None, "--table", help="Begrotingstabel (standaard: de hoofdtabel)"),
    as_json: bool = typer.Option(False, "--json", help="Uitvoer als JSON"),
) -> None:
    """Uitgaven, dekking en saldo per jaar; of per ambitie, financieringsbron of lijn."""
    programme = _get(programme_id)
    try:
        if by == FinanceBy.YEAR:
            df = finance_by_year(programme, table)
        elif by == FinanceBy.AMBITION:
            df = finance_by_ambition(programme, table)
        elif by == FinanceBy.SOURCE:
            df = finance_by_source(programme, table)
        else:
            df = lijn_shares(programme, table)
    except KeyError as exc:
        _fail(str(exc.args[0]))
        return
    if as_json:
        records = [{str(k): _clean(v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                   for row in df.to_dict(orient="records")]
        typer.echo(json.dumps({"programme": programme.id, "by": by.value,
                               "table": table or programme.default_table, "rows": records},
                              ensure_ascii=False, indent=2))
        return
    typer.echo(f"{programme.name}")
    typer.echo(f"Tabel: {table or programme.default_table or 'alle regels'}")
    if by == FinanceBy.YEAR:
        typer.echo(f"{'Jaar':<8}{'Uitgaven':>18}{'Dekking':>18}{'Saldo':>18}")
        for row in df.itertuples():
            year = "zonder jaar" if row.year is None or row.year != row.year else str(int(row.year))
            pm = f"  ({row.pm_lines} p.m.)" if row.pm_lines else ""
            typer.echo(f"{year:<8}{format_euro(row.expenditure):>18}{format_euro(row.coverage):>18}"
                       f"{format_euro(row.saldo):>18}{pm}")
        gaps = funding_gaps(programme, table)
        for gap in gaps:
            years = ", ".join(f"{y}: {format_euro(a)}" for y, a in sorted(gap.uncovered.items()))
            typer.echo(f"Let op: {gap.name} stopt na {gap.last_year}; daarna zonder dekking: {years}.")
    elif by == FinanceBy.AMBITION:
        years = [c for c in df.columns if isinstance(c, int)]
        typer.echo(f"{'Ambitie':<50}" + "".join(f"{y:>16}" for y in years) + f"{'Totaal':>18}")
        for _, row in df.iterrows():
            name = row["name"] or (PROGRAMME_AS_A_WHOLE if row["ambition"] == PROGRAMME_AS_A_WHOLE else row["ambition"])
            name = name if len(name) <= 48 else name[:47] + "…"
            pm = f"  ({row['pm_lines']} p.m.)" if row["pm_lines"] else ""
            typer.echo(f"{name:<50}" + "".join(f"{format_euro(row[y]):>16}" for y in years)
                       + f"{format_euro(row['total']):>18}{pm}")
    elif by == FinanceBy.SOURCE:
        typer.echo(f"{'Bron':<48}{'Jaar':>6}{'Uitgaven':>16}{'Dekking':>16}{'Saldo':>16}")
        for row in df.itertuples():
            name = row.name if len(row.name) <= 46 else row.name[:45] + "…"
            typer.echo(f"{name:<48}{row.year:>6}{format_euro(row.expenditure):>16}{format_euro(row.coverage):>16}"
                       f"{format_euro(row.saldo):>16}")
    else:
        typer.echo(f"{'Lijn':<8}{'Uitgaven':>20}{'Aandeel':>10}{'Doel':>10}{'Verschil':>16}")
        for row in df.itertuples():
            diff = f"{format_number(row.difference, 1)} %-punt" if row.difference == row.difference else "–"
            typer.echo(f"{row.lijn:<8}{format_euro(row.amount):>20}{format_percent(row.share):>10}"
                       f"{format_percent(row.target, 0):>10}{diff:>16}")


def register(app: typer.Typer) -> None:
    """Add the ``programme`` sub-app to the main CLI."""
    app.add_typer(programme_app, name="programme")
