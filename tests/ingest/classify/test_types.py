"""The full type list of domain.md (Decree 30 Art. 7 and the legal normative types): the
title line and the symbol's type part, combined; look-alike characters of text layers."""

from __future__ import annotations

import pytest

from ingest.classify import DOC_TYPES, Classifier, read_text
from ingest.classify.layout import symbol_text
from ingest.classify.model import TextModel, train
from ingest.classify.registry import synthetic_examples
from ingest.classify.rules import symbol_type
from ingest.classify.text import lookalikes, same_value


@pytest.fixture(scope="module")
def model() -> TextModel:
    """A model trained on the generator (which makes only the first eleven types)."""
    return train(synthetic_examples(400))


def _document(title: str, symbol: str, summary: str, *, agency: str = "BỘ TÀI CHÍNH",
              authority: str = "KT. BỘ TRƯỞNG", position: str = "THỨ TRƯỞNG",
              body: str = "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;") -> str:
    return "\n".join((
        agency, f"Số: {symbol}", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 15 tháng 3 năm 2026", title, summary,
        body, "Điều 1. Phạm vi điều chỉnh", "Nơi nhận:", "- Như trên;", "- Lưu: VT.",
        authority, position, "Nguyễn Văn Thành"))


CASES = [
    # (title, symbol, doc_type)
    ("NGHỊ ĐỊNH", "45/2026/NĐ-CP", "nghi_dinh"),
    ("THÔNG TƯ", "18/2026/TT-BTC", "thong_tu"),
    ("THÔNG TƯ LIÊN TỊCH", "02/2026/TTLT-BTC-BNV", "thong_tu_lien_tich"),
    ("CHỈ THỊ", "07/CT-UBND", "chi_thi"),
    ("QUY CHẾ", "12/QC-UBND", "quy_che"),
    ("QUY ĐỊNH", "3/QyĐ-UBND", "quy_dinh"),
    ("CHƯƠNG TRÌNH", "15/CTr-UBND", "chuong_trinh"),
    ("PHƯƠNG ÁN", "8/PA-UBND", "phuong_an"),
    ("ĐỀ ÁN", "9/ĐA-UBND", "de_an"),
    ("DỰ ÁN", "10/DA-UBND", "du_an"),
    ("CÔNG ĐIỆN", "11/CĐ-UBND", "cong_dien"),
    ("BẢN GHI NHỚ", "2/GN-UBND", "ban_ghi_nho"),
    ("BẢN THỎA THUẬN", "4/TTh-UBND", "ban_thoa_thuan"),
    ("GIẤY ỦY QUYỀN", "5/GUQ-UBND", "giay_uy_quyen"),
    ("GIẤY GIỚI THIỆU", "6/GGT-UBND", "giay_gioi_thieu"),
    ("GIẤY NGHỈ PHÉP", "7/GNP-UBND", "giay_nghi_phep"),
    ("PHIẾU GỬI", "8/PG-UBND", "phieu_gui"),
    ("PHIẾU CHUYỂN", "9/PC-UBND", "phieu_chuyen"),
    ("PHIẾU BÁO", "10/PB-UBND", "phieu_bao"),
    ("THÔNG CÁO", "3/TC-UBND", "thong_cao"),
    ("PHÁP LỆNH", "01/2026/UBTVQH15", "phap_lenh"),
    ("LUẬT", "59/2026/QH15", "luat"),
    ("QUYẾT ĐỊNH", "15/2026/QĐ-TTg", "quyet_dinh"),
    ("TỜ TRÌNH", "21/TTr-UBND", "to_trinh"),
]


def test_every_type_of_domain_md_is_in_the_one_list() -> None:
    from signing.registers.symbols import OUTGOING_TYPES

    assert set(OUTGOING_TYPES) <= set(DOC_TYPES)  # what the registers number, we can read
    assert {"luat", "nghi_dinh", "thong_tu", "thong_tu_lien_tich", "phap_lenh"} <= set(DOC_TYPES)
    assert len(DOC_TYPES) == len(set(DOC_TYPES))


@pytest.mark.parametrize("with_model", [False, True], ids=["rules", "model"])
@pytest.mark.parametrize(("title", "symbol", "doc_type"), CASES)
def test_type_from_title_and_symbol(model: TextModel, with_model: bool, title: str,
                                    symbol: str, doc_type: str) -> None:
    text = _document(title, symbol, "Quy định chi tiết một số điều về quản lý tài sản công")
    answer = Classifier(model if with_model else None).classify(read_text(text))
    assert answer.doc_type == doc_type, answer.reasons
    assert answer.confidence >= 0.7, answer.reasons  # title and symbol agree: sure
    assert answer.fields["so_ky_hieu"].value == symbol
    assert not answer.consolidated


@pytest.mark.parametrize("with_model", [False, True], ids=["rules", "model"])
def test_decree_with_summary_in_capitals(model: TextModel, with_model: bool) -> None:
    text = _document("NGHỊ ĐỊNH", "45/2026/NĐ-CP",
                     "QUY ĐỊNH CHI TIẾT MỘT SỐ ĐIỀU CỦA LUẬT QUẢN LÝ THUẾ",
                     agency="CHÍNH PHỦ", authority="TM. CHÍNH PHỦ", position="THỦ TƯỚNG")
    answer = Classifier(model if with_model else None).classify(read_text(text))
    assert answer.doc_type == "nghi_dinh"
    assert answer.fields["trich_yeu"].value == (
        "QUY ĐỊNH CHI TIẾT MỘT SỐ ĐIỀU CỦA LUẬT QUẢN LÝ THUẾ")
    assert answer.fields["co_quan_ban_hanh"].value == "CHÍNH PHỦ"


def test_consolidated_text_takes_the_type_of_its_title(model: TextModel) -> None:
    text = _document("NGHỊ ĐỊNH", "05/VBHN-BCA", "Quy định về đăng ký xe",
                     agency="BỘ CÔNG AN")
    answer = Classifier(model).classify(read_text(text))
    assert answer.doc_type == "nghi_dinh"
    assert answer.consolidated
    assert answer.to_json()["consolidated"] is True
    assert answer.fields["so_ky_hieu"].value == "05/VBHN-BCA"


@pytest.mark.parametrize("with_model", [False, True], ids=["rules", "model"])
def test_a_clear_title_wins_over_a_disagreeing_symbol(model: TextModel,
                                                      with_model: bool) -> None:
    text = _document("CHỈ THỊ", "07/TB-UBND", "Về tăng cường công tác phòng cháy")
    answer = Classifier(model if with_model else None).classify(read_text(text))
    assert answer.doc_type == "chi_thi", answer.reasons


@pytest.mark.parametrize("with_model", [False, True], ids=["rules", "model"])
def test_a_weak_title_gives_way_to_the_symbol(model: TextModel, with_model: bool) -> None:
    # OCR mangled the title into something that only half reads as THÔNG CÁO
    text = _document("THÔNG CHỈ THJ", "07/CT-UBND", "Về tăng cường công tác phòng cháy")
    answer = Classifier(model if with_model else None).classify(read_text(text))
    assert answer.doc_type == "chi_thi", answer.reasons


@pytest.mark.parametrize("title", ["PHIẾU CHUYỂN HỒ SƠ",
                                   "PHIẾU TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"])
def test_one_stop_shop_slips_are_no_decree_30_slips(model: TextModel, title: str) -> None:
    text = "\n".join(("UBND XÃ AN BÌNH", "BỘ PHẬN MỘT CỬA",
                      "Mã hồ sơ: 000.00.12.H56-250101-0001", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                      "Độc lập - Tự do - Hạnh phúc",
                      title, "Bộ phận tiếp nhận và trả kết quả xã An Bình",
                      "Tiếp nhận hồ sơ của: Ông Trần Văn Bình"))
    answer = Classifier(model).classify(read_text(text))
    assert answer.doc_type not in ("phieu_chuyen", "phieu_gui", "phieu_bao"), answer.reasons


@pytest.mark.parametrize("symbol", ["123/UBND-VP", "123/UBND", "45/CV-SNV"])
def test_cong_van_symbols(model: TextModel, symbol: str) -> None:
    assert symbol_type(symbol).doc_type == "cong_van"
    text = "\n".join(("ỦY BAN NHÂN DÂN", "HUYỆN ĐỨC TRỌNG", f"Số: {symbol}",
                      "V/v triển khai số hóa hồ sơ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                      "Độc lập - Tự do - Hạnh phúc", "Đức Trọng, ngày 2 tháng 5 năm 2025",
                      "Kính gửi: Các phòng, ban", "Nội dung công văn.", "Nơi nhận:",
                      "- Lưu: VT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Văn Miều"))
    answer = Classifier(model).classify(read_text(text))
    assert answer.doc_type == "cong_van"
    assert answer.fields["so_ky_hieu"].value == symbol


def test_symbol_type_parts() -> None:
    assert symbol_type("45/2026/NĐ-CP").doc_type == "nghi_dinh"
    assert symbol_type("45/2026/ND-CP").doc_type == "nghi_dinh"  # marks lost by OCR
    assert symbol_type("18/2026/TT-BQP").doc_type == "thong_tu"
    assert symbol_type("18/TTr-UBND").doc_type == "to_trinh"
    assert symbol_type("18/TTh-UBND").doc_type == "ban_thoa_thuan"
    assert symbol_type("8800/QD-SNV").doc_type == "quyet_dinh"
    assert symbol_type("5/VBHN-BTC").consolidated
    assert symbol_type("5/VBHN-BTC").doc_type is None
    assert symbol_type("no symbol").doc_type is None


@pytest.mark.parametrize("mark", ["\u00ad", "\u2010", "\u2011", "\u2013", "\u2212"])
def test_look_alike_hyphens_in_the_symbol(mark: str) -> None:
    text = _document("THÔNG BÁO", f"4641/TB{mark}UBND", "Kết luận của Chủ tịch UBND tỉnh")
    answer = Classifier().classify(read_text(text))
    assert answer.doc_type == "thong_bao", answer.reasons
    assert answer.fields["so_ky_hieu"].value == "4641/TB-UBND"


def test_invisible_characters_and_no_break_spaces() -> None:
    text = _document("THÔNG\u00a0BÁO", "\u00a04641/\u200bTB\u00adUBND\ufeff",
                     "Kết\u00a0luận của\u200c Chủ tịch UBND tỉnh")
    text = text.replace("ngày 15 tháng", "ngày\u00a015\u202ftháng").replace(
        "Nguyễn Văn", "Nguyễn\u200d Văn")
    answer = Classifier().classify(read_text(text))
    fields = {name: value.value for name, value in answer.fields.items()}
    assert answer.doc_type == "thong_bao"
    assert fields["so_ky_hieu"] == "4641/TB-UBND"
    assert fields["ngay_ban_hanh"] == "2026-03-15"
    assert fields["trich_yeu"] == "Kết luận của Chủ tịch UBND tỉnh"
    assert fields["nguoi_ky"] == "Nguyễn Văn Thành"


def test_lookalikes_keep_dashes_outside_symbols() -> None:
    assert lookalikes("giai đoạn 2021\u20132025") == "giai đoạn 2021\u20132025"
    assert lookalikes("2021\u20132025", dashes=True) == "2021-2025"
    assert lookalikes("a\u00a0b\u200bc\ufeff") == "a bc"
    assert symbol_text("464 /TTg \u2013 CĐS  Hà Nội") == "464/TTg-CĐS"
    assert same_value("TB\u00adUBND", "tb-ubnd")
