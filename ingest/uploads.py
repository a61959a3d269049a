"""Uploading files into a dossier (or a unit's unassigned tray) and moving a tray
document into its dossier: one flow each, for the API, the web pages and the CLI.

Each file is written once with the size limit and SHA-256 taken as it streams, checked
from its headers (the full decode is its digitisation job's), stored by SHA-256 before
any record points at it, and recorded as ``received``; its digitisation job is then
requested and runs once the caller's transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy.orm import Session

from ingest.intake import StoredOriginal, store_original, store_staged
from ingest.lifecycle import note_upload
from ingest.staging import StagedFile
from ocr.model import OcrLimits
from storage.errors import ConflictError
from storage.jobs import JobQueue, ocr_job_id, request_job
from storage.objects import ObjectStore
from storage.records import (
    AuditAction,
    Document,
    DocumentStatus,
    Dossier,
    JobKind,
    append_audit,
)


@dataclass(frozen=True)
class IncomingFile:
    """A file as it arrives: the name its sender gave it and its content."""

    filename: str
    stream: BinaryIO


@dataclass(frozen=True)
class Uploader:
    """Who uploads (audited), the size limit in bytes and the limits on pages."""

    actor: str
    user_id: int | None
    max_bytes: int | None
    limits: OcrLimits | None = None


def queue_digitisation(session: Session, queue: JobQueue, documents: Iterable[Document], *,
                       again: bool = False) -> None:
    """Request the OCR + classification job of each document's current version; ``again``
    runs it anew when that version was already digitised."""
    for document in documents:
        request_job(session, queue, JobKind.ocr,
                    ocr_job_id(document.id, document.current_version),
                    (document.id, document.current_version), rerun_finished=again,
                    document_id=document.id, dossier_id=document.dossier_id,
                    unit_id=document.unit_id)
        document.status = DocumentStatus.queued


def upload_files(session: Session, store: ObjectStore, queue: JobQueue, *,
                 dossier: Dossier | None, unit_id: int,
                 files: Iterable[IncomingFile | StagedFile],
                 uploader: Uploader) -> list[StoredOriginal]:
    """Store each file into ``dossier`` (or, with None, ``unit_id``'s tray) and queue the
    digitisation of each new one; the same content twice is reported as a duplicate of
    the existing document and queued nothing. A dossier that receives new files is
    digitising again. A :class:`StagedFile` (already written to the store's staging
    directory within the size limit, as it streamed in) is stored without another copy."""
    stored = [_store_one(session, store, dossier, unit_id, item, uploader) for item in files]
    new = [result.document for result in stored if not result.duplicate]
    if dossier is not None and new:
        note_upload(session, dossier, actor=uploader.actor)
    queue_digitisation(session, queue, new)
    return stored


def _store_one(session: Session, store: ObjectStore, dossier: Dossier | None, unit_id: int,
               item: IncomingFile | StagedFile, uploader: Uploader) -> StoredOriginal:
    if isinstance(item, StagedFile):
        return store_staged(session, store, dossier=dossier, staged=item,
                            actor=uploader.actor, user_id=uploader.user_id,
                            limits=uploader.limits, unit_id=unit_id)
    return store_original(session, store, dossier=dossier, filename=item.filename,
                          stream=item.stream, actor=uploader.actor, user_id=uploader.user_id,
                          max_bytes=uploader.max_bytes, limits=uploader.limits,
                          unit_id=unit_id)


def assign_to_dossier(session: Session, document: Document, dossier: Dossier, *,
                      actor: str) -> Document:
    """Move a document from the unassigned tray into a dossier of the same unit; the
    dossier is digitising again. Audited."""
    if document.dossier_id is not None:
        raise ConflictError("the document already belongs to a dossier",
                            subject=f"document {document.id}")
    if dossier.unit_id != document.unit_id:
        raise ConflictError("the dossier belongs to another unit",
                            subject=f"dossier {dossier.id}")
    document.dossier_id = dossier.id
    note_upload(session, dossier, actor=actor)
    append_audit(session, actor=actor, action=AuditAction.document_assigned,
                 subject_type="document", subject_id=document.id,
                 details={"dossier": dossier.id})
    session.flush()
    return document
