import pytest

from kansenmonitor.core.model import Polarity
from kansenmonitor.programme import IndicatorStatus, indicator_overview, indicator_status
from kansenmonitor.programme.indicators import expected_value
from kansenmonitor.programme.model import Baseline, IndicatorKind, Measurement, ProgrammeIndicator, Target


def make(polarity=Polarity.HIGHER_IS_BETTER, measurements=(), targets=((90, 2025),), baseline=(83.7, "2022-01-01"),
         catalogue_id=None):
    return ProgrammeIndicator(
        id="ind", name="VVE-bereik", kind=IndicatorKind.PROCESS, unit="%", polarity=polarity,
        catalogue_id=catalogue_id, region="GM0153",
        baseline=Baseline(date=baseline[1], value=baseline[0]) if baseline else None,
        targets=[Target(value=v, year=y) for v, y in targets],
        measurements=[Measurement(date=d, value=v) for d, v in measurements],
    )


def test_expected_value_is_linear():
    assert expected_value([(2022, 83.7), (2025, 90.0)], 2024) == pytest.approx(83.7 + 6.3 * 2 / 3)
    assert expected_value([(2022, 10), (2024, 20), (2028, 0)], 2026) == pytest.approx(10)
    assert expected_value([(2022, 10), (2024, 20)], 2030) == 20


@pytest.mark.parametrize(("value", "status"), [(88.0, IndicatorStatus.ON_TRACK), (86.0, IndicatorStatus.BEHIND),
                                               (89.5, IndicatorStatus.AHEAD)])
def test_status_higher_is_better(value, status):
    # expected in 2024: 87.9; margin 10% of 6.3 = 0.63
    r = indicator_status(make(measurements=[("2024-01-01", value)]))
    assert r.status == status
    assert r.expected == pytest.approx(87.9)


def test_status_respects_polarity():
    ind = make(polarity=Polarity.HIGHER_IS_WORSE, targets=((10, 2026),), baseline=(20, "2020"),
               measurements=[("2023", 13.0)])
    # expected 2023: 15 → 13 is better than planned
    assert indicator_status(ind).status == IndicatorStatus.AHEAD
    ind.measurements = [Measurement(date="2023", value=18.0)]
    assert indicator_status(ind).status == IndicatorStatus.BEHIND


def test_no_data_cases():
    assert indicator_status(make(baseline=None)).status == IndicatorStatus.NO_DATA
    assert indicator_status(make(targets=())).status == IndicatorStatus.NO_DATA
    assert indicator_status(make()).status == IndicatorStatus.NO_DATA
    assert indicator_status(make(measurements=[("2021", 99)])).status == IndicatorStatus.NO_DATA


def test_values_from_lookup_for_linked_indicator():
    calls = []

    def lookup(indicator_id, region, year):
        calls.append((indicator_id, region, year))
        return {2023: 86.0, 2024: 88.0}.get(year)

    ind = make(catalogue_id="vve_bereik")
    r = indicator_status(ind, year=2024, lookup=lookup)
    assert r.status == IndicatorStatus.ON_TRACK and r.year == 2024 and r.value == 88.0
    assert ("vve_bereik", "GM0153", 2023) in calls
    # the year argument limits which measurements count
    assert indicator_status(ind, year=2023, lookup=lookup).value == 86.0


def test_overview_of_shipped_programme(kansrijk):
    df = indicator_overview(kansrijk)
    assert len(df) == len(kansrijk.indicators)
    vve = df.set_index("id").loc["ind-vve-bereik"]
    assert vve["status"] == "no_data" and vve["baseline"] == 83.7 and vve["target"] == 90
