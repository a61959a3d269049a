"""Field extraction: the values of domain.md's fields, each validated, with a confidence.

Every value comes from a place the Decree 30 layout gives it (see :mod:`layout`), is
repaired only in the ways :mod:`validate` allows, and is dropped if it fails its check: an
invalid value is never returned. When a ``reread`` function is given (OCR of one line's
image again, on its own), the lines that hold names, positions, the agency and the summary
are read a second time and the better reading is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ingest.classify import layout
from ingest.classify.lines import Line, ReadDocument
from ingest.classify.text import find_keyword, fold, is_upper_line, similarity, tidy
from ingest.classify.validate import (
    valid_date,
    valid_name,
    valid_personal_number,
    valid_position,
    valid_symbol,
)
from ingest.classify.vocabulary import ADMINISTRATIVE_TYPES, CITIZEN_TYPES

Reread = Callable[[Line], str | None]
"""Reads one line's image again on its own; None when it cannot."""

_DATE = re.compile(r"ngay\s*(\w{1,2})\s*thang\s*(\w{1,2})\s*nam\s*(\w{4})")
_NAME_LABELS = ("Họ và tên người đề nghị", "Họ, chữ đệm và tên", "Họ và tên người khai",
                "Họ và tên", "Họ tên", "Tên tổ chức, cá nhân")
_ID_LABELS = ("Số định danh cá nhân", "Số định danh", "Số căn cước công dân", "Số căn cước",
              "Số CCCD", "Số CMND", "CCCD")
_STOP_LABELS = ("Kính gửi", "Căn cứ", "Họ và tên", "Họ, chữ đệm", "Số định danh", "Điều 1")
_PARENT_WORDS = ("uy ban nhan dan", "hoi dong nhan dan")
_CONNECTORS = (" va", " cua", " -")


@dataclass(frozen=True)
class FieldValue:
    """An extracted value and how sure the extractor is of it (0..1)."""

    value: str
    confidence: float


def _ocr_certainty(lines: list[Line]) -> float:
    return min((line.confidence for line in lines), default=100.0) / 100.0


def _better_reading(line: Line, reread: Reread | None) -> str:
    """The line's text, or its second reading when that one agrees on the letters and
    carries more of the diacritics (full-page OCR drops them on bold lines)."""
    if reread is None or not line.has_geometry:
        return line.text
    second = reread(line)
    if not second:
        return line.text
    second = " ".join(second.split())
    if similarity(second, line.text) < 0.8:
        return line.text
    marks = sum(1 for char in second if fold(char) != char.lower())
    return second if marks > sum(1 for char in line.text if fold(char) != char.lower()) else (
        line.text)


class FieldExtractor:
    """Extracts the fields of one document of a known doc_type."""

    def __init__(self, document: ReadDocument, doc_type: str, reread: Reread | None = None):
        self.document = document
        self.doc_type = doc_type
        self.reread = reread
        self.first = document.pages[0] if document.pages else []
        self.width = document.page_widths[0] if document.page_widths else 0.0

    def extract(self) -> dict[str, FieldValue]:
        """Every field of the doc_type that could be found and validated."""
        found: dict[str, FieldValue | None] = {}
        if self.doc_type in ADMINISTRATIVE_TYPES:
            found = {"so_ky_hieu": self.symbol(), "ngay_ban_hanh": self.date(),
                     "co_quan_ban_hanh": self.agency(), "trich_yeu": self.summary()}
            found.update(self.signer())
        elif self.doc_type in CITIZEN_TYPES:
            found = {"ho_ten": self.applicant(), "so_dinh_danh": self.personal_number(),
                     "trich_yeu": self.request()}
        return {name: value for name, value in found.items() if value is not None}

    # -- administrative documents -------------------------------------------------------
    def symbol(self) -> FieldValue | None:
        """``so_ky_hieu``: what follows "Số:" in the header."""
        index = layout.find_number_line(self.document)
        if index is None:
            return None
        line = self.first[index]
        raw = (layout.number_line(line) or "").split(" ")[0]
        value = valid_symbol(raw, self.doc_type)
        return FieldValue(value, 0.95 * _ocr_certainty([line])) if value else None

    def date(self) -> FieldValue | None:
        """``ngay_ban_hanh``: the "Place, ngày DD tháng MM năm YYYY" line of the header."""
        for line in self.first[: layout.HEADER_SCAN + 4]:
            match = _DATE.search(fold(line.text))
            if match:
                value = valid_date(*match.groups())
                if value:
                    return FieldValue(value, 0.95 * _ocr_certainty([line]))
        return None

    def agency(self) -> FieldValue | None:
        """``co_quan_ban_hanh``: the issuing agency, the last capitalised header line above
        "Số:" (the parent agency above it is not the issuer)."""
        number = layout.find_number_line(self.document)
        if number is None:
            return None
        above = [line for line in self.first[:number]
                 if layout.in_left_column(line, self.width) and is_upper_line(line.text)
                 and not layout.is_motto(line) and not layout.is_junk(line)]
        if not above:
            return None
        chosen = above[-1:]
        if len(above) >= 2:
            previous = fold(above[-2].text).strip()
            if previous in _PARENT_WORDS or previous.endswith(_CONNECTORS):
                chosen = above[-2:]
        value = tidy(" ".join(_better_reading(line, self.reread) for line in chosen)).upper()
        return FieldValue(value, 0.9 * _ocr_certainty(chosen)) if len(value) >= 3 else None

    def summary(self) -> FieldValue | None:
        """``trich_yeu``: the summary under the title, or the "V/v ..." lines of a công văn,
        joined into one line."""
        lines = self._vv_summary() if self.doc_type == "cong_van" else self._title_summary()
        if not lines:
            lines = self._vv_summary() or self._title_summary()
        if not lines:
            return None
        value = tidy(" ".join(_better_reading(line, self.reread) for line in lines))
        return FieldValue(value, 0.85 * _ocr_certainty(lines)) if len(value) >= 4 else None

    def _vv_summary(self) -> list[Line]:
        for index, line in enumerate(self.first[: layout.HEADER_SCAN + 4]):
            if layout.is_vv_line(line):
                return layout.take_block(
                    self.first, index,
                    lambda candidate: layout.in_left_column(candidate, self.width)
                    and not layout.is_motto(candidate), limit=4)
        return []

    def _title_summary(self) -> list[Line]:
        title = layout.find_title(self.document)
        if title is None:
            return []
        start = title.index + 1
        if self.document.has_geometry:
            return layout.take_block(self.first, start, self._summary_line, limit=3)
        return _summary_without_geometry(self.first[start:], self._summary_line)

    def _summary_line(self, line: Line) -> bool:
        return not any(find_keyword(line.text, label, anchored=True, threshold=0.85)
                       for label in _STOP_LABELS) and not layout.is_junk(line)

    def signer(self) -> dict[str, FieldValue | None]:
        """``chuc_vu`` and ``nguoi_ky`` from the signer block: the name is its last line,
        the position the capitalised line above the signature, not the authority line."""
        column = layout.signer_lines(self.document)
        name_index, name = _find_name(column, self.reread)
        if name is None:
            return {"nguoi_ky": None, "chuc_vu": None}
        position = None
        for line in reversed(column[:name_index]):
            text = _better_reading(line, self.reread)
            if layout.is_authority_line(text) or not is_upper_line(text):
                continue
            checked = valid_position(text)
            if checked:
                position = FieldValue(checked[0], checked[1] * _ocr_certainty([line]))
            break
        return {"nguoi_ky": name, "chuc_vu": position}

    # -- citizens' forms ----------------------------------------------------------------
    def applicant(self) -> FieldValue | None:
        """``ho_ten``: after the "Họ và tên ...:" label, else the name signed at the end."""
        for line in self.document.lines:
            for label in _NAME_LABELS:
                match = find_keyword(line.text, label, anchored=True, threshold=0.85)
                if match is None:
                    continue
                text = _better_reading(line, self.reread)
                rest = text.split(":", 1)[1] if ":" in text else text[match.end:]
                value = valid_name(rest)
                if value:
                    return FieldValue(value, 0.95 * _ocr_certainty([line]))
                break
        _, signed = _find_name(layout.signer_lines(self.document), self.reread)
        return FieldValue(signed.value, 0.6 * signed.confidence) if signed else None

    def personal_number(self) -> FieldValue | None:
        """``so_dinh_danh``: the 12 digits after the personal number's label."""
        for line in self.document.lines:
            for label in _ID_LABELS:
                match = find_keyword(line.text, label, anchored=True, threshold=0.85)
                if match is None:
                    continue
                rest = line.text.split(":", 1)[1] if ":" in line.text else line.text[match.end:]
                value = valid_personal_number(rest)
                if value:
                    return FieldValue(value, 0.95 * _ocr_certainty([line]))
        for line in self.document.lines:
            found = re.search(r"(?<!\d)\d{12}(?!\d)", line.text)
            if found:
                return FieldValue(found.group(), 0.5 * _ocr_certainty([line]))
        return None

    def request(self) -> FieldValue | None:
        """``trich_yeu`` of a form: the line(s) under the title, up to "Kính gửi"."""
        return self.summary()


def _summary_without_geometry(lines: list[Line], keep: Callable[[Line], bool]) -> list[Line]:
    """Plain text: a summary line is followed by another only when it was wrapped (long)
    and the next is no longer than it (body lines run the full width)."""
    block: list[Line] = []
    for line in lines[:3]:
        if not keep(line):
            break
        if block and (len(block[-1].text) < 40 or len(line.text) > len(block[-1].text) + 5):
            break
        block.append(line)
    return block


def _find_name(column: list[Line], reread: Reread | None) -> tuple[int, FieldValue | None]:
    """The signer's name: the lowest line of the block that reads as a person's name."""
    for index in range(len(column) - 1, -1, -1):
        line = column[index]
        if is_upper_line(line.text):
            continue
        value = valid_name(_better_reading(line, reread))
        if value:
            return index, FieldValue(value, 0.9 * _ocr_certainty([line]))
    return len(column), None
