"""Agency names in their printed spelling: OCR'd header words set to the closed vocabulary
agency names are built from.

An agency header is made of a few fixed phrases (``ỦY BAN NHÂN DÂN``, ``BỘ TÀI CHÍNH``,
``BAN CHỈ ĐẠO``, see :data:`~ingest.classify.vocabulary.AGENCY_NAMES`) and the name of a
province-level unit (``TỈNH QUẢNG NGÃI``, see :mod:`ingest.classify.places`). OCR reads
their capitals with a wrong mark (``TĨNH``, ``QUÁNG``, ``NGÀI``, ``DẪN``, ``BẠN``) or a
letter off (``QUÓC``, ``CỤC THUE``); a run of words that has the letters of one of these
phrases, or one letter more, less or other, is read as that phrase. Where the vocabulary has
two spellings (``ỦY``/``UỶ``, ``HÒA``/``HOÀ``) the one nearer to what OCR read is kept, so
the spelling printed on the page stays. Words outside the vocabulary (a district, a
department's own name) are left as read.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from ingest.classify.places import place_headers
from ingest.classify.text import fold
from ingest.classify.vocabulary import AGENCY_NAMES

MIN_FUZZY_LETTERS = 8
"""A phrase is taken one edit away from what OCR read only when it has at least this many
letters (folded): short ones are too close to other words."""

_EDGE_SPECKS = re.compile(r"^[^\w(]+|[\s\"'“”‘’`_~|•*—–]+$")
"""Marks OCR read at the ends of a header line (``" ỦY``, ``DẪN —``): not part of it. A
comma or hyphen ending a line stays: the agency's name goes on on the next line
(``CỤC HỘ TỊCH,`` / ``QUỐC TỊCH, CHỨNG THỰC``)."""
_WORD = re.compile(r"[^\W_]+")



def _key(text: str) -> str:
    """The folded letters and digits of ``text``, one space between words: how a run of
    words is compared with the vocabulary (marks and punctuation OCR misreads left out)."""
    return " ".join(_WORD.findall(fold(text)))


@lru_cache(maxsize=1)
def _phrases() -> dict[int, dict[str, tuple[str, ...]]]:
    """The vocabulary by word count, then by key (:func:`_key`): every spelling of each
    phrase."""
    found: dict[int, dict[str, list[str]]] = {}
    for phrase in (*AGENCY_NAMES, *place_headers()):
        key = _key(phrase)
        found.setdefault(len(key.split(" ")), {}).setdefault(key, []).append(phrase)
    return {count: {key: tuple(spellings) for key, spellings in by_key.items()}
            for count, by_key in found.items()}


def _nearest(window: list[str], count: int) -> str | None:
    """The vocabulary phrase of ``count`` words that ``window`` (OCR'd words) reads as, or
    None: same letters without marks, else one edit away on a long phrase when no other
    phrase is as near; of its spellings, the nearest to the marks OCR read."""
    by_key = _phrases().get(count, {})
    read = " ".join(window)
    key = _key(read)
    spellings = by_key.get(key)
    if spellings is None:
        near = [known for known in by_key if len(known.replace(" ", "")) >= MIN_FUZZY_LETTERS
                and Levenshtein.distance(known, key, score_cutoff=1) <= 1]
        if len(near) != 1:
            return None
        spellings = by_key[near[0]]
    return min(spellings, key=lambda spelling: Levenshtein.distance(spelling, read.upper()))


def _window(words: list[str], start: int, count: int) -> int | None:
    """The end (exclusive) of the run of ``words`` from ``start`` holding ``count`` words
    with letters or digits (punctuation between them rides along), or None."""
    seen = 0
    for end in range(start, len(words)):
        seen += bool(_WORD.search(words[end]))
        if seen == count:
            return end + 1
    return None


def snap_agency(text: str) -> str:
    """``text`` (an agency header line as OCR read it) with every run of words that reads as
    a phrase of the agency vocabulary written as that phrase (the longest run first), and
    marks OCR read at its ends dropped."""
    words = text.split()
    counts = sorted(_phrases(), reverse=True)
    out: list[str] = []
    index = 0
    while index < len(words):
        for count in counts if _WORD.search(words[index]) else ():
            end = _window(words, index, count)
            phrase = _nearest(words[index:end], count) if end is not None else None
            if phrase is not None and end is not None:
                out.append(phrase)
                index = end
                break
        else:
            out.append(words[index])
            index += 1
    return _EDGE_SPECKS.sub("", " ".join(out))
