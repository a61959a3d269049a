"""Intake desk extras: a dossier's printable cover sheet, scanned stacks split at cover
sheets, and the unassigned tray where pages no cover sheet claimed wait for a person."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select

from api.accounts import CurrentUser
from api.deps import RuntimeDep, SessionDep, UserDep, require_roles
from api.intake_service import IngestTarget, ingest_path
from api.routes.documents import visible_document
from api.routes.dossiers import DocumentOut, document_out, visible_dossier
from ingest.coversheet import dossier_cover_info, make_cover_sheet
from ingest.intake import safe_filename, spool_limited
from ingest.lifecycle import note_upload
from storage.errors import ConflictError
from storage.records import Document, DocumentStatus, Role, append_audit

router = APIRouter(tags=["intake"])
IntakeDep = Annotated[CurrentUser, Depends(require_roles(Role.intake))]


@router.get("/dossiers/{dossier_id}/cover-sheet", summary="A dossier's printable cover sheet",
            response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
def cover_sheet(dossier_id: int, user: UserDep, session: SessionDep) -> Response:
    """An A4 PDF with the dossier's QR code and its summary in Vietnamese, to put on top of
    the paper dossier before scanning the stack."""
    dossier = visible_dossier(session, user, dossier_id)
    info = dossier_cover_info(session, dossier)
    with tempfile.TemporaryDirectory(prefix="sohoa-cover-") as work:
        path = Path(work) / "cover.pdf"
        make_cover_sheet(info, path)
        content = path.read_bytes()
    return Response(content, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="bia-ho-so-{dossier.id}.pdf"'})


@router.post("/stacks", summary="Upload a scanned stack to split at its cover sheets")
def upload_stack(file: UploadFile, user: IntakeDep, runtime: RuntimeDep) -> dict[str, Any]:
    """Store the stack, split it at the cover sheets (blank pages and covers dropped),
    attach each part to its dossier, keep unclaimed pages in the tray, queue OCR; returns
    what was done. Runs in the request's worker thread, never in the event loop."""
    name = safe_filename(file.filename or "stack.pdf")
    limit = runtime.settings.max_upload_mb * 1_000_000
    with tempfile.TemporaryDirectory(prefix="sohoa-stack-") as work:
        path = Path(work) / name
        with path.open("wb") as target:
            spool_limited(file.file, target, name, limit)
        return ingest_path(runtime, path, IngestTarget(unit_id=user.unit_id,
                                                       actor=user.username))


@router.get("/tray", response_model=list[DocumentOut], summary="The unassigned tray")
def tray(user: UserDep, session: SessionDep) -> list[DocumentOut]:
    """Documents of the user's units that belong to no dossier yet, newest first."""
    rows = session.scalars(select(Document).where(
        Document.dossier_id.is_(None), Document.unit_id.in_(user.visible_unit_ids),
        Document.status.not_in((DocumentStatus.draft, DocumentStatus.signed)))
        .order_by(Document.id.desc()).limit(500))
    return [document_out(row) for row in rows]


class AssignIn(BaseModel):
    """The dossier a tray document belongs to."""

    dossier_id: int


@router.post("/documents/{document_id}/assign", response_model=DocumentOut,
             summary="Attach a tray document to a dossier")
def assign(document_id: int, body: AssignIn, user: IntakeDep,
           session: SessionDep) -> DocumentOut:
    """Move a document from the unassigned tray into a dossier of the same unit; audited."""
    document = visible_document(session, user, document_id)
    if document.dossier_id is not None:
        raise ConflictError("the document already belongs to a dossier",
                            subject=f"document {document_id}")
    dossier = visible_dossier(session, user, body.dossier_id)
    if dossier.unit_id != document.unit_id:
        raise ConflictError("the dossier belongs to another unit",
                            subject=f"dossier {dossier.id}")
    document.dossier_id = dossier.id
    note_upload(session, dossier, actor=user.username)
    append_audit(session, actor=user.username, action="document_assigned",
                 subject_type="document", subject_id=document.id,
                 details={"dossier": dossier.id})
    session.commit()
    return document_out(document)
