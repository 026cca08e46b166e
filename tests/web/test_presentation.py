"""The presentation of an area for a residents' evening (/gebieden/{code}/presentatie): the numbers are the
profile's, the scenarios the scenario service's, every screen is an anchor reachable without JavaScript, the
download is one self-contained file, and the screens pass axe at laptop and phone width."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pikepdf
import pytest

from kansenmonitor import format as fmt
from kansenmonitor.reports import presentatie, wijkprofiel
from kansenmonitor.reports.definition import definitions
from kansenmonitor.scenarios import service as scenario_service
from kansenmonitor.web.service import Site
from kansenmonitor.web.situation import views as situation

from .axe import CHROMIUM, assert_accessible

FOCUS = "FG-WESSELERBRINK"
BUURT = "BU01530603"


@pytest.fixture(autouse=True)
def dutch(client):
    client.cookies.clear()


@pytest.fixture(scope="module")
def site(demo_monitor):
    return Site(demo_monitor)


class _Screens(HTMLParser):
    """The screens of a presentation: their ids and the anchors each one links to."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: dict[str, list[str]] = {}
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "screen" in (a.get("class") or "").split():
            self.ids.append(a["id"])
            self.links[a["id"]] = []
        elif tag == "a" and self.ids and (a.get("href") or "").startswith("#"):
            self.links[self.ids[-1]].append(a["href"][1:])
        elif tag == "script":
            self.scripts.append(a.get("src") or "")


def _screens(html: str) -> _Screens:
    p = _Screens()
    p.feed(html)
    return p


def test_numbers_are_the_profiles(client, site):
    """Every key number on the screens is the profile's value, in the profile's words, beside the gemeente's."""
    region = site.region(BUURT)
    view = situation.profile_view(site, region, "nl")
    rows = {r["indicator"]: r for r in view["rows"]}
    doc = presentatie.build(site, BUURT, "nl")
    assert 8 <= len(doc["key_numbers"]) <= 12
    expected, _ = wijkprofiel.key_numbers(view, definitions(site.monitor)["wijkprofiel"], site, "nl")
    assert [k["indicator"] for k in doc["key_numbers"]] == [k["indicator"] for k in expected if k["value"] is not None]
    html = client.get(f"/gebieden/{BUURT}/presentatie").text
    for k in doc["key_numbers"]:
        row = rows[k["indicator"]]
        assert k["value"] == row["value"] and k["gemeente_value"] == row["gemeente_value"]
        assert f'<p class="value">{row["display"]}</p>' in html, k["label"]
        assert f'Enschede: {row["gemeente_display"]}.' in html
    for sentence in view["summary"]:  # the summary is the profile's own sentences
        assert sentence.replace("'", "&#39;") in html
    # one topic per screen: never more than four numbers together
    assert all(len(s["numbers"]) <= presentatie.PER_SCREEN for s in doc["screens"] if s["kind"] == "numbers")


def test_scenario_figures_are_the_scenario_services(client, demo_monitor):
    html = client.get(f"/gebieden/{FOCUS}/presentatie").text
    ids = [s.id for s in presentatie.area_scenarios(demo_monitor, FOCUS)]
    assert len(ids) == 2
    for sid in ids:
        v = scenario_service.show(demo_monitor, sid, "nl")
        assert f"Scenario ‘{v['name']}’" in html
        assert fmt.money(v["totals"]["cost"], "nl") in html
        for o in v["outcomes"]:
            d = o["change_decimals"]
            line = (f"<strong>{fmt.number(o['change']['verwacht'], d, 'nl')} {o['change_unit']}</strong>, waarschijnlijk "
                    f"tussen {fmt.number(o['change']['laag'], d, 'nl')} en {fmt.number(o['change']['hoog'], d, 'nl')}")
            assert line in html
        for u in v["unknowns"]:  # what is not known is said, as the scenario page says it
            assert u.replace("'", "&#39;") in html
    assert "De scenario&#39;s naast elkaar" in html
    # the frame of the conversation is the wijkprofiel's
    assert "Wat vastligt" in html and "Waar u invloed op heeft" in html and "Vragen voor vanavond" in html


@pytest.mark.parametrize("code", [FOCUS, BUURT, "SD-ENSCHEDE-ZUID"])
def test_every_screen_reachable_without_javascript(client, code):
    """Each screen is an anchor; screen n links to n-1 and n+1 with plain links, and says where it is."""
    html = client.get(f"/gebieden/{code}/presentatie").text
    p = _screens(html)
    n = len(p.ids)
    assert n >= 6 and p.ids == [f"scherm-{i}" for i in range(1, n + 1)]
    for i, sid in enumerate(p.ids, start=1):
        if i > 1:
            assert f"scherm-{i - 1}" in p.links[sid]
        if i < n:
            assert f"scherm-{i + 1}" in p.links[sid]
        assert f'id="{sid}-w">{i} van {n}</p>' in html
    assert set(p.ids[1:]) <= set(p.links["scherm-1"])  # the opening screen lists every topic
    assert p.scripts == ["/static/presentatie.js"]  # the served page keeps the site's strict policy
    assert client.get("/static/presentatie.js").status_code == 200


def test_download_is_self_contained(client):
    r = client.get(f"/gebieden/{FOCUS}/presentatie/bestand")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    html = r.text
    assert not re.search(r"https?://", html), re.findall(r"https?://\S+", html)[:3]
    assert "/static" not in html and 'src="/' not in html and 'href="/' not in html
    assert "<style>" in html and "<script>" in html and "<script src" not in html
    # the file carries its own policy: exactly its stylesheet and script, by hash
    csp = r.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp and csp.count("'sha256-") == 2
    assert f'content="{csp}"' in html.replace("&#39;", "'")
    p = _screens(html)
    assert len(p.ids) == len(_screens(client.get(f"/gebieden/{FOCUS}/presentatie").text).ids)


def test_handout_and_errors(client):
    r = client.get(f"/gebieden/{FOCUS}/presentatie/hand-out")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    pdf = pikepdf.open(io.BytesIO(r.content))
    assert "/StructTreeRoot" in pdf.Root and len(pdf.pages) >= 8  # a page per screen
    page = client.get(f"/gebieden/{BUURT}/presentatie").text
    assert f'href="/rapporten/wijkprofiel/{BUURT}?lang=nl"' in page  # the printable wijkprofiel of a buurt
    assert "/rapporten/wijkprofiel/" not in client.get(f"/gebieden/{FOCUS}/presentatie").text
    r = client.get("/gebieden/BU99999999/presentatie")
    assert r.status_code == 404 and "staat niet in de database" in r.text
    r = client.get("/gebieden/GM0153/presentatie")
    assert r.status_code == 400 and "is een gemeente" in r.text


def test_english_and_links(client):
    html = client.get(f"/gebieden/{FOCUS}/presentatie?lang=en").text
    assert '<html lang="en">' in html and "1 of " in html and "What is fixed" in html
    assert f'href="/gebieden/{FOCUS}/presentatie"' in client.get(f"/gebieden/{FOCUS}").text
    assert f'href="/gebieden/{FOCUS}/presentatie"' in client.get("/scenarios/wesselerbrink-regelingen-aan-huis").text


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (.ci/setup-browser.sh)")
@pytest.mark.parametrize("width", [1280, 390])
def test_axe_every_screen_and_keys(server, browser, width):
    """axe on every screen (each is shown alone) at laptop and phone width; the keys move between screens."""
    path = f"/gebieden/{FOCUS}/presentatie"
    assert_accessible(server, browser, path, statuses=(200,))
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(server + path, wait_until="load")
    page.add_script_tag(url=server + "/_test-axe/axe.min.js")
    n = page.locator("section.screen").count()
    for i in range(1, n + 1):
        page.goto(f"{server}{path}#scherm-{i}")
        assert page.locator("section.screen:visible").count() == 1
        assert page.locator(f"#scherm-{i}").is_visible()
        result = page.evaluate("""async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
        bad = [f"{v['id']}: {v['nodes'][0]['target']}" for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
        assert not bad, (i, bad)
    page.goto(f"{server}{path}#scherm-1")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("location.hash") == "#scherm-2"
    page.keyboard.press("End")
    assert page.evaluate("location.hash") == f"#scherm-{n}"
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("location.hash") == f"#scherm-{n - 1}"
    page.close()


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (.ci/setup-browser.sh)")
def test_downloaded_file_works_from_disk(client, browser, tmp_path):
    """The single file opened from a laptop's disk: one screen shown, the keys work under the file's own policy,
    and it asks nothing of any server."""
    file = tmp_path / "presentatie.html"
    file.write_bytes(client.get(f"/gebieden/{FOCUS}/presentatie/bestand").content)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    requests, console = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: console.append(m.text))
    page.goto(file.as_uri())
    assert page.locator("section.screen:visible").count() == 1 and page.locator("#scherm-1").is_visible()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("PageDown")
    assert page.evaluate("location.hash") == "#scherm-3"
    assert page.locator("#scherm-3").is_visible() and page.locator("section.screen:visible").count() == 1
    page.close()
    assert [u for u in requests if not u.startswith("file:")] == []
    assert not [m for m in console if "Content Security Policy" in m]
