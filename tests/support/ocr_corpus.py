"""Corpus helpers for the OCR tests and benchmarks: page rendering and the CER metric."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pymupdf

from ocr.model import PageImage


def render_pages(pdf: Path) -> list[PageImage]:
    """Every page of an image-only PDF as a BGR image at its scan's native resolution."""
    pages = []
    with pymupdf.open(pdf) as document:
        for index, page in enumerate(document):
            xref = page.get_images(full=True)[0][0]
            width = int(document.extract_image(xref)["width"])
            dpi = round(width / (page.rect.width / 72.0))
            pixmap = page.get_pixmap(dpi=dpi)
            array = np.frombuffer(pixmap.samples, np.uint8).reshape(
                pixmap.height, pixmap.width, pixmap.n
            )
            image = cv2.cvtColor(array, cv2.COLOR_RGB2BGR) if pixmap.n == 3 else array[:, :, 0]
            pages.append(PageImage(index=index, image=np.ascontiguousarray(image), dpi=dpi))
    return pages


def truth(pdf: Path) -> dict[str, Any]:
    """The ground truth JSON beside a corpus PDF."""
    data: dict[str, Any] = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
    return data


def normalise(text: str) -> str:
    """NFC, all whitespace collapsed to single spaces (the corpus README's rule)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def levenshtein(a: str, b: str) -> int:
    """Edit distance; one numpy row per character of ``a``."""
    if not a or not b:
        return max(len(a), len(b))
    codes_b = np.array([ord(c) for c in b])
    steps = np.arange(len(b) + 1)
    row = steps.copy()
    for i, char in enumerate(a, 1):
        substitute = row[:-1] + (codes_b != ord(char))
        current = np.empty_like(row)
        current[0] = i
        current[1:] = np.minimum(row[1:] + 1, substitute)
        row = np.minimum.accumulate(current - steps) + steps
    return int(row[-1])


def cer(recognised: str, expected: str) -> float:
    """Character error rate of ``recognised`` against ``expected`` (corpus README)."""
    wanted = normalise(expected)
    return levenshtein(normalise(recognised), wanted) / max(len(wanted), 1)
