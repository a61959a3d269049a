"""edXML messages at the library level: round trip, tampering, other writers' styles and
hostile XML."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from lxml import etree  # type: ignore[import-untyped]
from signxml import methods
from signxml.signer import XMLSigner

from signing.edxml.errors import EdxmlError, EdxmlTooLargeError, HostileXmlError
from signing.edxml.model import (
    Attachment,
    Business,
    Code,
    DocType,
    Message,
    Organ,
    Promulgation,
    ResponseFor,
    SignerInfo,
    Status,
    message_json,
)
from signing.edxml.parse import read_message, read_message_file
from signing.edxml.write import write_message
from tests.signing.edxml.conftest import AgencyKey

LIMIT = 10_000_000
NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40
MESSAGE = Message(
    kind="edoc", sender=Organ("000.00.01.H26", "Ủy ban nhân dân xã Tân Lập"),
    receivers=(Organ("000.00.02.H26", "Ủy ban nhân dân xã Đông Hòa"),
               Organ("000.00.03.H26", "Sở Nội vụ")),
    document_id="000.00.01.H26,2026/03/02,45/UBND-VP", code=Code("45", "UBND-VP"),
    subject="Về việc triển khai chuyển đổi số năm 2026", content="Nội dung",
    doc_type=DocType("2", "Công văn"), promulgation=Promulgation("Tân Lập", date(2026, 3, 2)),
    signer=SignerInfo("KT. CHỦ TỊCH", "Phó Chủ tịch", "Lê Văn Miều"),
    due_date=date(2026, 3, 20), priority=1, steering_type=2,
    to_places=("Như trên;", "Lưu: VT, VP."), business=Business(0),
    attachments=(Attachment("45-UBND-VP.pdf", "application/pdf", PDF),))
NOW = datetime(2026, 3, 2, 9, 30, 0)


def _written(agency: AgencyKey, message: Message = MESSAGE) -> bytes:
    return write_message(message, agency.private_key, agency.certificate, now=NOW)


def test_round_trip_gives_back_every_header_field(agency_key: AgencyKey) -> None:
    read = read_message(_written(agency_key), source="m.edxml", max_bytes=LIMIT)
    assert read.signature.present
    assert read.signature.valid
    assert read.signature.signer == "UỶ BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"
    expected = message_json(replace(MESSAGE, signature=read.signature))
    assert message_json(read) == expected
    assert read.attachments[0].data == PDF
    assert [(hop.organ_id, hop.timestamp) for hop in read.traces] == [("000.00.01.H26", NOW)]


def test_status_message_round_trip(agency_key: AgencyKey) -> None:
    status = Message(kind="status", sender=Organ("000.00.02.H26", "UBND xã Đông Hòa"),
                     document_id="000.00.01.H26,2026/03/02,45/UBND-VP",
                     response_for=ResponseFor("000.00.01.H26",
                                              "000.00.01.H26,2026/03/02,45/UBND-VP",
                                              "45/UBND-VP", date(2026, 3, 2)),
                     status=Status("03", "Đã tiếp nhận", datetime(2026, 3, 2, 10, 0, 5)))
    value = message_json(read_message(_written(agency_key, status), source="s",
                                      max_bytes=LIMIT))
    assert value["kind"] == "status"
    assert value["status"] == {"code": "03", "description": "Đã tiếp nhận",
                               "timestamp": "2026-03-02T10:00:05"}
    assert value["response_for"] == {"organ_id": "000.00.01.H26",
                                     "document_id": "000.00.01.H26,2026/03/02,45/UBND-VP",
                                     "code": "45/UBND-VP"}
    assert value["signature"]["valid"] is True


def test_a_byte_changed_in_the_header_or_an_attachment_is_detected(
        agency_key: AgencyKey) -> None:
    data = _written(agency_key)
    header = data.replace(b"<edXML:CodeNumber>45<", b"<edXML:CodeNumber>46<")
    assert header != data
    assert read_message(header, source="h", max_bytes=LIMIT).signature.valid is False
    encoded = base64.b64encode(PDF).decode()
    tampered = encoded[:100] + ("A" if encoded[100] != "A" else "B") + encoded[101:]
    changed = data.replace(encoded.encode(), tampered.encode())
    read = read_message(changed, source="a", max_bytes=LIMIT)
    assert read.signature.valid is False
    assert read.attachments[0].sha256 != Attachment("x", "x", PDF).sha256


def test_verified_against_the_registered_certificate(agency_key: AgencyKey,
                                                     tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.serialization import pkcs12

    from signing.pki import init_pki

    init_pki(tmp_path / "other")
    _, other, _ = pkcs12.load_key_and_certificates(
        (tmp_path / "other" / "clerk.p12").read_bytes(), b"1234")
    assert other is not None
    data = _written(agency_key)
    assert read_message(data, source="m", max_bytes=LIMIT,
                        expected=agency_key.certificate).signature.valid is True
    check = read_message(data, source="m", max_bytes=LIMIT, expected=other).signature
    assert check.valid is False


class _Sha1Signer(XMLSigner):
    """signxml refuses to write sha1 signatures; older exchange software still does."""

    def check_deprecated_methods(self) -> None:
        return None


def _foreign_style(agency: AgencyKey) -> bytes:
    """A message as other software writes it: no prefixes, children in another order,
    attachments outside the envelope, an rsa-sha1 signature at the end of the root."""
    encoded = base64.b64encode(PDF).decode()
    text = f"""<edXML xmlns="{NS}"><edXMLEnvelope><edXMLHeader><MessageHeader>
      <Subject>Về việc   họp giao ban</Subject>
      <From><OrganName>Văn phòng Chính phủ</OrganName><OrganId>000.00.00.G22</OrganId></From>
      <To><OrganId>000.00.01.H26</OrganId><OrganName>UBND xã Tân Lập</OrganName></To>
      <DocumentId>000.00.00.G22,2015/09/30,7816/VPCP-TTĐT</DocumentId>
      <Code><CodeNotation>VPCP-TTĐT</CodeNotation><CodeNumber>7816</CodeNumber></Code>
      <PromulgationInfo><PromulgationDate>2015/09/30</PromulgationDate><Place>Hà Nội</Place>
      </PromulgationInfo>
      <DocumentType><Type>1</Type><TypeName>Công văn</TypeName></DocumentType>
      <SignerInfo><Competence>KT. BỘ TRƯỞNG</Competence><FullName>Nguyễn Văn A</FullName>
      </SignerInfo><DueDate></DueDate><OtherInfo><Priority>2</Priority></OtherInfo>
      <SteeringType>1</SteeringType><ToPlaces><Place>Như trên</Place></ToPlaces>
      </MessageHeader><TraceHeaderList><TraceHeader><OrganId>000.00.00.G22</OrganId>
      <Timestamp>2015/09/30 10:11:12</Timestamp></TraceHeader><Bussiness>
      <BussinessDocType>0</BussinessDocType></Bussiness></TraceHeaderList></edXMLHeader>
      <edXMLBody><edXMLManifest version="1.0"/></edXMLBody></edXMLEnvelope>
      <AttachmentEncoded><Attachment><ContentId>cid:1</ContentId>
      <AttachmentName>7816.pdf</AttachmentName><ContentType>application/pdf</ContentType>
      <ContentTransferEncoded>{encoded[:60]}
      {encoded[60:]}</ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>"""
    root = etree.fromstring(text.encode())
    signer = _Sha1Signer(method=methods.enveloped, signature_algorithm="rsa-sha1",
                         digest_algorithm="sha1")
    signed = signer.sign(root, key=agency.private_key, cert=[agency.certificate])
    data: bytes = etree.tostring(signed, xml_declaration=True, encoding="UTF-8")
    return b"\n" + data


def test_other_software_style_is_read(agency_key: AgencyKey) -> None:
    value = message_json(read_message(_foreign_style(agency_key), source="f",
                                      max_bytes=LIMIT))
    assert value["from"] == {"organ_id": "000.00.00.G22", "name": "Văn phòng Chính phủ"}
    assert value["code"] == {"number": "7816", "notation": "VPCP-TTĐT"}
    assert value["subject"] == "Về việc   họp giao ban"
    assert value["promulgation"] == {"place": "Hà Nội", "date": "2015-09-30"}
    assert value["due_date"] is None
    assert value["priority"] == 2
    assert value["signer"] == {"competence": "KT. BỘ TRƯỞNG", "position": None,
                               "full_name": "Nguyễn Văn A"}
    assert value["attachments"][0]["size"] == len(PDF)
    assert value["signature"] == {"present": True, "valid": True,
                                  "signer": "UỶ BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"}


HOSTILE = {
    "external entity": b"""<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM
        "file:///etc/passwd">]><edXML xmlns="%s"><a>&x;</a></edXML>""" % NS.encode(),
    "billion laughs": b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
        <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
        <edXML>&lol3;</edXML>""",
    "doctype": b"""<!DOCTYPE edXML SYSTEM "http://example.invalid/edxml.dtd"><edXML/>""",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_xml_is_refused(name: str) -> None:
    with pytest.raises(HostileXmlError) as caught:
        read_message(HOSTILE[name], source="evil.edxml", max_bytes=LIMIT)
    assert str(caught.value).startswith("evil.edxml: refused")


def test_oversized_message_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.edxml"
    with path.open("wb") as file:
        file.truncate(LIMIT + 1)  # sparse: nothing is written
    with pytest.raises(EdxmlTooLargeError, match="more than the limit"):
        read_message_file(path, max_bytes=LIMIT)


@pytest.mark.parametrize(("data", "problem"), [
    (b"hello", "no XML"), (b"<html><body/></html>", "root element is <html>"),
    (b"<edXML xmlns='urn:x'/>", "namespace"), (b"<edXML><broken>", "not well-formed"),
    (b"<edXML/>", "no MessageHeader")])
def test_not_edxml_is_named(data: bytes, problem: str) -> None:
    with pytest.raises(EdxmlError, match=problem) as caught:
        read_message(data, source="x.edxml", max_bytes=LIMIT)
    assert str(caught.value).startswith("x.edxml: ")


def test_an_attachment_of_twelve_megabytes_is_read_and_verified(agency_key: AgencyKey) -> None:
    """libxml2 refuses a text node over 10 MB unless told otherwise: a scanned 12 MB PDF
    (16 MB of base64) is an ordinary attachment, so the reader must take it."""
    big = b"%PDF-1.7\n" + bytes(range(256)) * (12 * 1024 * 4)
    message = replace(MESSAGE, attachments=(Attachment("big.pdf", "application/pdf", big),))
    data = _written(agency_key, message)
    assert len(data) > 16_000_000
    read = read_message(data, source="big.edxml", max_bytes=len(data) + 1)
    assert read.signature.valid
    assert read.attachments[0].data == big
    assert read.attachments[0].size == len(big)
