"""Deadlines of the first answers per priority (01 arrived, 03 registered), with fixed
clocks: the same working day for a normal document (a day off or a public holiday moves
it to the next working day's end, Vietnam time), clock hours for urgent and express ones;
overdue only while the answer has not come; the priority read from the stored message's
header."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from ingest.calendar import WorkingCalendar
from ingest.figures import VIETNAM
from signing.edxml.model import Attachment, Code, Message, Organ
from signing.edxml.write import write_message
from signing.exchange.deadlines import (
    Allowance,
    ExchangeDeadlines,
    inbox_timeliness,
    message_priority,
    outbox_timeliness,
    timeliness,
)
from storage.errors import BadInputError
from storage.objects import ObjectStore
from storage.records.models import ExchangeInboxMessage, ExchangeOutboxMessage
from tests.signing.exchange.conftest import UnitKey

RULES = ExchangeDeadlines.parse()


def _vn(year: int, month: int, day: int, hour: int, minute: int, second: int = 0,
        ) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=VIETNAM)


@pytest.mark.parametrize(("text", "expected"), [
    ("30m", Allowance(minutes=30)), ("4h", Allowance(minutes=240)),
    (" 0d ", Allowance(working_days=0)), ("1D", Allowance(working_days=1)),
])
def test_allowances_are_read(text: str, expected: Allowance) -> None:
    assert Allowance.parse(text) == expected
    assert Allowance.parse(str(expected)) == expected


@pytest.mark.parametrize("text", ["", "4", "h", "-1h", "1.5h", "2w", "1h30m"])
def test_a_malformed_allowance_is_named(text: str) -> None:
    with pytest.raises(BadInputError):
        Allowance.parse(text)


def test_one_allowance_per_priority_is_needed() -> None:
    with pytest.raises(BadInputError, match="one per priority") as caught:
        ExchangeDeadlines.parse("0d,1h")
    assert caught.value.subject == "SOHOA_EXCHANGE_SLA_ARRIVED"


@pytest.mark.parametrize(("arrived", "due"), [
    (_vn(2026, 3, 2, 10, 0), _vn(2026, 3, 2, 23, 59, 59)),  # Monday: the same day
    (_vn(2026, 3, 2, 23, 50), _vn(2026, 3, 2, 23, 59, 59)),
    (_vn(2026, 3, 7, 9, 0), _vn(2026, 3, 9, 23, 59, 59)),  # Saturday: Monday
    (_vn(2026, 4, 30, 9, 0), _vn(2026, 5, 4, 23, 59, 59)),  # 30/4 and 1/5 off: Monday
    (datetime(2026, 3, 1, 17, 30, tzinfo=UTC), _vn(2026, 3, 2, 23, 59, 59)),  # Mon 00:30 VN
])
def test_a_normal_document_is_due_by_the_end_of_its_working_day(arrived: datetime,
                                                                  due: datetime) -> None:
    for code in ("01", "03"):
        assert RULES.due(code, 0, arrived) == due
        assert RULES.due(code, 0, arrived).tzinfo == UTC


def test_make_up_working_days_and_extra_days_off_count() -> None:
    calendar = WorkingCalendar(extra_holidays=frozenset({date(2026, 3, 2)}),
                               workdays=frozenset({date(2026, 3, 7)}))
    rules = ExchangeDeadlines.parse("1d,2h,1h,30m,30m", calendar=calendar)
    assert rules.due("01", 0, _vn(2026, 3, 6, 16, 0)) == _vn(2026, 3, 7, 23, 59, 59)
    assert rules.due("01", 0, _vn(2026, 3, 1, 16, 0)) == _vn(2026, 3, 4, 23, 59, 59)


def test_urgent_and_express_documents_are_due_within_hours_even_at_night() -> None:
    saturday_night = _vn(2026, 3, 7, 22, 0)
    assert RULES.due("01", 3, saturday_night) == _vn(2026, 3, 7, 22, 30)
    assert RULES.due("03", 3, saturday_night) == _vn(2026, 3, 7, 23, 0)
    assert RULES.due("03", 4, saturday_night) == _vn(2026, 3, 7, 23, 0)
    assert RULES.due("01", 1, saturday_night) == _vn(2026, 3, 8, 0, 0)
    assert RULES.due("03", 2, saturday_night) == _vn(2026, 3, 8, 0, 0)
    assert RULES.due("03", 9, saturday_night) == _vn(2026, 3, 9, 23, 59, 59)  # unknown: 0


def test_overdue_only_while_the_answer_has_not_come() -> None:
    start = _vn(2026, 3, 2, 8, 0)
    before, after = _vn(2026, 3, 2, 8, 59), _vn(2026, 3, 2, 9, 1)
    assert timeliness(RULES, 3, start, None, now=_vn(2026, 3, 2, 8, 30)).overdue is False
    assert timeliness(RULES, 3, start, None, now=before).overdue_codes == ["01"]
    assert timeliness(RULES, 3, start, None, now=after).overdue_codes == ["01", "03"]
    assert timeliness(RULES, 3, start, "01", now=before).overdue is False
    assert timeliness(RULES, 3, start, "01", now=after).overdue_codes == ["03"]
    for answered in ("02", "03", "04", "06", "15"):
        assert timeliness(RULES, 3, start, answered, now=after).overdue is False
    assert timeliness(RULES, 3, start, None, now=after, waiting=False).overdue is False
    normal = timeliness(RULES, 0, start, "01", now=_vn(2026, 3, 2, 23, 59, 59))
    assert normal.overdue is False  # due at the end of the day, not yet past it
    late = timeliness(RULES, 0, start, "01", now=_vn(2026, 3, 3, 0, 0))
    assert late.to_json() == {
        "priority": 0, "overdue": True, "overdue_codes": ["03"],
        "deadlines": {"01": "2026-03-02T16:59:59+00:00", "03": "2026-03-02T16:59:59+00:00"}}


def _stored(store: ObjectStore, key: UnitKey, priority: int | None, *,
            stray: bytes = b"") -> str:
    private, certificate, _ = pkcs12.load_key_and_certificates(key.data, key.pin.encode())
    assert isinstance(private, rsa.RSAPrivateKey)
    assert certificate is not None
    message = Message(
        kind="edoc", sender=Organ("000.00.01.H26", "Xã Tân Lập"),
        receivers=(Organ("000.00.02.H26", "Xã Đông Hòa"),),
        document_id="000.00.01.H26,2026/03/02,45/UBND-VP", code=Code("45", "UBND-VP"),
        subject="Về việc họp khẩn", priority=priority,
        attachments=(Attachment("45.pdf", "application/pdf", b"%PDF-1.7\n" * 300_000),))
    data = write_message(message, private, certificate, now=datetime(2026, 3, 2, 8, 0))
    return store.put("exchange/inbox/1", io.BytesIO(stray + data), suffix=".edxml",
                     content_type="application/xml").key


def test_the_priority_is_read_from_the_stored_header(local_store: ObjectStore,
                                                     unit_key: UnitKey) -> None:
    assert message_priority(local_store, _stored(local_store, unit_key, 3)) == 3
    assert message_priority(local_store, _stored(local_store, unit_key, 4,
                                                 stray=b"\xef\xbb\xbf\n")) == 4
    assert message_priority(local_store, _stored(local_store, unit_key, None)) == 0
    missing = "exchange/inbox/1/" + "0" * 64 + ".edxml"
    assert message_priority(local_store, missing) is None
    assert message_priority(local_store, local_store.put(
        "exchange/inbox/1", io.BytesIO(b"not xml at all"), suffix=".edxml").key) is None


def test_each_side_counts_from_its_own_moment(local_store: ObjectStore,
                                              unit_key: UnitKey) -> None:
    key = _stored(local_store, unit_key, 3)
    common: dict[str, Any] = {"object_key": key, "message_document_id": "d", "unit_id": 1}
    arrived = ExchangeInboxMessage(**common, sender="s", accepted=True, status_code="01",
                                   received_at=_vn(2026, 3, 2, 8, 0))
    checked = inbox_timeliness(local_store, RULES, arrived, now=_vn(2026, 3, 2, 9, 30))
    assert checked.priority == 3
    assert checked.overdue_codes == ["03"]
    sent = ExchangeOutboxMessage(**common, kind="edoc", recipient="r", state="delivered",
                                 status_code=None, created_at=_vn(2026, 3, 2, 8, 0))
    assert outbox_timeliness(local_store, RULES, sent,
                             now=_vn(2026, 3, 2, 8, 31)).overdue_codes == ["01"]
    failed = replace_state(sent, "failed")
    assert outbox_timeliness(local_store, RULES, failed,
                             now=_vn(2026, 3, 2, 12, 0)).overdue is False


def replace_state(row: ExchangeOutboxMessage, state: str) -> ExchangeOutboxMessage:
    """A copy of a sent message in another delivery state."""
    return ExchangeOutboxMessage(unit_id=row.unit_id, kind=row.kind, object_key=row.object_key,
                                 message_document_id=row.message_document_id,
                                 recipient=row.recipient, state=state,
                                 status_code=row.status_code, created_at=row.created_at)
