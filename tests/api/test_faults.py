"""Faults with real processes and servers: a worker killed mid-OCR, a Redis server killed
with jobs queued, PostgreSQL unreachable for a while, the S3 server gone mid-upload.

Each test asserts what must hold afterwards: nothing lost, nothing done twice, a clean 503
problem while a dependency is away (never a 500), and everything working once it is back.
"""

from __future__ import annotations

import io
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from minio.error import S3Error
from pydantic import SecretStr
from sqlalchemy import func, select

from api.app import create_app
from api.runtime import open_runtime
from api.settings import Settings
from ingest.intake import store_original
from storage.objects.keys import document_prefix
from storage.records import Document, DocumentFile, Dossier
from tests.api.conftest import Service, make_settings
from tests.api.web.conftest import logged_in
from tests.support.names import unique_name
from tests.support.pdfs import pdf_with
from tests.support.postgres import temporary_database
from tests.support.processes import (
    children,
    exists,
    kill_seaweed,
    private_redis,
    restart_seaweed,
    wait_until,
)
from tests.support.seaweed import start_seaweed
from tests.support.switch_proxy import SwitchProxy
from tests.support.workers import wait_for_job, worker

PROBLEM = "application/problem+json"


@pytest.fixture
def make_service(tmp_path: Path) -> Iterator[object]:
    """Build a :class:`Service` from settings (closed at the end of the test)."""
    opened: list[tuple[TestClient, Service]] = []

    def make(settings: Settings) -> Service:
        runtime = open_runtime(settings)
        client = TestClient(create_app(settings, runtime))
        client.__enter__()
        service = Service(kind="fault", settings=settings, runtime=runtime, client=client)
        opened.append((client, service))
        return service

    yield make
    for client, service in opened:
        client.__exit__(None, None, None)
        service.runtime.close()


def _dossier(service: Service, user: str) -> int:
    response = service.client.post("/dossiers", headers=service.auth(user), json={
        "procedure_code": "2.000123", "applicant_name": "Trần Văn Bình", "processing_days": 3})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _stored(service: Service, dossier_id: int, content: bytes, name: str = "scan.pdf") -> int:
    """A document stored without queueing OCR (the test queues the job it wants)."""
    with service.runtime.db.session() as session:
        stored = store_original(session, service.runtime.store,
                                dossier=session.get(Dossier, dossier_id), filename=name,
                                stream=io.BytesIO(content), actor="test", user_id=None)
        return stored.document.id


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children(todo.pop()):
            found.add(child)
            todo.append(child)
    return found


def _described(pids: set[int]) -> dict[int, str]:
    described = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:80]
            described[pid] = f"{stat[0]} ppid={stat[1]} {cmd.decode()}"
        except OSError:
            continue
    return described


@pytest.mark.ci_sample
@pytest.mark.slow
@pytest.mark.parametrize("service", ["embedded"], indirect=True)
def test_worker_killed_mid_ocr_the_job_is_retried_with_one_set_of_files(
        service: Service, corpus_dir: Path) -> None:
    service.add_unit("OCRKILL")
    service.add_user("intake-ocrkill", "intake", "OCRKILL")
    dossier_id = _dossier(service, "intake-ocrkill")
    source = corpus_dir / "vi-admin" / "s100-005-bao_cao.pdf"  # two pages
    document_id = _stored(service, dossier_id, source.read_bytes(), source.name)
    job = service.client.post(f"/documents/{document_id}/ocr",
                              headers=service.auth("intake-ocrkill")).json()
    name = unique_name("w-ocr-doomed")
    with worker(service, name) as doomed:
        wait_for_job(service, job["id"], "intake-ocrkill",
                     lambda b: b["status"] == "running" and b["progress_total"], timeout=120)
        tree = _descendants(doomed.pid)  # the work horse, its OCR processes
        assert tree
        os.kill(doomed.pid, signal.SIGKILL)  # the worker only: the rest must follow it
        doomed.wait()
        wait_until(lambda: not any(exists(pid) for pid in tree), 20,
                   f"the killed worker's processes {_described(tree)} gone")
    with worker(service, name):
        done = wait_for_job(service, job["id"], "intake-ocrkill",
                            lambda b: b["status"] in ("done", "failed"), timeout=300)
    assert done["status"] == "done", done
    assert done["attempts"] == 2
    with service.runtime.db.session() as session:
        files = session.execute(select(DocumentFile.role, DocumentFile.object_key).where(
            DocumentFile.document_id == document_id)).all()
    assert sorted(role for role, _ in files) == ["original", "searchable_pdf", "text", "words"]
    derived = {key for role, key in files if role != "original"}
    prefix = document_prefix(0, dossier_id, document_id)
    stored = {info.key for info in service.runtime.store.list(prefix)}
    assert stored == derived  # no second set, nothing left by the killed attempt


def test_redis_killed_with_jobs_queued_loses_none(
        make_service: object, tmp_path: Path) -> None:
    with private_redis(tmp_path / "redis") as redis_server:
        settings = make_settings("embedded", tmp_path / "data").model_copy(
            update={"redis_url": redis_server.url})
        service: Service = make_service(settings)  # type: ignore[operator]
        service.add_unit("RDS")
        service.add_user("intake-rds", "intake", "RDS")
        headers = service.auth("intake-rds")
        dossier_id = _dossier(service, "intake-rds")
        documents = [_stored(service, dossier_id, pdf_with(os.urandom(5000)), f"{n}.pdf")
                     for n in range(3)]
        jobs = [service.client.post(f"/documents/{document}/fixity", headers=headers).json()
                for document in documents[:2]]
        assert [job["status"] for job in jobs] == ["queued", "queued"]

        redis_server.kill()
        health = service.client.get("/health")
        assert (health.status_code, health.json()) == (503, {"status": "down"})
        assert service.client.get(f"/jobs/{jobs[0]['id']}", headers=headers).status_code == 200
        redis_server.start()  # same port, same append-only file
        health = service.client.get("/health")
        assert health.json() == {"status": "degraded"}  # the jobs wait: they were kept
        with worker(service, unique_name("w-rds")):
            for job in jobs:
                done = wait_for_job(service, job["id"], "intake-rds",
                                    lambda b: b["status"] == "done")
                assert done["attempts"] == 1
        assert service.client.get("/health").json() == {"status": "ok"}


def test_a_job_asked_for_while_redis_is_down_is_refused_cleanly_and_runs_later(
        make_service: object, tmp_path: Path) -> None:
    with private_redis(tmp_path / "redis") as redis_server:
        settings = make_settings("embedded", tmp_path / "data").model_copy(
            update={"redis_url": redis_server.url})
        service: Service = make_service(settings)  # type: ignore[operator]
        service.add_unit("RDS2")
        service.add_user("intake-rds2", "intake", "RDS2")
        headers = service.auth("intake-rds2")
        document = _stored(service, _dossier(service, "intake-rds2"), pdf_with(b"x" * 5000))
        redis_server.kill()
        with TestClient(service.client.app, raise_server_exceptions=False) as client:
            refused = client.post(f"/documents/{document}/fixity", headers=headers)
        assert refused.status_code == 503, refused.text
        assert refused.headers["content-type"].startswith(PROBLEM)
        redis_server.start()
        again = service.client.post(f"/documents/{document}/fixity", headers=headers)
        assert again.status_code == 202, again.text
        with worker(service, unique_name("w-rds2")):
            wait_for_job(service, again.json()["id"], "intake-rds2",
                         lambda b: b["status"] == "done", timeout=30)


def test_postgresql_outage_gives_503_then_the_pool_recovers(
        make_service: object, tmp_path: Path) -> None:
    with temporary_database() as database_url:
        url = urlsplit(database_url)
        proxy = SwitchProxy(url.hostname or "127.0.0.1", url.port or 5432)
        try:
            proxied = database_url.replace(url.netloc, f"postgres@{proxy.address}")
            settings = make_settings("embedded", tmp_path / "data").model_copy(
                update={"database_url": proxied})
            service: Service = make_service(settings)  # type: ignore[operator]
            service.add_unit("PGO")
            service.add_user("intake-pgo", "intake", "PGO")
            headers = service.auth("intake-pgo")
            _dossier(service, "intake-pgo")
            assert service.client.get("/dossiers", headers=headers).status_code == 200

            proxy.off()
            for _ in range(3):
                listed = service.client.get("/dossiers", headers=headers)
                assert listed.status_code == 503, listed.text
                assert listed.headers["content-type"].startswith(PROBLEM)
            assert service.client.get("/health").json() == {"status": "down"}

            proxy.on()
            statuses = [service.client.get("/dossiers", headers=headers).status_code
                        for _ in range(5)]
            assert statuses == [200] * 5
            assert _dossier(service, "intake-pgo")
            listed = service.client.get("/dossiers", headers=headers).json()
            items = listed["items"] if isinstance(listed, dict) else listed
            assert len(items) == 2
            assert service.client.get("/health").json() == {"status": "ok"}
        finally:
            proxy.close()


def test_a_request_with_a_body_while_postgresql_is_down_is_503(
        make_service: object, tmp_path: Path) -> None:
    with temporary_database() as database_url:
        url = urlsplit(database_url)
        proxy = SwitchProxy(url.hostname or "127.0.0.1", url.port or 5432)
        try:
            settings = make_settings("embedded", tmp_path / "data").model_copy(update={
                "database_url": database_url.replace(url.netloc, f"postgres@{proxy.address}")})
            service: Service = make_service(settings)  # type: ignore[operator]
            service.add_unit("PGB")
            service.add_user("intake-pgb", "intake", "PGB")
            proxy.off()
            with TestClient(service.client.app, raise_server_exceptions=False) as client:
                created = client.post("/dossiers", headers=service.auth("intake-pgb"), json={
                    "procedure_code": "2.000123", "applicant_name": "Ngô Thị Hoa",
                    "processing_days": 3})
            assert created.status_code == 503, created.text
            assert created.headers["content-type"].startswith(PROBLEM)
        finally:
            proxy.close()


@pytest.mark.slow
def test_s3_killed_mid_upload_gives_503_and_leaves_nothing_then_retry_succeeds(
        make_service: object, tmp_path: Path) -> None:
    with start_seaweed() as s3:
        host, port = s3.endpoint.split(":")
        proxy = SwitchProxy(host, int(port))
        try:
            settings = make_settings("embedded", tmp_path / "data").model_copy(update={
                "s3_endpoint": proxy.address, "s3_access_key": s3.access_key,
                "s3_secret_key": SecretStr(s3.secret_key), "s3_bucket": unique_name("fault")})
            service: Service = make_service(settings)  # type: ignore[operator]
            service.add_unit("S3F")
            service.add_user("intake-s3f", "intake", "S3F")
            headers = service.auth("intake-s3f")
            dossier_id = _dossier(service, "intake-s3f")
            content = pdf_with(os.urandom(8_000_000))
            files = [("files", ("Hồ sơ lớn.pdf", content, "application/pdf"))]

            command: list[str] = []
            proxy.on_trip = lambda: command.extend(kill_seaweed(s3))
            proxy.off_after(2_000_000)  # the server dies with the upload under way
            refused = service.client.post(f"/dossiers/{dossier_id}/documents",
                                          headers=headers, files=files)
            assert proxy.tripped.is_set()
            assert refused.status_code == 503, refused.text
            assert refused.headers["content-type"].startswith(PROBLEM)
            with service.runtime.db.session() as session:
                assert session.scalar(select(func.count()).select_from(Document).where(
                    Document.dossier_id == dossier_id)) == 0
                assert session.scalar(select(func.count()).select_from(DocumentFile)) == 0

            restart_seaweed(s3, command)  # same ports, keys and data
            proxy.on()
            accepted = service.client.post(f"/dossiers/{dossier_id}/documents",
                                           headers=headers, files=files)
            assert accepted.status_code == 201, accepted.text
            assert accepted.json()[0]["duplicate"] is False
        finally:
            proxy.close()


@pytest.mark.slow
def test_s3_down_with_the_outbox_an_accepted_upload_is_kept_and_reaches_s3_once_back(
        make_service: object, tmp_path: Path) -> None:
    """The companion of the test above with ``SOHOA_S3_OUTBOX``: an upload accepted while
    S3 is down is answered 201 from the outbox, its pages are drawn from it meanwhile, and
    it reaches S3 once S3 is back, without anyone asking."""
    with start_seaweed() as s3:
        bucket = unique_name("fault")
        settings = make_settings("embedded", tmp_path / "data").model_copy(update={
            "s3_endpoint": s3.endpoint, "s3_access_key": s3.access_key,
            "s3_secret_key": SecretStr(s3.secret_key), "s3_bucket": bucket,
            "s3_outbox": True})
        service: Service = make_service(settings)  # type: ignore[operator]
        service.add_unit("S3O")
        service.add_user("intake-s3o", "intake", "S3O")
        headers = service.auth("intake-s3o")
        dossier_id = _dossier(service, "intake-s3o")
        content = pdf_with(os.urandom(3_000_000))
        files = [("files", ("Hồ sơ chờ S3.pdf", content, "application/pdf"))]

        command = kill_seaweed(s3)
        accepted = service.client.post(f"/dossiers/{dossier_id}/documents",
                                       headers=headers, files=files)
        assert accepted.status_code == 201, accepted.text
        document_id = accepted.json()[0]["id"]
        with service.runtime.db.session() as session:
            key = session.scalar(select(DocumentFile.object_key).join(Document).where(
                Document.id == document_id))
        assert key is not None
        assert (settings.data_dir / "s3-outbox" / key).read_bytes() == content
        shown = service.client.get(f"/documents/{document_id}", headers=headers)
        assert shown.status_code == 200, shown.text
        with logged_in(service.runtime, "intake-s3o") as web:  # the bytes, from the outbox
            page = web.client.get(f"/ui/documents/{document_id}/pages/1.png")
        assert page.status_code == 200, page.text[:500]
        assert page.content.startswith(b"\x89PNG")

        restart_seaweed(s3, command)  # same ports, keys and data
        client = s3.client()
        held: bytes | None = None
        deadline = time.monotonic() + 60  # the pusher retries every few seconds
        while held is None and time.monotonic() < deadline:
            try:
                response = client.get_object(bucket, key)
            except S3Error:
                time.sleep(0.5)
                continue
            try:
                held = response.read()
            finally:
                response.close()
                response.release_conn()
        assert held == content
        wait_until(lambda: not (settings.data_dir / "s3-outbox" / key).exists(), timeout=30,
                   what="the sent entry removed from the outbox")
        download = service.client.get(f"/documents/{document_id}/files/original",
                                      headers=headers, follow_redirects=False)
        assert download.status_code == 307, download.text
        assert httpx.get(download.headers["location"]).content == content
