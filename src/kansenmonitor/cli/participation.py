"""CLI: participation rounds for an area (``kansenmonitor round new|show|list|summary``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)


def _fail(exc) -> None:
    err.print(f"[bold red]Fout:[/] {getattr(exc, 'summary', exc)}")
    for issue in getattr(exc, "issues", [])[:50]:
        err.print(f"  - {issue}", markup=False)
    raise typer.Exit(2)


def _get(monitor, rid: str):
    from ..participation import get_round

    rnd = get_round(monitor.store, rid)
    if rnd is None:
        err.print(f"[bold red]Fout:[/] er is geen inspraakronde '{rid}'. Zie 'kansenmonitor round list'.")
        raise typer.Exit(2)
    return rnd


def register(app: typer.Typer) -> None:
    round_app = typer.Typer(help="Inspraakrondes voor een gebied: het kader, de reacties van inwoners en de "
                            "samenvatting naast de cijfers.", no_args_is_help=True)
    app.add_typer(round_app, name="round")

    @round_app.command("new")
    def new(file: Annotated[Path, typer.Argument(help="De ronde als YAML (zie docs/participatie.md).")]) -> None:
        """Maak een inspraakronde (alles of niets)."""
        from ..accounts.audit import cli_actor
        from ..core.errors import ValidationError
        from ..participation import create_round
        from .base import open_monitor
        from .scenarios import _read

        doc = _read(file)
        try:
            rnd = create_round(open_monitor(), doc, cli_actor())
        except ValidationError as exc:
            _fail(exc)
        out.print(f"Inspraakronde '{rnd.id}' is gemaakt voor {rnd.area_name}, open van {rnd.opens} tot en met "
                  f"{rnd.closes}.")

    @round_app.command("list")
    def list_cmd() -> None:
        """Alle inspraakrondes."""
        from ..participation import all_rounds, counts
        from .base import open_monitor

        monitor = open_monitor()
        rounds = all_rounds(monitor.store)
        if not rounds:
            out.print("Er is nog geen inspraakronde.")
            return
        t = Table("Ronde", "Gebied", "Niveau", "Open", "Te beoordelen", "Goedgekeurd")
        for r in rounds:
            c = counts(monitor.store, r.id)
            t.add_row(f"{r.name} ({r.id})", r.area_name, r.level, f"{r.opens} – {r.closes}", str(c["nieuw"]),
                      str(c["goedgekeurd"]))
        out.print(t)

    @round_app.command("show")
    def show(rid: Annotated[str, typer.Argument(help="Id van de ronde.")]) -> None:
        """Het kader van een ronde en hoeveel reacties er zijn."""
        from ..participation import LEVELS, counts
        from .base import open_monitor

        monitor = open_monitor()
        rnd = _get(monitor, rid)
        c = counts(monitor.store, rid)
        out.print(f"[bold]{rnd.name}[/] — {rnd.area_name}" + (" (voorbeeld)" if rnd.example else ""))
        out.print(f"Dit staat al vast: {rnd.fixed}")
        out.print(f"Hier hebben inwoners invloed op: {rnd.influence}")
        out.print(f"Niveau: {rnd.level} — {LEVELS[rnd.level][0]}")
        out.print(f"Wat er met de inbreng gebeurt: {rnd.afterwards}")
        out.print(f"Open van {rnd.opens} tot en met {rnd.closes}; thema's: {', '.join(rnd.themes)}")
        out.print(f"Reacties: {c['nieuw']} te beoordelen, {c['goedgekeurd']} goedgekeurd, {c['afgewezen']} afgewezen.")

    @round_app.command("summary")
    def summary_cmd(
        rid: Annotated[str, typer.Argument(help="Id van de ronde.")],
        as_json: Annotated[bool, typer.Option("--json", help="Als JSON.")] = False,
    ) -> None:
        """De gepubliceerde samenvatting: wat we hoorden naast wat de cijfers zeggen."""
        from ..participation.summary import summary
        from ..web.service import Site
        from .base import open_monitor

        monitor = open_monitor()
        view = summary(Site(monitor), _get(monitor, rid), "nl")
        if as_json:
            out.print(json.dumps(view, ensure_ascii=False, indent=2, default=str), markup=False)
            return
        h = view["heard"]
        if not h["published"]:
            out.print(f"Nog te weinig beoordeelde reacties: een samenvatting komt er bij minstens {h['minimum']}.")
        else:
            out.print(f"{h['n']} inwoners reageerden (goedgekeurde reacties).")
        t = Table("Thema", "Wat we hoorden", "Wat de cijfers zeggen", "Verschil")
        for r in view["rows"]:
            hh = r["heard"]
            heard_text = "–" if hh is None else (f"plaats {hh['position']}; op één: " +
                                                 (str(hh["first"]) if hh["first"] is not None
                                                  else "niet getoond (te klein aantal)"))
            t.add_row(r["label"], heard_text, r["figures_state"], r["diverges"] or "")
        out.print(t)
