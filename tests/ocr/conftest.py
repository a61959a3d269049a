"""Fixtures of the OCR tests: the corpus folders, corpus pages rendered once per session,
and files made on the fly next to the corpus ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pymupdf
import pytest

from ocr.model import PageImage
from ocr.mupdf import find_text_font
from tests.support.ocr_corpus import render_pages
from tests.support.ocr_pages import VIETNAMESE_LINE


@pytest.fixture(scope="session")
def vi_admin(corpus_dir: Path) -> Path:
    """The Vietnamese administrative scans of the corpus."""
    folder = corpus_dir / "vi-admin"
    assert folder.is_dir(), f"missing: {folder}"
    return folder


@pytest.fixture(scope="session")
def real_scans(corpus_dir: Path) -> Path:
    """OCRmyPDF's real scans."""
    return corpus_dir / "real-scans"


@pytest.fixture(scope="session")
def bad_inputs(corpus_dir: Path) -> Path:
    """Files that must be refused or survived."""
    return corpus_dir / "bad-inputs"


@pytest.fixture(scope="session")
def corpus_page(vi_admin: Path) -> Callable[[str, int], PageImage]:
    """``corpus_page(document_id, page_index)``: a rendered page (cached)."""
    cache: dict[str, list[PageImage]] = {}

    def get(document: str, index: int) -> PageImage:
        if document not in cache:
            cache[document] = render_pages(vi_admin / f"{document}.pdf")
        page = cache[document][index]
        return PageImage(index=page.index, image=page.image.copy(), dpi=page.dpi)

    return get


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
