"""The statuses a register records for a document received by exchange are answered to
its sender once, in order and forward only (signing and queueing replaced by stubs)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from signing.exchange import answers
from signing.registers.assignment import Handler, assign_entry, finish_entry, return_entry
from signing.registers.entries import IncomingFields, register_incoming
from storage.accounts import CurrentUser, create_unit, create_user
from storage.records import Database, User
from storage.records.models import ExchangeInboxMessage, RegisterEvent
from storage.records.vocabulary import EntrySource, UserRole

NOW = datetime(2026, 12, 6, 9, 0)


def _user(session: Any, username: str) -> CurrentUser:
    user = session.scalars(select(User).where(User.username == username)).one()
    return CurrentUser(id=user.id, username=user.username, role=UserRole(user.role),
                       unit_id=user.unit_id, visible_unit_ids=frozenset({user.unit_id}))


def test_assigned_done_and_returned_statuses_are_sent_once_forward_only(
        records_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[str, str, str]] = []
    monkeypatch.setattr(answers, "status_message", lambda *args, **kw: kw["code"].encode())
    monkeypatch.setattr(answers, "queue_message", lambda *args, **kw: sent.append(
        (kw["recipient"], kw["message_document_id"], kw["data"].decode())))
    with records_db.session() as session:
        unit = create_unit(session, "UBND", "Ủy ban nhân dân xã Hòa An")
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
            unit_id=unit.id, sender="000.00.01.H01", sender_name="Xã Tân Lập",
            message_document_id="doc-1", subject="V/v trao đổi", object_key="k",
            accepted=True, reasons={}, status_code="04", answer_key="a",
            entry_id=exchanged.id)
        session.add(received)
        session.flush()
        answers.mark_answered(session, exchanged.id)  # 03/04 went at registration

        answers.send_pending_statuses(session, None, None, None,  # type: ignore[arg-type]
                                      unit.id, now=NOW)
        assert sent == []
        leader, handler = _user(session, "lanhdao"), _user(session, "chuyenvien")
        assign_entry(session, leader, exchanged, note="Xử lý", lead=Handler("chuyenvien"))
        answers.send_pending_statuses(session, None, None, None,  # type: ignore[arg-type]
                                      unit.id, now=NOW)
        assert sent == [("000.00.01.H01", "doc-1", "05")]
        return_entry(session, handler, exchanged, "Không đúng thẩm quyền")  # 04: backwards
        assign_entry(session, leader, exchanged, note="Xử lý lại", lead=Handler("chuyenvien"))
        finish_entry(session, handler, exchanged)
        answers.send_pending_statuses(session, None, None, None,  # type: ignore[arg-type]
                                      unit.id, now=NOW)
        assert [code for _, _, code in sent] == ["05", "06"]
        assert received.status_code == "06"
        pending = session.scalars(select(RegisterEvent).where(
            RegisterEvent.status_code.is_not(None), RegisterEvent.sent_at.is_(None))).all()
        assert [event.entry_id for event in pending] == [manual.id]  # not from exchange
