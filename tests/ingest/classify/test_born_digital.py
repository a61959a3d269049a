"""Born-digital PDFs: fields read from the text layer with its fonts, sizes and rules, on
documents laid out unlike the renderer the classifier was developed against."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymupdf as _pymupdf

from ingest.classify import Classifier
from ingest.classify.reading import read_file
from ingest.classify.text import same_value
from ingest.synthetic import generate_documents
from ocr.pipeline import OcrOptions
from tests.support.variant_pdf import FONT_DIR, FONT_FILES, render_variant_pdf, variant_for

pymupdf: Any = _pymupdf


def _fields(pdf: Path) -> tuple[str, dict[str, str]]:
    with read_file(pdf, OcrOptions(jobs=1)) as (document, reread):
        answer = Classifier().classify(document, reread)
    return answer.doc_type, {name: value.value for name, value in answer.fields.items()}


def test_variant_documents_read_exactly(tmp_path: Path) -> None:
    """Another font and spacing, soft hyphens in the symbol, capitals summaries: every
    field of every administrative document and form right."""
    documents = [document for document in generate_documents(40, seed=4242)
                 if document.doc_type != "giay_to_tuy_than"]
    capitals = [document for document in documents if variant_for(document).summary_capitals]
    assert capitals, "the set has summaries in capitals"
    wrong = []
    for document in documents:
        pdf = tmp_path / f"{document.doc_id}.pdf"
        render_variant_pdf(document, pdf)
        doc_type, fields = _fields(pdf)
        if doc_type != document.doc_type and document.doc_type != "other":  # rules alone
            # cannot tell "other" (no title): the benchmark measures it with the model
            wrong.append(f"{document.doc_id}: type {doc_type}")
        wrong += [f"{document.doc_id}: {name} {fields.get(name)!r} != {wanted!r}"
                  for name, wanted in document.fields.items()
                  if name not in fields or not same_value(fields[name], wanted)]
    assert wrong == []


def _page(tmp_path: Path, summary: tuple[str, ...], body: str, *, bold_body: bool) -> Path:
    """A notice set by hand: symbol with a soft hyphen, bold centred title and summary,
    and the body's first line right under the summary, centred too (no gap, no rule)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    fonts = {style: pymupdf.Font(fontfile=str(FONT_DIR / name))
             for style, name in FONT_FILES.items()}
    writer = pymupdf.TextWriter(page.rect)

    def put(text: str, y: float, style: str, centre: float = 297.5, size: float = 13) -> None:
        width = fonts[style].text_length(text, fontsize=size)
        writer.append((centre - width / 2, y), text, font=fonts[style], fontsize=size)

    put("ỦY BAN NHÂN DÂN", 70, "regular", 150)
    put("TỈNH THANH HÓA", 86, "bold", 150)
    put("Số:\u00a04641/TB\u00adUBND", 110, "regular", 150)
    put("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 70, "bold", 420)
    put("Độc lập \u2013 Tự do \u2013 Hạnh phúc", 86, "bold", 420)
    put("Thanh Hóa, ngày\u00a022 tháng 4 năm 2026", 110, "italic", 420)
    put("THÔNG BÁO", 160, "bold", size=14)
    y = 160.0
    for line in summary:
        y += 17
        put(line, y, "bold")
    put(body, y + 17, "bold" if bold_body else "regular")
    put("Các sở, ban, ngành thực hiện.", y + 34, "regular")
    put("KT. CHỦ TỊCH", 600, "bold", 420)
    put("PHÓ CHỦ TỊCH", 616, "bold", 420)
    put("Lê Đức Giang", 700, "bold", 420)
    writer.write_text(page)
    path = tmp_path / "notice.pdf"
    doc.save(path)
    doc.close()
    return path


def test_the_summary_ends_where_the_bold_ends(tmp_path: Path) -> None:
    pdf = _page(tmp_path, ("Kết luận của Chủ tịch UBND tỉnh tại buổi làm việc",),
                "với lãnh đạo các sở về chuyển đổi số", bold_body=False)
    doc_type, fields = _fields(pdf)
    assert doc_type == "thong_bao"
    assert fields["so_ky_hieu"] == "4641/TB-UBND"  # soft hyphen in the text layer
    assert fields["ngay_ban_hanh"] == "2026-04-22"
    assert fields["co_quan_ban_hanh"] == "ỦY BAN NHÂN DÂN TỈNH THANH HÓA"
    assert fields["trich_yeu"] == "Kết luận của Chủ tịch UBND tỉnh tại buổi làm việc"


def test_a_bold_wrapped_summary_in_capitals_is_whole(tmp_path: Path) -> None:
    pdf = _page(tmp_path, ("KẾT LUẬN CỦA CHỦ TỊCH UBND TỈNH TẠI BUỔI LÀM VIỆC",),
                "VỚI LÃNH ĐẠO CÁC SỞ VỀ CHUYỂN ĐỔI SỐ", bold_body=True)
    _, fields = _fields(pdf)
    assert fields["trich_yeu"] == (
        "KẾT LUẬN CỦA CHỦ TỊCH UBND TỈNH TẠI BUỔI LÀM VIỆC VỚI LÃNH ĐẠO CÁC SỞ VỀ CHUYỂN ĐỔI SỐ")
