"""Plain words for numbers, as people say them: "ruim 1 op de 5", "bijna de helft", "ongeveer gelijk".

Pure functions, no I/O. The comparison rule is the one the situation profile uses for its summary
(:func:`kansenmonitor.web.situation.views.meaningful`), so the arrows in a report and the sentences on the
profile page never disagree.
"""

from __future__ import annotations

from fractions import Fraction

#: the shares people say in words; "1 op de N" for small shares, halves/thirds/quarters for large ones
_WORDS_NL = {Fraction(1, 2): "de helft", Fraction(1, 3): "een derde", Fraction(2, 3): "twee derde",
             Fraction(1, 4): "een kwart", Fraction(3, 4): "driekwart"}
_WORDS_EN = {Fraction(1, 2): "half", Fraction(1, 3): "a third", Fraction(2, 3): "two thirds",
             Fraction(1, 4): "a quarter", Fraction(3, 4): "three quarters"}
#: a share this close (in percentage points) to a simple fraction is "about" it; further is "ruim"/"bijna"
EXACT_POINTS = 0.5


def _candidates() -> list[tuple[int, int]]:
    """(numerator, denominator) pairs people say; of equal values the first form wins (words, 1 op de N, k op de 10)."""
    pairs = [(f.numerator, f.denominator) for f in _WORDS_NL]
    pairs += [(1, n) for n in (*range(2, 11), 12, 15, 20, 25, 30, 40, 50, 100)]
    pairs += [(k, 10) for k in range(1, 10)]
    out: dict[Fraction, tuple[int, int]] = {}
    for a, b in pairs:
        out.setdefault(Fraction(a, b), (a, b))
    return sorted(out.values(), key=lambda ab: ab[0] / ab[1])


_CANDIDATES = _candidates()


def share_in_words(percent: float | None, lang: str = "nl") -> str | None:
    """A percentage as people say it: 21,3 → "ruim 1 op de 5", 48 → "bijna de helft", 70 → "7 op de 10".

    ``None`` outside 1–99 % (then the number itself says it best) or without a value."""
    if percent is None or percent != percent or not 1.0 <= percent <= 99.0:
        return None
    p = percent / 100.0
    a, b = min(_CANDIDATES, key=lambda ab: abs(ab[0] / ab[1] - p))
    gap = (p - a / b) * 100.0
    words = _WORDS_NL if lang == "nl" else _WORDS_EN
    if Fraction(a, b) in words:
        phrase = words[Fraction(a, b)]
    else:
        phrase = f"{a} op de {b}" if lang == "nl" else f"{a} in {b}"
    if abs(gap) < min(EXACT_POINTS, 0.05 * percent):
        qualifier = ""
    elif gap > 0:
        qualifier = "ruim " if lang == "nl" else "just over "
    else:
        qualifier = "bijna " if lang == "nl" else "almost "
    return f"{qualifier}{phrase}"


def comparison(value: float | None, reference: float | None, polarity: str, unit: str | None,
               meaningful: bool, lang: str = "nl") -> dict:
    """How a value compares with its reference, as an arrow and plain words.

    ``{arrow: "↑"|"↓"|"≈"|"", direction: higher|lower|same|unknown, judgement: better|worse|neutral|None,
    text}`` — ``meaningful`` says whether the difference passes the summary rule."""
    if value is None or reference is None:
        return {"arrow": "", "direction": "unknown", "judgement": None,
                "text": "niet te vergelijken" if lang == "nl" else "cannot be compared"}
    if not meaningful:
        return {"arrow": "≈", "direction": "same", "judgement": None,
                "text": "ongeveer gelijk" if lang == "nl" else "about the same"}
    higher = value > reference
    arrow = "↑" if higher else "↓"
    if polarity == "neutral":
        judgement = "neutral"
        text = ("hoger" if higher else "lager") if lang == "nl" else ("higher" if higher else "lower")
    else:
        good = higher == (polarity == "higher_is_better")
        judgement = "better" if good else "worse"
        if lang == "nl":
            text = f"{'hoger' if higher else 'lager'}, {'gunstig' if good else 'ongunstig'}"
        else:
            text = f"{'higher' if higher else 'lower'}, {'better' if good else 'worse'}"
    return {"arrow": arrow, "direction": "higher" if higher else "lower", "judgement": judgement, "text": text}
