"""``sohoa serve`` killed (SIGKILL, its whole process group) in the middle of a batch
signing: after a restart the leader signs what is left, and every document ends with
exactly one signed version — none lost, none signed twice (issue 13's fault tests).

Signing runs in the request (the leader's PIN never reaches a queue), so the process that
dies mid-signing is the server, not a worker; each document is committed as soon as it is
signed."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from ingest.synthetic import generate_document
from signing.pki.build import LEADER_NAME
from storage.records import DocumentFile, SigningRequest
from storage.records.db import DatabaseConfig, open_database
from tests.support.browser import sohoa
from tests.support.processes import running_serve
from tests.support.synthetic_pdf import render_pdf

PASSWORD = "mật-khẩu-đủ-dài-ký"
DOCUMENTS = 14


def _token(client: httpx.Client, username: str) -> dict[str, str]:
    answer = client.post("/auth/token", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _signed_versions(data_dir: Path) -> tuple[Counter[int], Counter[str]]:
    db = open_database(DatabaseConfig(f"sqlite:///{data_dir / 'sohoa.db'}"))
    try:
        with db.session() as session:
            signed = Counter(session.scalars(select(DocumentFile.document_id).where(
                DocumentFile.role == "signed")))
            statuses = Counter(str(status) for status in session.scalars(
                select(SigningRequest.status)))
        return signed, statuses
    finally:
        db.dispose()


@pytest.mark.slow
def test_serve_killed_mid_batch_each_document_is_signed_exactly_once(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {key: value for key, value in os.environ.items() if not key.startswith("SOHOA_")}
    env.update({"SOHOA_DATA_DIR": str(data_dir), "SOHOA_PKI_DIR": str(tmp_path / "pki")})
    sohoa(env, "pki", "init", str(tmp_path / "pki"))
    sohoa(env, "unit", "add", "UBND-KY", "Ủy ban nhân dân xã Ký Số")
    sohoa(env, "user", "add", "lanhdao", "--role", "leader", "--unit", "UBND-KY",
          "--password", PASSWORD, "--full-name", LEADER_NAME)
    sohoa(env, "user", "add", "vanthu", "--role", "clerk", "--unit", "UBND-KY",
          "--password", PASSWORD, "--full-name", "Lê Thị Văn Thư")
    requests: list[int] = []
    with running_serve(env, tmp_path / "serve-1.log", "--workers", "0") as serve:
        leader, clerk = _token(serve.client, "lanhdao"), _token(serve.client, "vanthu")
        key = (tmp_path / "pki" / "leader.p12").read_bytes()
        registered = serve.client.post("/me/signing-key", headers=leader, data={"pin": "1234"},
                                       files={"file": ("leader.p12", key,
                                                       "application/x-pkcs12")})
        assert registered.status_code in (200, 201), registered.text
        for seed in range(DOCUMENTS):
            path = tmp_path / f"du-thao-{seed}.pdf"
            render_pdf(generate_document(random.Random(seed), "quyet_dinh", f"qd-{seed}"),
                       path)
            draft = serve.client.post("/drafts", headers=clerk, files={
                "file": (path.name, path.read_bytes(), "application/pdf")})
            assert draft.status_code == 201, draft.text
            asked = serve.client.post(f"/documents/{draft.json()['id']}/signing-requests",
                                      headers=clerk, json={"signer": "lanhdao",
                                                           "role": "leader", "level": "B-B"})
            assert asked.status_code == 201, asked.text
            requests.append(int(asked.json()["id"]))
        outcome: dict[str, object] = {}

        def sign_all() -> None:
            try:
                outcome["answer"] = serve.client.post(
                    "/signing/sign", headers=leader, timeout=120,
                    json={"request_ids": requests, "pin": "1234"})
            except httpx.HTTPError as error:  # the server died under it
                outcome["error"] = error

        signer = threading.Thread(target=sign_all)
        signer.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # kill once some, not all, are signed
            signed, _ = _signed_versions(data_dir)
            if len(signed) >= 2:
                break
            time.sleep(0.05)
        os.killpg(serve.process.pid, signal.SIGKILL)
        signer.join(timeout=60)
    signed_before, _ = _signed_versions(data_dir)
    assert 0 < len(signed_before) < DOCUMENTS, "the kill was meant to land mid-batch"
    assert "error" in outcome  # the client saw the connection die, not an answer
    with running_serve(env, tmp_path / "serve-2.log", "--workers", "0") as serve:
        leader = _token(serve.client, "lanhdao")
        queue = serve.client.get("/signing/queue", headers=leader)
        assert queue.status_code == 200, queue.text
        pending = [int(item["id"]) for item in queue.json()]
        assert set(pending) <= set(requests)
        assert len(pending) == DOCUMENTS - len(signed_before)
        again = serve.client.post("/signing/sign", headers=leader, timeout=120,
                                  json={"request_ids": pending, "pin": "1234"})
        assert again.status_code == 200, again.text
        twice = serve.client.post("/signing/sign", headers=leader, timeout=120,
                                  json={"request_ids": requests[:1], "pin": "1234"})
        assert twice.status_code == 409, twice.text  # already signed: not signed again
    signed_after, statuses = _signed_versions(data_dir)
    assert len(signed_after) == DOCUMENTS
    assert set(signed_after.values()) == {1}  # exactly one signed version each
    assert statuses == Counter({"signed": DOCUMENTS})
