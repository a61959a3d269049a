"""Summaries and agencies of scanned documents (issue 16): a summary goes on over lines
whose scanned boxes overlap, past a received-document stamp in the margin, and onto a last
line that spans the text; its opening "Về việc" is restored when OCR joined the words; the
marks OCR misread are set right from the words they form, in the summary and in the agency
(whose lines stop at a "Số:" line OCR could not read). Lines are placed as OCR gives them on
a scanned A4 page (points from the top left)."""

from __future__ import annotations

import pytest

from ingest.classify import layout
from ingest.classify.extract import FieldExtractor
from ingest.classify.lines import Line, ReadDocument
from ingest.classify.places import snap_place_names
from ingest.classify.spelling import correct_marks

WIDTH = 595.0
BODY = ("thời gian qua, các cấp, các ngành đã có nhiều cố gắng trong lãnh đạo, chỉ đạo "
        "và điều hành công việc")


def _line(text: str, left: float, top: float, right: float, *, bottom: float | None = None,
          height: float = 12.0, confidence: float = 93.0) -> Line:
    return Line(text=text, page=0, left=left, top=top, right=right,
                bottom=top + 14 if bottom is None else bottom, height=height,
                confidence=confidence)


def _header(*, number: str = "Số: 08/CT-UBND") -> list[Line]:
    return [_line("ỦY BAN NHÂN DÂN", 81, 42, 203), _line("TỈNH QUẢNG NGÃI", 81, 58, 202),
            _line(number, 83, 77, 199),
            _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 251, 40, 519),
            _line("Độc lập - Tự do - Hạnh phúc", 304, 58, 463),
            _line("Quảng Ngãi, ngày 22 tháng 4 năm 2018", 287, 81, 497)]


def _body(top: float) -> list[Line]:
    """A body paragraph under the summary: an indented first line, then justified lines."""
    return [_line(f"Trong {BODY}", 101, top, 529),
            *(_line(BODY, 73, top + 16 * row, 529) for row in range(1, 6))]


def _document(lines: list[Line]) -> ReadDocument:
    return ReadDocument(pages=[lines], page_widths=[WIDTH], page_heights=[842.0])


def _summary(lines: list[Line], doc_type: str = "chi_thi") -> str | None:
    found = FieldExtractor(_document(lines), doc_type).summary()
    return found.value if found else None


# -- marks set right from the words they form -------------------------------------------------

@pytest.mark.parametrize(("read", "meant"), [
    # a sentence's first word, and a common noun written with a capital, are no names
    ("Tố chức Hội thi tìm hiếu pháp luật", "Tổ chức Hội thi tìm hiểu pháp luật"),
    ("V/v cử cán bộ tham gia Tố công tác liên ngành",
     "V/v cử cán bộ tham gia Tổ công tác liên ngành"),
    # a province's name after "tỉnh" (the name's next syllable must follow)
    ("trên địa bàn tính Quảng Ngãi", "trên địa bàn tỉnh Quảng Ngãi"),
    # "những", "chỉ", "thế" are set right where their other spelling forms the word
    ("phòng, chống tham những, tiêu cực", "phòng, chống tham nhũng, tiêu cực"),
    ("Quy định mức chỉ bảo đảm cho công tác", "Quy định mức chi bảo đảm cho công tác"),
    ("Ban hành giá đất cụ thế làm căn cứ", "Ban hành giá đất cụ thể làm căn cứ"),
    ("CỤC QUẢN LÝ ĐẤT ĐẠI", "CỤC QUẢN LÝ ĐẤT ĐAI"),
    ("CHI CỤC KIẾM LÂM", "CHI CỤC KIỂM LÂM"),
    ("CỤC CHUYỂN ĐỐI SỐ QUỐC GIA", "CỤC CHUYỂN ĐỔI SỐ QUỐC GIA"),
    # no name has a syllable Vietnamese cannot have ("-c" under a circumflex alone)
    ("cơ yếu do Bộ Quôc phòng quản lý", "cơ yếu do Bộ Quốc phòng quản lý"),
    ("tràn dầu của Cửa hàng xăng dâu", "tràn dầu của Cửa hàng xăng dầu"),
])
def test_marks_set_right(read: str, meant: str) -> None:
    assert correct_marks(read) == meant


@pytest.mark.parametrize("text", [
    "làm căn cứ tính tiền bồi thường",  # "tỉnh Tiền Giang" needs its "Giang"
    "phát huy thế mạnh của địa phương",
    "người bán chỉ thực hiện lập hóa đơn",
    "ông Đỗ Văn Bố tại thị trấn",  # capitalised words side by side: a name
    "làm việc với Sở Tư pháp",
])
def test_right_text_stays(text: str) -> None:
    assert correct_marks(text) == text


# -- where a summary's lines are -----------------------------------------------------------

def test_overlapping_boxes_of_the_next_line_follow() -> None:
    first = _line("vềviệc triển khai thực hiện", 146, 134.5, 467, bottom=159.0, height=13.7)
    second = _line("đối với cá nhân kinh doanh", 137, 151.8, 478, bottom=175.5, height=10.8)
    beside = _line("CÔNG BÁO", 20, 140.0, 120, bottom=160.0, height=13.0)
    assert layout.follows_closely(first, second)
    assert not layout.follows_closely(first, beside)  # the same row: no next line


def test_text_margins_ignore_a_stamp_joined_to_a_few_lines() -> None:
    page = [_line(BODY, 73, 100 + 16 * row, 529) for row in range(6)]
    page += [_line(f"N | {BODY}", 0, 200, 528), _line(f"BÊ {BODY}", 22, 216, 529)]
    assert layout.text_margins(page, WIDTH) == (73, 529)


def test_a_long_summary_ends_on_a_line_spanning_the_text() -> None:
    lines = [*_header(), _line("CHỈ THỊ", 273, 103, 327),
             _line("Về việc tăng cường công tác quản lý nhà nước để hỗ trợ nhà đầu tư",
                   98, 118, 500, bottom=141),
             _line("thực hiện dự án sử dụng vốn ngoài ngân sách nhà nước tại tỉnh Quảng Ngãi",
                   74, 136, 525, bottom=156),
             *_body(176)]
    assert _summary(lines) == (
        "Về việc tăng cường công tác quản lý nhà nước để hỗ trợ nhà đầu tư thực hiện dự án "
        "sử dụng vốn ngoài ngân sách nhà nước tại tỉnh Quảng Ngãi")


def test_a_body_set_close_under_the_summary_is_no_summary() -> None:
    # its first line is indented: it neither spans the text nor is centred on the summary
    lines = [*_header(), _line("CHỈ THỊ", 273, 103, 327),
             _line("Về việc tăng cường công tác quản lý nhà nước", 160, 118, 440),
             *_body(134)]
    assert _summary(lines) == "Về việc tăng cường công tác quản lý nhà nước"
    # a line spanning the text off the summary's axis (a body line) ends it too
    lines = [*_header(), _line("CHỈ THỊ", 273, 103, 327),
             _line("Về việc tăng cường công tác quản lý nhà nước", 100, 118, 380),
             _line(BODY, 73, 134, 529), *_body(150)]
    assert _summary(lines) == "Về việc tăng cường công tác quản lý nhà nước"


def test_the_summary_goes_on_past_a_stamp_in_the_margin() -> None:
    lines = [*_header(), _line("CHỈ THỊ", 302, 115, 357),
             _line("CÔNG BÁO TIN HỌC | Về việc tăng cường công tác thi hành án hành chính",
                   8, 131, 483, bottom=158, confidence=69.0),
             _line("CV", 20, 157, 38, confidence=81.0),
             _line("ĐẾN Ngày 24/3", 54, 166, 162, confidence=45.0),
             _line("trên địa bàn tính Quảng Ngãi", 242, 151, 417, bottom=164),
             *_body(190)]
    assert _summary(lines) == (
        "Về việc tăng cường công tác thi hành án hành chính trên địa bàn tỉnh Quảng Ngãi")


def test_a_joined_opening_is_set_apart() -> None:
    lines = [*_header(), _line("CHỈ THỊ", 282, 119, 336),
             _line(",vềviệc triển khai nộp thuế điện tử", 180, 135, 430), *_body(160)]
    assert _summary(lines) == "Về việc triển khai nộp thuế điện tử"


# -- the agency -----------------------------------------------------------------------------

def test_an_unread_number_line_is_no_part_of_the_agency() -> None:
    lines = [_line("UBND TỈNH CÀ MAU", 103, 60, 217), _line("SỞ NÔNG NGHIỆP", 108, 77, 212),
             _line("VÀ PHÁT TRIẾN NÔNG THÔN", 75, 90, 246),
             _line("SỐ: - 579/HĐ-SNNPTNT", 98, 114, 223),
             _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 303, 60, 552),
             _line("Độc lập - Tự do - Hạnh phúc", 348, 77, 507),
             _line("Cà Mau, ngày 22 tháng 4 năm 2024", 335, 104, 522),
             _line("HỢP ĐỒNG DỊCH VỤ", 250, 145, 388),
             _line("Thuê dịch vụ công nghệ thông tin", 180, 166, 460), *_body(200)]
    found = FieldExtractor(_document(lines), "hop_dong").agency()
    assert found is not None
    assert found.value == "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN"


@pytest.mark.parametrize(("read", "meant"), [
    ("CỤC QUẢN LÝ ĐẤT ĐẠI", "CỤC QUẢN LÝ ĐẤT ĐAI"),
    ("CHI CỤC KIẾM LÂM", "CHI CỤC KIỂM LÂM"),
])
def test_the_agency_marks_are_set_right_on_a_scan(read: str, meant: str) -> None:
    lines = [_line("BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", 80, 60, 250), _line(read, 100, 77, 230),
             _line("Số: 12/TTr-QLĐĐ", 110, 100, 220),
             _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 303, 60, 552),
             _line("Độc lập - Tự do - Hạnh phúc", 348, 77, 507),
             _line("Hà Nội, ngày 22 tháng 4 năm 2024", 335, 104, 522),
             _line("TỜ TRÌNH", 270, 145, 330),
             _line("Về việc ban hành quy chế làm việc", 190, 166, 410), *_body(200)]
    found = FieldExtractor(_document(lines), "to_trinh").agency()
    assert found is not None
    assert found.value == meant


@pytest.mark.parametrize(("read", "meant"), [
    ("trên địa bàn tỉnh Quảng Nøãi", "trên địa bàn tỉnh Quảng Ngãi"),  # a letter off
    ("trên địa bàn tỉnh Quảng Ngải.", "trên địa bàn tỉnh Quảng Ngãi."),  # a mark off
    ("thành phố Hà Nội, tỉnh Bìnb Định", "thành phố Hà Nội, tỉnh Bình Định"),
    ("TỈNH QUÁNG NGÀI", "TỈNH QUẢNG NGÃI"),
    ("tỉnh Khánh Hoà", "tỉnh Khánh Hoà"),  # the older tone placement stays
    ("tỉnh Hà Nam", "tỉnh Hà Nam"),
    ("xã Quảng Nøãi", "xã Quảng Nøãi"),  # only after "tỉnh" or "thành phố"
    ("tỉnh Hà Năm", "tỉnh Hà Nam"),
    ("tỉnh Hà Nao", "tỉnh Hà Nao"),  # a short name is taken only with its letters
])
def test_province_names_after_their_kind(read: str, meant: str) -> None:
    assert snap_place_names(read) == meant
