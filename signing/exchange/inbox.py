"""The inbox: a message arrives, its sender is identified among the known parties, its
XMLDSig is checked against the sender's registered certificate, each attachment's hash
and each signed PDF are checked; the document is kept and registered, and the sender is
answered (``01`` at once, then ``03``/``04``; or ``02`` with the reasons). Receipt is
idempotent by (unit, sender, DocumentId): a duplicate gets the first answer again."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.intake import store_original
from signing.edxml import dsig
from signing.edxml.model import Message
from signing.edxml.parse import hardened_parser, parse_xml, read_message
from signing.exchange.answers import answer_sender, mark_answered
from signing.exchange.outbox import queue_message
from signing.exchange.request_auth import Caller, check_message_parties
from signing.exchange.statuses import (
    DOCUMENT_KINDS,
    REQUEST_ANSWERS,
    record_request_answer,
    record_status,
    status_message,
)
from signing.exchange_parties import party_certificate
from signing.incoming import VerifySetup, check_pdf
from signing.keystore import KeyFileSealer
from signing.registers.entries import IncomingFields, register_incoming
from storage.accounts import CurrentUser
from storage.errors import BadInputError, ConflictError, PermissionDeniedError, SohoaError
from storage.jobs import JobQueue
from storage.objects import ObjectStore
from storage.orphans import put_object
from storage.records import AuditAction, FileRole, append_audit
from storage.records.files import store_document_file
from storage.records.models import (
    ExchangeInboxMessage,
    ExchangeOutboxMessage,
    Unit,
    User,
)
from storage.records.vocabulary import EntrySource, Urgency, UserRole

_URGENCY = {0: Urgency.thuong, 1: Urgency.khan, 2: Urgency.thuong_khan, 3: Urgency.hoa_toc,
            4: Urgency.hoa_toc}
REASONS = {
    "unknown_sender": "Nơi gửi không có trong danh bạ / unknown sender",
    "bad_message_signature": "Chữ ký số của gói tin không hợp lệ / bad message signature",
    "tampered_attachment": "Nội dung hoặc tệp đính kèm bị thay đổi sau khi ký / "
                           "tampered attachment",
    "invalid_pdf_signature": "Chữ ký số trên văn bản PDF không hợp lệ / invalid PDF "
                             "signature",
}


@dataclass(frozen=True)
class InboxSetup:
    """What receiving needs besides the records."""

    sealer: KeyFileSealer
    verify: VerifySetup
    max_bytes: int


@dataclass(frozen=True)
class Receipt:
    """The answer to a delivered message: a signed status message (or empty for a status
    message taken in) and whether it repeats an earlier delivery."""

    answer: bytes
    duplicate: bool = False


def receive_message(session: Session, store: ObjectStore, queue: JobQueue, data: bytes,
                    setup: InboxSetup, *, now: datetime, caller: Caller | None = None
                    ) -> Receipt:
    """Take in a delivered edXML message: a status message is added to the trail of the
    document it answers; a revocation, update or replacement waits for the records
    office's decision (:mod:`signing.exchange.revocation`); a document message is
    verified, kept, registered and answered. A message delivered by a signed request
    (``caller``) must be from the party that signed it and to the unit it was signed for
    (:class:`~signing.exchange.request_auth.RequestAuthError` before anything is kept)."""
    message = read_message(data, source="message", max_bytes=setup.max_bytes)
    addressed = [organ.organ_id for organ in message.receivers if organ.organ_id]
    if not addressed and message.response_for and message.response_for.organ_id:
        addressed = [message.response_for.organ_id]  # a status message answers its sender
    check_message_parties(caller, message.sender.organ_id, addressed)
    if message.kind == "status":
        take_status(session, data, max_bytes=setup.max_bytes)
        return Receipt(b"")
    if message.business.type != 0:
        # the revocation workflow builds on this module's checks, hence imported here
        from signing.exchange.revocation import receive_request

        return receive_request(session, store, data, message, setup, now=now)
    unit = addressee(session, message)
    earlier = session.scalar(select(ExchangeInboxMessage).where(
        ExchangeInboxMessage.unit_id == unit.id,
        ExchangeInboxMessage.sender == (message.sender.organ_id or ""),
        ExchangeInboxMessage.message_document_id == (message.document_id or "")))
    if earlier is not None:
        with store.open(earlier.answer_key) as stream:
            return Receipt(stream.read(), duplicate=True)
    _, answer = take_document(session, store, queue, data, message, setup, unit, now=now)
    return Receipt(answer)


def take_document(session: Session, store: ObjectStore, queue: JobQueue, data: bytes,
                  message: Message, setup: InboxSetup, unit: Unit, *, now: datetime,
                  queue_answer: bool = False) -> tuple[ExchangeInboxMessage, bytes]:
    """Verify a document message for ``unit``, keep it, register it when accepted (03/04
    queued to its sender) and give the signed ``01``/``02`` answer; ``queue_answer``
    queues that answer too, first (a replacement taken in once its decision is made)."""
    sender = message.sender.organ_id or ""
    document_id = message.document_id or ""
    reasons, checked = check_message(session, data, message, setup)
    accepted = not reasons
    answer = status_message(session, store, setup.sealer, unit, to=sender,
                            document_id=document_id, code="01" if accepted else "02",
                            description=None if accepted else "; ".join(
                                REASONS[code] for code in reasons), now=now)
    kept = put_object(session, store, f"exchange/inbox/{unit.id}", io.BytesIO(data),
                      suffix=".edxml", content_type="application/xml")
    answered = put_object(session, store, f"exchange/answers/{unit.id}", io.BytesIO(answer),
                          suffix=".edxml", content_type="application/xml")
    row = ExchangeInboxMessage(
        unit_id=unit.id, sender=sender, sender_name=message.sender.name or "",
        message_document_id=document_id, subject=message.subject or "",
        object_key=kept.key, accepted=accepted,
        reasons={"codes": reasons, "attachments": checked},
        status_code="01" if accepted else "02", answer_key=answered.key)
    session.add(row)
    session.flush()
    append_audit(session, actor="exchange", action=AuditAction.exchange_message_received,
                 subject_type="exchange_inbox", subject_id=row.id,
                 details={"sender": sender, "document_id": document_id,
                          "accepted": accepted, "reasons": reasons})
    if queue_answer:
        queue_message(session, store, queue, unit, kind="status", recipient=sender,
                      data=answer, message_document_id=document_id)
    if accepted:
        _keep_and_register(session, store, queue, setup, unit, row, message, checked, now)
    return row, answer


def addressee(session: Session, message: Message) -> Unit:
    """The unit of this installation the message is addressed to."""
    for organ in message.receivers:
        if organ.organ_id:
            unit = session.scalar(select(Unit).where(Unit.organ_id == organ.organ_id))
            if unit is not None:
                return unit
    raise BadInputError("the message is not addressed to a unit of this installation",
                        subject=message.document_id or "message")


def check_message(session: Session, data: bytes, message: Message,
                  setup: InboxSetup) -> tuple[list[str], list[dict[str, Any]]]:
    """The refusal reasons (empty: accepted) and each attachment's hash and verdict: the
    sender known, the message's XMLDSig by its registered certificate, each PDF valid."""
    certificate = party_certificate(session, message.sender.organ_id or "")
    if certificate is None:
        return ["unknown_sender"], []
    root = parse_xml(data, source="message", max_bytes=setup.max_bytes)
    signature = dsig.verify(root, hardened_parser(), expected=certificate)
    if not signature.valid:
        digest = "digest" in (signature.problem or "").lower()
        return ["tampered_attachment" if digest else "bad_message_signature"], []
    checked: list[dict[str, Any]] = []
    reasons: list[str] = []
    for item in message.attachments:
        entry: dict[str, Any] = {"name": item.name, "sha256": item.sha256, "size": item.size}
        if item.content_type == "application/pdf" or item.name.lower().endswith(".pdf"):
            try:
                report = check_pdf(item.data, item.name, setup.verify)
                entry["valid"], entry["report"] = report.valid, report.to_json()
            except SohoaError as error:
                entry["valid"], entry["problem"] = False, error.message
            if not entry["valid"] and "invalid_pdf_signature" not in reasons:
                reasons.append("invalid_pdf_signature")
        checked.append(entry)
    return reasons, checked


def _clerk(session: Session, unit: Unit) -> CurrentUser | None:
    """The records office of ``unit`` the registration is made in the name of."""
    for role in (UserRole.clerk, UserRole.admin):
        user = session.scalar(select(User).where(User.unit_id == unit.id, User.role == role,
                                                 User.active.is_(True)).order_by(User.id))
        if user is not None:
            return CurrentUser(id=user.id, username=f"exchange ({user.username})",
                               role=UserRole.clerk, unit_id=unit.id,
                               visible_unit_ids=frozenset({unit.id}))
    return None


def _fields(message: Message) -> IncomingFields:
    sender = message.sender.name or message.sender.organ_id or ""
    return IncomingFields(
        sender=sender, issuing_agency=sender, symbol=message.code.joined(),
        doc_type=message.doc_type.name or "", summary=message.subject or "(không có trích yếu)",
        signer=message.signer.full_name or "", issued_on=message.promulgation.date,
        urgency=_URGENCY.get(message.priority or 0, Urgency.thuong),
        due_date=message.due_date, paper_copy=message.business.paper)


def _keep_and_register(session: Session, store: ObjectStore, queue: JobQueue,
                       setup: InboxSetup, unit: Unit, row: ExchangeInboxMessage,
                       message: Message, checked: list[dict[str, Any]],
                       now: datetime) -> None:
    """Keep the first PDF as the unit's document with its report, register it, and queue
    the answers 03 (registered) and 04 (awaiting assignment) to the sender."""
    pdfs = [(item, entry) for item, entry in zip(message.attachments, checked, strict=True)
            if "report" in entry]
    if not pdfs:
        return
    item, entry = pdfs[0]
    stored = store_original(session, store, dossier=None, filename=item.name,
                            stream=io.BytesIO(item.data), actor="exchange", user_id=None,
                            unit_id=unit.id)
    document = stored.document
    row.document_id = document.id
    body = json.dumps(entry["report"], ensure_ascii=False).encode("utf-8")
    store_document_file(session, store, document, FileRole.verification, io.BytesIO(body),
                        suffix=".json", media_type="application/json")
    clerk = _clerk(session, unit)
    if clerk is None:
        return
    try:
        register = register_incoming(session, clerk, _fields(message),
                                     source=EntrySource.exchange, document=document)
    except ConflictError:
        return
    row.entry_id = register.id
    for code in ("03", "04"):
        answer_sender(session, store, queue, setup.sealer, unit, row, code, now=now)
    mark_answered(session, register.id)


def take_status(session: Session, data: bytes, *, max_bytes: int) -> bool:
    """Record a status message answering a document sent from here, once its signature
    is checked against the answering party's registered certificate; False when it is
    ignored (unknown document, or out of order)."""
    message = read_message(data, source="status message", max_bytes=max_bytes)
    party = message.sender.organ_id or ""
    certificate = party_certificate(session, party)
    if certificate is None:
        raise PermissionDeniedError("a status message from an unknown party", subject=party)
    signature = dsig.verify(parse_xml(data, source="status message", max_bytes=max_bytes),
                            hardened_parser(), expected=certificate)
    if not signature.valid or message.status is None or message.response_for is None:
        raise PermissionDeniedError("the status message's signature is not valid",
                                    subject=party)
    if message.status.code in REQUEST_ANSWERS:
        return record_request_answer(session, party, message.response_for.document_id or "",
                                     message.status)
    outbox = session.scalar(select(ExchangeOutboxMessage).where(
        ExchangeOutboxMessage.kind.in_(DOCUMENT_KINDS), ExchangeOutboxMessage.recipient == party,
        ExchangeOutboxMessage.message_document_id == message.response_for.document_id)
        .order_by(ExchangeOutboxMessage.id.desc()))
    if outbox is None:
        return False
    return record_status(session, outbox, message.status)


def inbox_messages(session: Session, user: CurrentUser, *, limit: int = 100,
                   history: bool = False) -> list[ExchangeInboxMessage]:
    """The messages that arrived for the user's units, newest first; those withdrawn by
    their sender (revoked or replaced, 15) only with ``history``."""
    query = select(ExchangeInboxMessage).where(
        ExchangeInboxMessage.unit_id.in_(user.visible_unit_ids))
    if not history:
        query = query.where(ExchangeInboxMessage.withdrawn_at.is_(None))
    return list(session.scalars(query.order_by(ExchangeInboxMessage.id.desc()).limit(limit)))
