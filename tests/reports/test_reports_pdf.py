"""The PDF is tagged (PDF/UA-1): structure tree, marked content, language, title, headings in reading order,
tables with header cells, and every image (map, trend lines) a figure with its alternative text. Checked with
pikepdf, not by eye."""

from __future__ import annotations

import io

import pikepdf
import pytest

from kansenmonitor.reports import render, wijkprofiel
from kansenmonitor.reports.definition import definitions
from kansenmonitor.web.service import Site

BUURT = "BU01530603"


@pytest.fixture(scope="module")
def doc(demo_monitor):
    site = Site(demo_monitor)
    return wijkprofiel.build(site, definitions(demo_monitor)["wijkprofiel"], BUURT, "nl")


@pytest.fixture(scope="module")
def pdf_bytes(doc):
    return render.pdf(doc)


@pytest.fixture(scope="module")
def pdf(pdf_bytes):
    return pikepdf.open(io.BytesIO(pdf_bytes))


def _elements(node, out=None, depth=0):
    """The structure tree in reading order: (type, alt, depth)."""
    out = [] if out is None else out
    if isinstance(node, pikepdf.Dictionary):
        if "/S" in node:
            out.append((str(node.S), str(node.Alt) if "/Alt" in node else None, depth))
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            for k in kids:
                _elements(k, out, depth + 1)
        elif isinstance(kids, pikepdf.Dictionary):
            _elements(kids, out, depth + 1)
    return out




def test_tagged_with_language_title_and_pdfua_identifier(pdf, doc):
    root = pdf.Root
    assert "/StructTreeRoot" in root
    assert bool(root.MarkInfo.Marked) is True
    assert str(root.Lang) == "nl"
    assert bool(root.ViewerPreferences.DisplayDocTitle) is True
    assert str(pdf.docinfo["/Title"]) == doc["title"]
    with pdf.open_metadata() as meta:
        assert meta.get("dc:title") == doc["title"]
        assert meta.get("pdfuaid:part") == "1"


def test_headings_in_reading_order(pdf, doc):
    kinds = [k for k, _alt, _d in _elements(pdf.Root.StructTreeRoot)]
    headings = [k for k in kinds if k in ("/H1", "/H2", "/H3")]
    assert headings[0] == "/H1" and headings.count("/H1") == 1
    # one H2 per section, in the order of the definition (map and summary share the first row)
    assert headings.count("/H2") == len(doc["sections"])


def test_tables_have_header_cells(pdf, doc):
    kinds = [k for k, _alt, _d in _elements(pdf.Root.StructTreeRoot)]
    assert kinds.count("/Table") >= 3  # key numbers, planned, annex
    assert kinds.count("/TH") >= len(doc["key_numbers"]) and "/TD" in kinds


def test_every_figure_has_its_alternative_text(pdf, doc):
    figures = [alt for k, alt, _d in _elements(pdf.Root.StructTreeRoot) if k == "/Figure"]
    trends = [k["trend"]["alt"] for k in doc["key_numbers"] if k["trend"]]
    assert len(figures) == 1 + len(trends)  # the map and one trend line per key number with a history
    assert all(figures), figures
    assert doc["map"]["alt"] in figures and set(trends) <= set(figures)


def test_same_document_same_bytes(doc, pdf_bytes):
    assert render.pdf(doc) == pdf_bytes
