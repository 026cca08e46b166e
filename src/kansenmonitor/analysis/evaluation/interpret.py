"""Plain-language interpretation of an effect estimate (Dutch at B1 level, English on request).

The text never claims more than the design allows: a non-significant result says what effect could
not have been seen; a significant one names the assumption it rests on; a failed pre-trend test,
an interrupted time series and a synthetic control with few donors each get their own caution.
"""

from __future__ import annotations

import math

from .results import EffectResult

#: Warning codes whose text is repeated in the interpretation.
REPEATED_WARNINGS = (
    "ascm_extrapolation",
    "few_donors",
    "poor_prefit",
    "its_weak",
    "its_short_pre",
    "its_short_series",
    "unbalanced",
    "outside_hull",
    "in_time_placebo",
    "v_not_unique",
)


def fmt_number(x: float | None, lang: str = "nl") -> str:
    """Three significant digits, Dutch decimal comma for ``nl``."""
    if x is None or not math.isfinite(x):
        return "onbekend" if lang == "nl" else "unknown"
    if x == 0:
        return "0"
    digits = max(0, 2 - int(math.floor(math.log10(abs(x)))))
    s = f"{x:,.{digits}f}"
    if lang == "nl":
        s = s.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return s


def fmt_period(t) -> str:
    """A period as people write it: 2020, not 2020.0."""
    try:
        f = float(t)
    except (TypeError, ValueError):
        return str(t)
    return str(int(f)) if math.isfinite(f) and f == int(f) else str(t)


def fmt_p(p: float | None, lang: str = "nl") -> str:
    if p is None or not math.isfinite(p):
        return "onbekend" if lang == "nl" else "unknown"
    s = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
    return s.replace(".", ",") if lang == "nl" else s


def _design_sentence(r: EffectResult, lang: str) -> str:
    n_ctrl = r.n_units - r.n_treated
    if r.method == "did":
        if lang == "en":
            return (
                f"We compared how '{r.outcome}' changed in {r.n_treated} units with the measure and "
                f"{n_ctrl} units without it, before and after the start."
            )
        return (
            f"We vergeleken hoe '{r.outcome}' veranderde in {r.n_treated} eenheden met de maatregel en "
            f"{n_ctrl} eenheden zonder, vóór en na de start."
        )
    if r.method == "cs":
        ctrl = getattr(r, "control", "never")
        by_group = getattr(r, "by_group", None)
        starts = sorted(by_group["group"].unique()) if by_group is not None and "group" in by_group else []
        one_start = len(starts) == 1
        start = fmt_period(starts[0]) if one_start else ""
        if lang == "en":
            who = "never took part" if ctrl == "never" else "had not yet started at that time"
            when = f"that all started in {start}" if one_start else "that started at different times"
            return f"We compared how '{r.outcome}' changed in {r.n_treated} units {when} with units that {who}."
        who = "nooit meededen" if ctrl == "never" else "op dat moment nog niet begonnen waren"
        when = f"die allemaal in {start} begonnen" if one_start else "die op verschillende momenten begonnen"
        return (
            f"We vergeleken hoe '{r.outcome}' veranderde in {r.n_treated} eenheden {when}, met eenheden die {who}."
        )
    if r.method == "scm":
        n_d = getattr(r, "n_donors", n_ctrl)
        if lang == "en":
            return (
                f"We compared the unit with the measure with a 'synthetic' comparison: a weighted mix of "
                f"{n_d} units without the measure that resembled it as closely as possible before the start."
            )
        return (
            f"We vergeleken de eenheid met de maatregel met een 'synthetische' vergelijking: een gewogen mix "
            f"van {n_d} eenheden zonder maatregel die vóór de start zo goed mogelijk op de eenheid leek."
        )
    if r.method == "sdid":
        n_d = getattr(r, "n_donors", n_ctrl)
        if lang == "en":
            return (
                f"We compared the change in '{r.outcome}' in {r.n_treated} unit{'s' if r.n_treated != 1 else ''} with the measure with the change "
                f"in a weighted mix of {n_d} units without it (synthetic difference-in-differences): the mix and "
                "the years before the start that count most were chosen so that the two lines ran in parallel "
                "before the start."
            )
        return (
            f"We vergeleken de verandering van '{r.outcome}' in {r.n_treated} "
            f"{'eenheid' if r.n_treated == 1 else 'eenheden'} met de maatregel met "
            f"de verandering in een gewogen mix van {n_d} eenheden zonder maatregel (synthetische "
            "verschil-in-verschillen): de mix en de jaren vóór de start die het zwaarst tellen zijn zo gekozen "
            "dat beide lijnen vóór de start gelijk opliepen."
        )
    if r.method == "ascm":
        n_d = getattr(r, "n_donors", n_ctrl)
        if lang == "en":
            return (
                f"We compared the unit with the measure with a 'synthetic' comparison of {n_d} units without it, "
                "corrected for what the mix could not match before the start (augmented synthetic control)."
            )
        return (
            f"We vergeleken de eenheid met de maatregel met een 'synthetische' vergelijking van {n_d} eenheden "
            "zonder maatregel, gecorrigeerd voor wat de mix vóór de start niet kon nabootsen (aangevulde "
            "synthetische controle)."
        )
    if lang == "en":
        return (
            "There is no comparison group. We looked at whether '" + r.outcome + "' after the start deviates "
            "from the line of the years before."
        )
    return (
        "Er is geen vergelijkingsgroep. We keken of '" + r.outcome + "' na de start afwijkt van de lijn van "
        "de jaren ervoor."
    )


def interpret(r: EffectResult, lang: str = "nl") -> str:
    """Generate the plain-language text for a result."""
    en = lang == "en"
    parts = [_design_sentence(r, lang)]
    est, lo, hi = r.estimate, r.ci_low, r.ci_high
    has_ci = lo is not None and hi is not None and math.isfinite(lo) and math.isfinite(hi)
    n = lambda x: fmt_number(x, lang)  # noqa: E731
    interval = ""
    if has_ci:
        interval = f" (95% interval: {n(lo)} to {n(hi)})" if en else f" (95%-interval: {n(lo)} tot {n(hi)})"
    p_text = fmt_p(r.p_value, lang)
    mde = r.mde
    if r.p_value is None or not math.isfinite(r.p_value):
        parts.append(
            f"The estimated difference is {n(est)}; its uncertainty could not be determined."
            if en
            else f"Het geschatte verschil is {n(est)}; de onzekerheid kon niet worden bepaald."
        )
    elif r.significant:
        up = est > 0
        if en:
            parts.append(
                f"After the start, '{r.outcome}' was on average {n(abs(est))} {'higher' if up else 'lower'} "
                f"than expected without the measure{interval}. A difference this large rarely arises by chance "
                f"({p_text})."
            )
        else:
            parts.append(
                f"Na de start lag '{r.outcome}' gemiddeld {n(abs(est))} {'hoger' if up else 'lager'} dan "
                f"zonder maatregel verwacht{interval}. Zo'n groot verschil ontstaat zelden door toeval "
                f"({p_text})."
            )
        if r.evidence != "weak":
            parts.append(
                "This is only an effect of the measure if the comparison units would otherwise have developed "
                "in the same way."
                if en
                else "Dit is alleen een effect van de maatregel als de vergelijkingseenheden zich anders op "
                "dezelfde manier zouden hebben ontwikkeld."
            )
    else:
        if en:
            s = f"The effect cannot be distinguished from zero (estimate {n(est)}{interval}, {p_text})"
            if mde is not None and math.isfinite(mde):
                s += f"; with these data an effect smaller than {n(mde)} could not have been seen"
        else:
            s = f"Het effect is niet te onderscheiden van nul (schatting {n(est)}{interval}, {p_text})"
            if mde is not None and math.isfinite(mde):
                s += f"; met deze gegevens had een effect kleiner dan {n(mde)} niet gezien kunnen worden"
        parts.append(
            s
            + ". "
            + (
                "That does not prove the measure has no effect."
                if en
                else "Dat bewijst niet dat de maatregel geen effect heeft."
            )
        )
    d = r.design
    if d is not None and d.pretrend is not None:
        pt = d.pretrend
        covs = getattr(pt, "covariates", ())
        adj_nl = ", na correctie voor de kenmerken" if covs else ""
        adj_en = ", after adjusting for the covariates" if covs else ""
        if pt.df == 0:
            parts.append(
                "There is only one period before the start, so we cannot check whether the trends ran in "
                "parallel."
                if en
                else "Er is maar één periode vóór de start. Of de trends gelijk liepen, is daarom niet te controleren."
            )
        elif pt.rejected and getattr(r, "inference", "") == "permutation":
            parts.append(
                f"Before the start the units with and without the measure seem to drift apart (test of equal "
                f"trends{adj_en}: {fmt_p(pt.p_value, lang)}), but with so few units with the measure that test is not "
                "reliable either; look at the years before the start in the chart."
                if en
                else f"Vóór de start lijken de eenheden met en zonder maatregel uiteen te lopen (toets op gelijke "
                f"trends{adj_nl}: {fmt_p(pt.p_value, lang)}), maar met zo weinig eenheden met de maatregel is ook die "
                "toets niet betrouwbaar; bekijk de jaren vóór de start in de grafiek."
            )
        elif pt.rejected:
            parts.append(
                f"Caution: before the start, units with and without the measure were already drifting apart "
                f"(test of equal trends{adj_en}: {fmt_p(pt.p_value, lang)}). The comparison is therefore not "
                "reliable; the difference may come from that earlier trend."
                if en
                else f"Let op: vóór de start liepen de eenheden met en zonder maatregel al uiteen (toets op gelijke "
                f"trends{adj_nl}: {fmt_p(pt.p_value, lang)}). De vergelijking is daardoor niet betrouwbaar; het "
                "verschil kan ook door die eerdere trend komen."
            )
    if d is not None and d.balance_flagged:
        parts.append(
            "Before the start the two groups already differed clearly in level or trend; they are not very "
            "comparable."
            if en
            else "Vóór de start verschilden de twee groepen al duidelijk in niveau of trend; ze zijn niet goed "
            "vergelijkbaar."
        )
    if getattr(r, "honest_did", None) is not None:
        if r.method == "did":  # said first: the sentences below may read 'visible' where the 2x2 above is not
            parts.append(
                "The sensitivity analysis that follows uses the effect per period against the last period before "
                "the start (an event study of the same comparison), not the single before-after estimate above; "
                "the two can differ."
                if en
                else "De gevoeligheidsanalyse hierna gebruikt het effect per periode, gemeten tegen de laatste "
                "periode vóór de start (een gebeurtenisstudie van dezelfde vergelijking), en niet de ene "
                "voor-na-schatting hierboven; die twee kunnen verschillen."
            )
        parts.append(honest_did_sentence(r.honest_did, lang))
        if getattr(r, "honest_did_rm", None) is not None:
            parts.append(honest_rm_sentence(r.honest_did_rm, lang))
        if getattr(r, "inference", "") == "permutation":
            parts.append(
                "With so few units with the measure this sensitivity analysis is only a rough guide: it uses the "
                "usual standard errors, which are too small here."
                if en
                else "Met zo weinig eenheden met de maatregel is deze gevoeligheidsanalyse alleen een ruwe "
                "indicatie: ze gebruikt de gewone standaardfouten, en die zijn hier te klein."
            )
    if r.method == "scm":
        parts.extend(_scm_checks(r, lang))
    if r.method == "sdid":
        parts.extend(_sdid_checks(r, lang))
    if r.method == "ascm":
        parts.extend(_ascm_checks(r, lang))
        parts.extend(_scm_checks(r, lang))
    for m in r.warnings:
        if m.code in REPEATED_WARNINGS:
            parts.append(m.text(lang))
    return " ".join(parts)


def _scm_checks(r: EffectResult, lang: str) -> list[str]:
    """What the placebo tests of a synthetic control say, in words."""
    en = lang == "en"
    n = lambda x: fmt_number(x, lang)  # noqa: E731
    out = []
    placebos = getattr(r, "placebos", None)
    if placebos is not None and len(placebos) and r.n_treated == 1:
        rank = int((placebos["ratio"] >= r.rmspe_ratio).sum())
        J = len(placebos)
        out.append(
            f"In the placebo test every comparison unit in turn pretended to have the measure: for {rank} of the "
            f"{J} the gap after the start, relative to before, was as large or larger."
            if en
            else f"In de placebotoets deed elke vergelijkingseenheid om de beurt alsof zij de maatregel had: bij "
            f"{rank} van de {J} was het verschil na de start, vergeleken met vóór de start, even groot of groter."
        )
    loo = getattr(r, "leave_one_out", None)
    if loo is not None and len(loo):
        out.append(leave_one_out_sentence(loo, r.estimate, lang))
    it = getattr(r, "in_time_summary", None)
    if it is not None and len(it):
        row = it.iloc[0]
        fs = (
            str(int(row["fake_start"])) if float(row["fake_start"]).is_integer() else f"{row['fake_start']:g}"
        )
        out.append(
            f"Check with a fake start in {fs}, before the real start: the method then finds a gap of "
            f"{n(row['mean_gap'])} on average up to the real start, against {n(r.estimate)} after it."
            if en
            else f"Controle met een nepstart in {fs}, vóór de echte start: de methode vindt dan tot de echte start "
            f"gemiddeld een verschil van {n(row['mean_gap'])}, tegen {n(r.estimate)} erna."
        )
    return out


def _sdid_checks(r: EffectResult, lang: str) -> list[str]:
    """How SDID relates to its two companions on the same data."""
    n = lambda x: fmt_number(x, lang)  # noqa: E731
    sc, did = getattr(r, "sc_estimate", None), getattr(r, "did_estimate", None)
    if sc is None or did is None:
        return []
    if lang == "en":
        return [
            f"For comparison: a plain synthetic control gives {n(sc)}, a plain difference-in-differences "
            f"{n(did)}."
        ]
    return [
        f"Ter vergelijking: een gewone synthetische controle geeft {n(sc)}, een gewone verschil-in-verschillen "
        f"{n(did)}."
    ]


def honest_did_sentence(h, lang: str = "nl") -> str:
    """'Het effect blijft zichtbaar zolang de trend na de start niet meer dan M afwijkt ...' (Rambachan-Roth SD)."""
    n = lambda x: fmt_number(x, lang)  # noqa: E731
    first = h.table.iloc[0]
    if h.breakdown is None:
        if lang == "en":
            return (
                "Sensitivity to the trend: if the trend from before the start simply continued, the effect can "
                f"no longer be distinguished from zero (robust interval {n(first['ci_low'])} to "
                f"{n(first['ci_high'])}). The conclusion is therefore not robust to a trend that was already "
                "there."
            )
        return (
            "Gevoeligheid voor de trend: als de trend van vóór de start gewoon doorloopt, is het effect al niet "
            f"meer van nul te onderscheiden (robuust interval {n(first['ci_low'])} tot {n(first['ci_high'])}). "
            "De conclusie is dus niet robuust voor een trend die er al was."
        )
    bd = h.breakdown
    if lang == "en":
        s = (
            f"The effect remains visible as long as the trend after the start deviates by no more than {n(bd)} "
            "per period from the trend before it"
            + (" (the search stopped there)" if h.breakdown_beyond else "")
            + f". For comparison: the bends in the trend before the start were at most {n(h.m_scale)}, "
            "uncertainty included."
        )
        what = "average effect over the periods" if h.target == "average" else "effect in the first period"
        s += (
            f" This holds for the {what} after the start; if the trend from before the start simply continues "
            f"(M = 0), it lies between {n(first['ci_low'])} and {n(first['ci_high'])}."
        )
        if bd < h.m_scale:
            s += (
                " A deviation that would overturn the conclusion is therefore not larger than what already "
                "happened before the start; be careful."
            )
        return s
    s = (
        f"Het effect blijft zichtbaar zolang de trend na de start niet meer dan {n(bd)} per periode afwijkt van "
        "de trend ervoor"
        + (" (verder is niet gezocht)" if h.breakdown_beyond else "")
        + f". Ter vergelijking: de knikken in de trend vóór de start waren, met de onzekerheid meegerekend, "
        f"hooguit {n(h.m_scale)}."
    )
    wat = (
        "het gemiddelde effect over de periodes"
        if h.target == "average"
        else "het effect in de eerste periode"
    )
    s += (
        f" Dit geldt voor {wat} na de start; als de trend van vóór de start gewoon doorloopt (M = 0), ligt dat "
        f"tussen {n(first['ci_low'])} en {n(first['ci_high'])}."
    )
    if bd < h.m_scale:
        s += (
            " Een afwijking die de conclusie omgooit, is dus niet groter dan wat vóór de start al voorkwam; wees "
            "voorzichtig."
        )
    return s


def honest_rm_sentence(h, lang: str = "nl") -> str:
    """'Het effect blijft zichtbaar zolang de afwijking ... niet meer dan Mbar keer zo groot is ...' (Delta^RM)."""
    n = lambda x: fmt_number(x, lang)  # noqa: E731
    en = lang == "en"
    what = (
        ("the average effect over the periods" if h.target == "average" else "the effect in the first period")
        if en
        else ("het gemiddelde effect over de periodes" if h.target == "average" else "het effect in de eerste periode")
    )
    if h.breakdown is None:
        return (
            "Relative size: even without any deviation from the parallel trend after the start, "
            f"{what} cannot be distinguished from zero with this test."
            if en
            else "Relatieve omvang: ook zonder enige afwijking van de parallelle trend na de start is "
            f"{what} met deze toets niet van nul te onderscheiden."
        )
    bd = h.breakdown
    if en:
        s = (
            "Looked at another way: the effect remains visible as long as the deviation from the parallel trend "
            f"after the start is no more than {n(bd)} times as large as the largest deviation before it (per period)"
            + (" (the search stopped there)" if h.breakdown_beyond else "")
            + f". This holds for {what} after the start; before the start the largest change per period was "
            f"{n(h.max_pre_change)}."
        )
        s += (
            " A deviation as large as the ones before the start would already overturn the conclusion; be careful."
            if bd < 1
            else " A deviation as large as the ones before the start does not overturn the conclusion."
        )
        return s
    s = (
        "Anders bekeken: het effect blijft zichtbaar zolang de afwijking van de parallelle trend na de start niet "
        f"meer dan {n(bd)} keer zo groot is als de grootste afwijking ervoor (per periode)"
        + (" (verder is niet gezocht)" if h.breakdown_beyond else "")
        + f". Dit geldt voor {what} na de start; vóór de start was de grootste verandering per periode "
        f"{n(h.max_pre_change)}."
    )
    s += (
        " Een afwijking zo groot als vóór de start gooit de conclusie dus al om; wees voorzichtig."
        if bd < 1
        else " Een afwijking zo groot als vóór de start gooit de conclusie dus niet om."
    )
    return s


def leave_one_out_sentence(loo, estimate: float, lang: str = "nl") -> str:
    """'Zonder donor X wordt het effect ...': the heaviest donor's refit and the range over all refits."""
    n = lambda x: fmt_number(x, lang)  # noqa: E731
    est = loo.groupby("donor", sort=False).agg(weight=("weight", "mean"), estimate=("estimate", "mean"))
    top = est["weight"].idxmax()
    e_top, w_top = float(est.loc[top, "estimate"]), float(est.loc[top, "weight"])
    lo, hi = float(est["estimate"].min()), float(est["estimate"].max())
    flips = (lo < 0 < hi) or (estimate > 0 > lo) or (estimate < 0 < hi)
    k = len(est)
    if lang == "en":
        s = (
            f"Without comparison unit '{top}' (weight {n(w_top)}, the heaviest in the mix) the effect becomes "
            f"{n(e_top)} instead of {n(estimate)}."
        )
        if k > 1:
            s += (
                f" Leaving out each of the {k} comparison units with a weight in turn, the effect lies between "
                f"{n(lo)} and {n(hi)}."
            )
        if flips:
            s += " Whether the effect is positive or negative therefore depends on a single comparison unit."
        return s
    s = (
        f"Zonder vergelijkingseenheid '{top}' (gewicht {n(w_top)}, de zwaarste in de mix) wordt het effect "
        f"{n(e_top)} in plaats van {n(estimate)}."
    )
    if k > 1:
        s += (
            f" Laten we telkens één van de {k} vergelijkingseenheden met een gewicht weg, dan ligt het effect "
            f"tussen {n(lo)} en {n(hi)}."
        )
    if flips:
        s += " Of het effect positief of negatief is, hangt dus af van één vergelijkingseenheid."
    return s


def _ascm_checks(r: EffectResult, lang: str) -> list[str]:
    """What the augmentation changed: the fit before the start and the estimate without it."""
    n = lambda x: fmt_number(x, lang)  # noqa: E731
    pre, scm_pre, scm = (getattr(r, k, None) for k in ("pre_rmspe", "scm_pre_rmspe", "scm_estimate"))
    if pre is None or scm_pre is None or scm is None:
        return []
    if lang == "en":
        return [
            f"Before the start the augmented comparison deviates {n(pre)} on average from the unit, the plain "
            f"synthetic control {n(scm_pre)}; without the augmentation the estimate would be {n(scm)}."
        ]
    return [
        f"Vóór de start wijkt de aangevulde vergelijking gemiddeld {n(pre)} af van de eenheid, de gewone "
        f"synthetische controle {n(scm_pre)}; zonder aanvulling zou de schatting {n(scm)} zijn."
    ]
