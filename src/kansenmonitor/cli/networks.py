"""CLI for networks: ``kansenmonitor network import|list|show``. Thin over :mod:`kansenmonitor.networks`."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .. import format as fmt
from ..core.errors import KansenmonitorError
from .base import fail, open_monitor, out

network_app = typer.Typer(help="Netwerken: een bestand met verbindingen (bijvoorbeeld samenwerking tussen "
                          "organisaties) inlezen en ontleden: delen, centrale knopen, groepen en verbinders.",
                          no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")]
LangOpt = Annotated[str, typer.Option("--lang", help="Taal: nl (standaard) of en.")]


@network_app.command("import")
def import_cmd(
    verbindingen: Annotated[Path, typer.Argument(help="Het bestand met verbindingen (CSV of XLSX): source;target, "
                                                 "en eventueel weight en type.")],
    knopen: Annotated[Path | None, typer.Option("--knopen", help="Bestand met de knopen: id;label;kind;area.")]
    = None,
    naam: Annotated[str | None, typer.Option("--naam", help="Korte naam (kleine letters, cijfers, streepjes); "
                                             "standaard de bestandsnaam.")] = None,
    titel: Annotated[str | None, typer.Option("--titel", help="Titel op de pagina's.")] = None,
    synthetisch: Annotated[bool, typer.Option("--synthetisch", help="Markeer de gegevens als verzonnen.")] = False,
) -> None:
    """Een netwerk inlezen (alles of niets). Opnieuw inlezen onder dezelfde naam geeft een nieuwe versie."""
    from ..networks.importer import import_network

    monitor = open_monitor()
    try:
        r = import_network(monitor, verbindingen, knopen, naam, titel, synthetisch)
    except (KansenmonitorError, ValueError) as exc:
        fail(exc)
    mark = " (synthetisch)" if r["synthetisch"] else ""
    out.print(f"Netwerk {r['naam']}{mark}, versie {r['versie']}: {fmt.number(r['knopen'], 0)} knopen en "
              f"{fmt.number(r['verbindingen'], 0)} verbindingen ingelezen.", highlight=False)


@network_app.command("list")
def list_cmd(as_json: JsonOpt = False) -> None:
    """Ingelezen netwerken."""
    from ..networks import repository as repo

    nets = repo.networks(open_monitor())
    if as_json:
        typer.echo(json.dumps([asdict(n) for n in nets], ensure_ascii=False, indent=2))
        return
    if not nets:
        out.print("Er is nog geen netwerk ingelezen.")
        return
    t = Table(title="Netwerken")
    for h in ("Naam", "Titel", "Versie", "Knopen", "Verbindingen", "Ingelezen"):
        t.add_column(h)
    for n in nets:
        t.add_row(n.name, n.title + (" (synthetisch)" if n.synthetic else ""), str(n.version), str(n.n_nodes),
                  str(n.n_edges), n.imported_at)
    out.print(t)


@network_app.command("show")
def show_cmd(
    naam: Annotated[str, typer.Argument(help="Naam van het netwerk.")],
    as_json: JsonOpt = False,
    lang: LangOpt = "nl",
) -> None:
    """De ontleding van een netwerk: delen, groepen, centrale knopen en verbinders."""
    from ..networks import repository as repo
    from ..networks.kinds import kind_label

    if lang not in ("nl", "en"):
        fail(ValueError(f"--lang '{lang}' kan niet; kies nl of en"))
    try:
        net, a = repo.analysed(open_monitor(), naam)
    except (KansenmonitorError, LookupError) as exc:
        fail(exc)
    if as_json:
        typer.echo(json.dumps({"netwerk": asdict(net), "delen": a.components, "groepen": a.communities,
                               "modulariteit": a.modularity, "dichtheid": a.density,
                               "knopen": [asdict(n) for n in a.nodes]}, ensure_ascii=False, indent=2))
        return
    en = lang == "en"
    out.print(f"[bold]{net.title}[/] ({'version' if en else 'versie'} {net.version})", highlight=False)
    out.print((f"{net.n_nodes} nodes, {net.n_edges} links, {a.components} separate parts, {a.communities} groups."
               if en else f"{net.n_nodes} knopen, {net.n_edges} verbindingen, {a.components} losse delen, "
               f"{a.communities} groepen."), highlight=False)
    t = Table(title="Nodes" if en else "Knopen")
    for h in (("Knoop", "Node"), ("Soort", "Kind"), ("Verbindingen", "Links"), ("Tussenpositie", "Betweenness"),
              ("Groep", "Group"), ("Verbinder", "Broker")):
        t.add_column(h[1] if en else h[0])
    for n in a.nodes:
        t.add_row(n.label, kind_label(n.kind, lang), str(n.degree), fmt.number(n.betweenness, 3, lang), str(n.community),
                  ("yes" if en else "ja") if n.broker else "")
    out.print(t)
    if net.synthetic:
        out.print("Synthetic data: these links were made up." if en else
                  "Synthetische gegevens: deze verbindingen zijn verzonnen.", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``network`` to the main CLI."""
    app.add_typer(network_app, name="network")
