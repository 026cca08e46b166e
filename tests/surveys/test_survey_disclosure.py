"""Disclosure control of survey shares: the primary rules, the differencing rule (a wijk against its buurten,
a custom area against its members), and a sweep over the demo survey's outputs."""

from __future__ import annotations

import pytest

from kansenmonitor.surveys import disclosure as dc
from kansenmonitor.surveys import estimate
from kansenmonitor.surveys import repository as repo
from kansenmonitor.surveys.codebook import load_codebook
from kansenmonitor.surveys.importer import import_survey

from .conftest import respondents


def cell(n: int, x: int) -> dc.Cell:
    return dc.Cell(n, x, float(n), float(x))


def test_primary_rules():
    assert dc.primary(cell(29, 10)) == dc.PRIMARY_N
    assert dc.primary(cell(100, 9)) == dc.PRIMARY_CELL
    assert dc.primary(cell(100, 91)) == dc.PRIMARY_CELL  # the rest (9) is too small
    assert dc.primary(dc.Cell(200, 20, 200.0, 185.0)) == dc.PRIMARY_SHARE  # weighted share above 90 %
    assert dc.primary(cell(100, 40)) is None


def test_the_90_percent_rule_applies_to_the_sensitive_category():
    """Group disclosure is about a sensitive attribute being (near-)universal in a group: 4 % lonely means 96 %
    not lonely, which tells nothing sensitive; 96 % lonely would. Every other threshold stays."""
    rare = cell(400, 16)  # 4 %
    common = cell(400, 384)  # 96 %
    assert dc.primary(rare, sensitive=dc.SENSITIVE_SHARE) is None
    assert dc.primary(common, sensitive=dc.SENSITIVE_SHARE) == dc.PRIMARY_SHARE
    assert dc.primary(rare, sensitive=dc.SENSITIVE_REST) == dc.PRIMARY_SHARE
    assert dc.primary(common, sensitive=dc.SENSITIVE_REST) is None
    assert dc.primary(rare) == dc.primary(common) == dc.PRIMARY_SHARE  # unknown side: both sides checked
    assert dc.primary(cell(400, 9), sensitive=dc.SENSITIVE_SHARE) == dc.PRIMARY_CELL  # cells under 10 stay out
    assert dc.primary(cell(29, 10), sensitive=dc.SENSITIVE_SHARE) == dc.PRIMARY_N
    # the differencing check uses the same rule for the rest of an area
    base = {"a": cell(400, 16), "b": cell(300, 12), "c": cell(20, 1)}
    sets = {"a": frozenset("a"), "b": frozenset("b"), "c": frozenset("c"), "W": frozenset("abc")}
    check = dc.check_for(dc.SENSITIVE_SHARE)
    reasons = dc.protect(base, sets, check=check)
    assert reasons["a"] is None and reasons["W"] is None and reasons["b"] == dc.SECONDARY
    published = {k for k, v in reasons.items() if v is None}
    assert dc.derivable(base, sets, published, check=check) == []


def test_the_sensitive_category_follows_the_codebook_polarity():
    from importlib.resources import files

    cb = load_codebook(files("kansenmonitor.surveys") / "data" / "demo_codebook.yaml")
    assert cb.item("eenzaam").sensitive == dc.SENSITIVE_SHARE  # share of the worse answer
    assert cb.item("koopwoning").sensitive == dc.SENSITIVE_REST  # share of the better answer: renting is the side
    assert cb.item("inkomen").sensitive == dc.SENSITIVE_SHARE
    assert cb.item("opleiding").sensitive == dc.SENSITIVE_REST
    neutral = [it for it in cb.items if it.polarity == "none"]
    assert neutral and all(it.sensitive == dc.SENSITIVE_BOTH for it in neutral)


def test_one_small_buurt_takes_a_second_one_with_it():
    base = {"a": cell(100, 40), "b": cell(80, 30), "c": cell(12, 5)}
    sets = {"a": frozenset("a"), "b": frozenset("b"), "c": frozenset("c"), "W": frozenset("abc")}
    reasons = dc.protect(base, sets)
    assert reasons["c"] == dc.PRIMARY_N
    assert reasons["b"] == dc.SECONDARY  # the smaller published buurt is withheld too
    assert reasons["a"] is None and reasons["W"] is None
    published = {k for k, v in reasons.items() if v is None}
    assert dc.derivable(base, sets, published) == []
    # without the secondary rule, W − a − b would give c away
    assert dc.derivable(base, sets, {"a", "b", "W"})


def test_custom_area_is_checked_against_its_members():
    base = {"a": cell(100, 40), "b": cell(90, 30), "c": cell(15, 6), "d": cell(120, 50)}
    sets = {k: frozenset(k) for k in base} | {"W1": frozenset("ab"), "W2": frozenset("cd"),
                                              "G": frozenset("abcd"), "FOCUS": frozenset("ac")}
    reasons = dc.protect(base, sets)
    published = {k for k, v in reasons.items() if v is None}
    assert "c" not in published
    # FOCUS − a would be c: so either FOCUS or a is withheld
    assert not {"FOCUS", "a"} <= published
    assert dc.derivable(base, sets, published) == []


def test_areas_with_the_same_respondents_share_one_decision():
    base = {"a": cell(100, 40), "b": cell(50, 20), "c": cell(10, 4)}
    sets = {"a": frozenset("a"), "b": frozenset("b"), "c": frozenset("c"), "W": frozenset("abc"),
            "FOCUS": frozenset("b")}
    reasons = dc.protect(base, sets)
    assert reasons["b"] == reasons["FOCUS"] == dc.SECONDARY


def test_shares_on_a_small_store(survey_monitor, codebook_file, tmp_path):
    data = respondents({"BU99990101": 60, "BU99990102": 50, "BU99990103": 8, "BU99990201": 45, "BU99990202": 70},
                       {"BU99990101": 0.3, "BU99990201": 0.5})
    path = tmp_path / "antwoorden.csv"
    data.to_csv(path, index=False)
    import_survey(survey_monitor, path, load_codebook(codebook_file))
    w = repo.wave(survey_monitor)
    rows = {r.area: r for r in estimate.shares(survey_monitor, w)}
    assert rows["BU99990103"].share is None and rows["BU99990103"].respondents is None
    assert rows["BU99990102"].reason == dc.SECONDARY  # else WK999901 − 0101 − 0102 gives 0103 away
    g = rows["GM9999"]
    sub = data[data["eenzaam"].isin([1, 2])]
    expected = 100 * (sub["w"] * (sub["eenzaam"] == 1)).sum() / sub["w"].sum()
    assert g.share == pytest.approx(round(expected, 1))
    assert g.lower < g.share < g.upper
    assert g.respondents == len(sub)
    assert "GB-TEST" in rows  # the custom area of two buurten


@pytest.fixture(scope="module")
def demo_wave(demo_monitor):
    return repo.wave(demo_monitor)


def test_demo_survey_outputs_have_no_small_cells_and_cannot_be_differenced(demo_monitor, demo_wave):
    """Every published share of the demo survey passes the thresholds when recounted from the microdata, and no
    published area gives away a withheld one by subtraction (custom areas included)."""
    w = demo_wave
    data = repo.microdata(demo_monitor, w)
    areas = estimate.survey_areas(demo_monitor, w)
    assert {"FG-WESSELERBRINK", "FG-TWEKKELERVELD"} <= set(areas)
    rows = estimate.shares(demo_monitor, w, data=data, areas=areas)
    sets = {a: i.members for a, i in areas.items()}
    assert len(rows) > 2000
    for it in w.codebook.shares():
        base = estimate.base_cells(data, it)
        mine = [r for r in rows if r.item == it.id]
        published = {r.area for r in mine if r.status == "published"}
        assert published, it.id
        for r in mine:
            c = dc._sum(base, sets[r.area])
            if r.status == "published":
                assert c.n >= 30 and c.x >= 10 and c.n - c.x >= 10, (it.id, r.area)
                assert r.respondents == c.n
                # no more than 90 % on the sensitive side (the codebook's polarity says which side that is)
                if it.sensitive in (dc.SENSITIVE_SHARE, dc.SENSITIVE_BOTH):
                    assert c.wy / c.w <= 0.9, (it.id, r.area)
                if it.sensitive in (dc.SENSITIVE_REST, dc.SENSITIVE_BOTH):
                    assert c.wy / c.w >= 0.1, (it.id, r.area)
            else:
                assert r.share is None and r.lower is None and r.respondents is None
        assert dc.derivable(base, sets, published, check=dc.check_for(it.sensitive)) == [], it.id
