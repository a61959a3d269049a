"""Write the edXML samples of this directory: hand-written equivalents of messages as other
exchange software writes them (see README.md for the sources and the quirks each keeps).

The texts below are written by hand, element by element, in the layout of each source;
the signed ones are signed here the way their writers sign (inclusive C14N with only the
enveloped transform and rsa-sha1, or Apache Santuario's ``ds:`` prefix with base64 wrapped
at 76 columns by ``&#13;`` line ends) by a throwaway key made on each run, whose
self-signed certificate travels in ``KeyInfo``. Run from the repository root::

    .venv/bin/python -m tests.signing.edxml.samples.generate

Attachment bytes are fixed, so their SHA-256 (asserted by the tests) stays the same from
one run to the next; only the signatures change.
"""

# The samples keep their writers' lines, however long:
# ruff: noqa: E501
from __future__ import annotations

import base64
import hashlib
import io
import unicodedata
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from lxml import etree  # type: ignore[import-untyped]

HERE = Path(__file__).parent
DSIG = "http://www.w3.org/2000/09/xmldsig#"
SIGNER = "VĂN PHÒNG MẪU THỬ EDXML"
"""The throwaway certificate's common name (what ``signature.signer`` reads)."""


def zip_attachment() -> bytes:
    """A small zip (fixed dates, so fixed bytes), sent as ``application/zip`` under a
    ``.doc`` name as the national axis SDK sample does."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        info = zipfile.ZipInfo("noi-dung.txt", date_time=(2019, 1, 16, 0, 0, 0))
        archive.writestr(info, "Công văn về việc kết nối, liên thông phần mềm.\n")
    return buffer.getvalue()


def pdf_attachment(label: str) -> bytes:
    """A few fixed bytes that start like a PDF."""
    return (f"%PDF-1.4\n% {label}\n".encode() + bytes(range(256)) * 3 + b"\n%%EOF\n")


def wrap(text: str, width: int, newline: str) -> str:
    """``text`` cut into lines of ``width`` joined by ``newline``."""
    return newline.join(text[i:i + width] for i in range(0, len(text), width))


def throwaway_key() -> tuple[rsa.RSAPrivateKey, str]:
    """A fresh RSA key and its self-signed certificate (base64 DER)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.COMMON_NAME, SIGNER)])
    now = datetime.now(UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(days=1))
                   .not_valid_after(now + timedelta(days=3650))
                   .sign(key, hashes.SHA256()))
    der = certificate.public_bytes(serialization.Encoding.DER)
    return key, base64.b64encode(der).decode()


def _c14n(node: etree._Element | etree._ElementTree, *, exclusive: bool) -> bytes:
    """C14N as .NET and Java write it. lxml, given a subtree under a redeclared default
    namespace, adds ``xmlns=""`` to grandchildren (signxml issue #193); C14N renders no
    such declaration there, and these messages never need one, so it is taken out."""
    canonical: bytes = etree.tostring(node, method="c14n", exclusive=exclusive,
                                      with_comments=False)
    return canonical.replace(b' xmlns=""', b"")


def sign_text(template: str, key: rsa.RSAPrivateKey, *, exclusive: bool, sha256: bool,
              newline: str = "") -> str:
    """Fill ``{digest}`` and ``{signature}`` of ``template`` (the one enveloped
    ``Signature`` in it, ``Reference URI=""``) as its writer computes them: the document
    without the signature element (its tail kept) canonicalised, then ``SignedInfo``
    canonicalised and signed with PKCS#1 v1.5. ``newline`` non-empty wraps the signature
    value at 76 columns with it."""
    algorithm = hashes.SHA256() if sha256 else hashes.SHA1()
    hasher = hashlib.sha256 if sha256 else hashlib.sha1
    root = etree.fromstring(template.format(digest="", signature="").encode())
    signature = root.find(f".//{{{DSIG}}}Signature")
    parent = signature.getparent()
    previous = signature.getprevious()
    if signature.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + signature.tail
        else:
            parent.text = (parent.text or "") + signature.tail
    parent.remove(signature)
    canonical = _c14n(root.getroottree(), exclusive=exclusive)
    digest = base64.b64encode(hasher(canonical).digest()).decode()
    root = etree.fromstring(template.format(digest=digest, signature="").encode())
    signed_info = root.find(f".//{{{DSIG}}}SignedInfo")
    value = key.sign(_c14n(signed_info, exclusive=exclusive), padding.PKCS1v15(), algorithm)
    encoded = base64.b64encode(value).decode()
    return template.format(digest=digest,
                           signature=wrap(encoded, 76, newline) if newline else encoded)


# --- A. the national axis SDK sample edoc_new.edxml -------------------------------------

VPCP_SDK_EDOC_NEW = """<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From>
          <edXML:OrganId>000.00.00.G22</edXML:OrganId>
          <edXML:OrganizationInCharge>Văn phòng Chính phủ</edXML:OrganizationInCharge>
          <edXML:OrganName>Văn phòng Chính phủ</edXML:OrganName>
          <edXML:OrganAdd>Số 1 Hoàng Hoa Thám, Quận Ba Đình, Hà Nội</edXML:OrganAdd>
          <edXML:Email>vanthu@example.gov.vn</edXML:Email>
          <edXML:Telephone>0240000000</edXML:Telephone>
          <edXML:Fax>0240000001</edXML:Fax>
          <edXML:Website>example.gov.vn</edXML:Website>
        </edXML:From>
        <edXML:To>
          <edXML:OrganId>000.00.00.H41</edXML:OrganId>
          <edXML:OrganizationInCharge>UBND Tỉnh Nghệ An</edXML:OrganizationInCharge>
          <edXML:OrganName>UBND Tỉnh Nghệ An</edXML:OrganName>
          <edXML:OrganAdd>Thành phố Vinh, Tỉnh Nghệ An</edXML:OrganAdd>
          <edXML:Email>vanthu@nghean.example.vn</edXML:Email>
          <edXML:Telephone>0238000000</edXML:Telephone>
          <edXML:Fax>0238000001</edXML:Fax>
          <edXML:Website>nghean.example.vn</edXML:Website>
        </edXML:To>
        <edXML:To>
          <edXML:OrganId>000.00.00.H14</edXML:OrganId>
          <edXML:OrganizationInCharge>UBND Tỉnh Cao Bằng</edXML:OrganizationInCharge>
          <edXML:OrganName>UBND Tỉnh Cao Bằng</edXML:OrganName>
          <edXML:OrganAdd>Thành phố Cao Bằng, Tỉnh Cao Bằng</edXML:OrganAdd>
          <edXML:Email>vanthu@caobang.example.vn</edXML:Email>
          <edXML:Telephone>0206000000</edXML:Telephone>
          <edXML:Fax>0206000001</edXML:Fax>
          <edXML:Website>caobang.example.vn</edXML:Website>
        </edXML:To>
        <edXML:To>
          <edXML:OrganId>000.00.00.G17</edXML:OrganId>
          <edXML:OrganizationInCharge>Sở Thông tin và Truyền thông Hải Phòng</edXML:OrganizationInCharge>
          <edXML:OrganName>Sở Thông tin và Truyền thông Hải Phòng</edXML:OrganName>
          <edXML:OrganAdd>Ngô Quyền, Hải Phòng</edXML:OrganAdd>
          <edXML:Email>vanthu@haiphong.example.vn</edXML:Email>
          <edXML:Telephone>(0225) 000 000</edXML:Telephone>
          <edXML:Fax>(0225) 000 001</edXML:Fax>
          <edXML:Website>www.haiphong.example.vn</edXML:Website>
        </edXML:To>
        <edXML:DocumentId>000.00.00.G22,2019/04/11,7816/VPCP-TTĐT</edXML:DocumentId>
        <edXML:Code>
          <edXML:CodeNumber>7816</edXML:CodeNumber>
          <edXML:CodeNotation>VPCP-TTĐT</edXML:CodeNotation>
        </edXML:Code>
        <edXML:PromulgationInfo>
          <edXML:Place>Hà Nội</edXML:Place>
          <edXML:PromulgationDate>2019/04/11</edXML:PromulgationDate>
        </edXML:PromulgationInfo>
        <edXML:DocumentType>
          <edXML:Type>1</edXML:Type>
          <edXML:TypeDetail>0</edXML:TypeDetail>
          <edXML:TypeName>Công văn</edXML:TypeName>
        </edXML:DocumentType>
        <edXML:Subject>V/v kết nối, liên thông phần mềm quản lý văn bản</edXML:Subject>
        <edXML:Content>V/v kết nối, liên thông phần mềm quản lý văn bản</edXML:Content>
        <edXML:SignerInfo>
          <edXML:Competence>TL. BO TRUONG</edXML:Competence>
          <edXML:Position>Cuc truong cuc ung dung cong nghe thong tin</edXML:Position>
          <edXML:FullName>Nguyen Van Mau</edXML:FullName>
        </edXML:SignerInfo>
        <edXML:DueDate>2019/04/11</edXML:DueDate>
        <edXML:OtherInfo>
          <edXML:Priority>0</edXML:Priority>
          <edXML:SphereOfPromulgation>Liên thông văn bản quốc gia</edXML:SphereOfPromulgation>
          <edXML:TyperNotation>TVC</edXML:TyperNotation>
          <edXML:PromulgationAmount>2</edXML:PromulgationAmount>
          <edXML:PageAmount>22</edXML:PageAmount>
          <edXML:Direction>false</edXML:Direction>
          <edXML:Appendixes>
            <edXML:Appendix>Công văn về việc kết nối, liên thông phần mềm quản lý văn bản</edXML:Appendix>
          </edXML:Appendixes>
        </edXML:OtherInfo>
        <edXML:SteeringType>1</edXML:SteeringType>
        <edXML:ToPlaces>
          <edXML:Place>Cac bo va co quan ngang bo</edXML:Place>
          <edXML:Place>Uy ban nhan dan cac tinh, TP</edXML:Place>
        </edXML:ToPlaces>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList>
        <edXML:Bussiness>
          <edXML:DocumentId>000.00.00.G22,2014/02/30,7806/VPCP-TTĐT</edXML:DocumentId>
          <edXML:BussinessDocType>0</edXML:BussinessDocType>
          <edXML:BussinessDocReason>Văn bản điện tử mới</edXML:BussinessDocReason>
          <edXML:Paper>0</edXML:Paper>
          <edXML:StaffInfo>
            <edXML:Department>Văn thư văn phòng</edXML:Department>
            <edXML:Staff>Nguyễn Thị Mẫu</edXML:Staff>
            <edXML:Email>vanthu@example.gov.vn</edXML:Email>
            <edXML:Mobile>84900000000</edXML:Mobile>
          </edXML:StaffInfo>
        </edXML:Bussiness>
        <edXML:TraceHeader>
          <edXML:OrganId>000.00.00.G22</edXML:OrganId>
          <edXML:Timestamp>2019/04/11 00:00:00</edXML:Timestamp>
        </edXML:TraceHeader>
      </edXML:TraceHeaderList>
      <Signature>
        <SignedInfo>
          <CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315" />
          <SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1" />
          <Reference URI="">
            <Transforms>
              <Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature" />
              <Transform Algorithm="http://www.w3.org/TR/xml-exc-c14n#" />
            </Transforms>
            <DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1" />
            <DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAA=</DigestValue>
          </Reference>
        </SignedInfo>
        <SignatureValue>{signature}</SignatureValue>
        <KeyInfo>
          <X509Data>
            <X509SubjectName>CN=user05</X509SubjectName>
            <X509Certificate>MIIFqTCCBJG</X509Certificate>
          </X509Data>
        </KeyInfo>
      </Signature>
    </edXML:edXMLHeader>
    <edXML:edXMLBody>
      <edXML:edXMLManifest version="1.0">
        <edXML:Reference>
          <edXML:ContentId>cid:209</edXML:ContentId>
          <edXML:ContentType>application/zip</edXML:ContentType>
          <edXML:Description>1896_QD-TTg_mau.doc</edXML:Description>
          <edXML:AttachmentName>1896_QD-TTg_mau.doc</edXML:AttachmentName>
        </edXML:Reference>
      </edXML:edXMLManifest>
    </edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded>
    <Attachment>
      <ContentId>cid:209</ContentId>
      <AttachmentName>1896_QD-TTg_mau.doc</AttachmentName>
      <Description>1896_QD-TTg_mau.doc</Description>
      <ContentType>application/zip</ContentType>
      <edXML:ContentTransferEncoded xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">{attachment}</edXML:ContentTransferEncoded>
    </Attachment>
  </AttachmentEncoded>
</edXML>
"""


def vpcp_sdk_edoc_new() -> str:
    """Sample A: its ``Signature`` has no namespace of its own (so it falls in the edXML
    default namespace), a truncated certificate and a made-up value: not verifiable."""
    signature = base64.b64encode(hashlib.sha512(b"placeholder").digest() * 4).decode()
    return VPCP_SDK_EDOC_NEW.format(
        signature=signature, attachment=base64.b64encode(zip_attachment()).decode())


# --- B. the same SDK's edoc.edxml (a JMeter template), repaired and really signed -------

VPCP_SDK_EDOC = """<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016" xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016" xmlns:xlink="http://www.w3.org/1999/xlink">
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <!-- XML 102 -->
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
\t\t\t\t<edXML:From>
\t\t\t\t\t<edXML:OrganId>777.77.04.D77</edXML:OrganId>
\t\t\t\t\t<edXML:OrganizationInCharge>Văn phòng Chính phủ</edXML:OrganizationInCharge>
\t\t\t\t\t<edXML:OrganName>Văn phòng Chính phủ</edXML:OrganName>
\t\t\t\t\t<edXML:OrganAdd>Số 1 Hoàng Hoa Thám, Quận Ba Đình, Hà Nội</edXML:OrganAdd>
\t\t\t\t\t<edXML:Email>vanthu@example.gov.vn</edXML:Email>
\t\t\t\t\t<edXML:Telephone>0240000000</edXML:Telephone>
\t\t\t\t\t<edXML:Fax>04</edXML:Fax>
\t\t\t\t\t<edXML:Website>example.gov.vn</edXML:Website>
\t\t\t\t</edXML:From>
        <edXML:To>
          <edXML:OrganId>777.77.03.D77</edXML:OrganId>
\t\t\t<edXML:OrganName>Trung tâm thử nghiệm 02</edXML:OrganName>
\t\t\t <edXML:OrganAdd>Giảng Võ - Đống Đa - Hà Nội</edXML:OrganAdd>
\t\t\t <edXML:Email>vanthu@test.example.vn</edXML:Email>
\t\t\t<edXML:Telephone>(024)00000000</edXML:Telephone>
\t\t\t<edXML:Fax>(024)00000001</edXML:Fax>
\t\t\t<edXML:Website>http://test.example.vn</edXML:Website>
        </edXML:To>
        <edXML:Code>
          <edXML:CodeNumber>3232sss</edXML:CodeNumber>
          <edXML:CodeNotation>PRO-TEST-CASE1</edXML:CodeNotation>
        </edXML:Code>
        <edXML:PromulgationInfo>
\t\t\t<edXML:Place>Hà Nội</edXML:Place>
          <edXML:PromulgationDate>2019/01/17</edXML:PromulgationDate>
        </edXML:PromulgationInfo>
\t\t<edXML:DocumentType>
\t\t<edXML:Type>1</edXML:Type>
\t\t<edXML:TypeName>Thông tư</edXML:TypeName>
\t\t</edXML:DocumentType>
        <edXML:Subject>Văn bản liên thông chỉ đạo - 190701</edXML:Subject>
        <edXML:Content>test gửi liên thông vpcp</edXML:Content>
        <edXML:SignerInfo>
\t\t<edXML:Competence>Quyền 1</edXML:Competence>
          <edXML:Position>Bộ trưởng</edXML:Position>
          <edXML:FullName>Trần Văn Mẫu</edXML:FullName>
        </edXML:SignerInfo>
\t\t<edXML:DueDate>2018/06/25</edXML:DueDate>
\t\t<edXML:ToPlaces>
\t\t<edXML:Place>Các bộ</edXML:Place>
\t\t</edXML:ToPlaces>
\t\t<edXML:OtherInfo>
\t\t<edXML:Priority>0</edXML:Priority>
\t\t<edXML:SphereOfPromulgation>Lưu hành nội bộ</edXML:SphereOfPromulgation>
\t\t<edXML:TyperNotation>TVC</edXML:TyperNotation>
\t\t<edXML:PromulgationAmount>10</edXML:PromulgationAmount>
\t\t<edXML:PageAmount>2</edXML:PageAmount>
\t\t<edXML:Appendixes>
\t\t<edXML:Appendix>Phụ lục</edXML:Appendix>
\t\t</edXML:Appendixes>
\t\t</edXML:OtherInfo>
\t\t<edXML:ResponseFor>
\t\t<edXML:OrganId></edXML:OrganId>
\t\t<edXML:Code></edXML:Code>
\t\t<edXML:PromulgationDate></edXML:PromulgationDate>
\t\t<edXML:DocumentId></edXML:DocumentId>
\t\t</edXML:ResponseFor>
\t\t<!--<edXML:ResponseFor>
\t\t<edXML:OrganId>001.00.20.JB2</edXML:OrganId>
\t\t<edXML:DocumentId>9fbfbad2-f1f8-4256-a2eb-50fb1061cddb</edXML:DocumentId>
\t\t</edXML:ResponseFor>\t-->
        <edXML:SteeringType>1</edXML:SteeringType>
\t\t<edXML:DocumentId>9fbfbad2-f1f8-4256-a2eb-50fb1061cddb</edXML:DocumentId>
      </edXML:MessageHeader>
       <edXML:TraceHeaderList>
\t\t\t<edXML:TraceHeader>
\t\t\t\t<edXML:OrganId>01.02.G22</edXML:OrganId>
\t\t\t\t<edXML:Timestamp>2018/06/20 16:35:56</edXML:Timestamp>
\t\t\t</edXML:TraceHeader>
\t\t</edXML:TraceHeaderList>
\t<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">
\t<SignedInfo>
\t\t<CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315" />
\t\t<SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1" />
\t\t<Reference URI="">
\t\t\t<Transforms>
\t\t\t\t<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature" />
\t\t\t</Transforms>
\t\t\t<DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1" />
\t\t\t<DigestValue>{{digest}}</DigestValue>
\t\t</Reference>
\t</SignedInfo>
\t<SignatureValue>{{signature}}</SignatureValue>
\t<KeyInfo>
\t\t<!--<KeyValue>
\t\t\t<RSAKeyValue>
\t\t\t\t<Exponent>AQAB</Exponent>
\t\t\t</RSAKeyValue>
\t\t</KeyValue>-->
\t\t<X509Data>
\t\t<X509SubjectName/>
\t\t\t<X509Certificate>{certificate}</X509Certificate>
\t\t</X509Data>
\t</KeyInfo>
\t<!--<Object>
\t\t<SignatureProperties xmlns="">
\t\t\t<SignatureProperty Id="SigningTime" Target="signatureProperties">
\t\t\t\t<SigningTime>2018-05-15T07:19:17Z</SigningTime>
\t\t\t</SignatureProperty>
\t\t</SignatureProperties>
\t</Object>-->
</Signature>\t
    </edXML:edXMLHeader>
    <edXML:edXMLBody>
      <edXML:edXMLManifest version="1.0">
        <edXML:Reference xlink:href="">
          <edXML:ContentId>cid:36b8a92e-f054-11e7-842b-005056b672fc</edXML:ContentId>
          <!--<edXML:ContentType>application/zip</edXML:ContentType>-->
          <edXML:AttachmentName>GUIDE_INSTALL OPENVPN.SIGNED.PDF</edXML:AttachmentName>
\t\t  <edXML:Description>Description 1</edXML:Description>
        </edXML:Reference>
      </edXML:edXMLManifest>
    </edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <edXML:AttachmentEncoded>
    <edXML:Attachment>
      <edXML:ContentId>cid:36b8a92e-f054-11e7-842b-005056b672fc</edXML:ContentId>
      <edXML:AttachmentName>GUIDE_INSTALL OPENVPN.SIGNED.PDF</edXML:AttachmentName>
      <edXML:ContentType>application/pdf</edXML:ContentType>
      <edXML:ContentTransferEncoded xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">{attachment}</edXML:ContentTransferEncoded>
    </edXML:Attachment>
  </edXML:AttachmentEncoded>
</edXML>
"""


def vpcp_sdk_edoc_signed(key: rsa.RSAPrivateKey, certificate: str) -> str:
    """Sample B: signed as its ``Signature`` says (inclusive C14N, the enveloped transform
    only, rsa-sha1/sha1, default-namespace ``Signature`` inside ``edXMLHeader``)."""
    template = VPCP_SDK_EDOC.format(
        certificate=certificate,
        attachment=base64.b64encode(pdf_attachment("GUIDE_INSTALL OPENVPN")).decode())
    return sign_text(template, key, exclusive=False, sha256=False)


# --- C. the same template as published: not well-formed ---------------------------------

VPCP_SDK_EDOC_BROKEN = """<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <!-- XML 102 -->
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From>
         <edXML:From>
\t\t\t\t\t<edXML:OrganId>777.77.04.D77</edXML:OrganId>
\t\t\t\t\t<edXML:OrganName>Văn phòng Chính phủ</edXML:OrganName>
\t\t\t\t</edXML:From>
        <edXML:To>
          <edXML:OrganId>777.77.03.D77</edXML:OrganId>
        </edXML:To>
        <edXML:Subject>Văn bản liên thông chỉ đạo - 190701</edXML:Subject>
      </edXML:MessageHeader>
    </edXML:edXMLHeader>
  </edXML:edXMLEnvelope>
</edXML>
"""


# --- D. status messages -----------------------------------------------------------------

VNPT_SDK_STATUS_01 = """<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:ResponseFor>
          <edXML:OrganId>000.00.00.G22</edXML:OrganId>
          <edXML:Code>7816/VPCP-TTĐT</edXML:Code>
          <edXML:PromulgationDate>2015/09/30</edXML:PromulgationDate>
          <edXML:DocumentId>000.00.00.G22,2015/09/30,7816/VPCP-TTĐT</edXML:DocumentId>
        </edXML:ResponseFor>
        <edXML:From>
          <edXML:OrganId>000.00.00.H41</edXML:OrganId>
          <edXML:OrganizationInCharge>UBND Tỉnh Nghệ An</edXML:OrganizationInCharge>
          <edXML:OrganName>UBND Tỉnh Nghệ An</edXML:OrganName>
          <edXML:OrganAdd>Thành phố Vinh, Tỉnh Nghệ An</edXML:OrganAdd>
          <edXML:Email>vanthu@nghean.example.vn</edXML:Email>
          <edXML:Telephone>0238000000</edXML:Telephone>
          <edXML:Fax>0238000001</edXML:Fax>
          <edXML:Website>nghean.example.vn</edXML:Website>
        </edXML:From>
        <edXML:StatusCode>01</edXML:StatusCode>
        <edXML:Description>{description}</edXML:Description>
        <edXML:Timestamp>2019/04/11 08:15:02</edXML:Timestamp>
        <edXML:StaffInfo>
          <edXML:Department>Văn thư văn phòng</edXML:Department>
          <edXML:Staff>Nguyễn Thị Mẫu</edXML:Staff>
          <edXML:Email>vanthu@nghean.example.vn</edXML:Email>
          <edXML:Mobile>84900000000</edXML:Mobile>
        </edXML:StaffInfo>
      </edXML:MessageHeader>
    </edXML:edXMLHeader>
  </edXML:edXMLEnvelope>
</edXML>
"""

STATUS_01_DESCRIPTION = ("Văn thư - Phòng Văn thư - Lưu trữ: Đã đến - Phần mềm QLVB đã nhận "
                         "nhưng văn thư chưa xử lý")


def vnpt_sdk_status_01() -> str:
    """Sample D1, its description decomposed (NFD) as some writers leave text."""
    return VNPT_SDK_STATUS_01.format(
        description=unicodedata.normalize("NFD", STATUS_01_DESCRIPTION))


JAVA_STATUS_03 = """<?xml version="1.0" encoding="UTF-8" standalone="no"?><edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:edXMLHeader><edXML:MessageHeader><edXML:From><edXML:OrganId>000.00.00.H41</edXML:OrganId><edXML:OrganizationInCharge/><edXML:OrganName>UBND Tỉnh Nghệ An</edXML:OrganName><edXML:OrganAdd/><edXML:Email/><edXML:Telephone/><edXML:Fax/><edXML:Website/></edXML:From><edXML:ResponseFor><edXML:OrganId>000.00.00.G22</edXML:OrganId><edXML:Code>7816/VPCP-TTĐT</edXML:Code><edXML:PromulgationDate>2023/03/14 17:19:16</edXML:PromulgationDate><edXML:DocumentId>000.00.00.G22,2023/03/14,7816/VPCP-TTĐT</edXML:DocumentId></edXML:ResponseFor><edXML:StaffInfo><edXML:Department>Văn thư</edXML:Department><edXML:Staff>Nguyễn Thị Mẫu</edXML:Staff><edXML:Mobile/><edXML:Email/></edXML:StaffInfo><edXML:StatusCode>03</edXML:StatusCode><edXML:Description>Đã tiếp nhận</edXML:Description><edXML:Timestamp>2023-03-15T09:05:07.250+07:00</edXML:Timestamp></edXML:MessageHeader><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>{{digest}}</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>{{signature}}</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature></edXML:edXMLHeader></edXML:edXMLEnvelope></edXML>"""


def java_status_03(key: rsa.RSAPrivateKey, certificate: str) -> str:
    """Sample D2: one line as a Java DOM writer leaves it, signed Santuario's way."""
    template = JAVA_STATUS_03.format(certificate=wrap(certificate, 76, "&#13;\n"))
    return sign_text(template, key, exclusive=True, sha256=True, newline="&#13;\n")


# --- E. a provincial platform's (LGSP) SDK layout ---------------------------------------

LGSP_SDK_EDOC = """<?xml version="1.0" encoding="utf-8"?>
<edXML xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From>
          <edXML:OrganId>H37.DN.001</edXML:OrganId>
          <edXML:OrganizationInCharge>Công ty CP Mẫu Thử</edXML:OrganizationInCharge>
          <edXML:OrganName>Công ty CP Mẫu Thử</edXML:OrganName>
        </edXML:From>
        <edXML:To>
          <edXML:OrganId>000.00.00.H37</edXML:OrganId>
          <edXML:OrganizationInCharge>UBND tỉnh Lạng Sơn</edXML:OrganizationInCharge>
          <edXML:OrganName>UBND tỉnh Lạng Sơn</edXML:OrganName>
        </edXML:To>
        <edXML:Code>
          <edXML:CodeNumber>123</edXML:CodeNumber>
          <edXML:CodeNotation>CV-MT</edXML:CodeNotation>
        </edXML:Code>
        <edXML:PromulgationInfo>
          <edXML:Place>N/A</edXML:Place>
          <edXML:PromulgationDate>2025/11/03</edXML:PromulgationDate>
        </edXML:PromulgationInfo>
        <edXML:DocumentType>
          <edXML:Type>18</edXML:Type>
          <edXML:TypeName>Công văn</edXML:TypeName>
          <edXML:TypeDetail>0</edXML:TypeDetail>
        </edXML:DocumentType>
        <edXML:Subject>Về việc báo cáo tình hình hoạt động quý IV</edXML:Subject>
        <edXML:Content>Về việc báo cáo tình hình hoạt động quý IV</edXML:Content>
        <edXML:SignerInfo>
          <edXML:Competence>Truc tiep</edXML:Competence>
          <edXML:Position>Giám đốc</edXML:Position>
          <edXML:FullName>Lê Thị Mẫu</edXML:FullName>
        </edXML:SignerInfo>
        <edXML:DueDate>2025/11/05</edXML:DueDate>
        <edXML:ToPlaces>
          <edXML:Place>UBND tỉnh Lạng Sơn</edXML:Place>
        </edXML:ToPlaces>
        <edXML:OtherInfo>
          <edXML:Priority>0</edXML:Priority>
          <edXML:SphereOfPromulgation>Lien thong van ban</edXML:SphereOfPromulgation>
          <edXML:TyperNotation>TVC</edXML:TyperNotation>
          <edXML:PromulgationAmount>1</edXML:PromulgationAmount>
          <edXML:PageAmount>1</edXML:PageAmount>
          <edXML:Appendixes>
            <edXML:Appendix></edXML:Appendix>
          </edXML:Appendixes>
        </edXML:OtherInfo>
        <edXML:SteeringType>0</edXML:SteeringType>
        <edXML:DocumentId>H37.DN.001,2025/11/03,123/CV-MT</edXML:DocumentId>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList id="5f3a9c1e" version="1.0" mustUnderstand="1" actor="http://schemas.xmlsoap.org/soap/actor/next">
        <edXML:TraceHeader>
          <edXML:OrganId>H37.DN.001</edXML:OrganId>
          <edXML:Timestamp>2025/11/03 14:02:09</edXML:Timestamp>
        </edXML:TraceHeader>
        <edXML:Bussiness>
          <edXML:BussinessDocType>0</edXML:BussinessDocType>
          <edXML:BussinessDocReason>Van ban dien tu moi</edXML:BussinessDocReason>
          <edXML:StaffInfo>
            <edXML:Department>N/A</edXML:Department>
            <edXML:Staff>Lê Thị Mẫu</edXML:Staff>
            <edXML:Mobile></edXML:Mobile>
            <edXML:Email></edXML:Email>
          </edXML:StaffInfo>
          <edXML:Paper>0</edXML:Paper>
        </edXML:Bussiness>
      </edXML:TraceHeaderList>
      <edXML:DigitalSignature />
    </edXML:edXMLHeader>
    <edXML:edXMLBody>
      <edXML:edXMLManifest version="1.0">
        <edXML:Reference xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="cid:0b6c2f7e-3d4a-4f8e-9a51-6f0d2c1b7e90" xlink:role="XLinkRole" xlink:type="simple">
          <edXML:Description>File dinh kem 1</edXML:Description>
          <edXML:AttachmentName>{name}</edXML:AttachmentName>
          <edXML:ContentType>application/pdf</edXML:ContentType>
          <edXML:ContentId>cid:0b6c2f7e-3d4a-4f8e-9a51-6f0d2c1b7e90</edXML:ContentId>
        </edXML:Reference>
      </edXML:edXMLManifest>
    </edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded>
    <Attachment>
      <ContentType>application/pdf</ContentType>
      <ContentId>0b6c2f7e-3d4a-4f8e-9a51-6f0d2c1b7e90</ContentId>
      <Description>File dinh kem 1</Description>
      <ContentTransferEncoded>{attachment}</ContentTransferEncoded>
      <AttachmentName>{name}</AttachmentName>
    </Attachment>
  </AttachmentEncoded>
</edXML>
"""

LGSP_ATTACHMENT_NAME = "Báo cáo quý IV.pdf"


def lgsp_sdk_edoc() -> str:
    """Sample E: no signature (an empty ``DigitalSignature``), base64 in MIME lines with
    CR LF, the file name decomposed (NFD) as a Mac upload leaves it."""
    encoded = base64.b64encode(pdf_attachment("Bao cao quy IV")).decode()
    return LGSP_SDK_EDOC.format(
        name=unicodedata.normalize("NFD", LGSP_ATTACHMENT_NAME),
        attachment=wrap(encoded, 76, "\r\n"))


def main() -> None:
    """Write every sample next to this file."""
    key, certificate = throwaway_key()
    samples = {
        "vpcp-sdk-edoc-new.edxml": vpcp_sdk_edoc_new(),
        "vpcp-sdk-edoc-signed.edxml": vpcp_sdk_edoc_signed(key, certificate),
        "vpcp-sdk-edoc-broken.edxml": VPCP_SDK_EDOC_BROKEN,
        "vnpt-sdk-status-01.edxml": vnpt_sdk_status_01(),
        "java-status-03-signed.edxml": java_status_03(key, certificate),
        "lgsp-sdk-edoc.edxml": lgsp_sdk_edoc(),
    }
    for name, text in samples.items():
        (HERE / name).write_bytes(text.encode())
        print(name)


if __name__ == "__main__":
    main()
