"""A scenario for an area: measures with a reach, a cost, a duration and an expected effect per participant.

Pure data, no I/O. A scenario is written by a user (YAML file, web form) with Dutch keys; :mod:`.parse`
validates it into these objects. Assumptions reuse the programme's :class:`~kansenmonitor.programme.model.Assumption`
(context → mechanism → outcome, tied to an indicator), so that an adopted scenario carries them into the
intervention's results framework unchanged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..programme.model import Assumption, EvidenceLevel

#: where the expected effect of a measure comes from, in the order in which they are preferred
EVIDENCE_ORDER = ("evaluatie", "studie", "aanname")
EVIDENCE_LABELS = {
    "evaluatie": ("eigen evaluatie van een vergelijkbare interventie", "own evaluation of a similar intervention"),
    "studie": ("effect uit een studie (met bron)", "effect from a study (with source)"),
    "aanname": ("aanname (niet gemeten)", "assumption (not measured)"),
}

#: the rating of a study, in the style of the Databank Effectieve Interventies (erkenningscommissie)
RATINGS: dict[str, tuple[str, str, EvidenceLevel]] = {
    "goed_beschreven": ("goed beschreven", "well described", EvidenceLevel.DESCRIBED),
    "goed_onderbouwd": ("goed onderbouwd", "well founded", EvidenceLevel.THEORETICAL),
    "eerste_aanwijzingen": ("effectief volgens eerste aanwijzingen", "effective according to first indications",
                            EvidenceLevel.INDICATIVE),
    "goede_aanwijzingen": ("effectief volgens goede aanwijzingen", "effective according to good indications",
                           EvidenceLevel.INDICATIVE),
    "sterke_aanwijzingen": ("effectief volgens sterke aanwijzingen (bewezen effectief)",
                            "effective according to strong indications (proven effective)", EvidenceLevel.PROVEN),
}

#: what kind of area a scenario is for
AREA_KINDS = ("buurt", "wijk", "stadsdeel", "gebied", "eigen")


@dataclass(frozen=True)
class Area:
    """The area of a scenario: a region of the store (``code``), or an own set of buurten (``members``)."""

    kind: str
    code: str
    name: str
    boundary_year: int
    members: tuple[str, ...] = ()

    @property
    def is_own(self) -> bool:
        return self.kind == "eigen"


@dataclass(frozen=True)
class Effect:
    """What the user said about the effect of a measure per participant, in the outcome's unit.

    ``value`` with ``low``/``high`` (a 95% interval) or ``se``; ``source`` and ``rating`` for a study,
    ``assumption`` for an explicit assumption; ``evaluation`` names a saved evaluation and
    ``evaluated_share`` the share (percent) of the evaluated areas' population the measure reached there.
    """

    value: float | None = None
    low: float | None = None
    high: float | None = None
    se: float | None = None
    source: str | None = None
    rating: str | None = None
    assumption: bool = False
    explanation: str | None = None
    evaluation: str | None = None
    evaluated_share: float | None = None


@dataclass(frozen=True)
class Measure:
    """One measure: an intervention of the programme register or a new one."""

    id: str
    name: str
    target_group: str
    reach: int
    cost: float
    duration_years: float
    indicator: str  # the outcome indicator (catalogue id) the measure aims at
    effect: Effect
    programme: str | None = None
    intervention: str | None = None
    target_indicator: str | None = None  # catalogue count of the target group in the area
    target_size: int | None = None  # … or a number with its source
    target_source: str | None = None
    population_indicator: str | None = None  # base of the outcome when the catalogue declares none
    start_year: int | None = None

    @property
    def is_existing(self) -> bool:
        return self.intervention is not None


@dataclass
class Scenario:
    id: str
    name: str
    area: Area
    measures: list[Measure]
    assumptions: list[Assumption] = field(default_factory=list)
    description: str | None = None
    seed: int = 1
    draws: int = 10_000
    created_at: str | None = None
    created_by: str | None = None
    adopted: dict | None = None  # {"programme": id, "at": date, "by": actor} once adopted as a plan

    def to_dict(self) -> dict:
        """The scenario as plain data in the same Dutch keys the input uses (round-trips through parse)."""
        return {
            "id": self.id, "naam": self.name, "toelichting": self.description, "seed": self.seed,
            "trekkingen": self.draws,
            "gebied": ({"naam": self.area.name, "buurten": list(self.area.members), "indeling": self.area.boundary_year}
                       if self.area.is_own else {"code": self.area.code, "indeling": self.area.boundary_year}),
            "maatregelen": [measure_to_dict(m) for m in self.measures],
            "aannames": [{"id": a.id, "context": a.context, "mechanisme": a.mechanism, "uitkomst": a.outcome,
                          "indicator": a.indicator_id} for a in self.assumptions],
        }


def measure_to_dict(m: Measure) -> dict:
    e = m.effect
    effect = {k: v for k, v in {
        "waarde": e.value, "laag": e.low, "hoog": e.high, "standaardfout": e.se, "bron": e.source,
        "oordeel": e.rating, "aanname": e.assumption or None, "toelichting": e.explanation,
        "evaluatie": e.evaluation, "bereik_in_evaluatie": e.evaluated_share}.items() if v is not None}
    out = {"id": m.id, "naam": m.name, "doelgroep": m.target_group, "bereik": m.reach, "kosten": m.cost,
           "looptijd": m.duration_years, "indicator": m.indicator, "effect": effect}
    if m.intervention:
        out["interventie"] = {"programma": m.programme, "id": m.intervention}
    for key, value in (("doelgroep_indicator", m.target_indicator), ("doelgroep_omvang", m.target_size),
                       ("doelgroep_bron", m.target_source), ("bevolking_indicator", m.population_indicator),
                       ("startjaar", m.start_year)):
        if value is not None:
            out[key] = value
    return out


def plain(obj) -> dict:
    return asdict(obj)
