"""Punctuation and the digit one as OCR confuses them on low-resolution scans, set right
from the words around them.

On a 200 dpi bilevel page a comma's tail is a pixel or two and reads as a full stop, and the
digit one reads as a capital I or a small l ("Điều I2", "QHI5", "l. Thu nhập"). Vietnamese
text settles both: a sentence starts with a capital, so a full stop with a word in lower
case after it on the same line is a comma; a letter I or l touching a digit inside a token
is a digit, as is a lone one numbering a clause ("khoản I Điều 14") or a list ("l.").

Two more a scan loses: typed documents quote with curly quotes, which a bilevel scan turns
into straight ones or a backtick; and the superscript of "m2" reads as whatever small mark
it looks like ("16m)", "394m”", "đồng/m?", "mỶ").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_ONE_BESIDE_DIGIT = re.compile(r"(?<=\d)[Il]|[Il](?=\d)")
_NUMBERED_BY = frozenset({"khoản", "điều"})
"""Words numbered in Arabic digits only (a "Mục I", a "Phụ lục số I" is Roman)."""
_LIST_ONE = frozenset({"l.", "!.", "l)"})
_OPENING = "\"“"
_CLOSING = ".,;:!?)]}\"'”’…"
_SQUARE_METRE = re.compile(r"(?<=[\d/])m[^0-9A-Za-z\s.,;:]")
"""An m after a number or a slash with a mark or a letter not of English beside it: the
superscript two of a square metre, misread ("16m)", "62,9mể"; "5mm", "3ml" stay)."""


def _digit_one(word: str, before: str | None) -> str:
    """``word`` with the I or l OCR read for the digit one set to "1"."""
    quotes = len(word) - len(word.lstrip(_OPENING))
    if word[quotes:] in _LIST_ONE:
        return word[:quotes] + "1" + word[quotes + 1:]
    if word in ("I", "l") and before is not None and before.lower() in _NUMBERED_BY:
        return "1"
    if any(char.isdigit() for char in word):
        return _ONE_BESIDE_DIGIT.sub("1", word)
    return word



def _comma(word: str, after: str | None) -> str:
    """``word`` with its closing full stop read as the comma it is when ``after`` (the next
    word on the line) starts in lower case; abbreviations ("v.v.") and ellipses keep
    theirs."""
    if (after is None or not after[:1].isalpha() or not after[:1].islower()
            or not after.rstrip(_CLOSING).isalpha()  # a domain's "gov.vn", an e-mail
            or len(word) < 2 or not word.endswith(".") or not word[-2].isalpha()
            or word.count(".") != 1):
        return word
    return word[:-1] + ","


def _quotes(word: str) -> str:
    """``word`` with a straight double quote set curly (opening before the word, closing
    after it) and a backtick alone read as the closing quote it is."""
    if word.startswith("`") and not any(char.isalnum() for char in word):
        return "”" + word[1:]
    if '"' not in word:
        return word
    if word.startswith('"') and len(word) > 1:
        word = "“" + word[1:]
    return word.replace('"', "”")


def _square_metre(word: str, bracket_open: bool) -> str:
    """``word`` with a misread superscript two after "m" set to "2" (see the module); an
    "m" alone with a capital beside it ("mỶ") too. A ")" closing a bracket the line
    opened stays ("(dài 5m)")."""
    if len(word) == 2 and word[0] == "m" and word[1].isupper():
        return "m2"
    return _SQUARE_METRE.sub(
        lambda found: found[0] if bracket_open and found[0] == "m)" else "m2", word)


def mend_line(words: Sequence[str]) -> list[str]:
    """One line's words (in reading order) with the full stops that are commas, the letters
    that are the digit one, straight quotes and misread square metres set right (see the
    module's docstring)."""
    mended = []
    brackets = 0
    for index, word in enumerate(words):
        before = words[index - 1] if index else None
        after = words[index + 1] if index + 1 < len(words) else None
        brackets += word.count("(")
        mended.append(_comma(_square_metre(_quotes(_digit_one(word, before)), brackets > 0),
                             after))
        brackets = max(0, brackets - word.count(")"))
    return mended
