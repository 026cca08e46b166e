"""Validation of a report entry with the rules and messages of the programme files.

Each kind is turned into the programme object it becomes when published (a budget line, a measurement, a
narrative) with the file importers' converter (:func:`kansenmonitor.programme.codec.from_dict`), and the
programme with that object added goes through :func:`kansenmonitor.programme.validate.validate_programme`;
only the issues of the new object count. Decisions are checked by
:func:`kansenmonitor.programme.decisions.check_decision`. Issues name the form field (Dutch name).
"""

from __future__ import annotations

import copy
import dataclasses
import re
from datetime import date
from typing import Any

from ..core.errors import Issue, ValidationError
from ..programme.codec import Context, from_dict
from ..programme.decisions import DECISION_WORDS, check_decision, parse_evidence
from ..programme.model import (
    BudgetKind,
    BudgetLine,
    BudgetTable,
    IndicatorKind,
    Measurement,
    Narrative,
    Programme,
    TableKind,
)
from ..programme.validate import validate_programme
from .model import KINDS

WHERE = "melding"
#: the table realised spending is kept in (a budget table: amounts without coverage, never added to the plan)
REALISED_TABLE = "gerealiseerd"


def realised_table() -> BudgetTable:
    return BudgetTable(id=REALISED_TABLE, name="Gerealiseerde uitgaven (vastgestelde meldingen)",
                       kind=TableKind.BUDGET, note="uit meldingen die een tweede persoon heeft vastgesteld")


#: model field → form field, per kind
FIELDS = {
    "uitgaven": {"year": "jaar", "amount": "bedrag", "source": "bron", "item": "interventie", "table": "jaar"},
    "proces": {"date": "periode", "value": "waarde", "region": "gebied", "value_text": "waarde"},
    "meting": {"date": "periode", "value": "waarde", "region": "gebied", "value_text": "waarde"},
    "verhaal": {"text": "tekst", "title": "titel", "source_type": "soort_bron", "date": "datum", "person": "persoon",
                "consent": "toestemming", "anonymous": "anoniem", "intervention_ids": "interventie"},
    "besluit": {"decision": "besluit", "rationale": "onderbouwing", "decided_by": "besloten_door", "date": "datum",
                "evidence": "bewijs", "intervention": "interventie"},
}


def _text(form: dict[str, Any], key: str) -> str:
    value = form.get(key)
    return "" if value is None else str(value).strip()


_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_DUTCH_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+,\d+$")


def _number(form: dict[str, Any], key: str) -> str:
    """A number typed in a Dutch form: ``12,5`` and ``1.234,50`` (a decimal comma) are read as 12.5 and 1234.50;
    anything else goes to the importers' strict number check as typed."""
    text = _text(form, key).replace("€", "").strip()
    if _DUTCH_THOUSANDS.match(text):
        return text.replace(".", "").replace(",", ".")
    if _DECIMAL_COMMA.match(text):
        return text.replace(",", ".")
    return text


def _issue(field: str, message: str, hint: str | None = None) -> Issue:
    return Issue(WHERE, None, field, message, hint)


def _renamed(issues: list[Issue], kind: str) -> list[Issue]:
    names = FIELDS.get(kind, {})
    return [dataclasses.replace(i, file=WHERE, row=None, field=names.get(i.field or "", i.field)) for i in issues]


def _own(issues: list[Issue]) -> list[Issue]:
    """The issues of the object added by the entry (its origin is ``(WHERE, 0)``)."""
    return [i for i in issues if i.file == WHERE]


def _required(form: dict[str, Any], names: dict[str, str]) -> list[Issue]:
    return [_issue(f, f"vul '{label}' in") for f, label in names.items() if not _text(form, f)]


def validate_entry(programme: Programme, kind: str, intervention: str, form: dict[str, Any], store: Any,
                   known_regions: set[str] | None = None) -> dict[str, Any]:
    """The entry's data, normalised; raises :class:`ValidationError` listing every issue (named by form field)."""
    issues: list[Issue] = []
    if kind not in KINDS:
        raise ValidationError([_issue("soort", f"'{kind}' is geen soort melding",
                                      "kies uit: " + ", ".join(KINDS))], "De melding is niet opgeslagen.")
    if programme.intervention(intervention) is None:
        issues.append(_issue("interventie", f"interventie '{intervention}' bestaat niet in programma '{programme.id}'",
                             "kies een interventie uit de lijst"))
    check = {"uitgaven": _spending, "proces": _indicator, "meting": _indicator, "verhaal": _narrative,
             "besluit": _decision}[kind]
    data, more = check(programme, kind, intervention, form, store, known_regions)
    unique: list[Issue] = []
    for i in [*issues, *more]:  # one message per field: the first (a missing value before its conversion)
        if i.field not in {u.field for u in unique}:
            unique.append(i)
    if unique:
        raise ValidationError(unique, "De melding is niet opgeslagen; verbeter de velden hieronder.")
    return data


def _spending(programme, kind, intervention, form, store, known_regions):
    issues = _required(form, {"jaar": "jaar", "bedrag": "bedrag", "bron": "financieringsbron"})
    ctx = Context(WHERE)
    line = from_dict(BudgetLine, {"id": "melding", "table": REALISED_TABLE, "label": "gerealiseerd",
                                  "kind": BudgetKind.EXPENDITURE.value, "year": _text(form, "jaar") or None,
                                  "amount": _number(form, "bedrag") or None,
                                  "item": intervention, "source": _text(form, "bron") or None}, ctx, WHERE, 0)
    issues += _renamed(ctx.issues, kind)
    if line is None:
        return {}, issues
    start = programme.start_year or 2000
    end = min(programme.end_year or date.today().year, date.today().year)
    if line.year is not None and not (start <= line.year <= end):
        issues.append(_issue("jaar", f"jaar {line.year} ligt niet tussen {start} en {end}",
                             "uitgaven kunt u melden voor een jaar van het programma dat begonnen is"))
    candidate = copy.copy(programme)
    candidate.budget_tables = [*programme.budget_tables, realised_table()]
    candidate.budget = [*programme.budget, line]
    own = [i for i in _own(validate_programme(candidate)) if i.field != "item"]  # intervention checked above
    issues += _renamed(own, kind)
    return {"year": line.year, "amount": line.amount, "source": line.source}, issues


def _indicator(programme, kind, intervention, form, store, known_regions):
    want = IndicatorKind.PROCESS if kind == "proces" else IndicatorKind.OUTCOME
    issues = _required(form, {"indicator": "indicator", "periode": "periode", "waarde": "waarde"})
    iid = _text(form, "indicator")
    ind = programme.indicator(iid) if iid else None
    if iid and (ind is None or ind.kind != want):
        choices = [i.id for i in programme.indicators if i.kind == want]
        issues.append(_issue("indicator", f"'{iid}' is geen {'procesindicator' if kind == 'proces' else 'uitkomstindicator'}"
                             f" van dit programma", "kies een indicator uit de lijst" if choices else
                             "dit programma heeft geen indicator van deze soort"))
    ctx = Context(WHERE)
    region = _text(form, "gebied") or (ind.region if ind else None)
    m = from_dict(Measurement, {"date": _text(form, "periode") or None, "value": _number(form, "waarde") or None,
                                "region": region, "source": "melding"}, ctx, WHERE, 0)
    issues += _renamed(ctx.issues, kind)
    if m is None or ind is None or ind.kind != want:
        return {}, issues
    if m.value is not None and m.value < 0:
        issues.append(_issue("waarde", f"waarde {m.value} is negatief", "bereik en aantallen zijn 0 of meer"))
    candidate = copy.copy(programme)
    changed = copy.copy(ind)
    changed.measurements = [*ind.measurements, m]
    candidate.indicators = [changed if i.id == ind.id else i for i in programme.indicators]
    issues += _renamed(_own(validate_programme(candidate, known_regions=known_regions)), kind)
    return {"indicator": ind.id, "date": m.date, "value": m.value, "region": m.region}, issues


def _narrative(programme, kind, intervention, form, store, known_regions):
    issues = _required(form, {"tekst": "tekst", "soort_bron": "soort bron"})
    if not _text(form, "toestemming"):
        issues.append(_issue("toestemming", "zeg of de verteller toestemming gaf om het verhaal te laten zien",
                             "kies ja of nee; zonder toestemming ziet alleen de gemeente het verhaal"))
    ctx = Context(WHERE)
    n = from_dict(Narrative, {"id": "melding", "source_type": _text(form, "soort_bron") or None,
                              "text": _text(form, "tekst") or None, "title": _text(form, "titel") or None,
                              "date": _text(form, "datum") or None, "person": _text(form, "persoon") or None,
                              "consent": _text(form, "toestemming") or None,
                              "anonymous": _text(form, "anoniem") or "ja", "intervention_ids": [intervention]},
                  ctx, WHERE, 0)
    issues += [i for i in _renamed(ctx.issues, kind) if i.field not in {x.field for x in issues}]
    if n is None:
        return {}, issues
    if n.date is not None and _date_issue(n.date):
        issues.append(_issue("datum", f"'{n.date}' is geen datum", "gebruik JJJJ-MM-DD of JJJJ"))
    candidate = copy.copy(programme)
    candidate.narratives = [*programme.narratives, n]
    own = [i for i in _own(validate_programme(candidate)) if i.field != "intervention_ids"]
    issues += _renamed(own, kind)
    return {"source_type": n.source_type.value, "text": n.text, "title": n.title, "date": n.date,
            "person": n.person, "consent": n.consent, "anonymous": n.anonymous}, issues


def _date_issue(text: str) -> bool:
    from ..programme.validate import _is_date

    return not _is_date(text)


def _decision(programme, kind, intervention, form, store, known_regions):
    evidence = [parse_evidence(line) for line in _text(form, "bewijs").splitlines() if line.strip()]
    word = _text(form, "besluit")
    when = _text(form, "datum") or None
    raw = check_decision(store, programme, intervention, word, _text(form, "onderbouwing"),
                         _text(form, "besloten_door"), when, evidence)
    issues = [i for i in _renamed(raw, kind) if i.field != "interventie"]  # intervention checked above
    return {"decision": DECISION_WORDS.get(word.lower(), word.lower()), "rationale": _text(form, "onderbouwing"),
            "decided_by": _text(form, "besloten_door"), "date": when or date.today().isoformat(),
            "evidence": [dataclasses.asdict(e) for e in evidence]}, issues
