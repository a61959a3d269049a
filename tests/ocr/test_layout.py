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
