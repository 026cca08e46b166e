"""Pages and ``/v1/enquetes`` resources of the surveys capability (plug-in: ``register(app, v1)``).

Pages (Dutch first, ``?lang=en``; each with ``?format=json|csv``): ``/enquetes`` (the surveys, their
questions and what they measure) and ``/enquetes/aandelen`` (a share per area: map, table with 95 % interval
and respondents, withheld cells with their reason). API: ``/v1/enquetes`` and
``/v1/enquetes/{enquete}/{golf}/aandelen``; ``/enquetes/netwerk`` and ``/v1/enquetes/{enquete}/{golf}/netwerk``
(ego-network indicators per area and per class). Only estimates that passed disclosure control are served;
respondent rows never are.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request

from ...surveys import repository as repo
from ..api import Page, Size, invalid_params_problem, ok, paged, problem
from ..app import BadParameter, NotFound, lang_of, respond
from . import views as sv

NAV = [("/enquetes", "Enquêtes", "Surveys")]
router = APIRouter()


def _wave(site, survey: str | None, wave: str | None) -> repo.Wave:
    try:
        wave_no = int(wave) if wave not in (None, "") else None
    except ValueError:
        raise BadParameter("golf", f"'{wave}' is geen jaartal", f"'{wave}' is not a year") from None
    try:
        return repo.wave(site.monitor, survey or None, wave_no)
    except repo.UnknownSurveyError as exc:
        raise NotFound("enquete", str(exc), "/enquetes") from None


@router.get("/enquetes")
def surveys_page(request: Request):
    site = request.app.state.site
    lang = lang_of(request)
    waves = [sv.wave_summary(w, lang) for w in repo.waves(site.monitor)]
    view = {"waves": waves}
    records = [{"survey": w["survey"], "wave": w["wave"], "synthetic": w["synthetic"], "item": it["id"],
                "label": it["label"], "question": it["question"], "capital": it["capital"], "share": it["share"]}
               for w in waves for it in w["questions"]]
    from ...surveys import classes
    from ...surveys.codebook import CAPITALS

    models = [{"id": m.id, "survey": m.body["survey"], "k": m.k} for m in classes.results(site.monitor)]
    return respond(request, "surveys_list.html", view, records,
                   ["survey", "wave", "synthetic", "item", "label", "question", "capital", "share"], "enquetes",
                   capitals={k: v[1 if lang == "en" else 0] for k, v in CAPITALS.items()}, models=models)


def _head(view: dict, w, gemeente: str, gms: list, lang: str) -> None:
    """What every survey page shows above its figures: the wave (synthetic or not) and the chosen gemeente."""
    view["wave"] = sv.wave_summary(w, lang)
    view["gemeente"] = {"code": gemeente, "name": next(g.name for g in gms if g.code == gemeente)}


def _level_and_gemeente(site, q) -> tuple[str, str, list]:
    """The level and gemeente a survey page shows, checked: Enschede first (the first user), else the first
    gemeente with wijken. Returns the gemeenten for the picker too."""
    level = q.get("niveau") or "wijk"
    if level not in sv.LEVELS:
        raise BadParameter("niveau", f"'{level}' kan niet; kies uit {', '.join(sv.LEVELS)}",
                           f"'{level}' is not possible; choose from {', '.join(sv.LEVELS)}")
    gms = site.detail_gemeenten()
    gm_codes = [g.code for g in gms]
    gemeente = q.get("gemeente") or ("GM0153" if "GM0153" in gm_codes else (gm_codes[0] if gm_codes else ""))
    if gemeente not in gm_codes:
        raise BadParameter("gemeente", f"'{gemeente}' kan niet; kies uit {', '.join(gm_codes)}",
                           f"'{gemeente}' is not possible; choose from {', '.join(gm_codes)}")
    return level, gemeente, gms


@router.get("/enquetes/aandelen")
def shares_page(request: Request):
    site = request.app.state.site
    lang = lang_of(request)
    q = request.query_params
    w = _wave(site, q.get("enquete"), q.get("golf"))
    shares = w.codebook.shares()
    if not shares:
        raise NotFound("vraag", "Deze enquête heeft geen vragen met een aandeel per gebied.", "/enquetes")
    item = q.get("vraag") or shares[0].id
    if item not in {it.id for it in shares}:
        raise BadParameter("vraag", f"'{item}' kan niet; kies uit {', '.join(it.id for it in shares)}",
                           f"'{item}' is not possible; choose from {', '.join(it.id for it in shares)}")
    level, gemeente, gms = _level_and_gemeente(site, q)
    view = sv.shares_view(site, w, item, level, gemeente, lang)
    _head(view, w, gemeente, gms, lang)
    records = [{"survey": w.survey, "wave": w.wave, "synthetic": w.synthetic, "item": item, "area": r["code"],
                "name": r["name"], "share": r["share"], "lower": r["lower"], "upper": r["upper"],
                "respondents": r["respondents"], "status": r["status"], "reason": r["reason"]} for r in view["rows"]]
    return respond(request, "surveys_shares.html", view, records,
                   ["survey", "wave", "synthetic", "item", "area", "name", "share", "lower", "upper", "respondents",
                    "status", "reason"], f"enquete-{w.survey}-{w.wave}-{item}-{level}",
                   gemeenten=gms, questions=[(it.id, it.share_label(lang)) for it in shares],
                   levels=[(lv, sv.LEVEL_LABELS[lv][1 if lang == "en" else 0]) for lv in sv.LEVELS])


@router.get("/enquetes/klassen")
def classes_page(request: Request):
    from ...surveys import classes

    site = request.app.state.site
    lang = lang_of(request)
    q = request.query_params
    try:
        r = classes.result(site.monitor, q.get("model") or None)
    except classes.UnknownResultError as exc:
        raise NotFound("model", str(exc), "/enquetes") from None
    w = _wave(site, r.body["survey"], str(r.body["wave"]))
    try:
        cls = int(q.get("klasse") or next(p for p in r.body["profiles"] if p["vulnerable"])["class"])
    except ValueError:
        raise BadParameter("klasse", f"'{q.get('klasse')}' is geen nummer van een klasse",
                           f"'{q.get('klasse')}' is not the number of a class") from None
    if not 1 <= cls <= r.k:
        raise BadParameter("klasse", f"kies een klasse van 1 tot en met {r.k}", f"choose a class from 1 to {r.k}")
    level, gemeente, gms = _level_and_gemeente(site, q)
    correction = (q.get("correctie") or "ml").lower()
    if correction not in ("ml", "bch"):
        raise BadParameter("correctie", f"'{q.get('correctie')}' kan niet; kies ml of bch",
                           f"'{q.get('correctie')}' is not possible; choose ml or bch")
    view = sv.classes_view(site, r, w, cls, level, gemeente, lang)
    from ...surveys import covariates as cv

    try:
        view["covariates"] = sv.covariates_view(site, r, w, correction, lang)
    except cv.CovariateError:
        view["covariates"] = None  # a survey without background items: the section is left out
    _head(view, w, gemeente, gms, lang)
    records = [{"model": r.id, "synthetic": w.synthetic, "class": cls, "area": x["code"], "name": x["name"],
                "share": x["share"], "lower": x["lower"], "upper": x["upper"], "respondents": x["respondents"],
                "status": x["status"], "reason": x["reason"]} for x in view["rows"]]
    return respond(request, "surveys_classes.html", view, records,
                   ["model", "synthetic", "class", "area", "name", "share", "lower", "upper", "respondents", "status",
                    "reason"], f"klassen-{r.id}-{cls}-{level}", gemeenten=gms,
                   levels=[(lv, sv.LEVEL_LABELS[lv][1 if lang == "en" else 0]) for lv in sv.LEVELS],
                   models=[m.id for m in classes.results(site.monitor)])


@router.get("/enquetes/modelschattingen")
def small_area_page(request: Request):
    """Direct and Fay–Herriot model estimates of a share per buurt, side by side (model values flagged)."""
    site = request.app.state.site
    lang = lang_of(request)
    q = request.query_params
    w = _wave(site, q.get("enquete"), q.get("golf"))
    shares = w.codebook.shares()
    if not shares or w.area_level != "buurt":
        raise NotFound("vraag", "Deze enquête heeft geen aandelen per buurt om een modelschatting van te maken.",
                       "/enquetes")
    item = q.get("vraag") or shares[0].id
    if item not in {it.id for it in shares}:
        raise BadParameter("vraag", f"'{item}' kan niet; kies uit {', '.join(it.id for it in shares)}",
                           f"'{item}' is not possible; choose from {', '.join(it.id for it in shares)}")
    method = (q.get("methode") or "reml").lower()
    if method not in ("reml", "fh"):
        raise BadParameter("methode", f"'{q.get('methode')}' kan niet; kies reml of fh",
                           f"'{q.get('methode')}' is not possible; choose reml or fh")
    _level, gemeente, gms = _level_and_gemeente(site, q)
    from ...surveys import sae

    try:
        view = sv.small_area_view(site, w, item, gemeente, method, lang)
    except sae.SmallAreaError as exc:
        raise NotFound("vraag", str(exc), "/enquetes") from None
    _head(view, w, gemeente, gms, lang)
    records = [{"survey": w.survey, "wave": w.wave, "synthetic": w.synthetic, "item": item, "area": r["code"],
                "name": r["name"], "respondents_band": r["band"], "direct": r["direct"], "model": r["share"],
                "model_lower": r["lower"], "model_upper": r["upper"], "status": r["status"], "reason": r["reason"],
                "method": f"Fay-Herriot EBLUP ({method.upper()})"} for r in view["rows"]]
    return respond(request, "surveys_small_area.html", view, records,
                   ["survey", "wave", "synthetic", "item", "area", "name", "respondents_band", "direct", "model",
                    "model_lower", "model_upper", "status", "reason", "method"],
                   f"enquete-modelschatting-{w.survey}-{w.wave}-{item}-{gemeente}", gemeenten=gms,
                   questions=[(it.id, it.share_label(lang)) for it in shares])


@router.get("/enquetes/themas")
def themes_page(request: Request):
    """How residents themselves describe a good quality of life: themes of the open question per area."""
    from ...surveys import themes

    site = request.app.state.site
    lang = lang_of(request)
    q = request.query_params
    w = _wave(site, q.get("enquete"), q.get("golf"))
    if not themes.items(w.codebook):
        raise NotFound("enquete", "Deze enquête heeft geen open vraag met thema's.", "/enquetes")
    level, gemeente, gms = _level_and_gemeente(site, q)
    view = sv.themes_view(site, w, level, gemeente, lang)
    _head(view, w, gemeente, gms, lang)
    records = [{"survey": w.survey, "wave": w.wave, "synthetic": w.synthetic, "area": r["area"], "name": r["name"],
                "theme": r["theme"], "label": r["label"], "share": r["share"], "lower": r["lower"],
                "upper": r["upper"], "respondents": r["respondents"], "status": r["status"], "reason": r["reason"]}
               for r in view.pop("records")]
    return respond(request, "surveys_themes.html", view, records,
                   ["survey", "wave", "synthetic", "area", "name", "theme", "label", "share", "lower", "upper",
                    "respondents", "status", "reason"], f"enquete-themas-{w.survey}-{w.wave}-{level}", gemeenten=gms,
                   levels=[(lv, sv.LEVEL_LABELS[lv][1 if lang == "en" else 0]) for lv in sv.LEVELS])


@router.get("/enquetes/netwerk")
def ego_page(request: Request):
    from ...surveys import ego

    site = request.app.state.site
    lang = lang_of(request)
    q = request.query_params
    w = _wave(site, q.get("enquete"), q.get("golf"))
    if not ego.available(w.codebook):
        raise NotFound("enquete", "Deze enquête heeft geen vragen over het eigen netwerk van inwoners.", "/enquetes")
    level, gemeente, gms = _level_and_gemeente(site, q)
    view = sv.ego_view(site, w, level, gemeente, lang)
    _head(view, w, gemeente, gms, lang)
    records = []
    for a in view["areas"]:
        for ind in view["indicators"]:
            c = a["cells"].get(ind["id"], {})
            records.append({"survey": w.survey, "wave": w.wave, "synthetic": w.synthetic, "area": a["code"],
                            "name": a["name"], "class": None, "indicator": ind["id"], "label": ind["label"],
                            "value": c.get("value"), "lower": c.get("lower"), "upper": c.get("upper"),
                            "respondents": c.get("respondents"), "reason": c.get("reason")})
    if view["per_class"]:
        for row in view["per_class"]["rows"]:
            for ind in view["indicators"]:
                c = row["cells"].get(ind["id"], {})
                records.append({"survey": w.survey, "wave": w.wave, "synthetic": w.synthetic, "area": gemeente,
                                "name": view["gemeente"]["name"], "class": row["cls"], "indicator": ind["id"],
                                "label": ind["label"], "value": c.get("value"), "lower": c.get("lower"),
                                "upper": c.get("upper"), "respondents": c.get("respondents"),
                                "reason": c.get("reason")})
    return respond(request, "surveys_network.html", view, records,
                   ["survey", "wave", "synthetic", "area", "name", "class", "indicator", "label", "value", "lower",
                    "upper", "respondents", "reason"], f"enquete-netwerk-{w.survey}-{w.wave}-{level}",
                   gemeenten=gms, levels=[(lv, sv.LEVEL_LABELS[lv][1 if lang == "en" else 0]) for lv in sv.LEVELS])


def register_api(v1: FastAPI, site) -> None:
    @v1.get("/enquetes", summary="Ingelezen enquêtes met hun vragen (geen antwoorden van respondenten)")
    def api_surveys(request: Request):
        items = []
        for w in repo.waves(site.monitor):
            s = sv.wave_summary(w, "nl")
            items.append({"enquete": w.survey, "golf": w.wave, "naam": s["title"], "synthetisch": w.synthetic,
                          "respondenten": w.respondents, "bron": s["source"], "niveau": w.area_level,
                          "indeling": w.boundary_year, "codeboekversie": s["codebook_version"],
                          "vragen": [{"id": it["id"], "vraag": it["question"], "kapitaal": it["capital"],
                                      "soort": it["type"], "antwoorden": it["categories"], "aandeel": it["share"]}
                                     for it in s["questions"]],
                          "_links": {"aandelen": {"href": f"/v1/enquetes/{w.survey}/{w.wave}/aandelen"}}})
        return ok({"enquetes": items})

    @v1.get("/enquetes/{enquete}/{golf}/aandelen", summary="Gewogen aandelen per gebied (met onthullingscontrole)")
    def api_shares(request: Request, enquete: str, golf: int,
                   vraag: Annotated[str | None, Query(description="Vraag met een aandeel, bv. eenzaam.")] = None,
                   niveau: Annotated[str | None, Query(description="gemeente, wijk, buurt of gebied.")] = None,
                   gemeente: Annotated[str | None, Query(description="Gemeentecode, bv. GM0153.")] = None,
                   pagina: Page = 1, per_pagina: Size = 100):
        try:
            w = repo.wave(site.monitor, enquete, golf)
        except repo.UnknownSurveyError as exc:
            return problem(404, "Niet gevonden", str(exc), request.url.path)
        ids = [it.id for it in w.codebook.shares()]
        if vraag is not None and vraag not in ids:
            return invalid_params_problem(request, [("vraag", f"'{vraag}' is geen vraag met een aandeel; kies uit "
                                                    f"{', '.join(ids)}", f"'{vraag}' is not a question with a share; "
                                                    f"choose from {', '.join(ids)}")])
        if niveau is not None and niveau not in sv.LEVELS:
            return invalid_params_problem(request, [("niveau", f"'{niveau}' kan niet; kies uit {', '.join(sv.LEVELS)}",
                                                    f"'{niveau}' is not possible; choose from {', '.join(sv.LEVELS)}")])
        rows = [r for r in sv.all_shares(site, w, "nl") if (vraag is None or r.item == vraag)
                and (niveau is None or r.level == niveau) and (gemeente is None or r.gemeente == gemeente)]
        items = [{"gebied": r.area, "naam": r.name, "niveau": r.level, "gemeente": r.gemeente, "vraag": r.item,
                  "aandeel": r.label, "waarde": r.share, "ondergrens": r.lower, "bovengrens": r.upper,
                  "eenheid": "%", "respondenten": r.respondents, "status": r.status, "onthulling": r.reason,
                  "bron": w.codebook.title("nl"), "jaar": w.wave, "synthetisch": w.synthetic} for r in rows]
        return paged(request, "aandelen", items, pagina, per_pagina)


def register_ego_api(v1: FastAPI, site) -> None:
    @v1.get("/enquetes/{enquete}/{golf}/netwerk",
            summary="Het eigen netwerk van inwoners per gebied of per klasse (met onthullingscontrole)")
    def api_ego(request: Request, enquete: str, golf: int,
                niveau: Annotated[str | None, Query(description="gemeente, wijk, buurt of gebied.")] = None,
                gemeente: Annotated[str | None, Query(description="Gemeentecode, bv. GM0153.")] = None,
                model: Annotated[str | None, Query(description="Per klasse van dit klassenmodel.")] = None,
                pagina: Page = 1, per_pagina: Size = 100):
        from ...surveys import classes, ego

        try:
            w = repo.wave(site.monitor, enquete, golf)
        except repo.UnknownSurveyError as exc:
            return problem(404, "Niet gevonden", str(exc), request.url.path)
        if niveau is not None and niveau not in sv.LEVELS:
            return invalid_params_problem(request, [("niveau", f"'{niveau}' kan niet; kies uit {', '.join(sv.LEVELS)}",
                                                    f"'{niveau}' is not possible; choose from {', '.join(sv.LEVELS)}")])
        if not ego.available(w.codebook):
            return problem(404, "Niet gevonden", "Deze enquête heeft geen vragen over het eigen netwerk.",
                           request.url.path)
        if model:
            try:
                r = classes.result(site.monitor, model)
            except classes.UnknownResultError as exc:
                return problem(404, "Niet gevonden", str(exc), request.url.path)
            rows = site._cache.get(("survey_ego_classes", r.id, r.body["created_at"], w.survey, w.wave,
                                    w.imported_at, "nl"), lambda: ego.class_indicators(site.monitor, r, w))
        else:
            rows = site._cache.get(("survey_ego", w.survey, w.wave, w.imported_at, "nl"),
                                   lambda: ego.area_indicators(site.monitor, w))
            levels = None if niveau is None else (("gebied", "stadsdeel") if niveau == "gebied" else (niveau,))
            rows = [x for x in rows if levels is None or x.level in levels]
        rows = [x for x in rows if gemeente is None or x.gemeente == gemeente]
        items = [{"gebied": x.area, "naam": x.name, "niveau": x.level, "gemeente": x.gemeente, "klasse": x.cls,
                  "indicator": x.indicator, "omschrijving": x.label, "soort": "aandeel" if x.kind == "share" else
                  "gemiddelde", "waarde": x.value, "ondergrens": x.lower, "bovengrens": x.upper,
                  "eenheid": "%" if x.kind == "share" else None, "respondenten": x.respondents, "status": x.status,
                  "onthulling": x.reason, "bron": w.codebook.title("nl"), "jaar": w.wave,
                  "synthetisch": w.synthetic} for x in rows]
        return paged(request, "indicatoren", items, pagina, per_pagina)


def register_covariates_api(v1: FastAPI, site) -> None:
    @v1.get("/enquetes/{enquete}/{golf}/klassen/covariaten",
            summary="Wie zit in welke klasse: kenmerken van klasselidmaatschap, 3-staps met BCH- of ML-correctie "
                    "(met onthullingscontrole)")
    def api_covariates(request: Request, enquete: str, golf: int,
                       model: Annotated[str | None, Query(description="Het klassenmodel (standaard het laatste).")]
                       = None,
                       correctie: Annotated[str, Query(description="ml (standaard) of bch.")] = "ml",
                       kenmerken: Annotated[str | None, Query(description="Kenmerken met komma's, bv. "
                                                              "leeftijd,geslacht (standaard alle).")] = None):
        from ...surveys import classes
        from ...surveys import covariates as cv

        try:
            w = repo.wave(site.monitor, enquete, golf)
            r = classes.result(site.monitor, model)
        except (repo.UnknownSurveyError, classes.UnknownResultError) as exc:
            return problem(404, "Niet gevonden", str(exc), request.url.path)
        if correctie not in cv.CORRECTIONS:
            return invalid_params_problem(request, [("correctie", f"'{correctie}' kan niet; kies ml of bch",
                                                    f"'{correctie}' is not possible; choose ml or bch")])
        known = cv.available(w.codebook)
        ids = [x.strip() for x in kenmerken.split(",") if x.strip()] if kenmerken else known
        bad = [x for x in ids if x not in known]
        if bad or not ids:
            return invalid_params_problem(request, [("kenmerken", f"'{kenmerken}' kan niet; kies uit "
                                                    f"{', '.join(known)}", f"'{kenmerken}' is not possible; "
                                                    f"choose from {', '.join(known)}")])
        try:
            res = site._cache.get(("survey_covariates_api", r.id, r.body["created_at"], w.survey, w.wave,
                                   w.imported_at, correctie, tuple(ids)),
                                  lambda: cv.class_covariates(site.monitor, r, w, ids, correctie))
        except (cv.CovariateError, classes.ModelMismatchError) as exc:
            return problem(422, "Niet te schatten", str(exc), request.url.path)
        return ok({"model": r.id, "enquete": w.survey, "golf": w.wave, "synthetisch": w.synthetic,
                   "correctie": res.correction, "methode": "3-staps schatting (Vermunt 2010): modale toewijzing, "
                   + ("BCH-gewichten" if res.correction == "bch" else "ML met vaste classificatiefouten")
                   + ", multinomiale logit; robuuste standaardfouten (onzekerheid van stap 1 niet meegenomen)",
                   "referentieklasse": res.reference_class, "respondenten": res.respondents,
                   "geconvergeerd": res.converged,
                   "kenmerken": [{"id": c["id"], "naam": c["label"], "vergelijkingsgroep": c["reference"],
                                  "waarden": [{"code": cat["code"], "naam": cat["label"],
                                               "vergelijkingsgroep": cat["reference"],
                                               "respondenten": cat["respondents"],
                                               "klassen": [{"klasse": x["class"], "aandeel": x["share"],
                                                            "ondergrens": x["lower"], "bovengrens": x["upper"],
                                                            "odds_ratio": x["odds_ratio"],
                                                            "odds_ratio_ondergrens": x["or_lower"],
                                                            "odds_ratio_bovengrens": x["or_upper"],
                                                            "eenheid": "%", "status": x["status"],
                                                            "onthulling": x["reason"]} for x in cat["classes"]]}
                                              for cat in c["categories"]]} for c in res.covariates],
                   "coefficienten": [{"klasse": x["class"], "term": x["term"], "schatting": x["estimate"],
                                      "standaardfout": x["se"], "status": x["status"]} for x in res.coefficients]})


def register_small_area_api(v1: FastAPI, site) -> None:
    @v1.get("/enquetes/{enquete}/{golf}/modelschattingen",
            summary="Modelschattingen (Fay–Herriot) van een aandeel per buurt, naast de directe schatting "
                    "(met onthullingscontrole)")
    def api_small_area(request: Request, enquete: str, golf: int,
                       vraag: Annotated[str | None, Query(description="Vraag met een aandeel, bv. eenzaam.")] = None,
                       gemeente: Annotated[str | None, Query(description="Gemeentecode, bv. GM0153.")] = None,
                       methode: Annotated[str, Query(description="reml (standaard) of fh.")] = "reml",
                       pagina: Page = 1, per_pagina: Size = 100):
        from ...surveys import sae

        try:
            w = repo.wave(site.monitor, enquete, golf)
        except repo.UnknownSurveyError as exc:
            return problem(404, "Niet gevonden", str(exc), request.url.path)
        ids = [it.id for it in w.codebook.shares()]
        vraag = vraag or (ids[0] if ids else None)
        if vraag not in ids:
            return invalid_params_problem(request, [("vraag", f"'{vraag}' is geen vraag met een aandeel; kies uit "
                                                    f"{', '.join(ids)}", f"'{vraag}' is not a question with a share; "
                                                    f"choose from {', '.join(ids)}")])
        if methode not in sae.METHODS:
            return invalid_params_problem(request, [("methode", f"'{methode}' kan niet; kies reml of fh",
                                                    f"'{methode}' is not possible; choose reml or fh")])
        try:
            res = sv.small_area_result(site, w, vraag, methode, "nl")
        except sae.SmallAreaError as exc:
            return problem(422, "Niet te schatten", str(exc), request.url.path)
        items = [{"gebied": r.area, "naam": r.name, "gemeente": r.gemeente, "vraag": r.item,
                  "respondenten": r.respondents_band, "direct": r.direct, "direct_ondergrens": r.direct_lower,
                  "direct_bovengrens": r.direct_upper, "direct_onthulling": r.direct_reason,
                  "modelschatting": r.model, "ondergrens": r.model_lower, "bovengrens": r.model_upper,
                  "gewicht_eigen_respondenten": r.model_weight, "kenmerk_aangevuld": r.imputed,
                  "eenheid": "%", "status": r.status, "onthulling": r.model_reason,
                  "methode": f"Fay-Herriot EBLUP ({methode.upper()}), MSE Prasad-Rao",
                  "bron": w.codebook.title("nl"), "jaar": w.wave, "synthetisch": w.synthetic}
                 for r in res.rows if gemeente is None or r.gemeente == gemeente]
        return paged(request, "modelschattingen", items, pagina, per_pagina)


def register_themes_api(v1: FastAPI, site) -> None:
    @v1.get("/enquetes/{enquete}/{golf}/themas",
            summary="Thema's in de antwoorden op een open vraag per gebied (aandelen, nooit de tekst; met "
                    "onthullingscontrole)")
    def api_themes(request: Request, enquete: str, golf: int,
                   niveau: Annotated[str | None, Query(description="gemeente, wijk, buurt of gebied.")] = None,
                   gemeente: Annotated[str | None, Query(description="Gemeentecode, bv. GM0153.")] = None,
                   pagina: Page = 1, per_pagina: Size = 100):
        from ...surveys import themes

        try:
            w = repo.wave(site.monitor, enquete, golf)
        except repo.UnknownSurveyError as exc:
            return problem(404, "Niet gevonden", str(exc), request.url.path)
        if niveau is not None and niveau not in sv.LEVELS:
            return invalid_params_problem(request, [("niveau", f"'{niveau}' kan niet; kies uit {', '.join(sv.LEVELS)}",
                                                    f"'{niveau}' is not possible; choose from {', '.join(sv.LEVELS)}")])
        if not themes.items(w.codebook):
            return problem(404, "Niet gevonden", "Deze enquête heeft geen open vraag met thema's.", request.url.path)
        rows = site._cache.get(("survey_themes", w.survey, w.wave, w.imported_at, "nl"),
                               lambda: themes.theme_shares(site.monitor, w))
        levels = None if niveau is None else (("gebied", "stadsdeel") if niveau == "gebied" else (niveau,))
        items = [{"gebied": r.area, "naam": r.name, "niveau": r.level, "gemeente": r.gemeente, "vraag": r.item,
                  "thema": r.theme, "omschrijving": r.label, "waarde": r.share, "ondergrens": r.lower,
                  "bovengrens": r.upper, "eenheid": "%", "respondenten": r.respondents, "status": r.status,
                  "onthulling": r.reason, "bron": w.codebook.title("nl"), "jaar": w.wave, "synthetisch": w.synthetic}
                 for r in rows if (levels is None or r.level in levels) and (gemeente is None or r.gemeente == gemeente)]
        return paged(request, "themas", items, pagina, per_pagina)


def register(app: FastAPI, v1: FastAPI) -> None:
    app.include_router(router)
    register_api(v1, app.state.site)
    register_ego_api(v1, app.state.site)
    register_covariates_api(v1, app.state.site)
    register_small_area_api(v1, app.state.site)
    register_themes_api(v1, app.state.site)
