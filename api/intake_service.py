"""Ingesting a file from the back office or a scanner folder: store the file first, split a
scanned stack at its cover sheets, attach each part to its dossier, keep pages no cover
sheet claims in the unit's unassigned tray, and queue OCR and classification.

Used by ``sohoa ingest``, ``sohoa watch`` and ``sohoa serve --watch``; the API's upload
route does the same for one dossier.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.jobs import ocr_document, ocr_job_id, record_enqueued
from api.runtime import Runtime
from ingest.batch import plan_stack, write_parts
from ingest.intake import safe_filename, store_original, validate_file
from ingest.lifecycle import note_upload
from storage.errors import NotFoundError
from storage.records import Document, DocumentStatus, Dossier, Unit, append_audit

STACKS_PREFIX = "units/{unit}/stacks"


@dataclass(frozen=True)
class IngestTarget:
    """Where a file goes: one dossier, or (None) split at cover sheets within ``unit_id``."""

    unit_id: int
    dossier_id: int | None = None
    actor: str = "intake"


def default_unit(session: Session, code: str | None) -> int:
    """The unit with ``code``, or the first top-level unit; NotFoundError naming it."""
    query = select(Unit.id).where(Unit.code == code) if code else (
        select(Unit.id).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    unit_id = session.scalar(query.limit(1))
    if unit_id is None:
        raise NotFoundError("no such unit: add one with 'sohoa unit add'",
                            subject=code or "--unit")
    return int(unit_id)


def queue_ocr(runtime: Runtime, session: Session, documents: list[Document]) -> None:
    """Record and queue the OCR + classification job of each document (committed first,
    so a worker always finds the rows it is given)."""
    jobs = [(ocr_job_id(d.id, d.current_version), d) for d in documents]
    for job_id, document in jobs:
        record_enqueued(session, job_id, "ocr", document_id=document.id,
                        dossier_id=document.dossier_id, unit_id=document.unit_id)
        document.status = DocumentStatus.queued
    session.commit()
    for job_id, document in jobs:
        runtime.queue.enqueue_once(ocr_document, job_id, document.id, document.current_version)


def _store(runtime: Runtime, session: Session, path: Path, name: str, *,
           dossier: Dossier | None, target: IngestTarget) -> tuple[Document, bool]:
    with path.open("rb") as stream:
        stored = store_original(session, runtime.store, dossier=dossier, filename=name,
                                stream=stream, actor=target.actor, user_id=None,
                                max_bytes=runtime.settings.max_upload_mb * 1_000_000,
                                unit_id=target.unit_id)
    if dossier is not None and not stored.duplicate:
        note_upload(session, dossier, actor=target.actor)
    return stored.document, stored.duplicate


def _entry(document: Document, pages: int | None, duplicate: bool) -> dict[str, Any]:
    return {"dossier": document.dossier_id, "document": document.id, "pages": pages,
            "doc_type": document.doc_type, "fields": dict(document.fields or {}),
            "status": str(document.status), "duplicate": duplicate}


def ingest_path(runtime: Runtime, path: Path, target: IngestTarget) -> dict[str, Any]:
    """Store ``path`` and queue its processing; returns the documents made (CLI contract:
    dossier, document, pages, doc_type, fields, status) and any unassigned pages."""
    name = safe_filename(path.name)
    validate_file(path, name)
    with runtime.db.session() as session:
        if target.dossier_id is not None:
            dossier = session.get(Dossier, target.dossier_id)
            if dossier is None:
                raise NotFoundError("no such dossier", subject=str(target.dossier_id))
            document, duplicate = _store(runtime, session, path, name, dossier=dossier,
                                         target=target)
            queue_ocr(runtime, session, [] if duplicate else [document])
            return {"file": name, "documents": [_entry(document, None, duplicate)],
                    "unassigned": []}
        return _split_and_store(runtime, session, path, name, target)


def _split_and_store(runtime: Runtime, session: Session, path: Path, name: str,
                     target: IngestTarget) -> dict[str, Any]:
    with path.open("rb") as stream:  # the stack itself is kept first, as scanned
        stack = runtime.store.put(STACKS_PREFIX.format(unit=target.unit_id),
                                  stream)
    append_audit(session, actor=target.actor, action="stack_received", subject_type="unit",
                 subject_id=target.unit_id,
                 details={"file": name, "sha256": stack.sha256, "key": stack.key})
    session.commit()

    def known(dossier_id: int) -> bool:
        dossier = session.get(Dossier, dossier_id)
        return dossier is not None and dossier.unit_id == target.unit_id

    plan = plan_stack(path, known_dossier=known)
    made: list[tuple[Document, int | None, bool]] = []
    with tempfile.TemporaryDirectory(prefix="sohoa-stack-") as work:
        files = write_parts(path, plan, Path(work))
        pages = {part.dossier_id: len(part.pages) for part in plan.parts}
        stem = Path(name).stem
        for dossier_id, part_path in sorted(files.parts.items()):
            dossier = session.get(Dossier, dossier_id)
            document, duplicate = _store(runtime, session, part_path,
                                         f"{stem}-hs{dossier_id}.pdf", dossier=dossier,
                                         target=target)
            made.append((document, pages.get(dossier_id), duplicate))
        if files.unassigned is not None:
            document, duplicate = _store(runtime, session, files.unassigned,
                                         f"{stem}-chua-gan.pdf", dossier=None, target=target)
            made.append((document, len(plan.unassigned), duplicate))
    append_audit(session, actor=target.actor, action="stack_split", subject_type="unit",
                 subject_id=target.unit_id, details={"file": name, **plan.report()})
    queue_ocr(runtime, session, [document for document, _, duplicate in made if not duplicate])
    report = plan.report()
    return {"file": name, "stack_sha256": stack.sha256,
            "documents": [_entry(d, n, dup) for d, n, dup in made if d.dossier_id is not None],
            "unassigned": [_entry(d, n, dup) for d, n, dup in made if d.dossier_id is None],
            "unassigned_pages": report.get("unassigned", []),
            "blank_pages": report.get("blank_pages", []),
            "cover_pages": report.get("cover_pages", []), "summary": report.get("summary")}
