"""Two sohoa installations on loopback revoke and replace a sent document (issue 15 §6):
A sends signed documents to B; A revokes one, B's records office accepts (A's trail shows
15, the document leaves B's inbox for its history, B's register entry is revoked and the
book notes it); A revokes another, B refuses with a reason (16 with that reason in A's
trail); A sends a replacement of a third, B accepts (15, the new document arrives and is
registered, the old entry marked replaced). One pair of servers for the whole module."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.support.exchange import (
    ORGAN_A,
    ORGAN_B,
    PIN,
    Pair,
    codes,
    inbox,
    poll,
    set_up_pair,
    signed_documents,
    token,
    wait_for_code,
    web_login,
)
from tests.support.processes import RunningServe

# two installations on loopback for the module: about a minute; the revocation workflow
# itself runs in every CI run in tests/signing/exchange/test_revocation.py (both databases)
pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Sent:
    """A document A sent and B registered: A's outbox row, B's inbox row."""

    outbox_id: int
    message_document_id: str
    inbox: dict[str, Any]


@dataclass(frozen=True)
class Running:
    """Both installations running, the clerks' tokens, the documents sent (01/03/04
    answered) and a signed document kept back to replace one of them."""

    pair: Pair
    a: RunningServe
    b: RunningServe
    clerk_a: dict[str, str]
    clerk_b: dict[str, str]
    sent: list[Sent]
    spare_document: int


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """A and B set up and serving; three documents sent from A to B and registered."""
    tmp = tmp_path_factory.mktemp("revocation")
    pair = set_up_pair(tmp)
    with pair.serve_a() as a, pair.serve_b() as b:
        *documents, spare = signed_documents(a.client, pair.pki, tmp, 4)
        clerk_a, clerk_b = token(a.client, "vanthu"), token(b.client, "vanthu")
        ids = []
        for document in documents:
            answer = a.client.post("/exchange/send", headers=clerk_a, json={
                "document_id": document, "to": [ORGAN_B], "pin": PIN})
            assert answer.status_code == 202, answer.text
            ids.append(int(answer.json()[0]["id"]))
        sent = []
        for outbox_id in ids:
            row = wait_for_code(a.client, clerk_a, outbox_id, "04")
            assert codes(row) == ["01", "03", "04"]
            arrived = [item for item in inbox(b.client, clerk_b)
                       if item["message_document_id"] == row["message_document_id"]]
            assert len(arrived) == 1, arrived
            assert arrived[0]["accepted"] is True
            assert arrived[0]["entry_id"] is not None
            sent.append(Sent(outbox_id, row["message_document_id"], arrived[0]))
        yield Running(pair, a, b, clerk_a, clerk_b, sent, spare)


def _request_about(running: Running, target: str) -> dict[str, Any]:
    """B's waiting request about DocumentId ``target`` once it has arrived."""
    def probe() -> dict[str, Any] | None:
        answer = running.b.client.get("/exchange/requests", headers=running.clerk_b)
        assert answer.status_code == 200, answer.text
        found = [row for row in answer.json() if row["target_document_id"] == target]
        return found[0] if found else None
    found: dict[str, Any] = poll(f"B's request about {target}", probe)
    return found


def _decide(running: Running, request_id: int, **decision: Any) -> dict[str, Any]:
    answer = running.b.client.post(f"/exchange/requests/{request_id}/decision",
                                   headers=running.clerk_b, json=decision)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _entry_page(running: Running, entry_id: int) -> str:
    with httpx.Client(base_url=running.b.client.base_url, timeout=30) as web:
        web_login(web, "vanthu")
        page = web.get(f"/ui/registers/entries/{entry_id}")
        assert page.status_code == 200, page.text
        return page.text


def _book_notes(running: Running) -> dict[str, str]:
    """B's incoming book as CSV: the note of each entry by its number."""
    with httpx.Client(base_url=running.b.client.base_url, timeout=30) as web:
        web_login(web, "vanthu")
        answer = web.get("/ui/registers/incoming/book.csv")
        assert answer.status_code == 200, answer.text
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    return {row[1]: row[-1] for row in rows[1:]}


def test_a_revocation_is_accepted(running: Running) -> None:
    first = running.sent[0]
    a, b = running.a.client, running.b.client
    reason = "Văn bản gửi nhầm nơi nhận"
    revoked = a.post(f"/exchange/outbox/{first.outbox_id}/revoke", headers=running.clerk_a,
                     json={"reason": reason, "pin": PIN})
    assert revoked.status_code == 202, revoked.text
    assert (revoked.json()["kind"], revoked.json()["refers_to"]) == (
        "revoke", first.message_document_id)

    request = _request_about(running, first.message_document_id)
    assert request["state"] == "pending"
    assert (request["business"], request["reason"]) == (1, reason)
    assert request["from"]["organ_id"] == ORGAN_A
    assert request["inbox_id"] == first.inbox["id"]
    decided = _decide(running, request["id"], accept=True)
    assert decided["state"] == "accepted"

    row = wait_for_code(a, running.clerk_a, first.outbox_id, "15")
    assert codes(row) == ["01", "03", "04", "15"]
    request_row = wait_for_code(a, running.clerk_a, int(revoked.json()["id"]), "15")
    assert request_row["state"] == "delivered"

    assert first.message_document_id not in [
        item["message_document_id"] for item in inbox(b, running.clerk_b)]
    history = [item for item in inbox(b, running.clerk_b, history=True)
               if item["message_document_id"] == first.message_document_id]
    assert len(history) == 1, history
    assert history[0]["withdrawn_at"] is not None
    assert history[0]["status"] == "15"
    page = _entry_page(running, int(first.inbox["entry_id"]))
    assert 'id="entry-state">Đã thu hồi<' in page, page[:3000]
    notes = [note for note in _book_notes(running).values() if note.startswith("Đã thu hồi")]
    assert len(notes) == 1, notes
    assert notes[0].endswith(f"lý do: {reason}"), notes

    # the same document cannot be revoked again: its recipient withdrew it already
    again = a.post(f"/exchange/outbox/{first.outbox_id}/revoke", headers=running.clerk_a,
                   json={"reason": reason, "pin": PIN})
    assert again.status_code == 409, again.text


def test_a_revocation_is_refused_with_a_reason(running: Running) -> None:
    second = running.sent[1]
    a, b = running.a.client, running.b.client
    revoked = a.post(f"/exchange/outbox/{second.outbox_id}/revoke", headers=running.clerk_a,
                     json={"reason": "Cần sửa trích yếu", "pin": PIN})
    assert revoked.status_code == 202, revoked.text
    request = _request_about(running, second.message_document_id)
    refusal = "Văn bản đã được lãnh đạo phê duyệt và giao xử lý"
    missing = b.post(f"/exchange/requests/{request['id']}/decision", headers=running.clerk_b,
                     json={"accept": False})
    assert missing.status_code == 422, missing.text  # a refusal needs its reason
    decided = _decide(running, request["id"], accept=False, reason=refusal)
    assert (decided["state"], decided["decision_reason"]) == ("refused", refusal)

    row = wait_for_code(a, running.clerk_a, second.outbox_id, "16")
    assert codes(row) == ["01", "03", "04", "16"]
    assert row["trail"][-1]["description"] == refusal
    # refused: B still holds it, in the inbox, its entry as it was
    still = [item for item in inbox(b, running.clerk_b)
             if item["message_document_id"] == second.message_document_id]
    assert len(still) == 1, still
    assert still[0]["withdrawn_at"] is None
    assert 'id="entry-state">Đã thu hồi<' not in _entry_page(
        running, int(second.inbox["entry_id"]))


def test_a_replacement_is_accepted_and_registered(running: Running) -> None:
    third = running.sent[2]
    a, b = running.a.client, running.b.client
    reason = "Thay thế do sai số liệu tại Điều 2"
    replaced = a.post(f"/exchange/outbox/{third.outbox_id}/replace", headers=running.clerk_a,
                      json={"document_id": running.spare_document, "reason": reason,
                            "pin": PIN, "business": 3})
    assert replaced.status_code == 202, replaced.text
    new_id = replaced.json()["message_document_id"]
    assert new_id != third.message_document_id
    request = _request_about(running, third.message_document_id)
    assert (request["business"], request["message_document_id"]) == (3, new_id)
    decided = _decide(running, request["id"], accept=True)
    assert decided["new_inbox_id"] is not None

    row = wait_for_code(a, running.clerk_a, third.outbox_id, "15")
    assert codes(row) == ["01", "03", "04", "15"]
    replacement = wait_for_code(a, running.clerk_a, int(replaced.json()["id"]), "04")
    assert "01" in codes(replacement)
    assert "03" in codes(replacement)
    listed = {item["message_document_id"]: item for item in inbox(b, running.clerk_b)}
    assert third.message_document_id not in listed
    assert listed[new_id]["accepted"] is True
    assert listed[new_id]["entry_id"] is not None
    assert 'id="entry-state">Đã bị thay thế<' in _entry_page(
        running, int(third.inbox["entry_id"]))
