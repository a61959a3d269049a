"""E-signature and arrival stamps of scanned electronic copies (issue 16 §1): a scan under a
thin text layer is OCR'd, the e-signature stamp is read as signature metadata and never as
the header, and an arrival stamp is read as arrival data, never as content."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymupdf as _pymupdf
import pytest

from ingest.classify import Classifier
from ingest.classify.lines import read_text
from ingest.classify.reading import read_file, read_ocr_words
from ingest.classify.stamps import is_stamp_line, parse_e_signature, separate_stamps, stamp_time
from ocr.inputs import plan_pages
from ocr.mupdf import MIN_SCAN_TEXT_CHARS, find_text_font
from ocr.pipeline import OcrOptions, ocr_file

pymupdf: Any = _pymupdf  # its annotations are partial: used as untyped, as ocr/mupdf does

# the stamps as real electronic copies carry them in their text layer (benchmark files
# 464-TTg-CDS-2026, 04-CT-UBND-2024, 07-CT-UBND-2018, 2191-CT-CS-2026, 05-CT-UBND-2020)
GOVERNMENT_PORTAL = ("Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ",
                     "Email: thongtinchinhphu@chinhphu.vn", "Cơ quan: VĂN PHÒNG CHÍNH PHỦ",
                     "Thời gian ký: 04.05.2026 09:44:21 +07:00")
PROVINCE = ("Ký bởi: Ủy ban nhân dân tỉnh Quảng", "Ngãi", "Cơ quan: Tỉnh Quảng Ngãi",
            "Thời gian ký: 18/03/2024 08:41:42")
GAZETTE = ("TRUNG TÂM CÔNG", "BÁO VÀ TIN HỌC", "ttcbth@quangngai.gov.vn",
           "18.03.2024 09:29:39", "+07:00")
TAX = ("Ký bởi: CỤC THUẾ", "Địa chỉ: 1A Nguyễn Công Trứ, Hai Bà Trưng, Hà Nội",
       "Thời gian ký: 08.04.2026 17:35")
WRAPPED = ("Người ký: Ủy ban", "nhân dân tỉnh Quảng", "Ngãi", "Cơ quan: Tỉnh Quảng", "Ngãi",
           "Thời gian ký:", "16.04.2020 07:37:07", "+07:00")


@pytest.mark.parametrize(("lines", "signer", "agency", "time"), [
    (GOVERNMENT_PORTAL, "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", "VĂN PHÒNG CHÍNH PHỦ",
     "2026-05-04T09:44:21+07:00"),
    (PROVINCE, "Ủy ban nhân dân tỉnh Quảng Ngãi", "Tỉnh Quảng Ngãi", "2024-03-18T08:41:42"),
    (GAZETTE, "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC", None, "2024-03-18T09:29:39+07:00"),
    (TAX, "CỤC THUẾ", None, "2026-04-08T17:35:00"),
    (WRAPPED, "Ủy ban nhân dân tỉnh Quảng Ngãi", "Tỉnh Quảng Ngãi",
     "2020-04-16T07:37:07+07:00"),
])
def test_e_signature_stamp_variants(lines: tuple[str, ...], signer: str, agency: str | None,
                                    time: str) -> None:
    stamp = parse_e_signature(lines)
    assert stamp is not None
    assert (stamp.signer, stamp.agency, stamp.time) == (signer, agency, time)
    assert stamp.person is None  # an agency's certificate


def test_a_personal_certificate_names_the_signer() -> None:
    stamp = parse_e_signature(["Ký bởi: Tran Hoang Tuan", "Email: tuan@quangngai.gov.vn",
                               "Thời gian ký: 18.03.2024 08:41:42 +07:00"])
    assert stamp is not None
    assert stamp.person == "Trần Hoàng Tuấn"
    assert stamp.to_json()["person"] == "Trần Hoàng Tuấn"


def test_header_lines_are_not_stamps() -> None:
    for text in ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "Số: 464/TTg-CĐS",
                 "Hà Nội, ngày 30 tháng 4 năm 2026", "Kính gửi: Bộ trưởng, Thủ trưởng",
                 "Cơ quan chủ trì thực hiện đề án"):
        assert not is_stamp_line(text), text
    assert parse_e_signature(["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"]) is None
    assert stamp_time("31.02.2026 10:00") is None


def test_plain_text_stamp_leaves_the_header() -> None:
    document = separate_stamps(read_text("\n".join(GOVERNMENT_PORTAL) + "\nTHỦ TƯỚNG CHÍNH PHỦ"
                                         "\nSố: 464/TTg-CĐS\nV/v triển khai các Nghị quyết"))
    assert document.pages[0][0].text == "THỦ TƯỚNG CHÍNH PHỦ"
    assert [stamp.agency for stamp in document.e_signatures] == ["VĂN PHÒNG CHÍNH PHỦ"]


def _pixels(font: Path, lines: tuple[tuple[float, str, float], ...], width: float,
            height: float, *, frame: bool) -> bytes:
    """Lines of text (baseline, text, size) as a PNG: a stamp only in the pixels."""
    document = pymupdf.open()
    page = document.new_page(width=width, height=height)
    if frame:
        page.draw_rect(pymupdf.Rect(2, 2, width - 2, height - 2), color=(0, 0, 0), width=1.2)
    for y, text, size in lines:
        page.insert_text((10, y), text, fontsize=size, fontname="viet", fontfile=str(font))
    return bytes(page.get_pixmap(dpi=300).tobytes("png"))


def _stamp_pixels(font: Path) -> bytes:
    """An arrival stamp (a box, "CÔNG VĂN ĐẾN", the number and day), as a rubber stamp is."""
    return _pixels(font, ((16, "CÔNG VĂN ĐẾN", 10), (33, "Số: 2352", 9),
                          (47, "Ngày: 21/3/2018", 9), (58, "Chuyển: Phòng KT", 7)),
                   150, 62, frame=True)


@pytest.fixture(scope="module")
def stamped_scan(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus scan published as an electronic copy: two e-signature stamps over its top
    margin as visible text (in the layer and drawn), and an arrival stamp in its pixels."""
    font = find_text_font()
    document = pymupdf.open(corpus_dir / "vi-admin" / "s100-004-quyet_dinh.pdf")
    page = document[0]
    for x, lines in ((170.0, GOVERNMENT_PORTAL), (420.0, PROVINCE)):
        for row, text in enumerate(lines):
            page.insert_text((x, 10 + 6.5 * row), text, fontsize=5.5, fontname="viet",
                             fontfile=str(font))
    page.insert_image(pymupdf.Rect(40, 600, 190, 662), stream=_stamp_pixels(font))
    path = tmp_path_factory.mktemp("stamps") / "stamped.pdf"
    document.save(path)
    return path


def test_a_thin_stamp_layer_does_not_make_a_scan_a_text_page(stamped_scan: Path) -> None:
    chars = sum(1 for line in (*GOVERNMENT_PORTAL, *PROVINCE) for char in line
                if not char.isspace())
    assert chars >= MIN_SCAN_TEXT_CHARS  # enough characters: only their spread tells
    assert plan_pages(stamped_scan) == ["image"]


def test_stamped_scan_reads_its_header_stamps_and_arrival(stamped_scan: Path) -> None:
    with read_file(stamped_scan, OcrOptions(jobs=1)) as (document, reread):
        answer = Classifier().classify(document, reread)
        text = document.text
    assert answer.doc_type == "quyet_dinh"
    assert answer.fields["co_quan_ban_hanh"].value == "SỞ NỘI VỤ"
    assert answer.fields["ngay_ban_hanh"].value == "2023-12-23"
    result = answer.to_json()
    # the issuer's stamp is the earlier one; both are read from the layer, as printed
    assert result["e_signature"]["signer"] == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert result["e_signature"]["time"] == "2024-03-18T08:41:42"
    assert [(stamp["agency"], stamp["source"]) for stamp in result["e_signatures"]] == [
        ("VĂN PHÒNG CHÍNH PHỦ", "text-layer"), ("Tỉnh Quảng Ngãi", "text-layer")]
    assert (result["arrival"]["number"], result["arrival"]["date"]) == ("2352", "2018-03-21")
    assert result["arrival"]["needs_review"] is False
    for stamp_word in ("Thời gian ký", "Email", "2352", "Chuyển"):
        assert stamp_word not in text  # neither stamp is content
    assert "Trung tâm Phục vụ hành chính công" in text  # the body still is


def test_an_e_signature_stamp_only_in_the_pixels(corpus_dir: Path, tmp_path: Path) -> None:
    """A copy printed and scanned again: the e-signature stamp is in the pixels alone, OCR
    reads it right above the header, and it is still not the agency."""
    document = pymupdf.open(corpus_dir / "vi-admin" / "s100-004-quyet_dinh.pdf")
    stamp = _pixels(find_text_font(), tuple(
        (9.0 + 8.0 * row, text, 7.0) for row, text in enumerate(GOVERNMENT_PORTAL)), 230, 40,
        frame=False)
    document[0].insert_image(pymupdf.Rect(60, 4, 290, 44), stream=stamp)
    path = tmp_path / "reprinted.pdf"
    document.save(path)
    with read_file(path, OcrOptions(jobs=1)) as (read, reread):
        answer = Classifier().classify(read, reread)
    assert answer.fields["co_quan_ban_hanh"].value == "SỞ NỘI VỤ"
    result = answer.to_json()["e_signature"]
    assert result["source"] == "ocr"
    assert result["time"] == "2026-05-04T09:44:21+07:00"
    assert result["email"] == "thongtinchinhphu@chinhphu.vn"
    assert "CHÍNH PH" in result["agency"]


def test_intake_reads_stamps_from_the_words_and_the_original(stamped_scan: Path,
                                                            tmp_path: Path) -> None:
    """The intake job classifies from the words JSON it stores (ingest.digitise): with the
    original PDF the stamps come in the layer's spelling; from the words alone, as OCR read
    them; either way they are not content."""
    words = ocr_file(stamped_scan, tmp_path / "searchable.pdf", OcrOptions(jobs=1)).words_json()
    with_layer, alone = read_ocr_words(words, stamped_scan), read_ocr_words(words)
    assert [stamp.source for stamp in with_layer.e_signatures] == ["text-layer"] * 2
    assert with_layer.e_signatures[0].signer == "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ"
    assert sorted(stamp.time or "" for stamp in alone.e_signatures) == [
        "2024-03-18T08:41:42", "2026-05-04T09:44:21+07:00"]
    assert {stamp.source for stamp in alone.e_signatures} == {"ocr"}
    for document in (with_layer, alone):
        assert "Thời gian ký" not in document.text
        assert [arrival.number for arrival in document.arrivals] == ["2352"]
