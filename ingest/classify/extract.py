"""Field extraction: the values of domain.md's fields, each validated, with a confidence.

Every value comes from a place the Decree 30 layout gives it (see :mod:`layout`), is
repaired only in the ways :mod:`validate` allows, and is dropped if it fails its check: an
invalid value is never returned. When a ``reread`` function is given (OCR of one line's
image again, on its own), the lines that hold names, positions, the agency and the summary
are read a second time and the better reading is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ingest.classify import layout
from ingest.classify.agencies import snap_agency
from ingest.classify.handwriting import CropReader, Review, date_blanks, number_blank
from ingest.classify.lines import Line, ReadDocument
from ingest.classify.names import completes, has_surname, mend_sealed_name, repair_name
from ingest.classify.places import snap_place_names
from ingest.classify.signer_region import (
    BLOCK_READINGS,
    BlockReader,
    deputy_position,
    read_region,
    sealed_position,
    signer_region,
)
from ingest.classify.spelling import correct_marks
from ingest.classify.syllables import merge_readings
from ingest.classify.text import find_keyword, fold, is_upper_line, tidy
from ingest.classify.validate import (
    valid_date,
    valid_name,
    valid_personal_number,
    valid_position,
    valid_symbol,
)
from ingest.classify.vocabulary import ADMINISTRATIVE_TYPES, POSITIONS

STAMP_CONFIDENCE = 40.0
"""Under this mean word confidence (0..100) an OCR'd line under the title is a stamp's or
a seal's specks, not part of the summary."""

MARGIN_CONFIDENCE = 90.0
"""Under this mean word confidence a line under the title that lies wholly beside it (in
the margin, where a received-document stamp is put) is the stamp's, not the summary's."""

KNOWN_POSITION = 0.85
"""From this similarity (0..1) to a position of the list, a read position is that one."""

UNCONFIRMED = 0.6
"""Confidence of a scan's number or date read by the full page's OCR alone, its handwritten
blank not found on the line to read again (kept, and flagged for review)."""

Reread = Callable[[Line], str | None]
"""Reads one line's image again on its own; None when it cannot."""

_LIST_NUMBER = re.compile(r"^\s*(\d{1,2}|[a-zđ])[.)]\s+")
_DATE = re.compile(r"ngay\s*(?:[^\d\s]{1,4}\s+)?(\w{1,2})\s*thang\s*(?:[^\d\s]{1,4}\s+)?"
                   r"(\w{1,2})\s*nam\s*(?:[^\d\s]{1,4}\s+)?(\w{4})")
"""The date line; a stray fragment OCR may add after a label ("ngày gay 04") is skipped."""
_LOOSE_DATE = re.compile(r"n\w{2,4}\s*(\S{0,5})\s*th\w{2,4}\s*(\S{0,5})\s*n\w{1,2}m\s*[:.,]?\s*"
                         r"(\d{4})")
"""A scanned date line whose handwritten day or month OCR read as anything (and "ngày"
as "nuày", "năm" followed by a speck)."""
_ADOPTED = re.compile(r"thong\s*qua\s*(?:vao\s*)?ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*"
                      r"nam\s*(\d{4})")
"""The adoption day in a law's closing paragraph ("... thông qua ngày 24 tháng 4 năm 2026")."""
_ADOPTION_SENTENCE = re.compile(r"^\W*(luat|phap lenh|nghi quyet) nay (da )?duoc ")
"""The start of the closing sentence that holds the adoption day ("Luật này được Quốc hội
... thông qua ngày ...")."""
_ADOPTED_TYPES = ("luat", "phap_lenh", "nghi_quyet")
"""Types whose issuer (the National Assembly, its Standing Committee) prints no place and
date line in the header but the day the text was adopted at its end."""
_NAME_LABELS = ("Họ và tên người đề nghị", "Họ, chữ đệm và tên", "Họ và tên người khai",
                "Họ, chữ đệm, tên người yêu cầu", "Họ và tên", "Họ tên", "Tên tôi là",
                "Chủ hộ kinh doanh", "Tên chủ xe", "Chủ cơ sở", "Tên người sử dụng đất",
                "Người đại diện theo pháp luật", "Chứng nhận", "Cấp cho", "Ông", "Bà")
_ID_LABELS = ("Số định danh cá nhân", "Số định danh", "Số căn cước công dân", "Số căn cước",
              "Số CCCD", "Số CMND", "CCCD")
_STOP_LABELS = ("Kính gửi", "Căn cứ", "Họ và tên", "Họ, chữ đệm", "Số định danh", "Điều 1")
_NUMBER_LABEL_LINE = re.compile(r"^\W*so\s*[:;]")
"""The start of a number line ("Số:", folded), whatever OCR read after it."""
_PARENT_WORDS = ("uy ban nhan dan", "hoi dong nhan dan")
_JOINS_AFTER = (" va", " cua", " cac", " -", " ve", " tren", " thuoc", ",")
_JOINS_BEFORE = ("va ", "cua ", "cac ", "- ", "ve ", "tren ", "thuoc ", "tinh ", "thanh pho ",
                 "huyen ", "quan ", "thi xa ", "thi tran ", "xa ", "phuong ")
_AGENCY_HEADS = tuple(f"{fold(word)} " for word in (
    "SỞ", "PHÒNG", "BAN", "TRUNG TÂM", "CHI CỤC", "CỤC", "TỔNG CỤC", "VỤ", "VĂN PHÒNG",
    "CÔNG AN", "KHO BẠC", "BỆNH VIỆN", "TRƯỜNG", "ỦY BAN", "UBND", "HỘI ĐỒNG", "HĐND",
    "THANH TRA", "ĐÀI", "BỘ", "VIỆN", "BẢO HIỂM", "CHI NHÁNH", "ĐẢNG ỦY", "TÒA ÁN",
    "BỘ CHỈ HUY", "BAN CHỈ HUY", "NGÂN HÀNG", "CÔNG TY", "HỌC VIỆN", "ĐẠI HỌC", "QUỸ",
    "TRẠM", "HẠT", "ĐỘI", "BƯU ĐIỆN", "LIÊN ĐOÀN", "MẶT TRẬN", "TỈNH ĐOÀN", "HỘI", "CHI",
    "TRUNG ƯƠNG", "ĐOÀN", "KIỂM TOÁN", "THÔNG TẤN", "BÁO", "NHÀ", "CẢNG", "KHU",
))
_HONORIFICS = re.compile(r"^(ông|bà|ông/bà|ông \(bà\))\s+", re.IGNORECASE)
_NEXT_LABEL = re.compile(r"(,|;|\s+(giới tính|năm sinh|sinh ngày|ngày sinh|quốc tịch|dân tộc)"
                         r"\b).*$", re.IGNORECASE)


@dataclass(frozen=True)
class FieldValue:
    """An extracted value and how sure the extractor is of it (0..1)."""

    value: str
    confidence: float


def _ocr_certainty(lines: list[Line]) -> float:
    return min((line.confidence for line in lines), default=100.0) / 100.0


def _better_reading(line: Line, reread: Reread | None) -> str:
    """The line's text, improved word by word from a second reading of it alone (full-page
    OCR drops diacritics on bold lines; see :func:`merge_readings`)."""
    if reread is None or not line.has_geometry:
        return line.text
    second = reread(line)
    return merge_readings(line.text, second) if second else line.text


class FieldExtractor:
    """Extracts the fields of one document of a known doc_type."""

    def __init__(self, document: ReadDocument, doc_type: str, reread: Reread | None = None,
                 *, known_names: Sequence[str] = ()):
        """``known_names``: signers' names known apart from the page (the e-signature
        certificate's signer, signers staff confirmed); an OCR'd name close to one is read
        as it."""
        self.document = document
        self.doc_type = doc_type
        self.reread = reread
        self.review: list[Review] = []  # fields left empty for a person (handwritten)
        # a personal e-signature certificate names the signer (an agency's names none)
        self.certified = tuple(dict.fromkeys(
            stamp.person for stamp in document.e_signatures if stamp.person))
        self.known_names = (*known_names, *self.certified)
        self.first = document.pages[0] if document.pages else []
        self.width = document.page_widths[0] if document.page_widths else 0.0
        self._found_header: layout.Header | None = None

    def extract(self) -> dict[str, FieldValue]:
        """Every field of the doc_type that could be found and validated."""
        found: dict[str, FieldValue | None] = {}
        if self.doc_type in ADMINISTRATIVE_TYPES:
            found = {"so_ky_hieu": self.symbol(), "ngay_ban_hanh": self.date(),
                     "co_quan_ban_hanh": self.agency(), "trich_yeu": self.summary()}
            found.update(self.signer())
        elif self.doc_type in ("don_de_nghi", "to_khai"):
            found = {"ho_ten": self.applicant(), "so_dinh_danh": self.personal_number(),
                     "trich_yeu": self.request()}
        elif self.doc_type == "giay_to_tuy_than":
            found = {"ho_ten": self.applicant(signed=False),
                     "so_dinh_danh": self.personal_number()}
        elif self.doc_type == "giay_chung_nhan":
            found = {"ho_ten": self.applicant(signed=False),
                     "so_dinh_danh": self.personal_number(), "co_quan_ban_hanh": self.agency(),
                     "so_ky_hieu": self.symbol(), "ngay_ban_hanh": self.date()}
        return {name: value for name, value in found.items() if value is not None}

    # -- administrative documents -------------------------------------------------------
    def symbol(self) -> FieldValue | None:
        """``so_ky_hieu``: what follows "Số:" in the header (``Luật số:`` on a law; in a
        consolidated text's closing block)."""
        header = self._header()
        if header.number is None:
            return None
        line = header.lines[header.number]
        raw = layout.symbol_text(layout.number_line(line) or "")
        value = valid_symbol(raw, self.doc_type)
        if isinstance(self.reread, CropReader):  # a scan: the number may be handwritten
            first = raw.split("/", 1)[0]
            found = number_blank(self.reread, line, first if first.isdigit() else None)
            if found is not None:
                _, slash, page_symbol = raw.partition("/")
                printed = found.printed
                if slash and _hyphen_lost(printed, f"/{page_symbol}"):
                    printed = f"/{page_symbol}"  # "/CTUBND" read alone, "/CT-UBND" on the page
                checked = valid_symbol(f"{found.blank.digits}{printed}", self.doc_type) \
                    if found.blank.digits else None
                if checked is None and found.blank.digits and slash and page_symbol:
                    # the line read alone garbled the printed symbol ("/QĐÐ-UBND"): the
                    # full page's reading of it, after the digits read from the blank
                    checked = valid_symbol(f"{found.blank.digits}/{page_symbol}", self.doc_type)
                if checked is None:
                    self.review.append(found.blank.review("so_ky_hieu", found.printed))
                    return None
                sure = 0.95 if checked == value else 0.8
                return FieldValue(checked, sure * _ocr_certainty([line]))
            if value is None:  # the number line is there, its number unreadable
                self.review.append(_line_review("so_ky_hieu", line, _printed_symbol(raw)))
            elif first.isdigit() and line.bold is None:
                # an OCR'd number whose blank was not found on its line: the full page's
                # digits, perhaps handwritten and misread ("839" for "299"), unconfirmed
                self.review.append(_line_review("so_ky_hieu", line, _printed_symbol(raw)))
                return FieldValue(value, UNCONFIRMED * _ocr_certainty([line]))
        return FieldValue(value, 0.95 * _ocr_certainty([line])) if value else None

    def _header(self) -> layout.Header:
        if self._found_header is None:
            self._found_header = layout.find_header(self.document)
        return self._found_header

    def date(self) -> FieldValue | None:
        """``ngay_ban_hanh``: the "Place, ngày DD tháng MM năm YYYY" line of the header (on
        a certificate, wherever it is); for a law, an ordinance or a resolution of the
        National Assembly, which print no such line, the day it was adopted ("... thông
        qua ngày DD tháng MM năm YYYY" in its closing paragraph)."""
        header = self._header()
        header_end = header.end if header.end is not None else layout.HEADER_SCAN + 4
        lines = self.document.lines if self.doc_type == "giay_chung_nhan" else (
            header.lines[:header_end])  # above the title: never a date quoted in the body
        for line in lines:
            match = _DATE.search(fold(line.text))
            if match is None and isinstance(self.reread, CropReader):
                match = _LOOSE_DATE.search(fold(line.text))  # "ngày § thing 4 năm 2020"
            if match:
                if isinstance(self.reread, CropReader) and line.pixel_box is not None:
                    return self._written_date(self.reread, line, *match.groups())
                value = valid_date(*match.groups())
                if value:
                    return FieldValue(value, 0.95 * _ocr_certainty([line]))
        if self.doc_type in _ADOPTED_TYPES:
            return self._adoption_date()
        return None

    def _adoption_date(self) -> FieldValue | None:
        """The day a law, an ordinance or a National Assembly resolution was adopted: the
        last "thông qua ngày DD tháng MM năm YYYY" of the text (its closing paragraph)."""
        for page in reversed(self.document.pages):
            text = " ".join(fold(line.text) for line in page)
            for match in reversed(list(_ADOPTED.finditer(text))):
                value = valid_date(*match.groups())
                if value:
                    return FieldValue(value, 0.9 * _ocr_certainty(page))
        # the closing sentence is there but its date is not legible (a seal over it, or
        # OCR dropped its last line): a person reads it where the sentence ends
        closing = [line for line in self.document.lines if _ADOPTION_SENTENCE.match(
            fold(line.text))]
        if closing:
            line = closing[-1]
            below = replace(line, bottom=line.bottom + 2 * line.height)
            self.review.append(_line_review("ngay_ban_hanh", below, reason="not legible"))
        return None

    def _written_date(self, reader: CropReader, line: Line, day: str, month: str,
                      year: str) -> FieldValue | None:
        """The date of a scanned date line whose day (and month) may be handwritten: the
        blanks read as digits (see :mod:`handwriting`); a day or month that cannot be read
        leaves the field empty, with a review entry for the blank's crop (the whole line's
        when the blanks cannot be told apart in it)."""
        found = date_blanks(reader, line, day if day.isdigit() else None,
                            month if month.isdigit() else None)
        printed = valid_date(day, month, year)
        if found is None:
            if printed is None:
                self.review.append(_line_review("ngay_ban_hanh", line))
                return None
            if line.bold is None:  # OCR'd: the page's day and month, perhaps handwritten
                self.review.append(_line_review("ngay_ban_hanh", line))
                return FieldValue(printed, UNCONFIRMED * _ocr_certainty([line]))
            return FieldValue(printed, 0.95 * _ocr_certainty([line]))
        read_day = found.day.digits
        read_month = month if month.isdigit() else (found.month.digits if found.month else None)
        value = valid_date(read_day, read_month, year) if read_day and read_month else None
        if value is None:
            blank = found.day if read_day is None or found.month is None or (
                found.month.digits is not None) else found.month
            self.review.append(blank.review("ngay_ban_hanh"))
            return None
        return FieldValue(value, (0.95 if value == printed else 0.8) * _ocr_certainty([line]))

    def agency(self) -> FieldValue | None:
        """``co_quan_ban_hanh``: the issuing agency, the capitalised header lines above
        "Số:" (or above the title) in the left column, without the parent agency line; the
        words of the agency vocabulary in their spelling (:func:`snap_agency`), and on an
        OCR'd page the marks of its other words set right from the words they form
        (:func:`correct_marks`: "ĐẤT ĐẠI", "KIẾM LÂM")."""
        header = self._header()
        end = header.number if header.number is not None else header.end
        if end is None:
            return None
        # a "Số:" line whose number could not be read is no agency line, nor what follows
        end = next((index for index, line in enumerate(header.lines[:end])
                    if _NUMBER_LABEL_LINE.match(fold(line.text))), end)
        parts = (layout.header_left_part(line, header.width) for line in header.lines[:end])
        above = [replace(line, text=snap_agency(line.text)) for line in parts
                 if line is not None and is_upper_line(line.text) and not layout.is_junk(line)
                 and not _DATE.search(fold(line.text))]
        above = [line for line in above if line.text]
        if not above:
            return None
        chosen = _agency_lines(above)
        value = snap_agency(tidy(" ".join(_better_reading(line, self.reread)
                                          for line in chosen)).upper())
        if all(line.bold is None for line in chosen):  # OCR'd, not a text layer's exact text
            value = correct_marks(value)
        return FieldValue(value, 0.9 * _ocr_certainty(chosen)) if len(value) >= 3 else None

    def summary(self) -> FieldValue | None:
        """``trich_yeu``: the summary under the title, or the "V/v ..." lines of a công văn,
        joined into one line."""
        lines = self._vv_summary() if self.doc_type == "cong_van" else self._title_summary()
        if not lines:
            lines = self._vv_summary() or self._title_summary()
        if not lines:
            return None
        value = _summary_opening(tidy(" ".join(_better_reading(line, self.reread)
                                                for line in lines)))
        if all(line.bold is None for line in lines):  # OCR'd, not a text layer's exact text
            value = snap_place_names(correct_marks(value))
        return FieldValue(value, 0.85 * _ocr_certainty(lines)) if len(value) >= 4 else None

    def _vv_summary(self) -> list[Line]:
        for index, line in enumerate(self.first[: layout.HEADER_SCAN + 4]):
            if layout.is_vv_line(line):
                return layout.take_block(
                    self.first, index,
                    lambda candidate: layout.in_left_column(candidate, self.width)
                    and not layout.is_motto(candidate)
                    and (not candidate.has_geometry or candidate.right < 0.6 * self.width),
                    limit=4)
        return []

    def _title_summary(self) -> list[Line]:
        title = layout.find_title(self.document)
        if title is None:
            return []
        start = title.index + 1
        if not self.document.has_geometry:
            return _summary_without_geometry(self.first[start:], self._summary_line)
        styled = self._styled_summary(self.first[title.index], start)
        if styled is not None:
            return styled
        # a stamp beside the summary reads as lines of specks OCR is unsure of, or as a few
        # unsure words in the margin, wholly left or right of the title: not text
        title_line = self.first[title.index]
        page = self.first[:start] + [
            line for line in self.first[start:] if line.confidence >= STAMP_CONFIDENCE
            and not (line.confidence < MARGIN_CONFIDENCE and _beside(line, title_line))]
        block = layout.take_block(page, start, self._summary_line, limit=4)
        block = self._continued(block, start, page)
        margins = layout.text_margins(self.first, self.width)
        capitals = is_upper_line(block[0].text) if block else False
        for index in range(1, len(block)):
            ends_sentence = block[index].text.rstrip().endswith((".", ";", ":"))
            aligned = any(layout.aligned_like(block[index], reference, margins, self.width,
                                              capitals=capitals)
                          for reference in (block[0], title_line)) or layout.widens_centred(
                block[index], block[index - 1], block[0], margins, self.width)
            # (centred under the title: OCR may have joined a stamp's text to the first line)
            if ends_sentence or not aligned or (
                    is_upper_line(block[index].text) != is_upper_line(block[0].text)):
                return block[:index]
        return block

    def _continued(self, block: list[Line], start: int, page: list[Line]) -> list[Line]:
        """A capitals summary whose line ends on a word that needs a next one ("... CỦA")
        goes on even when that next line starts like an authority ("CHÍNH PHỦ QUY ĐỊNH
        ...", which alone is no summary line)."""
        while block and len(block) < 6 and is_upper_line(block[0].text) and (
                f" {fold(block[-1].text).rstrip()}".endswith(_CONTINUES)):
            index = start + len(block)
            following = page[index] if index < len(page) else None
            if following is None or not is_upper_line(following.text) or layout.is_junk(
                    following) or not layout.follows_closely(block[-1], following):
                break
            block = [*block, following]
            more = layout.take_block(page, start + len(block), self._summary_line,
                                     limit=6 - len(block))
            if more and layout.follows_closely(block[-1], more[0]):
                block += more
        return block

    def _styled_summary(self, title: Line, start: int) -> list[Line] | None:
        """From a text layer's fonts: the bold lines right under a bold title, up to a
        regular line (the body), a gap, a drawn rule or a change of case. None when the
        fonts are unknown or the line under the title is regular (then the geometry
        decides)."""
        below = self.first[start:]
        if title.bold is not True or not below or below[0].bold is not True:
            return None
        block: list[Line] = []
        for line in below[:6]:
            if not line.bold or not self._summary_line(line):
                break
            if block and (block[-1].rule_below or not layout.follows_closely(block[-1], line)
                          or is_upper_line(line.text) != is_upper_line(block[0].text)):
                break
            block.append(line)
        return block

    def _summary_line(self, line: Line) -> bool:
        """Whether a line under the title may belong to the summary: no label, no speck;
        in capitals only when it is no authority,
        agency or heading line (a decree's "QUY ĐỊNH CHI TIẾT ..." is a summary; the
        "HỘI ĐỒNG NHÂN DÂN ..." or "CHỦ TỊCH ..." line that follows it is not)."""
        if any(find_keyword(line.text, label, anchored=True, threshold=0.85)
               for label in _STOP_LABELS) or layout.is_junk(line):
            return False
        return not is_upper_line(line.text) or capitals_summary_line(line.text)

    def signer(self) -> dict[str, FieldValue | None]:
        """``chuc_vu`` and ``nguoi_ky`` from the first signer block that holds a name (see
        :func:`layout.signer_blocks`): the name is its last name-like line, the position
        the line right above the signature, under any authority (KT./TM./TL.) lines."""
        blocks = layout.signer_blocks(self.document)
        for column in blocks:
            name_index, name = _find_name(column, self.reread, self.known_names)
            if name is not None:
                return self._signer_region(column, name_index, name)
        # the seal hid the name: the first block's position still reads, and the name is
        # the one person a personal e-signature certificate names
        certified = FieldValue(self.certified[0], 0.7) if len(self.certified) == 1 else None
        column = blocks[0] if blocks else []
        return self._signer_region(column, len(column), certified)

    def _signer_region(self, column: list[Line], name_index: int,
                       name: FieldValue | None) -> dict[str, FieldValue | None]:
        """The signer as the page's lines gave it (``name`` at ``name_index`` of
        ``column``, the position above it), completed on a scan where a seal hid a part:
        when the name is missing or has no known surname (the end of a name whose start
        the seal covers: "Thanh Mẫn") or the position is no known one, the block's region
        is read again as one block of text (:mod:`signer_region`); the name and a known
        position found there fill in what is missing, and a whole name read there
        replaces a partial one it completes (:func:`names.completes`: a name without a
        known surname never beats one with it). A position read there must be a
        known one (a seal's text reads as capitals too), or the deputy's under a "KT."
        line that the end of the line under it confirms (:func:`deputy_position`)."""
        position = self._position(column[:name_index])
        if not _known_position(position):
            position = self._deputy(column[:name_index]) or self._sealed(
                column[:name_index]) or position
        # a name with no known surname is the end of one whose start lies under the seal
        partial = name is not None and not has_surname(name.value)
        if (name is not None and not partial and _known_position(position)) or not isinstance(
                self.reread, BlockReader):
            return _signer(name, position)
        region = signer_region(self.document, column)
        if region is None:
            return _signer(name, position)
        width = self.document.page_widths[region.page]
        for psm, dark in BLOCK_READINGS:
            lines = read_region(self.reread, region, width, psm, dark=dark)
            read_index, read_name = _find_name(lines, self.reread, self.known_names,
                                               whole=True)
            if read_name is not None and (name is None or (
                    partial and completes(read_name.value, name.value))):
                name = FieldValue(read_name.value, 0.8 * read_name.confidence)
                partial = False
            if not _known_position(position):
                # the deputy's first: a "KT." line the seal garbled may read as its head
                read_position = self._deputy(lines[:read_index]) or self._position(
                    lines[:read_index])
                if not _known_position(read_position):
                    read_position = self._sealed(lines[:read_index]) or read_position
                if _known_position(read_position):
                    position = read_position
            if name is not None and not partial and _known_position(position):
                break
        return _signer(name, position)

    def _deputy(self, above: list[Line]) -> FieldValue | None:
        """The deputy's position under a "KT. <head>" line among ``above`` (see
        :func:`deputy_position`), when the seal left only the end of its line."""
        found = deputy_position([_better_reading(line, self.reread) for line in above])
        if found is None:
            return None
        value, index = found
        return FieldValue(value, 0.8 * _ocr_certainty([above[index]]))

    def _sealed(self, above: list[Line]) -> FieldValue | None:
        """The position whose line's start the seal hid, among ``above`` on a scan (see
        :func:`sealed_position`); None on a text layer, whose lines are exact."""
        if any(line.bold is not None for line in above):
            return None
        found = sealed_position([_better_reading(line, self.reread) for line in above])
        if found is None:
            return None
        value, index = found
        return FieldValue(value, 0.7 * _ocr_certainty([above[index]]))

    def _position(self, above: list[Line]) -> FieldValue | None:
        """The position among the capitalised lines above the name: those under the last
        authority line (all, when there is none). The first that is a known position (a
        wrapped authority line, "THUẾ QUỐC TẾ", is none; a line printed between the
        signature and the name, "CHỦ TỊCH UBND TỈNH", comes after it), else the line
        nearest the name."""
        readings = [(line, _better_reading(line, self.reread)) for line in above]
        capitals = [(line, text) for line, text in readings if is_upper_line(text)
                    and sum(char.isalpha() for char in text) >= 4  # not "VÀ" of a seal
                    and not text.lstrip().startswith(("-", "+")) and ";" not in text]
        # (a recipient, "- Như trên;", OCR joined to the column's line is no position)
        authority = [index for index, (_, text) in enumerate(capitals)
                     if layout.is_authority_line(text)]
        candidates = capitals[authority[-1] + 1:] if authority else capitals
        checked = [(line, valid_position(text)) for line, text in candidates]
        known = [(line, found) for line, found in checked if found and found[1] >= 0.85]
        valid = [(line, found) for line, found in checked if found]
        line, found = known[0] if known else (valid[-1] if valid else (None, None))
        if line is None or found is None:
            return None
        return FieldValue(found[0], found[1] * _ocr_certainty([line]))

    # -- citizens' forms ----------------------------------------------------------------
    def applicant(self, *, signed: bool = True) -> FieldValue | None:
        """``ho_ten``: after the "Họ và tên ...:" label, else (``signed``: on a citizen's own
        form) the name signed at the end."""
        for line in self.document.lines:
            text = _LIST_NUMBER.sub("", line.text)
            for label in _NAME_LABELS:
                match = find_keyword(text, label, anchored=True, threshold=0.85)
                if match is None or (len(label) < 10 and not fold(text).startswith(fold(label))):
                    continue
                reading = _LIST_NUMBER.sub("", _better_reading(line, self.reread))
                value = _name_after_label(reading, match.end)
                if value:
                    return FieldValue(value, 0.95 * _ocr_certainty([line]))
                break
        if not signed:
            return None
        _, name = _find_name(layout.signer_lines(self.document), self.reread)
        return FieldValue(name.value, 0.6 * name.confidence) if name else None

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


def _line_review(name: str, line: Line, printed: str | None = None, *,
                 reason: str = "handwritten") -> Review:
    """A review entry for a line whose value could not be read (by default a header line
    of a scan whose handwritten part could not be told apart): the whole line is the crop
    a person reads."""
    return Review(name, reason, line.page, (line.left, line.top, line.right, line.bottom),
                  printed)


def _hyphen_lost(alone: str, page: str) -> bool:
    """Whether the symbol read on the line alone is the page's reading of it with a "-"
    lost (the parts of a symbol are joined by hyphens: "/CTUBND" beside "/CT-UBND")."""
    return alone.count("-") < page.count("-") and alone.replace("-", "") == page.replace(
        "-", "").replace(" ", "")


def _printed_symbol(raw: str) -> str | None:
    """The printed part of a number/symbol OCR read ("/CT-UBND" of "2£/CT-UBND")."""
    _, slash, symbol = raw.partition("/")
    return f"/{symbol}" if slash and symbol else None


def _agency_lines(above: list[Line]) -> list[Line]:
    """The issuing agency's lines: the last header line, and the lines above it that it
    continues. An agency's name starts with a word such as SỞ, PHÒNG, TRUNG TÂM, ỦY BAN;
    a line that does not (HÀNH CHÍNH CÔNG, TỈNH KHÁNH HÒA, VÀ XÃ HỘI) wraps the one above."""
    chosen = [above[-1]]
    for line in reversed(above[:-1]):
        previous, current = fold(line.text).strip(), fold(chosen[0].text).strip()
        continues = (previous in _PARENT_WORDS or previous.endswith(_JOINS_AFTER)
                     or current.startswith(_JOINS_BEFORE)
                     or not f"{current} ".startswith(_AGENCY_HEADS))
        if not continues:
            break
        chosen.insert(0, line)
        if f"{previous} ".startswith(_AGENCY_HEADS) and previous not in _PARENT_WORDS:
            break
    return chosen


def _name_after_label(text: str, label_end: int) -> str | None:
    """The person's name in a labelled line ("Họ và tên: X   Giới tính: Nam", "Ông: X, năm
    sinh ...", "Chứng nhận: Bà X")."""
    if ":" not in text[label_end - 1:]:
        return None  # a heading such as "Người đại diện theo pháp luật của công ty"
    rest = text[label_end - 1:].split(":", 1)[1]
    rest = _NEXT_LABEL.sub("", rest.strip())
    rest = _HONORIFICS.sub("", rest.strip())
    return valid_name(rest)


def _beside(line: Line, title: Line) -> bool:
    """Whether ``line`` lies wholly left or wholly right of the ``title`` line (a centred
    summary's lines always reach under it)."""
    return line.has_geometry and title.has_geometry and (
        line.right < title.left or line.left > title.right)


def _summary_without_geometry(lines: list[Line], keep: Callable[[Line], bool]) -> list[Line]:
    """Plain text: a summary line is followed by another only when it was wrapped (long)
    and the next is no longer than it (body lines run the full width)."""
    block: list[Line] = []
    for line in lines[:4]:
        if not keep(line) or (block and is_upper_line(line.text) != is_upper_line(
                block[0].text)):
            break  # a summary is in capitals throughout or not at all
        if block and (len(block[-1].text) < 40 or len(line.text) > len(block[-1].text) + 5):
            break
        block.append(line)
    return block


_CONTINUES = (" cua", " va", " ve", " so", " doi voi", " cho", " tai", " tren", " theo",
              " voi", ",", " cac", " nam", " thue")
"""Ends of a capitals summary line (folded) that the next line must complete."""
_OPENING_SPECKS = re.compile(r"^(?:[^\w(\"“]|_)+")
_BESIDE = re.compile(r"^.*\|\s*(?=(?i:v\s*/\s*v|về|vệ|vẻ|ve|quy định)\b)")
"""What OCR read beside a summary's first line (a stamp left of it, joined with a "|")."""
_VV_OPENING = re.compile(r"^v\s*[/|l1i¿?\\]\s*v\s+", re.IGNORECASE)


def _summary_opening(value: str) -> str:
    """A summary's fixed opening as it is printed: OCR's specks before it dropped, "V¿v"
    read as "V/v", and "Về việc" with its marks when OCR misread them ("Vẻ việc",
    "ve việc") or joined its words ("vềviệc")."""
    value = _OPENING_SPECKS.sub("", _BESIDE.sub("", value))
    vv = _VV_OPENING.match(value)
    if vv:
        return f"V/v {value[vv.end():]}"
    if len(value) > 6 and fold(value[:6]) == "veviec":
        value = f"{value[:2]} {value[2:]}"
    words = value.split(" ", 2)
    if len(words) >= 2 and fold(" ".join(words[:2])).rstrip(":") == "ve viec":
        return " ".join(["Về", f"việc{words[1][4:]}", *words[2:]])
    return value


_NOT_SUMMARY_HEADS = (
    "ỦY BAN", "UỶ BAN", "UBND", "HỘI ĐỒNG", "HĐND", "CHÍNH PHỦ", "QUỐC HỘI", "KHÓA", "KHOÁ",
    "CHƯƠNG", "PHẦN", "MỤC", "ĐIỀU", "NƠI NHẬN", "TM.", "KT.", "TL.", "TUQ.", "SỞ", "BỘ")
_HEADING_NUMBER = re.compile(r"^([ivxlc]+|\d+|[a-z])[.)]\s")


def capitals_summary_line(text: str) -> bool:
    """Whether a line in capitals under the title can be (part of) the summary: not the
    line of the authority that issues it ("CHỦ TỊCH ỦY BAN NHÂN DÂN ...", "HỘI ĐỒNG NHÂN
    DÂN ...", "BỘ TRƯỞNG ..."), nor a numbered heading or an article. Words are compared
    with their marks when the line has any ("PHẬN" is no "PHẦN"), folded when OCR lost
    them all."""
    bare = fold(text) == text.lower()
    if _HEADING_NUMBER.match(fold(text).strip() + " "):
        return False

    def key(words: str) -> str:
        return f"{fold(words) if bare else words.upper()} "

    line = key(text.strip())
    heads = (*_NOT_SUMMARY_HEADS, *POSITIONS)
    return not any(line.startswith(key(head)) for head in heads)


def _known_position(position: FieldValue | None) -> bool:
    """Whether a position is one of the list (not a capitals line kept as OCR read it)."""
    checked = valid_position(position.value) if position is not None else None
    return checked is not None and checked[1] >= KNOWN_POSITION


def _find_name(column: list[Line], reread: Reread | None, known: Sequence[str] = (),
               *, whole: bool = False) -> tuple[int, FieldValue | None]:
    """The signer's name: the lowest line of the block that reads as a person's name,
    repaired where a seal covered it (:func:`names.repair_name`; ``whole``: only a whole
    name, surname first, as in a region read again where a seal's strokes read as words)."""
    for index in range(len(column) - 1, -1, -1):
        line = column[index]
        if is_upper_line(line.text):
            continue
        value = repair_name(_better_reading(line, reread), known,
                            respell=line.bold is None,  # a text layer's name is exact
                            whole=whole)
        if value:
            return index, FieldValue(value, 0.9 * _ocr_certainty([line]))
    return len(column), None


def _signer(name: FieldValue | None, position: FieldValue | None,
            ) -> dict[str, FieldValue | None]:
    """The signer's fields; a name without a known surname mended where a seal's ring shows
    on it (:func:`names.mend_sealed_name`)."""
    if name is not None and (mended := mend_sealed_name(name.value)) != name.value:
        name = replace(name, value=mended)
    return {"nguoi_ky": name, "chuc_vu": position}
