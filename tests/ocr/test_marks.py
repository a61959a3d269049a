"""Full stops that are commas and letters that are the digit one, set right from the
words around them (``ocr/marks.py``); the cases are the 2191/CT-CS real scan's."""

from __future__ import annotations

import pytest

from ocr.marks import mend_line


@pytest.mark.parametrize(("read", "meant"), [
    ("sản xuất. kinh doanh", "sản xuất, kinh doanh"),
    ("kinh tế. khu công nghệ cao. khu", "kinh tế, khu công nghệ cao, khu"),
    ("Điều I2 Luật Thuế TNDN số 67/2025/QHI5 quy định:",
     "Điều 12 Luật Thuế TNDN số 67/2025/QH15 quy định:"),
    ("khoản I Điều 14", "khoản 1 Điều 14"),
    ("l. Thu nhập", "1. Thu nhập"),
    ("!. Doanh nghiệp", "1. Doanh nghiệp"),
    ('"l. Thu nhập', "“1. Thu nhập"),
    ('sáng tạo" thuộc ngành', "sáng tạo” thuộc ngành"),
    ("tiếp theo `.", "tiếp theo ”."),
    ("diện tích 16m), thiết bị", "diện tích 16m2, thiết bị"),  # 46/TB-UBND's
    ("sàn 394m”, Nhà cấp IV.A có diện tích sàn 62,9mể.",
     "sàn 394m2, Nhà cấp IV.A có diện tích sàn 62,9m2."),
    ("800.000 đồng/m? là", "800.000 đồng/m2 là"),
    ("theo mỶ sàn", "theo m2 sàn"),
])
def test_what_a_low_resolution_scan_confuses_is_set_right(read: str, meant: str) -> None:
    assert " ".join(mend_line(read.split())) == meant


@pytest.mark.parametrize("text", [
    "năm 2025. Các cơ quan",  # a sentence ends
    "tài liệu, v.v. và các",  # an abbreviation keeps its full stops
    "e) ... doanh nghiệp",  # an ellipsis
    "Mục I. Phụ lục số I",  # Roman numerals
    "I. MỤC ĐÍCH",
    "TP. Hồ Chí Minh",
    "Điều 1. Phạm vi",
    "ttcbth@quangngai. gov.vn",  # an address, split
    "mà mẹ mỹ Mỹ 5mm 3ml 5m, 3m.",
    "(chiều dài 5m) và",
    "I) Mục tiêu",
])
def test_what_the_text_means_is_left_alone(text: str) -> None:
    assert " ".join(mend_line(text.split())) == text
