"""The registers' JSON API: an arrived document registered in the unit's incoming book
(a scan's arrival stamp proposed as its arrival number and day, its read fields carried
in), and issue and send in one action (ban hành và gửi) — a signed document numbered in
the unit's outgoing book and sent to parties of the directory."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import RuntimeDep, SessionDep, UserDep
from api.schemas import MAX_ID, BodyId
from api.transactions import CommitOnReturn
from signing.registers.arrival import (
    STAMP_SOURCE,
    IncomingProposal,
    propose_incoming,
    register_arrived,
)
from signing.registers.entries import IncomingFields
from signing.registers.issue import Numbering, Sending, issue_and_send
from signing.registers.numbering import MAX_NUMBER
from storage.access import visible_document
from storage.records.models import RegisterEntry
from storage.records.vocabulary import Confidentiality, Urgency

router = APIRouter(route_class=CommitOnReturn, prefix="/registers", tags=["registers"])


class IssueIn(BaseModel):
    """The document, how it is numbered, where it goes, and the unit key's PIN."""

    document_id: BodyId
    doc_type: str = Field(max_length=64, description="an outgoing type, e.g. quyet_dinh")
    summary: str = Field(min_length=1, max_length=2000, description="trích yếu")
    signer: str = Field("", max_length=255)
    agency: str | None = Field(None, max_length=64,
                               description="the symbol's agency part (default the unit code)")
    recipients: str = Field("", max_length=2000,
                            description="nơi nhận as printed (default the parties' names)")
    confidentiality: Confidentiality = Confidentiality.thuong
    urgency: Urgency = Urgency.thuong
    copies: int | None = Field(None, ge=0, le=100_000)
    to: list[Annotated[str, Field(max_length=64)]] = Field(
        min_length=1, max_length=100, description="OrganIds from the exchange directory")
    pin: str = Field(max_length=256)


@router.post("/outgoing/issue-and-send", status_code=201,
             summary="Number a signed document in the outgoing book and send it")
def issue_and_send_route(payload: IssueIn, user: UserDep, session: SessionDep,
                         runtime: RuntimeDep) -> dict[str, Any]:
    """Both or neither: a refused recipient, PIN or document leaves no number taken and no
    message queued (422/409 problem)."""
    numbering = Numbering(doc_type=payload.doc_type, summary=payload.summary,
                          signer=payload.signer, agency=payload.agency,
                          recipients=payload.recipients,
                          confidentiality=payload.confidentiality, urgency=payload.urgency,
                          copies=payload.copies)
    sending = Sending(runtime.store, runtime.queue, runtime.settings.key_file_sealer(),
                      payload.pin)
    issued = issue_and_send(session, user, payload.document_id, numbering, payload.to,
                            sending)
    entry = issued.entry
    return {"entry": {"id": entry.id, "year": entry.year, "number": entry.number,
                      "symbol": entry.symbol, "issued_on": entry.issued_on.isoformat()
                      if entry.issued_on else None, "recipients": entry.recipients},
            "messages": [{"id": row.id, "to": row.recipient, "state": row.state,
                          "message_document_id": row.message_document_id}
                         for row in issued.messages]}


class IncomingIn(BaseModel):
    """An arrived document's particulars for the incoming book. With ``document_id`` the
    fields left out (or blank) take the document's read fields. The arrival number is
    ``arrival_number`` (with ``arrived_on``, default today) as typed from the paper, or the
    document's arrival stamp's with ``use_stamp``, or a sub-number of ``sub_of``, or else
    the next number of today."""

    document_id: BodyId | None = None
    sender: str = Field("", max_length=255)
    issuing_agency: str = Field("", max_length=255)
    symbol: str = Field("", max_length=64)
    doc_type: str = Field("", max_length=32)
    summary: str = Field("", max_length=2000, description="trích yếu (required, or read)")
    signer: str = Field("", max_length=255)
    issued_on: date | None = None
    confidentiality: Confidentiality = Confidentiality.thuong
    urgency: Urgency = Urgency.thuong
    due_date: date | None = None
    sheets: int | None = Field(None, ge=0, le=100_000)
    copies: int | None = Field(None, ge=0, le=100_000)
    paper_copy: bool = False
    use_stamp: bool = Field(False, description="take the arrival stamp's number and day")
    arrival_number: int | None = Field(None, ge=1, le=MAX_NUMBER)
    arrived_on: date | None = Field(None, description="the arrival number's day")
    sub_of: int | None = Field(None, ge=1, le=MAX_NUMBER)

    def fields(self) -> IncomingFields:
        """The particulars as the book holds them."""
        return IncomingFields(
            sender=self.sender, issuing_agency=self.issuing_agency, symbol=self.symbol,
            doc_type=self.doc_type, summary=self.summary, signer=self.signer,
            issued_on=self.issued_on, confidentiality=self.confidentiality,
            urgency=self.urgency, due_date=self.due_date, sheets=self.sheets,
            copies=self.copies, paper_copy=self.paper_copy)


def _entry_out(entry: RegisterEntry) -> dict[str, Any]:
    return {"id": entry.id, "year": entry.year,
            "number": f"{entry.number}{entry.sub_number}",
            "registered_on": entry.registered_on.isoformat(), "source": entry.source,
            "document_id": entry.document_id, "sender": entry.sender,
            "issuing_agency": entry.issuing_agency, "symbol": entry.symbol,
            "doc_type": entry.doc_type, "summary": entry.summary, "signer": entry.signer,
            "issued_on": entry.issued_on.isoformat() if entry.issued_on else None,
            "sheets": entry.sheets, "state": entry.state}


def _proposal_out(proposal: IncomingProposal) -> dict[str, Any]:
    values, stamp, arrival = proposal.values, proposal.stamp, proposal.arrival
    return {
        "fields": {"sender": values.sender, "issuing_agency": values.issuing_agency,
                   "symbol": values.symbol, "doc_type": values.doc_type,
                   "summary": values.summary, "signer": values.signer,
                   "issued_on": values.issued_on.isoformat() if values.issued_on else None,
                   "sheets": values.sheets},
        "stamp": None if stamp is None else {
            "number": stamp.number, "date": stamp.day.isoformat() if stamp.day else None,
            "page": stamp.page, "text": stamp.text, "source": STAMP_SOURCE},
        "stamp_problem": proposal.problem or None,
        "held_by": None if proposal.holder is None else {
            "id": proposal.holder.id, "number": proposal.holder.number,
            "year": proposal.holder.year, "state": proposal.holder.state},
        "arrival": None if arrival is None else {
            "number": arrival.number, "date": arrival.day.isoformat(),
            "source": STAMP_SOURCE},
    }


@router.get("/incoming/proposal", summary="The incoming entry proposed for a document")
def incoming_proposal(user: UserDep, session: SessionDep,
                      document_id: Annotated[int, Query(ge=1, le=MAX_ID)]) -> dict[str, Any]:
    """The document's read fields and arrival stamp; ``arrival`` is the stamp's number and
    day when the number is free in that year's book (else null, with ``stamp_problem``:
    ``no_stamp``, ``illegible``, ``future`` or ``taken`` and ``held_by``)."""
    document = visible_document(session, user, document_id)
    return _proposal_out(propose_incoming(session, user, document))


@router.post("/incoming", status_code=201,
             summary="Register an arrived document in the incoming book")
def register_incoming_route(payload: IncomingIn, user: UserDep,
                            session: SessionDep) -> dict[str, Any]:
    """The entry with its arrival number; a number an entry of that year's book holds is
    refused (409 problem naming it, ``subject: arrival_number``), a day after today or a
    document without a legible stamp with ``use_stamp`` with 422."""
    document = (visible_document(session, user, payload.document_id)
                if payload.document_id is not None else None)
    entry = register_arrived(session, user, payload.fields(), document=document,
                             use_stamp=payload.use_stamp,
                             arrival_number=payload.arrival_number,
                             arrived_on=payload.arrived_on, sub_of=payload.sub_of)
    return {"entry": _entry_out(entry)}
