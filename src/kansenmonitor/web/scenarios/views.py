"""What the scenario pages show: form options, the form → scenario document, and the tables of a view.
The arithmetic is in :mod:`kansenmonitor.scenarios`; this module only arranges it for the templates."""

from __future__ import annotations

import re

from ...core.model import Aggregation
from ...scenarios.model import RATINGS

N_MEASURES = 3
N_ASSUMPTIONS = 3
GEMEENTEN = ("GM0153", "GM0141", "GM0164")  # Enschede first, then the Regio Deal partners

MEASURE_FIELDS = ("interventie", "naam", "doelgroep", "doelgroep_indicator", "doelgroep_omvang", "doelgroep_bron",
                  "bereik", "kosten", "looptijd", "startjaar", "indicator", "bevolking_indicator")
EFFECT_FIELDS = ("waarde", "laag", "hoog", "standaardfout", "bron", "oordeel", "aanname", "toelichting", "evaluatie",
                 "bereik_in_evaluatie")
ASSUMPTION_FIELDS = ("context", "mechanisme", "uitkomst", "indicator")

#: the words an issue uses for a field → the form field's name
_ISSUE_FIELD = {"bereik": "bereik", "kosten": "kosten", "looptijd": "looptijd", "naam": "naam",
                "doelgroep": "doelgroep", "doelgroep (aantal)": "doelgroep_indicator",
                "omvang doelgroep": "doelgroep_omvang", "bron omvang doelgroep": "doelgroep_bron",
                "indicator": "indicator", "bevolking (aantal)": "bevolking_indicator", "startjaar": "startjaar",
                "interventie": "interventie", "effect: waarde": "effect_waarde", "effect: laag": "effect_laag",
                "effect: hoog": "effect_hoog", "effect: laag en hoog": "effect_laag",
                "effect: standaardfout": "effect_standaardfout", "effect: bron": "effect_bron",
                "effect: oordeel": "effect_oordeel", "effect: aanname": "effect_aanname",
                "effect: evaluatie": "effect_evaluatie", "effect: bereik in de evaluatie": "effect_bereik_in_evaluatie",
                "context": "context", "mechanisme": "mechanisme", "uitkomst": "uitkomst"}


def field_anchor(issue_field: str | None) -> str | None:
    """The id of the form field an issue is about (``maatregel 2: bereik`` → ``m2_bereik``)."""
    if not issue_field:
        return None
    m = re.match(r"^(maatregel|aanname) (\d+): (.+)$", issue_field)
    if m:
        prefix = "m" if m.group(1) == "maatregel" else "a"
        key = _ISSUE_FIELD.get(m.group(3))
        return f"{prefix}{m.group(2)}_{key}" if key else None
    return {"naam": "naam", "gebied": "gebied_code", "gebied: code": "gebied_code", "gebied: buurten": "gebied_buurten",
            "gebied: naam": "gebied_naam", "aannames": "a1_context", "maatregelen": "m1_naam"}.get(issue_field)


def _blank(values: dict) -> bool:
    return not any(str(v).strip() for k, v in values.items() if k not in ("aanname",))


def form_to_doc(form) -> dict:
    """The posted form as a scenario document (the same Dutch keys as a YAML file); empty blocks are left out."""
    doc: dict = {"naam": form.get("naam"), "toelichting": form.get("toelichting")}
    code = (form.get("gebied_code") or "").strip()
    buurten = (form.get("gebied_buurten") or "").strip()
    doc["gebied"] = ({"naam": form.get("gebied_naam"), "buurten": buurten} if buurten and not code
                     else {"code": code} if code else {})
    measures = []
    for n in range(1, N_MEASURES + 1):
        raw = {f: (form.get(f"m{n}_{f}") or "") for f in MEASURE_FIELDS}
        effect = {f: (form.get(f"m{n}_effect_{f}") or "") for f in EFFECT_FIELDS}
        if _blank(raw) and _blank(effect):
            continue
        m = {k: v for k, v in raw.items() if str(v).strip()}
        m["effect"] = {k: v for k, v in effect.items() if str(v).strip()}
        measures.append(m)
    doc["maatregelen"] = measures
    assumptions = []
    for n in range(1, N_ASSUMPTIONS + 1):
        raw = {f: (form.get(f"a{n}_{f}") or "") for f in ASSUMPTION_FIELDS}
        if not _blank(raw):
            assumptions.append({k: v for k, v in raw.items() if str(v).strip()})
    doc["aannames"] = assumptions
    return doc


def form_options(site, lang: str) -> dict:
    def load():
        from ...programme import available_ids, load_programme

        monitor = site.monitor
        areas = []
        labels = {"wijk": ("Wijken", "Districts"), "buurt": ("Buurten", "Neighbourhoods"),
                  "stadsdeel": ("Stadsdelen", "City districts"), "gebied": ("Focusgebieden en eigen gebieden",
                                                                          "Focus areas and own areas")}
        for level in ("gebied", "stadsdeel", "wijk", "buurt"):
            regs = [r for r in monitor.regions(level=level) if (r.gemeente in GEMEENTEN or
                                                                (r.parent or "") in GEMEENTEN)]
            latest: dict[str, object] = {}
            for r in sorted(regs, key=lambda r: r.boundary_year):
                latest[r.code] = r
            if latest:
                areas.append({"label": labels[level][lang == "en"], "options": [
                    {"code": r.code, "name": r.name} for r in sorted(latest.values(), key=lambda r: r.name)]})
        outcomes, counts = [], []
        for ind in sorted(monitor.catalogue, key=lambda i: i.label(lang)):
            entry = {"id": ind.id, "label": f"{ind.label(lang)} ({ind.unit})"}
            (counts if ind.aggregation == Aggregation.SUM else outcomes).append(entry)
        interventions = []
        for pid in available_ids():
            try:
                prog = load_programme(pid)
            except Exception:  # a broken stored programme must not break the form
                continue
            interventions.append({"label": prog.name, "options": [
                {"value": f"{prog.id}:{i.id}", "name": i.name} for i in prog.interventions]})
        evaluations = sorted(monitor.store.documents("evaluation"))
        return {"areas": areas, "outcomes": outcomes, "counts": counts, "interventions": interventions,
                "evaluations": evaluations}

    opts = site.cached_view(("scenario-form", lang), load)
    return {**opts, "ratings": [{"id": k, "label": v[lang == "en"]} for k, v in RATINGS.items()]}


def view_records(view: dict) -> list[dict]:
    """One row per outcome (the CSV/Excel twin of a scenario page)."""
    out = []
    for o in view["outcomes"]:
        c = o.get("change") or {}
        e = o.get("expected") or {}
        ranks = (o.get("ranks") or {}).get("rows") or []
        out.append({"scenario": view["id"], "area": view["area"]["name"], "indicator": o["indicator"],
                    "label": o["label"], "population": o["population"], "baseline": o["baseline"],
                    "baseline_period": o["baseline_period"], "change": c.get("verwacht"), "change_low": c.get("laag"),
                    "change_high": c.get("hoog"), "expected": e.get("verwacht"), "expected_low": e.get("laag"),
                    "expected_high": e.get("hoog"), "draws": c.get("trekkingen"),
                    "rank_before": "; ".join(str(r["before"]) for r in ranks) or None,
                    "rank_after": "; ".join(str(r["after"]) for r in ranks) or None,
                    "cost": view["totals"]["cost"], "reach": view["totals"]["reach"]})
    return out


VIEW_CSV = ["scenario", "area", "indicator", "label", "population", "baseline", "baseline_period", "change",
            "change_low", "change_high", "expected", "expected_low", "expected_high", "draws", "rank_before",
            "rank_after", "cost", "reach"]
LIST_CSV = ["id", "name", "area", "measures", "created_at", "adopted_programme"]


def list_items(scenarios) -> list[dict]:
    return [{"id": s.id, "name": s.name, "area": s.area.name, "area_kind": s.area.kind, "measures": len(s.measures),
             "created_at": (s.created_at or "")[:10], "adopted_programme": (s.adopted or {}).get("programme")}
            for s in scenarios]
