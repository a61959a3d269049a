"""Verification through the API: POST /verify without login (JSON, HTML, PDF; nothing
kept), and documents received from other units verified on arrival with the report kept,
on the embedded defaults and on PostgreSQL + Redis + S3."""

from __future__ import annotations

import io
from pathlib import Path

import pymupdf
import pytest
from asn1crypto import pem
from sqlalchemy import func, select

from signing.document import RoleOptions, sign_document
from signing.keys import unlock_pkcs12
from signing.pades import Level, TrustServices
from storage.errors import BadInputError
from storage.records import AuditEntry, Document
from tests.api.conftest import Service
from tests.support.pki_server import RunningPki
from tests.support.signature_checks import root_certificate


@pytest.fixture(scope="module")
def signed_pdf(served_pki: RunningPki, decision_pdf_for_api: bytes) -> bytes:
    """The decision signed by the leader at B-LT."""
    key = unlock_pkcs12((served_pki.directory / "leader.p12").read_bytes(), "1234",
                        source="leader.p12")
    services = TrustServices(tsa_url=served_pki.tsa_url,
                             trust_roots=(root_certificate(served_pki.pki.root_pem_path),))
    signed, _ = sign_document(decision_pdf_for_api, key, level=Level.B_LT, services=services,
                              source="qd.pdf", role=RoleOptions(
                                  role="leader", image=served_pki.pki.leader_signature_path))
    return signed


@pytest.fixture(scope="module")
def decision_pdf_for_api(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A born-digital decision to sign."""
    import random

    from ingest.synthetic import generate_document
    from tests.support.synthetic_pdf import render_pdf

    path = tmp_path_factory.mktemp("verify-docs") / "qd.pdf"
    render_pdf(generate_document(random.Random(44), "quyet_dinh", "qd-44"), path)
    return path.read_bytes()


def _append_page(signed: bytes) -> bytes:
    """An incremental update after signing that adds a page."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.insert_page(generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Page"),
        generic.pdf_name("/MediaBox"): generic.ArrayObject(
            [generic.NumberObject(0), generic.NumberObject(0), generic.NumberObject(595),
             generic.NumberObject(842)])}))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_public_verification_answers_json_html_and_pdf(pki_service: Service,
                                                      signed_pdf: bytes) -> None:
    client = pki_service.client
    answer = client.post("/verify", files={"file": ("qd-ky.pdf", signed_pdf)})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["valid"] is True
    assert [item["signer"] for item in report["signatures"]] == ["Nguyễn Văn An"]
    assert report["signatures"][0]["level"] == "B-LT"
    html = client.post("/verify?format=html", files={"file": ("qd-ky.pdf", signed_pdf)})
    assert html.headers["content-type"].startswith("text/html")
    assert "Nguyễn Văn An" in html.text
    pdf = client.post("/verify?format=pdf&lang=en", files={"file": ("qd-ky.pdf", signed_pdf)})
    assert pdf.headers["content-type"] == "application/pdf"
    with pymupdf.open(stream=pdf.content, filetype="pdf") as document:
        assert "Nguyễn Văn An" in "".join(page.get_text() for page in document)
    with pki_service.runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0  # nothing kept


def test_tampered_and_bad_files(pki_service: Service, signed_pdf: bytes) -> None:
    client = pki_service.client
    tampered = client.post("/verify", files={"file": ("gia.pdf", _append_page(signed_pdf))})
    assert tampered.status_code == 200
    assert tampered.json()["valid"] is False
    assert "modified_after_signing" in tampered.json()["signatures"][0]["reason_codes"]
    text = client.post("/verify", files={"file": ("ghi-chu.txt", b"xin chao")})
    assert text.status_code == 422
    assert text.headers["content-type"].startswith("application/problem+json")
    assert "ghi-chu.txt" in text.json()["detail"]


def test_received_document_is_verified_on_arrival(pki_service: Service,
                                                  signed_pdf: bytes) -> None:
    service = pki_service
    _, clerk = service.add_leader_and_clerk()
    answer = service.client.post("/incoming", headers=service.auth(clerk),
                                 data={"sender": "Sở Tư pháp"},
                                 files={"file": ("den-1.pdf", signed_pdf)})
    assert answer.status_code == 201, answer.text
    document = answer.json()["id"]
    kept = service.client.get(f"/documents/{document}/verification",
                              headers=service.auth(clerk))
    assert kept.status_code == 200
    assert kept.json()["valid"] is True
    assert kept.json()["source"] == "den-1.pdf"
    with service.runtime.db.session() as session:
        audited = session.scalars(select(AuditEntry.details).where(
            AuditEntry.action == "document_verified",
            AuditEntry.subject_id == str(document))).all()
    assert audited[0]["valid"] is True
    assert audited[0]["sender"] == "Sở Tư pháp"


def test_verify_setup_is_read_again_when_an_anchor_file_changes(
        served_pki: RunningPki, tmp_path: Path) -> None:
    """POST /verify keeps the parsed anchors while their files stay as they are."""
    from api.routes.verify import verify_setup
    from api.settings import Settings

    anchors = tmp_path / "anchors.pem"
    anchors.write_bytes(served_pki.pki.root_pem_path.read_bytes())
    settings = Settings(data_dir=tmp_path / "data", trust_roots=str(anchors))
    first = verify_setup(settings)
    assert verify_setup(settings) is first  # not read again
    assert [root.dump() for root in first.services.trust_roots] == [
        root_certificate(served_pki.pki.root_pem_path).dump()]
    other = unlock_pkcs12((served_pki.directory / "leader.p12").read_bytes(), "1234",
                          source="leader.p12").certificate
    anchors.write_bytes(served_pki.pki.root_pem_path.read_bytes()
                        + pem.armor("CERTIFICATE", other.dump()))
    again = verify_setup(settings)
    assert again is not first
    assert len(again.services.trust_roots) == 2
    anchors.unlink()
    with pytest.raises(BadInputError):
        verify_setup(settings)
