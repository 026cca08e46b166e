"""The programme as a results framework.

A programme (a municipal *nota*, a Regio Deal, an evaluated policy) is described as data:

``programme → leidend principe(s) → uitgangspunten → ambities (per leeftijdsfase) → kansen →
interventies``, with programme lines (e.g. *leren*, *werken*, *woon- en leefomgeving*), focus areas
(region codes), money (:mod:`.finance`), indicators (:mod:`.indicators`) and narrative evidence
(:mod:`.narratives`).

All collections are flat lists that refer to each other by id. That keeps the YAML readable and maps
one-to-one onto the sheets of the Excel workbook. Every object has a ``note`` for ambiguities in the
source text. Pure Python, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kansenmonitor.core.model import Polarity

#: ``origin`` is where an object was read from: ``(file part, line or row)``. Not part of equality
#: and never written back; used only for error messages.
Origin = tuple[str, int]


def _origin() -> Origin | None:
    return field(default=None, compare=False, repr=False, metadata={"internal": True})


class InterventionStatus(StrEnum):
    """Execution status of an intervention (or of a kans that is still being explored)."""

    IDEA = "idea"  # kans to be explored ("nader te onderzoeken")
    PLANNED = "planned"
    RUNNING = "running"
    FINISHED = "finished"
    STOPPED = "stopped"


class EvidenceLevel(StrEnum):
    """How well the working of an intervention is supported (after the Dutch effectiviteitsladder)."""

    UNKNOWN = "unknown"
    DESCRIBED = "described"  # goed beschreven
    THEORETICAL = "theoretical"  # goed onderbouwd
    INDICATIVE = "indicative"  # eerste aanwijzingen voor effectiviteit
    PROVEN = "proven"  # sterke aanwijzingen / bewezen effectief


class BudgetKind(StrEnum):
    EXPENDITURE = "expenditure"  # uitgaven
    COVERAGE = "coverage"  # dekking


class TableKind(StrEnum):
    """What a financial table of the source is.

    ``financing``: expenditure set against coverage (dekking), so a saldo (coverage − expenditure) means
    something: a minus is money that is not yet found. ``budget``: a begroting or spending plan, amounts
    that are budgeted or made available and how they are divided; the source sets no coverage against
    them, so there is no saldo and no shortfall.
    """

    FINANCING = "financing"
    BUDGET = "budget"


class Lijn(StrEnum):
    """0e lijn (voorliggend veld, preventie), 1e lijn (wijkteams), 2e lijn (specialistisch)."""

    NULDE = "0e"
    EERSTE = "1e"
    TWEEDE = "2e"


class IndicatorKind(StrEnum):
    OUTCOME = "outcome"  # uitkomstindicator
    PROCESS = "process"  # procesindicator: uitvoering en bereik
    NARRATIVE = "narrative"  # narratieve indicator


@dataclass
class Principle:
    """Leidend principe, e.g. *Ongelijk investeren voor gelijkere kansen*."""

    id: str
    name: str
    description: str | None = None
    source_location: str | None = None
    note: str | None = None
    origin: Origin | None = _origin()


@dataclass
class Uitgangspunt:
    """Uitgangspunt (starting point) under a leading principle."""

    id: str
    name: str
    code: str | None = None  # e.g. "A"
    principle_id: str | None = None
    description: str | None = None
    source_location: str | None = None
    note: str | None = None
    origin: Origin | None = _origin()


@dataclass
class AgePhase:
    """An age phase in months (pregnancy counts negative): −9 months to 5 years is ``-9 … 60``."""

    label: str
    months_from: int
    months_to: int
    note: str | None = None
    origin: Origin | None = _origin()


@dataclass
class ProgrammeLine:
    """Programmalijn, e.g. *leren*, *werken*, *woon- en leefomgeving*."""

    id: str
    name: str
    description: str | None = None
    source_location: str | None = None
    note: str | None = None
    origin: Origin | None = _origin()


@dataclass
class FocusArea:
    """Focusgebied: a region by code (custom ``FG-…`` area or a CBS wijk/buurt code)."""

    code: str
    name: str
    gemeente: str | None = None
    description: str | None = None
    source_location: str | None = None
    note: str | None = None
    origin: Origin | None = _origin()


@dataclass
class Ambition:
    """Ambitie for one age phase, following one or more uitgangspunten."""

    id: str
    name: str
    age_phase: AgePhase | None = None
    code: str | None = None
    uitgangspunt_ids: list[str] = field(default_factory=list)
    programme_line_ids: list[str] = field(default_factory=list)
    horizon_year: int | None = None
    description: str | None = None
    source_location: str | None = None
    note: str | None = None
    origin: Origin | None = _origin()


@dataclass
class Kans:
    """Kans (opportunity) under an ambition: a direction to strengthen, renew, expand or explore."""

    id: str
    name: str
    ambition_id: str | None = None
    number: int | None = None
    description: str | None = None
    status: InterventionStatus | None = None
    source_location: str | None = None
    note: str | None = None
    origin: Origin | None = _origin()


@dataclass
class Assumption:
    """A programme theory statement: in this context, this mechanism leads to this outcome."""

    id: str
    context: str
    mechanism: str
    outcome: str
    indicator_id: str | None = None
    source_location: str | None = None
    note: str | None = None
    origin: Origin | None = _origin()


@dataclass
class Place:
    """Where something happens: a region by code, and/or a named location (school, IKC, …).

    A place must either have a region ``code`` (CBS gemeente/wijk/buurt or custom area) or
    coordinates (``lat``/``lon``, WGS84). A named location without coordinates is tied to the
    smallest region the source names.
    """

    code: str | None = None
    name: str | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    note: str | None = None
    origin: Origin | None = _origin()


@dataclass
class Intervention:
    """Interventie / maatregel / activiteit."""

    id: str
    name: str
    kans_id: str | None = None
    ambition_id: str | None = None  # when the source ties it to an ambition but not to a kans
    programme_line_id: str | None = None
    description: str | None = None
    owner: str | None = None  # kartrekker / eigenaar
    partners: list[str] = field(default_factory=list)
    target_group: str | None = None
    places: list[Place] = field(default_factory=list)
    start_year: int | None = None
    end_year: int | None = None
    status: InterventionStatus | None = None
    evidence_level: EvidenceLevel | None = None
    assumptions: list[Assumption] = field(default_factory=list)
    source_location: str | None = None
    note: str | None = None
    origin: Origin | None = _origin()


@dataclass
class FundingSource:
    """A budget or fund (OAB, NPO, LEA, Regio Deal, …). ``ends_after``: last year it is available.

    ``regional``: the money belongs to a region (several gemeenten together, e.g. the Twentse Belofte),
    not to the gemeente alone. Views show it apart from the gemeente's own money and never count it in
    the gemeente's coverage or saldo.
    """

    id: str
    name: str
    ends_after: int | None = None
    regional: bool = False
    description: str | None = None
    source_location: str | None = None
    note: str | None = None
    origin: Origin | None = _origin()


@dataclass
class BudgetTable:
    """One financial table of the source (a nota may contain several overlapping ones).

    Budget lines belong to exactly one table; views work on one table at a time so that overlapping
    tables (an overview and a detailed spending plan) are never added up. ``unit`` documents how the
    source prints amounts; amounts in the model are always in euros. ``kind`` says whether the table sets
    expenditure against coverage (``financing``) or is a budget without coverage (``budget``).
    """

    id: str
    name: str
    kind: TableKind = TableKind.FINANCING
    unit: str = "euro"
    period_start: int | None = None
    period_end: int | None = None
    source_location: str | None = None
    note: str | None = None
    origin: Origin | None = _origin()


@dataclass
class BudgetLine:
    """One amount in euros for one year (or for the whole period of its table when ``year`` is empty).

    ``item`` is the id of the intervention the money is for. When the source ties money to a kans, an
    ambition or a programme line as a whole, ``item`` is that id instead; an empty ``item`` means the
    programme as a whole (typical for coverage lines). ``amount`` empty means *p.m.* (pro memorie):
    the source lists the line but names no amount.
    """

    id: str
    table: str
    label: str
    kind: BudgetKind
    year: int | None = None
    amount: float | None = None
    item: str | None = None
    source: str | None = None  # funding source id
    lijn: Lijn | None = None
    category: str | None = None  # subtotal group as printed, e.g. "bestaande dekking"
    source_location: str | None = None
    note: str | None = None
    origin: Origin | None = _origin()

    @property
    def is_pm(self) -> bool:
        return self.amount is None


@dataclass
class Baseline:
    """0-meting: one statement of the source, with the date it is about. ``value_text`` keeps ranges
    such as "40-45%".

    ``date`` is when the figure was measured. When the source does not say that (a report of 2024 citing
    figures of an unnamed year), ``date`` stays empty and ``published`` holds the date of the report: the
    report's date is never passed off as the year of measurement. ``source_location`` says where in the
    source the statement stands, so that two statements are never merged into one baseline.
    """

    date: str | None = None
    value: float | None = None
    value_text: str | None = None
    source: str | None = None
    published: str | None = None
    region: str | None = None
    source_location: str | None = None
    note: str | None = None
    origin: Origin | None = _origin()

    @property
    def year(self) -> int | None:
        """The year of measurement, or ``None`` when the source does not name it."""
        if self.date is None or str(self.date).strip() == "":
            return None
        return int(str(self.date)[:4])


@dataclass
class Target:
    value: float
    year: int
    note: str | None = None
    origin: Origin | None = _origin()


@dataclass
class Measurement:
    date: str
    value: float | None = None
    value_text: str | None = None
    source: str | None = None
    region: str | None = None
    note: str | None = None
    origin: Origin | None = _origin()

    @property
    def year(self) -> int:
        return int(str(self.date)[:4])


@dataclass
class ProgrammeIndicator:
    """An outcome, process or narrative indicator of the programme.

    Values come from the programme's own records (``measurements``) or, when ``catalogue_id`` is
    set, from a neighbourhood statistic that the caller supplies via a ``lookup`` function.
    ``catalogue_id`` without ``region`` means the indicator is followed in every focus area of the
    programme (or, without focus areas, in every gemeente of the programme); see
    :func:`kansenmonitor.programme.progress.indicator_regions`.
    """

    id: str
    name: str
    kind: IndicatorKind
    unit: str | None = None
    polarity: Polarity = Polarity.HIGHER_IS_BETTER
    description: str | None = None
    catalogue_id: str | None = None
    region: str | None = None  # region the values refer to (e.g. GM0153); see below
    baseline: Baseline | None = None
    targets: list[Target] = field(default_factory=list)
    measurements: list[Measurement] = field(default_factory=list)
    intervention_ids: list[str] = field(default_factory=list)
    ambition_ids: list[str] = field(default_factory=list)
    source_location: str | None = None
    note: str | None = None
    #: who must deliver the figures when no open source in the store has them (an organisation) and from
    #: which source (a registration, survey or data set); shown in the progress view
    delivered_by: str | None = None
    delivery_source: str | None = None
    origin: Origin | None = _origin()


@dataclass
class Figure:
    """A figure the source cites to describe the situation (context, not a monitored indicator)."""

    id: str
    label: str
    value: float | None = None
    value_high: float | None = None  # for ranges: value … value_high
    unit: str | None = None
    year: int | None = None
    region: str | None = None
    source: str | None = None
    catalogue_id: str | None = None  # the same (or, see note, a comparable) neighbourhood statistic
    source_location: str | None = None
    note: str | None = None
    origin: Origin | None = _origin()


class NarrativeSourceType(StrEnum):
    BAS_ADVICE = "bas_advice"  # Bewonersadviescommissie
    YOUTH_COUNCIL = "youth_council"  # jongerenberaad
    INTERVIEW = "interview"
    NEIGHBOURHOOD_WALK = "neighbourhood_walk"  # buurtwandeling
    QUOTE = "quote"
    STORY = "story"
    ADVICE = "advice"


@dataclass
class Narrative:
    """A story, quote or advice. Without ``consent`` it is never shown; ``anonymous`` hides the person."""

    id: str
    source_type: NarrativeSourceType
    text: str
    date: str | None = None
    title: str | None = None
    person: str | None = None
    consent: bool = False
    anonymous: bool = True
    places: list[Place] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    intervention_ids: list[str] = field(default_factory=list)
    indicator_ids: list[str] = field(default_factory=list)
    source: str | None = None
    source_location: str | None = None
    note: str | None = None
    origin: Origin | None = _origin()


@dataclass
class LijnTarget:
    """Target split of spending over the lijnen, in percent (the Rekenkamer's 20/20/60 by default)."""

    nulde: float = 20.0
    eerste: float = 20.0
    tweede: float = 60.0
    source: str | None = None
    note: str | None = None
    origin: Origin | None = _origin()

    def as_dict(self) -> dict[str, float]:
        return {Lijn.NULDE.value: self.nulde, Lijn.EERSTE.value: self.eerste, Lijn.TWEEDE.value: self.tweede}


@dataclass
class Programme:
    """A policy programme as a results framework."""

    id: str
    name: str
    gemeenten: list[str] = field(default_factory=list)
    start_year: int | None = None
    end_year: int | None = None
    description: str | None = None
    source: str | None = None
    default_table: str | None = None
    lijn_target: LijnTarget | None = None
    principles: list[Principle] = field(default_factory=list)
    uitgangspunten: list[Uitgangspunt] = field(default_factory=list)
    programme_lines: list[ProgrammeLine] = field(default_factory=list)
    focus_areas: list[FocusArea] = field(default_factory=list)
    ambitions: list[Ambition] = field(default_factory=list)
    kansen: list[Kans] = field(default_factory=list)
    interventions: list[Intervention] = field(default_factory=list)
    funding_sources: list[FundingSource] = field(default_factory=list)
    budget_tables: list[BudgetTable] = field(default_factory=list)
    budget: list[BudgetLine] = field(default_factory=list)
    indicators: list[ProgrammeIndicator] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    narratives: list[Narrative] = field(default_factory=list)
    note: str | None = None
    origin: Origin | None = _origin()

    # -- look-ups -----------------------------------------------------------------------------

    def ambition(self, ambition_id: str) -> Ambition | None:
        return next((a for a in self.ambitions if a.id == ambition_id), None)

    def kans(self, kans_id: str) -> Kans | None:
        return next((k for k in self.kansen if k.id == kans_id), None)

    def intervention(self, intervention_id: str) -> Intervention | None:
        return next((i for i in self.interventions if i.id == intervention_id), None)

    def indicator(self, indicator_id: str) -> ProgrammeIndicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)

    def funding_source(self, source_id: str) -> FundingSource | None:
        return next((s for s in self.funding_sources if s.id == source_id), None)

    def kansen_of(self, ambition_id: str) -> list[Kans]:
        return [k for k in self.kansen if k.ambition_id == ambition_id]

    def interventions_of_kans(self, kans_id: str) -> list[Intervention]:
        return [i for i in self.interventions if i.kans_id == kans_id]

    def interventions_of_ambition(self, ambition_id: str) -> list[Intervention]:
        """Interventions tied directly to the ambition (not via a kans)."""
        return [i for i in self.interventions if i.ambition_id == ambition_id and not i.kans_id]

    def item_ids(self) -> set[str]:
        """Ids a budget line may refer to: interventions, kansen, ambitions, programme lines."""
        return (
            {i.id for i in self.interventions}
            | {k.id for k in self.kansen}
            | {a.id for a in self.ambitions}
            | {p.id for p in self.programme_lines}
        )

    def ambition_of_item(self, item: str | None) -> str | None:
        """The ambition an item (intervention, kans or ambition id) belongs to, if any."""
        if not item:
            return None
        if self.ambition(item):
            return item
        kans = self.kans(item)
        if kans:
            return kans.ambition_id
        intervention = self.intervention(item)
        if intervention:
            if intervention.kans_id:
                parent = self.kans(intervention.kans_id)
                return parent.ambition_id if parent else None
            return intervention.ambition_id
        return None

    def table_ids(self) -> list[str]:
        return [t.id for t in self.budget_tables]

    def lines_of_table(self, table: str | None = None) -> list[BudgetLine]:
        table = table or self.default_table
        if table is None:
            return list(self.budget)
        return [b for b in self.budget if b.table == table]
