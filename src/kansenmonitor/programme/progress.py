"""Progress per ambition: each indicator with its 0-meting, latest value, targets and status.

Pure assembly of what :func:`~kansenmonitor.programme.indicators.indicator_status` computes, plus the
latest known value (own measurement or store value) and where each number comes from. The store is
reached only through an optional :class:`~kansenmonitor.programme.store_lookup.StoreValues`; without
it only the programme's own measurements count.

Which region a linked indicator is followed in (:func:`indicator_regions`): its ``region``; else its
baseline's region; else every focus area of the programme; else every gemeente of the programme.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .indicators import IndicatorStatus, StatusResult, indicator_status
from .model import Programme, ProgrammeIndicator, Target
from .store_lookup import StoreValues

OTHER = "_other"  # group key of indicators that belong to no ambition


@dataclass(frozen=True)
class Value:
    """A number shown in the overview, with where it comes from."""

    year: int | None
    value: float | None
    text: str | None = None
    source: str | None = None
    from_store: bool = False
    published: str | None = None  # date of the source when it names no year of measurement
    source_location: str | None = None  # where in the source the statement stands

    def as_dict(self) -> dict:
        return {"year": self.year, "value": self.value, "text": self.text, "source": self.source,
                "from_store": self.from_store, "published": self.published,
                "source_location": self.source_location}


#: where an indicator's figures come from: the store (open data), still to be delivered, or only the
#: programme's own figures from its source document
DATA_STORE = "store"
DATA_DELIVER = "deliver"
DATA_OWN = "own"
DATA_STATES = (DATA_STORE, DATA_DELIVER, DATA_OWN)


@dataclass(frozen=True)
class Delivery:
    """Who must deliver an indicator's figures, and from which source."""

    organisation: str | None
    source: str | None

    def as_dict(self) -> dict:
        return {"organisation": self.organisation, "source": self.source}


@dataclass(frozen=True)
class ProgressRow:
    indicator: ProgrammeIndicator
    region: str | None
    status: StatusResult
    baseline: Value | None
    latest: Value | None
    targets: list[Target] = field(default_factory=list)
    store_years: list[int] = field(default_factory=list)  # years with a value in the store
    data: str = DATA_DELIVER  # one of DATA_STATES
    delivery: Delivery | None = None

    def as_dict(self) -> dict:
        ind = self.indicator
        return {
            "id": ind.id, "name": ind.name, "kind": ind.kind.value, "unit": ind.unit,
            "polarity": ind.polarity.value, "catalogue_id": ind.catalogue_id, "region": self.region,
            "baseline": self.baseline.as_dict() if self.baseline else None,
            "latest": self.latest.as_dict() if self.latest else None,
            "targets": [{"value": t.value, "year": t.year} for t in sorted(self.targets, key=lambda t: t.year)],
            "expected": self.status.expected,
            "status": self.status.status.value, "reason": self.status.reason,
            "store_years": self.store_years, "note": ind.note, "data": self.data,
            "delivery": self.delivery.as_dict() if self.delivery else None,
        }


@dataclass(frozen=True)
class AmbitionProgress:
    id: str
    name: str | None
    code: str | None
    rows: list[ProgressRow]


def indicator_regions(programme: Programme, indicator: ProgrammeIndicator) -> list[str | None]:
    """The regions an indicator is followed in (``[None]`` when it names none and is not linked)."""
    if indicator.region:
        return [indicator.region]
    if indicator.baseline is not None and indicator.baseline.region:
        return [indicator.baseline.region]
    if indicator.catalogue_id:
        if programme.focus_areas:
            return [a.code for a in programme.focus_areas]
        if programme.gemeenten:
            return list(programme.gemeenten)
    return [None]


def _baseline(indicator: ProgrammeIndicator, status: StatusResult, values: StoreValues | None,
              region: str | None) -> Value | None:
    bl = indicator.baseline
    if bl is None:
        return None
    if bl.value is None and status.baseline is not None and indicator.catalogue_id and values and region:
        point = values.point(indicator.catalogue_id, region, bl.year)
        return Value(bl.year, status.baseline, None, point.source_ref if point else None, True)
    return Value(bl.year, None if bl.value is None else float(bl.value), bl.value_text, bl.source, False,
                 bl.published, bl.source_location)


def _latest(indicator: ProgrammeIndicator, values: StoreValues | None, region: str | None,
            year: int | None) -> Value | None:
    own = [m for m in indicator.measurements
           if (m.value is not None or m.value_text) and (year is None or m.year <= year)
           and (m.region is None or region is None or m.region == region)]
    own.sort(key=lambda m: (m.year, m.value is not None))
    best: Value | None = None
    if own:
        m = own[-1]
        best = Value(m.year, None if m.value is None else float(m.value), m.value_text, m.source, False)
    if indicator.catalogue_id and values is not None and region:
        point = values.latest(indicator.catalogue_id, region, up_to=year)
        if point is not None and (best is None or point.year > (best.year or 0)):
            best = Value(point.year, point.value, None, point.source_ref, True)
    return best


def data_text(row: ProgressRow, lang: str = "nl") -> str:
    """Where the row's figures come from, in one sentence for the progress view."""
    en = lang == "en"
    if row.data == DATA_STORE:
        years = ", ".join(str(y) for y in row.store_years)
        return f"Figures from the kansenmonitor (open data): {years}." if en else \
            f"Cijfers uit de kansenmonitor (open gegevens): {years}."
    if row.data == DATA_OWN:
        return "Only the figures named in the programme itself." if en else \
            "Alleen de cijfers die in het programma zelf staan."
    d = row.delivery
    if d is None or not (d.organisation or d.source):
        return "No open source has these figures; the programme does not say who delivers them." if en else \
            "Geen open bron heeft deze cijfers; het programma zegt niet wie ze levert."
    who = d.organisation or ("not named" if en else "niet genoemd")
    src = f" ({'source' if en else 'bron'}: {d.source})" if d.source else ""
    return f"No open source in the kansenmonitor: to be delivered by {who}{src}." if en else \
        f"Geen open bron in de kansenmonitor: aan te leveren door {who}{src}."


def delivery_of(indicator: ProgrammeIndicator, values: StoreValues | None = None) -> Delivery | None:
    """Who delivers the indicator's figures: the programme file's ``delivered_by``/``delivery_source``, else
    (for a linked indicator) the publisher of the catalogue indicator's source."""
    if indicator.delivered_by or indicator.delivery_source:
        return Delivery(indicator.delivered_by, indicator.delivery_source)
    if indicator.catalogue_id and values is not None and indicator.catalogue_id in values.monitor.catalogue:
        cat = values.monitor.catalogue[indicator.catalogue_id]
        for src in cat.sources:
            if src.publisher:
                return Delivery(src.publisher, getattr(src, "table", None) or cat.label("nl"))
    return None


def data_state(indicator: ProgrammeIndicator, store_years: list[int]) -> str:
    if store_years:
        return DATA_STORE
    own = (indicator.baseline is not None and (indicator.baseline.value is not None or indicator.baseline.value_text)) \
        or any(m.value is not None or m.value_text for m in indicator.measurements)
    return DATA_OWN if own and not (indicator.delivered_by or indicator.catalogue_id) else DATA_DELIVER


def data_counts(programme: Programme, values: StoreValues | None = None) -> dict[str, int]:
    """How many indicators of the programme have figures from the store (in at least one of their regions),
    must still be delivered, or have only the programme's own figures; plus ``total``."""
    counts = dict.fromkeys(DATA_STATES, 0)
    for ind in programme.indicators:
        states = {r.data for r in progress_rows(programme, ind, values)}
        state = DATA_STORE if DATA_STORE in states else DATA_DELIVER if DATA_DELIVER in states else DATA_OWN
        counts[state] += 1
    counts["total"] = len(programme.indicators)
    return counts


def progress_rows(programme: Programme, indicator: ProgrammeIndicator, values: StoreValues | None = None,
                  year: int | None = None, tolerance: float = 0.1) -> list[ProgressRow]:
    """One row per region the indicator is followed in."""
    lookup = values.value if values is not None else None
    rows = []
    for region in indicator_regions(programme, indicator):
        status = indicator_status(indicator, year=year, lookup=lookup, region=region, tolerance=tolerance)
        store_years = []
        if indicator.catalogue_id and values is not None and region:
            store_years = [p.year for p in values.series(indicator.catalogue_id, region) if p.value is not None]
        state = data_state(indicator, store_years)
        rows.append(ProgressRow(indicator, region, status, _baseline(indicator, status, values, region),
                                _latest(indicator, values, region, year), list(indicator.targets), store_years,
                                state, delivery_of(indicator, values) if state != DATA_STORE else None))
    return rows


def progress(programme: Programme, values: StoreValues | None = None, ambition: str | None = None,
             year: int | None = None, tolerance: float = 0.1) -> list[AmbitionProgress]:
    """Indicators grouped per ambition (in programme order), then those tied to no ambition.

    An indicator tied to several ambitions appears under each. ``ambition`` limits the overview to
    one ambition; an unknown id raises ``KeyError``.
    """
    if ambition is not None and programme.ambition(ambition) is None:
        known = ", ".join(a.id for a in programme.ambitions) or "geen"
        raise KeyError(f"ambitie '{ambition}' bestaat niet in '{programme.id}'; bekende ambities: {known}")
    ambition_ids = {a.id for a in programme.ambitions}
    cache: dict[str, list[ProgressRow]] = {}

    def rows_of(ind: ProgrammeIndicator) -> list[ProgressRow]:
        if ind.id not in cache:
            cache[ind.id] = progress_rows(programme, ind, values, year, tolerance)
        return cache[ind.id]

    groups = []
    for a in programme.ambitions:
        if ambition is not None and a.id != ambition:
            continue
        inds = [i for i in programme.indicators if a.id in i.ambition_ids]
        groups.append(AmbitionProgress(a.id, a.name, a.code, [r for i in inds for r in rows_of(i)]))
    if ambition is None:
        loose = [i for i in programme.indicators if not (set(i.ambition_ids) & ambition_ids)]
        if loose:
            groups.append(AmbitionProgress(OTHER, None, None, [r for i in loose for r in rows_of(i)]))
    return groups


def status_counts(groups: list[AmbitionProgress]) -> dict[str, int]:
    """How many (indicator, region) rows have each status; an indicator under two ambitions counts once."""
    seen: dict[tuple[str, str | None], IndicatorStatus] = {}
    for g in groups:
        for r in g.rows:
            seen[(r.indicator.id, r.region)] = r.status.status
    return {s.value: sum(1 for v in seen.values() if v == s) for s in IndicatorStatus}
