"""Register entries: an incoming document registered (from a scan's fields confirmed by the
clerk, typed, or from an exchange message), an outgoing signed document numbered, an entry
corrected or voided, and the books' listings."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.registers.numbering import (
    MAX_NUMBER,
    ArrivalNumber,
    hold_number,
    take_number,
    vietnam_day,
)
from signing.registers.symbols import outgoing_symbol
from storage.accounts import CurrentUser
from storage.errors import BadInputError, ConflictError, NotFoundError, PermissionDeniedError
from storage.records import (
    AuditAction,
    Document,
    DocumentFile,
    DocumentStatus,
    FileRole,
    Unit,
    append_audit,
    utcnow,
)
from storage.records.models import RegisterEntry, RegisterEvent
from storage.records.vocabulary import (
    Confidentiality,
    EntrySource,
    EntryState,
    RegisterEventKind,
    RegisterKind,
    Urgency,
    UserRole,
)

CLERK_ROLES = frozenset({UserRole.clerk, UserRole.admin})
MAX_TEXT = 2000


@dataclass(frozen=True)
class IncomingFields:
    """The particulars of an incoming document as the book holds them."""

    sender: str = ""
    issuing_agency: str = ""
    symbol: str = ""
    doc_type: str = ""
    summary: str = ""
    signer: str = ""
    issued_on: date | None = None
    confidentiality: Confidentiality = Confidentiality.thuong
    urgency: Urgency = Urgency.thuong
    due_date: date | None = None
    sheets: int | None = None
    copies: int | None = None
    paper_copy: bool = False

    def cleaned(self) -> IncomingFields:
        """The same fields with texts NFC and trimmed; :class:`BadInputError` for values a
        book cannot hold (negative counts, over-long texts)."""
        values: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, str) and not isinstance(value, Confidentiality | Urgency):
                value = unicodedata.normalize("NFC", " ".join(value.split()))
                if len(value) > MAX_TEXT:
                    raise BadInputError(f"{item.name} is too long", subject=item.name)
            values[item.name] = value
        for name in ("sheets", "copies"):
            if values[name] is not None and not 0 <= values[name] <= 100_000:
                raise BadInputError(f"{name} must be a count", subject=name)
        return replace(self, **values)


def _text(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value)).strip() if value else ""


def _iso_day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def fields_from_document(document: Document) -> IncomingFields:
    """An incoming entry's fields read from a scanned document's classified fields
    (``so_ky_hieu``, ``trich_yeu``, ``ngay_ban_hanh``, ``co_quan_ban_hanh``, ``nguoi_ky``),
    for the clerk to confirm or correct; the number of pages gives the sheets."""
    found = document.fields or {}
    agency = _text(found.get("co_quan_ban_hanh"))
    return IncomingFields(
        sender=agency, issuing_agency=agency, symbol=_text(found.get("so_ky_hieu")),
        doc_type=document.doc_type or "", summary=_text(found.get("trich_yeu")),
        signer=_text(found.get("nguoi_ky")), issued_on=_iso_day(found.get("ngay_ban_hanh")),
        sheets=document.page_count)


def _require_clerk(user: CurrentUser) -> None:
    if user.role not in CLERK_ROLES:
        raise PermissionDeniedError("only the records office keeps the registers")


def _event(session: Session, entry: RegisterEntry, kind: RegisterEventKind, actor: CurrentUser,
           *, details: dict[str, Any] | None = None, status_code: str | None = None) -> None:
    session.add(RegisterEvent(entry_id=entry.id, kind=kind, actor_id=actor.id,
                              details=details or {}, status_code=status_code))


def _already_registered(session: Session, document_id: int, kind: RegisterKind) -> bool:
    return session.scalar(select(RegisterEntry.id).where(
        RegisterEntry.document_id == document_id, RegisterEntry.kind == kind,
        RegisterEntry.state != EntryState.void)) is not None


def _next_sub_number(session: Session, unit_id: int, year: int, number: int) -> str:
    taken = set(session.scalars(select(RegisterEntry.sub_number).where(
        RegisterEntry.unit_id == unit_id, RegisterEntry.kind == RegisterKind.incoming,
        RegisterEntry.year == year, RegisterEntry.number == number)))
    if "" not in taken:
        raise BadInputError(f"arrival number {number} is not in the book", subject="sub_of")
    for letter in SUB_LETTERS:
        if letter not in taken:
            return letter
    raise ConflictError(f"arrival number {number} has no sub-number left", subject="sub_of")


SUB_LETTERS = "abcdefghijklmnopqrstuvwxyz"
"""Sub-numbers of an arrival number (số đến phụ: 12a, 12b ...), for a document that belongs
with one registered already (an appendix, a copy sent again)."""


def register_incoming(session: Session, user: CurrentUser, values: IncomingFields, *,
                      source: EntrySource, document: Document | None = None,
                      sub_of: int | None = None, arrival: ArrivalNumber | None = None,
                      now: datetime | None = None) -> RegisterEntry:
    """Put an arrived document in the user's unit's incoming book with the next arrival
    number (số đến) of the year; ``source`` says whether the clerk confirmed a scan's
    fields, typed them, or they came from an exchange message (and are then final).

    With ``sub_of`` the document takes the next sub-number of that arrival number of the
    year (``12a``) instead of a new number.

    With ``arrival`` (a paper's stamped arrival number and day) the entry takes that number
    in the book of the day's year, registered on that day, when no entry holds it (a
    voided one keeps its number): otherwise :class:`ConflictError` naming the number
    (subject ``arrival_number``). The book's next number then follows the highest one.

    The exchange's receiving side calls this with ``source=EntrySource.exchange`` once a
    message is verified; its status ``04`` (awaiting assignment) is recorded as an event."""
    _require_clerk(user)
    if document is not None:
        if not user.can_see_unit(document.unit_id):
            raise NotFoundError("no such document", subject=f"document {document.id}")
        if _already_registered(session, document.id, RegisterKind.incoming):
            raise ConflictError("the document is in the incoming book already",
                                subject=f"document {document.id}")
    values = values.cleaned()
    if not values.summary:
        raise BadInputError("the summary (trích yếu) is required", subject="summary")
    moment = now or utcnow()
    day = vietnam_day(moment)
    if arrival is not None:
        number, sub_number = _hold_arrival_number(session, user, arrival, sub_of, day), ""
        day = arrival.day
    elif sub_of is None:
        number, sub_number = take_number(session, user.unit_id, RegisterKind.incoming,
                                         day.year), ""
    else:
        number = sub_of
        sub_number = _next_sub_number(session, user.unit_id, day.year, sub_of)
    entry = RegisterEntry(
        unit_id=user.unit_id, kind=RegisterKind.incoming, year=day.year, number=number,
        sub_number=sub_number, registered_on=day, source=source, state=EntryState.awaiting,
        document_id=document.id if document is not None else None, created_by_id=user.id,
        created_at=moment, recipients="", void_reason="",
        **{item.name: getattr(values, item.name) for item in fields(values)})
    session.add(entry)
    session.flush()
    given = {} if arrival is None else {
        "arrival_number": "stamp" if arrival.from_stamp else "typed"}
    _event(session, entry, RegisterEventKind.registered, user,
           details={"number": f"{number}{sub_number}", "source": source.value, **given},
           status_code="04")
    append_audit(session, actor=user.username, action=AuditAction.register_entry_created,
                 subject_type="register_entry", subject_id=entry.id,
                 details={"kind": "incoming", "year": day.year,
                          "number": f"{number}{sub_number}", "source": source.value,
                          "document_id": entry.document_id, **given})
    return entry


def entry_holding(session: Session, unit_id: int, year: int,
                  number: int) -> RegisterEntry | None:
    """The entry of the unit's incoming book of ``year`` that holds arrival ``number``
    (voided or not; sub-numbers aside), or None when the number is free."""
    return session.scalars(select(RegisterEntry).where(
        RegisterEntry.unit_id == unit_id, RegisterEntry.kind == RegisterKind.incoming,
        RegisterEntry.year == year, RegisterEntry.number == number,
        RegisterEntry.sub_number == "")).first()


def _hold_arrival_number(session: Session, user: CurrentUser, arrival: ArrivalNumber,
                         sub_of: int | None, today: date) -> int:
    """Take ``arrival``'s number in its year's book, or refuse it."""
    if sub_of is not None:
        raise BadInputError("a sub-number goes with the arrival number it belongs to, "
                            "not with a number of its own", subject="arrival_number")
    if not 1 <= arrival.number <= MAX_NUMBER:
        raise BadInputError("an arrival number is from 1 to 999999", subject="arrival_number")
    if arrival.day > today:
        raise BadInputError(f"the arrival day {arrival.day.isoformat()} is after today",
                            subject="arrived_on")
    year = arrival.day.year
    hold_number(session, user.unit_id, RegisterKind.incoming, year, arrival.number)
    holder = entry_holding(session, user.unit_id, year, arrival.number)
    if holder is not None:
        raise ArrivalNumberTakenError(arrival.number, year, holder.id)
    return arrival.number


class ArrivalNumberTakenError(ConflictError):
    """An arrival number given for an entry is held by another entry of that year's book
    (subject ``arrival_number``; ``number``, ``year`` and the holder's ``entry_id``)."""

    def __init__(self, number: int, year: int, entry_id: int) -> None:
        super().__init__(f"arrival number {number} of {year} is in the incoming book "
                         f"already (entry {entry_id})", subject="arrival_number")
        self.number, self.year, self.entry_id = number, year, entry_id

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled with its number, year and entry."""
        return (self.__class__, (self.number, self.year, self.entry_id))


def edit_incoming(session: Session, user: CurrentUser, entry: RegisterEntry,
                  values: IncomingFields) -> RegisterEntry:
    """Correct an incoming entry's particulars; an entry filled from an exchange message
    is final (:class:`ConflictError`), as is a voided one."""
    _require_clerk(user)
    if entry.kind != RegisterKind.incoming:
        raise BadInputError("only an incoming entry's particulars are edited here")
    if entry.source == EntrySource.exchange:
        raise ConflictError("an entry filled from an exchange message cannot be edited",
                            subject=f"register entry {entry.id}")
    if entry.state == EntryState.void:
        raise ConflictError("a voided entry cannot be edited",
                            subject=f"register entry {entry.id}")
    values = values.cleaned()
    if not values.summary:
        raise BadInputError("the summary (trích yếu) is required", subject="summary")
    changed = {}
    for item in fields(values):
        new = getattr(values, item.name)
        if getattr(entry, item.name) != new:
            changed[item.name] = str(new) if new is not None else None
            setattr(entry, item.name, new)
    if changed:
        _event(session, entry, RegisterEventKind.edited, user, details=changed)
        append_audit(session, actor=user.username, action=AuditAction.register_entry_edited,
                     subject_type="register_entry", subject_id=entry.id,
                     details={"fields": sorted(changed)})
    return entry


def number_outgoing(session: Session, user: CurrentUser, document: Document, *,
                    doc_type: str, summary: str, agency: str | None = None,
                    recipients: str = "", signer: str = "",
                    confidentiality: Confidentiality = Confidentiality.thuong,
                    urgency: Urgency = Urgency.thuong, copies: int | None = None,
                    now: datetime | None = None) -> RegisterEntry:
    """Number a leader-signed document of the user's unit in the outgoing book (before
    the agency seal): the next number of the year and the symbol built from it, the type's
    abbreviation and ``agency`` (the unit's code when not given), e.g. ``12/QĐ-UBND``.

    The document's fields take the number/symbol, date, summary and signer it is issued
    with, so what is shown and sent (the edXML message is built from the fields) carries
    the book's number. Issuing also applies the seal (:mod:`signing.seal`, a separate
    step); sending is the exchange's outbox, or both at once with
    :func:`signing.registers.issue.issue_and_send`."""
    _require_clerk(user)
    if document.unit_id != user.unit_id:
        raise NotFoundError("no such document", subject=f"document {document.id}")
    if document.status != DocumentStatus.signed:
        raise ConflictError("only a signed document is numbered for issue",
                            subject=f"document {document.id}")
    if _already_registered(session, document.id, RegisterKind.outgoing):
        raise ConflictError("the document is numbered already",
                            subject=f"document {document.id}")
    summary = unicodedata.normalize("NFC", " ".join(summary.split()))
    if not summary:
        raise BadInputError("the summary (trích yếu) is required", subject="summary")
    if copies is not None and not 0 <= copies <= 100_000:
        raise BadInputError("copies must be a count", subject="copies")
    unit = session.get(Unit, user.unit_id)
    assert unit is not None
    moment = now or utcnow()
    day = vietnam_day(moment)
    number = take_number(session, user.unit_id, RegisterKind.outgoing, day.year)
    symbol = outgoing_symbol(number, doc_type, unit.code if agency is None else agency)
    entry = RegisterEntry(
        unit_id=user.unit_id, kind=RegisterKind.outgoing, year=day.year, number=number,
        sub_number="", registered_on=day, source=EntrySource.manual, state=EntryState.done,
        document_id=document.id, sender="", issuing_agency=unit.name, symbol=symbol,
        doc_type=doc_type, summary=summary[:MAX_TEXT], signer=_text(signer), issued_on=day,
        recipients=_text(recipients)[:MAX_TEXT], confidentiality=confidentiality,
        urgency=urgency, copies=copies, sheets=document.page_count, paper_copy=False,
        void_reason="", created_by_id=user.id, created_at=moment)
    session.add(entry)
    session.flush()
    _carry_number(document, entry)
    _event(session, entry, RegisterEventKind.registered, user,
           details={"number": number, "symbol": symbol})
    append_audit(session, actor=user.username, action=AuditAction.register_entry_created,
                 subject_type="register_entry", subject_id=entry.id,
                 details={"kind": "outgoing", "year": day.year, "number": number,
                          "symbol": symbol, "document_id": document.id})
    return entry


def _carry_number(document: Document, entry: RegisterEntry) -> None:
    """The document's fields take the number, date and summary it is issued with."""
    fields = dict(document.fields or {})
    fields["so_ky_hieu"] = entry.symbol
    fields["ngay_ban_hanh"] = entry.issued_on.isoformat() if entry.issued_on else None
    fields["trich_yeu"] = entry.summary
    if entry.signer:
        fields["nguoi_ky"] = entry.signer
    document.fields = fields


def void_entry(session: Session, user: CurrentUser, entry: RegisterEntry,
               reason: str) -> RegisterEntry:
    """Cancel an entry (its number stays taken and shows in the skipped-numbers report)."""
    _require_clerk(user)
    reason = unicodedata.normalize("NFC", " ".join(reason.split()))
    if not reason:
        raise BadInputError("a voided entry needs a reason", subject="reason")
    if entry.state == EntryState.void:
        raise ConflictError("the entry is voided already", subject=f"register entry {entry.id}")
    entry.state = EntryState.void
    entry.void_reason = reason[:MAX_TEXT]
    _event(session, entry, RegisterEventKind.voided, user, details={"reason": entry.void_reason})
    append_audit(session, actor=user.username, action=AuditAction.register_entry_voided,
                 subject_type="register_entry", subject_id=entry.id, details={"reason": reason})
    return entry


def visible_entry(session: Session, user: CurrentUser, entry_id: int) -> RegisterEntry:
    """The entry if the user may see its unit; :class:`NotFoundError` otherwise."""
    entry = session.get(RegisterEntry, entry_id)
    if entry is None or not user.can_see_unit(entry.unit_id):
        raise NotFoundError("no such register entry", subject=f"register entry {entry_id}")
    return entry


def book_entries(session: Session, unit_id: int, kind: RegisterKind,
                 year: int) -> list[RegisterEntry]:
    """The entries of one book in one year, in number order (voided ones included)."""
    return list(session.scalars(select(RegisterEntry).where(
        RegisterEntry.unit_id == unit_id, RegisterEntry.kind == kind,
        RegisterEntry.year == year).order_by(RegisterEntry.number, RegisterEntry.sub_number)))


def book_years(session: Session, unit_id: int) -> list[int]:
    """The years in which the unit's books have entries, newest first."""
    return sorted(set(session.scalars(select(RegisterEntry.year).where(
        RegisterEntry.unit_id == unit_id).distinct())), reverse=True)


def unregistered_documents(session: Session, user: CurrentUser, kind: RegisterKind, *,
                           limit: int = 50) -> list[Document]:
    """Documents of the user's unit waiting for the book: for ``incoming``, received or
    scanned documents outside any dossier (digitised or verified on arrival); for
    ``outgoing``, signed documents not numbered yet. Newest first."""
    registered = select(RegisterEntry.document_id).where(
        RegisterEntry.kind == kind, RegisterEntry.state != EntryState.void,
        RegisterEntry.document_id.is_not(None))
    wanted = ([DocumentStatus.signed] if kind == RegisterKind.outgoing
              else [DocumentStatus.digitised, DocumentStatus.received, DocumentStatus.signed])
    query = select(Document).where(
        Document.unit_id == user.unit_id, Document.dossier_id.is_(None),
        Document.status.in_(wanted), Document.id.not_in(registered))
    return list(session.scalars(query.order_by(Document.id.desc()).limit(limit)))


def has_arrival_report(session: Session, entry: RegisterEntry) -> bool:
    """Whether the entry's document was verified on arrival (its report is kept with it,
    :mod:`signing.incoming`), so the entry can link to it."""
    if entry.document_id is None:
        return False
    return session.scalar(select(DocumentFile.id).where(
        DocumentFile.document_id == entry.document_id,
        DocumentFile.role == FileRole.verification).limit(1)) is not None
