"""Errors of the OCR package."""

from storage.errors import BadInputError, UnavailableError


class OcrUnavailableError(UnavailableError):
    """Tesseract (or one of its languages) is not installed or does not run."""


class OcrInputError(BadInputError):
    """A page or file cannot be OCR'd as given."""
