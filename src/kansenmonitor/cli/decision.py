"""CLI: the decision log (``kansenmonitor decision``) and saved evaluations (``kansenmonitor evaluations``)."""

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
    decision_app = typer.Typer(help="Besluiten per interventie: doorgaan, bijstellen of stoppen, met onderbouwing.",
                               no_args_is_help=True)
    evaluations_app = typer.Typer(help="Bewaarde effectevaluaties.", no_args_is_help=True)
    app.add_typer(decision_app, name="decision")
    app.add_typer(evaluations_app, name="evaluations")

    @decision_app.command("add")
    def decision_add(
        programme: Annotated[str, typer.Option("--programme", help="Programma-id.")],
        intervention: Annotated[str, typer.Option("--intervention", help="Interventie-id.")],
        decision: Annotated[str, typer.Option("--decision", help="doorgaan, bijstellen of stoppen.")],
        rationale: Annotated[str, typer.Option("--rationale", help="Waarom: wat lieten de gegevens zien?")],
        by: Annotated[str, typer.Option("--by", help="Wie besloot (persoon of gremium).")],
        on: Annotated[str | None, typer.Option("--date", help="Datum van het besluit (JJJJ-MM-DD).")] = None,
        evidence: Annotated[list[str] | None, typer.Option(
            "--evidence", help="Onderbouwing, bijv. evaluation:ID, indicator:ID, narrative:ID (mag vaker).")] = None,
        note: Annotated[str | None, typer.Option("--note")] = None,
    ) -> None:
        """Leg een besluit over een interventie vast."""
        from kansenmonitor.core.catalogue import load_catalogue
        from kansenmonitor.core.errors import KansenmonitorError
        from kansenmonitor.programme import load_programme
        from kansenmonitor.programme.decisions import parse_evidence, record_decision
        from kansenmonitor.store import Store, default_home

        try:
            prog = load_programme(programme)
        except KeyError as exc:
            _fail(str(exc.args[0]))
        try:
            store = Store.open(create=True)
            cat = load_catalogue(home=default_home())
            result = record_decision(store, prog, intervention, decision, rationale, by, on,
                                     [parse_evidence(e) for e in evidence or []], note, set(cat.indicators))
        except KansenmonitorError as exc:
            lines = "\n".join(f"  - {i}" for i in getattr(exc, "issues", []))
            _fail(f"{getattr(exc, 'summary', exc)}\n{lines}")
        out.print(f"Besluit vastgelegd: {result.id} ({result.to_dict()['decision_label']}, {result.date}).")

    @decision_app.command("list")
    def decision_list(
        programme: Annotated[str, typer.Option("--programme", help="Programma-id.")],
        intervention: Annotated[str | None, typer.Option("--intervention")] = None,
        json_out: Annotated[bool, typer.Option("--json")] = False,
        lang: Annotated[str, typer.Option("--lang")] = "nl",
    ) -> None:
        """Toon het besluitenlogboek."""
        from kansenmonitor.programme.decisions import decisions_for
        from kansenmonitor.store import Store

        log = decisions_for(Store.open(create=True), programme, intervention)
        if json_out:
            print(json.dumps([d.to_dict(lang) for d in log], ensure_ascii=False, indent=2))
            return
        t = Table("datum", "interventie", "besluit", "door", "waarom", "onderbouwing")
        for d in log:
            t.add_row(d.date, d.intervention, d.to_dict(lang)["decision_label"], d.decided_by, d.rationale,
                      ", ".join(f"{e.kind}:{e.ref}" for e in d.evidence))
        out.print(t)
        if not log:
            out.print("Nog geen besluiten vastgelegd.")

    @evaluations_app.command("list")
    def evaluations_list(json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
        """Toon de bewaarde evaluaties."""
        from kansenmonitor.store import Store

        docs = Store.open(create=True).documents("evaluation")
        if json_out:
            print(json.dumps(list(docs.values()), ensure_ascii=False, indent=2))
            return
        t = Table("naam", "bewaard", "methode", "bron", "schatting")
        for name, body in docs.items():
            src = body.get("source", {})
            t.add_row(name, body.get("saved_on", ""), body.get("method", ""),
                      src.get("intervention") or src.get("data", ""), str(body.get("result", {}).get("estimate")))
        out.print(t)

    @evaluations_app.command("show")
    def evaluations_show(name: Annotated[str, typer.Argument(help="Naam van de evaluatie.")]) -> None:
        """Toon één bewaarde evaluatie als JSON."""
        from kansenmonitor.store import Store

        body = Store.open(create=True).get_document("evaluation", name)
        if body is None:
            _fail(f"evaluatie '{name}' is niet bewaard; zie 'kansenmonitor evaluations list'.")
        print(json.dumps(body, ensure_ascii=False, indent=2))
