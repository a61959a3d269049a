"""``GET /health``: all dependencies up gives 200; each one down in turn gives 503 naming it
(to an administrator; anyone else gets the status only); jobs waiting with no worker alive
give 503 ``degraded``."""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import Runtime, open_runtime
from ingest.intake import store_original
from storage.accounts import create_unit, create_user
from storage.records import Dossier
from tests.api.conftest import PASSWORD, Service, make_settings
from tests.support.pdfs import pdf_with
from tests.support.postgres import temporary_database
from tests.support.seaweed import SeaweedServer
from tests.support.switch_proxy import SwitchProxy

DEPENDENCIES = ["database", "queue", "object_store", "tesseract"]


def test_health_reports_every_dependency(service: Service) -> None:
    service.add_unit("HEALTH")
    service.add_user("admin-health", "admin", "HEALTH")
    service.add_user("intake-health", "intake", "HEALTH")
    for headers in ({}, service.auth("intake-health"), {"Authorization": "Bearer forged"}):
        anonymous = service.client.get("/health", headers=headers)
        assert anonymous.status_code == 200, anonymous.text
        assert anonymous.json() == {"status": "ok"}  # no paths, versions or addresses
    response = service.client.get("/health", headers=service.auth("admin-health"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert body["workers"]["detail"] == {"alive": 0, "names": [], "waiting": 0,
                                         "oldest_wait_seconds": None, "stalled": False}
    assert set(body["checks"]) == set(DEPENDENCIES)
    assert all(check["ok"] for check in body["checks"].values())
    tesseract = body["checks"]["tesseract"]["detail"]
    assert tesseract["version"].split(".")[0].isdigit()
    assert {"vie", "eng"} <= set(tesseract["languages"])


def test_jobs_waiting_without_a_live_worker_is_degraded(service: Service) -> None:
    service.add_unit("STALL")
    service.add_user("admin-stall", "admin", "STALL")
    headers = service.auth("admin-stall")
    dossier = service.client.post("/dossiers", headers=headers, json={
        "procedure_code": "2.000123", "applicant_name": "Trần Văn Bình", "processing_days": 3})
    with service.runtime.db.session() as session:
        stored = store_original(session, service.runtime.store,
                                dossier=session.get(Dossier, dossier.json()["id"]),
                                filename="scan.pdf", stream=io.BytesIO(pdf_with(b"x" * 5000)),
                                actor="test", user_id=None)
        document_id = stored.document.id
    queued = service.client.post(f"/documents/{document_id}/fixity", headers=headers)
    assert queued.status_code == 202, queued.text
    time.sleep(1.1)
    response = service.client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded"}
    body = service.client.get("/health", headers=headers).json()
    assert body["degraded"] == ["no worker is alive while jobs wait"]
    assert body["down"] == []
    assert body["workers"]["detail"]["waiting"] == 1
    assert body["workers"]["detail"]["oldest_wait_seconds"] >= 1.0
    service.runtime.queue.queue.empty()  # type: ignore[no-untyped-call]  # nothing waits now
    assert service.client.get("/health").json() == {"status": "ok"}


def _embedded(tmp_path: Path) -> tuple[Runtime, dict[str, Callable[[], None]]]:
    settings = make_settings("embedded", tmp_path / "data")
    runtime = open_runtime(settings)
    database_file = Path(urlsplit(settings.resolved_database_url).path)

    def break_database() -> None:
        runtime.db.engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database_file}{suffix}").unlink(missing_ok=True)
        database_file.write_bytes(b"this is not an SQLite database" * 100)

    def break_store() -> None:
        root = settings.data_dir / "objects"
        shutil.rmtree(root)
        root.write_text("a file where the object directory should be")

    def break_queue() -> None:
        assert runtime.embedded_redis is not None
        runtime.embedded_redis.stop()

    return runtime, {"database": break_database, "queue": break_queue,
                     "object_store": break_store}


def _servers(tmp_path: Path, request: pytest.FixtureRequest, database_url: str,
             ) -> tuple[Runtime, dict[str, Callable[[], None]]]:
    s3: SeaweedServer = request.getfixturevalue("s3_server")
    redis_url: str = request.getfixturevalue("redis_url")
    pg, rd = urlsplit(database_url), urlsplit(redis_url)
    s3_host, s3_port = s3.endpoint.split(":")
    proxies = {
        "database": SwitchProxy(pg.hostname or "127.0.0.1", pg.port or 5432),
        "queue": SwitchProxy(rd.hostname or "127.0.0.1", rd.port or 6379),
        "object_store": SwitchProxy(s3_host, int(s3_port)),
    }
    proxied_db = database_url.replace(pg.netloc, f"postgres@{proxies['database'].address}")
    settings = make_settings("servers", tmp_path / "data", database_url=proxied_db,
                             redis_url=f"redis://{proxies['queue'].address}{rd.path}", s3=s3)
    settings.s3_endpoint = proxies["object_store"].address
    runtime = open_runtime(settings)
    return runtime, {name: proxy.off for name, proxy in proxies.items()}


def _admin(client: TestClient, runtime: Runtime) -> dict[str, str]:
    with runtime.db.session() as session:
        create_unit(session, "HEALTH", "Đơn vị HEALTH", None)
        create_user(session, username="admin-health", password=PASSWORD, role="admin",
                    unit_code="HEALTH")
    token = client.post("/auth/token", data={"username": "admin-health",
                                             "password": PASSWORD}).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(params=["embedded", "servers"])
def breakable(request: pytest.FixtureRequest, tmp_path: Path,
              ) -> Iterator[tuple[TestClient, Runtime, dict[str, Callable[[], None]]]]:
    if request.param == "embedded":
        runtime, breakers = _embedded(tmp_path)
        with TestClient(create_app(runtime.settings, runtime)) as client:
            yield client, runtime, breakers
        runtime.close()
        return
    with temporary_database() as database_url:
        runtime, breakers = _servers(tmp_path, request, database_url)
        with TestClient(create_app(runtime.settings, runtime)) as client:
            yield client, runtime, breakers
        runtime.close()


@pytest.mark.parametrize("dependency", DEPENDENCIES)
def test_each_dependency_down_gives_503_naming_it(breakable: tuple[TestClient, Runtime, dict[
        str, Callable[[], None]]], dependency: str) -> None:
    client, runtime, breakers = breakable
    admin = _admin(client, runtime)
    assert client.get("/health", headers=admin).status_code == 200
    if dependency == "tesseract":
        runtime.settings.tesseract_cmd = "/nonexistent/tesseract"
    else:
        breakers[dependency]()
    anonymous = client.get("/health")
    assert anonymous.status_code == 503, anonymous.text
    assert anonymous.json() == {"status": "down"}
    response = client.get("/health", headers=admin)
    assert response.status_code == 503, response.text
    body = response.json()
    if dependency == "database":  # nobody can be authenticated: the status only
        assert body == {"status": "down"}
        return
    assert body["down"] == [dependency]
    assert body["checks"][dependency]["ok"] is False
    assert body["checks"][dependency]["error"]
