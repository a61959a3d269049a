"""Vietnamese spelling: whether a word is a well-formed syllable, and merging two OCR
readings of one line word by word.

A Vietnamese syllable is an optional initial consonant and a rhyme from a closed set, with
at most one tone mark. OCR errors often leave a word no syllable can be ("Ding", "Miéu");
a second reading that is a syllable ("Dũng", "Miều") is then the better one.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from ingest.classify.text import fold, similarity

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_RHYMES = (  # noqa: SIM905 - a word list reads better as one string
    "a ac ach ai am an ang anh ao ap at au ay ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây "
    "e ec em en eng eo ep et ê êch êm ên ênh êp êt êu i ia ich iêc iêm iên iêng iêp iêt iêu "
    "im in inh ip it iu o oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn "
    "oăng oăt oc oe oen oeo oet oi om on ong ooc oong op ot ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm "
    "ơn ơp ơt u ua uân uâng uât uây uc uê uêch uênh ui um un ung uôc uôi uôm uôn uông uôt "
    "up ut uy uya uych uyên uyêt uynh uyt uyu ư ưa ưc ưi ưm ưn ưng ươc ươi ươm ươn ương "
    "ươp ươt ươu ưt ưu y yêm yên yêng yêt yêu").split()
_SYLLABLE = re.compile(rf"^({_ONSET})?({'|'.join(sorted(_RHYMES, key=len, reverse=True))})$")
_EDGES = "\"'“”‘’()[]{}.,;:!?…-–—/"


def _marks(word: str) -> int:
    return sum(1 for char in unicodedata.normalize("NFD", word) if unicodedata.combining(char))


def _without_tone(word: str) -> tuple[str, int]:
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for char in decomposed if char in _TONES)
    bare = "".join(char for char in decomposed if char not in _TONES)
    return unicodedata.normalize("NFC", bare), tones


def is_syllable(word: str) -> bool:
    """Whether ``word`` (edge punctuation ignored) is a well-formed Vietnamese syllable."""
    core = word.strip(_EDGES)
    if not core.isalpha():
        return False
    bare, tones = _without_tone(core)
    if tones > 1:
        return False
    if bare in ("gi", "gin", "gim", "gip", "git") or (bare.startswith("qu") and len(bare) > 2):
        return True
    return _SYLLABLE.match(bare) is not None


def merge_readings(first: str, second: str) -> str:
    """``first`` with the better word of ``second`` where the two readings agree on the
    letters and ``first`` has lost every diacritic, or where ``first``'s word is no
    Vietnamese syllable and ``second``'s similar word is one. Words only ``second`` has are
    ignored: the full-page reading keeps the last word otherwise."""
    ours, theirs = first.split(), second.split()
    merged = list(ours)
    matcher = SequenceMatcher(None, [fold(w) for w in ours], [fold(w) for w in theirs],
                              autojunk=False)
    for tag, start, end, other_start, other_end in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(end - start):
                mine, other = ours[start + offset], theirs[other_start + offset]
                bare = _marks(mine) == 0 < _marks(other)
                if bare or (not is_syllable(mine) and is_syllable(other)):
                    merged[start + offset] = other
        elif tag == "replace" and end - start == other_end - other_start:
            for offset in range(end - start):
                mine, other = ours[start + offset], theirs[other_start + offset]
                if (not is_syllable(mine) and is_syllable(other)
                        and similarity(mine, other) >= 0.5):
                    merged[start + offset] = other
    return " ".join(merged)
