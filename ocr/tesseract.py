"""The one module that runs the Tesseract executable directly.

Everything else in sohoa reaches Tesseract through here, so its failures become
:class:`ocr.errors.OcrUnavailableError` in one place.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

from ocr.errors import OcrUnavailableError

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
