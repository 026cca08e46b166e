"""``format.number`` is written out for speed; it must agree with Babel (the reference) on every value."""

from __future__ import annotations

import random

import pytest

from kansenmonitor.format import number, number_babel

EDGES = [0.0, -0.0, -0.04, 0.05, 0.15, 0.25, 2.5, 3.5, 0.125, 999.95, -999.95, 1e9, -1234567.891, 12345.678,
         None, float("nan")]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_number_agrees_with_babel(lang):
    rng = random.Random(7)
    values = EDGES + [rng.uniform(-1e6, 1e6) for _ in range(2000)] + [rng.uniform(-1, 1) for _ in range(2000)] \
        + [rng.randint(-10**7, 10**7) / 100 for _ in range(2000)]
    for v in values:
        for d in (0, 1, 2, 3):
            assert number(v, d, lang) == number_babel(v, d, lang), (v, d, lang)


def test_number_examples():
    assert number(12345.678, 1, "nl") == "12.345,7" and number(12345.678, 1, "en") == "12,345.7"
    assert number(None) == "–" and number(float("nan")) == "–"


def test_a_share_of_something_keeps_the_percent_sign_with_the_number():
    from kansenmonitor.core.model import Aggregation, Indicator, Polarity
    from kansenmonitor.format import observation

    ind = Indicator("efg", "efg", "efg", "% van de geregistreerde labels", "energie", Polarity.HIGHER_IS_WORSE,
                    Aggregation.RATIO, decimals=1)
    assert observation(26.04, "measured", ind) == "26,0% van de geregistreerde labels"
    assert observation(26.04, "measured", ind, "en") == "26.0% of the registered labels"
