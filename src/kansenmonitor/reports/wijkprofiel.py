"""The wijkprofiel: a printable profile of a buurt or wijk for a participation evening.

Built from the situation profile (:func:`kansenmonitor.web.situation.views.profile_view`), so the B1 summary
sentences, the values, the reference values, the similar areas and the disclosure control are exactly the
ones on the profile page. This module only chooses (the key numbers the definition names), words (arrows and
"ruim 1 op de 5") and collects what the programmes plan in the area and what residents said there.

Every number in the document has a reference (indicator, region, period, source) in ``refs``, listed as the
CSV annex; the document carries no timestamp, so the same store gives the same document.
"""

from __future__ import annotations

from ..core.errors import Issue, UnknownRegionError, ValidationError
from ..core.model import Level, Region
from ..web import i18n, labels
from ..web.service import Site
from ..web.situation import views as situation
from . import maps, words
from .definition import ReportDefinition


class ReportInputError(ValidationError):
    """A report cannot be made as asked (unknown area, wrong level, no data); nothing was written."""


class UnknownAreaError(ReportInputError):
    """The store does not know the area."""


class NoDataError(ReportInputError):
    """The store has no figure of the area at all."""


def _issue(what: str, field: str, message: str, hint: str | None = None) -> ReportInputError:
    return ReportInputError([Issue(what, None, field, message, hint)], "Het rapport is niet gemaakt.")


def report_region(site: Site, definition: ReportDefinition, code: str) -> Region:
    """The area a report is made for, checked against the levels the definition allows."""
    try:
        region = site.region(code)
    except (UnknownRegionError, LookupError):
        raise UnknownAreaError([Issue(code, None, "gebied", f"gebied '{code}' staat niet in de database",
                                      "zoek de code op de pagina Gebieden, bijvoorbeeld BU01530603 of WK015306")],
                               "Het rapport is niet gemaakt.") from None
    allowed = definition.levels
    if str(region.level) not in allowed:
        names = " of ".join(i18n.level(lv, "nl") for lv in allowed)
        raise _issue(code, "gebied", f"'{region.name}' is een {i18n.level(region.level, 'nl')}; "
                     f"het {definition.label('nl').lower()} is voor een {names}",
                     "kies een gebied op dat niveau")
    return region


def _ref(kind: str, indicator: str, region: str, period, source: str | None, value, unit: str | None) -> dict:
    return {"onderdeel": kind, "indicator": indicator, "gebied": region, "periode": period,
            "waarde": value, "eenheid": unit, "bron": source or ""}


def key_numbers(view: dict, definition: ReportDefinition, site: Site, lang: str) -> tuple[list[dict], list[dict]]:
    """The key numbers the definition names, each with the gemeente beside it, an arrow and plain words.
    A number the store does not have (or may not publish) stays in the list, said as missing."""
    by_id = {r["indicator"]: r for r in view["rows"]}
    region, gemeente = view["region"], view["gemeente"]
    out, refs = [], []
    for iid in definition.indicators:
        ind = site.catalogue[iid]
        row = by_id.get(iid)
        value = row["value"] if row else None
        ref = row["gemeente_value"] if row else None
        meaningful = (value is not None and ref is not None and situation.meaningful(ind, value, ref))
        cmp = words.comparison(value, ref, ind.polarity.value, ind.unit, meaningful, lang)
        plain = words.share_in_words(value, lang) if ind.unit == "%" and value is not None else None
        trend = None
        if row and len(row["series"]) >= 2:
            series = row["series"]
            img = maps.sparkline_svg(series, lambda x, ind=ind: situation.fmt.number(x, ind.decimals, lang))
            if img:
                shown = ", ".join(f"{p}: {situation.fmt.observation(v, 'measured', ind, lang)}" for p, v in series)
                img["alt"] = (f"Ontwikkeling van {ind.label(lang).lower()}: {shown}." if lang == "nl"
                              else f"Trend of {ind.label(lang).lower()}: {shown}.")
                img["text"] = shown
                trend = img
        status = row["status"] if row else "missing"
        missing = None
        if value is None:
            missing = (i18n.status(status, lang) if row else
                       ("geen cijfer bekend voor dit gebied" if lang == "nl" else "no figure known for this area"))
        period = row["period"] if row else None
        source = row["source"] if row else (
            labels.indicator_source_label(ind.sources[0], lang)["text"] if ind.sources else "")
        out.append({
            "indicator": iid, "label": ind.label(lang), "theme": i18n.theme(ind.theme, lang), "unit": ind.unit,
            "definition": ind.definition(lang),
            "value": value, "display": row["display"] if row and value is not None else "–",
            "plain": plain, "missing": missing,
            "gemeente_value": ref, "gemeente_display": row["gemeente_display"] if row else "–",
            "period": period, "source": source, "comparison": cmp, "trend": trend,
        })
        if value is not None:
            refs.append(_ref("kerncijfers", iid, region["code"], period, row["source_ref"] if row else None,
                             value, ind.unit))
        if ref is not None and gemeente:
            declared = labels.indicator_source_label(ind.sources[0], lang)["text"] if ind.sources else ""
            refs.append(_ref("kerncijfers", iid, gemeente["code"], period, declared, ref, ind.unit))
    return out, refs


def summary_refs(view: dict) -> list[dict]:
    """The references of the numbers in the summary sentences: each sentence names its indicator's label
    after the theme ("Inkomen – Moeite met rondkomen …: 25,1% in …, tegen 16,0% …")."""
    refs = []
    region, gemeente = view["region"], view["gemeente"]
    rows = sorted(view["rows"], key=lambda r: -len(r["label"]))  # longest label first: no prefix matches
    for sentence in view["summary"]:
        row = next((r for r in rows if f"– {r['label']}" in sentence and r["value"] is not None), None)
        if row is None:
            continue
        refs.append(_ref("in_het_kort", row["indicator"], region["code"], row["period"], row["source_ref"],
                         row["value"], row["unit"]))
        if row["reference_value"] is not None:
            ref_code = gemeente["code"] if gemeente else "NL01"
            ind = row["_indicator"]
            declared = labels.indicator_source_label(ind.sources[0], "nl")["text"] if ind.sources else ""
            refs.append(_ref("in_het_kort", row["indicator"], ref_code, row["period"], declared,
                             row["reference_value"], row["unit"]))
    return refs


# -- what the programmes plan here ------------------------------------------------------------------------
def _area_codes(site: Site, region: Region) -> tuple[set[str], set[str]]:
    """(codes that lie in the area: itself, its buurten or members; codes the area lies in: its wijk)."""
    inside = {region.code, *region.members}
    if region.level == Level.WIJK:
        inside |= {r.code for r in site.regions_of("buurt", region.gemeente, region.boundary_year)
                   if r.parent == region.code}
    around = set()
    if region.level == Level.BUURT and region.parent:
        around.add(region.parent)
    return inside, around


def _place_relation(site: Site, code: str | None, inside: set[str], around: set[str], region: Region,
                    lang: str) -> str | None:
    """How a programme place relates to the area: a sentence part, or ``None`` when it lies elsewhere."""
    if not code:
        return None
    if code.upper().startswith("SCHOOL-"):
        from ..schools.repository import school

        try:
            s = school(site.monitor, code.split("-", 1)[1])
        except LookupError:
            return None
        buurt = s["buurt"] if isinstance(s["buurt"], str) else None
        if buurt and (buurt in inside or buurt in around):
            return (f"bij {s['name']}" if lang == "nl" else f"at {s['name']}")
        return None
    if code == region.code:
        return "in dit gebied" if lang == "nl" else "in this area"
    if code in inside:
        return (f"in {situation._name(site, code)}" if lang == "nl" else f"in {situation._name(site, code)}")
    if code in around:
        name = situation._name(site, code)
        return f"in de hele wijk {name}" if lang == "nl" else f"in the whole wijk {name}"
    try:
        place = site.region(code)
    except (UnknownRegionError, LookupError):
        return None
    if place.members and (set(place.members) & (inside | around)):
        return (f"in het gebied {place.name}" if lang == "nl" else f"in the area {place.name}")
    return None


def _programmes(site: Site) -> list:
    """Every programme (shipped and the user's), read once per store state."""
    from ..entries.published import apply as with_entries  # a report is public: only vastgesteld entries
    from ..programme.repository import available_ids, load_programme

    def load():
        out = []
        for pid in available_ids():
            try:
                out.append(with_entries(load_programme(pid), site.monitor.store))
            except (KeyError, ValueError):
                continue
        return out

    return site.cached_view(("report-programmes",), load)


def planned(site: Site, region: Region, lang: str) -> dict:
    """Interventions of every programme with a place in (or around) the area, and how many more run in the
    whole gemeente. Money is the expenditure in the programme's own budget table (``p.m.`` when it names
    none)."""
    from ..web.programme.views import INTERVENTION_STATUS, euro, money_by_item

    inside, around = _area_codes(site, region)
    rows, gemeente_wide = [], 0
    for programme in _programmes(site):
        money, pm = money_by_item(programme)
        for iv in programme.interventions:
            where = []
            for p in iv.places:
                rel = _place_relation(site, p.code, inside, around, region, lang)
                if rel and rel not in where:
                    where.append(rel)
            if not where:
                if any(p.code == region.gemeente for p in iv.places):
                    gemeente_wide += 1
                continue
            amount = money.get(iv.id)
            rows.append({
                "programme": programme.name, "programme_id": programme.id, "id": iv.id, "name": iv.name,
                "where": ", ".join(where), "owner": iv.owner or ("niet genoemd" if lang == "nl" else "not named"),
                "budget": euro(amount, lang) if amount is not None else (
                    "p.m." if iv.id in pm else ("geen bedrag genoemd" if lang == "nl" else "no amount named")),
                "budget_value": amount,
                "start": iv.start_year, "end": iv.end_year,
                "status": INTERVENTION_STATUS[lang].get(iv.status.value, iv.status.value) if iv.status else None,
            })
    rows.sort(key=lambda r: (r["programme"], r["start"] or 0, r["name"]))
    return {"rows": rows, "gemeente_wide": gemeente_wide}


def residents_said(site: Site, region: Region, lang: str) -> list[dict]:
    """Narratives with consent that name a place in (or around) the area; anonymous ones without the person."""
    from ..programme.narratives import narrative_view

    inside, around = _area_codes(site, region)
    out = []
    for programme in _programmes(site):
        for n in programme.narratives:
            if not any(_place_relation(site, p.code, inside, around, region, lang) for p in n.places):
                continue
            v = narrative_view(n)
            if v is None:
                continue
            out.append({"programme": programme.name, "title": v["title"], "text": v["text"], "date": v["date"],
                        "person": v["person"], "kind": v["source_type_nl"], "source": v["source"]})
    from ..participation import narratives as participation_narratives

    for n in participation_narratives(site.monitor.store):  # approved input of a participation round, with consent
        if not any(_place_relation(site, p.code, inside, around, region, lang) for p in n.places):
            continue
        v = narrative_view(n)
        if v is not None:
            out.append({"programme": "inspraak" if lang == "nl" else "participation", "title": v["title"],
                        "text": v["text"], "date": v["date"], "person": v["person"], "kind": v["source_type_nl"],
                        "source": v["source"]})
    out.sort(key=lambda n: (n["date"] or "", n["title"] or ""))
    return _grouped(out, lang)


def _grouped(said: list[dict], lang: str) -> list[dict]:
    """The same words from several residents once, with how many said them (newest date): a participation evening
    reads what was said, not the same sentence twelve times."""
    groups: dict[tuple, dict] = {}
    for n in said:
        key = (n["programme"], (n["title"] or "").strip().lower(), " ".join((n["text"] or "").split()).lower())
        g = groups.get(key)
        if g is None:
            groups[key] = {**n, "count": 1}
            continue
        g["count"] += 1
        g["date"] = max(d for d in (g["date"], n["date"]) if d) if (g["date"] or n["date"]) else None
    out = list(groups.values())
    for g in out:
        if g["count"] > 1:
            g["person"] = f"{g['count']} inwoners" if lang == "nl" else f"{g['count']} residents"
    return out


# -- the document --------------------------------------------------------------------------------------
def build(site: Site, definition: ReportDefinition, code: str, lang: str = "nl") -> dict:
    """The document model of one wijkprofiel (plain data; the template only formats it)."""
    region = report_region(site, definition, code)
    view = situation.profile_view(site, region, lang)
    if not any(r["value"] is not None for r in view["rows"]):
        raise NoDataError([Issue(code, None, "gebied", f"er zijn geen cijfers van '{region.name}' in de database",
                                 "importeer eerst de kerncijfers of kies een ander gebied")],
                          "Het rapport is niet gemaakt.")
    gemeente = site.region(region.gemeente) if region.gemeente else None
    doc: dict = {
        "kind": "wijkprofiel", "definition": definition.id, "lang": lang,
        "title": f"{definition.label(lang)} {region.name}",
        "region": view["region"], "gemeente": view["gemeente"], "reference_name": view["reference_name"],
        "sections": list(definition.sections), "refs": [],
    }
    refs: list[dict] = doc["refs"]
    periods = [r["period"] for r in view["rows"] if r["value"] is not None and r["period"]]
    doc["newest_period"] = max(periods) if periods else None
    if definition.has("kaart"):
        doc["map"] = maps.area_map(site, region, gemeente, lang)
    if definition.has("in_het_kort"):
        doc["summary"] = view["summary"]
        refs.extend(summary_refs(view))
    if definition.has("kerncijfers"):
        doc["key_numbers"], key_refs = key_numbers(view, definition, site, lang)
        refs.extend(key_refs)
    if definition.has("vergelijkbaar"):
        doc["similar"] = view["similar"]
    if definition.has("gepland"):
        doc["planned"] = planned(site, region, lang)
    if definition.has("verhalen"):
        doc["narratives"] = residents_said(site, region, lang)
    if definition.has("gesprek"):
        c = definition.conversation
        doc["conversation"] = {"fixed": c.texts("fixed", lang), "open": c.texts("open", lang),
                               "questions": c.texts("questions", lang)}
    if definition.has("bronnen"):
        seen: dict[str, None] = {}
        for k in doc.get("key_numbers", []):
            if k["source"]:
                seen.setdefault(k["source"], None)
        doc["sources"] = list(seen)
    return doc
