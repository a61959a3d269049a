"""The statuses a register records for a document received by exchange are answered to
its sender once, in order and forward only, signed by the unit's real exchange key and
queued in the outbox; a status the unit could not sign yet (unattended signing not
allowed) stays pending and is sent by the background sweep once it is allowed, with no
further register step, the sweep backing off from the unit meanwhile."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.queue import RqQueue
from signing.edxml import dsig
from signing.edxml.parse import hardened_parser, parse_xml, read_message
from signing.exchange import answers
from signing.exchange.pending import PendingStatusSweep, units_with_pending_statuses
from signing.exchange.statuses import allow_unattended_statuses
from signing.exchange_parties import register_exchange_key
from signing.keystore import KeyFileSealer
from signing.registers.assignment import Handler, assign_entry, finish_entry, return_entry
from signing.registers.entries import IncomingFields, register_incoming
from storage.accounts import CurrentUser, create_unit, create_user
from storage.objects import ObjectStore
from storage.records import Database, Unit, User
from storage.records.models import (
    ExchangeInboxMessage,
    ExchangeOutboxMessage,
    RegisterEntry,
    RegisterEvent,
)
from storage.records.vocabulary import EntrySource, UserRole
from tests.signing.exchange.conftest import UnitKey

NOW = datetime(2026, 12, 6, 9, 0)
SENDER = "000.00.01.H01"


def _user(session: Session, username: str) -> CurrentUser:
    user = session.scalars(select(User).where(User.username == username)).one()
    return CurrentUser(id=user.id, username=user.username, role=UserRole(user.role),
                       unit_id=user.unit_id, visible_unit_ids=frozenset({user.unit_id}))


@dataclass
class Office:
    """A unit with a real exchange key, its users, and a document it received by
    exchange (registered, 03/04 answered), plus one registered by hand."""

    db: Database
    store: ObjectStore
    queue: RqQueue
    sealer: KeyFileSealer
    unit_id: int
    entry_id: int
    manual_id: int
    received_id: int

    def statuses_sent(self, session: Session) -> list[str]:
        """The codes of the status messages in the outbox, oldest first, each checked:
        addressed to the sender, about its document, signed by the unit's key."""
        codes = []
        for row in session.scalars(select(ExchangeOutboxMessage).where(
                ExchangeOutboxMessage.kind == "status").order_by(ExchangeOutboxMessage.id)):
            assert (row.recipient, row.message_document_id) == (SENDER, "doc-1")
            with self.store.open(row.object_key) as stream:
                data = stream.read()
            message = read_message(data, source="status", max_bytes=len(data) + 1)
            assert message.status is not None
            assert message.response_for is not None
            assert message.response_for.document_id == "doc-1"
            check = dsig.verify(parse_xml(data, source="status", max_bytes=len(data) + 1),
                                hardened_parser())
            assert check.valid, check.problem
            codes.append(message.status.code)
        return codes


def _office(db: Database, store: ObjectStore, queue: RqQueue, key: UnitKey, *,
            unattended: bool) -> Office:
    sealer = KeyFileSealer(secrets.token_bytes(32))
    with db.session() as session:
        unit = create_unit(session, "UBND", "Ủy ban nhân dân xã Hòa An")
        unit.organ_id = "000.00.02.H01"
        register_exchange_key(session, store, sealer, unit, key.data, key.pin, "clerk.p12")
        if unattended:
            allow_unattended_statuses(session, store, sealer, unit, key.pin)
        for username, role in (("vanthu", UserRole.clerk), ("lanhdao", UserRole.leader),
                               ("chuyenvien", UserRole.intake)):
            create_user(session, username=username, password="mật-khẩu-đủ-dài-123",
                        role=role, unit_code="UBND", full_name=username)
        clerk = _user(session, "vanthu")
        exchanged = register_incoming(session, clerk, IncomingFields(
            sender="Xã Tân Lập", summary="V/v trao đổi"), source=EntrySource.exchange)
        manual = register_incoming(session, clerk, IncomingFields(
            sender="Sở Nội vụ", summary="V/v họp"), source=EntrySource.manual)
        received = ExchangeInboxMessage(
            unit_id=unit.id, sender=SENDER, sender_name="Xã Tân Lập",
            message_document_id="doc-1", subject="V/v trao đổi", object_key="k",
            accepted=True, reasons={}, status_code="04", answer_key="a",
            entry_id=exchanged.id)
        session.add(received)
        session.flush()
        answers.mark_answered(session, exchanged.id)  # 03/04 went at registration
        return Office(db, store, queue, sealer, unit.id, exchanged.id, manual.id, received.id)


def _pending(session: Session) -> list[tuple[int, str | None]]:
    return [(event.entry_id, event.status_code) for event in session.scalars(
        select(RegisterEvent).where(RegisterEvent.status_code.is_not(None),
                                    RegisterEvent.sent_at.is_(None)).order_by(RegisterEvent.id))]


def _send(office: Office, session: Session) -> list[Any]:
    return answers.send_pending_statuses(session, office.store, office.queue, office.sealer,
                                         office.unit_id, now=NOW)


def test_assigned_done_and_returned_statuses_are_sent_once_forward_only(
        records_db: Database, local_store: ObjectStore, rq_queue: RqQueue,
        unit_key: UnitKey) -> None:
    office = _office(records_db, local_store, rq_queue, unit_key, unattended=True)
    with records_db.session() as session:
        received = session.get(ExchangeInboxMessage, office.received_id)
        assert received is not None
        assert _send(office, session) == []
        book_entry = session.get(RegisterEntry, office.entry_id)
        assert book_entry is not None
        leader, handler = _user(session, "lanhdao"), _user(session, "chuyenvien")
        assign_entry(session, leader, book_entry, note="Xử lý", lead=Handler("chuyenvien"))
        assert len(_send(office, session)) == 1
        assert office.statuses_sent(session) == ["05"]
        return_entry(session, handler, book_entry, "Không đúng thẩm quyền")  # 04: backwards
        assign_entry(session, leader, book_entry, note="Xử lý lại",
                     lead=Handler("chuyenvien"))
        finish_entry(session, handler, book_entry)
        _send(office, session)
        assert office.statuses_sent(session) == ["05", "06"]
        assert received.status_code == "06"
        assert [entry_id for entry_id, _ in _pending(session)] == [office.manual_id]
    assert rq_queue.queue.count == 2  # each status message's delivery is queued


def test_a_status_left_pending_is_sent_by_the_sweep_once_unattended_signing_is_allowed(
        records_db: Database, local_store: ObjectStore, rq_queue: RqQueue,
        unit_key: UnitKey) -> None:
    office = _office(records_db, local_store, rq_queue, unit_key, unattended=False)
    with records_db.session() as session:
        book_entry = session.get(RegisterEntry, office.entry_id)
        assert book_entry is not None
        assign_entry(session, _user(session, "lanhdao"), book_entry, note="Xử lý",
                     lead=Handler("chuyenvien"))
        # the register step answers what it can and never fails for it: 05 stays pending
        assert answers.answer_pending_statuses(session, local_store, rq_queue, office.sealer,
                                               office.unit_id, now=NOW) == []
    with records_db.session() as session:
        assert (office.entry_id, "05") in _pending(session)
        assert units_with_pending_statuses(session) == [office.unit_id]
        assert office.statuses_sent(session) == []

    clock = [1000.0]
    sweep = PendingStatusSweep(records_db.session, local_store, rq_queue, office.sealer,
                               first_delay=60.0, longest_delay=300.0, clock=lambda: clock[0])
    first = sweep.run(now=NOW)
    assert first.sent == {}
    assert "unattended" in first.left_pending[office.unit_id]
    clock[0] += 30
    assert sweep.run(now=NOW).backing_off == [office.unit_id]
    clock[0] += 31
    assert office.unit_id in sweep.run(now=NOW).left_pending  # tried again: still not
    clock[0] += 61
    assert sweep.run(now=NOW).backing_off == [office.unit_id]  # the wait doubled: 120 s
    assert [sweep.delay(n) for n in (1, 2, 3, 4, 5, 6)] == [60, 120, 240, 300, 300, 300]

    with records_db.session() as session:  # sohoa unit exchange UBND --unattended
        unit = session.get(Unit, office.unit_id)
        assert unit is not None
        allow_unattended_statuses(session, local_store, office.sealer, unit, unit_key.pin)
    clock[0] += 60
    done = sweep.run(now=NOW)
    assert done.sent == {office.unit_id: 1}
    assert done.left_pending == {}
    with records_db.session() as session:
        assert office.statuses_sent(session) == ["05"]
        assert (office.entry_id, "05") not in _pending(session)
        assert units_with_pending_statuses(session) == []
        received = session.get(ExchangeInboxMessage, office.received_id)
        assert received is not None
        assert received.status_code == "05"
    assert rq_queue.queue.count == 1  # its delivery is queued
    assert sweep.run(now=NOW).sent == {}  # nothing left: nothing sent twice
