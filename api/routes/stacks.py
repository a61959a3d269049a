"""Scanned stacks: uploaded, kept as scanned, and split at their cover sheets by a job."""

from __future__ import annotations

from fastapi import APIRouter, UploadFile

from api.deps import IntakeDep, RuntimeDep, SessionDep
from api.schemas import JobOut
from api.transactions import CommitOnReturn
from ingest.stacks import queue_stack_split, receive_stack
from ingest.uploads import IncomingFile

router = APIRouter(route_class=CommitOnReturn, prefix="/stacks", tags=["intake"])


@router.post("", response_model=JobOut, status_code=202,
             summary="Upload a scanned stack to split at its cover sheets")
def upload_stack(file: UploadFile, user: IntakeDep, session: SessionDep,
                 runtime: RuntimeDep) -> JobOut:
    """The stack is validated and kept at once; the answer is the job that splits it
    (``GET /jobs/{id}``: progress, then the documents made in its result). Each part goes
    to its dossier, pages no cover sheet claims to the unit's tray, and each part's
    digitisation is queued."""
    uploader = runtime.settings.uploader(user.username, user.id)
    stack = receive_stack(session, runtime.store, unit_id=user.unit_id,
                          upload=IncomingFile(file.filename or "stack.pdf", file.file),
                          uploader=uploader)
    return JobOut.of(queue_stack_split(session, runtime.queue, stack, uploader))
