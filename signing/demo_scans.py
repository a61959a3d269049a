"""Paper for the demo office: a synthetic document (:mod:`ingest.synthetic`) printed on A4
in Liberation Serif, either born-digital (a draft to sign) or as a scan (the page images
only, grey, 150 dpi, slightly tilted, like a counter's scanner)."""

from __future__ import annotations

import random
from typing import Any

import pymupdf as _pymupdf

from ingest.synthetic import Block, SyntheticDocument
from signing.appearance.fonts import font_path

pymupdf: Any = _pymupdf  # partial annotations: used as untyped, as elsewhere in signing
MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT, RIGHT, TOP, BOTTOM = 30 * MM, 15 * MM, 20 * MM, 20 * MM
SCAN_DPI = 150


HEADER_COLUMNS = {"header_left": (15 * MM, 98 * MM), "header_right": (100 * MM, 202 * MM)}
SIGNER_COLUMNS = {"signer_left": (20 * MM, 98 * MM), "signer_right": (100 * MM, 200 * MM)}
SIGN_GAP = 25 * MM  # between the position line and the name: room for the signature


class _Printer:
    """Lines put on A4 pages top to bottom, a new page when one is full."""

    def __init__(self) -> None:
        self.font = pymupdf.Font(fontfile=str(font_path()))
        self.pdf = pymupdf.open()
        self.page: Any = None
        self.y = TOP
        self.new_page()

    def new_page(self) -> None:
        self.page = self.pdf.new_page(width=PAGE_W, height=PAGE_H)
        self.page.insert_font(fontname="serif", fontfile=str(font_path()))
        self.y = TOP

    def need(self, height: float) -> None:
        if self.y + height > PAGE_H - BOTTOM and self.y > TOP:
            self.new_page()

    def put(self, text: str, x0: float, x1: float, y: float, size: float, align: str) -> None:
        width = float(self.font.text_length(text, fontsize=size))
        x = x0 if align == "left" else (x0 + max(0.0, (x1 - x0 - width) / 2))
        self.page.insert_text((x, y), text, fontsize=size, fontname="serif")

    def columns(self, blocks: list[Block], places: dict[str, tuple[float, float]],
                gap: float = 0.0) -> None:
        """Blocks side by side (header or signer columns); with ``gap`` the last line of a
        signer column (the name) sits that far below the one above (the position)."""
        height = max(sum(len(b.lines) * 16 for b in blocks if b.kind == kind)
                     for kind in places) + gap
        self.need(height)
        top, bottom = self.y, self.y
        ends: dict[str, float] = {}
        for block in blocks:
            x0, x1 = places[block.kind]
            y = ends.get(block.kind, top)
            left_note = bool(block.lines) and block.lines[0] == "Nơi nhận:"
            for index, line in enumerate(block.lines):
                if gap and not left_note and index == len(block.lines) - 1:
                    y += gap
                size = 11.0 if left_note and index else min(block.size, 13.0)
                y += size * 1.25
                self.put(line, x0, x1, y, size, "left" if left_note else "centre")
            ends[block.kind] = y
            bottom = max(bottom, y)
        self.y = bottom + 10

    def flow(self, block: Block) -> None:
        size = min(block.size, 13.0)
        centred = block.kind in ("title", "summary") or block.align == "centre"
        if block.page_break_before and self.y > TOP:
            self.new_page()
        for line in block.lines:
            self.need(size * 1.5)
            self.y += size * 1.45
            self.put(line, LEFT, PAGE_W - RIGHT, self.y, size, "centre" if centred else "left")
        self.y += size * 0.5


def printed_pdf(document: SyntheticDocument) -> bytes:
    """The document as a born-digital A4 PDF (text, not images), in the Decree 30 layout:
    the two header columns, the body, the two signer columns with room for the signature."""
    printer = _Printer()
    blocks = list(document.blocks)
    index = 0
    while index < len(blocks):
        group = blocks[index].kind.split("_")[0]
        end = index + 1
        if group in ("header", "signer"):
            while end < len(blocks) and blocks[end].kind.startswith(group + "_"):
                end += 1
            run = blocks[index:end]
            if group == "header":
                printer.columns(run, HEADER_COLUMNS)
            else:
                printer.columns(run, SIGNER_COLUMNS, SIGN_GAP)
        else:
            printer.flow(blocks[index])
        index = end
    data: bytes = printer.pdf.tobytes(garbage=3, deflate=True)
    printer.pdf.close()
    return data


def scanned_pdf(document: SyntheticDocument, rng: random.Random) -> bytes:
    """The document printed and scanned: an image-only PDF of grey page images."""
    printed = pymupdf.open(stream=printed_pdf(document), filetype="pdf")
    scan = pymupdf.open()
    for page in printed:
        tilt = pymupdf.Matrix(SCAN_DPI / 72, SCAN_DPI / 72).prerotate(rng.uniform(-0.8, 0.8))
        pixmap = page.get_pixmap(matrix=tilt, colorspace=pymupdf.csGRAY, alpha=False)
        target = scan.new_page(width=PAGE_W, height=PAGE_H)
        target.insert_image(target.rect, stream=pixmap.tobytes("png"))
    printed.close()
    data: bytes = scan.tobytes(garbage=3, deflate=True)
    scan.close()
    return data
