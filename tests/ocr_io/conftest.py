"""Fixtures of the OCR input/output tests: files made on the fly next to the corpus ones."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pymupdf
import pytest

from ocr.mupdf import find_text_font

VIETNAMESE_LINE = "Ủy ban nhân dân thành phố Hà Nội quyết định"


@pytest.fixture(scope="session")
def vi_admin(corpus_dir: Path) -> Path:
    """The Vietnamese scans of the corpus."""
    return corpus_dir / "vi-admin"


@pytest.fixture(scope="session")
def real_scans(corpus_dir: Path) -> Path:
    """OCRmyPDF's real scans."""
    return corpus_dir / "real-scans"


@pytest.fixture(scope="session")
def bad_inputs(corpus_dir: Path) -> Path:
    """Files that must be refused or survived."""
    return corpus_dir / "bad-inputs"


@pytest.fixture(scope="session")
def mixed_pdf(tmp_path_factory: pytest.TempPathFactory, vi_admin: Path) -> Path:
    """Page 1: real Vietnamese text (embedded font); page 2: a scan (image only)."""
    path = tmp_path_factory.mktemp("mixed") / "mixed.pdf"
    document = pymupdf.open()
    page = document.new_page(width=595, height=842)
    for row in range(12):
        page.insert_text((72, 100 + 24 * row), f"{VIETNAMESE_LINE} {row}", fontsize=12,
                         fontname="viet", fontfile=str(find_text_font()))
    scan = document.new_page(width=595, height=842)
    scan.insert_image(scan.rect, filename=str(vi_admin / "s100-000-don_de_nghi.jpg"))
    document.save(path)
    return path


def page_with_boxes(height: int = 400, width: int = 600) -> np.ndarray:
    """A white BGR page with three black rectangles, to recognise pages after a round trip."""
    image = np.full((height, width, 3), 255, np.uint8)
    cv2.rectangle(image, (20, 30), (200, 90), (0, 0, 0), -1)
    cv2.rectangle(image, (300, 200), (560, 260), (0, 0, 200), -1)
    return image
