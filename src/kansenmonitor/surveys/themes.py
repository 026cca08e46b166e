"""Open answers coded into themes, and the share of each theme per area under disclosure control.

"Hoe omschrijven inwoners zelf een goede kwaliteit van leven?" is an open question: respondents write a few
words. Their text never leaves the store. The codebook declares the themes of the question (``themes:`` with
keywords, see :class:`.codebook.Theme`); an answer counts for every theme one of whose keywords begins a word of
the answer (case and accents ignored), so one answer can name several themes, and an answer that names none
counts as "anders". Per area the published figure is the weighted share of the respondents who answered the
question that named the theme, with the Wilson interval of :mod:`.estimate` and the same disclosure rules
(at least 30 who answered, at least 10 who named the theme and 10 who did not, no more than 90 % naming it,
differencing of nested areas). Only these shares and the number who answered leave; never a word of an answer.

Keyword coding is simple and transparent: everybody can see in the codebook why an answer counts for a theme.
It misses answers that use other words; a municipality that codes its answers by hand can import the themes as
categorical items instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..core.errors import KansenmonitorError
from . import disclosure as dc
from .codebook import Item, Theme
from .estimate import interval, survey_areas
from .repository import Wave, microdata

OTHER = "anders"
_WORD = re.compile(r"[a-z0-9]+")


class NoThemesError(KansenmonitorError, LookupError):
    """The survey has no open question with themes."""


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def code(texts: list[str | None], themes: tuple[Theme, ...]) -> np.ndarray:
    """N × (T + 1) booleans: answer i names theme t (last column: answered, but named no theme). Unanswered
    (None or blank) rows are all False."""
    keys = [tuple(_fold(k) for k in t.keywords) for t in themes]
    out = np.zeros((len(texts), len(themes) + 1), dtype=bool)
    for i, text in enumerate(texts):
        if text is None or (isinstance(text, float) and np.isnan(text)) or not str(text).strip():
            continue
        words = _WORD.findall(_fold(str(text)))
        for j, ks in enumerate(keys):
            out[i, j] = any(w.startswith(k) for w in words for k in ks)
        out[i, -1] = not out[i, :-1].any()
    return out


def items(cb) -> list[Item]:
    """The open questions with themes."""
    return [it for it in cb.items if it.type == "text" and it.themes]


@dataclass
class ThemeRow:
    area: str
    name: str
    level: str
    gemeente: str | None
    item: str
    theme: str
    label: str
    share: float | None  # %, None when withheld
    lower: float | None
    upper: float | None
    respondents: int | None  # who answered the open question
    status: str
    reason: str | None

    def to_dict(self) -> dict:
        return asdict(self)


def theme_shares(monitor, w: Wave, item_id: str | None = None, levels: tuple[str, ...] | None = None,
                 rules: dc.Rules = dc.DEFAULT_RULES, lang: str = "nl") -> list[ThemeRow]:
    """Per area and theme: the weighted share of the respondents who answered that named the theme."""
    its = items(w.codebook)
    if not its:
        raise NoThemesError("Deze enquête heeft geen open vraag met thema's.")
    it = its[0] if item_id is None else next((x for x in its if x.id == item_id), None)
    if it is None:
        raise NoThemesError(f"'{item_id}' is geen open vraag met thema's; kies uit {', '.join(x.id for x in its)}")
    data = microdata(monitor, w)
    coded = code(list(data[it.id]), it.themes)
    answered = coded.any(axis=1)
    areas = survey_areas(monitor, w)
    sets = {a: info.members for a, info in areas.items()}
    labels = [t.name(lang) for t in it.themes] + ["iets anders" if lang == "nl" else "something else"]
    ids = [t.id for t in it.themes] + [OTHER]
    wt = data["weight"].to_numpy(float)
    area_col = data["area"].to_numpy()
    rows: list[ThemeRow] = []
    for j, (tid, label) in enumerate(zip(ids, labels, strict=True)):
        y = coded[answered, j].astype(float)
        g = pd.DataFrame({"area": area_col[answered], "n": 1, "x": y, "w": wt[answered], "wy": wt[answered] * y,
                          "w2": wt[answered] ** 2, "w2y": wt[answered] ** 2 * y}).groupby("area").sum()
        base = {a: dc.Cell(int(n), int(x), float(w_), float(wy))
                for a, n, x, w_, wy in zip(g.index, g["n"], g["x"], g["w"], g["wy"], strict=True)}
        sq = {a: (float(a2), float(b2)) for a, a2, b2 in zip(g.index, g["w2"], g["w2y"], strict=True)}
        # naming a theme is the side that could be sensitive (e.g. health); the rest is not
        reasons = dc.protect(base, sets, rules, dc.check_for(dc.SENSITIVE_SHARE))
        for code_, info in areas.items():
            if levels is not None and info.level not in levels:
                continue
            reason = reasons[code_]
            if reason is not None:
                rows.append(ThemeRow(code_, info.name, info.level, info.gemeente, it.id, tid, label, None, None, None,
                                     None, "suppressed", dc.REASONS_EN[reason] if lang == "en" else reason))
                continue
            cell = dc._sum(base, info.members)
            w2 = sum(sq[m][0] for m in info.members if m in sq)
            w2y = sum(sq[m][1] for m in info.members if m in sq)
            p, lo, hi = interval(cell, w2, w2y)
            rows.append(ThemeRow(code_, info.name, info.level, info.gemeente, it.id, tid, label, round(100 * p, 1),
                                 round(100 * lo, 1), round(100 * hi, 1), cell.n, "published", None))
    return rows
