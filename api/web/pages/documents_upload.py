"""Uploading scans into a dossier from its page (each file alone from documents.js, with
its own progress bar; many at once from the plain form), scanned stacks split at their
cover sheets, and the dossier's document rows that the page polls for live status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from starlette.responses import Response

from api.deps import Id, RuntimeDep, SessionDep
from api.transactions import CommitOnReturn
from api.web.pages.documents_rows import UPLOAD_HEADER, document_rows
from api.web.session import CsrfChecked, PageUser, require_page_roles
from api.web.templates import render
from ingest.stacks import queue_stack_split, receive_stack
from ingest.uploads import IncomingFile, upload_files
from storage.access import visible_document, visible_dossier
from storage.errors import BadInputError
from storage.records import Document, Dossier, UserRole

router = APIRouter(route_class=CommitOnReturn, include_in_schema=False)
IntakePage = Annotated[PageUser, require_page_roles(UserRole.intake)]
ReaderPage = Annotated[PageUser, require_page_roles(UserRole.intake, UserRole.leader,
                                                    UserRole.clerk)]


@dataclass(frozen=True)
class UploadOutcome:
    """What became of one uploaded file: its document (and whether it was there
    already), the stack split queued for it, or the reason it was refused."""

    filename: str
    document: Document | None = None
    duplicate: bool = False
    stack: bool = False
    error: str | None = None


def _dossier_documents(session: SessionDep, dossier: Dossier) -> list[Document]:
    return list(session.scalars(select(Document).where(Document.dossier_id == dossier.id)
                                .order_by(Document.id)))


def _receive(session: SessionDep, runtime: RuntimeDep, user: PageUser, dossier: Dossier,
             upload: UploadFile, as_stack: bool) -> UploadOutcome:
    name = upload.filename or "upload"
    uploader = runtime.settings.uploader(user.user.username, user.user.id)
    incoming = IncomingFile(name, upload.file)
    try:
        if as_stack:
            stack = receive_stack(session, runtime.store, unit_id=dossier.unit_id,
                                  upload=incoming, uploader=uploader)
            queue_stack_split(session, runtime.queue, stack, uploader)
            return UploadOutcome(name, stack=True)
        [stored] = upload_files(session, runtime.store, runtime.queue, dossier=dossier,
                                unit_id=dossier.unit_id, files=[incoming], uploader=uploader)
    except BadInputError as error:  # refused before anything was stored or recorded
        return UploadOutcome(name, error=error.message)
    return UploadOutcome(name, document=stored.document, duplicate=stored.duplicate)


@router.post("/ui/dossiers/{dossier_id}/documents", response_class=HTMLResponse,
             dependencies=[CsrfChecked])
def upload(request: Request, dossier_id: Id, user: IntakePage, session: SessionDep,
           runtime: RuntimeDep, files: list[UploadFile] | None = None,
           stack: Annotated[str, Form(max_length=8)] = "") -> Response:
    """Store each file into the dossier (the API's upload use case) and queue its
    digitisation; a refused file is named with its reason. From documents.js (one file,
    header ``X-Upload-Rows``): the new table rows, or 422 with the reason."""
    dossier = visible_dossier(session, user.user, dossier_id)
    outcomes = [_receive(session, runtime, user, dossier, item, stack == "1")
                for item in files or [] if item.filename or item.size]
    secret = runtime.settings.url_secret()
    if request.headers.get(UPLOAD_HEADER):
        refused = [outcome for outcome in outcomes if outcome.error]
        if refused or not outcomes:
            return render(request, "documents/_upload_error.html", user=user, secret=secret,
                          status=422, outcome=refused[0] if refused else None)
        stored = [outcome.document for outcome in outcomes if outcome.document is not None]
        session.flush()
        rows = document_rows(session, stored, _dossier_documents(session, dossier))
        return render(request, "documents/_upload_rows.html", user=user, secret=secret,
                      status=201, rows=rows, outcomes=outcomes)
    status = 422 if any(outcome.error for outcome in outcomes) or not outcomes else 201
    return render(request, "documents/upload_result.html", user=user, secret=secret,
                  status=status, dossier=dossier, outcomes=outcomes)


@router.get("/ui/dossiers/{dossier_id}/documents", response_class=HTMLResponse)
def dossier_rows(request: Request, dossier_id: Id, user: ReaderPage, session: SessionDep,
                 runtime: RuntimeDep) -> Response:
    """The dossier's documents table body, each row with its live status (unfinished
    rows poll themselves)."""
    dossier = visible_dossier(session, user.user, dossier_id)
    documents = _dossier_documents(session, dossier)
    return render(request, "documents/_rows.html", user=user,
                  secret=runtime.settings.url_secret(), dossier=dossier,
                  rows=document_rows(session, documents))


@router.get("/ui/documents/{document_id}/row", response_class=HTMLResponse)
def document_row(request: Request, document_id: Id, user: ReaderPage, session: SessionDep,
                 runtime: RuntimeDep) -> Response:
    """One document's table row with its live status (polled every 2 s until finished)."""
    document = visible_document(session, user.user, document_id)
    group = _dossier_documents(session, document.dossier) if document.dossier else [document]
    [row] = document_rows(session, [document], group)
    return render(request, "documents/_row_only.html", user=user,
                  secret=runtime.settings.url_secret(), row=row)
