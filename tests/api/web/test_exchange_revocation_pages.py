"""Revoke from the pages (issue 15 §6), between two units of one installation (delivered
internally, through the delivery job's own code): the sending clerk finds the link on the
outgoing page's delivered row and revokes with the form; the receiving clerk sees on the
inbox page how many requests wait, accepts one on the requests page (15: withdrawn, in
history, register entry revoked, the link gone from the sender's row) and refuses another
(16 with the reason, which a refusal needs)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import select

from api.exchange_wiring import delivery_setup, receive
from api.runtime import Runtime, open_runtime
from signing.edxml.model import Message, Organ
from signing.edxml.write import write_message
from signing.exchange.outbox import deliver_outbox_message, delivery_job_id
from signing.exchange.statuses import allow_unattended_statuses, status_trail
from signing.exchange_parties import register_exchange_key, set_organ_id, unlock_exchange_key
from signing.pki import init_pki
from signing.pki.build import issue_certificate
from signing.registers.entries import IncomingFields, register_incoming
from storage.accounts import CurrentUser, create_unit, create_user
from storage.jobs import RunningJob
from storage.orphans import put_object
from storage.records import User
from storage.records.models import (
    ExchangeInboxMessage,
    ExchangeOutboxMessage,
    ExchangeRequest,
    RegisterEntry,
    Unit,
)
from storage.records.vocabulary import EntrySource, EntryState, UserRole
from tests.api.conftest import PASSWORD, make_settings
from tests.api.web.conftest import CSRF, Web, web_client

PIN = "1234"
XA, XB = "000.00.01.H26", "000.00.02.H26"
USERS = {"vanthu_a": ("clerk", "UBND-XA"), "vanthu_b": ("clerk", "UBND-XB"),
         "lanhdao_b": ("leader", "UBND-XB")}


@dataclass
class Office:
    """One installation, xã Hòa An (XA) sending to xã Bình Minh (XB), a client per user."""

    runtime: Runtime
    clients: dict[str, Web]

    def __getitem__(self, username: str) -> Web:
        return self.clients[username]


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    root = tmp_path_factory.mktemp("revocation-pages")
    pki = root / "pki"
    init_pki(pki)
    keys = {code: issue_certificate(pki, code.lower(), common_name=f"Văn thư {code}",
                                    password=PIN) for code in ("UBND-XA", "UBND-XB")}
    runtime = open_runtime(make_settings("embedded", root / "data"))
    sealer = runtime.settings.key_file_sealer()
    with runtime.db.session() as session:
        for code, organ, name in (("UBND-XA", XA, "Ủy ban nhân dân xã Hòa An"),
                                  ("UBND-XB", XB, "Ủy ban nhân dân xã Bình Minh")):
            unit = create_unit(session, code, name)
            set_organ_id(session, unit, organ)
            register_exchange_key(session, runtime.store, sealer, unit,
                                  keys[code].read_bytes(), PIN, f"{code}.p12")
            allow_unattended_statuses(session, runtime.store, sealer, unit, PIN)
        for username, (role, code) in USERS.items():
            create_user(session, username=username, password=PASSWORD, role=role,
                        unit_code=code, full_name=f"Người dùng {username}")
    clients: dict[str, Web] = {}
    try:
        for username in USERS:
            web = Web(runtime=runtime, client=web_client(runtime).__enter__())
            web.login(username)
            clients[username] = web
        yield Office(runtime, clients)
    finally:
        for web in clients.values():
            web.client.__exit__(None, None, None)
        runtime.close()


def _units(session: object) -> tuple[Unit, Unit]:
    xa = session.scalars(select(Unit).where(Unit.organ_id == XA)).one()  # type: ignore[attr-defined]
    xb = session.scalars(select(Unit).where(Unit.organ_id == XB)).one()  # type: ignore[attr-defined]
    return xa, xb


def _sent_and_held(office: Office, number: int) -> tuple[int, int, int]:
    """A document XA sent to XB, delivered (XB's own receiving code took it in) and
    registered in XB's incoming book: the outbox id, the inbox id, the entry id."""
    runtime = office.runtime
    with runtime.db.session() as session:
        xa, xb = _units(session)
        key = unlock_exchange_key(session, runtime.store, runtime.settings.key_file_sealer(),
                                  xa, PIN)
        document_id = f"{XA},2026/12/09,{number}/UBND-VP"
        data = write_message(Message(
            kind="edoc", sender=Organ(XA, xa.name), receivers=(Organ(XB, xb.name),),
            document_id=document_id, subject=f"V/v kế hoạch số {number}"), key.private_key,
            key.certificate, now=datetime(2026, 12, 9, 8, 0), chain=key.chain)
        kept = put_object(session, runtime.store, "exchange/outbox/test", io.BytesIO(data),
                          suffix=".edxml")
        sent = ExchangeOutboxMessage(unit_id=xa.id, kind="edoc", recipient=XB,
                                     message_document_id=document_id, object_key=kept.key,
                                     state="delivered", attempts=1, last_error="")
        session.add(sent)
        session.flush()
        sent_id, xb_id = sent.id, xb.id
    with runtime.db.session() as session:
        receive(runtime, session, data)
    with runtime.db.session() as session:
        held = session.scalars(select(ExchangeInboxMessage).where(
            ExchangeInboxMessage.message_document_id == document_id)).one()
        assert held.accepted, held.reasons
        clerk = session.scalars(select(User).where(User.username == "vanthu_b")).one()
        entry = register_incoming(session, CurrentUser(
            id=clerk.id, username=clerk.username, role=UserRole.clerk, unit_id=xb_id,
            visible_unit_ids=frozenset({xb_id})), IncomingFields(
            sender="Ủy ban nhân dân xã Hòa An", summary=held.subject),
            source=EntrySource.exchange)
        held.entry_id = entry.id
        return sent_id, held.id, entry.id


def _deliver(office: Office, outbox_id: int) -> None:
    """Run outbox message ``outbox_id``'s delivery job body (the internal transport to a
    unit here, its answer taken in)."""
    runtime = office.runtime
    result = deliver_outbox_message(
        runtime.db.session, runtime.store,
        RunningJob(delivery_job_id(outbox_id), runtime.db.session), outbox_id,
        delivery_setup(runtime))
    assert result["state"] == "delivered", result


def _newest_outbox(office: Office, kind: str, organ: str) -> int:
    with office.runtime.db.session() as session:
        row = session.scalars(select(ExchangeOutboxMessage).where(
            ExchangeOutboxMessage.kind == kind, ExchangeOutboxMessage.recipient == organ)
            .order_by(ExchangeOutboxMessage.id.desc())).first()
        assert row is not None
        return row.id


def _codes(office: Office, outbox_id: int) -> list[str]:
    with office.runtime.db.session() as session:
        return [event.code for event in status_trail(session, outbox_id)]


def _revoke_from_page(office: Office, sent_id: int, reason: str) -> None:
    clerk = office["vanthu_a"].client
    outgoing = clerk.get("/ui/outgoing")
    assert outgoing.status_code == 200
    link = f'href="/ui/outgoing/{sent_id}/revoke"'
    assert link in outgoing.text
    assert "Thu hồi / Cập nhật / Thay thế" in outgoing.text
    form = clerk.get(f"/ui/outgoing/{sent_id}/revoke")
    assert form.status_code == 200
    token = CSRF.search(form.text)
    assert token
    done = clerk.post(f"/ui/outgoing/{sent_id}/revoke", data={
        "csrf": token.group(1), "action": "revoke", "reason": reason, "pin": PIN})
    assert done.status_code == 303, done.text
    _deliver(office, _newest_outbox(office, "revoke", XB))


def _decide_from_page(office: Office, request_id: int, **fields: str) -> object:
    clerk = office["vanthu_b"].client
    token = CSRF.search(clerk.get("/ui/inbox/requests").text)
    assert token
    return clerk.post(f"/ui/inbox/requests/{request_id}",
                      data={"csrf": token.group(1), **fields})


def _request_id(office: Office, inbox_id: int) -> int:
    with office.runtime.db.session() as session:
        row = session.scalars(select(ExchangeRequest).where(
            ExchangeRequest.inbox_id == inbox_id)).one()
        assert row.state == "pending"
        return row.id


def test_revoke_from_the_outgoing_page_accept_and_refuse_on_the_requests_page(
        office: Office) -> None:
    first_sent, first_inbox, first_entry = _sent_and_held(office, 41)
    second_sent, second_inbox, second_entry = _sent_and_held(office, 42)
    _revoke_from_page(office, first_sent, "Văn bản gửi nhầm nơi nhận")
    _revoke_from_page(office, second_sent, "Cần sửa trích yếu")
    first, second = _request_id(office, first_inbox), _request_id(office, second_inbox)

    receiver = office["vanthu_b"].client
    inbox_page = receiver.get("/ui/inbox").text
    assert 'href="/ui/inbox/requests"' in inbox_page
    assert 'href="/ui/inbox/history"' in inbox_page
    assert re.search(r'id="requests-waiting">2 đang chờ quyết định<', inbox_page), inbox_page
    page = receiver.get("/ui/inbox/requests")
    assert page.status_code == 200
    assert "Văn bản gửi nhầm nơi nhận" in page.text
    assert page.text.count("Chờ văn thư quyết định") == 2
    leader_page = office["lanhdao_b"].client.get("/ui/inbox/requests")
    assert leader_page.status_code == 200
    assert 'value="accept"' not in leader_page.text  # the leader sees, the clerk decides

    # accepted: 15 back to XA, withdrawn into history, the entry revoked
    accepted = _decide_from_page(office, first, decision="accept")
    assert accepted.status_code == 303  # type: ignore[attr-defined]
    _deliver(office, _newest_outbox(office, "status", XA))
    assert _codes(office, first_sent)[-1] == "15"
    with office.runtime.db.session() as session:
        held = session.get(ExchangeInboxMessage, first_inbox)
        entry = session.get(RegisterEntry, first_entry)
        assert held is not None
        assert entry is not None
        assert held.withdrawn_at is not None
        assert entry.state == EntryState.revoked
    assert f'id="arrived-{first_inbox}"' not in receiver.get("/ui/inbox").text
    assert "V/v kế hoạch số 41" in receiver.get("/ui/inbox/history").text
    assert f'href="/ui/outgoing/{first_sent}/revoke"' not in office["vanthu_a"].client.get(
        "/ui/outgoing").text

    # refused: a reason is required, then 16 with it back to XA
    missing = _decide_from_page(office, second, decision="refuse", reason=" ")
    assert missing.status_code == 422  # type: ignore[attr-defined]
    assert "Hãy nhập lý do." in missing.text  # type: ignore[attr-defined]
    refusal = "Văn bản đã được giao xử lý, không thu hồi"
    refused = _decide_from_page(office, second, decision="refuse", reason=refusal)
    assert refused.status_code == 303  # type: ignore[attr-defined]
    _deliver(office, _newest_outbox(office, "status", XA))
    assert _codes(office, second_sent)[-1] == "16"
    with office.runtime.db.session() as session:
        row = session.get(ExchangeRequest, second)
        entry = session.get(RegisterEntry, second_entry)
        assert row is not None
        assert entry is not None
        assert (row.state, row.decision_reason) == ("refused", refusal)
        assert entry.state == EntryState.awaiting
    page = receiver.get("/ui/inbox/requests").text
    assert "Đã từ chối (16)" in page
    assert refusal in page
    assert "Đã đồng ý (15)" in page
    assert "id=\"requests-waiting\"" not in receiver.get("/ui/inbox").text
    assert f'href="/ui/outgoing/{second_sent}/revoke"' in office["vanthu_a"].client.get(
        "/ui/outgoing").text  # 16 does not end it: the sender may try again
