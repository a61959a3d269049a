"""Checks and repairs of extracted values: a value that fails its check is never stored.

Repairs are the ones OCR makes necessary and the domain makes safe: digits OCR read as
letters in a number, the symbol's type part fixed by the Decree 30 table, diacritics
restored on words of a closed vocabulary (positions, surnames) when OCR dropped all of them.
"""

from __future__ import annotations

import datetime as dt
import re

from ingest.classify.text import fold, lookalikes, nfc, similarity, squash
from ingest.classify.vocabulary import ABBREVIATION_OF, NAME_SYLLABLES, POSITIONS, SURNAMES

_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1",
                                   "|": "1", "i": "1", "!": "1", "S": "5", "s": "5", "B": "8",
                                   "Z": "2", "z": "2", "g": "9", "G": "6", "b": "6", "T": "7"})
_SYMBOL = re.compile(r"^\d{1,6}(/\d{4})?/[A-Za-zĐđ0-9&.]+(-[A-Za-zĐđ0-9&.]+){0,3}$")
_NAME_WORD = re.compile(r"^[^\W\d_]+$")
EARLIEST_YEAR = 1945


def digits_of(text: str) -> str:
    """``text`` with OCR's letter-for-digit confusions undone and separators removed."""
    return re.sub(r"[\s.\-]", "", text.translate(_DIGIT_LOOKALIKES))


def valid_personal_number(text: str) -> str | None:
    """A 12-digit personal identification number (số định danh cá nhân), or None."""
    digits = digits_of(text)
    return digits if re.fullmatch(r"\d{12}", digits) else None


def valid_date(day: str, month: str, year: str, *, today: dt.date | None = None) -> str | None:
    """The ISO date for day/month/year as printed (OCR look-alikes repaired) if it is a real
    date between 1945 and next year, else None."""
    try:
        date = dt.date(int(digits_of(year)), int(digits_of(month)), int(digits_of(day)))
    except ValueError:
        return None
    latest = (today or dt.date.today()).year + 1
    return date.isoformat() if EARLIEST_YEAR <= date.year <= latest else None


def valid_symbol(text: str, doc_type: str | None = None) -> str | None:
    """A number/symbol such as ``8800/QĐ-SNV`` in its printed shape, or None.

    The number's digits are repaired; when the document's type is known, a type part that
    OCR misread (``QD`` for ``QĐ``) is set to the Decree 30 abbreviation.
    """
    candidate = re.sub(r"\s+", "", lookalikes(nfc(text), dashes=True)).strip(".,;:")
    number, slash, rest = candidate.partition("/")
    if not slash:
        return None
    candidate = f"{digits_of(number)}/{rest}"
    parts = candidate.split("/", 1)[1].split("-")
    wanted = ABBREVIATION_OF.get(doc_type or "")
    if wanted and len(parts) >= 2 and parts[0] != wanted and fold(parts[0]) == fold(wanted):
        parts[0] = wanted
        candidate = f"{digits_of(number)}/{'-'.join(parts)}"
    return candidate if _SYMBOL.match(candidate) else None


def valid_name(text: str) -> str | None:
    """A person's full name (2 to 6 capitalised words of letters), diacritics restored on
    the surname and on syllables OCR left bare when the name vocabulary allows one only."""
    words = squash(text).split(" ")
    if not 2 <= len(words) <= 6 or not all(_NAME_WORD.match(word) for word in words):
        return None
    words = [word[:1].upper() + word[1:].lower() for word in words]
    words[0] = _surname(words[0])
    words[1:] = [_restore(word, NAME_SYLLABLES) for word in words[1:]]
    return " ".join(words)


def _surname(word: str) -> str:
    """A surname in its one spelling: Vietnamese surnames are a closed set with no two alike
    but for diacritics, so OCR's "Tran", "Trân" or "Lé" can only be "Trần" or "Lê"."""
    matches = {entry for entry in SURNAMES if fold(entry) == fold(word)}
    return matches.pop() if len(matches) == 1 else word


def _restore(word: str, vocabulary: tuple[str, ...]) -> str:
    """``word`` with diacritics from ``vocabulary`` when OCR left it bare and exactly one
    entry folds to it."""
    if fold(word) != word.lower():
        return word  # it has diacritics: trust what OCR read
    matches = [entry for entry in vocabulary if fold(entry) == word.lower()]
    return matches[0] if len(set(matches)) == 1 else word


def valid_position(text: str) -> tuple[str, float] | None:
    """An official position (``PHÓ CHỦ TỊCH``), snapped to the list of positions when OCR
    mangled it; returns the value and how closely it matched."""
    upper = squash(text).upper().rstrip(" .,;:")
    acting = re.match(r"^Q\s*[.,]\s*", upper)
    if acting:
        upper = upper[acting.end():]
        found = valid_position(upper)
        return (f"Q. {found[0]}", found[1]) if found else None
    if not upper or any(char.isdigit() for char in upper):
        return None
    best, score = max(((position, similarity(upper, position)) for position in POSITIONS),
                      key=lambda pair: pair[1])
    read_with_marks = fold(upper) != upper.lower()
    if score >= 0.999 or (score >= 0.85 and not read_with_marks) or (
            score >= 0.9 and len(upper) >= 8):
        return best, score  # the same letters (marks restored), or a near-miss ("PHÓ CHỦ TỊC")
    if read_with_marks and len(upper) >= 4:
        return upper, 0.8 if score < 0.85 else 0.75  # as read: OCR kept its diacritics
    return None


def check_field(doc_type: str, name: str, value: str) -> str:
    """A value a person entered for ``name``, normalised (NFC, single spaces), or
    :class:`~ingest.errors.IntakeInputError` naming the field and what is wrong."""
    from ingest.classify.classifier import allowed_fields
    from ingest.errors import IntakeInputError

    allowed = allowed_fields(doc_type)
    if name not in allowed:
        raise IntakeInputError(f"a {doc_type} document has no such field (it has: "
                               f"{', '.join(allowed) or 'none'})", subject=name)
    text = squash(value)
    checked: str | None = text if 0 < len(text) <= 500 else None
    if name == "so_ky_hieu":
        checked = valid_symbol(text, doc_type)
    elif name == "ngay_ban_hanh":
        checked = _iso_date(text)
    elif name == "so_dinh_danh":
        checked = text if re.fullmatch(r"\d{12}", text) else None
    elif name in ("nguoi_ky", "ho_ten"):
        checked = valid_name(text)
    if checked is None:
        raise IntakeInputError(f"not a valid value: {value!r}", subject=name)
    return checked


def _iso_date(text: str) -> str | None:
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    return valid_date(match.group(3), match.group(2), match.group(1)) if match else None
