"""The signer block of a Decree 30 document: where on its last page the leader signs.

Words come from the page's text layer when it has one, otherwise from OCR of the rendered
page (through the project's :mod:`ocr` package); the block is then found by
:func:`signing.appearance.lines.locate_block` and returned in PDF user space.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pymupdf as _pymupdf

from signing.appearance.geometry import Box
from signing.appearance.lines import Line, WordBox, group_lines, locate_block
from signing.appearance.scanned import ocr_words
from signing.errors import SignerBlockNotFoundError, SigningInputError

pymupdf: Any = _pymupdf  # its annotations are partial: use it as untyped (as ocr/mupdf does)

MIN_TEXT_CHARS = 50
"""A last page whose text layer has fewer visible characters than this is read by OCR."""

ToPdf = Callable[[tuple[float, float, float, float]], Box]
"""Turns an upright top-left box (points) into a box in PDF user space."""


@dataclass(frozen=True)
class SignerBlock:
    """Where the signer block of a document is, in PDF user space (points, origin bottom
    left): the position line (e.g. "PHÓ CHỦ TỊCH") above the signature space and the
    signer's name line (e.g. "Lê Văn Miều") below it."""

    page_index: int  # 0-based: the last page
    position: Box
    name: Box
    page: Box  # the page's crop box
    position_text: str
    name_text: str
    read_by: Literal["text-layer", "ocr"]

    @property
    def page_width(self) -> float:
        """Width of the page in points."""
        return self.page.width

    @property
    def page_height(self) -> float:
        """Height of the page in points."""
        return self.page.height

    @property
    def centre_x(self) -> float:
        """The column's centre: the mean of the position line's and the name line's centres."""
        return (self.position.centre[0] + self.name.centre[0]) / 2

    @property
    def gap(self) -> Box:
        """The signature space: from the bottom of the position line down to the top of the
        name line, as wide as the wider of the two lines."""
        half = max(self.position.width, self.name.width) / 2
        return Box(self.centre_x - half, self.name.y1, self.centre_x + half, self.position.y0)


def _page_to_pdf(page: Any) -> ToPdf:
    """Displayed-page (rotation applied) top-left points to PDF user space."""
    matrix = page.derotation_matrix * ~page.transformation_matrix

    def convert(box: tuple[float, float, float, float]) -> Box:
        rect = pymupdf.Rect(*box) * matrix
        return Box(float(rect.x0), float(rect.y0), float(rect.x1), float(rect.y1))

    return convert


def _rotate(box: tuple[float, float, float, float],
            matrix: tuple[float, float, float, float, float, float]
            ) -> tuple[float, float, float, float]:
    """The rectangle holding ``box`` transformed by ``matrix`` (PyMuPDF's ``Rect * Matrix``
    for the right-angle rotations of a page, without a PyMuPDF object per word)."""
    a, b, c, d, e, f = matrix
    x0, y0, x1, y1 = box
    xs = (x0 * a + y0 * c + e, x1 * a + y0 * c + e, x0 * a + y1 * c + e, x1 * a + y1 * c + e)
    ys = (x0 * b + y0 * d + f, x1 * b + y0 * d + f, x0 * b + y1 * d + f, x1 * b + y1 * d + f)
    return min(xs), min(ys), max(xs), max(ys)


def _text_layer_words(page: Any) -> list[WordBox]:
    # the page's rotation matrix once: PyMuPDF recomputes it from the page object on every
    # access, and a Rect times a Matrix makes three objects; for a page of 350 words that
    # took longer than reading the text
    a, b, c, d, e, f = (float(value) for value in page.rotation_matrix)
    words: list[WordBox] = []
    for x0, y0, x1, y1, text, *_ in page.get_text("words"):
        left, top, right, bottom = _rotate((x0, y0, x1, y1), (a, b, c, d, e, f))
        words.append(WordBox(unicodedata.normalize("NFC", text), left, top, right, bottom))
    return words


def _visible_chars(words: list[WordBox]) -> int:
    return sum(sum(1 for ch in word.text if not ch.isspace()) for word in words)


def _block(index: int, page: Any, found: tuple[Line, Line], to_pdf: ToPdf,
           read_by: Literal["text-layer", "ocr"]) -> SignerBlock:
    position, name = found
    crop = page.cropbox
    return SignerBlock(
        page_index=index,
        position=to_pdf((position.x0, position.top, position.x1, position.bottom)),
        name=to_pdf((name.x0, name.top, name.x1, name.bottom)),
        page=Box(float(crop.x0), float(crop.y0), float(crop.x1), float(crop.y1)),
        position_text=position.text, name_text=name.text, read_by=read_by)


def find_signer_block(document: _pymupdf.Document, *, source: str = "document") -> SignerBlock:
    """The signer block on the last page of ``document`` (see :class:`SignerBlock`).

    The page's text layer is used when it has text; a scanned page is OCR'd (a few seconds).
    Raises :class:`~signing.errors.SignerBlockNotFoundError` naming ``source`` when the
    last page has no signer block, :class:`~signing.errors.SigningInputError` when the
    document has no pages.
    """
    doc: Any = document
    if doc.page_count < 1:
        raise SigningInputError("the document has no pages", subject=source)
    index = doc.page_count - 1
    page = doc[index]
    width = float(page.rect.width)
    words = _text_layer_words(page)
    read_by: Literal["text-layer", "ocr"] = "text-layer"
    to_pdf = _page_to_pdf(page)
    if _visible_chars(words) < MIN_TEXT_CHARS:
        words, (width, _), to_displayed = ocr_words(page, source=source)
        read_by = "ocr"
        to_pdf = _compose(to_displayed, _page_to_pdf(page))
    found = locate_block(group_lines(words), width)
    if found is None:
        raise SignerBlockNotFoundError(
            f"no signer block (position line, space, name) on the last page ({index + 1})",
            subject=source)
    return _block(index, page, found, to_pdf, read_by)


def _compose(first: Callable[[tuple[float, float, float, float]],
                             tuple[float, float, float, float]],
             then: ToPdf) -> ToPdf:
    return lambda box: then(first(box))
