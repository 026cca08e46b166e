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
    "en": {"land": "Netherlands", "gemeente": "municipality", "stadsdeel": "district", "wijk": "district (wijk)",
           "buurt": "neighbourhood (buurt)", "pc4": "postcode area", "gebied": "custom area", "school": "school"},
}
LEVEL_PLURAL = {
    "nl": {"gemeente": "gemeenten", "wijk": "wijken", "buurt": "buurten", "gebied": "eigen gebieden",
           "stadsdeel": "stadsdelen", "land": "Nederland", "pc4": "postcodegebieden", "school": "scholen"},
    "en": {"gemeente": "municipalities", "wijk": "districts (wijken)", "buurt": "neighbourhoods (buurten)",
           "gebied": "custom areas", "stadsdeel": "districts", "land": "Netherlands", "pc4": "postcode areas",
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
