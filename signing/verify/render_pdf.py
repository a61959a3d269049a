"""Report markup laid out on A4 pages with PyMuPDF's :class:`pymupdf.Story`.

Text is set in Liberation Sans 2.x (every Vietnamese letter; found beside the Liberation
Serif of :func:`signing.appearance.fonts.font_path`), the ✓/✗ marks in DejaVu Sans (Liberation
has none); fonts are embedded as subsets, so the text extracts as it was written. The
output depends only on its input: fixed metadata, no random file id.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pymupdf as _pymupdf

from signing.appearance.fonts import font_path
from signing.errors import SigningError
from signing.pdf_pages import lay_out

pymupdf: Any = _pymupdf

MARK_FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)
MARKS = "✓✗○"
"""The marks of :mod:`signing.verify.render`; written as words when no font has them."""
MARK_WORDS = {"vi": ("[Đạt]", "[Không]", "[?]"), "en": ("[OK]", "[NO]", "[?]")}
MARGIN = 42  # points, about 15 mm

_CSS = """
@font-face {font-family: rp; src: url(%(regular)s);}
@font-face {font-family: rp; src: url(%(bold)s); font-weight: bold;}
%(mark_face)s
body {font-family: rp; font-size: 10pt; color: #1f2328;}
h1 {font-size: 11pt; font-weight: normal; color: #57606a; margin: 0 0 6pt 0;}
h2 {font-size: 13pt; margin: 12pt 0 4pt 0;}
h3 {font-size: 11pt; margin: 0 0 4pt 0;}
h4 {font-size: 10pt; margin: 4pt 0 2pt 0;}
.verdict {font-size: 16pt; font-weight: bold; padding: 8pt; border: 2px solid;}
.verdict.ok {color: #116329; background-color: #dafbe1; border-color: #1a7f37;}
.verdict.bad {color: #82071e; background-color: #ffebe9; border-color: #cf222e;}
.mark {font-family: %(mark_family)s;}
.badge {font-family: %(mark_family)s; font-size: 9pt;}
.badge.ok {color: #1a7f37;}
.badge.bad {color: #cf222e;}
table {border-collapse: collapse; width: 100%%;}
th, td {text-align: left; vertical-align: top; padding: 1pt 4pt;}
th {width: 130pt; color: #57606a; font-weight: normal;}
.code {font-size: 9pt;}
.none {color: #8c959f; font-style: italic;}
.card {border: 1px solid #d0d7de; padding: 6pt; margin: 0 0 8pt 0;}
.card.ok {border-color: #1a7f37;}
.card.bad {border-color: #cf222e;}
.check.ok .mark {color: #1a7f37;}
.check.bad .mark {color: #cf222e;}
.check.neutral .mark {color: #9a6700;}
.check.bad {color: #82071e;}
.reasons {color: #82071e;}
"""


@dataclass(frozen=True)
class _Fonts:
    directory: Path
    regular: str
    bold: str
    mark: Path | None


@functools.cache
def _fonts() -> _Fonts:
    serif = font_path()
    directory = serif.parent
    regular, bold = "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"
    if not (directory / regular).is_file() or not (directory / bold).is_file():
        regular, bold = serif.name, "LiberationSerif-Bold.ttf"
        if not (directory / bold).is_file():
            bold = regular
    mark = next((path for path in MARK_FONT_CANDIDATES if path.is_file()
                 and all(pymupdf.Font(fontfile=str(path)).has_glyph(ord(ch)) for ch in MARKS)),
                None)
    return _Fonts(directory, regular, bold, mark)


def _pdf_date(moment: datetime) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    text = aware.strftime("D:%Y%m%d%H%M%S%z")  # ...+0700
    return f"{text[:-2]}'{text[-2:]}'"


def _finish(data: bytes, fonts: _Fonts, *, title: str, created: datetime) -> bytes:
    document = pymupdf.open("pdf", data)
    try:
        count = document.page_count
        for number, page in enumerate(document, start=1):
            page.insert_text((MARGIN, page.rect.height - MARGIN / 2), f"{title} — {number}/{count}",
                             fontsize=7, fontname="rpfoot", color=(0.4, 0.4, 0.4),
                             fontfile=str(fonts.directory / fonts.regular))
        document.set_metadata({"title": title, "creator": "sohoa", "producer": "sohoa",
                               "creationDate": _pdf_date(created),
                               "modDate": _pdf_date(created)})
        document.subset_fonts()
        result: bytes = document.tobytes(garbage=3, deflate=True, no_new_id=True)
        return result
    finally:
        document.close()


def fragment_to_pdf(markup: str, *, title: str, created: datetime, lang: str = "vi") -> bytes:
    """Lay ``markup`` (report markup from :func:`signing.verify.render.report_fragment`) out
    on A4 pages, each with a footer ``title — page/pages``; ``created`` is the PDF's creation
    date. Raises :class:`~signing.errors.SigningError` when the fonts are missing or PyMuPDF
    fails."""
    fonts = _fonts()
    if fonts.mark is None:
        for mark, words in zip(MARKS, MARK_WORDS["vi" if lang == "vi" else "en"], strict=True):
            markup = markup.replace(mark, words)
    archive = pymupdf.Archive(str(fonts.directory))
    mark_face, mark_family = "", "rp"
    if fonts.mark is not None:
        archive.add(pymupdf.Archive(str(fonts.mark.parent)))
        mark_face = f"@font-face {{font-family: mk; src: url({fonts.mark.name});}}"
        mark_family = "mk"
    css = _CSS % {"regular": fonts.regular, "bold": fonts.bold, "mark_face": mark_face,
                  "mark_family": mark_family}
    try:
        return _finish(lay_out(markup, css, archive, margin=MARGIN), fonts, title=title,
                       created=created)
    except (RuntimeError, ValueError) as error:
        raise SigningError(f"could not lay out the report as PDF: {error}",
                           subject=title) from error
