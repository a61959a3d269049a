"""The handwritten digit model (issue 16 §1): trained from scikit-learn's own handwritten
digits, it reads digits written in OpenCV's Hershey script fonts (a hand it never saw),
leaves printed rules and dots out, and says when a glyph may be two touching digits."""

from __future__ import annotations

import cv2
import numpy as np

from ocr.handwritten_digits import DigitReading, digit_model, read_glyphs, segment

NUMBERS = ("15", "239", "07", "46", "2191", "31", "660", "575", "12", "04", "9", "28")


def written(text: str, font: int = cv2.FONT_HERSHEY_SCRIPT_COMPLEX, *, rule: bool = True,
            dots: bool = False, gap: int = 0) -> np.ndarray:
    """``text`` written in a script font on white, ~60 px tall, optionally over a dotted
    blank and with a rule under the line."""
    image = np.full((120, 60 * len(text) + 40 + gap * len(text)), 255, np.uint8)
    x = 20
    for char in text:
        cv2.putText(image, char, (x, 85), font, 2.0, 0, 5, cv2.LINE_AA)
        x += 45 + gap
    if rule:
        cv2.line(image, (0, 117), (image.shape[1], 117), 0, 2)
    if dots:
        for dot in range(5, image.shape[1], 12):
            cv2.circle(image, (dot, 92), 2, 0, -1)
    return image


def test_script_handwriting_is_read() -> None:
    read = [read_glyphs(written(text), 60).text for text in NUMBERS]
    right = sum(got == want for got, want in zip(read, NUMBERS, strict=True))
    assert right >= 10, list(zip(NUMBERS, read, strict=True))


def test_another_script_hand() -> None:
    read = [read_glyphs(written(text, cv2.FONT_HERSHEY_SCRIPT_SIMPLEX), 60).text
            for text in NUMBERS]
    right = sum(got == want for got, want in zip(read, NUMBERS, strict=True))
    assert right >= 8, list(zip(NUMBERS, read, strict=True))


def test_rules_and_dots_are_not_glyphs() -> None:
    assert len(segment(written("46", dots=True), 60)) == 2
    assert segment(written("", dots=True), 60) == []


def test_touching_digits_are_doubtful() -> None:
    apart = read_glyphs(written("31", gap=10), 60)
    assert len(apart.ranked) == 2
    assert not apart.touching
    one = np.full((120, 200), 255, np.uint8)
    cv2.rectangle(one, (40, 25), (110, 95), 0, 6)  # as wide as tall: two digits?
    found = read_glyphs(one, 60)
    assert len(found.ranked) == 1
    assert found.touching


def test_a_reading_allows_the_glyphs_second_choices() -> None:
    reading = DigitReading(("1749", "5362"), (0.5, 0.6))
    assert reading.text == "15"
    assert reading.allows("75")
    assert not reading.allows("45")
    assert not reading.allows("157")  # one digit per glyph


def test_the_model_is_trained_once() -> None:
    assert digit_model() is digit_model()
    ranks = digit_model().rank([np.ones((30, 8), np.uint8)])  # an upright bar
    assert ranks[0][0] == "1"
    assert sorted(ranks[0]) == list("0123456789")
