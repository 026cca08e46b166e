"""People see labels and sentences, never ids, configuration tokens, CLI commands or a second form of address.

Every page type of the demo is fetched in Dutch and English; only the text a reader sees is checked (not
attributes, links or the data twins, which keep their ids on purpose).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

PAGES = [
    "/", "/kaart", "/kaart?niveau=wijk&indicator=pct_65plus", "/gebieden/BU01530603", "/gebieden/GM0153",
    "/gebieden/SD-ENSCHEDE-ZUID", "/gebieden/FG-WESSELERBRINK", "/gebieden/WK015306", "/gebieden?niveau=stadsdeel",
    "/kaart?niveau=stadsdeel&indicator=ervaren_gezondheid_goed_18plus",
    "/indicatoren", "/indicatoren/moeite_met_rondkomen_18plus",
    "/indices", "/indices/meervoudige_achterstand", "/indices/meervoudige_achterstand/samenhang",
    "/indices/meervoudige_achterstand/investeringen", "/indices/urgentie", "/indices/urgentie/samenhang",
    "/doelgroep?index=meervoudige_achterstand&regel=top-pct-population&waarde=30&budget=1000000"
    "&regel_b=top-n&waarde_b=5",
    "/programmas", "/programmas/kansrijk-enschede-2023-2033",
    "/programmas/kansrijk-enschede-2023-2033/interventies/int-naschools",
    "/programmas/regio-deal-elk-talent-telt/interventies/int-verzuim-vsv",
    "/evaluaties", "/evaluaties/nieuw",
    "/scholen", "/scholen/kiezen", "/scholen/jeugd", "/scholen/16ZT00",
    "/zoek?q=7511", "/zoek?q=Wesselerbrink", "/zoek?q=1011",
    "/scenarios", "/scenarios/wesselerbrink-regelingen-en-werk", "/scenarios/landelijk-gebied-broekheurne-en-usselo",
    "/scenarios/vergelijk?s=wesselerbrink-regelingen-aan-huis&s=landelijk-gebied-broekheurne-en-usselo",
    "/participatie", "/participatie/voorbeeld-wesselerbrink", "/participatie/voorbeeld-wesselerbrink/meedoen",
    # figures per postcode area and their estimates per buurt; the MDI ranked among all gemeenten
    "/kaart?niveau=pc4&indicator=pct_woningen_energielabel_efg", "/kaart?niveau=buurt&indicator=leefbaarometer_score",
    "/gebieden/PC7511", "/indices/meervoudige_achterstand?niveau=gemeente",
    # the presentation of an area for a residents' evening (with the focus area's two scenarios) and of a buurt
    "/gebieden/FG-WESSELERBRINK/presentatie", "/gebieden/BU01530603/presentatie",
    "/indices/meervoudige_achterstand?gemeente=GM0164",
    # networks of organisations and the ego-network figures of the survey
    "/netwerken", "/netwerken/samenwerking-enschede-zuid", "/enquetes/netwerk?niveau=buurt",
    # classes with the covariates of membership, and the small-area (model) estimates per buurt
    "/enquetes/klassen", "/enquetes/klassen?correctie=bch", "/enquetes/modelschattingen?vraag=eenzaam",
]
#: what must never reach a reader: calculation options, rule strings, indicator ids, commands
FORBIDDEN = {
    "calculation option": r"\b(arithmetic|zscore|minmax|imd_exponential|theme_mean|reference_mean|"
                          r"distance_to_reference|higher_is_(?:better|worse)|sd:\d)\b",
    "rule string": r"\b(top-pct(?:-population)?|top-n|threshold):",
    "identifier": r"\b[a-z]+_[a-z0-9]+(?:_[a-z0-9]+)*\b",
    "command": r"\bkansenmonitor [a-z]+",
    "programme id": r"\b(?:int|amb|kans|ind)-[a-z0-9]+(?:-[a-z0-9]+)*\b",
}
INFORMAL = r"\b(je|jij|jou|jouw|jezelf)\b"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("url", PAGES)
def test_no_tokens_where_people_read(client, url, lang):
    sep = "&" if "?" in url else "?"
    r = client.get(f"{url}{sep}lang={lang}")
    assert r.status_code == 200, r.text[:300]
    text = visible_text(r.text)
    for what, pattern in FORBIDDEN.items():
        found = sorted({m.group(0) for m in re.finditer(pattern, text)})
        assert not found, f"{url} ({lang}) shows {what}: {found[:5]}"
    if lang == "nl":
        informal = sorted({m.group(0) for m in re.finditer(INFORMAL, text, flags=re.IGNORECASE)})
        assert not informal, f"{url} addresses the reader informally ({informal}); the pages use 'u'"


def test_the_scanner_finds_what_it_looks_for():
    text = visible_text("<p>Regel <b>top-pct-population:30</b> met zscore</p><code>kansenmonitor index</code>"
                        "<p>zo zie je ervaren_gezondheid_goed_18plus</p>")
    assert re.search(FORBIDDEN["rule string"], text) and re.search(FORBIDDEN["calculation option"], text)
    assert re.search(FORBIDDEN["identifier"], text) and re.search(INFORMAL, text)
    assert re.search(FORBIDDEN["command"], text)  # a command in <code> is still a command on a public page
