"""The ``kansenmonitor`` command's shared parts: the Typer app, its sub-groups, the consoles and error exit."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..core.errors import KansenmonitorError, ValidationError
from ..store.store import ENV_HOME, ENV_URL

app = typer.Typer(
    name="kansenmonitor",
    help="Kansenmonitor: zie waar kansen ongelijk zijn, investeer ongelijk, volg en vertel wat het doet.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
import_app = typer.Typer(help="Gegevens inlezen (alles of niets: een fout bestand verandert niets).", no_args_is_help=True)
areas_app = typer.Typer(help="Eigen gebieden (stadsdelen, focusgebieden) als verzamelingen wijken of buurten.",
                        no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(areas_app, name="areas")

out = Console()
err = Console(stderr=True, soft_wrap=True)


def fail(exc: Exception, code: int = 2) -> None:
    """Print an error the user can act on and exit with a non-zero code."""
    if isinstance(exc, ValidationError):
        err.print(f"[bold red]Fout:[/] {exc.summary}", highlight=False)
        for issue in exc.issues[:50]:
            err.print(f"  - {issue}", highlight=False, markup=False)
        if len(exc.issues) > 50:
            err.print(f"  … en nog {len(exc.issues) - 50} problemen")
    else:
        err.print(f"[bold red]Fout:[/] {exc}", highlight=False)
    raise typer.Exit(code)


def open_monitor(create: bool = False):
    from ..monitor import Monitor

    try:
        return Monitor.open(create=create)
    except KansenmonitorError as exc:
        fail(exc)


@app.callback()
def main_options(
    home: Annotated[Path | None, typer.Option("--home", help="Gegevensmap (standaard $KANSENMONITOR_HOME).")] = None,
    database_url: Annotated[str | None, typer.Option("--database-url",
                                                     help="PostgreSQL-URL (standaard $KANSENMONITOR_DATABASE_URL).")] = None,
) -> None:
    """Kansenmonitor voor gemeenten: CBS-cijfers per gemeente, wijk en buurt."""
    if home:
        os.environ[ENV_HOME] = str(home)
    if database_url:
        os.environ[ENV_URL] = database_url
