"""Verification reports for people: the HTML page and the PDF, in Vietnamese and English,
from hand-made reports (one valid with two signatures, one broken)."""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pymupdf as _pymupdf
import pytest

from signing.verify.model import Reason, SignatureReport, VerificationReport
from signing.verify.render import LABELS, report_html, report_pdf, verdict

pymupdf: Any = _pymupdf

LEADER = "Nguyễn Thị Ỷ Lan"
CLERK = "Bùi Đức Ổn <văn thư>"  # markup in a value must be escaped
AGENCY = "Ủy ban nhân dân tỉnh Quảng Ngãi & Sở Nội vụ"
ISSUER = "Demo CA \"sohoa\" <root>"
DIGEST = Reason("digest_mismatch", "Nội dung đã ký bị thay đổi sau khi ký (mã băm không khớp).",
                "The signed content was changed (digest mismatch).")
OTHER = Reason("modified_after_signing", "Tài liệu bị sửa đổi ngoài phạm vi cho phép.",
               "The document was modified beyond what is permitted.")
VALID_VI = "Hợp lệ: tài liệu nguyên vẹn, mọi chữ ký hợp lệ và được tin cậy"
VALID_EN = "Valid: the document is intact, every signature is valid and trusted"


def _signature(field: str, signer: str | None, *, minutes: int,
               **changes: object) -> SignatureReport:
    values: dict[str, object] = {
        "field": field, "kind": "signature", "signer": signer, "organisation": AGENCY,
        "issuer": ISSUER,
        "signing_time": datetime(2026, 11, 22, 2, minutes, 2, tzinfo=UTC),
        "timestamp_time": datetime(2026, 11, 22, 9, minutes, 5,
                                   tzinfo=timezone(timedelta(hours=7))),
        "level": "B-LT", "intact": True, "valid": True, "trusted": True,
        "revocation": "good", "modification": "form_filling", "coverage": "entire_revision",
    }
    values.update(changes)
    return SignatureReport(**values)  # type: ignore[arg-type]


def _report(*signatures: SignatureReport, reasons: tuple[Reason, ...] = ()) -> VerificationReport:
    return VerificationReport(
        source="quyết-định <số 12>.pdf", size=1234567, sha256="ab" * 32,
        checked_at=datetime(2026, 11, 22, 3, 0, 0, tzinfo=UTC), signatures=signatures,
        reasons=reasons, online=True, trust_anchors=("CN=Sohoa Demo Root CA, O=Sở Nội vụ",))


@pytest.fixture
def valid_report() -> VerificationReport:
    leader = _signature("leader", LEADER, minutes=15)
    agency = _signature("agency", CLERK, minutes=20, modification="none",
                        coverage="entire_file")
    archive = _signature("timestamp", None, minutes=25, kind="document_timestamp",
                         organisation=None, signing_time=None, level=None,
                         modification="none", coverage="entire_file")
    report = _report(leader, agency, archive)
    assert report.valid
    return report


@pytest.fixture
def invalid_report() -> VerificationReport:
    leader = _signature("leader", LEADER, minutes=15, intact=False, valid=False,
                        modification="other", coverage="entire_revision",
                        changes=("page 1 content replaced", "annotation <added>"),
                        reasons=(DIGEST, OTHER))
    report = _report(leader)
    assert not report.valid
    return report


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _pdf_text(data: bytes) -> str:
    with pymupdf.open("pdf", data) as document:
        assert document.page_count >= 1
        width, height = document[0].rect.width, document[0].rect.height
        assert (round(width), round(height)) == (595, 842), "not A4"
        return _flat("\n".join(page.get_text() for page in document))


def test_labels_have_both_languages_in_nfc() -> None:
    for key, (vi, en) in LABELS.items():
        assert vi, key
        assert en, key
        assert unicodedata.is_normalized("NFC", vi), key


def test_valid_report_html_vietnamese(valid_report: VerificationReport) -> None:
    page = report_html(valid_report, lang="vi")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in page
    assert '<meta charset="utf-8">' in page
    assert unicodedata.is_normalized("NFC", page)
    assert "http://" not in page  # self-contained
    assert "https://" not in page
    assert verdict(valid_report, lang="vi") == VALID_VI
    verdict_at = page.index(VALID_VI)
    first_card = page.index('class="card')
    assert verdict_at < first_card
    assert page.index('class="verdict ok"') < first_card
    # every value escaped
    assert html.escape(CLERK) in page
    assert CLERK not in page
    assert html.escape(AGENCY) in page
    assert AGENCY not in page
    assert html.escape(ISSUER) in page
    assert ISSUER not in page
    assert html.escape("quyết-định <số 12>.pdf") in page
    assert LEADER in page
    assert "Bùi Đức Ổn" in page
    assert page.index(LEADER) < page.index("Bùi Đức Ổn")
    # times in Vietnam time, ISO 8601
    assert "2026-11-22T09:15:02+07:00" in page  # signing time given in UTC
    assert "2026-11-22T09:15:05+07:00" in page
    assert "2026-11-22T10:00:00+07:00" in page  # checked at
    assert "1.234.567 byte" in page
    assert "ab" * 32 in page
    assert "PAdES B-LT" in page
    assert "Trực tuyến" in page
    assert "CN=Sohoa Demo Root CA, O=Sở Nội vụ" in page
    assert page.count('class="card ok"') == 3
    assert page.count('class="check ok"') == 18
    assert "Dấu thời gian tài liệu 1" in page
    assert "Chữ ký số 2: Bùi Đức Ổn" in page
    assert "không phải PAdES" in page  # the time stamp has no level
    assert "✗" not in page
    assert "Nguyên vẹn: nội dung đã ký không bị thay đổi" in page
    assert "Chữ ký bao trùm toàn bộ tệp" in page


def test_valid_report_html_english(valid_report: VerificationReport) -> None:
    page = report_html(valid_report, lang="en")
    assert '<html lang="en">' in page
    assert page.index(VALID_EN) < page.index('class="card')
    assert "Intact: the signed content is unchanged" in page
    assert "1,234,567 bytes" in page
    assert LEADER in page
    assert "Hợp lệ" not in page


def test_invalid_report_html(invalid_report: VerificationReport) -> None:
    page_vi = report_html(invalid_report, lang="vi")
    sentence = f"KHÔNG hợp lệ: {DIGEST.vi}"
    assert verdict(invalid_report, lang="vi") == sentence
    assert page_vi.index(html.escape(sentence)) < page_vi.index('class="card')
    assert 'class="verdict bad"' in page_vi
    assert 'class="card bad"' in page_vi
    assert html.escape(OTHER.vi) in page_vi
    assert OTHER.en not in page_vi
    assert 'data-check="intact"' in page_vi
    assert re.search(r'class="check bad" data-check="intact"', page_vi)
    assert re.search(r'class="check bad" data-check="valid"', page_vi)
    assert re.search(r'class="check bad" data-check="modification"', page_vi)
    assert re.search(r'class="check ok" data-check="trusted"', page_vi)
    assert "Tài liệu bị thay đổi sau khi ký" in page_vi
    assert html.escape("annotation <added>") in page_vi
    assert "page 1 content replaced" in page_vi

    page_en = report_html(invalid_report, lang="en")
    assert page_en.index(html.escape(f"NOT valid: {DIGEST.en}")) < page_en.index('class="card')
    assert html.escape(OTHER.en) in page_en
    assert DIGEST.vi not in page_en
    assert LEADER in page_en


def test_verdict_without_reasons_says_what_failed() -> None:
    unsigned = _report()
    assert verdict(unsigned, lang="vi") == "KHÔNG hợp lệ: tài liệu không có chữ ký số nào"
    assert verdict(unsigned, lang="en") == "NOT valid: the document has no signature"
    untrusted = _report(_signature("leader", LEADER, minutes=1, trusted=False))
    assert verdict(untrusted, lang="en") == "NOT valid: a signer's certificate is not trusted"
    with pytest.raises(ValueError, match="language"):
        report_html(unsigned, lang="fr")  # type: ignore[arg-type]


def test_valid_report_pdf(valid_report: VerificationReport) -> None:
    data = report_pdf(valid_report, lang="vi")
    assert data.startswith(b"%PDF-")
    text = _pdf_text(data)
    assert VALID_VI in text
    assert LEADER in text
    assert "Bùi Đức Ổn <văn thư>" in text  # escaped in markup, plain in the PDF
    assert AGENCY in text
    assert "2026-11-22T09:15:02+07:00" in text
    assert text.index(VALID_VI) < text.index(LEADER)
    assert "✓" in text
    assert data == report_pdf(valid_report, lang="vi"), "the PDF must be deterministic"
    with pymupdf.open("pdf", data) as document:
        assert document.metadata["title"].startswith("Kết quả kiểm tra chữ ký số")


def test_invalid_report_pdf(invalid_report: VerificationReport) -> None:
    text_vi = _pdf_text(report_pdf(invalid_report, lang="vi"))
    assert _flat(f"KHÔNG hợp lệ: {DIGEST.vi}") in text_vi
    assert LEADER in text_vi
    assert _flat(OTHER.vi) in text_vi
    assert "annotation <added>" in text_vi
    assert "✗" in text_vi

    text_en = _pdf_text(report_pdf(invalid_report, lang="en"))
    assert _flat(f"NOT valid: {DIGEST.en}") in text_en
    assert _flat(OTHER.en) in text_en
    assert LEADER in text_en
