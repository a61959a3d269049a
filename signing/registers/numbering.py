"""Taking the next number of a register book: one atomic upsert of the book's counter row,
so two clerks at once never get the same number (no MAX+1 over the entries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.records.models import RegisterCounter
from storage.records.vocabulary import RegisterKind

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_NUMBER = 999_999
"""The largest number a book takes (six digits, as the forms allow)."""


@dataclass(frozen=True)
class ArrivalNumber:
    """An arrival number and day given for an incoming entry instead of the next number of
    today: the ones the records office stamped on a paper (a back-filled paper book keeps
    them), read from the stamp or typed. The entry goes in ``day``'s year's book."""

    number: int
    day: date
    from_stamp: bool = False


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


def hold_number(session: Session, unit_id: int, kind: RegisterKind, year: int,
                number: int) -> None:
    """Make ``number`` of the book taken by the caller's entry (a number given from a paper
    book's arrival stamp): the book's counter becomes at least ``number``, so the next number
    taken follows it and the numbers skipped before it show as missing until they are
    filled. The same upsert as :func:`take_number` locks the counter row, so a caller that
    then looks for an entry holding ``number`` sees every entry committed before it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(RegisterCounter).values(
        unit_id=unit_id, kind=kind.value, year=year, last_number=number)
    session.execute(statement.on_conflict_do_update(
        index_elements=[RegisterCounter.unit_id, RegisterCounter.kind, RegisterCounter.year],
        set_={"last_number": case((RegisterCounter.last_number < number, number),
                                  else_=RegisterCounter.last_number)}))
