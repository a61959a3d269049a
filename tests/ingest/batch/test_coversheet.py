"""Cover sheets: the printed page, its Vietnamese text, and its QR code read back from scans."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pymupdf
import pytest
import segno

from ingest.batch import find_cover_sheet, is_blank, plan_stack
from ingest.coversheet import (
    FOOTER,
    QR_PREFIX,
    CoverSheetInfo,
    cover_sheet_lines,
    cover_sheet_payload,
    make_cover_sheet,
    parse_payload,
)
from ocr.mupdf import write_cover_sheet
from tests.support.cover_scans import add_image_page, cover_info, cover_scan, degrade, rasterise
from tests.support.synthetic_pdf import Degradation

MM = 72 / 25.4


@pytest.fixture(scope="module")
def cover(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cover") / "cover-4711.pdf"
    make_cover_sheet(cover_info(4711), path)
    return path


def test_payload_round_trips() -> None:
    assert cover_sheet_payload(42) == "SOHOA-DOSSIER:42" == QR_PREFIX + "42"
    for dossier in (1, 42, 987_654_321):
        assert parse_payload(cover_sheet_payload(dossier)) == dossier
    assert parse_payload(" SOHOA-DOSSIER:7\n") == 7
    for foreign in ("", "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html?ma=42",
                    "SOHOA-DOSSIER:", "SOHOA-DOSSIER:0", "SOHOA-DOSSIER:-3",
                    "SOHOA-DOSSIER:42abc", "SOHOA-DOSSIER:4 2", "SOHOA-DOSSIER:١٢",
                    "SOHOA-DOSSIER:" + "9" * 40, "DOSSIER:42"):
        assert parse_payload(foreign) is None, foreign
    for bad in (0, -1, True):
        with pytest.raises(ValueError, match="positive integer"):
            cover_sheet_payload(bad)


def test_cover_sheet_is_a4_with_vietnamese_text(cover: Path) -> None:
    with pymupdf.open(cover) as document:
        assert document.page_count == 1
        page = document[0]
        assert page.rect.width == pytest.approx(210 * MM, abs=1)
        assert page.rect.height == pytest.approx(297 * MM, abs=1)
        text = unicodedata.normalize("NFC", page.get_text())
        fonts = {font[3] for font in page.get_fonts()}
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for expected in ("PHIẾU BÌA HỒ SƠ", "Mã hồ sơ", "4711", "Thủ tục", "Người nộp",
                     "Nguyễn Thị Hằng", "Đơn vị tiếp nhận", "Bộ phận Một cửa UBND huyện Đông Anh",
                     "Ngày nhận", "05/03/2026 09:15", "Hạn trả kết quả", "02/04/2026",
                     "Đặt tờ này lên trên hồ sơ giấy khi quét"):
        assert expected in lines, (expected, lines)
    assert "Đăng ký đất đai, tài sản gắn liền với đất lần đầu (1.004227)" in " ".join(lines)
    assert all("+" in name for name in fonts), fonts  # embedded subsets, no base-14 font


def test_cover_sheet_lines_format_dates_the_vietnamese_way() -> None:
    info = CoverSheetInfo(dossier_id=9, procedure_code="2.000001", procedure_name="",
                          applicant_name=" Lê Văn Miều ", unit_name="UBND xã Tân Lập",
                          received_at=datetime(2026, 1, 31, 16, 5), due_date=date(2026, 2, 9))
    assert cover_sheet_lines(info) == [
        ("Mã hồ sơ", "9"), ("Thủ tục", "2.000001"), ("Người nộp", "Lê Văn Miều"),
        ("Đơn vị tiếp nhận", "UBND xã Tân Lập"), ("Ngày nhận", "31/01/2026 16:05"),
        ("Hạn trả kết quả", "09/02/2026")]


def test_qr_code_is_about_60_mm_at_the_top_right(cover: Path) -> None:
    with pymupdf.open(cover) as document:
        width = document[0].rect.width
        (info,) = document[0].get_image_info()
    x0, y0, x1, y1 = info["bbox"]
    assert x1 - x0 == pytest.approx(60 * MM, abs=0.5)
    assert y1 - y0 == pytest.approx(60 * MM, abs=0.5)
    assert x1 > width - 25 * MM
    assert y0 < 25 * MM


@pytest.mark.parametrize("dpi", [100, 150, 200, 300])
def test_qr_reads_back_from_the_rendered_page(cover: Path, dpi: int) -> None:
    assert find_cover_sheet(rasterise(cover, 0, dpi)) == 4711
    assert find_cover_sheet(rasterise(cover, 0, dpi, color=True)[..., ::-1].copy()) == 4711


@pytest.mark.parametrize("degradation", [
    Degradation(dpi=300, skew_deg=5.0, noise=0.03),
    Degradation(dpi=300, skew_deg=-5.0, rotated=90, blur=1.0),
    Degradation(dpi=200, rotated=180, noise=0.06, color=True, yellow=True),
    Degradation(dpi=240, skew_deg=3.0, rotated=270, uneven_light=True, noise=0.04),
], ids=["skew+5", "skew-5-rot90", "rot180-yellow-200dpi", "rot270-240dpi"])
def test_qr_reads_back_from_degraded_scans(tmp_path: Path,
                                           degradation: Degradation) -> None:
    image = cover_scan(tmp_path, 4711, degradation, seed=3)
    assert find_cover_sheet(image) == 4711
    assert not is_blank(image)


def test_a_foreign_qr_code_is_not_a_cover_sheet(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    segno.make("https://dichvucong.gov.vn/tra-cuu?ma=000.00.19.H26-260305-0042",
               error="m").save(buffer, kind="png", scale=12)
    path = tmp_path / "foreign.pdf"
    write_cover_sheet(path, title="GIẤY TIẾP NHẬN HỒ SƠ", lines=[("Mã hồ sơ", "42")],
                      qr_png=buffer.getvalue(), footer="Tra cứu tại Cổng Dịch vụ công")
    image = rasterise(path, 0, 200)
    assert find_cover_sheet(image) is None
    assert find_cover_sheet(np.full((1754, 1240), 250, np.uint8)) is None
    assert find_cover_sheet(np.zeros((0, 0), np.uint8)) is None


def test_write_cover_sheet_refuses_a_non_png(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="PNG"):
        write_cover_sheet(tmp_path / "x.pdf", title="T", lines=[], qr_png=b"GIF89a",
                          footer=FOOTER)


def test_cover_sheet_survives_a_photocopy_into_a_pdf(tmp_path: Path, cover: Path) -> None:
    """Scanned at 200 dpi into an image-only PDF page, then planned like any stack page."""
    scan = degrade(rasterise(cover, 0, 200), Degradation(dpi=200, skew_deg=-4, noise=0.05),
                   seed=8)
    path = tmp_path / "one.pdf"
    with pymupdf.open() as document:
        add_image_page(document, scan, 200)
        document.save(path)
    plan = plan_stack(path)
    assert plan.cover_pages == (0,)
    assert [(part.dossier_id, part.pages) for part in plan.parts] == [(4711, ())]
