"""The values that flow through the OCR pipeline. Plain, picklable dataclasses: pages move
between worker processes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
"""An OpenCV image: H x W (gray or bilevel 0/255) or H x W x 3 (BGR)."""


@dataclass(frozen=True)
class OcrLimits:
    """Bounds that keep one page from taking the machine down."""

    max_pixels: int = 200_000_000  # per page, after rendering (about A0 at 300 dpi)
    page_timeout_seconds: float = 180.0
    max_pages: int = 2000  # per file: a stack of many dossiers stays well below it
    document_timeout_seconds: float = 1800.0  # the OCR of one file, all pages together
    target_dpi: int = 300  # pages scanned below this are upscaled for recognition
    max_render_dpi: int = 400  # image-only PDF pages are rendered at most this fine


@dataclass
class PageImage:
    """One input page as pixels, before any preprocessing."""

    index: int  # 0-based page number in the input
    image: Image  # BGR (colour) or gray
    dpi: float  # the resolution of ``image`` in pixels per inch
    bilevel: bool = False  # the scan was black and white (1 bit per pixel)


@dataclass(frozen=True)
class Word:
    """One recognised word; the box is in pixels of the *output* (upright, deskewed) page."""

    text: str  # Unicode NFC
    left: int
    top: int
    width: int
    height: int
    confidence: float  # 0..100 as Tesseract reports it
    block: int = 0
    line: int = 0  # line number in reading order over the whole page


@dataclass
class PreparedPage:
    """A page turned upright and deskewed, with the cleaned image Tesseract gets."""

    index: int
    display: Image  # the page as scanned (colour kept), upright and deskewed: goes in the PDF
    ocr_image: Image  # cleaned gray/binary image for recognition, same geometry * ocr_scale
    dpi: float  # resolution of ``display``
    ocr_scale: float  # ocr_image pixels per display pixel (>1 when upscaled)
    rotation: int  # degrees clockwise applied to make the page upright: 0, 90, 180, 270
    skew: float  # degrees of skew measured (and removed)
    bilevel: bool = False


@dataclass
class PageResult:
    """What OCR found on one page, in reading order."""

    index: int
    width: int  # of the output page image, in pixels
    height: int
    dpi: float
    rotation: int
    skew: float
    mean_confidence: float
    words: list[Word] = field(default_factory=list)
    text: str = ""  # the page's text in reading order, lines separated by "\n"
    source: Literal["ocr", "text-layer"] = "ocr"
