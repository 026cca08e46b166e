"""Links from the shipped programmes to the catalogue and the store, and the store-backed lookup."""

import pytest

from kansenmonitor.core.catalogue import load_catalogue
from kansenmonitor.core.errors import DefinitionError
from kansenmonitor.programme.model import Baseline, IndicatorKind, ProgrammeIndicator, Target
from kansenmonitor.programme.progress import indicator_regions
from kansenmonitor.programme.repository import read_programme_file
from kansenmonitor.programme.store_lookup import StoreValues, make_lookup, store_series
from kansenmonitor.programme.validate import validate_programme


def _linked(programme):
    return [*(i for i in programme.indicators if i.catalogue_id), *(f for f in programme.figures if f.catalogue_id)]


def test_every_catalogue_link_resolves(shipped):
    catalogue = load_catalogue()
    linked = [(pid, item) for pid, p in shipped.items() for item in _linked(p)]
    ids = {item.id for _, item in linked}
    # the Regio Deal links its neighbourhood statistics; proxies carry a note saying so
    assert {"ind-arbeidsparticipatie", "ind-ervaren-gezondheid", "fig-laag-inkomen", "fig-huishoudens",
            "fig-eenzaamheid", "fig-arbeidsparticipatie-2"} <= ids
    for pid, item in linked:
        assert item.catalogue_id in catalogue, f"{pid}: {item.id} → {item.catalogue_id}"
        assert item.note, f"{pid}: {item.id} is linked without a note on what the store holds"
    rd = shipped["regio-deal-elk-talent-telt"]
    assert "Benadering" in rd.indicator("ind-ervaren-gezondheid").note
    # no invented baselines: the linked Regio Deal indicators keep the source's (text) baselines
    assert rd.indicator("ind-arbeidsparticipatie").baseline.value is None


def test_link_regions_are_store_regions_or_documented_focus_areas(shipped, demo_monitor):
    store_regions = {code for code, _ in demo_monitor.store.region_keys()}
    for p in shipped.values():
        focus = {a.code for a in p.focus_areas if a.description or a.note or a.source_location}
        for item in _linked(p):
            regions = indicator_regions(p, item) if isinstance(item, ProgrammeIndicator) else [item.region]
            for code in regions:
                if code is not None:
                    assert code in store_regions or code in focus, f"{p.id}: {item.id} → {code}"
    # the two Enschede focus areas exist in the demo store, with aggregated values
    assert {"FG-WESSELERBRINK", "FG-TWEKKELERVELD"} <= store_regions


def test_shipped_programmes_valid_against_catalogue_and_store(shipped, demo_monitor):
    indicators = {i.id for i in demo_monitor.catalogue}
    regions = {code for code, _ in demo_monitor.store.region_keys()}
    for pid, p in shipped.items():
        assert validate_programme(p, pid, indicators, regions) == []


def _expected(demo_monitor, indicator, region):
    obs = demo_monitor.observations(public=True, regions=[region], indicators=[indicator])
    obs = obs[obs["value"].notna()].sort_values("boundary_year")
    return {int(r.period): float(r.value) for r in obs.itertuples()}  # later indeling wins


@pytest.mark.parametrize(("indicator", "region"), [
    ("ervaren_gezondheid_goed_18plus", "GM0153"),
    ("netto_arbeidsparticipatie", "GM0141"),
    ("huishoudens", "FG-WESSELERBRINK"),
    ("eenzaam_18plus", "BU01530301"),
])
def test_lookup_returns_store_values(demo_monitor, indicator, region):
    expected = _expected(demo_monitor, indicator, region)
    assert expected, "the demo store should hold this series"
    lookup = make_lookup(demo_monitor)
    for year, value in expected.items():
        assert lookup(indicator, region, year) == pytest.approx(value)
    assert lookup(indicator, region, min(expected) - 1) is None
    assert lookup(indicator, "GM9999", max(expected)) is None
    assert lookup("bestaat_niet", region, max(expected)) is None


def test_lookup_prefers_latest_indeling_and_skips_missing(demo_monitor):
    obs = demo_monitor.observations(public=True, regions=["GM0153"], indicators=["ervaren_gezondheid_goed_18plus"],
                                    periods=[2016])
    by_year = {int(r.boundary_year): float(r.value) for r in obs.itertuples()}
    assert len(by_year) >= 2 and len(set(by_year.values())) >= 2, "two indelingen with different values"
    assert make_lookup(demo_monitor)("ervaren_gezondheid_goed_18plus", "GM0153", 2016) == by_year[max(by_year)]
    # WK015303: the 2024 indeling has empty rows, the 2020 indeling has values
    obs = demo_monitor.observations(public=True, regions=["WK015303"], indicators=["ervaren_gezondheid_goed_18plus"],
                                    periods=[2020])
    filled = obs[obs["value"].notna()]
    assert len(obs) > len(filled) == 1
    assert make_lookup(demo_monitor)("ervaren_gezondheid_goed_18plus", "WK015303", 2020) == float(filled["value"].iloc[0])


def test_lookup_applies_disclosure(demo_monitor):
    obs = demo_monitor.observations(public=True, gemeente="GM0153", indicators=["pct_65plus", "pct_0_14"])
    suppressed = obs[obs["status"] == "suppressed"]
    assert not suppressed.empty, "the demo store withholds some small-buurt values"
    raw_all = demo_monitor.observations(public=False, gemeente="GM0153", indicators=["pct_65plus", "pct_0_14"])
    keys = ["region", "boundary_year", "indicator", "period"]
    withheld = suppressed[keys].merge(raw_all[raw_all["value"].notna()][keys], on=keys)
    assert not withheld.empty, "some withheld figures have a value in the raw store (CBS left others empty itself)"
    row = withheld.iloc[0]
    region, indicator, period = row["region"], row["indicator"], int(row["period"])
    raw = demo_monitor.observations(public=False, regions=[region], indicators=[indicator], periods=[period])
    assert raw["value"].notna().any(), "the raw store has the value"
    public = demo_monitor.observations(public=True, regions=[region], indicators=[indicator], periods=[period])
    assert public["value"].isna().all()
    values = StoreValues(demo_monitor)
    point = values.point(indicator, region, period)
    assert point.value is None and point.status == "suppressed"
    assert make_lookup(demo_monitor)(indicator, region, period) is None


def test_store_series_lists_years_for_a_linked_indicator(demo_monitor):
    ind = ProgrammeIndicator(id="x", name="X", kind=IndicatorKind.OUTCOME, unit="%",
                             catalogue_id="ervaren_gezondheid_goed_18plus", region="GM0153")
    series = store_series(demo_monitor, ind)
    expected = _expected(demo_monitor, "ervaren_gezondheid_goed_18plus", "GM0153")
    assert [p.year for p in series] == sorted(expected)
    assert [p.value for p in series] == pytest.approx([expected[y] for y in sorted(expected)])
    assert all(p.source_ref for p in series)
    assert store_series(demo_monitor, ProgrammeIndicator(id="y", name="Y", kind=IndicatorKind.OUTCOME)) == []
    # region from the baseline when the indicator has none
    ind2 = ProgrammeIndicator(id="z", name="Z", kind=IndicatorKind.OUTCOME, catalogue_id="huishoudens",
                              baseline=Baseline(date="2024", region="FG-TWEKKELERVELD"),
                              targets=[Target(value=2500, year=2030)])
    assert [p.year for p in store_series(demo_monitor, ind2)] == sorted(_expected(demo_monitor, "huishoudens",
                                                                                  "FG-TWEKKELERVELD"))


BAD = """id: p
name: P
indicators:
- id: ind-a
  name: A
  kind: outcome
  catalogue_id: ervaren_gezondheid_goed_18plus
  region: GM0153
- id: ind-b
  name: B
  kind: outcome
  catalogue_id: ervaren_gezondhied_goed_18plus
  region: GM0153
figures:
- id: fig-a
  label: F
  catalogue_id: bestaat_niet
"""


def test_unknown_catalogue_id_names_file_line_and_field(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(BAD, encoding="utf-8")
    known = {i.id for i in load_catalogue()}
    with pytest.raises(DefinitionError) as err:
        read_programme_file(path, known_indicators=known)
    issues = err.value.issues
    assert [(i.row, i.field) for i in issues] == [(9, "catalogue_id"), (15, "catalogue_id")]
    assert all(i.file == str(path) for i in issues)
    assert "ervaren_gezondhied_goed_18plus" in issues[0].message
    assert "ervaren_gezondheid_goed_18plus" in issues[0].hint
    text = str(err.value)
    assert str(path) in text and "9" in text and "catalogue_id" in text
    # without the catalogue the id is not checked (form only)
    assert read_programme_file(path).indicator("ind-b").catalogue_id == "ervaren_gezondhied_goed_18plus"
