"""The one module that runs the Tesseract executable directly.

Everything else in sohoa reaches Tesseract through here, so its failures become
:class:`ocr.errors.OcrUnavailableError` in one place.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import cv2
import numpy as np
from PIL import Image as PILImage

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
        done = subprocess.run(command, capture_output=True, text=True, timeout=20, check=False,
                              env=tesseract_environment())
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


# --- recognition and orientation --------------------------------------------------------

# Tesseract's OpenMP threads fight the worker processes for the cores and make it slower, not
# faster, when pages run in parallel: one thread per Tesseract process. Each Tesseract
# process is given that in its own environment; this process's environment is left alone.
TESSERACT_ENVIRONMENT = {"OMP_THREAD_LIMIT": "1"}

OSD_MAX_SIDE = 1200
"""Images are downscaled to this longest side for orientation detection (OSD is slow)."""

RECOGNITION_CONFIG = "--oem 1 -c preserve_interword_spaces=0"
"""LSTM engine only; Tesseract's own spacing rules."""

_NOT_FOUND = "not found on PATH (install tesseract-ocr)"


def tesseract_environment() -> dict[str, str]:
    """The environment a Tesseract process runs with: this process's, plus
    :data:`TESSERACT_ENVIRONMENT`."""
    return {**os.environ, **TESSERACT_ENVIRONMENT}


def _tesseract(image: Image, arguments: list[str], output: str, timeout: float,
               what: str) -> str:
    """Run ``tesseract IMAGE OUTPUT_BASE ARGUMENTS`` on ``image`` (written as PNG, as
    pytesseract did) with :func:`tesseract_environment`, and return the ``output`` file
    (``tsv``, ``osd``) it wrote."""
    picture = PILImage.fromarray(image)
    if "A" in picture.getbands():  # an alpha channel: flattened onto white
        background = PILImage.new("RGB", picture.size, (255, 255, 255))
        background.paste(picture, (0, 0), picture.getchannel("A"))
        picture = background
    with tempfile.TemporaryDirectory(prefix="sohoa-tesseract-") as directory:
        source, base = Path(directory) / "input.PNG", Path(directory) / "output"
        picture.save(source, format="PNG")
        try:
            done = subprocess.run(
                ["tesseract", str(source), str(base), *arguments], env=tesseract_environment(),
                stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout or None,
                check=False)
        except FileNotFoundError as error:
            raise OcrUnavailableError(_NOT_FOUND, subject="tesseract") from error
        except subprocess.TimeoutExpired as error:
            raise OcrInputError(f"{what} took too long and was stopped",
                                subject="tesseract") from error
        except OSError as error:
            raise OcrUnavailableError(f"cannot run: {error}", subject="tesseract") from error
        if done.returncode != 0:
            message = " ".join(done.stderr.decode("utf-8", "replace").splitlines()).strip()
            raise _TesseractFailedError(done.returncode, message)
        return (base.parent / f"{base.name}.{output}").read_text(encoding="utf-8")


class _TesseractFailedError(Exception):
    """Tesseract exited with an error (``message``: its stderr on one line)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"exited with {status}: {message}")
        self.message = message


def _tesseract_failure(error: _TesseractFailedError, what: str) -> Exception:
    """Map a Tesseract error exit to sohoa's errors."""
    message = error.message
    if "Failed loading language" in message or "Error opening data file" in message:
        return OcrUnavailableError(f"language data missing: {message[:200]}", subject="tesseract")
    return OcrInputError(f"{what} failed: {message[:200]}", subject="tesseract")


def _osd_values(text: str) -> dict[str, float]:
    """The numbers of Tesseract's OSD report (``Rotate: 90``, ``Orientation confidence: 2.1``)."""
    values: dict[str, float] = {}
    for line in text.split("\n"):
        parts = line.split(": ")
        if len(parts) == 2:
            try:
                values[parts[0]] = float(parts[1])
            except ValueError:
                continue
    return values


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
        found = _osd_values(_tesseract(small, ["-l", "osd", "--psm", "0"], "osd", timeout,
                                       "orientation detection"))
    except _TesseractFailedError as error:
        if "Too few characters" in error.message or "Invalid resolution" in error.message:
            return 0, 0.0
        raise _tesseract_failure(error, "orientation detection") from error
    rotate = int(found.get("Rotate", 0)) % 360
    return rotate, found.get("Orientation confidence", 0.0)


def _tsv_words(text: str) -> list[dict[str, str]]:
    """The rows of Tesseract's TSV output by column name (the last row's empty text cell,
    lost to the final newline, put back)."""
    rows = [row.split("\t") for row in text.strip().split("\n")]
    header = rows[0]
    return [dict(zip(header, row + [""] * (len(header) - len(row)), strict=True))
            for row in rows[1:]]


def recognise(
    image: Image, lang: str = "vie+eng", psm: int = 3, timeout: float = 180.0,
    whitelist: str | None = None,
) -> list[Word]:
    """Recognise the words of a prepared (upright, deskewed, cleaned) page image.

    Boxes are in the pixels of ``image``; text is NFC; empty entries are dropped;
    ``block`` is Tesseract's block number and ``line`` a page-wide running number of
    Tesseract's (block, paragraph, line) groups (``ocr.layout`` re-orders them).
    ``whitelist`` limits the characters Tesseract may read (``"0123456789"``: a digit-only
    pass over a handwritten number's crop).
    Raises :class:`OcrUnavailableError` when Tesseract or the language is missing and
    :class:`OcrInputError` when the page fails or exceeds ``timeout`` seconds.
    """
    arguments = ["-l", lang, "-c", "tessedit_create_tsv=1", "--psm", str(psm),
                 *RECOGNITION_CONFIG.split()]
    if whitelist:
        arguments += ["-c", f"tessedit_char_whitelist={whitelist}"]
    try:
        rows = _tsv_words(_tesseract(image, arguments, "tsv", timeout, "recognition"))
    except _TesseractFailedError as error:
        raise _tesseract_failure(error, "recognition") from error
    words: list[Word] = []
    line_numbers: dict[tuple[int, int, int], int] = {}
    for row in rows:
        text = unicodedata.normalize("NFC", row["text"]).strip()
        if not text:
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        line = line_numbers.setdefault(key, len(line_numbers) + 1)
        words.append(
            Word(
                text=text,
                left=int(row["left"]),
                top=int(row["top"]),
                width=int(row["width"]),
                height=int(row["height"]),
                # whole numbers, as before (pytesseract read every number column as int)
                confidence=max(float(int(float(row["conf"]))), 0.0),
                block=key[0],
                line=line,
            )
        )
    return words


# --- recognition with the LSTM's character alternatives ---------------------------------

CharChoices = tuple[tuple[str, float], ...]
"""One character's alternatives from Tesseract's LSTM, best first: (text, 0..100)."""

CHOICE_ITERATIONS = 1
"""Tesseract's ``lstm_choice_iterations`` (its default, 5, costs 14% more recognition time
than a plain read; 1 costs 8%)."""

_TITLE_NUMBERS = re.compile(r"(\w+)((?: -?[\d.]+)+)")


def _title(element: ElementTree.Element) -> dict[str, list[float]]:
    """The numbers of an hOCR ``title`` (``bbox 1 2 3 4; x_wconf 91``) by key."""
    return {key: [float(n) for n in numbers.split()]
            for key, numbers in _TITLE_NUMBERS.findall(element.get("title", ""))}


def _classes(element: ElementTree.Element) -> str:
    return element.get("class", "")


def _word_choices(word: ElementTree.Element) -> tuple[str, tuple[CharChoices, ...] | None]:
    """A hOCR word's text (its characters joined) and, per character, the LSTM's
    alternatives; ``None`` when they do not pair one group with each character."""
    chars: list[str] = []
    groups: list[CharChoices | None] = []
    for child in word:
        if _classes(child) != "ocrx_cinfo":
            continue
        if child.get("id", "").startswith("lstm_choices"):
            found = tuple((unicodedata.normalize("NFC", c.text or ""), _title(c).get(
                "x_confs", [0.0])[0]) for c in child if c.text)
            if groups and groups[-1] is None:
                groups[-1] = found
        elif child.text is not None:
            chars.append(child.text)
            groups.append(None)
    text = unicodedata.normalize("NFC", "".join(chars)).strip()
    if not groups or any(g is None or not g for g in groups):
        return text, None
    return text, tuple(g for g in groups if g is not None)


def recognise_choices(
    image: Image, lang: str = "vie", psm: int = 3, timeout: float = 180.0,
) -> list[tuple[Word, tuple[CharChoices, ...] | None]]:
    """Like :func:`recognise`, read from Tesseract's hOCR with ``lstm_choice_mode=2``: each
    word with its characters' alternatives (``None`` for a word whose alternatives could
    not be paired with its characters). Same boxes, numbering and errors as
    :func:`recognise`."""
    arguments = ["-l", lang, "--psm", str(psm), *RECOGNITION_CONFIG.split(),
                 "-c", "lstm_choice_mode=2", "-c", f"lstm_choice_iterations={CHOICE_ITERATIONS}",
                 "-c", "hocr_char_boxes=1", "hocr"]
    try:
        hocr = _tesseract(image, arguments, "hocr", timeout, "recognition")
    except _TesseractFailedError as error:
        raise _tesseract_failure(error, "recognition") from error
    # Tesseract's own output for our own image, not input from outside
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", hocr))  # noqa: S314
    found: list[tuple[Word, tuple[CharChoices, ...] | None]] = []
    line_number = 0
    for block in (e for e in root.iter() if _classes(e) == "ocr_carea"):
        block_number = int(block.get("id", "block_1_0").rsplit("_", 1)[-1])
        for line in (e for e in block.iter() if _classes(e) in _LINE_CLASSES):
            numbered = False
            for word in (e for e in line.iter() if _classes(e) == "ocrx_word"):
                text, choices = _word_choices(word)
                if not text:
                    continue
                if not numbered:
                    line_number, numbered = line_number + 1, True
                values = _title(word)
                left, top, right, bottom = (int(v) for v in values["bbox"])
                found.append((Word(text=text, left=left, top=top, width=right - left,
                                   height=bottom - top,
                                   confidence=max(float(int(values.get("x_wconf", [0])[0])), 0.0),
                                   block=block_number, line=line_number), choices))
    return found


_LINE_CLASSES = {"ocr_line", "ocr_textfloat", "ocr_header", "ocr_caption"}
