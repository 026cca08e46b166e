"""Plain-language interpretation: never claims more than the design allows."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
from evalsim import factor_panel, staggered_panel, to_frame, wide_to_frame

from kansenmonitor.analysis.evaluation import Panel, evaluate, interpret
from kansenmonitor.analysis.evaluation.interpret import fmt_number

KW = dict(unit="unit", time="year", outcome="y", treated_from="start")


def cs_result(effect: float, seed: int = 1, **sim):
    y, g, _ = staggered_panel(
        np.random.default_rng(seed), n=200, T=8, cohorts=(3, 5), effect=effect, dynamic=0.0, **sim
    )
    return evaluate(Panel.from_frame(to_frame(y, g), **KW), "cs", bootstrap=0)


def test_null_result_mentions_detectable_effect():
    r = cs_result(0.0)
    assert not r.significant
    text = r.interpret()
    assert "Het effect is niet te onderscheiden van nul" in text
    assert (
        f"met deze gegevens had een effect kleiner dan {fmt_number(r.mde)} niet gezien kunnen worden" in text
    )
    assert "bewijst niet dat de maatregel geen effect heeft" in text
    en = r.interpret("en")
    assert "cannot be distinguished from zero" in en and f"smaller than {fmt_number(r.mde, 'en')}" in en
    assert r.mde == pytest.approx(r.se * 2.8016, rel=1e-3)


@pytest.mark.parametrize("effect,word,word_en", [(1.0, "hoger", "higher"), (-1.0, "lager", "lower")])
def test_significant_effect_sentences(effect, word, word_en):
    r = cs_result(effect)
    assert r.significant
    text = r.interpret()
    assert f"gemiddeld {fmt_number(abs(r.estimate))} {word}" in text
    assert "zelden door toeval" in text
    assert "alleen een effect van de maatregel als" in text  # the identifying assumption is named
    assert word_en in r.interpret("en")


def test_single_pre_period_says_trends_cannot_be_checked():
    y, g, _ = staggered_panel(np.random.default_rng(2), n=100, T=4, cohorts=(1,), effect=1.0, dynamic=0.0)
    r = evaluate(Panel.from_frame(to_frame(y, g), **KW), "cs", bootstrap=0)
    assert r.design.pretrend.df == 0
    assert "niet te controleren" in r.interpret()


def test_its_is_labelled_weaker_evidence():
    rng = np.random.default_rng(3)
    y = 3 + 0.1 * np.arange(20) + rng.normal(scale=0.3, size=20)
    y[10:] += 2
    df = pd.DataFrame({"unit": "A", "year": np.arange(2000, 2020), "y": y, "start": 2010})
    r = evaluate(Panel.from_frame(df, **KW), "its")
    assert r.evidence == "weak"
    text = r.interpret()
    assert "geen vergelijkingsgroep" in text and "zwakker bewijs" in text
    assert "alleen een effect van de maatregel als" not in text
    assert "weaker evidence" in r.interpret("en")
    assert "its_short_series" in [m.code for m in r.warnings]


def test_few_donors_sentence():
    y = factor_panel(np.random.default_rng(4), n_donors=8, T=16, T0=10, effect=0.0)
    r = evaluate(Panel.from_frame(wide_to_frame(y, 10), **KW), "scm")
    text = r.interpret()
    assert "maar 8 vergelijkingseenheden" in text and "1/9" in text
    assert "only 8 comparison units" in r.interpret("en")


def test_balance_problem_is_mentioned():
    r = cs_result(0.0)
    bal = r.design.balance.assign(flagged=[True, False])
    r2 = dataclasses.replace(r, design=dataclasses.replace(r.design, balance=bal))
    assert "niet goed vergelijkbaar" in interpret(r2)


def test_number_format_dutch():
    assert fmt_number(1234.5678) == "1.235"
    assert fmt_number(0.012345) == "0,0123"
    assert fmt_number(-2.5) == "-2,50"
    assert fmt_number(1234.5678, "en") == "1,235"


def test_to_dict_is_json_ready():
    r = cs_result(1.0)
    d = r.to_dict()
    s = json.dumps(d)
    back = json.loads(s)
    assert back["method"] == "cs" and back["significant"] is True
    assert back["design"]["pretrend"]["plot_data"][0].keys() >= {
        "event_time",
        "estimate",
        "ci_low",
        "ci_high",
    }
    assert {"group", "time", "att", "se"} <= set(back["att_gt"][0])
    assert back["twfe"]["estimate"] is not None
    assert back["interpretation"] == r.interpret()
    assert r.to_dict(lang="en")["interpretation"] == r.interpret("en")


def test_results_are_frozen():
    r = cs_result(0.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.estimate = 0.0
