"""Orientation, skew, seal removal and resolution of ocr.preprocess on real corpus pages."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest

from ocr import preprocess
from ocr.model import OcrLimits, PageImage
from ocr.preprocess import prepare_page

CorpusPage = Callable[[str, int], PageImage]
LIMITS = OcrLimits()


def residual_skew(display: np.ndarray, dpi: float) -> float:
    """Skew measured again on a prepared page."""
    ink, _ = preprocess.analysis_image(display, dpi)
    return preprocess.measure_skew(ink)[0]


def turned(page: PageImage, rotation: int) -> PageImage:
    """The page turned ``rotation`` degrees counter-clockwise (so it needs that much
    clockwise turning to be upright again)."""
    image = preprocess.rotate_upright(page.image, (360 - rotation) % 360)
    return PageImage(index=page.index, image=image, dpi=page.dpi)


def tilted(page: PageImage, degrees: float) -> PageImage:
    """The page turned ``degrees`` counter-clockwise about its centre, corners white."""
    return PageImage(index=page.index, image=preprocess.deskew(page.image, -degrees),
                     dpi=page.dpi)


@pytest.mark.parametrize(
    ("document", "index", "expected"),
    [("s101-003-cong_van", 0, 270), ("s101-005-giay_moi", 0, 90)],
)
def test_rotated_corpus_pages_come_out_upright(
    corpus_page: CorpusPage, document: str, index: int, expected: int
) -> None:
    page = corpus_page(document, index)
    prepared = prepare_page(page, LIMITS, osd=False)
    assert prepared.rotation == expected
    height, width = page.image.shape[:2]
    assert prepared.display.shape[:2] == (width, height)  # turned a quarter
    assert abs(residual_skew(prepared.display, prepared.dpi)) < 0.15


@pytest.mark.parametrize(
    ("document", "index", "extra"),
    [
        ("s100-002-ke_hoach", 0, 180),
        ("s100-002-ke_hoach", 0, 90),
        ("s101-004-thong_bao", 1, 270),  # 200 dpi, red seal, skewed
        ("s101-004-thong_bao", 1, 180),
        ("s101-005-giay_moi", 0, 180),  # already turned 90: 270 in all
        ("s100-005-bao_cao", 1, 180),  # a page with little text
    ],
)
def test_pages_turned_in_the_test_come_out_upright(
    corpus_page: CorpusPage, document: str, index: int, extra: int
) -> None:
    original = corpus_page(document, index)
    upright = prepare_page(original, LIMITS, osd=False)
    prepared = prepare_page(turned(original, extra), LIMITS, osd=False)
    assert prepared.rotation == (upright.rotation + extra) % 360
    assert prepared.skew == pytest.approx(upright.skew, abs=0.15)
    assert abs(residual_skew(prepared.display, prepared.dpi)) < 0.15


def test_skew_matches_the_ground_truth(corpus_page: CorpusPage) -> None:
    # s101-001 page 1 was skewed by 4.44 degrees (the corpus JSON), s101-002 by -3.55
    assert prepare_page(corpus_page("s101-001-quyet_dinh", 0), LIMITS).skew == (
        pytest.approx(4.44, abs=0.1)
    )
    assert prepare_page(corpus_page("s101-002-to_khai", 0), LIMITS).skew == (
        pytest.approx(-3.55, abs=0.1)
    )


@pytest.mark.parametrize("degrees", [10.0, -10.0, 15.0, -15.0])
def test_skew_up_to_fifteen_degrees_is_removed(corpus_page: CorpusPage, degrees: float) -> None:
    page = corpus_page("s100-004-quyet_dinh", 0)  # skewed 0.75 degrees as scanned
    prepared = prepare_page(tilted(page, degrees), LIMITS, osd=False)
    assert prepared.rotation == 0
    assert prepared.skew == pytest.approx(0.75 + degrees, abs=0.15)
    assert abs(residual_skew(prepared.display, prepared.dpi)) < 0.15


def test_display_keeps_colour_and_low_resolution_pages_are_upscaled(
    corpus_page: CorpusPage,
) -> None:
    page = corpus_page("s101-004-thong_bao", 1)  # 200 dpi, colour
    prepared = prepare_page(page, LIMITS)
    assert prepared.display.ndim == 3
    assert prepared.display.shape == page.image.shape
    assert prepared.ocr_scale == pytest.approx(1.5)
    height, width = prepared.display.shape[:2]
    assert prepared.ocr_image.shape == (round(height * 1.5), round(width * 1.5))
    assert set(np.unique(prepared.ocr_image)) <= {0, 255}
    full = prepare_page(corpus_page("s100-002-ke_hoach", 0), LIMITS)  # 300 dpi
    assert full.ocr_scale == 1.0
    assert full.ocr_image.shape == full.display.shape[:2]


def _text_page() -> np.ndarray:
    """Black text on yellowed paper with a light-to-dark gradient."""
    page = np.full((600, 900, 3), (190, 225, 240), np.uint8)  # BGR: yellowish
    shade = np.linspace(1.0, 0.7, 900)[None, :, None]
    page = (page * shade).astype(np.uint8)
    for row in range(4):
        cv2.putText(page, "CHU TICH 2024 Hoang", (60, 180 + 90 * row),
                    cv2.FONT_HERSHEY_SIMPLEX, 2.0, (20, 20, 20), 5, cv2.LINE_AA)
    return page


def test_red_seal_disappears_and_the_text_under_it_survives() -> None:
    clean = _text_page()
    sealed = clean.copy()
    overlay = sealed.copy()
    cv2.circle(overlay, (450, 300), 170, (40, 40, 210), 14)
    cv2.circle(overlay, (450, 300), 120, (40, 40, 210), 6)
    cv2.putText(overlay, "UBND", (330, 320), cv2.FONT_HERSHEY_SIMPLEX, 2.5, (40, 40, 210), 8)
    sealed = cv2.addWeighted(overlay, 0.8, sealed, 0.2, 0)
    sealed = np.minimum(sealed, clean)  # the seal's ink does not lighten black text
    flat = preprocess.clean_for_ocr(sealed, 300)
    text_clean = preprocess.binarise(preprocess.clean_for_ocr(clean, 300)) == 0
    text_sealed = preprocess.binarise(flat) == 0
    ring = cv2.circle(np.zeros((600, 900), np.uint8), (450, 300), 170, 255, 14) > 0
    ring &= ~cv2.dilate(text_clean.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    assert np.median(flat[ring]) > 235  # the ring is paper-white
    assert text_sealed[ring].mean() < 0.02
    overlap = (text_clean & text_sealed).sum() / (text_clean | text_sealed).sum()
    assert overlap > 0.95  # the text, under the seal too, is kept
    # a plain gray conversion keeps the seal as a dark ring: the test can tell
    gray = cv2.cvtColor(sealed, cv2.COLOR_BGR2GRAY)
    assert np.median(preprocess.normalise_background(gray, 300)[ring]) < 190


def test_background_is_flattened() -> None:
    page = _text_page()
    flat = preprocess.clean_for_ocr(page, 300)
    paper = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) > 120
    assert np.percentile(flat[paper], 10) > 235  # the dark right side is white now
