"""Evidence for a document's type read from its layout: the title line, the type part of
the number/symbol, a "V/v" summary, the labels of a citizen's form."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.classify import layout
from ingest.classify.lines import ReadDocument
from ingest.classify.text import find_keyword
from ingest.classify.vocabulary import ABBREVIATIONS, ADMINISTRATIVE_TYPES

_FORM_LABELS = ("Họ và tên", "Số định danh cá nhân", "Kính gửi", "Nơi cư trú")
_CARD_LABELS = ("Họ, chữ đệm và tên", "Ngày sinh", "Giới tính", "Quốc tịch",
                "Nơi thường trú", "Quê quán", "Có giá trị đến")


@dataclass(frozen=True)
class Evidence:
    """One clue: the type it points to, how strongly (a likelihood ratio), and why."""

    doc_type: str
    strength: float
    reason: str


def _symbol_type(document: ReadDocument) -> str | None:
    index = layout.find_number_line(document)
    if index is None:
        return None
    symbol = (layout.number_line(document.pages[0][index]) or "").split(" ")[0]
    parts = symbol.split("/", 1)[1].split("-") if "/" in symbol else []
    if len(parts) < 2:
        return "cong_van" if parts else None
    folded = {key.upper().replace("Đ", "D"): kind for key, kind in ABBREVIATIONS.items()}
    exact = ABBREVIATIONS.get(parts[0])
    return exact or folded.get(parts[0].upper().replace("Đ", "D"))


def gather_evidence(document: ReadDocument) -> list[Evidence]:
    """Every layout clue found in ``document``."""
    clues: list[Evidence] = []
    title = layout.find_title(document)
    if title is not None:
        clues.append(Evidence(title.doc_type, 1.0 + 30.0 * title.score ** 4,
                              f"title line {document.pages[0][title.index].text!r}"))
    symbol_type = _symbol_type(document)
    if symbol_type == "cong_van" and title is not None and title.doc_type != "cong_van":
        symbol_type = None  # a symbol without type part only says công văn when untitled
    if symbol_type is not None:
        clues.append(Evidence(symbol_type, 6.0, "type part of the number/symbol"))
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
