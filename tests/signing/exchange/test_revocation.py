"""Revoke, update, replace (issue 15 part 6), decided in the library with real keys and
signatures: A's clerk revokes a document B holds; B's records office accepts (15: the
document leaves the inbox, stays in history, its register entry is marked revoked) or
refuses with a reason (16); a revocation of a document B never received from A, or got
from another sender, is answered 16 at once with the reason; a repeated delivery gets the
same answer; A's trail takes 16 then later statuses then 15."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.queue import RqQueue
from signing.edxml.model import Message, Organ
from signing.edxml.parse import read_message
from signing.edxml.write import write_message
from signing.exchange.inbox import InboxSetup, inbox_messages, receive_message, take_status
from signing.exchange.revocation import decide_request, exchange_requests, revoke_sent
from signing.exchange.statuses import (
    allow_unattended_statuses,
    follows,
    status_message,
    status_trail,
)
from signing.exchange_parties import register_exchange_key, unlock_exchange_key
from signing.incoming import VerifySetup
from signing.keystore import KeyFileSealer
from signing.pades import TrustServices
from signing.registers.entries import IncomingFields, register_incoming
from storage.accounts import CurrentUser, create_unit, create_user
from storage.errors import BadInputError, ConflictError, PermissionDeniedError
from storage.objects import ObjectStore
from storage.orphans import put_object
from storage.records import Database, User
from storage.records.models import (
    AuditEntry,
    ExchangeInboxMessage,
    ExchangeOutboxMessage,
    ExchangeRequest,
    RegisterEntry,
    RegisterEvent,
    Unit,
)
from storage.records.vocabulary import EntrySource, EntryState, UserRole
from tests.signing.exchange.conftest import UnitKey

NOW = datetime(2026, 12, 9, 9, 0)
ORGAN_A, ORGAN_B, ORGAN_X = "000.00.01.H01", "000.00.02.H02", "000.00.03.H03"


@pytest.mark.parametrize(("trail", "code", "expected"), [
    (["01", "03", "04"], "16", True), (["01", "03", "04", "16"], "05", True),
    (["01", "03", "04", "16"], "04", False), (["01", "03", "16"], "15", True),
    (["01", "15"], "05", False), (["01", "15"], "16", False), (["02"], "15", False),
    (["01", "03"], "13", True), (["01", "16", "16"], "15", True), (["01", "16"], "02", True),
    (["03", "16"], "02", False), ([], "16", True),
])
def test_revocation_answers_stand_beside_the_ladder(trail: list[str], code: str,
                                                    expected: bool) -> None:
    assert follows(trail, code) is expected


def _user(session: Session, username: str) -> CurrentUser:
    user = session.scalars(select(User).where(User.username == username)).one()
    return CurrentUser(id=user.id, username=user.username, role=UserRole(user.role),
                       unit_id=user.unit_id, visible_unit_ids=frozenset({user.unit_id}))


@dataclass
class Pair:
    """Units A (sender) and B (receiver) of one installation, both with real keys."""

    db: Database
    store: ObjectStore
    queue: RqQueue
    setup: InboxSetup
    key: UnitKey

    def sent(self, session: Session, number: int, *, holder: str | None = ORGAN_A
             ) -> ExchangeOutboxMessage:
        """A document A sent to B and B holds (received from ``holder``, registered)."""
        a = session.scalars(select(Unit).where(Unit.organ_id == ORGAN_A)).one()
        b = session.scalars(select(Unit).where(Unit.organ_id == ORGAN_B)).one()
        document_id = f"{ORGAN_A},2026/12/09,{number}/UBND-VP"
        key = unlock_exchange_key(session, self.store, self.setup.sealer, a, self.key.pin)
        data = write_message(Message(
            kind="edoc", sender=Organ(ORGAN_A, a.name), receivers=(Organ(ORGAN_B, b.name),),
            document_id=document_id, subject=f"V/v số {number}"), key.private_key,
            key.certificate, now=NOW, chain=key.chain)
        kept = put_object(session, self.store, "exchange/outbox/test", io.BytesIO(data),
                          suffix=".edxml")
        row = ExchangeOutboxMessage(unit_id=a.id, kind="edoc", message_document_id=document_id,
                                    recipient=ORGAN_B, object_key=kept.key, state="delivered",
                                    attempts=1, last_error="")
        session.add(row)
        if holder is not None:
            entry = register_incoming(session, _user(session, "vanthu_b"), IncomingFields(
                sender="Xã A", summary=f"V/v số {number}"), source=EntrySource.exchange)
            session.add(ExchangeInboxMessage(
                unit_id=b.id, sender=holder, message_document_id=document_id,
                subject=f"V/v số {number}", object_key=kept.key, accepted=True, reasons={},
                status_code="04", answer_key="", entry_id=entry.id))
        session.flush()
        return row

    def revocation(self, session: Session, sent: ExchangeOutboxMessage, reason: str) -> bytes:
        """A's clerk revokes ``sent``; the signed message queued for B."""
        row = revoke_sent(session, self.store, self.queue, self.setup.sealer,
                          _user(session, "vanthu_a"), sent.id, reason, self.key.pin, now=NOW)
        assert (row.kind, row.refers_to, row.reason) == ("revoke", sent.message_document_id,
                                                         reason)
        with self.store.open(row.object_key) as stream:
            return stream.read()

    def deliver(self, session: Session, data: bytes) -> tuple[bytes, bool]:
        receipt = receive_message(session, self.store, self.queue, data, self.setup, now=NOW)
        return receipt.answer, receipt.duplicate


def _status(data: bytes) -> tuple[str, str, str]:
    message = read_message(data, source="answer", max_bytes=len(data) + 1)
    assert message.status is not None
    assert message.response_for is not None
    return (message.status.code, message.status.description or "",
            message.response_for.document_id or "")


@pytest.fixture
def pair(records_db: Database, local_store: ObjectStore, rq_queue: RqQueue,
         unit_key: UnitKey) -> Pair:
    sealer = KeyFileSealer(secrets.token_bytes(32))
    with records_db.session() as session:
        for code, organ, suffix in (("UBND-A", ORGAN_A, "a"), ("UBND-B", ORGAN_B, "b")):
            unit = create_unit(session, code, f"Ủy ban nhân dân xã {suffix.upper()}")
            unit.organ_id = organ
            register_exchange_key(session, local_store, sealer, unit, unit_key.data,
                                  unit_key.pin, "clerk.p12")
            allow_unattended_statuses(session, local_store, sealer, unit, unit_key.pin)
            create_user(session, username=f"vanthu_{suffix}", password="mật-khẩu-đủ-dài-123",
                        role=UserRole.clerk, unit_code=code, full_name=f"Văn thư {suffix}")
        create_user(session, username="lanhdao_b", password="mật-khẩu-đủ-dài-123",
                    role=UserRole.leader, unit_code="UBND-B", full_name="Lãnh đạo B")
    return Pair(records_db, local_store, rq_queue,
               InboxSetup(sealer, VerifySetup(TrustServices()), 8 * 1024 * 1024), unit_key)


def test_accepted_revocation_withdraws_the_document_and_keeps_it_in_history(
        pair: Pair) -> None:
    with pair.db.session() as session:
        sent = pair.sent(session, 1)
        data = pair.revocation(session, sent, "Ban hành nhầm đối tượng")
        answer, duplicate = pair.deliver(session, data)
        assert (answer, duplicate) == (b"", False)  # waits for B's records office
        assert pair.deliver(session, data) == (b"", True)
        clerk_b = _user(session, "vanthu_b")
        [request] = exchange_requests(session, clerk_b)
        assert (request.state, request.business, request.reason, request.sender) == (
            "pending", 1, "Ban hành nhầm đối tượng", ORGAN_A)
        assert exchange_requests(session, _user(session, "vanthu_a")) == []
        with pytest.raises(PermissionDeniedError):
            decide_request(session, pair.store, pair.queue, pair.setup,
                           _user(session, "lanhdao_b"), request.id, accept=True, now=NOW)

        decide_request(session, pair.store, pair.queue, pair.setup, clerk_b, request.id,
                       accept=True, now=NOW)
        assert request.state == "accepted"
        with pytest.raises(ConflictError):
            decide_request(session, pair.store, pair.queue, pair.setup, clerk_b, request.id,
                           accept=False, reason="muộn", now=NOW)
        listed = [row.message_document_id for row in inbox_messages(session, clerk_b)]
        assert sent.message_document_id not in listed
        history = [row for row in inbox_messages(session, clerk_b, history=True)
                   if row.message_document_id == sent.message_document_id]
        assert len(history) == 1
        assert history[0].withdrawn_at is not None
        assert history[0].status_code == "15"
        entry = session.get(RegisterEntry, history[0].entry_id)
        assert entry is not None
        assert entry.state == EntryState.revoked
        events = session.scalars(select(RegisterEvent).where(
            RegisterEvent.entry_id == entry.id, RegisterEvent.kind == "revoked")).all()
        assert [event.details["reason"] for event in events] == ["Ban hành nhầm đối tượng"]
        assert session.scalar(select(AuditEntry).where(
            AuditEntry.action == "exchange_request_decided")) is not None
        # the 15 is queued to A about the revoked document; a repeat gets it again
        answer_row = session.scalars(select(ExchangeOutboxMessage).where(
            ExchangeOutboxMessage.kind == "status", ExchangeOutboxMessage.recipient == ORGAN_A)
            .order_by(ExchangeOutboxMessage.id.desc())).first()
        assert answer_row is not None
        with pair.store.open(answer_row.object_key) as stream:
            fifteen = stream.read()
        assert _status(fifteen)[0::2] == ("15", sent.message_document_id)
        assert pair.deliver(session, data) == (fifteen, True)

        # A takes the answer: 15 joins the document's trail and the revocation's
        assert take_status(session, fifteen, max_bytes=len(fifteen) + 1) is True
        assert [event.code for event in status_trail(session, sent.id)] == ["15"]
        revoke_row = session.scalars(select(ExchangeOutboxMessage).where(
            ExchangeOutboxMessage.kind == "revoke")).one()
        assert revoke_row.status_code == "15"
        with pytest.raises(ConflictError):  # withdrawn: nothing more to revoke
            pair.revocation(session, sent, "lần nữa")


def test_refused_revocation_carries_its_reason_and_the_trail_goes_on(pair: Pair) -> None:
    with pair.db.session() as session:
        sent = pair.sent(session, 2)
        for code in ("01", "03", "04"):
            take_status(session, _answer_from_b(pair, session, sent, code, None), max_bytes=10**6)
        pair.deliver(session, pair.revocation(session, sent, "Cần sửa trích yếu"))
        clerk_b = _user(session, "vanthu_b")
        [request] = exchange_requests(session, clerk_b)
        with pytest.raises(BadInputError):  # 16 always carries a reason
            decide_request(session, pair.store, pair.queue, pair.setup, clerk_b, request.id,
                           accept=False, reason="  ", now=NOW)
        decide_request(session, pair.store, pair.queue, pair.setup, clerk_b, request.id,
                       accept=False, reason="Văn bản đã được phân công xử lý", now=NOW)
        assert (request.state, request.decision_reason) == (
            "refused", "Văn bản đã được phân công xử lý")
        assert sent.message_document_id in [
            row.message_document_id for row in inbox_messages(session, clerk_b)]
        with pair.store.open(request.answer_key) as stream:
            sixteen = stream.read()
        assert _status(sixteen)[:2] == ("16", "Văn bản đã được phân công xử lý")
        take_status(session, sixteen, max_bytes=len(sixteen) + 1)
        take_status(session, _answer_from_b(pair, session, sent, "05", None), max_bytes=10**6)
        trail = status_trail(session, sent.id)
        assert [event.code for event in trail] == ["01", "03", "04", "16", "05"]
        assert trail[3].description == "Văn bản đã được phân công xử lý"


def _answer_from_b(pair: Pair, session: Session, sent: ExchangeOutboxMessage, code: str,
                   description: str | None) -> bytes:
    b = session.scalars(select(Unit).where(Unit.organ_id == ORGAN_B)).one()
    return status_message(session, pair.store, pair.setup.sealer, b, to=ORGAN_A,
                          document_id=sent.message_document_id, code=code,
                          description=description, now=NOW)


def test_a_document_never_received_from_that_sender_is_refused_at_once(pair: Pair) -> None:
    with pair.db.session() as session:
        unknown = pair.sent(session, 3, holder=None)
        answer, _ = pair.deliver(session, pair.revocation(session, unknown, "Thu hồi"))
        code, description, about = _status(answer)
        assert (code, about) == ("16", unknown.message_document_id)
        assert "never received the document from this sender" in description
        other = pair.sent(session, 4, holder=ORGAN_X)  # B got it from another party
        data = pair.revocation(session, other, "Thu hồi")
        answer, _ = pair.deliver(session, data)
        assert _status(answer)[0] == "16"
        assert "sent by another party" in _status(answer)[1]
        assert pair.deliver(session, data) == (answer, True)  # answered the same
        states = [row.state for row in session.scalars(select(ExchangeRequest))]
        assert states == ["refused", "refused"]
        # A's trail for that recipient shows the automatic refusal with its reason
        take_status(session, answer, max_bytes=len(answer) + 1)
        [event] = status_trail(session, other.id)
        assert event.code == "16"
        assert "another party" in event.description
        assert session.scalar(select(ExchangeInboxMessage).where(
            ExchangeInboxMessage.withdrawn_at.is_not(None))) is None


def test_only_the_records_office_revokes_and_a_reason_is_required(pair: Pair) -> None:
    with pair.db.session() as session:
        sent = pair.sent(session, 5)
        with pytest.raises(BadInputError):
            revoke_sent(session, pair.store, pair.queue, pair.setup.sealer,
                        _user(session, "vanthu_a"), sent.id, " ", pair.key.pin, now=NOW)
        with pytest.raises(PermissionDeniedError):
            revoke_sent(session, pair.store, pair.queue, pair.setup.sealer,
                        _user(session, "lanhdao_b"), sent.id, "Lý do", pair.key.pin, now=NOW)
        sent.state = "pending"
        with pytest.raises(ConflictError):
            revoke_sent(session, pair.store, pair.queue, pair.setup.sealer,
                        _user(session, "vanthu_a"), sent.id, "Lý do", pair.key.pin, now=NOW)
