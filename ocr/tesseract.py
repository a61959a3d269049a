"""The one module that runs the Tesseract executable directly.

Everything else in sohoa reaches Tesseract through here, so its failures become
:class:`ocr.errors.OcrUnavailableError` in one place.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass

import cv2
import numpy as np
import pytesseract

from ocr.errors import OcrInputError, OcrUnavailableError
from ocr.model import Image, Word

REQUIRED_LANGUAGES = ("vie", "eng")


@dataclass(frozen=True)
class TesseractInfo:
    """What the installed Tesseract is and which languages it has."""

    command: str
    version: str
    languages: tuple[str, ...]

    @property
    def missing_languages(self) -> tuple[str, ...]:
        """Required languages that are not installed."""
        return tuple(lang for lang in REQUIRED_LANGUAGES if lang not in self.languages)


def _run(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise OcrUnavailableError(f"cannot run: {error}", subject=command[0]) from error
    if done.returncode != 0:
        raise OcrUnavailableError(
            f"exited with {done.returncode}: {done.stderr.strip()[:200]}", subject=command[0]
        )
    return done.stdout + done.stderr


def tesseract_info(command: str = "tesseract") -> TesseractInfo:
    """Ask Tesseract for its version and installed languages.

    Raises :class:`OcrUnavailableError` when the command is missing or fails.
    """
    if shutil.which(command) is None:
        raise OcrUnavailableError("not found on PATH (install tesseract-ocr)", subject=command)
    version_text = _run([command, "--version"])
    match = re.search(r"tesseract\s+v?(\S+)", version_text)
    version = match.group(1) if match else version_text.splitlines()[0].strip()
    langs_text = _run([command, "--list-langs"])
    languages = tuple(
        sorted(line.strip() for line in langs_text.splitlines()[1:] if line.strip())
    )
    return TesseractInfo(command=command, version=version, languages=languages)


# --- recognition and orientation (pytesseract) -------------------------------------------

# Tesseract's OpenMP threads fight the worker processes for the cores and make it slower, not
# faster, when pages run in parallel: one thread per Tesseract process. pytesseract passes
# os.environ to the child process, so this is set once, at import.
os.environ["OMP_THREAD_LIMIT"] = "1"

OSD_MAX_SIDE = 1200
"""Images are downscaled to this longest side for orientation detection (OSD is slow)."""

RECOGNITION_CONFIG = "--oem 1 -c preserve_interword_spaces=0"
"""LSTM engine only; Tesseract's own spacing rules."""


def _tesseract_failure(error: Exception, what: str) -> OcrUnavailableError | OcrInputError:
    """Map a pytesseract failure to sohoa's errors."""
    if isinstance(error, pytesseract.TesseractNotFoundError):
        return OcrUnavailableError("not found on PATH (install tesseract-ocr)", subject="tesseract")
    message = str(error)
    if isinstance(error, RuntimeError) and "timeout" in message.lower():
        return OcrInputError(f"{what} took too long and was stopped", subject="tesseract")
    if "Failed loading language" in message or "Error opening data file" in message:
        return OcrUnavailableError(f"language data missing: {message[:200]}", subject="tesseract")
    if isinstance(error, OSError):
        return OcrUnavailableError(f"cannot run: {error}", subject="tesseract")
    return OcrInputError(f"{what} failed: {message[:200]}", subject="tesseract")


def detect_orientation(image: Image, timeout: float = 30.0) -> tuple[int, float]:
    """Tesseract OSD: the clockwise rotation (0/90/180/270) that makes the page upright,
    and OSD's orientation confidence.

    The image is downscaled first (OSD needs no fine detail). A page with too little text
    for OSD gives ``(0, 0.0)`` rather than an error.
    """
    height, width = image.shape[:2]
    scale = OSD_MAX_SIDE / max(height, width)
    small = image
    if scale < 1.0:
        small = np.asarray(
            cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), np.uint8
        )
    try:
        found = pytesseract.image_to_osd(
            small, config="--psm 0", output_type=pytesseract.Output.DICT, timeout=timeout
        )
    except pytesseract.TesseractError as error:
        if "Too few characters" in str(error) or "Invalid resolution" in str(error):
            return 0, 0.0
        raise _tesseract_failure(error, "orientation detection") from error
    except (RuntimeError, OSError) as error:
        raise _tesseract_failure(error, "orientation detection") from error
    rotate = int(found.get("rotate", 0)) % 360
    return rotate, float(found.get("orientation_conf", 0.0))


def recognise(
    image: Image, lang: str = "vie+eng", psm: int = 3, timeout: float = 180.0
) -> list[Word]:
    """Recognise the words of a prepared (upright, deskewed, cleaned) page image.

    Boxes are in the pixels of ``image``; text is NFC; empty entries are dropped;
    ``block`` is Tesseract's block number and ``line`` a page-wide running number of
    Tesseract's (block, paragraph, line) groups (``ocr.layout`` re-orders them).
    Raises :class:`OcrUnavailableError` when Tesseract or the language is missing and
    :class:`OcrInputError` when the page fails or exceeds ``timeout`` seconds.
    """
    try:
        data = pytesseract.image_to_data(
            image,
            lang=lang,
            config=f"--psm {psm} {RECOGNITION_CONFIG}",
            output_type=pytesseract.Output.DICT,
            timeout=timeout,
        )
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError) as error:
        raise _tesseract_failure(error, "recognition") from error
    except (RuntimeError, OSError) as error:
        raise _tesseract_failure(error, "recognition") from error
    words: list[Word] = []
    line_numbers: dict[tuple[int, int, int], int] = {}
    for i, raw in enumerate(data["text"]):
        text = unicodedata.normalize("NFC", str(raw)).strip()
        if not text:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        line = line_numbers.setdefault(key, len(line_numbers) + 1)
        words.append(
            Word(
                text=text,
                left=int(data["left"][i]),
                top=int(data["top"][i]),
                width=int(data["width"][i]),
                height=int(data["height"][i]),
                confidence=max(float(data["conf"][i]), 0.0),
                block=key[0],
                line=line,
            )
        )
    return words
