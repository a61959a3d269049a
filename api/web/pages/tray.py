"""The unassigned tray: documents no cover sheet claimed, each put into a dossier of its
unit in one step; and scanned stacks uploaded to be split at their cover sheets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from api.deps import Id, RuntimeDep, SessionDep
from api.transactions import CommitOnReturn
from api.web.pages.documents_rows import document_rows
from api.web.session import CsrfChecked, PageUser, flash, require_page_roles
from api.web.templates import render
from ingest.dossiers import VIETNAM
from ingest.stacks import queue_stack_split, receive_stack
from ingest.tray import open_dossiers, tray_documents
from ingest.uploads import IncomingFile, assign_to_dossier
from storage.access import visible_document, visible_dossier
from storage.errors import BadInputError
from storage.records import Dossier, UserRole

router = APIRouter(route_class=CommitOnReturn, include_in_schema=False)
IntakePage = Annotated[PageUser, require_page_roles(UserRole.intake)]


def _tray(request: Request, session: SessionDep, runtime: RuntimeDep, user: PageUser, *,
          status: int = 200, stack_error: str | None = None,
          stack_queued: bool = False) -> Response:
    documents = tray_documents(session, user.user.visible_unit_ids)
    dossiers: dict[int, list[Dossier]] = {}
    for document in documents:
        if document.unit_id not in dossiers:
            dossiers[document.unit_id] = open_dossiers(session, document.unit_id)
    received = {document.id: document.created_at.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
                for document in documents}
    return render(request, "tray/tray.html", user=user, secret=runtime.settings.url_secret(),
                  status=status, rows=document_rows(session, documents), dossiers=dossiers,
                  received=received,
                  stack_error=stack_error, stack_queued=stack_queued)


@router.get("/ui/tray", response_class=HTMLResponse)
def tray_page(request: Request, user: IntakePage, session: SessionDep,
              runtime: RuntimeDep) -> Response:
    """The unit's tray, each document with a choice of the unit's open dossiers."""
    return _tray(request, session, runtime, user)


@router.post("/ui/documents/{document_id}/assign", dependencies=[CsrfChecked])
def assign(document_id: Id, user: IntakePage, session: SessionDep,
           dossier_id: Annotated[int, Form(ge=1, le=2**31 - 1)]) -> Response:
    """Put a tray document into a dossier of the same unit (audited)."""
    document = visible_document(session, user.user, document_id)
    dossier = visible_dossier(session, user.user, dossier_id)
    assign_to_dossier(session, document, dossier, actor=user.user.username)
    response = RedirectResponse("/ui/tray", status_code=303)
    flash(response, "tray.assigned")
    return response


@router.post("/ui/stacks", response_class=HTMLResponse, dependencies=[CsrfChecked])
def upload_stack(request: Request, user: IntakePage, session: SessionDep, runtime: RuntimeDep,
                 file: UploadFile) -> Response:
    """Keep a scanned stack and queue its split at the cover sheets (the API's use case);
    each part goes to its dossier, the rest to this tray."""
    uploader = runtime.settings.uploader(user.user.username, user.user.id)
    try:
        stack = receive_stack(session, runtime.store, unit_id=user.user.unit_id,
                              upload=IncomingFile(file.filename or "stack.pdf", file.file),
                              uploader=uploader)
    except BadInputError as error:
        return _tray(request, session, runtime, user, status=422, stack_error=str(error))
    queue_stack_split(session, runtime.queue, stack, uploader)
    return _tray(request, session, runtime, user, status=202, stack_queued=True)
