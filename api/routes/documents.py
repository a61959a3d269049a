"""Documents: read one, download its files, queue jobs on it, confirm or correct its type
and fields, move it from the tray into a dossier, ask for its signature, and read the
verification report kept when it arrived."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from api.deps import (
    DrafterDep,
    Id,
    IntakeDep,
    QueryId,
    ReviewerDep,
    RuntimeDep,
    SessionDep,
    TokenDep,
    UserDep,
    session_binding,
)
from api.schemas import (
    AssignIn,
    ClassificationIn,
    ClassificationOut,
    DocumentOut,
    JobOut,
    RequestIn,
    RequestOut,
)
from api.transactions import CommitOnReturn
from ingest.document_facts import document_progress
from ingest.review import review_classification
from ingest.uploads import assign_to_dossier, queue_digitisation
from signing.incoming import stored_report
from signing.requests import request_signature
from storage.access import visible_document, visible_dossier
from storage.errors import NotFoundError
from storage.jobs import fixity_job_id, ocr_job_id, request_job
from storage.objects import LocalStoreConfig
from storage.records import DocumentStatus, FileRole, Job, JobKind
from storage.records.files import require_file

router = APIRouter(route_class=CommitOnReturn, prefix="/documents", tags=["documents"])


@router.get("/{document_id}", response_model=DocumentOut, summary="One document")
def get_document(document_id: Id, user: UserDep, session: SessionDep) -> DocumentOut:
    """The document's state, type, fields and stored files; when its digitisation failed,
    the reason (``failure_reason``: a damaged page, an unreadable file...)."""
    document = visible_document(session, user, document_id)
    progress = document_progress(session, document)
    return DocumentOut.of(document, failure_reason=progress.error if
                          progress.status == DocumentStatus.failed else None)


@router.get("/{document_id}/files/{role}", summary="Download a stored file",
            response_class=RedirectResponse, status_code=307)
def download_file(document_id: Id, role: str, user: UserDep, session: SessionDep,
                  runtime: RuntimeDep, token: TokenDep, version: QueryId = None,
                  ) -> RedirectResponse:
    """Redirect to a download URL valid for ten minutes; on the local store also only
    while the login session that asked for it lasts (it stops working at logout)."""
    document = visible_document(session, user, document_id)
    try:
        file_role = FileRole(role)
    except ValueError:
        raise NotFoundError("the document has no such file", subject=role) from None
    row = require_file(session, document, file_role,
                       up_to_version=version or document.current_version)
    url = runtime.store.download_url(row.object_key, timedelta(minutes=10))
    config = runtime.settings.store_config()
    if isinstance(config, LocalStoreConfig) and token:  # S3 links cannot carry more
        signature = parse_qs(urlsplit(url).query)["signature"][0]
        binding = session_binding(session, token, signature, config.url_secret)
        url = f"{url}&{urlencode({'session': binding})}"
    return RedirectResponse(url, status_code=307)


@router.post("/{document_id}/fixity", response_model=JobOut, status_code=202,
             summary="Queue a fixity check")
def queue_fixity(document_id: Id, user: UserDep, session: SessionDep,
                 runtime: RuntimeDep) -> JobOut:
    """Queue a job that re-hashes every stored file of the document."""
    document = visible_document(session, user, document_id)
    return JobOut.of(request_job(
        session, runtime.queue, JobKind.fixity, fixity_job_id(document.id), (document.id,),
        rerun_finished=True, document_id=document.id, dossier_id=document.dossier_id,
        unit_id=document.unit_id))


@router.post("/{document_id}/ocr", response_model=JobOut, status_code=202,
             summary="Queue OCR of a document")
def queue_ocr(document_id: Id, user: UserDep, session: SessionDep,
              runtime: RuntimeDep) -> JobOut:
    """Queue the job that makes the searchable PDF, text and words of the current version."""
    document = visible_document(session, user, document_id)
    queue_digitisation(session, runtime.queue, [document], again=True)
    job = session.get(Job, ocr_job_id(document.id, document.current_version))
    assert job is not None
    return JobOut.of(job)


@router.get("/{document_id}/classification", response_model=ClassificationOut,
            summary="A document's type, fields and confidence")
def get_classification(document_id: Id, user: UserDep,
                       session: SessionDep) -> ClassificationOut:
    """Type, fields, confidences and whether a person should check them."""
    return ClassificationOut.of(visible_document(session, user, document_id))


@router.put("/{document_id}/classification", response_model=ClassificationOut,
            summary="Confirm or correct a document's type and fields")
def correct_classification(document_id: Id, body: ClassificationIn, user: ReviewerDep,
                           session: SessionDep, runtime: RuntimeDep) -> ClassificationOut:
    """Store the type and fields a person gives (each value validated), audit the change,
    keep it as training data and queue a retraining; similar documents classified from now
    on follow the correction."""
    document = visible_document(session, user, document_id)
    return ClassificationOut.of(review_classification(
        session, runtime.store, runtime.queue, document, doc_type=body.doc_type,
        fields=body.fields, reviewer=user))


@router.post("/{document_id}/assign", response_model=DocumentOut,
             summary="Attach a tray document to a dossier")
def assign(document_id: Id, body: AssignIn, user: IntakeDep,
           session: SessionDep) -> DocumentOut:
    """Move a document from the unassigned tray into a dossier of the same unit; audited."""
    document = visible_document(session, user, document_id)
    dossier = visible_dossier(session, user, body.dossier_id)
    return DocumentOut.of(assign_to_dossier(session, document, dossier, actor=user.username))


@router.post("/{document_id}/signing-requests", response_model=RequestOut, status_code=201,
             summary="Put a document in a signer's queue")
def ask_signature(document_id: Id, body: RequestIn, user: DrafterDep,
                  session: SessionDep) -> RequestOut:
    """The signer sees it in ``GET /signing/queue``."""
    document = visible_document(session, user, document_id)
    request = request_signature(session, user, document, body.signer, body.role, body.level)
    return RequestOut.of(request, document)


@router.get("/{document_id}/verification",
            summary="The verification report kept with a received document")
def verification_report(document_id: Id, user: UserDep, session: SessionDep,
                        runtime: RuntimeDep) -> Response:
    """The report made when the document arrived (JSON)."""
    document = visible_document(session, user, document_id)
    return Response(stored_report(session, runtime.store, document),
                    media_type="application/json")
