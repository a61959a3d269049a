"""Orientation of generated scans the OCR never saw (seed 777 of
``benchmarks/ocr_quality.py``): a certificate inside a printed frame, a last page holding
only the recipients and the signer."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from ingest.synthetic import generate_documents
from ocr import preprocess
from ocr.inputs import iter_pages
from ocr.model import OcrLimits, PageImage
from ocr.preprocess import prepare_page
from ocr.recognise import DEFAULT_LANG, recognise_page
from tests.support.ocr_corpus import levenshtein
from tests.support.synthetic_pdf import Degradation, scan_pdf

LIMITS = OcrLimits()
SEED = 777


def scanned(tmp_path: Path, index: int, degradation: Degradation) -> list[PageImage]:
    """Pages of generated document ``index`` (seed 777) scanned with ``degradation``."""
    document = generate_documents(index + 1, seed=SEED)[index]
    pdf = tmp_path / f"{document.doc_id}.pdf"
    scan_pdf(document, pdf, degradation)
    return list(iter_pages(pdf))


def turned(page: PageImage, rotation: int) -> PageImage:
    """The page turned ``rotation`` degrees counter-clockwise (it needs that much
    clockwise turning to be upright again)."""
    image = preprocess.rotate_upright(page.image, (360 - rotation) % 360)
    return PageImage(index=page.index, image=image, dpi=page.dpi, bilevel=page.bilevel)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> PageImage:
    """syn777-00013-giay_chung_nhan: a business registration certificate in a double
    frame, gray at 240 dpi (the benchmark read it turned a quarter: CER 80%)."""
    pages = scanned(tmp_path_factory.mktemp("certificate"), 13,
                    Degradation(dpi=240, skew_deg=0.48, noise=0.01, seal=True))
    return pages[0]


@pytest.mark.parametrize("extra", [0, 90, 180, 270])
def test_framed_certificate_comes_out_upright(certificate: PageImage, extra: int) -> None:
    prepared = prepare_page(turned(certificate, extra), LIMITS, osd=False)
    assert prepared.rotation == extra
    assert prepared.skew == pytest.approx(0.48, abs=0.2)


def test_frame_is_left_out_of_the_analysis(certificate: PageImage) -> None:
    ink, _ = preprocess.analysis_image(certificate.image, certificate.dpi)
    height, width = ink.shape
    # the frame's sides run down the page's edges; text never comes that close
    assert not ink[:, : width // 25].any()
    assert not ink[:, -width // 25 :].any()
    assert ink[height // 10 : height // 2, width // 10 : -width // 10].any()


@pytest.mark.parametrize("extra", [0, 180])
def test_signer_page_comes_out_upright(tmp_path: Path, extra: int) -> None:
    # syn777-00004-thong_bao page 2: 'Nơi nhận:' beside the signer, a gray seal, the rest
    # of the page blank; one profile across both blocks read it as upside down
    pages = scanned(tmp_path, 4, Degradation(dpi=200, skew_deg=0.36, noise=0.015,
                                             uneven_light=True, seal=True))
    prepared = prepare_page(turned(pages[1], extra), LIMITS, osd=False)
    assert prepared.rotation == extra


@pytest.mark.slow
def test_certificate_turned_a_quarter_is_read(certificate: PageImage) -> None:
    prepared = prepare_page(turned(certificate, 90), LIMITS)
    text = recognise_page(prepared, DEFAULT_LANG, LIMITS).text
    lines = text.split("\n")
    assert "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP" in lines
    assert "Mã số doanh nghiệp: 1159894712" in lines
    assert "2. Địa chỉ trụ sở chính: số 32, đường Lê Duẩn, xã Kim Liên," in lines


def test_rules_are_whitened_and_letters_kept() -> None:
    gray = np.full((300, 1200), 255, np.uint8)
    cv2.putText(gray, "Doc lap - Tu do - Hanh phuc", (40, 120), cv2.FONT_HERSHEY_SIMPLEX,
                2.0, 0, 5)
    letters = gray < 128
    cv2.line(gray, (40, 136), (1100, 136), 0, 3)  # an underline touching the descenders
    cleaned = preprocess.remove_rules(gray, 300)
    assert (cleaned[133:140, 40:1100] < 128).mean() < 0.05
    assert (cleaned < 128)[letters].mean() > 0.95


@pytest.mark.slow
def test_header_lines_beside_the_rules_are_read(tmp_path: Path) -> None:
    # syn777-00019-bao_cao: the rules under the agency and under the motto made Tesseract
    # drop 'Số: 606/BC-UBND' and 'Độc lập - Tự do - Hạnh phúc'
    pages = scanned(tmp_path, 19, Degradation(dpi=300, skew_deg=1.45, blur=0.72,
                                              noise=0.017, color=True, yellow=True))
    prepared = prepare_page(pages[0], LIMITS)
    lines = recognise_page(prepared, DEFAULT_LANG, LIMITS).text.split("\n")
    expected = ["ỦY BAN NHÂN DÂN XÃ EA TU", "Số: 606/BC-UBND",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert len(lines) > 4
    for read, line in zip(lines, expected, strict=False):  # the lines, a tone mark aside
        assert levenshtein(read, line) <= 1, (read, line)
