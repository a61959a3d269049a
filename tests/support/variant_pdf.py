"""Born-digital PDFs of generated documents laid out unlike :mod:`tests.support.synthetic_pdf`
(the renderer the classifier was developed against): another font (DejaVu Serif
Condensed), other margins, sizes and spacing, look-alike characters a word processor puts
in a text layer (soft hyphens and other hyphens in the symbol, no-break spaces, zero-width
characters, en dashes in the motto) and, in some documents, the summary in capitals.

For tests and benchmarks only. The ground truth stays the generator's (fields compare
case-insensitively, so a summary printed in capitals is still right when read so).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymupdf as _pymupdf

from ingest.synthetic import Block, SyntheticDocument

pymupdf: Any = _pymupdf

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"regular": "DejaVuSerifCondensed.ttf", "bold": "DejaVuSerifCondensed-Bold.ttf",
              "italic": "DejaVuSerifCondensed-Italic.ttf",
              "bolditalic": "DejaVuSerifCondensed-BoldItalic.ttf"}
HYPHENS = ("\u00ad", "\u00ad", "\u2010", "\u2011", "\u2013", "\u2212", "-")
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\ufeff")


@dataclass(frozen=True)
class Variant:
    """How one document is set: margins, sizes, spacing and which quirks it carries."""

    left: float
    right: float
    top: float
    size: float
    leading: float
    summary_capitals: bool
    rule_after_summary: bool
    gap_after_summary: float
    signature_gap: float
    justify: bool


def variant_for(document: SyntheticDocument) -> Variant:
    """The document's layout, drawn from its id (the same document renders the same)."""
    rng = random.Random(zlib.crc32(document.doc_id.encode()))
    return Variant(left=rng.uniform(25, 35) * MM, right=rng.uniform(15, 22) * MM,
                   top=rng.uniform(15, 25) * MM, size=rng.choice((12.0, 12.5, 13.0)),
                   leading=rng.uniform(1.3, 1.55), summary_capitals=rng.random() < 0.4,
                   rule_after_summary=rng.random() < 0.5, gap_after_summary=rng.uniform(6, 16),
                   signature_gap=rng.uniform(18, 30) * MM, justify=rng.random() < 0.5)


class _Pen:
    """The current page, its text writer and the vertical position."""

    def __init__(self, variant: Variant) -> None:
        self.variant = variant
        self.doc = pymupdf.open()
        self.fonts = {style: pymupdf.Font(fontfile=str(FONT_DIR / name))
                      for style, name in FONT_FILES.items()}
        self.page: Any = None
        self.writer: Any = None
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        self.finish()
        self.page = self.doc.new_page(width=PAGE_W, height=PAGE_H)
        self.writer = pymupdf.TextWriter(self.page.rect)
        self.y = self.variant.top

    def finish(self) -> None:
        if self.page is not None and self.writer is not None:
            self.writer.write_text(self.page)
        self.page = self.writer = None

    def need(self, height: float) -> None:
        if self.y + height > PAGE_H - 20 * MM:
            self.new_page()

    def width(self, text: str, style: str, size: float) -> float:
        return float(self.fonts[style].text_length(text, fontsize=size))

    def put(self, text: str, x0: float, x1: float, baseline: float, style: str, size: float,
            align: str) -> None:
        """One line between x0 and x1 (shrunk to fit, never re-wrapped)."""
        width = self.width(text, style, size)
        if width > x1 - x0:
            size *= (x1 - x0) / width
            width = x1 - x0
        x = {"centre": x0 + (x1 - x0 - width) / 2, "right": x1 - width}.get(align, x0)
        self.writer.append((x, baseline), text, font=self.fonts[style], fontsize=size)

    def rule(self, x0: float, x1: float, y: float) -> None:
        self.page.draw_line((x0, y), (x1, y), color=(0, 0, 0), width=0.5)


def _quirks(document: SyntheticDocument, rng: random.Random) -> dict[str, str]:
    """Printed line -> the same line with a text layer's look-alike characters."""
    changed: dict[str, str] = {}
    symbol = document.fields.get("so_ky_hieu")
    for block in document.blocks:
        for line in block.lines:
            new = line
            if symbol and line.startswith("Số:") and symbol in line:
                marked = "".join(rng.choice(HYPHENS) if char == "-" else char
                                 for char in symbol)
                if rng.random() < 0.4:
                    cut = rng.randrange(1, len(marked))
                    marked = marked[:cut] + rng.choice(INVISIBLE) + marked[cut:]
                new = line.replace("Số: " + symbol, "Số:\u00a0" + marked)
            elif line == "Độc lập - Tự do - Hạnh phúc":
                new = line.replace(" - ", rng.choice((" \u2013 ", "\u00a0\u2013\u00a0", " - ")))
            elif ", ngày " in line:
                new = line.replace("ngày ", "ngày\u00a0").replace(" tháng ", "\u00a0tháng\u00a0")
            elif block.kind in ("summary", "signer_right", "header_left") and rng.random() < 0.2:
                words = line.split(" ")
                if len(words) > 1:
                    at = rng.randrange(1, len(words))
                    words[at] = rng.choice(INVISIBLE) + words[at]
                    new = " ".join(words)
            changed[line] = new
    return changed


def _style(block: Block, line: str) -> str:
    if ", ngày " in line or (line.startswith("(") and block.kind.startswith("signer")):
        return "italic"
    if line == "Nơi nhận:":
        return "bolditalic"
    return "bold" if block.bold else "regular"


def _header(pen: _Pen, blocks: Sequence[Block], quirks: dict[str, str]) -> None:
    variant = pen.variant
    columns = {"header_left": (10 * MM, 95 * MM), "header_right": (90 * MM, PAGE_W - 8 * MM)}
    start = pen.y
    ends = []
    for kind, (x0, x1) in columns.items():
        y = start
        for block in (b for b in blocks if b.kind == kind):
            for line in block.lines:
                size = variant.size - (0.5 if kind == "header_left" else 0.0)
                y += size * 1.3 + (8 if ", ngày " in line else 0)
                pen.put(quirks.get(line, line), x0, x1, y, _style(block, line), size,
                        "centre")
            if kind == "header_left" and block.bold:
                pen.rule((x0 + x1) / 2 - 12 * MM, (x0 + x1) / 2 + 12 * MM, y + 4)
                y += 6
        ends.append(y)
    pen.y = max(ends) + 14


def _flow(pen: _Pen, block: Block, quirks: dict[str, str]) -> None:
    variant = pen.variant
    x0, x1 = variant.left, PAGE_W - variant.right
    size = variant.size + (1.5 if block.kind == "title" else 0.0)
    lines = list(block.lines)
    if block.kind == "summary" and variant.summary_capitals:
        lines = [line.upper() for line in lines]
    pen.y += {"title": 12.0, "summary": 1.0, "body": 5.0}.get(block.kind, 6.0)
    for index, line in enumerate(lines):
        height = size * variant.leading
        pen.need(height)
        pen.y += height
        indent = 12 * MM if block.kind == "body" and index == 0 else 0.0
        align = block.align
        if align == "justify":
            align = "left"  # text set ragged-right by this word processor; or justified
            if variant.justify and index < len(lines) - 1:
                _justified(pen, quirks.get(line, line), x0 + indent, x1, pen.y, size)
                continue
        pen.put(quirks.get(line, line), x0 + indent, x1, pen.y, _style(block, line), size,
                align)
    if block.kind == "summary":
        if variant.rule_after_summary:
            centre = (x0 + x1) / 2
            pen.rule(centre - 25 * MM, centre + 25 * MM, pen.y + 6)
            pen.y += 8
        pen.y += variant.gap_after_summary


def _justified(pen: _Pen, line: str, x0: float, x1: float, baseline: float,
               size: float) -> None:
    words = line.split(" ")
    widths = [pen.width(word, "regular", size) for word in words]
    if len(words) < 2 or sum(widths) > x1 - x0:
        pen.put(line, x0, x1, baseline, "regular", size, "left")
        return
    gap = (x1 - x0 - sum(widths)) / (len(words) - 1)
    x = x0
    for number, (word, width) in enumerate(zip(words, widths, strict=True)):
        text = word if number == len(words) - 1 else word + " "
        pen.writer.append((x, baseline), text, font=pen.fonts["regular"], fontsize=size)
        x += width + gap


def _signers(pen: _Pen, blocks: Sequence[Block], quirks: dict[str, str]) -> None:
    variant = pen.variant
    height = max(len(block.lines) for block in blocks) * variant.size * 1.3 + (
        variant.signature_gap)
    pen.y += 16
    pen.need(height)
    top, bottom = pen.y, pen.y
    for block in blocks:
        y = top
        recipients = bool(block.lines) and block.lines[0] == "Nơi nhận:"
        x0, x1 = ((variant.left - 10 * MM, 95 * MM) if recipients or block.kind == "signer_left"
                  else (105 * MM, PAGE_W - variant.right))
        for index, line in enumerate(block.lines):
            size = (11.0 if index else 12.0) if recipients else variant.size
            if not recipients and index == len(block.lines) - 1 and len(block.lines) > 1:
                y += variant.signature_gap
            y += size * 1.3
            pen.put(quirks.get(line, line), x0, x1, y, _style(block, line), size,
                    "left" if recipients else "centre")
        bottom = max(bottom, y)
    pen.y = bottom


def render_variant_pdf(document: SyntheticDocument, path: Path) -> None:
    """Write ``document`` as a born-digital PDF in the variant layout (not for identity
    papers, whose card layout only the main renderer draws)."""
    if document.doc_type == "giay_to_tuy_than":
        raise ValueError("identity papers have no variant layout")
    variant = variant_for(document)
    rng = random.Random(zlib.crc32(document.doc_id.encode()) + 1)
    quirks = _quirks(document, rng)
    pen = _Pen(variant)
    blocks = document.blocks
    index = 0
    while index < len(blocks):
        kind = blocks[index].kind
        group = kind.split("_")[0] + "_" if kind.startswith(("header_", "signer_")) else ""
        end = index + 1
        while group and end < len(blocks) and blocks[end].kind.startswith(group):
            end += 1
        if group == "header_":
            _header(pen, blocks[index:end], quirks)
        elif group == "signer_":
            _signers(pen, blocks[index:end], quirks)
        else:
            if blocks[index].page_break_before:
                pen.new_page()
            _flow(pen, blocks[index], quirks)
        index = end
    pen.finish()
    pen.doc.subset_fonts()
    pen.doc.save(path, garbage=3, deflate=True)
    pen.doc.close()
