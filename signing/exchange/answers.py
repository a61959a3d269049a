"""Later answers to the sender of a document received by exchange: the statuses the
register recorded while the unit works on it (``04`` awaiting assignment, ``05`` being
processed, ``06`` done) are signed, queued in the outbox and stamped as sent."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.exchange.outbox import queue_message
from signing.exchange.statuses import moves_forward, status_message
from signing.keystore import KeyFileSealer
from storage.errors import NotFoundError, SohoaError
from storage.jobs import JobQueue
from storage.objects import ObjectStore
from storage.records import utcnow
from storage.records.models import (
    ExchangeInboxMessage,
    ExchangeOutboxMessage,
    RegisterEntry,
    RegisterEvent,
    Unit,
)

_log = logging.getLogger(__name__)


def answer_sender(session: Session, store: ObjectStore, queue: JobQueue,
                  sealer: KeyFileSealer, unit: Unit, received: ExchangeInboxMessage,
                  code: str, *, now: datetime) -> ExchangeOutboxMessage:
    """Sign status ``code`` about the received message's document, queue it for its
    sender and note it as the message's latest status."""
    answer = status_message(session, store, sealer, unit, to=received.sender,
                            document_id=received.message_document_id, code=code,
                            description=None, now=now)
    queued = queue_message(session, store, queue, unit, kind="status",
                           recipient=received.sender, data=answer,
                           message_document_id=received.message_document_id)
    received.status_code = code
    return queued


def mark_answered(session: Session, entry_id: int) -> None:
    """Stamp the entry's status events as sent (the statuses answered at registration)."""
    moment = utcnow()
    for event in session.scalars(select(RegisterEvent).where(
            RegisterEvent.entry_id == entry_id, RegisterEvent.status_code.is_not(None),
            RegisterEvent.sent_at.is_(None))):
        event.sent_at = moment
    session.flush()


def send_pending_statuses(session: Session, store: ObjectStore, queue: JobQueue,
                          sealer: KeyFileSealer, unit_id: int, *,
                          now: datetime) -> list[ExchangeOutboxMessage]:
    """Answer the senders of the unit's documents received by exchange with the statuses
    their register entries recorded and did not send yet, oldest first; each event is
    stamped ``sent_at``. A status that would not move the sender's trail forward (``04``
    again after a handler returned the document) is stamped without being sent. Raises
    :class:`UnavailableError` when the unit cannot sign unattended (nothing is stamped)."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFoundError("no such unit", subject=f"unit {unit_id}")
    rows = session.execute(select(RegisterEvent, ExchangeInboxMessage).join(
        RegisterEntry, RegisterEntry.id == RegisterEvent.entry_id).join(
        ExchangeInboxMessage, ExchangeInboxMessage.entry_id == RegisterEntry.id).where(
        RegisterEntry.unit_id == unit_id, ExchangeInboxMessage.unit_id == unit_id,
        ExchangeInboxMessage.accepted.is_(True), RegisterEvent.status_code.is_not(None),
        RegisterEvent.sent_at.is_(None)).order_by(RegisterEvent.id)).all()
    queued = []
    for event, received in rows:
        code = event.status_code or ""
        if moves_forward(received.status_code, code):
            queued.append(answer_sender(session, store, queue, sealer, unit, received, code,
                                        now=now))
        event.sent_at = utcnow()
    session.flush()
    return queued


def answer_pending_statuses(session: Session, store: ObjectStore, queue: JobQueue,
                            sealer: KeyFileSealer, unit_id: int, *,
                            now: datetime) -> list[ExchangeOutboxMessage]:
    """:func:`send_pending_statuses` in the caller's transaction (the statuses leave with
    the register step that recorded them), never failing that step: when they cannot be
    sent now (the unit's key cannot sign unattended) they stay pending for a later try."""
    try:
        with session.begin_nested():
            return send_pending_statuses(session, store, queue, sealer, unit_id, now=now)
    except SohoaError as error:
        _log.warning("exchange statuses of unit %s left pending: %s", unit_id, error)
        return []
