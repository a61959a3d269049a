"""Ink Tesseract read twice, once in each of two of its lines, read once.

Tesseract's layout analysis sometimes gives the descenders and the lower half of an italic
line ("Quảng Trị, ngày 25 tháng 04 năm 2022") to a line of its own, or to the line of the
other column below it ("Số: 115/GM-CCT"), and reads them there again: "Quảng" beside the
first line's "uảng", a second "ngày" over the first, a "g" after "tháng", a "Trị," the size
of its comma. :func:`drop_double_reads` keeps one reading of such ink.
"""

from __future__ import annotations

import statistics
from dataclasses import replace

from ocr.model import Word

DROP_DOUBLES = True
"""Words read twice are read once (see :func:`drop_double_reads`)."""

TOUCH = 0.25
"""Two words touch when the gap between their boxes is at most this many word heights."""


ROWS = 0.5
"""... and share at least this share of the smaller box's rows (the lines above and below,
whose accents and descenders reach into each other's boxes, share fewer)."""


def _double(shorter: Word, longer: Word, reach: float) -> bool:
    """Whether ``shorter`` is ``longer``'s ink read again: another Tesseract line, a text
    ``longer``'s holds, boxes sharing :data:`ROWS` and touching or overlapping across."""
    if shorter.line == longer.line or shorter.text not in longer.text:
        return False
    if len(shorter.text) == len(longer.text) and shorter.width * shorter.height > (
            longer.width * longer.height):
        return False  # the same text: the larger box is kept
    across = max(shorter.left - (longer.left + longer.width),
                 longer.left - (shorter.left + shorter.width))
    down = min(shorter.top + shorter.height, longer.top + longer.height) - max(
        shorter.top, longer.top)
    return across <= reach and down >= ROWS * min(shorter.height, longer.height)


def drop_double_reads(words: list[Word]) -> list[Word]:
    """``words`` without a word whose text another word of another Tesseract line holds
    ("g" of "tháng", "uảng" of "Quảng", "ngày" of "ngày") when their boxes share rows and
    touch (:data:`TOUCH`); the word kept takes the union of both boxes."""
    if len(words) < 2:
        return words
    reach = TOUCH * statistics.median(w.height for w in words)
    kept: list[Word | None] = list(words)
    for index, word in enumerate(words):
        if not word.text.strip() or not any(c.isalnum() for c in word.text):
            continue
        for other_index, other in enumerate(kept):
            if other_index == index or other is None or kept[index] is None:
                continue
            if _double(word, other, reach):
                left, top = min(word.left, other.left), min(word.top, other.top)
                right = max(word.left + word.width, other.left + other.width)
                bottom = max(word.top + word.height, other.top + other.height)
                kept[other_index] = replace(other, left=left, top=top, width=right - left,
                                            height=bottom - top)
                kept[index] = None
                break
    return [w for w in kept if w is not None]


DROP_INSIDE = True
"""Marks read inside another word's box are dropped (see :func:`drop_marks_inside`)."""

INSIDE = 0.8
"""A word lies inside another when at least this share of its box is in the other's box."""

MARK_CONFIDENCE = 65.0
"""... and is dropped only when read with a confidence under this: Tesseract's box of a
word sometimes reaches over the next word ("TANG" over "ĐỐI", "tịch" over "Ủy" on the real
set), which it reads with the confidence of print (80-94)."""


def _inside_share(word: Word, other: Word) -> float:
    """The share of ``word``'s box that lies in ``other``'s box."""
    across = min(word.left + word.width, other.left + other.width) - max(word.left, other.left)
    down = min(word.top + word.height, other.top + other.height) - max(word.top, other.top)
    if across <= 0 or down <= 0:
        return 0.0
    return across * down / max(word.width * word.height, 1)


def drop_marks_inside(words: list[Word]) -> list[Word]:
    """``words`` without an unsure word (:data:`MARK_CONFIDENCE`) whose box lies inside
    (:data:`INSIDE`) the larger box of a word read with more confidence: printed words do
    not overlap, so such a word is a stroke over the other's ink (a signature's loop over
    the signer's name read as "VÀ", a "^") or ink read twice."""
    if len(words) < 2:
        return words
    return [word for word in words
            if word.confidence >= MARK_CONFIDENCE
            or not any(other is not word and other.confidence > word.confidence
                       and other.width * other.height > word.width * word.height
                       and _inside_share(word, other) >= INSIDE for other in words)]
