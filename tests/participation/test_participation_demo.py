"""On the real figures of the demo (Enschede): the round's summary sets what residents said beside the focus
area's figures, leaves counts out of the comparison and flags a theme residents put first where the figures are
better than the gemeente's."""

from __future__ import annotations

import shutil

import pytest

from kansenmonitor import participation as pt
from kansenmonitor.monitor import Monitor
from kansenmonitor.participation.summary import summary
from kansenmonitor.web.service import Site

from .conftest import fill, round_doc


@pytest.fixture(scope="module")
def demo_copy(demo_home, tmp_path_factory):
    home = tmp_path_factory.mktemp("participation") / "home"
    shutil.copytree(demo_home, home)
    monitor = Monitor.open(home=home, url=f"sqlite:///{home / 'kansenmonitor.sqlite'}")
    yield monitor
    monitor.close()


def test_summary_beside_the_figures_of_wesselerbrink(demo_copy):
    themes = ["veiligheid", "inkomen", "gezondheid", "wonen"]
    rnd = pt.create_round(demo_copy, round_doc(id="test-wesselerbrink", gebied="FG-WESSELERBRINK", themas=themes),
                          "test")
    fill(demo_copy, rnd, 32, approve=32, first=lambda k: "veiligheid")
    view = summary(Site(demo_copy), rnd)
    rows = {r["theme"]: r for r in view["rows"]}
    assert view["rows"][0]["theme"] == "veiligheid"
    assert rows["inkomen"]["figures"]["state"] == "slechter"  # Wesselerbrink: lower income than Enschede
    assert rows["veiligheid"]["figures"]["state"] == "beter"
    assert rows["veiligheid"]["diverges"] and "beter" in rows["veiligheid"]["diverges"]
    assert rows["inkomen"]["diverges"] is None
    shown = {f["indicator"] for r in view["rows"] for f in r["figures"]["rows"]}
    assert "misdrijven" not in shown and "inwoners" not in shown


def test_approved_input_with_consent_comes_back_in_the_wijkprofiel(demo_copy):
    from kansenmonitor.reports.wijkprofiel import residents_said

    rnd = pt.create_round(demo_copy, round_doc(id="test-profiel", gebied="FG-WESSELERBRINK"), "test")
    ids = [pt.submit(demo_copy.store, rnd, {"idee": text, "toestemming": consent})
           for text, consent in (("Goedgekeurd met toestemming", "ja"), ("Goedgekeurd zonder toestemming", "nee"),
                                 ("Nog niet beoordeeld", "ja"))]
    for i in ids[:2]:
        pt.moderate(demo_copy.store, rnd.id, i, "goedgekeurd", None, "test")
    site = Site(demo_copy)
    buurt = site.region(site.region("FG-WESSELERBRINK").members[0])
    texts = {n["text"] for n in residents_said(site, buurt, "nl")}
    assert "Goedgekeurd met toestemming" in texts
    assert not texts & {"Goedgekeurd zonder toestemming", "Nog niet beoordeeld"}


def test_the_demo_round_is_an_example_with_a_published_summary(demo_copy):
    from pathlib import Path

    from kansenmonitor.demo import DemoContext
    from kansenmonitor.participation.demo_steps import example_round

    built = pt.get_round(demo_copy.store, "voorbeeld-wesselerbrink") is not None  # init --demo made it already
    ctx = DemoContext(monitor=demo_copy, data=Path("."), keep=lambda c: True, stats={})
    example_round(ctx)  # a second run adds nothing
    rnd = pt.get_round(demo_copy.store, "voorbeeld-wesselerbrink")
    assert ctx.stats["participation_rounds"] == (0 if built else 1) and rnd.example and rnd.is_open()
    counts = pt.counts(demo_copy.store, rnd.id)
    assert counts["nieuw"] > 0 and counts["afgewezen"] > 0 and counts["goedgekeurd"] >= pt.RULES.min_area_n
    view = summary(Site(demo_copy), rnd)
    assert view["heard"]["published"] and view["round"]["voorbeeld"]
