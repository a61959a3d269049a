"""A gray seal lifted before OCR (ocr.preprocess.lift_gray_seal) and the lines Tesseract's
page segmentation left unread, read again (ocr.uncovered), on drawn pages and on generated
scans the OCR never saw (seed 777 of ``benchmarks/ocr_quality.py``)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from ocr import preprocess, uncovered
from ocr.model import Word
from tests.support.synthetic_pdf import Degradation
from tests.support.unseen_scans import read, scanned

DPI = 300


def drawn_page(ring: int | None) -> np.ndarray:
    """A white 300 dpi page with three lines of black print and, when ``ring`` is a gray
    level, a seal's ring of that gray inked over the second and third lines (multiplied,
    as ink on ink)."""
    page = np.full((1200, 1400), 255, np.uint8)
    for row, text in enumerate(("GIAM DOC", "KT. CHU TICH", "Nguyen Van An")):
        cv2.putText(
            page, text, (300, 300 + 220 * row), cv2.FONT_HERSHEY_SIMPLEX, 2.2, 0, 6, cv2.LINE_AA
        )
    if ring is not None:
        seal = np.full_like(page, 255)
        cv2.circle(seal, (600, 560), 210, ring, 14, cv2.LINE_AA)
        cv2.circle(seal, (600, 560), 150, ring, 6, cv2.LINE_AA)
        page = (page.astype(np.float32) * seal / 255.0).astype(np.uint8)
    return page


def test_gray_ring_is_whitened_and_print_under_it_kept() -> None:
    page = drawn_page(ring=None)
    sealed = drawn_page(ring=130)
    lifted = preprocess.lift_gray_seal(sealed, DPI)
    ring = (sealed < 200) & (page > 200)  # the ring's pixels away from the print
    assert (lifted[ring] == 255).mean() > 0.95
    print_ink = page < 100
    assert (lifted[print_ink] < 100).mean() > 0.97


def test_page_without_a_seal_is_left_as_it_is() -> None:
    page = drawn_page(ring=None)
    assert np.array_equal(preprocess.lift_gray_seal(page, DPI), page)


def test_black_ring_is_print_and_stays() -> None:
    sealed = drawn_page(ring=10)
    assert np.array_equal(preprocess.lift_gray_seal(sealed, DPI), sealed)


def faded_page() -> tuple[np.ndarray, np.ndarray]:
    """The drawn page printed faded, as a 1999 copy of a copy: each letter's strokes are
    grains from near black to as light as the seal (3 px, random, blurred), a black signature
    stroke beside them, and a ring of gray 150 over the lines; and the mask of its
    letters."""
    letters = drawn_page(ring=None) < 128
    rng = np.random.default_rng(5)
    coarse = rng.uniform(30, 210, (letters.shape[0] // 3 + 1, letters.shape[1] // 3 + 1))
    grains = np.kron(coarse, np.ones((3, 3)))[: letters.shape[0], : letters.shape[1]]
    blurred = cv2.GaussianBlur(grains.astype(np.float32), (0, 0), 0.7)  # a scan's blur
    page = np.where(letters, blurred, 255).astype(np.uint8)
    cv2.line(page, (500, 900), (900, 700), 0, 5, cv2.LINE_AA)
    seal = np.full_like(page, 255)
    cv2.circle(seal, (600, 560), 210, 150, 14, cv2.LINE_AA)
    cv2.circle(seal, (600, 560), 150, 150, 6, cv2.LINE_AA)
    return (page.astype(np.float32) * seal / 255.0).astype(np.uint8), letters


def test_faded_print_under_a_gray_seal_is_kept() -> None:
    """157/QĐ-UB of 1999: whitening every grain of print as light as the seal broke
    "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" into dots (about 11% of this page's print went)."""
    sealed, letters = faded_page()
    lifted = preprocess.lift_gray_seal(sealed, DPI)
    assert (lifted[letters] < 200).mean() > 0.95
    near_letters = cv2.dilate(letters.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    ring = (sealed < 200) & ~near_letters
    assert (lifted[ring] == 255).mean() > 0.85


def words_of(page: np.ndarray, lines: list[int]) -> list[Word]:
    """One word per drawn line in ``lines`` (0..2), boxed around its ink."""
    words = []
    for row in lines:
        top, bottom = 300 + 220 * row - 70, 300 + 220 * row + 20
        ys, xs = np.nonzero(page[top:bottom] < 128)
        words.append(
            Word(
                text="x" * 5,
                left=int(xs.min()),
                top=top + int(ys.min()),
                width=int(xs.max() - xs.min() + 1),
                height=int(ys.max() - ys.min() + 1),
                confidence=95.0,
                block=1,
                line=row + 1,
            )
        )
    return words * 3  # five words at least make a page worth checking


def test_unread_line_is_found_and_read_lines_are_not() -> None:
    page = drawn_page(ring=None)
    found = uncovered.find_unread_lines(words_of(page, [0, 2]), page)
    assert len(found) == 1
    line = found[0]
    assert line.top >= 300 + 220 - 80
    assert line.bottom <= 300 + 220 + 30
    assert uncovered.find_unread_lines(words_of(page, [0, 1, 2]), page) == []


def test_signer_block_under_a_gray_seal_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """syn777-00004-thong_bao's last page, gray at 200 dpi with uneven light and a seal:
    Tesseract took the signer block for a picture and read none of its lines."""
    monkeypatch.setattr(preprocess, "LIFT_GRAY_SEAL", True)
    pages = scanned(
        tmp_path, 4, Degradation(dpi=200, skew_deg=0.36, noise=0.015, uneven_light=True, seal=True)
    )
    lines = read(pages[-1]).splitlines()
    assert "KT. GIÁM ĐỐC" in lines
    assert "Đoàn Hoài Hạnh" in lines
    assert any(line.startswith("PHÓ G") for line in lines)


@pytest.mark.parametrize("lift", [True, False])
def test_line_dropped_by_page_segmentation_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lift: bool
) -> None:
    """syn777-00019-bao_cao, yellowed colour at 300 dpi: Tesseract merged "- Như trên;"
    into "Nơi nhận:" above it and "PHÓ CHỦ TỊCH" into nothing."""
    monkeypatch.setattr(uncovered, "READ_UNREAD", lift)
    pages = scanned(
        tmp_path,
        19,
        Degradation(dpi=300, skew_deg=1.45, blur=0.72, noise=0.017, color=True, yellow=True),
    )
    text = read(pages[0])
    assert ("- Như trên;" in text and "PHÓ CHỦ TỊCH" in text) is lift
