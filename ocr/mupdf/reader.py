"""Reading input PDFs: page facts, rendering, and the words of pages that have text.

Pixel limits are checked from the image dictionaries (``get_images``) and the page size
*before* anything is decoded; a page over the limit is refused (not rendered smaller), so
results never silently degrade and a memory bomb is never decoded.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pymupdf as _pymupdf

from ocr.errors import OcrInputError
from ocr.images import (
    DEFAULT_DPI,
    DamagedFileError,
    EncryptedFileError,
    UnsupportedFormatError,
    check_pixels,
)
from ocr.model import Image, OcrLimits, PageImage, PageResult, Word

pymupdf: Any = _pymupdf  # its annotations are partial: use it as untyped
MUPDF_ERRORS: tuple[type[Exception], ...] = (RuntimeError, ValueError,
                                            _pymupdf.mupdf.FzErrorBase)
"""What PyMuPDF raises for bad data (its ``FzError*`` classes are not RuntimeErrors)."""
_OPEN_ERRORS: tuple[type[Exception], ...] = (*MUPDF_ERRORS, OSError)
pymupdf.TOOLS.mupdf_display_errors(False)  # no printing: its messages go in our errors
pymupdf.TOOLS.mupdf_display_warnings(False)

MIN_SCAN_TEXT_CHARS = 200
"""Visible characters a page mostly covered by an image needs to count as a text page (a
few visible words over a scan are stamps, page numbers or scanner-app watermarks)."""
MIN_SCAN_TEXT_SPREAD = 0.25
"""Share of the page's height the visible text of a page mostly covered by an image must
span to count as a text page: the e-signature stamps of scanned electronic copies carry
200+ characters ("Ký bởi: ... Cơ quan: ... Thời gian ký: ...", two stamps side by side) in
one compact block at the top, and the scan under them still needs OCR."""
_SCAN_COVERAGE = 0.5  # an image covering this share of the page makes it a scan
_MIN_RENDER_DPI = 50.0
_DAMAGE_MARKERS = ("truncated", "premature end", "cannot load", "not a stream", "no image dict",
                   "syntax error", "could not parse")


@dataclass(frozen=True)
class PdfPageInfo:
    """What a PDF page holds, learnt without decoding any image."""

    index: int  # 0-based
    width_pt: float  # as displayed (page rotation applied)
    height_pt: float
    text_chars: int  # visible, non-whitespace characters of its text layer
    has_text: bool  # real text: copy the page, do not OCR it
    dpi: float  # the resolution it renders at: its scan's own, capped at max_render_dpi
    dpi_xy: tuple[float, float]  # per axis, so a scan renders on its own pixel grid
    bilevel: bool  # its main image is 1 bit per pixel (CCITT, JBIG2, ...)
    gray: bool  # its main image has one channel (rendered gray, not BGR)


def _reason(error: BaseException) -> str:
    """MuPDF's own complaint (its recent warnings), else the exception text."""
    lines = [ln for ln in pymupdf.TOOLS.mupdf_warnings().splitlines() if "error" in ln]
    return "; ".join(lines[-2:]) or str(error) or type(error).__name__


def open_pdf(path: Path) -> Any:
    """Open ``path`` as a PDF (whatever its name), or raise a typed OcrInputError."""
    subject = path.name
    pymupdf.TOOLS.reset_mupdf_warnings()
    try:
        doc = pymupdf.open(str(path), filetype="pdf")
    except pymupdf.EmptyFileError as error:
        raise DamagedFileError("empty file (0 bytes)", subject=subject) from error
    except _OPEN_ERRORS as error:
        if not path.is_file():
            raise OcrInputError("no such file", subject=subject) from error
        raise DamagedFileError(f"damaged PDF: cannot be opened ({_reason(error)})",
                               subject=subject) from error
    try:
        if not doc.is_pdf:
            raise UnsupportedFormatError("not a PDF", subject=subject)
        if doc.needs_pass:
            raise EncryptedFileError("encrypted PDF: it needs a password to be opened",
                                     subject=subject)
        if doc.xref_get_key(doc.pdf_catalog(), "NeedsRendering")[1] == "true":
            raise UnsupportedFormatError(
                "dynamic XFA form: its pages are drawn by an XFA viewer and are not stored in "
                "the PDF; print it to a PDF first", subject=subject)
        if doc.page_count < 1:
            raise DamagedFileError("PDF has no pages", subject=subject)
    except BaseException:
        doc.close()
        raise
    return doc


class PdfReader:
    """An open input PDF (a context manager). Pages are read one at a time."""

    def __init__(self, path: Path | str, limits: OcrLimits | None = None) -> None:
        """Open ``path``; refuses non-PDFs, damaged, encrypted, dynamic-XFA and empty PDFs."""
        self.path = Path(path)
        self.limits = limits or OcrLimits()
        self._subject = self.path.name
        self._doc = open_pdf(self.path)

    @property
    def page_count(self) -> int:
        """Number of pages (at least 1)."""
        return int(self._doc.page_count)

    def __enter__(self) -> PdfReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Release the document."""
        self._doc.close()

    @contextmanager
    def _guard(self, index: int, action: str) -> Iterator[None]:
        """Turn MuPDF failures, and warnings that mean lost content, into DamagedFileError."""
        pymupdf.TOOLS.reset_mupdf_warnings()
        what = f"damaged PDF: page {index + 1} cannot be {action}"
        try:
            yield
        except MUPDF_ERRORS as error:
            raise DamagedFileError(f"{what} ({_reason(error)})", subject=self._subject) from error
        warnings = pymupdf.TOOLS.mupdf_warnings().splitlines()
        damage = [w for w in warnings if any(m in w for m in _DAMAGE_MARKERS)]
        if damage:
            raise DamagedFileError(f"{what} completely ({damage[0]})", subject=self._subject)

    def _page(self, index: int) -> Any:
        if not 0 <= index < self.page_count:
            raise IndexError(f"{self._subject} has no page {index} (0-based)")
        return self._doc[index]

    def page_info(self, index: int) -> PdfPageInfo:
        """Describe page ``index`` (0-based). Raises PageTooLargeError if an image on it has
        more pixels than the limit: such images are never decoded."""
        page = self._page(index)
        with self._guard(index, "read"):
            for item in page.get_images(full=True):
                check_pixels(item[2], item[3], self.limits, subject=self._subject,
                             what=f"page {index + 1} holds an image that")
            images = page.get_image_info()
            chars, spread = _visible_text(page)
        rect = page.rect
        main = max(images, key=lambda i: i["width"] * i["height"], default=None)
        xy, coverage, bilevel, gray = (DEFAULT_DPI, DEFAULT_DPI), 0.0, False, False
        if main is not None:
            a, b, c, d = main["transform"][:4]
            inches = (math.hypot(a, b) / 72, math.hypot(c, d) / 72)
            coverage = inches[0] * inches[1] * 72 * 72 / max(rect.width * rect.height, 1e-6)
            bilevel, gray = main["bpc"] == 1, main["bpc"] == 1 or main["colorspace"] == 1
            if coverage >= _SCAN_COVERAGE and min(inches) > 0:
                xy = (main["width"] / inches[0], main["height"] / inches[1])
                xy = xy[::-1] if page.rotation % 180 else xy
        if abs(xy[0] - xy[1]) > 0.01 * max(xy):  # not square (fax): keep the finer one
            xy = (max(xy), max(xy))
        cap = float(self.limits.max_render_dpi)
        x, y = (min(max(value, _MIN_RENDER_DPI), cap) for value in xy)
        dpi = (x + y) / 2
        dpi = float(round(dpi)) if abs(dpi - round(dpi)) < 0.05 else round(dpi, 2)
        scan = coverage >= _SCAN_COVERAGE
        has_text = (chars >= MIN_SCAN_TEXT_CHARS
                    and spread >= MIN_SCAN_TEXT_SPREAD * rect.height) if scan else chars > 0
        return PdfPageInfo(index, rect.width, rect.height, chars, has_text, dpi, (x, y),
                           bilevel, gray)

    def render(self, index: int) -> PageImage:
        """Page ``index`` as pixels at its scan's resolution (see :meth:`page_info`): gray
        (0/255 when bilevel) or BGR. Refused with PageTooLargeError above the pixel limit."""
        info = self.page_info(index)
        page = self._doc[index]
        zoom_x, zoom_y = info.dpi_xy[0] / 72, info.dpi_xy[1] / 72
        width, height = math.ceil(info.width_pt * zoom_x), math.ceil(info.height_pt * zoom_y)
        check_pixels(width, height, self.limits, subject=self._subject,
                     what=f"page {index + 1} at {info.dpi:g} dpi")
        colorspace = pymupdf.csGRAY if info.gray else pymupdf.csRGB
        with self._guard(index, "rendered"):
            pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom_x, zoom_y),
                                  colorspace=colorspace, alpha=False)
        samples = np.frombuffer(pix.samples_mv, dtype=np.uint8)
        rows = samples.reshape(pix.height, pix.stride)[:, : pix.width * pix.n]
        image: Image
        if pix.n == 1:
            image = rows.copy()
            if info.bilevel:
                image = np.where(image >= 128, 255, 0).astype(np.uint8)
        else:
            image = np.ascontiguousarray(rows.reshape(pix.height, pix.width, 3)[:, :, ::-1])
        del pix, samples, rows
        return PageImage(index=index, image=image, dpi=info.dpi, bilevel=info.bilevel)

    def text_page(self, index: int, dpi: float = DEFAULT_DPI) -> PageResult:
        """The words of a page that has real text, boxes in pixels at ``dpi`` of the page as
        displayed (rotation applied; 72 dpi gives PDF points). Confidence is 100; ``line``
        numbers follow the text layer's order, which is usually reading order."""
        page = self._page(index)
        with self._guard(index, "read"):
            raw = page.get_text("words")
        zoom, matrix = dpi / 72, page.rotation_matrix
        words: list[Word] = []
        lines: dict[tuple[int, int], int] = {}
        for x0, y0, x1, y1, text, block, line, _ in raw:
            box = pymupdf.Rect(x0, y0, x1, y1) * matrix
            number = lines.setdefault((block, line), len(lines))
            words.append(Word(
                text=unicodedata.normalize("NFC", text), left=round(box.x0 * zoom),
                top=round(box.y0 * zoom), width=max(1, round(box.width * zoom)),
                height=max(1, round(box.height * zoom)), confidence=100.0, block=block,
                line=number))
        text = "\n".join(" ".join(w.text for w in words if w.line == n) for n in lines.values())
        return PageResult(index=index, width=round(page.rect.width * zoom),
                          height=round(page.rect.height * zoom), dpi=dpi, rotation=0,
                          skew=0.0, mean_confidence=100.0, words=words, text=text,
                          source="text-layer")


def _visible_text(page: Any) -> tuple[int, float]:
    """Non-whitespace characters drawn visibly (not render mode 3, not fully transparent),
    and the height in points from the top of the first such span to the bottom of the last
    (unrotated page space)."""
    count, top, bottom = 0, float("inf"), float("-inf")
    for span in page.get_texttrace():
        if span["type"] != 3 and span["opacity"] > 0:
            visible = sum(1 for char in span["chars"] if not chr(char[0]).isspace())
            if visible:
                count += visible
                top, bottom = min(top, span["bbox"][1]), max(bottom, span["bbox"][3])
    return count, max(bottom - top, 0.0)




def text_layer_page(path: Path | str, index: int, dpi: float = DEFAULT_DPI) -> PageResult:
    """:meth:`PdfReader.text_page` for one page of the PDF at ``path``."""
    with PdfReader(path) as reader:
        return reader.text_page(index, dpi)
