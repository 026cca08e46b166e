"""Reports: documents generated from the core numbers, never retyped.

A report is described by a small YAML *definition* (:mod:`.definition`): which kind of document, which
sections, which indicators, which areas. :mod:`.wijkprofiel` builds the document model of a printable
neighbourhood profile from the same cached read side the web pages use (:class:`~kansenmonitor.web.service.Site`
and the situation profile), :mod:`.render` turns a document model into one HTML file (the same template for the
screen, the printer and the PDF) and into a tagged PDF (PDF/UA-1, WeasyPrint).
"""
