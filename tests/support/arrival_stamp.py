"""A scanned paper with our arrival stamp on it, read by the real OCR and classifier: the
classification JSON the intake job stores (``ingest.digitise.classify_words``), computed once
per test session and shared by the register tests on every database and edge."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Any

import pymupdf as _pymupdf

from ingest.classify import Classifier
from ingest.classify.reading import read_file
from ocr.mupdf import find_text_font
from ocr.pipeline import OcrOptions
from tests.support.paths import SHARED

pymupdf: Any = _pymupdf

SCAN = SHARED / "corpus" / "vi-admin" / "s100-004-quyet_dinh.pdf"
"""A corpus scan of a decision of SỞ NỘI VỤ issued on 23 December 2023."""
STAMP_NUMBER, STAMP_DAY = "57", "26/12/2023"
"""What the records office wrote on the stamp: arrival number 57 on 26 December 2023."""


def _stamp_png(font: Path) -> bytes:
    """The rubber stamp (a box, "CÔNG VĂN ĐẾN", the number, the day, where it went)."""
    document = pymupdf.open()
    page = document.new_page(width=150, height=62)
    page.draw_rect(pymupdf.Rect(2, 2, 148, 60), color=(0, 0, 0), width=1.2)
    for y, text, size in ((16, "CÔNG VĂN ĐẾN", 10), (33, f"Số: {STAMP_NUMBER}", 9),
                          (47, f"Ngày: {STAMP_DAY}", 9), (58, "Chuyển: Phòng KT", 7)):
        page.insert_text((10, y), text, fontsize=size, fontname="viet", fontfile=str(font))
    return bytes(page.get_pixmap(dpi=300).tobytes("png"))


def stamped_scan(path: Path) -> Path:
    """The corpus scan with the arrival stamp pressed into its pixels, saved at ``path``."""
    document = pymupdf.open(SCAN)
    document[0].insert_image(pymupdf.Rect(40, 600, 190, 662),
                             stream=_stamp_png(find_text_font()))
    document.save(path)
    return path


@functools.cache
def stamped_classification() -> dict[str, Any]:
    """The classification JSON of the stamped scan, as the intake job stores it."""
    with tempfile.TemporaryDirectory(prefix="sohoa-stamp-") as work:
        scan = stamped_scan(Path(work) / "stamped.pdf")
        with read_file(scan, OcrOptions(jobs=1)) as (document, reread):
            return Classifier().classify(document, reread).to_json()
