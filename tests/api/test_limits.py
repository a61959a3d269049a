"""Request bodies are limited while they stream in, on a real uvicorn server: a large body
without a valid token is answered 401 before it is read, one over ``SOHOA_MAX_UPLOAD_MB``
413 at once (by its ``Content-Length``) or as soon as its bytes pass the limit (chunked);
nothing is spooled to the temporary directory on the way."""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from api.app import create_app
from tests.api.conftest import Service
from tests.support.names import unique_name

MB = 1 << 20
BOUNDARY = "sohoa-test-boundary"


@dataclass
class Live:
    """A uvicorn server in a thread, serving the service's runtime."""

    port: int
    temp_dir: Path


@pytest.fixture(scope="module")
def live(service: Service, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    temp_dir = tmp_path_factory.mktemp("spool")
    saved = tempfile.tempdir
    tempfile.tempdir = str(temp_dir)  # where the server would spool uploads
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(service.settings, service.runtime),
                                           host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        yield Live(port=port, temp_dir=temp_dir)
    finally:
        server.should_exit = True
        thread.join(30)
        tempfile.tempdir = saved


@pytest.fixture(scope="module")
def intake(service: Service) -> tuple[str, int]:
    """An intake clerk's token and a dossier of theirs."""
    unit = unique_name("LIM")
    service.add_unit(unit)
    token = service.add_user(f"tiepnhan-{unit}", "intake", unit)
    response = service.client.post(
        "/dossiers", headers={"Authorization": f"Bearer {token}"},
        json={"procedure_code": "1.001", "applicant_name": "Nguyễn Văn A",
              "processing_days": 5})
    assert response.status_code == 201, response.text
    return token, int(response.json()["id"])


@dataclass
class Outcome:
    """What a raw client saw: the answer's status, its bytes, and how much body it sent."""

    status: int
    response: bytes
    sent: int


def push(port: int, path: str, total: int, *, token: str | None = None,
         chunked: bool = False, stall_after: float = 10.0) -> Outcome:
    """POST a multipart body of ``total`` bytes in 1 MiB pieces (``Content-Length`` or
    chunked) while reading the answer; stop when the server closes, stops reading, or the
    body is all sent."""
    head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}",
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}"]
    head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}")
    if token is not None:
        head.append(f"Authorization: Bearer {token}")
    sock = socket.create_connection(("127.0.0.1", port), timeout=stall_after)
    answer = bytearray()

    def complete() -> bool:
        head, found, body = bytes(answer).partition(b"\r\n\r\n")
        if not found:
            return False
        for line in head.lower().split(b"\r\n"):
            if line.startswith(b"content-length:"):
                return len(body) >= int(line.split(b":")[1])
        return False

    def read() -> None:
        try:
            while not complete() and (data := sock.recv(65536)):
                answer.extend(data)
        except OSError:
            pass

    reader = threading.Thread(target=read, daemon=True)
    sent = 0
    try:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        reader.start()
        opening = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; "
                   f"filename=\"big.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n")
        piece = opening.encode().ljust(MB, b"0")
        while sent < total:
            chunk = piece if sent == 0 else b"0" * min(MB, total - sent)
            if chunked:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            else:
                sock.sendall(chunk)
            sent += len(chunk)
    except OSError:  # reset, broken pipe, or the server stopped reading (timeout)
        pass
    reader.join(stall_after)
    sock.close()
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0
    return Outcome(status=status, response=bytes(answer), sent=sent)


def spooled(directory: Path) -> int:
    """Bytes in files under ``directory`` now."""
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


def test_a_large_body_without_a_token_is_refused_before_it_is_read(
        live: Live, intake: tuple[str, int]) -> None:
    _, dossier = intake
    outcome = push(live.port, f"/dossiers/{dossier}/documents", 300 * MB)
    assert outcome.status == 401, outcome.response[:500]
    assert b"application/problem+json" in outcome.response
    assert b"www-authenticate: Bearer" in outcome.response.lower().replace(b"bearer", b"Bearer")
    assert outcome.sent < 40 * MB  # the server closed (or stopped reading) long before
    assert spooled(live.temp_dir) < 2 * MB


@pytest.mark.parametrize("token", ["not-a-token", ""])
def test_a_chunked_body_with_a_bad_token_is_refused_before_it_is_read(
        live: Live, intake: tuple[str, int], token: str) -> None:
    _, dossier = intake
    outcome = push(live.port, f"/dossiers/{dossier}/documents", 300 * MB, token=token,
                   chunked=True)
    assert outcome.status == 401, outcome.response[:500]
    assert outcome.sent < 40 * MB
    assert spooled(live.temp_dir) < 2 * MB


def test_a_declared_length_over_the_limit_is_413_at_once(live: Live,
                                                         intake: tuple[str, int]) -> None:
    token, dossier = intake
    outcome = push(live.port, f"/dossiers/{dossier}/documents", 300 * MB, token=token)
    assert outcome.status == 413, outcome.response[:500]
    assert b"application/problem+json" in outcome.response
    assert b"200 MB" in outcome.response
    assert outcome.sent < 40 * MB
    assert spooled(live.temp_dir) < 2 * MB


def test_the_public_endpoints_are_limited_too(live: Live) -> None:
    outcome = push(live.port, "/verify", 300 * MB)
    assert outcome.status == 413, outcome.response[:500]
    assert outcome.sent < 40 * MB


def test_a_chunked_body_is_stopped_when_it_passes_the_limit(
        live: Live, service: Service, intake: tuple[str, int]) -> None:
    token, dossier = intake
    service.runtime.settings.max_upload_mb = 2
    try:
        outcome = push(live.port, f"/dossiers/{dossier}/documents", 300 * MB, token=token,
                       chunked=True)
    finally:
        service.runtime.settings.max_upload_mb = 200
    assert outcome.status == 413, outcome.response[:500]
    assert b"2 MB" in outcome.response
    assert outcome.sent < 40 * MB
    assert spooled(live.temp_dir) < 5 * MB


def test_a_body_within_the_limit_with_a_token_is_stored(
        live: Live, service: Service, intake: tuple[str, int]) -> None:
    token, dossier = intake
    outcome = push(live.port, f"/dossiers/{dossier}/documents", 2 * MB, token=token)
    # the body above has no closing boundary: the upload is read to its end and refused as
    # malformed (not as too large or unauthenticated)
    assert outcome.status not in (401, 413, 500), outcome.response[:500]
    assert outcome.sent == 2 * MB


def test_public_endpoints_need_no_token(live: Live) -> None:
    outcome = push(live.port, "/verify", MB)
    assert outcome.status not in (401, 413, 500), outcome.response[:500]
