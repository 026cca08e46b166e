"""Figures the shipped programmes show must say what the seed documents say (issue 13, item 7).

Each test quotes the seed passage it pins.
"""

import math

import pytest

from kansenmonitor.programme import finance_by_year, load_programme, source_end_gap
from kansenmonitor.programme.finance import finance_by_source, funding_gaps, is_budget
from kansenmonitor.programme.format import year_note
from kansenmonitor.programme.indicators import indicator_status
from kansenmonitor.programme.model import Baseline, TableKind
from kansenmonitor.programme.validate import validate_programme


@pytest.fixture(scope="module")
def rekenkamer():
    return load_programme("rekenkamer-nieuw-enschedees-welzijn-2020")


@pytest.fixture(scope="module")
def regio_deal():
    return load_programme("regio-deal-elk-talent-telt")


def test_rekenkamer_bijlage_2_is_a_budget_without_a_shortfall(rekenkamer):
    # Rekenkamer, par. 3.6: "In bijlage 2 staat een overzicht van de begroting per product voor de 0de, 1ste en
    # 2de lijns zorg, zoals vermeld in de gemeentebegroting voor Vitaal en Sociaal 2020." No coverage, no deficit.
    table = rekenkamer.budget_tables[0]
    assert table.kind == TableKind.BUDGET and is_budget(rekenkamer)
    df = finance_by_year(rekenkamer).set_index("year")
    total = 25_820_010.08 + 14_074_801.67 + 146_055_915.63  # the printed totals of B2.1-B2.3
    assert df.loc[2020, "expenditure"] == pytest.approx(total)
    assert math.isnan(df.loc[2020, "saldo"])  # a budget has no saldo: never "−185.950.727"
    assert funding_gaps(rekenkamer) == []
    # it covers more than welfare: "Beschermd wonen 29.779.872,39", jeugdhulp lines in B2.3
    labels = {b.label for b in rekenkamer.budget}
    assert "Beschermd wonen" in labels and "Jeugdhulp PGB" in labels
    assert "beschermd wonen" in rekenkamer.description and "jeugdhulp" in rekenkamer.description


def test_lea_budget_is_made_available_not_uncovered(kansrijk):
    # LEA hoofdstuk 3: "We verdelen het beschikbare LEA-budget van 200.000 euro per jaar in 50.000 euro voor de
    # basis-arrangementen ... en 150.000 euro voor plus-arrangementen"; "De rol van de gemeenteraad is: 1. De raad
    # heeft de financiële middelen voor de LEA al ter beschikking gesteld".
    assert is_budget(kansrijk, "lea-begroting")
    df = finance_by_year(kansrijk, "lea-begroting").set_index("year")
    for year in (2023, 2024, 2025, 2026):
        assert df.loc[year, "expenditure"] == 200_000
        assert math.isnan(df.loc[year, "saldo"])  # not −200.000 a year
    assert funding_gaps(kansrijk, "lea-begroting") == []
    gap = source_end_gap(kansrijk, "lea", "lea-begroting")
    assert gap.uncovered == {}  # never "stopt na None"
    assert "ter beschikking gesteld" in kansrijk.funding_source("lea").note


def test_no_gap_without_an_end(kansrijk):
    # a source without any coverage line and without a declared end has no known end: no gap, no "None"
    for table in kansrijk.table_ids():
        for gap in funding_gaps(kansrijk, table):
            assert gap.last_year is not None
    assert {g.source for g in funding_gaps(kansrijk)} == {"npo"}  # the nota's own gap stays


def test_twentse_belofte_is_regional_money(kansrijk):
    # LEA hoofdstuk 3: "Twentse Belofte (regionaal budget!) incl middelen jeugdwerkloosheid, 12-27 jr 2.200k";
    # "De regio ontvangt voor dit plan ca 2 miljoen euro, waarvan de scholen 1,3 miljoen en de gemeente 0,7 miljoen."
    assert kansrijk.funding_source("twentse-belofte").regional
    row = finance_by_year(kansrijk, "onderwijsbudgetten").iloc[0]
    assert row["coverage_regional"] == 2_200_000
    # the gemeente's own budgets: OAB 7.500k + Kansengelijkheid 200k + NPO 2.900k, without the 2.200k
    assert row["coverage"] == 7_500_000 + 200_000 + 2_900_000


def test_regional_coverage_stays_out_of_the_saldo(kansrijk):
    # a financing table with regional coverage: the saldo is the gemeente's own coverage minus expenditure
    from dataclasses import replace

    from kansenmonitor.programme.model import BudgetKind, BudgetLine

    extra = BudgetLine(id="x-regio", table="ft-2023-2026", label="Twentse Belofte", kind=BudgetKind.COVERAGE,
                       year=2025, amount=500_000, source="twentse-belofte")
    p = replace(kansrijk, budget=kansrijk.budget + [extra])
    df = finance_by_year(p).set_index("year")
    assert df.loc[2025, "coverage_regional"] == 500_000
    assert df.loc[2025, "saldo"] == pytest.approx(-2_545_000)  # unchanged: regional money is not Enschede's
    by_source = finance_by_source(p)
    assert by_source.loc[by_source["source"] == "twentse-belofte", "regional"].all()


def test_nota_financial_table_still_reproduces_with_regional_split(kansrijk):
    # "SALDO 535 -815 -2.545 -2.575" (x 1.000 euro): the nota's table has no regional money
    df = finance_by_year(kansrijk).set_index("year")
    assert list(df["saldo"]) == [535_000, -815_000, -2_545_000, -2_575_000]
    assert (df["coverage_regional"] == 0).all()


def test_arbeidsparticipatie_baseline_is_one_statement_without_the_reports_year(regio_deal):
    # 'De opgaven', 1: "geringe arbeidsparticipatie (tussen de 40-45%)"; 'De opgaven', 3: "De netto
    # participatiegraad scoort 44% tot 56%". Two statements; the MDI report is of February 2024 and names
    # no year of measurement.
    ind = regio_deal.indicator("ind-arbeidsparticipatie")
    bl = ind.baseline
    assert bl.value_text == "44-56%" and "/" not in bl.value_text
    assert "'De opgaven', 3" in bl.source_location
    assert bl.year is None and bl.published == "2024-02"
    figs = {f.id: f for f in regio_deal.figures}
    assert (figs["fig-arbeidsparticipatie-1"].value, figs["fig-arbeidsparticipatie-1"].value_high) == (40, 45)
    assert figs["fig-arbeidsparticipatie-1"].source_location == "'De opgaven', 1"
    assert (figs["fig-arbeidsparticipatie-2"].value, figs["fig-arbeidsparticipatie-2"].value_high) == (44, 56)
    # no baseline of the Regio Deal passes the report's date off as a year of measurement
    for i in regio_deal.indicators:
        if i.baseline is not None:
            assert i.baseline.year is None and i.baseline.published, i.id
            assert i.baseline.source_location, i.id


def test_baseline_without_year_of_measurement(regio_deal):
    ind = regio_deal.indicator("ind-ervaren-gezondheid")
    st = indicator_status(ind)
    assert st.status.value == "no_data" and st.reason == "0-meting zonder meetjaar"
    assert year_note(None, "2024-02") == " (meetjaar niet genoemd; bron van februari 2024)"
    assert year_note(None, "2024-02", "en") == " (year of measurement not stated; source of February 2024)"
    assert year_note(2022, None) == " (2022)"


def test_baseline_needs_a_date_or_a_publication_date(regio_deal):
    from dataclasses import replace

    ind = replace(regio_deal.indicator("ind-mdi-score"), baseline=Baseline(value_text="65-71"))
    p = replace(regio_deal, indicators=[ind])
    issues = validate_programme(p)
    assert any(i.field == "baseline.date" and "geen datum" in i.message for i in issues)
    bad = replace(ind, baseline=Baseline(value_text="65-71", published="februari 2024"))
    issues = validate_programme(replace(regio_deal, indicators=[bad]))
    assert any(i.field == "baseline.published" for i in issues)


def test_mdi_scale_is_said_to_differ(regio_deal):
    # "In deze wijken zijn MDI-scores tussen de 65-71 te vinden": the seed's scale (Het PON & Telos) is not the
    # scale of the product's MDI-form index; both places say so.
    import yaml

    from kansenmonitor.indices import definition_files

    ind = regio_deal.indicator("ind-mdi-score")
    assert ind.baseline.value_text == "65-71"
    assert "andere schaal" in ind.note
    path = next(p for p in definition_files(None) if p.stem == "meervoudige_achterstand")
    description = yaml.safe_load(path.read_text(encoding="utf-8"))["description"]
    assert "andere schaal" in description["nl"] and "65-71" in description["nl"]
    assert "different scale" in description["en"]
