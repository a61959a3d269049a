"""Line crops stacked on one canvas, so that Tesseract reads them all in one run, and the
words it finds sent back to the crop each came from.

One Tesseract run costs its start-up and page analysis whatever the image holds; a page's
few lines worth reading again are therefore stacked one under the other, each with a blank
band as tall as the tallest crop above and beside it (so Tesseract keeps them apart).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ocr.model import Image, Word


@dataclass(frozen=True)
class Stack:
    """A canvas of crops: crop ``n`` spans rows ``slots[n]`` and starts at column ``gap``."""

    canvas: Image
    gap: int
    slots: tuple[tuple[int, int], ...]

    def words_in(self, found: Sequence[Word], index: int) -> list[Word]:
        """The words of ``found`` (read on :attr:`canvas`) whose centre lies in crop
        ``index``'s rows."""
        top, bottom = self.slots[index]
        return [w for w in found if top <= w.top + w.height / 2 < bottom]


def stack(crops: Sequence[np.ndarray[Any, Any]], white: int = 255) -> Stack:
    """``crops`` (grayscale, at least one) one under the other on a ``white`` canvas, with a
    blank band as tall as the tallest crop above, between and below them and on both sides."""
    gap = max(c.shape[0] for c in crops)
    width = max(c.shape[1] for c in crops) + 2 * gap
    canvas = np.full((sum(c.shape[0] + gap for c in crops) + gap, width), white, np.uint8)
    slots, y = [], gap
    for crop in crops:
        canvas[y : y + crop.shape[0], gap : gap + crop.shape[1]] = crop
        slots.append((y, y + crop.shape[0]))
        y += crop.shape[0] + gap
    return Stack(canvas=canvas, gap=gap, slots=tuple(slots))


def words_box(words: Sequence[Word]) -> tuple[int, int, int, int]:
    """The box around ``words``: left, top, right, bottom."""
    return (min(w.left for w in words), min(w.top for w in words),
            max(w.left + w.width for w in words), max(w.top + w.height for w in words))
