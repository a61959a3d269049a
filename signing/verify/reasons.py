"""Reasons a person understands, in Vietnamese and English, by stable code."""

from __future__ import annotations

from signing.verify.model import Reason

_TEXTS: dict[str, tuple[str, str]] = {
    "no_signatures": ("Tài liệu không có chữ ký số nào.",
                      "The document has no digital signature."),
    "unreadable": ("Không đọc được tệp PDF hoặc cấu trúc chữ ký của nó: {detail}.",
                   "The PDF or its signature structure cannot be read: {detail}."),
    "digest_mismatch": ("Nội dung đã bị thay đổi sau khi ký: mã băm của phần được ký không "
                        "khớp với chữ ký.",
                        "The signed content was altered after signing: its digest does not "
                        "match the signature."),
    "signature_invalid": ("Giá trị chữ ký không hợp lệ với chứng thư số của người ký.",
                          "The signature value is not valid for the signer's certificate."),
    "untrusted": ("Chứng thư số không thuộc chuỗi tin cậy nào được cấu hình ({detail}).",
                  "The certificate does not chain to a trusted root ({detail})."),
    "revoked": ("Chứng thư số của người ký đã bị thu hồi ({detail}).",
                "The signer's certificate has been revoked ({detail})."),
    "expired": ("Chứng thư số không còn hiệu lực tại thời điểm ký hoặc kiểm tra ({detail}).",
                "The certificate was not valid at the signing or checking time ({detail})."),
    "modified_after_signing": ("Tài liệu đã bị sửa sau khi ký: {detail}.",
                               "The document was changed after it was signed: {detail}."),
    "not_whole_file": ("Chữ ký không bao phủ toàn bộ tệp ở phiên bản của nó.",
                       "The signature does not cover the whole file as of its revision."),
    "byte_range_invalid": ("Vùng byte được ký không hợp lệ: {detail}.",
                           "The signed byte range is invalid: {detail}."),
    "timestamp_invalid": ("Dấu thời gian không hợp lệ hoặc không được tin cậy.",
                          "The time stamp is not valid or not trusted."),
    "not_signing_certificate": ("Chứng thư số không dùng để ký văn bản: {detail}.",
                                "The certificate is not one for signing documents: {detail}."),
    "weak_algorithm": ("Thuật toán mật mã không còn an toàn: {detail}.",
                       "The cryptographic algorithm is no longer safe: {detail}."),
}


def reason(code: str, detail: str = "") -> Reason:
    """The :class:`Reason` of ``code``, with ``detail`` filled in where the text has it."""
    vietnamese, english = _TEXTS[code]
    return Reason(code=code, vi=vietnamese.format(detail=detail),
                  en=english.format(detail=detail))
