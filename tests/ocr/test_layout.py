"""Reading order of Decree 30 pages from word boxes (no Tesseract)."""

from __future__ import annotations

from ocr.layout import reading_order
from ocr.model import Word

WIDTH = 2480
HEIGHT = 46  # a word's height at 300 dpi, 13 pt


def line(text: str, left: int, top: int, height: int = HEIGHT) -> list[Word]:
    """Words of one printed line, about 22 px per character and 18 px spaces."""
    words, x = [], left
    for token in text.split():
        width = 22 * len(token)
        words.append(Word(token, x, top, width, height, 95.0))
        x += width + 18
    return words


def page(*lines: list[Word]) -> list[Word]:
    words = [w for ln in lines for w in ln]
    return list(reversed(words))  # the order the words arrive in must not matter


def test_header_left_column_then_right_then_body_and_signer_block() -> None:
    words = page(
        line("UBND TỈNH CAO BẰNG", 310, 230),
        line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1190, 232),
        line("SỞ NỘI VỤ", 420, 305),
        line("Độc lập - Tự do - Hạnh phúc", 1400, 318),
        line("Số: 3280/KH-SNV", 420, 388),
        line("Hạ Long, ngày 01 tháng 09 năm 2020", 1330, 395),
        line("KẾ HOẠCH", 1170, 528),
        line("Triển khai một cửa liên thông được quản lý tập trung thống nhất", 500, 620),
        line("và hiện đại hơn nữa", 356, 700),
        line("KT. GIÁM ĐỐC", 1640, 1978),
        line("Nơi nhận:", 250, 1988, 36),
        line("PHÓ GIÁM ĐỐC", 1626, 2050),
        line("- Như trên;", 250, 2040, 34),
        line("- Lưu: VT.", 250, 2092, 34),
        line("Trần Kim Dũng", 1646, 2361),
    )
    ordered, text = reading_order(words, WIDTH)
    assert text.split("\n") == [
        "UBND TỈNH CAO BẰNG",
        "SỞ NỘI VỤ",
        "Số: 3280/KH-SNV",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hạ Long, ngày 01 tháng 09 năm 2020",
        "KẾ HOẠCH",
        "Triển khai một cửa liên thông được quản lý tập trung thống nhất",
        "và hiện đại hơn nữa",
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Trần Kim Dũng",
    ]
    assert [w.line for w in ordered] == sorted(w.line for w in ordered)
    assert ordered[0].text == "UBND"
    assert ordered[0].line == 1
    assert ordered[-1].line == 15


def test_cong_van_summary_under_the_number_comes_after_the_date() -> None:
    # the agency's name nearly touches the motto: the gap is under one word height
    agency = line("ỦY BAN NHÂN DÂN THÀNH PHỐ UÔNG BÍ", 100, 233)
    motto_left = agency[-1].left + agency[-1].width + 40
    words = page(
        agency,
        line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", motto_left, 233),
        line("Số: 5047/UBND-VP", 410, 315),
        line("Độc lập - Tự do - Hạnh phúc", 1405, 318),
        line("Tiền Giang, ngày 28 tháng 08 năm 2023", 1308, 389),
        line("V/v khi đó, cấp huyện sẽ có trụ sở", 170, 494),
        line("dân và trung tâm hành chính", 169, 565),
        line("Đăng ký thành lập doanh nghiệp và các thủ tục khác của tỉnh", 474, 765),
    )
    _, text = reading_order(words, WIDTH)
    assert text.split("\n") == [
        "ỦY BAN NHÂN DÂN THÀNH PHỐ UÔNG BÍ",
        "Số: 5047/UBND-VP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Tiền Giang, ngày 28 tháng 08 năm 2023",
        "V/v khi đó, cấp huyện sẽ có trụ sở",
        "dân và trung tâm hành chính",
        "Đăng ký thành lập doanh nghiệp và các thủ tục khác của tỉnh",
    ]


def test_single_column_form_reads_top_to_bottom() -> None:
    words = page(
        line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 800, 230),
        line("TỜ KHAI", 1150, 400),
        line("Kính gửi: Ủy ban nhân dân Cao Bằng", 480, 520),
        line("Một cửa liên thông được quản lý một cách tập trung thống nhất.", 400, 700),
        line("ngắn.", 300, 780),
        line("Cao Bằng, ngày 04 tháng 09 năm 2021", 1500, 900),
        line("NGƯỜI ĐỀ NGHỊ", 1650, 970),
        line("Hứa Văn Dũng", 1660, 1200),
    )
    _, text = reading_order(words, WIDTH)
    assert text.split("\n")[-4:] == [
        "ngắn.", "Cao Bằng, ngày 04 tháng 09 năm 2021", "NGƯỜI ĐỀ NGHỊ", "Hứa Văn Dũng"
    ]
    assert text.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỜ KHAI\n")


def test_words_of_one_line_at_slightly_different_heights_stay_together() -> None:
    words = [
        Word("Hằng", 100, 100, 90, 50, 90.0),  # diacritics make a taller box
        Word("ngày,", 210, 112, 100, 38, 90.0),
        Word("nhân", 330, 104, 90, 46, 90.0),
        Word("viên", 440, 108, 80, 40, 90.0),
        Word("Bưu", 100, 180, 80, 46, 90.0),
    ]
    ordered, text = reading_order(words, 1000)
    assert text == "Hằng ngày, nhân viên\nBưu"
    assert [w.line for w in ordered] == [1, 1, 1, 1, 2]


def test_empty_page() -> None:
    assert reading_order([], 1000) == ([], "")


def fit(text: str, left: int, right: int, top: int, height: int = HEIGHT,
        gap: int = 18) -> list[Word]:
    """Words of one printed line spread from ``left`` to ``right`` with ``gap`` px
    between words (as measured on generated scans), letters sharing the rest."""
    tokens = text.split()
    per_char = (right - left - gap * (len(tokens) - 1)) / sum(len(t) for t in tokens)
    words, x = [], float(left)
    for token in tokens:
        width = per_char * len(token)
        words.append(Word(token, round(x), top, round(width), height, 95.0))
        x += width + gap
    return words


def test_justified_body_line_with_wide_gaps_is_one_line() -> None:
    # a justified line: every gap about one word height wide, none of them a gutter
    body = "Điều 4. Các ông, bà có tên tại Điều 1 chịu trách nhiệm thi hành Quyết"
    words = page(
        fit(body, 474, 2238, 1931, gap=48),
        fit("định này.", 356, 552, 2004),
    )
    _, text = reading_order(words, WIDTH)
    assert text.split("\n") == [body, "định này."]


def test_header_with_a_long_agency_line_reads_column_by_column() -> None:
    # the second agency line ends about 1.6 word heights short of the motto's column
    words = page(
        fit("SỞ Y TẾ TỈNH LONG AN", 371, 967, 251, 42),
        fit("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1222, 2348, 253, 42),
        fit("BỆNH VIỆN ĐA KHOA TỈNH LONG AN", 179, 1157, 324, 42),
        fit("Độc lập - Tự do - Hạnh phúc", 1428, 2140, 328, 42),
        fit("Số: 3962/BC-BVĐK", 445, 893, 424, 42),
        fit("Long An, ngày 22 tháng 07 năm 2024", 1343, 2224, 447, 42),
        fit("BÁO CÁO", 1195, 1462, 572, 42),
        fit("Tình hình quản lý trật tự xây dựng trên địa bàn huyện Đức Hòa", 589, 2068, 645, 42),
    )
    _, text = reading_order(words, WIDTH)
    assert text.split("\n") == [
        "SỞ Y TẾ TỈNH LONG AN",
        "BỆNH VIỆN ĐA KHOA TỈNH LONG AN",
        "Số: 3962/BC-BVĐK",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Long An, ngày 22 tháng 07 năm 2024",
        "BÁO CÁO",
        "Tình hình quản lý trật tự xây dựng trên địa bàn huyện Đức Hòa",
    ]


def test_recipient_list_longer_than_the_authority_lines_reads_whole_first() -> None:
    words = page(
        fit("định này.", 356, 552, 2004),
        fit("Nơi nhận:", 237, 447, 2125, 40),
        fit("TM. ỦY BAN NHÂN DÂN", 1460, 2082, 2120),
        fit("- TT HĐND tỉnh;", 238, 568, 2180, 40),
        fit("KT. CHỦ TỊCH", 1584, 1959, 2189),
        fit("- Các thành viên Tổ công tác;", 238, 774, 2233, 40),
        fit("PHÓ CHỦ TỊCH", 1571, 1972, 2250),
        fit("- Báo Bình Định;", 238, 550, 2286, 40),
        fit("- Lãnh đạo Sở;", 238, 505, 2339, 40),
        fit("- Lưu: VT, KGVX, ĐTH.", 238, 705, 2392, 40),
        fit("Văn Công Vinh", 1593, 1951, 2627),
    )
    _, text = reading_order(words, WIDTH)
    assert text.split("\n") == [
        "định này.",
        "Nơi nhận:",
        "- TT HĐND tỉnh;",
        "- Các thành viên Tổ công tác;",
        "- Báo Bình Định;",
        "- Lãnh đạo Sở;",
        "- Lưu: VT, KGVX, ĐTH.",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Văn Công Vinh",
    ]


def test_two_signers_side_by_side_read_one_after_the_other() -> None:
    # the names sit far below the titles (room for signatures); the date is above
    words = page(
        fit("Hình thức thanh toán: Tiền mặt", 356, 1032, 1118),
        fit("Hiệp Bình Chánh, ngày 04 tháng 06 năm 2022", 1291, 2302, 1207),
        fit("NGƯỜI NỘP TIỀN", 467, 925, 1323),
        fit("NGƯỜI THU TIỀN", 1540, 2001, 1322),
        fit("Lê Hoài Xuân", 536, 857, 1696),
        fit("Võ Thị Quyên", 1609, 1934, 1695),
    )
    _, text = reading_order(words, WIDTH)
    assert text.split("\n") == [
        "Hình thức thanh toán: Tiền mặt",
        "Hiệp Bình Chánh, ngày 04 tháng 06 năm 2022",
        "NGƯỜI NỘP TIỀN",
        "Lê Hoài Xuân",
        "NGƯỜI THU TIỀN",
        "Võ Thị Quyên",
    ]


def test_contract_signers_with_a_long_position_title() -> None:
    # the right signer's position is wider than half the text
    words = page(
        fit("Cơ sở sản xuất phải thu gom, xử lý nước thải đạt quy chuẩn trước khi", 381,
            1722, 440, 44),
        fit("xả ra môi trường.", 286, 605, 495, 44),
        fit("ĐẠI DIỆN BÊN B", 378, 739, 592, 44),
        fit("ĐẠI DIỆN BÊN A", 1235, 1600, 593, 44),
        fit("GIÁM ĐỐC", 436, 678, 649, 44),
        fit("VỤ TRƯỞNG VỤ KẾ HOẠCH - TÀI CHÍNH", 956, 1878, 650, 44),
        fit("Châu Công Minh Trung", 317, 800, 953, 44),
        fit("Phạm Thị Loan", 1262, 1573, 954, 44),
    )
    _, text = reading_order(words, 1985)
    assert text.split("\n")[2:] == [
        "ĐẠI DIỆN BÊN B",
        "GIÁM ĐỐC",
        "Châu Công Minh Trung",
        "ĐẠI DIỆN BÊN A",
        "VỤ TRƯỞNG VỤ KẾ HOẠCH - TÀI CHÍNH",
        "Phạm Thị Loan",
    ]


def test_form_line_with_two_fields_is_not_two_columns() -> None:
    words = page(
        fit("Số định danh cá nhân: 031062366114", 238, 823, 501, 35),
        fit("Ngày cấp: 14/08/2020", 238, 580, 548, 35),
        fit("Nơi cấp: Cục Cảnh sát quản lý hành chính về", 613, 1313, 547, 35),
        fit("trật tự xã hội", 237, 433, 595, 35),
        fit("Ngày, tháng, năm sinh: 04/12/1962", 238, 782, 641, 35),
        fit("Bắc Kạn, ngày 23 tháng 09 năm 2020", 888, 1475, 1081, 35),
    )
    _, text = reading_order(words, 1654)
    assert text.split("\n")[1:4] == [
        "Ngày cấp: 14/08/2020 Nơi cấp: Cục Cảnh sát quản lý hành chính về",
        "trật tự xã hội",
        "Ngày, tháng, năm sinh: 04/12/1962",
    ]


def test_form_fields_side_by_side_read_line_by_line() -> None:
    # a certificate's 'Họ và tên: ...   Giới tính: Nam' rows: wide gaps near the middle,
    # but the right-hand parts are fields with their labels, not a column
    words = page(
        fit("4. Người đại diện theo pháp luật của công ty", 284, 1053, 942, 35),
        fit("Họ và tên: Phạm Đức Thành Long", 286, 882, 994, 35),
        fit("Giới tính: Nam", 1041, 1301, 994, 35),
        fit("Chức danh: Giám đốc", 286, 663, 1043, 35),
        fit("Sinh ngày: 14/08/2000", 286, 677, 1096, 35),
        fit("Dân tộc: Kinh", 1042, 1283, 1097, 35),
        fit("Quốc tịch: Việt Nam", 1418, 1777, 1096, 35),
        fit("Số định danh cá nhân: 011200127575", 286, 938, 1147, 35),
        fit("KT. TRƯỞNG PHÒNG", 1200, 1640, 1250, 35),
    )
    _, text = reading_order(words, 1985)
    assert [" ".join(line.split()) for line in text.split("\n")] == [
        "4. Người đại diện theo pháp luật của công ty",
        "Họ và tên: Phạm Đức Thành Long Giới tính: Nam",
        "Chức danh: Giám đốc",
        "Sinh ngày: 14/08/2000 Dân tộc: Kinh Quốc tịch: Việt Nam",
        "Số định danh cá nhân: 011200127575",
        "KT. TRƯỞNG PHÒNG",
    ]


def test_small_print_stamps_side_by_side_read_one_after_the_other() -> None:
    # two e-signature stamps in the top margin (5.5 pt beside a 13 pt body): their lines
    # open with labels too, but small print is no form line
    portal = ["Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", "Email: thongtinchinhphu@chinhphu.vn",
              "Cơ quan: VĂN PHÒNG CHÍNH PHỦ", "Thời gian ký: 04.05.2026 09:44:21 +07:00"]
    province = ["Ký bởi: Ủy ban nhân dân tỉnh Quảng", "Ngãi", "Cơ quan: Tỉnh Quảng Ngãi",
                "Thời gian ký: 18/03/2024 08:41:42"]
    words = page(
        *(fit(text, 708, 708 + 9 * len(text), 30 + 27 * row, 20, gap=8)
          for row, text in enumerate(portal)),
        *(fit(text, 1750, 1750 + 9 * len(text), 30 + 27 * row, 20, gap=8)
          for row, text in enumerate(province)),
        fit("UBND TỈNH CAO BẰNG", 310, 720, 330),
        fit("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1190, 2120, 332),
        *(fit("Một cửa liên thông được quản lý tập trung thống nhất và hiện đại hơn", 356,
              2130, 620 + 70 * row) for row in range(8)),
    )
    _, text = reading_order(words, WIDTH)
    assert text.split("\n")[:8] == portal + province
