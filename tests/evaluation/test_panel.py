"""Panel construction and validation: every bad input gives a clear ValidationError."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from evalsim import staggered_panel, to_frame

from kansenmonitor.analysis.evaluation import Panel, evaluate
from kansenmonitor.core.errors import ValidationError

KW = dict(unit="unit", time="year", outcome="y", treated_from="start")


@pytest.fixture
def df() -> pd.DataFrame:
    y, g, _ = staggered_panel(np.random.default_rng(5), n=40, T=6, cohorts=(3, 4), p_never=0.4)
    return to_frame(y, g, start_year=2018)


def issues(exc: pytest.ExceptionInfo) -> list:
    assert isinstance(exc.value, ValidationError) and isinstance(exc.value, ValueError)
    return exc.value.issues


def test_valid_panel(df):
    p = Panel.from_frame(df, **KW)
    assert p.n_units == 40
    assert p.n_treated == int((df.groupby("unit")["start"].first() > 0).sum())
    assert list(p.times) == list(range(2018, 2024))
    wide = p.wide()
    assert wide.y.shape == (40, 6) and not wide.dropped
    assert set(np.unique(wide.group[np.isfinite(wide.group)])) == {3.0, 4.0}


def test_missing_columns(df):
    with pytest.raises(ValidationError) as exc:
        Panel.from_frame(df.drop(columns=["y"]), **{**KW, "covariates": ("age",)})
    fields = {i.field for i in issues(exc)}
    assert fields == {"y", "age"}
    assert all(i.file == "<data>" and "ontbreekt" in i.message for i in issues(exc))


def test_non_numeric_outcome(df):
    df = df.astype({"y": object})
    df.loc[7, "y"] = "veel"
    with pytest.raises(ValidationError) as exc:
        Panel.from_frame(df, **KW)
    (i,) = issues(exc)
    assert i.field == "y" and i.row == 7 and "geen getal" in i.message and "veel" in i.message


def test_decimal_comma_and_empty_outcome_are_accepted(df):
    df = df.astype({"y": object})
    df.loc[3, "y"] = "1,5"
    df.loc[4, "y"] = ""
    p = Panel.from_frame(df, **KW)
    assert p.data["y"].iloc[3] == 1.5
    assert [m.code for m in p.notes] == ["missing_outcome"]
    assert p.wide().dropped == (df.loc[4, "unit"],)


def test_duplicate_unit_time(df):
    df = pd.concat([df, df.iloc[[10]]], ignore_index=True)
    with pytest.raises(ValidationError) as exc:
        Panel.from_frame(df, **KW)
    (i,) = issues(exc)
    assert "meer dan eens" in i.message and i.row == 10 and str(len(df) - 1) in i.hint


def test_constant_outcome(df):
    with pytest.raises(ValidationError) as exc:
        Panel.from_frame(df.assign(y=3.0), **KW)
    assert "overal gelijk" in issues(exc)[0].message


@pytest.mark.parametrize("start", [2030, 2010])
def test_start_outside_time_range(df, start):
    df.loc[df["unit"] == df["unit"].iloc[0], "start"] = start
    with pytest.raises(ValidationError) as exc:
        Panel.from_frame(df, **KW)
    (i,) = issues(exc)
    assert i.field == "start" and "buiten de periode" in i.message and "2018–2023" in i.message


def test_no_pre_period(df):
    u = df["unit"].iloc[0]
    df.loc[df["unit"] == u, "start"] = 2018
    with pytest.raises(ValidationError) as exc:
        Panel.from_frame(df, **KW)
    (i,) = issues(exc)
    assert "geen periode vóór de start" in i.message and i.hint


def test_no_pre_period_for_late_entering_unit(df):
    u = df["unit"].iloc[0]
    df.loc[df["unit"] == u, "start"] = 2020
    df = df[~((df["unit"] == u) & (df["year"] < 2021))]
    with pytest.raises(ValidationError, match="geen periode vóór de start"):
        Panel.from_frame(df, **KW)


def test_start_not_constant_within_unit(df):
    df.loc[0, "start"] = 2021
    with pytest.raises(ValidationError, match="verschillende startperiodes"):
        Panel.from_frame(df, **KW)


def test_too_few_comparison_units(df):
    treated = df.groupby("unit")["start"].first() > 0
    keep = list(treated[treated].index) + list(treated[~treated].index[:1])
    p = Panel.from_frame(df[df["unit"].isin(keep)], **KW)
    for method in ("cs", "did", "scm"):
        kw = {"bootstrap": 0} if method == "cs" else {}
        data = p
        if method == "did":
            data = Panel.from_frame(
                df[df["unit"].isin(keep)].assign(start=lambda d: d["start"].clip(upper=2021)), **KW
            )
        if method == "scm":
            one = list(treated[treated].index[:1]) + list(treated[~treated].index[:1])
            data = Panel.from_frame(df[df["unit"].isin(one)], **KW)
        with pytest.raises(ValidationError, match="te weinig vergelijkingseenheden") as exc:
            evaluate(data, method, **kw)
        assert issues(exc)[0].hint


def test_notyet_control_needs_fewer_never_treated(df):
    treated = df.groupby("unit")["start"].first() > 0
    p = Panel.from_frame(df[df["unit"].isin(treated[treated].index)], **KW)
    with pytest.raises(ValidationError, match="notyet"):
        evaluate(p, "cs", bootstrap=0)
    res = evaluate(p, "cs", control="notyet", bootstrap=0)
    assert np.isfinite(res.estimate)


def test_did_requires_single_start(df):
    with pytest.raises(ValidationError, match="--method cs"):
        evaluate(Panel.from_frame(df, **KW), "did")


def test_treatment_indicator_equals_treated_from(df):
    d = df.assign(treat=((df["start"] > 0) & (df["year"] >= df["start"])).astype(int)).drop(columns="start")
    p1 = Panel.from_frame(d, unit="unit", time="year", outcome="y", treatment="treat")
    p2 = Panel.from_frame(df, **KW)
    pd.testing.assert_series_equal(p1.unit_groups, p2.unit_groups)


def test_treatment_indicator_must_be_absorbing(df):
    d = df.assign(treat=((df["start"] > 0) & (df["year"] >= df["start"])).astype(int))
    u = d.loc[d["treat"] == 1, "unit"].iloc[0]
    d.loc[(d["unit"] == u) & (d["year"] == 2023), "treat"] = 0
    with pytest.raises(ValidationError, match="stopt weer"):
        Panel.from_frame(d, unit="unit", time="year", outcome="y", treatment="treat")


def test_treatment_indicator_values(df):
    d = df.assign(treat=2)
    with pytest.raises(ValidationError, match="0 of 1"):
        Panel.from_frame(d, unit="unit", time="year", outcome="y", treatment="treat")


def test_both_or_neither_treatment_columns(df):
    with pytest.raises(ValidationError, match="precies één"):
        Panel.from_frame(df, unit="unit", time="year", outcome="y")


def test_from_csv_and_parquet(df, tmp_path):
    csv = tmp_path / "panel.csv"
    df.assign(start=df["start"].replace(0, "").astype(str)).to_csv(csv, sep=";", index=False)
    pq = tmp_path / "panel.parquet"
    df.to_parquet(pq)
    a, b = Panel.from_file(csv, **KW), Panel.from_file(pq, **KW)
    np.testing.assert_allclose(a.wide().y, b.wide().y)
    pd.testing.assert_series_equal(a.unit_groups, b.unit_groups)


def test_csv_row_numbers_are_file_lines(df, tmp_path):
    d = df.astype({"y": object})
    d.loc[0, "y"] = "x"
    path = tmp_path / "bad.csv"
    d.to_csv(path, index=False)
    with pytest.raises(ValidationError) as exc:
        Panel.from_file(path, **KW)
    i = issues(exc)[0]
    assert i.file == str(path) and i.row == 2


def test_missing_file(tmp_path):
    with pytest.raises(ValidationError, match="niet gevonden"):
        Panel.from_file(tmp_path / "nope.csv", **KW)


def test_weights_must_be_constant_and_positive(df):
    with pytest.raises(ValidationError, match="positief"):
        Panel.from_frame(df.assign(w=-1.0), **KW, weights="w")
    d = df.assign(w=1.0)
    d.loc[0, "w"] = 2.0
    with pytest.raises(ValidationError, match="verschillende gewichten"):
        Panel.from_frame(d, **KW, weights="w")


def test_unbalanced_units_are_dropped_with_note(df):
    p = Panel.from_frame(df.drop(index=[0]), **KW)
    res = evaluate(p, "cs", bootstrap=0)
    assert res.n_units == 39
    assert "unbalanced" in [m.code for m in res.warnings]
