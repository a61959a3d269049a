"""Signers' names as OCR reads them under a seal, repaired from what is known of
Vietnamese names.

In black-and-white scans the seal is black and lies over part of the signer's name: OCR
then reads a wrong tone mark ("Tuần" for "Tuấn"), a stray mark or letter beside the name
("Tran A Hoàng Tuan £") or only the end of it. A name is repaired only where the domain
makes one reading the likely one: surnames are a closed set (one spelling per letters), a
middle or given name that is no frequent one takes the one frequent name with the same
letters, and a name the document or the office already knows (the e-signature
certificate's signer, the signers staff confirmed) wins over a close OCR reading.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.classify.text import fold, similarity, squash
from ingest.classify.validate import valid_name
from ingest.classify.vocabulary import NAME_SYLLABLES, SURNAMES

KNOWN_NAME_SIMILARITY = 0.75
"""How close (folded, 0..1) an OCR'd name must be to a known name to be read as it."""

_EDGES = "\"'“”‘’()[]{}.,;:!?…-–—_|/\\*~`^°"
_MORE_GIVEN_NAMES = (
    # frequent middle and given names that share their letters with one of NAME_SYLLABLES
    # (which lists the most frequent spelling first): with them, "Chí" is never re-spelt
    # "Chi" nor "Hiển" "Hiền"
    "Chí", "Hiển", "Tư", "Toản", "Hoan", "Ngà", "Thúy", "Khanh", "Đồng", "Năm", "Ba", "Luận",
    "Thạnh",
)
_GIVEN = (*NAME_SYLLABLES, *_MORE_GIVEN_NAMES)
_FREQUENT = {word.casefold() for word in (*_GIVEN, *SURNAMES)}
_SURNAME_SPELLING = {fold(surname): surname for surname in reversed(SURNAMES)}
"""Each surname by its folded letters; where two share them ("Đoàn", "Doãn"), the more
frequent one (:data:`SURNAMES` lists it first)."""
_RANKS = tuple(f"{fold(rank)} " for rank in (
    "Đại tướng", "Thượng tướng", "Trung tướng", "Thiếu tướng", "Đại tá", "Thượng tá",
    "Trung tá", "Thiếu tá", "PGS.TS.", "GS.TS.", "PGS.", "GS.", "TS.", "ThS."))


def _frequent_spelling(word: str) -> str:
    """``word`` as the most frequent name syllable with its letters when it is no frequent
    name itself ("Tuần", "Hiên" -> "Tuấn", "Hiền"); unchanged when it is one ("Lê",
    "Thanh" and "Thành" stay) or when no frequent name has its letters ("Căng", "Thọ")."""
    if word.casefold() in _FREQUENT:
        return word
    matches = [entry for entry in _GIVEN if fold(entry) == fold(word)]
    return matches[0] if matches else word


def _capital_lost(word: str) -> str:
    """The surname ``word`` is when OCR lost its capital (a seal's edge or a stroke of the
    signature over it: "rần" for "Trần"): the one surname that is ``word`` after its first
    letter; ``word`` as it is when none or several are."""
    if len(word) < 2:
        return word
    matches = [surname for surname in SURNAMES if surname[1:] == word]
    return matches[0] if len(matches) == 1 else word


def _glued_surname(word: str) -> str:
    """The surname ``word`` ends with when a seal's strokes read as letters glued to its
    start ("nemmTrần", "eTrần" for "Trần"): a word that starts with no capital has none
    inside it, so a capital inside that starts a surname (:data:`SURNAMES`) starts the
    name; ``word`` as it is otherwise."""
    if not word or word[0].isupper():
        return word
    for start in range(1, len(word) - 1):
        if word[start].isupper():
            return _SURNAME_SPELLING.get(fold(word[start:]), word)
    return word


def _name_words(text: str) -> list[str]:
    """The words of a name line without what a seal or a rank leaves beside them: edge
    punctuation, tokens with no letter or a single letter, lower-case words before or
    after the name, letters glued to the surname's start (:func:`_glued_surname`), a
    military or academic rank before it ("Thượng tướng", "PGS.TS.")."""
    words = [token.strip(_EDGES) for token in squash(text).split(" ")]
    for index, word in enumerate(words):  # up to the name's first word, the surname
        words[index] = _glued_surname(word)
        if words[index][:1].isupper():
            break
    words = [word for word in words if len(word) >= 2 and any(char.isalpha() for char in word)]
    if words and words[0][:2] in ("fi", "Fi") and words[0][2:3].islower():
        words[0] = f"H{words[0][2:]}"  # the "fi" ligature for a bold H ("fia" for "Hà")
    if len(words) >= 3 and words[0][:1].islower() and words[1][:1].isupper():
        words[0] = _capital_lost(words[0])
    while words and not words[0][:1].isupper():
        words.pop(0)
    while words and not words[-1][:1].isupper():
        words.pop()
    folded = fold(" ".join(words)) + " "
    for rank in _RANKS:
        if folded.startswith(rank):
            words = words[len(rank.split()):]
            break
    return words


def repair_name(text: str, known: Sequence[str] = (), *, respell: bool = True,
                whole: bool = False) -> str | None:
    """The signer's full name read from ``text`` (one OCR'd line), or None.

    A name one of ``known`` is close to (:data:`KNOWN_NAME_SIMILARITY`) is returned as
    known. Otherwise the line must read as a name (:func:`~validate.valid_name`) once the
    specks and ranks around it are dropped; when something was dropped, the name must be
    whole: three words or more, the first a surname (so that the end of a half-covered
    name, "Trường Thọ" of "Phạm Trường Thọ", is never taken for a name). With
    ``respell`` (OCR'd text, not a text layer's), middle and given names are set to their
    frequent spelling. With ``whole`` (a line read from a region a seal lies over, where
    the seal's and the signature's strokes read as words too), the name must be whole in
    any case: two words or more, the first a surname."""
    for name in known:
        if similarity(text, name) >= KNOWN_NAME_SIMILARITY or (
                fold(squash(text)).endswith(fold(squash(name))) and len(squash(name)) >= 5):
            return squash(name)
    words = _name_words(text)
    value = valid_name(" ".join(words)) if words else None
    if value is None:
        return None
    dropped = [token.strip(_EDGES) for token in squash(text).split(" ")] != words
    surname = any(fold(words[0]) == fold(surname) for surname in SURNAMES)
    if dropped and (len(words) < 3 or not surname):
        return None
    if whole and (len(words) < 2 or not surname):
        return None
    if not respell:
        return value
    first, *rest = value.split(" ")
    return " ".join([first, *(_frequent_spelling(word) for word in rest)])


def has_surname(name: str) -> bool:
    """Whether ``name`` starts with a known surname (:data:`SURNAMES`, compared folded):
    a Vietnamese name that does not is the end of one, its start lost under a seal."""
    words = squash(name).split(" ")
    return fold(words[0]) in _SURNAME_SPELLING


def completes(whole: str, part: str) -> bool:
    """Whether ``whole``, a name that starts with a known surname, is the name ``part``
    is a piece of: ``part``'s words (folded) are next to each other among ``whole``'s
    middle and given names ("Trần Thanh Mẫn" completes "Thanh Mẫn", not "Trần Mẫn")."""
    given = fold(squash(whole)).split(" ")[1:]
    piece = fold(squash(part)).split(" ")
    if not has_surname(whole) or not piece or len(piece) > len(given):
        return False
    return any(given[start:start + len(piece)] == piece
               for start in range(len(given) - len(piece) + 1))


def mend_sealed_name(name: str) -> str:
    """``name`` as it was before a seal's ring ran over the first letters of its words,
    when it shows that damage twice: a first word that is no surname but one surname with
    its first letter changed ("Tham" for "Phạm"), and a middle or given name that is no
    known one but one known one less its first letter ("Hị" for "Thị"). Each must be the
    only such name; otherwise ``name`` is returned as read. One such word alone is no
    proof: a rare surname ("Ninh") is not a known one either."""
    words = squash(name).split(" ")
    if len(words) < 2 or has_surname(name):
        return name
    surnames = [surname for surname in SURNAMES if len(fold(surname)) == len(fold(words[0]))
                and fold(surname)[1:] == fold(words[0])[1:]]
    if len(surnames) != 1:
        return name
    mended, damaged = [surnames[0]], 0
    for word in words[1:]:
        if word.casefold() in _FREQUENT:
            mended.append(word)
            continue
        lost = [given for given in _GIVEN if given[1:].casefold() == word.casefold()]
        if len(set(lost)) != 1:
            return name
        mended.append(lost[0])
        damaged += 1
    return " ".join(mended) if damaged else name
