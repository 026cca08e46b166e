"""``kansenmonitor serve``: the web application on the store in ``$KANSENMONITOR_HOME``."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[str, typer.Option("--host", help="Adres om op te luisteren.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="Poort.")] = 8000,
        warm: Annotated[bool, typer.Option("--warm/--no-warm", help="Bereken profielen vooraf op de achtergrond.")] = True,
        read_only: Annotated[bool, typer.Option("--read-only", help="Niets opslaan via de website (alleen lezen).")] = False,
    ) -> None:
        """Start de website en de open API (/v1) op de database in $KANSENMONITOR_HOME."""
        import uvicorn

        from ..web.app import create_app
        from .base import fail, open_monitor

        monitor = open_monitor()
        try:
            web_app = create_app(monitor)
        except Exception as exc:  # pragma: no cover - reported to the user
            fail(exc)
        web_app.state.read_only = read_only
        if warm:
            import threading

            # warm the caches in the background (JIT-like start-up work, not on a user's first click)
            threading.Thread(target=web_app.state.site.warm_up, name="warm-up", daemon=True).start()
        typer.echo(f"Kansenmonitor draait op http://{host}:{port}/ (stoppen: Ctrl+C)")
        uvicorn.run(web_app, host=host, port=port, log_level="warning")
