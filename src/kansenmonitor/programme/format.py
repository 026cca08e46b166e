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
