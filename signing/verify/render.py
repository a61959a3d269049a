"""A :class:`~signing.verify.model.VerificationReport` for people: a self-contained HTML page
(:func:`report_html`) or an A4 PDF of the same content (:func:`report_pdf`), in Vietnamese or
English.

The verdict comes first, in plain words, green or red; then the file; then one card per
signature and document time stamp, each check a ✓/✗ row with words. Times are shown in
Vietnam time (ISO 8601, ``+07:00``); every value is HTML-escaped and all text is NFC.
"""

from __future__ import annotations

import html
import unicodedata
from datetime import datetime
from typing import Literal

from signing.appearance.styles import vietnam_time
from signing.verify.model import Reason, SignatureReport, VerificationReport

Lang = Literal["vi", "en"]

LABELS: dict[str, tuple[str, str]] = {
    "title": ("Kết quả kiểm tra chữ ký số", "Signature verification report"),
    "valid": ("Hợp lệ: tài liệu nguyên vẹn, mọi chữ ký hợp lệ và được tin cậy",
              "Valid: the document is intact, every signature is valid and trusted"),
    "invalid": ("KHÔNG hợp lệ", "NOT valid"),
    "problems": ("Vấn đề của tệp", "Problems with the file"),
    "file": ("Tệp", "File"),
    "name": ("Tên tệp", "File name"),
    "size": ("Kích thước", "Size"),
    "bytes": ("byte", "bytes"),
    "sha256": ("SHA-256", "SHA-256"),
    "checked_at": ("Thời điểm kiểm tra", "Checked at"),
    "mode": ("Chế độ", "Mode"),
    "online": ("Trực tuyến: đã tra cứu tình trạng thu hồi chứng thư",
               "Online: certificate revocation status was fetched"),
    "offline": ("Ngoại tuyến: không tra cứu tình trạng thu hồi qua mạng",
                "Offline: revocation status was not fetched over the network"),
    "trust_anchors": ("Chứng thư gốc tin cậy", "Trust anchors"),
    "none": ("không có", "none"),
    "signatures": ("Chữ ký", "Signatures"),
    "no_signatures_found": ("Không tìm thấy chữ ký nào trong tệp.",
                            "No signature was found in the file."),
    "signature": ("Chữ ký số", "Signature"),
    "document_timestamp": ("Dấu thời gian tài liệu", "Document time stamp"),
    "card_ok": ("Đạt", "Passed"),
    "card_bad": ("Không đạt", "Failed"),
    "field": ("Trường chữ ký", "Signature field"),
    "signer": ("Người ký", "Signer"),
    "organisation": ("Cơ quan, tổ chức", "Organisation"),
    "issuer": ("Tổ chức cấp chứng thư", "Certificate issuer"),
    "signing_time": ("Thời điểm ký", "Signing time"),
    "timestamp_time": ("Thời điểm của dấu thời gian", "Time-stamp time"),
    "level": ("Mức PAdES", "PAdES level"),
    "not_pades": ("không phải PAdES", "not PAdES"),
    "checks": ("Kiểm tra", "Checks"),
    "reasons": ("Lý do", "Reasons"),
    "changes": ("Thay đổi sau khi ký", "Changes after signing"),
    "intact_yes": ("Nguyên vẹn: nội dung đã ký không bị thay đổi",
                   "Intact: the signed content is unchanged"),
    "intact_no": ("Không nguyên vẹn: nội dung đã ký bị thay đổi",
                  "Not intact: the signed content was changed"),
    "valid_yes": ("Chữ ký đúng về mặt mật mã", "Cryptographically valid"),
    "valid_no": ("Chữ ký sai về mặt mật mã", "Cryptographically invalid"),
    "trusted_yes": ("Được tin cậy: chứng thư dẫn tới một chứng thư gốc tin cậy",
                    "Trusted: the certificate chains to a trust anchor"),
    "trusted_no": ("Không được tin cậy: chứng thư không dẫn tới chứng thư gốc tin cậy nào",
                   "Not trusted: the certificate does not chain to a trust anchor"),
    "revocation_good": ("Chứng thư chưa bị thu hồi", "Certificate not revoked"),
    "revocation_revoked": ("Chứng thư đã bị thu hồi", "Certificate revoked"),
    "revocation_unknown": ("Không xác định được tình trạng thu hồi chứng thư",
                           "Revocation status unknown"),
    "revocation_not_checked": ("Chưa kiểm tra tình trạng thu hồi chứng thư",
                               "Revocation status not checked"),
    "modification_none": ("Không có thay đổi nào sau khi ký", "No change after signing"),
    "modification_form_filling": (
        "Sau khi ký chỉ có thay đổi được phép (chữ ký sau, điền biểu mẫu, dữ liệu kiểm tra)",
        "Only permitted changes after signing (later signatures, form filling, "
        "validation data)"),
    "modification_annotations": ("Sau khi ký có thêm chú thích", "Annotations added after signing"),
    "modification_other": ("Tài liệu bị thay đổi sau khi ký", "The document was changed after "
                           "signing"),
    "coverage_entire_file": ("Chữ ký bao trùm toàn bộ tệp", "The signature covers the whole file"),
    "coverage_entire_revision": (
        "Chữ ký bao trùm toàn bộ phiên bản đã ký (tệp có phiên bản sau)",
        "The signature covers its whole revision (later revisions follow)"),
    "coverage_partial": ("Chữ ký chỉ bao trùm một phần tệp",
                         "The signature covers only part of the file"),
}
"""Every label and fixed sentence: key → (Vietnamese, English)."""

_DERIVED: dict[str, Reason] = {
    "no_signatures": Reason("no_signatures", "tài liệu không có chữ ký số nào",
                            "the document has no signature"),
    "digest_mismatch": Reason("digest_mismatch", "nội dung đã ký bị thay đổi",
                              "the signed content was changed"),
    "signature_invalid": Reason("signature_invalid", "chữ ký sai về mặt mật mã",
                                "a signature is cryptographically invalid"),
    "untrusted": Reason("untrusted", "chứng thư của người ký không được tin cậy",
                        "a signer's certificate is not trusted"),
    "revoked": Reason("revoked", "chứng thư của người ký đã bị thu hồi",
                      "a signer's certificate was revoked"),
    "modified_after_signing": Reason("modified_after_signing",
                                     "tài liệu bị thay đổi sau khi ký",
                                     "the document was changed after signing"),
    "unknown": Reason("unknown", "có một kiểm tra không đạt", "a check failed"),
}

_MARKS = {"ok": "✓", "bad": "✗", "neutral": "○"}


def label(key: str, lang: Lang) -> str:
    """The text of ``key`` in ``lang``."""
    vi, en = LABELS[key]
    return vi if lang == "vi" else en


def _check_lang(lang: str) -> Lang:
    if lang not in ("vi", "en"):
        raise ValueError(f"unknown language {lang!r} (vi or en)")
    return "vi" if lang == "vi" else "en"


def _say(reason: Reason, lang: Lang) -> str:
    return reason.vi if lang == "vi" else reason.en


def _when(moment: datetime | None) -> str | None:
    """``moment`` in Vietnam time (ISO 8601, ``+07:00``; naive is UTC), or None."""
    return vietnam_time(moment) if moment is not None else None


def _derived_reason(signature: SignatureReport) -> Reason:
    if not signature.intact:
        return _DERIVED["digest_mismatch"]
    if not signature.valid:
        return _DERIVED["signature_invalid"]
    if not signature.trusted:
        return _DERIVED["untrusted"]
    if signature.revocation == "revoked":
        return _DERIVED["revoked"]
    if signature.modification not in ("none", "form_filling"):
        return _DERIVED["modified_after_signing"]
    return _DERIVED["unknown"]


def first_reason(report: VerificationReport) -> Reason | None:
    """Why ``report`` is not valid, in one sentence (None when it is valid): the file's first
    reason, else the first reason of a failing signature, else one derived from its checks."""
    if report.valid:
        return None
    if report.reasons:
        return report.reasons[0]
    for signature in report.signatures:
        if not signature.ok:
            return signature.reasons[0] if signature.reasons else _derived_reason(signature)
    return _DERIVED["no_signatures"]


def verdict(report: VerificationReport, *, lang: Lang = "vi") -> str:
    """The verdict sentence: "Hợp lệ: ..." / "KHÔNG hợp lệ: <first reason>" (or English)."""
    lang = _check_lang(lang)
    reason = first_reason(report)
    if reason is None:
        return label("valid", lang)
    return f"{label('invalid', lang)}: {_say(reason, lang)}"


def _e(value: object) -> str:
    """``value`` as HTML text: NFC, markup escaped, invisible format characters (bidi
    overrides and isolates, zero-width characters) left out so that a name from a file or
    a certificate cannot show as something it is not."""
    text = unicodedata.normalize("NFC", str(value))
    return html.escape("".join(c for c in text if unicodedata.category(c) != "Cf"),
                       quote=True)


def _row(key: str, value: str | None, lang: Lang, *, code: bool = False) -> str:
    shown = _e(value) if value else f'<span class="none">{_e(label("none", lang))}</span>'
    if code and value:
        shown = f'<span class="code">{shown}</span>'
    return (f'<tr><th scope="row">{_e(label(key, lang))}</th>'
            f'<td class="value" data-key="{key}">{shown}</td></tr>')


def _check(name: str, state: str, text: str, extra: str = "") -> str:
    return (f'<tr class="check {state}" data-check="{name}"><td class="mark">'
            f'{_MARKS[state]}</td><td>{_e(text)}{extra}</td></tr>')


def _checks(signature: SignatureReport, lang: Lang) -> str:
    def yes_no(name: str, good: bool) -> str:
        return _check(name, "ok" if good else "bad",
                      label(f"{name}_{'yes' if good else 'no'}", lang))

    revocation = {"good": "ok", "revoked": "bad"}.get(signature.revocation, "neutral")
    modified_ok = signature.modification in ("none", "form_filling")
    changes = ""
    if signature.changes:
        items = "".join(f"<li>{_e(change)}</li>" for change in signature.changes)
        changes = (f'<div class="changes">{_e(label("changes", lang))}:'
                   f"<ul>{items}</ul></div>")
    return "".join((
        yes_no("intact", signature.intact),
        yes_no("valid", signature.valid),
        yes_no("trusted", signature.trusted),
        _check("revocation", revocation, label(f"revocation_{signature.revocation}", lang)),
        _check("modification", "ok" if modified_ok else "bad",
               label(f"modification_{signature.modification}", lang), changes),
        _check("coverage", "bad" if signature.coverage == "partial" else "ok",
               label(f"coverage_{signature.coverage}", lang)),
    ))


def _reasons(reasons: tuple[Reason, ...], lang: Lang, heading: str) -> str:
    if not reasons:
        return ""
    items = "".join(f'<li data-code="{_e(reason.code)}">{_e(_say(reason, lang))}</li>'
                    for reason in reasons)
    return f'<div class="reasons"><h4>{_e(heading)}</h4><ul>{items}</ul></div>'


def _card(index: int, signature: SignatureReport, lang: Lang) -> str:
    state = "ok" if signature.ok else "bad"
    badge = label("card_ok" if signature.ok else "card_bad", lang)
    level = f"PAdES {signature.level}" if signature.level else label("not_pades", lang)
    details = "".join((
        _row("field", signature.field, lang, code=True),
        _row("signer", signature.signer, lang),
        _row("organisation", signature.organisation, lang),
        _row("issuer", signature.issuer, lang),
        _row("signing_time", _when(signature.signing_time), lang),
        _row("timestamp_time", _when(signature.timestamp_time), lang),
        _row("level", level, lang),
    ))
    title = f"{label(signature.kind, lang)} {index}"
    if signature.signer:
        title += f": {signature.signer}"
    return (f'<section class="card {state}" data-field="{_e(signature.field)}">'
            f'<h3><span class="badge {state}">{_MARKS[state]} {_e(badge)}</span> '
            f'{_e(title)}</h3>'
            f'<table class="details">{details}</table>'
            f'<table class="checks">{_checks(signature, lang)}</table>'
            f'{_reasons(signature.reasons, lang, label("reasons", lang))}</section>')


def report_fragment(report: VerificationReport, *, lang: Lang = "vi") -> str:
    """The report's markup without a document around it (shared by the HTML and the PDF)."""
    lang = _check_lang(lang)
    state = "ok" if report.valid else "bad"
    mode = label("online" if report.online else "offline", lang)
    anchors = "; ".join(report.trust_anchors) or None
    size = f"{report.size:,}".replace(",", "." if lang == "vi" else ",")
    file_rows = "".join((
        _row("name", report.source, lang),
        _row("size", f"{size} {label('bytes', lang)}", lang),
        _row("sha256", report.sha256, lang, code=True),
        _row("checked_at", _when(report.checked_at), lang),
        _row("mode", mode, lang),
        _row("trust_anchors", anchors, lang),
    ))
    numbers = {"signature": 0, "document_timestamp": 0}
    cards = ""
    for signature in report.signatures:
        numbers[signature.kind] += 1  # numbered per kind: signature 1, 2; time stamp 1
        cards += _card(numbers[signature.kind], signature, lang)
    if not cards:
        cards = f'<p class="empty">{_e(label("no_signatures_found", lang))}</p>'
    return (f'<div class="verdict {state}" id="verdict" role="status">'
            f'<span class="mark">{_MARKS[state]}</span> {_e(verdict(report, lang=lang))}</div>'
            f'{_reasons(report.reasons, lang, label("problems", lang))}'
            f'<h2>{_e(label("file", lang))}</h2><table class="details file">{file_rows}</table>'
            f'<h2>{_e(label("signatures", lang))} ({len(report.signatures)})</h2>{cards}')


_CSS = """
body{font-family:"Liberation Sans",Arial,"DejaVu Sans",sans-serif;margin:0;padding:1.5rem;
color:#1f2328;background:#f6f8fa;line-height:1.45}
main{max-width:60rem;margin:0 auto}
h1{font-size:1.1rem;color:#57606a;font-weight:normal;margin:0 0 .75rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
h3{font-size:1.05rem;margin:0 0 .5rem}
h4{margin:.5rem 0 .25rem}
.verdict{font-size:1.6rem;font-weight:bold;padding:1rem 1.25rem;border-radius:.5rem;
border:2px solid}
.verdict.ok{color:#116329;background:#dafbe1;border-color:#1a7f37}
.verdict.bad{color:#82071e;background:#ffebe9;border-color:#cf222e}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.2rem .5rem}
th{width:14rem;color:#57606a;font-weight:normal}
.code{font-family:"Liberation Mono",monospace;word-break:break-all}
.none{color:#8c959f;font-style:italic}
.card{background:#fff;border:1px solid #d0d7de;border-left:6px solid;border-radius:.5rem;
padding:1rem;margin:0 0 1rem}
.card.ok{border-left-color:#1a7f37}.card.bad{border-left-color:#cf222e}
.badge{font-size:.9rem;padding:.1rem .5rem;border-radius:1rem;color:#fff}
.badge.ok{background:#1a7f37}.badge.bad{background:#cf222e}
.checks{margin-top:.5rem;border-top:1px solid #d0d7de}
.check .mark{width:1.5rem;font-weight:bold;text-align:center}
.check.ok .mark{color:#1a7f37}.check.bad .mark{color:#cf222e}
.check.neutral .mark{color:#9a6700}
.check.bad td{color:#82071e}
.reasons{color:#82071e}
.reasons ul,.changes ul{margin:.25rem 0 .25rem 1.25rem;padding:0}
"""


def report_html(report: VerificationReport, *, lang: Lang = "vi") -> str:
    """The report as a complete, self-contained HTML document (UTF-8, inline CSS, no
    external resources), in ``lang``."""
    lang = _check_lang(lang)
    title = label("title", lang)
    return unicodedata.normalize("NFC", (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}: {_e(report.source)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n<h1>{_e(title)}</h1>\n{report_fragment(report, lang=lang)}\n"
        "</main>\n</body>\n</html>\n"))


def report_pdf(report: VerificationReport, *, lang: Lang = "vi") -> bytes:
    """The report as an A4 PDF with the same content as :func:`report_html`, its text in a
    font with every Vietnamese letter (see :mod:`signing.verify.render_pdf`)."""
    from signing.verify.render_pdf import fragment_to_pdf

    lang = _check_lang(lang)
    title = label("title", lang)
    return fragment_to_pdf(
        f"<h1>{_e(title)}</h1>{report_fragment(report, lang=lang)}",
        title=f"{title}: {unicodedata.normalize('NFC', report.source)}",
        created=report.checked_at, lang=lang)
