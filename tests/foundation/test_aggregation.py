"""Re-aggregation by each indicator's rule: hand-checked cases and the real KWB 2024 check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kansenmonitor.analysis.aggregation import aggregate, compare_with_published
from kansenmonitor.core.model import Aggregation, Indicator, Polarity


def ind(iid, agg, **kw):
    return Indicator(iid, iid, iid, kw.pop("unit", "aantal"), "t", Polarity.NEUTRAL, agg, **kw)


CAT = [
    ind("n", Aggregation.SUM, value_type="int", decimals=0),
    ind("kids", Aggregation.SUM, value_type="int", decimals=0),
    ind("pct_kids", Aggregation.RATIO, numerator="kids", denominator="n", factor=100, unit="%"),
    ind("woz", Aggregation.WEIGHTED_MEAN, weight="n"),
    ind("model", Aggregation.NONE),
]


def obs(rows):
    df = pd.DataFrame(rows, columns=["region", "indicator", "period", "value"])
    df["boundary_year"] = 2024
    df["status"] = np.where(df["value"].isna(), "missing", "measured")
    return df


def test_sum_ratio_weighted_mean_by_hand():
    data = obs([
        ("a", "n", 2024, 100), ("b", "n", 2024, 300),
        ("a", "kids", 2024, 10), ("b", "kids", 2024, 60),
        ("a", "woz", 2024, 200), ("b", "woz", 2024, 300),
        ("a", "model", 2024, 5), ("b", "model", 2024, 7),
    ])
    out = aggregate(data, CAT, {"P": ["a", "b"]}, 2024).set_index("indicator")
    assert out.loc["n", "value"] == 400
    assert out.loc["pct_kids", "value"] == pytest.approx(70 / 400 * 100)
    assert out.loc["pct_kids", "numerator"] == 70 and out.loc["pct_kids", "denominator"] == 400
    assert out.loc["woz", "value"] == pytest.approx((200 * 100 + 300 * 300) / 400)
    assert "model" not in out.index  # not aggregatable


def test_missing_member_never_counts_as_zero():
    data = obs([("a", "n", 2024, 100), ("b", "n", 2024, np.nan), ("a", "kids", 2024, 10), ("b", "kids", 2024, 20)])
    out = aggregate(data, CAT, {"P": ["a", "b"]}, 2024).set_index("indicator")
    assert np.isnan(out.loc["n", "value"]) and out.loc["n", "status"] == "missing"
    assert out.loc["n", "n_missing"] == 1 and "zonder waarde" in out.loc["n", "source_ref"]
    assert np.isnan(out.loc["pct_kids", "value"])


def test_member_without_any_row_is_missing_too():
    data = obs([("a", "n", 2024, 100)])
    out = aggregate(data, CAT, {"P": ["a", "b"]}, 2024).set_index("indicator")
    assert np.isnan(out.loc["n", "value"])


def test_compare_verdicts():
    cat = {i.id: i for i in CAT}
    agg = aggregate(obs([("a", "n", 2024, 100), ("b", "n", 2024, 305)]), CAT, {"P": ["a", "b"]}, 2024)
    pub = obs([("P", "n", 2024, 400)])
    table = compare_with_published(agg, pub, cat).table
    assert table["verdict"].tolist() == ["match"]  # 405 vs 400: within rounding of 3 counts rounded to 5
    pub = obs([("P", "n", 2024, 380)])
    assert compare_with_published(agg, pub, cat).table["verdict"].tolist() == ["difference"]


def test_real_buurt_to_wijk_matches_cbs(demo_monitor):
    """KWB 2024: buurten re-aggregated to wijken equal CBS's wijk values within rounding."""
    check = demo_monitor.aggregation_check(2024, "buurt", "wijk", gemeente=["GM0153", "GM0141", "GM0164"])
    table = check.table
    exact_rules = table[table["indicator"].isin(["inwoners", "huishoudens", "inwoners_0_14", "inwoners_65plus",
                                                 "oppervlakte_land", "bevolkingsdichtheid"])]
    complete = exact_rules[exact_rules["verdict"] != "suppression"]
    assert len(complete) >= 150
    assert (complete["verdict"] == "match").all(), complete[complete["verdict"] != "match"]
    # what does not match is listed with a reason
    mism = check.mismatches
    assert not mism.empty and mism["reason"].str.len().gt(0).all()
    assert set(mism["verdict"]) <= {"suppression", "difference", "published_missing"}


def test_real_wijk_to_gemeente_matches_cbs(demo_monitor):
    check = demo_monitor.aggregation_check(2024, "wijk", "gemeente", gemeente=["GM0153", "GM0141", "GM0164"])
    counts = check.table[check.table["indicator"].isin(["inwoners", "huishoudens", "mannen", "vrouwen",
                                                        "woningvoorraad"])]
    assert len(counts) == 15 and (counts["verdict"] == "match").all()


# -- weights as population of an age group; model estimates ----------------------------------------------------
def test_weight_expression_is_the_population_of_the_age_group():
    cat = [ind("inw", Aggregation.SUM), ind("jong", Aggregation.SUM),
           ind("share_15plus", Aggregation.WEIGHTED_MEAN, weight="inw - jong", unit="%")]
    data = obs([("a", "inw", 2024, 100), ("a", "jong", 2024, 40), ("b", "inw", 2024, 300), ("b", "jong", 2024, 20),
                ("a", "share_15plus", 2024, 10.0), ("b", "share_15plus", 2024, 30.0)])
    out = aggregate(data, cat, {"P": ["a", "b"]}, 2024).set_index("indicator")
    # weights 60 and 280, not 100 and 300
    assert out.loc["share_15plus", "value"] == pytest.approx((10 * 60 + 30 * 280) / 340)
    assert out.loc["share_15plus", "denominator"] == 340
    assert "gewicht inw - jong" in out.loc["share_15plus", "source_ref"]


def test_model_estimate_aggregates_as_an_estimate_without_interval():
    from kansenmonitor.core.model import Source

    est = Source("RIVM", table="50090NED", estimated=True)
    cat = [ind("inw", Aggregation.SUM), ind("m", Aggregation.WEIGHTED_MEAN, weight="inw", unit="%", sources=(est,))]
    data = obs([("a", "inw", 2020, 100), ("b", "inw", 2020, 300), ("a", "m", 2020, 20.0), ("b", "m", 2020, 40.0)])
    out = aggregate(data, cat, {"P": ["a", "b"]}, 2020).set_index("indicator")
    assert out.loc["m", "value"] == pytest.approx(35.0)
    assert out.loc["m", "status"] == "estimated"
    assert np.isnan(out.loc["m", "lower"]) and np.isnan(out.loc["m", "upper"])
    assert "marges zijn niet op te tellen" in out.loc["m", "source_ref"]


def test_weight_of_the_nearest_period_is_named():
    cat = [ind("inw", Aggregation.SUM), ind("m", Aggregation.WEIGHTED_MEAN, weight="inw", unit="%")]
    data = obs([("a", "inw", 2024, 100), ("b", "inw", 2024, 300), ("a", "m", 2020, 20.0), ("b", "m", 2020, 40.0)])
    out = aggregate(data, cat, {"P": ["a", "b"]}, 2020).set_index("indicator")
    assert out.loc["m", "period"] == 2020 and "gewicht van 2024" in out.loc["m", "source_ref"]


def test_weight_with_a_missing_term_leaves_the_member_out_and_the_area_empty():
    cat = [ind("inw", Aggregation.SUM), ind("jong", Aggregation.SUM),
           ind("s", Aggregation.WEIGHTED_MEAN, weight="inw - jong", unit="%")]
    data = obs([("a", "inw", 2024, 100), ("a", "jong", 2024, 40), ("b", "inw", 2024, 300),
                ("a", "s", 2024, 10.0), ("b", "s", 2024, 30.0)])
    out = aggregate(data, cat, {"P": ["a", "b"]}, 2024).set_index("indicator")
    assert np.isnan(out.loc["s", "value"]) and out.loc["s", "n_missing"] == 1


@pytest.mark.parametrize("bad", ["inwoners * 2", "- inwoners", "inwoners inwoners_0_14"])
def test_catalogue_refuses_a_weight_that_is_no_sum_of_indicators(tmp_path, bad):
    from kansenmonitor.core.catalogue import parse_catalogue_file
    from kansenmonitor.core.errors import DefinitionError

    f = tmp_path / "c.yaml"
    f.write_text("indicators:\n- {id: x, label: X, unit: '%', theme: t, polarity: neutral, aggregation: weighted_mean, "
                 f"weight: '{bad}'}}\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as e:
        parse_catalogue_file(f)
    assert "weight" in str(e.value.issues[0])


def test_own_area_mean_leaves_out_a_tiny_member_without_a_value_and_says_so():
    cat = [ind("inwoners", Aggregation.SUM), ind("m", Aggregation.WEIGHTED_MEAN, weight="inwoners", unit="%"),
           ind("tot", Aggregation.SUM)]
    data = obs([("a", "inwoners", 2024, 4000), ("b", "inwoners", 2024, 5), ("c", "inwoners", 2024, 1000),
                ("a", "m", 2024, 10.0), ("c", "m", 2024, 20.0), ("a", "tot", 2024, 3), ("c", "tot", 2024, 4)])
    strict = aggregate(data, cat, {"P": ["a", "b", "c"]}, 2024).set_index("indicator")
    assert np.isnan(strict.loc["m", "value"]) and "daarom geen uitkomst" in strict.loc["m", "source_ref"]
    out = aggregate(data, cat, {"P": ["a", "b", "c"], "Q": ["a", "c", "b"]}, 2024,
                    max_missing_share=0.01).set_index(["region", "indicator"])
    got = out.loc[("P", "m")]
    assert got["value"] == pytest.approx((10 * 4000 + 20 * 1000) / 5000)
    assert got["status"] == "estimated" and got["n_missing"] == 1
    assert "1 zonder waarde (0,10% van de inwoners), niet meegeteld" in got["source_ref"]
    # a total is never made without a member
    assert np.isnan(out.loc[("P", "tot"), "value"])
    # a member holding more than 1% of the inhabitants, or one with a value but no weight, is not left out
    big = obs([("a", "inwoners", 2024, 400), ("b", "inwoners", 2024, 5), ("a", "m", 2024, 10.0)])
    assert np.isnan(aggregate(big, cat, {"P": ["a", "b"]}, 2024, max_missing_share=0.01)
                    .set_index("indicator").loc["m", "value"])
    noweight = obs([("a", "inwoners", 2024, 4000), ("a", "m", 2024, 10.0), ("b", "m", 2024, 30.0)])
    assert np.isnan(aggregate(noweight, cat, {"P": ["a", "b"]}, 2024, max_missing_share=0.01)
                    .set_index("indicator").loc["m", "value"])


def test_the_source_of_a_mean_that_left_out_a_member_says_so_in_words():
    from kansenmonitor.web.labels import source_label

    cat = [ind("inwoners", Aggregation.SUM), ind("m", Aggregation.WEIGHTED_MEAN, weight="inwoners", unit="%")]
    data = obs([("a", "inwoners", 2024, 4000), ("b", "inwoners", 2024, 5), ("a", "m", 2024, 10.0)])
    ref = aggregate(data, cat, {"P": ["a", "b"]}, 2024, "deelgebieden",
                    max_missing_share=0.01).set_index("indicator").loc["m", "source_ref"]
    assert source_label(ref)["text"] == ("Geschat: gemiddelde van 1 van de 2 deelgebieden, gewogen naar inwoners; "
                                         "1 zonder cijfer (0,12% van de inwoners) telt niet mee")
    assert "1 without a figure (0.12% of the inhabitants) left out" in source_label(ref, "en")["text"]
    strict = aggregate(data, cat, {"P": ["a", "b"]}, 2024, "deelgebieden").set_index("indicator")
    assert source_label(strict.loc["m", "source_ref"])["text"] == "Niet berekend: 1 van de 2 deelgebieden heeft geen cijfer"
