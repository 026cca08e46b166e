"""CLI for programmes: ``kansenmonitor programme load|validate|list|show|export|finance|progress``.

Register on the main app with ``register(app)``. Output is Dutch (B1) with Dutch number notation;
``progress`` also speaks English (``--lang en``). ``load``, ``validate`` and ``show`` check indicator
ids against the catalogue and, when a database exists, region codes against the store's regions.
"""

from __future__ import annotations

import json
import math
from enum import StrEnum
from pathlib import Path

import typer

from kansenmonitor.core.errors import DefinitionError, KansenmonitorError
from kansenmonitor.programme.finance import (
    PROGRAMME_AS_A_WHOLE,
    finance_by_ambition,
    finance_by_source,
    finance_by_year,
    funding_gaps,
    is_budget,
    lijn_shares,
    table_of,
)
from kansenmonitor.programme.format import format_euro, format_number, format_percent, year_note
from kansenmonitor.programme.indicators import STATUS_LABEL_NL, IndicatorStatus
from kansenmonitor.programme.io_xlsx import write_xlsx
from kansenmonitor.programme.io_yaml import write_yaml
from kansenmonitor.programme.model import Programme
from kansenmonitor.programme.progress import (
    OTHER,
    ProgressRow,
    Value,
    data_counts,
    data_text,
    progress,
    status_counts,
)
from kansenmonitor.programme.repository import (
    available_ids,
    import_programme,
    load_programme,
    read_programme_file,
)
from kansenmonitor.programme.store_lookup import StoreValues


class ExportFormat(StrEnum):
    YAML = "yaml"
    XLSX = "xlsx"


class FinanceBy(StrEnum):
    YEAR = "year"
    AMBITION = "ambition"
    SOURCE = "source"
    LIJN = "lijn"


STATUS_NL = {"idea": "te onderzoeken", "planned": "gepland", "running": "loopt", "finished": "afgerond",
             "stopped": "gestopt"}

programme_app = typer.Typer(help="Programma's: principes, ambities, kansen, interventies en geld.",
                            no_args_is_help=True)


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code=1)


def _open_monitor():
    """The Monitor of the current data directory, or ``None`` when there is no database yet."""
    from sqlalchemy.exc import SQLAlchemyError

    from kansenmonitor.monitor import Monitor

    try:
        monitor = Monitor.open(create=False)
        monitor.store.region_keys()  # fails early on an empty PostgreSQL database
    except (KansenmonitorError, SQLAlchemyError):
        return None
    return monitor


def _known(monitor=None) -> tuple[set[str], set[str] | None]:
    """Known indicator ids (the catalogue) and region codes (the store's, ``None`` without database)."""
    from kansenmonitor.core.catalogue import load_catalogue
    from kansenmonitor.store.store import default_home

    own = monitor is None
    if own:
        monitor = _open_monitor()
    try:
        if monitor is not None:
            indicators = {i.id for i in monitor.catalogue}
            regions = {code for code, _ in monitor.store.region_keys()} or None
            if regions is not None:  # schools in the register can be an intervention's place too
                from kansenmonitor.schools.repository import place_codes

                regions |= place_codes(monitor)
        else:
            indicators = {i.id for i in load_catalogue(home=default_home())}
            regions = None
    finally:
        if own and monitor is not None:
            monitor.close()
    return indicators, regions


def _get(pid: str, known: tuple[set[str], set[str] | None] | None = None) -> Programme:
    known_indicators, known_regions = known if known is not None else (None, None)
    try:
        return load_programme(pid, known_indicators, known_regions)
    except KeyError as exc:
        _fail(str(exc.args[0]))
    except DefinitionError as exc:
        _fail(str(exc))
    raise AssertionError("unreachable")


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@programme_app.command("validate")
def validate_cmd(file: Path = typer.Argument(..., help="Programmabestand (.yaml of .xlsx)")) -> None:
    """Controleer een programmabestand zonder het te laden."""
    known_indicators, known_regions = _known()
    try:
        programme = read_programme_file(file, known_indicators, known_regions)
    except DefinitionError as exc:
        _fail(str(exc))
    checked = "de catalogus en de gebieden in de database" if known_regions is not None else "de catalogus"
    typer.echo(f"Het programma '{programme.id}' in {file} is geldig (gecontroleerd met {checked}).")


@programme_app.command("load")
def load_cmd(file: Path = typer.Argument(..., help="Programmabestand (.yaml of .xlsx)")) -> None:
    """Controleer een programmabestand en bewaar het (als YAML) in de kansenmonitor-map."""
    known_indicators, known_regions = _known()
    try:
        programme, target = import_programme(file, known_indicators, known_regions)
    except DefinitionError as exc:
        _fail(str(exc))
    typer.echo(f"Programma '{programme.id}' geladen en bewaard in {target}.")


@programme_app.command("list")
def list_cmd() -> None:
    """Toon de beschikbare programma's."""
    for pid in available_ids():
        typer.echo(pid)


def _money_by_item(programme: Programme) -> dict[str, float]:
    out: dict[str, float] = {}
    for b in programme.lines_of_table(None):
        if b.kind.value == "expenditure" and b.item and b.amount is not None:
            out[b.item] = out.get(b.item, 0.0) + float(b.amount)
    return out


def _tree(programme: Programme) -> dict:
    money = _money_by_item(programme)

    def intervention(i) -> dict:
        return {"id": i.id, "name": i.name, "status": i.status.value if i.status else None,
                "owner": i.owner, "expenditure": money.get(i.id, 0.0)}

    ambitions = []
    for a in programme.ambitions:
        kansen = []
        for k in programme.kansen_of(a.id):
            ivs = [intervention(i) for i in programme.interventions_of_kans(k.id)]
            kansen.append({"id": k.id, "number": k.number, "name": k.name,
                           "expenditure": money.get(k.id, 0.0) + sum(i["expenditure"] for i in ivs),
                           "interventions": ivs})
        direct = [intervention(i) for i in programme.interventions_of_ambition(a.id)]
        total = money.get(a.id, 0.0) + sum(k["expenditure"] for k in kansen) + sum(i["expenditure"] for i in direct)
        ambitions.append({
            "id": a.id, "code": a.code, "name": a.name,
            "age_phase": a.age_phase.label if a.age_phase else None,
            "expenditure": total, "kansen": kansen, "interventions": direct,
        })
    loose = [intervention(i) for i in programme.interventions
             if not i.kans_id and not i.ambition_id]
    return {
        "id": programme.id, "name": programme.name, "table": programme.default_table,
        "principles": [
            {"id": p.id, "name": p.name,
             "uitgangspunten": [{"id": u.id, "code": u.code, "name": u.name}
                                for u in programme.uitgangspunten if u.principle_id == p.id]}
            for p in programme.principles
        ],
        "programme_lines": [{"id": pl.id, "name": pl.name} for pl in programme.programme_lines],
        "focus_areas": [{"code": f.code, "name": f.name} for f in programme.focus_areas],
        "ambitions": ambitions,
        "other_interventions": loose,
    }


@programme_app.command("show")
def show_cmd(
    programme_id: str = typer.Argument(..., metavar="ID"),
    as_json: bool = typer.Option(False, "--json", help="Uitvoer als JSON"),
) -> None:
    """Toon de opbouw van een programma, van principe tot interventie, met geld."""
    programme = _get(programme_id, _known())
    tree = _tree(programme)
    if as_json:
        typer.echo(json.dumps(tree, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{programme.name} ({programme.id})")
    for p in tree["principles"]:
        typer.echo(f"Leidend principe: {p['name']}")
        for u in p["uitgangspunten"]:
            code = f" {u['code']}" if u["code"] else ""
            typer.echo(f"  Uitgangspunt{code}: {u['name']}")
    if tree["programme_lines"]:
        typer.echo("Programmalijnen: " + ", ".join(pl["name"] for pl in tree["programme_lines"]))
    if tree["focus_areas"]:
        typer.echo("Focusgebieden: " + ", ".join(f"{f['name']} ({f['code']})" for f in tree["focus_areas"]))
    if tree["table"]:
        typer.echo(f"Geld: uitgaven in tabel '{tree['table']}', alle jaren samen.")

    def money(amount: float) -> str:
        return f" — {format_euro(amount)}" if amount else ""

    def show_intervention(i: dict, indent: str) -> None:
        status = f" [{STATUS_NL.get(i['status'], i['status'])}]" if i["status"] else ""
        typer.echo(f"{indent}Interventie: {i['name']}{status}{money(i['expenditure'])}")

    for a in tree["ambitions"]:
        phase = f" ({a['age_phase']})" if a["age_phase"] else ""
        code = f" {a['code']}" if a["code"] else ""
        typer.echo(f"Ambitie{code}: {a['name']}{phase}{money(a['expenditure'])}")
        for k in a["kansen"]:
            number = f" {k['number']}" if k["number"] is not None else ""
            typer.echo(f"  Kans{number}: {k['name']}{money(k['expenditure'])}")
            for i in k["interventions"]:
                show_intervention(i, "    ")
        for i in a["interventions"]:
            show_intervention(i, "  ")
    for i in tree["other_interventions"]:
        show_intervention(i, "")


@programme_app.command("export")
def export_cmd(
    programme_id: str = typer.Argument(..., metavar="ID"),
    fmt: ExportFormat = typer.Option(..., "--format", help="yaml of xlsx"),
    output: Path = typer.Option(..., "--output", help="Bestand om naar te schrijven"),
) -> None:
    """Schrijf een programma naar YAML of naar een Excel-werkmap (één blad per niveau)."""
    programme = _get(programme_id)
    if fmt == ExportFormat.YAML:
        write_yaml(programme, output)
    else:
        write_xlsx(programme, output)
    typer.echo(f"Programma '{programme.id}' geschreven naar {output}.")


@programme_app.command("finance")
def finance_cmd(
    programme_id: str = typer.Argument(..., metavar="ID"),
    by: FinanceBy = typer.Option(FinanceBy.YEAR, "--by", help="year, ambition, source of lijn"),
    table: str | None = typer.Option(None, "--table", help="Begrotingstabel (standaard: de hoofdtabel)"),
    as_json: bool = typer.Option(False, "--json", help="Uitvoer als JSON"),
) -> None:
    """Uitgaven, dekking en saldo per jaar; of per ambitie, financieringsbron of lijn."""
    programme = _get(programme_id)
    try:
        if by == FinanceBy.YEAR:
            df = finance_by_year(programme, table)
        elif by == FinanceBy.AMBITION:
            df = finance_by_ambition(programme, table)
        elif by == FinanceBy.SOURCE:
            df = finance_by_source(programme, table)
        else:
            df = lijn_shares(programme, table)
    except KeyError as exc:
        _fail(str(exc.args[0]))
        return
    if as_json:
        records = [{str(k): _clean(v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                   for row in df.to_dict(orient="records")]
        tbl = table_of(programme, table)
        typer.echo(json.dumps({"programme": programme.id, "by": by.value,
                               "table": table or programme.default_table,
                               "table_kind": tbl.kind.value if tbl else None, "rows": records},
                              ensure_ascii=False, indent=2))
        return
    typer.echo(f"{programme.name}")
    tbl = table_of(programme, table)
    typer.echo(f"Tabel: {tbl.name if tbl else 'alle regels'}")
    budget = is_budget(programme, table)
    if budget:
        typer.echo("Dit is een begroting: begrote of beschikbaar gestelde bedragen, zonder dekking ertegenover. "
                   "Er is dus geen saldo en geen tekort.")
    if by == FinanceBy.YEAR:
        regional = bool(df["coverage_regional"].sum())
        head = f"{'Jaar':<12}{'Begroot' if budget else 'Uitgaven':>18}{'Dekking gemeente':>18}"
        head += f"{'Regionaal (apart)':>20}" if regional else ""
        head += "" if budget else f"{'Saldo':>18}"
        typer.echo(head)
        for row in df.itertuples():
            year = "zonder jaar" if row.year is None or row.year != row.year else str(int(row.year))
            pm = f"  ({row.pm_lines} p.m.)" if row.pm_lines else ""
            line = f"{year:<12}{format_euro(row.expenditure):>18}{format_euro(row.coverage):>18}"
            line += f"{format_euro(row.coverage_regional):>20}" if regional else ""
            line += "" if budget else f"{format_euro(row.saldo):>18}"
            typer.echo(line + pm)
        if regional:
            typer.echo("Regionaal geld is van de regio (meer gemeenten samen); het telt niet mee in de dekking "
                       "of het saldo van de gemeente.")
        gaps = funding_gaps(programme, table)
        for gap in gaps:
            years = ", ".join(f"{y}: {format_euro(a)}" for y, a in sorted(gap.uncovered.items()))
            typer.echo(f"Let op: {gap.name} stopt na {gap.last_year}; daarna zonder dekking: {years}.")
    elif by == FinanceBy.AMBITION:
        years = [c for c in df.columns if isinstance(c, int)]
        typer.echo(f"{'Ambitie':<50}" + "".join(f"{y:>16}" for y in years) + f"{'Totaal':>18}")
        for _, row in df.iterrows():
            name = row["name"] or (PROGRAMME_AS_A_WHOLE if row["ambition"] == PROGRAMME_AS_A_WHOLE else row["ambition"])
            name = name if len(name) <= 48 else name[:47] + "…"
            pm = f"  ({row['pm_lines']} p.m.)" if row["pm_lines"] else ""
            typer.echo(f"{name:<50}" + "".join(f"{format_euro(row[y]):>16}" for y in years)
                       + f"{format_euro(row['total']):>18}{pm}")
    elif by == FinanceBy.SOURCE:
        typer.echo(f"{'Bron':<48}{'Jaar':>6}{'Uitgaven':>16}{'Dekking':>16}" + ("" if budget else f"{'Saldo':>16}"))
        for row in df.itertuples():
            name = row.name + (" (regionaal)" if row.regional else "")
            name = name if len(name) <= 46 else name[:45] + "…"
            typer.echo(f"{name:<48}{row.year:>6}{format_euro(row.expenditure):>16}{format_euro(row.coverage):>16}"
                       + ("" if budget else f"{format_euro(row.saldo):>16}"))
    else:
        typer.echo(f"{'Lijn':<8}{'Uitgaven':>20}{'Aandeel':>10}{'Doel':>10}{'Verschil':>16}")
        for row in df.itertuples():
            diff = f"{format_number(row.difference, 1)} %-punt" if row.difference == row.difference else "–"
            typer.echo(f"{row.lijn:<8}{format_euro(row.amount):>20}{format_percent(row.share):>10}"
                       f"{format_percent(row.target, 0):>10}{diff:>16}")


STATUS_LABEL_EN = {
    IndicatorStatus.ON_TRACK: "on track",
    IndicatorStatus.BEHIND: "behind",
    IndicatorStatus.AHEAD: "ahead",
    IndicatorStatus.NO_DATA: "no data yet",
}
#: English for the reasons ``indicator_status`` gives (Dutch).
REASON_EN = {
    "geen 0-meting": "no baseline",
    "0-meting zonder waarde": "baseline without a value",
    "0-meting zonder meetjaar": "baseline without a year of measurement",
    "geen streefwaarde": "no target",
    "nog geen meting na de 0-meting": "no measurement after the baseline yet",
}

TEXT = {
    "nl": {
        "store": "Cijfers uit de kansenmonitor: database in {where}.",
        "no_store": "Er is geen database: alleen de eigen metingen van het programma tellen mee. "
                    "Maak een database met 'kansenmonitor init --demo' (voorbeeld) of 'kansenmonitor init'.",
        "other": "Indicatoren van het hele programma (bij geen ambitie)",
        "ambition": "Ambitie",
        "none": "Geen indicatoren bij deze ambitie.",
        "link": "Gekoppeld aan {cid} in {region}",
        "link_none": "Gekoppeld aan {cid}",
        "baseline": "0-meting", "latest": "Laatste waarde", "target": "Doel", "status": "Stand",
        "expected": "verwacht volgens de lijn: {value}",
        "no_value": "nog geen meting", "no_baseline": "geen 0-meting",
        "no_target": "geen streefwaarde", "store_src": "kansenmonitor", "own_src": "eigen meting",
        "in": "in", "years": "In de kansenmonitor: {years}.",
        "total": "Samen: {on_track} op koers, {behind} achter, {ahead} voor, {no_data} nog geen gegevens.",
        "data": "Gegevens",
        "data_total": "Cijfers uit de kansenmonitor voor {store} van {total} indicatoren; {deliver} nog aan te "
                      "leveren (bij 'Gegevens' staat door wie).",
    },
    "en": {
        "store": "Figures from the kansenmonitor: database in {where}.",
        "no_store": "There is no database: only the programme's own measurements count. "
                    "Create one with 'kansenmonitor init --demo' (example) or 'kansenmonitor init'.",
        "other": "Indicators of the programme as a whole (no ambition)",
        "ambition": "Ambition",
        "none": "No indicators for this ambition.",
        "link": "Linked to {cid} in {region}",
        "link_none": "Linked to {cid}",
        "baseline": "Baseline", "latest": "Latest value", "target": "Target", "status": "Status",
        "expected": "expected on the trajectory: {value}",
        "no_value": "no measurement yet", "no_baseline": "no baseline",
        "no_target": "no target", "store_src": "kansenmonitor", "own_src": "own measurement",
        "in": "in", "years": "In the kansenmonitor: {years}.",
        "total": "Together: {on_track} on track, {behind} behind, {ahead} ahead, {no_data} no data yet.",
        "data": "Data",
        "data_total": "Figures from the kansenmonitor for {store} of {total} indicators; {deliver} still to be "
                      "delivered (see 'Data' for who delivers them).",
    },
}


def _fmt_value(value: float | None, unit: str | None, lang: str) -> str:
    from kansenmonitor import format as fmt

    if value is None:
        return "–"
    decimals = 0 if float(value).is_integer() else 1
    text = fmt.number(value, decimals, lang)
    if unit is None:
        return text
    return f"{text}%" if unit.strip() == "%" else f"{text} {unit}"


def _fmt_source(v: Value, t: dict) -> str:
    if v.from_store:
        return f"{t['store_src']}: {v.source}" if v.source else t["store_src"]
    return v.source or t["own_src"]


def _fmt_point(v: Value | None, unit: str | None, t: dict, lang: str, empty: str) -> str:
    if v is None:
        return empty
    shown = _fmt_value(v.value, unit, lang) if v.value is not None else (v.text or "–")
    if v.value is not None and v.text:
        shown += f" ({v.text})"
    return f"{shown}{year_note(v.year, v.published, lang)} — {_fmt_source(v, t)}"


def _region_name(code: str | None, programme: Programme, monitor) -> str | None:
    if code is None:
        return None
    area = next((a for a in programme.focus_areas if a.code == code), None)
    if area is not None:
        return f"{area.name} ({code})"
    if monitor is not None:
        try:
            region = monitor.region(code)
            if region.name and region.name != code:
                return f"{region.name} ({code})"
        except (KansenmonitorError, LookupError):
            pass
    return code


def _echo_row(row: ProgressRow, programme: Programme, monitor, lang: str) -> None:
    t = TEXT[lang]
    ind = row.indicator
    region = _region_name(row.region, programme, monitor)
    where = f" — {region}" if region else ""
    typer.echo(f"  {ind.name}{where}")
    if ind.catalogue_id:
        label = ind.catalogue_id
        if monitor is not None and ind.catalogue_id in monitor.catalogue:
            label = f"{monitor.catalogue[ind.catalogue_id].label(lang)} ({ind.catalogue_id})"
        key = "link" if row.region else "link_none"
        typer.echo("    " + t[key].format(cid=label, region=row.region))
    typer.echo(f"    {t['baseline']}: {_fmt_point(row.baseline, ind.unit, t, lang, t['no_baseline'])}")
    typer.echo(f"    {t['latest']}: {_fmt_point(row.latest, ind.unit, t, lang, t['no_value'])}")
    if row.targets:
        targets = "; ".join(f"{_fmt_value(tg.value, ind.unit, lang)} {t['in']} {tg.year}"
                            for tg in sorted(row.targets, key=lambda x: x.year))
    else:
        targets = t["no_target"]
    typer.echo(f"    {t['target']}: {targets}")
    status = row.status
    label = STATUS_LABEL_EN[status.status] if lang == "en" else STATUS_LABEL_NL[status.status]
    extra = []
    if status.reason:
        extra.append(REASON_EN.get(status.reason, status.reason) if lang == "en" else status.reason)
    if status.expected is not None:
        extra.append(t["expected"].format(value=_fmt_value(status.expected, ind.unit, lang)))
    typer.echo(f"    {t['status']}: {label}" + (f" ({'; '.join(extra)})" if extra else ""))
    typer.echo(f"    {t['data']}: {data_text(row, lang)}")


@programme_app.command("progress")
def progress_cmd(
    programme_id: str = typer.Argument(..., metavar="ID"),
    ambition: str | None = typer.Option(None, "--ambition", help="Alleen deze ambitie (id)"),
    year: int | None = typer.Option(None, "--year", help="Stand in dit jaar (standaard: de laatste meting)"),
    as_json: bool = typer.Option(False, "--json", help="Uitvoer als JSON"),
    lang: str = typer.Option("nl", "--lang", help="nl of en"),
) -> None:
    """Stand per ambitie: 0-meting, laatste waarde, doel en of het op koers is."""
    if lang not in TEXT:
        _fail(f"onbekende taal '{lang}'; kies nl of en.")
    monitor = _open_monitor()
    try:
        programme = _get(programme_id, _known(monitor) if monitor is not None else _known())
        values = StoreValues(monitor) if monitor is not None else None
        try:
            groups = progress(programme, values, ambition=ambition, year=year)
        except KeyError as exc:
            _fail(str(exc.args[0]))
            return
        counts = status_counts(groups)
        if as_json:
            out = {
                "programme": programme.id, "name": programme.name, "lang": lang, "year": year,
                "database": monitor is not None, "counts": counts, "data_counts": data_counts(programme, values),
                "ambitions": [
                    {"id": None if g.id == OTHER else g.id, "code": g.code, "name": g.name,
                     "indicators": [dict(r.as_dict(), status_label=(STATUS_LABEL_EN if lang == "en"
                                                                    else STATUS_LABEL_NL)[r.status.status])
                                    for r in g.rows]}
                    for g in groups
                ],
            }
            typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
            return
        t = TEXT[lang]
        typer.echo(f"{programme.name} ({programme.id})")
        if monitor is not None:
            typer.echo(t["store"].format(where=monitor.home))
        else:
            typer.echo(t["no_store"])
        for g in groups:
            typer.echo("")
            if g.id == OTHER:
                typer.echo(t["other"])
            else:
                code = f" {g.code}" if g.code else ""
                typer.echo(f"{t['ambition']}{code}: {g.name}")
            if not g.rows:
                typer.echo("  " + t["none"])
            for row in g.rows:
                _echo_row(row, programme, monitor, lang)
        typer.echo("")
        typer.echo(t["total"].format(**counts))
        typer.echo(t["data_total"].format(**data_counts(programme, values)))
    finally:
        if monitor is not None:
            monitor.close()


def register(app: typer.Typer) -> None:
    """Add the ``programme`` sub-app to the main CLI."""
    app.add_typer(programme_app, name="programme")
