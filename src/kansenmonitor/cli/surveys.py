"""CLI for surveys: ``kansenmonitor survey import|list|shares|lca|network|demo-file``. Thin: every number comes from
:mod:`kansenmonitor.surveys`, and only disclosure-checked estimates are printed (never respondent rows)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .. import format as fmt
from ..core.errors import KansenmonitorError
from .base import err, fail, open_monitor, out

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
    model: Annotated[str | None, typer.Option("--model", help="Aandelen van de klassen van dit bewaarde "
                                              "klassenmodel (in plaats van de vragen).")] = None,
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
    if model:
        _class_shares(monitor, model, enquete, golf, niveau, gemeente, as_json, lang)
        return
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


def _class_shares(monitor, model: str, enquete, golf, niveau: str, gemeente, as_json: bool, lang: str) -> None:
    from ..surveys import classes
    from ..surveys import repository as repo

    try:
        r = classes.result(monitor, model)
        w = repo.wave(monitor, enquete or r.body["survey"], golf or r.body["wave"])
        rows = [c for c in classes.class_shares(monitor, r, w, lang) if c.level == niveau
                and (gemeente is None or c.gemeente == gemeente)]
    except (KansenmonitorError, ValueError) as exc:
        fail(exc)
    if as_json:
        from dataclasses import asdict

        typer.echo(json.dumps({"model": r.id, "enquete": w.survey, "golf": w.wave, "synthetisch": w.synthetic,
                               "aandelen": [asdict(c) for c in rows]}, ensure_ascii=False, indent=2))
        return
    key = "description_en" if lang == "en" else "description_nl"
    for k, prof in enumerate(r.body["profiles"], start=1):
        t = Table(title=f"Klasse {k}: {prof[key]}")
        for h in (("Gebied", "Area"), ("Aandeel", "Share"), ("95%-interval", "95% interval")):
            t.add_column(h[1] if lang == "en" else h[0])
        for c in (c for c in rows if c.cls == k):
            if c.share is None:
                t.add_row(c.name, ("niet getoond: " if lang == "nl" else "withheld: ") + (c.reason or ""), "")
            else:
                t.add_row(c.name, fmt.number(c.share, 1, lang) + " %",
                          f"{fmt.number(c.lower, 1, lang)}–{fmt.number(c.upper, 1, lang)} %")
        out.print(t)


def _ks(text: str) -> list[int]:
    try:
        if "-" in text:
            a, b = (int(x) for x in text.split("-", 1))
            ks = list(range(a, b + 1))
        else:
            ks = [int(x) for x in text.split(",")]
    except ValueError:
        raise ValueError(f"--klassen '{text}' kan niet; schrijf bijvoorbeeld 1-8 of 3,4,5") from None
    if not ks or min(ks) < 1 or max(ks) > 15:
        raise ValueError("--klassen: kies aantallen van 1 tot en met 15")
    return ks


@survey_app.command("lca")
def lca_cmd(
    enquete: SurveyOpt = None,
    golf: WaveOpt = None,
    klassen: Annotated[str, typer.Option("--klassen", help="Aantallen klassen om te proberen, bv. 1-8.")] = "1-8",
    starts: Annotated[int, typer.Option("--starts", min=1, help="Willekeurige starts per aantal.")] = 20,
    seed: Annotated[int, typer.Option("--seed", help="Startgetal van het toeval (zelfde getal, zelfde uitkomst).")] = 1,
    vraag: Annotated[list[str] | None, typer.Option("--vraag", help="Alleen deze vragen (herhaalbaar; standaard "
                                                    "alle vragen over kapitaal).")] = None,
    criterium: Annotated[str, typer.Option("--criterium", help="bic (standaard), aic of sabic.")] = "bic",
    blrt: Annotated[int, typer.Option("--blrt", min=0, help="Bootstrap-toets met zoveel trekkingen (0: niet).")] = 0,
    opslaan: Annotated[bool, typer.Option("--opslaan", help="Het gekozen model bewaren in de database.")] = False,
    toepassen: Annotated[str | None, typer.Option("--toepassen", help="Een bewaard model toepassen op deze golf "
                                                  "(in plaats van opnieuw schatten).")] = None,
    covariaten: Annotated[list[str] | None, typer.Option("--covariaten", help="Kenmerken van klasselidmaatschap, "
                                                         "bv. leeftijd,geslacht,gemeente,focusgebied (herhaalbaar "
                                                         "of met komma's): 3-stapsschatting.")] = None,
    correctie: Annotated[str, typer.Option("--correctie", help="Correctie bij --covariaten: ml (standaard) of "
                                           "bch.")] = "ml",
    as_json: JsonOpt = False,
    lang: LangOpt = "nl",
) -> None:
    """Latente klassen van kapitaal (economisch, cultureel, sociaal, persoon): aantal kiezen, profielen in woorden."""
    from ..surveys import classes
    from ..surveys import repository as repo

    _lang(lang)
    if criterium not in ("bic", "aic", "sabic"):
        fail(ValueError(f"--criterium '{criterium}' kan niet; kies bic, aic of sabic"))
    if correctie.lower() not in ("ml", "bch"):
        fail(ValueError(f"--correctie '{correctie}' kan niet; kies ml of bch"))
    cov_ids = [x.strip() for v in covariaten or [] for x in v.split(",") if x.strip()]
    monitor = open_monitor()
    try:
        w = repo.wave(monitor, enquete, golf)
        if cov_ids:
            from ..surveys import covariates as cv

            known = cv.available(w.codebook)
            bad = [x for x in cov_ids if x not in known]
            if bad:
                raise ValueError(f"--covariaten '{bad[0]}' kan niet; kies uit {', '.join(known)}")
        if toepassen:
            r = classes.result(monitor, toepassen)
            if cov_ids:
                _print_covariates(monitor, r, w, cov_ids, correctie.lower(), as_json, lang)
                return
            frame, post = classes.posteriors(monitor, r, w)
            sizes = (post * frame["weight"].to_numpy()[:, None]).sum(axis=0) / frame["weight"].sum()
            body = {"model": r.id, "enquete": w.survey, "golf": w.wave, "klassen": [
                {"klasse": k + 1, "omvang": round(100 * float(s), 1),
                 "omschrijving": r.body["profiles"][k]["description_en" if lang == "en" else "description_nl"]}
                for k, s in enumerate(sizes)]}
            if as_json:
                typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
                return
            out.print(f"Model {r.id} toegepast op {w.title(lang)}:", highlight=False)
            for c in body["klassen"]:
                out.print(f"  Klasse {c['klasse']} ({fmt.number(c['omvang'], 1, lang)} %): {c['omschrijving']}",
                          highlight=False)
            return
        ks = _ks(klassen)

        def progress(i: int, n: int, k: int) -> None:
            err.print(f"  {k} klassen geschat ({i} van {n})", highlight=False)

        r = classes.run(monitor, w, ks, starts, seed, vraag or None, criterium, blrt, progress=progress)
        if opslaan:
            classes.save(monitor, r)
    except (KansenmonitorError, ValueError) as exc:
        fail(exc)
    if cov_ids:
        try:
            res = _covariates(monitor, r, w, cov_ids, correctie.lower(), lang)
        except (KansenmonitorError, ValueError) as exc:
            fail(exc)
    if as_json:
        body = dict(r.body)
        if cov_ids:
            body["covariaten"] = _cov_body(res)
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    t = Table(title=f"{w.title(lang)}: " + ("aantal klassen" if lang == "nl" else "number of classes"))
    for h in ("K", "log-likelihood", "BIC", "AIC", "entropie" if lang == "nl" else "entropy"):
        t.add_column(h)
    for st in r.body["statistics"]:
        mark = " ◀" if st["k"] == r.k else ""
        t.add_row(str(st["k"]) + mark, fmt.number(st["loglik"], 1, lang), fmt.number(st["bic"], 1, lang),
                  fmt.number(st["aic"], 1, lang), fmt.number(st["entropy"], 2, lang))
    out.print(t)
    for b in r.body["blrt"]:
        out.print(f"  Bootstrap-toets {b['k'] - 1} tegen {b['k']} klassen: p = {fmt.number(b['p'], 3, lang)}",
                  highlight=False)
    out.print(f"Gekozen met {criterium.upper()}: {r.k} klassen." if lang == "nl" else
              f"Chosen by {criterium.upper()}: {r.k} classes.", highlight=False)
    for c in r.body["profiles"]:
        word = c["description_en" if lang == "en" else "description_nl"]
        extra = (" — kwetsbaarste klasse" if lang == "nl" else " — most vulnerable class") if c["vulnerable"] else ""
        out.print(f"  Klasse {c['class']} ({fmt.number(100 * c['size'], 1, lang)} %): {word}{extra}", highlight=False)
    if opslaan:
        out.print(f"Bewaard als {r.id}." if lang == "nl" else f"Saved as {r.id}.", highlight=False)
    if cov_ids:
        _cov_tables(res, lang)
    if w.synthetic:
        out.print("Synthetische gegevens: niemand heeft deze enquête ingevuld." if lang == "nl" else
                  "Synthetic data: nobody answered this survey.", highlight=False)


def _covariates(monitor, r, w, ids: list[str], correction: str, lang: str):
    from ..surveys import covariates as cv

    return cv.class_covariates(monitor, r, w, ids, correction, lang)


def _cov_body(res) -> dict:
    from dataclasses import asdict

    return asdict(res)


def _cov_tables(res, lang: str) -> None:
    """Per covariate: the model share of each class per category with its interval and odds ratio (withheld
    cells show the reason only)."""
    nl = lang == "nl"
    out.print(("Wie zit in welke klasse (3-staps, correctie " if nl else "Who is in which class (three-step, "
               "correction ") + res.correction.upper() + (f", {fmt.number(res.respondents, 0, lang)} respondenten)"
                                                         if nl else f", {fmt.number(res.respondents, 0, lang)} "
                                                         "respondents)"), highlight=False)
    for c in res.covariates:
        t = Table(title=f"{c['label']} ({'vergelijkingsgroep' if nl else 'reference group'}: {c['reference']})")
        t.add_column(c["label"])
        k = len(c["categories"][0]["classes"])
        for j in range(1, k + 1):
            t.add_column(f"{'Klasse' if nl else 'Class'} {j}")
        for cat in c["categories"]:
            cells = []
            for x in cat["classes"]:
                if x["status"] != "published":
                    cells.append("niet getoond" if nl else "withheld")
                    continue
                if x["boundary"]:
                    cells.append(("< 0,5 %" if x["share"] < 50 else "> 99,5 %") if nl else
                                 ("< 0.5 %" if x["share"] < 50 else "> 99.5 %"))
                    continue
                text = (f"{fmt.number(x['share'], 1, lang)} % ({fmt.number(x['lower'], 1, lang)}–"
                        f"{fmt.number(x['upper'], 1, lang)})")
                if x["odds_ratio"] is not None:
                    text += (f"\nOR {fmt.number(x['odds_ratio'], 2, lang)} ({fmt.number(x['or_lower'], 2, lang)}–"
                             f"{fmt.number(x['or_upper'], 2, lang)})")
                cells.append(text)
            t.add_row(cat["label"], *cells)
        out.print(t)
    out.print("OR: odds ratio om in deze klasse te zitten (in plaats van een andere), tegen de vergelijkingsgroep; "
              "intervallen 95 %, robuust, zonder de onzekerheid van stap 1." if nl else
              "OR: odds ratio of being in this class (rather than another), against the reference group; 95 % "
              "intervals, robust, without the uncertainty of step 1.", highlight=False)


def _print_covariates(monitor, r, w, ids: list[str], correction: str, as_json: bool, lang: str) -> None:
    res = _covariates(monitor, r, w, ids, correction, lang)
    if as_json:
        typer.echo(json.dumps({"model": r.id, "enquete": w.survey, "golf": w.wave, "synthetisch": w.synthetic,
                               "covariaten": _cov_body(res)}, ensure_ascii=False, indent=2))
        return
    out.print(f"Model {r.id}, {w.title(lang)}", highlight=False)
    _cov_tables(res, lang)
    if w.synthetic:
        out.print("Synthetische gegevens: niemand heeft deze enquête ingevuld." if lang == "nl" else
                  "Synthetic data: nobody answered this survey.", highlight=False)


@survey_app.command("network")
def network_cmd(
    enquete: SurveyOpt = None,
    golf: WaveOpt = None,
    niveau: Annotated[str, typer.Option("--niveau", help="buurt, wijk, gemeente of gebied.")] = "wijk",
    gemeente: Annotated[str | None, typer.Option("--gemeente", help="Alleen gebieden van deze gemeente.")] = None,
    model: Annotated[str | None, typer.Option("--model", help="Per klasse van dit bewaarde klassenmodel (in plaats "
                                              "van per gebied).")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "nl",
) -> None:
    """Het eigen netwerk van inwoners per gebied of per klasse: grootte, niemand om op terug te vallen, diversiteit,
    contact buiten de eigen groep, hulp geven en krijgen. Te kleine groepen worden niet getoond."""
    from ..surveys import classes, ego
    from ..surveys import repository as repo

    _lang(lang)
    if niveau not in LEVELS:
        fail(ValueError(f"--niveau '{niveau}' kan niet; kies uit {', '.join(LEVELS)}"))
    monitor = open_monitor()
    try:
        if model:
            r = classes.result(monitor, model)
            w = repo.wave(monitor, enquete or r.body["survey"], golf or r.body["wave"])
            rows = ego.class_indicators(monitor, r, w, lang=lang)
        else:
            w = repo.wave(monitor, enquete, golf)
            levels = ("gebied", "stadsdeel") if niveau == "gebied" else (niveau,)
            rows = ego.area_indicators(monitor, w, levels=levels, lang=lang)
    except (KansenmonitorError, LookupError, ValueError) as exc:
        fail(exc)
    if gemeente:
        rows = [x for x in rows if x.gemeente == gemeente]
    if as_json:
        typer.echo(json.dumps({"enquete": w.survey, "golf": w.wave, "synthetisch": w.synthetic,
                               "model": model, "indicatoren": [x.to_dict() for x in rows]},
                              ensure_ascii=False, indent=2))
        return
    out.print(f"[bold]{w.title(lang)}[/]", highlight=False)
    for iid in dict.fromkeys(x.indicator for x in rows):
        mine = [x for x in rows if x.indicator == iid]
        t = Table(title=mine[0].label)
        first = ("Klasse", "Class") if model else ("Gebied", "Area")
        for h in (first, ("Waarde", "Value"), ("95%-interval", "95% interval"), ("Respondenten", "Respondents")):
            t.add_column(h[1] if lang == "en" else h[0])
        for x in mine:
            head = f"{x.name}, {'klasse' if lang == 'nl' else 'class'} {x.cls}" if model else x.name
            if x.value is None:
                t.add_row(head, ("niet getoond: " if lang == "nl" else "withheld: ") + (x.reason or ""), "", "")
            else:
                digits = 1 if x.kind == "share" else 2
                unit = " %" if x.kind == "share" else ""
                t.add_row(head, fmt.number(x.value, digits, lang) + unit,
                          f"{fmt.number(x.lower, digits, lang)}–{fmt.number(x.upper, digits, lang)}{unit}",
                          fmt.number(x.respondents, 0, lang))
        out.print(t)
    if w.synthetic:
        out.print("Synthetische gegevens: niemand heeft deze enquête ingevuld." if lang == "nl" else
                  "Synthetic data: nobody answered this survey.", highlight=False)


@survey_app.command("sae")
def sae_cmd(
    vraag: Annotated[str, typer.Option("--vraag", help="De vraag met een aandeel, bv. eenzaam.")],
    enquete: SurveyOpt = None,
    golf: WaveOpt = None,
    gemeente: Annotated[str | None, typer.Option("--gemeente", help="Alleen buurten van deze gemeente.")] = None,
    methode: Annotated[str, typer.Option("--methode", help="reml (standaard) of fh (momentenmethode).")] = "reml",
    as_json: JsonOpt = False,
    lang: LangOpt = "nl",
) -> None:
    """Modelschattingen per buurt (Fay–Herriot) naast het directe aandeel, met 95%-interval en
    onthullingscontrole."""
    from ..surveys import repository as repo
    from ..surveys import sae

    _lang(lang)
    monitor = open_monitor()
    try:
        w = repo.wave(monitor, enquete, golf)
        res = sae.small_area_shares(monitor, w, vraag, methode.lower(), lang=lang)
    except (KansenmonitorError, ValueError) as exc:
        fail(exc)
    rows = [r for r in res.rows if gemeente is None or r.gemeente == gemeente]
    if as_json:
        typer.echo(json.dumps({"enquete": w.survey, "golf": w.wave, "synthetisch": w.synthetic, "vraag": vraag,
                               "methode": f"Fay-Herriot EBLUP ({res.method.upper()}), MSE Prasad-Rao",
                               "kenmerken": res.covariates, "buurten_in_model": res.areas_in_model,
                               "schattingen": [r.to_dict() for r in rows]}, ensure_ascii=False, indent=2))
        return
    nl = lang == "nl"
    t = Table(title=f"{w.title(lang)}: " + ("modelschattingen per buurt" if nl else "model estimates per neighbourhood"))
    for h in (("Buurt", "Neighbourhood"), ("Respondenten", "Respondents"), ("Direct", "Direct"),
              ("Modelschatting", "Model estimate"), ("Eigen respondenten", "Own respondents")):
        t.add_column(h[1] if not nl else h[0])
    withheld = "niet getoond" if nl else "withheld"
    for r in rows:
        direct = (f"{fmt.number(r.direct, 1, lang)} % ({fmt.number(r.direct_lower, 1, lang)}–"
                  f"{fmt.number(r.direct_upper, 1, lang)})") if r.direct is not None else withheld
        model = (f"{fmt.number(r.model, 1, lang)} % ({fmt.number(r.model_lower, 1, lang)}–"
                 f"{fmt.number(r.model_upper, 1, lang)})") if r.model is not None else f"{withheld}: {r.model_reason}"
        weight = fmt.number(100 * r.model_weight, 0, lang) + " %" if r.model_weight is not None else ""
        t.add_row(r.name, r.respondents_band, direct, model, weight)
    out.print(t)
    out.print(("Fay–Herriot-model (" if nl else "Fay–Herriot model (") + res.method.upper() + "); " +
              (f"geschat op {res.areas_in_model} buurten met minstens 10 respondenten." if nl else
               f"estimated on {res.areas_in_model} neighbourhoods with at least 10 respondents."), highlight=False)
    if w.synthetic:
        out.print("Synthetische gegevens: niemand heeft deze enquête ingevuld." if nl else
                  "Synthetic data: nobody answered this survey.", highlight=False)


@survey_app.command("publish")
def publish_cmd(enquete: SurveyOpt = None, golf: WaveOpt = None) -> None:
    """Zet de netwerkcijfers van een enquête (na onthullingscontrole) als indicatoren in de database: dan staan
    ze op de kaart, in de gebiedsprofielen, in de API en in de downloads, met hun 95%-interval."""
    from ..surveys import ego
    from ..surveys import repository as repo

    monitor = open_monitor()
    try:
        w = repo.wave(monitor, enquete, golf)
        if not ego.available(w.codebook):
            raise ValueError(f"de enquête {w.survey} ({w.wave}) heeft geen vragen over het eigen netwerk")
        r = ego.publish(monitor, w)
    except (KansenmonitorError, ValueError) as exc:
        fail(exc)
    out.print(f"{w.title()}: {fmt.number(r['published'], 0)} netwerkcijfers als indicatoren opgeslagen, "
              f"{fmt.number(r['withheld'], 0)} niet getoond (onthullingscontrole).", highlight=False)
    if w.synthetic:
        out.print("Synthetische gegevens: niemand heeft deze enquête ingevuld.", highlight=False)


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
