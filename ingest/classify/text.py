"""Text helpers for reading noisy OCR output: Vietnamese diacritic folding, value
normalisation, and keyword matching that tolerates OCR errors and missing diacritics."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def nfc(text: str) -> str:
    """``text`` in Unicode NFC."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower case with every Vietnamese diacritic removed (``"Số Đất"`` -> ``"so dat"``):
    the form keyword matching and search compare in."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare).lower()


_LOOKALIKES = str.maketrans({
    "\u00ad": "-",  # soft hyphen: a text layer's hyphen ("4641/TB\u00adUBND")
    "\u2010": "-", "\u2011": "-",  # hyphen, non-breaking hyphen
    "\u2212": "-",  # minus sign
    "\u00a0": " ", "\u2007": " ", "\u202f": " ",  # no-break spaces
    "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None,  # zero-width
    "\ufeff": None,  # zero-width no-break space (a byte-order mark inside text)
})
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2015": "-"})


def lookalikes(text: str, *, dashes: bool = False) -> str:
    """``text`` with look-alike characters of text layers replaced by the plain ones fields
    are matched with: soft, non-breaking and other hyphens and the minus sign become
    ``-``, no-break spaces a space, zero-width characters nothing. ``dashes`` also turns en
    and em dashes into ``-`` (in a number/symbol, where no dash belongs; a summary keeps
    its dashes)."""
    plain = text.translate(_LOOKALIKES)
    return plain.translate(_DASHES) if dashes else plain


def squash(text: str) -> str:
    """NFC with look-alike characters made plain (:func:`lookalikes`), runs of whitespace
    collapsed to one space and the ends trimmed."""
    return " ".join(lookalikes(nfc(text)).split())


def same_value(left: str, right: str) -> bool:
    """Whether two field values are equal after NFC, case and whitespace normalisation
    (domain.md's comparison rule)."""
    return squash(left).casefold() == squash(right).casefold()


@dataclass(frozen=True)
class KeywordMatch:
    """Where a keyword was found in a line: character offsets in the line, and how sure."""

    start: int
    end: int
    score: float  # 0..1


def find_keyword(line: str, keyword: str, *, threshold: float = 0.8,
                 anchored: bool = False) -> KeywordMatch | None:
    """Find ``keyword`` in ``line`` despite OCR errors and missing diacritics.

    Both are folded (lower case, no diacritics); the best-matching window of the line is
    returned when its similarity reaches ``threshold``. ``anchored`` asks for the match to
    start within the first few characters of the line (labels such as ``"Số:"``).
    Folding keeps one character per character, so offsets index the original line.
    """
    folded_line = fold(line)
    folded_key = fold(keyword)
    if not folded_key or not folded_line:
        return None
    exact = folded_line.find(folded_key)
    if exact >= 0 and (not anchored or _only_junk(folded_line[:exact])):
        return KeywordMatch(exact, exact + len(folded_key), 1.0)
    haystack = folded_line[: len(folded_key) + 4] if anchored else folded_line
    if len(haystack) < len(folded_key):
        # a line shorter than the keyword: compare whole strings, so that a few shared
        # words ("XÃ HỘI") never pass for the whole keyword
        score = fuzz.ratio(folded_key, haystack) / 100.0
        return KeywordMatch(0, len(haystack), score) if score >= threshold else None
    alignment = fuzz.partial_ratio_alignment(folded_key, haystack, score_cutoff=threshold * 100)
    if alignment is None:
        return None
    if anchored and not _only_junk(folded_line[: alignment.dest_start]):
        return None
    return KeywordMatch(alignment.dest_start, alignment.dest_end, alignment.score / 100.0)


def _only_junk(prefix: str) -> bool:
    """Whether what precedes an anchored keyword is only specks OCR put there."""
    return len(prefix) <= 3 and not any(char.isalnum() for char in prefix)


def similarity(left: str, right: str) -> float:
    """0..1 similarity of two strings, folded (diacritics and case ignored)."""
    return fuzz.ratio(fold(left), fold(right)) / 100.0


def is_upper_line(text: str) -> bool:
    """Whether most letters of ``text`` are capitals (titles, agency and position lines)."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return False
    return sum(char.isupper() for char in letters) >= 0.8 * len(letters)


_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?)])")


def tidy(text: str) -> str:
    """A value as it should be stored: NFC, single spaces, no space before punctuation,
    no stray punctuation at the ends."""
    value = _SPACE_BEFORE_PUNCT.sub(r"\1", squash(text))
    return value.strip(" -–—_|:;,")
