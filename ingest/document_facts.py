"""What people checking a document need to see about it: where its digitisation is (the
job's page progress), which of its fields the classifier was unsure of and why, and which
documents of the same dossier hold the very same content."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.classify.classifier import REVIEW_BELOW, allowed_fields, expected_fields
from storage.jobs import ocr_job_id
from storage.records import Document, DocumentFile, DocumentStatus, FileRole, Job, JobStatus

FINISHED = frozenset({DocumentStatus.digitised, DocumentStatus.failed, DocumentStatus.draft,
                      DocumentStatus.signed})
"""Statuses a document stays in until someone acts: nothing to watch."""


@dataclass(frozen=True)
class DocumentProgress:
    """A document's digitisation as people follow it: its status and, while its job
    runs, pages done of the total; the reason when it failed."""

    document: Document
    status: DocumentStatus
    pages_done: int = 0
    pages_total: int = 0
    error: str | None = None

    @property
    def finished(self) -> bool:
        """Whether the status will not change by itself any more."""
        return self.status in FINISHED


def document_progress(session: Session, document: Document) -> DocumentProgress:
    """The document's status with its OCR job's progress (or its failure's reason)."""
    status = DocumentStatus(document.status)
    job = session.get(Job, ocr_job_id(document.id, document.current_version),
                      populate_existing=True)
    if job is None:
        return DocumentProgress(document, status)
    if job.status == JobStatus.failed and status not in (DocumentStatus.digitised,):
        return DocumentProgress(document, DocumentStatus.failed, job.progress_done,
                                job.progress_total, job.error or "")
    if status == DocumentStatus.failed:
        return DocumentProgress(document, status, error=job.error or "")
    if job.status == JobStatus.running and status != DocumentStatus.digitised:
        status = DocumentStatus.processing
    return DocumentProgress(document, status, job.progress_done, job.progress_total)


@dataclass(frozen=True)
class FieldCheck:
    """One field of a document as a reviewer sees it: its value, whether to look at it
    and why."""

    name: str
    value: str
    needs_review: bool = False
    reasons: list[str] = field(default_factory=list)
    crop: bool = False  # a picture of where it is written by hand (see handwritten_blanks)


@dataclass(frozen=True)
class HandwrittenBlank:
    """Where a field the classifier left empty is written by hand: page (0-based) and box
    in points of the document's searchable PDF, and what was printed beside the blank."""

    field: str
    page: int
    box: tuple[float, float, float, float]
    printed: str | None = None


def handwritten_blanks(document: Document) -> dict[str, HandwrittenBlank]:
    """The fields the classifier flagged as handwritten (its ``review`` entries), by name;
    entries that are malformed (a stored classification of another version) are left
    out."""
    found: dict[str, HandwrittenBlank] = {}
    for entry in (document.classification or {}).get("review") or []:
        if not isinstance(entry, dict) or entry.get("reason") != "handwritten":
            continue
        name, page, box = entry.get("field"), entry.get("page"), entry.get("box")
        if not (isinstance(name, str) and isinstance(page, int) and isinstance(box, list)
                and len(box) == 4 and all(isinstance(value, int | float) for value in box)):
            continue
        x0, y0, x1, y1 = (float(value) for value in box)
        if x1 <= x0 or y1 <= y0 or page < 0:
            continue
        printed = entry.get("printed")
        found[name] = HandwrittenBlank(name, page, (x0, y0, x1, y1),
                                       printed if isinstance(printed, str) else None)
    return found


def _named(reason: str, prefix: str) -> list[str]:
    return [name.strip() for name in reason[len(prefix):].split(",")] \
        if reason.startswith(prefix) else []


def field_checks(document: Document) -> list[FieldCheck]:
    """The fields a document of its type carries, each flagged when the classifier did not
    find it or was unsure of it (its stored reasons and per-field confidence)."""
    doc_type = document.doc_type or "other"
    details: dict[str, Any] = dict(document.classification or {})
    reasons = [str(reason) for reason in details.get("reasons") or []]
    confidence = details.get("field_confidence") or {}
    missing = {name for reason in reasons for name in _named(reason, "not found:")}
    unsure = {name for reason in reasons for name in _named(reason, "unsure:")}
    values = dict(document.fields or {})
    handwritten = handwritten_blanks(document)
    names = [*allowed_fields(doc_type)]
    names += [name for name in values if name not in names]
    checks = []
    for name in names:
        why: list[str] = []
        if name in handwritten:  # left empty on purpose: written by hand, read by a person
            why.append("handwritten")
        elif name in missing or (name in expected_fields(doc_type) and not values.get(name)
                                 and document.needs_review):
            why.append("missing")
        score = confidence.get(name)
        if name in unsure or (isinstance(score, int | float) and score < REVIEW_BELOW):
            why.append("unsure")
        checks.append(FieldCheck(name=name, value=str(values.get(name) or ""),
                                 needs_review=bool(why) and document.needs_review,
                                 reasons=why, crop=name in handwritten
                                 and document.needs_review))
    return checks


def type_uncertain(document: Document) -> bool:
    """Whether the classifier was unsure of the document's type."""
    reasons = (document.classification or {}).get("reasons") or []
    return document.needs_review and any(str(r).startswith("type uncertain") for r in reasons)


def same_content(session: Session, document: Document) -> list[Document]:
    """Other documents of the same dossier (or, in the tray, the same unit's tray) whose
    original has the same SHA-256 as this one's."""
    digests = select(DocumentFile.sha256).where(DocumentFile.document_id == document.id,
                                                DocumentFile.role == FileRole.original)
    where = (Document.dossier_id == document.dossier_id) if document.dossier_id is not None \
        else (Document.dossier_id.is_(None) & (Document.unit_id == document.unit_id))
    return list(session.scalars(
        select(Document).join(DocumentFile).where(
            where, Document.id != document.id, DocumentFile.role == FileRole.original,
            DocumentFile.sha256.in_(digests)).distinct().order_by(Document.id)))


def duplicated_ids(session: Session, documents: list[Document]) -> set[int]:
    """Ids among ``documents`` whose original content another one of them also has."""
    ids = [document.id for document in documents]
    if not ids:
        return set()
    rows = session.execute(select(DocumentFile.document_id, DocumentFile.sha256).where(
        DocumentFile.document_id.in_(ids), DocumentFile.role == FileRole.original)).all()
    seen: dict[str, list[int]] = {}
    for document_id, digest in rows:
        seen.setdefault(digest, []).append(document_id)
    return {document_id for group in seen.values() if len(set(group)) > 1
            for document_id in group}
