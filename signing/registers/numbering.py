"""Taking the next number of a register book: one atomic upsert of the book's counter row,
so two clerks at once never get the same number (no MAX+1 over the entries)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.records.models import RegisterCounter
from storage.records.vocabulary import RegisterKind

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def vietnam_day(moment: datetime) -> date:
    """The calendar day of ``moment`` in Vietnam (books restart on 1 January there)."""
    return moment.astimezone(VIETNAM).date()


def take_number(session: Session, unit_id: int, kind: RegisterKind, year: int) -> int:
    """The next number of the book (``unit_id``, ``kind``) in ``year``: 1 for the first.

    A single ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` (PostgreSQL; SQLite 3.35 and
    later) increments the counter row and reads it back in one statement; the row stays
    locked until the transaction ends, so a concurrent taker waits and gets the next one,
    and a transaction that rolls back gives its number back (no gap)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(RegisterCounter).values(
        unit_id=unit_id, kind=kind.value, year=year, last_number=1)
    upsert = statement.on_conflict_do_update(
        index_elements=[RegisterCounter.unit_id, RegisterCounter.kind, RegisterCounter.year],
        set_={"last_number": RegisterCounter.last_number + 1},
    ).returning(RegisterCounter.last_number)
    number = session.execute(upsert).scalar_one()
    return int(number)


def last_number(session: Session, unit_id: int, kind: RegisterKind, year: int) -> int:
    """The last number taken in the book in ``year`` (0 if none)."""
    row = session.get(RegisterCounter, (unit_id, kind, year))
    return row.last_number if row is not None else 0
