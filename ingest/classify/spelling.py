"""Diacritics OCR got wrong, set right from the words they belong to.

On scans OCR often reads one tone mark for another or loses a hook or a circumflex
("kinh đoanh", "phố thông", "buỗi", "THUÉ", "SỬA ĐỎI"): the letters are right, the marks
are not. Vietnamese words are mostly two syllables, so a syllable's neighbour tells which
marks it should have. A syllable is set to another spelling with the same letters (marks
and đ/d aside) only when

- it forms no known word (:data:`wordlist.COMMON_WORDS`, and the names of provinces and
  centrally-run cities after "tỉnh" or "thành phố", :mod:`places`) with either neighbour
  as read,
- and exactly one other spelling of it forms a known word with a neighbour as read
  (the neighbour is never changed for it; a pair across punctuation is no word).

A text whose pairs are words stays as it is; proper names (capitalised words next to
each other inside a lower-case sentence) are never touched. A capitalised word whose
neighbours are in lower case is a sentence's first word or a common noun written with a
capital ("Tổ chức ...", "... tham gia Tổ công tác"): it is set right like any other.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

from ingest.classify.places import CITIES, PROVINCES
from ingest.classify.text import fold
from ingest.classify.wordlist import COMMON_WORDS

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_TOKEN = re.compile(r"^(\W*)(\w+)(\W*)$")
_LETTERS = re.compile(r"^[^\W\d_]+$")

STANDALONE = frozenset((  # noqa: SIM905 - a word list reads better as one string
    "có là và của các cho với tại từ thì bằng khi đã đang sẽ được bị này đó kia "
    "theo về trong ngoài trên dưới sau trước đến đi ra vào lên xuống mà nếu hay hoặc vẫn "
    "cũng đều rất thứ khác nhau mỗi mọi cả người việc phải không chưa còn nên vì do "
    "để ở như hơn nhất lại thêm qua bởi tới gồm một hai ba bốn năm sáu bảy tám chín mười "
    "trăm nghìn ngàn triệu tỷ số hàng so nào ai gì sao đây đấy rồi vậy bao tỉnh huyện "
    "quận xã phường ấp thôn"
).split())
"""Frequent words that stand alone and are read as printed: an OCR error rarely turns a
word into one of these, and correcting them from a neighbour goes wrong more often than
right ("thuế tại khoản" is no "thuế tài"). Not among them: "những", "chỉ" and "thế", whose
other spellings form words ("tham nhũng", "chi phí", "cụ thể") that the words around a
"những", a "chỉ" or a "thế" as read never form."""

Key = tuple[str, str]
"""A syllable as its letters with their vowel marks and its tone ("hóa" and "hoá" are one)."""


def _key(syllable: str) -> Key:
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    tone = "".join(char for char in decomposed if char in _TONES)
    bare = "".join(char for char in decomposed if char not in _TONES)
    return unicodedata.normalize("NFC", bare), tone


@functools.cache
def _entries() -> tuple[tuple[str, ...], ...]:
    """The known words as their syllables: the word list's, and the province-level units'
    names (:func:`_places`)."""
    return (*(tuple(entry.split(" ")) for entry in sorted(COMMON_WORDS)), *_places())


@functools.cache
def _places() -> tuple[tuple[str, ...], ...]:
    """The province-level units' names after the word that names their kind ("tỉnh quảng
    ngãi", "phố hà nội"). Their first pair is no word ("tỉnh tiền" is not, "tính tiền"
    is): it counts only with the name's next syllable, as a run of three."""
    places = [("tỉnh", *name.lower().replace("-", " ").split()) for name in PROVINCES]
    return (*places, *(("phố", *name.lower().split()) for name in CITIES))


@functools.cache
def _pairs() -> tuple[frozenset[tuple[Key, Key]], dict[tuple[str, str], list[tuple[Key, Key]]]]:
    """The known pairs (adjacent syllables of the known words), and the same indexed by
    their folded letters."""
    known: set[tuple[Key, Key]] = set()
    places = _places()
    for syllables in _entries():
        pairs = itertools.pairwise(syllables)
        if syllables in places:
            next(pairs)  # "tỉnh quảng" alone is no word
        for left, right in pairs:
            known.add((_key(left), _key(right)))
    by_letters: dict[tuple[str, str], list[tuple[Key, Key]]] = {}
    for pair in known:
        by_letters.setdefault((fold(pair[0][0]), fold(pair[1][0])), []).append(pair)
    return frozenset(known), by_letters


@functools.cache
def _triples() -> frozenset[tuple[Key, Key, Key]]:
    """The runs of three syllables of the known words."""
    return frozenset((_key(first), _key(second), _key(third)) for syllables in _entries()
                     for first, second, third in zip(syllables, syllables[1:], syllables[2:],
                                                     strict=False))


def _spell(key: Key, like: str) -> str:
    """The syllable ``key`` as the word list writes it, in ``like``'s case (lower,
    Capitalised or UPPER)."""
    word = _spellings()[key]
    if like.isupper():
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@functools.cache
def _spellings() -> dict[Key, str]:
    return {_key(syllable): syllable for entry in _entries() for syllable in entry}


@functools.cache
def _by_letters() -> dict[str, frozenset[Key]]:
    """The known syllables by their folded letters."""
    found: dict[str, set[Key]] = {}
    for key in _spellings():
        found.setdefault(fold(key[0]), set()).add(key)
    return {letters: frozenset(keys) for letters, keys in found.items()}


def _spelt_like(key: Key) -> frozenset[Key]:
    """The known syllables with ``key``'s letters (any marks)."""
    return _by_letters().get(fold(key[0]), frozenset())


def _candidates(mine: Key, other: Key, mine_first: bool) -> set[Key]:
    """The spellings of ``mine`` that form a known pair with ``other`` as read."""
    _, by_letters = _pairs()
    letters = (fold(mine[0]), fold(other[0])) if mine_first else (fold(other[0]), fold(mine[0]))
    found: set[Key] = set()
    for first, second in by_letters.get(letters, []):
        if mine_first and second == other:
            found.add(first)
        elif not mine_first and first == other:
            found.add(second)
    return found


_STOP_FINAL = re.compile(r"(c|ch|p|t)$")
_STOP_TONES = ("\u0301", "\u0323")


def possible(syllable: str) -> bool:
    """Whether ``syllable`` may be Vietnamese as far as its tone goes: one ending in a stop
    (-c, -ch, -p, -t) carries the acute or the dot below ("quốc", "tập"; never "quôc")."""
    bare, tone = _key(syllable)
    return not _STOP_FINAL.search(bare) or tone in _STOP_TONES


def correct_marks(text: str) -> str:
    """``text`` with the syllables whose marks OCR got wrong set right (see the module's
    docstring); everything else, spacing and punctuation included, as it was."""
    known, _ = _pairs()
    triples = _triples()
    tokens = text.split(" ")
    parts = [_TOKEN.match(token) for token in tokens]
    capitals = text.upper() == text
    words: list[str | None] = []
    for part in parts:
        word = part.group(2) if part else None
        words.append(word if word and _LETTERS.match(word) else None)

    def linked(index: int) -> bool:
        """Whether the word at ``index`` and the next one are adjacent (no punctuation)."""
        if index + 1 >= len(words) or words[index] is None or words[index + 1] is None:
            return False
        this, following = parts[index], parts[index + 1]
        return bool(this and following and not this.group(3) and not following.group(1))

    def bound(index: int, other: int) -> bool:
        """Whether the word at ``index`` forms a known word with the one at ``other`` (its
        neighbour on the far side): then it is taken and lends no evidence to this one."""
        first, second = min(index, other), max(index, other)
        if first < 0 or not linked(first):
            return False
        return (_key(words[first] or ""), _key(words[second] or "")) in known

    def named(index: int) -> bool:
        """Whether the word at ``index`` is part of a proper name: capitalised, inside a
        lower-case text, next to another capitalised word; and a syllable Vietnamese can
        have (a name's is, "Quôc" is none)."""
        word = words[index]
        if capitals or not word or not word[:1].isupper() or not possible(word):
            return False
        before = words[index - 1] if index > 0 and linked(index - 1) else None
        after = words[index + 1] if linked(index) else None
        return any(other and other[:1].isupper() for other in (before, after))

    for index, word in enumerate(words):
        if word is None or named(index) or word.lower() in STANDALONE:
            continue
        key = _key(word)
        left = _key(words[index - 1] or "") if index > 0 and linked(index - 1) else None
        right = _key(words[index + 1] or "") if linked(index) else None
        if (left and (left, key) in known) or (right and (key, right) in known):
            continue
        options: set[Key] = set()
        if left:
            if bound(index - 1, index - 2):  # "một số" binds "số": only "một số điều" lends
                options |= {option for option in _spelt_like(key)
                            if (_key(words[index - 2] or ""), left, option) in triples}
            else:
                options |= _candidates(key, left, mine_first=False)
        if right:
            if bound(index + 1, index + 2):  # "làm việc": only "buổi làm việc" lends
                options |= {option for option in _spelt_like(key)
                            if (option, right, _key(words[index + 2] or "")) in triples}
            else:
                options |= _candidates(key, right, mine_first=True)
        options.discard(key)
        if len(options) != 1:
            continue
        corrected = _spell(options.pop(), word)
        words[index] = corrected
        part = parts[index]
        assert part is not None  # a word was found in it
        tokens[index] = f"{part.group(1)}{corrected}{part.group(3)}"
    return " ".join(tokens)
