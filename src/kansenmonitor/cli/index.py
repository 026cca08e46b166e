"""CLI for composite indices and targeting: ``kansenmonitor index list|compute|explain|template|investeringen|
overzicht`` and ``kansenmonitor target``. Register on the main app with ``register(app)``.

Thin: every number comes from :mod:`kansenmonitor.indices`; this module only formats.
"""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from .. import format as fmt
from ..core.errors import KansenmonitorError, ValidationError

index_app = typer.Typer(help="Samengestelde indices (urgentie, meervoudige achterstand) met onzekerheid.",
                        no_args_is_help=True)
out = Console(width=140)
err = Console(stderr=True, width=140)

LevelOpt = Annotated[str, typer.Option("--level", help="buurt (standaard) of wijk.")]
GemeenteOpt = Annotated[list[str] | None, typer.Option("--gemeente", help="Gemeentecode, bv. GM0153 (herhaalbaar).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")]
LangOpt = Annotated[str, typer.Option("--lang", help="Taal van de teksten: nl (standaard) of en.")]
MinPopOpt = Annotated[int, typer.Option("--min-inwoners", help="Gebieden met minder inwoners krijgen geen rang en "
                                                             "geen geld (standaard 500; 0 = alle gebieden).")]
ReferenceOpt = Annotated[str | None, typer.Option("--reference", help="gemeente, regio_deal of nl (Nederland).")]


def _check_lang(lang: str) -> str:
    if lang not in ("nl", "en"):
        _fail(ValueError(f"--lang '{lang}' kan niet; kies nl of en"))
    return lang


def _fail(exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        err.print(f"Fout: {exc.summary}", highlight=False, markup=False)
        for issue in exc.issues[:50]:
            err.print(f"  - {issue}", highlight=False, markup=False)
    else:
        err.print(f"Fout: {exc}", highlight=False, markup=False)
    raise typer.Exit(2)


def _monitor():
    from ..monitor import Monitor

    try:
        return Monitor.open(create=False)
    except KansenmonitorError as exc:
        _fail(exc)


def _emit_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _prepare(index_id: str, level: str, gemeente: list[str] | None, reference: str | None = None,
             min_population: int | None = None):
    from .. import indices
    from ..indices.compute import DEFAULT_MIN_POPULATION

    if min_population is not None and min_population < 0:
        _fail(ValueError(f"--min-inwoners {min_population} kan niet; geef 0 of meer"))

    monitor = _monitor()
    try:
        d = indices.load_definition(index_id, catalogue=monitor.catalogue, home=monitor.home)
        if level not in d.levels:
            raise indices.IndexInputError(f"Index '{d.id}' is er voor {', '.join(d.levels)}, niet voor '{level}'.")
        inputs = indices.load_inputs(monitor, d, level=level, gemeente=gemeente or None, reference=reference,
                                     min_population=DEFAULT_MIN_POPULATION if min_population is None
                                     else min_population)
    except KansenmonitorError as exc:
        _fail(exc)
    return monitor, d, inputs


def _missing_lines(result, lang: str = "nl") -> list[str]:
    from ..indices.messages import localise

    lines = []
    for m in localise(result.missing_themes, lang):
        if lang == "en":
            lines.append(f"Theme '{m['label']}' does not count: {m['reason']}.")
        else:
            lines.append(f"Thema '{m['label']}' telt niet mee: {m['reason']}.")
        for u in m["missing_indicators"]:
            lines.append(f"  - {u['indicator']}: {u['label']} — {u['hint']}")
    return lines


@index_app.command("list")
def list_indices(as_json: JsonOpt = False) -> None:
    """Laat de beschikbare indexdefinities zien."""
    from .. import indices

    monitor = _monitor()
    rows = []
    try:
        for path in indices.definition_files(monitor.home):
            d = indices.load_definition(path, catalogue=monitor.catalogue)
            rows.append({"id": d.id, "version": d.version, "label": d.label(), "levels": list(d.levels),
                         "reference": d.reference, "themes": [t.id for t in d.themes],
                         "themes_without_open_data": [t.id for t in d.themes if not t.indicators], "file": str(path)})
    except KansenmonitorError as exc:
        _fail(exc)
    if as_json:
        _emit_json(rows)
        return
    t = Table(title="Indices")
    for col in ("id", "versie", "naam", "niveaus", "thema's", "zonder open data"):
        t.add_column(col)
    for r in rows:
        t.add_row(r["id"], r["version"], r["label"], ", ".join(r["levels"]), ", ".join(r["themes"]),
                  ", ".join(r["themes_without_open_data"]) or "–")
    out.print(t)


@index_app.command("compute")
def compute(
    index_id: Annotated[str, typer.Argument(help="Id van de index, bv. urgentie.")],
    level: LevelOpt = "buurt",
    gemeente: GemeenteOpt = None,
    draws: Annotated[int, typer.Option("--draws", help="Aantal trekkingen voor de onzekerheid.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Startgetal van de toevalsgenerator.")] = 20240,
    reference: ReferenceOpt = None,
    min_population: MinPopOpt = 500,
    output: Annotated[Path | None, typer.Option("--output", help="Schrijf de rangen naar .csv of .xlsx.")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "nl",
) -> None:
    """Bereken een index met rangen en hun onzekerheid: 'rang 3 (2–6)', de rang van de score met het interval."""
    from .. import indices
    from ..indices.messages import localise
    from ..indices.targeting import _export

    lang = _check_lang(lang)
    monitor, d, inputs = _prepare(index_id, level, gemeente, reference, min_population)
    if draws < 1:
        _fail(ValueError("--draws moet minstens 1 zijn"))
    result = indices.compute_index(d, inputs)
    unc = indices.uncertainty(d, inputs, draws=draws, seed=seed)
    frame = result.to_frame(lang).join(unc.to_frame(lang)[["median_rank", "rank_low", "rank_high", "label"]])
    if output:
        try:
            _export(frame, output, dutch=output.suffix == ".csv")
        except KansenmonitorError as exc:
            _fail(exc)
    if as_json:
        data = result.to_dict(lang)
        udict = unc.to_dict(lang)
        by_code = {r["region"]: r for r in udict["regions"]}
        for r in data["regions"]:
            u = by_code[r["region"]]
            r.update({k: u[k] for k in ("median_rank", "rank_low", "rank_high", "label")})
        data["uncertainty"] = {k: udict[k] for k in ("draws", "seed", "interval", "varied", "most_influential",
                                                     "summary", "sensitivity")}
        _emit_json(data)
        return
    if lang == "en":
        out.print(f"{d.label()} (version {d.version}), {level}, boundaries {inputs.boundary_year}, compared with "
                  f"{result.reference_label(lang)}", highlight=False, markup=False)
    else:
        out.print(f"{d.label()} (versie {d.version}), {level}, indeling {inputs.boundary_year}, vergeleken met "
                  f"{result.reference_label(lang)}", highlight=False, markup=False)
    # the rank shown is the rank of the score in the 'score' column (the definition's own choices); the interval
    # and the median are over the Monte Carlo draws of the other reasonable choices
    lo_pct, hi_pct = (round(x) for x in unc.interval)
    if lang == "en":
        t = Table(title=f"Rank of the score (1 = most urgent), with the interval ({lo_pct}th–{hi_pct}th percentile) "
                        f"and the median of the rank over {unc.draws} draws of other reasonable choices")
        columns = ("rank (interval)", "median", "code", "name", "score", "coverage", "note")
    else:
        t = Table(title=f"Rang van de score (1 = meeste urgentie), met het interval ({lo_pct}e–{hi_pct}e percentiel) "
                        f"en de mediaan van de rang over {unc.draws} trekkingen met andere redelijke keuzes")
        columns = ("rang (interval)", "mediaan", "code", "naam", "score", "dekking", "opmerking")
    for i, col in enumerate(columns):
        t.add_column(col, no_wrap=i < 3)
    order = frame.sort_values(["rank", "median_rank"], na_position="last")
    for code, r in order.iterrows():
        label = indices.point_rank_label(r["rank"], r["rank_low"], r["rank_high"], lang)
        med = r["median_rank"]
        t.add_row(label, fmt.number(med, 0 if pd.isna(med) or float(med).is_integer() else 1, lang), code, str(r["name"]), fmt.number(r["score"], 2, lang),
                  f"{r['coverage']:.0%}", r["reason"] if isinstance(r["reason"], str) else "")
    out.print(t)
    for line in _missing_lines(result, lang) + localise(result.notes, lang):
        out.print(line, highlight=False, markup=False)
    out.print(unc.summary(lang), highlight=False, markup=False)


@index_app.command("explain")
def explain(
    index_id: Annotated[str, typer.Argument(help="Id van de index.")],
    level: LevelOpt = "buurt",
    gemeente: GemeenteOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "nl",
) -> None:
    """Laat de definitie zien: thema's, welke indicatoren ze vullen, wat ontbreekt, en de samenhang."""
    from .. import indices
    from ..indices.messages import localise

    lang = _check_lang(lang)
    monitor, d, inputs = _prepare(index_id, level, gemeente)
    result = indices.compute_index(d, inputs)
    coh = indices.coherence(d, inputs)
    unavailable = {u["indicator"]: u for u in result.unavailable}
    if as_json:
        rd = result.to_dict(lang)
        _emit_json({"definition": d.to_dict(), "missing_themes": rd["missing_themes"],
                    "unavailable_indicators": rd["unavailable_indicators"], "provenance": inputs.provenance,
                    "coherence": coh.to_dict(lang), "notes": rd["notes"]})
        return
    out.print(f"{d.label()} — versie {d.version} ({d.file})", highlight=False, markup=False)
    out.print(d.description_nl, highlight=False, markup=False)
    out.print(f"Stappen: {json.dumps(d.steps.to_dict(), ensure_ascii=False)}", highlight=False, markup=False)
    out.print(f"Mag variëren: {', '.join(d.alternatives) or 'niets'}; minimale dekking {d.min_coverage:.0%}; "
              f"vergeleken met {result.reference_label()}", highlight=False, markup=False)
    for theme in d.themes:
        out.print(f"\nThema {theme.label()} (gewicht {theme.weight:g})", highlight=False, markup=False)
        for spec in theme.all_indicators:
            if spec.id in unavailable:
                state = ("MISSING — " if lang == "en" else "ONTBREEKT — ") + localise(unavailable[spec.id]["hint"],
                                                                                       lang)
            else:
                p = inputs.provenance.get(spec.id, {})
                state = f"gevuld (periode {p.get('period')})"
            proxy = f" [benadering: {spec.proxy}]" if spec.proxy else ""
            out.print(f"  - {spec.id} ({spec.polarity}){proxy}: {state}", highlight=False, markup=False)
    out.print("\nSamenhang:", highlight=False, markup=False)
    for line in coh.summary(lang) + localise(coh.notes, lang):
        out.print(f"  {line}", highlight=False, markup=False)


@index_app.command("template")
def template(
    index_id: Annotated[str, typer.Argument(help="Id van de index.")],
    output: Annotated[Path, typer.Option("--output", help="CSV-sjabloon (region;indicator;period;value).")],
    level: LevelOpt = "buurt",
    gemeente: GemeenteOpt = None,
    period: Annotated[int, typer.Option("--period", help="Jaar van de gegevens.")] = 2024,
    catalogus: Annotated[bool, typer.Option("--catalogus", help="Zet de ontbrekende indicatoren ook in "
                                                               "$KANSENMONITOR_HOME/catalogue/.")] = False,
) -> None:
    """Schrijf een invulbestand voor de ontbrekende indicatoren; lees het daarna in met 'import long'."""
    from .. import indices

    monitor, d, inputs = _prepare(index_id, level, gemeente)
    result = indices.compute_index(d, inputs)
    missing = [u for u in result.unavailable]
    if not missing:
        out.print("Alle indicatoren van deze index hebben gegevens.")
        return
    lines = ["region;indicator;period;value"]
    for u in missing:
        for code in inputs.targets:
            lines.append(f"{code};{u['indicator']};{period};")
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out.print(f"{len(lines) - 1} regels geschreven naar {output} voor: {', '.join(u['indicator'] for u in missing)}.",
              highlight=False, markup=False)
    if catalogus:
        src = Path(str(resources.files("kansenmonitor.indices") / "aanvullende_indicatoren.yaml"))
        dest = monitor.home / "catalogue" / "kansenmonitor_index_aanvulling.yaml"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        out.print(f"Catalogus-aanvulling gezet in {dest}.", highlight=False, markup=False)
    out.print(f"Vul de waarden in en lees in met: kansenmonitor import long {output}", highlight=False, markup=False)


@index_app.command("investeringen")
def investeringen(
    file: Annotated[Path, typer.Argument(help="CSV of YAML met investeringen of potenties.")],
) -> None:
    """Lees geplande investeringen en potenties per gebied in (alles of niets)."""
    from .. import indices

    monitor = _monitor()
    try:
        reg = indices.load_registry_file(file, {c for c, _ in monitor.store.region_keys()})
        counts = indices.register_investments(monitor, reg)
    except KansenmonitorError as exc:
        _fail(exc)
    out.print(f"Opgeslagen: {counts['investments']} investeringen en {counts['potentials']} potenties.")


@index_app.command("overzicht")
def overzicht(
    index_id: Annotated[str, typer.Argument(help="Id van de index.")],
    level: LevelOpt = "buurt",
    gemeente: GemeenteOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "nl",
) -> None:
    """Urgentie naast geplande investering per inwoner: 'hoge urgentie, weinig investering' valt op."""
    from .. import indices

    lang = _check_lang(lang)
    monitor, d, inputs = _prepare(index_id, level, gemeente)
    result = indices.compute_index(d, inputs)
    view = indices.investment_view(result.to_frame(), indices.stored_investments(monitor),
                                   indices.stored_potentials(monitor))
    if as_json:
        _emit_json(view.to_dict(lang))
        return
    t = Table(title=f"{d.label()} en geplande investeringen")
    for col in ("rang", "code", "naam", "inwoners", "investering", "per inwoner", "potenties", "signaal"):
        t.add_column(col)
    for code, r in view.to_frame(lang).iterrows():
        t.add_row("–" if r["rank"] != r["rank"] else str(int(r["rank"])), code, str(r["name"]),
                  fmt.number(r["inwoners"], 0), fmt.money(r["investment"]), fmt.money(r["per_inhabitant"], decimals=2),
                  r["potentials"] or "", r["flag"] or "")
    out.print(t)


def target(
    index: Annotated[str, typer.Option("--index", help="Id van de index.")],
    rule: Annotated[str, typer.Option("--rule", help="top-pct-population:30, top-pct:20, top-n:10 of "
                                                     "threshold:score>=0.5.")],
    budget: Annotated[float, typer.Option("--budget", help="Te verdelen bedrag in euro.")],
    level: LevelOpt = "buurt",
    gemeente: GemeenteOpt = None,
    reference: ReferenceOpt = None,
    min_population: MinPopOpt = 500,
    formula: Annotated[str | None, typer.Option("--formula", help="Verdeelsleutel, bv. 'need * inwoners'.")] = None,
    compare: Annotated[str | None, typer.Option("--compare", help="Tweede regel om mee te vergelijken.")] = None,
    compare_formula: Annotated[str | None, typer.Option("--compare-formula", help="Verdeelsleutel van de tweede "
                                                                                  "regel.")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Schrijf naar .csv of .xlsx.")] = None,
    dutch_csv: Annotated[bool, typer.Option("--nl-csv", help="CSV met ';' en decimale komma.")] = False,
    as_json: JsonOpt = False,
    lang: LangOpt = "nl",
) -> None:
    """Kies gebieden met een regel en verdeel een budget naar behoefte; vergelijk eventueel twee scenario's."""
    from .. import indices

    lang = _check_lang(lang)
    monitor, d, inputs = _prepare(index, level, gemeente, reference, min_population)
    result = indices.compute_index(d, inputs)
    try:
        sel = indices.select(result.to_frame(), rule)
        alloc = indices.allocate(sel, budget, formula=formula)
        comparison = None
        if compare or compare_formula:
            sel_b = indices.select(result.to_frame(), compare or rule)
            comparison = indices.compare_scenarios(alloc, indices.allocate(sel_b, budget, formula=compare_formula))
        if output:
            (comparison or alloc).export(output, dutch=dutch_csv)
    except KansenmonitorError as exc:
        _fail(exc)
    if as_json:
        data = {"index": d.id, "version": d.version, "level": level, "reference": result.reference,
                "reference_label": result.reference_label(lang), "min_population": result.min_population,
                "too_small": result.too_small, "allocation": alloc.to_dict(lang),
                "population_share": sel.population_share}
        if comparison:
            data["comparison"] = comparison.to_dict(lang)
        _emit_json(data)
        return
    share = sel.population_share
    if lang == "en":
        out.print(f"Rule {rule}: {len(sel.selected)} areas"
                  + (f", {share:.0%} of the inhabitants" if share is not None else "")
                  + f"; allocation {alloc.method_text(lang)}.", highlight=False, markup=False)
    else:
        out.print(f"Regel {rule}: {len(sel.selected)} gebieden"
                  + (f", {share:.0%} van de inwoners" if share is not None else "") + f"; verdeling {alloc.method}.",
                  highlight=False, markup=False)
    from ..indices.messages import localise

    for note in localise([n for n in result.notes if str(getattr(n, "code", "")).startswith("note.min_population")],
                         lang):
        out.print(note[0].upper() + note[1:] + ".", highlight=False, markup=False)
    t = Table(title=f"Verdeling van {fmt.money(budget)}")
    for col in ("code", "naam", "score", "inwoners", "bedrag", "per inwoner"):
        t.add_column(col)
    for code, r in alloc.frame.iterrows():
        t.add_row(code, str(r["name"]), fmt.number(r["score"], 2), fmt.number(r.get("inwoners"), 0),
                  fmt.money(r["amount"], decimals=2), fmt.money(r.get("amount_per_inhabitant"), decimals=2))
    out.print(t)
    if comparison and lang == "en":
        out.print(f"Comparison with {compare or rule}: entering {', '.join(comparison.entered) or 'none'}; "
                  f"leaving {', '.join(comparison.left) or 'none'}; money moved {fmt.money(comparison.money_moved)}.",
                  highlight=False, markup=False)
    elif comparison:
        out.print(f"Vergelijking met {compare or rule}: erbij {', '.join(comparison.entered) or 'geen'}; "
                  f"eraf {', '.join(comparison.left) or 'geen'}; verschuiving {fmt.money(comparison.money_moved)}.",
                  highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add ``index`` and ``target`` to the main CLI."""
    app.add_typer(index_app, name="index")
    app.command("target")(target)
