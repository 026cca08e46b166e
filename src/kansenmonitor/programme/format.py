"""Dutch number formatting (B1 output): ``€ 1.234.567``, ``83,7%``."""

from __future__ import annotations


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """``1234567.5`` → ``1.234.568`` (decimals=0) or ``1.234.567,5`` (decimals=1)."""
    if value is None:
        return "–"
    text = f"{abs(value):,.{decimals}f}"  # 1,234,567.50
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    negative = value < 0 and text.strip("0.,") != ""
    return f"-{text}" if negative else text


def format_euro(value: float | int | None, decimals: int = 0) -> str:
    """``-2545000`` → ``€ -2.545.000``; ``None`` (p.m.) → ``p.m.``."""
    if value is None:
        return "p.m."
    return f"€ {format_number(value, decimals)}"


def format_percent(value: float | None, decimals: int = 1) -> str:
    """``83.7`` → ``83,7%``."""
    if value is None or value != value:  # None or NaN
        return "–"
    return f"{format_number(value, decimals)}%"


MONTHS = {
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}


def date_words(date: str | None, lang: str = "nl") -> str | None:
    """``2024-02`` → ``februari 2024`` (``February 2024``); ``2024`` stays ``2024``."""
    if not date:
        return None
    text = str(date).strip()
    parts = text.split("-")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        return f"{MONTHS['en' if lang == 'en' else 'nl'][int(parts[1]) - 1]} {parts[0]}"
    return text


def year_note(year: int | None, published: str | None, lang: str = "nl") -> str:
    """`` (2022)`` for a measured year; for a figure whose source names no year of measurement
    `` (meetjaar niet genoemd; bron van februari 2024)``; empty when neither is known."""
    if year is not None:
        return f" ({year})"
    words = date_words(published, lang)
    if words is None:
        return ""
    if lang == "en":
        return f" (year of measurement not stated; source of {words})"
    return f" (meetjaar niet genoemd; bron van {words})"
