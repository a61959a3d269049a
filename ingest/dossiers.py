"""Dossiers: one per citizen's or business's submission at the counter."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ingest.calendar import add_working_days
from ingest.errors import IntakeInputError
from storage.records import AuditAction, Dossier, DossierStatus, append_audit

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class NewDossier:
    """What intake staff enter for a new dossier."""

    procedure_code: str
    applicant_name: str
    processing_days: int
    unit_id: int
    procedure_name: str = ""


def _clean(text: str, field: str, limit: int) -> str:
    value = unicodedata.normalize("NFC", text).strip()
    if not value.isprintable():
        raise IntakeInputError("contains control characters", subject=field)
    if len(value) > limit:
        raise IntakeInputError(f"longer than {limit} characters", subject=field)
    return value


def create_dossier(session: Session, new: NewDossier, *, actor: str, created_by_id: int | None,
                   holidays: frozenset[date] = frozenset(),
                   received_at: datetime | None = None) -> Dossier:
    """Register a received dossier with its due date in working days (Vietnam time)."""
    code = _clean(new.procedure_code, "procedure_code", 64)
    applicant = _clean(new.applicant_name, "applicant_name", 255)
    if not code:
        raise IntakeInputError("is empty", subject="procedure_code")
    if not applicant:
        raise IntakeInputError("is empty", subject="applicant_name")
    if not 0 <= new.processing_days <= 365:
        raise IntakeInputError("must be between 0 and 365 working days", subject="processing_days")
    received = received_at or datetime.now(UTC)
    local_day = received.astimezone(VIETNAM).date()
    dossier = Dossier(
        unit_id=new.unit_id, procedure_code=code,
        procedure_name=_clean(new.procedure_name, "procedure_name", 512),
        applicant_name=applicant, processing_days=new.processing_days, received_at=received,
        due_date=add_working_days(local_day, new.processing_days, holidays),
        status=DossierStatus.received, created_by_id=created_by_id,
    )
    session.add(dossier)
    session.flush()
    append_audit(session, actor=actor, action=AuditAction.dossier_created, subject_type="dossier",
                 subject_id=dossier.id, details={"procedure": code, "due": str(dossier.due_date)})
    return dossier
