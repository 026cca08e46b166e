"""One view per area: what the programme register and the store hold about a buurt, wijk, stadsdeel or
focus area, shown beside its figures (the Board's "integrale coördinatie van de uitvoering").

An intervention or narrative concerns an area when one of its places is the area, lies in it (a buurt of a
wijk of the area, a school in one of its buurten) or overlaps it (a focus area that shares buurten with it).
A measure for the whole gemeente reaches every area, but is not the area's own: it is counted, not listed.
The council report (:mod:`kansenmonitor.reports.voortgang`) uses the same two functions for its area edition.
"""

from __future__ import annotations

from ...indices.investments import stored_investments, stored_potentials
from ...programme.narratives import narrative_view, visible_narratives
from ...programme.repository import available_ids, load_programme
from ..evaluation.views import METHOD_LABEL
from ..service import Site
from .views import EVIDENCE_LEVEL, INTERVENTION_STATUS, decisions, euro, evaluations_of, money_by_item


def area_codes(site: Site, region) -> set[str]:
    """The area and everything in it (members, buurten of its wijken); for a buurt also its wijk, because a
    measure for the whole wijk reaches the buurt too."""
    codes = {region.code, *region.members}
    for m in list(codes):
        try:
            r = site.region(m)
        except LookupError:
            continue
        if str(r.level) == "wijk":
            codes |= {b.code for b in site.regions_of("buurt", r.gemeente, r.boundary_year) if b.parent == r.code}
    if str(region.level) == "buurt" and region.parent:
        codes.add(region.parent)
    return codes


def in_area(site: Site, codes: set[str], place_code: str | None) -> bool:
    """Whether a place (region code, own area code or ``SCHOOL-<vestiging>``) lies in or overlaps the area."""
    if not place_code:
        return False
    if place_code in codes:
        return True
    if place_code.upper().startswith("SCHOOL-"):
        from ...schools.repository import school

        try:
            s = school(site.monitor, place_code.split("-", 1)[1])
        except LookupError:
            return False
        return isinstance(s["buurt"], str) and s["buurt"] in codes
    try:
        r = site.region(place_code)
    except LookupError:
        return False
    return bool(set(r.members) & codes)


def _programmes(site: Site):
    for pid in site.cached_view(("programme-ids",), available_ids):
        yield site.cached_view(("programme", pid), lambda pid=pid: load_programme(pid))


def area_view(site: Site, region, lang: str) -> dict:
    """Per programme: the interventions located in the area (owner, planned budget, status, years), the
    evaluations and decisions about them, and the narratives with consent placed there; and the investments
    and potentials registered for the area's regions."""
    en = lang == "en"
    codes = area_codes(site, region)
    programmes = []
    for programme in _programmes(site):
        own = [i for i in programme.interventions if any(in_area(site, codes, p.code) for p in i.places)]
        wide = [i for i in programme.interventions if i not in own
                and any(p.code and p.code == region.gemeente for p in i.places)]
        stories = [v for n in visible_narratives(programme) if any(in_area(site, codes, p.code) for p in n.places)
                   if (v := narrative_view(n)) is not None]
        if not own and not stories and not wide:
            continue
        money, pm = money_by_item(programme)
        names = {i.id: i.name for i in programme.interventions}
        visible = {n.id for n in visible_narratives(programme)}
        items, evaluations, decided = [], [], []
        for i in own:
            years = (f"{i.start_year}–{i.end_year}" if i.start_year and i.end_year else
                     (("from " if en else "vanaf ") + str(i.start_year) if i.start_year else None))
            items.append({
                "id": i.id, "name": i.name, "href": f"/programmas/{programme.id}/interventies/{i.id}",
                "owner": i.owner or ("not named" if en else "niet genoemd"),
                "status": (INTERVENTION_STATUS[lang].get(i.status.value, i.status.value) if i.status else
                           ("not named" if en else "niet genoemd")),
                "years": years or ("not named" if en else "niet genoemd"),
                "budget": euro(money[i.id], lang) if i.id in money else ("p.m." if i.id in pm else
                                                                         ("none recorded" if en else "niet vastgelegd")),
                "budget_value": money.get(i.id),
                "evidence": EVIDENCE_LEVEL[lang].get(i.evidence_level.value) if i.evidence_level else
                EVIDENCE_LEVEL[lang]["unknown"],
            })
            for e in evaluations_of(site.monitor.store, programme.id, i.id):
                m = e.get("method")
                evaluations.append({**e, "intervention": i.name, "page": f"/evaluaties/{e['id']}",
                                    "method_label": (METHOD_LABEL[m][1 if en else 0] if m in METHOD_LABEL
                                                     else ("method not named" if en else "methode niet genoemd"))})
            for d in decisions(site.monitor.store, programme, i.id, lang, visible):
                decided.append({**d, "intervention": names.get(d.get("intervention"), i.name)})
        programmes.append({
            "id": programme.id, "name": programme.name, "href": f"/programmas/{programme.id}",
            "interventions": items, "gemeente_wide": len(wide), "evaluations": evaluations,
            "decisions": sorted(decided, key=lambda d: str(d.get("date") or ""), reverse=True),
            "narratives": stories,
        })
    investments = sorted((inv for inv in stored_investments(site.monitor) if inv.get("region") in codes),
                         key=lambda inv: (inv.get("year") or 0, inv.get("party") or ""))
    potentials = [p for p in stored_potentials(site.monitor) if p.get("region") in codes]
    return {
        "programmes": programmes,
        "investments": [{**inv, "amount_display": euro(inv.get("amount"), lang),
                         "region_name": _name(site, inv.get("region"))} for inv in investments],
        "investment_total": euro(sum(float(inv.get("amount") or 0) for inv in investments), lang)
        if investments else None,
        "potentials": [{**p, "region_name": _name(site, p.get("region"))} for p in potentials],
        "n_interventions": sum(len(p["interventions"]) for p in programmes),
    }


def _name(site: Site, code: str | None) -> str:
    try:
        return site.region(code).name if code else ""
    except LookupError:
        return code or ""
