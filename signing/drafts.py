"""What the records office sees of drafting: the drafts of its units with their signing
requests, and the leaders who may be asked to sign a unit's documents."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.accounts import CurrentUser
from storage.records import (
    Document,
    DocumentStatus,
    SigningRequest,
    User,
    UserRole,
    is_in_subtree,
)


@dataclass(frozen=True)
class DraftRow:
    """A draft (or a document drafted here and signed since) with its requests and the
    usernames of their signers."""

    document: Document
    requests: tuple[tuple[SigningRequest, str], ...]


def unit_drafts(session: Session, user: CurrentUser, *, limit: int = 50) -> list[DraftRow]:
    """The newest drafts of the units ``user`` sees, and documents there that someone was
    asked to sign, each with its signing requests, oldest request first."""
    asked = select(SigningRequest.document_id)
    documents = list(session.scalars(select(Document).where(
        Document.unit_id.in_(user.visible_unit_ids),
        or_(Document.status == DocumentStatus.draft, Document.id.in_(asked)))
        .order_by(Document.id.desc()).limit(limit)))
    rows: dict[int, list[tuple[SigningRequest, str]]] = {item.id: [] for item in documents}
    if rows:
        for request, username in session.execute(
                select(SigningRequest, User.username)
                .join(User, User.id == SigningRequest.signer_id)
                .where(SigningRequest.document_id.in_(rows)).order_by(SigningRequest.id)):
            rows[request.document_id].append((request, username))
    return [DraftRow(item, tuple(rows[item.id])) for item in documents]


def leaders_for(session: Session, user: CurrentUser) -> list[User]:
    """The active leaders who may sign documents of ``user``'s unit (of that unit or a
    unit above it), by name."""
    leaders = session.scalars(select(User).where(
        User.role == UserRole.leader, User.active).order_by(User.full_name, User.username))
    return [leader for leader in leaders
            if is_in_subtree(session, leader.unit_id, user.unit_id)]
