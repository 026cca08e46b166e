"""Participation rounds: the frame said out loud, the public input, moderation, and the summary that is
published. Everything that stores something validates first and writes in one transaction with its audit line:
bad input stores nothing. Unmoderated input is never returned by a function that feeds a public page."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, insert, select, update

from ..accounts import audit
from ..core.errors import Issue, UnknownRegionError, ValidationError
from ..surveys.disclosure import Rules
from .tables import participation_responses, participation_rounds

#: the participation ladder, each step explained in plain Dutch (B1) and English
LEVELS: dict[str, tuple[str, str]] = {
    "informeren": ("De gemeente vertelt wat er gaat gebeuren. U kunt vragen stellen, maar niet meebepalen.",
                   "The municipality tells you what will happen. You can ask questions, but not decide."),
    "raadplegen": ("De gemeente vraagt uw mening. Die weegt mee, maar de gemeente beslist zelf.",
                   "The municipality asks your opinion. It counts, but the municipality decides."),
    "adviseren": ("U geeft advies. De gemeente volgt het advies, of legt uit waarom niet.",
                  "You give advice. The municipality follows it, or explains why not."),
    "coproduceren": ("U bedenkt en maakt de plannen samen met de gemeente.",
                     "You think up and make the plans together with the municipality."),
    "meebeslissen": ("U beslist mee. De gemeente neemt over wat inwoners kiezen, binnen de grenzen hierboven.",
                     "You decide together. The municipality adopts what residents choose, within the limits above."),
}
AREA_KINDS = ("buurt", "wijk", "stadsdeel", "gebied")
DEFAULT_THEMES = ("inkomen", "werk", "onderwijs", "gezondheid", "wonen", "veiligheid", "leefbaarheid")
STATUSES = ("nieuw", "goedgekeurd", "afgewezen")
MAX_TEXT = 2000
#: the minimum number of respondents, the same rules the survey estimates use
RULES = Rules()

_ID = re.compile(r"[^a-z0-9]+")


class RoundExists(ValidationError):
    pass


@dataclass
class Round:
    id: str
    name: str
    area_kind: str
    area_code: str
    area_name: str
    boundary_year: int
    fixed: str
    influence: str
    level: str
    afterwards: str
    opens: str
    closes: str
    themes: list[str] = field(default_factory=list)
    example: bool = False
    created_at: str | None = None
    created_by: str | None = None

    def is_open(self, today: date | None = None) -> bool:
        day = (today or datetime.now(UTC).date()).isoformat()
        return self.opens <= day <= self.closes

    def to_dict(self) -> dict:
        return {"id": self.id, "naam": self.name, "gebied": {"soort": self.area_kind, "code": self.area_code,
                                                             "naam": self.area_name},
                "vastgelegd": self.fixed, "invloed": self.influence, "niveau": self.level,
                "niveau_uitleg": LEVELS[self.level][0], "wat_gebeurt_ermee": self.afterwards,
                "open_van": self.opens, "open_tot": self.closes, "themas": list(self.themes),
                "voorbeeld": self.example}


def _fail(field_: str, message: str, hint: str | None = None, what: str = "ronde",
          summary: str = "De ronde is niet bewaard; er is niets gewijzigd.") -> ValidationError:
    return ValidationError([Issue(what, None, field_, message, hint)], summary)


def ready(store) -> bool:
    """Make the tables on first use (a store made before this capability); ``False`` when they cannot be made."""
    state = store.__dict__.get("_participation_tables")
    if state is None:
        from sqlalchemy import inspect
        from sqlalchemy.exc import SQLAlchemyError

        from ..store.schema import metadata

        tables = [participation_rounds, participation_responses]
        try:
            metadata.create_all(store.engine, tables=tables, checkfirst=True)
            state = True
        except SQLAlchemyError:
            state = all(inspect(store.engine).has_table(t.name) for t in tables)
        store.__dict__["_participation_tables"] = state
    return state


def known_themes(monitor) -> set[str]:
    return {ind.theme for ind in monitor.catalogue}


def _date(value: Any, field_: str) -> str:
    if isinstance(value, date):
        return value.isoformat()
    text = str(value or "").strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise _fail(field_, f"'{text}' is geen datum", "schrijf de datum als jjjj-mm-dd, bijv. 2027-01-31") from None


def parse_round(monitor, doc: Any) -> Round:
    """Validate a round document (Dutch keys, as in YAML or the API body); raises ValidationError."""
    if not isinstance(doc, Mapping):
        raise _fail("ronde", "de invoer is geen lijst van velden (naam, gebied, vastgelegd, …)")
    issues: list[Issue] = []

    def text(key: str, label: str) -> str:
        value = str(doc.get(key) or "").strip()
        if not value:
            issues.append(Issue("ronde", None, label, "dit veld is verplicht"))
        elif len(value) > MAX_TEXT:
            issues.append(Issue("ronde", None, label, f"de tekst is langer dan {MAX_TEXT} tekens"))
        return value

    name = text("naam", "naam")
    fixed = text("vastgelegd", "vastgelegd")
    influence = text("invloed", "invloed")
    afterwards = text("wat_gebeurt_ermee", "wat gebeurt ermee")
    level = str(doc.get("niveau") or "").strip().lower()
    if level not in LEVELS:
        issues.append(Issue("ronde", None, "niveau", f"'{level}' is geen niveau van inspraak",
                            "kies uit " + ", ".join(LEVELS)))
    code = str(doc.get("gebied") or "").strip()
    region = None
    if not code:
        issues.append(Issue("ronde", None, "gebied", "dit veld is verplicht", "geef de code van een buurt, wijk, "
                            "stadsdeel of focusgebied, bijv. FG-WESSELERBRINK"))
    else:
        try:
            region = monitor.store.region(code, None, with_geometry=False)
        except (UnknownRegionError, LookupError):
            issues.append(Issue("ronde", None, "gebied", f"gebied '{code}' staat niet in de database",
                                "zoek de code op de pagina Gebieden"))
        if region is not None and str(region.level) not in AREA_KINDS:
            issues.append(Issue("ronde", None, "gebied", f"'{region.name}' is geen buurt, wijk, stadsdeel of "
                                "focusgebied"))
    themes_raw = doc.get("themas") or list(DEFAULT_THEMES)
    if isinstance(themes_raw, str):
        themes_raw = [t for t in re.split(r"[,\s]+", themes_raw) if t]
    themes = [str(t).strip().lower() for t in themes_raw]
    allowed = known_themes(monitor)
    for t in themes:
        if t not in allowed:
            issues.append(Issue("ronde", None, "thema's", f"'{t}' is geen thema van de cijfers",
                                "kies uit " + ", ".join(sorted(allowed))))
    if len(set(themes)) != len(themes):
        issues.append(Issue("ronde", None, "thema's", "een thema staat er twee keer in"))
    if not 2 <= len(themes) <= 10:
        issues.append(Issue("ronde", None, "thema's", "geef 2 tot 10 thema's om te rangschikken"))
    try:
        opens = _date(doc.get("open_van"), "open van")
        closes = _date(doc.get("open_tot"), "open tot")
        if closes < opens:
            issues.append(Issue("ronde", None, "open tot", "de einddatum ligt voor de begindatum"))
    except ValidationError as exc:
        issues.extend(exc.issues)
        opens = closes = ""
    if issues:
        raise ValidationError(issues, "De ronde is niet bewaard; er is niets gewijzigd.")
    assert region is not None
    rid = str(doc.get("id") or "").strip() or _ID.sub("-", name.lower()).strip("-")[:80]
    return Round(id=rid, name=name, area_kind=str(region.level), area_code=region.code, area_name=region.name,
                 boundary_year=int(region.boundary_year), fixed=fixed, influence=influence, level=level,
                 afterwards=afterwards, opens=opens, closes=closes, themes=themes,
                 example=bool(doc.get("voorbeeld")))


def create_round(monitor, doc: Any, actor: str) -> Round:
    rnd = parse_round(monitor, doc)
    store = monitor.store
    ready(store)
    if get_round(store, rnd.id) is not None:
        raise RoundExists([Issue("ronde", None, "naam", f"er is al een ronde '{rnd.id}'", "kies een andere naam")],
                          "De ronde is niet bewaard; er is niets gewijzigd.")
    rnd.created_at, rnd.created_by = audit.now(), actor
    with store.transaction() as w:
        w.conn.execute(insert(participation_rounds).values(
            id=rnd.id, name=rnd.name, area_kind=rnd.area_kind, area_code=rnd.area_code, area_name=rnd.area_name,
            boundary_year=rnd.boundary_year, fixed=rnd.fixed, influence=rnd.influence, level=rnd.level,
            afterwards=rnd.afterwards, opens=rnd.opens, closes=rnd.closes, themes=json.dumps(rnd.themes),
            example=int(rnd.example), created_at=rnd.created_at, created_by=actor))
        audit.record(w.conn, actor, "participation.round", "participatieronde", rnd.id, None, rnd.to_dict())
    return rnd


def _round(row) -> Round:
    r = row._mapping
    return Round(id=r["id"], name=r["name"], area_kind=r["area_kind"], area_code=r["area_code"],
                 area_name=r["area_name"], boundary_year=int(r["boundary_year"]), fixed=r["fixed"],
                 influence=r["influence"], level=r["level"], afterwards=r["afterwards"], opens=r["opens"],
                 closes=r["closes"], themes=json.loads(r["themes"]), example=bool(r["example"]),
                 created_at=r["created_at"], created_by=r["created_by"])


def get_round(store, rid: str) -> Round | None:
    if not ready(store):
        return None
    with store.engine.connect() as conn:
        row = conn.execute(select(participation_rounds).where(participation_rounds.c.id == rid)).first()
    return _round(row) if row is not None else None


def all_rounds(store) -> list[Round]:
    if not ready(store):
        return []
    with store.engine.connect() as conn:
        rows = conn.execute(select(participation_rounds).order_by(participation_rounds.c.opens.desc(),
                                                                  participation_rounds.c.id)).all()
    return [_round(r) for r in rows]


# -- the public form ----------------------------------------------------------------------------------
@dataclass
class Submission:
    ranks: dict[str, int]
    idea: str | None
    knowledge: str | None
    consent: bool


def parse_submission(rnd: Round, form: Mapping[str, str], today: date | None = None) -> Submission:
    """Check what a resident sent; raises ValidationError naming the field (nothing is stored then)."""
    summary = "Uw reactie is niet opgeslagen. Verbeter wat hieronder staat en stuur hem opnieuw."
    if not rnd.is_open(today):
        raise _fail("ronde", f"deze ronde is gesloten; reageren kon van {rnd.opens} tot en met {rnd.closes}",
                    what="formulier", summary="Uw reactie is niet opgeslagen.")
    if (form.get("website") or "").strip():  # the honeypot: people do not see this field
        raise _fail("formulier", "dit formulier lijkt automatisch ingevuld", "vul alleen de zichtbare velden in",
                    what="formulier", summary=summary)
    issues: list[Issue] = []
    ranks: dict[str, int] = {}
    n = len(rnd.themes)
    for theme in rnd.themes:
        raw = (form.get(f"rang_{theme}") or "").strip()
        if not raw:
            continue
        label = f"plaats voor {theme}"
        try:
            place = int(raw)
        except ValueError:
            issues.append(Issue("formulier", None, label, f"'{raw}' is geen getal", f"kies een plaats van 1 tot {n}"))
            continue
        if not 1 <= place <= n:
            issues.append(Issue("formulier", None, label, f"plaats {place} bestaat niet",
                                f"kies een plaats van 1 tot {n}"))
            continue
        ranks[theme] = place
    seen: dict[int, str] = {}
    for theme, place in ranks.items():
        if place in seen:
            issues.append(Issue("formulier", None, f"plaats voor {theme}",
                                f"plaats {place} heeft u ook aan {seen[place]} gegeven",
                                "geef elke plaats aan één thema"))
        seen[place] = theme
    unknown = [k[5:] for k in form if k.startswith("rang_") and k[5:] not in rnd.themes]
    for k in unknown:
        issues.append(Issue("formulier", None, f"plaats voor {k}", "dit thema hoort niet bij deze ronde"))
    idea = (form.get("idee") or "").strip() or None
    knowledge = (form.get("kennis") or "").strip() or None
    for label, value in (("uw idee", idea), ("wat u weet over de buurt", knowledge)):
        if value and len(value) > MAX_TEXT:
            issues.append(Issue("formulier", None, label, f"de tekst is {len(value)} tekens; het mogen er hoogstens "
                                f"{MAX_TEXT} zijn"))
    consent = (form.get("toestemming") or "").strip()
    if consent not in ("ja", "nee"):
        issues.append(Issue("formulier", None, "toestemming", "kies ja of nee",
                            "zeg of wij uw tekst zonder naam mogen laten zien"))
    if not ranks and not idea and not knowledge:
        issues.append(Issue("formulier", None, "thema's", "u heeft niets ingevuld",
                            "geef de thema's een plaats, of schrijf een idee of wat u weet over de buurt"))
    if issues:
        raise ValidationError(issues, summary)
    return Submission(ranks=ranks, idea=idea, knowledge=knowledge, consent=consent == "ja")


def submit(store, rnd: Round, form: Mapping[str, str], today: date | None = None,
           submitted_at: str | None = None) -> int:
    """Store a checked submission as 'nieuw' (waiting for moderation); returns its number."""
    sub = parse_submission(rnd, form, today)
    ready(store)
    with store.transaction() as w:
        res = w.conn.execute(insert(participation_responses).values(
            round_id=rnd.id, submitted_at=submitted_at or audit.now(), ranks=json.dumps(sub.ranks),
            idea=sub.idea, knowledge=sub.knowledge, consent=int(sub.consent), status="nieuw"))
        rid = int(res.inserted_primary_key[0])
        audit.record(w.conn, "publiek", "participation.submit", "participatiereactie", f"{rnd.id}/{rid}")
    return rid


# -- moderation ---------------------------------------------------------------------------------------
def responses(store, rid: str, status: str | None = None) -> list[dict]:
    """Responses of a round (for the moderation page and the summary; never published as such)."""
    if not ready(store):
        return []
    q = select(participation_responses).where(participation_responses.c.round_id == rid)
    if status is not None:
        q = q.where(participation_responses.c.status == status)
    with store.engine.connect() as conn:
        rows = conn.execute(q.order_by(participation_responses.c.id)).all()
    return [{**r._mapping, "ranks": json.loads(r._mapping["ranks"]), "consent": bool(r._mapping["consent"])}
            for r in rows]


def counts(store, rid: str) -> dict[str, int]:
    if not ready(store):
        return dict.fromkeys(STATUSES, 0)
    with store.engine.connect() as conn:
        rows = conn.execute(select(participation_responses.c.status, func.count())
                            .where(participation_responses.c.round_id == rid)
                            .group_by(participation_responses.c.status)).all()
    out = dict.fromkeys(STATUSES, 0)
    out.update({s: int(n) for s, n in rows})
    return out


def moderate(store, rid: str, response_id: int, decision: str, reason: str | None, actor: str) -> None:
    """Approve or reject one response (a rejection needs a reason); audited with before → after."""
    reason = (reason or "").strip() or None
    if decision not in ("goedgekeurd", "afgewezen"):
        raise _fail("besluit", "kies goedkeuren of afwijzen", what="moderatie",
                    summary="Er is niets gewijzigd.")
    if decision == "afgewezen" and not reason:
        raise _fail("reden", "geef een reden als u een reactie afwijst", what="moderatie",
                    summary="Er is niets gewijzigd.")
    with store.transaction() as w:
        row = w.conn.execute(select(participation_responses).where(
            (participation_responses.c.id == response_id) & (participation_responses.c.round_id == rid))).first()
        if row is None:
            raise _fail("reactie", f"er is geen reactie {response_id} in deze ronde", what="moderatie",
                        summary="Er is niets gewijzigd.")
        before = {"status": row._mapping["status"], "reden": row._mapping["reason"]}
        at = audit.now()
        w.conn.execute(update(participation_responses).where(participation_responses.c.id == response_id).values(
            status=decision, reason=reason, moderated_at=at, moderated_by=actor))
        audit.record(w.conn, actor, "participation.moderate", "participatiereactie", f"{rid}/{response_id}",
                     before, {"status": decision, "reden": reason})


# -- what is published --------------------------------------------------------------------------------
def heard(store, rnd: Round, rules: Rules = RULES) -> dict:
    """'Wat we hoorden': only approved responses; nothing when fewer than the minimum of respondents, and a
    count per cell is withheld (said, never shown) when it or the rest of the respondents is below the cell
    minimum, with one more withheld where a single hidden cell could be read off the others."""
    approved = responses(store, rnd.id, "goedgekeurd")
    n = len(approved)
    out: dict[str, Any] = {"n": n if n >= rules.min_area_n else None, "minimum": rules.min_area_n,
                           "cell_minimum": rules.min_cell_n, "published": n >= rules.min_area_n,
                           "themes": [], "texts": []}
    if n < rules.min_area_n:
        return out
    rows = []
    k = len(rnd.themes)
    for theme in rnd.themes:
        places = [r["ranks"][theme] for r in approved if theme in r["ranks"]]
        first = sum(1 for p in places if p == 1)
        top3 = sum(1 for p in places if p <= 3)
        # points: place 1 gives k points, place k gives 1; unranked gives none
        points = sum(k + 1 - p for p in places)

        def cell(x: int) -> int | None:  # as the survey rule: the group and the rest both at least the minimum
            return x if x >= rules.min_cell_n and n - x >= rules.min_cell_n else None

        rows.append({"theme": theme, "ranked": cell(len(places)), "first": cell(first), "top3": cell(top3),
                     "score": round(points / n, 2)})
    for key in ("first", "top3"):  # secondary: one hidden cell could be read off the total, so hide one more
        hidden = [r for r in rows if r[key] is None]
        shown = sorted((r for r in rows if r[key] is not None), key=lambda r: r[key])
        if len(hidden) == 1 and shown:
            shown[0][key] = None
    rows.sort(key=lambda r: (-r["score"], r["theme"]))
    for pos, r in enumerate(rows, start=1):
        r["position"] = pos
    out["themes"] = rows
    seen: set[str] = set()
    for r in approved:
        for key, kind in (("idea", "idee"), ("knowledge", "kennis")):
            text = r[key]
            if r["consent"] and text and text not in seen:  # the same sentence twice is shown once
                seen.add(text)
                out["texts"].append({"kind": kind, "text": text})
    return out


def last_change(store) -> str | None:
    """When input last came in or was moderated (an ISO timestamp), or ``None``: part of the data version that
    a generated report carries as its date."""
    if not ready(store):
        return None
    from sqlalchemy import func

    t = participation_responses.c
    with store.engine.connect() as conn:
        row = conn.execute(select(func.max(t.submitted_at), func.max(t.moderated_at))).one()
    stamps = [str(x) for x in row if x]
    return max(stamps) if stamps else None


def narratives(store, area_code: str | None = None) -> list:
    """Approved input with consent as programme narratives (anonymous), linked to the area and the theme the
    resident put first, for the reports and the programme."""
    from ..programme.model import Narrative, NarrativeSourceType, Place

    out = []
    for rnd in all_rounds(store):
        if area_code is not None and rnd.area_code != area_code:
            continue
        for r in responses(store, rnd.id, "goedgekeurd"):
            if not r["consent"]:
                continue
            first = sorted(r["ranks"], key=r["ranks"].get)[:1]
            for key, kind in (("idea", "idee"), ("knowledge", "kennis")):
                if r[key]:
                    out.append(Narrative(
                        id=f"participatie-{rnd.id}-{r['id']}-{kind}", source_type=NarrativeSourceType.ADVICE,
                        text=r[key], date=(r["submitted_at"] or "")[:10], title=f"{kind} uit '{rnd.name}'",
                        consent=True, anonymous=True, places=[Place(code=rnd.area_code, name=rnd.area_name)],
                        themes=first, source=f"participatieronde {rnd.name}" + (" (voorbeeld)" if rnd.example
                                                                                  else "")))
    return out
