"""File names as they arrive: invisible format characters (bidi overrides and isolates,
zero-width characters) removed, controls and paths refused, markup kept and escaped where
a name is shown."""

from __future__ import annotations

import pytest

from ingest.errors import IntakeInputError
from ingest.intake import safe_filename
from signing.verify import verify_pdf
from signing.verify.render import report_html
from tests.support.pdfs import pdf_with


@pytest.mark.parametrize(("sent", "kept"), [
    ("invoice\u202efdp.exe", "invoicefdp.exe"),  # shows as "invoiceexe.pdf"
    ("hoa\u200b-don\u200d.pdf", "hoa-don.pdf"),
    ("\u2067to-khai\u2069.pdf", "to-khai.pdf"),
    ("\ufeffbien-ban\u200e.pdf", "bien-ban.pdf"),
    ("Tờ khai.pdf", "Tờ khai.pdf"),
    ("<img src=x onerror=alert(1)>.pdf", "<img src=x onerror=alert(1)>.pdf"),
])
def test_format_characters_are_removed_and_the_rest_kept(sent: str, kept: str) -> None:
    assert safe_filename(sent) == kept


@pytest.mark.parametrize(("sent", "reason"), [
    ("\u202e\u200b", "empty"), ("\u200b \u200b", "empty"), ("a\x07b.pdf", "control"),
    ("a\u2028b.pdf", "control"), ("..\u200b/x.pdf", "path"),
])
def test_nothing_readable_or_a_control_is_refused(sent: str, reason: str) -> None:
    with pytest.raises(IntakeInputError) as refused:
        safe_filename(sent)
    assert reason in refused.value.message


def test_the_html_report_escapes_markup_and_drops_bidi_overrides() -> None:
    report = verify_pdf(pdf_with(b"khong ky"), source="<script>alert(1)</script>\u202efdp.exe",
                        trust_roots=[], allow_fetching=False)
    page = report_html(report, lang="en")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;fdp.exe" in page
    assert "\u202e" not in page
