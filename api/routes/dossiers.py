"""Dossiers, their uploaded documents and printable cover sheets, visible only within the
user's unit subtree."""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from api.deps import Id, IntakeDep, Limit, Offset, RuntimeDep, SessionDep, UserDep
from api.multipart_stream import OPENAPI_FILES, staged_uploads
from api.runtime import Runtime
from api.schemas import DocumentOut, DossierIn, DossierOut, StatusIn
from api.transactions import CommitOnReturn
from ingest.coversheet import cover_sheet_pdf, dossier_cover_info
from ingest.dossiers import NewDossier, create_dossier
from ingest.lifecycle import move_dossier
from ingest.staging import StagedFile
from ingest.uploads import upload_files
from storage.access import visible_dossier
from storage.accounts import CurrentUser
from storage.errors import PermissionDeniedError
from storage.records import Dossier, Unit
from storage.records.db import commit_now

router = APIRouter(route_class=CommitOnReturn, prefix="/dossiers", tags=["dossiers"])


@router.post("", response_model=DossierOut, status_code=201, summary="New dossier")
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
                   procedure_name=body.procedure_name,
                   applicant_id_number=body.applicant_id_number),
        actor=user.username, created_by_id=user.id,
        calendar=runtime.settings.working_calendar())
    return DossierOut.of(dossier)


@router.get("", response_model=list[DossierOut], summary="Dossiers of visible units")
def list_dossiers(user: UserDep, session: SessionDep, limit: Limit = 100,
                  offset: Offset = 0) -> list[DossierOut]:
    """Newest first, within the user's units."""
    rows = session.scalars(
        select(Dossier).where(Dossier.unit_id.in_(user.visible_unit_ids))
        .order_by(Dossier.id.desc()).limit(limit).offset(offset))
    return [DossierOut.of(row) for row in rows]


@router.get("/{dossier_id}", response_model=DossierOut, summary="One dossier")
def get_dossier(dossier_id: Id, user: UserDep, session: SessionDep) -> DossierOut:
    """The dossier, if it belongs to the user's units."""
    return DossierOut.of(visible_dossier(session, user, dossier_id))


@router.post("/{dossier_id}/documents", response_model=list[DocumentOut], status_code=201,
             summary="Upload files to a dossier", openapi_extra=OPENAPI_FILES)
async def upload_documents(dossier_id: Id, request: Request, user: IntakeDep,
                           runtime: RuntimeDep) -> list[DocumentOut]:
    """Store each file's original by SHA-256 and record it, then queue its digitisation;
    the same content twice is reported as a duplicate of the existing document. The files
    (multipart field ``files``) are written once as they stream in, within the size limit
    (413 naming the file as soon as one passes it); the records are written on a pool
    thread, in one transaction committed there."""
    async with staged_uploads(request, runtime) as files:
        return await anyio.to_thread.run_sync(_store_uploads, runtime, user, dossier_id, files)


def _store_uploads(runtime: Runtime, user: CurrentUser, dossier_id: int,
                   files: list[StagedFile]) -> list[DocumentOut]:
    with runtime.db.session() as session:
        dossier = visible_dossier(session, user, dossier_id)
        stored = upload_files(
            session, runtime.store, runtime.queue, dossier=dossier, unit_id=dossier.unit_id,
            files=files, uploader=runtime.settings.uploader(user.username, user.id))
        answer = [DocumentOut.of(result.document, result.duplicate) for result in stored]
        commit_now(session)
    return answer


@router.post("/{dossier_id}/status", response_model=DossierOut,
             summary="Move a dossier to another status")
def change_status(dossier_id: Id, body: StatusIn, user: UserDep,
                  session: SessionDep) -> DossierOut:
    """Move the dossier along its life (received → digitising → digitised → in progress →
    result signed → returned); a move its life does not allow answers 409. Audited."""
    dossier = visible_dossier(session, user, dossier_id)
    move_dossier(session, dossier, body.status, actor=user.username, role=user.role,
                 note=body.note)
    return DossierOut.of(dossier)


@router.get("/{dossier_id}/cover-sheet", summary="A dossier's printable cover sheet",
            response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
def cover_sheet(dossier_id: Id, user: UserDep, session: SessionDep) -> Response:
    """An A4 PDF with the dossier's QR code and its summary in Vietnamese, to put on top of
    the paper dossier before scanning the stack."""
    dossier = visible_dossier(session, user, dossier_id)
    content = cover_sheet_pdf(dossier_cover_info(session, dossier))
    return Response(content, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="bia-ho-so-{dossier.id}.pdf"'})
