"""``sohoa exchange flush`` and ``sohoa unit exchange --unattended``: a status a register
step could not send (the unit had not allowed unattended signing) stays pending and is
named with its problem (exit 1); once the clerk allows unattended signing it is signed
and queued, with no further register step (exit 0); nothing is sent twice."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from api.runtime import open_records, open_store
from api.settings import Settings
from signing.edxml.parse import read_message
from signing.exchange.answers import mark_answered
from signing.pki.build import init_pki
from signing.pki.store import DEMO_PASSWORD
from signing.registers.assignment import Handler, assign_entry
from signing.registers.entries import IncomingFields, register_incoming
from storage.accounts import CurrentUser, create_user
from storage.records import User
from storage.records.models import ExchangeInboxMessage, ExchangeOutboxMessage
from storage.records.vocabulary import EntrySource, UserRole
from tests.conftest import REDIS_TEST_URL
from tests.support.cli import run
from tests.support.names import unique_name

SENDER = "000.00.09.H09"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A fresh installation's environment, its queue on the test Redis."""
    values = {key: value for key, value in os.environ.items() if not key.startswith("SOHOA_")}
    values.update(SOHOA_DATA_DIR=str(tmp_path / "data"), SOHOA_REDIS_URL=REDIS_TEST_URL,
                  SOHOA_QUEUE_NAME=unique_name("flush"), SOHOA_SECRET_KEY="flush-test")
    return values


def _settings(env: dict[str, str]) -> Settings:
    return Settings(data_dir=Path(env["SOHOA_DATA_DIR"]), redis_url=REDIS_TEST_URL,
                    queue_name=env["SOHOA_QUEUE_NAME"], secret_key="flush-test")


def _sohoa(env: dict[str, str], *args: str, code: int = 0) -> str:
    done = run(list(args), env)
    assert done.returncode == code, (args, done.stdout, done.stderr)
    return done.stdout


def _received_and_assigned(env: dict[str, str]) -> None:
    """A document received by exchange (03/04 answered at registration), then assigned
    by the leader: its 05 is recorded for the sender."""
    db = open_records(_settings(env))
    try:
        with db.session() as session:
            for username, role in (("vanthu", UserRole.clerk), ("lanhdao", UserRole.leader),
                                   ("chuyenvien", UserRole.intake)):
                create_user(session, username=username, password="mật-khẩu-đủ-dài-123",
                            role=role, unit_code="UBND-XA", full_name=username)
            users = {user.username: CurrentUser(
                id=user.id, username=user.username, role=UserRole(user.role),
                unit_id=user.unit_id, visible_unit_ids=frozenset({user.unit_id}))
                for user in session.scalars(select(User))}
            entry = register_incoming(session, users["vanthu"], IncomingFields(
                sender="Sở Nội vụ", summary="V/v báo cáo"), source=EntrySource.exchange)
            session.add(ExchangeInboxMessage(
                unit_id=entry.unit_id, sender=SENDER, sender_name="Sở Nội vụ",
                message_document_id="DOC-7", subject="V/v báo cáo", object_key="k",
                accepted=True, reasons={}, status_code="04", answer_key="a",
                entry_id=entry.id))
            session.flush()
            mark_answered(session, entry.id)
            assign_entry(session, users["lanhdao"], entry, note="Xử lý",
                         lead=Handler("chuyenvien"))
    finally:
        db.dispose()


def _statuses_queued(env: dict[str, str]) -> list[str]:
    settings = _settings(env)
    db = open_records(settings)
    store = open_store(settings)
    try:
        with db.session() as session:
            codes = []
            for row in session.scalars(select(ExchangeOutboxMessage).where(
                    ExchangeOutboxMessage.kind == "status")):
                assert (row.recipient, row.message_document_id) == (SENDER, "DOC-7")
                with store.open(row.object_key) as stream:
                    data = stream.read()
                message = read_message(data, source="status", max_bytes=len(data) + 1)
                assert message.status is not None
                codes.append(message.status.code)
            return codes
    finally:
        db.dispose()


@pytest.mark.slow  # seven runs of the command: about 40 s
def test_a_pending_status_leaves_after_unattended_signing_is_allowed(
        env: dict[str, str], tmp_path: Path) -> None:
    pki = tmp_path / "pki"
    init_pki(pki)
    _sohoa(env, "unit", "add", "UBND-XA", "Ủy ban nhân dân xã Hòa An")
    _sohoa(env, "unit", "exchange", "UBND-XA", "--organ-id", "000.00.01.H01",
           "--p12", str(pki / "clerk.p12"), "--password", DEMO_PASSWORD)
    _received_and_assigned(env)

    left = _sohoa(env, "exchange", "flush", code=1)
    assert "unit UBND-XA: statuses left pending:" in left
    assert "--unattended" in left
    assert _statuses_queued(env) == []

    _sohoa(env, "unit", "exchange", "UBND-XA", "--password", DEMO_PASSWORD, "--unattended")
    sent = json.loads(_sohoa(env, "exchange", "flush", "--json"))
    assert sent == {"sent": {"UBND-XA": 1}, "left_pending": {}}
    assert _statuses_queued(env) == ["05"]
    assert _sohoa(env, "exchange", "flush").strip() == "no status pending"
    assert _statuses_queued(env) == ["05"]
