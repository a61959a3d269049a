"""The records office's side of signing: documents a leader has signed that still wait
for the agency's signature (the seal), and putting them in the clerk's own queue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.requests import request_signature
from storage.accounts import CurrentUser
from storage.errors import ConflictError, NotFoundError
from storage.records import (
    Document,
    SigningRequest,
    SigningRequestStatus,
    SigningRole,
)


def awaiting_seal(session: Session, user: CurrentUser, *, limit: int = 200) -> list[Document]:
    """Documents of the units ``user`` sees that a leader has signed and that have no
    agency signature yet, nor a request for one; oldest first."""
    leader_signed = select(SigningRequest.document_id).where(
        SigningRequest.role == SigningRole.leader,
        SigningRequest.status == SigningRequestStatus.signed)
    sealed_or_queued = select(SigningRequest.document_id).where(
        SigningRequest.role == SigningRole.agency)
    return list(session.scalars(select(Document).where(
        Document.id.in_(leader_signed), Document.id.not_in(sealed_or_queued),
        Document.unit_id.in_(user.visible_unit_ids)).order_by(Document.id).limit(limit)))


def queue_seal(session: Session, user: CurrentUser, document_id: int,
               level: str) -> SigningRequest:
    """Put a leader-signed document of ``user``'s units in ``user``'s own queue for the
    agency's signature; 404 for a document they cannot see, 409 when it is not signed by a
    leader or already has (a request for) the seal."""
    document = session.get(Document, document_id)
    if document is None or not user.can_see_unit(document.unit_id):
        raise NotFoundError("no such document", subject=f"document {document_id}")
    if document.id not in {item.id for item in awaiting_seal(session, user, limit=10_000)}:
        raise ConflictError("the document is not signed by a leader, or is already sealed "
                            "or queued for the seal", subject=f"document {document_id}")
    return request_signature(session, user, document, user.username,
                             SigningRole.agency.value, level)
