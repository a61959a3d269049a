"""Documents as lines with geometry: what classification and field extraction read.

Lines come from OCR (words with boxes, grouped by the reading-order line number OCR gave
them), from a stored words JSON, or from plain text (no geometry: the extractor then leans
on the words alone). Coordinates are in points (1/72 inch) from the page's top left, so
distances mean the same at any scan resolution.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ingest.classify.text import squash

if TYPE_CHECKING:
    from ingest.classify.stamps import Arrival, ESignature

POINTS_PER_INCH = 72.0


@dataclass(frozen=True)
class Line:
    """One line (or one column's part of a line) of a page, in reading order."""

    text: str
    page: int  # 0-based
    left: float = 0.0
    top: float = 0.0
    right: float = 0.0
    bottom: float = 0.0
    height: float = 0.0  # median word height; 0 when there is no geometry
    confidence: float = 100.0  # mean OCR word confidence, 0..100
    pixel_box: tuple[int, int, int, int] | None = None  # (left, top, right, bottom) in pixels
    bold: bool | None = None  # from a text layer's fonts; None when unknown (OCR, plain text)
    size: float = 0.0  # font size in points from a text layer; 0 when unknown
    rule_below: bool = False  # a short drawn rule right under the line (text layer only)

    @property
    def has_geometry(self) -> bool:
        """Whether the line has a position on its page."""
        return self.height > 0

    @property
    def centre(self) -> float:
        """Horizontal centre in points."""
        return (self.left + self.right) / 2.0


@dataclass
class ReadDocument:
    """A document's pages as lines, and each page's width in points; the e-signature and
    arrival stamps taken out of the lines (:mod:`ingest.classify.stamps`) beside them."""

    pages: list[list[Line]] = field(default_factory=list)
    page_widths: list[float] = field(default_factory=list)
    page_heights: list[float] = field(default_factory=list)
    e_signatures: list[ESignature] = field(default_factory=list)
    arrivals: list[Arrival] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        """Every line of every page in reading order."""
        return [line for page in self.pages for line in page]

    @property
    def text(self) -> str:
        """The text in reading order, one line per line, pages separated by form feeds."""
        return "\f".join("\n".join(line.text for line in page) for page in self.pages)

    @property
    def has_geometry(self) -> bool:
        """Whether the lines carry positions (OCR or a text layer, not plain text)."""
        return any(line.has_geometry for line in self.lines)


@dataclass(frozen=True)
class _WordBox:
    text: str
    left: float
    top: float
    width: float
    height: float
    confidence: float
    line: int


def _line_from_words(words: Sequence[_WordBox], page: int, scale: float) -> Line:
    words = sorted(words, key=lambda word: word.left)
    left = min(word.left for word in words)
    top = min(word.top for word in words)
    right = max(word.left + word.width for word in words)
    bottom = max(word.top + word.height for word in words)
    return Line(
        text=squash(" ".join(word.text for word in words)), page=page,
        left=left * scale, top=top * scale, right=right * scale, bottom=bottom * scale,
        height=statistics.median(word.height for word in words) * scale,
        confidence=statistics.fmean(word.confidence for word in words),
        pixel_box=(round(left), round(top), round(right), round(bottom)))


def _page_lines(words: Iterable[_WordBox], page: int, dpi: float) -> list[Line]:
    scale = POINTS_PER_INCH / dpi
    by_line: dict[int, list[_WordBox]] = {}
    for word in words:
        if word.text.strip():
            by_line.setdefault(word.line, []).append(word)
    groups: list[list[_WordBox]] = []
    for number in sorted(by_line):
        words = sorted(by_line[number], key=lambda word: word.left)
        if groups and _same_row(groups[-1], words):
            groups[-1].extend(words)  # one printed line OCR cut in two (a wide space)
        else:
            groups.append(words)
    return [_line_from_words(words, page, scale) for words in groups]


def _same_row(before: list[_WordBox], after: list[_WordBox]) -> bool:
    """Whether ``after`` continues ``before`` on the same printed line, a little to the
    right (a gap under three word heights): not the other column of a header row."""
    top = max(min(w.top for w in before), min(w.top for w in after))
    bottom = min(max(w.top + w.height for w in before), max(w.top + w.height for w in after))
    height = min(statistics.median(w.height for w in before),
                 statistics.median(w.height for w in after))
    gap = min(w.left for w in after) - max(w.left + w.width for w in before)
    return bottom - top >= 0.6 * height and 0 <= gap <= 3 * height


def _word_box(word: Mapping[str, Any]) -> _WordBox:
    left, top, width, height = (float(value) for value in word["box"])
    return _WordBox(str(word["text"]), left, top, width, height,
                    float(word.get("confidence", 100.0)), int(word.get("line", 0)))


def read_words_json(data: Mapping[str, Any]) -> ReadDocument:
    """Lines from OCR's words JSON (``OcrOutcome.words_json()``, stored as ``words.json``)."""
    document = ReadDocument()
    for number, page in enumerate(data.get("pages", [])):
        dpi = float(page.get("dpi") or 300.0)
        words = [_word_box(word) for word in page.get("words", [])]
        document.pages.append(_page_lines(words, number, dpi))
        document.page_widths.append(float(page.get("width", 0)) * POINTS_PER_INCH / dpi)
        document.page_heights.append(float(page.get("height", 0)) * POINTS_PER_INCH / dpi)
    return document


def read_text(text: str) -> ReadDocument:
    """Lines from plain text (form feeds separate pages); they have no geometry."""
    document = ReadDocument()
    for number, page in enumerate(text.split("\f")):
        lines = [Line(text=squash(raw), page=number) for raw in page.splitlines()]
        document.pages.append([line for line in lines if line.text])
        document.page_widths.append(0.0)
        document.page_heights.append(0.0)
    return document
