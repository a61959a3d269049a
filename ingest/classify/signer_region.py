"""The signer block of a scanned page read again as one region.

The round seal lies over the signer block: over the position line, the signature and often
the name. The full page's layout analysis takes the seal and the lines under it for a
picture and drops them, or splits them into fragments, so the page's lines may hold no
position or no name at all. Cropped from the authority line ("KT./TM./TL.", or the body's
end above "Nơi nhận:") down past the name, and read as one block of text, the same pixels
give the block's lines back ("Trần Thanh Mẫn" where the page had nothing). This module
finds that region on the page, has it read (:class:`BlockReader`, implemented by
:meth:`ocr.zones.LineReader.block`) and turns the words into :class:`~lines.Line` objects
that the signer rules of :mod:`extract` read like the page's own.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ingest.classify import layout
from ingest.classify.handwriting import PixelBox, ReadWord
from ingest.classify.lines import Line, ReadDocument
from ingest.classify.text import find_keyword, fold, is_upper_line, similarity, squash
from ingest.classify.validate import valid_position
from ingest.classify.vocabulary import POSITIONS

REGION_LEFT = 0.42
"""The region starts this far across the page (share of its width): the signer column is
centred in the right half, and its longest lines ("KT. TRƯỞNG BAN BAN CHÍNH SÁCH, THUẾ
QUỐC TẾ") start a little left of the middle."""

LEFT_COLUMN = 0.4
"""A page line starting left of this share of the width and centred in the left half is
the recipients' column ("Nơi nhận:" and its list): whitened before the region is read."""

REGION_DEPTH = 0.4
"""At most this share of the page's height is read, from the region's top."""

LINE_CENTRE = 0.5
"""A line read in the region whose centre lies left of this share of the width is the end
of a line of the recipients' column or of the body, not the signer's."""

DEPUTY_TAIL = 0.75
"""How close (folded, 0..1) the last word of a line read under "KT. <head>" must be to the
last word of the head's deputy ("PHÓ <head>") for the line to be read as that position."""

HEAD_POSITION = 0.9
"""How close the words after "KT." must be to a position of the list to name the head."""

_SIGNS_FOR = re.compile(r"^(?:.*[^A-Za-zÀ-ỹĐđ])?K?T\s*[.,]\s*(?=[A-ZÀ-ỸĐ])")
""""KT." (ký thay: signing for the head) at the start of a line, or its "T." after what a
seal's strokes left of it read as ("ce=.J{T. CHỦ TỊCH")."""

BLOCK_READINGS = ((6, True), (6, False), (4, True))
"""The ways the region is read, in turn, until the signer is found: (Tesseract page
segmentation, only the darkest strokes kept): a uniform block without a grey seal, as it
is, then a column of lines of varying sizes. (On a bilevel scan, where the seal is as
black as the print, the first two are the same reading.)"""


class BlockWord(ReadWord, Protocol):
    """A word read in a region, with its box in the page's pixels and its line's number
    (``ocr.model.Word`` is one)."""

    @property
    def line(self) -> int: ...


@runtime_checkable
class BlockReader(Protocol):
    """Reads a region of a page again as one block of text."""

    def block(self, page: int, box: PixelBox, *, psm: int = 6,
              blank: Sequence[PixelBox] = (), dark: bool = False) -> Sequence[BlockWord]:
        """The words of ``box`` on ``page`` read as one block with page segmentation
        ``psm``, after whitening the ``blank`` boxes (``dark``: and all but the darkest
        strokes)."""


@dataclass(frozen=True)
class Region:
    """Where a page's signer block lies: the page, the box in its pixels, the boxes of the
    page's left-column lines inside it (to whiten), and points per pixel on that page."""

    page: int
    box: PixelBox
    blank: tuple[PixelBox, ...]
    scale: float


def _scale(page: list[Line]) -> float | None:
    """Points per pixel on a page, from its OCR'd lines' boxes in both units."""
    ratios = [line.right / line.pixel_box[2] for line in page
              if line.pixel_box is not None and line.pixel_box[2] > 0 and line.right > 0]
    return statistics.median(ratios) if ratios else None


def _is_recipients(line: Line) -> bool:
    return find_keyword(line.text, "Nơi nhận", threshold=0.8, anchored=True) is not None


def _signer_page(document: ReadDocument, block: Sequence[Line]) -> int | None:
    """The page of the signer block: the found block's; else the last page with a "Nơi
    nhận:" line; else the last page with lines."""
    if block:
        return block[0].page
    for index in range(len(document.pages) - 1, -1, -1):
        if any(_is_recipients(line) for line in document.pages[index]):
            return index
    return next((index for index in range(len(document.pages) - 1, -1, -1)
                 if document.pages[index]), None)


def signer_region(document: ReadDocument, block: Sequence[Line] = ()) -> Region | None:
    """The region of the signer block on its page (see :func:`_signer_page`) for
    :func:`read_region`, given the block the page's lines gave (possibly none): right of
    :data:`REGION_LEFT` of the width; from the bottom of the body's last line spanning the
    page above the block's top (its first line, the authority line, "Nơi nhận:"; without
    any, the body's last such line) down to the next such line or the page's end, at most
    :data:`REGION_DEPTH` of its height. None without geometry (plain text, a text layer
    without pixel boxes)."""
    index = _signer_page(document, block)
    if index is None:
        return None
    page = document.pages[index]
    width, height = document.page_widths[index], document.page_heights[index]
    scale = _scale(page)
    if scale is None or width <= 0 or height <= 0:
        return None
    anchors = [line for line in page if line.has_geometry and (
        (_is_recipients(line) and not layout.in_right_half(line, width))
        or (layout.in_right_half(line, width) and layout.is_authority_line(line.text)))]
    anchors += [line for line in block if line.has_geometry]
    wide = [line for line in page if line.has_geometry and line.right - line.left > 0.5 * width]
    if anchors:
        anchor = min(anchors, key=lambda line: line.top)
        top = max((line.bottom for line in wide if line.bottom <= anchor.top + anchor.height),
                  default=max(anchor.top - 3 * anchor.height, 0.0))
        bottom = min((line.top for line in wide if line.top > anchor.bottom), default=height)
    else:
        top = max((line.bottom for line in wide), default=0.5 * height)
        bottom = height
    bottom = min(bottom, top + REGION_DEPTH * height)
    if bottom - top < 0.03 * height:
        return None
    box = (round(REGION_LEFT * width / scale), round(top / scale), round(width / scale),
           round(bottom / scale))
    blank = tuple(line.pixel_box for line in page if line.pixel_box is not None
                  and line.left < LEFT_COLUMN * width and line.centre < 0.5 * width
                  and line.bottom > top and line.top < bottom)
    return Region(index, box, blank, scale)


def read_region(reader: BlockReader, region: Region, width: float, psm: int = 6,
                *, dark: bool = False) -> list[Line]:
    """The region read as one block (page segmentation ``psm``; ``dark``: its darkest
    strokes only) as lines top to bottom, their ends trimmed of specks (:func:`_trimmed`),
    in points with their pixel boxes; lines centred left of :data:`LINE_CENTRE` of the
    page's ``width`` (points) are left out."""
    groups: dict[int, list[BlockWord]] = {}
    for word in reader.block(region.page, region.box, psm=psm, blank=region.blank,
                             dark=dark):
        if word.text.strip():
            groups.setdefault(word.line, []).append(word)
    trimmed = (_trimmed(sorted(words, key=lambda word: word.left)) for words in groups.values())
    lines = [_line(words, region) for words in trimmed if words]
    return sorted((line for line in lines if line.centre >= LINE_CENTRE * width),
                  key=lambda line: line.top)


def _trimmed(words: Sequence[BlockWord]) -> list[BlockWord]:
    """A region line's words without what the seal's strokes read as at its ends: words
    with no letter or digit ("„", "⁄", "`"), and before a line in capitals short words
    no position starts with (a digit or a small letter: "rT", "Z4" before "GIÁM ĐỐC")."""
    kept = list(words)
    while kept and not any(char.isalnum() for char in kept[0].text):
        kept.pop(0)
    while kept and not any(char.isalnum() for char in kept[-1].text):
        kept.pop()
    if is_upper_line(" ".join(word.text for word in kept[1:])):
        while len(kept) > 1 and len(kept[0].text) <= 2 and any(
                char.isdigit() or char.islower() for char in kept[0].text):
            kept.pop(0)
    return kept


def _line(words: Sequence[BlockWord], region: Region) -> Line:
    left = min(word.left for word in words)
    top = min(word.top for word in words)
    right = max(word.left + word.width for word in words)
    bottom = max(word.top + word.height for word in words)
    scale = region.scale
    return Line(text=squash(" ".join(word.text for word in words)), page=region.page,
                left=left * scale, top=top * scale, right=right * scale,
                bottom=bottom * scale,
                height=statistics.median(word.height for word in words) * scale,
                confidence=statistics.fmean(word.confidence for word in words),
                pixel_box=(left, top, right, bottom))


def deputy_position(lines: Sequence[str]) -> tuple[str, int] | None:
    """The position of the signer who signs for the head ("KT. <head>", Decree 30) when a
    seal left only the end of the position line, and the index in ``lines`` (the signer
    column's lines above the name, top to bottom) of the line that shows it. The deputy of
    the head is "PHÓ <head>" ("THỨ TRƯỞNG" of "BỘ TRƯỞNG"); a line under the "KT." line
    whose last word is close to the deputy's last word (:data:`DEPUTY_TAIL`) is taken for
    it ("ch y\\ Ũ TỊCH" under "KT. CHỦ TỊCH"). None without such a pair of lines."""
    for index, text in enumerate(lines):
        found = _SIGNS_FOR.match(text)
        if found is None:
            continue
        deputy = _deputy(text[found.end():])
        if deputy is None:
            continue
        tail = fold(deputy.split(" ")[-1])
        for below in range(index + 1, len(lines)):
            words = [word for word in squash(lines[below]).split(" ")
                     if any(char.isalpha() for char in word)]
            if words and similarity(words[-1].strip(".,;:"), tail) >= DEPUTY_TAIL:
                return deputy, below
    return None


def _deputy(head_text: str) -> str | None:
    """The deputy's position of the head position that ``head_text`` starts with (the
    words after "KT.": "TRƯỞNG BAN BAN CHÍNH SÁCH, ..." is "TRƯỞNG BAN"'s)."""
    words = squash(head_text).split(" ")
    for count in range(min(len(words), 5), 0, -1):
        found = valid_position(" ".join(words[:count]))
        if found is None or found[1] < HEAD_POSITION or found[0] not in POSITIONS:
            continue
        head = found[0]
        deputy = "THỨ TRƯỞNG" if head == "BỘ TRƯỞNG" else f"PHÓ {head}"
        return deputy if deputy in POSITIONS and not head.startswith("PHÓ ") else None
    return None


SEALED_TAIL = 0.5
"""How much of a position (share of its letters, at least :data:`SEALED_LETTERS`) the end
of a line must show for the line to be read as that position with its start under the
seal."""

SEALED_LETTERS = 5
"""The fewest letters of a position's end that name it when the seal hid its start."""


def _letters(text: str) -> str:
    return "".join(char for char in fold(text) if char.isalpha())


def _common_tail(left: str, right: str) -> int:
    count = 0
    while count < min(len(left), len(right)) and left[-1 - count] == right[-1 - count]:
        count += 1
    return count


def sealed_position(lines: Sequence[str]) -> tuple[str, int] | None:
    """The position whose start the seal hid, and the index in ``lines`` (the signer
    column's lines above the name, top to bottom) of the line that shows its end: the
    lowest line in capitals whose last letters are the end of a position of the list
    (:data:`SEALED_TAIL` of its letters; "HỦ TỊCH" of "CHỦ TỊCH", "…CH QUỐC HỘI" of "CHỦ
    TỊCH QUỐC HỘI"), cut inside a word or at the line's start. A head and its deputy end
    alike ("CHỦ TỊCH", "PHÓ CHỦ TỊCH"); a deputy signs for the head under a "KT." line
    (Decree 30, Art. 13), so with no such line above, the position is the head's (with
    one, see :func:`deputy_position`). None when no line shows such an end, or it ends
    more than one position."""
    # "KT." however the seal garbled it ("KTSEHỦ TƯỚNG" for "KT. THỦ TƯỚNG"): no
    # Vietnamese word starts with "kt"
    if any(_SIGNS_FOR.match(text) or _letters(text).startswith("kt") for text in lines):
        return None
    for index in range(len(lines) - 1, -1, -1):
        if not is_upper_line(lines[index]):
            continue
        read = _letters(lines[index])
        # where the line's words start, counted in letters from its end: a position's end
        # that starts a word after another word is another position's ("TỔNG THƯ KÝ")
        words = [_letters(word) for word in squash(lines[index]).split(" ")]
        starts = {sum(len(word) for word in words[cut:]) for cut in range(1, len(words))}
        matches = []
        for position in POSITIONS:
            letters = _letters(position)
            tail = _common_tail(read, letters)
            if tail >= max(SEALED_LETTERS, SEALED_TAIL * len(letters)) and (
                    tail == len(read) or tail not in starts):
                matches.append(position)
        heads = [position for position in matches if not any(
            position in (f"PHÓ {other}", "THỨ TRƯỞNG") for other in matches)]
        if len(heads) == 1:
            return heads[0], index
        if matches:
            return None
    return None
