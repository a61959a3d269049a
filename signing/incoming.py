"""Checking signed documents: anyone's PDF checked and nothing kept, and a document
received from another unit registered, verified on arrival, the report kept beside it."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy.orm import Session

from ingest.intake import store_original
from signing.pades import TrustServices
from signing.verify import VerificationReport, verify_pdf
from storage.accounts import CurrentUser
from storage.errors import BadInputError
from storage.objects import ObjectStore
from storage.records import AuditAction, Document, FileRole, append_audit
from storage.records.files import read_file, require_file, store_document_file

for _name in ("pyhanko", "pyhanko_certvalidator"):  # failed path searches log tracebacks
    logging.getLogger(_name).setLevel(logging.ERROR)


@dataclass(frozen=True)
class VerifySetup:
    """The trust anchors, and whether revocation data may be fetched over the network."""

    services: TrustServices
    online: bool = False


def check_pdf(data: bytes, source: str, setup: VerifySetup) -> VerificationReport:
    """Verify every signature of ``data`` (a PDF named ``source`` in messages)."""
    if not data:
        raise BadInputError("the file is empty (0 bytes)", subject=source)
    if b"%PDF-" not in data[:1024]:
        raise BadInputError("not a PDF file", subject=source)
    return verify_pdf(data, source=source, trust_roots=setup.services.trust_roots,
                      allow_fetching=setup.online)


def receive_signed(session: Session, store: ObjectStore, *, user: CurrentUser, filename: str,
                   stream: BinaryIO, sender: str, max_bytes: int | None,
                   setup: VerifySetup) -> tuple[Document, bool]:
    """Register a document received from another unit: the original is stored first, then
    verified; the report is kept with the document and the verdict audited. Returns the
    document and whether the same content was there already."""
    stored = store_original(session, store, dossier=None, filename=filename, stream=stream,
                            actor=user.username, user_id=user.id, unit_id=user.unit_id,
                            max_bytes=max_bytes)
    document = stored.document
    if document.media_type != "application/pdf":
        raise BadInputError("a received signed document must be a PDF",
                            subject=document.filename)
    original = require_file(session, document, FileRole.original)
    report = check_pdf(read_file(store, original), document.filename, setup)
    body = json.dumps(report.to_json(), ensure_ascii=False).encode("utf-8")
    store_document_file(session, store, document, FileRole.verification, io.BytesIO(body),
                        suffix=".json", media_type="application/json")
    append_audit(session, actor=user.username, action=AuditAction.document_verified,
                 subject_type="document", subject_id=document.id,
                 details={"valid": report.valid, "sender": sender, "sha256": report.sha256,
                          "signatures": len(report.signatures),
                          "reasons": [reason.code for reason in report.reasons]
                          + [reason.code for item in report.signatures
                             for reason in item.reasons]})
    return document, stored.duplicate


def stored_report(session: Session, store: ObjectStore, document: Document) -> bytes:
    """The verification report (JSON) kept with a received document."""
    return read_file(store, require_file(session, document, FileRole.verification))
