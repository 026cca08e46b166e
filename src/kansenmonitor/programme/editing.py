"""Editing a programme's structure online: an intervention (its fields and places), the planned budget lines and the
whole structure from the Excel template. Every save is validated with :func:`check_programme` (the same Dutch
messages as the file importers), is all-or-nothing, names the version it started from (a stale one stores nothing:
:class:`~kansenmonitor.core.errors.VersionConflict`) and writes one audit line in the same transaction.

Pure functions build the changed programme (``with_intervention``, ``with_budget_line`` …); :func:`save` stores it.
"""

from __future__ import annotations

import copy
import re
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kansenmonitor.core.errors import DefinitionError, Issue, ValidationError

from . import stored
from .codec import Context, from_dict, to_dict, to_plain
from .model import BudgetLine, Intervention, Place, Programme
from .validate import check_programme

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kansenmonitor.store import Store

FORM = "formulier"

#: the intervention fields the form and the API edit, with their Dutch and English labels
INTERVENTION_FIELDS: dict[str, tuple[str, str]] = {
    "name": ("Naam", "Name"),
    "description": ("Beschrijving", "Description"),
    "owner": ("Eigenaar (kartrekker)", "Owner (lead)"),
    "partners": ("Partners", "Partners"),
    "target_group": ("Doelgroep", "Target group"),
    "start_year": ("Beginjaar", "Start year"),
    "end_year": ("Eindjaar", "End year"),
    "status": ("Status", "Status"),
    "places": ("Plekken", "Places"),
}
#: the budget line fields the form edits
BUDGET_FIELDS: dict[str, tuple[str, str]] = {
    "label": ("Omschrijving", "Description"),
    "kind": ("Soort", "Kind"),
    "table": ("Begrotingstabel", "Budget table"),
    "year": ("Jaar", "Year"),
    "amount": ("Bedrag in euro", "Amount in euros"),
    "source": ("Financieringsbron", "Funding source"),
    "item": ("Interventie", "Intervention"),
}
FIELD_LABELS = {**INTERVENTION_FIELDS, **BUDGET_FIELDS}
#: coded values as people read them (history and conflicts)
VALUE_LABELS = {
    "status": {"idea": "te onderzoeken", "planned": "gepland", "running": "loopt", "finished": "afgerond",
               "stopped": "gestopt"},
    "kind": {"expenditure": "uitgaven", "coverage": "dekking"},
}

_DUTCH_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")


def field_label(name: str, lang: str = "nl") -> str:
    nl, en = FIELD_LABELS.get(name, (name, name))
    return en if lang == "en" else nl


# -- reading ------------------------------------------------------------------------------------------------------
def current(pid: str, store: Store | None = None) -> tuple[int, Programme]:
    """(version, programme) as it stands: the stored version, or the file (version 0) when never edited online."""
    found = stored.stored_programme(pid, store)
    if found is not None:
        return found
    from .repository import load_programme

    with stored.using(store) if store is not None else nullcontext():
        return 0, load_programme(pid)


# -- building a changed programme ---------------------------------------------------------------------------------
def _dutch_amount(text: str) -> str:
    """'12.500' and '12.500,50' (Dutch) → '12500' / '12500.50'; '12500.50' stays (the importers' form)."""
    t = text.replace("€", "").replace(" ", "").replace("\u00a0", "")
    if _DUTCH_THOUSANDS.match(t):
        t = t.replace(".", "")
    if "," in t and "." not in t:
        t = t.replace(",", ".")
    return t


def _convert(cls: type, data: dict, label: str) -> Any:
    ctx = Context(label)
    obj = from_dict(cls, data, ctx, label)
    if ctx.issues or obj is None:
        raise ValidationError(ctx.issues or [Issue(label, None, None, "de invoer is niet volledig")],
                              "De invoer is niet geldig; er is niets opgeslagen.")
    return obj


def _check(programme: Programme) -> Programme:
    try:
        return check_programme(programme, FORM)
    except DefinitionError as exc:
        raise ValidationError(exc.issues, "De invoer is niet geldig; er is niets opgeslagen.") from None


def intervention_values(item: Intervention) -> dict[str, Any]:
    """The editable fields of an intervention as the form shows them (text; partners one per line)."""
    d = to_dict(item)
    return {"name": d.get("name", ""), "description": d.get("description", ""), "owner": d.get("owner", ""),
            "partners": "\n".join(item.partners), "target_group": d.get("target_group", ""),
            "start_year": "" if item.start_year is None else str(item.start_year),
            "end_year": "" if item.end_year is None else str(item.end_year),
            "status": item.status.value if item.status else ""}


def with_intervention(programme: Programme, iid: str, values: dict[str, Any],
                      places: list[Place] | None = None) -> Programme:
    """A copy of ``programme`` with intervention ``iid``'s editable fields set from ``values`` (form text or API
    JSON; fields absent from ``values`` stay) and, when given, its places replaced. Raises ValidationError."""
    out = copy.deepcopy(programme)
    item = out.intervention(iid)
    if item is None:
        raise ValidationError([Issue(FORM, None, "id", f"interventie '{iid}' bestaat niet")])
    data = to_dict(item)
    for name in INTERVENTION_FIELDS:
        if name == "places" or name not in values:
            continue
        value = values[name]
        if name == "partners" and isinstance(value, str):
            value = [p.strip() for p in re.split(r"[\n;]", value) if p.strip()]
        if isinstance(value, str):
            value = value.strip()
        data[name] = value
    if places is not None:
        data["places"] = [to_dict(p) for p in places]
    new = _convert(Intervention, data, FORM)
    out.interventions = [new if i.id == iid else i for i in out.interventions]
    return _check(out)


def budget_values(line: BudgetLine | None) -> dict[str, str]:
    if line is None:
        return {k: "" for k in BUDGET_FIELDS}
    return {"label": line.label, "kind": line.kind.value, "table": line.table,
            "year": "" if line.year is None else str(line.year),
            "amount": "" if line.amount is None else f"{line.amount:.2f}".rstrip("0").rstrip("."),
            "source": line.source or "", "item": line.item or ""}


def new_line_id(programme: Programme) -> str:
    ids = {b.id for b in programme.budget}
    n = 1
    while f"web-{n}" in ids:
        n += 1
    return f"web-{n}"


def with_budget_line(programme: Programme, bid: str | None, values: dict[str, Any]) -> tuple[Programme, str]:
    """A copy with budget line ``bid`` changed (``None``: a new line) from ``values``; (programme, line id)."""
    out = copy.deepcopy(programme)
    old = next((b for b in out.budget if b.id == bid), None) if bid else None
    if bid and old is None:
        raise ValidationError([Issue(FORM, None, "id", f"begrotingsregel '{bid}' bestaat niet")])
    data = to_dict(old) if old else {"id": new_line_id(out)}
    if not data.get("table") and len(out.budget_tables) == 1 and not values.get("table"):
        data["table"] = out.budget_tables[0].id
    for name in BUDGET_FIELDS:
        if name in values:
            value = values[name]
            if isinstance(value, str):
                value = value.strip()
                if name == "amount":
                    value = _dutch_amount(value)
            data[name] = value
    issues = []
    if data.get("source") and out.funding_source(str(data["source"])) is None:
        issues.append(Issue(FORM, None, "source", f"financieringsbron '{data['source']}' bestaat niet",
                            "kies een bron uit de lijst"))
    if data.get("item") and str(data["item"]) not in out.item_ids():
        issues.append(Issue(FORM, None, "item", f"'{data['item']}' is geen interventie van dit programma",
                            "kies een interventie uit de lijst"))
    try:
        line = _convert(BudgetLine, data, FORM)
    except ValidationError as exc:
        raise ValidationError(exc.issues + issues, exc.summary) from None
    if issues:
        raise ValidationError(issues, "De invoer is niet geldig; er is niets opgeslagen.")
    if old:
        out.budget = [line if b.id == bid else b for b in out.budget]
    else:
        out.budget.append(line)
    return _check(out), line.id


def without_budget_line(programme: Programme, bid: str) -> Programme:
    out = copy.deepcopy(programme)
    if not any(b.id == bid for b in out.budget):
        raise ValidationError([Issue(FORM, None, "id", f"begrotingsregel '{bid}' bestaat niet")])
    out.budget = [b for b in out.budget if b.id != bid]
    return _check(out)


# -- places -------------------------------------------------------------------------------------------------------
def find_area(store: Store, text: str, gemeenten: list[str]) -> tuple[str | None, str, list[str]]:
    """An area by code or by name (within the programme's gemeenten when it names them): (code, name, choices).
    ``code`` is ``None`` when nothing or more than one area matches; ``choices`` then lists 'name (code)'."""
    text = " ".join(text.split())
    if not text:
        return None, "", []
    regions = store.regions()
    by_code = {r.code.upper(): r for r in regions}
    hit = by_code.get(text.upper())
    if hit is not None:
        return hit.code, hit.name, []
    key = text.casefold()
    matches = {r.code: r for r in regions if r.name.casefold() == key
               and (not gemeenten or r.gemeente in gemeenten or r.code in gemeenten)}
    if len(matches) == 1:
        r = next(iter(matches.values()))
        return r.code, r.name, []
    if not matches:
        near = sorted({f"{r.name} ({r.code})" for r in regions if key in r.name.casefold()
                       and (not gemeenten or r.gemeente in gemeenten)})[:8]
        return None, "", near
    return None, "", sorted(f"{r.name} ({r.code})" for r in matches.values())


def place_from_form(store: Store, area: str, address: str, name: str, gemeenten: list[str],
                    field: str = "nieuw_gebied") -> Place | None:
    """A new place from the form (an area by name or code; an address with the area it lies in), or ``None``
    when the add fields are empty. Raises ValidationError naming the field."""
    area, address, name = area.strip(), address.strip(), name.strip()
    if not (area or address or name):
        return None
    if not area:
        raise ValidationError([Issue(FORM, None, field, "geef het gebied (wijk of buurt) waarin de plek ligt",
                                     "typ de naam of de code van de wijk of buurt")])
    code, area_name, choices = find_area(store, area, gemeenten)
    if code is None:
        hint = ("bedoelt u " + ", ".join(choices) + "?") if choices else "typ de naam of de code (zoals WK015306)"
        why = "meer dan één gebied heeft deze naam" if len(choices) > 1 and all(
            c.split(" (")[0].casefold() == " ".join(area.split()).casefold() for c in choices) else "is onbekend"
        raise ValidationError([Issue(FORM, None, field, f"gebied '{area}' {why}", hint)])
    return Place(code=code, name=name or (None if address else area_name), address=address or None)


# -- saving -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Saved:
    version: int
    programme: Programme


def save(store: Store, programme: Programme, expected_version: int, actor: str, action: str, object_kind: str,
         object_id: str, before: Any, after: Any, reason: str | None = None) -> Saved:
    """Store ``programme`` when the stored version is still ``expected_version`` (0: not yet in the store), with one
    audit line (``before`` → ``after`` of the changed object, who, why), all in one transaction."""
    from kansenmonitor.accounts import audit

    programme = _check(programme)
    with store.transaction() as w:
        version = w.replace_document(stored.KIND, programme.id, stored.to_body(programme), expected_version)
        audit.record(w.conn, actor, action, object_kind, object_id, before=before, after=after,
                     reason=(reason or "").strip() or None)
    return Saved(version, programme)


def plain(obj: Any) -> Any:
    """An object as the audit log keeps it (canonical dict)."""
    if obj is None:
        return None
    return to_plain(obj)


# -- differences (history and conflicts) --------------------------------------------------------------------------
def value_text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        if all(isinstance(v, dict) for v in value):
            return "; ".join(_place_text(v) for v in value)
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return _place_text(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _place_text(d: dict) -> str:
    parts = [d.get("name"), d.get("address")]
    return " · ".join(str(p) for p in parts if p) or str(d.get("code") or d.get("id") or "")


def value_names(programme: Programme) -> dict[str, dict[str, str]]:
    """Ids a change may name, by field, as people read them (interventions, funding sources, tables)."""
    items = {**{p.id: p.name for p in programme.programme_lines}, **{a.id: a.name for a in programme.ambitions},
             **{k.id: k.name for k in programme.kansen}, **{i.id: i.name for i in programme.interventions}}
    return {"item": items, "source": {s.id: s.name for s in programme.funding_sources},
            "table": {t.id: t.name for t in programme.budget_tables}}


def changes(before: dict | None, after: dict | None, names: dict[str, dict[str, str]] | None = None,
            lang: str = "nl") -> list[dict[str, str]]:
    """Field by field what differs: [{'field', 'label', 'before', 'after'}]; ``names`` turns ids into names."""
    before, after = before or {}, after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [{"field": "", "label": "", "before": value_text(before), "after": value_text(after)}]
    out = []
    for key in list(dict.fromkeys([*before, *after])):
        if key in ("id",) and before.get(key) == after.get(key):
            continue
        b, a = before.get(key), after.get(key)
        if _norm(b) != _norm(a):
            shown = {**VALUE_LABELS.get(key, {}), **(names or {}).get(key, {})}
            out.append({"field": key, "label": field_label(key, lang),
                        "before": value_text(shown.get(b, b) if isinstance(b, str) else b),
                        "after": value_text(shown.get(a, a) if isinstance(a, str) else a)})
    return out


def _norm(v: Any) -> Any:
    if v in (None, "", []):
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v
