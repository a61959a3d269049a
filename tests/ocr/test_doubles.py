"""Ink Tesseract read twice, in two of its lines, read once (ocr.doubles), from word
boxes (no Tesseract): syn777-00023-giay_moi's italic date line, whose lower half Tesseract
also read in the line of "Số: 115/GM-CCT" below it."""

from __future__ import annotations

from ocr.doubles import drop_double_reads
from ocr.model import Word


def word(text: str, left: int, top: int, width: int, height: int, line: int) -> Word:
    """A word of Tesseract line ``line``."""
    return Word(text, left, top, width, height, 95.0, 1, line)


def date_lines() -> list[Word]:
    """The two lines as Tesseract read them (OCR-image pixels)."""
    return [
        word("uảng", 1365, 448, 82, 40, 4), word("Trị,", 1497, 449, 123, 47, 4),
        word("ngày", 1653, 447, 26, 41, 4), word("25", 1722, 449, 57, 39, 4),
        word("tháng", 1798, 447, 98, 41, 4), word("04", 1944, 449, 55, 39, 4),
        word("Số:", 475, 491, 64, 40, 5), word("115/GM-CCT", 563, 494, 300, 37, 5),
        word("Quảng", 1323, 449, 38, 48, 5), word("Trị,", 1550, 491, 7, 6, 5),
        word("ngày", 1623, 460, 84, 40, 5), word("g", 1898, 460, 27, 40, 5),
    ]


def test_ink_read_twice_is_read_once() -> None:
    kept = drop_double_reads(date_lines())
    texts = sorted((w.left, w.text) for w in kept if w.left > 1000)
    assert [text for _, text in texts] == ["Quảng", "Trị,", "ngày", "25", "tháng", "04"]
    quang = next(w for w in kept if w.text == "Quảng")
    assert (quang.left, quang.left + quang.width) == (1323, 1447)  # both boxes'
    assert sum(w.text in {"Số:", "115/GM-CCT"} for w in kept) == 2


def test_words_of_one_line_and_lines_above_each_other_stay() -> None:
    same_line = [word("Bên", 100, 100, 80, 40, 1), word("B", 190, 100, 30, 40, 1)]
    above = [word("KT.", 1200, 1000, 70, 40, 7), word("CHỦ", 1280, 995, 90, 45, 7),
             word("TỊCH", 1380, 1000, 100, 40, 7)]
    below = [word("PHÓ", 1200, 1032, 90, 45, 8), word("CHỦ", 1300, 1030, 90, 45, 8),
             word("TỊCH", 1400, 1035, 100, 40, 8)]  # accents reach into the line above
    words = same_line + above + below
    assert drop_double_reads(words) == words
    assert drop_double_reads([]) == []
