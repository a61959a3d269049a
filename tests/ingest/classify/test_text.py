"""Noisy and unaccented text, validation of what is extracted, and the pieces under it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.classify import Classifier, read_text
from ingest.classify.text import find_keyword, fold, same_value
from ingest.classify.validate import (
    check_field,
    valid_date,
    valid_name,
    valid_personal_number,
    valid_position,
    valid_symbol,
)
from ingest.errors import IntakeInputError
from tests.support.texts import DECISION


def test_fold_and_keywords() -> None:
    assert fold("Hồ sơ ĐẤT ĐAI") == "ho so dat dai"
    assert find_keyword("QUYET DINH", "QUYẾT ĐỊNH", anchored=True) is not None
    assert find_keyword("QUYỂT ĐlNH", "QUYẾT ĐỊNH", anchored=True) is not None
    assert find_keyword("BÁO CÁO", "QUYẾT ĐỊNH") is None


def test_clean_text() -> None:
    answer = Classifier().classify(read_text(DECISION))
    assert answer.doc_type == "quyet_dinh"
    assert {name: value.value for name, value in answer.fields.items()} == {
        "so_ky_hieu": "152/QĐ-SXD", "ngay_ban_hanh": "2024-03-07",
        "co_quan_ban_hanh": "SỞ XÂY DỰNG",
        "trich_yeu": "Về việc cấp phép xây dựng công trình nhà văn hóa thôn",
        "nguoi_ky": "Đặng Quốc Bảo", "chuc_vu": "PHÓ GIÁM ĐỐC"}
    assert not answer.needs_review


def test_text_without_diacritics() -> None:
    from ingest.classify.text import fold as strip

    bare = "\n".join(strip(line).upper() if line.isupper() else _strip_case(line)
                     for line in DECISION.splitlines())
    answer = Classifier().classify(read_text(bare))
    assert answer.doc_type == "quyet_dinh"
    fields = {name: value.value for name, value in answer.fields.items()}
    assert fields["so_ky_hieu"] == "152/QĐ-SXD"  # the type part restored from the title
    assert fields["ngay_ban_hanh"] == "2024-03-07"
    assert fields["chuc_vu"] == "PHÓ GIÁM ĐỐC"  # a known position, diacritics restored
    assert fields["nguoi_ky"] == "Đặng Quốc Bảo"  # each syllable has one common spelling
    assert same_value(fold(fields["co_quan_ban_hanh"]), "so xay dung")


def _strip_case(line: str) -> str:
    from ingest.classify.text import fold as strip

    return "".join(b.upper() if a.isupper() else b for a, b in zip(line, strip(line),
                                                                    strict=True))


def test_ocr_noise_in_labels_and_numbers() -> None:
    noisy = (DECISION.replace("Số: 152/QĐ-SXD", "S6: l52/QD-SXD")
             .replace("ngày 7 tháng 3 năm 2024", "ngay 7 thang 3 nam 2O24")
             .replace("QUYẾT ĐỊNH", "QUYÉT ĐINH"))
    answer = Classifier().classify(read_text(noisy))
    assert answer.doc_type == "quyet_dinh"
    assert answer.fields["so_ky_hieu"].value == "152/QĐ-SXD"
    assert answer.fields["ngay_ban_hanh"].value == "2024-03-07"


def test_invalid_values_are_not_extracted() -> None:
    broken = (DECISION.replace("Số: 152/QĐ-SXD", "Số: ??/")
              .replace("ngày 7 tháng 3 năm 2024", "ngày 31 tháng 02 năm 2024")
              .replace("Đặng Quốc Bảo", "123 456"))
    answer = Classifier().classify(read_text(broken))
    assert "so_ky_hieu" not in answer.fields
    assert "ngay_ban_hanh" not in answer.fields
    assert "nguoi_ky" not in answer.fields
    assert answer.needs_review
    assert any("not found" in reason for reason in answer.reasons)
    form = ("TỜ KHAI\nĐăng ký khai sinh\nKính gửi: UBND xã An Bình\n"
            "Họ và tên người khai: Lý Thị Hoa\nSố định danh cá nhân: 0791234\n")
    answer = Classifier().classify(read_text(form))
    assert answer.doc_type == "to_khai"
    assert "so_dinh_danh" not in answer.fields
    assert answer.fields["ho_ten"].value == "Lý Thị Hoa"


def test_validators() -> None:
    assert valid_date("29", "02", "2024") == "2024-02-29"
    assert valid_date("29", "02", "2023") is None
    assert valid_date("1", "1", "1800") is None
    assert valid_symbol("8800/QD-SNV", "quyet_dinh") == "8800/QĐ-SNV"
    assert valid_symbol("123/UBND-VP") == "123/UBND-VP"
    assert valid_symbol("UBND-VP") is None
    assert valid_personal_number("0O1 234 567 89l") == "001234567891"
    assert valid_personal_number("12345") is None
    assert valid_name("Hoang Văn Thụ") == "Hoàng Văn Thụ"
    assert valid_name("Nguyễn") is None
    assert valid_position("CHANH VAN PHONG") == ("CHÁNH VĂN PHÒNG", 1.0)


@pytest.mark.parametrize(("name", "value"), [
    ("ngay_ban_hanh", "2023-02-30"), ("so_dinh_danh", "12345678901"),
    ("so_ky_hieu", "không có số"), ("nguoi_ky", "x"), ("ho_ten", "Nguyễn")])
def test_check_field_refuses(name: str, value: str) -> None:
    kind = "to_khai" if name == "ho_ten" else "quyet_dinh"
    with pytest.raises(IntakeInputError, match=name):
        check_field(kind, name, value)


def test_check_field_accepts_and_normalises() -> None:
    assert check_field("to_khai", "so_dinh_danh", "001234567891") == "001234567891"
    assert check_field("quyet_dinh", "trich_yeu", "  Về  việc   X ") == "Về việc X"
    with pytest.raises(IntakeInputError, match="no such field"):
        check_field("to_khai", "so_ky_hieu", "1/QĐ-X")


def test_corpus_truth_text(corpus_dir: Path) -> None:
    """The corpus's own reading-order text (no geometry) gives every type and field."""
    for truth_file in sorted((corpus_dir / "vi-admin").glob("*.json")):
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        answer = Classifier().classify(read_text(truth["text"]))
        assert answer.doc_type == truth["doc_type"], truth_file.name
        wrong = {name: answer.fields.get(name) for name, wanted in truth["fields"].items()
                 if name not in answer.fields
                 or not same_value(answer.fields[name].value, wanted)}
        assert len(wrong) <= 1, (truth_file.name, wrong)
