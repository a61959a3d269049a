"""Uploading scans into a dossier from its page (each file alone from documents.js, with
its own progress bar; many at once from the plain form), scanned stacks split at their
cover sheets, and the dossier's document rows that the page polls for live status.

The upload's body is parsed as it streams in, as at the API's edge
(:mod:`api.multipart_stream`): each file is counted against the size limit (413, the file
named, as soon as one passes it), hashed and written once into the store's staging
directory, then moved into place by the same use case. The CSRF token (header, or the
form's ``csrf`` field, which the form sends before its files) is checked before any file
is written; whatever is refused or not stored is removed from staging.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from api.deps import Id, RuntimeDep, SessionDep
from api.multipart_stream import StagedForm, stage_form
from api.problems import BODY_UNREAD
from api.runtime import Runtime
from api.transactions import CommitOnReturn
from api.web.pages.documents_rows import UPLOAD_HEADER, document_rows
from api.web.session import (
    CSRF_FIELD,
    CSRF_HEADER,
    PageUser,
    require_csrf_token,
    require_page_roles,
)
from api.web.templates import render
from ingest.stacks import queue_stack_split, receive_stack
from ingest.staging import StagedFile
from ingest.uploads import IncomingFile, upload_files
from storage.access import visible_document, visible_dossier
from storage.errors import BadInputError, TooLargeError
from storage.records import Document, Dossier, UserRole
from storage.records.db import commit_now

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


def _receive(session: Session, runtime: Runtime, user: PageUser, dossier: Dossier,
             staged: StagedFile, as_stack: bool) -> UploadOutcome:
    name = staged.filename
    uploader = runtime.settings.uploader(user.user.username, user.user.id)
    try:
        if as_stack:
            with staged.path.open("rb") as stream:
                stack = receive_stack(session, runtime.store, unit_id=dossier.unit_id,
                                      upload=IncomingFile(name, stream), uploader=uploader)
            queue_stack_split(session, runtime.queue, stack, uploader)
            return UploadOutcome(name, stack=True)
        [stored] = upload_files(session, runtime.store, runtime.queue, dossier=dossier,
                                unit_id=dossier.unit_id, files=[staged], uploader=uploader)
    except BadInputError as error:  # refused before anything was stored or recorded
        return UploadOutcome(name, error=error.message)
    finally:
        staged.discard()
    return UploadOutcome(name, document=stored.document, duplicate=stored.duplicate)


def _check_csrf(request: Request, runtime: Runtime, fields: Mapping[str, str]) -> None:
    """:func:`api.web.session.check_csrf` on a token from the header or the streamed form's
    fields read so far (raises :class:`CsrfRejectedError`)."""
    require_csrf_token(request, runtime,
                       request.headers.get(CSRF_HEADER) or fields.get(CSRF_FIELD, ""))


def _visible(runtime: Runtime, user: PageUser, dossier_id: int) -> None:
    with runtime.db.session() as session:
        visible_dossier(session, user.user, dossier_id)


@router.post("/ui/dossiers/{dossier_id}/documents", response_class=HTMLResponse)
async def upload(request: Request, dossier_id: Id, user: IntakePage,
                 runtime: RuntimeDep) -> Response:
    """Store each file into the dossier (the API's upload use case) and queue its
    digitisation; a refused file is named with its reason, a file over the size limit
    with 413. From documents.js (one file, header ``X-Upload-Rows``): the new table rows,
    or 422 (413) with the reason."""
    if request.headers.get(CSRF_HEADER):
        _check_csrf(request, runtime, {})
    await anyio.to_thread.run_sync(_visible, runtime, user, dossier_id)
    try:
        form = await stage_form(
            request, runtime.store.staging_dir(), runtime.settings.max_upload_bytes,
            keep=frozenset({CSRF_FIELD, "stack"}),
            gate=lambda fields: _check_csrf(request, runtime, fields))
    except TooLargeError as error:
        return await anyio.to_thread.run_sync(_too_large, request, runtime, user,
                                              dossier_id, error)
    try:
        _check_csrf(request, runtime, form.fields)
        return await anyio.to_thread.run_sync(_store, request, runtime, user, dossier_id,
                                              form)
    finally:
        for staged in form.files:
            staged.discard()


def _too_large(request: Request, runtime: Runtime, user: PageUser, dossier_id: int,
               error: TooLargeError) -> Response:
    outcome = UploadOutcome(error.subject or "upload", error=error.message)
    headers = {"Connection": "close"} if request.scope.get(BODY_UNREAD) else None
    secret = runtime.settings.url_secret()
    if request.headers.get(UPLOAD_HEADER):
        return render(request, "documents/_upload_error.html", user=user, secret=secret,
                      status=413, outcome=outcome, headers=headers)
    with runtime.db.session() as session:
        dossier = visible_dossier(session, user.user, dossier_id)
        return render(request, "documents/upload_result.html", user=user, secret=secret,
                      status=413, dossier=dossier, outcomes=[outcome], headers=headers)


def _store(request: Request, runtime: Runtime, user: PageUser, dossier_id: int,
           form: StagedForm) -> Response:
    with runtime.db.session() as session:
        dossier = visible_dossier(session, user.user, dossier_id)
        as_stack = form.fields.get("stack", "") == "1"
        outcomes = [_receive(session, runtime, user, dossier, staged, as_stack)
                    for staged in form.files]
        answer = _answer(request, runtime, session, user, dossier, outcomes)
        commit_now(session)
    return answer


def _answer(request: Request, runtime: Runtime, session: Session, user: PageUser,
            dossier: Dossier, outcomes: list[UploadOutcome]) -> Response:
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
