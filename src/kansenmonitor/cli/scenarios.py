"""CLI: scenarios for an area (``kansenmonitor scenario new|show|compare|list|adopt``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .. import format as fmt

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)


def _fail_validation(exc) -> None:
    err.print(f"[bold red]Fout:[/] {getattr(exc, 'summary', exc)}")
    for issue in getattr(exc, "issues", [])[:50]:
        err.print(f"  - {issue}", markup=False)
    raise typer.Exit(2)


def _read(path: Path):
    import yaml

    if not path.is_file():
        err.print(f"[bold red]Fout:[/] het bestand {path} bestaat niet.")
        raise typer.Exit(2)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", regel {mark.line + 1}" if mark is not None else ""
        err.print(f"[bold red]Fout:[/] {path.name}{where}: dit is geen geldige YAML. Er is niets bewaard.")
        raise typer.Exit(2) from exc


def _range(c: dict | None, decimals: int, lang: str) -> str:
    if not c:
        return "–"
    return (f"{fmt.number(c['verwacht'], decimals, lang)} "
            f"({fmt.number(c['laag'], decimals, lang)} tot {fmt.number(c['hoog'], decimals, lang)})")


def print_view(view: dict, lang: str) -> None:
    en = lang == "en"
    area = view["area"]
    out.print(f"[bold]{view['name']}[/] — {area['name']}" + (" (eigen gebied: " + ", ".join(area.get("member_names") or area["members"]) + ")"
                                                             if area["kind"] == "eigen" else ""))
    t = view["totals"]
    out.print(("Cost" if en else "Kosten") + f": {fmt.money(t['cost'], lang)}; " + ("people reached" if en else
              "bereik") + f": {fmt.number(t['reach'], 0, lang)}")
    for m in view["measures"]:
        out.print(f"\n[bold]{m['n']}. {m['name']}[/] — {m['target_group']}; " +
                  (f"reach {m['reach']}" if en else f"bereik {m['reach']}") +
                  (f" of {fmt.number(m['target_size'], 0, lang)}" if en else f" van {fmt.number(m['target_size'], 0, lang)}")
                  + f"; {fmt.money(m['cost'], lang)}; {fmt.number(m['duration_years'], 1, lang)} " +
                  ("years" if en else "jaar"))
        out.print(f"   {m['evidence_label']}: {m['evidence_source']}")
        out.print(f"   {m['evidence_detail']}")
        for p in m["evidence_passed_over"]:
            out.print(f"   ({p})")
    for o in view["outcomes"]:
        out.print(f"\n[bold]{o['label']}[/]")
        for line in o["lines"]:
            out.print(f"   {line['measure']}: {line['text']}" + (" [aanname]" if line["is_assumption"] else ""))
        out.print(("   Expected change: " if en else "   Verwachte verandering: ") + _range(o["change"], 2, lang) +
                  f" {o['change_unit']}")
        if o["baseline"] is not None and o["expected"]:
            out.print(("   Now " if en else "   Nu ") + f"{fmt.number(o['baseline'], o['decimals'], lang)} "
                      f"({o['baseline_period']}) → " + _range(o["expected"], o["decimals"], lang))
        ranks = o.get("ranks") or {}
        if ranks.get("available"):
            for r in ranks["rows"]:
                out.print(f"   {ranks['index']}: {r['name']} " + ("place" if en else "plaats") +
                          f" {r['before']} → {r['after']} ({r['after_low']}–{r['after_high']}) / {ranks['of']}")
        elif ranks:
            out.print(f"   {ranks.get('reason')}")
        for thin in o["thin"]:
            out.print(f"   [yellow]![/] {thin}")
    out.print("\n[bold]" + ("Assumptions" if en else "Aannames") + "[/]")
    for a in view["assumptions"]:
        out.print(f"   {a['context']} → {a['mechanism']} → {a['outcome']} ({a['indicator_label']})")
    out.print("\n[bold]" + ("Not known" if en else "Wat niet bekend is") + "[/]")
    for u in view["unknowns"]:
        out.print(f"   - {u}")


def register(app: typer.Typer) -> None:
    scenario_app = typer.Typer(help="Scenario's voor een gebied: maatregelen, verwachte effecten met onzekerheid, "
                               "aannames.", no_args_is_help=True)
    app.add_typer(scenario_app, name="scenario")

    @scenario_app.command("new")
    def new(
        file: Annotated[Path, typer.Argument(help="Scenario als YAML (zie docs/scenarios.md).")],
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Alleen controleren en doorrekenen, niets bewaren.")]
        = False,
        lang: Annotated[str, typer.Option("--lang", help="nl of en.")] = "nl",
    ) -> None:
        """Controleer een scenario, reken het door en bewaar het (alles of niets)."""
        from ..accounts.audit import cli_actor
        from ..core.errors import KansenmonitorError, ValidationError
        from ..scenarios import check, create
        from .base import open_monitor

        doc = _read(file)
        monitor = open_monitor()
        try:
            if dry_run:
                _, view = check(monitor, doc, file.name, lang)
            else:
                _, view = create(monitor, doc, cli_actor(), file.name, lang)
        except ValidationError as exc:
            _fail_validation(exc)
        except KansenmonitorError as exc:
            err.print(f"[bold red]Fout:[/] {exc}")
            raise typer.Exit(2) from exc
        print_view(view, lang)
        if not dry_run:
            out.print(f"\nBewaard als scenario '{view['id']}'.")

    @scenario_app.command("show")
    def show_cmd(
        sid: Annotated[str, typer.Argument(help="Naam (id) van het scenario.")],
        as_json: Annotated[bool, typer.Option("--json", help="Als JSON.")] = False,
        lang: Annotated[str, typer.Option("--lang", help="nl of en.")] = "nl",
    ) -> None:
        """Toon een bewaard scenario met de berekening."""
        from ..scenarios import show
        from .base import open_monitor

        view = show(open_monitor(), sid, lang)
        if view is None:
            err.print(f"[bold red]Fout:[/] er is geen scenario '{sid}'. Bekijk de lijst met 'kansenmonitor scenario list'.")
            raise typer.Exit(2)
        if as_json:
            out.print_json(json.dumps(view, ensure_ascii=False, default=str))
        else:
            print_view(view, lang)

    @scenario_app.command("list")
    def list_cmd() -> None:
        """De bewaarde scenario's."""
        from ..scenarios.repository import all_scenarios
        from .base import open_monitor

        table = Table("id", "naam", "gebied", "maatregelen", "gemaakt", "overgenomen in")
        for s in all_scenarios(open_monitor().store):
            table.add_row(s.id, s.name, s.area.name, str(len(s.measures)), (s.created_at or "")[:10],
                          (s.adopted or {}).get("programme") or "")
        out.print(table)

    @scenario_app.command("compare")
    def compare_cmd(
        sids: Annotated[list[str], typer.Argument(help="Twee of meer scenario's.")],
        as_json: Annotated[bool, typer.Option("--json", help="Als JSON.")] = False,
        lang: Annotated[str, typer.Option("--lang", help="nl of en.")] = "nl",
    ) -> None:
        """Zet scenario's naast elkaar: kosten, bereik, verwachte verandering, plaats in de urgentie, onbekenden."""
        from ..scenarios import compare
        from .base import open_monitor

        view = compare(open_monitor(), sids, lang)
        if view["missing"]:
            err.print(f"[bold red]Fout:[/] onbekend scenario: {', '.join(view['missing'])}.")
            raise typer.Exit(2)
        if as_json:
            out.print_json(json.dumps(view, ensure_ascii=False, default=str))
            return
        en = lang == "en"
        table = Table("", *[r["name"] for r in view["scenarios"]])
        table.add_row("Area" if en else "Gebied", *[r["area"] for r in view["scenarios"]])
        table.add_row("Cost" if en else "Kosten", *[fmt.money(r["cost"], lang) for r in view["scenarios"]])
        table.add_row("People reached" if en else "Bereik", *[fmt.number(r["reach"], 0, lang) for r in view["scenarios"]])
        for ind in view["indicators"]:
            cells = []
            for r in view["scenarios"]:
                o = r["outcomes"].get(ind["id"])
                cells.append(_range(o["change"], 2, lang) + f" {o['change_unit']}" if o and o["change"] else "–")
            table.add_row(ind["label"], *cells)
            cells = []
            for r in view["scenarios"]:
                ranks = ((r["outcomes"].get(ind["id"]) or {}).get("ranks") or {})
                rows = ranks.get("rows") or []
                cells.append("; ".join(f"{x['before']} → {x['after']}" for x in rows) if ranks.get("available") else "–")
            table.add_row(("  place in urgency" if en else "  plaats in urgentie"), *cells)
        table.add_row("Effects assumed" if en else "Effecten aangenomen",
                      *[str(r["n_assumed"]) for r in view["scenarios"]])
        out.print(table)
        for r in view["scenarios"]:
            out.print(f"\n[bold]{r['name']}[/] — " + ("not known:" if en else "niet bekend:"))
            for u in r["unknowns"] + r["thin"]:
                out.print(f"   - {u}")

    @scenario_app.command("adopt")
    def adopt_cmd(
        sid: Annotated[str, typer.Argument(help="Naam (id) van het scenario.")],
        programme: Annotated[str, typer.Option("--programme", help="Programma-id waarin het plan komt.")],
    ) -> None:
        """Neem een scenario over als plan: de maatregelen en aannames komen in het programma."""
        from ..accounts.audit import cli_actor
        from ..core.errors import ValidationError
        from ..scenarios import adopt
        from .base import open_monitor

        try:
            prog = adopt(open_monitor(), sid, programme, cli_actor())
        except ValidationError as exc:
            _fail_validation(exc)
        out.print(f"Scenario '{sid}' is overgenomen in programma '{prog.id}'. De aannames staan nu bij de "
                  "interventies in het resultatenkader.")
