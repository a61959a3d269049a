"""A black seal's rings whitened before OCR (ocr.black_seal): on drawn pages and on a
black-and-white generated scan the OCR never saw (seed 777 of
``benchmarks/ocr_quality.py``)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from ocr import black_seal
from tests.support.synthetic_pdf import Degradation
from tests.support.unseen_scans import read, scanned

DPI = 240


def _page() -> np.ndarray:
    """A white page (A5-ish at :data:`DPI`) with three lines of black print."""
    page = np.full((1400, 1200), 255, np.uint8)
    for row, text in enumerate(("KT. CHU TICH", "PHO CHU TICH", "Huynh Thanh Quan")):
        cv2.putText(page, text, (300, 400 + 90 * row), cv2.FONT_HERSHEY_DUPLEX, 1.6, 0, 3)
    return page


def _seal(page: np.ndarray, centre: tuple[int, int], radius: int) -> None:
    """A black seal drawn on ``page``: outer and inner ring and ticks between them."""
    cv2.circle(page, centre, radius, 0, 7)
    cv2.circle(page, centre, round(radius * 0.68), 0, 3)
    for angle in np.linspace(0, 2 * np.pi, 34, endpoint=False):
        dx, dy = np.cos(angle), np.sin(angle)
        a = (round(centre[0] + dx * radius * 0.75), round(centre[1] + dy * radius * 0.75))
        b = (round(centre[0] + dx * radius * 0.88), round(centre[1] + dy * radius * 0.88))
        cv2.line(page, a, b, 0, 3)


def test_seal_rings_and_ticks_go_and_print_stays() -> None:
    page = _page()
    print_only = page < 128
    _seal(page, (560, 520), 172)
    rings = black_seal.find_rings(page, DPI)
    assert len(rings) == 2  # outer and inner ring
    x, y, low, high = rings[0]
    assert abs(x - 560) <= 2
    assert abs(y - 520) <= 2
    assert low <= 172 <= high
    lifted = black_seal.lift_black_seal(page, DPI)
    ink = lifted < 128
    # the seal's ink is gone but where it touches print (its ticks crossing a line too)
    assert (ink & ~print_only).sum() < 0.15 * ((page < 128) & ~print_only).sum()
    # the print is almost whole
    assert (ink & print_only).sum() > 0.95 * print_only.sum()


def test_page_without_seal_is_unchanged() -> None:
    """A big letter O, a circled figure, a small ring and an arc of a seal's size are not
    a seal's ring."""
    page = _page()
    cv2.putText(page, "O", (100, 1200), cv2.FONT_HERSHEY_DUPLEX, 8.0, 0, 12)
    cv2.circle(page, (700, 1100), 40, 0, 3)
    cv2.putText(page, "1", (685, 1115), cv2.FONT_HERSHEY_DUPLEX, 1.2, 0, 3)
    cv2.circle(page, (950, 1100), 70, 0, 5)
    cv2.ellipse(page, (600, 800), (170, 170), 0, 200, 340, 0, 7)
    assert black_seal.find_rings(page, DPI) == []
    assert black_seal.lift_black_seal(page, DPI) is page


@pytest.mark.parametrize("lift", [True, False])
def test_signer_under_black_seal_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lift: bool
) -> None:
    """syn777-00029-giay_chung_nhan, black-and-white at 240 dpi: the seal's ring, black,
    touched "PHÓ CHỦ TỊCH" and the name; Tesseract took the signer block for a picture
    and read none of "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH" and "Huỳnh Thành Quân"."""
    monkeypatch.setattr(black_seal, "LIFT_BLACK_SEAL", lift)
    pages = scanned(tmp_path, 29, Degradation(
        dpi=240, skew_deg=-2.27, blur=1.078631771882916, noise=0.06796550663542186,
        seal=True, bilevel=True))
    lines = read(pages[0]).splitlines()
    # "KT. CHỦ TỊCH" and "PHÓ CHỦ TỊCH" (the ring crosses their letters: a letter may be
    # misread) and the name
    assert (sum(line.endswith("CHỦ TỊCH") or line.startswith("PHÓ") for line in lines)
            >= 2) is lift, lines
    assert any(line.endswith("Quân") for line in lines) is lift, lines


def test_an_out_of_round_ring_goes_and_a_stroke_across_it_stays() -> None:
    """A scanned seal is not a perfect circle: its stroke is followed angle by angle. A
    stroke of print crossing it aslant stays whole."""
    page = np.full((1400, 1200), 255, np.uint8)
    cv2.ellipse(page, (560, 620), (176, 168), 0, 0, 360, 0, 7)
    ring = page < 128
    cv2.line(page, (690, 380), (690, 560), 0, 8)  # crosses the ring's upper right aslant
    stroke = (page < 128) & ~ring
    rings = black_seal.find_rings(page, DPI)
    assert rings
    lifted = black_seal.lift_black_seal(page, DPI) < 128
    assert (lifted & ring & ~stroke).sum() < 0.05 * ring.sum()
    assert (lifted & stroke).sum() > 0.97 * stroke.sum()
    # the stroke is whole where it crosses the ring
    assert lifted[380:560, 686:695].any(axis=1).all()
