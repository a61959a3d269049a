"""Lines Tesseract read as vertical text, read again across (ocr.vertical): on a drawn page
and on a generated scan the OCR never saw (seed 777 of ``benchmarks/ocr_quality.py``)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from ocr import vertical
from ocr.model import Image, Word
from ocr.recognise import DEFAULT_LANG, read_words
from tests.support.synthetic_pdf import Degradation
from tests.support.unseen_scans import read, scanned

ROWS = 6
PITCH = 90


def word(text: str, left: int, top: int, width: int = 30, height: int = 40,
         confidence: float = 90.0, line: int = 1, block: int = 1) -> Word:
    """A word with the given box."""
    return Word(text=text, left=left, top=top, width=width, height=height,
                confidence=confidence, block=block, line=line)


def list_page() -> tuple[Image, list[Word]]:
    """A white page with a numbered list ("1." .. "6.", each followed by a word), and the
    words of a reading that took the numbers for one line of vertical text (garbage, in
    Tesseract line 1) and read the words beside them line by line."""
    page = np.full((200 + ROWS * PITCH, 900), 255, np.uint8)
    words = []
    for row in range(ROWS):
        base = 150 + row * PITCH
        cv2.putText(page, f"{row + 1}.", (100, base), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 0, 4,
                    cv2.LINE_AA)
        cv2.putText(page, "HELLO", (220, base), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 0, 4,
                    cv2.LINE_AA)
        words.append(word("C2", 100, base - 40, width=50, confidence=40.0, line=1, block=2))
        words.append(word("HELLO", 220, base - 40, width=190, confidence=95.0, line=row + 2))
    return page, words


def test_words_one_under_the_other_are_a_vertical_line() -> None:
    _, words = list_page()
    found = vertical.find_vertical_lines(words)
    assert len(found) == 1
    assert {w.text for w in found[0]} == {"C2"}


def test_a_line_of_words_side_by_side_is_not_vertical() -> None:
    words = [word("Một", 100, 100), word("dòng", 150, 102), word("chữ", 200, 99)]
    tall = [word("I", 100, 100, width=10, height=120), word("l", 105, 110, width=10,
                                                              height=100)]  # overlapping
    assert vertical.find_vertical_lines(words + [replace_line(w, 2) for w in tall]) == []


def replace_line(w: Word, line: int) -> Word:
    """``w`` in Tesseract line ``line``."""
    return Word(w.text, w.left, w.top, w.width, w.height, w.confidence, w.block, line)


def test_vertical_line_is_read_again_across() -> None:
    page, words = list_page()
    found = vertical.read_vertical_lines(words, page, DEFAULT_LANG, 30.0, read_words)
    numbers = sorted((w for w in found if w.text != "HELLO"), key=lambda w: w.top)
    assert len(numbers) == ROWS  # one word a row, in the rows' order (the drawn font's
    right = sum(w.text == f"{n}." for n, w in enumerate(numbers, 1))  # "6" may read "ó")
    assert right >= ROWS - 1
    assert sum(w.text == "HELLO" for w in found) == ROWS
    for number in numbers:  # placed back on the page, beside the row's word
        assert 90 <= number.left <= 130


def test_a_worse_reading_across_keeps_the_vertical_one() -> None:
    page, words = list_page()

    def unsure(image: Image, lang: str, psm: int, timeout: float) -> list[Word]:
        return [word("x", 40, 40, confidence=10.0)]

    assert vertical.read_vertical_lines(words, page, DEFAULT_LANG, 30.0, unsure) == words


@pytest.mark.parametrize("again", [True, False])
def test_list_numbers_taken_for_vertical_text_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, again: bool
) -> None:
    """syn777-00031-other, black and white at 240 dpi: Tesseract made the list's numbers a
    column of vertical text and read "C2", "+>", "€Œ" for "3.", "4.", "6."."""
    monkeypatch.setattr(vertical, "READ_VERTICAL", again)
    pages = scanned(tmp_path, 31, Degradation(dpi=240, skew_deg=2.07, noise=0.0489,
                                              seal=True, bilevel=True))
    lines = read(pages[0]).splitlines()
    numbered = sum(any(line.startswith(f"{n}. ") for line in lines) for n in range(2, 10))
    assert (numbered >= 7) is again
