"""Participation rounds for an area: the gemeente states the frame (what is fixed, what residents can
influence, the level of participation, what happens with the input), residents rank themes and give ideas and
local knowledge through a public form, staff moderate, and a summary is published beside the figures.
See ``docs/participatie.md``."""

from .service import (
    LEVELS,
    RULES,
    Round,
    all_rounds,
    counts,
    create_round,
    get_round,
    heard,
    moderate,
    narratives,
    parse_round,
    parse_submission,
    responses,
    submit,
)

__all__ = ["LEVELS", "RULES", "Round", "all_rounds", "counts", "create_round", "get_round", "heard", "moderate",
           "narratives", "parse_round", "parse_submission", "responses", "submit"]
