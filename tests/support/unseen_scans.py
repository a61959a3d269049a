"""Scans of generated documents the OCR never saw (seed 777 of ``benchmarks/ocr_quality.py``),
and their text as ``sohoa ocr`` reads them: the OCR tests that pin one unseen document's
reading build it here."""

from __future__ import annotations

from pathlib import Path

from ingest.synthetic import generate_documents
from ocr.inputs import iter_pages
from ocr.model import OcrLimits, PageImage
from ocr.preprocess import prepare_page
from ocr.recognise import DEFAULT_LANG, recognise_page
from tests.support.synthetic_pdf import Degradation, scan_pdf

SEED = 777
LIMITS = OcrLimits()


def scanned(tmp_path: Path, index: int, degradation: Degradation) -> list[PageImage]:
    """Pages of generated document ``index`` (seed 777) scanned with ``degradation``."""
    document = generate_documents(index + 1, seed=SEED)[index]
    pdf = tmp_path / f"{document.doc_id}.pdf"
    scan_pdf(document, pdf, degradation)
    return list(iter_pages(pdf))


def read(page: PageImage) -> str:
    """The page's text as ``sohoa ocr`` reads it."""
    return recognise_page(prepare_page(page, LIMITS), DEFAULT_LANG, LIMITS).text
