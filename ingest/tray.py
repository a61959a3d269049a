"""The unassigned tray: documents of a unit that no cover sheet claimed, waiting for a
person to put them into their dossier."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.records import Document, DocumentStatus, Dossier, DossierStatus

TRAY_LIMIT = 500


def tray_documents(session: Session, unit_ids: Iterable[int],
                   limit: int = TRAY_LIMIT) -> list[Document]:
    """Documents of ``unit_ids`` that belong to no dossier yet (drafts and signed outgoing
    documents are not scans), newest first."""
    return list(session.scalars(select(Document).where(
        Document.dossier_id.is_(None), Document.unit_id.in_(list(unit_ids)),
        Document.status.not_in((DocumentStatus.draft, DocumentStatus.signed)))
        .order_by(Document.id.desc()).limit(limit)))


def open_dossiers(session: Session, unit_id: int, limit: int = 200) -> list[Dossier]:
    """The dossiers of ``unit_id`` a tray document may still go into (not yet returned),
    newest first."""
    return list(session.scalars(select(Dossier).where(
        Dossier.unit_id == unit_id, Dossier.status != DossierStatus.returned)
        .order_by(Dossier.id.desc()).limit(limit)))
