"""The plain-language sentences read right: one start year said as such, singular and plural, Dutch decimal
commas in the warnings, and the 2x2's sensitivity note before the sentences it qualifies."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kansenmonitor.analysis.evaluation import Panel, callaway_santanna, difference_in_differences, evaluate


def _panel(n=30, n_treated=10, starts=(2015,), drop=0, seed=2) -> Panel:
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n):
        start = starts[u % len(starts)] if u < n_treated else np.nan
        a = rng.normal()
        for t in range(2010, 2019):
            if u < drop and t == 2011:
                continue  # an unbalanced unit
            eff = 1.0 if np.isfinite(start) and t >= start else 0.0
            rows.append({"u": f"u{u}", "t": t, "y": a + 0.1 * (t - 2010) + eff + rng.normal(0, 0.3), "start": start})
    return Panel.from_frame(pd.DataFrame(rows), unit="u", time="t", outcome="y", treated_from="start")


def test_one_start_year_is_said_as_such_and_the_english_has_no_dangling_moment():
    one = callaway_santanna(_panel(), bootstrap=0, inference="asymptotic")
    assert "10 eenheden die allemaal in 2015 begonnen, met eenheden die nooit meededen." in one.interpret()
    assert "10 units that all started in 2015 with units that never took part." in one.interpret("en")
    assert "at that moment" not in one.interpret("en")
    many = callaway_santanna(_panel(starts=(2014, 2016)), bootstrap=0, inference="asymptotic", control="notyet")
    assert "die op verschillende momenten begonnen, met eenheden die op dat moment nog niet begonnen waren" in many.interpret()
    assert "units that started at different times with units that had not yet started at that time." in many.interpret("en")


def test_dropped_units_singular_and_plural():
    one = callaway_santanna(_panel(drop=1), bootstrap=0, inference="asymptotic")
    assert "1 eenheid mist een of meer periodes en is weggelaten (u0)." in one.interpret()
    assert "1 unit misses one or more periods and was left out (u0)." in one.interpret("en")
    two = callaway_santanna(_panel(drop=2), bootstrap=0, inference="asymptotic")
    assert "2 eenheden missen een of meer periodes en zijn weggelaten (u0, u1)." in two.interpret()
    assert "eenheid/eenheden" not in one.interpret() + two.interpret()


def test_few_donors_warning_has_a_dutch_decimal_comma():
    res = evaluate(_panel(n=6, n_treated=1), method="scm")
    msg = next(m for m in res.warnings if m.code == "few_donors")
    assert "1/6 = 0,167;" in msg.text("nl") and "1/6 = 0.167," in msg.text("en")
    assert not re.search(r"\d\.\d", msg.text("nl"))


def test_two_by_two_says_first_that_its_sensitivity_is_about_the_event_study():
    text = difference_in_differences(_panel(), honest_did=True).interpret()
    note = text.index("De gevoeligheidsanalyse hierna gebruikt het effect per periode")
    assert note < text.index("Het effect blijft zichtbaar zolang")
    assert note < text.index("Anders bekeken: het effect blijft zichtbaar zolang")


def test_web_texts_name_no_command_line_options():
    from kansenmonitor.web.evaluation.views import no_cli

    assert no_cli("Gebruik methode scm (--method scm; synthetische controle) voor één behandelde eenheid.") == (
        "Gebruik methode 'synthetische controle' voor één behandelde eenheid.")
    assert no_cli("Gebruik de aangevulde synthetische controle (methode ascm) of synthetische verschil-in-verschillen "
                  "(methode sdid), die daarvoor corrigeren") == (
        "Gebruik de aangevulde synthetische controle of synthetische verschil-in-verschillen, die daarvoor corrigeren")
    assert no_cli("zet de gevoeligheidsanalyse voor de trend uit (--honest-did).") == (
        "zet de gevoeligheidsanalyse voor de trend uit.")
    assert no_cli("een 95%-interval (-0,31 tot 2,16)") == "een 95%-interval (-0,31 tot 2,16)"
