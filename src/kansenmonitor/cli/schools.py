"""CLI for schools and youth: ``kansenmonitor schools import|list|show|select|scenarios|template|youth|
youth-template``. Thin: every number comes from :mod:`kansenmonitor.schools`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .. import format as fmt
from ..core.errors import KansenmonitorError
from .base import fail, open_monitor, out

schools_app = typer.Typer(help="Scholen als eigen eenheden: register, cijfers per school, kiezen naar regel, "
                          "klas-gegevens en jeugdindicatoren 0-27 jaar.", no_args_is_help=True)

LangOpt = Annotated[str, typer.Option("--lang", help="Taal: nl (standaard) of en.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")]


def _lang(lang: str) -> str:
    if lang not in ("nl", "en"):
        fail(ValueError(f"--lang '{lang}' kan niet; kies nl of en"))
    return lang


def _echo_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@schools_app.command("import")
def import_cmd(
    files: Annotated[list[Path], typer.Argument(help="Een of meer schoolbestanden (DUO, CBS of het klas-sjabloon).")],
    soort: Annotated[str | None, typer.Option("--soort", help="Soort bestand (standaard: herkend aan de kolommen).")]
    = None,
    jaar: Annotated[int | None, typer.Option("--jaar", help="Jaar van een adressenlijst of teljaar.")] = None,
    gemeente: Annotated[list[str] | None, typer.Option("--gemeente", help="Alleen cijfers van scholen in deze "
                                                       "gemeente bewaren (herhaalbaar; standaard: alle).")] = None,
    sla_onbekende_over: Annotated[bool, typer.Option("--sla-onbekende-over", help="Rijen van scholen die niet in het "
                                                     "register staan overslaan in plaats van het bestand te weigeren.")]
    = False,
) -> None:
    """Schoolbestanden inlezen (alles of niets per bestand)."""
    from ..schools import repository as repo

    monitor = open_monitor()
    for f in files:
        try:
            r = repo.import_file(monitor, f, kind=soort, year=jaar, gemeenten=gemeente or None,
                                 skip_unknown=sla_onbekende_over)
        except (KansenmonitorError, ValueError) as exc:
            fail(exc)
        parts = [f"{r['bestand']} ({r['soort']}): {fmt.number(r['rijen'], 0)} rijen"]
        if "scholen" in r:
            parts.append(f"{fmt.number(r['scholen'], 0)} scholen in het register")
        if "met_buurt" in r:
            parts.append(f"{fmt.number(r['met_buurt'], 0)} met buurt")
        parts.append(f"{fmt.number(r['waarnemingen'], 0)} waarden opgeslagen")
        if r.get("klasregels"):
            parts.append(f"{fmt.number(r['klasregels'], 0)} klasregels")
        out.print(", ".join(parts) + ".", highlight=False)
        for w in r["waarschuwingen"]:
            out.print(f"  Let op: {w}", highlight=False)


@schools_app.command("list")
def list_cmd(
    gemeente: Annotated[str | None, typer.Option("--gemeente", help="Gemeentecode, bv. GM0153.")] = None,
    sector: Annotated[str | None, typer.Option("--sector", help="po, sbo, so, vso of vo.")] = None,
    alle: Annotated[bool, typer.Option("--alle", help="Ook gesloten vestigingen.")] = False,
    as_json: JsonOpt = False,
    lang: LangOpt = "nl",
) -> None:
    """Scholen in het register, met de buurt waarin ze staan."""
    from ..schools import repository as repo

    _lang(lang)
    monitor = open_monitor()
    reg = repo.register(monitor, gemeente=gemeente)
    if sector:
        reg = reg[reg["sector"] == sector]
    if not alle:
        reg = reg[reg["status"] == "open"]
    names = {r.code: r.name for r in monitor.regions(level="buurt")}
    cols = ["code", "name", "sector", "gemeente", "buurt", "location_method", "status"]
    if as_json:
        recs = reg[cols].astype(object).where(reg[cols].notna(), None).to_dict("records")
        for r in recs:
            r["buurt_naam"] = names.get(r["buurt"])
        _echo_json(recs)
        return
    t = Table(title="Scholen" if lang == "nl" else "Schools")
    for h in (("Code", "Code"), ("Naam", "Name"), ("Soort", "Type"), ("Gemeente", "Municipality"),
              ("Buurt (scholen in deze buurt)", "Buurt"), ("Plaats bepaald", "Location")):
        t.add_column(h[1] if lang == "en" else h[0])
    from ..schools.locate import METHOD_LABELS

    for r in reg.itertuples():
        bu = names.get(r.buurt, "—") if isinstance(r.buurt, str) else "—"
        method = METHOD_LABELS.get(r.location_method or "none", METHOD_LABELS["none"])
        t.add_row(r.code, r.name, r.sector, r.gemeente or "—", bu, method[1] if lang == "en" else method[0])
    out.print(t)
    out.print(f"{len(reg)} scholen." if lang == "nl" else f"{len(reg)} schools.")


@schools_app.command("show")
def show_cmd(code: Annotated[str, typer.Argument(help="Vestigingscode (BRIN + 2 cijfers), bv. 19NE00.")],
             as_json: JsonOpt = False, lang: LangOpt = "nl") -> None:
    """Profiel van één school: cijfers, buurt, klas-gegevens, geschiedenis, interventies."""
    from dataclasses import asdict

    from ..schools.profile import school_profile

    _lang(lang)
    monitor = open_monitor()
    try:
        p = school_profile(monitor, code, lang)
    except (KansenmonitorError, LookupError) as exc:
        fail(exc)
    if as_json:
        _echo_json(asdict(p))
        return
    s = p.school
    out.print(f"[bold]{s['name']}[/] ({s['code']}), {s['sector']}, {s.get('denomination') or '—'}", highlight=False)
    addr = " ".join(str(x) for x in (s.get("street"), s.get("house_number"), s.get("postcode"), s.get("place")) if x)
    out.print(f"Adres: {addr or '—'}" if lang == "nl" else f"Address: {addr or '—'}", highlight=False)
    where = p.buurt["name"] if p.buurt else "—"
    out.print(f"Buurt: {where} ({p.location_text})", highlight=False)
    t = Table(title="Cijfers van de school" if lang == "nl" else "School figures")
    for h in (("Indicator", "Indicator"), ("Jaar", "Year"), ("Waarde", "Value"), ("Bron", "Source")):
        t.add_column(h[1] if lang == "en" else h[0])
    for r in p.rows:
        v = fmt.number(r["value"], r["decimals"], lang) + f" {r['unit']}" if r["value"] is not None else (
            "niet getoond" if lang == "nl" else "withheld") if r["status"] == "suppressed" else "—"
        t.add_row(r["label"], str(r["period"]), v, r["source_ref"] or "")
    out.print(t)
    for sc in p.scenarios:
        mark = ("gekozen" if sc["selected"] else "niet gekozen") if lang == "nl" else (
            "selected" if sc["selected"] else "not selected")
        out.print(f"  {sc['name']}: {mark}", highlight=False)


@schools_app.command("select")
def select_cmd(
    gemeente: Annotated[str, typer.Option("--gemeente", help="Gemeentecode, bv. GM0153.")],
    regel: Annotated[str, typer.Option("--regel", help="ocw:5|10|15, top-pct-population:15, top-n:10, "
                                       "threshold:vve>75 …")],
    budget: Annotated[float | None, typer.Option("--budget", help="Te verdelen bedrag in euro.")] = None,
    verdeling: Annotated[str, typer.Option("--verdeling", help="gewogen (per gewogen leerling), leerling, school "
                                           "of behoefte.")] = "gewogen",
    vergelijk: Annotated[str | None, typer.Option("--vergelijk", help="Tweede regel om naast de eerste te "
                                                  "zetten.")] = None,
    export: Annotated[Path | None, typer.Option("--export", help="Schrijf de tabel naar .csv of .xlsx.")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "nl",
) -> None:
    """Scholen kiezen met een regel en een budget verdelen (met een tweede regel ernaast)."""
    from ..indices.targeting import RuleError
    from ..schools.selection import run

    _lang(lang)
    monitor = open_monitor()
    try:
        t = run(monitor, gemeente, regel, budget, verdeling, vergelijk)
    except (RuleError, KansenmonitorError) as exc:
        fail(exc)
    frame = t.selection.to_frame(lang)
    if as_json:
        data = {"regel": regel, "gekozen": t.selection.selected, "selectie": t.selection.to_dict(lang)}
        if t.allocation is not None:
            data["verdeling"] = t.allocation.to_dict(lang)
        if t.comparison is not None:
            data["vergelijking"] = t.comparison.to_dict(lang)
        _echo_json(data)
        return
    chosen = frame[frame["selected"]]
    out.print(f"Regel {regel}: {len(chosen)} van {len(frame)} scholen gekozen." if lang == "nl" else
              f"Rule {regel}: {len(chosen)} of {len(frame)} schools selected.", highlight=False)
    tab = Table()
    for h in ("Code", "Naam" if lang == "nl" else "Name", "Leerlingen" if lang == "nl" else "Pupils",
              "Score/100", "Bedrag" if lang == "nl" else "Amount"):
        tab.add_column(h)
    amounts = t.allocation.frame["amount"] if t.allocation is not None else {}
    for code, r in chosen.iterrows():
        tab.add_row(code, str(r["name"]), fmt.number(r["leerlingen"], 0, lang),
                    fmt.number(r["achterstandsscore_per_100"], 1, lang),
                    fmt.money(amounts.get(code), lang) if len(amounts) else "—")
    out.print(tab)
    if t.comparison is not None:
        c = t.comparison
        out.print(f"Vergelijking met {vergelijk}: {len(c.entered)} erbij, {len(c.left)} eraf, "
                  f"{fmt.money(c.money_moved, lang)} verschuift." if lang == "nl" else
                  f"Compared with {vergelijk}: {len(c.entered)} enter, {len(c.left)} leave, "
                  f"{fmt.money(c.money_moved, lang)} moves.", highlight=False)
    if export:
        try:
            (t.comparison or t.allocation or t.selection).export(export, dutch=export.suffix == ".csv")
        except (RuleError, KansenmonitorError) as exc:
            fail(exc)
        out.print(f"Geschreven: {export}")


@schools_app.command("scenarios")
def scenarios_cmd(gemeente: Annotated[str, typer.Option("--gemeente")] = "GM0153", lang: LangOpt = "nl") -> None:
    """De plusarrangementen van de LEA als scenario: regel, budget en welke gegevens de gemeente aanlevert."""
    from ..schools.selection import SCENARIOS, missing_inputs, school_table

    _lang(lang)
    monitor = open_monitor()
    frame = school_table(monitor, gemeente)
    for sc in SCENARIOS.values():
        out.print(f"[bold]{sc.name}[/]", highlight=False)
        out.print(f"  Regel: {sc.rule}; budget {fmt.money(sc.budget, lang)} ({sc.budget_source})", highlight=False)
        out.print(f"  Bron: {sc.source_location}", highlight=False)
        for what, who in sc.inputs:
            out.print(f"  De gemeente levert aan: {what} — door {who}", highlight=False)
        missing = missing_inputs(frame, sc)
        if missing:
            out.print("  Nog niet te berekenen: deze gegevens ontbreken nog.", highlight=False)


@schools_app.command("template")
def template_cmd(path: Annotated[Path, typer.Argument(help="Waar het klas-sjabloon (CSV) komt.")],
                 code: Annotated[str, typer.Option("--school", help="Vestigingscode.")] = "08UT00",
                 schooljaar: Annotated[str, typer.Option("--schooljaar")] = "2024-2025") -> None:
    """Schrijf het klas-sjabloon: aantallen per klas en categorie (nooit leerlingen zelf)."""
    from ..schools.klas import template_csv

    path.write_text(template_csv(code.upper(), schooljaar), encoding="utf-8")
    out.print(f"Geschreven: {path}. Vul per klas de aantallen in (0 of minstens 5; een klas minstens 10 "
              "leerlingen) en lees het in met 'kansenmonitor schools import'.", highlight=False)


@schools_app.command("youth")
def youth_cmd(gemeente: Annotated[str, typer.Option("--gemeente")] = "GM0153", as_json: JsonOpt = False,
              lang: LangOpt = "nl") -> None:
    """Jeugdindicatoren 0-27 jaar per levensfase: de waarde uit de database, of wie de gegevens levert."""
    from ..schools.youth import overview

    _lang(lang)
    monitor = open_monitor()
    try:
        data = overview(monitor, gemeente, lang)
    except (KansenmonitorError, LookupError) as exc:
        fail(exc)
    if as_json:
        _echo_json(data)
        return
    for phase in data:
        out.print(f"[bold]{phase['label']}[/]", highlight=False)
        for r in phase["indicators"]:
            if r["value"] is not None:
                out.print(f"  {r['label']}: {fmt.number(r['value'], r['decimals'], lang)} {r['unit']} ({r['period']})",
                          highlight=False)
            else:
                out.print(f"  {r['label']}: geen open gegevens — levert: {r['delivered_by'] or 'onbekend'}"
                          if lang == "nl" else f"  {r['label']}: no open data — delivered by: {r['delivered_by']}",
                          highlight=False)


@schools_app.command("youth-template")
def youth_template_cmd(path: Annotated[Path, typer.Argument(help="Waar het jeugdsjabloon (CSV) komt.")],
                       gemeente: Annotated[str, typer.Option("--gemeente")] = "GM0153",
                       jaar: Annotated[int, typer.Option("--jaar")] = 2025) -> None:
    """Schrijf het jeugdsjabloon voor de indicatoren zonder open bron (in te lezen met 'import long')."""
    from ..schools.youth import youth_template

    monitor = open_monitor()
    try:
        indeling = monitor.latest_boundary_year(gemeente)
    except KansenmonitorError as exc:
        fail(exc)
    path.write_text(youth_template(monitor.catalogue, gemeente, jaar, indeling), encoding="utf-8")
    out.print(f"Geschreven: {path}. Vul de waarden in en lees het in met 'kansenmonitor import long'.",
              highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``schools`` to the main CLI."""
    app.add_typer(schools_app, name="schools")
