"""View models: one plain structure per page, rendered as HTML, JSON and CSV alike.

Values that are not publishable (suppressed, missing, withheld by disclosure control) are ``None``
here, with their status; no view ever turns them into a number.
"""

from __future__ import annotations

import math

from ... import format as fmt
from ...core.model import Indicator, Level, Region
from .. import graphics, i18n, labels
from ..service import MAP_LEVELS, Site, publishable

#: The summary mentions a difference only when it is at least this large (see ``meaningful``).
SUMMARY_MIN_POINTS = 3.0  # percentage points, for indicators in %
SUMMARY_MIN_RELATIVE = 0.10  # 10 % of the reference value, for all other units
SUMMARY_MAX_WORSE = 3
SUMMARY_MAX_BETTER = 2


def _v(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def region_ref(r: Region, lang: str) -> dict:
    return {"code": r.code, "name": r.name, "level": str(r.level), "level_label": i18n.level(r.level, lang),
            "boundary_year": r.boundary_year, "gemeente": r.gemeente}


def indicator_ref(ind: Indicator, lang: str) -> dict:
    return {
        "id": ind.id, "label": ind.label(lang), "definition": ind.definition(lang), "unit": ind.unit,
        "unit_label": fmt.unit_label(ind.unit, lang),
        "theme": ind.theme, "theme_label": i18n.theme(ind.theme, lang), "polarity": ind.polarity.value,
        "polarity_label": i18n.polarity(ind.polarity.value, lang), "decimals": ind.decimals,
        "structural": ind.structural, "min_count": ind.min_count, "aggregation": ind.aggregation.value,
        "sources": [{"publisher": s.publisher, "table": s.table, "column": s.column, "url": s.url,
                     "licence": s.licence, "label": s.label()} for s in ind.sources],
    }


def meaningful(ind: Indicator, value: float, reference: float) -> bool:
    """The rule for the generated summary: a difference of at least 3 percentage points (indicators in
    %) or at least 10 % of the reference value (other units)."""
    diff = abs(value - reference)
    if ind.unit == "%":
        return diff >= SUMMARY_MIN_POINTS
    return reference != 0 and diff >= SUMMARY_MIN_RELATIVE * abs(reference)


#: Themes a reader looks for first (income, health, youth, safety); the summary leads with them.
SUMMARY_THEMES = ("inkomen", "gezondheid", "mentale gezondheid", "jeugd", "onderwijs", "veiligheid", "werk")
SUMMARY_MAX = 5
#: Age-band variants of an indicator ("…_18_64", "…_65plus") give way to the general figure ("…_18plus").
_AGE_BANDS = ("_18_64", "_65plus")


def _general_rows(rows: list[dict]) -> list[dict]:
    """Drop age-band variants when the general figure of the same indicator is in the profile, and any
    figure older than the newest one of its family (never a 2016 estimate when 2020 exists)."""
    ids = {r["_indicator"].id for r in rows}
    newest: dict[str, int] = {}

    def family(iid: str) -> str:
        for suffix in (*_AGE_BANDS, "_18plus"):
            if iid.endswith(suffix):
                return iid[: -len(suffix)]
        return iid

    for r in rows:
        if r["value"] is not None and r.get("period") is not None:
            f = family(r["_indicator"].id)
            newest[f] = max(newest.get(f, 0), int(r["period"]))
    out = []
    for r in rows:
        iid = r["_indicator"].id
        f = family(iid)
        if iid != f and not iid.endswith("_18plus") and f + "_18plus" in ids:
            continue
        if r["value"] is not None and r.get("period") is not None and int(r["period"]) < newest.get(f, 0):
            continue
        out.append(r)
    return out


def summary(region: Region, ref_name: str, rows: list[dict], lang: str) -> list[str]:
    """Short B1 sentences, built only from the values and reference values shown in the table.

    Every sentence has the same shape, which is correct Dutch for any indicator label:
    "Inkomen – Moeite met rondkomen (18 jaar en ouder): 25,1% in Velve, tegen 16,0% gemiddeld in Enschede.
    Dat is 9,1 procentpunt hoger. Dat is ongunstig." Differences of percentages are in procentpunt; the
    themes a reader cares about most come first, then the largest differences."""
    found = []
    for row in _general_rows(rows):
        ind: Indicator = row["_indicator"]
        v, ref = row["value"], row["reference_value"]
        if v is None or ref is None or ind.polarity.value == "neutral" or not meaningful(ind, v, ref):
            continue
        if ind.aggregation.value == "sum":  # counts grow with the size of an area: no fair comparison
            continue
        higher = v > ref
        good = higher == (ind.polarity.value == "higher_is_better")
        gap = abs(v - ref) / abs(ref) if ref else math.inf
        rank = SUMMARY_THEMES.index(ind.theme) if ind.theme in SUMMARY_THEMES else len(SUMMARY_THEMES)
        found.append((rank, -gap, ind, v, ref, higher, good, row.get("period")))
    # one sentence per leading theme first, then the rest by size of the difference
    found.sort(key=lambda t: (t[0], t[1]))
    lead, rest, seen = [], [], set()
    for item in found:
        if item[0] < len(SUMMARY_THEMES) and item[2].theme not in seen:
            seen.add(item[2].theme)
            lead.append(item)
        else:
            rest.append(item)
    chosen = (lead + sorted(rest, key=lambda t: t[1]))[:SUMMARY_MAX]
    out = []
    for _rank, _gap, ind, v, ref, higher, good, period in chosen:
        theme = i18n.theme(ind.theme, lang)
        when = f", {period}" if period else ""
        vs, rs = fmt.observation(v, "measured", ind, lang), fmt.observation(ref, "measured", ind, lang)
        if ind.unit == "%":
            pts = fmt.number(abs(v - ref), ind.decimals, lang)
            diff = (f"{pts} percentage points {'higher' if higher else 'lower'}" if lang == "en"
                    else f"{pts} procentpunt {'hoger' if higher else 'lager'}")
        else:
            diff = ("higher" if higher else "lower") if lang == "en" else ("hoger" if higher else "lager")
        if lang == "en":
            out.append(f"{theme} – {ind.label(lang)}{when}: {vs} in {region.name}, against {rs} on average "
                       f"in {ref_name}. That is {diff}, which is {'better' if good else 'worse'}.")
        else:
            out.append(f"{theme} – {ind.label(lang)}{when}: {vs} in {region.name}, tegen {rs} gemiddeld "
                       f"in {ref_name}. Dat is {diff}. Dat is {'gunstig' if good else 'ongunstig'}.")
    return out


def _series(row) -> list[tuple[int, float]]:
    """Publishable values per period (one per period; the indeling of the profile wins)."""
    seen: dict[int, float] = {}
    for p, v in row.series:
        if v is not None and not (isinstance(v, float) and math.isnan(v)):
            seen.setdefault(int(p), float(v))
    if row.value is not None and publishable(row.value, row.status):
        seen[row.period] = float(row.value)
    return sorted(seen.items())


def profile_view(site: Site, region: Region, lang: str, k: int = 5) -> dict:
    prof = site.profile(region.code, region.boundary_year)
    similar, why_not = site.similar(region, k=k)
    means = site.similar_means(region, similar)
    is_gm = region.level == Level.GEMEENTE
    ref_name = "Nederland" if is_gm else (prof.gemeente.name if prof.gemeente else "de gemeente")
    rows = []
    for row in prof.rows:
        ind = row.indicator
        ok = publishable(row.value, row.status)
        value = _v(row.value) if ok else None
        gm = _v(row.gemeente_value)
        nl = _v(row.nl_value)
        sim = means.get((ind.id, row.period))
        series = _series(row) if ok else []

        def show(x, ind=ind):
            return fmt.observation(x, "missing", ind, lang)

        trend = None
        if len(series) >= 2:
            trend = graphics.sparkline(series, lambda x, ind=ind: fmt.number(x, ind.decimals, lang))
            trend["text"] = ", ".join(f"{p}: {show(v)}" for p, v in series)
            trend["rows"] = [{"year": p, "display": show(v)} for p, v in series]
        src = labels.source_label(row.source_ref, lang, site.catalogue) if row.source_ref else (
            labels.indicator_source_label(ind.sources[0], lang) if ind.sources else {"text": "", "title": None,
                                                                                     "url": None})
        rows.append({
            "_indicator": ind,
            "indicator": ind.id, "label": ind.label(lang), "theme": ind.theme, "unit": ind.unit,
            "polarity": ind.polarity.value, "period": row.period, "boundary_year": row.boundary_year,
            "value": value, "status": row.status if ok else ("suppressed" if row.status == "suppressed" else "missing"),
            "status_label": i18n.status(row.status if ok else row.status, lang),
            "display": fmt.observation(value, row.status, ind, lang),
            "gemeente_value": gm, "nl_value": nl, "similar_mean": sim,
            "reference_value": nl if is_gm else gm,
            "gemeente_display": show(gm), "nl_display": show(nl), "similar_display": show(sim),
            # the source of this very value (table and column, or how kansenmonitor derived it)
            "source": src["text"], "_source": src,
            "source_ref": row.source_ref,
            "disclosure": row.disclosure, "series": series, "_trend": trend,
        })
    themes: dict[str, list[dict]] = {}
    for r in rows:
        themes.setdefault(r["theme"], []).append(r)
    neighbours = []
    if similar is not None:
        for n in similar.neighbours:
            try:
                nr = site.region(n.code, region.boundary_year)
            except LookupError:
                continue
            ngm = site.region(nr.gemeente) if nr.gemeente and nr.gemeente in site.codes() else None
            neighbours.append({
                "code": n.code, "name": nr.name, "gemeente_name": ngm.name if ngm else None, "distance": round(n.distance, 3),
                "distance_display": fmt.number(n.distance, 2, lang),
                "alike": [site.catalogue[i].label(lang) for i in n.alike(3)],
                "different": [site.catalogue[i].label(lang) for i in n.different(2)],
                "n_shared": n.n_shared,
            })
    return {
        "region": region_ref(region, lang),
        "gemeente": region_ref(prof.gemeente, lang) if prof.gemeente else None,
        "reference_name": ref_name,
        "indices": index_ranks(site, region, prof.gemeente, lang),
        "_themes": [{"theme": t, "label": i18n.theme(t, lang), "rows": rs} for t, rs in themes.items()],
        "rows": rows,
        "summary": summary(region, ref_name, rows, lang),
        "similar": {
            "neighbours": neighbours, "why_not": why_not, "k": k,
            "indicators": [site.catalogue[i].label(lang) for i in (similar.indicators if similar else [])],
            "min_share": similar.min_share if similar else None,
            "population_size": similar.population_size if similar else None,
        },
        "members": [{"code": m, "name": _name(site, m, region.boundary_year)} for m in region.members],
        "area_source": region.source if region.level.is_custom else None,
        "area_note": region.note if region.level.is_custom else None,
        "not_available": not_available(site, region, rows, lang),
        "area": _area_view(site, region, lang),
        "_locator": locator_map(site, region, prof.gemeente),
    }


def _area_view(site: Site, region: Region, lang: str) -> dict | None:
    """What the programmes and the store hold about the area (interventions, money, evaluations, decisions,
    narratives), for every level below the gemeente."""
    if region.level in (Level.GEMEENTE, Level.LAND):
        return None
    from ..programme.area import area_view

    return area_view(site, region, lang)


def not_available(site: Site, region: Region, rows: list[dict], lang: str) -> list[dict]:
    """For an own area (stadsdeel, focus area): every indicator of the catalogue that has no row in its profile,
    with the reason in words. A row without a value says why itself (its source or the disclosure note)."""
    if not region.level.is_custom:
        return []
    en = lang == "en"
    present = {r["indicator"] for r in rows}
    have = site.data_levels(region.gemeente) if region.gemeente else {}
    member_levels = {str(site.region(m).level) for m in region.members if m in site.codes()}
    member = next(iter(member_levels)) if len(member_levels) == 1 else "buurt"
    out = []
    for ind in sorted(site.catalogue, key=lambda i: (i18n.theme(i.theme, lang), i.label(lang))):
        if ind.id in present:
            continue
        levels = have.get(ind.id, {})
        if ind.aggregation.value == "none":
            reason = ind.aggregation_note(lang) or (
                "This figure cannot be computed from the parts of the area: the source gives it as a percentage "
                "or a class, without the counts behind it." if en else
                "Dit cijfer is niet uit de delen van het gebied te berekenen: de bron geeft het als percentage of "
                "klasse, zonder de aantallen erachter.")
        elif member in levels:
            reason = (f"There is no figure for the {i18n.level(member, lang, plural=True)} of this area." if en else
                      f"Voor de {i18n.level(member, lang, plural=True)} van dit gebied is er geen cijfer.")
        elif levels:
            where = _elsewhere(levels, lang)
            reason = (f"This figure is not published by {i18n.level(member, lang)}; {where}." if en else
                      f"Dit cijfer is er niet per {i18n.level(member, lang)}; {where}.")
        else:
            reason = ("There are no figures for this in the database yet." if en else
                      "Hiervan zijn er nog geen cijfers in de database.")
        out.append({"indicator": ind.id, "label": ind.label(lang), "theme_label": i18n.theme(ind.theme, lang),
                    "reason": reason})
    return out


def _name(site: Site, code: str, boundary_year: int | None = None) -> str:
    try:
        return site.region(code, boundary_year).name
    except LookupError:
        try:
            return site.region(code).name
        except LookupError:
            return code


def locator_map(site: Site, region: Region, gemeente: Region | None, width: float = 220.0) -> dict | None:
    """A small map of the gemeente (its wijken) with this area filled in, so a reader sees where it is."""
    if gemeente is None or region.level == Level.GEMEENTE:
        return None
    by = site.map_boundary_year("wijk", gemeente.code)
    if by is None:
        return None
    background = site.geometries("wijk", gemeente.code, by)
    own_level = str(region.level)
    own = site.geometries(own_level, gemeente.code, region.boundary_year).get(region.code)
    if not background or own is None:
        return None
    proj = graphics.projection_for(list(background.values()), width=width)
    return {"width": proj.width, "height": proj.height,
            "background": [graphics.svg_path(g, proj, precision=0) for g in background.values()],
            "area": graphics.svg_path(own, proj, precision=0)}


PROFILE_CSV = ["region", "region_name", "boundary_year", "indicator", "label", "unit", "period", "value", "status",
               "gemeente_value", "nl_value", "similar_mean", "source", "source_ref"]


def profile_records(view: dict) -> list[dict]:
    r = view["region"]
    return [{"region": r["code"], "region_name": r["name"], "boundary_year": row["boundary_year"],
             "indicator": row["indicator"], "label": row["label"], "unit": row["unit"], "period": row["period"],
             "value": row["value"], "status": row["status"], "gemeente_value": row["gemeente_value"],
             "nl_value": row["nl_value"], "similar_mean": row["similar_mean"], "source": row["source"],
             "source_ref": row["source_ref"]} for row in view["rows"]]


# -- map ---------------------------------------------------------------------------------------------------
def map_view(site: Site, gemeente: Region, level: str, ind: Indicator, period: int | None, lang: str,
             sort: str = "name", order: str = "asc") -> dict:
    by = site.map_boundary_year(level, gemeente.code)
    geo = site.geometries(level, gemeente.code, by) if by else {}
    periods = site.map_periods(ind.id, level, gemeente.code, by) if by else []
    if period is None and periods:
        period = periods[-1]
    rows = site.map_rows(ind.id, level, gemeente.code, by, period) if by else []
    values = [r.value for r in rows if r.value is not None]
    breaks = graphics.quantile_breaks(values)
    colours = graphics.palette(ind.polarity.value, len(breaks))
    lower = min(values) if values else None
    legend = []
    for i, b in enumerate(breaks):
        lo = lower if i == 0 else breaks[i - 1]
        legend.append({"colour": colours[i], "from": fmt.number(lo, ind.decimals, lang),
                       "to": fmt.number(b, ind.decimals, lang),
                       "count": sum(1 for v in values if graphics.class_of(v, breaks) == i)})
    proj = graphics.projection_for(list(geo.values())) if geo else None
    areas, table = [], []
    for r in rows:
        cls = graphics.class_of(r.value, breaks) if r.value is not None else None
        display = fmt.observation(r.value, r.status, ind, lang)
        fill = colours[cls] if cls is not None else ("url(#hatch-suppressed)" if r.status == "suppressed"
                                                      else "url(#hatch-missing)")
        item = {"code": r.code, "name": r.name, "value": r.value, "status": r.status, "display": display,
                "status_label": i18n.status(r.status, lang), "period": r.period, "class": cls,
                "fill": fill, "source_ref": r.source_ref, "lower": r.lower, "upper": r.upper,
                "interval": (f"{fmt.number(r.lower, ind.decimals, lang)} – {fmt.number(r.upper, ind.decimals, lang)}"
                             if r.lower is not None and r.value is not None else None)}
        table.append(item)
        if proj and r.code in geo:
            areas.append({**item, "d": graphics.svg_path(geo[r.code], proj)})
    key = {"name": lambda t: t["name"].lower(),
           "value": lambda t: (t["value"] is None, t["value"] if t["value"] is not None else 0)}[sort]
    table.sort(key=key, reverse=(order == "desc"))
    if sort == "value" and order == "desc":  # keep areas without a value last
        table.sort(key=lambda t: t["value"] is None)
    outlines = []
    if level == "buurt" and proj and by:
        wijk_names = {r.code: r.name for r in site.regions_of("wijk", gemeente.code)}
        outlines = [{"code": w, "name": wijk_names.get(w, w), "d": graphics.svg_path(g, proj)}
                    for w, g in sorted(site.wijk_outlines(gemeente.code, by).items())]
    labels_ = (site.cached_view(("map-labels", level, gemeente.code, by), lambda: map_labels(site, gemeente, level, by,
                                                                                            proj))
               if proj and by else {"fine": [], "coarse": []})
    return {
        "_outlines": outlines, "_labels": labels_,
        "gemeente": region_ref(gemeente, lang), "level": level, "level_label": i18n.level(level, lang, plural=True),
        "indicator": indicator_ref(ind, lang), "period": period, "periods": periods, "boundary_year": by,
        "legend": legend, "areas": areas, "rows": table, "sort": sort, "order": order,
        "width": proj.width if proj else 0, "height": proj.height if proj else 0,
        "n_suppressed": sum(1 for r in rows if r.status == "suppressed"),
        "n_missing": sum(1 for r in rows if r.value is None and r.status != "suppressed"),
        "n_estimated": sum(1 for t in table if t["status"] == "estimated"),
        "has_interval": any(t["interval"] for t in table),
        # survey-based figures (catalogue/enquete_netwerk.yaml): a sample, not a count; synthetic in the demo
        "survey": any(src.publisher.startswith("Enquête") for src in ind.sources),
        "synthetic": any("synthetisch" in (t["source_ref"] or "").lower() for t in table),
        "levels": [lv for lv in MAP_LEVELS if lv == level or site.regions_of(lv, gemeente.code)],
    }


#: label sizes in map units (the map is 800 units wide): fine labels read at about 11–13 px on a map of 700–830 px
#: (from 1280 px screens), coarse ones at about 11 px on a phone's 340 px map (390 px screens)
LABEL_FINE = 12.0
LABEL_COARSE = 24.0


def short_wijk_name(name: str) -> str:
    """'Wijk 06 Enschede-Zuid' → 'Enschede-Zuid': the CBS numbering is no part of the name residents use."""
    import re

    return re.sub(r"^Wijk\s+\d+\s+", "", name) or name


def map_labels(site: Site, gemeente: Region, level: str, by: int, proj) -> dict[str, list[dict]]:
    """Name labels of a map: ``fine`` for a wide map (the map's own areas), ``coarse`` for a narrow one (the wijken
    on a buurt map, else the same areas, larger). Placed where they fit, never overlapping."""
    from .. import maplabels

    names = {r.code: r.name for r in site.regions_of(level, gemeente.code, by)}
    own = [(c, short_wijk_name(names[c]) if level == "wijk" else names[c], g) for c, g in site.geometries(level, gemeente.code, by).items() if c in names]
    fine = maplabels.place_labels(own, proj, LABEL_FINE)
    if level == "buurt":
        wijk_names = {r.code: r.name for r in site.regions_of("wijk", gemeente.code)}
        coarse_src = [(w, short_wijk_name(wijk_names[w]), g) for w, g in site.wijk_outlines(gemeente.code, by).items()
                      if w in wijk_names]
    else:
        coarse_src = own
    coarse = maplabels.place_labels(coarse_src, proj, LABEL_COARSE, bold=True)
    return {"fine": fine, "coarse": coarse}


MAP_CSV = ["code", "name", "period", "value", "status", "class", "source_ref"]


def index_ranks(site: Site, region: Region, gemeente: Region | None, lang: str) -> list[dict]:
    """The region's rank with its interval on each index that covers its level, within its gemeente."""
    from ..indices import views as indices_views

    if gemeente is None or region.level.value not in ("buurt", "wijk"):
        return []
    out = []
    for d in indices_views.definitions(site).values():
        if region.level.value not in d.levels or region.boundary_year != d.boundary_year:
            continue
        try:
            c = indices_views.computed(site, d, gemeente, region.level.value)
        except (LookupError, ValueError):
            continue
        # the scores of the whole gemeente, formatted once per language (not again for each of its areas)
        rows = site.cached_view(("indices", "score-rows", d.id, d.version, gemeente.code, region.level.value, lang),
                                lambda c=c: {r["code"]: r for r in indices_views.score_rows(c, lang)})
        row = rows.get(region.code)
        if row is None:
            continue
        out.append({
            "id": d.id, "label": d.label(lang), "rank_label": row["point_label"], "reason": row.get("reason"),
            "n": sum(1 for r in rows.values() if r["score"] is not None),
            "href": f"/indices/{d.id}/gebieden/{region.code}?gemeente={gemeente.code}&niveau={region.level.value}",
        })
    return out


AVAILABLE_LEVELS = ("buurt", "wijk", "gemeente")


def _elsewhere(levels: dict[str, int], lang: str) -> str:
    parts = [f"{i18n.level(lv, lang)} ({levels[lv]})" for lv in AVAILABLE_LEVELS if lv in levels]
    if not parts:
        return ""
    return ("wel per " if lang != "en" else "available by ") + (" en " if lang != "en" else " and ").join(parts)


def indicator_picker(site: Site, gemeente: str, level: str, lang: str) -> dict[str, list]:
    """The indicators for a picker, by theme; one without a value at ``level`` in ``gemeente`` is marked
    "(geen gegevens op dit niveau)" with the levels where it does exist, and listed after those with data."""
    have = site.data_levels(gemeente)
    groups: dict[str, list] = {}
    for i in sorted(site.catalogue, key=lambda i: (i.theme, level not in have.get(i.id, {}), i.label(lang))):
        levels = have.get(i.id, {})
        label = i.label(lang)
        if level not in levels:
            where = _elsewhere(levels, lang)
            label += (" (no data at this level" if lang == "en" else " (geen gegevens op dit niveau") + (
                f"; {where})" if where else ")")
        groups.setdefault(i18n.theme(i.theme, lang), []).append({"id": i.id, "label": label,
                                                                 "has_data": level in levels})
    return groups


def availability_note(site: Site, gemeente: Region, level: str, ind: Indicator, lang: str) -> str | None:
    """A sentence for the page when the chosen indicator has no value at this level, saying where it has."""
    levels = site.data_levels(gemeente.code).get(ind.id, {})
    if level in levels:
        return None
    lvl = i18n.level(level, lang)
    where = _elsewhere(levels, lang)
    if lang == "en":
        return (f"There are no figures for '{ind.label(lang)}' by {lvl} in {gemeente.name}"
                + (f"; {where}." if where else ", at no level."))
    return (f"Voor '{ind.label(lang)}' zijn er in {gemeente.name} geen cijfers per {lvl}"
            + (f"; {where}." if where else ", op geen enkel niveau."))


def _fold(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def search_regions(site: Site, query: str, lang: str, limit: int = 50) -> list[dict]:
    """Buurten, wijken and own areas of the gemeenten shown in detail whose name contains ``query`` (case and
    accents ignored; a code matches too), newest indeling only: exact names first, then by level and name."""
    q = _fold(query.strip())
    if not q:
        return []
    gms = {g.code: g.name for g in site.detail_gemeenten()}
    newest: dict[str, Region] = {}
    for r in site.all_regions():
        if r.level not in (Level.BUURT, Level.WIJK, Level.STADSDEEL, Level.GEBIED, Level.GEMEENTE):
            continue
        if (r.gemeente if r.level != Level.GEMEENTE else r.code) not in gms:
            continue
        if r.code not in newest or r.boundary_year > newest[r.code].boundary_year:
            newest[r.code] = r
    order = {"gemeente": 0, "stadsdeel": 1, "wijk": 2, "buurt": 3, "gebied": 4}
    hits = [r for r in newest.values() if q in _fold(r.name) or q == r.code.casefold()]
    hits.sort(key=lambda r: (_fold(r.name) != q, order.get(str(r.level), 9), r.name))
    return [{**region_ref(r, lang), "gemeente_name": gms.get(r.gemeente or r.code, "")} for r in hits[:limit]]



def search_postcode(site: Site, query: str, lang: str) -> dict | None:
    """A postcode query ('7511', '7511 AB'): the buurten its PC4 area overlaps, largest share first, with the
    share of the postcode area in each (approximate: postcode areas and buurten do not nest). ``None`` when the
    query is not a postcode."""
    from ...postcodes import buurten_for, normalise_postcode

    code = normalise_postcode(query)
    if code is None:
        return None
    lookup = site.pc4_lookup()
    gms = {g.code: g.name for g in site.detail_gemeenten()}
    hits = []
    for item in buurten_for(lookup, code):
        try:
            r = site.region(item["buurt"], lookup.boundary_year)
        except LookupError:
            continue
        share = item["share_of_pc4"]
        nearest = bool(item.get("nearest"))
        shown = (("the nearest buurt (the boundary of this postcode area is incomplete in the source)" if lang == "en"
                  else "de dichtstbijzijnde buurt (de grens van dit postcodegebied is onvolledig in de bron)")
                 if nearest else _share(share, lang) + (" of the postcode area" if lang == "en"
                                                        else " van het postcodegebied"))
        hits.append({**region_ref(r, lang), "gemeente_name": gms.get(r.gemeente or "", ""),
                     "share_of_pc4": None if nearest else share, "nearest": nearest, "share_display": shown})
    return {"postcode": code, "full": query.strip().upper() != code, "available": not lookup.empty,
            "source": lookup.source, "boundary_year": lookup.boundary_year, "hits": hits}


def _share(share: float, lang: str) -> str:
    """'ongeveer 49 %', or 'minder dan 1 %' for a small part."""
    pct = share * 100
    if pct < 1:
        return "less than 1%" if lang == "en" else "minder dan 1%"
    return (f"about {pct:.0f}%" if lang == "en" else f"ongeveer {pct:.0f}%")
