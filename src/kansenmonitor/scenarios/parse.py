"""Validate a scenario written by a user (YAML file or web form, Dutch keys) into a :class:`Scenario`.

Every problem becomes an :class:`~kansenmonitor.core.errors.Issue` naming the field (``maatregel 2: bereik``)
and what to do; all problems are collected and raised together as one
:class:`~kansenmonitor.core.errors.ValidationError`, so nothing is stored from an invalid scenario.
Checks that need the area's figures (reach above the target group) are in :mod:`.project`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..core.errors import Issue, ValidationError
from ..core.model import Aggregation, Level, Region, level_of_code
from ..programme.model import Assumption, Intervention
from .model import RATINGS, Area, Effect, Measure, Scenario

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
MAX_MEASURES = 20
MAX_DRAWS = 200_000


@dataclass
class Context:
    """What validation may look up: the catalogue, regions, programme interventions and saved evaluations."""

    catalogue: Mapping[str, Any]
    region: Callable[[str, int | None], Region | None]
    intervention: Callable[[str, str], Intervention | None]
    evaluation: Callable[[str], dict | None]
    default_boundary_year: int = 2024


class _Issues:
    def __init__(self, file: str):
        self.file = file
        self.items: list[Issue] = []

    def add(self, fld: str, message: str, hint: str | None = None) -> None:
        self.items.append(Issue(self.file, None, fld, message, hint))


def slug(text: str) -> str:
    out = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return out[:80] or "scenario"


def _number(raw: Any, issues: _Issues, fld: str, *, required: bool = True, minimum: float | None = None,
            strict_min: bool = False, integer: bool = False) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            issues.add(fld, "dit veld is verplicht", "vul een getal in")
        return None
    if isinstance(raw, bool):
        issues.add(fld, f"'{raw}' is geen getal", "vul een getal in")
        return None
    try:
        value = float(str(raw).strip().replace(" ", "").replace(",", ".")) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        issues.add(fld, f"'{raw}' is geen getal", "vul een getal in, bijvoorbeeld 120 of 2,5")
        return None
    if not math.isfinite(value):
        issues.add(fld, f"'{raw}' is geen eindig getal", "vul een gewoon getal in")
        return None
    if integer and value != int(value):
        issues.add(fld, f"{raw} is geen geheel getal", "vul een aantal personen in, zonder komma")
        return None
    if minimum is not None and (value <= minimum if strict_min else value < minimum):
        word = "groter dan" if strict_min else "minstens"
        issues.add(fld, f"{raw} mag niet; het moet {word} {minimum:g} zijn",
                   "kosten en aantallen kunnen niet negatief zijn" if minimum == 0 else None)
        return None
    return value


def _text(raw: Any) -> str | None:
    if raw is None:
        return None
    text = " ".join(str(raw).split())
    return text or None


def _flag(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    return str(raw or "").strip().casefold() in ("1", "ja", "true", "yes", "on", "waar")


def parse_area(raw: Any, ctx: Context, issues: _Issues) -> Area | None:
    if not isinstance(raw, Mapping):
        issues.add("gebied", "geef het gebied op", "een code (buurt, wijk, stadsdeel of focusgebied) of een naam "
                   "met een lijst buurten")
        return None
    year = raw.get("indeling")
    if year is not None:
        year = _number(year, issues, "gebied: indeling", integer=True)
        year = int(year) if year is not None else None
    year = year or ctx.default_boundary_year
    code = _text(raw.get("code"))
    members_raw = raw.get("buurten")
    if isinstance(members_raw, str):
        members_raw = members_raw.replace(",", " ").split()
    if code:
        region = ctx.region(code, year)
        if region is None:
            issues.add("gebied: code", f"het gebied '{code}' is onbekend in indeling {year}",
                       "kies een buurt, wijk, stadsdeel of focusgebied uit de lijst met gebieden")
            return None
        level = Level(region.level)
        if level not in (Level.BUURT, Level.WIJK, Level.STADSDEEL, Level.GEBIED):
            issues.add("gebied: code", f"{region.name} is een {level.value}; een scenario is voor een buurt, wijk, "
                       "stadsdeel of focusgebied", "kies een kleiner gebied, of een eigen verzameling buurten")
            return None
        return Area(kind=level.value, code=region.code, name=region.name, boundary_year=region.boundary_year,
                    members=tuple(region.members))
    if not members_raw:
        issues.add("gebied", "geef een code of een lijst buurten op",
                   "een eigen gebied (bijvoorbeeld een landelijk gebied) is een naam met de codes van de buurten")
        return None
    name = _text(raw.get("naam"))
    if not name:
        issues.add("gebied: naam", "een eigen gebied heeft een naam nodig", "bijvoorbeeld 'Landelijk gebied Noord'")
    members: list[str] = []
    for m in members_raw:
        m = str(m).strip().upper()
        if level_of_code(m) != Level.BUURT:
            issues.add("gebied: buurten", f"'{m}' is geen buurtcode", "buurtcodes beginnen met BU, zoals BU01530301")
            continue
        if ctx.region(m, year) is None:
            issues.add("gebied: buurten", f"de buurt '{m}' is onbekend in indeling {year}",
                       "kies buurten uit de lijst met gebieden")
            continue
        if m not in members:
            members.append(m)
    if not members or not name:
        return None
    gm = {m[2:6] for m in members}
    if len(gm) > 1:
        issues.add("gebied: buurten", "de buurten liggen in meer dan één gemeente", "kies buurten van één gemeente")
        return None
    code = "EG-" + slug(name).upper()[:60]
    return Area(kind="eigen", code=code, name=name, boundary_year=year, members=tuple(sorted(members)))


def _indicator(ctx: Context, raw: Any, issues: _Issues, fld: str, *, count: bool = False,
               required: bool = True) -> str | None:
    iid = _text(raw)
    if iid is None:
        if required:
            issues.add(fld, "dit veld is verplicht", "kies een indicator uit de lijst met indicatoren")
        return None
    if iid not in ctx.catalogue:
        issues.add(fld, f"de indicator '{iid}' staat niet in de catalogus", "kies een indicator uit de lijst")
        return None
    ind = ctx.catalogue[iid]
    is_count = ind.aggregation == Aggregation.SUM
    if count and not is_count:
        issues.add(fld, f"'{ind.label()}' is geen aantal personen", "kies een aantal, zoals inwoners of inwoners "
                   "0 tot 15 jaar")
        return None
    if not count and is_count:
        issues.add(fld, f"'{ind.label()}' is een aantal; een effect per deelnemer werkt op een aandeel of gemiddelde",
                   "kies een indicator in procenten, per 1.000 of een gemiddelde")
        return None
    return iid


def base_of(ind) -> str | None:
    """The population an indicator is about: its denominator (ratio) or weight (weighted mean)."""
    if ind.aggregation == Aggregation.RATIO and ind.denominator:
        return ind.denominator
    if ind.aggregation == Aggregation.WEIGHTED_MEAN and ind.weight:
        return ind.weight
    return None


def parse_effect(raw: Any, issues: _Issues, where: str, evaluation_found: bool) -> Effect:
    raw = raw if isinstance(raw, Mapping) else {}
    fld = f"{where}: effect"
    value = _number(raw.get("waarde"), issues, f"{fld}: waarde", required=False)
    low = _number(raw.get("laag"), issues, f"{fld}: laag", required=False)
    high = _number(raw.get("hoog"), issues, f"{fld}: hoog", required=False)
    se = _number(raw.get("standaardfout"), issues, f"{fld}: standaardfout", required=False, minimum=0)
    source = _text(raw.get("bron"))
    rating = _text(raw.get("oordeel"))
    assumption = _flag(raw.get("aanname"))
    evaluation = _text(raw.get("evaluatie"))
    share = _number(raw.get("bereik_in_evaluatie"), issues, f"{fld}: bereik in de evaluatie", required=False,
                    minimum=0, strict_min=True)
    if share is not None and share > 100:
        issues.add(f"{fld}: bereik in de evaluatie", f"{share:g}% kan niet; een aandeel is hoogstens 100%",
                   "vul het percentage van de inwoners in dat tijdens de evaluatie meedeed")
        share = None
    if rating is not None and rating not in RATINGS:
        issues.add(f"{fld}: oordeel", f"'{rating}' is geen oordeel van de erkenningscommissie",
                   "kies uit: " + ", ".join(label for label, _, _ in RATINGS.values()))
        rating = None
    if value is not None:
        if not source and not assumption:
            issues.add(f"{fld}: bron", "een effect zonder bron mag niet, tenzij het als aanname is aangegeven",
                       "noem de studie of databank waar het effect uit komt, of kruis 'dit is een aanname' aan")
        if source and assumption:
            issues.add(f"{fld}: aanname", "een effect is óf uit een bron óf een aanname, niet allebei",
                       "haal de bron weg of het vinkje bij 'aanname'")
        if se is None and (low is None or high is None):
            issues.add(f"{fld}: laag en hoog", "geef aan hoe zeker het effect is",
                       "vul een ondergrens en bovengrens in (95%-interval) of een standaardfout")
        if low is not None and high is not None and not (low <= value <= high):
            issues.add(f"{fld}: laag en hoog", f"de waarde {value:g} ligt niet tussen laag ({low:g}) en hoog "
                       f"({high:g})", "laag is de kleinste, hoog de grootste waarde van het interval")
    elif evaluation is None and not evaluation_found:
        issues.add(f"{fld}: waarde", "er is geen effect: geen eigen evaluatie, geen studie en geen aanname",
                   "vul het verwachte effect per deelnemer in, met een bron of als aanname")
    return Effect(value=value, low=low, high=high, se=se, source=source, rating=rating, assumption=assumption,
                  explanation=_text(raw.get("toelichting")), evaluation=evaluation, evaluated_share=share)


def parse_measure(raw: Any, n: int, ctx: Context, issues: _Issues) -> Measure | None:
    where = f"maatregel {n}"
    if not isinstance(raw, Mapping):
        issues.add(where, "een maatregel moet velden hebben (naam, doelgroep, bereik, kosten, looptijd, indicator, "
                   "effect)")
        return None
    before = len(issues.items)
    programme = intervention_id = None
    name = _text(raw.get("naam"))
    target_group = _text(raw.get("doelgroep"))
    ref = raw.get("interventie")
    iv = None
    if ref:
        if isinstance(ref, str) and ":" in ref:
            ref = dict(zip(("programma", "id"), ref.split(":", 1), strict=True))
        if not isinstance(ref, Mapping) or not ref.get("programma") or not ref.get("id"):
            issues.add(f"{where}: interventie", "noem het programma en de interventie",
                       "kies een interventie uit het programma, of beschrijf een nieuwe maatregel")
        else:
            programme, intervention_id = str(ref["programma"]), str(ref["id"])
            iv = ctx.intervention(programme, intervention_id)
            if iv is None:
                issues.add(f"{where}: interventie", f"de interventie '{intervention_id}' staat niet in programma "
                           f"'{programme}'", "kies een interventie uit de lijst van het programma")
            else:
                name = name or iv.name
                target_group = target_group or iv.target_group
    if not name:
        issues.add(f"{where}: naam", "dit veld is verplicht", "geef de maatregel een naam")
    if not target_group:
        issues.add(f"{where}: doelgroep", "dit veld is verplicht", "beschrijf voor wie de maatregel is, "
                   "bijvoorbeeld 'kinderen van 0 tot 4 jaar'")
    reach = _number(raw.get("bereik"), issues, f"{where}: bereik", minimum=0, strict_min=True, integer=True)
    cost = _number(raw.get("kosten"), issues, f"{where}: kosten", minimum=0)
    duration = _number(raw.get("looptijd"), issues, f"{where}: looptijd", minimum=0, strict_min=True)
    if duration is not None and duration > 30:
        issues.add(f"{where}: looptijd", f"{duration:g} jaar is langer dan dertig jaar", "vul de looptijd in jaren in")
    indicator = _indicator(ctx, raw.get("indicator"), issues, f"{where}: indicator")
    target_indicator = _indicator(ctx, raw.get("doelgroep_indicator"), issues, f"{where}: doelgroep (aantal)",
                                  count=True, required=False)
    target_size = _number(raw.get("doelgroep_omvang"), issues, f"{where}: omvang doelgroep", required=False,
                          minimum=0, strict_min=True, integer=True)
    target_source = _text(raw.get("doelgroep_bron"))
    if target_indicator is None and target_size is None and raw.get("doelgroep_indicator") in (None, ""):
        issues.add(f"{where}: doelgroep (aantal)", "hoe groot is de doelgroep in het gebied?",
                   "kies het aantal uit de cijfers (bijvoorbeeld inwoners 0 tot 15 jaar), of vul de omvang in met de "
                   "bron")
    if target_size is not None and not target_source:
        issues.add(f"{where}: bron omvang doelgroep", "een omvang zonder bron mag niet",
                   "noem waar het aantal vandaan komt, bijvoorbeeld 'registratie jeugdgezondheidszorg 2024'")
    population_indicator = _indicator(ctx, raw.get("bevolking_indicator"), issues, f"{where}: bevolking (aantal)",
                                      count=True, required=False)
    if indicator is not None and population_indicator is None and base_of(ctx.catalogue[indicator]) is None:
        issues.add(f"{where}: bevolking (aantal)", f"bij '{ctx.catalogue[indicator].label()}' staat niet over "
                   "hoeveel mensen het cijfer gaat", "kies het aantal inwoners waar het percentage over gaat")
    start = _number(raw.get("startjaar"), issues, f"{where}: startjaar", required=False, integer=True)
    effect = parse_effect(raw.get("effect"), issues, where, evaluation_found=iv is not None)
    if effect.evaluation and ctx.evaluation(effect.evaluation) is None:
        issues.add(f"{where}: effect: evaluatie", f"er is geen bewaarde evaluatie '{effect.evaluation}'",
                   "kies een evaluatie uit de lijst met bewaarde evaluaties")
    if len(issues.items) > before:
        return None
    mid = _text(raw.get("id")) or f"m{n}"
    return Measure(id=mid, name=name or "", target_group=target_group or "", reach=int(reach or 0),
                   cost=float(cost or 0.0), duration_years=float(duration or 0.0), indicator=indicator or "",
                   effect=effect, programme=programme, intervention=intervention_id,
                   target_indicator=target_indicator, target_size=int(target_size) if target_size else None,
                   target_source=target_source, population_indicator=population_indicator,
                   start_year=int(start) if start is not None else None)


def parse_assumption(raw: Any, n: int, ctx: Context, issues: _Issues) -> Assumption | None:
    where = f"aanname {n}"
    if not isinstance(raw, Mapping):
        issues.add(where, "een aanname heeft een context, een mechanisme, een uitkomst en een indicator")
        return None
    before = len(issues.items)
    texts = {}
    for key, label, hint in (("context", "context", "in welke situatie, bijvoorbeeld 'veel gezinnen met schulden'"),
                             ("mechanisme", "mechanisme", "wat de maatregel bij mensen in gang zet"),
                             ("uitkomst", "uitkomst", "wat daardoor verandert")):
        texts[key] = _text(raw.get(key))
        if not texts[key]:
            issues.add(f"{where}: {label}", "dit veld is verplicht", hint)
    indicator = _text(raw.get("indicator"))
    if not indicator:
        issues.add(f"{where}: indicator", "elke aanname hoort bij een indicator die laat zien of ze klopt",
                   "kies de indicator die u later volgt")
    elif indicator not in ctx.catalogue:
        issues.add(f"{where}: indicator", f"de indicator '{indicator}' staat niet in de catalogus",
                   "kies een indicator uit de lijst")
    if len(issues.items) > before:
        return None
    return Assumption(id=_text(raw.get("id")) or f"a{n}", context=texts["context"], mechanism=texts["mechanisme"],
                      outcome=texts["uitkomst"], indicator_id=indicator)


def parse_scenario(doc: Any, file: str, ctx: Context) -> Scenario:
    """Validate ``doc`` (Dutch keys, see docs/scenarios.md); raises ValidationError naming every bad field."""
    issues = _Issues(file)
    if not isinstance(doc, Mapping):
        raise ValidationError([Issue(file, None, None, "een scenario moet velden hebben (naam, gebied, maatregelen, "
                                     "aannames)")], "Het scenario is niet geldig; er is niets bewaard.")
    name = _text(doc.get("naam"))
    if not name:
        issues.add("naam", "dit veld is verplicht", "geef het scenario een naam")
    sid = _text(doc.get("id")) or (slug(name) if name else None)
    if sid and not NAME_RE.match(sid):
        issues.add("id", f"'{sid}' is niet bruikbaar als naam in een adres",
                   "gebruik kleine letters, cijfers, '-' of '_', beginnend met een letter of cijfer")
    area = parse_area(doc.get("gebied"), ctx, issues)
    measures_raw = doc.get("maatregelen")
    measures: list[Measure] = []
    if not isinstance(measures_raw, list) or not measures_raw:
        issues.add("maatregelen", "een scenario heeft minstens één maatregel", "voeg een maatregel toe")
    elif len(measures_raw) > MAX_MEASURES:
        issues.add("maatregelen", f"{len(measures_raw)} maatregelen is te veel", f"hoogstens {MAX_MEASURES}")
    else:
        for n, raw in enumerate(measures_raw, start=1):
            m = parse_measure(raw, n, ctx, issues)
            if m is not None:
                measures.append(m)
        ids = [m.id for m in measures]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            issues.add("maatregelen", f"de id '{dup}' staat bij meer dan één maatregel", "geef elke maatregel een "
                       "eigen id")
    assumptions_raw = doc.get("aannames")
    assumptions: list[Assumption] = []
    if not isinstance(assumptions_raw, list) or not assumptions_raw:
        issues.add("aannames", "een scenario noemt minstens één aanname (context → mechanisme → uitkomst)",
                   "schrijf op waarom u verwacht dat de maatregel werkt, en welke indicator dat laat zien")
    else:
        for n, raw in enumerate(assumptions_raw, start=1):
            a = parse_assumption(raw, n, ctx, issues)
            if a is not None:
                assumptions.append(a)
    seed = _number(doc.get("seed", 1), issues, "seed", integer=True, minimum=0)
    draws = _number(doc.get("trekkingen", 10_000), issues, "trekkingen", integer=True, minimum=1000)
    if draws is not None and draws > MAX_DRAWS:
        issues.add("trekkingen", f"{draws:g} trekkingen is te veel", f"hoogstens {MAX_DRAWS}")
    if issues.items:
        raise ValidationError(issues.items, "Het scenario is niet geldig; er is niets bewaard.")
    assert area is not None and name and sid
    return Scenario(id=sid, name=name, area=area, measures=measures, assumptions=assumptions,
                    description=_text(doc.get("toelichting")), seed=int(seed or 0), draws=int(draws or 10_000))
