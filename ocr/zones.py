"""Zonal OCR: one line of a page read again on its own.

Full-page recognition with ``vie+eng`` sometimes drops the diacritics of bold capitals and
names ("CHANH VAN PHONG", "Hoang Tùng"); the same line cropped and read alone as a single
text line in Vietnamese usually gets them right. Field extraction asks for this on the few
lines that hold field values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np

from ocr.errors import OcrInputError, OcrUnavailableError
from ocr.handwritten_digits import DigitReading, read_glyphs
from ocr.model import Image, Word
from ocr.mupdf import PdfReader
from ocr.tesseract import recognise

SINGLE_LINE_PSM = 7
PADDING = 0.5
"""Padding around the line's box, in line heights (accents reach above the box)."""
BLOCK_PSM = 6
"""Tesseract's page segmentation for a region read as one block of text (a uniform block:
the signer column, whose lines the full page's layout analysis lost under a seal)."""
DIGIT_VARIANTS = ((40, 7), (40, 8), (64, 7), (64, 8))
"""(ink height in pixels, Tesseract page segmentation) of each digit-only reading."""


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

    def words(self, page: int, box: tuple[int, int, int, int]) -> list[Word]:
        """The words of the line at ``box`` on ``page`` read alone, with their boxes in the
        page's pixels (empty when the page has a text layer or nothing is recognised)."""
        crop, left, top = self._crop(page, box, pad_x=2.0, pad_y=PADDING)
        if crop is None:
            return []
        try:
            words = recognise(crop, lang=self._lang, psm=SINGLE_LINE_PSM, timeout=self._timeout)
        except (OcrInputError, OcrUnavailableError):
            return []
        return [replace(word, left=word.left + left, top=word.top + top) for word in words]

    def block(self, page: int, box: tuple[int, int, int, int], *, psm: int = BLOCK_PSM,
              blank: Sequence[tuple[int, int, int, int]] = (), dark: bool = False,
              ) -> list[Word]:
        """The words of the region ``box`` on ``page`` read as one block of text (see
        :func:`read_block`); empty when the page has a text layer or nothing is read."""
        try:
            image = self._image(page)
        except (OcrInputError, IndexError):
            return []
        if image is None:
            return []
        return read_block(image, box, psm=psm, blank=blank, dark=dark, lang=self._lang,
                          timeout=self._timeout)

    def digits(self, page: int, box: tuple[int, int, int, int]) -> tuple[list[str], int]:
        """What is written in ``box`` on ``page`` (a handwritten number or day in a printed
        blank) read as digits only, once per variant of :data:`DIGIT_VARIANTS`: the ink
        taller than half the box (no colon, specks or rules), with room above and below
        for strokes that leave the line, cut out tight, enlarged and read as digits only.
        The caller compares the readings; with them, how many glyphs the ink holds (strokes
        overlapping side by side are one glyph). Nothing when the box holds no such ink."""
        crop, _, _ = self._crop(page, box, pad_x=0.0, pad_y=0.45)
        if crop is None:
            return [], 0
        found = _tight_ink(crop, min_height=0.45 * (box[3] - box[1]))
        if found is None:
            return [], 0
        ink, glyphs = found
        readings = []
        for height, psm in DIGIT_VARIANTS:
            scale = height / ink.shape[0]
            image = cv2.resize(ink, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
            image = cv2.copyMakeBorder(image, 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=255)
            try:
                words = recognise(np.asarray(image, dtype=np.uint8), lang="eng", psm=psm,
                                  timeout=self._timeout, whitelist="0123456789")
            except (OcrInputError, OcrUnavailableError):
                return [], 0
            readings.append("".join(word.text for word in words))
        return readings, glyphs

    def glyphs(self, page: int, box: tuple[int, int, int, int]) -> DigitReading | None:
        """What is written in ``box`` on ``page`` read glyph by glyph by the handwritten
        digit model (:mod:`ocr.handwritten_digits`); None when the page has a text layer."""
        crop, _, _ = self._crop(page, box, pad_x=0.0, pad_y=0.45)
        if crop is None:
            return None
        return read_glyphs(crop, box[3] - box[1])

    def _crop(self, page: int, box: tuple[int, int, int, int], *, pad_x: float,
              pad_y: float) -> tuple[Image | None, int, int]:
        """The page's pixels in ``box`` padded by ``pad_x``/``pad_y`` box heights, and the
        crop's top left on the page; None when the page has a text layer."""
        try:
            image = self._image(page)
        except (OcrInputError, IndexError):
            return None, 0, 0
        if image is None:
            return None, 0, 0
        left, top, right, bottom = box
        height = max(bottom - top, 1)
        x0, y0 = max(0, left - round(pad_x * height)), max(0, top - round(pad_y * height))
        crop = image[y0: bottom + round(pad_y * height), x0: right + round(pad_x * height)]
        return (crop if crop.size else None), x0, y0


def read_block(image: Image, box: tuple[int, int, int, int], *, psm: int = BLOCK_PSM,
               blank: Sequence[tuple[int, int, int, int]] = (), dark: bool = False,
               lang: str = "vie", timeout: float = 30.0) -> list[Word]:
    """The words of the region ``box`` (left, top, right, bottom) of a page ``image`` read
    as one block of text (Tesseract page segmentation ``psm``: 6, a uniform block; 4, a
    column of lines), with their boxes in the page's pixels and each word's ``line``
    numbering the block's lines. The ``blank`` boxes (page pixels) are whitened first:
    text around the region that is already read and would join the region's lines. The
    full page's layout analysis drops the lines a seal lies over (it takes them for a
    picture); read as one block, their text is found. With ``dark``, only the crop's
    darkest strokes are kept (:func:`dark_strokes`: a grey seal's ring and emblem go, the
    black print over it stays). Empty when nothing is read."""
    height, width = image.shape[:2]
    left, top = max(0, box[0]), max(0, box[1])
    right, bottom = min(width, box[2]), min(height, box[3])
    if right - left < 8 or bottom - top < 8:
        return []
    crop = np.array(image[top:bottom, left:right], dtype=np.uint8)
    for x0, y0, x1, y1 in blank:
        x0, x1 = max(x0 - left, 0), min(x1 - left, crop.shape[1])
        y0, y1 = max(y0 - top, 0), min(y1 - top, crop.shape[0])
        if x1 > x0 and y1 > y0:
            crop[y0:y1, x0:x1] = 255
    if dark:
        crop = dark_strokes(crop)
    try:
        words = recognise(crop, lang=lang, psm=psm, timeout=timeout)
    except (OcrInputError, OcrUnavailableError):
        return []
    return [replace(word, left=word.left + left, top=word.top + top) for word in words]


DARK_SHARE = 0.4
"""A pixel is a dark stroke when it is darker than this share of the way from the ink's
level (the crop's 1st percentile) to the paper's (its median)."""


def dark_strokes(crop: Image) -> Image:
    """``crop`` (gray) with only its darkest strokes kept, the rest white: black print
    and a black signature stay, a grey seal (a red one turned gray) and the paper's
    shading go. A bilevel crop comes back as it is."""
    ink, paper = np.percentile(crop, 1), np.median(crop)
    if paper - ink < 40:
        return crop  # no contrast to separate
    threshold = ink + DARK_SHARE * (paper - ink)
    return np.where(crop <= threshold, crop, 255).astype(np.uint8)


def _tight_ink(crop: Image, min_height: float) -> tuple[Image, int] | None:
    """The crop's dark strokes at least ``min_height`` pixels tall and not much wider than
    tall (a rule), on white, cut to their bounding box, and how many glyphs they make
    (strokes overlapping side by side count once); None when there are none."""
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8),
                                                                connectivity=8)
    keep = [index for index in range(1, count)
            if stats[index, 3] >= min_height and stats[index, 2] <= 3 * stats[index, 3]]
    if not keep:
        return None
    widths = sorted(int(stats[index, 2]) for index in keep)
    last = max(keep, key=lambda index: int(stats[index, 0] + stats[index, 2]))
    if len(keep) > 1 and stats[last, 0] + stats[last, 2] >= crop.shape[1] - 1 and (
            stats[last, 2] < 0.75 * widths[len(widths) // 2]):
        # a sliver cut at the box's right end is the printed glyph after the blank (the
        # symbol's "/" the box stops at, read as a "1" or "7"), not a glyph of the blank
        keep.remove(last)
    x0 = min(int(stats[index, 0]) for index in keep)
    y0 = min(int(stats[index, 1]) for index in keep)
    x1 = max(int(stats[index, 0] + stats[index, 2]) for index in keep)
    y1 = max(int(stats[index, 1] + stats[index, 3]) for index in keep)
    shown = np.where(np.isin(labels, keep), crop, 255).astype(np.uint8)
    spans = sorted((int(stats[index, 0]), int(stats[index, 0] + stats[index, 2]))
                   for index in keep)
    glyphs, reach = 0, -1
    for start, end in spans:
        if start >= reach - 1:
            glyphs += 1
        reach = max(reach, end)
    return np.asarray(shown[y0:y1, x0:x1], dtype=np.uint8), glyphs
