"""Words of a scanned page (no text layer) through the project's OCR package.

The page is rendered, made upright and deskewed by :func:`ocr.preprocess.prepare_page` and
read by :func:`ocr.recognise.recognise_page`; word boxes come back in points on the upright
page, with a function that maps such boxes back onto the page as displayed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from ocr.errors import OcrInputError
from ocr.model import OcrLimits, PageImage, PreparedPage
from ocr.pipeline import DOUBTFUL_CONFIDENCE
from ocr.preprocess import prepare_page
from ocr.recognise import recognise_page
from signing.appearance.lines import WordBox
from signing.errors import SigningInputError

OCR_DPI = 300
"""Scanned pages are rendered at this resolution for recognition."""
OCR_LANG = "vie"
MIN_CONFIDENCE = 30.0
"""Words read with less confidence (specks, seal fragments) are ignored."""

Quad = tuple[float, float, float, float]
ToDisplayed = Callable[[Quad], Quad]


def _render_gray(page: Any, dpi: int) -> np.ndarray[Any, np.dtype[np.uint8]]:
    pix = page.get_pixmap(dpi=dpi, colorspace="gray", alpha=False)
    rows = np.frombuffer(pix.samples_mv, dtype=np.uint8).reshape(pix.height, pix.stride)
    return rows[:, : pix.width].copy()  # a copy: the pixmap frees its samples


def _to_displayed(prepared: PreparedPage, rendered: tuple[int, int], dpi: int) -> ToDisplayed:
    """Upright points -> points on the page as displayed (undo deskew, then rotation)."""
    height, width = prepared.display.shape[:2]
    undo_skew = cv2.invertAffineTransform(
        cv2.getRotationMatrix2D((width / 2.0, height / 2.0), -prepared.skew, 1.0))
    rendered_w, rendered_h = rendered
    scale = dpi / 72

    def unrotate(x: float, y: float) -> tuple[float, float]:
        turn = prepared.rotation % 360
        if turn == 90:
            return y, width - x
        if turn == 180:
            return rendered_w - x, rendered_h - y
        if turn == 270:
            return height - y, x
        return x, y

    def convert(box: Quad) -> Quad:
        x0, y0, x1, y1 = (value * scale for value in box)
        points = []
        for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
            sx = undo_skew[0, 0] * x + undo_skew[0, 1] * y + undo_skew[0, 2]
            sy = undo_skew[1, 0] * x + undo_skew[1, 1] * y + undo_skew[1, 2]
            points.append(unrotate(float(sx), float(sy)))
        xs, ys = [p[0] / scale for p in points], [p[1] / scale for p in points]
        return min(xs), min(ys), max(xs), max(ys)

    return convert


def ocr_words(page: Any, *, source: str) -> tuple[list[WordBox], tuple[float, float],
                                                   ToDisplayed]:
    """OCR a PyMuPDF page: its words in points on the upright page (origin top left), the
    upright page's (width, height) in points, and the map back to the displayed page.

    Raises :class:`~signing.errors.SigningInputError` when the page cannot be read; the
    OCR package's :class:`~ocr.errors.OcrUnavailableError` passes through when Tesseract
    cannot run.
    """
    limits = OcrLimits()
    image = _render_gray(page, OCR_DPI)
    try:
        pixels = PageImage(index=int(page.number or 0), image=image, dpi=float(OCR_DPI))
        prepared = prepare_page(pixels, limits)
        result = recognise_page(prepared, OCR_LANG, limits)
        if result.mean_confidence < DOUBTFUL_CONFIDENCE:
            # a sparse last page can fool the up/down decision (as in ocr.pipeline):
            # read it the other way up too and keep the surer reading
            turned = prepare_page(pixels, limits,
                                  turn=((prepared.rotation + 180) % 360, prepared.skew))
            other = recognise_page(turned, OCR_LANG, limits)
            if other.mean_confidence > result.mean_confidence + 10:
                prepared, result = turned, other
    except OcrInputError as error:
        raise SigningInputError(f"the last page cannot be read: {error.message}",
                                subject=source) from error
    scale = 72 / OCR_DPI
    words = [WordBox(w.text, w.left * scale, w.top * scale, (w.left + w.width) * scale,
                     (w.top + w.height) * scale)
             for w in result.words if w.confidence >= MIN_CONFIDENCE]
    size = (result.width * scale, result.height * scale)
    return words, size, _to_displayed(prepared, (image.shape[1], image.shape[0]), OCR_DPI)
