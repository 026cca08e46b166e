"""Participation rounds: the moderation gate, the small-cell rule, bad input that stores nothing, the
divergence flag, narratives only with consent, and every change in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from kansenmonitor import participation as pt
from kansenmonitor.accounts.tables import audit_log
from kansenmonitor.core.errors import ValidationError
from kansenmonitor.participation.summary import summary
from kansenmonitor.web.service import Site

from .conftest import THEMES, TODAY, fill, reaction, round_doc


def n_responses(monitor, rid="centrum") -> int:
    return len(pt.responses(monitor.store, rid))


def fields(exc) -> set[str]:
    return {i.field for i in exc.value.issues}


def test_only_approved_reactions_count_and_none_below_the_minimum(scn_monitor, rnd):
    ids = fill(scn_monitor, rnd, 35, approve=0)
    h = pt.heard(scn_monitor.store, rnd)
    assert not h["published"] and h["n"] is None and h["themes"] == [] and h["texts"] == []
    for i in ids[:29]:
        pt.moderate(scn_monitor.store, rnd.id, i, "goedgekeurd", None, "moderator")
    assert not pt.heard(scn_monitor.store, rnd)["published"]  # 29 approved: still below 30
    pt.moderate(scn_monitor.store, rnd.id, ids[29], "goedgekeurd", None, "moderator")
    h = pt.heard(scn_monitor.store, rnd)
    assert h["published"] and h["n"] == 30
    texts = {t["text"] for t in h["texts"]}
    assert "idee 0" in texts and "idee 29" in texts and not texts & {f"idee {k}" for k in range(30, 35)}


def test_small_cells_are_said_not_shown(scn_monitor, rnd):
    # 30 approved: 27 put veiligheid first, 3 inkomen; inkomen's 3 is below 10, and veiligheid's 27 would give
    # it away (the rest, 3, is below 10), so both are withheld
    fill(scn_monitor, rnd, 30, approve=30, first=lambda k: "inkomen" if k < 3 else "veiligheid")
    rows = {r["theme"]: r for r in pt.heard(scn_monitor.store, rnd)["themes"]}
    assert rows["inkomen"]["first"] is None
    assert rows["veiligheid"]["first"] is None  # the secondary rule
    assert rows["veiligheid"]["position"] == 1 and rows["wonen"]["first"] is None
    for r in rows.values():
        for key in ("ranked", "first", "top3"):
            assert r[key] is None or pt.RULES.min_cell_n <= r[key] <= 30 - pt.RULES.min_cell_n


def test_a_theme_first_for_residents_but_better_in_the_figures_is_flagged(scn_monitor, rnd):
    fill(scn_monitor, rnd, 30, approve=30, first=lambda k: "veiligheid")
    view = summary(Site(scn_monitor), rnd)
    assert view["rows"][0]["theme"] == "veiligheid"
    state = view["rows"][0]["figures"]["state"]
    assert (view["rows"][0]["diverges"] is not None) == (state == "beter")
    assert {r["theme"] for r in view["rows"]} == set(THEMES)
    shown = [f["indicator"] for r in view["rows"] for f in r["figures"]["rows"]]
    assert "misdrijven" not in shown and "inwoners" not in shown  # a count is not set against the gemeente


@pytest.mark.parametrize("form, field", [
    ({"toestemming": "ja"}, "thema's"),  # empty submission
    ({**reaction(), "rang_inkomen": "9"}, "plaats voor inkomen"),  # rank out of range
    ({**reaction(), "rang_inkomen": "twee"}, "plaats voor inkomen"),
    ({**reaction(), "rang_wonen": "1"}, "plaats voor wonen"),  # the same place twice
    ({**reaction(), "rang_werk": "1"}, "plaats voor werk"),  # not a theme of this round
    ({k: v for k, v in reaction().items() if k != "toestemming"}, "toestemming"),
    ({**reaction(), "idee": "x" * 2001}, "uw idee"),
    ({**reaction(), "website": "http://spam.example"}, "formulier"),  # the honeypot
])
def test_bad_reactions_name_the_field_and_store_nothing(scn_monitor, rnd, form, field):
    with pytest.raises(ValidationError) as exc:
        pt.submit(scn_monitor.store, rnd, form)
    assert field in fields(exc)
    assert n_responses(scn_monitor) == 0


def test_a_closed_round_takes_no_reactions(scn_monitor):
    closed = pt.create_round(scn_monitor, round_doc(id="oud", open_van=(TODAY - timedelta(days=60)).isoformat(),
                                                    open_tot=(TODAY - timedelta(days=1)).isoformat()), "test")
    with pytest.raises(ValidationError) as exc:
        pt.submit(scn_monitor.store, closed, reaction())
    assert "gesloten" in str(exc.value.issues[0])
    assert n_responses(scn_monitor, "oud") == 0


@pytest.mark.parametrize("changes, field", [
    ({"gebied": "WK000000"}, "gebied"),
    ({"gebied": "GM9999"}, "gebied"),  # a gemeente is not an area of a round
    ({"niveau": "meepraten"}, "niveau"),
    ({"themas": ["inkomen", "toverij"]}, "thema's"),
    ({"open_tot": "31-01-2027"}, "open tot"),
    ({"vastgelegd": ""}, "vastgelegd"),
])
def test_a_bad_round_names_the_field_and_stores_nothing(scn_monitor, changes, field):
    with pytest.raises(ValidationError) as exc:
        pt.create_round(scn_monitor, round_doc(**changes), "test")
    assert field in fields(exc)
    assert pt.all_rounds(scn_monitor.store) == []


def test_moderation_is_audited_and_a_rejection_needs_a_reason(scn_monitor, rnd):
    (i,) = fill(scn_monitor, rnd, 1, approve=0)
    with pytest.raises(ValidationError) as exc:
        pt.moderate(scn_monitor.store, rnd.id, i, "afgewezen", "  ", "moderator")
    assert "reden" in fields(exc) and pt.responses(scn_monitor.store, rnd.id)[0]["status"] == "nieuw"
    pt.moderate(scn_monitor.store, rnd.id, i, "afgewezen", "er stond een adres in", "moderator")
    with scn_monitor.store.engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.actor, audit_log.c.action).where(
            audit_log.c.object_id == f"{rnd.id}/{i}")).all()
    assert ("moderator", "participation.moderate") in [tuple(r) for r in rows]
    assert ("publiek", "participation.submit") in [tuple(r) for r in rows]


def test_narratives_only_approved_with_consent(scn_monitor, rnd):
    ids = [pt.submit(scn_monitor.store, rnd, reaction(idea=f"tekst {k}", consent="ja" if k else "nee"))
           for k in range(3)]
    pt.moderate(scn_monitor.store, rnd.id, ids[0], "goedgekeurd", None, "m")  # no consent
    pt.moderate(scn_monitor.store, rnd.id, ids[1], "goedgekeurd", None, "m")
    # ids[2] has consent but is not moderated
    got = pt.narratives(scn_monitor.store, rnd.area_code)
    assert [n.text for n in got] == ["tekst 1"]
    assert got[0].consent and got[0].anonymous and got[0].places[0].code == rnd.area_code
    assert got[0].themes == ["veiligheid"]
