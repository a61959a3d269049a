"""Signing through the API, on the embedded defaults and on PostgreSQL + Redis + S3: a
leader registers their key file, the records office uploads drafts and queues them, the
leader signs the batch with one PIN, the agency adds its signature, and a leader signs with
a token on their own computer (external signing). Every result is checked by pdfsig and
pyHanko; drafts are kept; every signing is audited."""

from __future__ import annotations

import base64
import random
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from sqlalchemy import select

from ingest.synthetic import generate_document
from storage.records import AuditEntry, DocumentFile
from tests.api.conftest import Service
from tests.support.pki_server import RunningPki
from tests.support.signature_checks import pdfsig, pyhanko_status, root_certificate
from tests.support.synthetic_pdf import render_pdf


def _draft(service: Service, headers: dict[str, str], tmp_path: Path, seed: int) -> int:
    path = tmp_path / f"du-thao-{seed}.pdf"
    render_pdf(generate_document(random.Random(seed), "quyet_dinh", f"qd-{seed}"), path)
    response = service.client.post("/drafts", headers=headers,
                                   files={"file": (path.name, path.read_bytes(),
                                                   "application/pdf")})
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "draft"
    return int(response.json()["id"])


def _upload_key(service: Service, user: str, p12: Path, pin: str) -> object:
    return service.client.post("/me/signing-key", headers=service.auth(user),
                               files={"file": (p12.name, p12.read_bytes(),
                                               "application/x-pkcs12")},
                               data={"pin": pin})


def _bind(service: Service, user: str, p12: Path) -> None:
    """An administrator of ``user``'s unit binds the certificate of ``p12`` to them (the
    agency's certificate does not carry the clerk's own name)."""
    unit = user.split("-", 1)[1]
    admin = f"quantri-{unit}"
    service.add_user(admin, "admin", unit)
    users = service.client.get("/users", headers=service.auth(admin)).json()
    user_id = next(item["id"] for item in users if item["username"] == user)
    _, certificate, _ = pkcs12.load_key_and_certificates(p12.read_bytes(), b"1234")
    assert certificate is not None
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    bound = service.client.post(f"/users/{user_id}/certificate-bindings",
                                headers=service.auth(admin), json={"certificate": pem})
    assert bound.status_code == 201, bound.text


def _signed_bytes(service: Service, document_id: int, version: int) -> bytes:
    with service.runtime.db.session() as session:
        row = session.scalar(select(DocumentFile).where(
            DocumentFile.document_id == document_id, DocumentFile.version == version,
            DocumentFile.role == "signed"))
        assert row is not None
        with service.runtime.store.open(row.object_key) as stream:
            return stream.read()


def _request(service: Service, clerk: str, document: int, signer: str, role: str) -> int:
    response = service.client.post(f"/documents/{document}/signing-requests",
                                   headers=service.auth(clerk),
                                   json={"signer": signer, "role": role, "level": "B-T"})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_batch_signing_leader_then_agency(pki_service: Service, served_pki: RunningPki,
                                          tmp_path: Path) -> None:
    service = pki_service
    leader, clerk = service.add_leader_and_clerk("Nguyễn Văn An")  # the demo leader.p12
    wrong = _upload_key(service, leader, served_pki.directory / "leader.p12", "0000")
    assert wrong.status_code == 422  # type: ignore[attr-defined]
    assert wrong.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    assert service.client.get("/me/signing-key", headers=service.auth(leader)).status_code == 404
    assert _upload_key(service, leader, served_pki.directory / "leader.p12",
                       "1234").status_code == 201  # type: ignore[attr-defined]
    _bind(service, clerk, served_pki.directory / "clerk.p12")
    assert _upload_key(service, clerk, served_pki.directory / "clerk.p12",
                       "1234").status_code == 201  # type: ignore[attr-defined]

    documents = [_draft(service, service.auth(clerk), tmp_path, seed) for seed in (1, 2, 3)]
    requests = [_request(service, clerk, document, leader, "leader") for document in documents]
    queue = service.client.get("/signing/queue", headers=service.auth(leader)).json()
    assert [item["id"] for item in queue] == requests

    refused = service.client.post("/signing/sign", headers=service.auth(leader),
                                  json={"request_ids": requests, "pin": "9999"})
    assert refused.status_code == 422, refused.text
    assert "PIN" in refused.json()["detail"]
    assert len(service.client.get("/signing/queue", headers=service.auth(leader)).json()) == 3

    signed = service.client.post("/signing/sign", headers=service.auth(leader),
                                 json={"request_ids": requests, "pin": "1234"})
    assert signed.status_code == 200, signed.text
    assert [item["version"] for item in signed.json()] == [2, 2, 2]
    assert service.client.get("/signing/queue", headers=service.auth(leader)).json() == []

    agency = _request(service, clerk, documents[0], clerk, "agency")
    sealed = service.client.post("/signing/sign", headers=service.auth(clerk),
                                 json={"request_ids": [agency], "pin": "1234"})
    assert sealed.status_code == 200, sealed.text
    assert sealed.json()[0]["version"] == 3

    root = root_certificate(served_pki.pki.root_pem_path)
    path = tmp_path / "sealed.pdf"
    path.write_bytes(_signed_bytes(service, documents[0], 3))
    reports = pdfsig(path)
    assert [(r.field, r.valid) for r in reports] == [("leader", True), ("agency", True)]
    assert reports[-1].whole_file
    assert pyhanko_status(path, root) == [("leader", True, True, True),
                                          ("agency", True, True, True)]
    document = service.client.get(f"/documents/{documents[0]}",
                                  headers=service.auth(clerk)).json()
    assert document["status"] == "signed"
    with service.runtime.db.session() as session:
        roles = sorted((row.version, row.role) for row in session.scalars(
            select(DocumentFile).where(DocumentFile.document_id == documents[0])))
        audited = session.scalars(select(AuditEntry.action).where(
            AuditEntry.subject_type == "document",
            AuditEntry.subject_id == str(documents[0]))).all()
    assert roles == [(1, "original"), (2, "signed"), (3, "signed")]  # the draft is kept
    assert audited.count("document_signed") == 2


def test_external_signing_through_the_api(pki_service: Service, served_pki: RunningPki,
                                          tmp_path: Path) -> None:
    service = pki_service
    leader, clerk = service.add_leader_and_clerk()
    document = _draft(service, service.auth(clerk), tmp_path, 7)
    request = _request(service, clerk, document, leader, "leader")
    key, certificate, chain = pkcs12.load_key_and_certificates(
        (served_pki.directory / "leader.p12").read_bytes(), b"1234")
    assert isinstance(key, rsa.RSAPrivateKey)
    assert certificate is not None

    def der(item: object) -> str:
        return base64.b64encode(item.public_bytes(serialization.Encoding.DER)).decode()  # type: ignore[attr-defined]

    started = service.client.post(f"/signing/requests/{request}/external",
                                  headers=service.auth(leader),
                                  json={"certificate": der(certificate),
                                        "chain": [der(item) for item in chain]})
    assert started.status_code == 200, started.text
    to_sign = base64.b64decode(started.json()["data_to_sign"])
    value = key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256())
    finished = service.client.post(f"/signing/requests/{request}/external/finish",
                                   headers=service.auth(leader),
                                   json={"signature_value": base64.b64encode(value).decode()})
    assert finished.status_code == 200, finished.text
    path = tmp_path / "external.pdf"
    path.write_bytes(_signed_bytes(service, document, 2))
    assert [(r.field, r.valid, r.whole_file) for r in pdfsig(path)] == [("leader", True, True)]
    again = service.client.post(f"/signing/requests/{request}/external/finish",
                                headers=service.auth(leader),
                                json={"signature_value": base64.b64encode(value).decode()})
    assert again.status_code == 409
