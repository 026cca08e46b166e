"""``kansenmonitor serve``: the web application on the store in ``$KANSENMONITOR_HOME``."""

from __future__ import annotations

import os
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[str, typer.Option("--host", help="Adres om op te luisteren.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="Poort.")] = 8000,
        warm: Annotated[bool, typer.Option("--warm/--no-warm", help="Bereid bij het starten alle profielen voor, zodat een eerste bezoek snel is.")] = True,
        read_only: Annotated[bool, typer.Option("--read-only", help="Niets opslaan via de website (alleen lezen).")] = False,
        production: Annotated[bool, typer.Option("--production", help="Als server voor de gemeente: vereist een geheime "
                                                 "sleutel ($KANSENMONITOR_SECRET_KEY) en een database-URL; "
                                                 "aanmeldcookies alleen via https.")] = False,
        public_url: Annotated[str | None, typer.Option(
            "--public-url", help="Het adres waarop bezoekers de website openen, bijv. https://kansen.enschede.nl.")]
        = None,
        workers: Annotated[int, typer.Option(
            "--workers", help="Aantal serverprocessen. Standaard 1 (de voorbeelddatabase, SQLite). Meer processen "
            "helpen als veel bezoekers tegelijk pagina's opvragen en de computer kernen vrij heeft (niet meer "
            "processen dan kernen; meet het met bench/bench_server.py); elk proces bereidt zijn eigen profielen "
            "voor en gebruikt zijn eigen geheugen. Met meer dan 1 proces raden wij PostgreSQL aan: SQLite laat "
            "maar één proces tegelijk opslaan.")] = 1,
    ) -> None:
        """Start de website en de open API (/v1) op de database in $KANSENMONITOR_HOME."""
        import uvicorn

        from ..web.accounts.security import production_problems
        from .base import err, fail, open_monitor

        if production:
            problems = production_problems()
            if problems:
                err.print("[bold red]Fout:[/] de server start niet in productie:", highlight=False)
                for p in problems:
                    err.print(f"  - {p}", highlight=False, markup=False)
                raise typer.Exit(2)
        if production:
            from ..core.errors import KansenmonitorError
            from ..store import Store, migrate

            try:
                probe = Store.open(create=False, upgrade=False)
                with probe.engine.connect() as conn:
                    state = migrate.status(conn)
                probe.close()
            except KansenmonitorError as exc:
                fail(exc)
            if state != "current":
                why = ("nieuwer dan deze kansenmonitor; werk kansenmonitor bij" if state == "ahead" else
                       "niet bijgewerkt; maak een reservekopie en voer 'kansenmonitor db upgrade' uit")
                err.print(f"[bold red]Fout:[/] de server start niet in productie: het schema van de database is {why}.",
                          highlight=False)
                raise typer.Exit(2)
        from urllib.parse import urlsplit

        from ..web.server import ENV_OPTIONS, ServeOptions, build_app, share_secret_key

        if workers < 1:
            err.print("[bold red]Fout:[/] --workers moet 1 of meer zijn.", highlight=False)
            raise typer.Exit(2)
        hosts = {host.lower(), f"{host.lower()}:{port}", "127.0.0.1", f"127.0.0.1:{port}", "localhost",
                 f"localhost:{port}"}
        if public_url:
            hosts.add(urlsplit(public_url).netloc.lower())
        options = ServeOptions(read_only=read_only, production=production, warm=warm, allowed_hosts=sorted(hosts))
        monitor = open_monitor()  # also when the workers open their own: a missing store is reported here, once
        if warm:
            typer.echo("Profielen voorbereiden …")
        if workers == 1:
            try:
                web_app = build_app(options, monitor, echo=typer.echo)
            except Exception as exc:  # pragma: no cover - reported to the user
                fail(exc)
            typer.echo(f"Kansenmonitor draait op http://{host}:{port}/ (stoppen: Ctrl+C)")
            uvicorn.run(web_app, host=host, port=port, log_level="warning")
            return
        monitor.close()
        # every worker builds its own app (own store connection and caches) from the options and the one secret key
        # in the environment it inherits
        share_secret_key()
        os.environ[ENV_OPTIONS] = options.to_env()
        typer.echo(f"Kansenmonitor draait op http://{host}:{port}/ met {workers} processen (stoppen: Ctrl+C)")
        uvicorn.run("kansenmonitor.web.server:worker_app", factory=True, host=host, port=port, workers=workers,
                    log_level="warning")
