"""A handwritten blank read by Tesseract and by the digit model (issue 16 §1): when
Tesseract's digit-only readings split (a "1" dropped by some), the model's glyph-by-glyph
reading is kept only when one of them is exactly it; never alone, never when a glyph may be
two touching digits, and a reader without the model behaves as before."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.classify.handwriting import PixelBox, number_blank
from ingest.classify.lines import Line
from ocr.handwritten_digits import DigitReading
from ocr.model import Word

LINE = Line("Số: /QĐ-UBND", 0, left=70, top=100, right=200, bottom=115, height=15,
            pixel_box=(290, 415, 830, 475))
WORDS = [Word("Số:", 290, 415, 90, 60, 90.0), Word("/QĐ-UBND", 560, 415, 270, 60, 90.0)]


@dataclass
class Tesseract:
    """A crop reader whose digit-only readings are given."""

    readings: list[str]
    glyphs_seen: int = 2

    def words(self, page: int, box: PixelBox) -> Sequence[Word]:
        return WORDS

    def digits(self, page: int, box: PixelBox) -> tuple[Sequence[str], int]:
        return self.readings, self.glyphs_seen


@dataclass
class WithModel(Tesseract):
    """...and a digit model whose reading is given."""

    model: DigitReading | None = None

    def glyphs(self, page: int, box: PixelBox) -> DigitReading | None:
        return self.model


FIFTEEN = DigitReading(("1749380265", "5369870124"), (0.55, 0.7))
SPLIT = ["5", "", "15", ""]  # "15" once, "5" once: not sure by votes alone


def test_model_confirms_one_of_the_readings() -> None:
    found = number_blank(WithModel(SPLIT, model=FIFTEEN), LINE, None)
    assert found is not None
    assert found.blank.digits == "15"
    assert found.printed == "/QĐ-UBND"


def test_without_the_model_the_split_is_flagged() -> None:
    found = number_blank(Tesseract(SPLIT), LINE, None)
    assert found is not None
    assert found.blank.digits is None


def test_model_reading_no_tesseract_reading_is_flagged() -> None:
    found = number_blank(WithModel(["5", "", "5", ""], model=FIFTEEN), LINE, None)
    assert found is not None
    assert found.blank.digits is None  # "15" read by the model alone: a person reads it


def test_touching_glyph_is_never_taken() -> None:
    wide = DigitReading(("4970123568",), (1.05,))
    found = number_blank(WithModel(["4", "", "", ""], glyphs_seen=1, model=wide), LINE, None)
    assert found is not None
    assert found.blank.digits is None


def test_the_full_page_reading_counts_as_a_reading() -> None:
    found = number_blank(WithModel(["5", "", "", ""], model=FIFTEEN), LINE, "15")
    assert found is not None
    assert found.blank.digits == "15"
