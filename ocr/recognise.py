"""Recognise one prepared page: Tesseract, ink it read twice read once (:mod:`ocr.doubles`),
its guesses at pictures dropped, lines it took for vertical text read again across
(:mod:`ocr.vertical`) and lines its layout analysis left unread read again
(:mod:`ocr.uncovered`), boxes back to the display image, reading order."""

from __future__ import annotations

import itertools
import statistics
from dataclasses import replace

import cv2
import numpy as np

from ocr import doubles, marks, syllables, tesseract, uncovered, vertical
from ocr.layout import reading_order
from ocr.model import Image, OcrLimits, PageResult, PreparedPage, Word
from ocr.stacked import stack, words_box

DEFAULT_LANG = "vie"
"""Tesseract's language for Vietnamese documents. ``vie`` alone, not ``vie+eng``: with
``eng`` beside it Tesseract prefers the English reading of capitals and of short words and
drops their diacritics ("CONG HOA XA HOI", "va", "tinh"); the ``vie`` model reads Latin
letters, digits and English words too (corpus CER 0.68% -> 0.33%, ``benchmarks/ocr_quality.py``).
"""

PAGE_SEGMENTATION = 3
"""Tesseract's fully automatic page segmentation (see ``benchmarks/ocr_quality.py``)."""


ACCENT_HEIGHT = 0.45
"""A Tesseract line whose words are all lower than this share of the page's median word
height, right above another line, is that line's diacritics split off."""


SYLLABLE_CHOICES = True
"""Tesseract's per-character LSTM alternatives are re-ranked by Vietnamese syllable
frequencies (:mod:`ocr.syllables`) on the page's reading. Measured (issue 16 §3): line CER
corpus 0.288% -> 0.281%, generated 0.868% -> 0.827%, real scans' body 1.88% -> 1.75%; +4%
CPU per page."""

COMPOUND_PAIRS = True
"""With :data:`SYLLABLE_CHOICES`, a line's spellings are chosen together: two neighbours
that make a word of the Vietnamese dictionary gain :data:`ocr.syllables.PAIR_BONUS`
(:func:`ocr.syllables.rerank_line`; "kết qua" -> "kết quả", "thấm quyền" -> "thẩm
quyền"). Measured with ``benchmarks/ocr_quality.py --sets corpus,generated,real`` against
the same code with it off: corpus 0.33% -> 0.28%, unseen generated scans 0.56% -> 0.50%
(line CER 0.42% -> 0.36%), real pages' body 1.75% -> 1.61%; 33 documents read better,
none worse; CPU per page within the run's noise (+2-5%)."""

REREAD_DOUBTFUL_LINES = False
"""Lines Tesseract was unsure of are read again, enlarged (:func:`reread_doubtful_lines`).
Off: measured with ``benchmarks/ocr_quality.py --off``, it read no character better (line
CER corpus 0.29% -> 0.30%, generated 0.82% -> 0.84%, real body 1.75% -> 1.87%) and its
re-placed words broke the reading order of some pages (corpus CER 0.44% -> 0.57%)."""

DOUBTFUL_LINE = 80.0
"""A line whose mean word confidence is under this is read again."""

REREAD_SCALE = 1.5
"""How much a doubtful line is enlarged before it is read again."""


MEND_MARKS = True
"""Full stops before a word in lower case are read as the commas they are, an I or l
touching a digit as the digit one, straight quotes as curly ones and a misread m2 as m2
(:func:`ocr.marks.mend_line`). Measured with ``benchmarks/ocr_quality.py --sets
corpus,generated,real --generated 48`` against ``--off marks``: real pages' body CER
1.35% -> 0.88% with :data:`ocr.syllables.RESTORE_TONES` on, 1.61% -> 1.14% with it off;
the corpus and the unseen scans read byte-identical."""


def read_words(image: Image, lang: str, psm: int, timeout: float) -> list[Word]:
    """Tesseract's words on ``image``; with :data:`SYLLABLE_CHOICES`, each word's spelling
    re-ranked by :func:`ocr.syllables.rerank`; with :data:`MEND_MARKS`, each line's
    punctuation and digit ones mended (:func:`ocr.marks.mend_line`)."""
    if not SYLLABLE_CHOICES:
        return _mended(tesseract.recognise(image, lang=lang, psm=psm, timeout=timeout))
    frequencies = syllables.syllable_frequencies()
    found = tesseract.recognise_choices(image, lang=lang, psm=psm, timeout=timeout)
    if not COMPOUND_PAIRS:
        return _mended([replace(word, text=syllables.rerank(word.text, choices, frequencies))
                        if choices else word for word, choices in found])
    pairs = syllables.compound_pairs()
    words: list[Word] = []
    for _, group in itertools.groupby(found, key=lambda item: (item[0].block, item[0].line)):
        line = list(group)
        texts = syllables.rerank_line([(word.text, choices) for word, choices in line],
                                      frequencies, pairs)
        words.extend(replace(word, text=text) for (word, _), text in zip(line, texts,
                                                                         strict=True))
    return _mended(words)


def _mended(words: list[Word]) -> list[Word]:
    """``words`` with each line's marks mended (:data:`MEND_MARKS`)."""
    if not MEND_MARKS:
        return words
    mended: list[Word] = []
    for _, group in itertools.groupby(words, key=lambda word: (word.block, word.line)):
        line = list(group)
        texts = marks.mend_line([word.text for word in line])
        mended.extend(word if word.text == text else replace(word, text=text)
                      for word, text in zip(line, texts, strict=True))
    return mended



DROP_PICTURE_GUESSES = True
"""Tesseract's guesses at pictures are dropped (:func:`drop_picture_guesses`)."""

TALL_GUESS = 2.5
"""A word at least this many times the page's median word height, ..."""

GUESS_CONFIDENCE = 60.0
"""... read with a confidence under this, and with fewer letters than other characters
(digits and signs), is Tesseract's guess at a picture: a signature's strokes ("§///25",
"\\07725"), the corner of a page's frame ("———"). It is dropped. On the generated scans
and the corpus no word so tall and unsure was a word of the text but "án" (letters)."""


def _picture_guess(word: Word, height: float) -> bool:
    if word.confidence >= GUESS_CONFIDENCE:
        return False
    # signs only: a rule ("——"), a seal's ticks, a signature's loops; not "[." for "I."
    # nor "./.", text's punctuation after a misread letter
    if (len(word.text) >= 2 and not any(c.isalnum() for c in word.text)
            and word.text[-1] not in ".,;:"):
        return True
    return (word.height >= TALL_GUESS * height
            and 2 * sum(c.isalpha() for c in word.text) < len(word.text))


def drop_picture_guesses(words: list[Word]) -> list[Word]:
    """``words`` without the guesses at pictures described at :data:`GUESS_CONFIDENCE`,
    nor the unsure words of two signs or more and no letter or digit (a rule under the
    header read as "——", a seal's ticks read as "———”—”")."""
    if not words:
        return words
    height = statistics.median(w.height for w in words)
    return [w for w in words if not _picture_guess(w, height)]


def _lines(words: list[Word]) -> list[list[Word]]:
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    return list(lines.values())


def reread_doubtful_lines(words: list[Word], image: Image, lang: str,
                          timeout: float) -> list[Word]:
    """Read again every line whose mean word confidence is under :data:`DOUBTFUL_LINE`:
    the lines' crops, enlarged by :data:`REREAD_SCALE`, stacked one under the other with a
    blank line between them, in one Tesseract run (``--psm 6``); a line's new words replace
    its old ones when their mean confidence is higher."""
    doubtful = [line for line in _lines(words)
                if _mean(line) < DOUBTFUL_LINE and any(w.text.isalnum() or len(w.text) > 1
                                                       for w in line)]
    if not doubtful:
        return words
    gray = image if image.ndim == 2 else np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
    crops, origins = [], []
    for line in doubtful:
        left, top, right, bottom = words_box(line)
        pad = max(4, (bottom - top) // 3)
        x0, y0 = max(left - pad, 0), max(top - pad, 0)
        crop = gray[y0 : bottom + pad, x0 : right + pad]
        crops.append(np.asarray(cv2.resize(crop, None, fx=REREAD_SCALE, fy=REREAD_SCALE,
                                           interpolation=cv2.INTER_CUBIC), np.uint8))
        origins.append((x0, y0))
    stacked = stack(crops)
    gap, found = stacked.gap, read_words(stacked.canvas, lang, 6, timeout)
    for index, (line, (x0, y0)) in enumerate(zip(doubtful, origins, strict=True)):
        new, top = stacked.words_in(found, index), stacked.slots[index][0]
        if not new or _mean(new) <= _mean(line):
            continue
        placed = [replace(w, left=x0 + round((w.left - gap) / REREAD_SCALE),
                          top=y0 + round((w.top - top) / REREAD_SCALE),
                          width=max(round(w.width / REREAD_SCALE), 1),
                          height=max(round(w.height / REREAD_SCALE), 1),
                          block=line[0].block, line=line[0].line) for w in new]
        gone = {id(w) for w in line}
        words = [w for w in words if id(w) not in gone] + placed
    return words


def _segments(words: list[Word], height: float) -> list[list[Word]]:
    """Tesseract's lines cut where words are more than ``height`` apart (columns)."""
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    segments: list[list[Word]] = []
    for members in lines.values():
        members.sort(key=lambda w: w.left)
        segments.append([members[0]])
        for word in members[1:]:
            previous = segments[-1][-1]
            if word.left - (previous.left + previous.width) > height:
                segments.append([word])
            else:
                segments[-1].append(word)
    return segments


def find_split_accents(words: list[Word]) -> list[tuple[list[Word], list[Word]]]:
    """Pairs (accent words, text words) where Tesseract's layout analysis cut the
    diacritics of a line of capitals (``PHÓ CHỦ TỊCH``) into a line of their own and read
    the letters without them: a run of tiny words right above a run of text."""
    if not words:
        return []
    height = statistics.median(w.height for w in words)
    segments = _segments(words, height)
    pairs: dict[int, tuple[list[Word], list[Word]]] = {}
    for accents in segments:
        if max(w.height for w in accents) >= ACCENT_HEIGHT * height:
            continue
        left, _, right, bottom = words_box(accents)
        below = [seg for seg in segments if seg is not accents
                 and -0.3 * height <= words_box(seg)[1] - bottom <= 0.5 * height
                 and words_box(seg)[0] < right and words_box(seg)[2] > left]
        if below:
            text = min(below, key=lambda seg: words_box(seg)[1])
            pairs.setdefault(id(text), ([], text))[0].extend(accents)
    return list(pairs.values())


def repair_split_accents(words: list[Word], image: Image, lang: str,
                         timeout: float) -> list[Word]:
    """Read again, as one line (``--psm 7``), every run of text found by
    :func:`find_split_accents`, together with its accents; keep the better reading."""
    for accents, text in find_split_accents(words):
        left, top, right, bottom = words_box(accents + text)
        pad = max(4, (bottom - top) // 4)
        x0, y0 = max(left - pad, 0), max(top - pad, 0)
        crop = image[y0 : bottom + pad, x0 : right + pad]
        new = [replace(w, left=w.left + x0, top=w.top + y0, block=text[0].block,
                       line=text[0].line)
               for w in tesseract.recognise(crop, lang=lang, psm=7, timeout=timeout)]
        if new and _mean(new) >= _mean(text):
            gone = {id(w) for w in accents + text}
            kept = [w for w in words if id(w) not in gone]
            # the crop may cut a neighbouring word: its piece is already read in full
            words = kept + [w for w in new if not any(_overlaps(w, k) for k in kept)]
    return words


def _overlaps(word: Word, other: Word) -> bool:
    """Whether ``word``'s centre falls inside ``other``'s box."""
    x, y = word.left + word.width / 2, word.top + word.height / 2
    return (other.left <= x <= other.left + other.width
            and other.top <= y <= other.top + other.height)


def _mean(words: list[Word]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def to_display(word: Word, scale: float) -> Word:
    """A word's box in display-image pixels, from OCR-image pixels (``scale`` = OCR/display)."""
    if scale == 1.0:
        return word
    left, top = round(word.left / scale), round(word.top / scale)
    right = round((word.left + word.width) / scale)
    bottom = round((word.top + word.height) / scale)
    return replace(word, left=left, top=top, width=max(right - left, 1),
                   height=max(bottom - top, 1))


def recognise_page(prepared: PreparedPage, lang: str, limits: OcrLimits) -> PageResult:
    """One Tesseract pass over ``prepared.ocr_image``; words in reading order with boxes in
    ``prepared.display`` pixels and the page's mean word confidence (0 when empty).

    Raises :class:`ocr.errors.OcrInputError` when the page exceeds
    ``limits.page_timeout_seconds`` and :class:`ocr.errors.OcrUnavailableError` when
    Tesseract cannot run.
    """
    found = read_words(prepared.ocr_image, lang, PAGE_SEGMENTATION,
                       limits.page_timeout_seconds)
    if doubles.DROP_DOUBLES:
        found = doubles.drop_double_reads(found)
    if DROP_PICTURE_GUESSES:
        found = drop_picture_guesses(found)
    found = repair_split_accents(found, prepared.ocr_image, lang, limits.page_timeout_seconds)
    if vertical.READ_VERTICAL:
        found = vertical.read_vertical_lines(found, prepared.ocr_image, lang,
                                             limits.page_timeout_seconds, read_words)
    if uncovered.READ_UNREAD:
        found = uncovered.read_unread_lines(found, prepared.ocr_image, lang,
                                            limits.page_timeout_seconds, read_words)
    if REREAD_DOUBTFUL_LINES:
        found = reread_doubtful_lines(found, prepared.ocr_image, lang,
                                      limits.page_timeout_seconds)
    if doubles.DROP_INSIDE:
        found = doubles.drop_marks_inside(found)
    height, width = prepared.display.shape[:2]
    words, text = reading_order([to_display(w, prepared.ocr_scale) for w in found], width)
    mean = _mean(words)
    return PageResult(
        index=prepared.index,
        width=width,
        height=height,
        dpi=prepared.dpi,
        rotation=prepared.rotation,
        skew=prepared.skew,
        mean_confidence=mean,
        words=words,
        text=text,
        source="ocr",
    )
