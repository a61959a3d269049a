"""Header fields of real documents (issue 16 §1): the agency as printed on its two header
lines, its words set to the closed vocabulary of agency names and places when OCR misread
them; the number line of a law ("Luật số:") and one whose "/" OCR misread; a law's adoption
day; a consolidated text's agency, number and date in its closing block. Lines are placed
as OCR gives them on a scanned A4 page (points from the top left)."""

from __future__ import annotations

import pytest

from ingest.classify.agencies import snap_agency
from ingest.classify.extract import FieldExtractor
from ingest.classify.layout import find_header, number_line
from ingest.classify.lines import Line, ReadDocument
from ingest.classify.places import CITIES, PROVINCES, place_headers
from ingest.classify.text import fold

BODY = "Thực hiện nội dung công văn của cơ quan cấp trên về việc triển khai các nhiệm vụ"


def _line(text: str, left: float, top: float, right: float, page: int = 0) -> Line:
    return Line(text=text, page=page, left=left, top=top, right=right, bottom=top + 12,
                height=12.0, confidence=90.0)


def _document(*pages: list[Line]) -> ReadDocument:
    return ReadDocument(pages=list(pages), page_widths=[595.0] * len(pages),
                        page_heights=[842.0] * len(pages))


def _fields(document: ReadDocument, doc_type: str) -> dict[str, str]:
    extractor = FieldExtractor(document, doc_type)
    return {name: value.value for name, value in extractor.extract().items()}


# -- the vocabulary ---------------------------------------------------------------------------

def test_the_province_level_units() -> None:
    # 58 provinces and 5 cities of 2008-2025 (Huế a city from 2025), and Hà Tây
    assert len(set(PROVINCES)) == 59
    assert len(set(CITIES)) == 6
    after_2025 = ("Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Hồ Chí Minh",
                  "Cao Bằng", "Điện Biên", "Hà Tĩnh", "Lai Châu", "Lạng Sơn", "Nghệ An",
                  "Quảng Ninh", "Thanh Hóa", "Sơn La", "Tuyên Quang", "Lào Cai", "Thái Nguyên",
                  "Phú Thọ", "Bắc Ninh", "Hưng Yên", "Ninh Bình", "Quảng Trị", "Quảng Ngãi",
                  "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Đồng Nai", "Tây Ninh",
                  "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang")
    assert len(after_2025) == 34
    assert set(after_2025) <= {*PROVINCES, *CITIES}
    headers = place_headers()
    assert "TỈNH QUẢNG NGÃI" in headers
    assert "THÀNH PHỐ HỒ CHÍ MINH" in headers
    assert "TỈNH KHÁNH HOÀ" in headers  # the older tone placement, printed on many headers


@pytest.mark.parametrize(("read", "printed"), [
    ("TĨNH QUANG NGAI", "TỈNH QUẢNG NGÃI"),  # the marks of bold capitals
    ("TỈNH QUÁNG NGÀI", "TỈNH QUẢNG NGÃI"),
    ("TĨNH CAO BĂNG", "TỈNH CAO BẰNG"),
    ('" ỦY BAN NHÂN DÂN', "ỦY BAN NHÂN DÂN"),  # a speck before the line
    ("ỦY BAN NHÂN DẪN", "ỦY BAN NHÂN DÂN"),
    ("UỶ BẢN NHÂN DẪN —", "UỶ BAN NHÂN DÂN"),  # the old spelling UỶ stays as printed
    ("ƯỶ BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN"),
    ("ÚY BAN NHÂN DÂN", "ỦY BAN NHÂN DÂN"),
    ("BẠN CHỈ ĐẠO 138", "BAN CHỈ ĐẠO 138"),
    ("QUÓC HỘI", "QUỐC HỘI"),
    ("CỤC THUE", "CỤC THUẾ"),
    ("BỘ QUÓC PHONG", "BỘ QUỐC PHÒNG"),
    ("BỘ VĂN HOA, THỂ THAO VÀ DU LỊCH", "BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH"),
    ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XA HỘI", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"),
    ("BỘ QUOC PHÒMG", "BỘ QUỐC PHÒNG"),  # one letter off, on a long phrase
])
def test_agency_words_take_the_vocabulary_spelling(read: str, printed: str) -> None:
    assert snap_agency(read) == printed


@pytest.mark.parametrize("text", [
    "PHÒNG TÀI CHÍNH - KẾ HOẠCH", "UBND HUYỆN BÌNH SƠN", "TRƯỜNG THPT LÊ LỢI",
    "CÔNG AN XÃ HÒA AN", "SỞ TƯ PHÁP TỈNH KHÁNH HOÀ", "BAN QUẢN LÝ DỰ ÁN (ODA)",
])
def test_words_outside_the_vocabulary_stay_as_read(text: str) -> None:
    assert snap_agency(text) == text


def test_a_wrapped_agency_line_keeps_the_mark_it_ends_on() -> None:
    assert snap_agency("CỤC HỘ TỊCH,") == "CỤC HỘ TỊCH,"
    assert snap_agency("SỞ LAO ĐỘNG -") == "SỞ LAO ĐỘNG -"
    document = _letter([_line("BỘ TƯ PHÁP", 110, 56, 200),
                        _line("CỤC HỘ TỊCH,", 115, 72, 195),
                        _line("QUỐC TỊCH, CHỨNG THỰC", 100, 88, 215),
                        _line("Số: 12/TB-HTQTCT", 105, 110, 215)])
    assert _fields(document, "thong_bao")["co_quan_ban_hanh"] == (
        "CỤC HỘ TỊCH, QUỐC TỊCH, CHỨNG THỰC")


def test_short_names_are_not_taken_one_letter_off() -> None:
    # "BỘ Y TỀ" is no ministry one letter off: too short to tell from other words
    assert snap_agency("BỘ Y TÊ") == "BỘ Y TẾ"  # same letters: taken
    assert snap_agency("BỘ Y TA") == "BỘ Y TA"


# -- the agency on two header lines -----------------------------------------------------------

def _letter(first: list[Line]) -> ReadDocument:
    return _document([*first,
                      _line("THÔNG BÁO", 270, 140, 355),
                      _line("Về việc thụ lý giải quyết khiếu nại lần hai", 190, 156, 435),
                      *(_line(BODY, 85, 200 + 16 * index, 535) for index in range(10))])


def test_the_agency_row_ocr_read_with_the_motto() -> None:
    # the agency and the national motto share a baseline: OCR gave them as one line
    document = _letter([
        _line("ỦY BAN NHÂN DẪN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 100, 60, 530),
        _line("TĨNH QUANG NGÀI", 100, 78, 222),
        _line("Số: 46/TB-UBND", 105, 105, 227),
        _line("Độc lập - Tự do - Hạnh phúc", 310, 78, 480),
        _line("Quảng Ngãi, ngày 24 tháng 01 năm 2025", 290, 107, 525)])
    fields = _fields(document, "thong_bao")
    assert fields["co_quan_ban_hanh"] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
    assert fields["so_ky_hieu"] == "46/TB-UBND"
    assert fields["ngay_ban_hanh"] == "2025-01-24"


def test_the_parent_agency_line_is_not_the_agency() -> None:
    document = _letter([
        _line("BỘ TÀI CHÍNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 113, 57, 522),
        _line("CỤC THUE", 122, 74, 189),
        _line("Số: 2191/CT-CS", 105, 99, 206),
        _line("Độc lập - Tự do - Hạnh phúc", 302, 72, 474),
        _line("Hà Nội, ngày 08 tháng 4 năm 2026", 285, 99, 490)])
    assert _fields(document, "thong_bao")["co_quan_ban_hanh"] == "CỤC THUẾ"
    document = _letter([_line("UBND TỈNH QUẢNG NGÃI", 97, 56, 254),
                        _line("BẠN CHỈ ĐẠO 138", 120, 72, 231),
                        _line("Số: 04/TB-BCĐ138", 117, 99, 236)])
    assert _fields(document, "thong_bao")["co_quan_ban_hanh"] == "BAN CHỈ ĐẠO 138"


# -- number lines -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "after"), [
    ("Luật số: 09/2026/QH16", "09/2026/QH16"),
    ("Pháp lệnh số: 02/2022/UBTVQH15", "02/2022/UBTVQH15"),
    ("Sẻ 2£ CT-UBND", "2£/CT-UBND"),  # the "/" read as "£": the number is not "2"
    ("Số: 2đ} ,CT-CS", "2đ} ,/CT-CS"),
    ("SỐ 12 CT-UBND", "12/CT-UBND"),  # the "/" lost
])
def test_number_lines_of_laws_and_with_a_misread_slash(text: str, after: str) -> None:
    assert number_line(Line(text, 0)) == after


@pytest.mark.parametrize("text", [
    "Luật số 90/2025/QH15 đã được sửa đổi",  # a body phrase (no colon)
    "số 12 CT-UBND", "SỞ Y TẾ", "SỞ GD-ĐT",  # an agency line starting with SỞ
])
def test_lines_that_are_no_number_line(text: str) -> None:
    assert number_line(Line(text, 0)) is None


def test_a_law_adopted_on_the_day_of_its_closing_sentence() -> None:
    first = [_line("QUÓC HỘI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 142, 67, 545),
             _line("Độc lập - Tự do - Hạnh phúc", 322, 85, 495),
             _line("Luật số: 09/2026/QH16", 113, 104, 236),
             _line("LUẬT", 300, 169, 342),
             _line("SỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU CỦA LUẬT THUẾ", 150, 185, 480),
             _line("Căn cứ Luật số 90/2025/QH15 ngày 25 tháng 6 năm 2025;", 91, 230, 549),
             *(_line(BODY, 91, 250 + 16 * index, 549) for index in range(10))]
    closing = [_line("Luật này được Quốc hội nước Cộng hoà xã hội chủ nghĩa Việt Nam khóa XVI,",
                     119, 627, 536, page=1),
               _line("Kỳ họp thứ Nhất thông qua ngày 24 tháng 4 năm 2026.", 90, 645, 400,
                     page=1)]
    fields = _fields(_document(first, closing), "luat")
    assert fields["co_quan_ban_hanh"] == "QUỐC HỘI"
    assert fields["so_ky_hieu"] == "09/2026/QH16"
    assert fields["ngay_ban_hanh"] == "2026-04-24"
    # a seal over the date (OCR dropped the sentence's last line): flagged where it ends
    extractor = FieldExtractor(_document(first, closing[:1]), "luat")
    assert "ngay_ban_hanh" not in extractor.extract()
    assert [(entry.field, entry.reason, entry.page) for entry in extractor.review] == [
        ("ngay_ban_hanh", "not legible", 1)]
    assert extractor.review[0].box[3] > closing[0].bottom


def test_a_consolidated_text_prints_its_header_in_the_closing_block() -> None:
    first = [_line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 254, 72, 546),
             _line("Độc lập - Tự do - Hạnh phúc", 313, 95, 487),
             _line("THÔNG TƯ", 292, 142, 369),
             _line("Quy định và hướng dẫn tổ chức lễ tang đối với quân nhân", 150, 158, 506),
             _line("Thông tư số 86/2016/TT-BQP ngày 20 tháng 6 năm 2016 của Bộ trưởng", 131,
                   225, 558),
             *(_line(BODY, 102, 245 + 16 * index, 558) for index in range(10))]
    last = [_line("Điều 37. Trách nhiệm thi hành", 135, 90, 319, page=1),
            _line(BODY, 95, 110, 551, page=1),
            _line("BỘ QUÓC PHÒNG", 146, 244, 267, page=1),
            _line("Số: 46/VBHN-BQP", 135, 273, 279, page=1),
            _line("Nơi nhận:", 94, 322, 146, page=1),
            _line("- Bộ Nội vụ;", 94, 336, 150, page=1),
            _line("XÁC THỰC VĂN BẢN HỢP NHÁT", 330, 244, 551, page=1),
            _line("Hà Nội, ngày 04 tháng 5 năm 2026", 329, 277, 552, page=1),
            _line("KT. BỘ TRƯỞNG", 384, 300, 498, page=1)]
    document = _document(first, last)
    header = find_header(document)
    assert header.number is not None
    assert fold(header.lines[header.number].text) == "so: 46/vbhn-bqp"
    fields = _fields(document, "thong_tu")
    assert fields["co_quan_ban_hanh"] == "BỘ QUỐC PHÒNG"
    assert fields["so_ky_hieu"] == "46/VBHN-BQP"
    assert fields["ngay_ban_hanh"] == "2026-05-04"  # not the date the body quotes
