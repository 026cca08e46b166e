"""Each method step on small hand-checked cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from index_helpers import make_definition, make_inputs
from numpy.testing import assert_allclose

from kansenmonitor.indices import compute_index
from kansenmonitor.indices import methods as m


def test_zscore_uses_population_sd():
    Z, _ = m.normalise(np.array([[1.0], [2.0], [3.0]]), "zscore")
    assert_allclose(Z[:, 0], [-1.224744871391589, 0.0, 1.224744871391589])


def test_minmax():
    Z, _ = m.normalise(np.array([[1.0], [2.0], [4.0], [np.nan]]), "minmax")
    assert_allclose(Z[:3, 0], [0.0, 1 / 3, 1.0])
    assert np.isnan(Z[3, 0])


def test_percentile_rank_with_ties():
    Z, _ = m.normalise(np.array([[10.0], [20.0], [20.0], [30.0]]), "rank")
    assert_allclose(Z[:, 0], [0.125, 0.5, 0.5, 0.875])


def test_distance_to_reference_region():
    Z, notes = m.normalise(np.array([[10.0], [15.0], [5.0]]), "distance_to_reference", np.array([10.0]))
    assert_allclose(Z[:, 0], [0.0, 0.5, -0.5])
    assert notes == []


def test_winsorise_sd_rule():
    X = np.array([[0.0], [0.0], [0.0], [0.0], [10.0]])  # mean 2, population SD 4
    assert_allclose(m.winsorise(X, "sd", k=1)[:, 0], [0, 0, 0, 0, 6])


def test_winsorise_percentiles_keeps_missing():
    X = np.append(np.arange(1.0, 101.0), np.nan)[:, None]
    W = m.winsorise(X, "percentile", lower=5, upper=95)
    assert W[0, 0] == pytest.approx(5.95) and W[99, 0] == pytest.approx(95.05)
    assert np.isnan(W[100, 0])


def test_imputation_theme_and_reference_mean():
    Z = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]])
    out = m.impute_theme_mean(Z, np.array([0, 0, 0]), 1)
    assert_allclose(out[0], [1, 2, 3])
    assert np.isnan(out[1]).all()  # nothing observed in the theme: stays missing, never 0
    X = np.array([[1.0], [3.0], [np.nan]])
    assert_allclose(m.impute_reference_mean(X)[:, 0], [1, 3, 2])


def test_geometric_within_theme_on_rescaled_values():
    Z = np.array([[0.0, 1.0], [1.0, 0.0]])  # rescaled to [1, 100]: (1, 100) and (100, 1)
    T = m.within_theme(Z, np.array([0, 0]), 1, np.ones(2), "geometric")
    assert_allclose(T[:, 0], [10.0, 10.0])
    A = m.within_theme(Z, np.array([0, 0]), 1, np.ones(2), "arithmetic")
    assert_allclose(A[:, 0], [0.5, 0.5])


def test_within_theme_renormalises_weights_over_available():
    Z = np.array([[1.0, np.nan, 4.0]])
    T = m.within_theme(Z, np.array([0, 0, 0]), 1, np.array([1.0, 1.0, 3.0]), "arithmetic")
    assert_allclose(T[0, 0], (1 * 1 + 3 * 4) / 4)


def test_imd_exponential_transform():
    X = m.imd_exponential(np.array([[1.0], [2.0], [3.0], [4.0]]))
    assert_allclose(X[:, 0], [6.517733263680379, 15.646790072602894, -23 * math.log(1 - 0.75 * (1 - math.exp(-100 / 23))),
                              100.0])


def test_pca_weights_squared_loadings():
    x1 = np.array([1.0, 2, 3, 4, 5, 6])
    x3 = np.array([1.0, 0, -1, -1, 0, 1])  # uncorrelated with x1
    Z = np.column_stack([x1, 2 * x1 + 1, x3])
    w, loadings = m.pca_weights(Z, np.array([0, 0, 0]), 1)
    assert_allclose(w, [0.5, 0.5, 0.0], atol=1e-12)
    assert_allclose(np.abs(loadings[0]), [1.0, 1.0, 0.0], atol=1e-12)


def test_ranks_desc():
    assert list(m.ranks_desc(np.array([0.2, 0.9, np.nan, 0.5]))) == [3, 1, 4, 2]


def test_coverage_rule_gives_no_score_and_a_reason():
    d = make_definition([{"id": "a", "indicators": [{"id": "i1", "polarity": "higher_is_worse"},
                                                      {"id": "i2", "polarity": "higher_is_worse"}]},
                         {"id": "b", "indicators": [{"id": "i3", "polarity": "higher_is_better"},
                                                      {"id": "i4", "polarity": "higher_is_worse"}]}])
    inputs = make_inputs({"i1": [1, 2, 3, np.nan], "i2": [2, 1, 5, 4], "i3": [3, 3, 1, np.nan],
                          "i4": [1, 0, 2, np.nan]})
    r = compute_index(d, inputs)
    s = r.scores
    assert np.isnan(s.loc["BU01530003", "score"]) and np.isnan(s.loc["BU01530003", "rank"])
    assert "1 van 4" in s.loc["BU01530003", "reason"] and "65%" in s.loc["BU01530003", "reason"]
    assert s["score"].notna().sum() == 3
    # hand check of region 0: z-scores over all four regions (reference), oriented, theme means, then mean
    z = lambda v: (np.array(v) - np.nanmean(v)) / np.nanstd(v)  # noqa: E731
    a0 = (z([1, 2, 3, np.nan])[0] + z([2, 1, 5, 4])[0]) / 2
    b0 = (z([-3, -3, -1, np.nan])[0] + z([1, 0, 2, np.nan])[0]) / 2
    assert s.loc["BU01530000", "score"] == pytest.approx((a0 + b0) / 2, abs=1e-12)


def test_missing_theme_is_reported_not_dropped_silently():
    d = make_definition([{"id": "a", "indicators": [{"id": "i1", "polarity": "higher_is_worse"}]},
                         {"id": "energie", "missing_indicators": [
                             {"id": "label_efg", "polarity": "higher_is_worse", "label": "Energielabel E-G",
                              "source": "RVO EP-Online"}]}])
    r = compute_index(d, make_inputs({"i1": [1.0, 2.0, 3.0]}))
    assert [m_["theme"] for m_ in r.missing_themes] == ["energie"]
    assert "import long" in r.missing_themes[0]["missing_indicators"][0]["hint"]
    assert any("2 thema's" in n or "1 van 2" in n for n in r.notes)
