"""A file with too many pages is refused before any work starts, and the OCR of one file
stops at its time budget with a clear reason (issue 13: a small file that expands into
hours of OCR)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pymupdf
import pytest

from ocr.errors import OcrInputError
from ocr.inputs import page_sources
from ocr.model import OcrLimits
from ocr.pipeline import OcrOptions, ocr_file


def _text_pdf(path: Path, pages: int) -> Path:
    with pymupdf.open() as document:
        for number in range(pages):
            document.new_page().insert_text((72, 72), f"Trang {number + 1}")
        document.save(path)
    return path


def _scanned_pdf(path: Path, pages: int) -> Path:
    """Image-only pages (so each is really OCR'd): dark text bars on white."""
    image = np.full((1100, 850), 255, dtype=np.uint8)
    for row in range(150, 900, 60):
        image[row:row + 18, 100:700] = 0
    import cv2

    ok, png = cv2.imencode(".png", image)
    assert ok
    with pymupdf.open() as document:
        for _ in range(pages):
            page = document.new_page(width=612, height=792)
            page.insert_image(page.rect, stream=png.tobytes())
        document.save(path)
    return path


def test_a_pdf_with_more_pages_than_allowed_is_refused_naming_it(tmp_path: Path) -> None:
    path = _text_pdf(tmp_path / "hồ-sơ-dày.pdf", 3)
    assert len(page_sources(path, OcrLimits(max_pages=3))) == 3
    with pytest.raises(OcrInputError) as refused:
        page_sources(path, OcrLimits(max_pages=2))
    assert refused.value.subject == "hồ-sơ-dày.pdf"
    assert "more pages than the 2 accepted" in str(refused.value)


def test_a_multipage_tiff_over_the_limit_is_refused(tmp_path: Path) -> None:
    import cv2

    path = tmp_path / "chong.tif"
    page = np.full((200, 200), 255, dtype=np.uint8)
    assert cv2.imwritemulti(str(path), [page, page, page])
    with pytest.raises(OcrInputError, match="more pages than the 2 accepted"):
        page_sources(path, OcrLimits(max_pages=2))


def test_ocr_stops_at_the_files_time_budget(tmp_path: Path) -> None:
    source = _scanned_pdf(tmp_path / "scan.pdf", 3)
    output = tmp_path / "out.pdf"
    budget = OcrLimits(document_timeout_seconds=0.01)
    with pytest.raises(OcrInputError) as stopped:
        ocr_file(source, output, OcrOptions(lang="eng", jobs=1, limits=budget))
    assert "longer than the 0 s allowed for one file (1 of 3 pages read)" in str(stopped.value)
    assert stopped.value.subject == "scan.pdf"
    assert not output.exists()
    done = ocr_file(source, output, OcrOptions(lang="eng", jobs=1))  # the default budget
    assert len(done.pages) == 3
