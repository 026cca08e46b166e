"""The editable DOCX: made from the same document as the HTML and PDF, with Word's own heading styles, Word
tables whose header rows repeat, charts as SVG pictures (with a PNG beside them) carrying their alternative text,
the document language and the core properties, and the same bytes from the same store. Opened with python-docx
and read as XML, not by eye."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

import docx
import pytest
from docx.oxml.ns import qn
from lxml import html as lxml_html
from typer.testing import CliRunner

from kansenmonitor.cli import app
from kansenmonitor.reports import documents, render
from kansenmonitor.reports.definition import definitions
from kansenmonitor.web.service import Site

BUURT = "BU01530603"
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@pytest.fixture(scope="module")
def defs(demo_monitor):
    return definitions(demo_monitor)


@pytest.fixture(scope="module")
def doc(demo_monitor, defs):
    return documents.build(Site(demo_monitor), defs["wijkprofiel"], BUURT, None, "nl")


@pytest.fixture(scope="module")
def data(doc):
    return render.render(doc, "docx")


@pytest.fixture(scope="module")
def word(data):
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def page(doc):
    return lxml_html.document_fromstring(render.html(doc))


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def _clean(text: str) -> str:
    return " ".join(text.split())


def test_headings_are_word_heading_styles_in_the_html_order(word, page):
    headings = [(int(p.style.name.split()[-1]), _clean(p.text)) for p in word.paragraphs
                if p.style.name.startswith("Heading")]
    expected = [(int(h.tag[1]), _clean(h.text_content())) for h in page.iter("h1", "h2", "h3")]
    assert headings == expected
    assert headings[0] == (1, "Wijkprofiel Wesselerbrink Noord-Oost")
    assert (2, "In het kort") in headings and (2, "Belangrijke cijfers") in headings
    # the built-in heading styles carry an outline level: the navigation pane and a table of contents use them
    h2 = word.styles["Heading 2"].element
    assert h2.find(qn("w:pPr")).find(qn("w:outlineLvl")).get(qn("w:val")) == "1"


def test_tables_are_word_tables_with_repeating_header_rows(word, page, doc):
    html_tables = page.findall(".//table")
    assert len(word.tables) == len(html_tables)
    key = word.tables[0]
    header = [_clean(c.text) for c in key.rows[0].cells]
    assert header == [_clean(th.text_content()) for th in html_tables[0].find("thead").iter("th")]
    assert key.rows[0]._tr.trPr.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
    assert all(r._tr.trPr is None or r._tr.trPr.find(qn("w:tblHeader")) is None for r in key.rows[1:])
    assert len(key.rows) == 1 + len(doc["key_numbers"])
    first = doc["key_numbers"][0]
    assert _clean(key.rows[1].cells[0].text).startswith(first["label"])
    assert first["gemeente_display"] in key.rows[1].cells[2].text


def test_charts_are_svg_with_a_print_png_and_their_alt_text(word, data, page):
    alts = [img.get("alt") for img in page.iter("img")]
    assert alts and all(alts)
    shapes = list(word.inline_shapes)
    assert [s._inline.docPr.get("descr") for s in shapes] == alts
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    svgs = [n for n in names if n.endswith(".svg")]
    pngs = [n for n in names if n.endswith(".png")]
    assert svgs and pngs
    body = word.element.xml
    assert body.count("{96DAC541-7B7A-43D3-8B79-37D633B846F1}") == len(shapes)  # every picture has its SVG
    map_png = zipfile.ZipFile(io.BytesIO(data)).read(pngs[0])
    width = int.from_bytes(map_png[16:20], "big")
    assert width >= 300 * 3  # print resolution, not screen pixels
    # the figures of every trend line stay readable as text, in the annex table
    annex = _clean(word.tables[-1].rows[1].cells[1].text)
    assert re.search(r"\d{4}: ", annex)


def test_language_title_author_and_a_fixed_date(word, doc):
    lang = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "nl-NL"
    props = word.core_properties
    assert props.title == doc["title"] and props.author == "Kansenmonitor" and props.language == "nl-NL"
    assert doc["data_version"]
    assert props.created.replace(tzinfo=None) == datetime.fromisoformat(doc["data_version"]).replace(tzinfo=None)


def test_every_number_of_the_summary_is_in_the_docx(word, page, doc):
    text = _clean(all_text(word))
    summary = page.xpath("//section[h2[@id='s-kort']]//li")
    assert summary and len(summary) == len(doc["summary"])
    for li in summary:
        sentence = _clean(li.text_content())
        assert sentence in text
        for n in NUMBER.findall(sentence):
            assert n in text
    for k in doc["key_numbers"]:
        if k["value"] is not None:
            assert k["display"] in text


def test_same_store_same_bytes(demo_monitor, defs, data):
    again = documents.build(Site(demo_monitor), defs["wijkprofiel"], BUURT, None, "nl")
    assert render.render(again, "docx") == data


def test_english(demo_monitor, defs):
    doc = documents.build(Site(demo_monitor), defs["wijkprofiel"], "WK015306", None, "en")
    word = docx.Document(io.BytesIO(render.render(doc, "docx")))
    lang = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "en-GB" and word.core_properties.language == "en-GB"
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 2"]
    assert "In short" in headings and "Key figures" in headings


def test_council_report_docx_has_the_summary_and_its_numbers(demo_monitor, defs):
    doc = documents.build(Site(demo_monitor), defs["kansrijk-enschede-voortgang"], None, 2025, "nl")
    word = docx.Document(io.BytesIO(render.render(doc, "docx")))
    text = _clean(all_text(word))
    assert [p.text for p in word.paragraphs if p.style.name == "Heading 1"] == [doc["title"]]
    for sentence in doc["summary"]:
        assert _clean(sentence) in text
    assert "€ 2.545.000" in text
    assert any(t.rows[0]._tr.trPr is not None for t in word.tables)


def test_cli_docx_and_bad_input_writes_nothing(demo_home, tmp_path, monkeypatch):
    monkeypatch.setenv("KANSENMONITOR_HOME", str(demo_home))
    target = tmp_path / "profiel.docx"
    r = CliRunner().invoke(app, ["report", "build", "wijkprofiel", "--area", BUURT, "--format", "docx", "-o",
                                 str(target)])
    assert r.exit_code == 0, r.output
    assert docx.Document(str(target)).core_properties.title == "Wijkprofiel Wesselerbrink Noord-Oost"
    bad = tmp_path / "slecht.yaml"
    shipped = _definition_file().read_text(encoding="utf-8")
    bad.write_text(shipped.replace("sections:\n", "sections:\n  - kaartje\n", 1), encoding="utf-8")
    out = tmp_path / "slecht.docx"
    r = CliRunner().invoke(app, ["report", "build", str(bad), "--area", BUURT, "--format", "docx", "-o", str(out)])
    assert r.exit_code == 2 and "kaartje" in r.output and "rij 14" in r.output
    assert not out.exists()
    out = tmp_path / "leeg.docx"
    r = CliRunner().invoke(app, ["report", "build", "kansrijk-enschede-voortgang", "--period", "2031", "--format",
                                 "docx", "-o", str(out)])
    assert r.exit_code == 2 and "2031" in r.output and not out.exists()


def _definition_file():
    from importlib import resources

    return resources.files("kansenmonitor.reports") / "definitions" / "wijkprofiel.yaml"


def test_the_date_follows_the_data_not_the_clock(demo_home, tmp_path, defs):
    import shutil

    from kansenmonitor.monitor import Monitor
    from kansenmonitor.programme.decisions import record_decision
    from kansenmonitor.programme.repository import load_programme

    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    monitor = Monitor.open(home=home, url=f"sqlite:///{home / 'kansenmonitor.sqlite'}")
    try:
        site = Site(monitor)
        before = documents.build(site, defs["kansrijk-enschede-voortgang"], None, 2025, "nl")
        first = render.render(before, "docx")
        assert render.render(documents.build(Site(monitor), defs["kansrijk-enschede-voortgang"], None, 2025, "nl"),
                             "docx") == first
        record_decision(monitor.store, load_programme("kansrijk-enschede-2023-2033"), "int-naschools", "doorgaan",
                        "Het loopt zoals gepland.", "college van B&W", on="2025-06-01")
        after = documents.build(Site(monitor), defs["kansrijk-enschede-voortgang"], None, 2025, "nl")
        assert after["data_version"] > before["data_version"]
        word = docx.Document(io.BytesIO(render.render(after, "docx")))
        assert word.core_properties.created.replace(tzinfo=None) == datetime.fromisoformat(
            after["data_version"]).replace(tzinfo=None)
        assert "Het loopt zoals gepland." in all_text(word)
    finally:
        monitor.close()
