"""Whole pages: printing a dossier cover sheet, cutting pages out of a PDF, and turning an
image file (JPEG, PNG, multi-page TIFF, JPEG 2000) into a PDF with one page per image.

Pages are copied as they are (content streams and images untouched); images keep their
encoded data where MuPDF can pass it through (JPEG) and are stored losslessly otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import pymupdf as _pymupdf

from ocr.errors import OcrInputError
from ocr.images import DamagedFileError
from ocr.mupdf.reader import MUPDF_ERRORS, open_pdf
from ocr.mupdf.writer import find_text_font

pymupdf: Any = _pymupdf  # its annotations are partial: use it as untyped

_MM = 72 / 25.4
_A4 = (210 * _MM, 297 * _MM)
_MARGIN = 20 * _MM
_QR_SIZE = 60 * _MM
_QR_TOP = 15 * _MM
_TITLE_SIZE = 24.0
_BODY_SIZE = 13.0
_LABEL_WIDTH = 52 * _MM
_CELL_PAD = 2.2 * _MM
_FOOTER_SIZE = 12.0
_READ_ERRORS: tuple[type[Exception], ...] = (*MUPDF_ERRORS, OSError)


@lru_cache(maxsize=1)
def _bold_font() -> Path:
    """The bold face of :func:`find_text_font`'s family, or the regular one if the bold one
    is missing or lacks a Vietnamese letter."""
    regular = find_text_font()
    stem = regular.stem.removesuffix("-Regular")
    candidate = regular.with_name(f"{stem}-Bold{regular.suffix}")
    if candidate.is_file():
        font = pymupdf.Font(fontfile=str(candidate))
        if all(font.has_glyph(ord(char)) for char in "ẾỀỂỄỆếềểễệƯươĐđ"):
            return candidate
    return regular


def _wrap(font: Any, text: str, size: float, width: float) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` points (a word longer
    than the line is cut by characters)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}" if line else word
            if font.text_length(trial, fontsize=size) <= width:
                line = trial
                continue
            if line:
                lines.append(line)
            while font.text_length(word, fontsize=size) > width:
                cut = 1
                while cut < len(word) and font.text_length(word[: cut + 1], fontsize=size) <= width:
                    cut += 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def write_cover_sheet(path: Path, *, title: str, lines: Sequence[tuple[str, str]],
                      qr_png: bytes, footer: str) -> None:
    """Write a one-page A4 PDF to ``path``: ``title`` large at the top left, the QR code
    image (PNG bytes) about 60 mm square at the top right, a ruled table of ``(label,
    value)`` lines and ``footer`` centred at the bottom. Text uses a TrueType font with every
    Vietnamese letter (see :func:`~ocr.mupdf.writer.find_text_font`), embedded as a subset,
    so the text extracts as written. Raises OcrUnavailableError when no such font exists,
    ValueError when ``qr_png`` is not a PNG image."""
    if not qr_png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("qr_png is not a PNG image")
    regular_file, bold_file = find_text_font(), _bold_font()
    regular = pymupdf.Font(fontfile=str(regular_file))
    bold = pymupdf.Font(fontfile=str(bold_file))
    document = pymupdf.open()
    try:
        page = document.new_page(width=_A4[0], height=_A4[1])
        qr_rect = pymupdf.Rect(_A4[0] - _MARGIN - _QR_SIZE, _QR_TOP, _A4[0] - _MARGIN,
                               _QR_TOP + _QR_SIZE)
        try:
            page.insert_image(qr_rect, stream=qr_png)
        except MUPDF_ERRORS as error:
            raise ValueError(f"qr_png is not a PNG image: {error}") from error
        writer = pymupdf.TextWriter(page.rect)
        title_width = qr_rect.x0 - 8 * _MM - _MARGIN
        y = _QR_TOP + 12 * _MM
        for line in _wrap(bold, title, _TITLE_SIZE, title_width):
            size = min(_TITLE_SIZE, _TITLE_SIZE * title_width
                       / max(bold.text_length(line, fontsize=_TITLE_SIZE), 1e-6))
            writer.append((_MARGIN, y), line, font=bold, fontsize=size)
            y += _TITLE_SIZE * 1.3
        y = max(y, qr_rect.y1) + 10 * _MM
        right = _A4[0] - _MARGIN
        value_x = _MARGIN + _LABEL_WIDTH
        leading = _BODY_SIZE * 1.3
        page.draw_line((_MARGIN, y), (right, y), color=(0, 0, 0), width=0.8)
        for label, value in lines:
            label_lines = _wrap(bold, label, _BODY_SIZE, _LABEL_WIDTH - 2 * _CELL_PAD)
            value_lines = _wrap(regular, value, _BODY_SIZE, right - value_x - 2 * _CELL_PAD)
            rows = max(len(label_lines), len(value_lines))
            baseline = y + _CELL_PAD + _BODY_SIZE
            for number, text in enumerate(label_lines):
                writer.append((_MARGIN + _CELL_PAD, baseline + number * leading), text,
                              font=bold, fontsize=_BODY_SIZE)
            for number, text in enumerate(value_lines):
                writer.append((value_x + _CELL_PAD, baseline + number * leading), text,
                              font=regular, fontsize=_BODY_SIZE)
            y += 2 * _CELL_PAD + _BODY_SIZE * 0.3 + rows * leading
            page.draw_line((_MARGIN, y), (right, y), color=(0, 0, 0), width=0.5)
        footer_lines = _wrap(regular, footer, _FOOTER_SIZE, right - _MARGIN)
        y = _A4[1] - _MARGIN - (len(footer_lines) - 1) * _FOOTER_SIZE * 1.3
        for text in footer_lines:
            width = regular.text_length(text, fontsize=_FOOTER_SIZE)
            writer.append(((_A4[0] - width) / 2, y), text, font=regular, fontsize=_FOOTER_SIZE)
            y += _FOOTER_SIZE * 1.3
        writer.write_text(page)
        document.subset_fonts()
        document.save(str(path), garbage=3, deflate=True)
    finally:
        document.close()


def extract_pages(source: Path, indices: Sequence[int], output: Path) -> None:
    """Write a PDF to ``output`` holding pages ``indices`` (0-based, in that order, repeats
    allowed) of the PDF ``source``, copied as they are. Raises the typed input errors of
    :func:`~ocr.mupdf.reader.open_pdf` (subject = the file name) for a bad ``source``,
    IndexError for a page it does not have, ValueError for no pages."""
    if not indices:
        raise ValueError(f"{output.name}: no pages to extract")
    document = open_pdf(source)
    out = pymupdf.open()
    try:
        for index in indices:
            if not 0 <= index < document.page_count:
                raise IndexError(f"{source.name} has no page {index} (0-based)")
        runs: list[list[int]] = []
        for index in indices:  # consecutive pages are copied in one call
            if runs and index == runs[-1][1] + 1:
                runs[-1][1] = index
            else:
                runs.append([index, index])
        try:
            for first, last in runs:
                out.insert_pdf(document, from_page=first, to_page=last)
            out.set_metadata({})  # no dates: the same pages give the same bytes (deduplication)
            out.save(str(output), garbage=3, deflate=True, no_new_id=True)
        except MUPDF_ERRORS as error:
            raise DamagedFileError(f"damaged PDF: pages cannot be copied ({error})",
                                   subject=source.name) from error
    finally:
        out.close()
        document.close()


def image_to_pdf(image_path: Path, output: Path,
                 dpi: Sequence[float | None] | None = None) -> None:
    """Write a PDF to ``output`` with one page per image of ``image_path`` (a multi-page
    TIFF gives several). A page measures the image's pixels at ``dpi[i]`` (horizontally;
    an image with unequal resolutions keeps its aspect), or at the file's own resolution
    when ``dpi`` or ``dpi[i]`` is None. JPEG data is kept as it is; other images are stored
    losslessly. Raises DamagedFileError (subject = the file name) when MuPDF cannot read it,
    ValueError when ``dpi`` does not have one entry per image."""
    subject = image_path.name
    if not image_path.is_file():
        raise OcrInputError("no such file", subject=subject)
    try:
        with pymupdf.open(str(image_path)) as images:  # the format is told by the content
            converted = pymupdf.open("pdf", images.convert_to_pdf())
    except _READ_ERRORS as error:
        raise DamagedFileError(f"damaged image: cannot be converted to PDF ({error})",
                               subject=subject) from error
    out = pymupdf.open()
    try:
        if dpi is not None and len(dpi) != converted.page_count:
            raise ValueError(f"{subject} has {converted.page_count} images, "
                             f"{len(dpi)} resolutions were given")
        for number, source in enumerate(converted):
            rect = source.rect
            wanted = None if dpi is None else dpi[number]
            factor = 1.0
            infos = source.get_image_info()
            if wanted and infos:
                width_px, height_px = infos[0]["width"], infos[0]["height"]
                if (width_px > height_px) != (rect.width > rect.height):
                    width_px, height_px = height_px, width_px
                factor = width_px / wanted * 72 / rect.width
            page = out.new_page(width=rect.width * factor, height=rect.height * factor)
            page.show_pdf_page(page.rect, converted, number, keep_proportion=False)
        out.set_metadata({})  # no dates: the same pages give the same bytes (deduplication)
        out.save(str(output), garbage=3, deflate=True, no_new_id=True)
    except MUPDF_ERRORS as error:
        raise DamagedFileError(f"damaged image: cannot be converted to PDF ({error})",
                               subject=subject) from error
    finally:
        out.close()
        converted.close()
