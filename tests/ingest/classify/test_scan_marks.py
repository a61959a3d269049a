"""Scanned fields: printed numbers glued to their symbol, which the handwritten-number
reading took for blanks (the generated scanned set's misses, benchmarks/classify_accuracy.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pymupdf
import pytest

from ingest.classify.handwriting import _cut, _cut_at_slash

FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation2"),
             Path("/usr/share/fonts/truetype/liberation"))


@dataclass(frozen=True)
class PrintedWord:
    """A word as OCR boxes it: its text and its box in pixels."""

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float = 95.0


@pytest.mark.parametrize("text", ["7489/KH-UBND", "83714/TB-VTLTNN", "771/CĐSQG-CCHC",
                                  "5459/NQ-UBND"])
def test_a_number_glued_to_its_symbol_is_cut_inside_its_slash(text: str) -> None:
    path = next((folder / "LiberationSerif-Regular.ttf" for folder in FONT_DIRS
                 if (folder / "LiberationSerif-Regular.ttf").exists()), None)
    assert path is not None, ("Liberation Serif (Times New Roman's metrics; Debian's "
                              "fonts-liberation, installed by scripts/setup.sh) is missing")
    font = pymupdf.Font(fontfile=str(path))  # type: ignore[no-untyped-call]

    def length(part: str) -> float:  # 13 pt at 300 dpi, in pixels
        return float(font.text_length(part, fontsize=13 * 300 / 72))  # type: ignore[no-untyped-call]

    slash = text.index("/")
    digits_end, slash_end = length(text[:slash]), length(text[:slash + 1])
    word = PrintedWord(text, 500, 0, round(length(text)), 50)
    cut = _cut_at_slash(word, slash) - word.left
    assert digits_end <= cut <= slash_end  # the digits whole, the "/" a sliver at most


def test_an_even_share_of_the_width_takes_the_whole_slash() -> None:
    """Why the Times widths: by an even share per character, "7489/KH-UBND" is cut after
    its "/" (read as a fifth glyph, so the printed number went to review)."""
    word = PrintedWord("7489/KH-UBND", 527, 0, 367, 40)
    assert _cut(word, 4) - _cut_at_slash(word, 4) >= 8
