"""Tesseract's guesses at pictures (a signature's strokes, a page frame's corner) dropped
(ocr.recognise.drop_picture_guesses): on word boxes and on a generated scan the OCR never
saw (seed 777 of ``benchmarks/ocr_quality.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocr import recognise
from ocr.model import Word
from ocr.recognise import drop_picture_guesses
from tests.support.synthetic_pdf import Degradation
from tests.support.unseen_scans import read, scanned


def word(text: str, left: int, top: int, width: int = 30, height: int = 40,
         confidence: float = 90.0) -> Word:
    """A word with the given box."""
    return Word(text=text, left=left, top=top, width=width, height=height,
                confidence=confidence, block=1, line=1)


def test_tall_unsure_signs_are_dropped_and_words_kept() -> None:
    body = [word("chữ", 100 + 60 * i, 100) for i in range(6)]
    signature = word("§///25", 300, 300, width=300, height=130, confidence=0.0)
    frame = word("———", 20, 20, width=400, height=140, confidence=44.0)
    digits = word("\\07725", 300, 1100, width=300, height=130, confidence=0.0)
    sure = word("§///25", 300, 500, width=300, height=130, confidence=90.0)
    title = word("QUYẾT", 100, 700, width=300, height=130, confidence=30.0)
    speck = word("»", 100, 900, width=20, height=20, confidence=10.0)
    kept = drop_picture_guesses([*body, signature, frame, digits, sure, title, speck])
    assert kept == [*body, sure, title, speck]
    assert drop_picture_guesses([]) == []


@pytest.mark.parametrize("drop", [True, False])
def test_signature_read_as_signs_is_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drop: bool
) -> None:
    """syn777-00045-giay_chung_nhan, colour at 300 dpi: Tesseract read the signature as
    "§///25" and the page frame's corner as "———"."""
    monkeypatch.setattr(recognise, "DROP_PICTURE_GUESSES", drop)
    pages = scanned(tmp_path, 45, Degradation(dpi=300, skew_deg=-0.38, noise=0.0135,
                                              color=True, seal=True))
    lines = read(pages[0]).splitlines()
    after = lines[lines.index("TRƯỞNG BAN") + 1]
    assert after.endswith("Thị Quỳnh Linh") is drop
    assert (not any("—" in line for line in lines[:2])) is drop


def test_unsure_words_of_signs_only_are_dropped_and_punctuation_kept() -> None:
    body = [word("chữ", 100 + 60 * i, 100) for i in range(6)]
    rule = word("——", 900, 200, width=60, height=8, confidence=36.0)
    ticks = word("———”—”", 900, 300, confidence=18.0)
    numeral = word("[.", 100, 400, confidence=25.0)  # "I." misread: its full stop is text
    end = word("./.", 300, 400, confidence=40.0)
    dash = word("-", 100, 500, confidence=20.0)
    sure = word("——", 900, 600, confidence=90.0)
    kept = drop_picture_guesses([*body, rule, ticks, numeral, end, dash, sure])
    assert kept == [*body, numeral, end, dash, sure]
