"""A hosted server: security headers everywhere, a read-only switch, writes only from this site,
limits on requests and parameters, and spreadsheet cells that cannot run a formula."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from fastapi.testclient import TestClient

from kansenmonitor.monitor import Monitor
from kansenmonitor.web.app import create_app
from kansenmonitor.web.security import HEADERS

from .signin import signed_in


@pytest.fixture(scope="module")
def copy_monitor(demo_home, tmp_path_factory):
    """A copy of the demo store that the write tests may change."""
    home = tmp_path_factory.mktemp("security") / "home"
    shutil.copytree(demo_home, home)
    monitor = Monitor.open(home=home, url=f"sqlite:///{home / 'kansenmonitor.sqlite'}")
    yield monitor
    monitor.close()


@pytest.mark.parametrize("url", ["/", "/gebieden/BU01530603", "/gebieden/BU01530603?format=json", "/v1/indicatoren",
                                 "/v1/openapi.json", "/static/app.css", "/bestaat-niet", "/v1/gebieden/XX",
                                 "/kaart?niveau=heelal"])
def test_every_response_carries_the_security_headers(client, url):
    r = client.get(url)
    for name, value in HEADERS.items():
        assert r.headers.get(name) == value, (url, name)
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert "unsafe-inline" not in r.headers["content-security-policy"]


def test_no_page_has_inline_script_or_style(client):
    for url in ("/", "/kaart?gemeente=GM0153&niveau=wijk&indicator=inwoners", "/gebieden/WK015306", "/indices",
                "/evaluaties", "/programmas", "/scholen"):
        html = client.get(url).text
        assert "<script>" not in html and " style=" not in html and " onclick=" not in html, url
        assert "<style" not in html, url


def test_a_read_only_server_saves_nothing_even_for_an_analyst(copy_monitor):
    app = create_app(copy_monitor)
    c = signed_in(app, copy_monitor, "analist1", "analist")  # signing in is a write: before the switch
    app.state.read_only = True
    before = copy_monitor.store.fingerprint()
    r = c.post("/evaluaties", data={"naam": "x"})
    assert r.status_code == 403 and "alleen-lezen" in r.text and "kansenmonitor serve" not in r.text
    api = c.post("/v1/evaluaties", json={})
    assert api.status_code == 403 and "alleen-lezen" in api.json()["detail"]
    assert copy_monitor.store.fingerprint() == before
    for method in ("put", "delete", "patch"):
        assert getattr(c, method)("/evaluaties").status_code == 405
    # no page offers a form that would write
    assert 'method="post" action="/evaluaties"' not in c.get("/evaluaties").text.lower()


def test_a_visitor_without_an_account_cannot_write(copy_monitor):
    c = TestClient(create_app(copy_monitor), raise_server_exceptions=False)
    before = copy_monitor.store.fingerprint()
    r = c.post("/evaluaties", data={"naam": "x"}, headers={"Origin": "http://testserver"})
    assert r.status_code == 403
    assert copy_monitor.store.fingerprint() == before


def test_a_forged_write_is_refused_even_for_a_signed_in_analyst(copy_monitor):
    app = create_app(copy_monitor)
    c = signed_in(app, copy_monitor, "analist1", "analist", base_url="http://testserver")
    token = c.csrf()
    before = copy_monitor.store.fingerprint()
    forged = [
        {"Host": "evil.example", "Origin": "http://evil.example"},  # DNS rebinding: Origin copied into Host
        {"Origin": "http://evil.example"},
        {"Referer": "http://evil.example/evaluaties"},
        {"Origin": "null"},
        {},
    ]
    for headers in forged:
        r = c.post("/evaluaties", data={"naam": "vervalst", "csrf_token": token}, headers=headers,
                   follow_redirects=False)
        assert r.status_code == 403, headers
    assert copy_monitor.store.fingerprint() == before


def test_requests_that_are_too_large_are_refused_in_dutch(client):
    r = client.get("/gebieden?" + "q=" + "a" * 5000)
    assert r.status_code == 414 and r.headers["content-type"].startswith("application/problem+json")
    assert "te lang" in r.json()["title"].lower()
    r = client.get("/v1/waarnemingen?" + "&".join(f"gebied=GM{i:04d}" for i in range(150)))
    assert r.status_code == 400 and "parameters" in r.json()["detail"]


def test_a_large_body_is_refused_before_it_is_read(demo_monitor):
    c = TestClient(create_app(demo_monitor), raise_server_exceptions=False)
    r = c.post("/evaluaties", content=b"naam=" + b"a" * 300_000, headers={
        "Origin": "http://testserver", "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413 and "kB" in r.json()["detail"]


@pytest.mark.parametrize("url", [
    "/v1/waarnemingen?jaar=" + "9" * 30, "/v1/waarnemingen?indeling=" + "9" * 30,
    "/v1/waarnemingen?pagina=" + "9" * 30, "/v1/waarnemingen?per_pagina=-1", "/v1/waarnemingen?jaar=1e308",
    "/v1/gebieden?indeling=" + "9" * 30, "/gebieden?jaar=" + "9" * 30,
    "/doelgroep?index=urgentie&budget=1e308", "/v1/doelgroepen?index=urgentie&budget=1e308",
    "/doelgroep?index=urgentie&budget=-5", "/v1/doelgroepen?index=urgentie&budget=inf",
])
def test_numbers_out_of_range_are_400_not_500(client, url):
    r = client.get(url)
    assert r.status_code < 500, (url, r.status_code)
    if "jaar=" in url or "indeling=" in url or "pagina=" in url or "budget=" in url:
        if not url.startswith("/gebieden"):  # the list page has no year: the parameter is ignored
            assert r.status_code == 400, (url, r.status_code)
            if url.startswith("/v1"):
                assert r.headers["content-type"].startswith("application/problem+json")


def test_spreadsheet_cells_cannot_start_a_formula(tmp_path):
    from openpyxl import load_workbook

    from kansenmonitor import exports
    from kansenmonitor.core.model import Level, Region
    from kansenmonitor.format import spreadsheet_safe
    from kansenmonitor.monitor import Monitor

    assert spreadsheet_safe("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [spreadsheet_safe(v) for v in ("+1", "-1+2", "@SUM(A1)", "\tx", "\rx")] == [
        "'+1", "'-1+2", "'@SUM(A1)", "'\tx", "'\rx"]
    assert spreadsheet_safe("Enschede") == "Enschede" and spreadsheet_safe(-3.5) == -3.5
    evil = '=HYPERLINK("http://evil.example","Grote Buurt")'
    m = Monitor.open(home=tmp_path, url=f"sqlite:///{tmp_path / 'k.sqlite'}")
    m.sync_catalogue()
    with m.store.transaction() as w:
        w.upsert_regions([Region("GM9999", "@Teststad", Level.GEMEENTE, 2024),
                          Region("BU99990101", evil, Level.BUURT, 2024, parent="GM9999")])
    src = tmp_path / "v.csv"
    src.write_text("region;indicator;period;value;source\nBU99990101;inwoners;2024;1000;=1+1\n"
                   "GM9999;inwoners;2024;1000;-2+3\n", encoding="utf-8")
    m.import_file("long", src, boundary_year=2024)
    for fmt in ("csv", "csv-nl", "xlsx"):
        out = tmp_path / f"x.{fmt}"
        exports.write(m, fmt, out)
        if fmt == "xlsx":
            cells = [c for ws in load_workbook(out).worksheets for row in ws.iter_rows() for c in row]
            assert not any(c.data_type == "f" for c in cells)
            assert evil in {c.value for c in cells} and "=1+1" in {c.value for c in cells}
        else:
            text = out.read_text(encoding="utf-8-sig")
            rows = list(csv.reader(io.StringIO(text), delimiter=";" if fmt == "csv-nl" else ","))
            cells = {c for r in rows for c in r}
            assert not any(c.startswith(("=", "+", "-", "@")) for c in cells), fmt
            assert "'" + evil in cells and "'=1+1" in cells and "'@Teststad" in cells
    page = TestClient(create_app(m)).get("/gebieden/BU99990101?format=csv").text
    cells = {c for r in csv.reader(io.StringIO(page)) for c in r}
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    m.close()
