"""Finding the signer block among a page's words: pure geometry on upright page coordinates.

Coordinates here are points on the page as displayed, origin at the top left, y growing
downwards (PyMuPDF's convention); :mod:`signing.appearance.blocks` gets the words (text layer
or OCR) and turns the result into PDF user space.

A Decree 30 signer block sits in the right-hand column below the body: optional authority
lines ("KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN", "TL.", "TUQ."), the position line, an empty
space for the wet signature, then the signer's full name. The empty space is the largest
vertical gap between the right column's lines below the body; the name is the line below it.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from signing.appearance.geometry import MM

RIGHT_COLUMN = 0.44
"""A right-column line starts at least this share of the page width from the left edge."""
WIDE_LEFT, WIDE_RIGHT = 0.42, 0.58
"""A body line crosses the page's middle: starts left of WIDE_LEFT, ends right of
WIDE_RIGHT (page width shares). The signer block lies below the last one."""
MIN_GAP_LINES = 2.5
MIN_GAP = 10 * MM
"""The signature space is at least this tall and at least MIN_GAP_LINES line heights."""
COLUMN_GAP_LINES = 1.5
"""Words on one row further apart than this many word heights are in different columns."""


@dataclass(frozen=True)
class WordBox:
    """A word and its box on the upright page (points, origin top left)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def height(self) -> float:
        """Height in points."""
        return self.bottom - self.top


@dataclass(frozen=True)
class Line(WordBox):
    """A run of words on one row of one column (points, origin top left)."""

    @property
    def centre_x(self) -> float:
        """Horizontal centre in points."""
        return (self.x0 + self.x1) / 2


def _line(words: list[WordBox]) -> Line:
    return Line(text=" ".join(w.text for w in words), x0=min(w.x0 for w in words),
                top=min(w.top for w in words), x1=max(w.x1 for w in words),
                bottom=max(w.bottom for w in words))


def _rows(words: list[WordBox]) -> list[list[WordBox]]:
    """Words grouped into rows: a word joins the row whose first word's vertical extent
    holds the word's vertical centre (the extent never grows, so tall accented capitals
    cannot chain two rows together)."""
    rows: list[list[WordBox]] = []
    for word in sorted(words, key=lambda w: (w.top + w.bottom) / 2):
        centre = (word.top + word.bottom) / 2
        if rows and rows[-1][0].top <= centre <= rows[-1][0].bottom:
            rows[-1].append(word)
        else:
            rows.append([word])
    return rows


def group_lines(words: Iterable[WordBox]) -> list[Line]:
    """Rows of words cut into column segments where words lie far apart, top to bottom."""
    kept = [w for w in words if any(ch.isalnum() for ch in w.text) and w.height > 0]
    lines: list[Line] = []
    for row in _rows(kept):
        row.sort(key=lambda w: w.x0)
        limit = COLUMN_GAP_LINES * statistics.median(w.height for w in row)
        segment = [row[0]]
        for word in row[1:]:
            if word.x0 - segment[-1].x1 > limit:
                lines.append(_line(segment))
                segment = []
            segment.append(word)
        lines.append(_line(segment))
    return sorted(lines, key=lambda line: (line.top, line.x0))


def locate_block(lines: list[Line], width: float) -> tuple[Line, Line] | None:
    """The (position line, name line) of the signer block, or None when the page has none.

    ``width`` is the upright page's width in points.
    """
    wide = [ln.bottom for ln in lines if ln.x0 < WIDE_LEFT * width and ln.x1 > WIDE_RIGHT * width]
    floor = max(wide, default=0.0)  # the header's right column lies above the body
    column = sorted((ln for ln in lines if ln.x0 >= RIGHT_COLUMN * width and ln.top >= floor),
                    key=lambda ln: ln.top)
    if len(column) < 2:
        return None
    gaps = [(below.top - above.bottom, index)
            for index, (above, below) in enumerate(itertools.pairwise(column))]
    gap, index = max(gaps)
    typical = statistics.median(ln.height for ln in column)
    if gap < max(MIN_GAP, MIN_GAP_LINES * typical):
        return None
    position, name = column[index], column[index + 1]
    if not any(ch.isalpha() for ch in name.text):
        return None
    return position, name
