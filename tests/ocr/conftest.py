"""Fixtures of the OCR tests: corpus pages rendered once per session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ocr.model import PageImage
from tests.ocr.corpus import render_pages


@pytest.fixture(scope="session")
def vi_admin(corpus_dir: Path) -> Path:
    """The Vietnamese administrative scans of the corpus."""
    folder = corpus_dir / "vi-admin"
    assert folder.is_dir(), f"missing: {folder}"
    return folder


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
