"""The fast span check of secondary suppression gives the same answers as the per-cell rank test it replaced."""

from __future__ import annotations

import numpy as np
import pytest

from kansenmonitor.analysis.disclosure import _in_span, spans


def _rank_test(rows: list[frozenset], target: frozenset) -> bool:
    """The former check: compare rank(A) with rank([A; t]) for one target."""
    if not target:
        return True
    cols = sorted(set().union(*rows, target)) if rows else sorted(target)
    index = {c: j for j, c in enumerate(cols)}
    if not any(rows):
        return False
    m = np.zeros((len(rows), len(index)))
    for i, r in enumerate(rows):
        m[i, [index[c] for c in r]] = 1.0
    t = np.zeros(len(index))
    t[[index[c] for c in target]] = 1.0
    return bool(np.linalg.matrix_rank(np.vstack([m, t])) == np.linalg.matrix_rank(m))


def _random_sets(rng, n_sets: int, leaves: list[str], p: float) -> list[frozenset]:
    return [frozenset(c for c in leaves if rng.random() < p) for _ in range(n_sets)]


def test_fast_check_agrees_with_rank_test_on_random_membership_matrices():
    rng = np.random.default_rng(13)
    n_in, n_out = 0, 0
    for _ in range(400):
        leaves = [f"BU{i:02d}" for i in range(int(rng.integers(1, 14)))]
        rows = _random_sets(rng, int(rng.integers(0, 12)), leaves, float(rng.uniform(0.1, 0.7)))
        # targets: random sets, single leaves (e_i), and sums/differences of rows that are 0/1 again
        targets = _random_sets(rng, 6, leaves, float(rng.uniform(0.1, 0.7)))
        targets += [frozenset([c]) for c in leaves]
        targets += [a - b for a in rows[:3] for b in rows[:3] if b <= a]
        targets.append(frozenset())
        fast = spans(rows, targets)
        for t, got in zip(targets, fast, strict=True):
            want = _rank_test(rows, t)
            assert got == want, (rows, t)
            assert _in_span(rows, t) == want
            n_in += want
            n_out += not want
    # both answers occur often, so the comparison means something
    assert n_in > 500 and n_out > 500


def test_fast_check_on_a_hierarchy_with_areas_that_tile_the_total():
    """gemeente − four stadsdelen = the fifth; a stadsdeel made of whole wijken is the sum of their rows."""
    wijk = {f"WK{w}": frozenset(f"BU{w}{b}" for b in range(3)) for w in range(6)}
    gemeente = frozenset().union(*wijk.values())
    sd = [wijk["WK0"] | wijk["WK1"], wijk["WK2"], wijk["WK3"] | frozenset(["BU40"]),
          frozenset(["BU41", "BU42"]) | wijk["WK5"]]
    rows = [gemeente, *sd]
    assert spans(rows, [wijk["WK4"], frozenset(["BU40"]), wijk["WK2"], frozenset(["BU00"])]).tolist() == \
        [_rank_test(rows, t) for t in (wijk["WK4"], frozenset(["BU40"]), wijk["WK2"], frozenset(["BU00"]))] == \
        [False, False, True, False]
    # with the wijk rows published, a buurt split off a wijk by a stadsdeel becomes recoverable
    rows2 = rows + list(wijk.values())
    assert spans(rows2, [frozenset(["BU40"]), frozenset(["BU41"])]).tolist() == [True, False]


def test_a_weighted_mean_never_publishes_its_denominator_the_sum_of_its_weights():
    """The stored denominator of an area's weighted mean is the summed weights, i.e. the area's figure of the
    weight indicator: when that figure is withheld, the mean's denominator would give it away."""
    import pandas as pd

    from kansenmonitor.analysis.aggregation import aggregate
    from kansenmonitor.analysis.disclosure import Ledger, apply
    from kansenmonitor.core.model import Aggregation, Indicator, Polarity

    def ind(iid, agg, **kw):
        return Indicator(iid, iid, iid, "aantal", "t", Polarity.NEUTRAL, agg, **kw)

    cat = [ind("inw65", Aggregation.SUM), ind("eenzaam", Aggregation.WEIGHTED_MEAN, weight="inw65")]
    rows = [("a", "inw65", 40.0), ("b", "inw65", 7.0), ("a", "eenzaam", 20.0), ("b", "eenzaam", 30.0)]
    data = pd.DataFrame([(r, i, 2024, v, 2024, "measured") for r, i, v in rows],
                        columns=["region", "indicator", "period", "value", "boundary_year", "status"])
    agg = aggregate(data, cat, {"P": ["a", "b"]}, 2024)
    assert agg.set_index("indicator").loc["eenzaam", "denominator"] == 47  # stored: the sum of the weights
    ledger = Ledger(pd.DataFrame([("P", 2024, "inw65", 2024, "secondary", 2)],
                                 columns=["region", "boundary_year", "indicator", "period", "reason", "stage"]))
    out = apply(agg, {i.id: i for i in cat}, ledger=ledger).set_index("indicator")
    assert np.isnan(out.loc["inw65", "value"])  # the withheld sum
    assert out.loc["eenzaam", "value"] == pytest.approx((20 * 40 + 30 * 7) / 47)  # the mean is published ...
    assert np.isnan(out.loc["eenzaam", "denominator"])  # ... without the sum beside it


def test_an_area_of_wijken_gives_a_withheld_wijk_estimate_away():
    """A model estimate of a wijk is its own unknown, and an area drawn from wijken is aggregated from the wijk
    estimates: with W2 published, the area's mean gives W1's withheld estimate away, whatever its buurten are."""
    import pandas as pd

    from kansenmonitor.analysis.disclosure import Hierarchy, build_ledger
    from kansenmonitor.core.model import Aggregation, Indicator, Level, Polarity, Region, Source

    est = Source("RIVM", table="50090NED", estimated=True)
    inw = Indicator("inw", "inw", "inw", "aantal", "t", Polarity.NEUTRAL, Aggregation.SUM)
    m = Indicator("m", "m", "m", "%", "t", Polarity.NEUTRAL, Aggregation.WEIGHTED_MEAN, weight="inw", sources=(est,),
                  min_count=100)
    w1, w2, a = "WK099901", "WK099902", "FG-A"
    regions = [Region("GM0999", "G", Level.GEMEENTE, 2024),
               *[Region(w, w, Level.WIJK, 2024, parent="GM0999") for w in (w1, w2)],
               *[Region(f"BU0999{w}{b}", "b", Level.BUURT, 2024, parent=f"WK0999{w}") for w in ("01", "02")
                 for b in ("01", "02")],
               Region(a, "A", Level.GEBIED, 2024, members=(w1, w2))]
    # W1 has too few inhabitants for the estimate; a buurt of W2 too, so a buurt-based model would miss it
    inhabitants = {"GM0999": 1000, w1: 80, w2: 920, "BU09990101": 40, "BU09990102": 40, "BU09990201": 60,
                   "BU09990202": 860, a: 1000}
    rows = [(r, "inw", float(v), np.nan) for r, v in inhabitants.items()]
    rows += [(r, "m", 20.0, float(inhabitants[r])) for r in inhabitants]
    obs = pd.DataFrame([(r, 2024, i, 2024, v, "estimated", d) for r, i, v, d in rows],
                       columns=["region", "boundary_year", "indicator", "period", "value", "status", "denominator"])
    counts = obs[obs["indicator"] == "inw"][["region", "boundary_year", "period", "value"]].rename(
        columns={"value": "denominator"})
    ledger = build_ledger(obs, {"inw": inw, "m": m}, counts, Hierarchy.from_regions(regions))
    withheld = {(r, i) for r, i in zip(ledger.withheld["region"], ledger.withheld["indicator"], strict=True)}
    assert (w1, "m") in withheld and ("BU09990201", "m") in withheld  # on their own
    assert (a, "m") in withheld  # A − W2 = W1


def test_a_mean_that_leaves_out_a_member_is_checked_as_the_mean_of_the_others():
    """Own area {a, b, x}: x has no value and is left out of the mean. With b published, the area's mean gives
    a's withheld value away; a model that still counted x as an unknown would miss that."""
    import pandas as pd

    from kansenmonitor.analysis.disclosure import Hierarchy, build_ledger
    from kansenmonitor.core.model import Aggregation, Indicator, Level, Polarity, Region

    inw = Indicator("inwoners", "i", "i", "aantal", "t", Polarity.NEUTRAL, Aggregation.SUM)
    m = Indicator("m", "m", "m", "%", "t", Polarity.NEUTRAL, Aggregation.WEIGHTED_MEAN, weight="inwoners",
                  min_count=100)
    a, b, x = "BU09990101", "BU09990102", "BU09990103"
    regions = [Region("GM0999", "G", Level.GEMEENTE, 2024), Region("WK099901", "W", Level.WIJK, 2024, parent="GM0999"),
               *[Region(c, c, Level.BUURT, 2024, parent="WK099901") for c in (a, b, x)],
               Region("FG-A", "A", Level.GEBIED, 2024, members=(a, b, x))]
    pop = {a: 60, b: 3000, x: 5, "FG-A": 3065}
    rows = [(r, "inwoners", float(v), np.nan) for r, v in pop.items()]
    rows += [(a, "m", 10.0, 60.0), (b, "m", 20.0, 3000.0), ("FG-A", "m", 19.8, 3060.0)]  # no figure of x
    obs = pd.DataFrame([(r, 2024, i, 2024, v, "measured", d) for r, i, v, d in rows],
                       columns=["region", "boundary_year", "indicator", "period", "value", "status", "denominator"])
    counts = obs[obs["indicator"] == "inwoners"][["region", "boundary_year", "period", "value"]].rename(
        columns={"value": "denominator"})
    ledger = build_ledger(obs, {"inwoners": inw, "m": m}, counts, Hierarchy.from_regions(regions))
    withheld = {(r, i): why for r, i, why in zip(ledger.withheld["region"], ledger.withheld["indicator"],
                                                 ledger.withheld["reason"], strict=True)}
    assert withheld[(a, "m")] == "min_count"
    assert withheld[("FG-A", "m")] == "secondary"
