"""Two sohoa installations on loopback exchange a signed document (issue 15): A sends, B
verifies, registers and answers; the statuses flow back into A's outbox trail. B refuses a
tampered attachment (02 with its reason) and a message signed by a key it does not know,
ignores a duplicate delivery, and gets a message sent while it was stopped once it is back
(A's delivery job retries with back-off)."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import random
import re
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from lxml import etree

from ingest.synthetic import generate_document
from signing.edxml.parse import read_message
from signing.edxml.write import write_message
from signing.exchange.request_auth import (
    NONCE,
    RequestCredentials,
    check_response,
    sign_request,
)
from signing.exchange.transport import MESSAGES_PATH
from signing.pki.build import LEADER_NAME, issue_certificate
from tests.support.browser import sohoa
from tests.support.processes import RunningServe, running_serve
from tests.support.seaweed import free_ports
from tests.support.synthetic_pdf import render_pdf

PASSWORD = "mật-khẩu-đủ-dài-trao-đổi"
PIN = "1234"
ORGAN_A, ORGAN_B = "000.00.01.H01", "000.00.02.H02"
NAME_A, NAME_B = "Ủy ban nhân dân xã Tân Lập", "Ủy ban nhân dân xã Bình Minh"
DEADLINE = 60.0


def serve_on(env: dict[str, str], log_path: Path, port: int
             ) -> AbstractContextManager[RunningServe]:
    """``sohoa serve --workers 1`` on a fixed port, so a restarted receiver keeps the URL
    its peer knows."""
    return running_serve(env, log_path, "--workers", "1", port=port)


def _poll(what: str, probe: Callable[[], Any], *, timeout: float = DEADLINE) -> Any:
    """``probe()`` every 0.3 s until it gives something true; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what}: not within {timeout}s"
        time.sleep(0.3)


def _token(client: httpx.Client, username: str) -> dict[str, str]:
    answer = client.post("/auth/token", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _pem(p12: Path) -> Path:
    _, certificate, _ = pkcs12.load_key_and_certificates(p12.read_bytes(), PIN.encode())
    assert certificate is not None
    path = p12.with_suffix(".pem")
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path


def _env(data_dir: Path, pki: Path, port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SOHOA_")}
    env.update({"SOHOA_DATA_DIR": str(data_dir), "SOHOA_PKI_DIR": str(pki),
                "SOHOA_PUBLIC_URL": f"http://127.0.0.1:{port}"})
    return env


def _web_login(client: httpx.Client, username: str) -> None:
    """Log in through B's login form; the client keeps the session cookie."""
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]*)"', form.text)
    assert token, form.text[:500]
    answer = client.post("/login", data={"csrf": token.group(1), "username": username,
                                         "password": PASSWORD, "next": "/"})
    assert answer.status_code == 303, answer.text


def _web_post(client: httpx.Client, entry_id: int, action: str,
              fields: dict[str, str]) -> None:
    """Post a form of the entry page with the page's CSRF token (a redirect back)."""
    page = client.get(f"/ui/registers/entries/{entry_id}")
    assert page.status_code == 200, page.text
    token = re.search(r'name="csrf" value="([^"]*)"', page.text)
    assert token, page.text[:500]
    answer = client.post(f"/ui/registers/entries/{entry_id}/{action}",
                         data={"csrf": token.group(1), **fields})
    assert answer.status_code == 303, answer.text


def _signed_documents(client: httpx.Client, tmp_path: Path, count: int) -> list[int]:
    """``count`` drafts made by A's clerk and signed by A's leader; their ids."""
    leader, clerk = _token(client, "lanhdao"), _token(client, "vanthu")
    key = (tmp_path / "pki" / "leader.p12").read_bytes()
    registered = client.post("/me/signing-key", headers=leader, data={"pin": PIN},
                             files={"file": ("leader.p12", key, "application/x-pkcs12")})
    assert registered.status_code in (200, 201), registered.text
    documents, requests = [], []
    for seed in range(count):
        path = tmp_path / f"cong-van-{seed}.pdf"
        render_pdf(generate_document(random.Random(seed), "cong_van", f"cv-{seed}"), path)
        draft = client.post("/drafts", headers=clerk, files={
            "file": (path.name, path.read_bytes(), "application/pdf")})
        assert draft.status_code == 201, draft.text
        documents.append(int(draft.json()["id"]))
        asked = client.post(f"/documents/{documents[-1]}/signing-requests", headers=clerk,
                            json={"signer": "lanhdao", "role": "leader", "level": "B-B"})
        assert asked.status_code == 201, asked.text
        requests.append(int(asked.json()["id"]))
    signed = client.post("/signing/sign", headers=leader, timeout=120,
                         json={"request_ids": requests, "pin": PIN})
    assert signed.status_code == 200, signed.text
    return documents


def _outbox_row(client: httpx.Client, headers: dict[str, str], outbox_id: int
                ) -> dict[str, Any]:
    answer = client.get("/exchange/outbox", headers=headers)
    assert answer.status_code == 200, answer.text
    rows = [row for row in answer.json() if row["id"] == outbox_id]
    assert len(rows) == 1, answer.json()
    return dict(rows[0])


def _codes(row: dict[str, Any]) -> list[str]:
    return [event["code"] for event in row["trail"]]


def _inbox(client: httpx.Client, headers: dict[str, str]) -> list[dict[str, Any]]:
    answer = client.get("/exchange/inbox", headers=headers)
    assert answer.status_code == 200, answer.text
    return list(answer.json())


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


def _deliver(client: httpx.Client, data: bytes, keys: dict[str, Path]) -> httpx.Response:
    """POST ``data`` to B as A's unit does: the request signed by A's key; B's answer
    must be signed by B's key, for this request."""
    key, _, _ = pkcs12.load_key_and_certificates(keys["unit-a"].read_bytes(), PIN.encode())
    _, certificate_b, _ = pkcs12.load_key_and_certificates(keys["unit-b"].read_bytes(),
                                                           PIN.encode())
    assert isinstance(key, rsa.RSAPrivateKey)
    assert certificate_b is not None
    headers = sign_request(key, sender=ORGAN_A, recipient=ORGAN_B, method="POST",
                           path=MESSAGES_PATH, body=data, now=datetime.now(UTC))
    answer = client.post(MESSAGES_PATH, content=data,
                         headers={"content-type": "application/xml", **headers})
    assert answer.status_code == 200, answer.text
    check_response(answer.headers, status=200, body=answer.content,
                   credentials=RequestCredentials(ORGAN_A, key, certificate_b),
                   responder=ORGAN_B, request_nonce=headers[NONCE], now=datetime.now(UTC))
    return answer


def _answered(answer: httpx.Response) -> tuple[str, str]:
    message = read_message(answer.content, source="answer", max_bytes=len(answer.content) + 1)
    assert message.kind == "status"
    assert message.status is not None
    return message.status.code, message.status.description or ""


@pytest.mark.slow
def test_two_installations_exchange_a_signed_document(tmp_path: Path) -> None:
    pki = tmp_path / "pki"
    port_a, port_b = free_ports(2)
    env_a = _env(tmp_path / "a", pki, port_a)
    env_b = _env(tmp_path / "b", pki, port_b)
    sohoa(env_a, "pki", "init", str(pki))
    keys = {name: issue_certificate(pki, name, common_name=f"Văn thư {name}")
            for name in ("unit-a", "unit-b", "stranger")}
    for env, code, organ, name, p12 in ((env_a, "UBND-A", ORGAN_A, NAME_A, keys["unit-a"]),
                                        (env_b, "UBND-B", ORGAN_B, NAME_B, keys["unit-b"])):
        sohoa(env, "unit", "add", code, name)
        sohoa(env, "unit", "exchange", code, "--organ-id", organ, "--p12", str(p12),
              "--password", PIN, "--unattended")
        sohoa(env, "user", "add", "lanhdao", "--role", "leader", "--unit", code,
              "--password", PASSWORD, "--full-name", LEADER_NAME)
        sohoa(env, "user", "add", "vanthu", "--role", "clerk", "--unit", code,
              "--password", PASSWORD, "--full-name", "Lê Thị Văn Thư")
    sohoa(env_b, "user", "add", "chuyenvien", "--role", "intake", "--unit", "UBND-B",
          "--password", PASSWORD, "--full-name", "Trần Văn Chuyên")
    sohoa(env_a, "peer", "add", ORGAN_B, NAME_B, "--url", f"http://127.0.0.1:{port_b}",
          "--cert", str(_pem(keys["unit-b"])))
    sohoa(env_b, "peer", "add", ORGAN_A, NAME_A, "--url", f"http://127.0.0.1:{port_a}",
          "--cert", str(_pem(keys["unit-a"])))

    with serve_on(env_a, tmp_path / "a.log", port_a) as a:
        with serve_on(env_b, tmp_path / "b.log", port_b) as b:
            first, second, third = _signed_documents(a.client, tmp_path, 3)
            clerk_a, clerk_b = _token(a.client, "vanthu"), _token(b.client, "vanthu")

            # A sends; B answers 01 at once, then 03 once it is registered.
            sent = a.client.post("/exchange/send", headers=clerk_a,
                                 json={"document_id": first, "to": [ORGAN_B], "pin": PIN})
            assert sent.status_code == 202, sent.text
            outbox_id = int(sent.json()[0]["id"])
            row = _poll("01, 03 and 04 in A's outbox trail", lambda: (
                lambda found: found if "04" in _codes(found) else None)(
                _outbox_row(a.client, clerk_a, outbox_id)))
            assert _codes(row) == ["01", "03", "04"]  # received, registered, to assign
            assert row["state"] == "delivered"
            assert row["to"] == ORGAN_B
            arrived = [item for item in _inbox(b.client, clerk_b)
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
                _web_login(leader_web, "lanhdao")
                _web_post(leader_web, entry_id, "assign", {
                    "note": "Giao anh Chuyên xử lý", "handler": "chuyenvien",
                    "part": "lead", "deadline": ""})
            _poll("05 in A's outbox trail", lambda: "05" in _codes(
                _outbox_row(a.client, clerk_a, outbox_id)))
            with httpx.Client(base_url=b.client.base_url, timeout=30) as handler_web:
                _web_login(handler_web, "chuyenvien")
                _web_post(handler_web, entry_id, "done", {})
            row = _poll("06 in A's outbox trail", lambda: (
                lambda found: found if "06" in _codes(found) else None)(
                _outbox_row(a.client, clerk_a, outbox_id)))
            assert _codes(row) == ["01", "03", "04", "05", "06"]
            print("A's trail after B worked on it:",
                  json.dumps(row["trail"], ensure_ascii=False, indent=1))

            # The same valid message delivered again: the first answer, one inbox row.
            again = tmp_path / "first.edxml"
            sohoa(env_a, "edxml", "write", str(first), "--to", ORGAN_B, "-o", str(again),
                  "--password", PIN)
            unsigned = b.client.post(MESSAGES_PATH, content=again.read_bytes(),
                                     headers={"content-type": "application/xml"})
            assert unsigned.status_code == 401, unsigned.text  # signed requests only
            once, twice = _deliver(b.client, again.read_bytes(), keys), _deliver(
                b.client, again.read_bytes(), keys)
            assert once.content == twice.content
            assert once.headers.get("x-sohoa-duplicate") == "1"
            assert twice.headers.get("x-sohoa-duplicate") == "1"
            assert len([item for item in _inbox(b.client, clerk_b)
                        if item["message_document_id"] == row["message_document_id"]]) == 1

            # A byte flipped in the attachment: refused with 02 and its reason.
            written = tmp_path / "second.edxml"
            sohoa(env_a, "edxml", "write", str(second), "--to", ORGAN_B, "-o", str(written),
                  "--password", PIN)
            code, reason = _answered(_deliver(b.client, _tampered(written.read_bytes()),
                                               keys))
            assert code == "02"
            assert "tampered attachment" in reason, reason
            refused = _inbox(b.client, clerk_b)[0]
            assert refused["accepted"] is False
            assert refused["reasons"] == ["tampered_attachment"]

            # Signed by a key B does not know for A: refused.
            forged = _signed_by_stranger(written.read_bytes(), keys["stranger"])
            code, reason = _answered(_deliver(b.client, forged, keys))
            assert code == "02"
            assert "signature" in reason, reason
            assert _inbox(b.client, clerk_b)[0]["reasons"] == ["bad_message_signature"]

        # B is stopped: A's message waits in the outbox and is retried.
        late = a.client.post("/exchange/send", headers=clerk_a,
                             json={"document_id": third, "to": [ORGAN_B], "pin": PIN})
        assert late.status_code == 202, late.text
        late_id = int(late.json()[0]["id"])
        waiting = _poll("a failed attempt recorded", lambda: (
            lambda found: found if found["attempts"] >= 1 and found["last_error"] else None)(
            _outbox_row(a.client, clerk_a, late_id)))
        assert waiting["state"] != "delivered"
        assert waiting["trail"] == []
        time.sleep(2)
        with serve_on(env_b, tmp_path / "b.log", port_b) as b:
            late_row = _poll("the message sent while B was down, delivered", lambda: (
                lambda found: found if "01" in _codes(found) else None)(
                _outbox_row(a.client, clerk_a, late_id)), timeout=90)
            assert late_row["state"] == "delivered"
            assert late_row["attempts"] > waiting["attempts"]
            print("while B was down:", json.dumps(waiting, ensure_ascii=False))
            print("after B restarted:", json.dumps(late_row, ensure_ascii=False))
            clerk_b = _token(b.client, "vanthu")
            assert any(item["message_document_id"] == late_row["message_document_id"]
                       and item["accepted"] for item in _inbox(b.client, clerk_b))
