"""Stamps that are not the document's content: the e-signature stamp of an electronic copy
and the arrival stamp of the office that received a paper.

**E-signature stamps.** A document signed electronically and published as a scan carries
the signing software's stamp at the top of its first page: "Ký bởi: VĂN PHÒNG CHÍNH PHỦ",
"Email: ...", "Cơ quan: ...", "Thời gian ký: 18.09.2026 10:55:03 +07:00" (or "Người ký:",
"Địa chỉ:", or no labels at all: a name, an e-mail address and a time). It is usually in
the PDF's text layer over the scan, and always in the scan's pixels too, so OCR reads it
as lines right above the header, where the agency is read from. It is taken out of the
lines and read as signature metadata: signer, agency, time.

**Arrival stamps.** The receiving office stamps "CÔNG VĂN ĐẾN" / "ĐẾN Số: ... Ngày: ...
Chuyển: ..." on the paper, often over the header's margin or the first body lines, and
writes the arrival number and day by hand. Its lines are taken out of the content and read
as arrival data where legible; otherwise the stamp is reported as needing review.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pymupdf as _pymupdf

from ingest.classify.lines import Line, ReadDocument
from ingest.classify.text import fold, is_upper_line, squash
from ingest.classify.validate import digits_of, valid_date, valid_name

pymupdf: Any = _pymupdf  # its annotations are partial: used as untyped, as ocr/mupdf does

Box = tuple[float, float, float, float]
"""(left, top, right, bottom) in points from the page's top left."""

STAMP_BAND = 0.14
"""Share of the page's height from the top where e-signature stamps are looked for in OCR
lines (they are printed over the top margin, above the header)."""

ARRIVAL_PAGES = 1
"""Arrival stamps are looked for on this many first pages (the office stamps the first
page, wherever it finds room: the header's margin, the first body lines, the foot)."""

_SIGNER_LABELS = ("ky boi", "nguoi ky", "signed by", "ky so boi")
_AGENCY_LABELS = ("co quan", "don vi", "to chuc")
_TIME_LABELS = ("thoi gian ky", "ngay ky", "thoi gian", "ngay gio ky")
_OTHER_LABELS = ("email", "e-mail", "dia chi", "so dien thoai", "dien thoai")
_LABEL = re.compile(r"^\W*(" + "|".join(re.escape(label).replace(r"\ ", r"\s*") for label in (
    *_SIGNER_LABELS, *_AGENCY_LABELS, *_TIME_LABELS, *_OTHER_LABELS)) + r")\s*[:;.]?\s*")
_EMAIL = re.compile(r"[\w.\-]+\s?@\s?[\w\-]+(?:\s?\.\s?[\w\-]+)+")
_TIME = re.compile(r"(\d{1,2})\s*[./\-]\s*(\d{1,2})\s*[./\-]\s*(\d{4})"
                   r"(?:\s+[^\d\s]\S*){0,3}\s+(\d{1,2})[:.](\d{2})"
                   r"(?:[:.](\d{2}))?(?:(?:\s+[^\d\s+~-]\S*){0,2}\s*[+~-]\s*(\d{2}):?(\d{2}))?")
"""A signing time; OCR may read a colon of the time as a dot, and put a few words of the
stamp's other line between the day, the time and the offset (its lines are set tight)."""
_OFFSET = re.compile(r"^\W*[+~-]?\s*\d{2}:\d{2}\W*$")
_ARRIVAL_WORDS = (("den",), ("cv", "den"), ("cong", "van", "den"))
_ARRIVAL_FIELD = re.compile(r"^\W*(so|gio|ngay|chuyen|kinh chuyen|luu ho so)\b\s*[:;.]?")
_ARRIVAL_DATE = re.compile(r"(\d{1,2})\s*[./\-]\s*(\d{1,2})\s*[./\-]\s*(\d{2,4})")
_ARRIVAL_HEADS = ("cong van den", "cv den", "cong thong tin", "trung tam cong bao",
                  "van phong")
_PERSON_WORDS = frozenset(fold(word) for word in (
    "ỦY", "UỶ", "BAN", "SỞ", "BỘ", "CỤC", "VĂN", "PHÒNG", "CỔNG", "TRUNG", "TÂM", "TỈNH",
    "THÀNH", "PHỐ", "HUYỆN", "XÃ", "CHÍNH", "PHỦ", "NHÂN", "DÂN", "THÔNG", "TIN", "CÔNG",
    "TY", "HỘI", "ĐỒNG", "THUẾ", "KHO", "BẠC", "VIỆN", "TRƯỜNG", "CHI", "QUỐC", "TỔNG"))


@dataclass(frozen=True)
class ESignature:
    """An e-signature stamp read as signature metadata (never as the header)."""

    signer: str | None  # who signed: an agency ("VĂN PHÒNG CHÍNH PHỦ") or a person
    agency: str | None  # "Cơ quan:" when given
    time: str | None  # ISO 8601, with the offset when the stamp gives one
    page: int  # 0-based
    box: Box | None  # where the stamp's text is, in points
    source: str  # "text-layer" (the PDF's own text) or "ocr" (read from the pixels)
    email: str | None = None

    @property
    def signer_is_person(self) -> bool:
        """Whether the signer is a person's name (a personal certificate), which the signer
        block's name can be checked against, rather than an agency's."""
        return self.person is not None

    @property
    def person(self) -> str | None:
        """The signer as a person's name (surname spelling restored), or None."""
        if not self.signer or any(word in _PERSON_WORDS for word in fold(self.signer).split()):
            return None
        return valid_name(self.signer)

    def to_json(self) -> dict[str, Any]:
        """``{"signer", "agency", "time", "email", "person", "page", "box", "source"}``."""
        return {"signer": self.signer, "agency": self.agency, "time": self.time,
                "email": self.email, "person": self.person, "page": self.page + 1,
                "box": _rounded(self.box), "source": self.source}


@dataclass(frozen=True)
class Arrival:
    """An arrival stamp ("CÔNG VĂN ĐẾN"): the incoming number and day where legible."""

    number: str | None
    date: str | None  # ISO date
    page: int  # 0-based
    box: Box | None  # the stamp's lines, in points: the crop a person checks
    text: str  # what OCR read on it

    @property
    def legible(self) -> bool:
        """Whether both the arrival number and day were read."""
        return self.number is not None and self.date is not None

    def to_json(self) -> dict[str, Any]:
        """``{"number", "date", "needs_review", "page", "box", "text"}``."""
        return {"number": self.number, "date": self.date, "needs_review": not self.legible,
                "page": self.page + 1, "box": _rounded(self.box), "text": self.text}


def _rounded(box: Box | None) -> list[float] | None:
    return None if box is None else [round(value, 1) for value in box]


def _box(lines: Sequence[Line]) -> Box | None:
    placed = [line for line in lines if line.has_geometry]
    if not placed:
        return None
    return (min(line.left for line in placed), min(line.top for line in placed),
            max(line.right for line in placed), max(line.bottom for line in placed))


def stamp_time(text: str) -> str | None:
    """The signing time of a stamp in ISO 8601 (``04.05.2026 09:44:21 +07:00`` ->
    ``2026-05-04T09:44:21+07:00``); None when there is no valid time."""
    match = _TIME.search(text)
    if match is None:
        return None
    day, month, year, hour, minute, second, off_hour, off_minute = match.groups()
    try:
        moment = dt.datetime(int(year), int(month), int(day), int(hour), int(minute),
                             int(second or 0))
    except ValueError:
        return None
    iso = moment.isoformat()
    return f"{iso}+{off_hour}:{off_minute}" if off_hour and off_minute else iso


def _label_of(text: str) -> tuple[str | None, str]:
    """The stamp label a line starts with ("signer", "agency", "time", "other") and the
    rest of the line; (None, line) when it has none."""
    folded = fold(text)
    match = _LABEL.match(folded)
    if match is None:
        return None, text
    label = " ".join(match.group(1).split())
    kind = ("signer" if label in _SIGNER_LABELS else "agency" if label in _AGENCY_LABELS
            else "time" if label in _TIME_LABELS else "other")
    return kind, text[match.end():].strip()


def is_stamp_line(text: str) -> bool:
    """Whether a line reads as part of an e-signature stamp: it starts with one of the
    stamp's labels (with its colon), or holds an e-mail address or a signing time."""
    kind, _ = _label_of(text)
    if kind is not None and (":" in text or kind == "time" or _EMAIL.search(text)):
        return True
    return bool(_EMAIL.search(text) or (_TIME.search(text) and ":" in text))


def parse_e_signature(texts: Sequence[str], page: int = 0, box: Box | None = None,
                      source: str = "text-layer") -> ESignature | None:
    """An e-signature stamp from its lines in order, or None when they are not one (a stamp
    has a signing time and a signer label or an e-mail address). A value wrapped over two
    lines is joined; a stamp without labels is read as: name, e-mail, time."""
    values: dict[str, list[str]] = {}
    current: str | None = None
    email: str | None = None
    unlabelled: list[str] = []
    for raw in texts:
        text = squash(raw)
        found = _EMAIL.search(text)
        if found:
            email = re.sub(r"\s+", "", found.group(0))
        kind, rest = _label_of(text)
        if _OFFSET.match(text):
            continue  # "+07:00" wrapped under the time
        if kind is not None:
            current = kind
            values.setdefault(kind, []).append(rest)
        elif found or _TIME.search(text):
            current = None
        elif current is not None:
            values[current].append(text)  # a wrapped value ("... tỉnh Quảng" / "Ngãi")
        else:
            unlabelled.append(text)
    joined = " ".join(texts)
    time = stamp_time(" ".join(values.get("time", []))) or stamp_time(joined)
    if time is None or not (values.get("signer") or values.get("agency") or email):
        return None
    signer = " ".join(values.get("signer", [])) or " ".join(unlabelled) or None
    agency = " ".join(values.get("agency", [])) or None
    return ESignature(signer=_clean(signer), agency=_clean(agency), time=time, page=page,
                      box=box, source=source, email=email)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = squash(value).strip(" .,;:")
    return cleaned or None


def layer_lines(path: Path, pages: Collection[int]) -> dict[int, list[list[Line]]]:
    """The visible text of the PDF ``path``'s ``pages`` (0-based; pages OCR read from their
    pixels), as blocks of lines in points: on a scan these are stamps, the words OCR also
    reads from the pixels, but spelt right."""
    blocks: dict[int, list[list[Line]]] = {}
    with pymupdf.open(str(path)) as document:
        for index in pages:
            if not 0 <= index < document.page_count:
                continue
            page = document[index]
            if page.rotation % 360:
                continue  # OCR's positions are of the page turned upright: no match
            for block in page.get_text("dict")["blocks"]:
                lines = []
                for raw in block.get("lines", ()):
                    text = squash("".join(span.get("text", "") for span in raw["spans"]))
                    if text:
                        left, top, right, bottom = raw["bbox"]
                        lines.append(Line(text=text, page=index, left=left, top=top,
                                          right=right, bottom=bottom, height=bottom - top))
                if lines:
                    blocks.setdefault(index, []).append(lines)
    return blocks


def _inside(line: Line, box: Box, margin: float) -> bool:
    """Whether most of ``line``'s box lies inside ``box`` grown by ``margin`` points."""
    left, top, right, bottom = box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin
    width = max(min(line.right, right) - max(line.left, left), 0.0)
    height = max(min(line.bottom, bottom) - max(line.top, top), 0.0)
    area = max((line.right - line.left) * (line.bottom - line.top), 1e-6)
    return width * height >= 0.6 * area


def _ocr_e_signatures(page: list[Line], index: int, band: float
                      ) -> tuple[list[ESignature], set[int]]:
    """E-signature stamps OCR read in the top band of a page: the lines that read as stamp
    lines, with the lines between them in the same columns."""
    seeds = [number for number, line in enumerate(page)
             if line.has_geometry and line.top < band and is_stamp_line(line.text)]
    taken: set[int] = set()
    stamps: list[ESignature] = []
    for seed in seeds:
        if seed in taken:
            continue
        group = [number for number in seeds if number not in taken and _near(page[seed],
                                                                             page[number])]
        box = _box([page[number] for number in group])
        if box is None:
            continue
        members = [number for number, line in enumerate(page) if line.has_geometry
                   and line.top < band and _inside(line, box, 0.6 * page[seed].height)]
        members = sorted(set(members) | set(group), key=lambda number: page[number].top)
        stamp = parse_e_signature([page[number].text for number in members], index,
                                  _box([page[number] for number in members]), "ocr")
        if stamp is not None:
            stamps.append(stamp)
            taken.update(members)
    return stamps, taken


def _near(first: Line, second: Line) -> bool:
    """Whether two stamp lines belong to one stamp: overlapping columns, close rows."""
    overlap = min(first.right, second.right) - max(first.left, second.left)
    return overlap > 0 and abs(first.top - second.top) < 8 * max(first.height, second.height)


def _arrivals(page: list[Line], index: int, band: float, width: float
              ) -> tuple[list[Arrival], set[int]]:
    """Arrival stamps in the top part of a page: a short line "ĐẾN" / "CÔNG VĂN ĐẾN" /
    "CV ĐẾN" and the short lines around it that carry the stamp's fields (Số, Ngày,
    Chuyển) or its heading. Lines spanning the body are left (OCR merges the stamp's
    fragments into the body lines it overlaps; they stay content)."""
    seeds = [number for number, line in enumerate(page)
             if line.has_geometry and line.top < band and _is_arrival_word(line.text)]
    taken: set[int] = set()
    arrivals: list[Arrival] = []
    for seed in seeds:
        if seed in taken:
            continue
        anchor = page[seed]
        reach = max(anchor.height, 10.0)
        region = (anchor.left - 6 * reach, anchor.top - 3 * reach,
                  anchor.right + 8 * reach, anchor.bottom + 4 * reach)
        members = [number for number, line in enumerate(page) if line.has_geometry
                   and number not in taken and line.right - line.left < 0.4 * width
                   and _inside(line, region, 0.0) and (
                       number == seed or _is_arrival_word(line.text)
                       or _ARRIVAL_FIELD.match(fold(line.text)) is not None
                       or any(head in fold(line.text) for head in _ARRIVAL_HEADS)
                       or is_upper_line(line.text)
                       or line.confidence < 60)]
        members.sort(key=lambda number: (page[number].top, page[number].left))
        lines = [page[number] for number in members]
        number_read, date_read = _arrival_fields(lines)
        arrivals.append(Arrival(number=number_read, date=date_read, page=index,
                                box=_box(lines), text=" | ".join(line.text for line in lines)))
        taken.update(members)
    return arrivals, taken


def _is_arrival_word(text: str) -> bool:
    """A short line that is the arrival stamp's "ĐẾN" (in capitals: "đến" is a common
    word in the body)."""
    words = [word for word in squash(text).split() if word.isalpha()]
    if not any(fold(word) == "den" and word.isupper() for word in words):
        return False
    folded = tuple(fold(word) for word in words)
    return any(folded[-len(stamp):] == stamp and len(folded) <= len(stamp) + 1
               for stamp in _ARRIVAL_WORDS)


def _arrival_fields(lines: Sequence[Line]) -> tuple[str | None, str | None]:
    """The arrival number (after "Số:") and day (after "Ngày:") where OCR read digits."""
    number: str | None = None
    date: str | None = None
    for line in lines:
        folded = fold(line.text)
        for match in re.finditer(r"\bso\s*[:;.]?\s*([0-9oOlI]{1,6})\b", folded):
            digits = digits_of(match.group(1))
            if digits.isdigit() and number is None:
                number = digits
        found = re.search(r"ngay\s*[:;.]?\s*" + _ARRIVAL_DATE.pattern, folded)
        if found and date is None:
            day, month, year = found.group(1), found.group(2), found.group(3)
            year = f"20{year}" if len(year) == 2 else year
            date = valid_date(day, month, year)
    return number, date


def separate_stamps(document: ReadDocument,
                    layer: dict[int, list[list[Line]]] | None = None) -> ReadDocument:
    """``document`` without the lines of its e-signature and arrival stamps, which are read
    into ``e_signatures`` and ``arrivals`` instead. ``layer`` holds the text-layer blocks of
    OCR'd pages (:func:`layer_lines`): a block that reads as an e-signature stamp gives the
    stamp's values in the layer's spelling, and the OCR lines under it are dropped."""
    signatures: list[ESignature] = []
    arrivals: list[Arrival] = []
    pages: list[list[Line]] = []
    for index, page in enumerate(document.pages):
        height = document.page_heights[index] if index < len(document.page_heights) else 0.0
        width = document.page_widths[index] if index < len(document.page_widths) else 0.0
        dropped: set[int] = set()
        for block in (layer or {}).get(index, []):
            stamp = parse_e_signature([line.text for line in block], index, _box(block))
            if stamp is None or stamp.box is None:
                continue
            signatures.append(stamp)
            margin = max(line.height for line in block)
            dropped |= {number for number, line in enumerate(page)
                        if line.has_geometry and _inside(line, stamp.box, margin)}
        if height > 0:
            rest = [line for number, line in enumerate(page) if number not in dropped]
            # stamps only in the pixels (the layer's were dropped above: these are others)
            found, taken = _ocr_e_signatures(rest, index, STAMP_BAND * height)
            signatures.extend(found)
            kept = [line for number, line in enumerate(rest) if number not in taken]
            taken = set()
            if index < ARRIVAL_PAGES:
                found_arrivals, taken = _arrivals(kept, index, height, width)
                arrivals.extend(found_arrivals)
            page = [line for number, line in enumerate(kept) if number not in taken]
        else:  # plain text: the stamp's lines before the header
            head = 0
            while head < min(len(page), 6) and is_stamp_line(page[head].text):
                head += 1
            stamp = parse_e_signature([line.text for line in page[:head]], index, None, "ocr")
            if stamp is not None:
                signatures.append(stamp)
                page = page[head:]
        pages.append(page)
    return replace(document, pages=pages, e_signatures=signatures, arrivals=arrivals)
