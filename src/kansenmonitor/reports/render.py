"""A report document model → one self-contained HTML file, a tagged PDF (PDF/UA-1), an editable DOCX or the CSV
annex.

The HTML has its stylesheet and images inside it (no network, no files beside it), so the file the CLI writes,
the page the web app serves and the PDF WeasyPrint renders are one and the same document. WeasyPrint's
``pdf/ua-1`` variant writes the structure tree (headings, paragraphs, lists, tables with header cells,
figures with their alternative text), marks the PDF as tagged, and takes the language from ``<html lang>`` and
the title from ``<title>``. The PDF carries no creation date, so the same document gives the same bytes.
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..web import i18n

FORMATS = ("html", "pdf", "docx", "csv")
REF_COLUMNS = ["onderdeel", "indicator", "gebied", "periode", "waarde", "eenheid", "bron"]


def _template_dir() -> str:
    return str(resources.files("kansenmonitor.reports") / "templates")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(_template_dir()), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    return env


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return (resources.files("kansenmonitor.reports") / "templates" / "report.css").read_text(encoding="utf-8")


def html(doc: dict, toolbar: dict | None = None) -> str:
    """The document as one HTML file (``toolbar``: the print button and downloads of the web view)."""
    lang = doc.get("lang", "nl")
    template = environment().get_template(f"{doc['kind']}.html")
    return template.render(doc=doc, css=stylesheet(), toolbar=toolbar, _=i18n.translator(lang), lang=lang)


def pdf(doc: dict) -> bytes:
    """The document as a tagged PDF (PDF/UA-1)."""
    return pdf_from_html(html(doc))


def docx(doc: dict) -> bytes:
    """The document as an editable Word file, made from the same HTML (see :mod:`.word`)."""
    from datetime import datetime

    from . import word

    stamp = doc.get("data_version")
    created = datetime.fromisoformat(stamp) if stamp else None
    return word.docx_from_html(html(doc), doc.get("lang", "nl"), created=created)


def pdf_from_html(text: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=text, base_url=None).write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)


def refs_csv(doc: dict) -> str:
    """The annex of references: one row per number in the document (indicator, area, period, source)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=REF_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for ref in doc.get("refs", []):
        writer.writerow({k: ("" if ref.get(k) is None else ref.get(k)) for k in REF_COLUMNS})
    return buf.getvalue()


def render(doc: dict, form: str) -> bytes:
    if form == "html":
        return html(doc).encode("utf-8")
    if form == "pdf":
        return pdf(doc)
    if form == "docx":
        return docx(doc)
    if form == "csv":
        return refs_csv(doc).encode("utf-8")
    raise ValueError(f"onbekend formaat '{form}'; kies uit {', '.join(FORMATS)}")


MEDIA_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "csv": "text/csv; charset=utf-8"}


# -- the presentation of an area ---------------------------------------------------------------------------
PRESENTATION_ASSETS = ("presentatie.css", "presentatie.js")


@lru_cache(maxsize=4)
def _static(name: str) -> str:
    return (resources.files("kansenmonitor.web") / "static" / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    import base64
    import hashlib

    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def presentation_csp() -> str:
    """The policy of the single-file presentation: exactly its own stylesheet and script (by hash), images
    inside the file, nothing from anywhere else."""
    css, js = (_static(n) for n in PRESENTATION_ASSETS)
    return (f"default-src 'none'; style-src {_sha256(css)}; script-src 'self' {_sha256(js)}; img-src data:; "
            "form-action 'none'; base-uri 'none'")


def presentation_html(doc: dict, single_file: bool, toolbar: dict | None = None) -> str:
    """The presentation as HTML. ``single_file``: stylesheet and script inside, with their policy in the file
    (works from a laptop without network or server); otherwise the site's own files under ``/static``."""
    from .. import format as fmt

    lang = doc.get("lang", "nl")
    css, js = (_static(n) for n in PRESENTATION_ASSETS)
    assets = ({"css": css, "js": js, "csp": presentation_csp()} if single_file else
              {"css_href": "/static/presentatie.css", "js_src": "/static/presentatie.js"})
    template = environment().get_template("presentatie.html")
    return template.render(doc=doc, assets=assets, toolbar=toolbar, _=i18n.translator(lang), lang=lang,
                           number=fmt.number, euro=fmt.money)
