"""Server start prepares every profile from the store in bulk, so no visitor waits for a first visit (the speed
itself is measured by bench/bench_first_visit.py, not asserted here). Pinned: the bulk profiles equal the ones
read one by one, preparing fills the caches a visit reads, and a signed-in page never reaches other visitors."""

from __future__ import annotations

import math

import pytest

from kansenmonitor.web.app import create_app
from kansenmonitor.web.situation import prepare

from .signin import signed_in

SAMPLE = ["BU01530603", "BU01530000", "WK015306", "BU01410000", "WK016401", "FG-WESSELERBRINK"]


def _same(a, b):
    return (a is None and b is None) or (a is not None and b is not None and
                                         (a == b or (isinstance(a, float) and math.isclose(a, b, rel_tol=1e-12))))


def test_bulk_profiles_equal_single_profiles(demo_monitor):
    regions = [r for r in demo_monitor.regions() if r.level in ("wijk", "buurt", "gebied")
               and r.gemeente in ("GM0153", "GM0141", "GM0164")]
    sample = [r for r in regions if r.code in SAMPLE or r.code.endswith("00")][:40]
    assert len(sample) >= 10
    bulk = demo_monitor.profiles(sample)
    for r in sample:
        one = demo_monitor.profile(r.code, r.boundary_year)
        many = bulk[(r.code, r.boundary_year)]
        assert many.gemeente == one.gemeente
        assert [row.indicator.id for row in many.rows] == [row.indicator.id for row in one.rows], r.code
        for x, y in zip(many.rows, one.rows, strict=True):
            for field in ("period", "value", "status", "source_ref", "boundary_year", "gemeente_value", "nl_value",
                          "lower", "upper", "disclosure"):
                assert _same(getattr(x, field), getattr(y, field)), (r.code, x.indicator.id, field)
            assert len(x.series) == len(y.series)
            assert all(p == q and _same(v, w) for (p, v), (q, w) in zip(x.series, y.series, strict=True))


def test_prepare_fills_what_a_first_visit_reads(demo_monitor):
    app = create_app(demo_monitor)
    site = app.state.site
    n = prepare(site, newest=True)
    areas = site.areas_in_detail(newest=True)
    assert n == len(areas) > 200 and len({r.code for r in areas}) == len(areas)
    calls = []
    original = site.monitor.profile
    site.monitor.profile = lambda *a, **k: calls.append(a) or original(*a, **k)
    try:
        from fastapi.testclient import TestClient

        client = TestClient(app)
        for code in ("BU01530603", "WK015306", "BU01640000"):
            for lang in ("nl", "en"):
                assert client.get(f"/gebieden/{code}?lang={lang}").status_code == 200
    finally:
        site.monitor.profile = original
    assert calls == []  # nothing was read from the store on these first visits


@pytest.fixture(scope="module")
def account_app(demo_home, tmp_path_factory):
    import shutil

    from kansenmonitor.monitor import Monitor

    home = tmp_path_factory.mktemp("first-visit") / "home"
    shutil.copytree(demo_home, home)
    monitor = Monitor.open(home=home, url=f"sqlite:///{home / 'kansenmonitor.sqlite'}")
    yield create_app(monitor), monitor
    monitor.close()


def test_a_signed_in_page_is_not_served_to_others(account_app):
    from fastapi.testclient import TestClient

    app, monitor = account_app
    user = signed_in(app, monitor, "analist1", "analist", base_url="http://testserver")
    mine = user.get("/gebieden/BU01530603").text
    assert "Analist1" in mine or "analist1" in mine
    theirs = TestClient(app).get("/gebieden/BU01530603").text
    assert "Analist1" not in theirs and "analist1" not in theirs and "Aanmelden" in theirs
