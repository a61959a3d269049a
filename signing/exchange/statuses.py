"""Status messages: signed by the answering unit without a person present (its PIN kept
sealed once a clerk allows it), and the sender's trail of statuses per recipient, which
moves only forward (01 < 03 < 04 < 05 < 06; 02 ends it)."""

from __future__ import annotations

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
DESCRIPTIONS = {"01": "Đã đến", "02": "Từ chối tiếp nhận", "03": "Đã tiếp nhận",
                "04": "Đang chờ phân công", "05": "Đang xử lý", "06": "Đã xử lý xong"}


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


def moves_forward(current: str | None, code: str) -> bool:
    """Whether ``code`` may follow ``current``: forward only; 02 only before 03, and
    nothing after it."""
    if current == REFUSED:
        return False
    if code == REFUSED:
        return current in (None, "01")
    if code not in ORDER:
        return False
    return current is None or ORDER[code] > ORDER.get(current, 0)


def record_status(session: Session, outbox: ExchangeOutboxMessage, status: Status) -> bool:
    """Add ``status`` to the trail of a sent document's recipient when it moves the
    trail forward; a status out of order or backwards is ignored (False)."""
    if not moves_forward(outbox.status_code, status.code):
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
