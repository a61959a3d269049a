"""The signing pages on a PKI-enabled installation: the leader's queue (only their own
requests), the placement preview, batch signing with one PIN (wrong PINs counted and
locked out as the API's), the two-step key upload with the key policy's refusal beside the
field, the clerk's drafts and seal, and incoming documents with their verdict; another
unit's user gets 404."""

from __future__ import annotations

import io
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from PIL import Image
from sqlalchemy import select

from api.runtime import Runtime, open_runtime
from ingest.synthetic.documents import generate_document
from signing.key_policy import fingerprint_of
from storage.accounts import create_unit, create_user
from storage.records import (
    AuditEntry,
    CertificateBinding,
    Document,
    DocumentFile,
    SigningCredential,
    SigningRequest,
    User,
)
from tests.api.conftest import PASSWORD, make_settings
from tests.api.web.conftest import CSRF, Web, web_client
from tests.support.pki_server import RunningPki
from tests.support.signature_checks import pdfsig
from tests.support.synthetic_pdf import render_pdf

LEADER_NAME = "Nguyễn Văn An"  # the demo PKI's leader.p12
PIN_LIMIT = 3


@dataclass
class Office:
    """A PKI-enabled installation and a logged-in page client per user."""

    runtime: Runtime
    pki: Path
    clients: dict[str, Web]
    tmp: Path

    def __getitem__(self, username: str) -> Web:
        return self.clients[username]


def _p12(pki: Path, name: str) -> bytes:
    return (pki / name).read_bytes()


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, served_pki: RunningPki) -> Iterator[Office]:
    tmp = tmp_path_factory.mktemp("signing-pages")
    settings = make_settings("embedded", tmp / "data").model_copy(update={
        "pki_dir": served_pki.directory, "tsa_url": served_pki.tsa_url,
        "pin_max_failures": PIN_LIMIT, "lockout_seconds": 600.0})
    runtime = open_runtime(settings)
    users = {"lanhdao": ("leader", "KY-A", LEADER_NAME), "vanthu": ("clerk", "KY-A", ""),
             "lanhdao2": ("leader", "KY-A", "Trần Văn Bình"),
             "khac": ("clerk", "KY-B", ""), "lanhdaokhac": ("leader", "KY-B", "Lê Văn C")}
    with runtime.db.session() as session:
        create_unit(session, "KY-A", "Ủy ban nhân dân xã A")
        create_unit(session, "KY-B", "Ủy ban nhân dân xã B")
        for username, (role, unit, name) in users.items():
            create_user(session, username=username, password=PASSWORD, role=role,
                        unit_code=unit, full_name=name)
    with runtime.db.session() as session:  # an administrator bound the agency key
        clerk = session.scalar(select(User).where(User.username == "vanthu"))
        assert clerk is not None
        _, certificate, _ = pkcs12.load_key_and_certificates(
            _p12(served_pki.directory, "clerk.p12"), b"1234")
        assert certificate is not None
        from asn1crypto import x509 as asn1_x509
        der = certificate.public_bytes(serialization.Encoding.DER)
        session.add(CertificateBinding(user_id=clerk.id,
                                       fingerprint=fingerprint_of(asn1_x509.Certificate.load(der)),
                                       created_by_id=None))
    clients = {}
    try:
        for username in users:
            client = web_client(runtime).__enter__()
            web = Web(runtime=runtime, client=client)
            web.login(username)
            clients[username] = web
        yield Office(runtime=runtime, pki=served_pki.directory, clients=clients, tmp=tmp)
    finally:
        for web in clients.values():
            web.client.__exit__(None, None, None)
        runtime.close()


def _csrf(web: Web, path: str) -> str:
    return web.csrf(path)


def _register_key(office: Office, username: str, p12: str) -> None:
    web = office[username]
    checked = web.client.post("/ui/my-key/check", data={"csrf": _csrf(web, "/ui/my-key"),
                                                         "pin": "1234"},
                              files={"file": (p12, _p12(office.pki, p12), "application/x-pkcs12")})
    assert checked.status_code == 200, checked.text
    pending = re.search(r'name="pending" value="([^"]+)"', checked.text)
    assert pending
    done = web.client.post("/ui/my-key/confirm", data={"csrf": _csrf(web, "/ui/my-key"),
                                                       "pending": pending.group(1)})
    assert done.status_code == 303, done.text


def _upload_draft(office: Office, seed: int) -> int:
    web = office["vanthu"]
    path = office.tmp / f"du-thao-{seed}.pdf"
    render_pdf(generate_document(random.Random(seed), "quyet_dinh", f"qd-{seed}"), path)
    response = web.client.post("/ui/drafts", data={"csrf": _csrf(web, "/ui/drafts")},
                               files={"file": (path.name, path.read_bytes(), "application/pdf")})
    assert response.status_code == 303, response.text
    with office.runtime.db.session() as session:
        document = session.scalar(select(Document).where(Document.filename == path.name))
        assert document is not None
        return document.id


def _ask(office: Office, document_id: int, signer: str = "lanhdao") -> int:
    web = office["vanthu"]
    response = web.client.post(f"/ui/drafts/{document_id}/request",
                               data={"csrf": _csrf(web, "/ui/drafts"), "signer": signer,
                                     "level": "B-T"})
    assert response.status_code == 303, response.text
    with office.runtime.db.session() as session:
        return max(session.scalars(select(SigningRequest.id).where(
            SigningRequest.document_id == document_id)))


def _signed(office: Office, document_id: int, version: int) -> Path:
    with office.runtime.db.session() as session:
        row = session.scalar(select(DocumentFile).where(
            DocumentFile.document_id == document_id, DocumentFile.version == version,
            DocumentFile.role == "signed"))
        assert row is not None
        with office.runtime.store.open(row.object_key) as stream:
            data = stream.read()
    path = office.tmp / f"signed-{document_id}-{version}.pdf"
    path.write_bytes(data)
    return path


def test_key_upload_shows_the_certificate_and_stores_only_on_confirm(office: Office) -> None:
    web = office["lanhdao"]
    page = web.client.get("/ui/my-key")
    assert page.status_code == 200
    assert 'id="no-key"' in page.text
    checked = web.client.post("/ui/my-key/check", data={"csrf": _csrf(web, "/ui/my-key"),
                                                         "pin": "1234"},
                              files={"file": ("leader.p12", _p12(office.pki, "leader.p12"),
                                              "application/x-pkcs12")})
    assert checked.status_code == 200, checked.text
    assert "Kiểm tra trước khi lưu" in checked.text
    assert LEADER_NAME in checked.text  # subject
    assert "Issuer" not in checked.text
    assert "Tổ chức cấp" in checked.text
    assert re.search(r"từ \d\d/\d\d/\d{4} đến \d\d/\d\d/\d{4}", checked.text)  # validity
    assert "1234" not in re.sub(r'value="[^"]*"', "", checked.text)
    with office.runtime.db.session() as session:  # nothing stored before confirmation
        assert session.scalar(select(SigningCredential.id)) is None
    pending = re.search(r'name="pending" value="([^"]+)"', checked.text)
    assert pending
    forged = web.client.post("/ui/my-key/confirm", data={
        "csrf": _csrf(web, "/ui/my-key"), "pending": pending.group(1)[:-8] + "AAAAAAAA"})
    assert forged.status_code == 422
    stolen = office["lanhdao2"].client.post("/ui/my-key/confirm", data={
        "csrf": _csrf(office["lanhdao2"], "/ui/my-key"), "pending": pending.group(1)})
    assert stolen.status_code == 422  # sealed for the uploader's session only
    done = web.client.post("/ui/my-key/confirm", data={"csrf": _csrf(web, "/ui/my-key"),
                                                       "pending": pending.group(1)})
    assert done.status_code == 303
    shown = web.client.get("/ui/my-key")
    assert "Đã lưu tệp khóa ký số." in shown.text
    assert 'id="current-key"' in shown.text
    assert LEADER_NAME in shown.text
    with office.runtime.db.session() as session:
        owners = session.scalars(select(SigningCredential.user_id)).all()
    assert len(owners) == 1


def test_a_ca_key_file_is_refused_beside_the_field(office: Office) -> None:
    web = office["lanhdao2"]
    refused = web.client.post("/ui/my-key/check", data={"csrf": _csrf(web, "/ui/my-key"),
                                                        "pin": "1234"},
                              files={"file": ("root-ca.p12", _p12(office.pki, "root-ca.p12"),
                                              "application/x-pkcs12")})
    assert refused.status_code == 422
    error = re.search(r'<span class="field-error" id="file-error"[^>]*>([^<]*)</span>',
                      refused.text)
    assert error, refused.text
    assert "certificate authority (CA)" in error.group(1)
    assert 'aria-describedby="file-error"' in refused.text
    wrong = web.client.post("/ui/my-key/check", data={"csrf": _csrf(web, "/ui/my-key"),
                                                      "pin": "0000"},
                            files={"file": ("leader.p12", _p12(office.pki, "leader.p12"),
                                            "application/x-pkcs12")})
    assert wrong.status_code == 422
    assert 'id="pin-error"' in wrong.text
    someone_else = web.client.post("/ui/my-key/check", data={
        "csrf": _csrf(web, "/ui/my-key"), "pin": "1234"},
        files={"file": ("leader.p12", _p12(office.pki, "leader.p12"), "application/x-pkcs12")})
    assert someone_else.status_code == 422  # registered by lanhdao; not this user's name
    assert 'id="file-error"' in someone_else.text


def test_queue_preview_and_batch_signing_with_one_pin(office: Office) -> None:
    documents = [_upload_draft(office, seed) for seed in (11, 12)]
    requests = [_ask(office, document) for document in documents]
    other = _ask(office, _upload_draft(office, 13), signer="lanhdao2")
    web = office["lanhdao"]
    queue = web.client.get("/ui/signing")
    assert queue.status_code == 200
    for request_id in requests:
        assert f'id="request-{request_id}"' in queue.text
    assert f'id="request-{other}"' not in queue.text  # only the user's own requests
    assert "/static/signing.js" in queue.text

    page = web.client.get(f"/ui/signing/requests/{requests[0]}/preview")
    assert page.status_code == 200
    png = web.client.get(f"/ui/signing/requests/{requests[0]}/preview.png")
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    with office.runtime.db.session() as session:
        original = session.scalar(select(DocumentFile).where(
            DocumentFile.document_id == documents[0], DocumentFile.role == "original"))
        assert original is not None
        with office.runtime.store.open(original.object_key) as stream:
            pdf: Any = pymupdf.open(stream=stream.read(), filetype="pdf")  # type: ignore[no-untyped-call]
    page_index = int(png.headers["x-page-index"])
    assert page_index == pdf.page_count - 1  # the signer block's page
    assert f"trang {page_index + 1}/{pdf.page_count}" in page.text
    width, height = pdf[page_index].rect.width, pdf[page_index].rect.height
    assert abs(image.width / image.height - width / height) < 0.01
    rgb = image.convert("RGB").tobytes()
    reds = sum(1 for i in range(0, len(rgb), 3)
               if rgb[i] > 180 and rgb[i + 1] < 80 and rgb[i + 2] < 80)
    assert reds > 100  # the placement rectangle is drawn
    assert web.client.get(f"/ui/signing/requests/{other}/preview.png").status_code == 404

    signed = web.client.post("/ui/signing/sign", data={
        "csrf": _csrf(web, "/ui/signing"), "pin": "1234",
        "request_id": [str(item) for item in requests]})
    assert signed.status_code == 200, signed.text
    for document in documents:
        assert f"/ui/signing/documents/{document}/signed.pdf?version=2" in signed.text
        reports = pdfsig(_signed(office, document, 2))
        assert [(item.field, item.valid, item.whole_file) for item in reports] == [
            ("leader", True, True)]
    download = web.client.get(f"/ui/signing/documents/{documents[0]}/signed.pdf?version=2")
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF-")
    assert f'id="request-{requests[0]}"' not in web.client.get("/ui/signing").text


def test_the_clerk_seals_a_signed_document(office: Office) -> None:
    _register_key(office, "vanthu", "clerk.p12")
    document = _upload_draft(office, 31)
    request = _ask(office, document)
    leader = office["lanhdao"]
    assert leader.client.post("/ui/signing/sign", data={
        "csrf": _csrf(leader, "/ui/signing"), "pin": "1234",
        "request_id": str(request)}).status_code == 200
    web = office["vanthu"]
    seal_page = web.client.get("/ui/seal")
    assert f'id="awaiting-{document}"' in seal_page.text
    assert f'id="awaiting-{document}"' not in office["khac"].client.get("/ui/seal").text
    foreign = office["khac"].client.post("/ui/seal/queue", data={
        "csrf": _csrf(office["khac"], "/ui/seal"), "document_id": str(document)})
    assert foreign.status_code == 404
    queued = web.client.post("/ui/seal/queue", data={"csrf": _csrf(web, "/ui/seal"),
                                                     "document_id": str(document)})
    assert queued.status_code == 303
    with office.runtime.db.session() as session:
        agency = session.scalar(select(SigningRequest.id).where(
            SigningRequest.document_id == document, SigningRequest.role == "agency"))
    assert agency is not None
    page = web.client.get("/ui/seal")
    assert f'id="request-{agency}"' in page.text
    assert web.client.get(f"/ui/signing/requests/{agency}/preview.png").status_code == 200
    sealed = web.client.post("/ui/signing/sign", headers={"HX-Request": "true"},
                             data={"csrf": _csrf(web, "/ui/seal"), "pin": "1234",
                                   "request_id": str(agency)})
    assert sealed.status_code == 200, sealed.text
    assert f"/ui/signing/documents/{document}/signed.pdf?version=3" in sealed.text
    reports = pdfsig(_signed(office, document, 3))
    assert [(item.field, item.valid) for item in reports] == [("leader", True),
                                                             ("agency", True)]
    assert office["khac"].client.get(
        f"/ui/signing/documents/{document}/signed.pdf").status_code == 404


def test_incoming_documents_show_their_verdict(office: Office) -> None:
    web = office["vanthu"]
    signed = _signed(office, _upload_draft_signed(office), 2)
    received = web.client.post("/ui/incoming", data={"csrf": _csrf(web, "/ui/incoming"),
                                                     "sender": "UBND xã B"},
                               files={"file": ("den.pdf", signed.read_bytes(),
                                               "application/pdf")})
    assert received.status_code == 303, received.text
    report_url = received.headers["location"]
    report = web.client.get(report_url)
    assert report.status_code == 200
    assert 'class="verdict ok"' in report.text
    assert "Hợp lệ: tài liệu nguyên vẹn" in report.text
    unsigned = office.tmp / "khong-ky.pdf"  # a document nobody signed
    render_pdf(generate_document(random.Random(42), "cong_van", "cv-42"), unsigned)
    bad = web.client.post("/ui/incoming", data={"csrf": _csrf(web, "/ui/incoming")},
                          files={"file": ("sua.pdf", unsigned.read_bytes(), "application/pdf")})
    assert bad.status_code == 303, re.findall(r"field-error[^>]*>([^<]*)", bad.text)
    listing = web.client.get("/ui/incoming")
    assert "den.pdf" in listing.text
    assert "sua.pdf" in listing.text
    assert listing.text.count('class="badge bad"') >= 1
    assert "KHÔNG hợp lệ" in web.client.get(bad.headers["location"]).text
    pdf = web.client.get(f"{report_url}/report.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    not_pdf = web.client.post("/ui/incoming", data={"csrf": _csrf(web, "/ui/incoming")},
                              files={"file": ("x.txt", b"hello", "text/plain")})
    assert not_pdf.status_code == 422
    assert 'id="incoming-file-error"' in not_pdf.text
    other = office["khac"]
    assert other.client.get(report_url).status_code == 404
    assert "den.pdf" not in other.client.get("/ui/incoming").text


def _upload_draft_signed(office: Office) -> int:
    document = _upload_draft(office, 41)
    request = _ask(office, document)
    leader = office["lanhdao"]
    done = leader.client.post("/ui/signing/sign", data={
        "csrf": _csrf(leader, "/ui/signing"), "pin": "1234", "request_id": str(request)})
    assert done.status_code == 200, done.text
    return document


def test_roles_and_csrf_guard_the_pages(office: Office) -> None:
    assert office["khac"].client.get("/ui/signing").status_code == 200  # a clerk: own queue
    assert office["lanhdao"].client.get("/ui/seal").status_code == 403
    refused = office["lanhdao"].client.post("/ui/signing/sign", data={"pin": "1234",
                                                                      "request_id": "1"})
    assert refused.status_code == 403
    assert CSRF.search(office["vanthu"].client.get("/ui/drafts").text)


def test_wrong_pins_are_counted_and_lock_signing(office: Office) -> None:
    # the module's last test: it leaves the leader's signing locked
    request = _ask(office, _upload_draft(office, 21))
    web = office["lanhdao"]
    for attempt in range(PIN_LIMIT):
        wrong = web.client.post("/ui/signing/sign", headers={"HX-Request": "true"},
                                data={"csrf": _csrf(web, "/ui/signing"), "pin": "9999",
                                      "request_id": str(request)})
        assert wrong.status_code in (422, 429), wrong.text
        if attempt < PIN_LIMIT - 1:
            assert wrong.status_code == 422
            assert "Mã PIN không đúng" in wrong.text
    with office.runtime.db.session() as session:
        failures = session.scalars(select(AuditEntry.action).where(
            AuditEntry.action == "pin_failed")).all()
    assert len(failures) >= PIN_LIMIT - 1
    locked = web.client.post("/ui/signing/sign", data={
        "csrf": _csrf(web, "/ui/signing"), "pin": "1234", "request_id": str(request)})
    assert locked.status_code == 429
    assert "Việc ký bị tạm khóa" in locked.text
    assert 'id="sign-error"' in locked.text  # shown beside the PIN field
    assert f'id="request-{request}"' in web.client.get("/ui/signing").text  # not signed
