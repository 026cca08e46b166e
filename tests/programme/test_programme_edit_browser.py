"""The edit forms in headless Chromium at 1280 and 390 px, signed in: no serious or critical axe violations (also with
the error list shown), no sideways scrolling, and a save done with the keyboard only."""

from __future__ import annotations

import pytest
from edit_fixtures import IID, PID, tiny_monitor

from kansenmonitor.web.app import create_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = [f"/programmas/{PID}/bewerken", f"/programmas/{PID}/interventies/{IID}/bewerken",
         f"/programmas/{PID}/begroting/nieuw", f"/programmas/{PID}/excel", f"/programmas/{PID}/geschiedenis",
         f"/programmas/{PID}/interventies/{IID}/geschiedenis", f"/programmas/{PID}/interventies/{IID}/bewerken?lang=en"]


def _axe(page, server: str, path: str) -> None:
    from web.axe import AXE_URL

    page.add_script_tag(url=server + AXE_URL)
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    bad = [f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target']}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert result["passes"] and not bad, f"{path}:\n" + "\n".join(bad)


def test_edit_pages_in_the_browser(tmp_path, browser):
    from web.axe import serve_in_thread
    from web.signin import PASSWORD, ensure_account

    monitor = tiny_monitor(tmp_path)
    ensure_account(monitor, "eigenaar1", "programma-eigenaar", None, PID)
    app = create_app(monitor)
    with serve_in_thread(app) as server:
        for width in (1280, 390):
            ctx = browser.new_context(viewport={"width": width, "height": 900})
            page = ctx.new_page()
            page.goto(server + "/aanmelden")
            page.fill("#f-gebruikersnaam", "eigenaar1")
            page.fill("#f-wachtwoord", PASSWORD)
            with page.expect_navigation():
                page.press("#f-wachtwoord", "Enter")
            for path in PAGES:
                response = page.goto(server + path, wait_until="load")
                assert response is not None and response.status == 200, (path, response and response.status)
                _axe(page, server, path)
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 1, (path, width, overflow)
            # an error: the list at the top links to the field, and is accessible too
            page.goto(server + f"/programmas/{PID}/interventies/{IID}/bewerken", wait_until="load")
            page.fill("#f-start_year", "twintig")
            with page.expect_navigation():
                page.press("#f-start_year", "Enter")
            assert page.locator("#fouten a[href='#f-start_year']").count() == 1
            _axe(page, server, "fout")
            page.locator("#fouten a[href='#f-start_year']").focus()
            page.keyboard.press("Enter")
            # keyboard only: type a new target group and send the form with Enter
            page.fill("#f-start_year", "2024")
            page.focus("#f-target_group")
            page.keyboard.type(f" ({width})")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert "interventies/" + IID in page.url and "bewaard=ja" in page.url, page.url
            ctx.close()
    from kansenmonitor.programme import stored

    assert "(390)(1280)" in stored.stored_programme(PID, monitor.store)[1].intervention(IID).target_group
    monitor.close()
