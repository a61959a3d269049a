"""One document for the people who check it: its page pictures beside its type and
fields, fields to check highlighted with their reasons, confirm or correct in place,
duplicates flagged, and the dossier's applicant filled from an application form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from api.deps import Id, RuntimeDep, SessionDep
from api.transactions import CommitOnReturn
from api.web.session import CsrfChecked, PageUser, PageUserDep, flash, require_page_roles, texts
from api.web.templates import render
from ingest.applicant import applicant_from, fill_applicant
from ingest.classify import DOC_TYPES
from ingest.classify.classifier import allowed_fields
from ingest.document_facts import (
    FieldCheck,
    document_progress,
    field_checks,
    same_content,
    type_uncertain,
)
from ingest.page_images import page_image_count, page_image_png
from ingest.review import review_classification
from ingest.review_crops import review_crop_png
from storage.access import visible_document
from storage.errors import BadInputError, ConflictError
from storage.records import Document, DocumentStatus, FileRole, UserRole
from storage.records.files import newest_file

router = APIRouter(route_class=CommitOnReturn, include_in_schema=False)
ReviewerPage = Annotated[PageUser, require_page_roles(UserRole.intake, UserRole.clerk)]
IntakePage = Annotated[PageUser, require_page_roles(UserRole.intake)]
MAX_FORM_FIELDS = 20


def _checks_for(document: Document, doc_type: str) -> list[FieldCheck]:
    """The document's field checks, or, for another type, that type's fields (values
    carried over where the names agree)."""
    if doc_type == (document.doc_type or "other"):
        return field_checks(document)
    values = dict(document.fields or {})
    return [FieldCheck(name, str(values.get(name) or "")) for name in allowed_fields(doc_type)]


def _view(request: Request, session: SessionDep, runtime: RuntimeDep, user: PageUser,
          document: Document, *, status: int = 200, doc_type: str | None = None,
          values: dict[str, str] | None = None,
          errors: dict[str, str] | None = None) -> Response:
    kind = doc_type or document.doc_type or "other"
    checks = _checks_for(document, kind)
    if values is not None:
        checks = [FieldCheck(check.name, values.get(check.name, ""), check.needs_review,
                             check.reasons, check.crop) for check in checks]
    progress = document_progress(session, document)
    readable = newest_file(session, document.id, FileRole.text) is not None
    limits = runtime.settings.ocr_limits()
    pages = page_image_count(session, runtime.store, document, limits)
    return render(
        request, "documents/view.html", user=user, secret=runtime.settings.url_secret(),
        status=status, document=document, progress=progress, pages=pages,
        doc_types=DOC_TYPES, doc_type=kind, checks=checks, errors=errors or {},
        type_uncertain=type_uncertain(document), duplicates=same_content(session, document),
        applicant=applicant_from(document) if document.dossier is not None else None,
        readable=readable, can_review=user.role in (UserRole.intake, UserRole.clerk,
                                                    UserRole.admin),
        can_fill=user.role in (UserRole.intake, UserRole.admin))


@router.get("/ui/documents/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, document_id: Id, user: PageUserDep, session: SessionDep,
                  runtime: RuntimeDep) -> Response:
    """The document's pages beside its type and fields."""
    document = visible_document(session, user.user, document_id)
    return _view(request, session, runtime, user, document)


@router.get("/ui/documents/{document_id}/pages/{page}.png")
def page_png(document_id: Id, page: Id, user: PageUserDep,
             session: SessionDep, runtime: RuntimeDep) -> Response:
    """Page ``page`` (1-based) of the document as PNG, drawn from its searchable PDF (or
    the original before OCR); kept by the browser only, for a short while."""
    document = visible_document(session, user.user, document_id)
    content = page_image_png(session, runtime.store, document, page,
                             runtime.settings.ocr_limits())
    return Response(content, media_type="image/png", headers={
        "Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff"})


@router.get("/ui/documents/{document_id}/review/{field}.png")
def review_png(document_id: Id, field: Annotated[str, Path(pattern=r"^[a-z_]{1,40}$")],
               user: PageUserDep, session: SessionDep, runtime: RuntimeDep) -> Response:
    """The handwritten blank of ``field`` as PNG (the number or day the classifier left
    for a person to read), cut from the searchable PDF at the box its classification
    stored; 404 when the field has none. Kept by the browser only, for a short while."""
    document = visible_document(session, user.user, document_id)
    content = review_crop_png(session, runtime.store, document, field)
    return Response(content, media_type="image/png", headers={
        "Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff"})


@router.get("/ui/documents/{document_id}/status", response_class=HTMLResponse)
def status_block(request: Request, document_id: Id, user: PageUserDep, session: SessionDep,
                 runtime: RuntimeDep) -> Response:
    """The document's live status (polled by its page); once finished, the page reloads
    to show what OCR and classification found."""
    document = visible_document(session, user.user, document_id)
    progress = document_progress(session, document)
    headers = {"HX-Refresh": "true"} if progress.finished else None
    return render(request, "documents/_status_block.html", user=user, headers=headers,
                  secret=runtime.settings.url_secret(), document=document, progress=progress)


@router.get("/ui/documents/{document_id}/review-fields", response_class=HTMLResponse)
def review_fields(request: Request, document_id: Id, user: ReviewerPage, session: SessionDep,
                  runtime: RuntimeDep,
                  doc_type: Annotated[str, Query(max_length=32)] = "other") -> Response:
    """The review form's fields for another type (the type select asks when changed)."""
    document = visible_document(session, user.user, document_id)
    kind = doc_type if doc_type in DOC_TYPES else "other"
    return render(request, "documents/_review_fields.html", user=user,
                  secret=runtime.settings.url_secret(), document=document,
                  checks=_checks_for(document, kind), errors={})


@router.post("/ui/documents/{document_id}/classification", response_class=HTMLResponse,
             dependencies=[CsrfChecked])
async def review(request: Request, document_id: Id, user: ReviewerPage, session: SessionDep,
                 runtime: RuntimeDep) -> Response:
    """Confirm or correct the type and fields (the API's review use case: validated,
    audited, kept as training data); a refused value is shown beside its field."""
    form = await request.form(max_fields=MAX_FORM_FIELDS + 4)
    doc_type = str(form.get("doc_type") or "")
    values = {key.removeprefix("field."): str(value).strip() for key, value in form.items()
              if key.startswith("field.") and isinstance(value, str)}
    document = visible_document(session, user.user, document_id)
    if document.status != DocumentStatus.digitised:
        raise ConflictError(texts(request).text("documents.review_not_ready"),
                            subject=f"document {document.id}")
    try:
        review_classification(session, runtime.store, runtime.queue, document,
                              doc_type=doc_type, fields={k: v for k, v in values.items() if v},
                              reviewer=user.user)
    except BadInputError as error:  # checked before anything changed
        return _view(request, session, runtime, user, document, status=422,
                     doc_type=doc_type if doc_type in DOC_TYPES else None, values=values,
                     errors={error.subject or "doc_type": error.message})
    response = RedirectResponse(f"/ui/documents/{document.id}", status_code=303)
    flash(response, "documents.review_done")
    return response


@router.post("/ui/documents/{document_id}/applicant", dependencies=[CsrfChecked])
def take_applicant(document_id: Id, user: IntakePage, session: SessionDep) -> Response:
    """Fill the dossier's applicant from this application form (audited)."""
    document = visible_document(session, user.user, document_id)
    if document.dossier is None:
        raise ConflictError("the document belongs to no dossier",
                            subject=f"document {document.id}")
    fill_applicant(session, document.dossier, document, actor=user.user.username)
    response = RedirectResponse(f"/ui/documents/{document.id}", status_code=303)
    flash(response, "documents.applicant_filled")
    return response
