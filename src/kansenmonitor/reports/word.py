"""A report document as an editable Word file (DOCX), for the civil servant who adds a paragraph before it
goes to the council.

The DOCX is made from the very HTML the template renders for the screen and the PDF (:func:`.render.html`),
so no label, sentence or number is typed a second time: headings become Word's own heading styles (the
navigation pane and a table of contents work), lists become Word lists, tables become Word tables whose header
rows repeat on every page, and the charts (vector SVG) go in as SVG pictures with their alternative text.
Word cannot show an SVG without a bitmap beside it (programs before Word 2016 show only that), so each chart
also carries a PNG of it at print resolution (300 dpi); the figures of every chart stay in the annex table.

The document language is set on the styles (nl-NL or en-GB), the title and the author in the core properties,
and the creation date is the moment the data last changed (not the clock), with fixed timestamps inside the
zip: the same store gives byte-identical files.
"""

from __future__ import annotations

import base64
import io
import re
import zipfile
from datetime import UTC, datetime
from urllib.parse import unquote_to_bytes

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell
from lxml import etree
from lxml import html as lxml_html

LANGUAGES = {"nl": "nl-NL", "en": "en-GB"}
AUTHOR = "Kansenmonitor"
PRINT_DPI = 300
SVG_EXT_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4}
BLOCKS = {"p", "ul", "ol", "table", "figure", "blockquote", "img"} | set(HEADINGS)
SKIP = {"nav", "script", "style", "colgroup", "button", "template"}
_SPACE = re.compile(r"\s+")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def docx_from_html(text: str, lang: str = "nl", created: datetime | None = None, author: str = AUTHOR) -> bytes:
    """The DOCX of one report HTML (as :func:`.render.html` makes it)."""
    tree = lxml_html.document_fromstring(text)
    document = Document()
    _language(document, LANGUAGES.get(lang, "nl-NL"))
    title = (tree.findtext(".//title") or "").strip()
    when = (created or EPOCH).astimezone(UTC).replace(microsecond=0, tzinfo=None)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.language = LANGUAGES.get(lang, "nl-NL")
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    props.comments = ("Gemaakt uit de cijfers van de kansenmonitor." if lang == "nl" else
                      "Made from the figures of the kansenmonitor.")
    main = tree.find(".//main")
    writer = _Writer(document)
    writer.blocks(main if main is not None else tree.find(".//body"))
    return _stable_zip(document, when)


# -- the document settings ------------------------------------------------------------------------------
def _language(document, tag: str) -> None:
    """Every style inherits the language from the document defaults (and so does text the user adds)."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for key in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(key), tag)


def _stable_zip(document, when: datetime) -> bytes:
    """python-docx stamps every zip entry with the clock; rewrite them with ``when``, in the same order."""
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


# -- HTML → Word -------------------------------------------------------------------------------------------
def _classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def _data_uri(src: str) -> tuple[str, bytes] | None:
    if not src.startswith("data:"):
        return None
    head, _, body = src[5:].partition(",")
    mime = head.split(";")[0]
    data = base64.b64decode(body) if ";base64" in head else unquote_to_bytes(body)
    return mime, data


class _Writer:
    def __init__(self, document):
        self.doc = document
        self.part = document.part
        self._svg: dict[bytes, str] = {}

    # blocks ------------------------------------------------------------------------------------------
    def blocks(self, parent, container=None, page_break: bool = False) -> None:
        """Write the block children of ``parent`` into ``container`` (the body or a table cell)."""
        if parent is None:
            return
        target = container if container is not None else self.doc
        loose: list = []  # text and inline elements between blocks form one paragraph

        def flush():
            nonlocal page_break
            if any(_has_content(x) for x in loose):
                p = target.add_paragraph()
                self._page_break(p, page_break)
                page_break = False
                for x in loose:
                    if isinstance(x, str):
                        self._text(p, x, {})
                    else:
                        self.inline(p, x, {})
                _trim(p)
            loose.clear()

        if parent.text:
            loose.append(parent.text)
        for el in parent:
            if not isinstance(el.tag, str):  # comments
                if el.tail:
                    loose.append(el.tail)
                continue
            tag = el.tag
            if tag in SKIP:
                pass
            elif tag in BLOCKS or tag in {"section", "div", "header", "footer", "main", "article", "aside"}:
                flush()
                brk = page_break or "page-break" in _classes(el)
                page_break = False
                self.block(el, target, brk)
            else:
                loose.append(el)
            if el.tail:
                loose.append(el.tail)
        flush()

    def block(self, el, target, page_break: bool) -> None:
        tag = el.tag
        if tag in HEADINGS:
            if isinstance(target, _Cell):
                p = target.add_paragraph()
                self.inline(p, el, {"bold": True})
            else:
                p = self.doc.add_heading(level=HEADINGS[tag])
                self._page_break(p, page_break)
                self.inline(p, el, {})
            _trim(p)
        elif tag == "p":
            p = target.add_paragraph()
            self._page_break(p, page_break)
            cls = _classes(el)
            self.inline(p, el, {"small": "small" in cls, "italic": "missing" in cls, "bold": "lead" in cls})
            _trim(p)
        elif tag in ("ul", "ol"):
            style = "List Bullet" if tag == "ul" else "List Number"
            first = True
            for li in el.findall("li"):
                p = target.add_paragraph(style=style)
                if first:
                    self._page_break(p, page_break)
                    first = False
                self.inline(p, li, {})
                _trim(p)
        elif tag == "blockquote":
            for child in el:
                if child.tag == "p":
                    p = target.add_paragraph(style="Quote")
                    self.inline(p, child, {"small": "small" in _classes(child)})
                    _trim(p)
        elif tag == "table":
            self.table(el, target)
        elif tag == "figure":
            self.blocks(el, target, page_break)
        elif tag == "img":
            p = target.add_paragraph()
            self.image(p, el)
        else:  # section, div, header: their children
            self.blocks(el, target, page_break)

    def _page_break(self, p, on: bool) -> None:
        if on:
            p.paragraph_format.page_break_before = True

    def table(self, el, target) -> None:
        caption = el.find("caption")
        if caption is not None:
            p = target.add_paragraph(style="Caption")
            self.inline(p, caption, {})
            _trim(p)
            p.paragraph_format.keep_with_next = True
        head = [tr for part in el.findall("thead") for tr in part.findall("tr")]
        body = [tr for part in el.findall("tbody") for tr in part.findall("tr")] + el.findall("tr")
        rows = head + body
        if not rows:
            return
        width = max(sum(int(c.get("colspan") or 1) for c in tr if c.tag in ("th", "td")) for tr in rows)
        table = target.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        if caption is not None:
            _table_alt(table, _SPACE.sub(" ", caption.text_content()).strip())
        for r, tr in enumerate(rows):
            row = table.rows[r]
            if r < len(head):
                _repeat_header(row)
            c = 0
            for cell_el in (x for x in tr if x.tag in ("th", "td")):
                span = int(cell_el.get("colspan") or 1)
                cell = row.cells[c]
                if span > 1:
                    cell = cell.merge(row.cells[c + span - 1])
                c += span
                self.cell(cell, cell_el, header=r < len(head) or cell_el.tag == "th")

    def cell(self, cell: _Cell, el, header: bool) -> None:
        has_blocks = any(isinstance(x.tag, str) and x.tag in BLOCKS for x in el)
        if has_blocks:
            self.blocks(el, cell)
            first = cell.paragraphs[0]
            if not first.text and len(cell.paragraphs) > 1 and not first._p.xpath(".//w:drawing"):
                first._p.getparent().remove(first._p)
        else:
            p = cell.paragraphs[0]
            self.inline(p, el, {"bold": header, "italic": False})
            _trim(p)
            if "num" in _classes(el):
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    # inline ------------------------------------------------------------------------------------------
    def inline(self, p, el, fmt: dict) -> None:
        if el.text:
            self._text(p, el.text, fmt)
        for child in el:
            if not isinstance(child.tag, str):
                pass
            elif child.tag == "br":
                p.add_run().add_break(WD_BREAK.LINE)
            elif child.tag == "img":
                self.image(p, child)
            elif child.tag in SKIP:
                pass
            else:
                sub = dict(fmt)
                cls = _classes(child)
                if child.tag in ("strong", "b"):
                    sub["bold"] = True
                if child.tag in ("em", "i") or "missing" in cls:
                    sub["italic"] = True
                if "small" in cls:
                    sub["small"] = True
                self.inline(p, child, sub)
            if child.tail:
                self._text(p, child.tail, fmt)

    def _text(self, p, text: str, fmt: dict) -> None:
        text = _SPACE.sub(" ", text)
        if not text:
            return
        run = p.add_run(text)
        if fmt.get("bold"):
            run.bold = True
        if fmt.get("italic"):
            run.italic = True
        if fmt.get("small"):
            run.font.size = Pt(9)

    def image(self, p, el) -> None:
        """A chart: the SVG (vector) with a PNG at print resolution beside it for programs without SVG."""
        found = _data_uri(el.get("src") or "")
        if found is None:
            return
        mime, data = found
        alt = el.get("alt") or ""
        width_px = float(el.get("width") or 0) or None
        width = Pt(width_px * 0.75) if width_px else None  # CSS px → pt
        if mime == "image/svg+xml":
            png = svg_to_png(data, (width_px or 300) * PRINT_DPI / 96)
            shape = p.add_run().add_picture(io.BytesIO(png), width=width)
            self._attach_svg(shape, data)
        else:
            shape = p.add_run().add_picture(io.BytesIO(data), width=width)
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", alt)
        doc_pr.set("title", alt[:250])

    def _attach_svg(self, shape, svg: bytes) -> None:
        rid = self._svg.get(svg)
        if rid is None:
            partname = self.part.package.next_partname("/word/media/image%d.svg")
            part = Part(PackURI(partname), "image/svg+xml", svg, self.part.package)
            rid = self.part.relate_to(part, RT.IMAGE)
            self._svg[svg] = rid
        blip = shape._inline.xpath(".//a:blip")[0]
        ext_lst = OxmlElement("a:extLst")
        ext = OxmlElement("a:ext")
        ext.set("uri", SVG_EXT_URI)
        svg_blip = etree.SubElement(ext, f"{{{SVG_NS}}}svgBlip", nsmap={"asvg": SVG_NS})
        svg_blip.set(qn("r:embed"), rid)
        ext_lst.append(ext)
        blip.append(ext_lst)


def _has_content(x) -> bool:
    """Whether loose HTML (a text or an inline element) holds anything to show: text or a picture."""
    if isinstance(x, str):
        return bool(x.strip())
    return bool((x.text_content() or "").strip()) or x.tag == "img" or x.find(".//img") is not None


def _table_alt(table, caption: str) -> None:
    """The caption as the table's own alternative text (Word: Table Properties > Alt Text)."""
    tbl_pr = table._tbl.tblPr
    for tag in ("w:tblCaption", "w:tblDescription"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), caption[:250])
        tbl_pr.append(el)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _trim(p) -> None:
    """No leading or trailing space in a paragraph (HTML indentation is not text)."""
    runs = [r for r in p.runs if r.text]
    if runs:
        runs[0].text = runs[0].text.lstrip()
        runs[-1].text = runs[-1].text.rstrip()


def svg_to_png(svg: bytes, width_px: float) -> bytes:
    """The SVG as a PNG ``width_px`` wide (the bitmap Word shows where it cannot draw SVG)."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg, output_width=max(1, round(width_px)))
