"""Reading surveys back from the store.

:func:`microdata` returns respondent rows; it is for the estimators in this package only. Adapters (CLI, web,
API, exports) never call it: they show what :mod:`.estimate` returns after :mod:`.disclosure` has passed it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select

from ..core.errors import KansenmonitorError
from . import tables as t
from .codebook import Codebook, codebook_from_dict


class UnknownSurveyError(KansenmonitorError, LookupError):
    """A survey or wave that is not in the store."""


@dataclass(frozen=True)
class Wave:
    survey: str
    wave: int
    name: str
    synthetic: bool
    codebook: Codebook
    respondents: int
    area_level: str
    boundary_year: int
    imported_at: str
    data_sha: str | None
    codebook_sha: str

    def title(self, lang: str = "nl") -> str:
        return f"{self.codebook.title(lang)}, {self.wave}"


def waves(monitor) -> list[Wave]:
    with monitor.store.engine.connect() as conn:
        rows = conn.execute(select(t.survey_waves).order_by(t.survey_waves.c.survey, t.survey_waves.c.wave)).all()
    return [Wave(r.survey, int(r.wave), r.name, bool(r.synthetic), codebook_from_dict(json.loads(r.codebook)),
                 int(r.respondents), r.area_level, int(r.boundary_year), r.imported_at, r.data_sha, r.codebook_sha)
            for r in rows]


def wave(monitor, survey: str | None = None, wave_no: int | None = None) -> Wave:
    """One wave; without ``survey`` the first survey, without ``wave_no`` its latest wave."""
    all_waves = waves(monitor)
    if not all_waves:
        raise UnknownSurveyError("Er is nog geen enquête ingelezen. Lees er een in met een codeboek, of bouw de "
                                 "demo (die heeft een synthetische enquête).")
    if survey is None:
        survey = all_waves[0].survey
    mine = [w for w in all_waves if w.survey == survey]
    if not mine:
        raise UnknownSurveyError(f"Enquête '{survey}' is niet ingelezen. Ingelezen: "
                                 f"{', '.join(sorted({w.survey for w in all_waves}))}.")
    if wave_no is None:
        return mine[-1]
    for w in mine:
        if w.wave == wave_no:
            return w
    raise UnknownSurveyError(f"Enquête '{survey}' heeft geen golf {wave_no}; wel: "
                             f"{', '.join(str(w.wave) for w in mine)}.")


_CACHE: dict[tuple, pd.DataFrame] = {}


def microdata(monitor, w: Wave) -> pd.DataFrame:
    """Respondent rows: ``respondent, area, weight`` and one column per item (NaN = missing). Internal only.
    Kept in memory per wave and import (a re-import gives a new key), so pages do not parse it again."""
    key = (monitor.store.url, w.survey, w.wave, w.imported_at, w.data_sha)
    if key in _CACHE:
        return _CACHE[key].copy()
    with monitor.store.engine.connect() as conn:
        rows = conn.execute(select(t.survey_respondents.c.respondent, t.survey_respondents.c.area,
                                   t.survey_respondents.c.weight, t.survey_respondents.c.answers)
                            .where((t.survey_respondents.c.survey == w.survey)
                                   & (t.survey_respondents.c.wave == w.wave))
                            .order_by(t.survey_respondents.c.respondent)).all()
    frame = pd.DataFrame({"respondent": [r.respondent for r in rows], "area": [r.area for r in rows],
                          "weight": np.array([r.weight for r in rows], dtype=float)})
    answers = pd.DataFrame.from_records(json.loads("[" + ",".join(r.answers for r in rows) + "]"),
                                        index=frame.index) if rows else pd.DataFrame(index=frame.index)
    for it in w.codebook.items:
        col = answers[it.id] if it.id in answers else pd.Series(np.nan, index=frame.index)
        if it.type == "text":
            frame[it.id] = col.where(col.notna(), None).astype(object)
        else:
            frame[it.id] = pd.to_numeric(col, errors="coerce").astype(float)
    if len(_CACHE) > 8:
        _CACHE.clear()
    _CACHE[key] = frame
    return frame.copy()
