"""View models for the evaluation pages and API: from query parameters to a panel, its design checks and
an estimate. Shared by the HTML pages (``routes_evaluation``) and the ``/v1/evaluaties`` resources.

Every problem with the input becomes a :class:`~kansenmonitor.web.app.BadParameter` that names the query
parameter to change; nothing is stored on bad input.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

import numpy as np

from ...analysis.evaluation import METHODS, Panel, evaluate, minimal_detectable_effect
from ...analysis.evaluation.design import design_report, pre_periods
from ...analysis.evaluation.interpret import fmt_number
from ...core.errors import UnknownIndicatorError, ValidationError
from ...panels import panel_frame, placebo_reason, placebo_text, places_to_treatment
from .. import graphics
from ..app import BadParameter
from ..service import Site

KIND = "evaluation"
DECISION_KIND = "decision"
LEVELS = ("buurt", "wijk", "gebied", "school")
CONTROLS = ("never", "notyet")
POOLS = ("gemeente", "vergelijkbaar")
MAX_BOOTSTRAP = 999
MAX_K = 50
#: Names that are pages or resources themselves, so no saved evaluation may have them.
RESERVED = {"nieuw", "resultaat", "ontwerp", "schatting"}
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")

METHOD_LABEL = {
    "did": ("verschil-in-verschillen (2x2)", "difference-in-differences (2x2)"),
    "cs": ("gespreide start (Callaway & Sant'Anna)", "staggered adoption (Callaway & Sant'Anna)"),
    "scm": ("synthetische controle", "synthetic control"),
    "sdid": ("synthetische verschil-in-verschillen", "synthetic difference-in-differences"),
    "ascm": ("aangevulde synthetische controle", "augmented synthetic control"),
    "its": ("onderbroken tijdreeks (zwakker bewijs)", "interrupted time series (weaker evidence)"),
}
CONTROL_LABEL = {
    "never": ("gebieden die nooit meedoen", "areas that never take part"),
    "notyet": ("ook gebieden die later beginnen", "also areas that start later"),
}
POOL_LABEL = {
    "gemeente": ("alle gebieden van de gemeente(n)", "all areas of the municipality (or municipalities)"),
    "vergelijkbaar": ("de meest vergelijkbare gebieden", "the most similar areas"),
}
#: Engine field → the query parameter a user changes to fix it.
FIELD_PARAM = {"treated_from": "start", "time": "start", "outcome": "indicator", "indicator": "indicator",
               "treated": "interventie", "unit": "gebied", "control": "controle", "weights": "methode",
               "honest_did": "gevoeligheid", "leave_one_out": "weglaten"}


def label(table: dict, key: str, lang: str) -> str:
    nl, en = table[key]
    return en if lang == "en" else nl


# -- the set-up ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Spec:
    """What to evaluate, as read from the query string (or a posted form)."""

    programme: str | None
    intervention: str | None
    codes: tuple[str, ...]
    indicator: str
    level: str
    start: int
    method: str
    control: str
    pool: str
    k: int
    gemeenten: tuple[str, ...]
    bootstrap: int
    seed: int
    honest_did: bool = False  # cs: the Rambachan & Roth sensitivity to the trend
    leave_one_out: bool = False  # scm: refit without each comparison area with a weight

    def query(self) -> list[tuple[str, str]]:
        """The query string that gives this set-up again (shareable)."""
        out: list[tuple[str, str]] = []
        if self.programme:
            out += [("programma", self.programme), ("interventie", self.intervention or "")]
        out += [("gebied", c) for c in self.codes]
        out += [("indicator", self.indicator), ("niveau", self.level), ("start", str(self.start)),
                ("methode", self.method), ("controle", self.control), ("vergelijking", self.pool),
                ("k", str(self.k))]
        out += [("gemeente", g) for g in self.gemeenten]
        out += [("bootstrap", str(self.bootstrap)), ("seed", str(self.seed))]
        if self.honest_did:
            out.append(("gevoeligheid", "1"))
        if self.leave_one_out:
            out.append(("weglaten", "1"))
        return out

    def query_string(self) -> str:
        return urlencode(self.query())


def _get(params, name: str) -> str | None:
    raw = params.get(name)
    return raw.strip() if isinstance(raw, str) and raw.strip() else None


def _getlist(params, name: str) -> list[str]:
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]
    out: list[str] = []
    for v in values:
        for part in re.split(r"[\s,]+", v or ""):
            if part and part not in out:
                out.append(part)
    return out


def _int_param(params, name: str, default: int | None, lo: int | None = None, hi: int | None = None) -> int | None:
    raw = _get(params, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, f"'{raw}' is geen geheel getal", f"'{raw}' is not a whole number") from None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise BadParameter(name, f"{value} kan niet; kies een getal van {lo} tot en met {hi}",
                           f"{value} is not possible; choose a number from {lo} to {hi}")
    return value


def _choice(params, name: str, options, default: str) -> str:
    raw = _get(params, name)
    if raw is None:
        return default
    if raw not in options:
        raise BadParameter(name, f"'{raw}' kan niet; kies uit {', '.join(options)}",
                           f"'{raw}' is not possible; choose from {', '.join(options)}")
    return raw


def _flag(params, name: str) -> bool:
    """A checkbox: absent or empty is off; 1, on, ja/true is on; anything else is refused."""
    value = _get(params, name)
    if value is None:
        return False
    if value.lower() in ("1", "on", "ja", "true", "yes"):
        return True
    if value.lower() in ("0", "off", "nee", "false", "no"):
        return False
    raise BadParameter(name, f"'{value}' is geen geldige keuze; zet het vinkje aan of uit",
                       f"'{value}' is not a valid choice; tick or untick the box")


def submitted(params) -> bool:
    """Whether the set-up form was filled in (an intervention or region codes were given)."""
    return bool(_get(params, "interventie") or _getlist(params, "gebied"))


def parse_spec(site: Site, params: Mapping) -> Spec:
    """Read and check the set-up; raises :class:`BadParameter` naming what to change."""
    from ...programme import load_programme

    programme = _get(params, "programma")
    intervention = _get(params, "interventie")
    codes = _getlist(params, "gebied")
    start = _int_param(params, "start", None, 1900, 2100)
    if intervention or programme:
        if codes:
            raise BadParameter("gebied", "kies een interventie óf eigen gebiedscodes, niet allebei",
                               "choose an intervention or your own area codes, not both")
        if not programme:
            raise BadParameter("programma", "kies het programma van de interventie",
                               "choose the programme of the intervention")
        if not intervention:
            raise BadParameter("interventie", f"kies een interventie uit programma '{programme}'",
                               f"choose an intervention from programme '{programme}'")
        try:
            prog = load_programme(programme)
        except KeyError as exc:
            raise BadParameter("programma", str(exc.args[0])) from None
        found = [i for i in prog.interventions if i.id == intervention]
        if not found:
            raise BadParameter("interventie", f"interventie '{intervention}' bestaat niet in programma "
                               f"'{programme}'; kies uit {', '.join(i.id for i in prog.interventions)}",
                               f"intervention '{intervention}' does not exist in programme '{programme}'; "
                               f"choose from {', '.join(i.id for i in prog.interventions)}")
        if start is None:
            start = found[0].start_year
    elif not codes:
        raise BadParameter("interventie", "kies een interventie of geef de codes van de gebieden met de maatregel",
                           "choose an intervention or give the codes of the areas with the measure")
    if start is None:
        raise BadParameter("start", "deze interventie heeft geen startjaar; vul het eerste jaar van de maatregel in",
                           "this intervention has no start year; fill in the first year of the measure")
    indicator = _get(params, "indicator")
    if indicator is None:
        raise BadParameter("indicator", "kies de uitkomst (een indicator); zie /indicatoren",
                           "choose the outcome (an indicator); see /indicatoren")
    level = _choice(params, "niveau", LEVELS, "buurt")
    if level == "school":
        from ...schools.repository import school_indicators

        if indicator not in school_indicators():
            raise BadParameter("indicator", "met scholen als eenheden is de uitkomst een schoolcijfer; kies er een "
                               "uit de groep 'Scholen'", "with schools as units the outcome is a school figure; "
                               "choose one from the group 'Schools'")
        if _get(params, "vergelijking") == "vergelijkbaar":
            raise BadParameter("vergelijking", "vergelijkbare gebieden zijn er voor buurten en wijken, niet voor "
                               "scholen; kies 'alle gebieden van de gemeente'", "similar areas exist for buurten and "
                               "wijken, not for schools; choose 'all areas of the municipality'")
    else:
        if level == "gebied" and _get(params, "vergelijking") == "vergelijkbaar":
            raise BadParameter("vergelijking", "vergelijkbare gebieden zijn er voor buurten en wijken, niet voor "
                               "eigen gebieden; kies 'alle gebieden van de gemeente'", "similar areas exist for "
                               "buurten and wijken, not for custom areas; choose 'all areas of the municipality'")
        try:
            site.catalogue[indicator]
        except UnknownIndicatorError:
            raise BadParameter("indicator", f"indicator '{indicator}' bestaat niet; zie /indicatoren",
                               f"indicator '{indicator}' does not exist; see /indicatoren") from None
    gemeenten = _getlist(params, "gemeente")
    known = site.codes()
    for g in gemeenten:
        if g not in known:
            raise BadParameter("gemeente", f"gemeente '{g}' is onbekend; zie /gebieden?niveau=gemeente",
                               f"municipality '{g}' is unknown; see /gebieden?niveau=gemeente")
    if level == "school" and codes:
        from ...schools.panel import school_treatment

        notes: list[str] = []
        school_treatment(site.monitor, codes, 0, notes)
        if notes:
            raise BadParameter("gebied", "; ".join(notes) + "; geef vestigingscodes (BRIN + 2 cijfers), zie /scholen",
                               "give school location codes (BRIN + 2 digits), see /scholen; in Dutch: "
                               + "; ".join(notes))
    else:
        for c in codes:
            if c not in known:
                raise BadParameter("gebied", f"gebied '{c}' is onbekend; zie /gebieden",
                                   f"area '{c}' is unknown; see /gebieden")
        if level == "gebied" and codes:
            from ...panels import area_treatment

            notes = []
            area_treatment(site.monitor, codes, 0, notes)
            if notes:
                raise BadParameter("gebied", "; ".join(notes) + "; met eigen gebieden als eenheden noemt u een "
                                   "stadsdeel of focusgebied, of kiest u niveau buurt of wijk", "with custom areas as "
                                   "units name a stadsdeel or focus area, or choose level buurt or wijk; in Dutch: "
                                   + "; ".join(notes))
    method = _choice(params, "methode", METHODS, "cs")
    honest = _flag(params, "gevoeligheid")
    loo = _flag(params, "weglaten")
    if honest and method not in ("cs", "did"):
        raise BadParameter("gevoeligheid", "de gevoeligheid voor de trend kan alleen bij de methodes 'gespreide start' "
                           "en 'verschil-in-verschillen'; kies een van die methodes of zet het vinkje uit",
                           "the sensitivity to the trend is only available with the methods 'staggered adoption' "
                           "and 'difference-in-differences'; choose one of those or untick the box")
    if loo and method != "scm":
        raise BadParameter("weglaten", "telkens één vergelijkingsgebied weglaten kan alleen bij de methode "
                           "'synthetische controle'; kies die methode of zet het vinkje uit", "leaving out one "
                           "comparison area at a time is only available with the method 'synthetic control'; choose "
                           "that method or untick the box")
    return Spec(
        programme=programme, intervention=intervention, codes=tuple(codes), indicator=indicator,
        level=level, start=start, honest_did=honest, leave_one_out=loo,
        method=method, control=_choice(params, "controle", CONTROLS, "notyet"),
        pool=_choice(params, "vergelijking", POOLS, "gemeente"), k=_int_param(params, "k", 10, 1, MAX_K),
        gemeenten=tuple(gemeenten), bootstrap=_int_param(params, "bootstrap", 199, 0, MAX_BOOTSTRAP),
        seed=_int_param(params, "seed", 1, 0, 2**31 - 1),
    )


_CLI_IN_PARENS = re.compile(r"\(--[a-z][a-z-]*(?: [^;)]*)?; ")
_CLI_ALONE = re.compile(r"\s*\(--[a-z][a-z-]*(?: [^;)]*)?\)")


_METHOD_TOKEN = re.compile(r"\s*\(methode (?:cs|did|scm|sdid|ascm|its)\)")
_METHOD_NAMED = re.compile(r"methode (?:cs|did|scm|sdid|ascm|its) \(([^)]*)\)")


def no_cli(text: str) -> str:
    """An engine text without the command-line options and method ids it names for CLI users: '(--method scm;
    synthetische controle)' reads '(synthetische controle)', '(--honest-did)' and '(methode ascm)' go, 'methode
    scm (synthetische controle)' reads "methode 'synthetische controle'"; a web page names no CLI options."""
    if not isinstance(text, str):
        return text
    text = _CLI_ALONE.sub("", _CLI_IN_PARENS.sub("(", text))
    return _METHOD_TOKEN.sub("", _METHOD_NAMED.sub(r"methode '\1'", text))


def _engine_error(exc: ValidationError, default: str = "start") -> BadParameter:
    issues = getattr(exc, "issues", [])
    param = next((FIELD_PARAM[i.field] for i in issues if i.field in FIELD_PARAM), default)
    text = "; ".join(i.message + (f" — {i.hint}" if i.hint else "") for i in issues) or str(exc)
    # English only when every issue has its English text (the engine's messages mostly do); otherwise the
    # English page says the reason is explained in Dutch only
    text_en = ("; ".join(i.message_en + (f" — {i.hint_en or i.hint}" if (i.hint_en or i.hint) else "")
                         for i in issues)
               if issues and all(getattr(i, "message_en", None) for i in issues) else None)
    return BadParameter(param, no_cli(text), no_cli(text_en) if text_en else None)


@dataclass
class Built:
    spec: Spec
    panel: Panel
    frame: object
    treated: dict
    comparison: list[dict]
    notes: list[str] = field(default_factory=list)
    source: dict = field(default_factory=dict)


def build(site: Site, spec: Spec, lang: str = "nl") -> Built:
    """The panel of a set-up: treated regions, the comparison pool and the outcome per year. The outcome is named
    by its label in ``lang``, so the plain-language interpretation reads the indicator's name, not its id."""
    monitor = site.monitor
    notes: list[str] = []
    places = list(spec.codes)
    if spec.intervention:
        from ...programme import load_programme

        item = next(i for i in load_programme(spec.programme).interventions if i.id == spec.intervention)
        places = [p.code for p in item.places if p.code]
    if spec.level == "school":
        return _build_schools(site, spec, places, lang)
    if spec.level == "gebied":
        return _build_areas(site, spec, places, lang)
    treated = places_to_treatment(monitor, places, spec.start, spec.level, notes)
    if not treated:
        raise BadParameter("interventie" if spec.intervention else "gebied",
                           f"geen van de plaatsen ({', '.join(places) or 'geen'}) is een {spec.level} of bevat "
                           f"{spec.level}en in de database; kies een ander niveau of andere gebieden"
                           + (f" ({'; '.join(notes)})" if notes else ""),
                           f"none of the places ({', '.join(places) or 'none'}) is a {spec.level} or contains one in "
                           f"the database; choose another level or other areas"
                           + (f" (in Dutch: {'; '.join(notes)})" if notes else ""))
    comparison_codes = None
    gemeenten = list(spec.gemeenten) or None
    if spec.pool == "vergelijkbaar":
        similar: list[str] = []
        for code in treated:
            try:
                region = site.region(code)
            except LookupError:
                continue
            result, _why = site.similar(region, k=spec.k)
            for n in (result.neighbours if result else []):
                if n.code not in treated and n.code not in similar:
                    similar.append(n.code)
        if not similar:
            raise BadParameter("vergelijking", "voor deze gebieden zijn geen vergelijkbare gebieden te berekenen; "
                               "kies 'alle gebieden van de gemeente'", "no similar areas can be computed for these "
                               "areas; choose 'all areas of the municipality'")
        comparison_codes = similar
        if gemeenten is None:
            gms = {site.region(c).gemeente for c in list(treated) + similar}
            gemeenten = sorted(g for g in gms if g)
    frame, panel = _panel(site, spec, lang, lambda: panel_frame(monitor, spec.indicator, spec.level, treated,
                                                                 gemeenten, comparison_codes))
    comparison = _comparison_units(frame, panel, treated)
    source = {"programme": spec.programme, "intervention": spec.intervention, "places": places,
              "indicator": spec.indicator, "level": spec.level, "start": spec.start, "treated": sorted(treated),
              "skipped_places": list(notes), "comparison_pool": spec.pool, "k": spec.k if spec.pool ==
              "vergelijkbaar" else None, "gemeenten": list(gemeenten or []), "control": spec.control,
              "bootstrap": spec.bootstrap, "seed": spec.seed, "comparison_units": comparison,
              "query": spec.query_string(), "placebo": placebo_of(spec),
              "treated_units": _treated_units(frame, treated), "dropped_units": _dropped_units(frame, panel)}
    return Built(spec, panel, frame, treated, comparison, notes, source)


def _panel(site: Site, spec: Spec, lang: str, make_frame):
    """The long frame from ``make_frame`` and its panel, the outcome named by its label; engine errors become
    a form error naming the field to change."""
    try:
        frame = make_frame()
        name = outcome_indicator(site, spec.indicator, spec.level).label(lang)
        panel = Panel.from_frame(frame.rename(columns={"outcome": name}), unit="unit", time="time",
                                 outcome=name, treated_from="treated_from")
    except ValidationError as exc:
        raise _engine_error(exc) from None
    return frame, panel


def _treated_units(frame, treated) -> list[dict]:
    """The treated units with their names (the chart and tables name them, not their codes)."""
    names = dict(zip(frame["unit"], frame["unit_name"], strict=True))
    return [{"code": str(u), "name": names.get(u, str(u))} for u in sorted(treated)]


def _dropped_units(frame, panel: Panel) -> list[dict]:
    """The units left out of the balanced panel, with their names (the notes that list them say names)."""
    kept = {str(u) for u in panel.wide().units}
    names = dict(zip(frame["unit"], frame["unit_name"], strict=True))
    return [{"code": str(u), "name": names[u]} for u in sorted(set(frame["unit"])) if str(u) not in kept]


def _comparison_units(frame, panel: Panel, treated) -> list[dict]:
    """The comparison units that stayed in the balanced panel, with their names."""
    kept = {str(u) for u in panel.wide().units}
    names = dict(zip(frame["unit"], frame["unit_name"], strict=True))
    return [{"code": u, "name": names.get(u, u)} for u in sorted(set(frame["unit"]) - set(treated)) if u in kept]


def placebo_of(spec: Spec) -> dict | None:
    """Whether this set-up measures before the measure began (see :func:`kansenmonitor.panels.placebo_reason`)."""
    if not spec.intervention:
        return None
    from ...programme import load_programme

    item = next((i for i in load_programme(spec.programme).interventions if i.id == spec.intervention), None)
    return placebo_reason(item, spec.start) if item is not None else None


def source_names(site: Site, source: dict, lang: str) -> dict:
    """Readable names for the ids in an evaluation's source (live or saved): programme, intervention, outcome.
    An id that no longer resolves (a programme removed since) is shown as it was stored."""
    out = {"programme": source.get("programme"), "intervention": source.get("intervention"),
           "indicator": source.get("indicator")}
    if source.get("programme"):
        from ...programme import load_programme

        try:
            prog = load_programme(source["programme"])
            out["programme"] = prog.name
            item = next((i for i in prog.interventions if i.id == source.get("intervention")), None)
            if item is not None:
                out["intervention"] = item.name
        except Exception:  # noqa: BLE001 - a removed or broken programme keeps its stored id
            pass
    if source.get("indicator"):
        try:
            out["indicator"] = outcome_indicator(site, source["indicator"], source.get("level") or "buurt").label(lang)
        except (KeyError, UnknownIndicatorError):
            pass
    return out


def outcome_indicator(site: Site, indicator: str, level: str):
    """The outcome's indicator: from the catalogue, or the school catalogue when schools are the units."""
    if level == "school":
        from ...schools.repository import school_indicators

        return school_indicators()[indicator]
    return site.catalogue[indicator]


def _build_schools(site: Site, spec: Spec, places: list[str], lang: str) -> Built:
    """The panel with schools as units: the intervention's schools from its start, the other schools of the
    same sector in the gemeente(n) as comparison."""
    from ...schools.panel import school_panel, school_treatment
    from ...schools.repository import register

    notes: list[str] = []
    treated = school_treatment(site.monitor, places, spec.start, notes)
    if not treated:
        raise BadParameter("interventie" if spec.intervention else "gebied",
                           "geen van de plaatsen is een school uit het scholenregister; kies niveau buurt of wijk, "
                           "of noem de scholen als plaats van de interventie", "none of the places is a school in the "
                           "school register; choose level buurt or wijk, or name the schools as places of the "
                           "intervention")
    sectors = sorted(set(register(site.monitor, codes=list(treated))["sector"]))
    gemeenten = list(spec.gemeenten) or None
    frame, panel = _panel(site, spec, lang, lambda: school_panel(site.monitor, spec.indicator, treated, gemeenten,
                                                                  sectors=sectors, notes=notes))
    comparison = _comparison_units(frame, panel, treated)
    source = {"programme": spec.programme, "intervention": spec.intervention, "places": places,
              "indicator": spec.indicator, "level": "school", "start": spec.start, "treated": sorted(treated),
              "skipped_places": list(notes), "comparison_pool": "gemeente", "k": None,
              "gemeenten": list(gemeenten or []), "sectors": sectors, "control": spec.control,
              "bootstrap": spec.bootstrap, "seed": spec.seed, "comparison_units": comparison,
              "query": spec.query_string(), "placebo": placebo_of(spec),
              "treated_units": _treated_units(frame, treated), "dropped_units": _dropped_units(frame, panel)}
    return Built(spec, panel, frame, treated, comparison, notes, source)


def _build_areas(site: Site, spec: Spec, places: list[str], lang: str) -> Built:
    """The panel with own areas (stadsdelen, focus areas) as units, each as one whole: compared with the wijken
    and other own areas of the gemeente(n) that share no buurt with them."""
    from ...panels import area_panel, area_treatment

    notes: list[str] = []
    treated = area_treatment(site.monitor, places, spec.start, notes)
    if not treated:
        raise BadParameter("interventie" if spec.intervention else "gebied",
                           "geen van de plaatsen is een eigen gebied (stadsdeel of focusgebied); kies niveau buurt of "
                           "wijk, of noem een eigen gebied als plaats", "none of the places is a custom area "
                           "(stadsdeel or focus area); choose level buurt or wijk, or name a custom area as place")
    gemeenten = list(spec.gemeenten) or None
    frame, panel = _panel(site, spec, lang, lambda: area_panel(site.monitor, spec.indicator, treated, gemeenten,
                                                                notes=notes))
    comparison = _comparison_units(frame, panel, treated)
    source = {"programme": spec.programme, "intervention": spec.intervention, "places": places,
              "indicator": spec.indicator, "level": "gebied", "start": spec.start, "treated": sorted(treated),
              "skipped_places": list(notes), "comparison_pool": "gemeente", "k": None,
              "gemeenten": list(gemeenten or []), "control": spec.control,
              "bootstrap": spec.bootstrap, "seed": spec.seed, "comparison_units": comparison,
              "query": spec.query_string(), "placebo": placebo_of(spec),
              "treated_units": _treated_units(frame, treated), "dropped_units": _dropped_units(frame, panel)}
    return Built(spec, panel, frame, treated, comparison, notes, source)


# -- design checks ------------------------------------------------------------------------------------
def _num(x):
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def design_view(site: Site, built: Built, lang: str) -> dict:
    """The checks a user sees before any estimate: periods, counts, pre-trends and the MDE."""
    panel, spec = built.panel, built.spec
    ind = outcome_indicator(site, spec.indicator, spec.level)
    n_pre, n_post, _by_group = pre_periods(panel)
    wide = panel.wide()
    n_treated = int(wide.treated.sum())
    n_comparison = int((~wide.treated).sum())
    mde = mde_error = None
    try:
        m = minimal_detectable_effect(panel)
        mde = {"mde": _num(m.mde), "se": _num(m.se), "n_treated": m.n_treated, "n_control": m.n_control,
               "n_pre": m.n_pre, "n_post": m.n_post}
    except ValidationError as exc:
        mde_error = "; ".join(i.message for i in exc.issues) or str(exc)
    pretrend = balance = None
    if n_comparison >= 1:
        try:
            report = design_report(panel, control=spec.control)
            if report.pretrend is not None and report.pretrend.df > 0:
                pretrend = {"p_value": _num(report.pretrend.p_value), "df": report.pretrend.df,
                            "rejected": report.pretrend.rejected,
                            "adjusted": bool(report.pretrend.covariates)}
            if report.balance is not None and len(report.balance):
                balance = [{k: (_num(v) if k not in ("measure", "flagged") else
                                (bool(v) if k == "flagged" else v)) for k, v in row.items()}
                           for row in report.balance.to_dict(orient="records")]
        except ValidationError:
            pretrend = None
    # outcome per year: mean over the units with and without the measure (the 0-meting and after)
    times = [int(t) for t in wide.times]
    means = []
    for j, t in enumerate(times):
        col = wide.y[:, j]
        tr = col[wide.treated]
        co = col[~wide.treated]
        means.append({"year": t, "treated_mean": _num(np.nanmean(tr)) if tr.size else None,
                      "comparison_mean": _num(np.nanmean(co)) if co.size else None, "before_start": t < spec.start})

    def fmt(v):
        return fmt_number(v, lang)

    nl_en = {"treated": ("met maatregel", "with the measure"), "comparison": ("vergelijking", "comparison")}
    series = {label(nl_en, "treated", lang): [(r["year"], r["treated_mean"]) for r in means
                                             if r["treated_mean"] is not None]}
    if n_comparison:
        series[label(nl_en, "comparison", lang)] = [(r["year"], r["comparison_mean"]) for r in means
                                                    if r["comparison_mean"] is not None]
    chart = graphics.line_chart(series, fmt) if any(len(v) >= 2 for v in series.values()) else None
    mde_text = None
    if mde and mde["mde"] is not None:
        x = fmt(mde["mde"])
        mde_text = (f"With these data you cannot see an effect smaller than {x} {ind.unit}. A smaller effect "
                    f"may exist, but this comparison would not show it."
                    if lang == "en" else
                    f"Met deze gegevens kunt u een effect kleiner dan {x} {ind.unit} niet zien. Een kleiner "
                    f"effect kan er wel zijn, maar deze vergelijking laat het niet zien.")
    return {
        "indicator": {"id": ind.id, "label": ind.label(lang), "unit": ind.unit},
        "level": spec.level, "start": spec.start, "years": times,
        "n_pre_periods": n_pre, "n_post_periods": n_post, "n_treated": n_treated, "n_comparison": n_comparison,
        "treated": [{"code": c, "name": _name(site, c)} for c in sorted(built.treated)],
        "comparison": built.comparison, "skipped_places": built.notes,
        "dropped_units": [_name(site, str(u)) for u in wide.dropped], "dropped_codes": [str(u) for u in wide.dropped],
        "mde": mde, "mde_text": mde_text, "mde_error": mde_error, "pretrend": pretrend, "balance": balance,
        "pre_trend_data": means, "_chart": chart,
    }


def _name(site: Site, code: str) -> str:
    try:
        return site.region(code).name
    except LookupError:
        return code


# -- the estimate -------------------------------------------------------------------------------------
def estimate(built: Built, lang: str):
    spec = built.spec
    try:
        options: dict = {}
        if spec.method in ("cs", "did") and spec.honest_did:
            options["honest_did"] = True
        if spec.method == "scm" and spec.leave_one_out:
            options["leave_one_out"] = True
        return evaluate(built.panel, method=spec.method, control=spec.control, bootstrap=spec.bootstrap,
                        seed=spec.seed, **options)
    except ValidationError as exc:
        raise _engine_error(exc, "methode") from None


def result_view(result_dict: dict, source: dict, lang: str) -> dict:
    """A result (``EffectResult.to_dict`` form, live or saved) as a page: estimate, chart, comparison table."""
    r = result_dict

    def fmt(v):
        return fmt_number(v, lang)

    method = r.get("method")
    effect: dict[str, list] = {}
    chart_kind = None
    rows: list[dict] = []
    if method == "cs" and r.get("event_study"):
        chart_kind = "event"
        rows = [{"x": int(e["event_time"]), "estimate": e.get("estimate"), "ci_low": e.get("ci_low"),
                 "ci_high": e.get("ci_high")} for e in r["event_study"]]
    elif method == "did" and (r.get("design") or {}).get("pretrend"):
        chart_kind = "event"
        rows = [{"x": int(e["event_time"]), "estimate": e.get("estimate"), "ci_low": e.get("ci_low"),
                 "ci_high": e.get("ci_high")} for e in r["design"]["pretrend"].get("plot_data") or []]
    elif method == "scm" and r.get("gaps"):
        chart_kind = "levels"
        unit_names = treated_names(source)
        rows = sorted(({"unit": str(g.get("treated_unit", "")), "x": int(g["time"]), "observed": g.get("treated"),
                        "counterfactual": g.get("synthetic")} for g in r["gaps"]),
                      key=lambda row: (unit_names.get(row["unit"], row["unit"]), row["x"]))
        for row in rows:
            row["unit_name"] = unit_names.get(row["unit"], row["unit"])
    elif method == "sdid" and r.get("series"):
        chart_kind = "levels"
        rows = [{"x": int(g["time"]), "observed": g.get("treated"), "counterfactual": g.get("counterfactual")}
                for g in r["series"]]
    elif method == "ascm" and r.get("gaps"):
        chart_kind = "levels"
        rows = [{"x": int(g["time"]), "observed": g.get("treated"), "counterfactual": g.get("synthetic")}
                for g in r["gaps"]]
    elif method == "its" and r.get("series"):
        chart_kind = "levels"
        rows = [{"x": int(g["time"]), "observed": g.get("observed"), "counterfactual": g.get("counterfactual")}
                for g in r["series"]]
    names_event = {"estimate": ("effect", "effect"), "ci_low": ("95%-interval, onder", "95% interval, low"),
                   "ci_high": ("95%-interval, boven", "95% interval, high")}
    names_levels = {"observed": ("gemeten", "observed"),
                    "counterfactual": ("zonder maatregel (geschat)", "without the measure (estimated)")}
    names = names_event if chart_kind == "event" else names_levels
    for key in names:
        pts = [(row["x"], row[key]) for row in rows if row.get(key) is not None]
        if pts:
            effect[label(names, key, lang)] = pts
    unit_charts = []
    if method == "scm" and rows:
        unit_charts = _scm_unit_charts(rows, {"observed": ("gemeten", "observed"),
                                              "counterfactual": ("zonder maatregel", "without the measure")}, fmt, lang)
        effect = {}  # one chart per treated unit (or their mean) instead of all units on one line
    chart = graphics.line_chart(effect, fmt) if any(len(v) >= 2 for v in effect.values()) else None
    donors = []
    if method == "scm" and r.get("weights"):
        names_by_code = {u["code"]: u["name"] for u in source.get("comparison_units", [])}
        unit_names = treated_names(source)
        donors = [{"treated_unit": w["treated_unit"], "treated_name": unit_names.get(str(w["treated_unit"]),
                                                                                     str(w["treated_unit"])),
                   "code": w["donor"], "name": names_by_code.get(w["donor"], w["donor"]), "weight": w["weight"]}
                  for w in r["weights"] if (w.get("weight") or 0) >= 0.001]
        donors.sort(key=lambda d: (d["treated_name"], -d["weight"]))
    mix = r.get("unit_weights") if method == "sdid" else r.get("weights") if method == "ascm" else None
    if mix:
        names_by_code = {u["code"]: u["name"] for u in source.get("comparison_units", [])}
        treated = ", ".join(treated_names(source).values())
        donors = [{"treated_unit": "", "treated_name": treated, "code": w["donor"],
                   "name": names_by_code.get(w["donor"], w["donor"]), "weight": w["weight"]}
                  for w in mix if abs(w.get("weight") or 0) >= 0.001]
        donors.sort(key=lambda d: -abs(d["weight"]))
    balance, placebo_chart = ([], None) if method != "scm" else _scm_view(r, fmt, lang, treated_names(source))
    ci = None
    if r.get("ci_low") is not None and r.get("ci_high") is not None:
        ci = [r["ci_low"], r["ci_high"]]
    honest = _honest_view(r.get("honest_did"), lang)
    honest_rm = _honest_rm_view(r.get("honest_did_rm"), lang) if honest else None
    leave_out = _leave_one_out_view(r.get("leave_one_out") if method == "scm" else None, source)
    interpretation = r.get("interpretation")
    placebo = source.get("placebo")
    if placebo:
        interpretation = placebo_text(placebo, r, source.get("start"), lang)
    return {
        "placebo": placebo, "technical_interpretation": r.get("interpretation") if placebo else None,
        "method": method, "method_label": label(METHOD_LABEL, method, lang) if method in METHOD_LABEL else method,
        "outcome": r.get("outcome"), "estimate": r.get("estimate"), "se": r.get("se"), "ci": ci,
        "p_value": r.get("p_value"), "significant": r.get("significant"), "n_units": r.get("n_units"),
        "n_treated": r.get("n_treated"), "n_periods": r.get("n_periods"), "evidence": r.get("evidence"),
        "warnings": r.get("warnings", []), "interpretation": interpretation,
        # what the page prints: the same texts with the units' names instead of their codes (the data twins keep
        # the engine's texts)
        "_warning_texts": [_named(w.get("text", "") if isinstance(w, dict) else str(w), source)
                           for w in r.get("warnings", [])],
        "_interpretation": _named(interpretation, source),
        "chart_kind": chart_kind, "chart_rows": rows, "donors": donors, "balance": balance,
        "_honest": honest, "_honest_rm": honest_rm, "_leave_out": leave_out,
        "method_details": {k: r.get(k) for k in _DETAILS.get(method, ())},
        "_unit_charts": unit_charts, "per_unit": len({row.get("unit") for row in rows}) > 1,
        "_placebo": placebo_chart,
        "_chart": chart, "_fmt": {"estimate": fmt(r.get("estimate")), "se": fmt(r.get("se")),
                                  "ci_low": fmt(ci[0]) if ci else None, "ci_high": fmt(ci[1]) if ci else None},
    }


#: Method-specific figures the result view passes on (its JSON twin) besides the common ones.
_DETAILS = {
    "sdid": ("sc_estimate", "did_estimate", "se_method", "replications", "time_weights", "noise_level"),
    "ascm": ("lambda_", "scm_estimate", "pre_rmspe", "scm_pre_rmspe", "lambda_cv"),
    "scm": ("leave_one_out",),
    "cs": ("honest_did", "honest_did_rm"),
    "did": ("honest_did", "honest_did_rm"),
}


def _honest_view(h: dict | None, lang: str) -> dict | None:
    """The sensitivity to the trend as a small table (M, robust interval) and its sentence."""
    if not h or not h.get("table"):
        return None
    from types import SimpleNamespace

    import pandas as pd

    from ...analysis.evaluation.interpret import honest_did_sentence

    table = pd.DataFrame(h["table"])
    ns = SimpleNamespace(table=table, breakdown=h.get("breakdown"), breakdown_beyond=bool(h.get("breakdown_beyond")),
                         target=h.get("target", "average"),
                         m_scale=h.get("m_scale"))
    return {"rows": h["table"], "sentence": honest_did_sentence(ns, lang), "breakdown": h.get("breakdown")}


def _honest_rm_view(h: dict | None, lang: str) -> dict | None:
    """The sensitivity under relative magnitudes (Mbar, robust interval) and its sentence."""
    if not h or not h.get("table"):
        return None
    from types import SimpleNamespace

    from ...analysis.evaluation.interpret import honest_rm_sentence

    ns = SimpleNamespace(breakdown=h.get("breakdown"), breakdown_beyond=bool(h.get("breakdown_beyond")),
                         target=h.get("target", "average"), max_pre_change=h.get("max_pre_change"))
    return {"rows": h["table"], "sentence": honest_rm_sentence(ns, lang), "breakdown": h.get("breakdown")}


def _leave_one_out_view(rows: list | None, source: dict) -> list[dict]:
    """The refits without each comparison area: name, its weight, the effect without it."""
    if not rows:
        return []
    names_by_code = {u["code"]: u["name"] for u in source.get("comparison_units", [])}
    unit_names = treated_names(source)
    out = [{"treated_name": unit_names.get(str(x.get("treated_unit")), str(x.get("treated_unit"))),
            "name": names_by_code.get(str(x.get("donor")), str(x.get("donor"))), "code": x.get("donor"),
            "weight": x.get("weight"), "estimate": x.get("estimate")} for x in rows]
    out.sort(key=lambda d: (d["treated_name"], -(d["weight"] or 0)))
    return out


def _named(text, source: dict):
    """An engine's text with the codes of the units (areas, schools) replaced by their names."""
    if not isinstance(text, str):
        return text
    text = no_cli(text)
    names = {**{str(u["code"]): u["name"] for u in source.get("dropped_units") or []},
             **{str(u["code"]): u["name"] for u in source.get("comparison_units") or []}, **treated_names(source)}
    for code in sorted(names, key=len, reverse=True):
        if code in text and names[code] and names[code] != code:
            text = re.sub(rf"\b{re.escape(code)}\b", names[code], text)
    return text


#: up to this many treated units get a chart each; more get one chart of their mean (labelled as such)
MAX_UNIT_CHARTS = 6


def treated_names(source: dict) -> dict[str, str]:
    """code → name of the treated units of a set-up (saved evaluations from before names were kept: the code)."""
    return {str(u["code"]): u["name"] for u in source.get("treated_units") or []}


def _scm_unit_charts(rows: list[dict], names: dict, fmt, lang: str) -> list[dict]:
    """The synthetic-control chart per treated unit: its outcome against its synthetic twin, named; with more than
    :data:`MAX_UNIT_CHARTS` units one chart of the mean over the units per year, labelled as the mean."""
    units: dict[str, list[dict]] = {}
    for row in rows:
        units.setdefault(row["unit"], []).append(row)

    def chart_of(unit_rows):
        series = {}
        for key in ("observed", "counterfactual"):
            pts = [(row["x"], row[key]) for row in unit_rows if row.get(key) is not None]
            if pts:
                series[label(names, key, lang)] = pts
        return graphics.line_chart(series, fmt) if any(len(v) >= 2 for v in series.values()) else None

    out = []
    if len(units) <= MAX_UNIT_CHARTS:
        for i, (unit, unit_rows) in enumerate(units.items()):
            chart = chart_of(unit_rows)
            if chart:
                out.append({"id": f"effect-{i}", "name": unit_rows[0]["unit_name"], "code": unit, "chart": chart,
                            "mean_of": None})
        return out
    by_year: dict[int, dict[str, list[float]]] = {}
    for row in rows:
        for key in ("observed", "counterfactual"):
            if row.get(key) is not None:
                by_year.setdefault(row["x"], {}).setdefault(key, []).append(float(row[key]))
    mean_rows = [{"x": t, **{k: float(np.mean(v)) for k, v in d.items()}} for t, d in sorted(by_year.items())]
    chart = chart_of(mean_rows)
    name = (f"mean of the {len(units)} areas with the measure" if lang == "en"
            else f"gemiddelde van de {len(units)} gebieden met de maatregel")
    return [{"id": "effect-mean", "name": name, "code": None, "chart": chart, "mean_of": len(units)}] if chart else []


def _predictor_label(name: str, outcome: str | None, lang: str) -> str:
    """A balance-table predictor as people read it: the outcome by its word, not its id."""
    if outcome and (name == outcome or name.startswith(outcome + " ")):
        rest = name[len(outcome):].strip()
        word = "de uitkomst" if lang == "nl" else "the outcome"
        return f"{word.capitalize()} in {rest}" if rest else word.capitalize()
    return name


def _placebo_ratio(p: dict) -> float | None:
    """A placebo's post/pre RMSPE ratio from its JSON record, where an infinite ratio (a perfect fit before the
    start) arrives as None: that placebo counts as more unusual than any area, as the engine's p-value counts it."""
    if p.get("ratio") is not None:
        return float(p["ratio"])
    pre, post = p.get("pre_rmspe"), p.get("post_rmspe")
    return float("inf") if pre == 0 and post else None


def _scm_view(r: dict, fmt, lang: str, names: dict[str, str] | None = None) -> tuple[list[dict], dict | None]:
    """The predictor balance table and the in-space placebo chart of a synthetic control."""
    outcome = r.get("outcome")
    names = names or {}
    balance = [{"treated_unit": b["treated_unit"], "treated_name": names.get(str(b["treated_unit"]),
                                                                             str(b["treated_unit"])),
                "predictor": _predictor_label(b["predictor"], outcome, lang),
                "v": b.get("v"), "treated": b.get("treated"), "synthetic": b.get("synthetic"),
                "donor_mean": b.get("donor_mean")} for b in r.get("balance") or []]
    pg, gaps = r.get("placebo_gaps") or [], r.get("gaps") or []
    if not pg or not gaps:
        return balance, None
    first = gaps[0]["treated_unit"]
    series: dict[str, list[tuple[float, float]]] = {}
    for g in pg:
        if g["treated_unit"] == first and g.get("gap") is not None:
            series.setdefault(str(g["unit"]), []).append((float(g["time"]), float(g["gap"])))
    own_rows = [g for g in gaps if g["treated_unit"] == first and g.get("gap") is not None]
    own = [(float(g["time"]), float(g["gap"])) for g in own_rows]
    if len(own) < 2:
        return balance, None
    width, height, left, right, top, bottom = 560, 240, 64, 16, 14, 34
    times = sorted({t for t, _ in own})
    vals = [v for pts in series.values() for _, v in pts] + [v for _, v in own]
    lo, hi = min(vals), max(vals)
    pad = (hi - lo) * 0.08 or 1.0
    lo, hi = lo - pad, hi + pad
    t0, t1 = times[0], times[-1]

    def x(t):
        return left + (t - t0) / ((t1 - t0) or 1) * (width - left - right)

    def y(v):
        return top + (hi - v) / (hi - lo) * (height - top - bottom)

    def path(pts):
        return "M" + "L".join(f"{x(t):.1f},{y(v):.1f}" for t, v in sorted(pts))

    start = next((float(g["time"]) for g in gaps if g["treated_unit"] == first and g.get("event_time") == 0), None)
    step = max(1, len(times) // 8)
    pre = [float(g["gap"]) for g in own_rows if g["event_time"] < 0]
    post = [float(g["gap"]) for g in own_rows if g["event_time"] >= 0]
    own_ratio = float(np.sqrt(np.mean(np.square(post))) / np.sqrt(np.mean(np.square(pre)))) if pre and post else 0.0
    ratios = [_placebo_ratio(p) for p in r.get("placebos") or [] if p["treated_unit"] == first]
    rank = sum(1 for q in ratios if q is not None and q >= own_ratio)
    chart = {"width": width, "height": height, "left": left, "right": width - right, "bottom": height - bottom,
             "placebos": [path(pts) for pts in series.values() if len(pts) >= 2], "treated": path(own),
             "zero": round(y(0.0), 1) if lo < 0 < hi else None,
             "start": None if start is None else round(x(start), 1),
             "xticks": [{"x": round(x(t), 1), "label": str(int(t))} for t in times[::step]],
             "yticks": [{"y": round(y(v), 1), "label": fmt(v)} for v in np.linspace(lo, hi, 4)],
             "n_placebos": len(series), "rank": rank, "refit": r.get("placebo_v") == "refit",
             "unit": names.get(str(first), str(first)) if (r.get("n_treated") or 1) > 1 else None}
    return balance, chart


def chart_records(view: dict) -> list[dict]:
    return [{"x": row["x"], **{k: row.get(k) for k in ("unit", "unit_name", "estimate", "ci_low", "ci_high",
                                                       "observed", "counterfactual")}} for row in view["chart_rows"]]


CHART_CSV = ["unit", "unit_name", "x", "estimate", "ci_low", "ci_high", "observed", "counterfactual"]


# -- saved evaluations and decisions ------------------------------------------------------------------
def saved_body(name: str, built: Built, result, lang: str) -> dict:
    import json

    body = {"id": name, "saved_on": date.today().isoformat(), "method": built.spec.method,
            "control": built.spec.control, "seed": built.spec.seed, "source": built.source,
            "result": result.to_dict(lang=lang)}
    return json.loads(json.dumps(body, default=str))


def summary(name: str, body: dict) -> dict:
    src, res = body.get("source") or {}, body.get("result") or {}
    return {"name": name, "saved_on": body.get("saved_on"), "method": body.get("method"),
            "indicator": src.get("indicator"), "programme": src.get("programme"),
            "intervention": src.get("intervention"), "start": src.get("start"), "estimate": res.get("estimate"),
            "ci_low": res.get("ci_low"), "ci_high": res.get("ci_high"), "p_value": res.get("p_value")}


LIST_CSV = ["name", "saved_on", "method", "indicator", "programme", "intervention", "start", "estimate", "ci_low",
            "ci_high", "p_value"]


def citing_decisions(store, name: str, lang: str) -> list[dict]:
    """Decisions whose evidence names ``evaluation:{name}``, oldest first."""
    from ...programme.decisions import Decision

    out = []
    for body in store.documents(DECISION_KIND).values():
        if any(e.get("kind") == "evaluation" and e.get("ref") == name for e in body.get("evidence", [])):
            out.append(Decision.from_dict(body).to_dict(lang))
    return sorted(out, key=lambda d: (d["date"], d["id"]))


def check_name(store, name: str | None) -> str:
    if not name or not NAME_RE.match(name) or name in RESERVED:
        raise BadParameter("naam", "gebruik 1 tot 80 kleine letters, cijfers, '-' of '_', beginnend met een letter of "
                           f"cijfer (niet {', '.join(sorted(RESERVED))})", "use 1 to 80 lower-case letters, digits, '-' "
                           f"or '_', starting with a letter or digit (not {', '.join(sorted(RESERVED))})")
    if store.get_document(KIND, name) is not None:
        raise BadParameter("naam", f"er is al een evaluatie '{name}'; kies een andere naam",
                           f"there is already an evaluation '{name}'; choose another name")
    return name
