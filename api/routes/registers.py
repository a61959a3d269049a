"""The registers' JSON API: issue and send in one action (ban hành và gửi) — a signed
document numbered in the unit's outgoing book and sent to parties of the directory."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import RuntimeDep, SessionDep, UserDep
from api.schemas import BodyId
from api.transactions import CommitOnReturn
from signing.registers.issue import Numbering, Sending, issue_and_send
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
