"""Input files: what they are (from their content, never their name), how many pages they
have, which pages need OCR, and each page as pixels, one page at a time.

Formats: PDF (through :mod:`ocr.mupdf`), JPEG, PNG, TIFF (multi-page, CCITT G4 included)
and JPEG 2000 (``.jp2`` boxes or a raw codestream). Images are decoded by OpenCV; Pillow
(a dependency of pytesseract) reads only their headers, so the pixel limit is checked and
the resolution learnt before any pixel is decoded.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
from PIL import ImageFile, Jpeg2KImagePlugin, JpegImagePlugin, PngImagePlugin, TiffImagePlugin

from ocr.errors import OcrInputError
from ocr.images import DamagedFileError, UnsupportedFormatError, check_pixels, plausible_dpi
from ocr.model import Image, OcrLimits, PageImage
from ocr.mupdf import PdfReader

FileFormat = Literal["pdf", "jpeg", "png", "tiff", "jp2"]
PageKind = Literal["image", "text"]
"""``"image"``: the page is pixels and needs OCR; ``"text"``: it already carries real text
(a PDF page): copy it unchanged and take its words from its text layer."""

FORMAT_NAMES: dict[FileFormat, str] = {
    "pdf": "PDF", "jpeg": "JPEG image", "png": "PNG image", "tiff": "TIFF image",
    "jp2": "JPEG 2000 image"}
_SIGNATURES: tuple[tuple[bytes, FileFormat], ...] = (
    (b"\xff\xd8\xff", "jpeg"), (b"\x89PNG\r\n\x1a\n", "png"),
    (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"), (b"II+\x00", "tiff"), (b"MM\x00+", "tiff"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "jp2"), (b"\xff\x4f\xff\x51", "jp2"))
_LOOKALIKES: tuple[tuple[bytes, str], ...] = (
    (b"GIF8", "a GIF image"), (b"BM", "a BMP image"), (b"PK\x03\x04", "a ZIP archive or an "
    "Office document"), (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"RIFF", "a RIFF file (WebP image?)"), (b"%!PS", "a PostScript file"),
    (b"{\\rtf", "an RTF document"), (b"\x1f\x8b", "a gzip archive"), (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"))
_PLUGINS: dict[FileFormat, type[ImageFile.ImageFile]] = {
    "jpeg": JpegImagePlugin.JpegImageFile, "png": PngImagePlugin.PngImageFile,
    "tiff": TiffImagePlugin.TiffImageFile, "jp2": Jpeg2KImagePlugin.Jpeg2KImageFile}
_GRAY_MODES = frozenset({"1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "I;16N", "F"})


@dataclass(frozen=True)
class PageSource:
    """Where page ``index`` (0-based) comes from: ``"image"`` (OCR it) or ``"text"``."""

    index: int
    kind: PageKind


@dataclass(frozen=True)
class _Header:
    width: int
    height: int
    dpi: float | None
    gray: bool
    bilevel: bool


def _describe(head: bytes) -> str:
    """What a file that is none of our formats looks like, for the error message."""
    for signature, description in _LOOKALIKES:
        if head.startswith(signature):
            return description
    if head[4:8] == b"ftyp":
        return "an ISO media file (HEIC photo or video)"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return "unrecognised binary data"
    stripped = text.lstrip().lower()
    if stripped.startswith(("<!doctype html", "<html")):
        return "an HTML page"
    return "an XML document" if stripped.startswith("<") else "plain text"


def detect_format(path: Path | str) -> FileFormat:
    """The format of ``path`` from its first bytes. Raises OcrInputError (subject = the file
    name) for a missing, unreadable, empty or unsupported file, saying what it looks like."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            head = file.read(1024)
    except FileNotFoundError as error:
        raise OcrInputError("no such file", subject=path.name) from error
    except OSError as error:
        raise OcrInputError(f"cannot be read ({error.strerror})", subject=path.name) from error
    if not head:
        raise DamagedFileError("empty file (0 bytes)", subject=path.name)
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if b"%PDF-" in head:  # readers accept junk before the header
        return "pdf"
    raise UnsupportedFormatError(
        f"not a supported file: it looks like {_describe(head)}; send a PDF, JPEG, PNG, "
        "TIFF or JPEG 2000 file", subject=path.name)


def _headers(path: Path, kind: FileFormat) -> Iterator[_Header]:
    """The header of every page (frame) of an image file, nothing decoded."""
    try:
        with _PLUGINS[kind](str(path)) as image:
            for frame in range(getattr(image, "n_frames", 1)):
                image.seek(frame)
                dpi = image.info.get("dpi")
                yield _Header(width=image.size[0], height=image.size[1],
                              dpi=float(max(dpi)) if dpi else None,
                              gray=image.mode in _GRAY_MODES, bilevel=image.mode == "1")
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as error:
        raise DamagedFileError(f"damaged {FORMAT_NAMES[kind]}: {error}",
                               subject=path.name) from error


def _header(path: Path, kind: FileFormat, index: int) -> _Header:
    for number, header in enumerate(_headers(path, kind)):
        if number == index:
            return header
    raise IndexError(f"{path.name} has no page {index} (0-based)")


def count_pages(path: Path | str, limits: OcrLimits | None = None) -> int:
    """How many pages ``path`` has (1 for single images)."""
    path = Path(path)
    kind = detect_format(path)
    if kind == "pdf":
        with PdfReader(path, limits) as reader:
            return reader.page_count
    return sum(1 for _ in _headers(path, kind))


def page_sources(path: Path | str, limits: OcrLimits | None = None) -> list[PageSource]:
    """Every page of ``path`` with where it comes from. Pages over the pixel limit (and
    damaged, encrypted or unsupported files) are refused here, before any work starts."""
    path = Path(path)
    limits = limits or OcrLimits()
    kind = detect_format(path)
    if kind == "pdf":
        with PdfReader(path, limits) as reader:
            _check_page_count(reader.page_count, limits, path)
            return [PageSource(index, "text" if reader.page_info(index).has_text else "image")
                    for index in range(reader.page_count)]
    sources = []
    for index, header in enumerate(_headers(path, kind)):
        _check_page_count(index + 1, limits, path)
        check_pixels(header.width, header.height, limits, subject=path.name,
                     what=f"page {index + 1}")
        sources.append(PageSource(index, "image"))
    return sources


def _check_page_count(count: int, limits: OcrLimits, path: Path) -> None:
    if count > limits.max_pages:
        raise OcrInputError(f"has more pages than the {limits.max_pages} accepted in one file",
                            subject=path.name)


def plan_pages(path: Path | str, limits: OcrLimits | None = None) -> list[PageKind]:
    """:func:`page_sources` as a list of kinds, one per page in order."""
    return [source.kind for source in page_sources(path, limits)]


def _decode(path: Path, kind: FileFormat, index: int, header: _Header) -> Image | None:
    flags = cv2.IMREAD_GRAYSCALE if header.gray else cv2.IMREAD_COLOR
    if kind == "tiff":
        ok, mats = cv2.imreadmulti(str(path), start=index, count=1, flags=flags)
        decoded = mats[0] if ok and mats else None
    else:
        decoded = cv2.imdecode(np.fromfile(path, dtype=np.uint8), flags)
    return None if decoded is None else np.asarray(decoded, dtype=np.uint8)


def _load_image_page(path: Path, kind: FileFormat, index: int, limits: OcrLimits) -> PageImage:
    header = _header(path, kind, index)
    what = f"page {index + 1}"
    check_pixels(header.width, header.height, limits, subject=path.name, what=what)
    try:
        image = _decode(path, kind, index, header)
    except cv2.error as error:
        raise DamagedFileError(f"damaged {FORMAT_NAMES[kind]}: {what} cannot be decoded "
                               f"({error.err})", subject=path.name) from error
    if image is None or image.size == 0:
        raise DamagedFileError(f"damaged {FORMAT_NAMES[kind]}: {what} cannot be decoded "
                               "(truncated or corrupt)", subject=path.name)
    check_pixels(image.shape[1], image.shape[0], limits, subject=path.name, what=what)
    dpi = plausible_dpi(header.dpi, image.shape[1], image.shape[0])
    return PageImage(index=index, image=image, dpi=dpi, bilevel=header.bilevel)


def load_page(path: Path | str, index: int, limits: OcrLimits | None = None) -> PageImage:
    """Page ``index`` (0-based) of ``path`` as pixels: gray (0/255 when bilevel) or BGR, with
    its resolution (from the file; 300 when absent or implausible). PDF pages are rendered at
    their scan's resolution, capped at ``limits.max_render_dpi``."""
    path = Path(path)
    limits = limits or OcrLimits()
    kind = detect_format(path)
    if kind == "pdf":
        with PdfReader(path, limits) as reader:
            return reader.render(index)
    return _load_image_page(path, kind, index, limits)


def iter_pages(path: Path | str, limits: OcrLimits | None = None,
               indices: Iterable[int] | None = None) -> Iterator[PageImage]:
    """Pages of ``path`` (all, or those of ``indices``) as pixels, one at a time: only the
    page being yielded is held in memory."""
    path = Path(path)
    limits = limits or OcrLimits()
    kind = detect_format(path)
    if kind == "pdf":
        with PdfReader(path, limits) as reader:
            for index in range(reader.page_count) if indices is None else indices:
                yield reader.render(index)
        return
    wanted = range(count_pages(path)) if indices is None else indices
    for index in wanted:
        yield _load_image_page(path, kind, index, limits)
