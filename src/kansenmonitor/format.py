"""Formatting numbers, money and dates the Dutch way (and English when asked)."""

from __future__ import annotations

import math
from datetime import date

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from .core.model import Indicator, Status

LOCALES = {"nl": "nl_NL", "en": "en_GB"}

STATUS_LABEL = {
    "nl": {
        Status.MEASURED.value: "gemeten",
        Status.ESTIMATED.value: "geschat",
        Status.SUPPRESSED.value: "geheim",
        Status.MISSING.value: "geen gegevens",
    },
    "en": {
        Status.MEASURED.value: "measured",
        Status.ESTIMATED.value: "estimated",
        Status.SUPPRESSED.value: "suppressed",
        Status.MISSING.value: "no data",
    },
}


def number(value: float | None, decimals: int = 1, lang: str = "nl") -> str:
    """``12345.678`` → ``12.345,7`` (nl) or ``12,345.7`` (en); ``None`` → ``–``.

    Written out rather than through Babel's ``format_decimal`` (a profile page formats some 15,000 numbers; Babel
    takes half a millisecond each). tests/foundation/test_format_number.py pins the agreement with Babel."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    decimals = max(int(decimals), 0)
    text = f"{round(float(value), decimals):,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def number_babel(value: float | None, decimals: int = 1, lang: str = "nl") -> str:
    """:func:`number` through Babel: the reference it is tested against."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    fmt = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(round(float(value), decimals), format=fmt, locale=LOCALES.get(lang, "nl_NL"))


def money(value: float | None, lang: str = "nl", decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    fmt = "¤ #,##0" + ("." + "0" * decimals if decimals else "")
    return format_currency(value, "EUR", format=fmt, locale=LOCALES.get(lang, "nl_NL"), currency_digits=False)


def day(value: date, lang: str = "nl") -> str:
    return format_date(value, format="long", locale=LOCALES.get(lang, "nl_NL"))


UNIT_LABEL = {
    "nl": {"x 1.000 euro": "× € 1.000", "%": "%", "aantal": "aantal", "per 1.000": "per 1.000",
           "inwoners per km²": "inwoners per km²", "adressen per km²": "adressen per km²"},
    "en": {"x 1.000 euro": "× € 1,000", "%": "%", "aantal": "number", "per 1.000 inwoners": "per 1,000 inhabitants",
           "per 1.000": "per 1,000", "inwoners per km²": "inhabitants per km²", "adressen per km²": "addresses per km²",
           "leerlingen": "pupils", "kinderen": "children", "personen": "persons", "scholen": "schools",
           "klasse 1-5": "class 1-5", "per 100 leerlingen": "per 100 pupils",
           "% van de geregistreerde labels": "% of the registered labels"},
}


def unit_label(unit: str, lang: str = "nl") -> str:
    """The unit as a reader writes it (``x 1.000 euro`` → ``× € 1.000``)."""
    return UNIT_LABEL.get(lang, UNIT_LABEL["nl"]).get(unit, UNIT_LABEL["nl"].get(unit, unit))


def observation(value: float | None, status: str, indicator: Indicator, lang: str = "nl") -> str:
    """A value for display: the number with its unit, or why there is no number."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return STATUS_LABEL[lang].get(status, status)
    text = number(value, indicator.decimals, lang)
    unit = indicator.unit
    if unit == "%":
        return f"{text}%"
    if unit.startswith("% "):  # "% van de geregistreerde labels": the sign stays with the number
        return f"{text}{unit_label(unit, lang)}"
    if unit in ("aantal",):
        return text
    return f"{text} {unit}"


#: A text cell starting with one of these is run as a formula by spreadsheet programs (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A CSV cell that a spreadsheet cannot run: text starting with ``= + - @``, a tab or a carriage return gets a
    leading apostrophe (as OWASP advises); numbers and other text are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame):
    """:func:`spreadsheet_safe` applied to every text cell of a pandas frame (a copy)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype).startswith(("string", "str")):
            out[col] = out[col].map(spreadsheet_safe)
    return out


def xlsx_no_formulas(workbook) -> None:
    """Store every cell that openpyxl would write as a formula as plain text instead (an Excel workbook is
    never asked to run what came from data); the text itself stays exactly as it was."""
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
