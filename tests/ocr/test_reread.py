"""Re-reading doubtful lines enlarged (ocr.recognise.reread_doubtful_lines; switched off by
default, kept for the ablation of issue 16 §3): the new words come back where the line is."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr import recognise, tesseract


def _page() -> np.ndarray:
    image = np.full((400, 1200), 255, np.uint8)
    cv2.putText(image, "Uy ban nhan dan 2024", (60, 120), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 0, 2)
    cv2.putText(image, "Quyet dinh so 15", (300, 300), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 0, 2)
    return image


def test_every_doubtful_line_is_read_again_in_its_own_place(
        monkeypatch: pytest.MonkeyPatch) -> None:
    image = _page()
    words = tesseract.recognise(image, lang="vie", psm=3)
    assert len({w.line for w in words}) == 2
    monkeypatch.setattr(recognise, "DOUBTFUL_LINE", 101.0)  # every line is doubtful
    monkeypatch.setattr(recognise, "SYLLABLE_CHOICES", False)
    again = recognise.reread_doubtful_lines(words, image, "vie", 60.0)
    assert again != words  # read again: confidences (at least) change
    for line in {w.line for w in words}:
        old = [w for w in words if w.line == line]
        new = [w for w in again if w.line == line]
        assert new, f"line {line} lost"
        left, top = min(w.left for w in old), min(w.top for w in old)
        right = max(w.left + w.width for w in old)
        assert abs(min(w.left for w in new) - left) <= 6
        assert abs(min(w.top for w in new) - top) <= 6
        assert abs(max(w.left + w.width for w in new) - right) <= 8
        assert "".join(w.text for w in new).replace(" ", "")[:4] == \
            "".join(w.text for w in old).replace(" ", "")[:4]


def test_nothing_is_read_again_when_every_line_is_sure(
        monkeypatch: pytest.MonkeyPatch) -> None:
    image = _page()
    words = tesseract.recognise(image, lang="vie", psm=3)
    monkeypatch.setattr(recognise, "DOUBTFUL_LINE", 0.0)
    assert recognise.reread_doubtful_lines(words, image, "vie", 60.0) is words
