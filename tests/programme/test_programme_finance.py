import pytest

from kansenmonitor.programme import finance_by_year, lijn_shares, load_programme, source_end_gap, subtotals
from kansenmonitor.programme.finance import finance_by_ambition, finance_by_source, funding_gaps


def test_financial_table_reproduces_printed_totals(kansrijk):
    # Kansrijk Enschede 2023-2033, hoofdstuk 5, FINANCIELE TABEL KANSENGELIJKHEID ("Bedragen in euro x 1.000"):
    #   "TOTAAL UITGAVEN AMBITIES & KANSEN 10.528 10.528 10.528 10.558"
    #   "TOTALE DEKKING KANSENGELIJKHEID     11.063        9.713        7.983        7.983"
    #   "SALDO 535 -815     -2.545 -2.575"
    printed = {
        2023: (10_528, 11_063, 535),
        2024: (10_528, 9_713, -815),
        2025: (10_528, 7_983, -2_545),
        2026: (10_558, 7_983, -2_575),
    }
    df = finance_by_year(kansrijk).set_index("year")
    assert sorted(df.index) == sorted(printed)
    for year, (expenditure, coverage, saldo) in printed.items():
        assert df.loc[year, "expenditure"] == pytest.approx(expenditure * 1000)
        assert df.loc[year, "coverage"] == pytest.approx(coverage * 1000)
        assert df.loc[year, "saldo"] == pytest.approx(saldo * 1000)
    # the two ambitions of the young child are printed as "N.t.b. p.m." in every year
    assert list(df["pm_lines"]) == [2, 2, 2, 2]


def test_financial_table_reproduces_printed_subtotals(kansrijk):
    # "Subtotaal bestaande middelen uitvoering kansengelijkheid     10.513        9.613        7.883        7.883"
    # "Subtotaal nieuwe dekking kansengelijkheid           550           100           100           100"
    sub = subtotals(kansrijk)
    cov = sub[sub["kind"] == "coverage"].set_index(["category", "year"])["amount"]
    for year, amount in zip((2023, 2024, 2025, 2026), (10_513, 9_613, 7_883, 7_883), strict=True):
        assert cov[("bestaande dekking", year)] == pytest.approx(amount * 1000)
    for year, amount in zip((2023, 2024, 2025, 2026), (550, 100, 100, 100), strict=True):
        assert cov[("nieuwe dekking", year)] == pytest.approx(amount * 1000)


def test_line_breakdowns_match_kans_rows(kansrijk):
    # "De interactiekwaliteit vergroten - Inzet 3e pm'er (300k) - Extra inzet IKC-wijkcoach (380k)   680"
    # "Investeren op de plekken ... Naschoolsprogramma (300k) Huiskamers (750k) Onderwijsbegeleiding (120k) 1.170"
    lines = [b for b in kansrijk.lines_of_table("ft-2023-2026") if b.year == 2024 and b.kind.value == "expenditure"]
    by_kans: dict[str, float] = {}
    for b in lines:
        intervention = kansrijk.intervention(b.item)
        kans = intervention.kans_id if intervention else b.item
        by_kans[kans] = by_kans.get(kans, 0) + (b.amount or 0)
    assert by_kans["kans-07"] == 680_000
    assert by_kans["kans-08"] == 1_170_000
    assert by_kans["kans-10"] == 8_353_000


def test_oab_spending_plan_totals(kansrijk):
    # Bestedingsplan OAB: "TOTAAL € 7.603.000 € 7.739.000 € 7.646.000 € 8.353.150"
    # "beschikbaar totaal-budget € 8.355.899"
    printed = {"oab-2022-beschikt": 7_603_000, "oab-2022-verwacht": 7_739_000, "oab-2022-kolom3": 7_646_000,
               "oab-2023": 8_353_150}
    for table, total in printed.items():
        df = finance_by_year(kansrijk, table)
        assert df["expenditure"].sum() == pytest.approx(total)
    oab = finance_by_year(kansrijk, "oab-2023").iloc[0]
    assert oab["coverage"] == pytest.approx(8_355_899)
    # the nota's financial table carries the OAB plan as 8.353 (x 1.000)
    assert round(oab["expenditure"] / 1000) == 8_353


def test_npo_plan_total(kansrijk):
    # "TOTAAL  € 2.917.000"
    df = finance_by_year(kansrijk, "npo-bestedingsplan")
    assert df["year"].isna().all()
    assert df["expenditure"].sum() == pytest.approx(2_917_000)


def test_npo_gap_after_it_ends(kansrijk):
    # "De NPO-middelen worden vanaf 2025 niet meer door het Rijk beschikbaar gesteld": the six
    # huiskamers, naschools programma, IKC-wijkcoaches and 3e pm'er (1.730 in total) lose coverage.
    gap = source_end_gap(kansrijk, "npo")
    assert gap.last_year == 2024
    assert gap.uncovered == {2025: 1_730_000, 2026: 1_730_000}
    assert len(gap.items[2025]) == 4
    assert set(g.source for g in funding_gaps(kansrijk)) == {"npo"}


def test_oab_shortfall_of_900k_from_2024(kansrijk):
    # "Het OAB budget laat bij ongewijzigd inzet van de bestaande activiteiten een tekort van 900.000 euro
    #  vanaf 2024 zien."
    df = finance_by_source(kansrijk)
    oab = df[df["source"] == "oab"].set_index("year")["saldo"]
    assert oab[2023] == 0
    assert all(oab[y] == -900_000 for y in (2024, 2025, 2026))


def test_by_ambition_sums_to_total(kansrijk):
    wide = finance_by_ambition(kansrijk)
    totals = finance_by_year(kansrijk).set_index("year")["expenditure"]
    for year in (2023, 2024, 2025, 2026):
        assert wide[year].sum() == pytest.approx(totals[year])
    pm = wide.set_index("ambition")["pm_lines"]
    assert pm["amb-A"] == 4 and pm["amb-B"] == 4


def test_rekenkamer_lijn_view_against_20_20_60():
    # Rekenkamer bijlage 2: "Totaal 25.820.010,08" (0de lijn), "Totaal 14.074.801,67" (1ste lijn),
    # "Totaal 146.055.915,63" (2de lijn); ambition: "20% ... 0de lijn, 20% in de 1ste lijn en 60% in de 2de lijn"
    p = load_programme("rekenkamer-nieuw-enschedees-welzijn-2020")
    df = lijn_shares(p).set_index("lijn")
    assert df.loc["0e", "amount"] == pytest.approx(25_820_010.08)
    assert df.loc["1e", "amount"] == pytest.approx(14_074_801.67)
    assert df.loc["2e", "amount"] == pytest.approx(146_055_915.63)
    assert list(df["target"]) == [20.0, 20.0, 60.0]
    total = 25_820_010.08 + 14_074_801.67 + 146_055_915.63
    assert df.loc["0e", "share"] == pytest.approx(25_820_010.08 / total * 100)
    assert df["share"].sum() == pytest.approx(100)
    # "heeft de gemeente niet gehaald": 0e and 1e below target, 2e above
    assert df.loc["0e", "difference"] < 0 and df.loc["1e", "difference"] < 0 and df.loc["2e", "difference"] > 0
    # another target split can be passed
    other = lijn_shares(p, target={"0e": 30, "1e": 30, "2e": 40}).set_index("lijn")
    assert other.loc["2e", "target"] == 40


def test_unknown_table_raises(kansrijk):
    with pytest.raises(KeyError):
        finance_by_year(kansrijk, "bestaat-niet")
