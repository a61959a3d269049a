"""Evidence for a document's type read from its layout: the title line, the type part of
the number/symbol, a "V/v" summary, the labels of a citizen's form."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.classify import layout
from ingest.classify.lines import ReadDocument
from ingest.classify.text import find_keyword, fold
from ingest.classify.vocabulary import (
    ABBREVIATIONS,
    ADMINISTRATIVE_TYPES,
    AMBIGUOUS_ABBREVIATIONS,
    CONSOLIDATED,
)

_FORM_LABELS = ("Họ và tên", "Số định danh cá nhân", "Kính gửi", "Nơi cư trú")
_CARD_LABELS = ("Họ, chữ đệm và tên", "Ngày sinh", "Giới tính", "Quốc tịch",
                "Nơi thường trú", "Quê quán", "Có giá trị đến")


@dataclass(frozen=True)
class Evidence:
    """One clue: the type it points to, how strongly (a likelihood ratio), and why."""

    doc_type: str
    strength: float
    reason: str


STRONG_TITLE = 0.9
"""A title line matching its words at least this well (and filling its line) is clear: it
wins over a symbol that names another type."""

SYMBOL_STRENGTH = 6.0
AGREEMENT = 4.0
"""Extra likelihood ratio when the title and the symbol's type part name the same type."""


@dataclass(frozen=True)
class SymbolType:
    """What a number/symbol says of the type: the type (None when it says nothing), how
    much that is worth, and whether it is a consolidated text (``N/VBHN-...``)."""

    doc_type: str | None
    strength: float = SYMBOL_STRENGTH
    consolidated: bool = False


_FOLDED = {fold(key).upper(): kind for key, kind in ABBREVIATIONS.items()
           if sum(fold(other) == fold(key) for other in ABBREVIATIONS) == 1}
"""Abbreviations OCR read without their marks ("QD"), where that is unambiguous."""


def symbol_type(symbol: str) -> SymbolType:
    """The type a symbol's type part names (Decree 30 Appendix III): ``12/QĐ-UBND`` a
    decision, ``45/2026/NĐ-CP`` a decree, ``123/UBND-VP`` (no type part) a công văn,
    ``5/VBHN-BTC`` a consolidated text of a type only its title tells."""
    text = layout.symbol_text(symbol)
    if "/" not in text:
        return SymbolType(None)
    tail = text.rsplit("/", 1)[1]
    parts = [part for part in tail.split("-") if part]
    if not parts:
        return SymbolType(None)
    head = parts[0]
    if head.upper() == CONSOLIDATED:
        return SymbolType(None, consolidated=True)
    kind = ABBREVIATIONS.get(head) or _FOLDED.get(fold(head).upper())
    if kind is not None:
        return SymbolType(kind)
    issuer = re.sub(r"\d+$", "", head.upper())
    if len(parts) == 1 and issuer in AMBIGUOUS_ABBREVIATIONS:
        return SymbolType(AMBIGUOUS_ABBREVIATIONS[issuer], strength=2.5)
    if head.isalpha() or re.fullmatch(r"[A-ZĐ&.0-9]+", head.upper()):
        return SymbolType("cong_van")  # the agency's abbreviation first: no type part
    return SymbolType(None)


def _symbol_of(document: ReadDocument) -> SymbolType:
    index = layout.find_number_line(document)
    if index is None:
        return SymbolType(None)
    return symbol_type(layout.number_line(document.pages[0][index]) or "")


def is_consolidated(document: ReadDocument) -> bool:
    """Whether the document is a consolidated text (văn bản hợp nhất, ``N/VBHN-...``)."""
    return _symbol_of(document).consolidated


def title_and_symbol(title: layout.TitleMatch | None, symbol: SymbolType,
                     title_text: str = "") -> list[Evidence]:
    """The title's and the symbol's clues combined: agreeing, they are worth more than
    both; disagreeing, a clear title wins and a weak one (a fuzzy or long line) gives way to
    the symbol."""
    kind = symbol.doc_type
    if kind == "cong_van" and title is not None and title.doc_type != "cong_van":
        kind = None  # a symbol without type part only says công văn when untitled
    if title is None:
        return [] if kind is None else [
            Evidence(kind, symbol.strength, "type part of the number/symbol")]
    title_strength = 1.0 + 30.0 * title.score ** 4
    clues = [Evidence(title.doc_type, title_strength, f"title line {title_text!r}")]
    if kind is None:
        return clues
    if kind == title.doc_type:
        clues.append(Evidence(kind, symbol.strength * AGREEMENT,
                              "the number/symbol agrees with the title"))
    elif title.score >= STRONG_TITLE:
        clues.append(Evidence(kind, 1.5, "type part of the number/symbol (the title differs)"))
    else:
        clues[0] = Evidence(title.doc_type, 2.0, f"weak title line {title_text!r}")
        clues.append(Evidence(kind, 2.0 * symbol.strength,
                              "type part of the number/symbol (over a weak title)"))
    return clues


def gather_evidence(document: ReadDocument) -> list[Evidence]:
    """Every layout clue found in ``document``."""
    title = layout.find_title(document)
    title_text = document.pages[0][title.index].text if title is not None else ""
    clues = title_and_symbol(title, _symbol_of(document), title_text)
    first = document.pages[0] if document.pages else []
    if any(layout.is_vv_line(line) for line in first[: layout.HEADER_SCAN + 4]):
        clues.append(Evidence("cong_van", 8.0 if title is None else 2.0, "a V/v summary"))
    labels = sum(1 for line in first for label in _FORM_LABELS
                 if find_keyword(line.text, label, anchored=True, threshold=0.85))
    cards = sum(1 for line in first for label in _CARD_LABELS
                if find_keyword(line.text, label, anchored=True, threshold=0.85))
    if cards >= 3:
        clues.append(Evidence("giay_to_tuy_than", 3.0, "identity card labels"))
    if labels >= 2 and title is not None and title.doc_type not in ADMINISTRATIVE_TYPES:
        clues.append(Evidence(title.doc_type, 2.0, "form labels under the title"))
    return clues
