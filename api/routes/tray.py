"""The unassigned tray: pages no cover sheet claimed, waiting for a person."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import SessionDep, UserDep
from api.schemas import DocumentOut
from api.transactions import CommitOnReturn
from ingest.tray import tray_documents

router = APIRouter(route_class=CommitOnReturn, prefix="/tray", tags=["intake"])


@router.get("", response_model=list[DocumentOut], summary="The unassigned tray")
def tray(user: UserDep, session: SessionDep) -> list[DocumentOut]:
    """Documents of the user's units that belong to no dossier yet, newest first."""
    return [DocumentOut.of(row) for row in tray_documents(session, user.visible_unit_ids)]
