"""A document's type and fields: read them, confirm or correct them (corrections are
audited and become training data), and the classifier's versions and retraining."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import select

from api.accounts import CurrentUser
from api.deps import RuntimeDep, SessionDep, UserDep, require_roles
from api.jobs import record_enqueued, retrain_classifier, retrain_job_id
from api.routes.documents import JobOut, job_out, latest_file, visible_document
from api.runtime import Runtime
from ingest.classify import DOC_TYPES
from ingest.classify.registry import latest_example_id
from ingest.classify.validate import check_field
from ingest.errors import IntakeInputError
from ingest.indexing import reindex
from storage.errors import ConflictError
from storage.records import Document
from storage.records.audit import append_audit
from storage.records.models import ClassifierModel, Role, TrainingExample

router = APIRouter(tags=["classification"])
Reviewer = Annotated[CurrentUser, Depends(require_roles(Role.intake, Role.clerk))]
Admin = Annotated[CurrentUser, Depends(require_roles(Role.admin))]


class ClassificationOut(BaseModel):
    """What the classifier said about a document, or what staff confirmed."""

    document_id: int
    doc_type: str | None
    confidence: float | None
    fields: dict[str, Any]
    field_confidence: dict[str, float] = {}
    needs_review: bool
    reasons: list[str] = []
    model_version: int | None = None
    reviewed: bool = False


class ClassificationIn(BaseModel):
    """A person's confirmation or correction of type and fields."""

    doc_type: str = Field(description="one of domain.md's doc_type codes")
    fields: dict[str, str] = Field(default_factory=dict)


class ClassifierOut(BaseModel):
    """One trained model version."""

    version: int
    examples: int
    size: int
    sha256: str
    created_at: datetime


def classification_out(document: Document) -> ClassificationOut:
    """The API view of a document's classification."""
    details = document.classification or {}
    return ClassificationOut(
        document_id=document.id, doc_type=document.doc_type, confidence=document.confidence,
        fields=dict(document.fields or {}), field_confidence=details.get("field_confidence", {}),
        needs_review=document.needs_review, reasons=details.get("reasons", []),
        model_version=details.get("model_version"), reviewed=bool(details.get("reviewed_by")))


@router.get("/documents/{document_id}/classification", response_model=ClassificationOut,
            summary="A document's type, fields and confidence")
def get_classification(document_id: int, user: UserDep,
                       session: SessionDep) -> ClassificationOut:
    """Type, fields, confidences and whether a person should check them."""
    return classification_out(visible_document(session, user, document_id))


def _document_text(runtime: Runtime, session: Any, document: Document) -> str:
    row = latest_file(session, document.id, "text")
    if row is None:
        raise ConflictError("the document has not been read (OCR) yet",
                            subject=f"document {document.id}")
    with runtime.store.open(row.object_key) as stream:
        return stream.read().decode("utf-8")


@router.put("/documents/{document_id}/classification", response_model=ClassificationOut,
            summary="Confirm or correct a document's type and fields")
def correct_classification(document_id: int, body: ClassificationIn, user: Reviewer,
                           session: SessionDep, runtime: RuntimeDep) -> ClassificationOut:
    """Store the type and fields a person gives (each value validated), audit the change,
    keep it as training data and queue a retraining; similar documents classified from now
    on follow the correction."""
    document = visible_document(session, user, document_id)
    if body.doc_type not in DOC_TYPES:
        raise IntakeInputError(f"unknown type; one of {', '.join(DOC_TYPES)}",
                               subject="doc_type")
    fields = {name: check_field(body.doc_type, name, value)
              for name, value in body.fields.items()}
    before = {"doc_type": document.doc_type, "fields": dict(document.fields or {})}
    changed = before != {"doc_type": body.doc_type, "fields": fields}
    text = _document_text(runtime, session, document)
    session.add(TrainingExample(
        document_id=document.id, doc_type=body.doc_type, fields=fields, text=text,
        source="correction" if changed else "confirmation", created_by_id=user.id))
    details = dict(document.classification or {})
    details.update(reviewed_by=user.username, reasons=[], needs_review=False)
    document.doc_type, document.fields, document.confidence = body.doc_type, fields, 1.0
    document.needs_review, document.classification = False, details
    append_audit(session, actor=user.username,
                 action="document_corrected" if changed else "document_confirmed",
                 subject_type="document", subject_id=document.id,
                 details={"before": before, "after": {"doc_type": body.doc_type,
                                                      "fields": fields}})
    session.flush()
    reindex(session, document, text)
    _queue_retraining(session, runtime)
    return classification_out(document)


def _queue_retraining(session: Any, runtime: Runtime) -> JobOut:
    last_id = latest_example_id(session)
    job_id = retrain_job_id(last_id)
    row = record_enqueued(session, job_id, "retrain")
    session.commit()
    runtime.queue.enqueue_once(retrain_classifier, job_id, last_id, rerun_finished=True)
    session.refresh(row)
    return job_out(row)


@router.get("/classifier", response_model=list[ClassifierOut], summary="Model versions")
def list_versions(user: UserDep, session: SessionDep) -> list[ClassifierOut]:
    """Every trained classifier version, newest first."""
    rows = session.scalars(select(ClassifierModel).order_by(ClassifierModel.version.desc()))
    return [ClassifierOut(version=row.version, examples=row.examples, size=row.size,
                          sha256=row.sha256, created_at=row.created_at) for row in rows]


@router.post("/classifier/retrain", response_model=JobOut, status_code=202,
             summary="Queue a retraining of the classifier")
def retrain(user: Admin, session: SessionDep, runtime: RuntimeDep) -> JobOut:
    """Train a new version from the generated set and every confirmation and correction."""
    return _queue_retraining(session, runtime)
