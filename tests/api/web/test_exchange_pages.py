"""The exchange's pages: the outbox lists a sent message and its recipient's trail of
statuses in words, the inbox shows verdicts and refusal reasons in words with links,
another unit's messages are hidden (404 by direct link), the roles each page needs, CSRF
on the send form; and the share of incoming documents acknowledged the same day, per
unit, computed, on the dashboard and in ``sohoa stats --json``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from api.runtime import Runtime, open_runtime
from ingest.figures import VIETNAM
from storage.accounts import create_unit, create_user
from storage.records import Unit
from storage.records.models import (
    ExchangeInboxMessage,
    ExchangeOutboxMessage,
    ExchangeStatusEvent,
)
from tests.api.conftest import PASSWORD, make_settings
from tests.api.web.conftest import CSRF, Web, web_client

USERS = {"vanthu": ("clerk", "UBND-XA"), "lanhdao": ("leader", "UBND-XA"),
         "tiepnhan": ("intake", "UBND-XA"), "khac": ("clerk", "UBND-XB")}
TODAY = datetime.now(VIETNAM).date()


def _vn(day_offset: int, hour: int, minute: int = 0) -> datetime:
    """A moment in Vietnam time, ``day_offset`` days from today."""
    return datetime.combine(TODAY + timedelta(days=day_offset), time(hour, minute),
                            tzinfo=VIETNAM)


@dataclass
class Office:
    """An installation with two communes, their exchange records, a client per user."""

    runtime: Runtime
    clients: dict[str, Web]
    ids: dict[str, int]

    def __getitem__(self, username: str) -> Web:
        return self.clients[username]


def _seed(runtime: Runtime) -> dict[str, int]:
    with runtime.db.session() as session:
        xa = session.scalar(select(Unit).where(Unit.code == "UBND-XA"))
        xb = session.scalar(select(Unit).where(Unit.code == "UBND-XB"))
        assert xa is not None
        assert xb is not None
        xa.organ_id, xb.organ_id = "000.00.01.H01", "000.00.02.H01"
        sent = ExchangeOutboxMessage(unit_id=xa.id, kind="edoc", message_document_id="DOC-1",
                                     recipient="000.00.09.H09", object_key="x", state="delivered",
                                     attempts=1, last_error="", status_code="03",
                                     created_at=_vn(0, 8), delivered_at=_vn(0, 8, 1))
        other_sent = ExchangeOutboxMessage(unit_id=xb.id, kind="edoc", message_document_id="B-1",
                                           recipient="000.00.01.H01", object_key="y",
                                           state="pending", attempts=0, last_error="")
        session.add_all([sent, other_sent])
        session.flush()
        session.add_all([
            ExchangeStatusEvent(outbox_id=sent.id, code="01", description="Đã đến",
                                stated_at=datetime(2026, 3, 2, 8, 5)),
            ExchangeStatusEvent(outbox_id=sent.id, code="03", description="Đã tiếp nhận",
                                stated_at=datetime(2026, 3, 2, 9, 40))])
        same_day = ExchangeInboxMessage(
            unit_id=xa.id, sender="000.00.09.H09", sender_name="Sở Nội vụ",
            message_document_id="IN-1", subject="Về việc báo cáo số liệu", object_key="a",
            accepted=True, reasons={"codes": []}, status_code="03", received_at=_vn(0, 9))
        next_day = ExchangeInboxMessage(
            unit_id=xa.id, sender="000.00.09.H09", sender_name="Sở Nội vụ",
            message_document_id="IN-2", subject="Về việc họp giao ban", object_key="b",
            accepted=True, reasons={"codes": []}, status_code="03", received_at=_vn(-1, 23, 30))
        refused = ExchangeInboxMessage(
            unit_id=xa.id, sender="000.00.07.H07", sender_name="",
            message_document_id="IN-3", subject="Giả mạo", object_key="c", accepted=False,
            reasons={"codes": ["unknown_sender", "tampered_attachment"]}, status_code="02",
            received_at=_vn(0, 10))
        elsewhere = ExchangeInboxMessage(
            unit_id=xb.id, sender="000.00.01.H01", sender_name="Xã Hòa An",
            message_document_id="IN-9", subject="Của xã khác", object_key="d", accepted=True,
            reasons={"codes": []}, status_code="01", received_at=_vn(0, 9))
        session.add_all([same_day, next_day, refused, elsewhere])
        for document_id, created in (("IN-1", _vn(0, 9, 5)), ("IN-2", _vn(0, 8))):
            session.add(ExchangeOutboxMessage(
                unit_id=xa.id, kind="status", message_document_id=document_id,
                recipient="000.00.09.H09", object_key="s", state="delivered", attempts=1,
                last_error="", created_at=created))
        session.flush()
        return {"sent": sent.id, "other_sent": other_sent.id, "same_day": same_day.id,
                "refused": refused.id, "elsewhere": elsewhere.id, "xa": xa.id, "xb": xb.id}


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    runtime = open_runtime(make_settings("embedded", tmp_path_factory.mktemp("exchange")))
    with runtime.db.session() as session:
        create_unit(session, "UBND-XA", "Ủy ban nhân dân xã Hòa An")
        create_unit(session, "UBND-XB", "Ủy ban nhân dân xã Bình Minh")
        for username, (role, unit) in USERS.items():
            create_user(session, username=username, password=PASSWORD, role=role,
                        unit_code=unit, full_name=username)
    ids = _seed(runtime)
    clients: dict[str, Web] = {}
    try:
        for username in USERS:
            web = Web(runtime=runtime, client=web_client(runtime).__enter__())
            web.login(username)
            clients[username] = web
        yield Office(runtime, clients, ids)
    finally:
        for web in clients.values():
            web.client.__exit__(None, None, None)
        runtime.close()


def test_outbox_lists_the_message_and_its_trail_in_words(office: Office) -> None:
    page = office["vanthu"].client.get("/ui/outgoing")
    assert page.status_code == 200, page.text
    row = page.text.split(f'id="sent-{office.ids["sent"]}"')[1].split("</tr>")[0]
    assert "000.00.09.H09" in row
    assert "Đã chuyển" in row
    assert "Đã nhận" in row
    assert "Đã vào sổ" in row
    assert "02/03/2026 08:05" in row
    assert "02/03/2026 09:40" in row
    assert row.index("Đã nhận") < row.index("Đã vào sổ")
    assert f'id="sent-{office.ids["other_sent"]}"' not in page.text
    assert 'id="send-form"' in page.text
    assert 'name="pin"' in page.text
    assert "000.00.02.H01" in page.text  # the other commune is a recipient to choose
    detail = office["vanthu"].client.get(f"/ui/outgoing/{office.ids['sent']}")
    assert detail.status_code == 200
    assert "Đã vào sổ" in detail.text
    trail = office["vanthu"].client.get(f"/ui/outgoing/{office.ids['sent']}/trail")
    assert trail.status_code == 200
    assert "<html" not in trail.text
    assert "Đã nhận" in trail.text


def test_inbox_shows_verdicts_and_reasons_in_words(office: Office) -> None:
    page = office["lanhdao"].client.get("/ui/inbox")
    assert page.status_code == 200, page.text
    refused = page.text.split(f'id="arrived-{office.ids["refused"]}"')[1].split("</tr>")[0]
    assert "Từ chối" in refused
    assert "Nơi gửi không có trong danh bạ" in refused
    assert "Tệp đính kèm bị thay đổi sau khi ký" in refused
    accepted = page.text.split(f'id="arrived-{office.ids["same_day"]}"')[1].split("</tr>")[0]
    assert "Hợp lệ, đã tiếp nhận" in accepted
    assert "Sở Nội vụ" in accepted
    assert "Của xã khác" not in page.text
    detail = office["vanthu"].client.get(f"/ui/inbox/{office.ids['refused']}")
    assert detail.status_code == 200
    assert "Nơi gửi không có trong danh bạ" in detail.text


def test_another_units_messages_are_404(office: Office) -> None:
    client = office["vanthu"].client
    assert client.get(f"/ui/inbox/{office.ids['elsewhere']}").status_code == 404
    assert client.get(f"/ui/outgoing/{office.ids['other_sent']}").status_code == 404
    assert office["khac"].client.get(f"/ui/outgoing/{office.ids['sent']}").status_code == 404
    assert office["khac"].client.get(f"/ui/inbox/{office.ids['refused']}").status_code == 404


def test_roles(office: Office) -> None:
    client = office["tiepnhan"].client
    for path in ("/ui/outgoing", "/ui/inbox", f"/ui/inbox/{office.ids['same_day']}"):
        assert client.get(path).status_code == 403, path
    assert "/ui/inbox" in office["vanthu"].client.get("/").text
    leader = office["lanhdao"]
    token = leader.csrf("/ui/inbox")
    refused = leader.client.post("/ui/outgoing", data={"csrf": token, "document_id": "1",
                                                       "to": "000.00.02.H01", "pin": "x"})
    assert refused.status_code == 403


def test_send_form_needs_csrf_and_shows_errors_beside_fields(office: Office) -> None:
    client = office["vanthu"].client
    forged = client.post("/ui/outgoing", data={"document_id": "1", "to": "000.00.02.H01",
                                               "pin": "123456"})
    assert forged.status_code == 403
    found = CSRF.search(client.get("/ui/outgoing").text)
    assert found
    empty = client.post("/ui/outgoing", data={"csrf": found.group(1), "pin": ""})
    assert empty.status_code == 422
    assert 'id="to-error"' in empty.text
    assert "Hãy chọn ít nhất một nơi nhận." in empty.text
    assert 'id="pin-error"' in empty.text
    assert 'id="document-error"' in empty.text
    missing = client.post("/ui/outgoing", data={"csrf": found.group(1), "document_id": "999999",
                                                "to": "000.00.02.H01", "pin": "123456"})
    assert missing.status_code == 422
    assert 'id="document-error"' in missing.text
    with office.runtime.db.session() as session:
        count = session.scalar(select(ExchangeOutboxMessage.id).where(
            ExchangeOutboxMessage.kind == "edoc", ExchangeOutboxMessage.document_id == 999999))
        assert count is None
