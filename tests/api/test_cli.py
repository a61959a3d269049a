"""The ``sohoa`` command as scripts call it: exit codes, one-line errors, serve end to end."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from api.embedded_redis import EmbeddedRedis
from tests.support.cli import SOHOA, run
from tests.support.pdfs import pdf_with


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_help_lists_the_contract(env: dict[str, str]) -> None:
    done = run(["--help"], env)
    assert done.returncode == 0
    for command in ("serve", "worker", "dossier", "ingest", "search", "stats", "ocr",
                    "classify", "pki", "sign", "verify", "demo", "edxml"):
        assert command in done.stdout


def test_usage_error_is_one_line_exit_2(env: dict[str, str]) -> None:
    done = run(["user", "add", "someone"], env)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "--role" in done.stderr


@pytest.mark.parametrize(("variable", "value", "address"), [
    ("SOHOA_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/sohoa", "127.0.0.1:1"),
    ("SOHOA_REDIS_URL", "redis://127.0.0.1:1/0", "127.0.0.1:1"),
    ("SOHOA_S3_ENDPOINT", "127.0.0.1:1", "127.0.0.1:1"),
])
def test_unreachable_dependency_fails_at_start_naming_it(
        variable: str, value: str, address: str, env: dict[str, str]) -> None:
    done = run(["serve", "--port", str(free_port())], {**env, variable: value}, timeout=60)
    assert done.returncode in (1, 2)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert variable in lines[0]
    assert address in lines[0]
    assert "Traceback" not in done.stderr


def test_units_users_dossiers_and_audit_from_the_command_line(env: dict[str, str]) -> None:
    assert run(["unit", "add", "UBND-HN", "Ủy ban nhân dân thành phố Hà Nội"], env).returncode == 0
    assert run(["unit", "add", "SO-TP", "Sở Tư pháp", "--parent", "UBND-HN"], env).returncode == 0
    duplicate = run(["unit", "add", "SO-TP", "again"], env)
    assert duplicate.returncode == 2
    assert "SO-TP" in duplicate.stderr
    added = run(["user", "add", "le.van.a", "--role", "leader", "--unit", "SO-TP",
                 "--password", "mật-khẩu-dài"], env)
    assert added.returncode == 0, added.stderr
    short = run(["user", "add", "b", "--role", "intake", "--unit", "SO-TP", "--password", "x"],
                env)
    assert short.returncode == 2
    assert "password" in short.stderr
    unknown_unit = run(["user", "add", "c", "--role", "intake", "--unit", "NOPE",
                        "--password", "long-enough"], env)
    assert unknown_unit.returncode == 2
    assert "NOPE" in unknown_unit.stderr
    made = run(["dossier", "new", "--procedure", "1.001234", "--applicant", "Phạm Thị Lan",
                "--days", "10", "--unit", "SO-TP", "--json"], env)
    assert made.returncode == 0, made.stderr
    dossier = json.loads(made.stdout)
    assert dossier["id"] >= 1
    assert dossier["applicant_name"] == "Phạm Thị Lan"
    assert len(dossier["due_date"]) == 10
    verified = run(["audit", "verify"], env)
    assert verified.returncode == 0
    assert "intact" in verified.stdout


def test_serve_end_to_end_on_the_embedded_defaults(env: dict[str, str], tmp_path: Path) -> None:
    assert run(["unit", "add", "UBND", "Ủy ban nhân dân"], env).returncode == 0
    assert run(["user", "add", "tiep.nhan", "--role", "intake", "--unit", "UBND",
                "--password", "mật-khẩu-dài"], env).returncode == 0
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen([*SOHOA, "serve", "--port", str(port)], env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    health = client.get("/health")
                    break
                except httpx.TransportError:
                    assert server.poll() is None, (tmp_path / "serve.log").read_text()
                    assert time.monotonic() < deadline, "sohoa serve did not answer in 60 s"
                    time.sleep(0.2)
            assert health.status_code == 200, health.text
            token = client.post("/auth/token", data={"username": "tiep.nhan",
                                                     "password": "mật-khẩu-dài"}).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            dossier = client.post("/dossiers", headers=headers, json={
                "procedure_code": "1.000001", "applicant_name": "Lê Văn Tám",
                "processing_days": 2}).json()
            content = pdf_with(os.urandom(50_000))
            uploaded = client.post(f"/dossiers/{dossier['id']}/documents", headers=headers,
                                   files=[("files", ("scan.pdf", content, "application/pdf"))])
            assert uploaded.status_code == 201, uploaded.text
            document_id = uploaded.json()[0]["id"]
            job = client.post(f"/documents/{document_id}/fixity", headers=headers).json()
            # the worker reads the upload (OCR) before this job: allow for a loaded machine
            deadline = time.monotonic() + 180
            while job["status"] != "done":
                assert time.monotonic() < deadline, f"the serve worker did not run it: {job}"
                time.sleep(0.2)
                job = client.get(f"/jobs/{job['id']}", headers=headers).json()
            assert job["result"]["ok"] is True
            link = client.get(f"/documents/{document_id}/files/original", headers=headers)
            assert link.status_code == 307
            assert httpx.get(link.headers["location"], timeout=10).content == content
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    assert server.returncode == 0, (tmp_path / "serve.log").read_text()
    assert not EmbeddedRedis(Path(env["SOHOA_DATA_DIR"])).is_running()
