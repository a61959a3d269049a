"""Doubtful handwritten numbers and days are flagged, never kept wrong without a flag (issue
16): the "Số:" label OCR widened over the handwriting after it is cut where its own letters
end; a number line whose tall handwriting spoils its re-reading is read again trimmed; a
single digit read from a glyph as wide as two touching digits is not trusted; and every
field the type has that the extractor did not find is flagged, naming it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ingest.classify import Classifier, read_text
from ingest.classify.extract import FieldExtractor
from ingest.classify.handwriting import PixelBox, date_blanks, number_blank
from ingest.classify.lines import Line, ReadDocument
from ingest.classify.missing import NOT_FOUND
from ocr.handwritten_digits import DigitReading
from ocr.model import Word

LINE = Line("Số: 5 /UBND-KTTH", 0, left=100, top=95, right=230, bottom=110, height=15,
            pixel_box=(441, 406, 970, 467))
SYMBOL = Word("/UBND-KTTH", 642, 406, 328, 61, 90.0)


@dataclass
class Reader:
    """A crop reader with given words (per box: ``trimmed`` for any box but the line's own)
    and digit readings; it records the boxes it was asked to read as digits."""

    words_read: list[Word]
    readings: list[str]
    glyphs_seen: int
    trimmed: list[Word] | None = None
    asked: list[PixelBox] = field(default_factory=list)

    def __call__(self, line: Line) -> str | None:
        return None  # a line read again as text: nothing better than the page's reading

    def words(self, page: int, box: PixelBox) -> Sequence[Word]:
        if self.trimmed is not None and box != LINE.pixel_box:
            return self.trimmed
        return self.words_read

    def digits(self, page: int, box: PixelBox) -> tuple[Sequence[str], int]:
        self.asked.append(box)
        return self.readings, self.glyphs_seen


@dataclass
class ModelReader(Reader):
    """...with the digit model's reading."""

    model: DigitReading | None = None

    def glyphs(self, page: int, box: PixelBox) -> DigitReading | None:
        return self.model


def test_a_label_glued_to_the_handwriting_ends_where_its_letters_do() -> None:
    glued = Word("Số:", 441, 406, 186, 61, 90.0)  # "Số: 575" read as one word "Số:"
    reader = Reader([glued, SYMBOL], ["575", "575", "575", ""], 3)
    found = number_blank(reader, LINE, "5")
    assert found is not None
    assert found.blank.digits == "575"
    assert reader.asked[0][0] < 441 + 100  # the blank starts near "Số:" (~72 px), not at 627


def test_a_label_of_its_own_width_is_not_cut() -> None:
    label = Word("Số:", 441, 406, 70, 61, 90.0)
    reader = Reader([label, SYMBOL], ["575", "575", "575", ""], 3)
    assert number_blank(reader, LINE, None) is not None
    assert reader.asked[0][0] == 511


def test_a_line_spoilt_by_tall_handwriting_is_read_again_trimmed() -> None:
    garbage = [Word("¿", 339, 406, 81, 61, 10.0), Word("CN", 425, 406, 182, 61, 35.0),
               Word("se¬itbexone", 671, 406, 330, 61, 0.0)]
    words = [Word("Số:", 441, 418, 72, 40, 90.0), Word("899", 540, 418, 80, 40, 50.0),
             SYMBOL]
    reader = Reader(garbage, ["299", "499", "99", "099"], 3, trimmed=words)
    found = number_blank(reader, LINE, "839")
    assert found is not None
    assert found.blank.digits is None  # the ways disagree: flagged, not "839"
    assert found.printed == "/UBND-KTTH"


DATE = Line("Quảng Ngãi, ngày 3| tháng 12 năm 2024", 0, left=300, top=95, right=520,
            bottom=110, height=15, pixel_box=(1229, 437, 2143, 513))
DATE_WORDS = [Word("Quảng", 1229, 437, 145, 60, 96.0), Word("Ngãi,", 1384, 437, 113, 60, 93.0),
              Word("ngày", 1519, 437, 110, 60, 90.0), Word("tháng", 1708, 437, 123, 60, 96.0),
              Word("12", 1861, 437, 50, 60, 96.0), Word("năm", 1927, 437, 90, 60, 96.0),
              Word("2024", 2034, 437, 109, 60, 96.0)]


def test_one_digit_read_from_two_touching_digits_is_flagged() -> None:
    touching = DigitReading(("4978251360",), (0.97,))  # "31" in one stroke, read "4"
    reader = ModelReader(DATE_WORDS, ["4", "", "4", ""], 1, model=touching)
    found = date_blanks(reader, DATE, None, "12")
    assert found is not None
    assert found.day.digits is None


def test_a_narrow_single_digit_is_kept() -> None:
    narrow = DigitReading(("4978251360",), (0.66,))
    reader = ModelReader(DATE_WORDS, ["4", "", "4", ""], 1, model=narrow)
    found = date_blanks(reader, DATE, None, "12")
    assert found is not None
    assert found.day.digits == "4"


LETTER = "\n".join((
    "ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI", "Số: 12/UBND-KTTH",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "Quảng Ngãi, ngày 15 tháng 3 năm 2026", "V/v tham gia ý kiến",
    "Kính gửi: Sở Tài chính.", "Ủy ban nhân dân tỉnh đề nghị Sở Tài chính cho ý kiến.",
    "Nơi nhận:", "- Như trên;", "- Lưu: VT."))


def test_fields_of_the_type_not_found_are_flagged_by_name() -> None:
    answer = Classifier().classify(read_text(LETTER))  # a letter whose signer is cut off
    assert answer.doc_type == "cong_van"
    flagged = {entry.field: entry.reason for entry in answer.review}
    for name in ("so_ky_hieu", "ngay_ban_hanh", "co_quan_ban_hanh", "trich_yeu", "nguoi_ky",
                 "chuc_vu"):
        assert name in answer.fields or flagged.get(name) == NOT_FOUND, name
    assert "nguoi_ky" in flagged
    assert "so_ky_hieu" not in flagged
    assert all(entry.reason == NOT_FOUND and entry.field not in answer.fields
               for entry in answer.review)


def test_fields_a_type_does_not_have_are_not_flagged() -> None:
    answer = Classifier().classify(read_text("GIẤY CHỨNG NHẬN\nQUYỀN SỬ DỤNG ĐẤT\n"
                                             "Chứng nhận: Ông Nguyễn Văn An"))
    assert answer.doc_type == "giay_chung_nhan"
    assert answer.review == []


def _placed(text: str, left: float, top: float, right: float) -> Line:
    scale = 300 / 72  # pixels per point at 300 dpi
    return Line(text, 0, left=left, top=top, right=right, bottom=top + 12, height=12,
                confidence=70.0, pixel_box=(round(left * scale), round(top * scale),
                                            round(right * scale), round((top + 12) * scale)))


HEADER = [_placed("ỦY BAN NHÂN DÂN", 80, 60, 200),
          _placed("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 300, 60, 520),
          _placed("TỈNH QUẢNG NGÃI", 90, 76, 190),
          _placed("Số: 839 /UBND-TTHC", 75, 100, 220),
          _placed("Quảng Ngãi, ngày 15 tháng 01 năm 2025", 300, 100, 520),
          _placed("V/v công bố danh mục thủ tục hành chính", 75, 118, 260)]


def test_digits_the_page_read_where_no_blank_was_found_are_flagged() -> None:
    unreadable = Reader([Word("¿", 300, 410, 80, 60, 10.0)], [], 0)  # the line reads as specks
    document = ReadDocument(pages=[HEADER], page_widths=[595.0], page_heights=[842.0])
    extractor = FieldExtractor(document, "cong_van", unreadable)
    number, date = extractor.symbol(), extractor.date()
    assert number is not None
    assert number.value == "839/UBND-TTHC"  # kept for a person to check, not silently
    assert number.confidence < 0.7
    assert date is not None
    assert date.value == "2025-01-15"
    assert {entry.field for entry in extractor.review} == {"so_ky_hieu", "ngay_ban_hanh"}


def test_a_text_layer_number_is_not_flagged() -> None:
    exact = [replace(line, bold=False) for line in HEADER]
    document = ReadDocument(pages=[exact], page_widths=[595.0], page_heights=[842.0])
    extractor = FieldExtractor(document, "cong_van", Reader([], [], 0))
    assert extractor.symbol() is not None
    assert extractor.date() is not None
    assert extractor.review == []


def test_a_handwritten_digit_read_as_a_slash_is_no_symbol() -> None:
    words = [Word("Số:", 441, 406, 70, 61, 90.0), Word("/6", 530, 406, 52, 61, 40.0), SYMBOL]
    reader = Reader(words, ["46", "46", "46", ""], 2)  # "46" with its 4 read as "/"
    found = number_blank(reader, LINE, None)
    assert found is not None
    assert found.printed == "/UBND-KTTH"
    assert found.blank.digits == "46"
    assert reader.asked[0][2] == SYMBOL.left


def test_a_symbol_box_widened_over_the_number_ends_the_blank_after_it() -> None:
    words = [Word("Số:", 441, 406, 70, 61, 90.0), Word("02", 540, 406, 60, 61, 40.0),
             Word("/CTUBND", 520, 406, 380, 61, 80.0)]  # its box starts left of "02"
    reader = Reader(words, ["08", "08", "08", ""], 2)
    found = number_blank(reader, LINE, None)
    assert found is not None
    assert reader.asked[0][2] == 600


def test_a_hyphen_lost_on_the_line_read_alone_is_taken_from_the_page() -> None:
    number = _placed("Số: 08 /CT-UBND", 75, 100, 220)
    lines = [*HEADER[:3], number, *HEADER[4:]]
    words = [Word("Số:", 312, 416, 70, 50, 90.0), Word("08", 420, 416, 60, 50, 40.0),
             Word("/CTUBND", 500, 416, 400, 50, 80.0)]
    document = ReadDocument(pages=[lines], page_widths=[595.0], page_heights=[842.0])
    extractor = FieldExtractor(document, "chi_thi", Reader(words, ["08", "08", "08", ""], 2))
    found = extractor.symbol()
    assert found is not None
    assert found.value == "08/CT-UBND"
