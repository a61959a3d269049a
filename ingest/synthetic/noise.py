"""OCR-like corruption of Vietnamese text, and diacritic folding."""

from __future__ import annotations

import random
import unicodedata

# Combining marks of Vietnamese: five tones and three vowel modifiers.
_TONES = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
_VOWEL_MARKS = ("\u0302", "\u0306", "\u031b")

_CONFUSIONS: dict[str, tuple[str, ...]] = {
    "l": ("1", "I"), "1": ("l", "I"), "I": ("l", "1"), "O": ("0",), "0": ("O",),
    "S": ("5",), "5": ("S",), "B": ("8",), "8": ("B",), "m": ("rn",), "d": ("cl",),
    "o": ("0",), "i": ("l",), "e": ("c",), "c": ("e",),
}
_PAIRS: dict[str, str] = {"rn": "m", "cl": "d"}


def strip_diacritics(text: str) -> str:
    """``text`` without Vietnamese tone and vowel marks ("Đà Nẵng" -> "Da Nang"), in NFC."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept)


def _corrupt_marks(ch: str, rng: random.Random) -> str:
    """``ch`` with a tone or vowel mark dropped or swapped (ế -> é, ê or ề; ư -> u)."""
    if ch in "đĐ":
        return "d" if ch == "đ" else "D"
    parts = unicodedata.normalize("NFD", ch)
    base, marks = parts[0], list(parts[1:])
    tones = [m for m in marks if m in _TONES]
    vowels = [m for m in marks if m in _VOWEL_MARKS]
    roll = rng.random()
    if tones and roll < 0.4:
        marks.remove(tones[0])  # dropped tone: ế -> ê
    elif tones and roll < 0.65:
        marks[marks.index(tones[0])] = rng.choice([t for t in _TONES if t != tones[0]])
    elif vowels and roll < 0.9:
        marks.remove(vowels[0])  # dropped vowel mark: ế -> é, ư -> u, ơ -> o
    else:
        marks = []
    return unicodedata.normalize("NFC", base + "".join(marks))


def ocr_noise(text: str, rng: random.Random, rate: float = 0.03) -> str:
    """``text`` with OCR-like errors, each character hit with probability ``rate``.

    Errors: dropped or swapped tone marks and vowel marks, look-alike confusions (l/1/I, O/0,
    rn/m, S/5, B/8, cl/d), dropped or doubled spaces, extra spaces, dropped characters.
    Line breaks are never added, removed or moved; the result is NFC.
    """
    source = unicodedata.normalize("NFC", text)
    if rate <= 0:
        return source
    out: list[str] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\n" or rng.random() >= rate:
            out.append(ch)
            i += 1
            continue
        options: list[str] = []
        marked = ch in "đĐ" or len(unicodedata.normalize("NFD", ch)) > 1
        if marked:
            options += ["marks", "marks", "marks"]
        if ch in _CONFUSIONS:
            options += ["confuse", "confuse"]
        if source[i:i + 2] in _PAIRS:
            options += ["pair", "pair"]
        if ch == " ":
            options += ["drop", "double"]
        elif ch.isprintable():
            options += ["drop", "space"]
        choice = rng.choice(options) if options else "keep"
        if choice == "marks":
            out.append(_corrupt_marks(ch, rng))
        elif choice == "confuse":
            out.append(rng.choice(_CONFUSIONS[ch]))
        elif choice == "pair":
            out.append(_PAIRS[source[i:i + 2]])
            i += 1
        elif choice == "double":
            out.append("  ")
        elif choice == "space":
            out.append(ch + " ")
        elif choice == "keep":
            out.append(ch)
        i += 1
    return unicodedata.normalize("NFC", "".join(out))
