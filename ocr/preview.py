"""A page of an input file as a PNG picture for a screen: PDFs through :mod:`ocr.mupdf`,
images (JPEG, PNG, TIFF, JPEG 2000) decoded with the pixel limit, then scaled down."""

from __future__ import annotations

from pathlib import Path

import cv2

from ocr.errors import OcrInputError
from ocr.inputs import count_pages, detect_format, load_page
from ocr.model import OcrLimits
from ocr.mupdf.preview import pdf_page_count, pdf_page_png

PREVIEW_WIDTH = 1000
PREVIEW_HEIGHT = 1500


def preview_page_count(path: Path, limits: OcrLimits | None = None) -> int:
    """How many pages a picture of ``path`` can show."""
    if detect_format(path) == "pdf":
        return pdf_page_count(path)
    return count_pages(path, limits)


def preview_png(path: Path, index: int, *, limits: OcrLimits | None = None,
                max_width: int = PREVIEW_WIDTH, max_height: int = PREVIEW_HEIGHT) -> bytes:
    """Page ``index`` (0-based) of ``path`` as a PNG fitted into ``max_width`` x
    ``max_height``; :class:`~ocr.errors.OcrInputError` for a page it does not have."""
    if detect_format(path) == "pdf":
        return pdf_page_png(path, index, max_width=max_width, max_height=max_height)
    if not 0 <= index < count_pages(path, limits):
        raise OcrInputError(f"has no page {index + 1}", subject=path.name)
    image = load_page(path, index, limits).image
    height, width = image.shape[:2]
    scale = min(max_width / width, max_height / height, 1.0)
    shown = image if scale >= 1.0 else cv2.resize(
        image, (max(1, round(width * scale)), max(1, round(height * scale))),
        interpolation=cv2.INTER_AREA)
    done, encoded = cv2.imencode(".png", shown)
    if not done:
        raise OcrInputError("the page cannot be encoded as PNG", subject=path.name)
    return bytes(encoded.tobytes())
