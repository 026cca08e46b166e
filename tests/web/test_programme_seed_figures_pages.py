"""The programme and finance pages show the seeds' figures as the seeds mean them (issue 13, item 7),
and never a Python ``None``: every shipped programme, every table, every ambition, Dutch and English."""

from __future__ import annotations

import re

import pytest

from kansenmonitor.programme.repository import shipped_programmes

from .test_visible_words import visible_text

KE = "kansrijk-enschede-2023-2033"
RK = "rekenkamer-nieuw-enschedees-welzijn-2020"
RD = "regio-deal-elk-talent-telt"
NONE = re.compile(r"\bNone\b|\bnan\b|\bNaN\b")


def _programme_urls() -> list[str]:
    urls = []
    for pid, p in sorted(shipped_programmes().items()):
        urls.append(f"/programmas/{pid}")
        urls += [f"/programmas/{pid}?tabel={t.id}" for t in p.budget_tables if t.id != p.default_table]
        urls += [f"/programmas/{pid}/ambities/{a.id}" for a in p.ambitions]
        urls += [f"/programmas/{pid}/interventies/{i.id}" for i in p.interventions]
    return urls


@pytest.fixture(autouse=True)
def dutch(client):
    client.cookies.clear()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_none_on_any_programme_or_finance_page(client, lang):
    bad = []
    for url in _programme_urls():
        sep = "&" if "?" in url else "?"
        r = client.get(f"{url}{sep}lang={lang}")
        assert r.status_code == 200, url
        found = NONE.findall(visible_text(r.text))
        if found:
            bad.append((url, found[:3]))
    assert not bad, bad


def test_no_none_in_the_finance_api(client):
    for pid, p in shipped_programmes().items():
        for table in [None] + p.table_ids():
            for per in ("jaar", "bron"):
                q = f"?per={per}" + (f"&tabel={table}" if table else "")
                r = client.get(f"/v1/programmas/{pid}/financien{q}")
                assert r.status_code == 200, (pid, table)
                body = r.json()
                assert "None" not in r.text and "NaN" not in r.text, (pid, table)
                for gap in body.get("tekorten_na_einde_bron", []):
                    assert gap["last_year"] is not None


def test_the_scanner_sees_none():
    assert NONE.search(visible_text("<p>uit de tabel 'None'</p>"))
    assert NONE.search(visible_text("<td>stopt na None</td>"))
    assert not NONE.search(visible_text("<p>Nonet, Noneman</p>"))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_rekenkamer_page_shows_a_budget_not_a_deficit(client, lang):
    # Rekenkamer par. 3.6: "een overzicht van de begroting per product ... zoals vermeld in de gemeentebegroting
    # voor Vitaal en Sociaal 2020"; the printed totals add up to 185.950.727,38.
    html = client.get(f"/programmas/{RK}?lang={lang}").text
    text = visible_text(html)
    assert "185.950.727" in text or "185,950,727" in text
    assert "-185" not in text and "−185" not in text
    if lang == "nl":
        assert "te weinig geld" not in text and "Saldo" not in text
        assert "Deze tabel is een begroting" in text and "geen saldo en geen tekort" in text
        assert "beschermd wonen" in text and "jeugdhulp" in text
    else:
        assert "not enough money" not in text and "This table is a budget" in text


def test_lea_budget_page_says_it_is_available(client):
    # LEA: "het beschikbare LEA-budget van 200.000 euro per jaar"; "De raad heeft de financiële middelen voor de
    # LEA al ter beschikking gesteld".
    text = visible_text(client.get(f"/programmas/{KE}?tabel=lea-begroting").text)
    assert "€ 200.000" in text and "€ -200.000" not in text
    assert "stopt na" not in text and "te weinig geld" not in text
    assert "ter beschikking gesteld" in text


def test_twentse_belofte_shown_apart(client):
    # LEA: "Twentse Belofte (regionaal budget!) ... 2.200k"
    text = visible_text(client.get(f"/programmas/{KE}?tabel=onderwijsbudgetten").text)
    assert "Regionaal geld (apart)" in text and "€ 2.200.000" in text
    assert "€ 10.600.000" in text  # the gemeente's own: OAB 7.500k + Kansengelijkheid 200k + NPO 2.900k
    assert "€ 12.800.000" not in text  # never added up with the regional money
    api = client.get(f"/v1/programmas/{KE}/financien?per=jaar&tabel=onderwijsbudgetten").json()
    assert api["rijen"][0]["coverage_regional"] == 2_200_000 and api["rijen"][0]["coverage"] == 10_600_000
    assert api["soort_tabel"] == "begroting"


def test_nota_saldo_still_shown(client):
    # "SALDO 535 -815 -2.545 -2.575" (x 1.000 euro)
    text = visible_text(client.get(f"/programmas/{KE}").text)
    for amount in ("€ 535.000", "€ -815.000", "€ -2.545.000", "€ -2.575.000"):
        assert amount in text
    api = client.get(f"/v1/programmas/{KE}/financien?per=jaar").json()
    assert [r["saldo"] for r in api["rijen"]] == [535_000, -815_000, -2_545_000, -2_575_000]


def test_regio_deal_page_without_money_names_no_table(client):
    text = visible_text(client.get(f"/programmas/{RD}").text)
    assert "uit de tabel" not in text
    assert "Dit programma noemt geen bedragen." in text


def test_regio_deal_baselines_one_statement_each_without_the_reports_year(client):
    # 'De opgaven', 3: "De netto participatiegraad scoort 44% tot 56%" in a report of February 2024 that names
    # no year of measurement; 'De opgaven', 1 "(tussen de 40-45%)" is another statement.
    body = client.get(f"/v1/programmas/{RD}/indicatoren").json()
    rows = {r["id"]: r for g in body["ambities"] for r in g["indicators"]}
    bl = rows["ind-arbeidsparticipatie"]["baseline"]
    assert bl["text"] == "44-56%" and bl["year"] is None and bl["published"] == "2024-02"
    assert "'De opgaven', 3" in bl["source_location"]
    mdi = rows["ind-mdi-score"]["baseline"]
    assert mdi["text"] == "65-71" and mdi["year"] is None
    assert "40-45% / 44-56%" not in client.get(f"/v1/programmas/{RD}/indicatoren").text
