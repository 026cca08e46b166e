"""Core data commands: init, info, import, areas, regions, indicators, show, export, check-aggregation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .. import format as fmt
from ..core.errors import KansenmonitorError
from .base import app, areas_app, err, fail, import_app, open_monitor, out


# -- init ------------------------------------------------------------------------------------------------
@app.command()
def init(
    demo: Annotated[bool, typer.Option("--demo", help="Vul de database met de voorbeeldgegevens (Enschede, Almelo, "
                                                      "Hengelo en heel NL als referentie).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Begin opnieuw: wis de bestaande database.")] = False,
    data: Annotated[Path | None, typer.Option("--data", help="Map met de open data (standaard ../shared/data).")] = None,
    scope: Annotated[str, typer.Option("--scope", help="twente (standaard) of nl: ook alle wijken en buurten van NL.")] = "twente",
) -> None:
    """Maak de database aan, eventueel met voorbeeldgegevens."""
    from ..demo import build_demo

    monitor = open_monitor(create=True)
    if force:
        monitor.store.drop_all()
        monitor.store.create_schema()
    elif demo and monitor.store.get_meta("demo"):
        out.print(f"De voorbeelddatabase bestaat al ({monitor.store.url}). Gebruik --force om opnieuw te beginnen.")
        return
    try:
        monitor.sync_catalogue()
        if demo:
            with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                          TimeElapsedColumn(), console=err, transient=False) as bar:
                task = bar.add_task("Voorbeelddatabase bouwen", total=None)

                def progress(label: str, i: int, n: int) -> None:
                    bar.update(task, description=label, completed=i - 1, total=n)

                stats = build_demo(monitor, data, scope=scope, progress=progress)
                bar.update(task, description="Klaar", completed=bar.tasks[0].total)
            out.print(
                f"Voorbeelddatabase klaar in {monitor.store.url}: {fmt.number(stats['regions'], 0)} gebieden, "
                f"{fmt.number(stats['indicators'], 0)} indicatoren, {fmt.number(stats['observations'], 0)} waarnemingen."
            )
            files = stats.get("files", [])
            used = [f for f in files if f[1] == "ingelezen"]
            skipped = [f for f in files if f[1] != "ingelezen"]
            out.print(f"Ingelezen uit de open data: {len(used)} bestanden.", highlight=False)
            for rel, _, _ in used:
                out.print(f"  ingelezen: {rel}", highlight=False)
            if skipped:
                out.print(f"Niet ingelezen: {len(skipped)} bestanden.", highlight=False)
                for rel, _, why in skipped:
                    out.print(f"  overgeslagen: {rel} ({why})", highlight=False)
        else:
            out.print(f"Database klaar: {monitor.store.url}")
    except KansenmonitorError as exc:
        fail(exc)


@app.command()
def info() -> None:
    """Laat zien welke database in gebruik is en wat erin staat."""
    monitor = open_monitor()
    counts = monitor.store.counts()
    out.print(f"Database: {monitor.store.url} ({monitor.store.backend})")
    for key, label in (("regions", "gebieden"), ("indicators", "indicatoren"), ("observations", "waarnemingen"),
                       ("imports", "imports")):
        out.print(f"  {label}: {fmt.number(counts[key], 0)}")


# -- import ------------------------------------------------------------------------------------------------
def _run_import(kind: str, path: Path, **opts) -> None:
    monitor = open_monitor(create=True)
    try:
        monitor.sync_catalogue()
        with err.status(f"{path.name} inlezen …"):
            result = monitor.import_file(kind, path, **opts)
    except KansenmonitorError as exc:
        fail(exc)
    for w in result["warnings"]:
        err.print(f"[yellow]Let op:[/] {w}", highlight=False)
    out.print(
        f"{path.name} ingelezen: {fmt.number(result['observations'], 0)} waarnemingen, "
        f"{fmt.number(result['regions'], 0)} gebieden (import {result['import_id']})."
    )


DelimiterOpt = Annotated[str | None, typer.Option("--delimiter", help="Scheidingsteken; standaard herkend.")]
CreateOpt = Annotated[bool, typer.Option("--create-regions", help="Leg de gebieden in dit bestand vast als nieuwe "
                                         "gebieden (alleen voor een bestand dat een indeling beschrijft).")]
ReplaceOpt = Annotated[bool, typer.Option("--replace-with-missing", help="Lege cellen wissen cijfers die al in de "
                                          "kansenmonitor staan (standaard geweigerd: het bestand is dan vaak "
                                          "afgebroken).")]
EncodingOpt = Annotated[str, typer.Option("--encoding", help="Tekenset van het bestand, bijv. cp1252.")]


@import_app.command("statline")
def import_statline(
    file: Annotated[Path, typer.Argument(help="StatLine-export (CSV of Parquet).")],
    table: Annotated[str, typer.Option("--table", help="CBS-tabelnummer, bijv. 50090NED.")],
    boundary_year: Annotated[int | None, typer.Option("--boundary-year", help="Indeling (jaar) van de gebieden.")] = None,
    year: Annotated[list[int] | None, typer.Option("--year", help="Verwacht jaar (mag vaker).")] = None,
    skip_unknown: Annotated[bool, typer.Option("--skip-unknown", help="Sla kolommen zonder indicator over.")] = False,
    delimiter: DelimiterOpt = None,
    encoding: EncodingOpt = "utf-8",
    create_regions: CreateOpt = False,
    replace_with_missing: ReplaceOpt = False,
) -> None:
    """Een CBS StatLine-tabel (kolommen zoals ErvarenGezondheidGoedZeerGoed_4, Perioden, Marges)."""
    _run_import("statline", file, table=table, boundary_year=boundary_year, years=year or None,
                skip_unknown=skip_unknown, delimiter=delimiter, encoding=encoding, create_regions=create_regions,
                replace_with_missing=replace_with_missing)


@import_app.command("odata")
def import_odata(
    table: Annotated[str, typer.Argument(help="CBS-tabelnummer, bijv. 85984NED.")],
    region: Annotated[list[str] | None, typer.Option("--region", help="Alleen codes die zo beginnen, bijv. GM0153.")] = None,
    boundary_year: Annotated[int | None, typer.Option("--boundary-year", help="Indeling (jaar) van de gebieden.")] = None,
    save: Annotated[Path | None, typer.Option("--save", help="Bewaar de download als CSV.")] = None,
    skip_unknown: Annotated[bool, typer.Option("--skip-unknown")] = True,
) -> None:
    """Download een tabel van de CBS OData-API (internet nodig) en lees hem in als StatLine-tabel."""
    from ..sources import odata

    try:
        with err.status(f"{table} downloaden van CBS …"):
            path = odata.download_table(table, regions=region or None, target=save)
    except KansenmonitorError as exc:
        fail(exc)
    _run_import("statline", path, table=table, boundary_year=boundary_year, skip_unknown=skip_unknown)


@import_app.command("wbk")
def import_wbk(
    file: Annotated[Path, typer.Argument(help="Attributentabel van de wijk- en buurtkaart (CSV, XLSX, DBF).")],
    year: Annotated[int, typer.Option("--year", help="Indeling (jaar) van de kaart, bijv. 2024.")],
    period: Annotated[int | None, typer.Option("--period", help="Jaar van de cijfers (standaard = --year).")] = None,
    table: Annotated[str | None, typer.Option("--table", help="Bron in de catalogus, bijv. WBK2017.")] = None,
    delimiter: DelimiterOpt = None,
    encoding: EncodingOpt = "utf-8",
    create_regions: CreateOpt = False,
    replace_with_missing: ReplaceOpt = False,
) -> None:
    """Kerncijfers uit de wijk- en buurtkaart (WK_CODE, AANT_INW, P_00_14_JR …)."""
    _run_import("wbk", file, boundary_year=year, period=period, table=table, delimiter=delimiter, encoding=encoding,
                create_regions=create_regions, replace_with_missing=replace_with_missing)


@import_app.command("wide")
def import_wide(
    file: Annotated[Path, typer.Argument(help="Brede tabel (CSV of XLSX): een rij per gebied.")],
    mapping: Annotated[Path, typer.Option("--mapping", help="YAML-bestand: welke kolom bij welke indicator hoort.")],
    boundary_year: Annotated[int | None, typer.Option("--boundary-year", help="Indeling (jaar) van de gebieden.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Jaar van de cijfers.")] = None,
    delimiter: DelimiterOpt = None,
    encoding: EncodingOpt = "utf-8",
    replace_with_missing: ReplaceOpt = False,
) -> None:
    """Een brede tabel met een mappingbestand."""
    _run_import("wide", file, mapping=mapping, boundary_year=boundary_year, year=year, delimiter=delimiter,
                encoding=encoding, replace_with_missing=replace_with_missing)


@import_app.command("long")
def import_long(
    file: Annotated[Path, typer.Argument(help="CSV met kolommen region;indicator;period;value.")],
    boundary_year: Annotated[int | None, typer.Option("--boundary-year", help="Indeling (jaar) van de gebieden.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Verwacht jaar van alle rijen.")] = None,
    decimal_comma: Annotated[bool | None, typer.Option("--decimal-comma/--decimal-point",
                                                       help="Decimale komma (standaard bij ';').")] = None,
    delimiter: DelimiterOpt = None,
    encoding: EncodingOpt = "utf-8",
    replace_with_missing: ReplaceOpt = False,
) -> None:
    """Een lange tabel: een waarde per rij."""
    _run_import("long", file, boundary_year=boundary_year, year=year, decimal_comma=decimal_comma,
                delimiter=delimiter, encoding=encoding, replace_with_missing=replace_with_missing)


@import_app.command("boundaries")
def import_boundaries(
    file: Annotated[Path, typer.Argument(help="GeoJSON, GeoPackage of Shapefile met CBS-codes.")],
    year: Annotated[int, typer.Option("--year", help="Indeling (jaar) van de grenzen.")],
    code_field: Annotated[str | None, typer.Option("--code-field", help="Veld met de code (standaard herkend).")] = None,
    name_field: Annotated[str | None, typer.Option("--name-field", help="Veld met de naam.")] = None,
    layer: Annotated[str | None, typer.Option("--layer", help="Laag in een GeoPackage.")] = None,
) -> None:
    """Grenzen van gemeenten, wijken of buurten."""
    _run_import("boundaries", file, boundary_year=year, code_field=code_field, name_field=name_field, layer=layer)


# -- areas --------------------------------------------------------------------------------------------------
@areas_app.command("load")
def areas_load(file: Annotated[Path, typer.Argument(help="YAML-bestand met eigen gebieden.")]) -> None:
    """Lees eigen gebieden in en bereken hun cijfers uit de wijken of buurten."""
    monitor = open_monitor()
    try:
        areas = monitor.load_areas(file)
    except KansenmonitorError as exc:
        fail(exc)
    out.print(f"{len(areas)} gebieden ingelezen: {', '.join(a.code for a in areas)}")


@areas_app.command("list")
def areas_list(json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Toon de eigen gebieden."""
    monitor = open_monitor()
    areas = [r for r in monitor.store.regions() if r.level.is_custom]
    if json_out:
        print(json.dumps([{"code": a.code, "name": a.name, "level": a.level.value, "boundary_year": a.boundary_year,
                           "gemeente": a.parent, "members": list(a.members)} for a in areas], ensure_ascii=False,
                         indent=2))
        return
    t = Table("code", "naam", "niveau", "indeling", "leden")
    for a in areas:
        t.add_row(a.code, a.name, a.level.value, str(a.boundary_year), ", ".join(a.members))
    out.print(t)


# -- reading -------------------------------------------------------------------------------------------------
@app.command()
def regions(
    level: Annotated[str | None, typer.Option("--level", help="gemeente, wijk, buurt, gebied …")] = None,
    parent: Annotated[str | None, typer.Option("--parent", help="Code van het bovenliggende gebied.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Indeling (jaar).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")] = False,
) -> None:
    """Toon gebieden."""
    monitor = open_monitor()
    try:
        rows = monitor.regions(level=level, parent=parent, boundary_year=year)
    except ValueError as exc:
        fail(KansenmonitorError(f"onbekend niveau '{level}': {exc}"))
    if json_out:
        print(json.dumps([{"code": r.code, "name": r.name, "level": r.level.value, "boundary_year": r.boundary_year,
                           "parent": r.parent} for r in rows], ensure_ascii=False, indent=2))
        return
    t = Table("code", "naam", "niveau", "indeling", "hoort bij")
    for r in rows:
        t.add_row(r.code, r.name, r.level.value, str(r.boundary_year), r.parent or "")
    out.print(t)
    out.print(f"{len(rows)} gebieden")


@app.command()
def indicators(
    theme: Annotated[str | None, typer.Option("--theme", help="Alleen dit thema.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="nl of en.")] = "nl",
) -> None:
    """Toon de indicatoren uit de catalogus."""
    from ..core.catalogue import load_catalogue
    from ..store.store import default_home

    try:
        cat = load_catalogue(home=default_home())
    except KansenmonitorError as exc:
        fail(exc)
    rows = [i for i in cat if theme is None or i.theme == theme]
    if json_out:
        print(json.dumps([{"id": i.id, "label": i.label(lang), "unit": i.unit, "theme": i.theme,
                           "polarity": i.polarity.value, "aggregation": i.aggregation.value,
                           "sources": [s.label() for s in i.sources]} for i in rows], ensure_ascii=False, indent=2))
        return
    t = Table("id", "label", "eenheid", "thema", "bron")
    for i in rows:
        t.add_row(i.id, i.label(lang), i.unit, i.theme, "; ".join(s.label() for s in i.sources[:2]))
    out.print(t)
    out.print(f"{len(rows)} indicatoren")


def profile_to_dict(profile, lang: str = "nl") -> dict:
    r = profile.region
    return {
        "region": {"code": r.code, "name": r.name, "level": r.level.value, "boundary_year": r.boundary_year,
                   "parent": r.parent, "members": list(r.members)},
        "gemeente": profile.gemeente.code if profile.gemeente else None,
        "indicators": [
            {
                "id": row.indicator.id,
                "label": row.indicator.label(lang),
                "theme": row.indicator.theme,
                "unit": row.indicator.unit,
                "period": row.period,
                "boundary_year": row.boundary_year,
                "value": row.value,
                "status": row.status,
                "lower": row.lower,
                "upper": row.upper,
                "gemeente_value": row.gemeente_value,
                "nl_value": row.nl_value,
                "source": row.source_ref,
                "disclosure": row.disclosure,
            }
            for row in profile.rows
        ],
    }


@app.command()
def show(
    code: Annotated[str, typer.Argument(help="Gebiedscode, bijv. WK015306 of FG-WESSELERBRINK.")],
    year: Annotated[int | None, typer.Option("--year", help="Toon cijfers tot en met dit jaar.")] = None,
    boundary_year: Annotated[int | None, typer.Option("--boundary-year", help="Indeling (jaar) van de code.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="nl of en.")] = "nl",
) -> None:
    """Alle indicatoren van een gebied met eenheid, jaar, bron, en de gemeente en NL ernaast."""
    monitor = open_monitor()
    try:
        profile = monitor.profile(code, boundary_year=boundary_year, period=year)
    except KansenmonitorError as exc:
        fail(exc)
    if json_out:
        print(json.dumps(profile_to_dict(profile, lang), ensure_ascii=False, indent=2))
        return
    r = profile.region
    out.print(f"[bold]{r.name}[/] ({r.code}, {r.level.value}, indeling {r.boundary_year})")
    gm_label = profile.gemeente.name if profile.gemeente else "gemeente"
    for theme, rows in profile.by_theme().items():
        t = Table(title=theme.capitalize(), title_justify="left")
        for col in ("indicator", "waarde", "jaar", gm_label, "Nederland", "bron"):
            t.add_column(col, justify="right" if col in ("waarde", gm_label, "Nederland") else "left")
        for row in rows:
            ind = row.indicator
            t.add_row(
                ind.label(lang),
                fmt.observation(row.value, row.status, ind, lang),
                str(row.period) + ("" if row.boundary_year == r.boundary_year else f" (indeling {row.boundary_year})"),
                fmt.observation(row.gemeente_value, "missing", ind, lang) if row.gemeente_value is not None else "–",
                fmt.observation(row.nl_value, "missing", ind, lang) if row.nl_value is not None else "–",
                row.source_ref or "",
            )
        out.print(t)


@app.command()
def export(
    format: Annotated[str, typer.Option("--format", help="csv, csv-nl, xlsx, parquet, geojson of gpkg.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Doelbestand.")],
    region: Annotated[list[str] | None, typer.Option("--region", help="Gebiedscode (mag vaker).")] = None,
    level: Annotated[str | None, typer.Option("--level", help="Niveau, bijv. buurt.")] = None,
    gemeente: Annotated[list[str] | None, typer.Option("--gemeente", help="Gemeentecode (mag vaker).")] = None,
    indicator: Annotated[list[str] | None, typer.Option("--indicator", help="Indicator-id (mag vaker).")] = None,
    period: Annotated[list[int] | None, typer.Option("--period", help="Jaar (mag vaker).")] = None,
    boundary_year: Annotated[int | None, typer.Option("--boundary-year", help="Indeling (jaar).")] = None,
    lang: Annotated[str, typer.Option("--lang")] = "nl",
) -> None:
    """Exporteer waarnemingen (na geheimhouding) als open bestand."""
    from .. import exports

    if format not in exports.FORMATS:
        fail(KansenmonitorError(f"onbekend formaat '{format}'; kies uit {', '.join(exports.FORMATS)}"))
    monitor = open_monitor()
    try:
        if indicator:
            for i in indicator:
                monitor.indicator(i)
        with err.status("Exporteren …"):
            n = exports.write(monitor, format, output, lang=lang, regions=region or None, level=level,
                              gemeente=gemeente or None, indicators=indicator or None, periods=period or None,
                              boundary_year=boundary_year)
    except (KansenmonitorError, ValueError) as exc:
        fail(exc)
    out.print(f"{fmt.number(n, 0)} rijen geschreven naar {output}")


@app.command("check-aggregation")
def check_aggregation(
    year: Annotated[int, typer.Option("--year", help="Indeling (jaar).")] = 2024,
    from_level: Annotated[str, typer.Option("--from", help="Niveau van de delen.")] = "buurt",
    to_level: Annotated[str, typer.Option("--to", help="Niveau van het geheel.")] = "wijk",
    gemeente: Annotated[list[str] | None, typer.Option("--gemeente", help="Gemeentecode (mag vaker).")] = None,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Tel buurten op tot wijken (of wijken tot gemeenten) en vergelijk met wat CBS publiceert."""
    monitor = open_monitor()
    comparison = monitor.aggregation_check(year, from_level, to_level, gemeente or None)
    table = comparison.table
    if json_out:
        print(table.drop(columns=["numerator", "denominator", "lower", "upper"], errors="ignore").to_json(
            orient="records", force_ascii=False, indent=2))
        return
    summary = comparison.summary()
    t = Table("indicator", *[str(c) for c in summary.columns])
    for ind, row in summary.iterrows():
        t.add_row(ind, *[str(v) for v in row.values])
    out.print(t)
    mism = comparison.mismatches
    if not mism.empty:
        t = Table("gebied", "indicator", "jaar", "opgeteld", "CBS", "oordeel", "waarom", title="Niet gelijk")
        for r in mism.itertuples():
            t.add_row(r.region, r.indicator, str(r.period), fmt.number(r.value, 2), fmt.number(r.published, 2),
                      r.verdict, r.reason)
        out.print(t)
