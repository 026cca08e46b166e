"""Pages and ``/v1/rapporten`` resources of the reports capability (plug-in: ``register(app, v1)``).

Pages (Dutch first, ``?lang=en``): ``/rapporten`` (pick a definition, an area and a period),
``/rapporten/maak`` (the form's target: sends you on to the report), ``/rapporten/{definitie}`` (a programme's
council report; ``?periode=2025``) and ``/rapporten/{definitie}/{code}`` (for one area) — the same HTML as the
file, with a print button and downloads; ``?format=pdf`` the tagged PDF, ``?format=docx`` the editable Word file,
``?format=csv`` the annex with the reference of every number. API: ``/v1/rapporten`` (the definitions),
``/v1/rapporten/{definitie}`` and ``/v1/rapporten/{definitie}/{gebied}`` (``?formaat=json|html|pdf|docx|csv`` or
the ``Accept`` header, ``&periode=…``); errors are problem+json naming the parameter.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import RedirectResponse, Response

from ...core.errors import DefinitionError
from ...reports import documents, render, voortgang, wijkprofiel
from ...reports.definition import definitions
from .. import i18n
from ..api import ok, problem
from ..app import BadParameter, NotFound, lang_of, strip_private
from ..app import render as render_page
from ..security import REPORT_CSP

NAV = [("/rapporten", "Rapporten", "Reports")]
router = APIRouter()


def _definitions(site) -> dict:
    return site.cached_view(("report-definitions",), lambda: definitions(site.monitor))


def _definition(site, name: str):
    defs = _definitions(site)
    if name not in defs:
        raise NotFound("rapport", f"Er is geen rapport '{name}'. Kies er een uit de lijst.", "/rapporten")
    return defs[name]


def _period(raw: str | None) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadParameter("periode", f"'{raw}' is geen jaar", f"'{raw}' is not a year") from None


def _doc(site, name: str, code: str | None, lang: str, period: int | None = None) -> dict:
    d = _definition(site, name)
    try:
        return documents.build(site, d, code, period, lang)
    except wijkprofiel.UnknownAreaError as exc:
        raise NotFound("gebied", _message(exc), "/rapporten") from None
    except wijkprofiel.ReportInputError as exc:
        field = exc.issues[0].field if exc.issues else "gebied"
        raise BadParameter("periode" if field == "period" else "gebied", _message(exc)) from None


def _message(exc) -> str:
    text = "; ".join(i.message + (f" ({i.hint})" if i.hint else "") for i in exc.issues)
    return text[:1].upper() + text[1:] + "."


def _filename(name: str, code: str | None, lang: str, form: str, period: int | None = None) -> str:
    parts = "-".join(str(x) for x in (name, code, period) if x)
    return f"{parts}{'' if lang == 'nl' else '-' + lang}.{form}"


def _download(data: bytes, form: str, filename: str) -> Response:
    disposition = "inline" if form == "html" else "attachment"
    headers = {"Content-Disposition": f'{disposition}; filename="{filename}"'}
    if form == "html":
        headers["Content-Security-Policy"] = REPORT_CSP
    return Response(data, media_type=render.MEDIA_TYPES[form], headers=headers)


# -- pages -----------------------------------------------------------------------------------------------
@router.get("/rapporten")
def reports_page(request: Request):
    site = request.app.state.site
    lang = lang_of(request)
    gms = site.detail_gemeenten()
    gm = request.query_params.get("gemeente") or (gms[0].code if gms else None)
    if gms and gm not in {g.code for g in gms}:
        raise BadParameter("gemeente", f"'{gm}' kan niet; kies uit {', '.join(g.code for g in gms)}",
                           f"'{gm}' is not possible; choose from {', '.join(g.code for g in gms)}")
    defs = _definitions(site)
    items = []
    for d in defs.values():
        item = {"id": d.id, "title": d.label(lang), "description": d.text(lang), "levels": list(d.levels),
                "kind": d.kind, "areas": documents.areas_of(site, d, gm) if gm else [], "periods": [],
                "period": d.period}
        if d.kind == "voortgang":
            item["periods"] = _periods(site, d)
        items.append(item)
    view = {"definitions": items, "gemeente": gm}
    if request.query_params.get("format") == "json":
        return ok(strip_private(view))
    return render_page(request, "reports_list.html", {"view": view, "gemeenten": gms})


def _periods(site, d) -> list[int]:
    from ...programme.repository import load_programme

    def load():
        programme = load_programme(d.programme)
        return sorted(voortgang.years_with_data(site, programme))

    return site.cached_view(("report-periods", d.id), load)


@router.get("/rapporten/maak")
def make_report(request: Request):
    q = request.query_params
    name, code = q.get("definitie"), q.get("gebied") or None
    if not name:
        raise BadParameter("definitie", "kies een rapport", "choose a report")
    d = _definition(request.app.state.site, name)
    if d.kind == "wijkprofiel" and not code:
        raise BadParameter("gebied", "kies een buurt of wijk", "choose a buurt or wijk")
    params = {"lang": lang_of(request)}
    if q.get("periode"):
        params["periode"] = str(_period(q.get("periode")))
    if q.get("format") in ("pdf", "docx", "csv"):
        params["format"] = q["format"]
    target = f"/rapporten/{name}/{code}" if code else f"/rapporten/{name}"
    return RedirectResponse(f"{target}?{urlencode(params)}", status_code=303)


@router.get("/rapporten/{name}")
def whole_report_page(request: Request, name: str):
    return _report_response(request, name, None)


@router.get("/rapporten/{name}/{code}")
def report_page(request: Request, name: str, code: str):
    return _report_response(request, name, code)


def _report_response(request: Request, name: str, code: str | None):
    site = request.app.state.site
    lang = lang_of(request)
    form = request.query_params.get("format", "html")
    if form not in render.FORMATS:
        raise BadParameter("format", f"kies uit {', '.join(render.FORMATS)}",
                           f"choose from {', '.join(render.FORMATS)}")
    period = _period(request.query_params.get("periode"))
    doc = _doc(site, name, code, lang, period)
    if form != "html":
        return _download(render.render(doc, form), form, _filename(name, code, lang, form, doc.get("period")))
    _ = i18n.translator(lang)
    base = f"/rapporten/{name}/{code}" if code else f"/rapporten/{name}"
    keep = f"&periode={doc['period']}" if doc.get("period") else ""
    toolbar = {
        "downloads": [{"href": f"{base}?format=pdf&lang={lang}{keep}", "label": _("PDF downloaden", "Download PDF")},
                      {"href": f"{base}?format=docx&lang={lang}{keep}",
                       "label": _("Word-bestand om aan te vullen", "Word file to edit")},
                      {"href": f"{base}?format=csv&lang={lang}{keep}",
                       "label": _("Herkomst van de getallen (CSV)", "Origin of the numbers (CSV)")}],
        "back": ({"href": f"/gebieden/{code}", "label": _("Terug naar het profiel", "Back to the profile")}
                 if code else {"href": "/rapporten", "label": _("Terug naar de rapporten", "Back to the reports")}),
        "other_lang": ({"href": f"{base}?lang=en{keep}", "lang": "en", "label": "English"} if lang == "nl" else
                       {"href": f"{base}?lang=nl{keep}", "lang": "nl", "label": "Nederlands"}),
    }
    return Response(render.html(doc, toolbar=toolbar), media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": REPORT_CSP})


# -- the presentation of an area ---------------------------------------------------------------------------
def _presentation(request: Request, code: str) -> dict:
    from ...reports import presentatie

    site = request.app.state.site
    lang = lang_of(request)
    try:
        return site.cached_view(("presentation", code, lang), lambda: presentatie.build(site, code, lang))
    except wijkprofiel.UnknownAreaError as exc:
        raise NotFound("gebied", _message(exc), "/gebieden") from None
    except wijkprofiel.ReportInputError as exc:
        raise BadParameter("gebied", _message(exc)) from None


@router.get("/gebieden/{code}/presentatie")
def presentation_page(request: Request, code: str):
    """The presentation in the browser: the site's own stylesheet and script (the site's strict policy)."""
    doc = _presentation(request, code)
    lang = doc["lang"]
    _ = i18n.translator(lang)
    base = f"/gebieden/{code}/presentatie"
    links = [{"href": f"{base}/bestand?lang={lang}", "label": _("Download voor zonder internet (één bestand)",
                                                                 "Download for use without internet (one file)")},
             {"href": f"{base}/hand-out?lang={lang}", "label": _("Hand-out (PDF)", "Handout (PDF)")}]
    if doc["has_wijkprofiel"]:
        links.append({"href": f"/rapporten/wijkprofiel/{code}?lang={lang}",
                      "label": _("Wijkprofiel om te printen", "Neighbourhood profile to print")})
    links.append({"href": f"/gebieden/{code}?lang={lang}", "label": _("Terug naar het profiel", "Back to the profile")})
    links.append({"href": f"{base}?lang=en", "lang": "en", "label": "English"} if lang == "nl" else
                 {"href": f"{base}?lang=nl", "lang": "nl", "label": "Nederlands"})
    return Response(render.presentation_html(doc, single_file=False, toolbar={"links": links}),
                    media_type="text/html; charset=utf-8")


@router.get("/gebieden/{code}/presentatie/bestand")
def presentation_file(request: Request, code: str):
    """The whole presentation as one HTML file: stylesheet, script and map inside, for a laptop without network."""
    doc = _presentation(request, code)
    suffix = "" if doc["lang"] == "nl" else "-" + doc["lang"]
    return Response(render.presentation_html(doc, single_file=True).encode("utf-8"),
                    media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="presentatie-{code}{suffix}.html"',
                             "Content-Security-Policy": render.presentation_csp()})


@router.get("/gebieden/{code}/presentatie/hand-out")
def presentation_handout(request: Request, code: str):
    """The handout: every screen of the presentation on paper (tagged PDF), the scenarios included."""
    doc = _presentation(request, code)
    suffix = "" if doc["lang"] == "nl" else "-" + doc["lang"]
    data = render.pdf_from_html(render.presentation_html(doc, single_file=True))
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="hand-out-{code}{suffix}.pdf"'})


# -- API ---------------------------------------------------------------------------------------------------
#: what ``Accept`` may ask for → the format (``?formaat=`` wins over ``Accept``)
ACCEPT = {"application/json": "json", "text/html": "html", "application/pdf": "pdf",
          render.MEDIA_TYPES["docx"].split(";")[0]: "docx", "text/csv": "csv"}
API_FORMATS = ("json", *render.FORMATS)


FormaatQuery = Annotated[str | None, Query(description="json, html, pdf, docx of csv (anders: de header Accept; "
                                         "standaard json).")]
FormatQuery = Annotated[str | None, Query(description="Oude naam van formaat.", deprecated=True)]
LangQuery = Annotated[str, Query(description="nl of en.")]
PeriodeQuery = Annotated[str | None, Query(description="Verslagjaar van een voortgangsrapportage, bv. 2025.")]


def negotiated_format(formaat: str | None, accept: str | None) -> str | None:
    """The format of an API answer: ``?formaat=`` (or the older ``?format=``), else the first media type of
    ``Accept`` (by weight) that a report has, else JSON. ``None``: the query asks for a format that does not exist
    (``Accept`` without a match falls back to JSON, as */* does)."""
    if formaat not in (None, ""):
        return formaat if formaat in API_FORMATS else None
    if not accept:
        return "json"
    weighted = []
    for i, item in enumerate(accept.split(",")):
        media, *params = (x.strip() for x in item.split(";"))
        q = 1.0
        for prm in params:
            if prm.startswith("q="):
                try:
                    q = float(prm[2:])
                except ValueError:
                    q = 0.0
        weighted.append((-q, i, media.lower()))
    for minus_q, _i, media in sorted(weighted):
        if media in ACCEPT and minus_q < 0:
            return ACCEPT[media]
    return "json"


def register_api(v1: FastAPI, site) -> None:
    from ..api import api_lang, invalid_params_problem

    @v1.get("/rapporten", summary="De rapportdefinities (welke onderdelen, gebieden en cijfers)")
    def api_definitions(request: Request):
        try:
            defs = _definitions(site)
        except DefinitionError as exc:
            return problem(500, "Ongeldige rapportdefinitie", str(exc), request.url.path)
        return ok({"rapporten": [
            {"id": d.id, "soort": d.kind, "titel": d.title, "omschrijving": d.description, "niveaus": list(d.levels),
             "onderdelen": list(d.sections), "indicatoren": list(d.indicators), "programma": d.programme,
             "periode": d.period, "gebieden": list(d.areas), "formaten": list(API_FORMATS),
             "_links": {"self": {"href": f"/v1/rapporten/{d.id}"},
                        "gebied": {"href": f"/v1/rapporten/{d.id}/{{gebied}}", "templated": True}}}
            for d in defs.values()]})

    def not_found(request: Request, name: str, reason_nl: str, reason_en: str) -> Response:
        en = api_lang(request) == "en"
        return problem(404, "Not found" if en else "Niet gevonden", reason_en if en else reason_nl,
                       request.url.path, invalid_params=[{"name": name, "reason": reason_en if en else reason_nl}])

    def build_api(request: Request, name: str, code: str | None, formaat: str | None, lang: str,
                  periode: str | None):
        defs = _definitions(site)
        if name not in defs:
            shown = ", ".join(defs)
            return not_found(request, "definitie", f"er is geen rapport '{name}'; kies uit {shown}",
                             f"there is no report '{name}'; choose from {shown}")
        form = negotiated_format(formaat, request.headers.get("accept"))
        if form is None:
            return invalid_params_problem(request, [("formaat", f"kies uit {', '.join(API_FORMATS)}",
                                                     f"choose from {', '.join(API_FORMATS)}")])
        if lang not in ("nl", "en"):
            return invalid_params_problem(request, [("lang", "kies nl of en", "choose nl or en")])
        period = None
        if periode not in (None, ""):
            try:
                period = int(periode)
            except ValueError:
                return invalid_params_problem(request, [("periode", f"'{periode}' is geen jaar",
                                                         f"'{periode}' is not a year")])
        try:
            doc = documents.build(site, defs[name], code, period, lang)
        except wijkprofiel.UnknownAreaError as exc:
            return not_found(request, "gebied", _message(exc), f"area '{code}' is not in the database")
        except wijkprofiel.ReportInputError as exc:
            field = exc.issues[0].field if exc.issues else "gebied"
            param = {"period": "periode", "gebied": "gebied", "programme": "definitie"}.get(field or "", "gebied")
            return invalid_params_problem(request, [(param, _message(exc), None)])
        if form == "json":
            body = {k: v for k, v in doc.items() if k != "map"}
            if doc.get("map"):
                body["map"] = {"alt": doc["map"]["alt"], "names": doc["map"]["names"]}
            for k in body.get("key_numbers", []):
                if k.get("trend"):
                    k["trend"] = {"alt": k["trend"]["alt"], "text": k["trend"]["text"]}
            return ok(body)
        response = _download(render.render(doc, form), form, _filename(name, code, lang, form, doc.get("period")))
        response.headers["Vary"] = "Accept"
        return response

    @v1.get("/rapporten/{definitie}", summary="Een rapport voor het hele programma maken (voortgangsrapportage)")
    def api_whole_report(request: Request, definitie: str, formaat: FormaatQuery = None, format: FormatQuery = None,
                         lang: LangQuery = "nl", periode: PeriodeQuery = None):
        return build_api(request, definitie, None, formaat or format, lang, periode)

    @v1.get("/rapporten/{definitie}/{gebied}", summary="Eén rapport voor een gebied maken: JSON (het document), "
            "HTML, PDF, DOCX of CSV")
    def api_report(request: Request, definitie: str, gebied: str, formaat: FormaatQuery = None,
                   format: FormatQuery = None, lang: LangQuery = "nl", periode: PeriodeQuery = None):
        return build_api(request, definitie, gebied, formaat or format, lang, periode)


def register(app: FastAPI, v1: FastAPI) -> None:
    app.include_router(router)
    register_api(v1, app.state.site)
