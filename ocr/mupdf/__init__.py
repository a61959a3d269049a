"""Everything in ``ocr`` that touches PyMuPDF: reading input PDFs and writing searchable ones.

Within ``ocr`` this package is the only place that imports ``pymupdf``; its exceptions
become our typed errors (subclasses of :class:`~ocr.errors.OcrInputError` from
:mod:`ocr.images`, with ``subject`` = the file name). The signing side imports ``pymupdf``
itself, for signature appearances and the PDF report (:mod:`signing.appearance.blocks`,
:mod:`signing.appearance.fonts`, :mod:`signing.appearance.plan`, :mod:`signing.document`,
:mod:`signing.verify.render_pdf`). Split in three modules to keep each one short:
:mod:`ocr.mupdf.reader`, :mod:`ocr.mupdf.writer` and :mod:`ocr.mupdf.pages`.
"""

from ocr.images import encode_page_image
from ocr.mupdf.pages import extract_pages, image_to_pdf, write_cover_sheet
from ocr.mupdf.reader import (
    MIN_SCAN_TEXT_CHARS,
    PdfPageInfo,
    PdfReader,
    open_pdf,
    text_layer_page,
)
from ocr.mupdf.writer import SearchablePdfWriter, find_text_font

__all__ = [
    "MIN_SCAN_TEXT_CHARS",
    "PdfPageInfo",
    "PdfReader",
    "SearchablePdfWriter",
    "encode_page_image",
    "extract_pages",
    "find_text_font",
    "image_to_pdf",
    "open_pdf",
    "text_layer_page",
    "write_cover_sheet",
]
