"""What a born-digital PDF's text layer says beyond the words: each line's font weight and
size, and the short rules drawn under lines (Decree 30 puts one under the agency's name and
one under the summary). The title and summary are bold and centred, the body regular: these
settle where the summary ends better than spacing alone.

Only pages whose words came from the text layer are annotated; OCR'd pages keep
``bold=None`` and are read from their geometry alone.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pymupdf as _pymupdf

from ingest.classify.lines import Line, ReadDocument

pymupdf: Any = _pymupdf  # its annotations are partial: used as untyped, as ocr/mupdf does

BOLD_FLAG = 16
"""PyMuPDF's span flag for a bold font."""

RULE_MAX_WIDTH = 0.6
"""A drawn horizontal line narrower than this share of the page is a rule, not a frame."""


@dataclass(frozen=True)
class _Span:
    left: float
    top: float
    right: float
    bottom: float
    size: float
    bold: bool
    chars: int


def _is_bold(span: dict[str, Any]) -> bool:
    font = str(span.get("font", ""))
    return bool(int(span.get("flags", 0)) & BOLD_FLAG) or any(
        mark in font for mark in ("Bold", "bold", "Black", "Heavy", "Semibold"))


def _spans(page: Any) -> list[_Span]:
    spans: list[_Span] = []
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", ()):
            for span in line.get("spans", ()):
                chars = sum(1 for char in span.get("text", "") if char.isalnum())
                if chars:
                    x0, y0, x1, y1 = span["bbox"]
                    spans.append(_Span(x0, y0, x1, y1, float(span["size"]), _is_bold(span),
                                       chars))
    return spans


def _rules(page: Any) -> list[tuple[float, float, float]]:
    """Short horizontal lines drawn on the page: (x0, x1, y)."""
    width = float(page.rect.width)
    found = []
    for drawing in page.get_drawings():
        for item in drawing.get("items", ()):
            if item[0] == "l":
                start, end = item[1], item[2]
                if abs(start.y - end.y) <= 1.0 and 5 < abs(end.x - start.x) < (
                        RULE_MAX_WIDTH * width):
                    found.append((min(start.x, end.x), max(start.x, end.x), float(start.y)))
            elif item[0] == "re":
                rect = item[1]
                if rect.height <= 1.5 and 5 < rect.width < RULE_MAX_WIDTH * width:
                    found.append((float(rect.x0), float(rect.x1), float(rect.y1)))
    return found


def _styled(line: Line, spans: list[_Span], rules: list[tuple[float, float, float]]) -> Line:
    inside = [span for span in spans
              if line.left - 2 <= (span.left + span.right) / 2 <= line.right + 2
              and line.top - 2 <= (span.top + span.bottom) / 2 <= line.bottom + 2]
    if not inside:
        return line
    chars = sum(span.chars for span in inside)
    bold = sum(span.chars for span in inside if span.bold) >= 0.6 * chars
    size = statistics.median(span.size for span in inside for _ in range(span.chars))
    rule = any(x0 - 2 <= line.centre <= x1 + 2
               and line.bottom - 1 <= y <= line.bottom + 0.8 * size
               for x0, x1, y in rules)
    return replace(line, bold=bold, size=float(size), rule_below=rule)


def add_styles(document: ReadDocument, pdf: Path, pages: Collection[int]) -> ReadDocument:
    """``document`` with the lines of ``pages`` (0-based; the pages read from the text
    layer of ``pdf``) carrying their font weight, size and rules; other pages unchanged."""
    if not pages:
        return document
    styled = ReadDocument(pages=[list(page) for page in document.pages],
                          page_widths=list(document.page_widths),
                          page_heights=list(document.page_heights))
    with pymupdf.open(pdf) as pdf_document:
        for index in sorted(pages):
            if not 0 <= index < min(len(styled.pages), pdf_document.page_count):
                continue
            page = pdf_document[index]
            if page.rotation:
                continue  # the words were turned upright; the spans were not
            spans, rules = _spans(page), _rules(page)
            styled.pages[index] = [_styled(line, spans, rules) for line in styled.pages[index]]
    return styled
