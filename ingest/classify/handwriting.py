"""Handwritten numbers and days: the blanks of "Số: ___/TTg-CĐS" and "ngày ___ tháng ___
năm 2026" that the records office fills in by hand after signing.

The line is read again on its own with the words' boxes, the blank is located between the
printed words around it ("Số:" and the symbol's "/"; "ngày", "tháng" and "năm"), and its
crop is read again, enlarged, as digits only. A reading is kept when it is confident and
valid (a number of 1-5 digits; a day 1-31 and a month 1-12 making a real date with the
printed year); otherwise the field stays empty and a :class:`Review` entry says where the
crop is (page and box in points), for a person to read it. A single digit read from ink the
digit model finds as wide as two touching digits is no sure reading (a "31" in one stroke
read "4"); a "Số:" word OCR widened over the number is cut where its letters end; a number
line whose tall handwriting spoils its re-reading is read again trimmed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from ingest.classify.lines import Line
from ingest.classify.text import fold, lookalikes
from ocr.handwritten_digits import DigitReading

PixelBox = tuple[int, int, int, int]
"""(left, top, right, bottom) in pixels of the page image OCR read."""

MIN_DIGIT_CONFIDENCE = 50.0
"""Share (0..100) of the ways a blank was read (the digit-only readings, and the full
page's reading when it was all digits) that must agree for the digits to be kept."""

MIN_VOTES = 2
"""...and at least this many of them."""

MAX_DIGITS = 5

MIN_BLANK = 0.4
"""A blank narrower than this many line heights holds no handwriting (the words touch)."""

GLUED_LABEL = 1.4
"""A "Số:" word this many times wider than its letters at the symbol's scale holds more
than the label (the handwritten number OCR joined to it)."""

TRIM = 0.2
"""Share of a number line's box height trimmed off its top and bottom when its words are
read again: handwriting reaching far above and below the printed words makes the box so
tall that the crop takes in the rule above or the line below, and the line reads as
nonsense."""

_LABEL = re.compile(r"^[s58][o06e]?[:;.,]?")
_SLASH_LOOKALIKES = "/|Il1!"


class ReadWord(Protocol):
    """A word OCR read, with its box in the page's pixels (``ocr.model.Word`` is one)."""

    @property
    def text(self) -> str: ...
    @property
    def left(self) -> int: ...
    @property
    def top(self) -> int: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def confidence(self) -> float: ...


@runtime_checkable
class CropReader(Protocol):
    """Reads parts of a page again: a line's words with boxes, and a blank's digits."""

    def words(self, page: int, box: PixelBox) -> Sequence[ReadWord]:
        """The words of the line at ``box`` read alone."""

    def digits(self, page: int, box: PixelBox) -> tuple[Sequence[str], int]:
        """The digits written in ``box``, read a few ways (enlarged, digits only): one
        reading per way, and how many glyphs the ink there holds."""


@runtime_checkable
class GlyphReader(Protocol):
    """Reads a blank glyph by glyph with the handwritten digit model."""

    def glyphs(self, page: int, box: PixelBox) -> DigitReading | None:
        """The blank's glyphs, each with its digits ranked (None: nothing to read)."""


@dataclass(frozen=True)
class Review:
    """A field left empty for a person to read: why, and where its crop is."""

    field: str
    reason: str
    page: int  # 0-based
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in points from the top left
    printed: str | None = None  # what was printed around the blank ("/TTg-CĐS")

    def to_json(self) -> dict[str, Any]:
        """The entry of the classification JSON's ``review`` list."""
        entry: dict[str, Any] = {"field": self.field, "reason": self.reason, "page": self.page,
                                 "box": [round(value, 1) for value in self.box]}
        if self.printed:
            entry["printed"] = self.printed
        return entry


@dataclass(frozen=True)
class Blank:
    """A handwritten blank and what its digit-only reading gave (None: nothing sure)."""

    digits: str | None
    confidence: float
    page: int
    box: tuple[float, float, float, float]  # points

    def review(self, name: str, printed: str | None = None) -> Review:
        """The review entry for this blank when its field cannot be filled."""
        return Review(name, "handwritten", self.page, self.box, printed)


@dataclass(frozen=True)
class NumberBlank:
    """The number line's handwritten part and the printed symbol after it."""

    blank: Blank
    printed: str  # "/TTg-CĐS", "/2026/NĐ-CP"


@dataclass(frozen=True)
class DateBlanks:
    """The day and month blanks of a date line (month None when none was found)."""

    day: Blank
    month: Blank | None


def _right(word: ReadWord) -> int:
    return word.left + word.width


def _to_points(line: Line, box: PixelBox) -> tuple[float, float, float, float]:
    """A pixel box of ``line``'s page in points, from the line's own two boxes."""
    assert line.pixel_box is not None
    px_left, px_top, px_right, _ = line.pixel_box
    scale = (line.right - line.left) / max(px_right - px_left, 1)
    return (line.left + (box[0] - px_left) * scale, line.top + (box[1] - px_top) * scale,
            line.left + (box[2] - px_left) * scale, line.top + (box[3] - px_top) * scale)


def _cut(word: ReadWord, characters: int) -> int:
    """The x where the first ``characters`` characters of ``word`` end (by their share of
    its width: OCR glued a handwritten blank to the printed word before it)."""
    return word.left + round(word.width * min(characters, len(word.text)) / len(word.text))


_TIMES_WIDTHS = dict(zip(
    "0123456789/-:.,ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    (500,) * 10 + (278, 333, 278, 250, 250) + (
        722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722,
        667, 556, 611, 722, 722, 944, 722, 722, 611) + (
        444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500,
        333, 389, 278, 500, 500, 722, 500, 500, 444), strict=True))
"""Advance widths (thousandths of an em) of Times New Roman, the face Decree 30 sets
documents in; a letter with marks takes its base letter's."""


def _times_width(char: str) -> int:
    """The advance width of ``char`` in Times New Roman (thousandths of an em)."""
    base = unicodedata.normalize("NFD", char.replace("Đ", "D").replace("đ", "d"))[:1]
    return _TIMES_WIDTHS.get(base, 500)


def _cut_at_slash(word: ReadWord, slash: int) -> int:
    """The x of the middle of the "/" at index ``slash`` of ``word``, placed by the widths
    its characters take in Times New Roman (digits narrow, capitals wide): a printed number
    glued to its symbol ("7489/KH-UBND") is cut inside its "/", whose sliver the digit
    reading drops, where an even share of the width per character would cut after it."""
    widths = [_times_width(char) for char in word.text]
    share = (sum(widths[:slash]) + widths[slash] / 2) / max(sum(widths), 1)
    return word.left + round(word.width * share)


def _printed_scale(word: ReadWord, start: int, slash: int) -> float | None:
    """Pixels per thousandth of an em of the printed symbol: the part of ``word`` from its
    "/" (at ``slash``, whose middle is at ``start``) to its end, by its Times widths; None
    when that part is too short to tell."""
    tail = word.text[slash:]
    units = sum(_times_width(char) for char in tail) - _times_width("/") / 2
    if len(tail) < 3 or units <= 0:
        return None
    return (word.left + word.width - start) / units


def _label_end(label: ReadWord, colon: int, scale: float | None) -> int:
    """The x where the "Số:" label ends. A colon inside the word ("Số:575") ends it; else
    the word's right end, unless the word is much wider than its letters take at the
    printed symbol's ``scale``: OCR glued the handwritten number to it ("Số:" 186 pixels
    wide over "Số: 575") and the label ends where its own letters do."""
    if 0 <= colon < len(label.text) - 1:
        return _cut(label, colon + 1)
    if scale is not None:
        own = round(scale * sum(_times_width(char) for char in label.text))
        if label.width > GLUED_LABEL * own:
            return label.left + own
    return _right(label)


def _read_blank(reader: CropReader, line: Line, left: int, right: int,
                first_pass: str | None) -> Blank | None:
    """The blank between ``left`` and ``right`` on ``line``, read as digits; None when
    there is no room for handwriting there."""
    assert line.pixel_box is not None
    _, top, _, bottom = line.pixel_box
    height = max(bottom - top, 1)
    if right - left < MIN_BLANK * height:
        return None
    found, glyphs = reader.digits(line.page, (left, top, right, bottom))
    readings = [text for text in found if text.isdigit()]
    if first_pass and first_pass.isdigit():
        readings.append(first_pass)  # the full page's reading counts as one more way
    votes = Counter(readings)
    text, count = votes.most_common(1)[0] if votes else ("", 0)
    confidence = 100.0 * count / max(len(readings), 1)  # of the ways that read digits
    rivals = [other for other in votes if other != text and (
        len(other) > len(text) or (len(other) == len(text) and votes[other] >= 2))]
    # a reading shorter than the ink's glyphs dropped one (a "1" glued to "ngày"); a
    # longer or as frequent rival means the ways disagree
    sure = bool(text) and count >= MIN_VOTES and len(text) <= MAX_DIGITS and not rivals and (
        len(text) >= glyphs) and confidence >= MIN_DIGIT_CONFIDENCE
    if isinstance(reader, GlyphReader):
        model = reader.glyphs(line.page, (left, top, right, bottom))
        if sure and model is not None and model.touching and len(text) <= len(model.ranked):
            # a glyph as wide as two touching digits ("31" written in one stroke) that
            # Tesseract read as one digit ("4"): a digit may be missing, a person reads it
            sure = False
        elif not sure and model is not None and model.text in readings and (
                not model.touching and MAX_DIGITS >= len(model.text) >= glyphs):
            # the digit model reads each glyph; where one of the Tesseract readings is
            # exactly what it read (Tesseract's votes were split, or too few), the two
            # agree: kept. Never a model reading alone, nor one whose glyph may be two
            # touching digits.
            text, sure = model.text, True
    # the blank's crop for a person: a little taller than the line, as handwriting is
    shown = (left, top - height // 2, right, bottom + height // 2)
    return Blank(text if sure else None, confidence, line.page, _to_points(line, shown))


def number_blank(reader: CropReader, line: Line, first_pass: str | None) -> NumberBlank | None:
    """The number line's blank (after "Số:", up to the symbol's "/") read as digits, and
    the printed symbol after it; None when the line's words do not show that shape.
    ``first_pass`` is the number as the full page's OCR read it, if all digits."""
    if line.pixel_box is None:
        return None
    words, label = _number_words(reader, line)
    if label is None:
        return None
    label_word = words[label]
    colon = label_word.text.find(":")
    for index in range(label, len(words)):
        word = words[index]
        text = lookalikes(word.text, dashes=True)
        slash = text.find("/")
        if slash < 0 and index > label and text[:1] in _SLASH_LOOKALIKES and re.match(
                r"^.[A-ZĐ]{1,}[A-Za-zĐđ]*-", text):
            slash, text = 0, "/" + text[1:]  # "ICT-CS": the slash read as a letter
        if slash < 0 or (slash == 0 and index > label and _handwritten_slash(
                text, words[index + 1:])):
            continue
        # where the "/" is: the word's start, or estimated inside a word glued to the
        # number (by Times widths, else by an even share: boxes OCR widened by specks)
        starts = [_cut_at_slash(word, slash), _cut(word, slash)] if slash else [word.left]
        if not slash:
            # a word read between the label and the "/" that ends right of the symbol
            # word's start: OCR widened that box left over the handwriting ("02"
            # [457-527] before "/CTUBND" [446-843]); the blank reaches that word's end
            starts = [max([word.left, *(_right(other) for other in words[label + 1:index]
                                        if other.left >= word.left)])]
        label_end = _label_end(label_word, colon, _printed_scale(word, starts[0], slash)
                               if index > label else None)
        rest = "".join(lookalikes(other.text, dashes=True) for other in words[index + 1:])
        # specks OCR read beside the symbol ("/BTNMT-QLĐT_") are no part of it
        printed = re.sub(r"\s+", "", text[slash:] + rest).strip(".,;:_-~'`\"|")
        blank = None
        for start in dict.fromkeys(starts):
            blank = _read_blank(reader, line, label_end,
                                max(start, label_end) if index == label else start, first_pass)
            if blank is None or blank.digits is not None:
                break
        return NumberBlank(blank, printed) if blank is not None else None
    return None


def _handwritten_slash(text: str, after: Sequence[ReadWord]) -> bool:
    """Whether a word starting with "/" is the handwritten number misread ("46" as "/6"):
    one or two digits after the "/", and a later word of the line holding a "/"."""
    return re.fullmatch(r"/\d{1,2}", text) is not None and any(
        "/" in lookalikes(other.text, dashes=True) for other in after)


def _number_words(reader: CropReader, line: Line) -> tuple[list[ReadWord], int | None]:
    """The words of the number line read alone and the index of its "Số:" label (None when
    neither of its first two words is one). When the label is not found, the line is read
    again with its box trimmed (:data:`TRIM`) to the printed words' height."""
    assert line.pixel_box is not None
    left, top, right, bottom = line.pixel_box
    trim = round(TRIM * (bottom - top))
    words: list[ReadWord] = []
    for box in dict.fromkeys([line.pixel_box, (left, top + trim, right, bottom - trim)]):
        words = list(reader.words(line.page, box))
        label = next((index for index, word in enumerate(words[:2])
                      if _LABEL.match(fold(word.text))), None)
        if label is not None:
            return words, label
    return words, None


def _is_year(word: ReadWord) -> bool:
    return re.search(r"\d{4}", word.text) is not None


def date_blanks(reader: CropReader, line: Line, first_day: str | None,
                first_month: str | None) -> DateBlanks | None:
    """The blanks of "ngày ___ tháng ___ năm YYYY" read as digits; None when the words of
    the line do not show that shape. ``first_day``/``first_month``: the full page's
    reading, if all digits."""
    if line.pixel_box is None:
        return None
    words = list(reader.words(line.page, line.pixel_box))
    year = next((index for index in range(len(words) - 1, -1, -1) if _is_year(words[index])),
                None)
    if year is None or year < 3:
        return None
    year_label = year - 1
    month_label = next((index for index in range(year_label - 1, -1, -1)
                        if fold(words[index].text).startswith("th")
                        and not any(char.isdigit() for char in words[index].text)), None)
    if month_label is None or month_label < 1:
        return None
    day_label = next((index for index in range(month_label - 1, -1, -1)
                      if fold(words[index].text).startswith("ng")), None)
    if day_label is None:
        return None
    label = words[day_label]
    # "ngày" ends where its four letters end: OCR glues a digit written close to it into
    # its box ("ngày30", or "ngày" as wide as "tháng" with a "1" inside it)
    day_left = min(_cut(label, 4), label.left + round(0.9 * words[month_label].width))
    day = _read_blank(reader, line, day_left, words[month_label].left, first_day)
    if day is None:
        return None
    month = _read_blank(reader, line, _right(words[month_label]), words[year_label].left,
                        first_month)
    return DateBlanks(day, month)
