"""The whole pipeline on the real data (Enschede buurten 2024) against a deliberately naive second computation:
values read again from the store, then loops over regions and indicators in plain Python/pandas."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kansenmonitor.indices import IndexInputError, compute_index, load_inputs, uncertainty

# urgentie as shipped: theme -> [(indicator, polarity sign: +1 = higher is worse)]
# (14 indicators in 5 themes since the PC4 figures: energy labels, gas use, Leefbaarometer and benefits are
# estimates per buurt, stored like any other buurt value, so the generic loop below reads them)
THEMES = {
    "energie": [("pct_woningen_energielabel_efg", 1), ("aardgasverbruik_woningen", 1)],
    "leefbaarheid": [("geluidhinder_buren_18plus", 1), ("eenzaam_18plus", 1), ("leefbaarometer_score", -1)],
    "veiligheid": [("misdrijven_per_1000", 1)],
    "gezondheid": [("ervaren_gezondheid_goed_18plus", -1), ("risico_angst_depressie_18plus", 1),
                   ("ernstig_overgewicht_18plus", 1), ("beperkt_door_gezondheid_18plus", 1)],
    "inkomen": [("moeite_met_rondkomen_18plus", 1), ("inkomen_per_inwoner", -1), ("woz_waarde", -1),
                ("pct_uitkeringsontvangers", 1)],
}


def naive_values(monitor) -> pd.DataFrame:
    codes = sorted(r.code for r in monitor.regions(level="buurt", gemeente="GM0153", boundary_year=2024))
    obs = monitor.observations(public=True, purpose="analysis", regions=codes)
    table = {}
    for theme in THEMES.values():
        for ind, _ in theme:
            col = {}
            if ind == "misdrijven_per_1000":  # derived: crimes 2024 / inhabitants 2024 × 1000, at least 50 inhabitants
                for code in codes:
                    c = obs[(obs.region == code) & (obs.indicator == "misdrijven") & (obs.period == 2024)
                            & (obs.boundary_year == 2024)]["value"].dropna()
                    p = obs[(obs.region == code) & (obs.indicator == "inwoners") & (obs.period == 2024)
                            & (obs.boundary_year == 2024)]["value"].dropna()
                    if len(c) and len(p) and p.iloc[0] >= 50:
                        col[code] = c.iloc[0] / p.iloc[0] * 1000
                table[ind] = col
                continue
            rows = obs[(obs.indicator == ind) & obs.value.notna()]
            year = 2024 if (rows.boundary_year == 2024).any() else 2020  # Enschede codes are the same in 2020 and 2024
            rows = rows[rows.boundary_year == year]
            latest = rows.period.max()
            for code in codes:
                v = rows[(rows.region == code) & (rows.period == latest)]["value"]
                if len(v):
                    col[code] = float(v.iloc[0])
            table[ind] = col
    return pd.DataFrame(table, index=codes)


def naive_scores(values: pd.DataFrame, normalisation="zscore", within="arithmetic", across="arithmetic",
                 k_sd=3.0) -> dict:
    inds = [i for t in THEMES.values() for i, _ in t]
    sign = {i: s for t in THEMES.values() for i, s in t}
    norm = {}
    for ind in inds:
        col = {c: v * sign[ind] for c, v in values[ind].items() if not math.isnan(v)}
        xs = list(col.values())
        mean = sum(xs) / len(xs)
        sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / len(xs))
        col = {c: min(max(v, mean - k_sd * sd), mean + k_sd * sd) for c, v in col.items()}
        xs = list(col.values())
        mean = sum(xs) / len(xs)
        sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / len(xs))
        out = {}
        for c, v in col.items():
            if normalisation == "zscore":
                out[c] = (v - mean) / sd
            else:  # percentile rank: (below + half equal) / n
                out[c] = (sum(1 for x in xs if x < v) + 0.5 * sum(1 for x in xs if x == v)) / len(xs)
        norm[ind] = out
    if within == "geometric":
        for ind in inds:
            lo, hi = min(norm[ind].values()), max(norm[ind].values())
            norm[ind] = {c: 1 + 99 * (v - lo) / (hi - lo) for c, v in norm[ind].items()}
    theme_scores, scored = {}, []
    for code in values.index:
        observed = sum(1 for i in inds if code in norm[i])
        ts = {}
        for t, members in THEMES.items():
            vals = [norm[i][code] for i, _ in members if code in norm[i]]
            if vals:
                ts[t] = math.exp(sum(math.log(v) for v in vals) / len(vals)) if within == "geometric" \
                    else sum(vals) / len(vals)
        if observed / len(inds) >= 0.65 and len(ts) == len(THEMES):
            theme_scores[code] = ts
            scored.append(code)
    result = {}
    if across == "arithmetic":
        for code in scored:
            result[code] = sum(theme_scores[code].values()) / len(THEMES)
    elif across == "imd_exponential":
        c = 1 - math.exp(-100 / 23)
        n = len(scored)
        trans = {code: 0.0 for code in scored}
        for t in THEMES:
            for code in scored:
                v = theme_scores[code][t]
                rank = sum(1 for o in scored if theme_scores[o][t] < v) + (
                    sum(1 for o in scored if theme_scores[o][t] == v) + 1) / 2
                trans[code] += -23 * math.log(1 - rank / n * c) / len(THEMES)
        result = trans
    return result


@pytest.fixture(scope="module")
def naive_inputs(demo_monitor):
    return naive_values(demo_monitor)


def test_loader_reads_the_same_values(enschede_urgentie, naive_inputs):
    got = enschede_urgentie.values.reindex(index=naive_inputs.index, columns=naive_inputs.columns)
    pd.testing.assert_frame_equal(got, naive_inputs, check_names=False, check_dtype=False, atol=1e-12, rtol=0)
    assert got.notna().sum().sum() > 600


@pytest.mark.parametrize("normalisation,within,across", [
    ("zscore", "arithmetic", "arithmetic"),
    ("rank", "geometric", "imd_exponential"),
    ("zscore", "arithmetic", "imd_exponential"),
])
def test_scores_match_naive_computation(demo_monitor, urgentie, naive_inputs, normalisation, within, across):
    # the naive computation ranks every buurt: compare with the engine without the minimum population
    every_buurt = load_inputs(demo_monitor, urgentie, level="buurt", gemeente="GM0153", min_population=0)
    d = urgentie.with_steps(normalisation=normalisation, within=within, across=across)
    r = compute_index(d, every_buurt)
    expected = naive_scores(naive_inputs, normalisation, within, across)
    got = r.scored["score"]
    assert sorted(got.index) == sorted(expected)
    assert len(expected) >= 60
    for code, v in expected.items():
        assert got[code] == pytest.approx(v, abs=1e-9)
    # ranks: 1 = highest score
    order = sorted(expected, key=lambda c: -expected[c])
    assert list(r.scored.sort_values("rank").index) == order


def test_unscored_regions_say_why(urgentie, enschede_urgentie):
    r = compute_index(urgentie, enschede_urgentie)
    unscored = r.unscored
    assert len(unscored) >= 1
    assert unscored["reason"].notna().all()
    assert not (r.scores["score"] == 0).any()  # missing never becomes 0
    assert [m["theme"] for m in r.missing_themes] == ["klimaat"]
    d = r.to_dict()
    assert d["regions"][0]["themes"].keys() == {"energie", "leefbaarheid", "veiligheid", "gezondheid", "inkomen"}


def test_reference_numbers_enschede(urgentie, enschede_urgentie):
    """Frozen reference numbers: a refactor cannot silently change the ranking."""
    r = compute_index(urgentie, enschede_urgentie)
    top = list(r.scored.sort_values("rank").index[:3])
    # 14 indicators since the PC4 figures (energy labels, gas use, Leefbaarometer, benefits) were added;
    # Industrie- en havengebied (BU01530700, 210 inhabitants) is below the 500-inhabitant limit and not ranked
    assert top == ["BU01530000", "BU01530603", "BU01530202"]
    assert r.scores.loc["BU01530603", "score"] == pytest.approx(0.7016918004675976, abs=1e-9)


def test_small_areas_get_no_rank_unless_asked(demo_monitor, urgentie, enschede_urgentie):
    """An area below the minimum population is not ranked (its reason says why, the notes name it); its figures
    still count in the normalisation, so the other scores do not move. With a limit of 0 it is ranked again."""
    r = compute_index(urgentie, enschede_urgentie)
    assert enschede_urgentie.min_population == 500 and r.min_population == 500
    pop = enschede_urgentie.population
    assert set(r.too_small) == {c for c in enschede_urgentie.targets if pop.get(c) == pop.get(c) and pop[c] < 500}
    assert "BU01530700" in r.too_small and pop["BU01530700"] == 210
    assert np.isnan(r.scores.loc["BU01530700", "rank"])
    assert r.scores["reason"]["BU01530700"] == "te weinig inwoners: 210 (een rang en geld pas vanaf 500 inwoners)"
    assert r.to_dict("en")["regions"][[x["region"] for x in r.to_dict()["regions"]].index("BU01530700")][
        "reason"] == "too few inhabitants: 210 (a rank and money only from 500 inhabitants)"
    note = next(n for n in r.notes if n.code == "note.min_population")
    assert note.startswith("gebieden met minder dan 500 inwoners krijgen geen rang en geen geld; dat zijn er hier 12")
    assert "Industrie- en havengebied (210)" in note
    everyone = load_inputs(demo_monitor, urgentie, level="buurt", gemeente="GM0153", min_population=0)
    r0 = compute_index(urgentie, everyone)
    assert r0.too_small == [] and any(n.code == "note.min_population_off" for n in r0.notes)
    assert list(r0.scored.sort_values("rank").index[:3]) == ["BU01530000", "BU01530700", "BU01530603"]
    both = r.scored.index
    assert np.allclose(r.scores.loc[both, "score"], r0.scores.loc[both, "score"])  # the same scores, fewer ranks
    unc = uncertainty(urgentie, enschede_urgentie, draws=20, seed=1)
    assert unc.ranks.loc[r.too_small, "median_rank"].isna().all()
    assert unc.ranks["rank_high"].max() == len(r.scored)
    with pytest.raises(IndexInputError):
        load_inputs(demo_monitor, urgentie, level="buurt", gemeente="GM0153", min_population=-1)


def test_reference_is_named_for_a_reader(demo_monitor, urgentie):
    for ref, nl, en in [("nl", "Nederland", "the Netherlands"), ("gemeente", "de eigen gemeente", "the own municipality"),
                        ("regio_deal", "de gemeenten van de Regio Deal (Almelo en Enschede)",
                         "the municipalities of the Regio Deal (Almelo and Enschede)")]:
        r = compute_index(urgentie, load_inputs(demo_monitor, urgentie, level="buurt", gemeente="GM0153",
                                                reference=ref))
        assert r.reference == ref and r.reference_label() == nl and r.reference_label("en") == en
        assert r.to_dict()["reference_label"] == nl
    with pytest.raises(IndexInputError, match="referentie 'nederland' kan niet"):
        load_inputs(demo_monitor, urgentie, level="buurt", gemeente="GM0153", reference="nederland")


def test_wijk_level_and_regio_deal_reference(demo_monitor, mdi):
    from kansenmonitor.indices import load_inputs

    inputs = load_inputs(demo_monitor, mdi, level="wijk", gemeente="GM0153")
    assert set(inputs.groups) == {"regio_deal"}
    assert len(inputs.values) > len(inputs.targets)  # Almelo wijken are in the reference
    assert not any(c.startswith("WK0164") for c in inputs.values.index)  # Hengelo does not take part
    r = compute_index(mdi, inputs)
    assert len(r.scores) == 10
    assert r.scored["score"].between(0, 100).all()
    assert np.isfinite(r.scored["score"]).all()
