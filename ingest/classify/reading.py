"""Turning an input file into lines to classify: plain text as it is, anything else through
OCR (text-layer pages keep their text, and their lines carry the layer's font weight, size
and rules), with zonal re-reading of single lines. E-signature and arrival stamps are taken
out of the lines into the document's ``e_signatures`` and ``arrivals``."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ingest.classify.extract import Reread
from ingest.classify.lines import Line, ReadDocument, read_text, read_words_json
from ingest.classify.stamps import layer_lines, separate_stamps
from ingest.classify.textlayer import add_styles
from ingest.errors import IntakeInputError
from ocr.handwritten_digits import DigitReading
from ocr.inputs import detect_format
from ocr.model import Word
from ocr.pipeline import OcrOptions, ocr_file
from ocr.zones import LineReader

TEXT_SUFFIXES = (".txt", ".text")


class LineRereader:
    """A :data:`Reread` that reads a line's box again from an OCR'd PDF, and a
    :class:`~ingest.classify.handwriting.CropReader` for handwritten blanks."""

    def __init__(self, reader: LineReader) -> None:
        self._reader = reader

    def __call__(self, line: Line) -> str | None:
        """The line read again alone."""
        return self._reader.read(line.page, line.pixel_box) if line.pixel_box else None

    def words(self, page: int, box: tuple[int, int, int, int]) -> list[Word]:
        """The words of a line read alone, with their boxes."""
        return self._reader.words(page, box)

    def block(self, page: int, box: tuple[int, int, int, int], *, psm: int = 6,
              blank: Sequence[tuple[int, int, int, int]] = (), dark: bool = False,
              ) -> list[Word]:
        """A region read as one block of text (the signer block under a seal; see
        :mod:`ingest.classify.signer_region`), with the ``blank`` boxes whitened (and
        with ``dark``, only the darkest strokes kept)."""
        return self._reader.block(page, box, psm=psm, blank=blank, dark=dark)

    def digits(self, page: int, box: tuple[int, int, int, int]) -> tuple[list[str], int]:
        """A blank read as digits a few ways, and its glyph count."""
        return self._reader.digits(page, box)

    def glyphs(self, page: int, box: tuple[int, int, int, int]) -> DigitReading | None:
        """A blank read glyph by glyph by the handwritten digit model."""
        return self._reader.glyphs(page, box)


def line_rereader(reader: LineReader) -> Reread:
    """A :data:`Reread` that reads a line's box again from an OCR'd PDF (and, being a
    :class:`LineRereader`, reads handwritten blanks as digits)."""
    return LineRereader(reader)


def read_ocr_words(words: Mapping[str, Any], original: Path | None = None) -> ReadDocument:
    """The lines of an OCR'd file from its words JSON (``OcrOutcome.words_json()``). With the
    ``original`` PDF, its text-layer pages' lines carry their fonts, sizes and rules, and the
    thin text layer of its scanned pages (an e-signature stamp) gives the stamps in their
    own spelling. The stamps' lines are taken out either way (:func:`separate_stamps`)."""
    document = read_words_json(words)
    pages = words.get("pages", [])
    text_pages = [number for number, page in enumerate(pages)
                  if page.get("source") == "text-layer"]
    pdf = original if original is not None and detect_format(original) == "pdf" else None
    if text_pages and pdf is not None:
        document = add_styles(document, pdf, text_pages)  # fonts, sizes, rules
    scanned = [number for number in range(len(pages)) if number not in text_pages]
    return separate_stamps(document, layer_lines(pdf, scanned) if pdf and scanned else None)


@contextmanager
def read_file(path: Path, options: OcrOptions | None = None,
              progress: Callable[[int, int], None] | None = None,
              ) -> Iterator[tuple[ReadDocument, Reread | None]]:
    """The lines of ``path`` and a way to re-read single lines (None for plain text)."""
    if path.suffix.lower() in TEXT_SUFFIXES:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise IntakeInputError("not UTF-8 text", subject=path.name) from error
        yield separate_stamps(read_text(text)), None
        return
    with tempfile.TemporaryDirectory(prefix="sohoa-classify-") as work:
        searchable = Path(work) / "searchable.pdf"
        outcome = ocr_file(path, searchable, options, progress=progress)
        document = read_ocr_words(outcome.words_json(), path)
        with LineReader(searchable) as reader:
            yield document, line_rereader(reader)
