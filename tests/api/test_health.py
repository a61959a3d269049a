"""``GET /health``: all dependencies up gives 200; each one down in turn gives 503 naming it."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import Runtime, open_runtime
from tests.api.conftest import Service, make_settings
from tests.support.postgres import temporary_database
from tests.support.proxy import CuttableProxy
from tests.support.seaweed import SeaweedServer

DEPENDENCIES = ["database", "queue", "object_store", "tesseract"]


def test_health_reports_every_dependency(service: Service) -> None:
    response = service.client.get("/health")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == set(DEPENDENCIES)
    assert all(check["ok"] for check in body["checks"].values())
    tesseract = body["checks"]["tesseract"]["detail"]
    assert tesseract["version"].split(".")[0].isdigit()
    assert {"vie", "eng"} <= set(tesseract["languages"])


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
        "database": CuttableProxy(pg.hostname or "127.0.0.1", pg.port or 5432),
        "queue": CuttableProxy(rd.hostname or "127.0.0.1", rd.port or 6379),
        "object_store": CuttableProxy(s3_host, int(s3_port)),
    }
    proxied_db = database_url.replace(pg.netloc, f"postgres@{proxies['database'].address}")
    settings = make_settings("servers", tmp_path / "data", database_url=proxied_db,
                             redis_url=f"redis://{proxies['queue'].address}{rd.path}", s3=s3)
    settings.s3_endpoint = proxies["object_store"].address
    runtime = open_runtime(settings)
    return runtime, {name: proxy.cut for name, proxy in proxies.items()}


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
    assert client.get("/health").status_code == 200
    if dependency == "tesseract":
        runtime.settings.tesseract_cmd = "/nonexistent/tesseract"
    else:
        breakers[dependency]()
    response = client.get("/health")
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["down"] == [dependency]
    assert body["checks"][dependency]["ok"] is False
    assert body["checks"][dependency]["error"]
