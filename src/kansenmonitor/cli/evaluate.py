"""CLI command ``kansenmonitor evaluate``: estimate the effect of a measure from a panel file.

Mounted on the main app with :func:`register`. Bad input gives a message on stderr and exit code 2; with
``--json`` that message is a problem document (RFC 9457 style: type, title, status, detail, issues) on stderr,
in English with ``--lang en`` (the details of data problems found by the estimators are in Dutch only).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

METHOD_NAMES = {
    "did": ("verschil-in-verschillen (2x2)", "difference-in-differences (2x2)"),
    "cs": ("gespreide start (Callaway & Sant'Anna)", "staggered adoption (Callaway & Sant'Anna)"),
    "scm": ("synthetische controle", "synthetic control"),
    "sdid": ("synthetische verschil-in-verschillen", "synthetic difference-in-differences"),
    "ascm": ("aangevulde synthetische controle (ridge)", "augmented synthetic control (ridge)"),
    "its": ("onderbroken tijdreeks (zwakker bewijs)", "interrupted time series (weaker evidence)"),
}


#: How errors are reported in the running command (set from --json and --lang).
_MODE = {"json": False, "lang": "nl"}


def _fail(message: str, en: str | None = None, issues: list | None = None) -> None:
    """Report bad input and stop with exit code 2 (a problem document on stderr with --json)."""
    english = _MODE["lang"] == "en" and en is not None
    if _MODE["json"]:
        body = {
            "type": "about:blank",
            "title": "Invalid input; nothing was changed" if _MODE["lang"] == "en"
            else "Ongeldige invoer; er is niets gewijzigd",
            "status": 2,
            "detail": en if english else message,
            "detail_lang": "en" if english else "nl",
        }
        if issues:
            en_issues = _MODE["lang"] == "en"
            body["issues"] = [
                {"file": i.file, "row": i.row, "field": i.field,
                 "message": (i.message_en or i.message) if en_issues else i.message,
                 "hint": (i.hint_en or i.hint) if en_issues else i.hint}
                for i in issues
            ]
        sys.stderr.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
        raise typer.Exit(code=2)
    label = "Error" if _MODE["lang"] == "en" else "Fout"
    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[bold red]{label}:[/] {en if english else message}")
    raise typer.Exit(code=2)


def _summary(result, lang: str, reading: str | None = None) -> None:
    from kansenmonitor.analysis.evaluation.interpret import fmt_number, fmt_p

    en = lang == "en"
    console = Console(highlight=False, soft_wrap=True)
    name = METHOD_NAMES[result.method][1 if en else 0]
    table = Table(title=("Effect estimate: " if en else "Effectschatting: ") + name, show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    n = lambda x: fmt_number(x, lang)  # noqa: E731
    table.add_row("Outcome" if en else "Uitkomst", result.outcome)
    table.add_row("Estimate" if en else "Schatting", n(result.estimate))
    if result.se is not None:
        table.add_row("Standard error" if en else "Standaardfout", n(result.se))
    if result.ci_low is not None and math.isfinite(result.ci_low):
        table.add_row("95% interval" if en else "95%-interval", f"{n(result.ci_low)} … {n(result.ci_high)}")
    table.add_row("p-value" if en else "p-waarde", fmt_p(result.p_value, lang))
    table.add_row(
        "Units (treated)" if en else "Eenheden (met maatregel)", f"{result.n_units} ({result.n_treated})"
    )
    table.add_row("Periods" if en else "Periodes", str(result.n_periods))
    d = result.design
    if d is not None:
        table.add_row("Periods before start" if en else "Periodes vóór start", str(d.n_pre_periods))
        if d.mde is not None:
            table.add_row("Smallest detectable effect" if en else "Kleinste meetbare effect", n(d.mde))
        if d.pretrend is not None and d.pretrend.df > 0:
            table.add_row(
                "Equal-trends test" if en else "Toets gelijke trends", fmt_p(d.pretrend.p_value, lang)
            )
    console.print(table)
    if result.method == "cs" and len(result.event_study):
        ev = Table(title="Event study" if en else "Effect per jaar sinds de start")
        for col in ("e", "estimate" if en else "schatting", "95%"):
            ev.add_column(col, justify="right")
        for row in result.event_study.itertuples():
            ev.add_row(str(row.event_time), n(row.estimate), f"{n(row.ci_low)} … {n(row.ci_high)}")
        console.print(ev)
    h = getattr(result, "honest_did", None)
    if h is not None:
        ht = Table(
            title="Sensitivity to the trend (Rambachan & Roth)"
            if en
            else "Gevoeligheid voor de trend (Rambachan & Roth)"
        )
        ht.add_column("M", justify="right")
        ht.add_column("robust 95% interval" if en else "robuust 95%-interval", justify="right")
        ht.add_column("zero outside" if en else "nul erbuiten", justify="center")
        for row in h.table.itertuples():
            ht.add_row(
                n(row.M),
                f"{n(row.ci_low)} … {n(row.ci_high)}",
                ("yes" if en else "ja") if row.excludes_zero else ("no" if en else "nee"),
            )
        console.print(ht)
    hr = getattr(result, "honest_did_rm", None)
    if hr is not None:
        rt = Table(
            title="Sensitivity to the trend, relative magnitudes (Rambachan & Roth)"
            if en
            else "Gevoeligheid voor de trend, relatieve omvang (Rambachan & Roth)"
        )
        rt.add_column("M̄", justify="right")
        rt.add_column("robust 95% interval" if en else "robuust 95%-interval", justify="right")
        rt.add_column("zero outside" if en else "nul erbuiten", justify="center")
        for row in hr.table.itertuples():
            rt.add_row(
                n(row.M),
                ("empty" if en else "leeg") if not math.isfinite(row.ci_low) else f"{n(row.ci_low)} … {n(row.ci_high)}",
                ("yes" if en else "ja") if row.excludes_zero else ("no" if en else "nee"),
            )
        console.print(rt)
    if result.method == "scm":
        _scm_tables(console, result, lang)
    if result.method == "sdid":
        _sdid_tables(console, result, lang)
    if result.method == "ascm":
        _ascm_tables(console, result, lang)
    console.print()
    console.print(reading or result.interpret(lang))
    from kansenmonitor.analysis.evaluation.interpret import REPEATED_WARNINGS

    # the reading of a placebo test replaces the interpretation, and with it the warnings it repeats
    shown = set(REPEATED_WARNINGS) if not reading else set()
    for m in result.warnings:
        if m.code not in shown:
            console.print(f"[yellow]{'Note' if en else 'Let op'}:[/] {m.text(lang)}")


def _scm_tables(console: Console, result, lang: str) -> None:
    """Donor weights, the predictor balance table and the placebo summary of a synthetic control."""
    from kansenmonitor.analysis.evaluation.interpret import fmt_number

    en = lang == "en"
    n = lambda x: fmt_number(x, lang)  # noqa: E731
    # several treated units: every table has a block per treated unit, so it says which one
    many = "treated_unit" in result.weights and result.weights["treated_unit"].nunique() > 1
    tcol = ("Treated unit" if en else "Eenheid met maatregel",) if many else ()

    def lead(row) -> tuple[str, ...]:
        return (str(row.treated_unit),) if many else ()

    w = result.weights[result.weights["weight"] >= 0.001]
    w = w.sort_values(["treated_unit", "weight"] if many else "weight", ascending=[True, False] if many else False)
    wt = Table(title="Synthetic control: donor weights" if en else "Synthetische controle: gewichten")
    for col in (*tcol, "Comparison unit" if en else "Vergelijkingseenheid", "Weight" if en else "Gewicht"):
        wt.add_column(col)
    for row in w.itertuples():
        wt.add_row(*lead(row), str(row.donor), n(row.weight))
    console.print(wt)
    if result.balance is not None and len(result.balance):
        bt = Table(title="Predictor balance before the start" if en else "Voorspellers vóór de start")
        cols = (
            ("Predictor", "V", "Treated", "Synthetic", "Mean of comparison units")
            if en
            else ("Voorspeller", "V", "Met maatregel", "Synthetisch", "Gemiddelde vergelijkingseenheden")
        )
        bal_many = many and "treated_unit" in result.balance
        for col in ((*tcol, *cols) if bal_many else cols):
            bt.add_column(col, justify="right" if col in cols[1:] else "left")
        for row in result.balance.itertuples():
            bt.add_row(*(lead(row) if bal_many else ()), row.predictor, n(row.v), n(row.treated), n(row.synthetic),
                       n(row.donor_mean))
        console.print(bt)
    if result.leave_one_out is not None and len(result.leave_one_out):
        lt = Table(title="Without one comparison unit" if en else "Zonder één vergelijkingseenheid")
        lcols = ("Left out", "Its weight", "Estimate") if en else ("Weggelaten", "Gewicht", "Schatting")
        loo_many = many and "treated_unit" in result.leave_one_out
        for col in ((*tcol, *lcols) if loo_many else lcols):
            lt.add_column(col, justify="right" if col in lcols[1:] else "left")
        for row in result.leave_one_out.itertuples():
            lt.add_row(*(lead(row) if loo_many else ()), str(row.donor), n(row.weight), n(row.estimate))
        console.print(lt)
    if len(result.placebos):
        rank = int((result.placebos["ratio"] >= result.rmspe_ratio).sum())
        how = (
            ("V re-optimised for every placebo" if en else "V opnieuw gekozen per placebo")
            if result.placebo_v == "refit"
            else ("placebos use the V of the treated unit" if en else "placebo's gebruiken de V van de eenheid met maatregel")
        )
        k = len(result.placebos)
        per = (
            (" (for each treated unit one per comparison unit)" if en else " (per eenheid met maatregel één per "
             "vergelijkingseenheid)") if many else ""
        )
        console.print(
            f"Placebos{per}: in {rank} of the {k} the post/pre ratio is at least as large ({how})."
            if en
            else f"Placebo's{per}: bij {rank} van de {k} is de verhouding na/vóór de start even groot of groter "
            f"({how})."
        )


def _weights_table(console: Console, title: str, rows, lang: str, extra: tuple[str, str] | None = None) -> None:
    from kansenmonitor.analysis.evaluation.interpret import fmt_number

    en = lang == "en"
    t = Table(title=title)
    t.add_column("Comparison unit" if en else "Vergelijkingseenheid")
    t.add_column("Weight" if en else "Gewicht", justify="right")
    if extra:
        t.add_column(extra[1 if en else 0], justify="right")
    for row in rows:
        t.add_row(str(row[0]), *(fmt_number(x, lang) for x in row[1:]))
    console.print(t)


def _sdid_tables(console: Console, result, lang: str) -> None:
    """Unit and time weights of synthetic difference-in-differences, and its two companions."""
    from kansenmonitor.analysis.evaluation.interpret import fmt_number

    en = lang == "en"
    w = result.unit_weights[result.unit_weights["weight"] >= 0.001].sort_values("weight", ascending=False)
    _weights_table(console, "Unit weights" if en else "Gewichten van de vergelijkingseenheden",
                   w[["donor", "weight"]].itertuples(index=False), lang)
    tw = result.time_weights[result.time_weights["weight"] >= 0.001]
    t = Table(title="Years before the start that count" if en else "Jaren vóór de start die meetellen")
    t.add_column("Year" if en else "Jaar")
    t.add_column("Weight" if en else "Gewicht", justify="right")
    for row in tw.itertuples():
        t.add_row(f"{row.time:g}", fmt_number(row.weight, lang))
    console.print(t)
    how = {"placebo": ("placebo (vergelijkingseenheden doen om de beurt alsof)", "placebo"),
           "jackknife": ("jackknife (telkens één eenheid weggelaten)", "jackknife"), "none": ("geen", "none")}
    console.print(
        (f"Synthetic control: {fmt_number(result.sc_estimate, lang)}; difference-in-differences: "
         f"{fmt_number(result.did_estimate, lang)}. Uncertainty: {how[result.se_method][1]}.")
        if en
        else (f"Synthetische controle: {fmt_number(result.sc_estimate, lang)}; verschil-in-verschillen: "
              f"{fmt_number(result.did_estimate, lang)}. Onzekerheid: {how[result.se_method][0]}.")
    )


def _ascm_tables(console: Console, result, lang: str) -> None:
    """Augmented and plain synthetic-control weights and the fit before the start."""
    from kansenmonitor.analysis.evaluation.interpret import fmt_number

    en = lang == "en"
    w = result.weights[(result.weights["weight"].abs() >= 0.001) | (result.weights["scm_weight"] >= 0.001)]
    w = w.reindex(w["weight"].abs().sort_values(ascending=False).index)
    _weights_table(console, "Augmented synthetic control: weights" if en else "Aangevulde synthetische controle: "
                   "gewichten", w[["donor", "weight", "scm_weight"]].itertuples(index=False), lang,
                   ("Gewicht zonder aanvulling", "Weight without augmentation"))
    n = lambda x: fmt_number(x, lang)  # noqa: E731
    console.print(
        (f"Fit before the start (RMSPE): {n(result.pre_rmspe)} augmented, {n(result.scm_pre_rmspe)} without; "
         f"estimate without augmentation {n(result.scm_estimate)}; ridge parameter {n(result.lambda_)}.")
        if en
        else (f"Afwijking vóór de start (RMSPE): {n(result.pre_rmspe)} met aanvulling, {n(result.scm_pre_rmspe)} "
              f"zonder; schatting zonder aanvulling {n(result.scm_estimate)}; ridge-parameter {n(result.lambda_)}.")
    )


def _store_panel(programme_id, intervention_id, indicator, level, start, gemeenten, notes):
    """The panel of an intervention from the database: its places are treated from its start year."""
    from kansenmonitor.monitor import Monitor
    from kansenmonitor.panels import panel_frame, placebo_reason, places_to_treatment
    from kansenmonitor.programme import load_programme

    try:
        programme = load_programme(programme_id)
    except KeyError as exc:
        _fail(str(exc.args[0]))
    found = [i for i in programme.interventions if i.id == intervention_id]
    if not found:
        _fail(f"interventie '{intervention_id}' bestaat niet in '{programme_id}'; zie 'kansenmonitor programme show "
              f"{programme_id}'.", f"intervention '{intervention_id}' does not exist in '{programme_id}'; see "
              f"'kansenmonitor programme show {programme_id}'.")
    item = found[0]
    year = start or item.start_year
    if year is None:
        _fail(f"interventie '{intervention_id}' heeft geen startjaar; geef het op met --start.",
              f"intervention '{intervention_id}' has no start year; give it with --start.")
    placebo = placebo_reason(item, year)
    monitor = Monitor.open(create=False)
    if level == "school":
        from kansenmonitor.schools.panel import school_panel, school_treatment

        treated = school_treatment(monitor, [p.code for p in item.places if p.code], year, notes)
        if not treated:
            _fail(f"geen van de plaatsen van interventie '{intervention_id}' is een school uit het scholenregister; "
                  "kies --level buurt of wijk, of noem de scholen als plaats (SCHOOL-<vestigingscode>).")
        frame = school_panel(monitor, indicator, treated, gemeenten or None, sectors=_sectors(monitor, treated),
                             notes=notes)
        source = {"programme": programme_id, "intervention": intervention_id, "indicator": indicator,
                  "level": level, "start": year, "treated": sorted(treated), "skipped_places": list(notes),
                  "placebo": placebo}
        return frame[["unit", "time", "outcome", "treated_from"]], source
    try:
        monitor.indicator(indicator)
    except LookupError as exc:
        _fail(str(exc))
    if level == "gebied":
        from kansenmonitor.panels import area_panel, area_treatment

        treated = area_treatment(monitor, [p.code for p in item.places if p.code], year, notes)
        if not treated:
            _fail(f"geen van de plaatsen van interventie '{intervention_id}' is een eigen gebied (stadsdeel of "
                  "focusgebied); kies --level buurt of wijk.", f"none of the places of intervention "
                  f"'{intervention_id}' is a custom area (stadsdeel or focus area); choose --level buurt or wijk.")
        frame = area_panel(monitor, indicator, treated, gemeenten or None, notes=notes)
        source = {"programme": programme_id, "intervention": intervention_id, "indicator": indicator,
                  "level": level, "start": year, "treated": sorted(treated), "skipped_places": list(notes),
                  "placebo": placebo}
        return frame[["unit", "time", "outcome", "treated_from"]], source
    treated = places_to_treatment(monitor, [p.code for p in item.places if p.code], year, level, notes)
    frame = panel_frame(monitor, indicator, level, treated, gemeenten or None)
    source = {"programme": programme_id, "intervention": intervention_id, "indicator": indicator, "level": level,
              "start": year, "treated": sorted(treated), "skipped_places": list(notes), "placebo": placebo}
    return frame[["unit", "time", "outcome", "treated_from"]], source


def _sectors(monitor, treated) -> list[str]:
    """The sectors (po, vo, …) of the treated schools: comparison schools come from the same sectors."""
    from kansenmonitor.schools.repository import register

    return sorted(set(register(monitor, codes=list(treated))["sector"]))


def _save(name, result, source, method, control, seed, lang) -> None:
    from datetime import date

    from kansenmonitor.store import Store

    body = {"id": name, "saved_on": date.today().isoformat(), "method": method, "control": control, "seed": seed,
            "source": source, "result": result.to_dict(lang=lang)}
    store = Store.open()
    # saved evaluations are never replaced: decisions cite them as evidence
    if not store.add_document("evaluation", name, json.loads(json.dumps(body, default=str))):
        _fail(f"Er is al een evaluatie '{name}'; een bewaarde evaluatie wordt nooit vervangen (besluiten kunnen "
              "ernaar verwijzen). Kies met --save een andere naam.",
              f"There already is an evaluation '{name}'; a saved evaluation is never replaced (decisions may cite "
              "it). Choose another name with --save.")
    Console(stderr=True, highlight=False).print(f"Bewaard als evaluatie '{name}'.")


def register(app: typer.Typer) -> None:
    """Add the ``evaluate`` command to ``app``."""

    @app.command("evaluate")
    def evaluate_command(
        data: Path | None = typer.Option(
            None, "--data", help="CSV- of Parquet-bestand met één rij per eenheid en periode."
        ),
        unit: str | None = typer.Option(None, "--unit", help="Kolom met de eenheid (bijv. wijkcode)."),
        time: str | None = typer.Option(None, "--time", help="Kolom met de periode (bijv. jaar)."),
        outcome: str | None = typer.Option(None, "--outcome", help="Kolom met de uitkomst."),
        programme: str | None = typer.Option(
            None, "--programme", help="Of uit de database: programma-id (met --intervention en --indicator)."
        ),
        intervention: str | None = typer.Option(None, "--intervention", help="Interventie-id in het programma."),
        indicator: str | None = typer.Option(None, "--indicator", help="Indicator-id als uitkomst."),
        level: str = typer.Option(
            "buurt", "--level", help="Niveau van de eenheden: buurt, wijk, gebied (eigen gebied of focusgebied als "
            "één geheel, vergeleken met wijken) of school."
        ),
        start: int | None = typer.Option(None, "--start", help="Startjaar (als de interventie er geen heeft)."),
        gemeente: list[str] = typer.Option([], "--gemeente", help="Gemeente(n) voor de vergelijkingsgebieden."),
        save: str | None = typer.Option(None, "--save", help="Bewaar het resultaat onder deze naam."),
        treated_from: str | None = typer.Option(
            None, "--treated-from", help="Kolom met de eerste periode van de maatregel (leeg/0 = nooit)."
        ),
        treatment: str | None = typer.Option(None, "--treatment", help="Of: kolom met 0/1 per rij."),
        method: str = typer.Option(
            "cs",
            "--method",
            help="did (verschil-in-verschillen), cs (gespreide start), scm (synthetische controle), sdid "
            "(synthetische verschil-in-verschillen), ascm (aangevulde synthetische controle) of its (onderbroken "
            "tijdreeks).",
        ),
        control: str = typer.Option("never", "--control", help="never of notyet (alleen cs)."),
        covariates: list[str] = typer.Option(
            [], "--covariate", help="Kenmerk (herhaalbaar): cs (doubly robust), did, sdid en scm."
        ),
        covariate_method: str | None = typer.Option(
            None, "--covariate-method", help="Met kenmerken. cs: dr (doubly robust, standaard) of reg "
            "(uitkomstregressie); sdid: projected (standaard) of optimized (zoals R synthdid)."
        ),
        weights: str | None = typer.Option(None, "--weights", help="Kolom met een gewicht per eenheid."),
        predictor: list[str] = typer.Option(
            [],
            "--predictor",
            help="Voorspeller voor scm of ascm (herhaalbaar): kolom, of kolom:2015-2019 (gemiddelde over die jaren), "
            "kolom:2019 of kolom:2011-2019/2 (om het jaar).",
        ),
        fit_periods: str | None = typer.Option(
            None, "--fit-periods", help="Jaren vóór de start waarop scm de gewichten V kiest (bijv. 2012-2019)."
        ),
        v: str | None = typer.Option(None, "--v", help="Eigen gewichten V voor scm: één getal per voorspeller, met komma's."),
        v_search: str = typer.Option("multistart", "--v-search", help="multistart of equal (scm)."),
        placebo_refit_v: bool = typer.Option(
            False, "--placebo-refit-v", help="Kies V opnieuw voor elke placebo (scm; trager)."
        ),
        leave_one_out: bool = typer.Option(
            False, "--leave-one-out", help="scm: schat opnieuw zonder elke vergelijkingseenheid met een gewicht."
        ),
        honest_did: bool = typer.Option(
            False,
            "--honest-did",
            help="cs en did: gevoeligheidsanalyse voor de trend (Rambachan & Roth): hoeveel mag de trend na de start "
            "afwijken voordat het effect verdwijnt?",
        ),
        se_method: str = typer.Option(
            "auto", "--se-method", help="sdid: auto, placebo (één eenheid met maatregel), jackknife of none."
        ),
        replications: int = typer.Option(200, "--replications", min=2, help="sdid: aantal placebo-trekkingen."),
        ridge_lambda: float | None = typer.Option(
            None, "--ridge-lambda", help="ascm: eigen ridge-parameter (standaard gekozen met kruisvalidatie)."
        ),
        as_json: bool = typer.Option(
            False, "--json", help="Geef het resultaat als JSON (fouten als JSON op stderr)."
        ),
        bootstrap: int = typer.Option(999, "--bootstrap", min=0, help="Aantal bootstrap-trekkingen (cs)."),
        inference: str = typer.Option(
            "auto",
            "--inference",
            help="cs: auto (permutatietoets bij minder dan 10 eenheden met maatregel), asymptotic of permutation.",
        ),
        permutations: int = typer.Option(999, "--permutations", min=1, help="Aantal permutaties (cs)."),
        seed: int | None = typer.Option(None, "--seed", help="Startgetal voor de toevalsgenerator."),
        lang: str = typer.Option("nl", "--lang", help="nl of en."),
    ) -> None:
        """Schat het effect van een maatregel (verschil-in-verschillen, gespreide start, synthetische controle
        of onderbroken tijdreeks) en leg de uitkomst uit in gewone taal."""
        from kansenmonitor.analysis.evaluation import METHODS, Panel, evaluate
        from kansenmonitor.core.errors import ValidationError

        _MODE.update(json=as_json, lang=lang if lang in ("nl", "en") else "nl")
        if lang not in ("nl", "en"):
            _fail(f"onbekende taal '{lang}'; kies nl of en.", f"unknown language '{lang}'; choose nl or en.")
        if method not in METHODS:
            _fail(f"onbekende methode '{method}'; kies uit {', '.join(METHODS)}.",
                  f"unknown method '{method}'; choose one of {', '.join(METHODS)}.")
        if control not in ("never", "notyet"):
            _fail(f"onbekende vergelijkingsgroep '{control}'; kies never of notyet.",
                  f"unknown comparison group '{control}'; choose never or notyet.")
        if level not in ("buurt", "wijk", "gebied", "school"):
            _fail(f"onbekend niveau '{level}'; kies buurt, wijk, gebied of school.",
                  f"unknown level '{level}'; choose buurt, wijk, gebied or school.")
        if leave_one_out and method != "scm":
            _fail("--leave-one-out hoort bij --method scm.", "--leave-one-out belongs to --method scm.")
        if honest_did and method not in ("cs", "did"):
            _fail("--honest-did hoort bij --method cs of did.", "--honest-did belongs to --method cs or did.")
        if (se_method != "auto" or replications != 200) and method != "sdid":
            _fail("--se-method en --replications horen bij --method sdid.",
                  "--se-method and --replications belong to --method sdid.")
        if ridge_lambda is not None and method != "ascm":
            _fail("--ridge-lambda hoort bij --method ascm.", "--ridge-lambda belongs to --method ascm.")
        if save:
            from kansenmonitor.store import Store

            if Store.open().get_document("evaluation", save) is not None:
                _fail(f"Er is al een evaluatie '{save}'; een bewaarde evaluatie wordt nooit vervangen (besluiten "
                      "kunnen ernaar verwijzen). Kies met --save een andere naam.",
                      f"There already is an evaluation '{save}'; a saved evaluation is never replaced (decisions "
                      "may cite it). Choose another name with --save.")
        notes: list[str] = []
        source: dict = {}
        options: dict = {}
        if inference not in ("auto", "asymptotic", "permutation"):
            _fail(f"onbekende toets '{inference}' voor --inference; kies auto, asymptotic of permutation.",
                  f"unknown test '{inference}' for --inference; choose auto, asymptotic or permutation.")
        if covariate_method is not None:
            allowed_methods = {"cs": ("dr", "reg"), "sdid": ("projected", "optimized")}
            if method not in allowed_methods or not covariates:
                _fail("--covariate-method hoort bij --method cs of sdid met --covariate.",
                      "--covariate-method belongs to --method cs or sdid with --covariate.")
            if covariate_method not in allowed_methods[method]:
                choices = " of ".join(allowed_methods[method])
                _fail(f"onbekende schatter '{covariate_method}' voor --covariate-method bij {method}; kies {choices}.",
                      f"unknown estimator '{covariate_method}' for --covariate-method with {method}; choose "
                      f"{' or '.join(allowed_methods[method])}.")
            options["covariate_method"] = covariate_method
        if method == "cs":
            options.update(inference=inference, permutations=permutations)
            if honest_did:
                options["honest_did"] = True
        elif inference != "auto":
            _fail("--inference hoort bij --method cs.", "--inference belongs to --method cs.")
        if method == "did" and honest_did:
            options["honest_did"] = True
        predictors = []
        if method == "scm" and leave_one_out:
            options["leave_one_out"] = True
        if method == "sdid":
            options.update(se_method=se_method, replications=replications)
        if method == "ascm":
            options["lambda_"] = ridge_lambda
            if fit_periods or v or placebo_refit_v or v_search != "multistart":
                _fail("--fit-periods, --v, --v-search en --placebo-refit-v horen bij --method scm; ascm gebruikt "
                      "alle jaren vóór de start.",
                      "--fit-periods, --v, --v-search and --placebo-refit-v belong to --method scm; ascm uses every "
                      "year before the start.")
            if predictor:
                from kansenmonitor.analysis.evaluation.synth import parse_predictor

                try:
                    options["predictors"] = [parse_predictor(p) for p in predictor]
                except ValueError as exc:
                    _fail(f"{exc}.")
        elif predictor or fit_periods or v or placebo_refit_v or v_search != "multistart":
            if method != "scm":
                _fail("--predictor, --fit-periods, --v, --v-search en --placebo-refit-v horen bij --method scm.",
                      "--predictor, --fit-periods, --v, --v-search and --placebo-refit-v belong to --method scm.")
            from kansenmonitor.analysis.evaluation.synth import V_SEARCHES, parse_predictor

            if v_search not in V_SEARCHES:
                _fail(f"onbekende zoekmethode '{v_search}' voor --v-search; kies multistart of equal.",
                      f"unknown search '{v_search}' for --v-search; choose multistart or equal.")
            try:
                predictors = [parse_predictor(p) for p in predictor]
            except ValueError as exc:
                _fail(f"{exc}.")
            if fit_periods:
                try:
                    options["fit_periods"] = parse_predictor(f"x:{fit_periods}").periods
                except ValueError:
                    _fail(f"--fit-periods '{fit_periods}' zijn geen jaren; geef bijv. 2012-2019 of 2015,2017,2019.",
                          f"--fit-periods '{fit_periods}' are not years; give e.g. 2012-2019 or 2015,2017,2019.")
            if v:
                try:
                    options["v"] = [float(x.replace(" ", "")) for x in v.split(",")]
                except ValueError:
                    _fail(f"--v '{v}' bevat iets anders dan getallen; geef bijv. --v 0.5,0.3,0.2.",
                          f"--v '{v}' contains something other than numbers; give e.g. --v 0.5,0.3,0.2.")
            if predictors:
                options["predictors"] = predictors
            options["v_search"] = v_search
            options["placebo_refit_v"] = placebo_refit_v
        try:
            if programme or intervention:
                if data is not None:
                    _fail("kies --data (een bestand) of --programme/--intervention (de database), niet beide.",
                          "choose --data (a file) or --programme/--intervention (the database), not both.")
                if not (programme and intervention and indicator):
                    _fail("uit de database zijn --programme, --intervention en --indicator nodig.",
                          "from the database --programme, --intervention and --indicator are needed.")
                frame, source = _store_panel(programme, intervention, indicator, level, start, gemeente, notes)
                panel = Panel.from_frame(frame.rename(columns={"outcome": indicator}), unit="unit", time="time",
                                         outcome=indicator, treated_from="treated_from")
            else:
                if data is None or unit is None or time is None or outcome is None:
                    _fail("geef --data, --unit, --time en --outcome (of --programme, --intervention en --indicator).",
                          "give --data, --unit, --time and --outcome (or --programme, --intervention and "
                          "--indicator).")
                if (treated_from is None) == (treatment is None):
                    _fail("geef precies één van --treated-from (startperiode) of --treatment (0/1 per rij).",
                          "give exactly one of --treated-from (start period) or --treatment (0/1 per row).")
                needed = list(covariates)
                for spec in predictors or options.get("predictors", []):
                    if spec.variable != outcome and spec.variable not in needed:
                        needed.append(spec.variable)
                panel = Panel.from_file(
                    data,
                    unit=unit,
                    time=time,
                    outcome=outcome,
                    treated_from=treated_from,
                    treatment=treatment,
                    covariates=tuple(needed),
                    weights=weights,
                    covariate_gaps=method in ("scm", "ascm"),
                )
                source = {"data": str(data), "unit": unit, "time": time, "outcome": outcome}
            result = evaluate(panel, method=method, control=control, bootstrap=bootstrap, seed=seed, **options)
        except ValidationError as exc:
            _fail(str(exc), exc.text("en") if all(i.message_en for i in exc.issues) else None, issues=exc.issues)
            return
        if save:
            _save(save, result, source, method, control, seed, lang)
        for note in notes:
            Console(stderr=True, highlight=False, soft_wrap=True).print(f"[yellow]Let op:[/] {note}")
        placebo = source.get("placebo")
        reading = None
        if placebo:
            from kansenmonitor.panels import placebo_text

            reading = placebo_text(placebo, result.to_dict(lang=lang), source["start"], lang)
        if as_json:
            body = result.to_dict(lang=lang)
            if placebo:
                body.update(placebo=placebo, technical_interpretation=body.get("interpretation"),
                            interpretation=reading)
            sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
        else:
            _summary(result, lang, reading)
