"""Drafts: born-digital PDFs kept to be signed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, UploadFile

from api.deps import DrafterDep, RuntimeDep, SessionDep
from api.schemas import MAX_ID, DocumentOut
from api.transactions import CommitOnReturn
from signing.requests import store_draft
from storage.access import visible_dossier

router = APIRouter(route_class=CommitOnReturn, prefix="/drafts", tags=["signing"])


@router.post("", response_model=DocumentOut, status_code=201,
             summary="Upload a draft PDF to be signed")
def upload_draft(file: UploadFile, user: DrafterDep, session: SessionDep, runtime: RuntimeDep,
                 dossier_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None) -> DocumentOut:
    """A born-digital document (an outgoing result, an internal document) kept as version 1,
    in a dossier or in the user's unit."""
    dossier = visible_dossier(session, user, dossier_id) if dossier_id is not None else None
    document, duplicate = store_draft(session, runtime.store, dossier=dossier, user=user,
                                      filename=file.filename or "draft.pdf", stream=file.file,
                                      max_bytes=runtime.settings.max_upload_bytes)
    return DocumentOut.of(document, duplicate)
