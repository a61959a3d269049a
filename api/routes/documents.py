"""Documents: read one, download its files, and queue jobs on it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from pydantic import BaseModel
from sqlalchemy import select

from api.accounts import CurrentUser
from api.deps import RuntimeDep, SessionDep, UserDep
from api.jobs import (
    check_document_fixity,
    fixity_job_id,
    ocr_document,
    ocr_job_id,
    record_enqueued,
)
from api.routes.dossiers import DocumentOut, document_out
from storage.errors import NotFoundError
from storage.records import Document, DocumentFile, DocumentStatus, Job

router = APIRouter(tags=["documents"])


class JobOut(BaseModel):
    """A background job's state and progress."""

    id: str
    kind: str
    status: str
    progress_done: int
    progress_total: int
    attempts: int
    error: str | None
    result: dict[str, Any] | None
    enqueued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def visible_document(session: Any, user: CurrentUser, document_id: int) -> Document:
    """The document if the user may see it; 404 otherwise."""
    document = session.get(Document, document_id)
    if document is None or not user.can_see_unit(document.unit_id):
        raise NotFoundError("no such document", subject=f"document {document_id}")
    assert isinstance(document, Document)
    return document


def latest_file(session: Any, document_id: int, role: str) -> DocumentFile | None:
    """The document's newest stored file of ``role`` (any version), if there is one."""
    row = session.scalar(select(DocumentFile).where(
        DocumentFile.document_id == document_id, DocumentFile.role == role)
        .order_by(DocumentFile.version.desc()).limit(1))
    assert row is None or isinstance(row, DocumentFile)
    return row


def job_out(job: Job) -> JobOut:
    """The API view of a job row."""
    return JobOut(id=job.id, kind=job.kind, status=str(job.status),
                  progress_done=job.progress_done, progress_total=job.progress_total,
                  attempts=job.attempts, error=job.error, result=job.result,
                  enqueued_at=job.enqueued_at, started_at=job.started_at,
                  finished_at=job.finished_at)


@router.get("/documents/{document_id}", response_model=DocumentOut, summary="One document")
def get_document(document_id: int, user: UserDep, session: SessionDep) -> DocumentOut:
    """The document's state, type, fields and stored files."""
    return document_out(visible_document(session, user, document_id))


@router.get("/documents/{document_id}/files/{role}", summary="Download a stored file",
            response_class=RedirectResponse, status_code=307)
def download_file(document_id: int, role: str, user: UserDep, session: SessionDep,
                  runtime: RuntimeDep, version: int | None = None) -> RedirectResponse:
    """Redirect to a download URL valid for ten minutes."""
    document = visible_document(session, user, document_id)
    wanted = version or document.current_version
    matches = [f for f in document.files if f.role == role and f.version <= wanted]
    if not matches:
        raise NotFoundError("the document has no such file", subject=role)
    latest = max(matches, key=lambda f: f.version)
    url = runtime.store.download_url(latest.object_key, timedelta(minutes=10))
    return RedirectResponse(url, status_code=307)


@router.post("/documents/{document_id}/fixity", response_model=JobOut, status_code=202,
             summary="Queue a fixity check")
def queue_fixity(document_id: int, user: UserDep, session: SessionDep,
                 runtime: RuntimeDep) -> JobOut:
    """Queue a job that re-hashes every stored file of the document."""
    document = visible_document(session, user, document_id)
    job_id = fixity_job_id(document.id)
    row = record_enqueued(session, job_id, "fixity", document_id=document.id,
                          dossier_id=document.dossier_id, unit_id=document.unit_id)
    session.commit()
    runtime.queue.enqueue_once(check_document_fixity, job_id, document.id, rerun_finished=True)
    session.refresh(row)
    return job_out(row)


@router.post("/documents/{document_id}/ocr", response_model=JobOut, status_code=202,
             summary="Queue OCR of a document")
def queue_ocr(document_id: int, user: UserDep, session: SessionDep,
              runtime: RuntimeDep) -> JobOut:
    """Queue the job that makes the searchable PDF, text and words of the current version."""
    document = visible_document(session, user, document_id)
    job_id = ocr_job_id(document.id, document.current_version)
    row = record_enqueued(session, job_id, "ocr", document_id=document.id,
                          dossier_id=document.dossier_id, unit_id=document.unit_id)
    document.status = DocumentStatus.queued
    session.commit()
    runtime.queue.enqueue_once(ocr_document, job_id, document.id, document.current_version,
                               rerun_finished=True)
    session.refresh(row)
    return job_out(row)


@router.get("/jobs/{job_id}", response_model=JobOut, summary="A job's state and progress")
def get_job(job_id: str, user: UserDep, session: SessionDep) -> JobOut:
    """Status, progress (done of total) and result of a job on a visible record."""
    job = session.get(Job, job_id)
    if job is None or not user.can_see_unit(job.unit_id):
        raise NotFoundError("no such job", subject=job_id)
    return job_out(job)
