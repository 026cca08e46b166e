"""CLI for surveys: ``kansenmonitor survey import|list|shares|demo-file``. Thin: every number comes from
:mod:`kansenmonitor.surveys`, and only disclosure-checked estimates are printed (never respondent rows)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .. import format as fmt
from ..core.errors import KansenmonitorError
from .base import fail, open_monitor, out

survey_app = typer.Typer(help="Enquêtes: antwoorden van inwoners met een codeboek inlezen en aandelen per gebied "
                         "tonen, met onthullingscontrole.", no_args_is_help=True)

LangOpt = Annotated[str, typer.Option("--lang", help="Taal: nl (standaard) of en.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")]
SurveyOpt = Annotated[str | None, typer.Option("--enquete", help="Naam van de enquête (standaard: de eerste).")]
WaveOpt = Annotated[int | None, typer.Option("--golf", help="Golf (jaar) van de enquête (standaard: de laatste).")]
LEVELS = ("buurt", "wijk", "gemeente", "gebied")


def _lang(lang: str) -> str:
    if lang not in ("nl", "en"):
        fail(ValueError(f"--lang '{lang}' kan niet; kies nl of en"))
    return lang


@survey_app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="Het bestand met de antwoorden: CSV, XLSX of SPSS (.sav).")],
    codeboek: Annotated[Path, typer.Option("--codeboek", help="Het codeboek (YAML) dat zegt wat elke kolom is.")],
) -> None:
    """Antwoorden van een enquête inlezen (alles of niets)."""
    from ..surveys.codebook import load_codebook
    from ..surveys.importer import import_survey

    monitor = open_monitor()
    try:
        cb = load_codebook(codeboek)
        r = import_survey(monitor, file, cb)
    except (KansenmonitorError, ValueError) as exc:
        fail(exc)
    mark = " (synthetisch)" if r["synthetisch"] else ""
    out.print(f"{r['bestand']}: enquête {r['enquete']}{mark}, golf {r['golf']}: "
              f"{fmt.number(r['respondenten'], 0)} respondenten in {fmt.number(r['gebieden'], 0)} gebieden "
              "ingelezen.", highlight=False)


@survey_app.command("list")
def list_cmd(as_json: JsonOpt = False, lang: LangOpt = "nl") -> None:
    """Ingelezen enquêtes en hun golven."""
    from ..surveys import repository as repo

    _lang(lang)
    waves = repo.waves(open_monitor())
    if as_json:
        typer.echo(json.dumps([{"enquete": w.survey, "golf": w.wave, "naam": w.codebook.title(lang),
                                "synthetisch": w.synthetic, "respondenten": w.respondents,
                                "niveau": w.area_level, "indeling": w.boundary_year,
                                "vragen": len(w.codebook.items)} for w in waves], ensure_ascii=False, indent=2))
        return
    if not waves:
        out.print("Er is nog geen enquête ingelezen." if lang == "nl" else "No survey has been read in yet.")
        return
    t = Table(title="Enquêtes" if lang == "nl" else "Surveys")
    for h in (("Enquête", "Survey"), ("Naam", "Name"), ("Golf", "Wave"), ("Respondenten", "Respondents"),
              ("Vragen", "Questions")):
        t.add_column(h[1] if lang == "en" else h[0])
    for w in waves:
        t.add_row(w.survey, w.codebook.title(lang), str(w.wave), fmt.number(w.respondents, 0, lang),
                  str(len(w.codebook.items)))
    out.print(t)


@survey_app.command("shares")
def shares_cmd(
    enquete: SurveyOpt = None,
    golf: WaveOpt = None,
    vraag: Annotated[list[str] | None, typer.Option("--vraag", help="Alleen deze vraag (herhaalbaar).")] = None,
    niveau: Annotated[str, typer.Option("--niveau", help="buurt, wijk, gemeente of gebied.")] = "wijk",
    gemeente: Annotated[str | None, typer.Option("--gemeente", help="Alleen gebieden van deze gemeente.")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "nl",
) -> None:
    """Gewogen aandelen per gebied met 95%-interval; te kleine groepen worden niet getoond."""
    from ..surveys import estimate
    from ..surveys import repository as repo

    _lang(lang)
    if niveau not in LEVELS:
        fail(ValueError(f"--niveau '{niveau}' kan niet; kies uit {', '.join(LEVELS)}"))
    monitor = open_monitor()
    try:
        w = repo.wave(monitor, enquete, golf)
        known = {it.id for it in w.codebook.shares()}
        for v in vraag or []:
            if v not in known:
                raise ValueError(f"--vraag '{v}' heeft geen aandeel; kies uit {', '.join(sorted(known))}")
        rows = estimate.shares(monitor, w, item_ids=vraag or None, levels=(niveau,), lang=lang)
    except (KansenmonitorError, ValueError) as exc:
        fail(exc)
    if gemeente:
        rows = [r for r in rows if r.gemeente == gemeente]
    if as_json:
        typer.echo(json.dumps({"enquete": w.survey, "golf": w.wave, "synthetisch": w.synthetic,
                               "naam": w.codebook.title(lang), "aandelen": [r.to_dict() for r in rows]},
                              ensure_ascii=False, indent=2))
        return
    out.print(f"[bold]{w.title(lang)}[/]", highlight=False)
    for iid in dict.fromkeys(r.item for r in rows):
        mine = [r for r in rows if r.item == iid]
        t = Table(title=mine[0].label)
        for h in (("Gebied", "Area"), ("Aandeel", "Share"), ("95%-interval", "95% interval"),
                  ("Respondenten", "Respondents")):
            t.add_column(h[1] if lang == "en" else h[0])
        for r in mine:
            if r.share is None:
                t.add_row(r.name, ("niet getoond: " if lang == "nl" else "withheld: ") + (r.reason or ""), "", "")
            else:
                t.add_row(r.name, fmt.number(r.share, 1, lang) + " %",
                          f"{fmt.number(r.lower, 1, lang)}–{fmt.number(r.upper, 1, lang)} %",
                          fmt.number(r.respondents, 0, lang))
        out.print(t)
    if w.synthetic:
        out.print("Synthetische gegevens: niemand heeft deze enquête ingevuld." if lang == "nl" else
                  "Synthetic data: nobody answered this survey.", highlight=False)


@survey_app.command("demo-file")
def demo_file_cmd(
    path: Annotated[Path, typer.Argument(help="Waar het CSV-bestand komt.")],
    aantal: Annotated[int, typer.Option("--aantal", min=1000, help="Ongeveer zoveel respondenten.")] = 20000,
    seed: Annotated[int, typer.Option("--seed", help="Startgetal van het toeval (zelfde getal, zelfde bestand).")]
    = 20240601,
    data: Annotated[Path | None, typer.Option("--data", help="Map met de open data (standaard ../shared/data).")]
    = None,
) -> None:
    """Schrijf de synthetische demo-enquête (uit echte CBS- en RIVM-cijfers per buurt) en het codeboek."""
    from ..demo import find_data_dir
    from ..surveys import synth

    try:
        syn = synth.write(find_data_dir(data), path, n=aantal, seed=seed)
    except KansenmonitorError as exc:
        fail(exc)
    cb_target = path.with_name(path.stem + "_codeboek.yaml")
    cb_target.write_text(syn.codebook_path.read_text(encoding="utf-8"), encoding="utf-8")
    out.print(f"Geschreven: {path} ({fmt.number(len(syn.survey), 0)} respondenten, synthetisch) en {cb_target}.",
              highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``survey`` to the main CLI."""
    app.add_typer(survey_app, name="survey")
