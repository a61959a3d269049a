"""``GET /health`` shows an administrator the S3 outbox's backlog (entries, bytes, the
oldest one's wait) when ``SOHOA_S3_OUTBOX`` is on, S3 down included, and nothing when it is
off; on the servers set (PostgreSQL, Redis, SeaweedFS)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.conftest import Service, _serve, make_settings
from tests.support.names import unique_name
from tests.support.pdfs import pdf_with
from tests.support.postgres import temporary_database
from tests.support.seaweed import SeaweedServer
from tests.support.switch_proxy import SwitchProxy

DRAINED_WITHIN = 60.0
"""Seconds the backlog may take to reach S3 once it is back (the pusher retries every 5 s)."""


@pytest.fixture
def s3_proxy(s3_server: SeaweedServer) -> Iterator[SwitchProxy]:
    """The session's SeaweedFS behind a proxy this test can switch off."""
    host, port = s3_server.endpoint.split(":")
    proxy = SwitchProxy(host, int(port))
    yield proxy
    proxy.close()


@pytest.fixture
def outbox_service(tmp_path_factory: pytest.TempPathFactory, s3_server: SeaweedServer,
                   s3_proxy: SwitchProxy, redis_url: str) -> Iterator[Service]:
    """The servers set with ``SOHOA_S3_OUTBOX``, its S3 reached through ``s3_proxy``."""
    with temporary_database() as database_url:
        settings = make_settings("servers", tmp_path_factory.mktemp("data-health-outbox"),
                                 database_url=database_url, redis_url=redis_url,
                                 s3=s3_server)
        yield from _serve(settings.model_copy(update={"s3_outbox": True,
                                                      "s3_endpoint": s3_proxy.address}))


def _users(service: Service) -> tuple[dict[str, str], dict[str, str]]:
    unit = unique_name("OB")
    service.add_unit(unit)
    service.add_user(f"admin-{unit}", "admin", unit)
    service.add_user(f"intake-{unit}", "intake", unit)
    return service.auth(f"admin-{unit}"), service.auth(f"intake-{unit}")


def _health(service: Service, admin: dict[str, str]) -> tuple[int, dict[str, Any]]:
    response = service.client.get("/health", headers=admin)
    return response.status_code, response.json()


@pytest.mark.parametrize("service", ["servers"], indirect=True)
def test_no_outbox_no_backlog_shown(service: Service) -> None:
    admin, _intake = _users(service)
    code, body = _health(service, admin)
    assert code == 200, body
    assert "outbox" not in body
    assert "checks" in body  # the details are there, the outbox is not


def test_the_backlog_is_shown_while_s3_is_down_and_empties_once_it_is_back(
        outbox_service: Service, s3_proxy: SwitchProxy) -> None:
    service = outbox_service
    admin, intake = _users(service)
    code, body = _health(service, admin)
    assert code == 200, body
    assert body["outbox"]["ok"] is True
    assert body["outbox"]["detail"] == {"entries": 0, "bytes": 0, "oldest_age_seconds": None}
    dossier = service.client.post("/dossiers", headers=intake, json={
        "procedure_code": "2.000123", "applicant_name": "Lê Thị Hoa", "processing_days": 3})
    assert dossier.status_code == 201, dossier.text
    contents = [pdf_with(os.urandom(size)) for size in (300_000, 700_000)]

    s3_proxy.off()
    for number, content in enumerate(contents):
        accepted = service.client.post(
            f"/dossiers/{dossier.json()['id']}/documents", headers=intake,
            files=[("files", (f"tờ-{number}.pdf", content, "application/pdf"))])
        assert accepted.status_code == 201, accepted.text
    time.sleep(1.2)
    code, body = _health(service, admin)
    anonymous = service.client.get("/health")

    assert code == 503
    assert body["down"] == ["object_store"]
    assert body["outbox"]["ok"] is True
    waiting = body["outbox"]["detail"]
    assert (waiting["entries"], waiting["bytes"]) == (2, sum(map(len, contents)))
    assert 1.2 <= waiting["oldest_age_seconds"] < 60
    assert anonymous.json() == {"status": "down"}  # the backlog is a detail

    s3_proxy.on()
    deadline = time.monotonic() + DRAINED_WITHIN
    while time.monotonic() < deadline:
        code, body = _health(service, admin)
        if body["outbox"]["detail"]["entries"] == 0:
            break
        time.sleep(0.5)
    assert body["down"] == [], body  # degraded may follow: the OCR jobs have no worker
    assert body["outbox"]["detail"] == {"entries": 0, "bytes": 0, "oldest_age_seconds": None}
