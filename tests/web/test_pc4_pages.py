"""Pages with figures per postcode area, their estimates per buurt, and the MDI ranked among all gemeenten."""

from __future__ import annotations


def test_pages_show_pc4_figures_and_say_what_is_estimated(client):
    pc4 = client.get("/kaart?niveau=pc4&indicator=pct_uitkeringsontvangers&gemeente=GM0153")
    assert pc4.status_code == 200
    assert "7511 Enschede" in pc4.text
    assert "geen cijfers per postcodegebied" not in pc4.text
    bu = client.get("/kaart?niveau=buurt&indicator=pct_uitkeringsontvangers&gemeente=GM0153")
    assert bu.status_code == 200 and "Geschat:" in bu.text
    measured = client.get("/kaart?niveau=buurt&indicator=inwoners&gemeente=GM0153")
    assert "Geschat:" not in measured.text


def test_mdi_page_ranks_all_gemeenten(client):
    page = client.get("/indices/meervoudige_achterstand?niveau=gemeente&gemeente=GM0153")
    assert page.status_code == 200
    assert "Heerlen" in page.text and "Almelo" in page.text
    assert "gerangschikt onder alle gemeenten van Nederland" in page.text
