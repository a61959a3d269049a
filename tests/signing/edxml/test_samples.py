"""Messages as other exchange software writes them (the samples of ``samples/``, see its
README for sources and quirks) read right, by the library and by the real
``sohoa edxml read --json``: every field of the JSON, dates ISO, texts NFC, attachments'
size and SHA-256, and the signature present, valid or not as each sample makes it."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from lxml import etree  # type: ignore[import-untyped]
from signxml.exceptions import InvalidInput, InvalidSignature
from signxml.verifier import XMLVerifier

from signing.edxml import dsig
from signing.edxml.errors import EdxmlError
from signing.edxml.model import message_json
from signing.edxml.parse import hardened_parser, read_message, read_message_file
from tests.signing.edxml.samples import generate
from tests.support.cli import run

SAMPLES = Path(__file__).parent / "samples"
LIMIT = 10_000_000
UNSIGNED = {"present": False, "valid": None, "signer": None}
VALID = {"present": True, "valid": True, "signer": generate.SIGNER}
NO_CODE = {"number": None, "notation": None}
NOBODY = {"competence": None, "position": None, "full_name": None}


def _file(data: bytes, name: str, content_type: str) -> dict[str, Any]:
    return {"name": name, "content_type": content_type, "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}


def _status(sender: dict[str, str], response_for: dict[str, str],
            status: dict[str, str], signature: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "status", "document_id": None, "from": sender, "to": [],
            "code": NO_CODE, "subject": None, "doc_type": {"type": None, "name": None},
            "promulgation": {"place": None, "date": None}, "signer": NOBODY,
            "due_date": None, "priority": None, "steering_type": None, "to_places": [],
            "business": {"type": 0, "reason": None}, "response_for": response_for,
            "status": status, "attachments": [], "signature": signature}


NGHE_AN = {"organ_id": "000.00.00.H41", "name": "UBND Tỉnh Nghệ An"}
EXPECTED: dict[str, dict[str, Any]] = {
    "vpcp-sdk-edoc-new.edxml": {
        "kind": "edoc", "document_id": "000.00.00.G22,2019/04/11,7816/VPCP-TTĐT",
        "from": {"organ_id": "000.00.00.G22", "name": "Văn phòng Chính phủ"},
        "to": [NGHE_AN, {"organ_id": "000.00.00.H14", "name": "UBND Tỉnh Cao Bằng"},
               {"organ_id": "000.00.00.G17",
                "name": "Sở Thông tin và Truyền thông Hải Phòng"}],
        "code": {"number": "7816", "notation": "VPCP-TTĐT"},
        "subject": "V/v kết nối, liên thông phần mềm quản lý văn bản",
        "doc_type": {"type": "1", "name": "Công văn"},
        "promulgation": {"place": "Hà Nội", "date": "2019-04-11"},
        "signer": {"competence": "TL. BO TRUONG",
                   "position": "Cuc truong cuc ung dung cong nghe thong tin",
                   "full_name": "Nguyen Van Mau"},
        "due_date": "2019-04-11", "priority": 0, "steering_type": 1,
        "to_places": ["Cac bo va co quan ngang bo", "Uy ban nhan dan cac tinh, TP"],
        "business": {"type": 0, "reason": "Văn bản điện tử mới"},
        "response_for": None, "status": None,
        "attachments": [_file(generate.zip_attachment(), "1896_QD-TTg_mau.doc",
                              "application/zip")],
        "signature": {"present": True, "valid": False, "signer": None}},
    "vpcp-sdk-edoc-signed.edxml": {
        "kind": "edoc", "document_id": "9fbfbad2-f1f8-4256-a2eb-50fb1061cddb",
        "from": {"organ_id": "777.77.04.D77", "name": "Văn phòng Chính phủ"},
        "to": [{"organ_id": "777.77.03.D77", "name": "Trung tâm thử nghiệm 02"}],
        "code": {"number": "3232sss", "notation": "PRO-TEST-CASE1"},
        "subject": "Văn bản liên thông chỉ đạo - 190701",
        "doc_type": {"type": "1", "name": "Thông tư"},
        "promulgation": {"place": "Hà Nội", "date": "2019-01-17"},
        "signer": {"competence": "Quyền 1", "position": "Bộ trưởng",
                   "full_name": "Trần Văn Mẫu"},
        "due_date": "2018-06-25", "priority": 0, "steering_type": 1,
        "to_places": ["Các bộ"], "business": {"type": 0, "reason": None},
        "response_for": None, "status": None,
        "attachments": [_file(generate.pdf_attachment("GUIDE_INSTALL OPENVPN"),
                              "GUIDE_INSTALL OPENVPN.SIGNED.PDF", "application/pdf")],
        "signature": VALID},
    "vnpt-sdk-status-01.edxml": _status(
        NGHE_AN,
        {"organ_id": "000.00.00.G22", "code": "7816/VPCP-TTĐT",
         "document_id": "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"},
        {"code": "01", "description": generate.STATUS_01_DESCRIPTION,
         "timestamp": "2019-04-11T08:15:02"}, UNSIGNED),
    "java-status-03-signed.edxml": _status(
        NGHE_AN,
        {"organ_id": "000.00.00.G22", "code": "7816/VPCP-TTĐT",
         "document_id": "000.00.00.G22,2023/03/14,7816/VPCP-TTĐT"},
        {"code": "03", "description": "Đã tiếp nhận",
         "timestamp": "2023-03-15T09:05:07.250000+07:00"}, VALID),
    "lgsp-sdk-edoc.edxml": {
        "kind": "edoc", "document_id": "H37.DN.001,2025/11/03,123/CV-MT",
        "from": {"organ_id": "H37.DN.001", "name": "Công ty CP Mẫu Thử"},
        "to": [{"organ_id": "000.00.00.H37", "name": "UBND tỉnh Lạng Sơn"}],
        "code": {"number": "123", "notation": "CV-MT"},
        "subject": "Về việc báo cáo tình hình hoạt động quý IV",
        "doc_type": {"type": "18", "name": "Công văn"},
        "promulgation": {"place": "N/A", "date": "2025-11-03"},
        "signer": {"competence": "Truc tiep", "position": "Giám đốc",
                   "full_name": "Lê Thị Mẫu"},
        "due_date": "2025-11-05", "priority": 0, "steering_type": 0,
        "to_places": ["UBND tỉnh Lạng Sơn"],
        "business": {"type": 0, "reason": "Van ban dien tu moi"},
        "response_for": None, "status": None,
        "attachments": [_file(generate.pdf_attachment("Bao cao quy IV"),
                              generate.LGSP_ATTACHMENT_NAME, "application/pdf")],
        "signature": UNSIGNED},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_library_reads_each_sample(name: str) -> None:
    value = message_json(read_message_file(SAMPLES / name, max_bytes=LIMIT))
    assert value == EXPECTED[name]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A fresh installation's environment (``edxml read`` needs no unit or key)."""
    values = {key: value for key, value in os.environ.items() if not key.startswith("SOHOA_")}
    values["SOHOA_DATA_DIR"] = str(tmp_path / "data")
    return values


def test_sohoa_edxml_read_json_gives_each_sample(env: dict[str, str]) -> None:
    for name, expected in sorted(EXPECTED.items()):
        done = run(["edxml", "read", str(SAMPLES / name), "--json"], env)
        assert done.returncode == 0, (name, done.stderr)
        assert json.loads(done.stdout) == expected, name


def test_the_published_template_that_is_not_xml_exits_2_with_one_line(
        env: dict[str, str]) -> None:
    path = SAMPLES / "vpcp-sdk-edoc-broken.edxml"
    with pytest.raises(EdxmlError, match="not well-formed XML"):
        read_message_file(path, max_bytes=LIMIT)
    done = run(["edxml", "read", str(path), "--json"], env)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"sohoa edxml: {path}: not an edXML message: not well-formed")


def test_decomposed_text_comes_out_nfc() -> None:
    status = (SAMPLES / "vnpt-sdk-status-01.edxml").read_bytes().decode()
    lgsp = (SAMPLES / "lgsp-sdk-edoc.edxml").read_bytes().decode()
    assert unicodedata.normalize("NFD", generate.STATUS_01_DESCRIPTION) in status
    assert unicodedata.normalize("NFD", generate.LGSP_ATTACHMENT_NAME) in lgsp
    description = read_message_file(SAMPLES / "vnpt-sdk-status-01.edxml",
                                    max_bytes=LIMIT).status
    assert description is not None
    assert description.description is not None
    assert unicodedata.is_normalized("NFC", description.description)
    name = read_message_file(SAMPLES / "lgsp-sdk-edoc.edxml", max_bytes=LIMIT).attachments
    assert name[0].name == unicodedata.normalize("NFC", generate.LGSP_ATTACHMENT_NAME)


def _signed(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def test_a_dotnet_style_signature_needs_the_xmlns_fix_and_still_catches_tampering() -> None:
    data = _signed("vpcp-sdk-edoc-signed.edxml")
    root = etree.fromstring(data, parser=hardened_parser())
    certificate = dsig.embedded_certificate(root)
    assert certificate is not None
    with pytest.raises((InvalidSignature, InvalidInput)):  # signxml alone: issue #193
        XMLVerifier().verify(root, x509_cert=certificate, parser=hardened_parser(),
                             expect_config=dsig.ACCEPTED)
    read = read_message(data, source="b", max_bytes=LIMIT, expected=certificate)
    assert read.signature.valid is True
    subject = "Văn bản liên thông chỉ đạo - 190701".encode()
    header = data.replace(subject, subject.replace(b"190701", b"190702"))
    assert header != data
    assert read_message(header, source="b", max_bytes=LIMIT).signature.valid is False
    encoded = base64.b64encode(generate.pdf_attachment("GUIDE_INSTALL OPENVPN"))
    flipped = encoded[:40] + (b"B" if encoded[40:41] != b"B" else b"C") + encoded[41:]
    tampered = data.replace(encoded, flipped)
    assert tampered != data
    check = read_message(tampered, source="b", max_bytes=LIMIT).signature
    assert check.valid is False
    assert "digest" in (check.problem or "").lower()  # the inbox's "tampered attachment"


def test_a_santuario_style_status_signature_detects_a_changed_code() -> None:
    data = _signed("java-status-03-signed.edxml")
    assert b"&#13;\n" in data
    changed = data.replace(b"<edXML:StatusCode>03<", b"<edXML:StatusCode>06<")
    assert changed != data
    read = read_message(changed, source="s", max_bytes=LIMIT)
    assert read.status is not None
    assert read.status.code == "06"
    assert read.signature.valid is False


def test_the_unsigned_samples_are_what_the_generator_writes() -> None:
    assert _signed("vnpt-sdk-status-01.edxml").decode() == generate.vnpt_sdk_status_01()
    assert _signed("lgsp-sdk-edoc.edxml").decode() == generate.lgsp_sdk_edoc()
    assert _signed("vpcp-sdk-edoc-new.edxml").decode() == generate.vpcp_sdk_edoc_new()
    assert _signed("vpcp-sdk-edoc-broken.edxml").decode() == generate.VPCP_SDK_EDOC_BROKEN
