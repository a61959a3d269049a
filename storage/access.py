"""What a user may see: records of their unit and the units below it. A record outside
that answers "not found", so its existence is not revealed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.accounts import CurrentUser
from storage.errors import NotFoundError
from storage.records import Document, Dossier, Job, Unit


def visible_document(session: Session, user: CurrentUser, document_id: int) -> Document:
    """The document if the user may see it; :class:`NotFoundError` otherwise."""
    document = session.get(Document, document_id)
    if document is None or not user.can_see_unit(document.unit_id):
        raise NotFoundError("no such document", subject=f"document {document_id}")
    return document


def visible_dossier(session: Session, user: CurrentUser, dossier_id: int) -> Dossier:
    """The dossier if the user may see it; :class:`NotFoundError` otherwise."""
    dossier = session.get(Dossier, dossier_id)
    if dossier is None or not user.can_see_unit(dossier.unit_id):
        raise NotFoundError("no such dossier", subject=f"dossier {dossier_id}")
    return dossier


def visible_unit(session: Session, user: CurrentUser, code: str) -> Unit:
    """The unit with ``code`` if the user may see it; :class:`NotFoundError` otherwise."""
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None or not user.can_see_unit(unit.id):
        raise NotFoundError("no such unit", subject=code)
    return unit


def visible_job(session: Session, user: CurrentUser, job_id: str) -> Job:
    """The job if it concerns a unit the user may see; :class:`NotFoundError` otherwise."""
    job = session.get(Job, job_id)
    if job is None or not user.can_see_unit(job.unit_id):
        raise NotFoundError("no such job", subject=job_id)
    return job
