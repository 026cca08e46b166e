"""User-facing texts of the index engine, in Dutch (default) and English.

The engine keeps every text as a :class:`Message`: a ``str`` holding the Dutch text (so existing Dutch
output is unchanged) that also carries a ``code``, its ``params`` and the English rendering. Result objects
render them with :func:`localise` (``to_dict(lang=...)``, ``to_frame(lang=...)``); :func:`text` renders one.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

LANGS = ("nl", "en")

#: code → (Dutch template, English template); templates use ``str.format`` with the message's params.
CATALOGUE: dict[str, tuple[str, str]] = {
    # compute: indicators and themes without data
    "indicator.wanted": ("nog niet ingelezen (ontbrekende indicator)", "not imported yet (missing indicator)"),
    "indicator.no_data": ("geen gegevens op niveau {level}", "no data at level {level}"),
    "indicator.import_hint": (
        "lees '{indicator}' in met 'kansenmonitor import long BESTAND.csv' (kolommen region;indicator;period;value, "
        "niveau {level}); bron: {source}",
        "import '{indicator}' with 'kansenmonitor import long FILE.csv' (columns region;indicator;period;value, "
        "level {level}); source: {source}"),
    "indicator.source_unknown": ("zie de definitie", "see the definition"),
    "theme.no_data": ("geen open gegevens voor dit thema in de database; het thema telt niet mee in de score",
                      "no open data for this theme in the database; the theme does not count in the score"),
    # compute: why a region has no score
    "reason.no_indicator": ("geen enkele indicator van deze index heeft gegevens",
                            "none of the indicators of this index has data"),
    "reason.coverage": ("te weinig gegevens: {n} van {k} indicatoren ({coverage:.0%}); minimaal {need:.0%} nodig",
                        "too little data: {n} of {k} indicators ({coverage:.0%}); at least {need:.0%} needed"),
    "reason.small_population": (
        "te weinig inwoners: {n} (een rang en geld pas vanaf {min} inwoners)",
        "too few inhabitants: {n} (a rank and money only from {min} inhabitants)"),
    "note.min_population": (
        "gebieden met minder dan {min} inwoners krijgen geen rang en geen geld; dat zijn er hier {n}: {regions}",
        "areas with fewer than {min} inhabitants get no rank and no money; here that is {n}: {regions}"),
    "note.min_population_none": (
        "gebieden met minder dan {min} inwoners krijgen geen rang en geen geld; hier valt geen gebied onder die grens",
        "areas with fewer than {min} inhabitants get no rank and no money; no area here is below that limit"),
    "note.min_population_off": (
        "op uw verzoek krijgen alle gebieden een rang en kunnen ze geld krijgen, ook gebieden met heel weinig "
        "inwoners (zoals een bedrijventerrein)",
        "at your request every area gets a rank and can get money, also areas with very few inhabitants "
        "(such as an industrial estate)"),
    "reference.gemeente": ("de eigen gemeente", "the own municipality"),
    "reference.regio_deal": ("de gemeenten van de Regio Deal (Almelo en Enschede)",
                             "the municipalities of the Regio Deal (Almelo and Enschede)"),
    "reference.nl": ("Nederland", "the Netherlands"),
    "reason.empty_themes": ("geen gegevens voor thema {themes}", "no data for theme {themes}"),
    "note.missing_themes": (
        "score op {m} van {total} thema's; zonder gegevens: {missing} (hun gewicht is evenredig over de andere "
        "thema's verdeeld)",
        "score on {m} of {total} themes; without data: {missing} (their weight is spread proportionally over "
        "the other themes)"),
    # methods: normalisation notes
    "note.zero_spread": ("een indicator zonder spreiding in de referentie krijgt z = 0 (geen onderscheid)",
                         "an indicator without spread in the reference gets z = 0 (no distinction)"),
    "note.distance_mean": ("afstand tot referentie: het gemiddelde van de referentiepopulatie is de referentiewaarde",
                           "distance to reference: the mean of the reference population is the reference value"),
    "note.distance_fallback": (
        "afstand tot referentie: waar het referentiegebied geen waarde had, is het gemiddelde gebruikt",
        "distance to reference: where the reference area had no value, the mean was used"),
    "note.distance_zero": (
        "afstand tot referentie: een referentiewaarde 0 geeft geen relatieve afstand (indicator leeg)",
        "distance to reference: a reference value of 0 gives no relative distance (indicator empty)"),
    # data
    "note.regio_deal_outside": (
        "{names} neemt niet deel in de uitvoering van de Regio Deal; de gebieden worden vergeleken met de andere "
        "gebieden van de eigen gemeente",
        "{names} does not take part in carrying out the Regio Deal; its areas are compared with the other areas "
        "of the same municipality"),
    "note.gemeente_reference_nl": (
        "gemeenten worden vergeleken met en gerangschikt onder alle gemeenten van Nederland",
        "municipalities are compared with and ranked among all municipalities of the Netherlands"),
    "note.reference_nl_partial": (
        "de vergelijking met Nederland bevat op niveau {level} maar {n} gemeenten in deze database "
        "(importeer heel NL met 'kansenmonitor init --demo --scope nl')",
        "the comparison with the Netherlands holds only {n} municipalities at level {level} in this database "
        "(import all of NL with 'kansenmonitor init --demo --scope nl')"),
    # coherence
    "coherence.alpha": ("thema {theme}: Cronbachs alfa {alpha}", "theme {theme}: Cronbach's alpha {alpha}"),
    "coherence.flag.negative": ("wijst de verkeerde kant op", "points the wrong way"),
    "coherence.flag.weak": ("voegt weinig toe", "adds little"),
    "coherence.negative": (
        "{indicator} (thema {theme}) hangt negatief samen met de rest van het thema (r = {r:.2f}); "
        "controleer de polariteit",
        "{indicator} (theme {theme}) correlates negatively with the rest of the theme (r = {r:.2f}); "
        "check the polarity"),
    "coherence.weak": ("{indicator} (thema {theme}) hangt nauwelijks samen met de rest van het thema (r = {r:.2f})",
                       "{indicator} (theme {theme}) hardly correlates with the rest of the theme (r = {r:.2f})"),
    "coherence.single": (
        "{indicator} is de enige indicator van thema {theme}: samenhang binnen het thema is niet te meten",
        "{indicator} is the only indicator of theme {theme}: coherence within the theme cannot be measured"),
    "coherence.no_pca": ("te weinig volledige rijen voor een PCA over alle indicatoren",
                         "too few complete rows for a PCA over all indicators"),
    # uncertainty
    "step.imputation": ("ontbrekende waarden aanvullen", "filling in missing values"),
    "step.outliers": ("uitschieters", "outliers"),
    "step.normalisation": ("normalisatie", "normalisation"),
    "step.weights": ("gewichtenschema", "weighting scheme"),
    "step.within": ("aggregatie binnen thema's", "aggregation within themes"),
    "step.across": ("aggregatie over thema's", "aggregation across themes"),
    "step.theme_weights": ("themagewichten binnen hun bandbreedte", "theme weights within their range"),
    "sensitivity.none": ("De definitie staat geen alternatieve keuzes toe; er is geen gevoeligheid berekend.",
                         "The definition allows no alternative choices; no sensitivity was computed."),
    "sensitivity.summary": (
        "De keuze '{step}' verschuift de rangorde het meest: gemiddeld {shift:.1f} plaatsen per gebied "
        "({draws} trekkingen, seed {seed}).",
        "The choice '{step}' moves the ranking most: on average {shift:.1f} places per area "
        "({draws} draws, seed {seed})."),
    # targeting
    "select.no_score": ("geen score", "no score"),
    "select.no_population": ("geen inwonertal", "no population count"),
    "select.no_value": ("geen waarde voor {column}", "no value for {column}"),
    "allocate.need_population": ("behoefte × inwoners", "need × population"),
    "allocate.formula": ("formule: {formula}", "formula: {formula}"),
    "status.stays": ("blijft", "stays"),
    "status.enters": ("komt erbij", "enters"),
    "status.leaves": ("valt af", "leaves"),
    # investments
    "flag.high_low": ("hoge urgentie, weinig investering", "high urgency, little investment"),
}


class Message(str):
    """A Dutch text (the ``str`` value) with its ``code``, ``params`` and English rendering ``en``."""

    code: str
    params: dict
    en: str

    def __new__(cls, code: str, nl: str, en: str, params: dict | None = None) -> Message:
        obj = super().__new__(cls, nl)
        obj.code = code
        obj.en = en
        obj.params = dict(params or {})
        return obj

    def __reduce__(self):
        return (Message, (self.code, str(self), self.en, self.params))

    @property
    def nl(self) -> str:
        return str.__str__(self)

    def text(self, lang: str = "nl") -> str:
        return self.en if lang == "en" else str.__str__(self)

    def __repr__(self) -> str:
        return f"Message({self.code!r}, {str.__str__(self)!r})"


def _param(value, lang: str):
    return value.text(lang) if isinstance(value, Message) else value


def msg(code: str, **params) -> Message:
    """The catalogue message ``code`` rendered with ``params`` (a param may itself be a :class:`Message`)."""
    nl, en = CATALOGUE[code]
    return Message(code, nl.format(**{k: _param(v, "nl") for k, v in params.items()}),
                   en.format(**{k: _param(v, "en") for k, v in params.items()}), params)


def pair(nl: str, en: str | None, code: str = "label") -> Message:
    """A text given in both languages (e.g. a theme label); English falls back to Dutch."""
    return Message(code, nl, en or nl)


def join(parts: Iterable, sep: str, code: str = "join") -> Message:
    """Join texts (messages or plain strings) in each language."""
    parts = list(parts)
    return Message(code, sep.join(_param(p, "nl") for p in parts), sep.join(_param(p, "en") for p in parts),
                   {"parts": parts})


def text(value, lang: str = "nl"):
    """``value`` in ``lang`` when it is a :class:`Message` (as plain ``str``); anything else unchanged."""
    if isinstance(value, Message):
        return value.text(lang)
    return value


def localise(obj, lang: str = "nl"):
    """Render every :class:`Message` in nested dicts, lists and tuples in ``lang`` (as plain ``str``)."""
    if isinstance(obj, Message):
        return obj.text(lang)
    if isinstance(obj, dict):
        return {k: localise(v, lang) for k, v in obj.items()}
    if isinstance(obj, list):
        return [localise(v, lang) for v in obj]
    if isinstance(obj, tuple):
        return tuple(localise(v, lang) for v in obj)
    return obj


def localise_frame(frame, lang: str = "nl"):
    """A copy of ``frame`` with the messages in its object columns rendered in ``lang``."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(lambda v: localise(v, lang))
    return out


def texts(values, index) -> pd.Series:
    """A column of texts that keeps its messages (pandas would otherwise turn them into plain strings)."""
    return pd.Series(list(values), index=index, dtype=object)


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"onbekende taal '{lang}'; kies uit {', '.join(LANGS)}")
    return lang
