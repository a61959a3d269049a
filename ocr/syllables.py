"""Vietnamese syllable frequencies, and Tesseract's character alternatives re-ranked by them.

Tesseract's LSTM gives, for each character it read, the alternatives it considered with a
score (``ocr.tesseract.recognise_choices``). On a bilevel scan it often takes one tone mark
for another or drops a hook (``hương`` for ``hưởng``, ``phâm`` for ``phẩm``) while the right
letter is among its alternatives. :func:`rerank` picks, per word, the spelling that best
combines the LSTM's scores with how common the syllable is in real Vietnamese text.

The frequencies are ``wordfreq``'s Vietnamese list (subtitles, Wikipedia, web text, news:
real text, not this project's generator); written Vietnamese puts a space between
syllables, so its words are syllables.
"""

from __future__ import annotations

import functools
import itertools
import math
import unicodedata

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


def rerank(text: str, choices: tuple[CharChoices, ...] | None,
           frequencies: dict[str, float]) -> str:
    """The spelling of a word Tesseract read as ``text`` that best combines its characters'
    LSTM alternatives (``choices``, one group per character) with syllable frequency.

    Punctuation around the letters is kept as read; words with digits or other signs inside,
    longer than 7 letters, or whose alternatives are missing are returned unchanged. A new
    spelling is taken only when it is a known syllable and beats the one read by
    :data:`MARGIN`.
    """
    if choices is None or len(choices) != len(text):
        return text
    start, end = 0, len(text)
    while start < end and not text[start].isalpha():
        start += 1
    while end > start and not text[end - 1].isalpha():
        end -= 1
    core = choices[start:end]
    if not core or len(core) > 7 or not text[start:end].isalpha():
        return text
    options: list[list[tuple[str, float]]] = []
    for group, read in zip(core, text[start:end], strict=True):
        best = max((score for char, score in group if char == read), default=group[0][1])
        kept = [(read, best)] + [(char, score) for char, score in group
                                 if char != read and score >= MIN_SCORE and char.isalpha()
                                 and len(char) == 1 and char.isupper() == read.isupper()]
        options.append(kept[:MAX_ALTERNATIVES])
    if all(len(option) == 1 for option in options):
        return text
    if math.prod(len(option) for option in options) > MAX_CANDIDATES:
        return text
    read_score = _spelling_score(tuple(option[0] for option in options), frequencies)
    best_letters, best_score = None, read_score + MARGIN
    for letters in itertools.product(*options):
        spelling = "".join(char for char, _ in letters)
        if unicodedata.normalize("NFC", spelling.lower()) not in frequencies:
            continue
        score = _spelling_score(letters, frequencies)
        if score > best_score:
            best_letters, best_score = letters, score
    if best_letters is None:
        return text
    return text[:start] + "".join(char for char, _ in best_letters) + text[end:]
