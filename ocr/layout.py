"""Reading order of the words of one page, for the Decree 30 layout.

Words are grouped into lines by vertical position, and lines into *segments* where a wide
horizontal gap splits them. Rows whose segments leave a common vertical gutter near the
middle of the text form a two-column *band*: the header (agency and "Số: ..." on the left,
national motto and "Place, ngày ..." on the right) and the signer block ("Nơi nhận:" on the
left, position and name on the right). A band reads as its left column, then its right
column, then a block set apart in the left column below the right column's end (a công
văn's "V/v ..." summary). Everything else reads top to bottom, a line at a time.
"""

from __future__ import annotations

import itertools
import statistics
import unicodedata
from dataclasses import dataclass, field, replace

from ocr.model import Word

COLUMN_GAP = 0.8
"""A gap wider than this many word heights splits a line into segments."""

BAND_GAP = 2.5
"""A band does not grow across a vertical gap of more than this many word heights."""

COLUMN_WIDTH = 0.62
"""A segment wider than this share of the text's width is no column of a band."""

KEEP_GAP = 0.3
"""A row joins a band only if this share of the seed row's column gap stays free (or at
least :data:`KEEP_GAP_HEIGHTS` word heights of it)."""

KEEP_GAP_HEIGHTS = 1.0
"""A gutter this many word heights wide is wide enough to keep a band going when the left
part of the row stays in the left half of the text: a long
agency line of the header ("BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG ...") reaches close to the
motto's column, and the header was read line by line across both columns."""

NARROW_SEED = 1.5
"""A row whose column gap is narrower than this many word heights starts a band only when
the gap lies within :data:`NARROW_SEED_OFF` of the text's width from its middle."""

NARROW_SEED_OFF = 0.15
"""See :data:`NARROW_SEED`: a header's gutter lies there; a form's gap between
"Ngày cấp: ..." and "Nơi cấp: ..." on one line does not."""

JUSTIFIED_GAP = 1.8
"""A gap splits a line only if it is also this many times the line's median gap between
words: the gaps of a justified line are all wide, and none of them is a column gap."""


@dataclass
class _Segment:
    words: list[Word]

    @property
    def left(self) -> int:
        return min(w.left for w in self.words)

    @property
    def right(self) -> int:
        return max(w.left + w.width for w in self.words)

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.top + w.height for w in self.words)


@dataclass
class _Row:
    segments: list[_Segment] = field(default_factory=list)
    gap: tuple[float, float] | None = None  # the column gap when the row is two-sided

    @property
    def top(self) -> int:
        return min(s.top for s in self.segments)

    @property
    def bottom(self) -> int:
        return max(s.bottom for s in self.segments)

    @property
    def words(self) -> list[Word]:
        return sorted((w for s in self.segments for w in s.words), key=lambda w: w.left)


def _centre(word: Word) -> float:
    return word.top + word.height / 2.0


NEIGHBOUR_LINES = True
"""A word also joins a line when its centre lies within half a word height of the centre
of that line's word nearest to it across the page (:func:`group_lines`)."""


def _nearest_centre(word: Word, members: list[Word]) -> float:
    """The vertical centre of the word of ``members`` horizontally nearest to ``word``."""
    def distance(other: Word) -> int:
        return max(other.left - (word.left + word.width), word.left - (other.left + other.width),
                   0)
    return _centre(min(members, key=distance))


def group_lines(words: list[Word], height: float) -> list[list[Word]]:
    """Words whose vertical centres lie within half a word height of a line's centre
    join that line; lines come out top to bottom, words left to right. With
    :data:`NEIGHBOUR_LINES`, a word within half a word height of its horizontal neighbour
    in a line joins it too: "CỤC" between "PHÓ" and "TRƯỞNG" sits lower than both (no
    accent above it, a dot below), and the mean centre of a line that a left-column line a
    little higher joined ("- Các thành viên Tổ công tác;") is too far from it."""
    lines: list[tuple[float, list[Word]]] = []  # (mean centre, words)
    for word in sorted(words, key=_centre):
        y = _centre(word)
        off = {i: abs(lines[i][0] - y) for i in range(len(lines))}
        if NEIGHBOUR_LINES:
            off = {i: min(gap, abs(_nearest_centre(word, lines[i][1]) - y))
                   if gap <= 1.5 * height else gap for i, gap in off.items()}
        candidates = [i for i, gap in off.items() if gap <= 0.5 * height]
        if candidates:
            i = min(candidates, key=lambda k: off[k])
            mean, members = lines[i]
            members.append(word)
            lines[i] = (mean + (y - mean) / len(members), members)
        else:
            lines.append((y, [word]))
    return [sorted(members, key=lambda w: w.left) for _, members in lines]


def split_segments(line: list[Word], height: float) -> list[_Segment]:
    """Cut a line (words left to right) where the horizontal gap is a column gap: wider
    than :data:`COLUMN_GAP` word heights and, on a line of four words or more, than
    :data:`JUSTIFIED_GAP` times its median gap (a justified body line stretched wide is one
    segment, not one column per word)."""
    gaps = [b.left - (a.left + a.width) for a, b in itertools.pairwise(line)]
    least = COLUMN_GAP * height
    if len(gaps) >= 3:
        least = max(least, JUSTIFIED_GAP * statistics.median(gaps))
    segments = [_Segment([line[0]])]
    for word in line[1:]:
        if word.left - segments[-1].right > least:
            segments.append(_Segment([word]))
        else:
            segments[-1].words.append(word)
    return segments


def _gap(row: _Row, low: float, high: float) -> tuple[float, float] | None:
    """The widest gap between a row's segments, as (left x, right x), when its middle lies
    in [low, high]."""
    gaps = [(a.right, b.left) for a, b in zip(row.segments, row.segments[1:], strict=False)]
    if not gaps:
        return None
    gap = max(gaps, key=lambda g: g[1] - g[0])
    return gap if low <= (gap[0] + gap[1]) / 2.0 <= high else None


@dataclass(frozen=True)
class _Keep:
    """How much of a band's column gap a joining row must leave free."""

    gap: float  # always enough
    short: float  # enough when every left-column segment ends before ``centre``
    centre: float  # the middle of the text's width
    widest: float  # the widest segment a column holds
    height: float  # the page's median word height


FIELD_LABEL_WORDS = 3
"""A segment opening with a label of at most this many words and a colon, with its value
after it ("Giới tính: Nam", "Quốc tịch: Việt Nam"), is a form field ..."""

FIELD_HEIGHT = 0.7
"""... when its words are at least this share of the page's median word height: small
print side by side (two e-signature stamps, "Ký bởi: ...", "Email: ...") are blocks of
their own, read one after the other."""


def _is_field(segment: _Segment, height: float) -> bool:
    words = segment.words
    if statistics.median(w.height for w in words) < FIELD_HEIGHT * height:
        return False
    return any(word.text.endswith(":") and index + 1 < len(words)
               for index, word in enumerate(words[:FIELD_LABEL_WORDS]))


def _narrow(row: _Row, gap: tuple[float, float], keep: _Keep) -> tuple[float, float] | None:
    """The column gap left free when ``row`` joins a band, or None when it closes it
    (a segment too wide for a column, a form field on the right, or too little gap
    left). A narrow gutter
    (:data:`KEEP_GAP_HEIGHTS`) is enough only when the row's left part stays in the left
    half of the text: a body line that ends just short of the signer's column is no
    column line."""
    low, high = gap
    middle = (low + high) / 2.0
    in_left_half = True
    for segment in row.segments:
        if segment.right - segment.left > keep.widest:
            return None
        if (segment.left + segment.right) / 2.0 < middle:
            low = max(low, segment.right)
            in_left_half = in_left_half and segment.right <= keep.centre
        elif _is_field(segment, keep.height):
            return None  # "...   Giới tính: Nam": a form's line, not two columns
        else:
            high = min(high, segment.left)
    free = high - low
    if free >= keep.gap or (in_left_half and free >= keep.short):
        return low, high
    return None


def find_bands(rows: list[_Row], height: float, left: float,
               span: float) -> list[tuple[int, int, float]]:
    """Runs of rows (first, last, gutter x) that read as two columns: seeded by a row with
    a column gap near the middle and no segment wider than :data:`COLUMN_WIDTH` of the
    text (``left`` x, ``span`` wide), grown up and down over near rows that leave enough
    of the gap free."""
    bands: list[tuple[int, int, float]] = []
    widest = COLUMN_WIDTH * span
    centre = left + span / 2.0
    for seed, row in enumerate(rows):
        if row.gap is None or (bands and seed <= bands[-1][1]):
            continue
        if _narrow(row, row.gap, _Keep(0.0, 0.0, centre, widest, height)) is None:
            continue
        if (row.gap[1] - row.gap[0] < NARROW_SEED * height
                and abs((row.gap[0] + row.gap[1]) / 2.0 - centre) > NARROW_SEED_OFF * span):
            continue  # "Ngày cấp: ...   Nơi cấp: ..." on a form: one line, not two columns
        gap: tuple[float, float] | None = row.gap
        strict = max(0.5 * height, KEEP_GAP * (row.gap[1] - row.gap[0]))
        keep = _Keep(strict, min(strict, max(0.5 * height, KEEP_GAP_HEIGHTS * height)),
                     centre, widest, height)
        first = last = seed
        limit = bands[-1][1] + 1 if bands else 0
        while first > limit and gap is not None and _near(rows[first - 1], rows[first], height):
            wider = _narrow(rows[first - 1], gap, keep)
            if wider is None:
                break
            gap, first = wider, first - 1
        while last + 1 < len(rows) and gap is not None and (
                _near(rows[last + 1], rows[last], height)
                or _across_signatures(rows[last + 1], rows[last], gap, height)):
            wider = _narrow(rows[last + 1], gap, keep)
            if wider is None:
                break
            gap, last = wider, last + 1
        assert gap is not None
        bands.append((first, last, (gap[0] + gap[1]) / 2.0))
    return bands


def _near(row: _Row, neighbour: _Row, height: float) -> bool:
    return max(row.top - neighbour.bottom, neighbour.top - row.bottom) <= BAND_GAP * height


SIGNATURE_GAP = 10.0
"""A band grows down across a blank of up to this many word heights (the signatures) to a
row with text on both sides of its gutter (the names of two signers side by side)."""


def _across_signatures(row: _Row, above: _Row, gap: tuple[float, float],
                       height: float) -> bool:
    middle = (gap[0] + gap[1]) / 2.0
    sides = {(s.left + s.right) / 2.0 < middle for s in row.segments}
    if len(sides) < 2 or row.top - above.bottom > SIGNATURE_GAP * height:
        return False
    sizes = [statistics.median(w.height for w in r.words) for r in (row, above)]
    return min(sizes) >= FIELD_HEIGHT * max(sizes)  # print of one size (not stamps, header)


BLOCK_GAP = 1.0
"""Left-column lines below the right column's end read after it only when this many word
heights of blank separate them from the left line above (a block of their own)."""


def _band_lines(rows: list[_Row], gutter: float, height: float) -> list[list[Word]]:
    """Rows above the band's first row with text on both sides, line by line (a date
    above two signers side by side); then the left column, the right column and the left
    column's block below the right's end (a công văn's "V/v ..." summary set apart under
    the number). A left column that runs on without a break past the right column's end
    ("Nơi nhận:" list longer than the authority lines above a signature) is read whole
    before the right column."""
    def side(segment: _Segment) -> bool:
        return (segment.left + segment.right) / 2.0 < gutter

    lead = next((i for i, row in enumerate(rows)
                 if len({side(s) for s in row.segments}) == 2), len(rows))
    left = [s for row in rows[lead:] for s in row.segments if side(s)]
    right = [s for row in rows[lead:] for s in row.segments if not side(s)]
    if not right or not left:
        return [row.words for row in rows]
    right_end = max(s.bottom for s in right)
    split = len(left)
    for index, segment in enumerate(left):
        if segment.top >= right_end and (
                index == 0 or segment.top - left[index - 1].bottom > BLOCK_GAP * height):
            split = index
            break
    return [row.words for row in rows[:lead]] + [
        s.words for s in (*left[:split], *right, *left[split:])]


def reading_order(words: list[Word], page_width: int) -> tuple[list[Word], str]:
    """Order a page's words for reading (see the module docstring).

    Returns the words with ``line`` renumbered from 1 in reading order, and the page text:
    lines joined by newlines, words by single spaces, NFC.
    """
    words = [w for w in words if w.text.strip()]
    if not words:
        return [], ""
    height = statistics.median(w.height for w in words)
    text_left = min(w.left for w in words)
    text_right = max(w.left + w.width for w in words)
    span = max(text_right - text_left, 1, page_width // 10)
    low, high = text_left + 0.25 * span, text_left + 0.75 * span
    rows = []
    for line in group_lines(words, height):
        row = _Row(split_segments(line, height))
        row.gap = _gap(row, low, high)
        rows.append(row)
    ordered_lines: list[list[Word]] = []
    cursor = 0
    for first, last, gutter in find_bands(rows, height, text_left, span):
        ordered_lines.extend(row.words for row in rows[cursor:first])
        ordered_lines.extend(_band_lines(rows[first : last + 1], gutter, height))
        cursor = last + 1
    ordered_lines.extend(row.words for row in rows[cursor:])
    numbered: list[Word] = []
    texts: list[str] = []
    for number, line in enumerate(ordered_lines, 1):
        numbered.extend(replace(w, line=number) for w in line)
        texts.append(" ".join(w.text for w in line))
    return numbered, unicodedata.normalize("NFC", "\n".join(texts))
