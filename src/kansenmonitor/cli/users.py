"""CLI: accounts and API tokens (``kansenmonitor users``) and the audit trail (``kansenmonitor history``).

``users add`` makes the first administrator on a new server. Passwords are asked without echo (or read from
standard input with ``--password-stdin``), never taken as an option, so they stay out of shell history.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True, highlight=False)


def _engine():
    from ..core.errors import KansenmonitorError
    from ..store import Store
    from .base import fail

    try:
        return Store.open(create=True).engine
    except KansenmonitorError as exc:
        fail(exc)


def _run(fn, *args, **kwargs):
    from ..core.errors import KansenmonitorError
    from .base import fail

    try:
        return fn(*args, **kwargs)
    except KansenmonitorError as exc:
        fail(exc)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Wachtwoord", hide_input=True, confirmation_prompt="Nog een keer")


def _known_programmes() -> set[str]:
    from ..programme import available_ids

    return set(available_ids())


def register(app: typer.Typer) -> None:
    users_app = typer.Typer(help="Accounts, rollen en API-tokens van de website.", no_args_is_help=True)
    history_app = typer.Typer(help="De geschiedenis: wie wijzigde wat, wanneer en waarom.", no_args_is_help=True)
    app.add_typer(users_app, name="users")
    app.add_typer(history_app, name="history")

    @users_app.command("add")
    def users_add(
        username: Annotated[str, typer.Argument(help="Gebruikersnaam (kleine letters), bijv. j.jansen.")],
        role: Annotated[str, typer.Option("--role", help="lezer, partner, programma-eigenaar, analist of beheerder.")],
        name: Annotated[str | None, typer.Option("--name", help="Naam zoals die op de website staat.")] = None,
        organisation: Annotated[str | None, typer.Option("--organisation", help="Organisatie (voor een partner).")] = None,
        programme: Annotated[str | None, typer.Option("--programme", help="Programma-id (voor een programma-eigenaar).")] = None,
        password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Lees het wachtwoord van standaardinvoer.")] = False,
        sso: Annotated[bool, typer.Option("--sso", help="Zonder wachtwoord: aanmelden alleen via de eigen organisatie "
                                          "(OpenID Connect), onder deze gebruikersnaam.")] = False,
    ) -> None:
        """Maak een account (de eerste beheerder maakt u zo op de server)."""
        from ..accounts import service

        engine = _engine()
        password = None if sso else _password(password_stdin)
        acc = _run(service.add_account, engine, username, password, role, name, organisation,
                   programme, known_programmes=_known_programmes(), sso=sso)
        how = " (aanmelden via de eigen organisatie)" if sso else ""
        out.print(f"Account '{acc.username}' gemaakt met rol {service.role_label(acc.role)}{how}.")

    @users_app.command("list")
    def users_list(as_json: Annotated[bool, typer.Option("--json", help="Als JSON.")] = False) -> None:
        """Toon alle accounts met rol en status."""
        from ..accounts import service

        accs = service.list_accounts(_engine())
        if as_json:
            out.print_json(json.dumps([a.public() for a in accs], ensure_ascii=False))
            return
        if not accs:
            out.print("Er zijn nog geen accounts. Maak de eerste beheerder met "
                      "'kansenmonitor users add NAAM --role beheerder'.")
            return
        table = Table("gebruikersnaam", "naam", "rol", "organisatie/programma", "status")
        for a in accs:
            status = "aan" if a.active else "uitgeschakeld"
            if a.locked_until:
                status += f" (geblokkeerd tot {a.locked_until})"
            table.add_row(a.username, a.display_name, service.role_label(a.role), a.organisation or a.programme or "",
                          status)
        out.print(table)

    @users_app.command("disable")
    def users_disable(username: str, reason: Annotated[str | None, typer.Option("--reason", help="Waarom.")] = None) -> None:
        """Zet een account uit (de sessies van het account eindigen meteen)."""
        from ..accounts import service

        acc = _run(service.set_active, _engine(), username, False, reason=reason)
        out.print(f"Account '{acc.username}' is uitgeschakeld.")

    @users_app.command("enable")
    def users_enable(username: str) -> None:
        """Zet een uitgeschakeld account weer aan."""
        from ..accounts import service

        acc = _run(service.set_active, _engine(), username, True)
        out.print(f"Account '{acc.username}' staat weer aan.")

    @users_app.command("reset")
    def users_reset(
        username: str,
        password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Lees het wachtwoord van standaardinvoer.")] = False,
    ) -> None:
        """Geef een account een nieuw wachtwoord en hef een blokkade op."""
        from ..accounts import service

        engine = _engine()
        acc = _run(service.reset_password, engine, username, _password(password_stdin))
        out.print(f"Nieuw wachtwoord voor '{acc.username}' ingesteld; eerdere sessies zijn beëindigd.")

    @users_app.command("role")
    def users_role(
        username: str,
        role: Annotated[str, typer.Argument(help="lezer, partner, programma-eigenaar, analist of beheerder.")],
        organisation: Annotated[str | None, typer.Option("--organisation", help="Organisatie (voor een partner).")] = None,
        programme: Annotated[str | None, typer.Option("--programme", help="Programma-id (voor een programma-eigenaar).")] = None,
    ) -> None:
        """Geef een account een andere rol."""
        from ..accounts import service

        acc = _run(service.set_role, _engine(), username, role, organisation, programme,
                   known_programmes=_known_programmes())
        out.print(f"'{acc.username}' heeft nu de rol {service.role_label(acc.role)}.")

    @users_app.command("token")
    def users_token(
        username: str,
        label: Annotated[str, typer.Option("--label", help="Waarvoor het token is, bijv. 'dashboard GGD'.")],
        scope: Annotated[str, typer.Option("--scope", help="lezen of schrijven.")] = "lezen",
    ) -> None:
        """Maak een API-token voor /v1 (het token ziet u alleen nu)."""
        from ..accounts import service

        raw = _run(service.create_token, _engine(), username, label, scope)
        out.print(f"Token '{label}' ({scope}) voor '{username}'. Bewaar het goed; het wordt niet nog eens getoond:")
        typer.echo(raw)

    @users_app.command("tokens")
    def users_tokens(username: Annotated[str | None, typer.Argument(help="Alleen van dit account.")] = None) -> None:
        """Toon de API-tokens (namen en scope, nooit de tokens zelf)."""
        from ..accounts import service

        rows = service.list_tokens(_engine(), username)
        if not rows:
            out.print("Er zijn geen API-tokens.")
            return
        table = Table("account", "token", "scope", "gemaakt", "status")
        for r in rows:
            table.add_row(r["username"], r["label"], r["scope"], r["created_at"],
                          "ingetrokken" if r["revoked"] else "geldig")
        out.print(table)

    @users_app.command("revoke")
    def users_revoke(username: str, label: Annotated[str, typer.Option("--label", help="Naam van het token.")]) -> None:
        """Trek een API-token in."""
        from ..accounts import service

        n = _run(service.revoke_tokens, _engine(), username, label)
        if not n:
            err.print(f"[bold red]Fout:[/] '{username}' heeft geen geldig token '{label}'. "
                      "Zie 'kansenmonitor users tokens'.")
            raise typer.Exit(2)
        out.print(f"Token '{label}' van '{username}' is ingetrokken.")

    @history_app.command("show")
    def history_show(
        kind: Annotated[str, typer.Argument(help="Soort object, bijv. account, evaluation, entry.")],
        object_id: Annotated[str, typer.Argument(help="Id van het object.")],
    ) -> None:
        """Toon de geschiedenis van één object, oudste eerst."""
        from ..accounts import audit

        rows = audit.history(_engine(), kind, object_id)
        if not rows:
            out.print(f"Er is geen geschiedenis van {kind} '{object_id}'.")
            return
        for r in rows:
            why = f" — waarom: {r['reason']}" if r["reason"] else ""
            out.print(f"{r['at']}  {r['actor']}  {audit.action_label(r['action'])} ({r['action']}){why}",
                      highlight=False, markup=False)
            for label, key in (("voor", "before"), ("na", "after")):
                if r[key] is not None:
                    out.print(f"    {label}: {json.dumps(r[key], ensure_ascii=False, sort_keys=True)}",
                              highlight=False, markup=False)

    @history_app.command("export")
    def history_export(
        output: Annotated[Path, typer.Option("-o", "--output", help="CSV-bestand om te schrijven.")],
        since: Annotated[str | None, typer.Option("--since", help="Vanaf datum (JJJJ-MM-DD).")] = None,
        kind: Annotated[str | None, typer.Option("--kind", help="Alleen deze soort object.")] = None,
    ) -> None:
        """Schrijf de hele geschiedenis (of een deel) als CSV."""
        from ..accounts import audit

        rows = audit.export_rows(audit.entries(_engine(), since, kind))
        with open(output, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=audit.EXPORT_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        out.print(f"{len(rows)} regels geschreven naar {output}.")
