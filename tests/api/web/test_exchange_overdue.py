"""Overdue first answers on the exchange's pages and in its JSON API: an inbox message
whose ``03`` has not gone out in the time its priority allows, and a sent message whose
recipient has not answered ``01``/``03`` in time, are marked in words (Vietnamese first)
with the deadline; answered, fresh and undeliverable ones are not. The moments are fixed
far in the past (or now, for a message still within its working day)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from api.runtime import Runtime, open_runtime
from ingest.figures import VIETNAM
from storage.accounts import create_unit, create_user
from storage.records import Unit
from storage.records.models import ExchangeInboxMessage, ExchangeOutboxMessage
from tests.api.conftest import PASSWORD, make_settings
from tests.api.web.conftest import Web, logged_in

MONDAY_8AM = datetime(2026, 3, 2, 8, 0, tzinfo=VIETNAM)
EXPRESS = (b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n'
           b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope>'
           b"<edXMLHeader><MessageHeader><Subject>Express</Subject>"
           b"<OtherInfo><Priority>3</Priority></OtherInfo></MessageHeader></edXMLHeader>"
           b"<edXMLBody/></edXMLEnvelope></edXML>")


@dataclass
class Office:
    """An installation whose commune has exchange messages on time and late."""

    runtime: Runtime
    web: Web
    ids: dict[str, int]


def _seed(runtime: Runtime) -> dict[str, int]:
    express = runtime.store.put("exchange/inbox/1", io.BytesIO(EXPRESS), suffix=".edxml",
                                content_type="application/xml").key
    missing = "exchange/inbox/1/" + "0" * 64 + ".edxml"  # read as priority 0 (normal)
    with runtime.db.session() as session:
        unit = session.scalar(select(Unit).where(Unit.code == "UBND-XA"))
        assert unit is not None

        def arrived(name: str, key: str, status: str, moment: datetime,
                    accepted: bool = True) -> ExchangeInboxMessage:
            return ExchangeInboxMessage(
                unit_id=unit.id, sender="000.00.09.H09", sender_name="Sở Nội vụ",
                message_document_id=name, subject=f"Văn bản {name}", object_key=key,
                accepted=accepted, reasons={"codes": []}, status_code=status,
                received_at=moment)

        def sent(name: str, status: str | None, state: str) -> ExchangeOutboxMessage:
            return ExchangeOutboxMessage(
                unit_id=unit.id, kind="edoc", message_document_id=name,
                recipient="000.00.09.H09", object_key=missing, state=state, attempts=1,
                last_error="", status_code=status, created_at=MONDAY_8AM)

        rows: dict[str, ExchangeInboxMessage | ExchangeOutboxMessage] = {
            "late_in": arrived("IN-LATE", express, "01", MONDAY_8AM),
            "answered_in": arrived("IN-OK", express, "04", MONDAY_8AM),
            "refused_in": arrived("IN-NO", express, "02", MONDAY_8AM, accepted=False),
            "fresh_in": arrived("IN-NEW", missing, "01", datetime.now(UTC)),
            "late_out": sent("OUT-LATE", None, "delivered"),
            "arrived_out": sent("OUT-01", "01", "delivered"),
            "answered_out": sent("OUT-OK", "03", "delivered"),
            "failed_out": sent("OUT-FAILED", None, "failed")}
        session.add_all(rows.values())
        session.flush()
        return {name: row.id for name, row in rows.items()}


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    runtime = open_runtime(make_settings("embedded", tmp_path_factory.mktemp("overdue")))
    with runtime.db.session() as session:
        create_unit(session, "UBND-XA", "Ủy ban nhân dân xã Hòa An")
        create_user(session, username="vanthu", password=PASSWORD, role="clerk",
                    unit_code="UBND-XA", full_name="Văn thư")
    ids = _seed(runtime)
    try:
        with logged_in(runtime, "vanthu") as web:
            yield Office(runtime, web, ids)
    finally:
        runtime.close()


def _row(page: str, prefix: str, row_id: int) -> str:
    return page.split(f'id="{prefix}-{row_id}"')[1].split("</tr>")[0]


def test_the_inbox_marks_a_registration_overdue_in_words(office: Office) -> None:
    page = office.web.client.get("/ui/inbox")
    assert page.status_code == 200, page.text
    late = _row(page.text, "arrived", office.ids["late_in"])
    assert "Quá hạn phản hồi “Đã vào sổ” (hạn 02/03/2026 09:00)" in late
    assert "“Đã nhận”" not in late  # 01 went at once
    for name in ("answered_in", "refused_in", "fresh_in"):
        assert "Quá hạn" not in _row(page.text, "arrived", office.ids[name]), name
    detail = office.web.client.get(f"/ui/inbox/{office.ids['late_in']}")
    assert detail.status_code == 200
    assert "Hạn phản hồi" in detail.text
    assert "“Đã nhận” (01): hạn 02/03/2026 08:30" in detail.text
    assert "“Đã vào sổ” (03): hạn 02/03/2026 09:00" in detail.text
    assert detail.text.count('data-overdue="03"') == 1
    assert 'data-overdue="01"' not in detail.text


def test_the_outbox_marks_a_recipient_that_has_not_answered_in_time(office: Office) -> None:
    page = office.web.client.get("/ui/outgoing")
    assert page.status_code == 200, page.text
    late = _row(page.text, "sent", office.ids["late_out"])
    assert "Quá hạn phản hồi “Đã nhận” (hạn 02/03/2026 23:59)" in late
    assert "Quá hạn phản hồi “Đã vào sổ” (hạn 02/03/2026 23:59)" in late
    only_01 = _row(page.text, "sent", office.ids["arrived_out"])
    assert 'data-overdue="03"' in only_01
    assert 'data-overdue="01"' not in only_01
    for name in ("answered_out", "failed_out"):
        assert "Quá hạn" not in _row(page.text, "sent", office.ids[name]), name
    detail = office.web.client.get(f"/ui/outgoing/{office.ids['late_out']}")
    assert detail.status_code == 200
    assert detail.text.count("Quá hạn") == 2


def test_the_json_api_gives_the_deadlines_and_whether_overdue(office: Office) -> None:
    client = office.web.client
    token = client.post("/auth/token", data={"username": "vanthu", "password": PASSWORD})
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    inbox = {row["id"]: row for row in client.get("/exchange/inbox", headers=headers).json()}
    late = inbox[office.ids["late_in"]]
    assert late["priority"] == 3
    assert late["deadlines"] == {"01": "2026-03-02T01:30:00+00:00",
                                 "03": "2026-03-02T02:00:00+00:00"}
    assert (late["overdue"], late["overdue_codes"]) == (True, ["03"])
    assert inbox[office.ids["answered_in"]]["overdue"] is False
    assert inbox[office.ids["fresh_in"]]["overdue"] is False
    assert inbox[office.ids["fresh_in"]]["priority"] == 0
    outbox = {row["id"]: row for row in client.get("/exchange/outbox", headers=headers).json()}
    sent = outbox[office.ids["late_out"]]
    assert sent["deadlines"] == {"01": "2026-03-02T16:59:59+00:00",
                                 "03": "2026-03-02T16:59:59+00:00"}
    assert sent["overdue_codes"] == ["01", "03"]
    assert sent["trail"] == []
    assert outbox[office.ids["failed_out"]]["overdue"] is False
    assert outbox[office.ids["answered_out"]]["overdue"] is False
