"""The published summary of a round: 'Wat we hoorden' beside 'Wat de cijfers zeggen', with the themes where
they diverge flagged. The figures are the area's profile (the same values and disclosure control as the
profile page); a theme counts as worse than the gemeente where more of its indicators are meaningfully worse
than better (the profile's own rule for a difference that matters)."""

from __future__ import annotations

from ..core.model import Aggregation
from ..web import i18n
from ..web.situation import views as situation
from . import service


def figures(site, rnd: service.Round, lang: str = "nl") -> dict[str, dict]:
    """Per theme of the round: the area's figures against the gemeente, and the verdict worse/better/alike."""
    region = site.region(rnd.area_code, rnd.boundary_year)
    view = situation.profile_view(site, region, lang)
    out: dict[str, dict] = {}
    for theme in rnd.themes:
        rows = []
        worse = better = 0
        for r in view["rows"]:
            if r["theme"] != theme or r["value"] is None or r["gemeente_value"] is None:
                continue
            ind = r["_indicator"]
            if ind.aggregation == Aggregation.SUM:  # a count (inhabitants, crimes) is not comparable to a gemeente
                continue
            verdict = "gelijk"
            if r["polarity"] != "neutral" and situation.meaningful(ind, r["value"], r["gemeente_value"]):
                higher = r["value"] > r["gemeente_value"]
                good = higher == (r["polarity"] == "higher_is_better")
                verdict = "beter" if good else "slechter"
                worse += not good
                better += good
            rows.append({"indicator": r["indicator"], "label": r["label"], "display": r["display"],
                         "gemeente_display": r["gemeente_display"], "period": r["period"], "verdict": verdict})
        rows.sort(key=lambda x: ({"slechter": 0, "beter": 1, "gelijk": 2}[x["verdict"]], x["label"]))
        state = ("onbekend" if not rows else "slechter" if worse > better else "beter" if better > worse
                 else "gelijk")
        out[theme] = {"theme": theme, "label": i18n.theme(theme, lang), "state": state, "worse": worse,
                      "better": better, "rows": rows[:4], "n_indicators": len(rows)}
    return out


STATE_NL = {"slechter": "slechter dan de gemeente", "beter": "beter dan de gemeente",
            "gelijk": "ongeveer als de gemeente", "onbekend": "geen cijfers voor dit gebied"}
STATE_EN = {"slechter": "worse than the municipality", "beter": "better than the municipality",
            "gelijk": "about the same as the municipality", "onbekend": "no figures for this area"}


def summary(site, rnd: service.Round, lang: str = "nl") -> dict:
    """The summary the round's public page and ``/v1`` show. Unmoderated input is not in it."""
    heard = service.heard(site.monitor.store, rnd)
    figs = figures(site, rnd, lang)
    states = STATE_EN if lang == "en" else STATE_NL
    n_themes = len(rnd.themes)
    rows = []
    by_heard = {t["theme"]: t for t in heard["themes"]}
    for theme in ([t["theme"] for t in heard["themes"]] or rnd.themes):
        h = by_heard.get(theme)
        f = figs[theme]
        flag = None
        if h is not None:
            top = h["position"] <= max(1, n_themes // 3)
            bottom = h["position"] > n_themes - max(1, n_themes // 3)
            if top and f["state"] == "beter":
                flag = ("Inwoners zetten dit thema vooraan, maar de cijfers zijn hier beter dan in de gemeente."
                        if lang != "en" else "Residents put this theme first, but the figures are better here "
                        "than in the municipality.")
            elif bottom and f["state"] == "slechter":
                flag = ("De cijfers zijn hier slechter dan in de gemeente, maar inwoners zetten dit thema achteraan."
                        if lang != "en" else "The figures are worse here than in the municipality, but residents "
                        "put this theme last.")
        rows.append({"theme": theme, "label": f["label"], "heard": h, "figures": f,
                     "figures_state": states[f["state"]], "diverges": flag})
    return {"round": rnd.to_dict(), "heard": {k: v for k, v in heard.items() if k != "themes"}, "rows": rows,
            "n_diverging": sum(1 for r in rows if r["diverges"])}


def records(view: dict) -> list[dict]:
    """One row per theme (the CSV twin of the summary)."""
    out = []
    for r in view["rows"]:
        h = r["heard"] or {}
        out.append({"ronde": view["round"]["id"], "thema": r["theme"], "plaats_inwoners": h.get("position"),
                    "punten": h.get("score"), "op_een": h.get("first"), "in_top3": h.get("top3"),
                    "cijfers": r["figures"]["state"], "verschil": r["diverges"] or ""})
    return out


CSV = ["ronde", "thema", "plaats_inwoners", "punten", "op_een", "in_top3", "cijfers", "verschil"]
