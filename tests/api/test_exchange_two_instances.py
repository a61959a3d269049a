"""Two sohoa installations on loopback exchange a signed document (issue 15): A sends, B
verifies, registers and answers; the statuses flow back into A's outbox trail. B refuses a
tampered attachment (02 with its reason) and a message signed by a key it does not know,
ignores a duplicate delivery, and gets a message sent while it was stopped once it is back
(A's delivery job retries with back-off)."""

from __future__ import annotations

import base64
import dataclasses
import json
import time
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from lxml import etree  # type: ignore[import-untyped]

from signing.edxml.parse import read_message
from signing.edxml.write import write_message
from signing.exchange.transport import MESSAGES_PATH
from tests.support.browser import sohoa
from tests.support.exchange import (
    ORGAN_A,
    ORGAN_B,
    PIN,
    answered,
    codes,
    deliver,
    inbox,
    outbox_row,
    poll,
    set_up_pair,
    signed_documents,
    token,
    web_login,
    web_post,
)


def _tampered(data: bytes) -> bytes:
    """The message with one byte of its attachment flipped (still valid base64)."""
    root = etree.fromstring(data)
    found = root.xpath("//*[local-name()='ContentTransferEncoded' or "
                       "local-name()='AttachmentEncoded']")
    element = next(item for item in found if len((item.text or "").strip()) > 100)
    raw = bytearray(base64.b64decode("".join((element.text or "").split())))
    raw[len(raw) // 2] ^= 0x01
    element.text = base64.b64encode(bytes(raw)).decode("ascii")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _signed_by_stranger(data: bytes, stranger_p12: Path) -> bytes:
    """The same message under another DocumentId, signed by a key B has not registered."""
    message = read_message(data, source="message", max_bytes=len(data) + 1)
    key, certificate, chain = pkcs12.load_key_and_certificates(stranger_p12.read_bytes(),
                                                              PIN.encode())
    assert key is not None
    assert certificate is not None
    forged = dataclasses.replace(message, document_id=f"{message.document_id}-khac")
    return write_message(forged, key, certificate,  # type: ignore[arg-type]
                         now=datetime.now().replace(microsecond=0), chain=list(chain))


@pytest.mark.ci_sample
@pytest.mark.slow
def test_two_installations_exchange_a_signed_document(tmp_path: Path) -> None:
    pair = set_up_pair(tmp_path)
    env_a, keys = pair.env_a, pair.keys

    with pair.serve_a() as a:
        with pair.serve_b() as b:
            first, second, third = signed_documents(a.client, pair.pki, tmp_path, 3)
            clerk_a, clerk_b = token(a.client, "vanthu"), token(b.client, "vanthu")

            # A sends; B answers 01 at once, then 03 once it is registered.
            sent = a.client.post("/exchange/send", headers=clerk_a,
                                 json={"document_id": first, "to": [ORGAN_B], "pin": PIN})
            assert sent.status_code == 202, sent.text
            outbox_id = int(sent.json()[0]["id"])
            row = poll("01, 03 and 04 in A's outbox trail", lambda: (
                lambda found: found if "04" in codes(found) else None)(
                outbox_row(a.client, clerk_a, outbox_id)))
            assert codes(row) == ["01", "03", "04"]  # received, registered, to assign
            assert row["state"] == "delivered"
            assert row["to"] == ORGAN_B
            arrived = [item for item in inbox(b.client, clerk_b)
                       if item["message_document_id"] == row["message_document_id"]]
            assert len(arrived) == 1, arrived
            assert arrived[0]["accepted"] is True, arrived
            assert arrived[0]["entry_id"] is not None
            assert arrived[0]["document_id"] is not None
            assert arrived[0]["from"]["organ_id"] == ORGAN_A
            print("A's outbox row:", json.dumps(row, ensure_ascii=False, indent=1))

            # B's leader assigns it on the register page, the lead handler marks it done:
            # 05 then 06 follow in A's trail.
            entry_id = int(arrived[0]["entry_id"])
            with httpx.Client(base_url=b.client.base_url, timeout=30) as leader_web:
                web_login(leader_web, "lanhdao")
                web_post(leader_web, entry_id, "assign", {
                    "note": "Giao anh Chuyên xử lý", "handler": "chuyenvien",
                    "part": "lead", "deadline": ""})
            poll("05 in A's outbox trail", lambda: "05" in codes(
                outbox_row(a.client, clerk_a, outbox_id)))
            with httpx.Client(base_url=b.client.base_url, timeout=30) as handler_web:
                web_login(handler_web, "chuyenvien")
                web_post(handler_web, entry_id, "done", {})
            row = poll("06 in A's outbox trail", lambda: (
                lambda found: found if "06" in codes(found) else None)(
                outbox_row(a.client, clerk_a, outbox_id)))
            assert codes(row) == ["01", "03", "04", "05", "06"]
            print("A's trail after B worked on it:",
                  json.dumps(row["trail"], ensure_ascii=False, indent=1))

            # The same valid message delivered again: the first answer, one inbox row.
            again = tmp_path / "first.edxml"
            sohoa(env_a, "edxml", "write", str(first), "--to", ORGAN_B, "-o", str(again),
                  "--password", PIN)
            unsigned = b.client.post(MESSAGES_PATH, content=again.read_bytes(),
                                     headers={"content-type": "application/xml"})
            assert unsigned.status_code == 401, unsigned.text  # signed requests only
            once, twice = deliver(b.client, again.read_bytes(), keys), deliver(
                b.client, again.read_bytes(), keys)
            assert once.content == twice.content
            assert once.headers.get("x-sohoa-duplicate") == "1"
            assert twice.headers.get("x-sohoa-duplicate") == "1"
            assert len([item for item in inbox(b.client, clerk_b)
                        if item["message_document_id"] == row["message_document_id"]]) == 1

            # A byte flipped in the attachment: refused with 02 and its reason.
            written = tmp_path / "second.edxml"
            sohoa(env_a, "edxml", "write", str(second), "--to", ORGAN_B, "-o", str(written),
                  "--password", PIN)
            code, reason = answered(deliver(b.client, _tampered(written.read_bytes()),
                                               keys))
            assert code == "02"
            assert "tampered attachment" in reason, reason
            refused = inbox(b.client, clerk_b)[0]
            assert refused["accepted"] is False
            assert refused["reasons"] == ["tampered_attachment"]

            # Signed by a key B does not know for A: refused.
            forged = _signed_by_stranger(written.read_bytes(), keys["stranger"])
            code, reason = answered(deliver(b.client, forged, keys))
            assert code == "02"
            assert "signature" in reason, reason
            assert inbox(b.client, clerk_b)[0]["reasons"] == ["bad_message_signature"]

        # B is stopped: A's message waits in the outbox and is retried.
        late = a.client.post("/exchange/send", headers=clerk_a,
                             json={"document_id": third, "to": [ORGAN_B], "pin": PIN})
        assert late.status_code == 202, late.text
        late_id = int(late.json()[0]["id"])
        waiting = poll("a failed attempt recorded", lambda: (
            lambda found: found if found["attempts"] >= 1 and found["last_error"] else None)(
            outbox_row(a.client, clerk_a, late_id)))
        assert waiting["state"] != "delivered"
        assert waiting["trail"] == []
        time.sleep(2)
        with pair.serve_b() as b:
            late_row = poll("the message sent while B was down, delivered", lambda: (
                lambda found: found if "01" in codes(found) else None)(
                outbox_row(a.client, clerk_a, late_id)), timeout=180)
            assert late_row["state"] == "delivered"
            assert late_row["attempts"] > waiting["attempts"]
            print("while B was down:", json.dumps(waiting, ensure_ascii=False))
            print("after B restarted:", json.dumps(late_row, ensure_ascii=False))
            clerk_b = token(b.client, "vanthu")
            assert any(item["message_document_id"] == late_row["message_document_id"]
                       and item["accepted"] for item in inbox(b.client, clerk_b))
