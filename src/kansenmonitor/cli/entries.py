"""CLI: report entries (``kansenmonitor report-entry list|approve``) for administrators on the server.

Approving names the account whose approval it is (``--as``): the accounts policy decides whether that account may
approve on the programme, and it can never be the account that entered the entry.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True, highlight=False)


def _fail(message: str) -> None:
    err.print(f"[bold red]Fout:[/] {message}")
    raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    entry_app = typer.Typer(help="Meldingen (uitgaven, bereik, metingen, verhalen, besluiten): tonen en vaststellen.",
                            no_args_is_help=True)
    app.add_typer(entry_app, name="report-entry")

    @entry_app.command("list")
    def entry_list(
        programme: Annotated[str, typer.Option("--programme", help="Programma-id.")],
        state: Annotated[str | None, typer.Option("--state", help="concept, vastgesteld of afgewezen.")] = None,
        json_out: Annotated[bool, typer.Option("--json")] = False,
    ) -> None:
        """Toon de meldingen van een programma."""
        from kansenmonitor import entries as en
        from kansenmonitor.store import Store

        if state is not None and state not in en.STATES:
            _fail(f"'{state}' is geen status; kies uit {', '.join(en.STATES)}.")
        items = [e for e in en.entries(Store.open(create=True), programme) if state is None or e.state == state]
        if json_out:
            print(json.dumps([{**e.to_dict(), "state": e.state,
                               "approval": e.approval.to_dict() if e.approval else None} for e in items],
                             ensure_ascii=False, indent=2))
            return
        t = Table("nummer", "soort", "interventie", "status", "ingevoerd door", "op", "corrigeert")
        for e in items:
            t.add_row(e.id, en.kind_label(e.kind), e.intervention, e.state, e.entered_by, e.entered_at[:10],
                      e.corrects or "")
        out.print(t)

    @entry_app.command("approve")
    def entry_approve(
        entry_id: Annotated[str, typer.Argument(help="Het nummer van de melding.")],
        programme: Annotated[str, typer.Option("--programme", help="Programma-id.")],
        account: Annotated[str, typer.Option("--as", help="Het account dat vaststelt (niet de indiener).")],
        reject: Annotated[bool, typer.Option("--reject", help="Afwijzen in plaats van vaststellen.")] = False,
        reason: Annotated[str | None, typer.Option("--reason", help="Reden (verplicht bij afwijzen).")] = None,
    ) -> None:
        """Stel een melding vast of wijs haar af."""
        from kansenmonitor import entries as en
        from kansenmonitor.accounts import service
        from kansenmonitor.accounts.policy import Target, authorize
        from kansenmonitor.core.errors import KansenmonitorError
        from kansenmonitor.programme import load_programme
        from kansenmonitor.store import Store

        try:
            prog = load_programme(programme)
        except KeyError as exc:
            _fail(str(exc.args[0]))
        store = Store.open(create=True)
        acc = service.get_account(store.engine, account)
        if acc is None or not acc.active:
            _fail(f"er is geen actief account '{account}'.")
        entry = en.get_entry(store, entry_id)
        iv = prog.intervention(entry.intervention) if entry else None
        orgs = tuple(o for o in ([iv.owner, *iv.partners] if iv else []) if o)
        if not authorize(acc.principal(), "approve", Target(programme=prog.id, organisations=orgs)):
            _fail(f"account '{account}' mag in dit programma geen meldingen vaststellen.")
        try:
            result = en.decide(store, prog, entry_id, en.AFGEWEZEN if reject else en.VASTGESTELD, acc.username,
                               reason)
        except KansenmonitorError as exc:
            lines = "\n".join(f"  - {i.message}" + (f" ({i.hint})" if i.hint else "")
                              for i in getattr(exc, "issues", []))
            _fail(f"{getattr(exc, 'summary', exc)}\n{lines}")
        out.print(f"Melding {entry_id} is {result.state}" + (f"; besluit {result.decision_id} staat in het "
                                                             "besluitenlogboek." if result.decision_id else "."))
