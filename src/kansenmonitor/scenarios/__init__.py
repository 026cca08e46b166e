"""Scenarios for an area: measures with reach, cost, duration and an expected effect per participant, the
arithmetic shown and the uncertainty propagated by seeded simulation; assumptions (context → mechanism →
outcome) tied to indicators; saved in the store and taken into a programme as a plan. See ``docs/scenarios.md``.
"""

from .model import EVIDENCE_ORDER, RATINGS, Area, Effect, Measure, Scenario
from .parse import Context, parse_scenario
from .project import project
from .service import adopt, check, compare, create, make_context, show
from .simulate import EffectDistribution, Term, closed_form, simulate

__all__ = [
    "EVIDENCE_ORDER", "RATINGS", "Area", "Context", "Effect", "EffectDistribution", "Measure", "Scenario", "Term",
    "adopt", "check", "closed_form", "compare", "create", "make_context", "parse_scenario", "project", "show",
    "simulate",
]
