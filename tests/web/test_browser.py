"""axe-core in real headless Chromium on every page type: no serious or critical violations, and no
request leaves localhost."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (.ci/setup-browser.sh)"),
]

PAGE_TYPES = {
    "start": "/",
    "kaart": "/kaart?gemeente=GM0153&niveau=buurt&indicator=moeite_met_rondkomen_18plus",
    "gebieden": "/gebieden?gemeente=GM0153&niveau=wijk",
    "profiel-buurt": "/gebieden/BU01530603",
    "profiel-gebied": "/gebieden/FG-WESSELERBRINK",
    "indicatoren": "/indicatoren",
    "indicator": "/indicatoren/moeite_met_rondkomen_18plus?niveau=wijk",
    "vergelijk": "/vergelijk?gebied=BU01530603&gebied=BU01530604",
    "niet-gevonden": "/gebieden/BU99999999",
    "engels-profiel": "/gebieden/WK015306?lang=en",
}


@pytest.fixture(scope="module")
def server(web_app):
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    config = uvicorn.Config(web_app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        yield b
        b.close()


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_axe_has_no_serious_violations(server, browser, name):
    page = browser.new_page()
    outside = []
    page.on("request", lambda req: outside.append(req.url) if not req.url.startswith(server) else None)
    response = page.goto(server + PAGE_TYPES[name], wait_until="load")
    assert response is not None and response.status in (200, 404)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    bad = [f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target']}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    page.close()
    assert result["passes"], "axe ran no checks"
    assert not bad, "\n".join(bad)
    assert not outside, outside


def test_map_keyboard_path_reaches_every_area(server, browser):
    page = browser.new_page()
    page.goto(server + PAGE_TYPES["kaart"])
    n = page.locator("svg.map a.area").count()
    assert n > 50
    page.locator("svg.map a.area").first.focus()
    seen = set()
    for _ in range(n):
        seen.add(page.evaluate("document.activeElement.getAttribute('href')"))
        tip = page.locator("#map-tip").inner_text()
        assert tip  # the tooltip follows the keyboard focus
        page.keyboard.press("Tab")
    page.close()
    assert len(seen) == n
