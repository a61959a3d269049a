"""Punctuation and the digit one as OCR confuses them on low-resolution scans, set right
from the words around them.

On a 200 dpi bilevel page a comma's tail is a pixel or two and reads as a full stop, and the
digit one reads as a capital I or a small l ("Điều I2", "QHI5", "l. Thu nhập"). Vietnamese
text settles both: a sentence starts with a capital, so a full stop with a word in lower
case after it on the same line is a comma; a letter I or l touching a digit inside a token
is a digit, as is a lone one numbering a clause ("khoản I Điều 14") or a list ("l.").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_ONE_BESIDE_DIGIT = re.compile(r"(?<=\d)[Il]|[Il](?=\d)")
_NUMBERED_BY = frozenset({"khoản", "điều"})
"""Words numbered in Arabic digits only (a "Mục I", a "Phụ lục số I" is Roman)."""
_LIST_ONE = frozenset({"l.", "!.", "l)", "I)"})


def _digit_one(word: str, before: str | None) -> str:
    """``word`` with the I or l OCR read for the digit one set to "1"."""
    if word in _LIST_ONE:
        return "1" + word[1:]
    if word in ("I", "l") and before is not None and before.lower() in _NUMBERED_BY:
        return "1"
    if any(char.isdigit() for char in word):
        return _ONE_BESIDE_DIGIT.sub("1", word)
    return word


_CLOSING = ".,;:!?)]}\"'”’…"


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


def mend_line(words: Sequence[str]) -> list[str]:
    """One line's words (in reading order) with the full stops that are commas and the
    letters that are the digit one set right (see the module's docstring)."""
    mended = []
    for index, word in enumerate(words):
        before = words[index - 1] if index else None
        after = words[index + 1] if index + 1 < len(words) else None
        mended.append(_comma(_digit_one(word, before), after))
    return mended
