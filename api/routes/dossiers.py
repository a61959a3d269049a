"""Dossiers and their uploaded documents, visible only within the user's unit subtree."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.accounts import CurrentUser
from api.deps import RuntimeDep, SessionDep, UserDep, require_roles
from api.intake_service import queue_ocr
from ingest.dossiers import NewDossier, create_dossier
from ingest.intake import store_original
from ingest.lifecycle import move_dossier, note_upload
from storage.errors import NotFoundError, PermissionDeniedError
from storage.records import Document, Dossier, DossierStatus, Role, Unit

router = APIRouter(tags=["dossiers"])
IntakeDep = Annotated[CurrentUser, Depends(require_roles(Role.intake))]


class DossierIn(BaseModel):
    """A dossier received at the counter."""

    procedure_code: str = Field(min_length=1, max_length=64)
    procedure_name: str = Field(default="", max_length=512)
    applicant_name: str = Field(min_length=1, max_length=255)
    processing_days: int = Field(ge=0, le=365)
    unit_code: str | None = Field(default=None, description="Default: the user's own unit")


class DossierOut(BaseModel):
    """A dossier."""

    id: int
    unit_id: int
    procedure_code: str
    procedure_name: str
    applicant_name: str
    processing_days: int
    received_at: datetime
    due_date: date
    status: DossierStatus
    overdue: bool


class DocumentOut(BaseModel):
    """A document and its state."""

    id: int
    dossier_id: int | None
    unit_id: int
    filename: str
    media_type: str
    status: str
    doc_type: str | None
    fields: dict[str, Any]
    page_count: int | None
    current_version: int
    files: list[dict[str, Any]]
    duplicate: bool = False


def dossier_out(dossier: Dossier) -> DossierOut:
    """The API view of a dossier; overdue is derived from the due date."""
    open_states = {DossierStatus.result_signed, DossierStatus.returned}
    overdue = dossier.status not in open_states and dossier.due_date < date.today()
    return DossierOut(id=dossier.id, unit_id=dossier.unit_id,
                      procedure_code=dossier.procedure_code,
                      procedure_name=dossier.procedure_name,
                      applicant_name=dossier.applicant_name,
                      processing_days=dossier.processing_days, received_at=dossier.received_at,
                      due_date=dossier.due_date, status=DossierStatus(dossier.status),
                      overdue=overdue)


def document_out(document: Document, duplicate: bool = False) -> DocumentOut:
    """The API view of a document with its stored files."""
    files = [{"version": f.version, "role": f.role, "sha256": f.sha256, "size": f.size,
              "media_type": f.media_type} for f in document.files]
    return DocumentOut(id=document.id, dossier_id=document.dossier_id, unit_id=document.unit_id,
                       filename=document.filename, media_type=document.media_type,
                       status=str(document.status), doc_type=document.doc_type,
                       fields=dict(document.fields or {}), page_count=document.page_count,
                       current_version=document.current_version, files=files,
                       duplicate=duplicate)


def visible_dossier(session: Session, user: CurrentUser, dossier_id: int) -> Dossier:
    """The dossier if the user may see it; 404 otherwise (existence is not revealed)."""
    dossier = session.get(Dossier, dossier_id)
    if dossier is None or not user.can_see_unit(dossier.unit_id):
        raise NotFoundError("no such dossier", subject=f"dossier {dossier_id}")
    return dossier


@router.post("/dossiers", response_model=DossierOut, status_code=201, summary="New dossier")
def new_dossier(body: DossierIn, user: IntakeDep, session: SessionDep,
                runtime: RuntimeDep) -> DossierOut:
    """Register a dossier received at the counter; its due date counts working days."""
    unit_id = user.unit_id
    if body.unit_code:
        unit = session.scalar(select(Unit).where(Unit.code == body.unit_code))
        if unit is None or not user.can_see_unit(unit.id):
            raise PermissionDeniedError("you work for no such unit", subject=body.unit_code)
        unit_id = unit.id
    dossier = create_dossier(
        session,
        NewDossier(procedure_code=body.procedure_code, applicant_name=body.applicant_name,
                   processing_days=body.processing_days, unit_id=unit_id,
                   procedure_name=body.procedure_name),
        actor=user.username, created_by_id=user.id,
        holidays=runtime.settings.holiday_dates())
    return dossier_out(dossier)


@router.get("/dossiers", response_model=list[DossierOut], summary="Dossiers of visible units")
def list_dossiers(user: UserDep, session: SessionDep, limit: int = 100,
                  offset: int = 0) -> list[DossierOut]:
    """Newest first, within the user's units."""
    rows = session.scalars(
        select(Dossier).where(Dossier.unit_id.in_(user.visible_unit_ids))
        .order_by(Dossier.id.desc()).limit(min(max(limit, 1), 500)).offset(max(offset, 0)))
    return [dossier_out(row) for row in rows]


@router.get("/dossiers/{dossier_id}", response_model=DossierOut, summary="One dossier")
def get_dossier(dossier_id: int, user: UserDep, session: SessionDep) -> DossierOut:
    """The dossier, if it belongs to the user's units."""
    return dossier_out(visible_dossier(session, user, dossier_id))


@router.post("/dossiers/{dossier_id}/documents", response_model=list[DocumentOut],
             status_code=201, summary="Upload files to a dossier")
def upload_documents(dossier_id: int, files: list[UploadFile], user: IntakeDep,
                     session: SessionDep, runtime: RuntimeDep) -> list[DocumentOut]:
    """Store each file's original by SHA-256 and record it; the same content twice is
    reported as a duplicate of the existing document."""
    dossier = visible_dossier(session, user, dossier_id)
    limit = runtime.settings.max_upload_mb * 1_000_000
    stored, queued = [], []
    for upload in files:
        result = store_original(session, runtime.store, dossier=dossier,
                                filename=upload.filename or "upload", stream=upload.file,
                                actor=user.username, user_id=user.id, max_bytes=limit)
        if not result.duplicate:
            queued.append(result.document)
        stored.append(result)
    if queued:
        note_upload(session, dossier, actor=user.username)
    queue_ocr(runtime, session, queued)
    return [document_out(result.document, result.duplicate) for result in stored]


class StatusIn(BaseModel):
    """A move of a dossier to its next status."""

    status: DossierStatus
    note: str = Field(default="", max_length=500)


@router.post("/dossiers/{dossier_id}/status", response_model=DossierOut,
             summary="Move a dossier to another status")
def change_status(dossier_id: int, body: StatusIn, user: UserDep,
                  session: SessionDep) -> DossierOut:
    """Move the dossier along its life (received → digitising → digitised → in progress →
    result signed → returned); a move its life does not allow answers 409. Audited."""
    dossier = visible_dossier(session, user, dossier_id)
    move_dossier(session, dossier, body.status, actor=user.username, note=body.note)
    session.commit()
    return dossier_out(dossier)
