"""Verification through the API: anyone may check a PDF (nothing kept), and documents
received from other units are verified on arrival with the report stored beside them.

Handlers are plain ``def``: verification runs in FastAPI's thread pool.
"""

from __future__ import annotations

import io
import json
import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.accounts import CurrentUser
from api.deps import RuntimeDep, SessionDep, UserDep, require_roles
from api.jobs import store_derived_file
from api.routes.documents import latest_file, visible_document
from api.routes.dossiers import DocumentOut, document_out
from api.runtime import Runtime
from api.trust import trust_services
from ingest.intake import spool_limited, store_original
from signing.verify import VerificationReport, verify_pdf
from storage.errors import BadInputError, NotFoundError
from storage.records import Document, DocumentFile
from storage.records.audit import append_audit
from storage.records.models import Role

router = APIRouter(tags=["verification"])
Receiver = Annotated[CurrentUser, Depends(require_roles(Role.clerk, Role.intake,
                                                        Role.leader))]
Format = Literal["json", "html", "pdf"]
for _name in ("pyhanko", "pyhanko_certvalidator"):  # failed path searches log tracebacks
    logging.getLogger(_name).setLevel(logging.ERROR)


def _read_upload(upload: UploadFile, runtime: Runtime) -> bytes:
    name = upload.filename or "upload.pdf"
    buffer = io.BytesIO()
    spool_limited(upload.file, buffer, name, runtime.settings.max_upload_mb * 1_000_000)
    data = buffer.getvalue()
    if not data:
        raise BadInputError("the file is empty (0 bytes)", subject=name)
    if b"%PDF-" not in data[:1024]:
        raise BadInputError("not a PDF file", subject=name)
    return data


def check(runtime: Runtime, data: bytes, source: str) -> VerificationReport:
    """Verify ``data`` against the configured trust anchors (fetching revocation data
    online only when the settings allow it)."""
    services = trust_services(runtime.settings)
    return verify_pdf(data, source=source, trust_roots=services.trust_roots,
                      allow_fetching=runtime.settings.verify_online)


def render(report: VerificationReport, form: Format, lang: Literal["vi", "en"]) -> Response:
    """The report as JSON, HTML or PDF."""
    if form == "html":
        from signing.verify.render import report_html

        return HTMLResponse(report_html(report, lang=lang))
    if form == "pdf":
        from signing.verify.render import report_pdf

        return Response(report_pdf(report, lang=lang), media_type="application/pdf",
                        headers={"Content-Disposition": 'inline; filename="bao-cao-xac-minh.pdf"'})
    return JSONResponse(report.to_json())


@router.post("/verify", summary="Verify a signed PDF (no login; nothing is kept)",
             responses={200: {"content": {"application/json": {}, "text/html": {},
                                          "application/pdf": {}}}})
def verify(file: UploadFile, runtime: RuntimeDep,
           format: Annotated[Format, Query()] = "json",
           lang: Annotated[Literal["vi", "en"], Query()] = "vi") -> Response:
    """Every signature checked: intact, valid, trusted, revocation, time stamp, level, what
    it covers and what changed after it. The verdict is ``valid``."""
    data = _read_upload(file, runtime)
    return render(check(runtime, data, file.filename or "upload.pdf"), format, lang)


@router.post("/incoming", response_model=DocumentOut, status_code=201,
             summary="Register a document received from another unit; verified on arrival")
def receive(file: UploadFile, user: Receiver, session: SessionDep, runtime: RuntimeDep,
            sender: Annotated[str, Form(max_length=255)] = "") -> DocumentOut:
    """The original is stored first, then verified; the report is kept with the document
    (``GET /documents/{id}/verification``) and the verdict audited."""
    stored = store_original(session, runtime.store, dossier=None,
                            filename=file.filename or "incoming.pdf", stream=file.file,
                            actor=user.username, user_id=user.id, unit_id=user.unit_id,
                            max_bytes=runtime.settings.max_upload_mb * 1_000_000)
    document = stored.document
    if document.media_type != "application/pdf":
        raise BadInputError("a received signed document must be a PDF",
                            subject=document.filename)
    original = _file(session, document, "original")
    with runtime.store.open(original.object_key) as stream:
        report = check(runtime, stream.read(), document.filename)
    _keep_report(session, runtime, document, report, user.username, sender)
    return document_out(document, stored.duplicate)


def _file(session: Any, document: Document, role: str) -> DocumentFile:
    row = latest_file(session, document.id, role)
    if row is None:
        raise NotFoundError(f"the document has no {role} file", subject=f"document {document.id}")
    return row


def _keep_report(session: Any, runtime: Runtime, document: Document,
                 report: VerificationReport, actor: str, sender: str) -> None:
    body = json.dumps(report.to_json(), ensure_ascii=False).encode("utf-8")
    store_derived_file(runtime, session, document, "verification", io.BytesIO(body),
                       ".json", "application/json")
    append_audit(session, actor=actor, action="document_verified", subject_type="document",
                 subject_id=document.id,
                 details={"valid": report.valid, "sender": sender, "sha256": report.sha256,
                          "signatures": len(report.signatures),
                          "reasons": [reason.code for reason in report.reasons]
                          + [reason.code for item in report.signatures
                             for reason in item.reasons]})


@router.get("/documents/{document_id}/verification",
            summary="The verification report kept with a received document")
def stored_report(document_id: int, user: UserDep, session: SessionDep,
                  runtime: RuntimeDep) -> Response:
    """The report made when the document arrived (JSON)."""
    document = visible_document(session, user, document_id)
    row = _file(session, document, "verification")
    with runtime.store.open(row.object_key) as stream:
        return Response(stream.read(), media_type="application/json")
