"""Assignment of an incoming entry: a leader's note (bút phê), one lead handler and any
support handlers each with a deadline; a handler returns a misrouted document with a
reason; the lead marks it done. Each step is an event carrying the exchange status it is
to be answered with (``04`` awaiting assignment, ``05`` being processed, ``06`` done), which
the exchange's outbox reads with :func:`unsent_status_events`."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.registers.entries import MAX_TEXT, _event
from storage.accounts import CurrentUser
from storage.errors import BadInputError, ConflictError, NotFoundError, PermissionDeniedError
from storage.records import AuditAction, User, append_audit, utcnow
from storage.records.models import RegisterAssignment, RegisterEntry, RegisterEvent
from storage.records.vocabulary import (
    AssignmentStatus,
    EntryState,
    HandlerRole,
    RegisterEventKind,
    RegisterKind,
    UserRole,
)

ASSIGNING_ROLES = frozenset({UserRole.leader, UserRole.admin})


@dataclass(frozen=True)
class Handler:
    """A user given the entry, and by when."""

    username: str
    deadline: date | None = None


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))[:MAX_TEXT]


def _handler_user(session: Session, entry: RegisterEntry, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None or user.unit_id != entry.unit_id:
        raise BadInputError(f"no active user {username!r} in the entry's unit",
                            subject="handler")
    return user


def open_assignments(session: Session, entry: RegisterEntry) -> list[RegisterAssignment]:
    """The entry's open assignments, the lead first."""
    rows = session.scalars(select(RegisterAssignment).where(
        RegisterAssignment.entry_id == entry.id,
        RegisterAssignment.status == AssignmentStatus.open).order_by(RegisterAssignment.id))
    return sorted(rows, key=lambda row: row.role != HandlerRole.lead)


def entry_assignments(session: Session, entry: RegisterEntry) -> list[RegisterAssignment]:
    """Every assignment the entry has had, oldest first."""
    return list(session.scalars(select(RegisterAssignment).where(
        RegisterAssignment.entry_id == entry.id).order_by(RegisterAssignment.id)))


def assign_entry(session: Session, leader: CurrentUser, entry: RegisterEntry, *, note: str,
                 lead: Handler, support: tuple[Handler, ...] = ()) -> list[RegisterAssignment]:
    """A leader assigns an incoming entry: the note (bút phê), one lead handler and support
    handlers, each with a deadline; open assignments are replaced. Records the event for
    status ``05``."""
    if leader.role not in ASSIGNING_ROLES:
        raise PermissionDeniedError("only a leader assigns a document")
    if not leader.can_see_unit(entry.unit_id):
        raise NotFoundError("no such register entry", subject=f"register entry {entry.id}")
    if entry.kind != RegisterKind.incoming:
        raise BadInputError("only an incoming document is assigned")
    if entry.state in (EntryState.void, EntryState.done):
        raise ConflictError("the entry is closed", subject=f"register entry {entry.id}")
    names = [lead.username, *(item.username for item in support)]
    if len(set(names)) != len(names):
        raise BadInputError("a handler is named twice", subject="handler")
    now = utcnow()
    for row in open_assignments(session, entry):
        row.status, row.closed_at = AssignmentStatus.replaced, now
    note = _clean(note)
    rows = []
    for role, item in [(HandlerRole.lead, lead),
                       *((HandlerRole.support, extra) for extra in support)]:
        user = _handler_user(session, entry, item.username)
        row = RegisterAssignment(entry_id=entry.id, handler_id=user.id, role=role,
                                 deadline=item.deadline, note=note, return_reason="",
                                 status=AssignmentStatus.open, assigned_by_id=leader.id,
                                 assigned_at=now)
        session.add(row)
        rows.append(row)
    entry.state = EntryState.assigned
    if lead.deadline is not None:
        entry.due_date = lead.deadline
    session.flush()
    details = {"note": note, "lead": lead.username,
               "support": [item.username for item in support],
               "deadlines": {item.username: item.deadline.isoformat() if item.deadline else None
                             for item in (lead, *support)}}
    _event(session, entry, RegisterEventKind.assigned, leader, details=details,
           status_code="05")
    append_audit(session, actor=leader.username, action=AuditAction.register_assigned,
                 subject_type="register_entry", subject_id=entry.id, details=details)
    return rows


def _own_open(session: Session, handler: CurrentUser,
              entry: RegisterEntry) -> RegisterAssignment:
    row = session.scalar(select(RegisterAssignment).where(
        RegisterAssignment.entry_id == entry.id, RegisterAssignment.handler_id == handler.id,
        RegisterAssignment.status == AssignmentStatus.open))
    if row is None:
        raise PermissionDeniedError("the document is not assigned to you")
    return row


def return_entry(session: Session, handler: CurrentUser, entry: RegisterEntry,
                 reason: str) -> RegisterAssignment:
    """A handler returns a misrouted document with a reason; when the lead returns it, the
    entry awaits a new assignment (status ``04`` again)."""
    reason = _clean(reason)
    if not reason:
        raise BadInputError("a returned document needs a reason", subject="reason")
    row = _own_open(session, handler, entry)
    row.status, row.return_reason, row.closed_at = AssignmentStatus.returned, reason, utcnow()
    reopened = row.role == HandlerRole.lead
    if reopened:
        for other in open_assignments(session, entry):
            other.status, other.closed_at = AssignmentStatus.replaced, row.closed_at
        entry.state = EntryState.awaiting
    _event(session, entry, RegisterEventKind.returned, handler,
           details={"reason": reason, "role": row.role.value},
           status_code="04" if reopened else None)
    append_audit(session, actor=handler.username, action=AuditAction.register_returned,
                 subject_type="register_entry", subject_id=entry.id,
                 details={"reason": reason, "role": row.role.value})
    return row


def finish_entry(session: Session, handler: CurrentUser, entry: RegisterEntry) -> None:
    """The lead handler marks the document done (status ``06``)."""
    row = _own_open(session, handler, entry)
    if row.role != HandlerRole.lead:
        raise PermissionDeniedError("only the lead handler closes the document")
    now = utcnow()
    for item in open_assignments(session, entry):
        item.status, item.closed_at = AssignmentStatus.done, now
    entry.state = EntryState.done
    _event(session, entry, RegisterEventKind.done, handler, status_code="06")
    append_audit(session, actor=handler.username, action=AuditAction.register_done,
                 subject_type="register_entry", subject_id=entry.id, details={})


def entry_events(session: Session, entry: RegisterEntry) -> list[RegisterEvent]:
    """The entry's trail, oldest first."""
    return list(session.scalars(select(RegisterEvent).where(
        RegisterEvent.entry_id == entry.id).order_by(RegisterEvent.id)))


def unsent_status_events(session: Session, unit_id: int) -> list[RegisterEvent]:
    """Events of the unit's entries that carry an exchange status not sent yet, oldest
    first: the hook the exchange's outbox reads (and stamps ``sent_at``) to answer the
    sender of a document received by exchange with ``04``/``05``/``06``."""
    return list(session.scalars(select(RegisterEvent).join(
        RegisterEntry, RegisterEntry.id == RegisterEvent.entry_id).where(
        RegisterEntry.unit_id == unit_id, RegisterEvent.status_code.is_not(None),
        RegisterEvent.sent_at.is_(None)).order_by(RegisterEvent.id)))


def unit_handlers(session: Session, unit_id: int) -> list[User]:
    """The active users of a unit who may be given a document, by name."""
    return list(session.scalars(select(User).where(
        User.unit_id == unit_id, User.active.is_(True),
        User.role != UserRole.admin).order_by(User.full_name, User.username)))


def holds_assignment(session: Session, user: CurrentUser, entry: RegisterEntry) -> bool:
    """Whether ``user`` has an open assignment of the entry."""
    return session.scalar(select(RegisterAssignment.id).where(
        RegisterAssignment.entry_id == entry.id, RegisterAssignment.handler_id == user.id,
        RegisterAssignment.status == AssignmentStatus.open)) is not None
