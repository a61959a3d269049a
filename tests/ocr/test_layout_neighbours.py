"""Reading order: a word that sits a little lower than its neighbours in a line (no
accent above it, a dot below) stays in their line (ocr.layout.group_lines)."""

from __future__ import annotations

import pytest

from ocr import layout
from ocr.layout import reading_order
from ocr.model import Word


def word(text: str, left: int, top: int, width: int, height: int) -> Word:
    """A word read with confidence 95."""
    return Word(text, left, top, width, height, 95.0)


def signer_rows() -> list[Word]:
    """syn777-00036-thong_bao's "Nơi nhận:" list beside its signer block, boxes as
    Tesseract read them: "CỤC" 8 px lower than "PHÓ" and "TRƯỞNG", whose line the
    left column's "- Các thành viên Tổ công tác;", a little higher, joins."""
    return [
        word("Nơi", 190, 1393, 60, 28), word("nhận:", 262, 1392, 90, 37),
        word("KT.", 1227, 1398, 70, 30), word("CỤC", 1313, 1398, 89, 38),
        word("TRƯỞNG", 1415, 1390, 191, 38),
        word("-", 190, 1452, 12, 3), word("Các", 212, 1437, 55, 26),
        word("thành", 278, 1437, 80, 26), word("viên", 368, 1437, 60, 26),
        word("Tổ", 439, 1436, 40, 27), word("công", 490, 1437, 70, 34),
        word("tác;", 570, 1437, 60, 30),
        word("PHÓ", 1218, 1445, 90, 38), word("CỤC", 1322, 1453, 89, 37),
        word("TRƯỞNG", 1426, 1445, 191, 38),
        word("-", 190, 1495, 12, 3), word("Lưu:", 213, 1481, 60, 33),
        word("VT.", 291, 1481, 50, 30),
        word("Võ", 1300, 1700, 50, 34), word("Gia", 1360, 1700, 60, 34),
        word("Sơn", 1430, 1700, 60, 34),
    ]


@pytest.mark.parametrize("neighbours", [True, False])
def test_lower_word_stays_in_its_neighbours_line(
    monkeypatch: pytest.MonkeyPatch, neighbours: bool
) -> None:
    monkeypatch.setattr(layout, "NEIGHBOUR_LINES", neighbours)
    _, text = reading_order(list(reversed(signer_rows())), 2481)
    assert ("PHÓ CỤC TRƯỞNG" in text.split("\n")) is neighbours


def test_lines_a_line_apart_stay_apart() -> None:
    _, text = reading_order(signer_rows(), 2481)
    assert text.split("\n") == [
        "Nơi nhận:", "- Các thành viên Tổ công tác;", "- Lưu: VT.",
        "KT. CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG", "Võ Gia Sơn",
    ]
