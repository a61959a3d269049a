"""A person confirms or corrects a document's type and fields; the classifier learns.

The correction is validated field by field, stored on the document, kept as a training
example with the document's text, audited, re-indexed, and a retraining is requested. The
retraining itself (:func:`retrain_classifier`) is the job that request runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from ingest.classify import DOC_TYPES
from ingest.classify.registry import latest_example_id, train_version
from ingest.classify.validate import check_field
from ingest.errors import IntakeInputError
from ingest.indexing import reindex
from storage.accounts import CurrentUser
from storage.errors import ConflictError
from storage.jobs import (
    JobQueue,
    ProgressReporter,
    RunningJob,
    SessionFactory,
    request_job,
    retrain_job_id,
)
from storage.objects import ObjectStore
from storage.records import (
    AuditAction,
    ClassifierModel,
    Document,
    FileRole,
    Job,
    JobKind,
    TrainingExample,
    TrainingSource,
    append_audit,
)
from storage.records.files import newest_file, read_file


def document_text(session: Session, store: ObjectStore, document: Document) -> str:
    """The text OCR read from the document; :class:`ConflictError` before OCR."""
    row = newest_file(session, document.id, FileRole.text)
    if row is None:
        raise ConflictError("the document has not been read (OCR) yet",
                            subject=f"document {document.id}")
    return read_file(store, row).decode("utf-8")


def review_classification(session: Session, store: ObjectStore, queue: JobQueue,
                          document: Document, *, doc_type: str, fields: Mapping[str, str],
                          reviewer: CurrentUser) -> Document:
    """Store the type and fields a person gives (each value validated), audit the change,
    keep it as training data and request a retraining; similar documents classified from
    now on follow the correction at once (the model's memory)."""
    if doc_type not in DOC_TYPES:
        raise IntakeInputError(f"unknown type; one of {', '.join(DOC_TYPES)}",
                               subject="doc_type")
    checked = {name: check_field(doc_type, name, value) for name, value in fields.items()}
    before = {"doc_type": document.doc_type, "fields": dict(document.fields or {})}
    changed = before != {"doc_type": doc_type, "fields": checked}
    text = document_text(session, store, document)
    session.add(TrainingExample(
        document_id=document.id, doc_type=doc_type, fields=checked, text=text,
        source=TrainingSource.correction if changed else TrainingSource.confirmation,
        created_by_id=reviewer.id))
    details = dict(document.classification or {})
    details.update(reviewed_by=reviewer.username, reasons=[], needs_review=False)
    document.doc_type, document.fields, document.confidence = doc_type, checked, 1.0
    document.needs_review, document.classification = False, details
    append_audit(session, actor=reviewer.username,
                 action=AuditAction.document_corrected if changed
                 else AuditAction.document_confirmed,
                 subject_type="document", subject_id=document.id,
                 details={"before": before, "after": {"doc_type": doc_type, "fields": checked}})
    session.flush()
    reindex(session, document, text)
    request_retraining(session, queue)
    return document


def request_retraining(session: Session, queue: JobQueue) -> Job:
    """Request a retraining on the training data as it is now (once per state)."""
    session.flush()
    last_id = latest_example_id(session)
    return request_job(session, queue, JobKind.retrain, retrain_job_id(last_id), (last_id,),
                       rerun_finished=True)


def train_now(session: Session, store: ObjectStore, *, actor: str,
              progress: Callable[[int, int], None] | None = None) -> ClassifierModel:
    """Train, store and record a new classifier version from the generated set and every
    confirmation and correction; audited."""
    row = train_version(session, store, progress=progress)
    append_audit(session, actor=actor, action=AuditAction.classifier_trained,
                 subject_type="classifier", subject_id=str(row.version),
                 details={"version": row.version, "examples": row.examples})
    return row


def retrain_classifier(sessions: SessionFactory, store: ObjectStore, job: RunningJob,
                       last_example_id: int) -> dict[str, Any]:
    """The retraining job: a new version unless newer corrections arrived (their own job
    retrains); ``job`` is marked done with the result in the same transaction."""
    with sessions() as session:
        if latest_example_id(session) > last_example_id:
            result: dict[str, Any] = {"skipped": "newer corrections arrived; their job retrains"}
        else:
            row = train_now(session, store, actor="system", progress=ProgressReporter(job))
            result = {"version": row.version, "examples": row.examples}
        job.finish(session, result)
    return result
