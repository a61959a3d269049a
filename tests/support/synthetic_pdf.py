"""Render synthetic documents to born-digital PDFs and to degraded image-only "scans".

For tests and benchmarks only (imports pymupdf, OpenCV and numpy). The layout follows
Decree 30/2020: margins 20/30/20/15 mm (top/left/bottom/right), a two-column header, the
title and summary centred in bold, justified body paragraphs with a first-line indent, and the
signer block at the bottom ("Nơi nhận:" on the left, position and name on the right).
"""

from __future__ import annotations

import functools
import random
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
import pymupdf as _pymupdf

from ingest.synthetic import Block, SyntheticDocument

pymupdf: Any = _pymupdf  # its annotations are partial: use it as untyped (as ocr/mupdf does)
Image = npt.NDArray[Any]

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
TOP, LEFT, BOTTOM, RIGHT = 20 * MM, 30 * MM, 20 * MM, 15 * MM
SIGN_GAP = 25 * MM  # between the position line and the name: room for the signature
HEADER_LEFT = (15 * MM, 98 * MM)
HEADER_RIGHT = (100 * MM, 202 * MM)
SIGNER_LEFT = (20 * MM, 98 * MM)
SIGNER_RIGHT = (100 * MM, 200 * MM)
INDENT = 10 * MM
TAB = 40 * MM
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
VIETNAMESE_PROBE = "ẾỀỂỄỆếềểễệ"
_DATE_LINE = re.compile(r"^[^,]{2,40}, ngày \d{1,2} tháng \d{1,2} năm \d{4}$")

_FONT_FILES = {
    # style: (Liberation file stem, DejaVu file stem)
    "regular": ("LiberationSerif-Regular", "DejaVuSerif"),
    "bold": ("LiberationSerif-Bold", "DejaVuSerif-Bold"),
    "italic": ("LiberationSerif-Italic", "DejaVuSerif-Italic"),
    "bolditalic": ("LiberationSerif-BoldItalic", "DejaVuSerif-BoldItalic"),
}
_FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation2"),
              Path("/usr/share/fonts/truetype/liberation"),
              Path("/usr/share/fonts/truetype/dejavu"))


@functools.cache
def _has_vietnamese(path: Path) -> bool:
    font = pymupdf.Font(fontfile=str(path))
    return all(font.has_glyph(ord(ch)) for ch in VIETNAMESE_PROBE)


def find_serif_font(*, bold: bool = False, italic: bool = False) -> Path:
    """A Times-compatible TTF carrying every Vietnamese glyph, in the wanted style.

    Liberation Serif 2.x (fonts-liberation2) first; Liberation 1.x lacks the stacked accents
    (ế, ề, ...) and is skipped by the glyph check; DejaVu Serif last.
    """
    style = ("bold" if bold else "") + ("italic" if italic else "") or "regular"
    liberation, dejavu = _FONT_FILES[style]
    for directory in _FONT_DIRS:
        for stem in (liberation, dejavu):
            path = directory / f"{stem}.ttf"
            if path.is_file() and _has_vietnamese(path):
                return path
    raise FileNotFoundError(f"no serif font with Vietnamese glyphs ({style}); "
                            "install fonts-liberation2 or fonts-dejavu-core")


@functools.cache
def _font(style: str) -> Any:
    return pymupdf.Font(fontfile=str(find_serif_font(bold="bold" in style,
                                                     italic="italic" in style)))


@functools.cache
def _advance(style: str, char: str) -> float:
    """Advance width of one character at 1 pt (``Font.text_length`` is slow per call)."""
    return float(_font(style).text_length(char, fontsize=1.0))


def _width(style: str, text: str, size: float) -> float:
    """Printed width of ``text`` in points (no kerning, as MuPDF lays text out)."""
    return sum(_advance(style, char) for char in text) * size


@dataclass
class _SignerBox:
    """Where the signature goes: the right signer column between position and name."""

    page: int
    x0: float
    x1: float
    top: float  # top of the position line
    bottom: float  # baseline of the name


@dataclass
class _Layout:
    """Render state: the document, current page and vertical position."""

    doc: Any  # pymupdf.Document
    leading: float
    paragraph: float
    body_right: float = PAGE_W - RIGHT  # justified lines end here (the widest line's end)
    decree: bool = False  # a Decree 30 header: rules under the agency name and summary
    frame: bool = False
    page: Any = None  # the current pymupdf.Page
    writer: Any = None  # its pymupdf.TextWriter
    y: float = TOP
    signer: _SignerBox | None = None
    empty: bool = True

    def finish_page(self) -> None:
        """Write the current page's text (adding a page invalidates older Page objects)."""
        if self.page is not None and self.writer is not None:
            self.writer.write_text(self.page)
        self.page = self.writer = None

    def new_page(self) -> None:
        self.finish_page()
        self.page = self.doc.new_page(width=PAGE_W, height=PAGE_H)
        if self.frame:  # certificates: a double ornamental border
            for inset, width in ((5 * MM, 1.6), (6.5 * MM, 0.5)):
                frame = pymupdf.Rect(inset, inset, PAGE_W - inset, PAGE_H - inset)
                self.page.draw_rect(frame,
                                    color=(0.1, 0.1, 0.1), width=width)
        self.writer = pymupdf.TextWriter(self.page.rect)
        self.y = TOP
        self.empty = True

    def need(self, height: float) -> None:
        """Start a new page unless ``height`` more points fit above the bottom margin."""
        if self.page is None or (not self.empty and self.y + height > PAGE_H - BOTTOM):
            self.new_page()

    def rule(self, x0: float, x1: float, y: float) -> None:
        assert self.page is not None
        self.page.draw_line((x0, y), (x1, y), color=(0, 0, 0), width=0.6)


def _style(block: Block, line: str) -> tuple[str, float]:
    """Font style and size scale of one line (dates and "(Ký ...)" notes are italic)."""
    if _DATE_LINE.match(line):
        return "italic", 1.0
    if line.startswith("(") and block.kind in ("signer_left", "signer_right", "plain"):
        return "italic", 0.92
    if line == "Nơi nhận:":
        return "bolditalic", 1.0
    return ("bold" if block.bold else "regular"), 1.0


def _put(layout: _Layout, text: str, x0: float, x1: float, baseline: float, style: str,
         size: float, align: str, *, last: bool = True, indent: float = 0.0) -> float:
    """Write one line between ``x0`` and ``x1``; returns its printed width."""
    assert layout.writer is not None
    font = _font(style)
    start = x0 + indent
    room = x1 - start
    width = _width(style, text, size)
    if width > room:  # never re-wrap: shrink the line to fit
        size *= room / width
        width = room
    layout.empty = False
    words = text.split(" ")
    if align == "justify" and not last and len(words) > 1 and width > 0.7 * room:
        widths = [_width(style, word, size) for word in words]
        gap = (room - sum(widths)) / (len(words) - 1)
        x = start
        for number, (word, word_width) in enumerate(zip(words, widths, strict=True)):
            # Keep the space glyph in the text layer; the extra gap alone is not always
            # read back as a word break.
            spaced = word if number == len(words) - 1 else word + " "
            layout.writer.append((x, baseline), spaced, font=font, fontsize=size)
            x += word_width + gap
        return room
    if align == "left" and "   " in text:  # runs of 3+ spaces: the next field at a tab stop
        placed, x = [], start
        for part in re.split(r" {3,}", text):
            placed.append((x, part))
            end = x + _width(style, part, size)
            x = start + (int((end + 4 - start) / TAB) + 1) * TAB
        if end <= x1:
            for x, part in placed:
                layout.writer.append((x, baseline), part, font=font, fontsize=size)
            return float(end - start)
    if align == "centre":
        x = x0 + (x1 - x0 - width) / 2
    elif align == "right":
        x = x1 - width
    else:
        x = start
    layout.writer.append((x, baseline), text, font=font, fontsize=size)
    return float(width)


def _column(layout: _Layout, blocks: Sequence[Block], x0: float, x1: float, y: float) -> float:
    """Header column: stacked centred blocks, with the Decree 30 rules; returns the end y."""
    for index, block in enumerate(blocks):
        if index and blocks[index - 1].bold != block.bold:
            y += 2
        widths = []
        for line in block.lines:
            style, scale = _style(block, line)
            y += block.size * 1.18
            if _DATE_LINE.match(line):
                y += 6
            widths.append(_put(layout, line, x0, x1, y, style, block.size * scale, block.align))
            if line == MOTTO_2:
                centre = (x0 + x1) / 2
                layout.rule(centre - widths[-1] / 2, centre + widths[-1] / 2, y + 3)
                y += 4
        if block.kind == "header_left" and block.bold:
            centre, half = (x0 + x1) / 2, max(widths) * 0.22
            layout.rule(centre - half, centre + half, y + 3.5)
            y += 5
    return y


def _flow(layout: _Layout, block: Block, x0: float = LEFT, x1: float | None = None) -> None:
    """Title, summary, plain, body or form-field lines, top to bottom, breaking pages."""
    if x1 is None:
        x1 = layout.body_right if block.align == "justify" else PAGE_W - RIGHT
    height = block.size * layout.leading
    before = {"title": 10.0, "summary": 0.0, "body": layout.paragraph}.get(block.kind, 4.0)
    if block.page_break_before and layout.page is not None and not layout.empty:
        layout.new_page()
    elif not layout.empty:
        layout.y += before
    widths = []
    for index, line in enumerate(block.lines):
        layout.need(height)
        layout.y += height
        style, scale = _style(block, line)
        indent = INDENT if block.kind == "body" and index == 0 else 0.0
        widths.append(_put(layout, line, x0, x1, layout.y, style, block.size * scale, block.align,
                           last=index == len(block.lines) - 1, indent=indent))
        if line == MOTTO_2:
            centre = (x0 + x1) / 2
            layout.rule(centre - widths[-1] / 2, centre + widths[-1] / 2, layout.y + 3)
            layout.y += 4
    if block.kind == "summary" and widths and layout.decree:
        centre, half = (x0 + x1) / 2, min(max(widths), 300.0) / 5
        layout.rule(centre - half, centre + half, layout.y + 7)
        layout.y += 10


def _signer_height(block: Block, gap: float) -> float:
    if block.lines and block.lines[0] == "Nơi nhận:":
        return 12 * 1.2 + 11 * 1.15 * (len(block.lines) - 1)
    return block.size * 1.25 * len(block.lines) + gap


def _signers(layout: _Layout, blocks: Sequence[Block], gap: float = SIGN_GAP) -> None:
    """The signer columns side by side; the name is ``gap`` below the position line."""
    height = max(_signer_height(block, gap) for block in blocks)
    if not layout.empty:
        layout.y += 14
    layout.need(height)
    top = layout.y
    bottom = top
    for block in blocks:
        y = top
        if block.lines and block.lines[0] == "Nơi nhận:":
            x0, x1 = SIGNER_LEFT[0], SIGNER_RIGHT[0] - 4 * MM
            for index, line in enumerate(block.lines):
                size = 12.0 if index == 0 else 11.0
                y += size * (1.2 if index == 0 else 1.15)
                _put(layout, line, x0, x1, y, _style(block, line)[0], size, "left")
            bottom = max(bottom, y)
            continue
        x0, x1 = SIGNER_RIGHT if block.kind == "signer_right" else SIGNER_LEFT
        position_top = y
        for index, line in enumerate(block.lines):
            last = index == len(block.lines) - 1
            if last:
                y += gap
            elif index == len(block.lines) - 2:
                position_top = y
            style, scale = _style(block, line)
            y += block.size * 1.25
            _put(layout, line, x0, x1, y, style, block.size * scale, "centre")
        if block.kind == "signer_right" and layout.page is not None:
            layout.signer = _SignerBox(layout.page.number or 0, x0, x1, position_top, y)
        bottom = max(bottom, y)
    layout.y = bottom


def _identity(layout: _Layout, blocks: Sequence[Block]) -> None:
    """Identity papers: each side (a block with ``page_break_before`` starts the back) is a
    card with an emblem and a photo box, like a photocopy of both sides on one A4 page."""
    sides: list[list[Block]] = []
    for block in blocks:
        if block.page_break_before or not sides:
            sides.append([])
        sides[-1].append(block)
    layout.new_page()
    card_x0, card_x1 = (PAGE_W - 140 * MM) / 2, (PAGE_W + 140 * MM) / 2
    y = 25 * MM
    assert layout.page is not None
    for number, side in enumerate(sides):
        top = y
        text_x0 = card_x0 + (34 * MM if number == 0 else 6 * MM)
        layout.y = top + 3 * MM
        layout.empty = True
        for block in side:
            if block.kind == "signer_right":
                layout.y += 4
                _signer_card(layout, block, (card_x0 + card_x1) / 2, card_x1 - 4 * MM)
            elif block.lines and block.lines[0].startswith("IDVNM"):
                _flow(layout, block, card_x0 + 6 * MM, card_x1 - 4 * MM)
            else:
                _flow(layout, block, text_x0, card_x1 - 4 * MM)
        bottom = max(layout.y + 4 * MM, top + (62 * MM if number == 0 else 40 * MM))
        layout.page.draw_rect(pymupdf.Rect(card_x0, top, card_x1, bottom), color=(0, 0, 0),
                              width=0.8, radius=0.04)
        if number == 0:
            centre = (card_x0 + 17 * MM, top + 14 * MM)
            layout.page.draw_circle(centre, 9 * MM, color=(0, 0, 0), width=0.6)
            layout.page.draw_circle(centre, 6 * MM, color=(0, 0, 0), width=0.4)
            photo = pymupdf.Rect(card_x0 + 6 * MM, top + 27 * MM, card_x0 + 28 * MM,
                                 top + 56 * MM)
            layout.page.draw_rect(photo, color=(0, 0, 0), fill=(0.85, 0.85, 0.85), width=0.4)
        y = bottom + 15 * MM


def _signer_card(layout: _Layout, block: Block, x0: float, x1: float) -> None:
    y = layout.y
    for index, line in enumerate(block.lines):
        if index == len(block.lines) - 1:
            y += 10 * MM
        y += block.size * 1.2
        _put(layout, line, x0, x1, y, _style(block, line)[0], block.size, "centre")
    layout.y = y


def _justified_right(blocks: Sequence[Block]) -> float:
    """Right edge of justified text: the end of the widest paragraph line.

    The generator wraps by characters, so the column is as wide as its widest line; every
    other full line is stretched to it, as a word processor would.
    """
    widest = 0.0
    for block in blocks:
        if block.align != "justify":
            continue
        style = "bold" if block.bold else "regular"
        for index, line in enumerate(block.lines):
            indent = INDENT if block.kind == "body" and index == 0 else 0.0
            widest = max(widest, indent + _width(style, line, block.size))
    if widest == 0.0:
        return PAGE_W - RIGHT
    return min(PAGE_W - RIGHT, LEFT + widest + 1.0)


def _render(document: SyntheticDocument) -> tuple[Any, _SignerBox | None]:
    """The born-digital PDF in memory, and where the (last) signature goes."""
    digest = zlib.crc32(document.doc_id.encode())
    layout = _Layout(pymupdf.open(), leading=1.15 + (digest % 5) * 0.04,
                     paragraph=2.0 + (digest // 5 % 4) * 1.5,
                     frame=document.doc_type == "giay_chung_nhan" and digest % 3 != 0)
    blocks = document.blocks
    layout.body_right = _justified_right(blocks)
    layout.decree = any(block.kind == "header_left" for block in blocks)
    if document.doc_type == "giay_to_tuy_than":
        _identity(layout, blocks)
    else:
        layout.new_page()
        index = 0
        while index < len(blocks):
            kind = blocks[index].kind
            group = "header" if kind.startswith("header_") else (
                "signer" if kind.startswith("signer_") else "")
            end = index + 1
            while group and end < len(blocks) and blocks[end].kind.startswith(group + "_"):
                end += 1
            run = blocks[index:end]
            if group == "header":
                if not layout.empty:
                    layout.y += 10
                start = layout.y
                left_end = _column(layout, [b for b in run if b.kind == "header_left"],
                                   *HEADER_LEFT, start)
                right_end = _column(layout, [b for b in run if b.kind == "header_right"],
                                    *HEADER_RIGHT, start)
                layout.y = max(left_end, right_end) + 6
                layout.empty = False
            elif group == "signer":
                _signers(layout, run)
            else:
                _flow(layout, run[0])
            index = end
    layout.finish_page()
    return layout.doc, layout.signer


def render_pdf(document: SyntheticDocument, path: Path) -> None:
    """Write ``document`` as a born-digital A4 PDF with a real (extractable) text layer."""
    doc, _ = _render(document)
    doc.subset_fonts()
    doc.save(path, garbage=3, deflate=True)
    doc.close()


@dataclass(frozen=True)
class Degradation:
    """How one page is scanned: resolution, geometry and image defects.

    ``rotated`` is a clockwise quarter-turn (0, 90, 180, 270); ``blur`` a Gaussian sigma in
    pixels at 300 dpi; ``noise`` the standard deviation of sensor noise (0..1 of full scale).
    """

    dpi: int = 300
    skew_deg: float = 0.0
    rotated: int = 0
    blur: float = 0.0
    noise: float = 0.0
    color: bool = False
    yellow: bool = False
    uneven_light: bool = False
    seal: bool = False
    bilevel: bool = False


def random_degradation(rng: random.Random, hard: bool = False) -> Degradation:
    """A random scan like those of the corpus; ``hard`` adds strong skew and quarter turns."""
    color = rng.random() < 0.5
    return Degradation(
        dpi=rng.choice((200, 240, 300, 300)),
        skew_deg=round(rng.uniform(-5.0, 5.0) if hard else rng.uniform(-1.5, 1.5), 2),
        rotated=rng.choice((90, 180, 270)) if hard and rng.random() < 0.3 else 0,
        blur=rng.choice((0.0, 0.0, rng.uniform(0.3, 1.8 if hard else 1.0))),
        noise=rng.uniform(0.0, 0.08 if hard else 0.035),
        color=color,
        yellow=color and rng.random() < 0.35,
        uneven_light=rng.random() < (0.5 if hard else 0.25),
        seal=rng.random() < 0.35,
        bilevel=not color and rng.random() < 0.2,
    )


def _ink(image: Image, mask: Image, colour: tuple[int, int, int],
         opacity: float) -> None:
    """Multiply-blend ``colour`` ink through ``mask`` (0..255) onto ``image`` in place."""
    ys, xs = np.nonzero(mask)
    if not len(ys):
        return
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    alpha = mask[y0:y1, x0:x1].astype(np.float32) * (opacity / 255.0)
    region = image[y0:y1, x0:x1].astype(np.float32)
    if image.ndim == 2:
        tint = np.float32(0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2]) / 255
        image[y0:y1, x0:x1] = (region * (1 - alpha * (1 - tint))).astype(np.uint8)
    else:
        tint_rgb = np.array(colour, dtype=np.float32) / 255
        image[y0:y1, x0:x1] = (region * (1 - alpha[..., None] * (1 - tint_rgb))).astype(np.uint8)


def _seal_and_signature(image: Image, box: _SignerBox, scale: float,
                        gen: np.random.Generator) -> None:
    """A blue handwritten-like signature between position and name, and a red round seal
    (about 38 mm, text-like strokes between two rings, a star) over its left third."""
    unit = MM * scale
    span = 24 * unit
    radius = 19 * unit * gen.uniform(0.95, 1.05)
    page_centre_x = (box.x0 + box.x1) / 2 * scale
    page_mid_y = (box.top + box.bottom) / 2 * scale
    # Work in a crop around the signer block (a view: drawing there draws on the page).
    left = max(0, int(page_centre_x - span / 3 - radius * 1.3))
    top = max(0, int(page_mid_y - radius * 1.3))
    right = min(image.shape[1], int(page_centre_x + span + radius))
    bottom = min(image.shape[0], int(page_mid_y + radius * 1.3))
    if right <= left or bottom <= top:
        return
    image = image[top:bottom, left:right]
    h, w = image.shape[:2]
    centre_x, mid_y = page_centre_x - left, page_mid_y - top
    stroke = max(1, round(0.45 * MM * scale))
    signature = np.zeros((h, w), np.uint8)
    t = np.linspace(0, 1, 160)
    for stroke_number in range(int(gen.integers(1, 3))):
        # Cursive loops: a drifting circle traced a few times, shrinking to the right.
        turns, loop = gen.uniform(3, 6), gen.uniform(2.0, 3.5) * unit
        drift = centre_x - span / 2 + t * span * gen.uniform(0.7, 1.0)
        xs = drift + loop * np.cos(2 * np.pi * turns * t + gen.uniform(0, 6))
        ys = (mid_y + (stroke_number * 3 - 2) * unit + loop * 1.6 * (1 - 0.5 * t)
              * np.sin(2 * np.pi * turns * t) - t * gen.uniform(-4, 6) * unit)
        points = np.stack([xs, ys], axis=1).astype(np.int32)
        cv2.polylines(signature, [points], False, 255, stroke, cv2.LINE_AA)
    tail = np.array([[centre_x - span * 0.4, mid_y + 5 * unit],
                     [centre_x + span * 0.55, mid_y + gen.uniform(2, 6) * unit]], np.int32)
    cv2.polylines(signature, [tail], False, 255, stroke, cv2.LINE_AA)
    _ink(image, signature, (25, 45, 150), 0.9)
    cx, cy = centre_x - span / 3, mid_y
    seal = np.zeros((h, w), np.uint8)
    centre = (round(cx), round(cy))
    cv2.circle(seal, centre, round(radius), 255, max(2, round(0.7 * MM * scale)), cv2.LINE_AA)
    cv2.circle(seal, centre, round(radius * 0.68), 255, max(1, round(0.35 * MM * scale)),
               cv2.LINE_AA)
    glyph = max(1, round(0.3 * MM * scale))
    for angle in np.linspace(0, 2 * np.pi, 34, endpoint=False) + gen.uniform(0, 0.2):
        r0, r1 = radius * 0.74, radius * gen.uniform(0.86, 0.92)
        dx, dy = np.cos(angle), np.sin(angle)
        tx, ty = -dy * radius * 0.05, dx * radius * 0.05
        a = (round(cx + dx * r0), round(cy + dy * r0))
        b = (round(cx + dx * r1 + tx * gen.uniform(-1, 1)), round(cy + dy * r1 + ty *
                                                                    gen.uniform(-1, 1)))
        cv2.line(seal, a, b, 255, glyph, cv2.LINE_AA)
    star = [(cx + np.cos(np.pi / 2 + k * 4 * np.pi / 5) * radius * 0.25,
             cy - np.sin(np.pi / 2 + k * 4 * np.pi / 5) * radius * 0.25) for k in range(5)]
    cv2.fillPoly(seal, [np.array(star, np.int32)], 255, cv2.LINE_AA)
    for row in (-0.38, 0.35, 0.47):
        half = radius * (0.5 if row > 0 else 0.4)
        cv2.line(seal, (round(cx - half), round(cy + row * radius)),
                 (round(cx + half), round(cy + row * radius)), 255, glyph * 2, cv2.LINE_AA)
    texture = gen.uniform(0.55, 1.0, size=(h // 8 + 1, w // 8 + 1)).astype(np.float32)
    ink = cv2.resize(texture, (w, h), interpolation=cv2.INTER_LINEAR)
    _ink(image, (seal.astype(np.float32) * ink).astype(np.uint8), (205, 30, 45), 0.8)


def _paper(degradation: Degradation) -> tuple[int, int, int]:
    if degradation.yellow:
        return (236, 224, 188)
    if degradation.color:
        return (246, 243, 236)
    return (250, 250, 250)


def _degrade(image: Image, degradation: Degradation, seal: _SignerBox | None,
             gen: np.random.Generator) -> Image:
    """Apply seal, paper tint, uneven light, blur, skew, noise and rotation."""
    scale = degradation.dpi / 72
    if seal is not None:
        _seal_and_signature(image, seal, scale, gen)
    h, w = image.shape[:2]
    if degradation.blur > 0:
        image = cv2.GaussianBlur(image, (0, 0), degradation.blur * degradation.dpi / 300)
    if degradation.skew_deg:  # white border: the paper tint below colours it like the page
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degradation.skew_deg, 1.0)
        white = (255, 255, 255) if image.ndim == 3 else 255
        image = cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=white)
    # Paper tint, uneven light and sensor noise, one channel at a time with OpenCV (fast).
    tints = [v / 255 for v in _paper(degradation)]
    channels = list(cv2.split(image)) if image.ndim == 3 else [image]
    if len(channels) == 1:
        tints = [sum(tints) / 3]
    light: Image | None = None
    if degradation.uneven_light:
        coarse = gen.uniform(0.78, 1.0, size=(4, 3)).astype(np.float32)
        light = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)
    noise: Image | None = None
    if degradation.noise > 0:
        noise = gen.standard_normal((h, w), dtype=np.float32)
        noise *= degradation.noise * 255
    out = []
    for channel, tint in zip(channels, tints, strict=True):
        work: Image = channel.astype(np.float32)
        work *= tint
        if light is not None:
            work = cv2.multiply(work, light)
        if noise is not None:
            work = cv2.add(work, noise)
        out.append(cv2.convertScaleAbs(work))  # saturates to 0..255
    result: Image = cv2.merge(out) if len(out) > 1 else out[0]
    turns = {0: None, 90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
             270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    if degradation.rotated not in turns:
        raise ValueError(f"rotated must be 0, 90, 180 or 270, not {degradation.rotated}")
    code = turns[degradation.rotated]
    return result if code is None else cv2.rotate(result, code)


def _add_image_page(out: Any, image: Image, degradation: Degradation) -> None:
    h, w = image.shape[:2]
    page = out.new_page(width=w / degradation.dpi * 72, height=h / degradation.dpi * 72)
    if degradation.bilevel:
        gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        _, bw = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        if degradation.noise > 0:  # thresholding wipes sensor noise out: add speckles
            gen = np.random.default_rng(h * 31 + w)
            count = int(h * w * degradation.noise * 0.001)
            bw[gen.integers(0, h, count), gen.integers(0, w, count)] = 0
        packed = np.packbits(bw.astype(bool), axis=1)
        xref = out.get_new_xref()
        out.update_object(xref, f"<</Type/XObject/Subtype/Image/Width {w}/Height {h}"
                                "/ColorSpace/DeviceGray/BitsPerComponent 1>>")
        out.update_stream(xref, packed.tobytes(), new=True, compress=True)
        page.insert_image(page.rect, xref=xref)
        return
    encoded = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, jpeg = cv2.imencode(".jpg", encoded, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    page.insert_image(page.rect, stream=jpeg.tobytes())


def scan_pdf(document: SyntheticDocument, path: Path,
             degradations: Sequence[Degradation] | Degradation) -> None:
    """Write an image-only PDF that looks like a scan of ``document``.

    One degradation per page (a single one applies to every page; a short list repeats its
    last entry). The seal, when asked for, goes only on the page holding the signature.
    Pages are sized so that the image is at the scan's dpi (landscape after 90/270 turns).
    """
    born, signer = _render(document)
    steps = [degradations] if isinstance(degradations, Degradation) else list(degradations)
    if not steps:
        raise ValueError("no degradation given")
    out = pymupdf.open()
    for number, page in enumerate(born):
        degradation = steps[min(number, len(steps) - 1)]
        gray = not degradation.color
        pix = page.get_pixmap(dpi=degradation.dpi, alpha=False,
                              colorspace=pymupdf.csGRAY if gray and not degradation.seal
                              else pymupdf.csRGB)
        image: Image = np.frombuffer(pix.samples, np.uint8).reshape(
            pix.height, pix.width, pix.n).copy()
        if pix.n == 1:
            image = image[..., 0]
        gen = np.random.default_rng(zlib.crc32(f"{document.doc_id}:{number}".encode()))
        box = signer if degradation.seal and signer and signer.page == number else None
        image = _degrade(image, degradation, box, gen)
        if gray and image.ndim == 3:
            image = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        _add_image_page(out, image, degradation)
    born.close()
    out.save(path, garbage=3, deflate=True)
    out.close()
