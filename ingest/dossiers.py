"""Dossiers: one per citizen's or business's submission at the counter."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ingest.calendar import VIETNAM_CALENDAR, WorkingCalendar
from ingest.errors import IntakeInputError
from storage.records import AuditAction, Dossier, DossierStatus, append_audit

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_PROCESSING_DAYS = 365


@dataclass(frozen=True)
class NewDossier:
    """What intake staff enter for a new dossier."""

    procedure_code: str
    applicant_name: str
    processing_days: int
    unit_id: int
    procedure_name: str = ""
    applicant_id_number: str = ""


def _clean(text: str, field: str, limit: int) -> str:
    value = unicodedata.normalize("NFC", text).strip()
    if not value.isprintable():
        raise IntakeInputError("contains control characters", subject=field)
    if len(value) > limit:
        raise IntakeInputError(f"longer than {limit} characters", subject=field)
    return value


def received_day(received_at: datetime) -> date:
    """The day (Vietnam time) a dossier received at ``received_at`` counts from."""
    return received_at.astimezone(VIETNAM).date()


def due_date(calendar: WorkingCalendar, received_at: datetime, processing_days: int) -> date:
    """The return date of a dossier received at ``received_at`` with ``processing_days``
    working days; :class:`IntakeInputError` for a number of days out of range."""
    if isinstance(processing_days, bool) or not 0 <= processing_days <= MAX_PROCESSING_DAYS:
        raise IntakeInputError(f"must be between 0 and {MAX_PROCESSING_DAYS} working days",
                               subject="processing_days")
    return calendar.add_working_days(received_day(received_at), processing_days)


def personal_number(text: str) -> str:
    """A personal number (số định danh cá nhân, on the CCCD): 12 digits, spaces and dots
    ignored; empty stays empty; anything else is refused naming the field."""
    digits = "".join(text.split()).replace(".", "")
    if digits and not (len(digits) == 12 and digits.isascii() and digits.isdigit()):
        raise IntakeInputError("a personal number (CCCD) has 12 digits",
                               subject="applicant_id_number")
    return digits


def create_dossier(session: Session, new: NewDossier, *, actor: str, created_by_id: int | None,
                   calendar: WorkingCalendar = VIETNAM_CALENDAR,
                   received_at: datetime | None = None) -> Dossier:
    """Register a received dossier with its due date in working days (Vietnam time) by
    ``calendar`` (the settings' :meth:`~api.settings.Settings.working_calendar`)."""
    code = _clean(new.procedure_code, "procedure_code", 64)
    applicant = _clean(new.applicant_name, "applicant_name", 255)
    if not code:
        raise IntakeInputError("is empty", subject="procedure_code")
    if not applicant:
        raise IntakeInputError("is empty", subject="applicant_name")
    id_number = personal_number(new.applicant_id_number)
    received = received_at or datetime.now(UTC)
    dossier = Dossier(
        unit_id=new.unit_id, procedure_code=code,
        procedure_name=_clean(new.procedure_name, "procedure_name", 512),
        applicant_name=applicant, applicant_id_number=id_number,
        processing_days=new.processing_days, received_at=received,
        due_date=due_date(calendar, received, new.processing_days),
        status=DossierStatus.received, created_by_id=created_by_id,
    )
    session.add(dossier)
    session.flush()
    append_audit(session, actor=actor, action=AuditAction.dossier_created, subject_type="dossier",
                 subject_id=dossier.id, details={"procedure": code, "due": str(dossier.due_date)})
    return dossier
