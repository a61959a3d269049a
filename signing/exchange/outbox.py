"""The outbox: a signed message per recipient kept durably (bytes in the object store,
a row in the database) and delivered by a job that is tried again with back-off until the
recipient takes it (at least once; the receiver ignores a duplicate)."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.edxml.outgoing import document_message
from signing.edxml.parse import parse_xml
from signing.exchange.request_auth import DEFAULT_WINDOW_SECONDS, request_credentials
from signing.exchange.transport import (
    Delivery,
    DeliveryRefusedError,
    Destination,
    Transports,
)
from signing.keystore import KeyFileSealer
from storage.accounts import CurrentUser
from storage.errors import BadInputError, NotFoundError, PermissionDeniedError, SohoaError
from storage.jobs import JobQueue, RunningJob, SessionFactory, request_job
from storage.objects import ObjectStore
from storage.orphans import put_object
from storage.records import AuditAction, Document, append_audit, utcnow
from storage.records.models import ExchangeOutboxMessage, ExchangePeer, Unit
from storage.records.vocabulary import JobKind, UserRole

SENDER_ROLES = frozenset({UserRole.clerk, UserRole.admin})


def delivery_job_id(outbox_id: int) -> str:
    """The job delivering outbox message ``outbox_id``."""
    return f"exchange-delivery-{outbox_id}"


def _message_document_id(data: bytes) -> str:
    root = parse_xml(data, source="outgoing message", max_bytes=len(data) + 1)
    found = root.xpath("//*[local-name()='Bussiness']/*[local-name()='DocumentId']/text()")
    return str(found[0]).strip() if found else ""


def queue_message(session: Session, store: ObjectStore, queue: JobQueue, unit: Unit, *,
                  kind: str, recipient: str, data: bytes, message_document_id: str,
                  document_id: int | None = None) -> ExchangeOutboxMessage:
    """Keep the signed ``data`` for ``recipient`` and queue its delivery."""
    info = put_object(session, store, f"exchange/outbox/{unit.id}", io.BytesIO(data),
                      suffix=".edxml", content_type="application/xml")
    row = ExchangeOutboxMessage(unit_id=unit.id, kind=kind, document_id=document_id,
                                message_document_id=message_document_id,
                                recipient=recipient, object_key=info.key, state="pending",
                                attempts=0, last_error="")
    session.add(row)
    session.flush()
    request_job(session, queue, JobKind.exchange_delivery, delivery_job_id(row.id),
                (row.id,), unit_id=unit.id, document_id=document_id)
    return row


def send_document(session: Session, store: ObjectStore, queue: JobQueue,
                  sealer: KeyFileSealer, user: CurrentUser, document_id: int,
                  to_organ_ids: list[str], pin: str, *,
                  now: datetime) -> list[ExchangeOutboxMessage]:
    """Send a signed document to each party of ``to_organ_ids``: one message per
    recipient, signed now by the document's unit's key (the clerk gives its PIN), kept in
    the outbox and queued for delivery."""
    if user.role not in SENDER_ROLES:
        raise PermissionDeniedError("only the records office sends documents")
    document = session.get(Document, document_id)
    if document is None or not user.can_see_unit(document.unit_id):
        raise NotFoundError("no such document", subject=f"document {document_id}")
    recipients = list(dict.fromkeys(item.strip() for item in to_organ_ids if item.strip()))
    if not recipients:
        raise BadInputError("no recipient", subject="to")
    unit = session.get(Unit, document.unit_id)
    assert unit is not None
    sent = []
    for recipient in recipients:
        data = document_message(session, store, sealer, document_id, [recipient], pin,
                                now=now)
        sent.append(queue_message(session, store, queue, unit, kind="edoc",
                                  recipient=recipient, data=data, document_id=document_id,
                                  message_document_id=_message_document_id(data)))
    append_audit(session, actor=user.username, action=AuditAction.exchange_message_sent,
                 subject_type="document", subject_id=document_id,
                 details={"to": recipients, "outbox": [row.id for row in sent]})
    return sent


def destination(session: Session, organ_id: str) -> Destination:
    """Where party ``organ_id`` is reached: a unit here (internal) or a peer's URL."""
    if session.scalar(select(Unit.id).where(Unit.organ_id == organ_id)) is not None:
        return Destination(organ_id)
    peer = session.scalar(select(ExchangePeer).where(ExchangePeer.organ_id == organ_id))
    if peer is None:
        raise DeliveryRefusedError("unknown recipient", subject=organ_id)
    if not peer.base_url:
        raise DeliveryRefusedError("the peer has no base URL (sohoa peer add --url)",
                                   subject=organ_id)
    return Destination(organ_id, peer.base_url)


@dataclass(frozen=True)
class DeliverySetup:
    """What delivering needs besides the records: the transports, how an answer (a
    status message) is taken in, and the sealer of the units' keys (a request to another
    installation is signed by the sending unit's key, opened with its sealed PIN)."""

    transports: Transports
    take_answer: Any  # Callable[[Session, bytes], None]: records the status answered
    sealer: KeyFileSealer | None = None
    window_seconds: float = DEFAULT_WINDOW_SECONDS


def deliver_outbox_message(sessions: SessionFactory, store: ObjectStore, job: RunningJob,
                           outbox_id: int, setup: DeliverySetup) -> dict[str, Any]:
    """The delivery job: hand the stored message to its recipient. Unreachable: the error
    is recorded and raised (the queue tries again with back-off); refused for good: the
    message is marked failed; delivered: the answer (status 01/02) is recorded."""
    with sessions() as session:
        row = session.get(ExchangeOutboxMessage, outbox_id)
        if row is None:
            raise NotFoundError("no such outbox message", subject=str(outbox_id))
        if row.state == "delivered":
            job.finish(session, {"outbox": outbox_id, "state": row.state})
            return {"outbox": outbox_id, "state": row.state}
        with store.open(row.object_key) as stream:
            data = stream.read()
        try:
            target = destination(session, row.recipient)
        except DeliveryRefusedError as error:
            return _refused(session, job, row, error)
        row.attempts += 1
        failure: SohoaError | None = None
        if target.base_url is not None and setup.sealer is not None:
            try:
                target = _signed_by(session, store, setup, row, target)
            except SohoaError as error:  # e.g. unattended signing not allowed yet
                row.last_error, failure = f"{type(error).__name__}: {error}"[:2000], error
    if failure is not None:
        raise failure
    try:
        answer: Delivery = setup.transports.deliver(target, data)
    except DeliveryRefusedError as error:
        with sessions() as session:
            row = session.get(ExchangeOutboxMessage, outbox_id)
            assert row is not None
            return _refused(session, job, row, error)
    except Exception as error:
        with sessions() as session:
            row = session.get(ExchangeOutboxMessage, outbox_id)
            assert row is not None
            row.last_error = f"{type(error).__name__}: {error}"[:2000]
        raise
    with sessions() as session:
        row = session.get(ExchangeOutboxMessage, outbox_id)
        assert row is not None
        row.state, row.delivered_at, row.last_error = "delivered", utcnow(), ""
        if answer.body.strip().startswith(b"<"):
            setup.take_answer(session, answer.body)
        result = {"outbox": outbox_id, "state": row.state, "status": row.status_code}
        job.finish(session, result)
    return result


def _signed_by(session: Session, store: ObjectStore, setup: DeliverySetup,
               row: ExchangeOutboxMessage, target: Destination) -> Destination:
    """``target`` with what signs the request to it: the sending unit's key."""
    unit = session.get(Unit, row.unit_id)
    assert unit is not None
    assert setup.sealer is not None
    return replace(target, auth=request_credentials(
        session, store, setup.sealer, unit, row.recipient,
        window_seconds=setup.window_seconds))


def _refused(session: Session, job: RunningJob, row: ExchangeOutboxMessage,
             error: Exception) -> dict[str, Any]:
    row.state, row.last_error = "failed", str(error)[:2000]
    job.give_up(session, error)
    return {"outbox": row.id, "state": row.state, "error": row.last_error}


def outbox_messages(session: Session, user: CurrentUser, *,
                    limit: int = 100) -> list[ExchangeOutboxMessage]:
    """The documents the user's units sent and their revocations, updates and
    replacements, newest first (status answers left out)."""
    return list(session.scalars(select(ExchangeOutboxMessage).where(
        ExchangeOutboxMessage.unit_id.in_(user.visible_unit_ids),
        ExchangeOutboxMessage.kind != "status").order_by(ExchangeOutboxMessage.id.desc())
        .limit(limit)))
