"""Status messages: signed by the answering unit without a person present (its PIN kept
sealed once a clerk allows it), and the sender's trail of statuses per recipient, which
moves only forward (01 < 03 < 04 < 05 < 06; 02 ends it).

The answers to a revocation, update or replacement (13 revoked, 15 accepted, 16 refused)
stand beside that ladder: they may follow any status but 02 or 15. 15 ends the trail (the
document is withdrawn or replaced at the receiver). 16 does not: the receiver keeps the
document, its later statuses still climb the ladder from the highest one reached, and a
later request may be refused again or accepted. 13 is taken from other software (sohoa
sends 15/16)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.edxml.model import Message, Organ, ResponseFor, Status
from signing.edxml.write import write_message
from signing.exchange_parties import (
    active_exchange_credential,
    party_name,
    unlock_exchange_key,
)
from signing.keystore import KeyFileSealer
from storage.errors import UnavailableError
from storage.objects import ObjectStore
from storage.records.models import (
    ExchangeOutboxMessage,
    ExchangeStatusEvent,
    ExchangeUnattendedKey,
    Unit,
)

ORDER = {"01": 1, "03": 2, "04": 3, "05": 4, "06": 5}
"""The forward order of a document's statuses."""
REFUSED = "02"
REVOKED, REQUEST_ACCEPTED, REQUEST_REFUSED = "13", "15", "16"
REQUEST_ANSWERS = frozenset({REVOKED, REQUEST_ACCEPTED, REQUEST_REFUSED})
"""The answers to a revocation, update or replacement, beside the forward ladder."""
REQUEST_KINDS = ("revoke", "update", "replace")
"""Outbox kinds of a sender's requests about a document it sent (business 1, 2, 3)."""
DOCUMENT_KINDS = ("edoc", "update", "replace")
"""Outbox kinds that carry a document (a status about their DocumentId joins their trail)."""
DESCRIPTIONS = {"01": "Đã đến", "02": "Từ chối tiếp nhận", "03": "Đã tiếp nhận",
                "04": "Đang chờ phân công", "05": "Đang xử lý", "06": "Đã xử lý xong",
                "13": "Thu hồi", "15": "Đồng ý thu hồi / cập nhật",
                "16": "Từ chối thu hồi / cập nhật"}


def _context(unit_id: int, fingerprint: str) -> bytes:
    return f"unattended-pin|unit={unit_id}|sha256={fingerprint}".encode()


def allow_unattended_statuses(session: Session, store: ObjectStore, sealer: KeyFileSealer,
                              unit: Unit, pin: str) -> None:
    """Let the server sign ``unit``'s status messages by itself: the PIN is checked
    against the unit's exchange key, then kept sealed under the server's key."""
    unlock_exchange_key(session, store, sealer, unit, pin)  # a wrong PIN is refused here
    credential = active_exchange_credential(session, unit)
    sealed = sealer.seal(pin.encode("utf-8"), _context(unit.id, credential.fingerprint))
    row = session.get(ExchangeUnattendedKey, unit.id)
    if row is None:
        session.add(ExchangeUnattendedKey(unit_id=unit.id, fingerprint=credential.fingerprint,
                                          sealed_pin=sealed))
    else:
        row.fingerprint, row.sealed_pin = credential.fingerprint, sealed
    session.flush()


def unattended_pin(session: Session, sealer: KeyFileSealer, unit: Unit) -> str:
    """The unit's sealed PIN, opened; :class:`UnavailableError` when the unit has not
    allowed unattended statuses for its current key (the sender tries again later)."""
    row = session.get(ExchangeUnattendedKey, unit.id)
    credential = active_exchange_credential(session, unit)
    if row is None or row.fingerprint != credential.fingerprint:
        raise UnavailableError("the unit cannot sign status messages yet (sohoa unit "
                               "exchange --unattended)", subject=f"unit {unit.code}")
    return sealer.open(row.sealed_pin, _context(unit.id, row.fingerprint),
                       source=f"unit {unit.code}").decode("utf-8")


def status_message(session: Session, store: ObjectStore, sealer: KeyFileSealer, unit: Unit,
                   *, to: str, document_id: str, code: str, description: str | None,
                   now: datetime) -> bytes:
    """A status message from ``unit`` to party ``to`` about its document ``document_id``,
    signed by the unit's key without a person present."""
    key = unlock_exchange_key(session, store, sealer, unit,
                              unattended_pin(session, sealer, unit))
    try:
        name: str | None = party_name(session, to)
    except Exception:  # an unknown sender is answered too (02)
        name = None
    message = Message(
        kind="status", sender=Organ(unit.organ_id, unit.name), receivers=(Organ(to, name),),
        document_id=document_id, response_for=ResponseFor(to, document_id, None),
        status=Status(code, description or DESCRIPTIONS.get(code), now))
    return write_message(message, key.private_key, key.certificate, now=now, chain=key.chain)


def follows(trail: Sequence[str], code: str) -> bool:
    """Whether ``code`` may follow the statuses of ``trail`` (oldest first): nothing after
    02 or 15; 13/15/16 after any other; 02 only before 03; 01..06 only above the highest
    of them reached (a 16 between does not lower it)."""
    if REFUSED in trail or REQUEST_ACCEPTED in trail:
        return False
    if code in REQUEST_ANSWERS:
        return True
    highest = max((ORDER[item] for item in trail if item in ORDER), default=0)
    if code == REFUSED:
        return highest <= ORDER["01"]
    return code in ORDER and ORDER[code] > highest


def moves_forward(current: str | None, code: str) -> bool:
    """Whether ``code`` may follow ``current`` alone (see :func:`follows`)."""
    return follows([] if current is None else [current], code)


def record_status(session: Session, outbox: ExchangeOutboxMessage, status: Status) -> bool:
    """Add ``status`` to the trail of a sent document's recipient when it moves the
    trail forward (:func:`follows`); a status out of order or backwards is ignored
    (False)."""
    trail = [event.code for event in status_trail(session, outbox.id)]
    if not follows(trail, status.code):
        return False
    outbox.status_code = status.code
    session.add(ExchangeStatusEvent(outbox_id=outbox.id, code=status.code,
                                    description=status.description or "",
                                    stated_at=status.timestamp))
    session.flush()
    return True


def status_trail(session: Session, outbox_id: int) -> list[ExchangeStatusEvent]:
    """The statuses a recipient answered a sent document with, oldest first."""
    return list(session.scalars(select(ExchangeStatusEvent).where(
        ExchangeStatusEvent.outbox_id == outbox_id).order_by(ExchangeStatusEvent.id)))


def record_request_answer(session: Session, party: str, document_id: str,
                          status: Status) -> bool:
    """Record a 13/15/16 from ``party`` about the document ``document_id`` sent to it:
    in the trail of the document's outbox row for that party and in that of the oldest
    undecided revocation/update/replacement about it (else the newest one). False when
    neither was found or moved."""
    original = session.scalar(select(ExchangeOutboxMessage).where(
        ExchangeOutboxMessage.kind.in_(DOCUMENT_KINDS), ExchangeOutboxMessage.recipient == party,
        ExchangeOutboxMessage.message_document_id == document_id)
        .order_by(ExchangeOutboxMessage.id.desc()))
    requests = list(session.scalars(select(ExchangeOutboxMessage).where(
        ExchangeOutboxMessage.kind.in_(REQUEST_KINDS), ExchangeOutboxMessage.recipient == party,
        ExchangeOutboxMessage.refers_to == document_id).order_by(ExchangeOutboxMessage.id)))
    undecided = [row for row in requests if row.status_code is None]
    request = undecided[0] if undecided else (requests[-1] if requests else None)
    recorded = False
    for row in (original, request):
        if row is not None:
            recorded = record_status(session, row, status) or recorded
    return recorded
