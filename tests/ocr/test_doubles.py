"""Ink Tesseract read twice, in two of its lines, read once (ocr.doubles), from word
boxes (no Tesseract): syn777-00023-giay_moi's italic date line, whose lower half Tesseract
also read in the line of "Số: 115/GM-CCT" below it."""

from __future__ import annotations

from ocr.doubles import drop_double_reads, drop_marks_inside
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


def sure(text: str, left: int, top: int, width: int, height: int, confidence: float) -> Word:
    """A word of line 1 read with ``confidence``."""
    return Word(text, left, top, width, height, confidence, 1, 1)


def test_marks_over_a_name_are_dropped_and_words_beside_it_kept() -> None:
    """46/TB-UBND's signer line as OCR read it: the signature's strokes over "Trần" and
    "Hiền" read as "^" and "VÀ" (inside their boxes, unsure) had joined the name."""
    name = [sure("Trần", 1546, 3111, 121, 52, 72), sure("^", 1615, 3108, 17, 24, 22),
            sure("Phước", 1685, 3121, 157, 42, 96), sure("Hiền", 1859, 3111, 113, 52, 93),
            sure("VÀ", 1906, 3108, 34, 24, 61)]
    assert [w.text for w in drop_marks_inside(name)] == ["Trần", "Phước", "Hiền"]
    # a word read as sure as print stays, even where Tesseract's box of the word before
    # reaches over it ("tịch" over "Ủy" on a real page)
    council = [sure("tịch", 672, 652, 130, 54, 96), sure("Ủy", 757, 652, 37, 64, 94)]
    assert drop_marks_inside(council) == council
    # an unsure word beside another, not inside its box, stays
    beside = [sure("Hiền", 1859, 3111, 113, 52, 93), sure("Và", 1980, 3111, 60, 52, 40)]
    assert drop_marks_inside(beside) == beside
