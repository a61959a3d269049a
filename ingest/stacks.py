"""Scanned stacks: many dossiers scanned in one go, each behind its printed cover sheet.

Receiving a stack keeps it first, as scanned, and requests its split as a job (a 200-page
stack must not hold a web request open). The split cuts it at the cover sheets (blank
pages and the covers dropped), stores each part into its dossier, keeps pages no cover
sheet claims in the unit's unassigned tray, and queues the digitisation of each part.
The CLI and the scanner folder call the same split directly.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ingest.batch import plan_stack, write_parts
from ingest.intake import (
    StoredOriginal,
    safe_filename,
    sniff_media_type,
    spool_limited,
    store_original,
    validate_file,
)
from ingest.lifecycle import note_upload
from ingest.uploads import IncomingFile, Uploader, queue_digitisation
from storage.errors import BadInputError
from storage.jobs import JobQueue, RunningJob, SessionFactory, request_job, stack_job_id
from storage.objects import CHUNK_SIZE, ObjectStore
from storage.objects.keys import stack_prefix
from storage.orphans import put_object
from storage.records import AuditAction, Dossier, Job, JobKind, append_audit


@dataclass(frozen=True)
class ReceivedStack:
    """A stack kept as scanned: its object key, the name it came with, its unit."""

    unit_id: int
    key: str
    sha256: str
    filename: str


def receive_stack(session: Session, store: ObjectStore, *, unit_id: int, upload: IncomingFile,
                  uploader: Uploader) -> ReceivedStack:
    """Spool the stack with the size limit, validate it once, keep it, audit it."""
    name = safe_filename(upload.filename)
    with tempfile.TemporaryDirectory(prefix="sohoa-stack-") as work:
        path = Path(work) / "stack"
        with path.open("wb") as target:
            if spool_limited(upload.stream, target, name, uploader.max_bytes) == 0:
                raise BadInputError("the file is empty (0 bytes)", subject=name)
        validate_file(path, name, uploader.limits)
        with path.open("rb") as stream:
            media_type, suffix = sniff_media_type(stream.read(2048))
            stream.seek(0)
            info = put_object(session, store, stack_prefix(unit_id), stream, suffix=suffix,
                              content_type=media_type)
    append_audit(session, actor=uploader.actor, action=AuditAction.stack_received,
                 subject_type="unit", subject_id=unit_id,
                 details={"file": name, "sha256": info.sha256, "key": info.key})
    return ReceivedStack(unit_id=unit_id, key=info.key, sha256=info.sha256, filename=name)


def queue_stack_split(session: Session, queue: JobQueue, stack: ReceivedStack,
                      uploader: Uploader) -> Job:
    """Request the job that splits a received stack (once per stack content and unit)."""
    return request_job(session, queue, JobKind.stack, stack_job_id(stack.unit_id, stack.sha256),
                       (stack.unit_id, stack.key, stack.filename, uploader.actor,
                        uploader.user_id),
                       rerun_finished=False, unit_id=stack.unit_id)


def document_entry(stored: StoredOriginal, pages: int | None) -> dict[str, Any]:
    """A document made from a file, as the CLI contract prints it."""
    document = stored.document
    return {"dossier": document.dossier_id, "document": document.id, "pages": pages,
            "doc_type": document.doc_type, "fields": dict(document.fields or {}),
            "status": str(document.status), "duplicate": stored.duplicate}


def split_stack(session: Session, store: ObjectStore, queue: JobQueue, stack: ReceivedStack,
                uploader: Uploader) -> dict[str, Any]:
    """Split a kept stack at its cover sheets into its dossiers and the unit's tray, queue
    each new part's digitisation, audit the split; returns what was made (CLI contract:
    per document dossier, document, pages, doc_type, fields, status; and the unassigned)."""
    def known(dossier_id: int) -> bool:
        dossier = session.get(Dossier, dossier_id)
        return dossier is not None and dossier.unit_id == stack.unit_id

    made: list[tuple[StoredOriginal, int | None]] = []
    with tempfile.TemporaryDirectory(prefix="sohoa-stack-") as work:
        path = Path(work) / ("stack" + Path(stack.key).suffix)
        with store.open(stack.key) as source, path.open("wb") as target:
            shutil.copyfileobj(source, target, CHUNK_SIZE)
        plan = plan_stack(path, known_dossier=known)
        files = write_parts(path, plan, Path(work) / "parts")
        pages = {part.dossier_id: len(part.pages) for part in plan.parts}
        stem = Path(stack.filename).stem
        for dossier_id, part_path in sorted(files.parts.items()):
            with part_path.open("rb") as stream:
                stored = store_original(
                    session, store, dossier=session.get(Dossier, dossier_id),
                    filename=f"{stem}-hs{dossier_id}.pdf", stream=stream, actor=uploader.actor,
                    user_id=uploader.user_id, max_bytes=None, unit_id=stack.unit_id)
            made.append((stored, pages.get(dossier_id)))
        if files.unassigned is not None:
            with files.unassigned.open("rb") as stream:
                stored = store_original(
                    session, store, dossier=None, filename=f"{stem}-chua-gan.pdf",
                    stream=stream, actor=uploader.actor, user_id=uploader.user_id,
                    max_bytes=None, unit_id=stack.unit_id)
            made.append((stored, len(plan.unassigned)))
    for stored, _ in made:
        dossier = stored.document.dossier
        if dossier is not None and not stored.duplicate:
            note_upload(session, dossier, actor=uploader.actor)
    report = plan.report()
    append_audit(session, actor=uploader.actor, action=AuditAction.stack_split,
                 subject_type="unit", subject_id=stack.unit_id,
                 details={"file": stack.filename, **report})
    queue_digitisation(session, queue, [s.document for s, _ in made if not s.duplicate])
    placed = [(s, n) for s, n in made if s.document.dossier_id is not None]
    tray = [(s, n) for s, n in made if s.document.dossier_id is None]
    return {"file": stack.filename, "stack_sha256": stack.sha256,
            "documents": [document_entry(s, n) for s, n in placed],
            "unassigned": [document_entry(s, n) for s, n in tray],
            "unassigned_pages": report.get("unassigned", []),
            "blank_pages": report.get("blank_pages", []),
            "cover_pages": report.get("cover_pages", []), "summary": report.get("summary")}


def split_stack_job(sessions: SessionFactory, store: ObjectStore, queue: JobQueue,
                    job: RunningJob, stack: ReceivedStack,
                    uploader: Uploader) -> dict[str, Any]:
    """The split as a job: ``job`` is marked done with the report beside the parts; a
    stack that cannot be split (unreadable pages, a cover sheet of another unit's dossier)
    fails the job for good with the reason, audited; the stack stays stored."""
    try:
        with sessions() as session:
            result = split_stack(session, store, queue, stack, uploader)
            job.finish(session, result)
        return result
    except BadInputError as error:
        with sessions() as session:
            append_audit(session, actor=uploader.actor, action=AuditAction.stack_refused,
                         subject_type="unit", subject_id=stack.unit_id,
                         details={"file": stack.filename, "error": str(error)})
            job.give_up(session, error)
        return {"file": stack.filename, "error": str(error)}
