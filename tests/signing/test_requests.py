"""The signing use cases called directly (no HTTP): a leader's key file registered, a draft
kept, a request put in the leader's queue, the batch signed with one PIN into a new
version that pdfsig accepts, and the refusals, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from sqlalchemy import select

from ingest.synthetic import generate_document
from signing.errors import SigningInputError, WrongPinError
from signing.keystore import KeyFileSealer
from signing.requests import (
    SigningSetup,
    register_credential,
    request_signature,
    sign_batch,
    signer_queue,
    store_draft,
)
from signing.trust import trust_services
from storage.accounts import CurrentUser, authenticate, create_unit, create_user, login
from storage.errors import ConflictError, NotFoundError, PermissionDeniedError
from storage.objects import ObjectStore
from storage.records import (
    AuditEntry,
    Database,
    Document,
    DocumentFile,
    DocumentStatus,
    FileRole,
    SigningRequest,
    SigningRequestStatus,
)
from tests.support.pki_server import RunningPki
from tests.support.signature_checks import pdfsig
from tests.support.synthetic_pdf import render_pdf

PASSWORD = "mật-khẩu-đủ-dài"


def _user(records_db: Database, name: str, role: str, full_name: str = "") -> CurrentUser:
    with records_db.session() as session:
        create_user(session, username=name, password=PASSWORD, role=role, unit_code="UB",
                    full_name=full_name)
    token = login(records_db.session, name, PASSWORD, hours=1).token
    with records_db.session() as session:
        return authenticate(session, token)


def test_request_and_batch_signing(
    records_db: Database, local_store: ObjectStore, served_pki: RunningPki, tmp_path: Path
) -> None:
    with records_db.session() as session:
        create_unit(session, "UB", "Ủy ban nhân dân xã")
    clerk, leader = _user(records_db, "vanthu", "clerk"), _user(records_db, "lanhdao", "leader",
                                                        "Nguyễn Văn An")  # the demo leader
    setup = SigningSetup(services=trust_services(None, [], served_pki.directory),
                         key_files=KeyFileSealer(os.urandom(32)))
    key_file = (served_pki.directory / "leader.p12").read_bytes()
    with records_db.session() as session:
        with pytest.raises(WrongPinError):
            register_credential(session, local_store, leader, key_file, "0000", "leader.p12",
                                setup)
        credential = register_credential(
            session, local_store, leader, key_file, "1234", "leader.p12", setup
        )
        assert "CN=" in credential.subject
    drafts = []
    for seed in (1, 2):
        path = tmp_path / f"du-thao-{seed}.pdf"
        render_pdf(generate_document(random.Random(seed), "quyet_dinh", f"qd-{seed}"), path)
        with records_db.session() as session, path.open("rb") as stream:
            document, duplicate = store_draft(
                session,
                local_store,
                dossier=None,
                user=clerk,
                filename=path.name,
                stream=stream,
                max_bytes=None,
            )
            assert (document.status, duplicate) == (DocumentStatus.draft, False)
            drafts.append(document.id)
    with records_db.session() as session:
        with pytest.raises(SigningInputError, match="no user named 'vanthu' can sign"):
            request_signature(
                session, clerk, session.get(Document, drafts[0]), "vanthu", "leader", "B-B"
            )
        with pytest.raises(SigningInputError, match="role must be"):
            request_signature(
                session, clerk, session.get(Document, drafts[0]), "lanhdao", "boss", "B-B"
            )
        requests = [
            request_signature(
                session, clerk, session.get(Document, d), "lanhdao", "attachment", "B-B"
            ).id
            for d in drafts
        ]
    with records_db.session() as session:
        queued = signer_queue(session, leader, SigningRequestStatus.pending)
        assert [(r.id, d.id) for r, d in queued] == list(zip(requests, drafts, strict=True))
    with pytest.raises(PermissionDeniedError):
        sign_batch(
            records_db.session,
            local_store,
            _user(records_db, "tiepnhan", "intake"),
            requests,
            "1234",
            setup,
        )
    with pytest.raises(NotFoundError, match="no such signing request"):  # not the clerk's
        sign_batch(records_db.session, local_store, clerk, requests, "1234", setup)
    with pytest.raises(WrongPinError):
        sign_batch(records_db.session, local_store, leader, requests, "9999", setup)

    signed = sign_batch(records_db.session, local_store, leader, requests, "1234", setup)
    assert [(item.request_id, item.document_id, item.version) for item in signed] == [
        (requests[0], drafts[0], 2),
        (requests[1], drafts[1], 2),
    ]
    with pytest.raises(ConflictError, match="already signed"):
        sign_batch(records_db.session, local_store, leader, requests[:1], "1234", setup)
    with pytest.raises(NotFoundError):
        sign_batch(records_db.session, local_store, leader, [10_000], "1234", setup)
    with records_db.session() as session:
        rows = session.scalars(
            select(DocumentFile)
            .where(DocumentFile.document_id == drafts[0])
            .order_by(DocumentFile.version)
        ).all()
        assert [(row.version, row.role) for row in rows] == [
            (1, FileRole.original),
            (2, FileRole.signed),
        ]  # the draft is kept
        with local_store.open(rows[1].object_key) as stream:
            (tmp_path / "signed.pdf").write_bytes(stream.read())
        actions = [
            entry.action
            for entry in session.scalars(
                select(AuditEntry).where(AuditEntry.subject_id == str(drafts[0]))
            )
        ]
        assert actions.count("document_signed") == 1
        assert session.get(Document, drafts[0]).status == DocumentStatus.signed
        assert signer_queue(session, leader, SigningRequestStatus.pending) == []
    reports = pdfsig(tmp_path / "signed.pdf")
    assert [(report.valid, report.whole_file) for report in reports] == [(True, True)]


@pytest.mark.parametrize("threads", [1, 4])
def test_batch_failure_names_the_document_and_keeps_the_signed(
    records_db: Database, local_store: ObjectStore, served_pki: RunningPki, tmp_path: Path,
    threads: int,
) -> None:
    """Five B-T drafts for the leader, the third without a signer block: the batch fails
    naming that document, the ones before it are signed (a new version each, pdfsig-valid,
    each with its own time stamp), the failed one stays pending, and a later one is either
    signed or still pending, never half done."""
    from signing.errors import SignerBlockNotFoundError
    from tests.support.appearance import decree_document, without_signer

    with records_db.session() as session:
        create_unit(session, "UB", "Ủy ban nhân dân xã")
    clerk = _user(records_db, "vanthu", "clerk")
    leader = _user(records_db, "lanhdao", "leader", "Nguyễn Văn An")
    setup = SigningSetup(services=trust_services(served_pki.tsa_url, [], served_pki.directory),
                         key_files=KeyFileSealer(os.urandom(32)),
                         signature_image=served_pki.directory / "leader-signature.png")
    with records_db.session() as session:
        register_credential(session, local_store, leader,
                            (served_pki.directory / "leader.p12").read_bytes(), "1234",
                            "leader.p12", setup)
    drafts, requests = [], []
    for seed in range(5):
        path = tmp_path / f"du-thao-{seed}.pdf"
        document = decree_document("quyet_dinh", 10 + seed)
        render_pdf(without_signer(document) if seed == 2 else document, path)
        with records_db.session() as session, path.open("rb") as stream:
            stored, _ = store_draft(session, local_store, dossier=None, user=clerk,
                                    filename=path.name, stream=stream, max_bytes=None)
            drafts.append(stored.id)
            requests.append(request_signature(session, clerk, stored, "lanhdao", "leader",
                                              "B-T").id)
    with pytest.raises(SignerBlockNotFoundError) as failure:
        sign_batch(records_db.session, local_store, leader, requests, "1234", setup,
                   threads=threads)
    assert failure.value.subject is not None
    assert failure.value.subject.startswith(f"document {drafts[2]} ")
    with records_db.session() as session:
        statuses = {request: status for request, status in session.execute(
            select(SigningRequest.id, SigningRequest.status)
            .where(SigningRequest.id.in_(requests)))}
        assert statuses[requests[0]] == statuses[requests[1]] == SigningRequestStatus.signed
        assert statuses[requests[2]] == SigningRequestStatus.pending
        imprints: list[bytes] = []
        for request, draft in zip(requests, drafts, strict=True):
            rows = session.scalars(select(DocumentFile).where(
                DocumentFile.document_id == draft, DocumentFile.role == FileRole.signed)).all()
            assert len(rows) == (1 if statuses[request] == SigningRequestStatus.signed else 0)
            for row in rows:
                with local_store.open(row.object_key) as stream:
                    (tmp_path / "signed.pdf").write_bytes(stream.read())
                reports = pdfsig(tmp_path / "signed.pdf")
                assert [report.valid for report in reports] == [True], reports
                imprints.append(_time_stamp_imprint(tmp_path / "signed.pdf"))
        assert len(set(imprints)) == len(imprints) >= 2  # a token per signature value
        if threads == 1:
            assert statuses[requests[3]] == statuses[requests[4]] == SigningRequestStatus.pending


def _time_stamp_imprint(path: Path) -> bytes:
    """The signature time stamp's message imprint, checked to be the SHA-256 of the
    signature value it stamps."""
    import hashlib

    from asn1crypto import cms, tsp
    from pyhanko.pdf_utils.reader import PdfFileReader

    with path.open("rb") as stream:
        signer_info = PdfFileReader(stream).embedded_regular_signatures[0].signer_info
        tokens = [attribute["values"][0] for attribute in signer_info["unsigned_attrs"]
                  if attribute["type"].native == "signature_time_stamp_token"]
        assert len(tokens) == 1
        token: cms.ContentInfo = tokens[0]
        info = tsp.TSTInfo.load(token["content"]["encap_content_info"]["content"].parsed.dump())
        imprint = bytes(info["message_imprint"]["hashed_message"].native)
        assert imprint == hashlib.sha256(signer_info["signature"].native).digest()
        return imprint
