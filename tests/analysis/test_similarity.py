"""Similar areas: a hand-checked case, honest handling of gaps, and the demo data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from kansenmonitor.analysis.similarity import InsufficientDataError, SimilarityModel, similar


def small() -> pd.DataFrame:
    return pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "y": [0.0, 0.0, 10.0, 10.0]}, index=["A", "B", "C", "D"])


def test_hand_checked_distances_and_order():
    # x: mean 1.5, sd sqrt(1.25); y: mean 5, sd 5 → z(y) = -1, -1, 1, 1
    res = similar(small(), "A", k=3)
    assert res.codes == ["B", "C", "D"]
    sd = math.sqrt(1.25)
    assert_allclose([n.distance for n in res.neighbours],
                    [1 / sd, math.sqrt((2 / sd) ** 2 + 4), math.sqrt((3 / sd) ** 2 + 4)])
    b = res.neighbours[0]
    assert b.contributions == pytest.approx({"x": 1.0, "y": 0.0})
    assert b.alike(1) == ["y"] and b.different(1) == ["x"]
    assert res.target_z["y"] == pytest.approx(-1.0)
    assert res.population_size == 4 and res.excluded == {}


def test_k_limits_the_result_and_target_is_never_its_own_neighbour():
    res = similar(small(), "C", k=1)
    assert res.codes == ["D"]
    assert "C" not in res.codes and len(res.neighbours) == 1


def test_constant_indicator_is_dropped_with_reason():
    frame = small().assign(z=5.0)
    res = similar(frame, "A", k=2)
    assert res.indicators == ["x", "y"]
    assert "z" in res.dropped_indicators


def test_regions_with_too_many_gaps_are_excluded_not_guessed():
    frame = pd.concat([small(), pd.DataFrame({"x": [np.nan], "y": [0.0]}, index=["E"])])
    res = similar(frame, "A", k=5, min_share=0.7)
    assert "E" not in res.codes
    assert "E" in res.excluded and "1 van 2" in res.excluded["E"]
    with pytest.raises(InsufficientDataError):
        similar(frame, "E")
    # with a lower threshold E is compared on y alone, scaled up to the full profile
    res = similar(frame, "A", k=5, min_share=0.5)
    e = next(n for n in res.neighbours if n.code == "E")
    assert e.n_shared == 1 and e.distance == pytest.approx(0.0)


def test_bad_arguments():
    with pytest.raises(KeyError):
        similar(small(), "Q")
    with pytest.raises(KeyError):
        similar(small(), "A", indicators=["nope"])
    with pytest.raises(ValueError):
        SimilarityModel(small(), min_share=0)
    with pytest.raises(ValueError):
        similar(small(), "A", k=0)


def test_demo_buurten_of_enschede(demo_monitor):
    structural = [i.id for i in demo_monitor.catalogue if i.structural]
    frame = demo_monitor.matrix("buurt", structural, boundary_year=2024)
    model = SimilarityModel(frame)
    target = "BU01530603"  # Wesselerbrink
    assert target in model.codes
    res = model.similar(target)
    assert len(res.neighbours) == 5
    distances = [n.distance for n in res.neighbours]
    assert distances == sorted(distances) and distances[0] > 0
    for n in res.neighbours:
        assert n.code.startswith("BU") and n.code != target
        assert sum(n.contributions.values()) == pytest.approx(1.0)
        assert n.n_shared >= model.required
    # symmetric distance: the target's distance as seen from its nearest neighbour is the same
    back = model.similar(res.neighbours[0].code, k=len(model.codes) - 1)
    d = next(n.distance for n in back.neighbours if n.code == target)
    assert d == pytest.approx(distances[0])


def test_vectorised_ranking_equals_the_plain_loop():
    """The neighbour ranking (no Python loop over all areas) equals sorting (distance, code) tuples, ties and
    areas with too few shared indicators included."""
    import numpy as np
    import pandas as pd

    from kansenmonitor.analysis.similarity import SimilarityModel

    rng = np.random.default_rng(3)
    values = rng.integers(0, 4, size=(400, 6)).astype(float)  # many ties
    values[rng.random(values.shape) < 0.25] = np.nan
    frame = pd.DataFrame(values, index=[f"BU{i:08d}" for i in rng.permutation(400)],
                         columns=[f"x{m}" for m in range(6)])
    index = SimilarityModel(frame, min_share=0.5)
    for target in [c for c in index.codes if c not in index.excluded][:25]:
        got = index.similar(target, k=12)
        i = index.codes.index(target)
        diff = index._z - index._z[i]
        shared = index._present & index._present[i]
        n = shared.sum(axis=1)
        dist = np.sqrt(np.where(shared, diff**2, 0).sum(axis=1) * len(index.indicators) / np.maximum(n, 1))
        plain = sorted((float(dist[j]), c) for j, c in enumerate(index.codes)
                       if j != i and c not in index.excluded and n[j] >= index.required)
        assert got.codes == [c for _, c in plain[:12]]
        assert all(("deelt maar" in why) == (c not in index.excluded)
                   for c, why in got.excluded.items())
