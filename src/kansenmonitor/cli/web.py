"""``kansenmonitor serve``: the web application on the store in ``$KANSENMONITOR_HOME``."""

from __future__ import annotations

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
    ) -> None:
        """Start de website en de open API (/v1) op de database in $KANSENMONITOR_HOME."""
        import uvicorn

        from ..web.accounts.security import production_problems
        from ..web.app import create_app
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
        monitor = open_monitor()
        from urllib.parse import urlsplit

        hosts = {host.lower(), f"{host.lower()}:{port}", "127.0.0.1", f"127.0.0.1:{port}", "localhost",
                 f"localhost:{port}"}
        if public_url:
            hosts.add(urlsplit(public_url).netloc.lower())
        try:
            web_app = create_app(monitor, read_only=read_only, allowed_hosts=hosts)
        except Exception as exc:  # pragma: no cover - reported to the user
            fail(exc)
        web_app.state.production = production
        if warm:
            import threading
            import time

            from ..web.situation import prepare

            # before the first visitor: every profile the site links to (newest indeling), from the store in bulk;
            # the older indelingen follow in the background
            typer.echo("Profielen voorbereiden …")
            started = time.perf_counter()
            n = prepare(web_app.state.site, newest=True)
            typer.echo(f"{n} profielen klaar in {time.perf_counter() - started:.0f} s.")
            threading.Thread(target=prepare, args=(web_app.state.site, False), name="prepare", daemon=True).start()
            web_app.state.site.on_refresh = prepare  # after an import while the server runs: again, in the background
        typer.echo(f"Kansenmonitor draait op http://{host}:{port}/ (stoppen: Ctrl+C)")
        uvicorn.run(web_app, host=host, port=port, log_level="warning")
