"""The skipped numbers of a register book: numbers taken whose entry was voided, and
numbers with no entry at all (a gap, which atomic numbering should never leave)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from signing.registers.entries import book_entries
from signing.registers.numbering import last_number
from storage.records.vocabulary import EntryState, RegisterKind


@dataclass(frozen=True)
class SkippedNumber:
    """A number of the book that holds no live entry: ``voided`` (with the reason and the
    entry's id) or ``missing``."""

    number: int
    cause: str
    reason: str = ""
    entry_id: int | None = None


def skipped_numbers(session: Session, unit_id: int, kind: RegisterKind,
                    year: int) -> list[SkippedNumber]:
    """Every number from 1 to the last taken in the year that has no live entry."""
    live: set[int] = set()
    voided: dict[int, tuple[str, int]] = {}
    for entry in book_entries(session, unit_id, kind, year):
        if entry.sub_number:
            continue
        if entry.state == EntryState.void:
            voided[entry.number] = (entry.void_reason, entry.id)
        else:
            live.add(entry.number)
    skipped = []
    for number in range(1, last_number(session, unit_id, kind, year) + 1):
        if number in live:
            continue
        if number in voided:
            reason, entry_id = voided[number]
            skipped.append(SkippedNumber(number, "voided", reason, entry_id))
        else:
            skipped.append(SkippedNumber(number, "missing"))
    return skipped
