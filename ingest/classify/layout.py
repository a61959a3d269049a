"""The parts of a Decree 30 page, found from the words and their positions.

Header (agency and "Số:" top left, national motto and "Place, ngày ..." top right), title
line, summary under it (or "V/v ..." under the number in a công văn), body, and the signer
block at the bottom right of the last page ("Nơi nhận:" at its left). Every finder works
with geometry when OCR or a text layer gave it, and falls back to the words' order for
plain text.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace

from ingest.classify.lines import Line, ReadDocument
from ingest.classify.text import find_keyword, fold, is_upper_line, lookalikes
from ingest.classify.vocabulary import (
    AUTHORITY_PREFIXES,
    NATIONAL_MOTTO,
    TITLES,
    WHOLE_LINE_TITLES,
)

CONSOLIDATION_MARK = "XÁC THỰC VĂN BẢN HỢP NHẤT"
"""The line over a consolidated text's closing block (agency, number, date, signer)."""

HEADER_SCAN = 14
"""The title is looked for among this many first lines of the first page."""

MIN_TEXT_HEIGHT = 4.0
"""Points: a "line" lower than this is a speck (body text is about 9-11 pt high)."""

_NUMBER_LABEL = re.compile(r"^\s*(?:[s5]\s*[o06e]|8\s*[o06](?=\s*[:;.,]))\s*[:;.,]?\s*")
""""Số:" as OCR reads it on scans: "So", "5o", "Sé:", "Sẻ", "86:" (a colon after an 8)."""
_SPECK_AFTER_LABEL = re.compile(r"[-–—.,'`~_]+\s*(?=\d)")
"""A speck of the scan OCR read as a dash or a dot between "Số:" and a printed number."""
_SYMBOL_AFTER_BLANK = re.compile(r"^[^/\s]{0,8}\s*/\s*[a-z]")
"""What follows the label when the number is a blank OCR read as anything or nothing: up
to a few marks, then the printed symbol ("/qd-ubnd")."""
_TITLED_LABEL = re.compile(r"^\s*(?:luat|phap lenh|nghi quyet|lenh)\s+(?=so\s*:)")
"""The label of a law, an ordinance or a resolution of the National Assembly: "Luật số:"."""
_MISREAD_SLASH = re.compile(
    r"^\s*(\S{0,6}?[\d\W_]\S{0,6}?\s*[,;.|£¿\\]?)\s*"
    r"([A-ZĐ][A-Za-zĐđ]{0,5}\d*-[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-Za-zĐđ0-9]+)*)\s*$")
"""A number and symbol whose "/" OCR misread: the number part holds a digit or a mark."""
NUMBER_ZONE = (0.5, 0.3)
"""The number line starts in the left half of the page and lies in its top three tenths
(the header), when the page's geometry is known."""
_VV = re.compile(r"^\s*v\s*[/|l1i¿?\\]\s*v\b")  # "V¿v": OCR of a bilevel "V/v"


@dataclass(frozen=True)
class TitleMatch:
    """The title line, the doc_type its words name, and how well they matched (0..1)."""

    index: int  # in the first page's lines
    doc_type: str
    score: float


def is_motto(line: Line) -> bool:
    """Whether the line is the national motto or its subtitle."""
    return any(find_keyword(line.text, motto, threshold=0.75, anchored=True) and
               len(fold(line.text)) <= len(motto) + 6 for motto in NATIONAL_MOTTO)


def find_title(document: ReadDocument) -> TitleMatch | None:
    """The title line (QUYẾT ĐỊNH, TỜ KHAI, ...) near the top of the first page."""
    page = document.pages[0] if document.pages else []
    best: TitleMatch | None = None
    number = find_number_line(document)
    header_end = max((index for index, line in enumerate(page[:HEADER_SCAN])
                      if is_motto(line) or index == number), default=-1)
    for index, line in enumerate(page[:HEADER_SCAN]):
        if index <= header_end or not is_upper_line(line.text):
            continue
        found = _line_title(line.text)
        if found is not None:
            doc_type, score = found
            if best is None or score > best.score + 0.05:
                best = TitleMatch(index, doc_type, score)
        if best is not None and best.score >= 0.95:
            break
    return best


def _line_title(text: str) -> tuple[str, float] | None:
    """The title a line reads as, and how well: the best-matching title of the list (the
    longer on a tie, so "THÔNG TƯ LIÊN TỊCH" is not read as "THÔNG TƯ")."""
    best: tuple[str, float, int] | None = None
    for title, doc_type in TITLES:
        if title in WHOLE_LINE_TITLES and len(fold(text).strip()) > len(fold(title)) + 3:
            continue
        match = find_keyword(text, title, threshold=0.8, anchored=True)
        if match is None:
            continue
        # the title fills most of its line; a long line that merely starts so is a body
        score = match.score * (1.0 if len(text) <= len(title) + 45 else 0.6)
        if best is None or (score, len(title)) > (best[1], best[2]):
            best = (doc_type, score, len(title))
    return None if best is None else (best[0], best[1])


def symbol_text(text: str) -> str:
    """What follows "Số:" as one token: look-alike hyphens and dashes made plain and the
    spaces a handwritten or spaced number leaves around "/" and "-" removed
    (``464 /TTg-CĐS`` -> ``464/TTg-CĐS``); the first word of the result."""
    plain = re.sub(r"\s*([/-])\s*", r"\1", lookalikes(text, dashes=True).strip())
    return plain.split(" ")[0] if plain else ""


def number_line(line: Line) -> str | None:
    """What follows ``Số:`` when the line reads as the number/symbol line, else None: the
    label (as OCR misreads it too) followed by a number and a "/", or by a blank (a
    handwritten number OCR read as marks or nothing) and the printed "/SYMBOL". A lower-case
    "số" without a colon is a body phrase ("... số 15/2020/TT-BTC"), never the label."""
    folded = fold(line.text)
    titled = _TITLED_LABEL.match(folded)
    if titled is not None:  # "Luật số: 09/2026/QH16"
        return number_line(replace(line, text=line.text[titled.end():]))
    match = _NUMBER_LABEL.match(folded)
    if match is None:
        return None
    speck = _SPECK_AFTER_LABEL.match(folded, match.end())
    if speck is not None and ":" in folded[:match.end()]:  # "Số: - 579/HĐ-SNNPTNT"
        folded = folded[:match.end()] + folded[speck.end():]
        line = replace(line, text=line.text[:match.end()] + line.text[speck.end():])
    label = line.text[:match.end()]
    if label.lstrip()[:1] == "s" and not any(mark in label for mark in ":;.,"):
        return None
    if "/" not in folded:
        return _slash_misread(line.text[match.end():])
    rest = folded[match.end():]
    # a misread label ("Sé", "86:") is taken only before a number and its "/"
    misread = re.search(r"e|^\s*8", folded[:match.end()]) is not None
    number = r"\d{1,5}\s*/" if misread else r"\S*\d"
    # before a blank: "Số:", or "Số" whose colon OCR lost
    labelled = ":" in label or (not misread and label.lstrip()[:1] == "S")
    if not (re.match(number, rest) or (labelled and _SYMBOL_AFTER_BLANK.match(rest))):
        return None
    return line.text[match.end():].strip()


def _slash_misread(rest: str) -> str | None:
    """What follows the label when OCR read the symbol's "/" as another mark or nothing
    (``Sẻ 2£ CT-UBND``, ``Số: 2đ} ,CT-CS``): a short number part holding a digit or a mark,
    then a symbol of capitals and "-" ending the line; given back with its "/"."""
    found = _MISREAD_SLASH.match(rest)
    if found is None:
        return None
    # the mark read for the "/" stays with the number: a number OCR misread around it is
    # not taken for a printed one ("2£" is no "2")
    return f"{found.group(1).rstrip()}/{found.group(2)}"


def in_number_zone(line: Line, width: float, height: float) -> bool:
    """Whether ``line`` lies where Decree 30 prints the number: starting in the left half
    of the page, in its top part (see :data:`NUMBER_ZONE`); true without geometry."""
    if not line.has_geometry:
        return True
    left, top = NUMBER_ZONE
    return (width <= 0 or line.left < left * width) and (height <= 0 or line.top < top * height)


def find_number_line(document: ReadDocument) -> int | None:
    """Index on the first page of the ``Số: N/SYMBOL`` line, in the header's left column."""
    page = document.pages[0] if document.pages else []
    width = document.page_widths[0] if document.page_widths else 0.0
    height = document.page_heights[0] if document.page_heights else 0.0
    title = _first_title(page[:HEADER_SCAN], width)
    for index, line in enumerate(page[:HEADER_SCAN + 4]):
        if title is not None and (index > title or (
                line.has_geometry and line.top > page[title].top)):
            break  # under the title: the body ("Số 15/2020/TT-BTC ngày ... của Bộ ...")
        if number_line(line) is not None and in_number_zone(line, width, height):
            return index
    return None


@dataclass(frozen=True)
class Header:
    """Where a document prints its agency, number and date: the top of its first page, or
    the closing block of a consolidated text. ``number`` and ``end`` index ``lines``: the
    number line, and the first line after the header (the title), each None when absent."""

    lines: list[Line]
    width: float
    number: int | None
    end: int | None


def find_header(document: ReadDocument) -> Header:
    """The header of ``document``: its first page's, unless that has no number line and the
    document is a consolidated text, which prints agency, number and date in the closing
    block that authenticates it ("XÁC THỰC VĂN BẢN HỢP NHẤT"), after its last article."""
    page = document.pages[0] if document.pages else []
    width = document.page_widths[0] if document.page_widths else 0.0
    number = find_number_line(document)
    if number is None:
        closing = closing_block(document)
        if closing is not None:
            page_index, lines = closing
            width = document.page_widths[page_index]
            found = next((index for index, line in enumerate(lines)
                          if number_line(line) is not None and in_number_zone(line, width, 0)),
                         None)
            return Header(lines, width, found, len(lines))
    title = find_title(document)
    return Header(page, width, number, title.index if title is not None else None)


def closing_block(document: ReadDocument) -> tuple[int, list[Line]] | None:
    """A consolidated text's closing block: the page and the lines from the row of "XÁC
    THỰC VĂN BẢN HỢP NHẤT" (the agency on its left) down to the number and date rows under
    it, stopping at "Nơi nhận:"; None when no page has that line."""
    for page_index in range(len(document.pages) - 1, -1, -1):
        page = document.pages[page_index]
        marks = [index for index, line in enumerate(page)
                 if find_keyword(line.text, CONSOLIDATION_MARK, threshold=0.85) is not None
                 and len(fold(line.text)) <= len(CONSOLIDATION_MARK) + 30]
        if not marks:
            continue
        mark = page[marks[-1]]
        if not mark.has_geometry:
            return page_index, page[max(marks[-1] - 1, 0):marks[-1] + 4]
        top, bottom = mark.top - 1.5 * mark.height, mark.bottom + 4 * mark.height
        block = [line for line in page if line.has_geometry and top <= line.top <= bottom]
        recipients = [line.top for line in block if _is_recipients(line)]
        return page_index, [line for line in block
                            if not recipients or line.top < min(recipients)]
    return None


def _first_title(lines: list[Line], width: float) -> int | None:
    """Index of the first line that is clearly a title (a capitalised line reading as one of
    the list, centred on the page when there is geometry), or None."""
    for index, line in enumerate(lines):
        if not is_upper_line(line.text) or is_motto(line):
            continue
        if line.has_geometry and width > 0 and abs(line.centre - width / 2) > 0.12 * width:
            continue
        found = _line_title(line.text)
        if found is not None and found[1] >= 0.9:
            return index
    return None


def header_left_part(line: Line, width: float) -> Line | None:
    """The part of a header line that lies in the left column: the line itself when it
    does; when OCR read the row across both columns as one line (``ỦY BAN NHÂN DÂN CỘNG
    HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM``, the agency and the national motto printed on one
    baseline; in a consolidated text's closing block, the agency and "XÁC THỰC VĂN BẢN
    HỢP NHẤT"), the words before the motto, with a box cut at their share of the line's
    characters and no pixel box (a re-reading of a guessed box could cut letters); else
    None."""
    if is_motto(line):
        return None
    if in_left_column(line, width):
        return line
    for motto in (*NATIONAL_MOTTO, CONSOLIDATION_MARK):
        match = find_keyword(line.text, motto, threshold=0.8)
        cut = len(line.text[:match.start].rstrip()) if match is not None else 0
        if match is None or cut < 2 or len(line.text) - match.end > 6:
            continue
        right = line.left + (line.right - line.left) * cut / len(line.text)
        part = replace(line, text=line.text[:cut], right=right, pixel_box=None)
        return part if in_left_column(part, width) else None
    return None


def in_left_column(line: Line, width: float) -> bool:
    """Whether a header line sits in the left column (always true without geometry)."""
    return not line.has_geometry or width <= 0 or line.centre < 0.5 * width


def in_right_half(line: Line, width: float) -> bool:
    """Whether a line's centre lies right of the page's middle."""
    return line.has_geometry and width > 0 and line.centre > 0.52 * width


def is_vv_line(line: Line) -> bool:
    """Whether the line starts a công văn summary (``V/v ...``)."""
    return _VV.match(fold(line.text)) is not None


def follows_closely(previous: Line, line: Line, *, factor: float = 0.9) -> bool:
    """Whether ``line`` continues the block of ``previous``: the gap between them is at most
    ``factor`` line heights (summaries are set apart from the body by a larger gap)."""
    if not (previous.has_geometry and line.has_geometry) or previous.page != line.page:
        return True
    height = max(previous.height, line.height)
    # boxes of scanned lines overlap a little: marks reach into the line above; a box
    # heightened by a speck or the marks of both lines may overlap more, yet the line lies
    # a line lower (its middle most of a line height under the other's): the next line
    below = (line.top + line.bottom - previous.top - previous.bottom) / 2 >= 0.75 * height
    return (-0.5 * height <= line.top - previous.bottom or below) and (
        line.top - previous.bottom <= factor * height * 1.25)


def take_block(lines: list[Line], start: int, keep: Callable[[Line], bool],
               limit: int) -> list[Line]:
    """Lines from ``start`` on that ``keep`` accepts and that follow each other closely."""
    block: list[Line] = []
    for line in lines[start:]:
        if len(block) >= limit or not keep(line):
            break
        if block and not follows_closely(block[-1], line):
            break
        block.append(line)
    return block


def text_margins(page: list[Line], width: float) -> tuple[float, float]:
    """The left and right edges of the page's text (of the lines spanning most of it): the
    median left edge (a stamp in the left margin OCR joined to a few lines' starts widens
    them to the page's edge), the furthest right edge (a ragged body's lines end short of
    it)."""
    wide = [line for line in page if line.has_geometry and line.right - line.left > 0.5 * width]
    if not wide:
        return 0.0, width
    return statistics.median(line.left for line in wide), max(line.right for line in wide)


def aligned_like(line: Line, first: Line, margins: tuple[float, float], width: float,
                 *, capitals: bool = False) -> bool:
    """Whether ``line`` continues a summary that started with ``first``: centred on the same
    axis (and not spanning the text, as a justified body line does, unless the summary is
    in ``capitals``: a body line never is), or left-aligned with ``first``."""
    left, right = margins
    tolerance = 0.012 * width
    inset_left, inset_right = line.left - left, right - line.right
    centred = abs(line.centre - first.centre) <= 2 * tolerance and (
        capitals or min(inset_left, inset_right) > 2 * tolerance)
    return centred or abs(line.left - first.left) <= tolerance


def widens_centred(line: Line, previous: Line, first: Line, margins: tuple[float, float],
                   width: float) -> bool:
    """Whether ``line``, spanning the text from the left margin to the right one, is a
    long summary's last line after ``previous``, a centred line inset on both sides: it is
    centred on ``first``'s axis and starts at the margin. A justified body line spans the
    text too, but never right under a centred line: a paragraph's first line is indented,
    and its next lines follow a line that reaches the right margin."""
    left, right = margins
    tolerance = 0.012 * width
    previous_inset = min(previous.left - left, right - previous.right)
    return (previous_inset > 2 * tolerance and abs(line.left - left) <= tolerance
            and right - line.right <= 2 * tolerance
            and abs(line.centre - first.centre) <= tolerance)


def is_authority_line(text: str) -> bool:
    """Whether a signer-block line is the authority line (``KT. GIÁM ĐỐC``, ``TM. ...``)."""
    head = text.strip().split(" ", 1)[0].upper().rstrip(".,")
    return any(head == prefix.rstrip(".") for prefix in AUTHORITY_PREFIXES)


def is_junk(line: Line) -> bool:
    """Specks and seal fragments OCR read as text: too few letters, or far too small."""
    letters = sum(char.isalnum() for char in line.text)
    return letters < 2 or (line.has_geometry and line.height < MIN_TEXT_HEIGHT)


def signer_lines(document: ReadDocument) -> list[Line]:
    """The right column of the signer block, top to bottom: authority lines (if any),
    position, name. The first block of :func:`signer_blocks` (the signer precedes the
    appendices and attached drafts), else the last page's. Empty when there is none."""
    return next(iter(signer_blocks(document)), [])


def signer_blocks(document: ReadDocument) -> list[list[Line]]:
    """Every page's candidate signer column, in page order: on each page with a "Nơi
    nhận:" line or an authority line (KT./TM./TL./TUQ.), the right-half lines from the
    authority lines (or the body's end) down to the next line spanning the page (an
    appendix, a table). Decrees and letters carry appendices and draft texts after the
    signature, so the signer block is not always on the last page. When no page has such
    a line, the last page's lines below the body (or, without geometry, after the
    recipients) are the one candidate."""
    blocks: list[list[Line]] = []
    fallback: list[Line] = []
    for page_index, page in enumerate(document.pages):
        width = document.page_widths[page_index]
        if not page:
            continue
        if any(line.has_geometry for line in page) and width > 0:
            block = _anchored_column(page, width)
            if block:
                blocks.append(block)
            column = [line for line in page if in_right_half(line, width) and not is_junk(line)]
            fallback = _below_last_wide_line(page, column, width)[-6:] or fallback
        else:
            fallback = _after_recipients(page)[-6:] or fallback
    return blocks or ([fallback] if fallback else [])


def _is_recipients(line: Line) -> bool:
    return find_keyword(line.text, "Nơi nhận", threshold=0.8, anchored=True) is not None


def _anchored_column(page: list[Line], width: float) -> list[Line]:
    """The right column of a signer block anchored by "Nơi nhận:" (left half) or an
    authority line (right half) on ``page``; empty when the page has neither."""
    anchors = [line for line in page if line.has_geometry and (
        (_is_recipients(line) and not in_right_half(line, width))
        or (in_right_half(line, width) and is_authority_line(line.text)))]
    if not anchors:
        return []
    anchor = min(anchors, key=lambda line: line.top)
    wide = [line for line in page if line.has_geometry and line.right - line.left > 0.5 * width]
    # the block starts under the body's last wide line above the anchor (the authority
    # line may stand a little higher than "Nơi nhận:") and ends at the next wide line
    floor = max((line.bottom for line in wide if line.bottom <= anchor.top + anchor.height),
                default=0.0)
    ceiling = min((line.top for line in wide if line.top > anchor.bottom), default=float("inf"))
    column = sorted((line for line in page if in_right_half(line, width) and not is_junk(line)
                     and floor - 0.5 * line.height <= line.top < ceiling),
                    key=lambda line: line.top)
    return column


def _below_last_wide_line(page: list[Line], column: list[Line], width: float) -> list[Line]:
    """Right-half lines below the body: below the last line that spans most of the page."""
    wide_bottoms = [line.bottom for line in page if line.right - line.left > 0.5 * width]
    floor = max(wide_bottoms, default=0.0)
    below = sorted((line for line in column if line.top >= floor), key=lambda line: line.top)
    return below


def _after_recipients(page: list[Line]) -> list[Line]:
    """Without geometry: the lines after the "Nơi nhận:" list, else the page's last lines."""
    start = None
    for index, line in enumerate(page):
        if find_keyword(line.text, "Nơi nhận", threshold=0.8, anchored=True):
            start = index + 1
    if start is None:
        return page[-4:]
    while start < len(page) and page[start].text.lstrip().startswith(("-", "+", "*", "“")):
        start += 1
    return page[start:]
