"""Key files through the API (issue 13), on the embedded defaults and on PostgreSQL + Redis
+ S3: the root CA's PKCS#12 is refused (422 naming why), someone else's key file is refused
(403) and a certificate registered by another user too (409); what is stored is no PKCS#12
the PIN alone opens; and a PDF signed with a CA certificate is not valid for ``POST
/verify``."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from sqlalchemy import select

from ingest.synthetic import generate_document
from signing.verify.checks import verify_pdf
from storage.records import SigningCredential
from tests.api.conftest import Service
from tests.support.pki_server import RunningPki
from tests.support.signature_checks import root_certificate
from tests.support.synthetic_pdf import render_pdf

LEADER = "Nguyễn Văn An"  # the demo leader.p12's common name


def _upload(service: Service, user: str, p12: Path) -> object:
    return service.client.post("/me/signing-key", headers=service.auth(user),
                               files={"file": (p12.name, p12.read_bytes(),
                                               "application/x-pkcs12")},
                               data={"pin": "1234"})


def test_only_the_users_own_signing_key_is_kept(pki_service: Service,
                                                served_pki: RunningPki) -> None:
    service = pki_service
    leader, _ = service.add_leader_and_clerk(LEADER)
    unit = leader.split("-", 1)[1]
    service.add_user(f"namesake-{unit}", "leader", unit, full_name=LEADER)
    service.add_user(f"other-{unit}", "leader", unit, full_name="Trần Thị Bình")

    root = _upload(service, leader, served_pki.directory / "root-ca.p12")
    assert root.status_code == 422, root.text  # type: ignore[attr-defined]
    assert root.headers["content-type"].startswith(  # type: ignore[attr-defined]
        "application/problem+json")
    assert "certificate authority" in root.json()["detail"]  # type: ignore[attr-defined]
    assert root.json()["subject"] == "root-ca.p12"  # type: ignore[attr-defined]

    someone_elses = _upload(service, f"other-{unit}", served_pki.directory / "leader.p12")
    assert someone_elses.status_code == 403, someone_elses.text  # type: ignore[attr-defined]
    assert LEADER in someone_elses.json()["detail"]  # type: ignore[attr-defined]

    kept = _upload(service, leader, served_pki.directory / "leader.p12")
    assert kept.status_code == 201, kept.text  # type: ignore[attr-defined]
    taken = _upload(service, f"namesake-{unit}", served_pki.directory / "leader.p12")
    assert taken.status_code == 409, taken.text  # type: ignore[attr-defined]

    with service.runtime.db.session() as session:
        keys = session.scalars(select(SigningCredential.object_key)).all()
    assert len(keys) == 1
    with service.runtime.store.open(keys[0]) as stream:
        stored = stream.read()
    assert stored != (served_pki.directory / "leader.p12").read_bytes()
    with pytest.raises(ValueError, match="deserialize PKCS12"):
        pkcs12.load_key_and_certificates(stored, b"1234")


@pytest.fixture(scope="module")
def ca_signed_pdf(served_pki: RunningPki, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A decision signed with the root CA's own key and certificate, by pyHanko directly."""
    path = tmp_path_factory.mktemp("ca-signed") / "qd.pdf"
    render_pdf(generate_document(random.Random(5), "quyet_dinh", "qd-ca"), path)
    signer = signers.SimpleSigner.load_pkcs12(str(served_pki.directory / "root-ca.p12"),
                                              passphrase=b"1234")
    assert signer is not None
    output = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(path.read_bytes())),
                     signers.PdfSignatureMetadata(field_name="Signature1"), signer=signer,
                     output=output)
    return output.getvalue()


def test_a_signature_made_with_a_ca_certificate_is_refused(
        pki_service: Service, served_pki: RunningPki, ca_signed_pdf: bytes) -> None:
    answer = pki_service.client.post("/verify", files={"file": ("ca-ky.pdf", ca_signed_pdf)})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["valid"] is False
    assert "not_signing_certificate" in report["signatures"][0]["reason_codes"]

    direct = verify_pdf(ca_signed_pdf, source="ca-ky.pdf",
                        trust_roots=[root_certificate(served_pki.pki.root_pem_path)])
    assert direct.valid is False
    why = [item for item in direct.signatures[0].reasons
           if item.code == "not_signing_certificate"]
    assert why
    assert "certificate authority" in why[0].en
    assert "Chứng thư số không dùng để ký văn bản" in why[0].vi
