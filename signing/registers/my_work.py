"""A handler's own list: the register entries a leader assigned to them (as the lead or a
support handler) that are still open, soonest deadline first, each with whether its
deadline has passed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.registers.numbering import vietnam_day
from storage.accounts import CurrentUser
from storage.records.models import RegisterAssignment, RegisterEntry
from storage.records.vocabulary import AssignmentStatus, EntryState


@dataclass(frozen=True)
class MyAssignment:
    """One open assignment of the handler with its entry."""

    assignment: RegisterAssignment
    entry: RegisterEntry
    deadline: date | None
    """The handler's own deadline, else the entry's due date (hạn xử lý)."""
    overdue: bool
    due_today: bool
    assigned_on: date
    """The day it was assigned, in Vietnam."""


def assigned_to(session: Session, user: CurrentUser, *, today: date,
                limit: int = 500) -> list[MyAssignment]:
    """The open assignments of ``user`` on live entries of the units they see, soonest
    deadline first (none last), then oldest assignment; ``today`` (Vietnam's day) decides
    what is overdue."""
    rows = session.execute(select(RegisterAssignment, RegisterEntry).join(
        RegisterEntry, RegisterEntry.id == RegisterAssignment.entry_id).where(
        RegisterAssignment.handler_id == user.id,
        RegisterAssignment.status == AssignmentStatus.open,
        RegisterEntry.state != EntryState.void,
        RegisterEntry.unit_id.in_(user.visible_unit_ids)).limit(limit)).all()
    mine = []
    for assignment, entry in rows:
        deadline = assignment.deadline or entry.due_date
        mine.append(MyAssignment(assignment, entry, deadline,
                                 overdue=deadline is not None and deadline < today,
                                 due_today=deadline == today,
                                 assigned_on=vietnam_day(assignment.assigned_at)))
    return sorted(mine, key=lambda item: (item.deadline is None, item.deadline or today,
                                          item.assignment.assigned_at, item.assignment.id))
