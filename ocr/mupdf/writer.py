"""Writing the searchable PDF: each page image on a page of ``pixels / dpi`` inches with an
invisible text layer (render mode 3) in which every word is horizontally scaled to cover
exactly its box, so selecting or searching a word highlights it on the image."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

import pymupdf as _pymupdf

from ocr.errors import OcrUnavailableError
from ocr.model import Word
from ocr.mupdf.reader import MUPDF_ERRORS, open_pdf

pymupdf: Any = _pymupdf  # its annotations are partial: use it as untyped

_FONT_NAME = "OcrText"
_FONT_NAMES = ("LiberationSans-Regular.ttf", "LiberationSerif-Regular.ttf", "DejaVuSans.ttf")
_FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation",
              "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts", "/usr/local/share/fonts")
_VIETNAMESE = ("ĂÂĐÊÔƠƯăâđêôơưẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộ"
               "ỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ")


@lru_cache(maxsize=1)
def find_text_font() -> Path:
    """A TrueType font with every Vietnamese letter for the invisible text layer: Liberation
    Sans 2.x (``fonts-liberation2``) or DejaVu Sans (``fonts-dejavu-core``). Liberation 1.x
    (``fonts-liberation``) lacks the Vietnamese letters, so it is skipped."""
    for folder in _FONT_DIRS:
        for name in _FONT_NAMES:
            for candidate in sorted(Path(folder).rglob(name)) if Path(folder).is_dir() else []:
                font = pymupdf.Font(fontfile=str(candidate))
                if all(font.has_glyph(ord(char)) for char in _VIETNAMESE):
                    return candidate
    raise OcrUnavailableError(
        "no font with Vietnamese letters for the PDF text layer: install fonts-liberation2 "
        "(fonts-liberation 1.x lacks them) or fonts-dejavu-core", subject="fonts")


class SearchablePdfWriter:
    """Builds the output PDF page by page; :meth:`close` writes it (a context manager that
    writes on success and discards on error)."""

    def __init__(self, path: Path | str) -> None:
        """Start a PDF to be saved at ``path``; OcrUnavailableError if no font fits."""
        self.path = Path(path)
        self._font_file = str(find_text_font())
        self._font = pymupdf.Font(fontfile=self._font_file)
        self._doc = pymupdf.open()
        self._sources: dict[Path, Any] = {}

    @property
    def page_count(self) -> int:
        """Pages added so far."""
        return int(self._doc.page_count)

    def __enter__(self) -> SearchablePdfWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()

    def add_scanned_page(self, image_bytes: bytes, width_px: int, height_px: int, dpi: float,
                         words: Sequence[Word]) -> None:
        """Append a page of ``width_px/dpi`` x ``height_px/dpi`` inches showing the encoded
        image (JPEG or PNG, see :func:`ocr.images.encode_page_image`) with ``words`` (boxes in
        pixels of that image) as invisible, searchable text exactly over their boxes."""
        if not image_bytes.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
            raise ValueError("image_bytes is not a JPEG or PNG image")
        scale = 72 / dpi
        page = self._doc.new_page(width=width_px * scale, height=height_px * scale)
        try:
            page.insert_image(page.rect, stream=image_bytes)
        except MUPDF_ERRORS as error:
            raise ValueError(f"image_bytes is not a JPEG or PNG image: {error}") from error
        layer = self._text_layer(words, scale, page.rect.height)
        if layer is None:
            return
        page.insert_font(fontname=_FONT_NAME, fontfile=self._font_file)
        xref = self._doc.get_new_xref()
        self._doc.update_object(xref, "<<>>")
        self._doc.update_stream(xref, layer)
        contents = [*page.get_contents(), xref]
        self._doc.xref_set_key(page.xref, "Contents", " ".join(f"{c} 0 R" for c in contents)
                               .join("[]"))

    def _text_layer(self, words: Sequence[Word], scale: float, page_height: float
                    ) -> bytes | None:
        """A content stream drawing each word in render mode 3: font size from the box
        height (ascender to descender), baseline at the descender above the box bottom,
        horizontal scale so the advance equals the box width; a space ends each word that
        has a successor on its line, so extractors never glue words together."""
        font = self._font
        ascender, descender = font.ascender, font.descender
        ops = [f"q BT 3 Tr /{_FONT_NAME} 1 Tf"]
        for i, word in enumerate(words):
            text = unicodedata.normalize("NFC", word.text).strip()
            if not text or word.width <= 0 or word.height <= 0:
                continue
            size = word.height * scale / (ascender - descender)
            natural = font.text_length(text, fontsize=size)
            if natural <= 0:
                continue
            following = words[i + 1] if i + 1 < len(words) else None
            if following is not None and (following.block, following.line) == (
                    word.block, word.line):
                text += " "
            stretch = word.width * scale / natural
            x = word.left * scale
            y = page_height - (word.top * scale + ascender * size)
            glyphs = "".join(f"{font.has_glyph(ord(char)):04x}" for char in text)
            ops.append(f"{size * stretch:.4f} 0 0 {size:.4f} {x:.3f} {y:.3f} Tm <{glyphs}> Tj")
        if len(ops) == 1:
            return None
        ops.append("ET Q")
        return "\n".join(ops).encode("ascii")

    def add_copied_page(self, source_path: Path | str, page_index: int) -> None:
        """Append page ``page_index`` (0-based) of ``source_path`` unchanged (a page that
        already has text). The source stays open until :meth:`close`."""
        source = Path(source_path)
        if source not in self._sources:
            self._sources[source] = open_pdf(source)
        document = self._sources[source]
        if not 0 <= page_index < document.page_count:
            raise IndexError(f"{source.name} has no page {page_index} (0-based)")
        self._doc.insert_pdf(document, from_page=page_index, to_page=page_index)

    def close(self) -> None:
        """Subset the fonts and save (garbage collection, deflate) to :attr:`path`."""
        if self._doc.page_count == 0:
            raise ValueError(f"{self.path.name}: no pages were added")
        self._doc.subset_fonts()
        self._doc.save(str(self.path), garbage=3, deflate=True)
        self.abort()

    def abort(self) -> None:
        """Drop everything without writing."""
        for source in self._sources.values():
            source.close()
        self._sources.clear()
        self._doc.close()
