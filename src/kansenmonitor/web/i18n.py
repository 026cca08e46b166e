"""Dutch (B1) first, English second: a small dictionary-based translation layer for the web app.

Templates call ``_("Dutch text", "English text")``; shared terms (levels, themes, statuses) live in
the dictionaries below so that the page, the JSON and the CSV use the same words.
"""

from __future__ import annotations

from ..format import STATUS_LABEL

LANGS = ("nl", "en")
DEFAULT_LANG = "nl"
COOKIE = "taal"

LEVEL_LABEL = {
    "nl": {"land": "Nederland", "gemeente": "gemeente", "stadsdeel": "stadsdeel", "wijk": "wijk", "buurt": "buurt",
           "pc4": "postcodegebied", "gebied": "eigen gebied", "school": "school"},
    "en": {"land": "Netherlands", "gemeente": "municipality", "stadsdeel": "city district (stadsdeel)", "wijk": "district (wijk)",
           "buurt": "neighbourhood (buurt)", "pc4": "postcode area", "gebied": "custom area", "school": "school"},
}
LEVEL_PLURAL = {
    "nl": {"gemeente": "gemeenten", "wijk": "wijken", "buurt": "buurten", "gebied": "eigen gebieden",
           "stadsdeel": "stadsdelen", "land": "Nederland", "pc4": "postcodegebieden", "school": "scholen"},
    "en": {"gemeente": "municipalities", "wijk": "districts (wijken)", "buurt": "neighbourhoods (buurten)",
           "gebied": "custom areas", "stadsdeel": "city districts", "land": "Netherlands", "pc4": "postcode areas",
           "school": "schools"},
}
THEME_LABEL = {
    "nl": {"bevolking": "Bevolking", "gezondheid": "Gezondheid", "huishoudens": "Huishoudens", "inkomen": "Inkomen",
           "leefbaarheid": "Leefbaarheid", "leefstijl": "Leefstijl", "mentale gezondheid": "Mentale gezondheid",
           "omgeving": "Omgeving", "onderwijs": "Onderwijs", "sociaal": "Sociaal", "veiligheid": "Veiligheid",
           "voorzieningen": "Voorzieningen", "werk": "Werk", "wonen": "Wonen"},
    "en": {"bevolking": "Population", "gezondheid": "Health", "huishoudens": "Households", "inkomen": "Income",
           "leefbaarheid": "Liveability", "leefstijl": "Lifestyle", "mentale gezondheid": "Mental health",
           "omgeving": "Surroundings", "onderwijs": "Education", "sociaal": "Social", "veiligheid": "Safety",
           "voorzieningen": "Facilities", "werk": "Work", "wonen": "Housing"},
}
POLARITY_LABEL = {
    "nl": {"higher_is_better": "hoger is beter", "higher_is_worse": "hoger is slechter", "neutral": "geen oordeel"},
    "en": {"higher_is_better": "higher is better", "higher_is_worse": "higher is worse", "neutral": "no judgement"},
}


def pick(lang: str) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def level(value: str, lang: str, plural: bool = False) -> str:
    table = LEVEL_PLURAL if plural else LEVEL_LABEL
    return table[pick(lang)].get(str(value), str(value))


def theme(value: str, lang: str) -> str:
    return THEME_LABEL[pick(lang)].get(value, value.capitalize())


def status(value: str, lang: str) -> str:
    return STATUS_LABEL[pick(lang)].get(value, value)


def polarity(value: str, lang: str) -> str:
    return POLARITY_LABEL[pick(lang)].get(str(value), str(value))


def translator(lang: str):
    """``_(nl, en)`` for templates: the text in the page's language."""
    lang = pick(lang)

    def _(nl: str, en: str | None = None) -> str:
        return en if (lang == "en" and en) else nl

    return _


def api_lang(query_lang: str | None, accept_language: str | None) -> str:
    """The language of an API answer: ``?lang=`` if it is nl or en, else the first of nl/en in the
    ``Accept-Language`` header by weight (``en-GB,en;q=0.9`` → en), else Dutch."""
    if query_lang in LANGS:
        return query_lang
    best, best_q = DEFAULT_LANG, -1.0
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGS:
            continue
        q = 1.0
        for p in params.split(";"):
            k, _, v = p.strip().partition("=")
            if k == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        if q > best_q or (q == best_q and i == 0):
            best, best_q = primary, q
    return best if best_q > 0 else DEFAULT_LANG


def _expected(text: str, lang: str) -> str:
    return text.replace(" or ", " of ") if lang == "nl" else text


def validation_reason(error: dict, lang: str) -> str:
    """A request-validation error of FastAPI/pydantic (``{"type", "input", "ctx", "msg"}``) as a short reason in
    ``lang``: what is wrong with the value and what is allowed."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    value = error.get("input")
    shown = f"'{value}'" if value is not None and not isinstance(value, dict | list) else ""
    nl_en = {
        "missing": ("deze parameter is verplicht", "this parameter is required"),
        "int_parsing": (f"{shown} is geen geheel getal", f"{shown} is not a whole number"),
        "int_type": (f"{shown} is geen geheel getal", f"{shown} is not a whole number"),
        "int_from_float": (f"{shown} is geen geheel getal", f"{shown} is not a whole number"),
        "float_parsing": (f"{shown} is geen getal", f"{shown} is not a number"),
        "float_type": (f"{shown} is geen getal", f"{shown} is not a number"),
        "bool_parsing": (f"{shown} is geen ja/nee-waarde (true of false)", f"{shown} is not true or false"),
        "greater_than_equal": (f"{shown} is te klein; het moet minstens {ctx.get('ge')} zijn",
                               f"{shown} is too small; it must be at least {ctx.get('ge')}"),
        "greater_than": (f"{shown} is te klein; het moet groter zijn dan {ctx.get('gt')}",
                         f"{shown} is too small; it must be greater than {ctx.get('gt')}"),
        "less_than_equal": (f"{shown} is te groot; het mag hoogstens {ctx.get('le')} zijn",
                            f"{shown} is too large; it must be at most {ctx.get('le')}"),
        "less_than": (f"{shown} is te groot; het moet kleiner zijn dan {ctx.get('lt')}",
                      f"{shown} is too large; it must be less than {ctx.get('lt')}"),
        "literal_error": (f"{shown} kan niet; kies uit {_expected(str(ctx.get('expected', '')), 'nl')}",
                          f"{shown} is not possible; choose from {ctx.get('expected', '')}"),
        "enum": (f"{shown} kan niet; kies uit {_expected(str(ctx.get('expected', '')), 'nl')}",
                 f"{shown} is not possible; choose from {ctx.get('expected', '')}"),
        "string_too_long": (f"te lang; hoogstens {ctx.get('max_length')} tekens",
                            f"too long; at most {ctx.get('max_length')} characters"),
        "string_too_short": (f"te kort; minstens {ctx.get('min_length')} tekens",
                             f"too short; at least {ctx.get('min_length')} characters"),
    }
    if kind in nl_en:
        nl, en = nl_en[kind]
        return (en if lang == "en" else nl).strip()
    return (error.get("msg") or "not valid") if lang == "en" else f"{shown} is niet geldig".strip()
