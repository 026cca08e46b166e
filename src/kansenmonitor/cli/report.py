"""CLI for reports: ``kansenmonitor report list|wijkprofiel|build``. Thin: documents come from
:mod:`kansenmonitor.reports`; this module only picks areas, names files and writes them (a file is written
only when the whole document was made)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from ..core.errors import KansenmonitorError
from .base import fail, open_monitor, out

report_app = typer.Typer(help="Rapporten uit dezelfde cijfers: de voortgangsrapportage voor de raad en "
                         "wijkprofielen om te printen, als HTML, toegankelijke PDF of Word-bestand.", no_args_is_help=True)

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="html, pdf, docx (Word, om aan te vullen) of csv "
                                        "(de bijlage met de herkomst van elk getal).")]
LangOpt = Annotated[str, typer.Option("--lang", help="Taal: nl (standaard) of en.")]


def _check(form: str, lang: str) -> None:
    from ..reports.render import FORMATS

    if form not in FORMATS:
        fail(ValueError(f"--format '{form}' kan niet; kies uit {', '.join(FORMATS)}"))
    if lang not in ("nl", "en"):
        fail(ValueError(f"--lang '{lang}' kan niet; kies nl of en"))


def _write(path: Path, data: bytes) -> None:
    """Write atomically: a half-written report never replaces a good one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _filename(definition_id: str, code: str, form: str, lang: str) -> str:
    suffix = "" if lang == "nl" else f"-{lang}"
    return f"{definition_id}-{code}{suffix}.{form}"


def _make(site, definition, code: str | None, form: str, lang: str, period: int | None = None) -> bytes:
    from ..reports import documents, render

    doc = documents.build(site, definition, code, period, lang)
    return render.render(doc, form)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


@report_app.command("list")
def list_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")] = False,
    lang: LangOpt = "nl",
) -> None:
    """De rapportdefinities die u kunt maken (meegeleverd en uw eigen)."""
    from ..reports.definition import definitions

    monitor = open_monitor()
    try:
        defs = definitions(monitor)
    except KansenmonitorError as exc:
        fail(exc)
    if as_json:
        typer.echo(json.dumps([{"id": d.id, "kind": d.kind, "title": d.label(lang), "description": d.text(lang),
                                "levels": list(d.levels), "sections": list(d.sections),
                                "indicators": list(d.indicators)} for d in defs.values()],
                              ensure_ascii=False, indent=2))
        return
    for d in defs.values():
        out.print(f"{d.id}: {d.label(lang)} — {d.text(lang)}", highlight=False)


@report_app.command("wijkprofiel")
def wijkprofiel_cmd(
    code: Annotated[str, typer.Argument(help="Code van de buurt of wijk, bv. BU01530603 of WK015306.")],
    form: FormatOpt = "pdf",
    output: Annotated[Path | None, typer.Option("--out", "-o", help="Bestand (standaard: wijkprofiel-CODE.pdf "
                                                "in de huidige map).")] = None,
    lang: LangOpt = "nl",
    definitie: Annotated[str, typer.Option("--definitie", help="Rapportdefinitie: id of pad naar een "
                                           "YAML-bestand.")] = "wijkprofiel",
) -> None:
    """Een wijkprofiel van één buurt of wijk, om te printen of te laten zien op een bewonersavond."""
    _check(form, lang)
    _build_one(definitie, code, form, lang, output)


def _build_one(definition_name: str, code: str | None, form: str, lang: str, output: Path | None,
               period: int | None = None) -> None:
    from ..reports.definition import definition
    from ..web.service import Site

    monitor = open_monitor()
    try:
        d = definition(definition_name, monitor)
        data = _make(Site(monitor), d, code, form, lang, period)
    except (KansenmonitorError, ValueError) as exc:
        fail(exc)
    year = period or d.period
    name = "-".join(str(x) for x in (d.id, code, year if d.kind != "wijkprofiel" else None) if x)
    path = output or Path(f"{name}{'' if lang == 'nl' else '-' + lang}.{form}")
    _write(path, data)
    what = f"{d.label(lang)}" + (f" van {code}" if code else "") + (f" over {year}" if d.kind != "wijkprofiel" else "")
    out.print(f"{what} geschreven naar {path} ({len(data) // 1024 or 1} kB).", highlight=False)


@report_app.command("build")
def build_cmd(
    definitie: Annotated[str, typer.Argument(help="Rapportdefinitie: id (zie 'kansenmonitor report list') of "
                                             "pad naar een YAML-bestand.")],
    area: Annotated[str | None, typer.Option("--area", help="Code van het gebied (een wijkprofiel heeft er een "
                                             "nodig; een voortgangsrapportage kan voor één gebied).")] = None,
    period: Annotated[int | None, typer.Option("--period", help="Verslagjaar van een voortgangsrapportage "
                                               "(standaard: het jaar in de definitie).")] = None,
    all_buurten: Annotated[str | None, typer.Option("--all-buurten", help="Maak het rapport voor elke buurt van "
                                                    "deze gemeente (bv. GM0153).")] = None,
    form: FormatOpt = "pdf",
    output: Annotated[Path | None, typer.Option("--out", "-o", help="Bestand (één gebied) of map (met "
                                                "--all-buurten; standaard: de huidige map).")] = None,
    lang: LangOpt = "nl",
) -> None:
    """Een rapport maken volgens een definitie, voor één gebied of voor alle buurten van een gemeente."""
    _check(form, lang)
    if area is not None and all_buurten is not None:
        fail(ValueError("geef --area CODE of --all-buurten GEMEENTECODE, niet allebei"))
    if all_buurten is None:
        _build_one(definitie, area, form, lang, output, period)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from ..reports import documents
    from ..reports.definition import definition
    from ..reports.wijkprofiel import NoDataError
    from ..web.service import Site

    monitor = open_monitor()
    site = Site(monitor)
    try:
        d = definition(definitie, monitor)
    except KansenmonitorError as exc:
        fail(exc)
    if "buurt" not in d.levels:
        fail(ValueError(f"de definitie '{d.id}' is niet voor buurten; kies --area"))
    gms = {g.code: g for g in site.detail_gemeenten()}
    if all_buurten not in gms:
        fail(ValueError(f"gemeente '{all_buurten}' heeft geen buurten in de database; kies uit {', '.join(gms)}"))
    by = site.map_boundary_year("buurt", all_buurten)
    buurten = site.regions_of("buurt", all_buurten, by)
    folder = output or Path(".")
    documents.prepare(site, d, [b.code for b in buurten])  # what all profiles share, once for the batch
    # make every document first, write only when all succeeded (all-or-nothing for the batch)
    made: list[tuple[Path, bytes]] = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=out, transient=False) as progress:
        task = progress.add_task(f"{d.label(lang)}: {gms[all_buurten].name}", total=len(buurten))
        skipped = []
        for b in buurten:
            try:
                data = _make(site, d, b.code, form, lang, period)
            except NoDataError:
                skipped.append(b)  # a buurt without any figure (an industrial estate): said, not hidden
                progress.advance(task)
                continue
            except (KansenmonitorError, ValueError) as exc:
                progress.stop()
                fail(exc)
            made.append((folder / _filename(d.id, b.code, form, lang), data))
            progress.advance(task)
    for path, data in made:
        _write(path, data)
    out.print(f"{len(made)} bestanden geschreven in {folder}.", highlight=False)
    for b in skipped:
        out.print(f"  Overgeslagen: {b.name} ({b.code}) — er zijn geen cijfers van deze buurt.", highlight=False)
