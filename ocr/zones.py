"""Zonal OCR: one line of a page read again on its own.

Full-page recognition with ``vie+eng`` sometimes drops the diacritics of bold capitals and
names ("CHANH VAN PHONG", "Hoang Tùng"); the same line cropped and read alone as a single
text line in Vietnamese usually gets them right. Field extraction asks for this on the few
lines that hold field values.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import cv2
import numpy as np

from ocr.errors import OcrInputError, OcrUnavailableError
from ocr.model import Image
from ocr.mupdf import PdfReader
from ocr.tesseract import recognise

SINGLE_LINE_PSM = 7
PADDING = 0.5
"""Padding around the line's box, in line heights (accents reach above the box)."""


class LineReader:
    """Reads lines of a searchable PDF written by :func:`ocr.pipeline.ocr_file` again.

    Boxes are in pixels of the page image as OCR saw it (``words.json`` boxes). Pages with
    a real text layer are not read again (their text is exact). A context manager.
    """

    def __init__(self, pdf: Path, lang: str = "vie", timeout: float = 30.0) -> None:
        self._reader = PdfReader(pdf)
        self._lang = lang
        self._timeout = timeout
        self._page_index = -1
        self._page: Image | None = None

    def __enter__(self) -> LineReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Release the PDF."""
        self._page = None
        self._reader.close()

    def _image(self, index: int) -> Image | None:
        if index != self._page_index:
            info = self._reader.page_info(index)
            self._page_index = index
            self._page = None if info.has_text else self._gray(index)
        return self._page

    def _gray(self, index: int) -> Image:
        image = self._reader.render(index).image
        if image.ndim == 2:
            return image
        return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)

    def read(self, page: int, box: tuple[int, int, int, int]) -> str | None:
        """The text of the line at ``box`` (left, top, right, bottom) on ``page`` (0-based),
        read alone; None when the page has a text layer or nothing is recognised."""
        try:
            image = self._image(page)
        except (OcrInputError, IndexError):
            return None
        if image is None:
            return None
        left, top, right, bottom = box
        pad = max(4, round(PADDING * (bottom - top)))
        crop = image[max(0, top - pad): bottom + pad, max(0, left - 2 * pad): right + 2 * pad]
        if crop.size == 0:
            return None
        try:
            words = recognise(crop, lang=self._lang, psm=SINGLE_LINE_PSM, timeout=self._timeout)
        except (OcrInputError, OcrUnavailableError):
            return None
        text = " ".join(word.text for word in words)
        return text or None
