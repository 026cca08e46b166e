"""CLI: the database schema (``kansenmonitor db upgrade|current|history``), for the administrator of a server.

Opening a store brings it to the newest schema by itself; ``serve --production`` does not, so that an upgrade of a
municipal database is a deliberate step (after a backup) with ``kansenmonitor db upgrade``.
"""

from __future__ import annotations

import typer

_STATES = {
    "empty": "leeg (nog geen tabellen)",
    "legacy": "gemaakt door een versie van voor de migraties",
    "behind": "ouder dan deze kansenmonitor: voer 'kansenmonitor db upgrade' uit",
    "current": "bijgewerkt",
    "ahead": "nieuwer dan deze kansenmonitor: werk kansenmonitor bij",
}


def _engine():
    from ..core.errors import KansenmonitorError
    from ..store import Store
    from .base import fail

    try:
        return Store.open(create=False, upgrade=False).engine
    except KansenmonitorError as exc:
        fail(exc)


def register(app: typer.Typer) -> None:
    db_app = typer.Typer(help="Het schema van de database: bijwerken en bekijken.", no_args_is_help=True)
    app.add_typer(db_app, name="db")

    @db_app.command("upgrade")
    def upgrade() -> None:
        """Werk het schema van de database bij naar deze versie van kansenmonitor. Maak eerst een reservekopie."""
        from ..core.errors import KansenmonitorError
        from ..store import migrate
        from .base import fail, out

        engine = _engine()
        try:
            state, rev = migrate.upgrade(engine)
        except KansenmonitorError as exc:
            fail(exc)
        if state == "current":
            out.print(f"De database was al bijgewerkt (schemaversie {rev}).")
        else:
            out.print(f"De database is bijgewerkt naar schemaversie {rev}.")

    @db_app.command("current")
    def current() -> None:
        """Toon de schemaversie van de database en of die bij deze kansenmonitor past."""
        from ..store import migrate
        from .base import out

        engine = _engine()
        with engine.connect() as conn:
            state = migrate.status(conn)
            rev = migrate.revision_of(conn)
        out.print(f"Schemaversie van de database: {rev or 'geen'} ({_STATES[state]}).")
        out.print(f"Schemaversie van deze kansenmonitor: {migrate.head()}.")
        if state not in ("current",):
            raise typer.Exit(1)

    @db_app.command("history")
    def history() -> None:
        """Toon alle schemaversies die deze kansenmonitor kent, de oudste eerst."""
        from ..store import migrate
        from .base import out

        for rev, _previous, doc in migrate.history():
            out.print(f"{rev}  {doc}", markup=False, highlight=False)
