"""Documents received from other units, registered and verified on arrival."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, UploadFile

from api.deps import ReceiverDep, RuntimeDep, SessionDep
from api.schemas import DocumentOut
from api.transactions import CommitOnReturn
from signing.incoming import receive_signed

router = APIRouter(route_class=CommitOnReturn, prefix="/incoming", tags=["verification"])


@router.post("", response_model=DocumentOut, status_code=201,
             summary="Register a document received from another unit; verified on arrival")
def receive(file: UploadFile, user: ReceiverDep, session: SessionDep, runtime: RuntimeDep,
            sender: Annotated[str, Form(max_length=255)] = "") -> DocumentOut:
    """The original is stored first, then verified; the report is kept with the document
    (``GET /documents/{id}/verification``) and the verdict audited."""
    document, duplicate = receive_signed(
        session, runtime.store, user=user, filename=file.filename or "incoming.pdf",
        stream=file.file, sender=sender, max_bytes=runtime.settings.max_upload_bytes,
        setup=runtime.settings.verify_setup())
    return DocumentOut.of(document, duplicate)
