"""Two sohoa installations on loopback for the exchange tests (issue 15): separate data
dirs, one unit each with its OrganId and unattended exchange key, a leader, a clerk and a
handler, each registered as the other's peer; and the helpers the tests drive them with
(tokens, web logins and forms, signed documents, outbox rows and trails, the inbox, a
delivery signed the way A's unit signs it)."""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from ingest.synthetic import generate_document
from signing.edxml.parse import read_message
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
DEADLINE = 150.0


@dataclass(frozen=True)
class Pair:
    """Two installations set up (not running): A's and B's environments and ports, the
    demo PKI directory and the PKCS#12 of each unit (and of a stranger B does not know)."""

    tmp: Path
    pki: Path
    env_a: dict[str, str]
    env_b: dict[str, str]
    port_a: int
    port_b: int
    keys: dict[str, Path]

    def serve_a(self) -> AbstractContextManager[RunningServe]:
        """A running (``sohoa serve --workers 1`` on its fixed port)."""
        return serve_on(self.env_a, self.tmp / "a.log", self.port_a)

    def serve_b(self) -> AbstractContextManager[RunningServe]:
        """B running, on the port A knows it by (so a restarted B is found again)."""
        return serve_on(self.env_b, self.tmp / "b.log", self.port_b)


def serve_on(env: dict[str, str], log_path: Path, port: int
             ) -> AbstractContextManager[RunningServe]:
    """``sohoa serve --workers 1`` on a fixed port, so a restarted receiver keeps the URL
    its peer knows."""
    return running_serve(env, log_path, "--workers", "1", port=port)


def poll(what: str, probe: Callable[[], Any], *, timeout: float = DEADLINE) -> Any:
    """``probe()`` every 0.3 s until it gives something true; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what}: not within {timeout}s"
        time.sleep(0.3)


def token(client: httpx.Client, username: str) -> dict[str, str]:
    """The bearer header of ``username`` on the installation ``client`` talks to."""
    answer = client.post("/auth/token", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def certificate_pem(p12: Path) -> Path:
    """The certificate of a PKCS#12 written beside it as PEM (what ``peer add`` takes)."""
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


def set_up_pair(tmp: Path) -> Pair:
    """Two installations under ``tmp``: units UBND-A (``ORGAN_A``) and UBND-B (``ORGAN_B``)
    with their exchange keys allowed to sign unattended, users ``lanhdao`` (leader) and
    ``vanthu`` (clerk) in each and ``chuyenvien`` (intake) in B, each the other's peer."""
    pki = tmp / "pki"
    port_a, port_b = free_ports(2)
    env_a = _env(tmp / "a", pki, port_a)
    env_b = _env(tmp / "b", pki, port_b)
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
          "--cert", str(certificate_pem(keys["unit-b"])))
    sohoa(env_b, "peer", "add", ORGAN_A, NAME_A, "--url", f"http://127.0.0.1:{port_a}",
          "--cert", str(certificate_pem(keys["unit-a"])))
    return Pair(tmp, pki, env_a, env_b, port_a, port_b, keys)


def web_login(client: httpx.Client, username: str) -> None:
    """Log in through the login form; the client keeps the session cookie."""
    form = client.get("/login")
    found = re.search(r'name="csrf" value="([^"]*)"', form.text)
    assert found, form.text[:500]
    answer = client.post("/login", data={"csrf": found.group(1), "username": username,
                                         "password": PASSWORD, "next": "/"})
    assert answer.status_code == 303, answer.text


def web_post(client: httpx.Client, entry_id: int, action: str,
             fields: dict[str, str]) -> None:
    """Post a form of the register entry page with the page's CSRF token (a redirect
    back)."""
    page = client.get(f"/ui/registers/entries/{entry_id}")
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf" value="([^"]*)"', page.text)
    assert found, page.text[:500]
    answer = client.post(f"/ui/registers/entries/{entry_id}/{action}",
                         data={"csrf": found.group(1), **fields})
    assert answer.status_code == 303, answer.text


def signed_documents(client: httpx.Client, pki: Path, work: Path, count: int,
                     *, first_seed: int = 0) -> list[int]:
    """``count`` drafts made by A's clerk and signed by A's leader (in one batch); their
    ids. The leader's key is registered on the first call."""
    leader, clerk = token(client, "lanhdao"), token(client, "vanthu")
    key = (pki / "leader.p12").read_bytes()
    registered = client.post("/me/signing-key", headers=leader, data={"pin": PIN},
                             files={"file": ("leader.p12", key, "application/x-pkcs12")})
    assert registered.status_code in (200, 201, 409), registered.text
    documents, requests = [], []
    for seed in range(first_seed, first_seed + count):
        path = work / f"cong-van-{seed}.pdf"
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


def outbox_row(client: httpx.Client, headers: dict[str, str], outbox_id: int
               ) -> dict[str, Any]:
    """Outbox message ``outbox_id`` as ``GET /exchange/outbox`` gives it."""
    answer = client.get("/exchange/outbox", headers=headers)
    assert answer.status_code == 200, answer.text
    rows = [row for row in answer.json() if row["id"] == outbox_id]
    assert len(rows) == 1, answer.json()
    return dict(rows[0])


def codes(row: dict[str, Any]) -> list[str]:
    """The status codes of an outbox row's trail, in order."""
    return [event["code"] for event in row["trail"]]


def wait_for_code(client: httpx.Client, headers: dict[str, str], outbox_id: int,
                  code: str, *, timeout: float = DEADLINE) -> dict[str, Any]:
    """Outbox row ``outbox_id`` once ``code`` is in its trail; fail showing the row."""
    deadline = time.monotonic() + timeout
    while True:
        row = outbox_row(client, headers, outbox_id)
        if code in codes(row):
            return row
        assert time.monotonic() < deadline, (
            f"{code} in the trail of outbox message {outbox_id}: not within {timeout}s: {row}")
        time.sleep(0.3)


def inbox(client: httpx.Client, headers: dict[str, str], *,
          history: bool = False) -> list[dict[str, Any]]:
    """``GET /exchange/inbox`` (``history``: with the withdrawn documents)."""
    answer = client.get("/exchange/inbox", headers=headers,
                        params={"history": "true"} if history else None)
    assert answer.status_code == 200, answer.text
    return list(answer.json())


def deliver(client: httpx.Client, data: bytes, keys: dict[str, Path], *,
            sender: str = ORGAN_A) -> httpx.Response:
    """POST ``data`` to B as A's unit does: the request signed by A's key (naming
    ``sender`` as the signing party); B's answer, when 200, must be signed by B's key for
    this request."""
    key, _, _ = pkcs12.load_key_and_certificates(keys["unit-a"].read_bytes(), PIN.encode())
    _, certificate_b, _ = pkcs12.load_key_and_certificates(keys["unit-b"].read_bytes(),
                                                           PIN.encode())
    assert isinstance(key, rsa.RSAPrivateKey)
    assert certificate_b is not None
    headers = sign_request(key, sender=sender, recipient=ORGAN_B, method="POST",
                           path=MESSAGES_PATH, body=data, now=datetime.now(UTC))
    answer = client.post(MESSAGES_PATH, content=data,
                         headers={"content-type": "application/xml", **headers})
    if answer.status_code == 200:
        check_response(answer.headers, status=200, body=answer.content,
                       credentials=RequestCredentials(sender, key, certificate_b),
                       responder=ORGAN_B, request_nonce=headers[NONCE],
                       now=datetime.now(UTC))
    return answer


def answered(answer: httpx.Response) -> tuple[str, str]:
    """The code and description of the signed status message an answer carries."""
    assert answer.status_code == 200, answer.text
    message = read_message(answer.content, source="answer", max_bytes=len(answer.content) + 1)
    assert message.kind == "status"
    assert message.status is not None
    return message.status.code, message.status.description or ""
