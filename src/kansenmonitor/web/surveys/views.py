"""View models of the survey pages: only disclosure-checked estimates, never respondent rows."""

from __future__ import annotations

import json

from ... import format as fmt
from ...surveys import estimate
from ...surveys import repository as repo
from .. import graphics

LEVELS = ("gemeente", "wijk", "buurt", "gebied")
LEVEL_LABELS = {"gemeente": ("Gemeenten", "Municipalities"), "wijk": ("Wijken", "Districts"),
                "buurt": ("Buurten", "Neighbourhoods"), "gebied": ("Eigen gebieden", "Custom areas")}


def all_shares(site, w: repo.Wave, lang: str) -> list[estimate.ShareRow]:
    """Every published-or-withheld share of a wave, cached until the store changes."""
    key = ("survey_shares", w.survey, w.wave, w.imported_at, lang)
    return site._cache.get(key, lambda: estimate.shares(site.monitor, w, lang=lang))


def wave_summary(w: repo.Wave, lang: str) -> dict:
    cb = w.codebook
    return {"survey": w.survey, "wave": w.wave, "title": cb.title(lang), "synthetic": w.synthetic,
            "respondents": fmt.number(w.respondents, 0, lang), "respondents_value": w.respondents,
            "source": cb.source, "note": cb.note, "level": w.area_level, "boundary_year": w.boundary_year,
            "codebook_version": cb.version,
            "has_themes": any(it.type == "text" and it.themes for it in cb.items),
            "questions": [{"id": it.id, "label": it.label(lang),
                       "question": it.question_en if lang == "en" and it.question_en else it.question,
                       "capital": it.capital, "type": it.type,
                       "categories": [it.category_label(c, lang) for c in it.categories],
                       "share": it.share_label(lang) if it.share else None} for it in cb.items]}


def _display(r: estimate.ShareRow, lang: str) -> str:
    return fmt.number(r.share, 1, lang) + " %"


def shares_view(site, w: repo.Wave, item: str, level: str, gemeente: str, lang: str) -> dict:
    rows = [r for r in all_shares(site, w, lang) if r.item == item and r.level == level
            and (r.gemeente == gemeente or level == "gemeente")]
    rows.sort(key=lambda r: r.name)
    it = w.codebook.item(item)
    table = []
    for r in rows:
        table.append({"code": r.area, "name": r.name, "share": r.share, "lower": r.lower, "upper": r.upper,
                      "respondents": r.respondents, "status": r.status, "reason": r.reason,
                      "display": _display(r, lang) if r.share is not None else None,
                      "interval": (f"{fmt.number(r.lower, 1, lang)} – {fmt.number(r.upper, 1, lang)} %"
                                   if r.share is not None else None),
                      "n_display": fmt.number(r.respondents, 0, lang) if r.respondents is not None else None})
    polarity = "neutral"
    if it.polarity == "higher_is_better":
        # the share counts the codes it names: a share of low codes is 'higher is worse'
        low = max(it.share.codes) < max(it.categories)
        polarity = "higher_is_worse" if low else "higher_is_better"
    view = {"item": {"id": it.id, "label": it.share_label(lang), "question": it.question_en if lang == "en" and
                     it.question_en else it.question,
                     "counted": [it.category_label(c, lang) for c in it.share.codes]},
            "level": level, "level_label": LEVEL_LABELS[level][1 if lang == "en" else 0], "rows": table,
            "n_published": sum(1 for r in table if r["share"] is not None),
            "n_suppressed": sum(1 for r in table if r["share"] is None)}
    view["map"] = _map(site, w, table, level, gemeente, polarity, lang)
    return view


def _map(site, w: repo.Wave, table: list[dict], level: str, gemeente: str, polarity: str, lang: str) -> dict | None:
    if level not in ("wijk", "buurt"):
        return None
    regions = [r for r in site.monitor.regions(level=level, boundary_year=w.boundary_year, gemeente=gemeente,
                                               with_geometry=True) if r.geometry]
    if not regions:
        return None
    geo = {r.code: json.loads(r.geometry) for r in regions}
    proj = graphics.projection_for(list(geo.values()))
    values = [r["share"] for r in table if r["share"] is not None]
    breaks = graphics.quantile_breaks(values)
    colours = graphics.palette(polarity, len(breaks)) if breaks else []
    by_code = {r["code"]: r for r in table}
    areas = []
    withheld = "niet getoond" if lang == "nl" else "withheld"
    for reg in regions:
        row = by_code.get(reg.code)
        if row is None or row["share"] is None:
            fill = "url(#hatch-suppressed)"
            display = withheld if row is not None else ("geen respondenten" if lang == "nl" else "no respondents")
        else:
            fill = colours[graphics.class_of(row["share"], breaks)]
            display = f"{row['display']} ({row['interval']})"
        areas.append({"code": reg.code, "name": reg.name, "d": graphics.svg_path(geo[reg.code], proj), "fill": fill,
                      "display": display})
    legend = []
    lo = min(values) if values else None
    for i, b in enumerate(breaks):
        start = lo if i == 0 else breaks[i - 1]
        legend.append({"colour": colours[i], "from": fmt.number(start, 1, lang), "to": fmt.number(b, 1, lang) + " %",
                       "count": sum(1 for v in values if graphics.class_of(v, breaks) == i)})
    return {"width": proj.width, "height": proj.height, "areas": areas, "legend": legend,
            "darker_worse": polarity != "neutral"}


def _class_rows(site, r, w: repo.Wave, lang: str):
    from ...surveys import classes

    key = ("survey_class_shares", r.id, r.body["created_at"], w.survey, w.wave, w.imported_at, lang)
    return site._cache.get(key, lambda: classes.class_shares(site.monitor, r, w, lang))


def classes_view(site, r, w: repo.Wave, cls: int, level: str, gemeente: str, lang: str) -> dict:
    """The saved class model: fit per K (BIC elbow), profiles in words, sizes with intervals, class × area."""
    from ...surveys import classes

    body = r.body
    stats = body["statistics"]
    chart = graphics.line_chart({"BIC": [(s["k"], s["bic"]) for s in stats]}, lambda v: fmt.number(v, 0, lang))
    key = "description_en" if lang == "en" else "description_nl"
    rows = _class_rows(site, r, w, lang)
    sizes = {c.cls: c for c in rows if c.level == "gemeente" and c.area == gemeente}
    profs = []
    cb = w.codebook
    probs_by_item = {}
    off = 0
    k = body["k"]
    probs = classes.lca.Params.from_dict(body["params"]).probs
    for iid, cats in zip(body["items"], body["categories"], strict=True):
        probs_by_item[iid] = (cats, probs[:, off:off + len(cats)])
        off += len(cats)
    for p in body["profiles"]:
        s = sizes.get(p["class"])
        profs.append({"class": p["class"], "description": p[key], "vulnerable": p["vulnerable"],
                      "size": fmt.number(100 * p["size"], 1, lang) + " %",
                      "local": (f"{fmt.number(s.share, 1, lang)} % ({fmt.number(s.lower, 1, lang)} – "
                                f"{fmt.number(s.upper, 1, lang)} %)") if s and s.share is not None else None})
    items = []
    for iid, (cats, pr) in probs_by_item.items():
        it = cb.item(iid) if iid in cb.item_ids else None
        if it is None:
            continue
        codes = list(it.share.codes) if it.share else [max(cats)]
        cols = [cats.index(c) for c in codes]
        label = it.share_label(lang) if it.share else f"{it.label(lang)}: {it.category_label(max(cats), lang)}"
        items.append({"label": label, "capital": it.capital,
                      "values": [fmt.number(100 * float(pr[j, cols].sum()), 0, lang) + " %" for j in range(k)]})
    table = [{"code": c.area, "name": c.name, "share": c.share, "lower": c.lower, "upper": c.upper,
              "respondents": c.respondents, "status": c.status, "reason": c.reason,
              "display": fmt.number(c.share, 1, lang) + " %" if c.share is not None else None,
              "interval": (f"{fmt.number(c.lower, 1, lang)} – {fmt.number(c.upper, 1, lang)} %"
                           if c.share is not None else None),
              "n_display": fmt.number(c.respondents, 0, lang) if c.respondents is not None else None}
             for c in rows if c.cls == cls and c.level == level and (c.gemeente == gemeente or level == "gemeente")]
    table.sort(key=lambda x: x["name"])
    vulnerable = next(p for p in body["profiles"] if p["vulnerable"])["class"]
    outside = site._cache.get(("survey_outside", r.id, body["created_at"], w.survey, w.wave, lang),
                              lambda: classes.outside_targets(site.monitor, r, w, classes.focus_targets(site.monitor, w),
                                                              lang))
    out_rows = [o for o in outside if o["gemeente"] == gemeente and o["class"] == vulnerable]
    view = {"model": {"id": r.id, "k": k, "criterion": body["criterion"].upper(), "seed": body["seed"],
                      "starts": body["starts"], "created": body["created_at"], "codebook_version": body[
                          "codebook_version"], "respondents": fmt.number(body["respondents"], 0, lang),
                      "software": body["software"]},
            "stats": [{"k": s["k"], "loglik": fmt.number(s["loglik"], 1, lang), "bic": fmt.number(s["bic"], 1, lang),
                       "aic": fmt.number(s["aic"], 1, lang), "entropy": fmt.number(s["entropy"], 2, lang),
                       "chosen": s["k"] == k} for s in stats],
            "blrt": [{"k": b["k"], "p": fmt.number(b["p"], 3, lang)} for b in body["blrt"]],
            "chart": chart, "profiles": profs, "items": items, "cls": cls, "level": level,
            "level_label": LEVEL_LABELS[level][1 if lang == "en" else 0], "rows": table,
            "n_suppressed": sum(1 for x in table if x["share"] is None),
            "n_published": sum(1 for x in table if x["share"] is not None),
            "vulnerable": vulnerable, "outside": out_rows[0] if out_rows else None}
    view["map"] = _map(site, w, table, level, gemeente, "neutral", lang)
    return view


def _ego_display(r, lang: str) -> dict:
    digits = 1 if r.kind == "share" else 2
    unit = " %" if r.kind == "share" else ""
    if r.value is None:
        return {"value": None, "reason": r.reason}
    return {"value": r.value, "lower": r.lower, "upper": r.upper, "respondents": r.respondents,
            "display": fmt.number(r.value, digits, lang) + unit,
            "interval": f"{fmt.number(r.lower, digits, lang)} – {fmt.number(r.upper, digits, lang)}{unit}",
            "n_display": fmt.number(r.respondents, 0, lang)}


def ego_view(site, w: repo.Wave, level: str, gemeente: str, lang: str) -> dict:
    """Ego-network indicators: a table per area (rows) × indicator (columns), and per latent class of the latest
    saved model in the gemeente. Only disclosure-checked values."""
    from ...surveys import classes, ego

    inds = ego.available(w.codebook)
    key = ("survey_ego", w.survey, w.wave, w.imported_at, lang)
    rows = site._cache.get(key, lambda: ego.area_indicators(site.monitor, w, lang=lang))
    levels = ("gebied", "stadsdeel") if level == "gebied" else (level,)
    mine = [r for r in rows if r.level in levels and (r.gemeente == gemeente or level == "gemeente")]
    by_area: dict[str, dict] = {}
    for r in mine:
        a = by_area.setdefault(r.area, {"code": r.area, "name": r.name, "cells": {}})
        a["cells"][r.indicator] = _ego_display(r, lang)
    areas = sorted(by_area.values(), key=lambda a: a["name"])
    indicators = [{"id": i.id, "label": i.label_en if lang == "en" else i.label, "kind": i.kind} for i in inds]
    n_cells = len(mine)
    withheld = sum(1 for r in mine if r.value is None)
    per_class = None
    models = [m for m in classes.results(site.monitor, w.survey) if m.body["wave"] == w.wave]
    if models:
        m = models[-1]
        ckey = ("survey_ego_classes", m.id, m.body["created_at"], w.survey, w.wave, w.imported_at, lang)
        crow = site._cache.get(ckey, lambda: ego.class_indicators(site.monitor, m, w, lang=lang))
        desc = "description_en" if lang == "en" else "description_nl"
        by_cls: dict[int, dict] = {}
        for r in crow:
            if r.gemeente != gemeente:
                continue
            prof = m.body["profiles"][r.cls - 1]
            c = by_cls.setdefault(r.cls, {"cls": r.cls, "description": prof[desc], "vulnerable": prof["vulnerable"],
                                          "cells": {}})
            c["cells"][r.indicator] = _ego_display(r, lang)
        per_class = {"model": m.id, "k": m.k, "rows": [by_cls[k] for k in sorted(by_cls)],
                     "withheld": sum(1 for r in crow if r.gemeente == gemeente and r.value is None)}
    return {"indicators": indicators, "areas": areas, "level": level,
            "level_label": LEVEL_LABELS[level][1 if lang == "en" else 0], "n_cells": n_cells, "withheld": withheld,
            "per_class": per_class}


def covariates_view(site, r, w: repo.Wave, correction: str, lang: str) -> dict:
    """Who is in which class: the bias-corrected three-step model of class membership on the wave's background
    items (age, sex), gemeente and living in a focus area. Only cells that passed disclosure control carry
    numbers."""
    from ...surveys import covariates as cv

    ids = cv.available(w.codebook)
    key = ("survey_covariates", r.id, r.body["created_at"], w.survey, w.wave, w.imported_at, correction, lang)
    res = site._cache.get(key, lambda: cv.class_covariates(site.monitor, r, w, ids, correction, lang))
    tables = []
    sentences = []
    best: dict[int, tuple[float, str]] = {}
    for c in res.covariates:
        rows = []
        for cat in c["categories"]:
            cells = []
            for x in cat["classes"]:
                if x["status"] != "published":
                    cells.append({"display": None, "reason": x["reason"]})
                    continue
                if x["boundary"]:
                    edge = x["share"] < 50
                    cells.append({"display": ("minder dan 0,5 %" if lang == "nl" else "less than 0.5 %") if edge
                                  else ("meer dan 99,5 %" if lang == "nl" else "more than 99.5 %"),
                                  "interval": "geen interval" if lang == "nl" else "no interval", "or": None})
                    continue
                cell = {"display": fmt.number(x["share"], 1, lang) + " %",
                        "interval": f"{fmt.number(x['lower'], 1, lang)} – {fmt.number(x['upper'], 1, lang)} %",
                        "or": None}
                if x["odds_ratio"] is not None:
                    cell["or"] = fmt.number(x["odds_ratio"], 2, lang)
                    cell["or_interval"] = f"{fmt.number(x['or_lower'], 2, lang)} – {fmt.number(x['or_upper'], 2, lang)}"
                    # the clearest difference per class: an interval wholly above 1
                    if x["or_lower"] > 1 and x["odds_ratio"] > best.get(x["class"], (0.0, ""))[0]:
                        text = (f"{_('Groep', 'Group', lang)} {x['class']}: {_('vaker', 'more often', lang)} "
                                f"“{cat['label']}” {_('dan', 'than', lang)} “{c['reference']}” "
                                f"({c['label'].lower()}): odds ratio {cell['or']} "
                                f"({_('95%-interval', '95% interval', lang)} {cell['or_interval']}).")
                        best[x["class"]] = (x["odds_ratio"], text)
                cells.append(cell)
            rows.append({"label": cat["label"], "reference": cat["reference"],
                         "respondents": fmt.number(cat["respondents"], 0, lang) if cat["respondents"] else None,
                         "cells": cells})
        tables.append({"id": c["id"], "label": c["label"], "reference": c["reference"], "rows": rows})
    sentences = [best[k][1] for k in sorted(best)]
    withheld = sum(1 for c in res.covariates for cat in c["categories"] for x in cat["classes"]
                   if x["status"] != "published")
    return {"correction": res.correction, "correction_label": "BCH" if res.correction == "bch" else "ML",
            "respondents": fmt.number(res.respondents, 0, lang), "converged": res.converged,
            "tables": tables, "sentences": sentences, "withheld": withheld, "k": r.k,
            "records": [{"covariate": c["id"], "category": cat["code"], "label": cat["label"],
                         "reference": cat["reference"], **x} for c in res.covariates for cat in c["categories"]
                        for x in cat["classes"]]}


def _(nl: str, en: str, lang: str) -> str:
    return en if lang == "en" else nl


def small_area_result(site, w: repo.Wave, item: str, method: str, lang: str):
    from ...surveys import sae

    key = ("survey_sae", w.survey, w.wave, w.imported_at, item, method, lang)
    return site._cache.get(key, lambda: sae.small_area_shares(site.monitor, w, item, method, lang=lang,
                                                              direct_rows=[r for r in all_shares(site, w, lang)
                                                                           if r.item == item]))


def small_area_view(site, w: repo.Wave, item: str, gemeente: str, method: str, lang: str) -> dict:
    """Direct and Fay–Herriot model estimates per buurt side by side, model values flagged; a map of the model
    estimates."""
    res = small_area_result(site, w, item, method, lang)
    it = w.codebook.item(item)
    rows = sorted((r for r in res.rows if r.gemeente == gemeente), key=lambda r: r.name)
    table = []
    for r in rows:
        table.append({
            "code": r.area, "name": r.name, "band": r.respondents_band,
            "direct": fmt.number(r.direct, 1, lang) + " %" if r.direct is not None else None,
            "direct_interval": (f"{fmt.number(r.direct_lower, 1, lang)} – {fmt.number(r.direct_upper, 1, lang)} %"
                                if r.direct is not None else None),
            "direct_n": fmt.number(r.direct_respondents, 0, lang) if r.direct_respondents is not None else None,
            "direct_reason": r.direct_reason,
            "share": r.model, "lower": r.model_lower, "upper": r.model_upper, "status": r.status,
            "reason": r.model_reason, "imputed": r.imputed,
            "display": fmt.number(r.model, 1, lang) + " %" if r.model is not None else None,
            "interval": (f"{fmt.number(r.model_lower, 1, lang)} – {fmt.number(r.model_upper, 1, lang)} %"
                         if r.model is not None else None),
            "weight": fmt.number(100 * r.model_weight, 0, lang) + " %" if r.model_weight is not None else None})
    polarity = "neutral"
    if it.polarity != "none":
        polarity = "higher_is_worse" if it.sensitive == "share" else "higher_is_better"
    from ...surveys import sae

    labels = {}
    for c in res.covariates:
        ind = site.monitor.indicator(c)
        labels[c] = ind.label_en if lang == "en" else ind.label_nl
    view = {"item": {"id": it.id, "label": it.share_label(lang), "question": it.question_en if lang == "en" and
                     it.question_en else it.question, "counted": [it.category_label(c, lang) for c in it.share.codes]},
            "rows": table, "method": res.method, "covariates": [labels[c] for c in res.covariates],
            "areas_in_model": res.areas_in_model, "converged": res.converged,
            "sigma2_v": fmt.number(res.sigma2_v * 10000, 1, lang) if res.sigma2_v == res.sigma2_v else None,
            "n_model": sum(1 for r in table if r["share"] is not None),
            "n_direct": sum(1 for r in table if r["direct"] is not None),
            "n_suppressed": sum(1 for r in table if r["share"] is None),
            "min_n": sae.MIN_MODEL_N, "max_own": fmt.number(100 * sae.MAX_OWN_WEIGHT, 0, lang)}
    view["map"] = _map(site, w, table, "buurt", gemeente, polarity, lang) if w.area_level == "buurt" else None
    return view


def themes_view(site, w: repo.Wave, level: str, gemeente: str, lang: str) -> dict:
    """How residents describe a good quality of life: per area the share naming each theme of the open
    question (coded answers, never the text)."""
    from ...surveys import themes

    key = ("survey_themes", w.survey, w.wave, w.imported_at, lang)
    rows = site._cache.get(key, lambda: themes.theme_shares(site.monitor, w, lang=lang))
    it = themes.items(w.codebook)[0]
    levels = ("gebied", "stadsdeel") if level == "gebied" else (level,)
    ids = [t.id for t in it.themes] + [themes.OTHER]
    labels = {r.theme: r.label for r in rows}
    by_area: dict[str, dict] = {}
    for r in rows:
        if r.level not in levels or (r.gemeente != gemeente and level != "gemeente"):
            continue
        a = by_area.setdefault(r.area, {"code": r.area, "name": r.name, "cells": {}, "respondents": None})
        if r.share is not None:
            a["respondents"] = fmt.number(r.respondents, 0, lang)
            a["cells"][r.theme] = {"display": fmt.number(r.share, 1, lang) + " %",
                                   "interval": f"{fmt.number(r.lower, 1, lang)} – {fmt.number(r.upper, 1, lang)} %"}
        else:
            a["cells"][r.theme] = {"display": None, "reason": r.reason}
    summary = []
    for r in rows:
        if r.area == gemeente and r.share is not None and r.theme != themes.OTHER:
            summary.append((r.share, f"{fmt.number(r.share, 0, lang)} % {_('noemt', 'mention', lang)} "
                                     f"“{r.label.lower()}”"))
    summary.sort(key=lambda x: -x[0])
    return {"question": it.question_en if lang == "en" and it.question_en else it.question,
            "themes": [{"id": t, "label": labels.get(t, t)} for t in ids],
            "keywords": [{"label": t.name(lang), "keywords": ", ".join(t.keywords)} for t in it.themes],
            "areas": sorted(by_area.values(), key=lambda a: a["name"]), "level": level,
            "level_label": LEVEL_LABELS[level][1 if lang == "en" else 0], "summary": [s for _x, s in summary],
            "withheld": sum(1 for a in by_area.values() for c in a["cells"].values() if c["display"] is None),
            "records": [r.to_dict() for r in rows if r.level in levels
                        and (r.gemeente == gemeente or level == "gemeente")]}
