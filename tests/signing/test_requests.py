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
