"""Fixtures: the scenarios' small store (one wijk of twelve buurten, built by code), an open round on its wijk,
and a helper that sends valid reactions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kansenmonitor import participation as pt
from scenarios.conftest import GM, WK, scn_monitor  # noqa: F401  (the small store)

TODAY = datetime.now(UTC).date()
THEMES = ["inkomen", "veiligheid", "wonen", "gezondheid"]


def round_doc(**changes) -> dict:
    doc = {"id": "centrum", "naam": "Wat vindt u belangrijk in Centrum?", "gebied": WK,
           "vastgelegd": "Het budget voor vier jaar ligt vast.", "invloed": "Welke thema's eerst komen.",
           "niveau": "adviseren", "wat_gebeurt_ermee": "De gemeente legt uit wat zij met het advies doet.",
           "open_van": (TODAY - timedelta(days=5)).isoformat(), "open_tot": (TODAY + timedelta(days=30)).isoformat(),
           "themas": THEMES}
    doc.update(changes)
    return doc


@pytest.fixture
def rnd(scn_monitor):  # noqa: F811
    return pt.create_round(scn_monitor, round_doc(), actor="test")


def reaction(first: str = "veiligheid", idea: str | None = None, consent: str = "ja") -> dict:
    order = [first] + [t for t in THEMES if t != first]
    form = {f"rang_{t}": str(p) for p, t in enumerate(order, start=1)}
    if idea:
        form["idee"] = idea
    form["toestemming"] = consent
    return form


def fill(monitor, rnd, n: int, approve: int, first=lambda k: "veiligheid", prefix="idee") -> list[int]:
    """Send ``n`` reactions (idea text ``<prefix> <k>``) and approve the first ``approve`` of them."""
    ids = [pt.submit(monitor.store, rnd, reaction(first(k), f"{prefix} {k}")) for k in range(n)]
    for i in ids[:approve]:
        pt.moderate(monitor.store, rnd.id, i, "goedgekeurd", None, "moderator")
    return ids


__all__ = ["GM", "THEMES", "TODAY", "WK", "fill", "reaction", "rnd", "round_doc", "scn_monitor"]
