"""Recognition with the real Tesseract on corpus pages: CER, boxes, orientation, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from ocr import preprocess, tesseract
from ocr.errors import OcrInputError, OcrUnavailableError
from ocr.model import OcrLimits, PageImage
from ocr.preprocess import prepare_page
from ocr.recognise import DEFAULT_LANG, recognise_page
from tests.support.ocr_corpus import cer, render_pages, truth

CorpusPage = Callable[[str, int], PageImage]
LIMITS = OcrLimits()
LANG = DEFAULT_LANG


def page_text(page: PageImage) -> str:
    return recognise_page(prepare_page(page, LIMITS), LANG, LIMITS).text


@pytest.mark.parametrize(
    ("document", "bound"),
    [
        ("s101-003-cong_van", 0.015),  # rotated 270, công văn header with "V/v"
        ("s101-005-giay_moi", 0.025),  # rotated 90, 200 dpi, red seal over the signer
        ("s100-003-to_trinh", 0.01),  # bold capitals whose accents Tesseract splits off
        ("s101-002-to_khai", 0.01),  # a form, skewed 3.5 degrees, red seal
    ],
)
def test_single_page_documents_read_within_the_error_bound(
    vi_admin: Path, corpus_page: CorpusPage, document: str, bound: float
) -> None:
    text = page_text(corpus_page(document, 0))
    assert cer(text, truth(vi_admin / f"{document}.pdf")["text"]) <= bound


def test_upside_down_page_reads_like_the_upright_one(
    vi_admin: Path, corpus_page: CorpusPage
) -> None:
    page = corpus_page("s100-002-ke_hoach", 0)
    page.image = preprocess.rotate_upright(page.image, 180)
    prepared = prepare_page(page, LIMITS)
    assert prepared.rotation == 180
    result = recognise_page(prepared, LANG, LIMITS)
    assert cer(result.text, truth(vi_admin / "s100-002-ke_hoach.pdf")["text"]) <= 0.01
    assert result.text.startswith("UBND TỈNH CAO BẰNG\nSỞ NỘI VỤ\nSố: 3280/KH-SNV\nCỘNG HÒA")


def test_boxes_are_in_display_pixels_of_an_upscaled_page(corpus_page: CorpusPage) -> None:
    page = corpus_page("s101-004-thong_bao", 1)  # 200 dpi: recognised at 300
    prepared = prepare_page(page, LIMITS)
    result = recognise_page(prepared, LANG, LIMITS)
    height, width = prepared.display.shape[:2]
    assert (result.width, result.height, result.dpi) == (width, height, 200)
    assert result.rotation == 0
    assert result.skew == pytest.approx(3.4, abs=0.1)
    assert result.mean_confidence > 80
    assert all(w.left >= 0 and w.left + w.width <= width + 1 for w in result.words)
    assert all(w.top >= 0 and w.top + w.height <= height + 1 for w in result.words)
    name = [w for w in result.words if w.text == "Tùng"]
    assert name, result.text
    # the signer's name, in display pixels: right half, lower part of the page
    word = name[-1]
    assert width * 0.5 < word.left < width * 0.9
    assert 8 < word.height < 40  # 13 pt at 200 dpi is about 25 px tall, not 37
    crop = prepared.display[word.top : word.top + word.height, word.left : word.left + word.width]
    assert np.mean(crop) < np.mean(prepared.display) - 10  # the box holds ink
    assert [w.line for w in result.words] == sorted(w.line for w in result.words)


def test_osd_finds_the_rotation_of_a_turned_page(corpus_page: CorpusPage) -> None:
    page = corpus_page("s100-004-quyet_dinh", 0)
    rotation, confidence = tesseract.detect_orientation(
        preprocess.rotate_upright(page.image, 90)
    )
    assert rotation == 270
    assert confidence > 1.0


def test_osd_on_a_blank_page_is_not_an_error() -> None:
    assert tesseract.detect_orientation(np.full((800, 600), 255, np.uint8)) == (0, 0.0)


def test_recognise_blank_page_and_errors() -> None:
    blank = np.full((400, 400), 255, np.uint8)
    assert tesseract.recognise(blank, lang="vie") == []
    with pytest.raises(OcrUnavailableError):
        tesseract.recognise(blank, lang="xyz")
    busy = np.random.default_rng(1).integers(0, 2, (3000, 3000), dtype=np.uint8) * 255
    with pytest.raises(OcrInputError):
        tesseract.recognise(busy, lang="vie", timeout=0.3)


@pytest.mark.slow
def test_whole_corpus_mean_error_rate(vi_admin: Path) -> None:
    rates = []
    for pdf in sorted(vi_admin.glob("*.pdf")):
        text = "\n".join(page_text(page) for page in render_pages(pdf))
        rates.append(cer(text, truth(pdf)["text"]))
    assert sum(rates) / len(rates) <= 0.015
    assert max(rates) <= 0.03
