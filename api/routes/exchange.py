"""Exchange of signed documents between units: the receiving endpoint (public: a message
is authenticated by its XMLDSig against the sender's registered certificate), sending, and
the outbox and inbox with their status trails."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response
from pydantic import BaseModel, Field

from api.deps import Id, RuntimeDep, SessionDep, UserDep
from api.exchange_wiring import (
    authenticate_delivery,
    inbox_setup,
    receive,
    sign_answer,
    vietnam_now,
)
from api.schemas import BodyId
from api.transactions import CommitOnReturn
from signing.exchange.deadlines import inbox_timeliness, outbox_timeliness
from signing.exchange.inbox import inbox_messages
from signing.exchange.outbox import outbox_messages, send_document
from signing.exchange.revocation import (
    decide_request,
    exchange_requests,
    replace_sent,
    revoke_sent,
)
from signing.exchange.statuses import status_trail
from storage.records.models import ExchangeOutboxMessage, ExchangeRequest

router = APIRouter(route_class=CommitOnReturn, prefix="/exchange", tags=["exchange"])


class SendIn(BaseModel):
    """A signed document to send, its recipients and the unit key's PIN."""

    document_id: BodyId
    to: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=100)
    pin: str = Field(max_length=256)


@router.post("/messages", summary="Deliver an edXML message (from another installation)",
             response_class=Response)
def take_message(session: SessionDep, runtime: RuntimeDep, request: Request,
                 body: Annotated[bytes, Body(media_type="application/xml")]) -> Response:
    """A document message is answered with a signed status message (``01`` received, or
    ``02`` refused with the reasons); a duplicate gets the first answer again. A status
    message is added to the trail of the document it answers (empty answer). The request
    must be signed by the sending unit (``Sohoa-Signature``, checked against the peer's
    registered certificate; 401 naming the problem otherwise, nothing stored), and the
    message must be from that unit and addressed to the one the request names (401
    otherwise); the answer is signed by the unit addressed."""
    caller = authenticate_delivery(runtime, request.headers, body,
                                   address=request.client.host if request.client else None)
    receipt = receive(runtime, session, body, caller)
    headers = {"x-sohoa-duplicate": "1"} if receipt.duplicate else {}
    headers.update(sign_answer(runtime, session, caller, status=200, body=receipt.answer))
    return Response(receipt.answer, media_type="application/xml", headers=headers)


def _outbox_json(session: SessionDep, row: ExchangeOutboxMessage) -> dict[str, Any]:
    return {"id": row.id, "document_id": row.document_id,
            "message_document_id": row.message_document_id, "to": row.recipient,
            "state": row.state, "attempts": row.attempts, "last_error": row.last_error,
            "status": row.status_code, "created_at": row.created_at.isoformat(),
            "delivered_at": row.delivered_at.isoformat() if row.delivered_at else None,
            "kind": row.kind, "refers_to": row.refers_to or None, "reason": row.reason or None,
            "trail": [{"code": event.code, "description": event.description,
                       "stated_at": event.stated_at.isoformat() if event.stated_at else None,
                       "received_at": event.received_at.isoformat()}
                      for event in status_trail(session, row.id)]}


@router.post("/send", status_code=202, summary="Send a signed document to other units")
def send(payload: SendIn, user: UserDep, session: SessionDep,
         runtime: RuntimeDep) -> list[dict[str, Any]]:
    """One message per recipient, signed now by the unit's key, queued for delivery."""
    rows = send_document(session, runtime.store, runtime.queue,
                         runtime.settings.key_file_sealer(), user, payload.document_id,
                         payload.to, payload.pin, now=vietnam_now())
    return [_outbox_json(session, row) for row in rows]


@router.get("/outbox", summary="Documents sent, with each recipient's status trail")
def outbox(user: UserDep, session: SessionDep, runtime: RuntimeDep) -> list[dict[str, Any]]:
    """Newest first; ``trail`` holds the statuses answered, with their times;
    ``deadlines`` when 01 and 03 are due by the message's priority, ``overdue`` (and
    ``overdue_codes``) whether one of them has not come in time."""
    rules, now = runtime.settings.exchange_deadlines(), datetime.now(UTC)
    return [{**_outbox_json(session, row),
             **outbox_timeliness(runtime.store, rules, row, now=now).to_json()}
            for row in outbox_messages(session, user)]


@router.get("/inbox", summary="Documents that arrived, with the verdict on arrival")
def inbox(user: UserDep, session: SessionDep, runtime: RuntimeDep,
          history: bool = False) -> list[dict[str, Any]]:
    """Newest first; ``reasons`` says why a message was refused (status 02); ``deadlines``
    and ``overdue`` as in the outbox, from the message's arrival. Documents their sender
    withdrew (15) are listed only with ``history=true`` (``withdrawn_at`` set)."""
    rules, now = runtime.settings.exchange_deadlines(), datetime.now(UTC)
    return [{**inbox_timeliness(runtime.store, rules, row, now=now).to_json(),
             "id": row.id, "from": {"organ_id": row.sender, "name": row.sender_name},
             "message_document_id": row.message_document_id, "subject": row.subject,
             "accepted": row.accepted, "reasons": row.reasons.get("codes", []),
             "document_id": row.document_id, "entry_id": row.entry_id,
             "status": row.status_code, "received_at": row.received_at.isoformat(),
             "withdrawn_at": row.withdrawn_at.isoformat() if row.withdrawn_at else None}
            for row in inbox_messages(session, user, history=history)]


class RevokeIn(BaseModel):
    """Why the sent document is revoked, and the unit key's PIN."""

    reason: str = Field(min_length=1, max_length=2000)
    pin: str = Field(max_length=256)


class ReplaceIn(BaseModel):
    """The signed document that replaces (3) or updates (2) the sent one, why, the PIN."""

    document_id: BodyId
    reason: str = Field(min_length=1, max_length=2000)
    pin: str = Field(max_length=256)
    business: int = Field(default=3, ge=2, le=3, description="2 update, 3 replace")


class DecisionIn(BaseModel):
    """The records office's decision on a revocation/update/replacement; refusing needs
    a reason (it travels with status 16)."""

    accept: bool
    reason: str = Field(default="", max_length=2000)


@router.post("/outbox/{outbox_id}/revoke", status_code=202,
             summary="Revoke a sent document (business 1)")
def revoke(outbox_id: Id, payload: RevokeIn, user: UserDep, session: SessionDep,
           runtime: RuntimeDep) -> dict[str, Any]:
    """The revocation is signed by the unit's key and queued to the same recipient; its
    answer (15 accepted, 16 refused with a reason) joins the recipient's trail."""
    row = revoke_sent(session, runtime.store, runtime.queue,
                      runtime.settings.key_file_sealer(), user, outbox_id, payload.reason,
                      payload.pin, now=vietnam_now())
    return _outbox_json(session, row)


@router.post("/outbox/{outbox_id}/replace", status_code=202,
             summary="Send a replacement (3) or an update (2) of a sent document")
def replace(outbox_id: Id, payload: ReplaceIn, user: UserDep, session: SessionDep,
            runtime: RuntimeDep) -> dict[str, Any]:
    """The new signed document goes to the same recipient naming the earlier one."""
    row = replace_sent(session, runtime.store, runtime.queue,
                       runtime.settings.key_file_sealer(), user, outbox_id,
                       payload.document_id, payload.reason, payload.pin, now=vietnam_now(),
                       business=payload.business)
    return _outbox_json(session, row)


def _request_json(row: ExchangeRequest) -> dict[str, Any]:
    return {"id": row.id, "business": row.business,
            "from": {"organ_id": row.sender, "name": row.sender_name},
            "message_document_id": row.message_document_id,
            "target_document_id": row.target_document_id, "reason": row.reason,
            "state": row.state, "decision_reason": row.decision_reason or None,
            "inbox_id": row.inbox_id, "new_inbox_id": row.new_inbox_id,
            "received_at": row.received_at.isoformat(),
            "decided_at": row.decided_at.isoformat() if row.decided_at else None}


@router.get("/requests", summary="Revocations, updates, replacements that arrived")
def requests(user: UserDep, session: SessionDep) -> list[dict[str, Any]]:
    """Waiting ones first (``state`` pending), then the decided ones, newest first."""
    return [_request_json(row) for row in exchange_requests(session, user)]


@router.post("/requests/{request_id}/decision",
             summary="Accept (15) or refuse (16, with a reason) a revocation")
def decide(request_id: Id, payload: DecisionIn, user: UserDep, session: SessionDep,
           runtime: RuntimeDep) -> dict[str, Any]:
    """The answer is signed by the unit's key and queued to the sender."""
    row = decide_request(session, runtime.store, runtime.queue, inbox_setup(runtime), user,
                         request_id, accept=payload.accept, reason=payload.reason,
                         now=vietnam_now())
    return _request_json(row)
