"""The SIA urgency index uses what the staged data allows (14 of its 20 indicators, on 5 of 6 themes), and the
MDI covers the domains the Regio Deal names and ranks Enschede and Almelo among all gemeenten of NL, as the seed
does ("in top-10 lijst MDI-score, plaats 5 Enschede en plaats 7 Almelo"; Hengelo "scoort substantieel lager")."""

from __future__ import annotations

import pytest

from kansenmonitor.indices import compute_index, load_inputs
from kansenmonitor.indices.definition import REGIO_DEAL_GEMEENTEN, load_definition


@pytest.fixture(scope="module")
def sia(demo_monitor):
    return load_definition("urgentie", catalogue=demo_monitor.catalogue)


@pytest.fixture(scope="module")
def mdi(demo_monitor):
    return load_definition("meervoudige_achterstand", catalogue=demo_monitor.catalogue)


def test_sia_has_20_slots_and_fills_14_with_staged_data(demo_monitor, sia):
    slots = [s for t in sia.themes for s in t.all_indicators]
    assert len(slots) == 20 and len(sia.themes) == 6
    inputs = load_inputs(demo_monitor, sia, level="buurt", gemeente="GM0153")
    filled = [c for c in inputs.values.columns if inputs.values[c].notna().any()]
    assert sorted(filled) == sorted(s.id for t in sia.themes for s in t.indicators)
    assert len(filled) == 14
    share = inputs.values.notna().mean()
    assert share.drop(["inkomen_per_inwoner", "pct_woningen_energielabel_efg"]).min() >= 0.9
    # small estimated label counts are withheld (disclosure), so the share E-G is there for fewer buurten
    assert share["pct_woningen_energielabel_efg"] > 0.5
    themes = {t.id for t in sia.themes if any(s.id in filled for s in t.indicators)}
    assert themes == {"energie", "leefbaarheid", "veiligheid", "gezondheid", "inkomen"}
    for t in sia.themes:
        for s in t.missing:
            assert s.source, s.id  # every missing one says which source supplies it
    r = compute_index(sia, inputs)
    assert [m["theme"] for m in r.missing_themes] == ["klimaat"]


def test_mdi_domains_of_the_regio_deal_have_a_value_at_some_level(demo_monitor, mdi):
    found = {}
    for level in ("buurt", "wijk", "gemeente"):
        inputs = load_inputs(demo_monitor, mdi, level=level, gemeente=None if level == "gemeente" else "GM0153")
        for c in inputs.values.columns:
            if inputs.values[c].notna().any():
                found.setdefault(c, level)
    # income up to 120 % of the social minimum, financial buffer, labour participation, mental health, loneliness
    assert found["pct_huishoudens_tot_120_sociaal_minimum"] == "gemeente"
    assert found["moeite_met_rondkomen_18plus"] == "buurt"
    assert found["netto_arbeidsparticipatie"] == "wijk"
    assert found["risico_angst_depressie_18plus"] == "buurt"
    assert found["eenzaam_18plus"] == "buurt"
    missing = {s.id: s.source for t in mdi.themes for s in t.missing}
    assert "levensverwachting" in missing and "CBS" in missing["levensverwachting"]
    assert "per school" in missing["pct_voortijdig_schoolverlaters"]


def test_mdi_ranks_enschede_and_almelo_among_all_gemeenten(demo_monitor, mdi):
    inputs = load_inputs(demo_monitor, mdi, level="gemeente")
    assert set(inputs.groups) == {"NL01"}
    r = compute_index(mdi, inputs)
    ranks = r.scored["rank"]
    assert len(ranks) > 300
    assert ranks["GM0153"] <= 15 and ranks["GM0141"] <= 15
    assert ranks["GM0164"] > 30


def test_hengelo_is_not_in_the_regio_deal_comparison(demo_monitor, mdi):
    assert "GM0164" not in REGIO_DEAL_GEMEENTEN
    inputs = load_inputs(demo_monitor, mdi, level="wijk", gemeente="GM0153")
    assert not any(c.startswith("WK0164") for c in inputs.values.index)
    # Hengelo's own buurten are compared among themselves, and the result says why
    hengelo = load_inputs(demo_monitor, mdi, level="buurt", gemeente="GM0164")
    assert set(hengelo.groups) == {"GM0164"}
    assert any("neemt niet deel" in str(n) for n in hengelo.notes)
