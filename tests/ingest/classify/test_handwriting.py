"""Handwritten numbers and days (issue 16 §1): the records office writes the number after
"Số:" and the day of "ngày … tháng … năm …" by hand after signing. A Decree 30 page is
rendered with the blanks filled "by hand" (a bold-italic script-like font, or a scribble
drawn with OpenCV), rasterised to a scan and read by the real path (``read_file`` and the
:class:`Classifier`): legible digits are read, a scribble leaves the field empty with a
review entry whose box lies where the blank is, and a printed number reads as before."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pymupdf as _pymupdf
import pytest

from ingest.classify import Classifier
from ingest.classify.classifier import Classification
from ingest.classify.extract import FieldExtractor, FieldValue
from ingest.classify.layout import find_number_line, find_title, number_line
from ingest.classify.lines import Line, ReadDocument
from ingest.classify.reading import read_file
from ocr.pipeline import OcrOptions
from tests.support.synthetic_pdf import find_serif_font

pymupdf: Any = _pymupdf  # its annotations are partial: used as untyped, as ocr/mupdf does

HAND_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerifCondensed-BoldItalic.ttf")
DPI = 300

# where the blanks are on the rendered page, in points (x0, x1 of the blank; the baseline)
NUMBER_LABEL_X, NUMBER_SLASH_X, NUMBER_Y = 95.0, 150.0, 118.0
DATE_DAY_X0, DATE_DAY_X1, DATE_MONTH_X, DATE_Y = 393.0, 425.0, 425.0, 118.0


@dataclass(frozen=True)
class Blanks:
    """What fills the number and day blanks: digits by hand, printed digits, or a scribble."""

    number: str | None = None  # handwritten digits
    day: str | None = None
    printed_number: str | None = None  # typed into the blank instead
    printed_day: str | None = None
    scribble: bool = False  # an illegible squiggle in both blanks


def _text(page: Any, x: float, y: float, text: str, size: float, font: Path,
          name: str) -> float:
    """Write ``text`` with its baseline at ``y``; its right end in points."""
    page.insert_text((x, y), text, fontsize=size, fontname=name, fontfile=str(font))
    return x + float(pymupdf.Font(fontfile=str(font)).text_length(text, fontsize=size))


def _centred(page: Any, centre: float, y: float, text: str, size: float, font: Path,
             name: str) -> None:
    width = float(pymupdf.Font(fontfile=str(font)).text_length(text, fontsize=size))
    _text(page, centre - width / 2, y, text, size, font, name)


def _born(blanks: Blanks) -> Any:
    """A Decree 30 decision of a provincial people's committee, its blanks as ``blanks``."""
    regular, bold = find_serif_font(), find_serif_font(bold=True)
    italic = find_serif_font(italic=True)
    document = pymupdf.open()
    page = document.new_page(width=595, height=842)
    _centred(page, 140, 70, "ỦY BAN NHÂN DÂN", 13, bold, "b")
    _centred(page, 140, 86, "TỈNH QUẢNG NGÃI", 13, bold, "b")
    _text(page, 72, NUMBER_Y, "Số:", 13, regular, "r")
    _text(page, NUMBER_SLASH_X, NUMBER_Y, "/QĐ-UBND", 13, regular, "r")
    _centred(page, 400, 70, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold, "b")
    _centred(page, 400, 86, "Độc lập - Tự do - Hạnh phúc", 13, bold, "b")
    _text(page, 290, DATE_Y, "Quảng Ngãi, ngày", 13, italic, "i")
    _text(page, DATE_DAY_X1, DATE_Y, "tháng 01 năm 2025", 13, italic, "i")
    _centred(page, 297, 170, "QUYẾT ĐỊNH", 14, bold, "b")
    _centred(page, 297, 188, "Về việc bổ nhiệm vào ngạch Thanh tra viên và xếp lương", 13,
             bold, "b")
    _centred(page, 297, 204, "đối với ông Phạm Thanh Quang", 13, bold, "b")
    _centred(page, 297, 240, "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", 13, bold, "b")
    body = ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
            "Căn cứ Luật Cán bộ, công chức ngày 13 tháng 11 năm 2008;",
            "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 15/TTr-SNV.")
    for row, line in enumerate(body):
        _text(page, 85, 270 + 18 * row, line, 13, italic, "i")
    _centred(page, 297, 340, "QUYẾT ĐỊNH:", 13, bold, "b")
    for row, line in enumerate((
            "Điều 1. Bổ nhiệm ông Phạm Thanh Quang vào ngạch Thanh tra viên.",
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.")):
        _text(page, 85, 366 + 18 * row, line, 13, regular, "r")
    _text(page, 72, 470, "Nơi nhận:", 11, find_serif_font(bold=True, italic=True), "bi")
    _text(page, 72, 484, "- Như Điều 2;", 10, regular, "r")
    _text(page, 72, 496, "- Lưu: VT.", 10, regular, "r")
    _centred(page, 430, 470, "CHỦ TỊCH", 13, bold, "b")
    _centred(page, 430, 560, "Nguyễn Hoàng Giang", 13, bold, "b")
    if blanks.number:
        _text(page, 110, NUMBER_Y + 1, blanks.number, 16, HAND_FONT, "h")
    if blanks.day:
        _text(page, 399, DATE_Y + 1, blanks.day, 16, HAND_FONT, "h")
    if blanks.printed_number:
        _text(page, 112, NUMBER_Y, blanks.printed_number, 13, regular, "r")
    if blanks.printed_day:
        _text(page, 402, DATE_Y, blanks.printed_day, 13, italic, "i")
    return document


def _scribble(image: np.ndarray, x0: float, x1: float, baseline: float) -> None:
    """An illegible squiggle (a loop run through a zigzag) between ``x0`` and ``x1`` points
    on the line of ``baseline``, drawn into the page's pixels as a pen would."""
    scale = DPI / 72
    left, right = round((x0 + 6) * scale), round((x1 - 6) * scale)
    top, bottom = round((baseline - 11) * scale), round((baseline + 1) * scale)
    xs = np.linspace(left, right, 9)
    ys = [top if step % 2 else bottom for step in range(9)]
    points = np.array([[round(x), round(y)] for x, y in zip(xs, ys, strict=True)], np.int32)
    cv2.polylines(image, [points], isClosed=False, color=0, thickness=4)
    centre = ((left + right) // 2, (top + bottom) // 2)
    cv2.ellipse(image, centre, ((right - left) // 2, (bottom - top) // 3), 15, 0, 330, 0, 4)


def scan(blanks: Blanks, path: Path, *, bilevel: bool = False) -> Path:
    """The page rendered, written on, and rasterised at :data:`DPI` into an image-only PDF."""
    born = _born(blanks)
    pixmap = born[0].get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY, alpha=False)
    image = np.frombuffer(pixmap.samples, np.uint8).reshape(pixmap.height, pixmap.width).copy()
    if blanks.scribble:
        _scribble(image, NUMBER_LABEL_X, NUMBER_SLASH_X, NUMBER_Y)
        _scribble(image, DATE_DAY_X0, DATE_DAY_X1, DATE_Y)
    if bilevel:
        image = np.where(image < 160, 0, 255).astype(np.uint8)
    ok, png = cv2.imencode(".png", image)
    assert ok
    out = pymupdf.open()
    page = out.new_page(width=595, height=842)
    page.insert_image(page.rect, stream=png.tobytes())
    out.save(path)
    return path


def classify(path: Path) -> Classification:
    """The classification of ``path`` by the path ``sohoa classify`` takes."""
    with read_file(path, OcrOptions(jobs=1)) as (document, reread):
        return Classifier().classify(document, reread)


def _value(answer: Classification, name: str) -> str | None:
    found = answer.fields.get(name)
    return found.value if found else None


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("handwriting")


def test_handwritten_number_and_day_are_read(folder: Path) -> None:
    answer = classify(scan(Blanks(number="89", day="16"), folder / "written.pdf"))
    assert answer.doc_type == "quyet_dinh"
    assert _value(answer, "so_ky_hieu") == "89/QĐ-UBND"
    assert _value(answer, "ngay_ban_hanh") == "2025-01-16"
    assert answer.to_json()["review"] == []


def test_handwritten_on_a_bilevel_scan(folder: Path) -> None:
    answer = classify(scan(Blanks(number="240", day="7"), folder / "bilevel.pdf",
                           bilevel=True))
    assert _value(answer, "so_ky_hieu") == "240/QĐ-UBND"
    assert _value(answer, "ngay_ban_hanh") == "2025-01-07"


def test_a_scribble_is_flagged_where_the_blank_is(folder: Path) -> None:
    answer = classify(scan(Blanks(scribble=True), folder / "scribble.pdf"))
    assert "so_ky_hieu" not in answer.fields  # never a guess
    assert "ngay_ban_hanh" not in answer.fields
    review = {entry["field"]: entry for entry in answer.to_json()["review"]}
    assert set(review) == {"so_ky_hieu", "ngay_ban_hanh"}
    number = review["so_ky_hieu"]
    assert (number["reason"], number["page"], number["printed"]) == (
        "handwritten", 0, "/QĐ-UBND")
    x0, y0, x1, y1 = number["box"]
    # between the end of "Số:" and the slash, around the line (points, top left origin)
    assert NUMBER_LABEL_X - 8 <= x0 <= NUMBER_LABEL_X + 15, number
    assert NUMBER_SLASH_X - 10 <= x1 <= NUMBER_SLASH_X + 5, number
    assert NUMBER_Y - 25 <= y0 <= NUMBER_Y - 8, number
    assert NUMBER_Y <= y1 <= NUMBER_Y + 15, number
    day = review["ngay_ban_hanh"]
    x0, y0, x1, y1 = day["box"]
    assert DATE_DAY_X0 - 15 <= x0 <= DATE_DAY_X0 + 10, day
    assert DATE_DAY_X1 - 10 <= x1 <= DATE_DAY_X1 + 5, day
    assert DATE_Y - 25 <= y0 <= DATE_Y - 8, day
    assert DATE_Y <= y1 <= DATE_Y + 15, day
    assert any("handwritten" in reason for reason in answer.reasons)


def test_a_printed_number_reads_as_before(folder: Path) -> None:
    answer = classify(scan(Blanks(printed_number="89", printed_day="16"),
                           folder / "printed.pdf"))
    assert _value(answer, "so_ky_hieu") == "89/QĐ-UBND"
    assert _value(answer, "ngay_ban_hanh") == "2025-01-16"
    assert answer.to_json()["review"] == []


# -- the "Số:" label as OCR misreads it on scans -------------------------------------------

@pytest.mark.parametrize(("text", "after"), [
    ("Sé: 44/QĐ-UBND", "44/QĐ-UBND"), ("Sẻ 44 /TTg-CĐS", "44 /TTg-CĐS"),
    ("86:44/CT-UBND", "44/CT-UBND"), ("Số: 15/2020/TT-BTC", "15/2020/TT-BTC"),
    ("Số: ÑW /QĐ-UBND", "ÑW /QĐ-UBND"),  # a handwritten blank OCR read as marks
    ("Số:   /TTg-CĐS", "/TTg-CĐS"),  # ... or as nothing
    ("Số @đØ /QĐÐĐ-UBND", "@đØ /QĐÐĐ-UBND"),  # ... and the colon lost
    ("Số: - 579/HĐ-SNNPTNT", "579/HĐ-SNNPTNT"),  # a speck read as a dash before it
    ("SỐ: . 12/KH-UBND", "12/KH-UBND"),
])
def test_misread_number_labels(text: str, after: str) -> None:
    assert number_line(Line(text, 0)) == after


@pytest.mark.parametrize("text", [
    "số 15/2020/TT-BTC ngày 12 tháng 3 năm 2020 của Bộ Tài chính",  # a body phrase
    "Sẽ 15 ngày/lần kiểm tra", "86 44/QĐ-UBND", "Sẽ: thực hiện theo/QĐ", "Sẽ lấy/lần",
    "số liệu/năm",
])
def test_body_lines_are_not_the_number(text: str) -> None:
    assert number_line(Line(text, 0)) is None


def _placed(text: str, left: float, top: float, right: float) -> Line:
    return Line(text, 0, left=left, top=top, right=right, bottom=top + 12, height=12)


def test_the_number_line_is_looked_for_in_the_header_only() -> None:
    header = [_placed("ỦY BAN NHÂN DÂN", 80, 60, 200),
              _placed("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 300, 60, 520),
              _placed("TỈNH QUẢNG NGÃI", 90, 76, 190)]
    title = [_placed("THÔNG BÁO", 250, 160, 340),
             _placed("Về việc thực hiện Thông tư", 200, 178, 400)]
    # a wrapped body line that starts "Số 15/..." high on the page, spanning the text
    body = _placed("Số 15/2020/TT-BTC ngày 12 tháng 3 năm 2020 của Bộ Tài chính", 85, 215, 530)
    late = _placed("Số: 16/2021/TT-BTC", 85, 400, 200)  # far below the header
    document = ReadDocument(pages=[[*header, *title, body, late]], page_widths=[595.0],
                            page_heights=[842.0])
    assert find_number_line(document) is None
    found = find_title(document)
    assert found is not None
    assert found.doc_type == "thong_bao"
    number = _placed("Sé: 44/TB-UBND", 75, 100, 200)
    document = ReadDocument(pages=[[*header, number, *title, body]], page_widths=[595.0],
                            page_heights=[842.0])
    assert find_number_line(document) == 3
    assert FieldExtractor(document, "thong_bao").symbol() == FieldValue("44/TB-UBND", 0.95)
