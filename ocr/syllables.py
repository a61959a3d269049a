"""Vietnamese syllable frequencies, and Tesseract's character alternatives re-ranked by them.

Tesseract's LSTM gives, for each character it read, the alternatives it considered with a
score (``ocr.tesseract.recognise_choices``). On a bilevel scan it often takes one tone mark
for another or drops a hook (``hương`` for ``hưởng``, ``phâm`` for ``phẩm``) while the right
letter is among its alternatives. :func:`rerank` picks, per word, the spelling that best
combines the LSTM's scores with how common the syllable is in real Vietnamese text.

The frequencies are ``wordfreq``'s Vietnamese list (subtitles, Wikipedia, web text, news:
real text, not this project's generator); written Vietnamese puts a space between
syllables, so its words are syllables.

A syllable alone often cannot tell: "qua" and "quả", "thấm" and "thẩm" are all frequent.
Its neighbours can: most Vietnamese words are two syllables, and "kết quả", "thẩm quyền"
are words of the dictionary while "kết qua", "thấm quyền" are not. :func:`rerank_line`
chooses a line's spellings together, among the same LSTM alternatives, giving a bonus to
each two neighbours that make (part of) a word of pyvi's dictionary
(:func:`compound_pairs`), again real text and not this project's generator. Where the scan
lost a tone mark and the LSTM saw none, the syllable with the tone restored is weighed too
(:data:`RESTORE_TONES`).
"""

from __future__ import annotations

import functools
import importlib.resources
import itertools
import math
import unicodedata
from collections.abc import Sequence

from ocr.errors import OcrUnavailableError

CharChoices = tuple[tuple[str, float], ...]
"""One character's alternatives, best first: (text, LSTM score 0..100)."""

WEIGHT = 0.35
"""How much the syllable's log frequency counts against the LSTM's log scores."""

UNKNOWN = 1e-8
"""The frequency given to a syllable not in the list (the list stops at 1e-6)."""

MIN_SCORE = 5.0
"""Alternatives the LSTM scored below this (0..100) are not considered."""

MARGIN = 1.0
"""A new spelling must beat the one read by this much (natural log units)."""

MAX_ALTERNATIVES = 4
MAX_CANDIDATES = 512


@functools.cache
def syllable_frequencies() -> dict[str, float]:
    """Lower-case Vietnamese syllables (NFC) and their frequency in ``wordfreq``'s list.

    Raises :class:`OcrUnavailableError` when ``wordfreq`` is not installed.
    """
    try:
        import wordfreq
    except ImportError as error:  # pragma: no cover - a declared dependency
        raise OcrUnavailableError("the wordfreq package is not installed",
                                  subject="wordfreq") from error
    frequencies: dict[str, float] = {}
    for word, frequency in wordfreq.get_frequency_dict("vi", "small").items():
        key = unicodedata.normalize("NFC", word)
        if key.isalpha():
            frequencies[key] = frequencies.get(key, 0.0) + float(frequency)
    return frequencies


def _log(score: float) -> float:
    return math.log(max(score, 0.5) / 100.0)


def _spelling_score(letters: tuple[tuple[str, float], ...], frequencies: dict[str, float]
                    ) -> float:
    text = "".join(char for char, _ in letters)
    frequency = frequencies.get(unicodedata.normalize("NFC", text.lower()), UNKNOWN)
    return sum(_log(score) for _, score in letters) + WEIGHT * math.log(frequency)


def _core_span(text: str) -> tuple[int, int]:
    """Where the letters of ``text`` start and end (punctuation around them left out)."""
    start, end = 0, len(text)
    while start < end and not text[start].isalpha():
        start += 1
    while end > start and not text[end - 1].isalpha():
        end -= 1
    return start, end


def spellings(text: str, choices: tuple[CharChoices, ...] | None,
              frequencies: dict[str, float]) -> list[tuple[str, float]]:
    """The spellings of a word Tesseract read as ``text`` worth weighing, with their scores
    (:func:`_spelling_score`, higher is better): the reading first, then each known
    syllable its characters' LSTM alternatives (``choices``) spell, best first.
    Punctuation around the letters is kept as read; a word with digits or other signs
    inside, longer than 7 letters or without alternatives has its reading only."""
    if choices is None or len(choices) != len(text):
        return [(text, 0.0)]
    start, end = _core_span(text)
    core = choices[start:end]
    if not core or len(core) > 7 or not text[start:end].isalpha():
        return [(text, 0.0)]
    options: list[list[tuple[str, float]]] = []
    for group, read in zip(core, text[start:end], strict=True):
        best = max((score for char, score in group if char == read), default=group[0][1])
        kept = [(read, best)] + [(char, score) for char, score in group
                                 if char != read and score >= MIN_SCORE and char.isalpha()
                                 and len(char) == 1 and char.isupper() == read.isupper()]
        options.append(kept[:MAX_ALTERNATIVES])
    read_score = _spelling_score(tuple(option[0] for option in options), frequencies)
    found = [(text, read_score)]
    if all(len(option) == 1 for option in options) or \
            math.prod(len(option) for option in options) > MAX_CANDIDATES:
        return found
    others: list[tuple[str, float]] = []
    for letters in itertools.product(*options):
        spelling = "".join(char for char, _ in letters)
        if spelling == text[start:end] or \
                unicodedata.normalize("NFC", spelling.lower()) not in frequencies:
            continue
        others.append((text[:start] + spelling + text[end:],
                       _spelling_score(letters, frequencies)))
    others.sort(key=lambda item: -item[1])
    return found + others[:MAX_SPELLINGS]


MAX_SPELLINGS = 6
"""At most this many other spellings of one word are weighed in its line."""


def rerank(text: str, choices: tuple[CharChoices, ...] | None,
           frequencies: dict[str, float]) -> str:
    """The spelling of a word Tesseract read as ``text`` that best combines its characters'
    LSTM alternatives (``choices``, one group per character) with syllable frequency.

    A new spelling is taken only when it is a known syllable and beats the one read by
    :data:`MARGIN` (see :func:`spellings`)."""
    found = spellings(text, choices, frequencies)
    best_text, best_score = found[0][0], found[0][1] + MARGIN
    for spelling, score in found[1:]:
        if score > best_score:
            best_text, best_score = spelling, score
    return best_text


PAIR_BONUS = 2.0
"""What two neighbouring syllables of a line gain (natural log units) when together they
are (part of) a word of the Vietnamese dictionary (:func:`compound_pairs`)."""

_TONES = {"\u0300": "2", "\u0301": "1", "\u0309": "3", "\u0303": "4", "\u0323": "5"}


def _toneless(syllable: str) -> str:
    """``syllable`` in lower case with its tone mark taken off and named after it, so that
    the old and new placements of a tone ("uỷ", "ủy"; "hoà", "hòa") compare equal."""
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    tone = "".join(_TONES.get(char, "") for char in decomposed)
    bare = "".join(char for char in decomposed if char not in _TONES)
    return unicodedata.normalize("NFC", bare) + tone


@functools.cache
def compound_pairs() -> frozenset[tuple[str, str]]:
    """Every two neighbouring syllables of a word of pyvi's Vietnamese dictionary
    (``pyvi/models/words.txt``, 31,000 words, MIT; read as data, pyvi is not imported), as
    :func:`_toneless` keys. Raises :class:`OcrUnavailableError` when pyvi is missing."""
    try:
        words = importlib.resources.files("pyvi").joinpath("models", "words.txt")
        text = words.read_text(encoding="utf-8")
    except (ImportError, OSError) as error:  # pragma: no cover - a declared dependency
        raise OcrUnavailableError("the pyvi package (its Vietnamese dictionary) is not "
                                  "installed", subject="pyvi") from error
    pairs: set[tuple[str, str]] = set()
    for entry in text.splitlines():
        parts = [_toneless(part) for part in unicodedata.normalize("NFC", entry).split()]
        pairs.update(itertools.pairwise(parts))
    return frozenset(pairs)


def _pair_ends(spelling: str) -> tuple[str | None, str | None]:
    """The :func:`_toneless` key of ``spelling``'s letters as the left and as the right
    member of a dictionary pair: None on a side where punctuation ends it (a pair never
    spans a comma or a full stop)."""
    start, end = _core_span(spelling)
    key = _toneless(spelling[start:end]) if start < end else None
    return (key if end == len(spelling) else None, key if start == 0 else None)


RESTORE_TONES = True
"""A syllable read without a tone mark may have lost it (a small mark on a low-resolution or
blurred scan: "khiêu nại", "sinh sông", "nhận thây"): in a line's choice
(:func:`rerank_line`) it is also weighed with each tone added, where that spelling is a
known syllable and makes a dictionary word with a neighbour's spelling (:func:`_restored`).
Measured with ``benchmarks/ocr_quality.py --sets corpus,generated,real --generated 48``
against ``--off tones``: real pages' body CER 1.14% -> 0.88% with ``ocr.marks`` on,
1.61% -> 1.35% with it off; corpus 0.28% and unseen scans 0.41% unchanged."""

RESTORE_RATIO = 0.5
"""A toned spelling is weighed only when it is at least this share as frequent as the
reading: "hành chính công" never becomes "chính cống" (a word too), nor "Cổng thông tin"
"thông tín", whose toned syllables are rare beside the ones read."""

RESTORE_COST = 0.5
"""What a tone the LSTM did not see costs (natural log units): with the reading's
:data:`MARGIN`, less than one :data:`PAIR_BONUS`."""

_TONE_MARKS = tuple(_TONES)


def toned_variants(text: str, frequencies: dict[str, float]) -> list[str]:
    """``text`` (a word as read, punctuation around it kept) with a tone mark added to its
    letters, each spelling that is a known syllable at least :data:`RESTORE_RATIO` as
    frequent as the reading, one per tone (the more frequent placement: "ủy", not "uỷ");
    none when its letters already carry a tone, hold a digit or sign, or are longer
    than 7."""
    start, end = _core_span(text)
    core = text[start:end]
    if not core or len(core) > 7 or not core.isalpha():
        return []
    decomposed = unicodedata.normalize("NFD", core)
    if any(char in _TONES for char in decomposed):
        return []
    least = RESTORE_RATIO * frequencies.get(unicodedata.normalize("NFC", core.lower()),
                                            UNKNOWN)
    by_tone: dict[str, tuple[float, str]] = {}
    for index, char in enumerate(core):
        if char.lower() not in _VOWELS:
            continue
        for mark in _TONE_MARKS:
            spelling = unicodedata.normalize(
                "NFC", core[:index] + unicodedata.normalize("NFD", char) + mark
                + core[index + 1:])
            frequency = frequencies.get(unicodedata.normalize("NFC", spelling.lower()), 0.0)
            if frequency >= least and frequency > by_tone.get(mark, (0.0, ""))[0]:
                by_tone[mark] = (frequency, spelling)
    return [text[:start] + spelling + text[end:]
            for _, spelling in sorted(by_tone.values(), reverse=True)]


_VOWELS = frozenset("aăâeêioôơuưy")


def _restored(lattice: list[list[tuple[str, float]]], frequencies: dict[str, float],
              pairs: frozenset[tuple[str, str]]) -> list[list[tuple[str, float]]]:
    """``lattice`` with, for each word's reading that makes no dictionary word with its
    neighbours' spellings, its :func:`toned_variants` that make one, scored as the reading
    without its :data:`MARGIN` and less :data:`RESTORE_COST`: a variant wins only by making
    more dictionary words with its neighbours than the reading does, never by being the
    more frequent syllable. A line's first word (its left neighbour ends the line above)
    and names ("tỉnh Thanh Hóa", not "tỉnh Thành") are left as read."""
    ends = [[_pair_ends(spelling) for spelling, _ in options] for options in lattice]

    def paired(index: int, spelling: str) -> bool:
        left, right = _pair_ends(spelling)
        return (index > 0 and right is not None and any(
            (end, right) in pairs for end, _ in ends[index - 1] if end is not None)) or (
            index + 1 < len(lattice) and left is not None and any(
                (left, end) in pairs for _, end in ends[index + 1] if end is not None))

    grown = [lattice[0]] if lattice else []
    for index, options in enumerate(lattice[1:], start=1):
        text, score = options[0]
        if _title_case(text) or paired(index, text):
            grown.append(options)
            continue
        known = {spelling for spelling, _ in options}
        grown.append(options + [
            (variant, score - MARGIN - RESTORE_COST)
            for variant in toned_variants(text, frequencies)
            if variant not in known and paired(index, variant)])
    return grown


def _title_case(text: str) -> bool:
    """Whether ``text`` starts with a capital and goes on in lower case: a name."""
    start, end = _core_span(text)
    return end - start > 1 and text[start].isupper() and not text[start:end].isupper()


def rerank_line(words: Sequence[tuple[str, tuple[CharChoices, ...] | None]],
                frequencies: dict[str, float],
                pairs: frozenset[tuple[str, str]]) -> list[str]:
    """The spellings of one line's words (each as read, with its LSTM alternatives) that
    best combine each word's score (:func:`spellings`) with :data:`PAIR_BONUS` for each
    two neighbours that make a dictionary word; the reading keeps its :data:`MARGIN`.
    With :data:`RESTORE_TONES`, a toneless reading is also weighed with a tone added."""
    lattice = []
    for text, choices in words:
        found = spellings(text, choices, frequencies)
        lattice.append([(found[0][0], found[0][1] + MARGIN), *found[1:]])
    if RESTORE_TONES:
        lattice = _restored(lattice, frequencies, pairs)
    ends = [[_pair_ends(spelling) for spelling, _ in options] for options in lattice]
    best: list[list[tuple[float, int]]] = []
    for index, options in enumerate(lattice):
        row: list[tuple[float, int]] = []
        for option, (_, score) in enumerate(options):
            if index == 0:
                row.append((score, -1))
                continue
            right = ends[index][option][1]
            row.append(max((best[index - 1][back][0] + score + (
                PAIR_BONUS if left is not None and right is not None and (left, right) in pairs
                else 0.0), back) for back, (left, _) in enumerate(ends[index - 1])))
        best.append(row)
    if not best:
        return []
    chosen = max(range(len(best[-1])), key=lambda option: best[-1][option][0])
    result: list[str] = []
    for index in range(len(lattice) - 1, -1, -1):
        result.append(lattice[index][chosen][0])
        chosen = best[index][chosen][1]
    return result[::-1]
