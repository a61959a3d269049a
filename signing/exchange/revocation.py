"""Revoke, update, replace between units (issue 15 part 6).

The sender's records office revokes a document it sent to a party (business 1, with a
reason), or sends an update (2) or a replacement (3) of it: a new signed document whose
``ResponseFor`` and ``ReplacementInfo`` name the earlier DocumentId. A revocation repeats
the earlier DocumentId and its header, without the attachment.

The receiver keeps such a request waiting for its records office's decision when it holds
the document from that sender: accepted, the sender is answered ``15``, the document is
withdrawn from the inbox (kept for history) and its register entry marked revoked or
replaced (for an update or replacement the new document is received and registered like
a new one); refused, ``16`` with the clerk's reason. A request about a document this unit
never received from that sender (or from another sender), from an unknown party or with a
bad signature, or about a document already withdrawn, is answered ``16`` at once with the
reason. The same request delivered again gets the same answer (empty while it waits).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import unicodedata
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.edxml.model import Business, Message, Replacement, ResponseFor
from signing.edxml.outgoing import unsigned_document_message
from signing.edxml.parse import read_message
from signing.edxml.write import write_message
from signing.exchange.inbox import (
    REASONS,
    InboxSetup,
    Receipt,
    addressee,
    check_message,
    take_document,
)
from signing.exchange.outbox import SENDER_ROLES, queue_message
from signing.exchange.statuses import (
    DESCRIPTIONS,
    DOCUMENT_KINDS,
    REFUSED,
    REQUEST_ACCEPTED,
    REQUEST_REFUSED,
    status_message,
    status_trail,
)
from signing.exchange_parties import unlock_exchange_key
from signing.keystore import KeyFileSealer
from storage.accounts import CurrentUser
from storage.errors import BadInputError, ConflictError, NotFoundError, PermissionDeniedError
from storage.jobs import JobQueue
from storage.objects import ObjectStore
from storage.orphans import put_object
from storage.records import AuditAction, Document, append_audit, utcnow
from storage.records.models import (
    ExchangeInboxMessage,
    ExchangeOutboxMessage,
    ExchangeRequest,
    RegisterEntry,
    RegisterEvent,
    Unit,
)
from storage.records.vocabulary import EntryState, RegisterEventKind

REVOKE, UPDATE, REPLACE = 1, 2, 3
KINDS = {REVOKE: "revoke", UPDATE: "update", REPLACE: "replace"}
"""The outbox kind of each business type."""
MAX_REASON = 2000
REQUEST_REASONS = {
    **REASONS,
    "no_reference": "Gói tin không chỉ ra văn bản cần thu hồi / thay thế / the message "
                    "does not name the document it is about",
    "not_received": "Đơn vị chưa nhận văn bản này từ nơi gửi / this unit never received "
                    "the document from this sender",
    "other_sender": "Văn bản do đơn vị khác gửi, không phải nơi đề nghị / the document was "
                    "sent by another party",
    "already_withdrawn": "Văn bản đã được thu hồi hoặc thay thế / the document was already "
                         "withdrawn or replaced",
}
"""Why a request is refused automatically (16), in both languages as the answer says."""


def _reason(text: str) -> str:
    reason = unicodedata.normalize("NFC", text or "").strip()
    if not reason:
        raise BadInputError("a reason is required", subject="reason")
    if len(reason) > MAX_REASON:
        raise BadInputError(f"the reason is longer than {MAX_REASON} characters",
                            subject="reason")
    return reason


# --- the sender ---------------------------------------------------------------------------


def _sent_original(session: Session, user: CurrentUser,
                   outbox_id: int) -> tuple[ExchangeOutboxMessage, Unit]:
    """The delivered document message ``outbox_id`` the user's records office may act
    on (not refused, not already withdrawn) and its unit."""
    if user.role not in SENDER_ROLES:
        raise PermissionDeniedError("only the records office revokes or replaces documents")
    row = session.get(ExchangeOutboxMessage, outbox_id)
    if row is None or row.kind not in DOCUMENT_KINDS or not user.can_see_unit(row.unit_id):
        raise NotFoundError("no such sent document", subject=f"message {outbox_id}")
    subject = f"message {outbox_id}"
    if row.state != "delivered":
        raise ConflictError("is not delivered yet: nothing to revoke or replace there",
                            subject=subject)
    trail = [event.code for event in status_trail(session, row.id)]
    if REFUSED in trail or REQUEST_ACCEPTED in trail:
        raise ConflictError("was refused or already withdrawn by its recipient",
                            subject=subject)
    unit = session.get(Unit, row.unit_id)
    assert unit is not None
    return row, unit


def _queue_request(session: Session, store: ObjectStore, queue: JobQueue, user: CurrentUser,
                   unit: Unit, original: ExchangeOutboxMessage, kind: int, data: bytes,
                   message_document_id: str, reason: str,
                   document_id: int | None) -> ExchangeOutboxMessage:
    row = queue_message(session, store, queue, unit, kind=KINDS[kind],
                        recipient=original.recipient, data=data,
                        message_document_id=message_document_id, document_id=document_id)
    row.refers_to, row.reason = original.message_document_id, reason
    session.flush()
    append_audit(session, actor=user.username, action=AuditAction.exchange_revocation_sent,
                 subject_type="exchange_outbox", subject_id=original.id,
                 details={"business": kind, "to": original.recipient, "outbox": row.id,
                          "refers_to": original.message_document_id, "reason": reason,
                          "document_id": document_id})
    return row


def revoke_sent(session: Session, store: ObjectStore, queue: JobQueue, sealer: KeyFileSealer,
                user: CurrentUser, outbox_id: int, reason: str, pin: str, *,
                now: datetime) -> ExchangeOutboxMessage:
    """Revoke the document sent as outbox message ``outbox_id`` (business 1): its header
    again, without the attachment, with the reason and ``ResponseFor`` naming it, signed
    by the unit's key (the clerk gives its PIN) and queued to the same recipient. The
    answer (15 or 16) joins that recipient's trail."""
    text = _reason(reason)
    original, unit = _sent_original(session, user, outbox_id)
    with store.open(original.object_key) as stream:
        earlier = read_message(stream.read(), source="sent message",
                               max_bytes=64 * 1024 * 1024)
    key = unlock_exchange_key(session, store, sealer, unit, pin)
    message = dataclasses.replace(
        earlier, business=Business(REVOKE, text, earlier.business.paper), traces=(),
        attachments=(), response_for=ResponseFor(
            unit.organ_id, original.message_document_id, earlier.code.joined() or None,
            earlier.promulgation.date))
    data = write_message(message, key.private_key, key.certificate, now=now, chain=key.chain)
    return _queue_request(session, store, queue, user, unit, original, REVOKE, data,
                          original.message_document_id, text, original.document_id)


def replace_sent(session: Session, store: ObjectStore, queue: JobQueue, sealer: KeyFileSealer,
                 user: CurrentUser, outbox_id: int, document_id: int, reason: str, pin: str,
                 *, now: datetime, business: int = REPLACE) -> ExchangeOutboxMessage:
    """Send signed document ``document_id`` as the replacement (business 3) or update (2)
    of the document sent as outbox message ``outbox_id``, to the same recipient: its
    ``ResponseFor`` and ``ReplacementInfo`` name the earlier DocumentId. The new document
    needs a DocumentId of its own (its own number)."""
    if business not in (UPDATE, REPLACE):
        raise BadInputError("business must be 2 (update) or 3 (replace)", subject="business")
    text = _reason(reason)
    original, unit = _sent_original(session, user, outbox_id)
    document = session.get(Document, document_id)
    if document is None or not user.can_see_unit(document.unit_id) \
            or document.unit_id != unit.id:
        raise NotFoundError("no such document", subject=f"document {document_id}")
    message, key = unsigned_document_message(session, store, sealer, document_id,
                                             [original.recipient], pin, now=now)
    if message.document_id == original.message_document_id:
        raise BadInputError("the new document has the same DocumentId as the one it "
                            "replaces: give it its own number", subject="document_id")
    message = dataclasses.replace(
        message, business=Business(business, text, replacements=(
            Replacement(original.message_document_id, (original.recipient,)),)),
        response_for=ResponseFor(unit.organ_id, original.message_document_id, None))
    data = write_message(message, key.private_key, key.certificate, now=now, chain=key.chain)
    return _queue_request(session, store, queue, user, unit, original, business, data,
                          message.document_id or "", text, document_id)


# --- the receiver -------------------------------------------------------------------------


def request_target(message: Message) -> str:
    """The DocumentId a revocation, update or replacement is about ("" when none)."""
    if message.business.type == REVOKE:
        found = (message.response_for.document_id if message.response_for else None) \
            or message.document_id
    else:
        found = (message.business.replacements[0].document_id
                 if message.business.replacements else None) \
            or (message.response_for.document_id if message.response_for else None)
    return found or ""


def _fingerprint(message: Message, target: str) -> str:
    text = "|".join((str(message.business.type), message.document_id or "", target,
                     message.business.reason or ""))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _held(session: Session, unit: Unit, sender: str,
          target: str) -> tuple[ExchangeInboxMessage | None, list[str]]:
    """The accepted inbox message ``target`` from ``sender``, or why there is none."""
    held = session.scalar(select(ExchangeInboxMessage).where(
        ExchangeInboxMessage.unit_id == unit.id, ExchangeInboxMessage.sender == sender,
        ExchangeInboxMessage.message_document_id == target,
        ExchangeInboxMessage.accepted.is_(True)))
    if held is not None:
        return held, ["already_withdrawn"] if held.withdrawn_at is not None else []
    elsewhere = session.scalar(select(ExchangeInboxMessage.id).where(
        ExchangeInboxMessage.unit_id == unit.id,
        ExchangeInboxMessage.message_document_id == target,
        ExchangeInboxMessage.accepted.is_(True)).limit(1))
    return None, ["other_sender" if elsewhere is not None else "not_received"]


def receive_request(session: Session, store: ObjectStore, data: bytes, message: Message,
                    setup: InboxSetup, *, now: datetime) -> Receipt:
    """Take in a revocation, update or replacement for a unit here: refused at once with
    ``16`` and the reasons (unknown sender, bad signature, invalid PDF, a document not
    held from that sender, already withdrawn), else kept waiting for the records office
    (an empty answer). A repeated delivery gets the first answer again."""
    unit = addressee(session, message)
    sender = message.sender.organ_id or ""
    target = request_target(message)
    fingerprint = _fingerprint(message, target)
    earlier = session.scalar(select(ExchangeRequest).where(
        ExchangeRequest.unit_id == unit.id, ExchangeRequest.sender == sender,
        ExchangeRequest.fingerprint == fingerprint))
    if earlier is not None:
        if not earlier.answer_key:
            return Receipt(b"", duplicate=True)
        with store.open(earlier.answer_key) as stream:
            return Receipt(stream.read(), duplicate=True)
    reasons, _ = check_message(session, data, message, setup)
    held: ExchangeInboxMessage | None = None
    if not target:
        reasons.append("no_reference")
    elif not reasons:
        held, reasons = _held(session, unit, sender, target)
    kept = put_object(session, store, f"exchange/requests/{unit.id}", io.BytesIO(data),
                      suffix=".edxml", content_type="application/xml")
    row = ExchangeRequest(
        unit_id=unit.id, sender=sender, sender_name=message.sender.name or "",
        business=message.business.type, message_document_id=message.document_id or "",
        target_document_id=target, reason=(message.business.reason or "")[:MAX_REASON],
        fingerprint=fingerprint, object_key=kept.key,
        inbox_id=None if held is None else held.id, state="pending", decision_reason="",
        answer_key="")
    session.add(row)
    session.flush()
    append_audit(session, actor="exchange", action=AuditAction.exchange_request_received,
                 subject_type="exchange_request", subject_id=row.id,
                 details={"sender": sender, "business": row.business, "target": target,
                          "reason": row.reason, "refused": reasons})
    if not reasons:
        return Receipt(b"")
    description = "; ".join(REQUEST_REASONS[code] for code in reasons)
    answer = status_message(session, store, setup.sealer, unit, to=sender,
                            document_id=target or row.message_document_id,
                            code=REQUEST_REFUSED, description=description, now=now)
    answered = put_object(session, store, f"exchange/answers/{unit.id}", io.BytesIO(answer),
                          suffix=".edxml", content_type="application/xml")
    row.state, row.decision_reason = "refused", description
    row.answer_key, row.decided_at = answered.key, utcnow()
    session.flush()
    return Receipt(answer)


def exchange_requests(session: Session, user: CurrentUser, *,
                      limit: int = 100) -> list[ExchangeRequest]:
    """The requests that arrived for the user's units: waiting ones first, then newest."""
    return list(session.scalars(select(ExchangeRequest).where(
        ExchangeRequest.unit_id.in_(user.visible_unit_ids)).order_by(
        (ExchangeRequest.state == "pending").desc(), ExchangeRequest.id.desc()).limit(limit)))


def _withdraw(session: Session, user: CurrentUser, held: ExchangeInboxMessage,
              request: ExchangeRequest, replacement: ExchangeInboxMessage | None) -> None:
    """Withdraw the held document from the inbox (kept) and mark its register entry."""
    held.withdrawn_at, held.status_code = utcnow(), REQUEST_ACCEPTED
    entry = None if held.entry_id is None else session.get(RegisterEntry, held.entry_id)
    if entry is None:
        return
    replaced = request.business != REVOKE
    entry.state = EntryState.replaced if replaced else EntryState.revoked
    details: dict[str, object] = {"reason": request.reason, "request": request.id,
                                  "business": request.business}
    if replacement is not None:
        details["by_entry"] = replacement.entry_id
    session.add(RegisterEvent(entry_id=entry.id, actor_id=user.id, details=details,
                              kind=RegisterEventKind.replaced if replaced
                              else RegisterEventKind.revoked))


def decide_request(session: Session, store: ObjectStore, queue: JobQueue, setup: InboxSetup,
                   user: CurrentUser, request_id: int, *, accept: bool, reason: str = "",
                   now: datetime) -> ExchangeRequest:
    """The records office's decision on a waiting request. Accepted: the document is
    withdrawn from the inbox (kept for history), its register entry marked revoked or
    replaced, an update's or replacement's new document received and registered like a
    new one, and the sender answered ``15``. Refused: ``16`` with ``reason`` (required).
    Signed by the unit's key without a person present; audited."""
    if user.role not in SENDER_ROLES:
        raise PermissionDeniedError("only the records office decides on a revocation")
    row = session.get(ExchangeRequest, request_id)
    if row is None or not user.can_see_unit(row.unit_id):
        raise NotFoundError("no such request", subject=f"request {request_id}")
    if row.state != "pending":
        raise ConflictError(f"was already {row.state}", subject=f"request {request_id}")
    unit = session.get(Unit, row.unit_id)
    assert unit is not None
    text = unicodedata.normalize("NFC", reason or "").strip()[:MAX_REASON]
    if accept:
        held = None if row.inbox_id is None else session.get(ExchangeInboxMessage,
                                                             row.inbox_id)
        if held is None or held.withdrawn_at is not None:
            raise ConflictError("the document is no longer held (withdrawn or deleted)",
                                subject=f"request {request_id}")
        replacement = None
        if row.business != REVOKE:
            replacement = _take_replacement(session, store, queue, setup, unit, row, now)
            row.new_inbox_id = replacement.id
        _withdraw(session, user, held, row, replacement)
        code, description = REQUEST_ACCEPTED, DESCRIPTIONS[REQUEST_ACCEPTED] + (
            f": {text}" if text else "")
    else:
        text = _reason(reason)
        code, description = REQUEST_REFUSED, text
    answer = status_message(session, store, setup.sealer, unit, to=row.sender,
                            document_id=row.target_document_id, code=code,
                            description=description, now=now)
    queued = queue_message(session, store, queue, unit, kind="status", recipient=row.sender,
                           data=answer, message_document_id=row.target_document_id)
    row.state = "accepted" if accept else "refused"
    row.decision_reason, row.answer_key = text, queued.object_key
    row.decided_by_id, row.decided_at = user.id, utcnow()
    session.flush()
    append_audit(session, actor=user.username, action=AuditAction.exchange_request_decided,
                 subject_type="exchange_request", subject_id=row.id,
                 details={"accepted": accept, "code": code, "reason": text,
                          "business": row.business, "target": row.target_document_id,
                          "inbox": row.inbox_id, "new_inbox": row.new_inbox_id})
    return row


def _take_replacement(session: Session, store: ObjectStore, queue: JobQueue,
                      setup: InboxSetup, unit: Unit, row: ExchangeRequest,
                      now: datetime) -> ExchangeInboxMessage:
    """The update's or replacement's new document, received like a new one (01 queued,
    then 03/04 once registered); the one taken in already if it was."""
    earlier = session.scalar(select(ExchangeInboxMessage).where(
        ExchangeInboxMessage.unit_id == unit.id, ExchangeInboxMessage.sender == row.sender,
        ExchangeInboxMessage.message_document_id == row.message_document_id))
    if earlier is not None:
        return earlier
    with store.open(row.object_key) as stream:
        data = stream.read()
    message = read_message(data, source="request", max_bytes=setup.max_bytes)
    taken, _ = take_document(session, store, queue, data, message, setup, unit, now=now,
                             queue_answer=True)
    if not taken.accepted:
        raise ConflictError("the new document no longer passes the checks on arrival",
                            subject=f"request {row.id}")
    return taken

