"""The font of text appearances: Liberation Serif (metric-compatible with Times New Roman,
carrying every Vietnamese glyph), embedded by pyHanko as a subset.

The font file is found, loaded for measuring, and wrapped in pyHanko's
``GlyphAccumulatorFactory`` once per process.

pyHanko 0.38 writes a TrueType font's glyph widths (``/W``) and kerning (``TJ``) in the
font's own units, which PDF reads as thousandths of an em: right for 1000-unit fonts only.
Liberation Serif has 2048 units per em (text would be spaced out twice as wide), so the font
is rescaled to 1000 units per em once per process (about a second) and embedded from memory.
"""

from __future__ import annotations

import functools
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymupdf as _pymupdf
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.writer import BasePdfFileWriter

from signing.errors import SigningError

pymupdf: Any = _pymupdf

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/liberation-serif/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/liberation/LiberationSerif-Regular.ttf"),
)
"""Liberation Serif 2.x (fonts-liberation2) first: the 1.x files of Debian's
fonts-liberation lack the Vietnamese letters (ố, ờ, Ả, Ộ ...) and are skipped."""
VIETNAMESE_PROBE = "ẠẢẤẦẨẪẬắằẳẵặẾỀỂỄỆếềểễệốồổỗộớờởỡợỨỪỬỮỰứừửữựĐđƠơƯư"
FONT_SIZE = 10
LEADING = 1.1
"""Line pitch as a multiple of the font size."""


def _has_vietnamese(path: Path) -> bool:
    try:
        font = pymupdf.Font(fontfile=str(path))
    except (RuntimeError, ValueError):
        return False
    return all(font.has_glyph(ord(ch)) for ch in VIETNAMESE_PROBE)


@functools.cache
def font_path() -> Path:
    """The Liberation Serif Regular file that carries every Vietnamese letter.

    Raises :class:`~signing.errors.SigningError` when none is installed.
    """
    for path in FONT_CANDIDATES:
        if path.is_file() and _has_vietnamese(path):
            return path
    raise SigningError("no Liberation Serif with Vietnamese letters is installed "
                       "(apt-get install fonts-liberation2)", subject=str(FONT_CANDIDATES[0]))


PDF_UNITS_PER_EM = 1000


@functools.cache
def _font_bytes(path: str) -> bytes:
    """The font at ``path`` rescaled to 1000 units per em (see the module docstring)."""
    font = TTFont(path)
    if font["head"].unitsPerEm != PDF_UNITS_PER_EM:
        scale_upem(font, PDF_UNITS_PER_EM)
    buffer = io.BytesIO()
    font.save(buffer)
    font.close()
    return buffer.getvalue()


@dataclass(frozen=True)
class ThousandUnitFontFactory(GlyphAccumulatorFactory):
    """pyHanko's ``GlyphAccumulatorFactory`` fed with the font rescaled to 1000 units per
    em, from memory (no file handle left open per signature)."""

    def create_font_engine(self, writer: BasePdfFileWriter,
                           obj_stream: Any = None) -> GlyphAccumulator:
        """A glyph accumulator (font subset being built) for one signature appearance."""
        untyped: Any = writer
        if obj_stream is None and untyped.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = untyped.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer, font_handle=io.BytesIO(_font_bytes(self.font_file)),
            font_size=self.font_size, ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag, writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code, obj_stream=obj_stream)


@functools.cache
def font_factory(font_size: int = FONT_SIZE) -> ThousandUnitFontFactory:
    """pyHanko's font engine factory for Liberation Serif at ``font_size`` (one per size and
    process; each signature still gets its own subset)."""
    return ThousandUnitFontFactory(str(font_path()), font_size=font_size,
                                   bcp47_lang_code="vi")


@functools.cache
def _measuring_font() -> Any:
    return pymupdf.Font(fontfile=str(font_path()))


def line_leading(font_size: float = FONT_SIZE) -> int:
    """The line pitch in points for ``font_size`` (pyHanko takes whole points)."""
    return round(font_size * LEADING)


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """Width of ``text`` set in Liberation Serif at ``font_size``, in points (glyph
    advances without kerning: never narrower than what pyHanko's shaper sets)."""
    return float(_measuring_font().text_length(unicodedata.normalize("NFC", text),
                                               fontsize=font_size))
