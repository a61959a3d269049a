"""A scanned paper into the incoming book with the arrival stamp the records office pressed
on it ("CÔNG VĂN ĐẾN — Số: 57 — Ngày: 26/12/2023"), read by the classifier (the stored
classification's ``arrival``, :mod:`ingest.classify.stamps`).

A paper book back-filled into sohoa keeps the numbers already stamped: the entry proposed
for a stamped scan takes the stamp's number and day when that number is free in the book of
the day's year (voided numbers stay taken), otherwise the next number of today. The
document's read fields (number/symbol, issue day, issuing agency, summary, signer, type,
pages) fill what the clerk left blank. The API, the page and any other edge call
:func:`propose_incoming` to show the form and :func:`register_arrived` to register.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from signing.registers.entries import (
    IncomingFields,
    entry_holding,
    fields_from_document,
    register_incoming,
)
from signing.registers.numbering import MAX_NUMBER, ArrivalNumber, vietnam_day
from storage.accounts import CurrentUser
from storage.errors import BadInputError, NotFoundError
from storage.records import Document, utcnow
from storage.records.models import RegisterEntry
from storage.records.vocabulary import EntrySource

STAMP_SOURCE = "arrival-stamp"
"""Where a proposed arrival number and day come from (the page says "đọc từ dấu đến")."""


@dataclass(frozen=True)
class StampReading:
    """What the classifier read on a scan's arrival stamp: the number and day where legible
    (None where not), the page (1-based) and the stamp's text as OCR read it."""

    number: int | None
    day: date | None
    page: int
    text: str

    @property
    def legible(self) -> bool:
        """Whether both the number and the day were read."""
        return self.read is not None

    @property
    def read(self) -> ArrivalNumber | None:
        """The stamp's number and day as an entry takes them, when both were read."""
        if self.number is None or self.day is None:
            return None
        return ArrivalNumber(self.number, self.day, from_stamp=True)


@dataclass(frozen=True)
class IncomingProposal:
    """The incoming form proposed for a document: its read fields, its arrival stamp and
    whether the stamp's number can be taken. ``problem`` is ``""`` (usable), ``no_stamp``,
    ``illegible`` (number or day not read), ``future`` (a day after today) or ``taken``
    (``holder`` is the entry holding the number)."""

    values: IncomingFields
    stamp: StampReading | None
    problem: str
    holder: RegisterEntry | None = None

    @property
    def arrival(self) -> ArrivalNumber | None:
        """The stamp's number and day, proposed when usable; None: the next number."""
        if self.problem or self.stamp is None:
            return None
        return self.stamp.read


def _number(value: Any) -> int | None:
    text = str(value).strip() if value is not None else ""
    if not re.fullmatch(r"\d{1,6}", text) or not 1 <= int(text) <= MAX_NUMBER:
        return None
    return int(text)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def stamp_of(document: Document) -> StampReading | None:
    """The first arrival stamp of the document's stored classification (as the intake job
    stored it: ``arrival`` with ``number``, ``date``, ``page``, ``text``), or None."""
    found = (document.classification or {}).get("arrival")
    if not isinstance(found, dict):
        return None
    page = found.get("page")
    return StampReading(number=_number(found.get("number")), day=_day(found.get("date")),
                        page=page if isinstance(page, int) else 1,
                        text=str(found.get("text") or ""))


def with_read_fields(values: IncomingFields, document: Document) -> IncomingFields:
    """``values`` with each blank field (empty text, no day, no count) taken from the
    document's read fields (:func:`fields_from_document`); what is given stays."""
    read = fields_from_document(document)
    filled = {item.name: getattr(read, item.name) for item in fields(values)
              if getattr(values, item.name) in ("", None) and item.name != "due_date"}
    return replace(values, **filled)


def _check(session: Session, user: CurrentUser, stamp: StampReading | None,
           today: date) -> tuple[str, RegisterEntry | None]:
    if stamp is None:
        return "no_stamp", None
    read = stamp.read
    if read is None:
        return "illegible", None
    if read.day > today:
        return "future", None
    holder = entry_holding(session, user.unit_id, read.day.year, read.number)
    return ("taken", holder) if holder is not None else ("", None)


def propose_incoming(session: Session, user: CurrentUser, document: Document, *,
                     now: datetime | None = None) -> IncomingProposal:
    """The incoming form for a document of the user's units: its read fields and, when it
    carries a legible arrival stamp whose number is free in the book of the stamp's year,
    the stamp's number and day (:attr:`IncomingProposal.arrival`)."""
    if not user.can_see_unit(document.unit_id):
        raise NotFoundError("no such document", subject=f"document {document.id}")
    stamp = stamp_of(document)
    problem, holder = _check(session, user, stamp, vietnam_day(now or utcnow()))
    return IncomingProposal(values=fields_from_document(document), stamp=stamp,
                            problem=problem, holder=holder)


def register_arrived(session: Session, user: CurrentUser, values: IncomingFields, *,
                     document: Document | None = None, use_stamp: bool = False,
                     arrival_number: int | None = None, arrived_on: date | None = None,
                     sub_of: int | None = None, now: datetime | None = None) -> RegisterEntry:
    """Register an arrived document in the user's unit's incoming book.

    With a document, blank fields take its read fields. The number is, in order:
    ``arrival_number`` typed from the paper (on ``arrived_on``, default today; marked as
    the stamp's when both are the stamp's), the stamp's number and day when ``use_stamp``
    (:class:`BadInputError` if the document has no legible stamp), a sub-number of
    ``sub_of``, or the next number of today. A number held by an entry of that year's book
    is refused with :class:`ConflictError` naming it; a day after today, or a day without
    its number, with :class:`BadInputError`."""
    if document is not None:
        values = with_read_fields(values, document)
    stamp = stamp_of(document) if document is not None else None
    arrival: ArrivalNumber | None = None
    if arrival_number is not None:
        day = arrived_on or vietnam_day(now or utcnow())
        arrival = ArrivalNumber(arrival_number, day, from_stamp=stamp is not None and (
            arrival_number, day) == (stamp.number, stamp.day))
    elif arrived_on is not None:
        raise BadInputError("an arrival day goes with its arrival number",
                            subject="arrival_number")
    elif use_stamp:
        arrival = stamp.read if stamp is not None else None
        if arrival is None:
            raise BadInputError("the document has no arrival stamp whose number and day "
                                "were read: type them", subject="arrival_number")
    return register_incoming(session, user, values, document=document, sub_of=sub_of,
                             arrival=arrival, now=now,
                             source=EntrySource.scan if document else EntrySource.manual)
