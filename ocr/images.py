"""Helpers shared by the input readers and the PDF writer: typed input errors, the pixel
limit, resolution sanity and page-image encoding. Imports neither PyMuPDF nor Pillow."""

from __future__ import annotations

import cv2
import numpy as np

from ocr.errors import OcrInputError
from ocr.model import Image, OcrLimits

DEFAULT_DPI = 300.0
"""The resolution assumed when a file does not say (or says something implausible)."""

JPEG_QUALITY = 80
_MIN_DPI, _MAX_DPI = 50.0, 2400.0
_MAX_PAGE_INCHES = 50.0  # longer side; A0 is 46.8 in


class UnsupportedFormatError(OcrInputError):
    """The file is not one of the formats we read (PDF, JPEG, PNG, TIFF, JPEG 2000)."""


class DamagedFileError(OcrInputError):
    """The file claims a supported format but cannot be read (truncated, corrupt)."""


class EncryptedFileError(OcrInputError):
    """The PDF needs a password to be opened."""


class PageTooLargeError(OcrInputError):
    """A page (or an image on it) has more pixels than ``OcrLimits.max_pixels``."""


def check_pixels(width: int, height: int, limits: OcrLimits, *, subject: str, what: str) -> None:
    """Raise :class:`PageTooLargeError` if ``width x height`` exceeds the pixel limit.

    ``what`` names the thing measured, e.g. ``"page 3"`` or ``"page 3 holds an image that"``.
    """
    if width <= 0 or height <= 0:
        raise DamagedFileError(f"{what} has no pixels ({width}x{height})", subject=subject)
    if width * height > limits.max_pixels:
        raise PageTooLargeError(
            f"{what} is {width}x{height} pixels, above the limit of "
            f"{limits.max_pixels:,} pixels per page",
            subject=subject,
        )


def plausible_dpi(dpi: float | None, width_px: int, height_px: int) -> float:
    """``dpi`` if it is a believable scan resolution for an image of this size, else 300.

    Rejects missing values, values outside 50..2400, and values that would make the page
    longer than 50 inches (phones and editors often write 72 dpi on full-size scans).
    """
    if dpi is None or not _MIN_DPI <= dpi <= _MAX_DPI:
        return DEFAULT_DPI
    if max(width_px, height_px) / dpi > _MAX_PAGE_INCHES:
        return DEFAULT_DPI
    rounded = round(dpi)
    return float(rounded) if abs(dpi - rounded) < 0.05 else float(dpi)


def encode_page_image(image: Image, bilevel: bool, quality: int = JPEG_QUALITY) -> bytes:
    """Encode a page for the output PDF: a 1-bit PNG when ``bilevel`` (gray is thresholded
    at 128), otherwise a JPEG (gray stays one channel) of the given quality."""
    if bilevel:
        gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        binary = np.where(gray >= 128, 255, 0).astype(np.uint8)
        ok, buffer = cv2.imencode(".png", binary, [cv2.IMWRITE_PNG_BILEVEL, 1])
    else:
        ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError(f"OpenCV could not encode a {image.shape} page image")
    return bytes(buffer.tobytes())
