"""The unassigned tray: pages no cover sheet claimed, waiting for a person."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from api.deps import SessionDep, UserDep
from api.schemas import DocumentOut
from storage.records import Document, DocumentStatus

router = APIRouter(prefix="/tray", tags=["intake"])


@router.get("", response_model=list[DocumentOut], summary="The unassigned tray")
def tray(user: UserDep, session: SessionDep) -> list[DocumentOut]:
    """Documents of the user's units that belong to no dossier yet, newest first."""
    rows = session.scalars(select(Document).where(
        Document.dossier_id.is_(None), Document.unit_id.in_(user.visible_unit_ids),
        Document.status.not_in((DocumentStatus.draft, DocumentStatus.signed)))
        .order_by(Document.id.desc()).limit(500))
    return [DocumentOut.of(row) for row in rows]
