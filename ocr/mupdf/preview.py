"""Pictures of PDF pages for people: one page rendered to PNG at a screen's size.

The page is drawn at a zoom that fits it into ``max_width`` x ``max_height`` pixels, so a
huge page costs no more than a small one; MuPDF's failures become typed errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymupdf as _pymupdf

from ocr.errors import OcrInputError
from ocr.images import DamagedFileError
from ocr.mupdf.reader import MUPDF_ERRORS, open_pdf

pymupdf: Any = _pymupdf  # its annotations are partial: use it as untyped


def pdf_page_count(path: Path) -> int:
    """How many pages the PDF at ``path`` has (typed errors for a bad file)."""
    doc = open_pdf(path)
    try:
        return int(doc.page_count)
    finally:
        doc.close()


def pdf_page_png(path: Path, index: int, *, max_width: int, max_height: int) -> bytes:
    """Page ``index`` (0-based) of the PDF at ``path`` as PNG, fitted into
    ``max_width`` x ``max_height`` pixels (rotation applied, no alpha)."""
    doc = open_pdf(path)
    try:
        if not 0 <= index < doc.page_count:
            raise OcrInputError(f"has no page {index + 1}", subject=path.name)
        try:
            page = doc[index]
            rect = page.rect
            zoom = min(max_width / max(rect.width, 1.0), max_height / max(rect.height, 1.0))
            pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
            return bytes(pix.tobytes("png"))
        except MUPDF_ERRORS as error:
            raise DamagedFileError(f"page {index + 1} cannot be drawn ({error})",
                                   subject=path.name) from error
    finally:
        doc.close()


MAX_REGION_ZOOM = 4.0
"""A region is never drawn larger than 288 dpi (4 x 72): its pixels are the scan's own."""


def pdf_region_png(path: Path, index: int, box: tuple[float, float, float, float], *,
                   max_width: int, max_height: int) -> bytes:
    """The part ``box`` (x0, y0, x1, y1 in points from the page's top left, as the words'
    boxes are) of page ``index`` of the PDF at ``path`` as PNG, fitted into ``max_width`` x
    ``max_height`` pixels: a handwritten blank's crop for a person to read. The box is
    clipped to the page; :class:`OcrInputError` when nothing of it is on the page."""
    doc = open_pdf(path)
    try:
        if not 0 <= index < doc.page_count:
            raise OcrInputError(f"has no page {index + 1}", subject=path.name)
        try:
            page = doc[index]
            clip = pymupdf.Rect(*box) & page.rect
            if clip.is_empty or clip.width < 1 or clip.height < 1:
                raise OcrInputError(f"has nothing at {list(box)} on page {index + 1}",
                                    subject=path.name)
            zoom = min(max_width / clip.width, max_height / clip.height, MAX_REGION_ZOOM)
            pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=clip, alpha=False)
            return bytes(pix.tobytes("png"))
        except MUPDF_ERRORS as error:
            raise DamagedFileError(f"page {index + 1} cannot be drawn ({error})",
                                   subject=path.name) from error
    finally:
        doc.close()
