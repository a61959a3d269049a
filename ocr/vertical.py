"""Lines Tesseract's layout analysis took for vertical text on an upright page, read again.

A list's numbers ("1.", "2.", ... down the left margin) stand apart from the text beside
them; Tesseract's page segmentation sometimes makes them a column of their own, takes that
column for one line of vertical text (hOCR ``textangle 90``) and reads the digits turned
on their side ("C2", "+>", "€Œ" where "3.", "4.", "6." are). :func:`find_vertical_lines`
finds such lines from the words alone: one Tesseract line whose words stand one under the
other. :func:`read_vertical_lines` reads their boxes again as blocks of horizontal text
(``--psm 6``) and keeps the new reading when Tesseract is surer of it (real vertical text,
read across, scores low and stays as it was).
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable
from dataclasses import replace

import cv2
import numpy as np

from ocr.model import Image, Word
from ocr.stacked import stack, words_box

ReadWords = Callable[[Image, str, int, float], list[Word]]
"""How words are read from an image: (image, lang, psm, timeout) -> words."""

READ_VERTICAL = True
"""Lines read as vertical text are read again across (see :func:`read_vertical_lines`)."""

TALLER = 2.0
"""A line of words one under the other is vertical when its box is at least this many
times as tall as it is wide."""

PAD = 0.4
"""Padding around a vertical line's box, in the page's median word heights (the list
number's full stop, which Tesseract read apart, lies at its right edge). Above and below,
the box also reaches one step of the line (the mean distance from a word's top to the next
one's): the first or last number, which Tesseract's layout analysis may have dropped."""

WITH_LANGUAGE = "eng"
"""Language added to the page's for the read across: ``vie`` alone reads a column of
list numbers without the words beside them badly ("7." as "tÃ"), ``vie+eng`` reads it."""


def _stacked(line: list[Word]) -> bool:
    """Whether a line's words stand one under the other: each starts below the middle of
    the one above it and all share a stretch of columns."""
    ordered = sorted(line, key=lambda w: w.top)
    if max(w.left for w in line) >= min(w.left + w.width for w in line):
        return False
    return all(b.top >= a.top + a.height / 2 for a, b in itertools.pairwise(ordered))


def find_vertical_lines(words: list[Word]) -> list[list[Word]]:
    """The Tesseract lines (words sharing ``line``) of at least two words that stand one
    under the other in a box at least :data:`TALLER` times as tall as it is wide."""
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    found = []
    for line in lines.values():
        if len(line) < 2 or not _stacked(line):
            continue
        left, top, right, bottom = words_box(line)
        if bottom - top >= TALLER * (right - left):
            found.append(line)
    return found


def read_vertical_lines(words: list[Word], image: Image, lang: str, timeout: float,
                        read: ReadWords) -> list[Word]:
    """``words`` with each line :func:`find_vertical_lines` finds read again: its box,
    padded by :data:`PAD` word heights, with the other words reaching into it whitened, all
    such boxes stacked on one canvas and read by ``read`` (``--psm 6``). A box's new words
    replace the vertical line's words and the words whose centre lies in the box (a list
    number's full stop read apart) when their mean confidence is higher than the vertical
    line's."""
    vertical = find_vertical_lines(words)
    if not vertical:
        return words
    gray = image if image.ndim == 2 else np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
    height = statistics.median(w.height for w in words)
    pad = max(2, round(PAD * height))
    edge = max(1, round(0.1 * height))  # a letter's antialiased rim outside its word's box
    crops, origins, replaced = [], [], []
    for line in vertical:
        left, top, right, bottom = words_box(line)
        tops = sorted(w.top for w in line)
        step = round((tops[-1] - tops[0]) / (len(tops) - 1))
        x0, y0 = max(left - pad, 0), max(top - max(pad, step), 0)
        x1, y1 = min(right + pad, gray.shape[1]), min(bottom + max(pad, step), gray.shape[0])
        inside = [w for w in words if x0 <= w.left + w.width / 2 < x1
                  and y0 <= w.top + w.height / 2 < y1]
        x0, y0, x1, y1 = words_box(inside)  # the words to replace, whole
        x0, y0 = max(min(x0, left - pad), 0), max(min(y0, top - max(pad, step)), 0)
        x1 = min(max(x1, right + pad), gray.shape[1])
        y1 = min(max(y1, bottom + max(pad, step)), gray.shape[0])
        crop = np.array(gray[y0:y1, x0:x1], dtype=np.uint8)
        taken = {id(w) for w in inside}
        for other in words:
            if id(other) not in taken:  # a neighbour's edge: already read in full
                crop[max(other.top - edge - y0, 0) : max(other.top + other.height + edge - y0, 0),
                     max(other.left - edge - x0, 0) : max(other.left + other.width + edge - x0,
                                                          0)] = 255
        crops.append(crop)
        origins.append((x0, y0))
        replaced.append(inside)
    stacked = stack(crops)
    languages = lang.split("+")
    found = read(stacked.canvas, "+".join(languages + [WITH_LANGUAGE] * (
        WITH_LANGUAGE not in languages)), 6, timeout)
    line_number = max(w.line for w in words)
    for index, (line, (x0, y0), inside) in enumerate(
            zip(vertical, origins, replaced, strict=True)):
        new = [w for w in stacked.words_in(found, index) if w.text.strip()]
        if not new or not any(c.isalnum() for w in new for c in w.text):
            continue
        if _mean(new) <= _mean(line):
            continue
        top = stacked.slots[index][0]
        numbers: dict[int, int] = {}
        placed = []
        for w in new:
            if w.line not in numbers:
                line_number += 1
                numbers[w.line] = line_number
            placed.append(replace(w, left=x0 + w.left - stacked.gap, top=y0 + w.top - top,
                                  block=line[0].block, line=numbers[w.line]))
        gone = {id(w) for w in inside}
        words = [w for w in words if id(w) not in gone] + placed
    return words


def _mean(words: list[Word]) -> float:
    return sum(w.confidence for w in words) / len(words)
