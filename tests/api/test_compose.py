"""docker-compose.yml cannot run here (no Docker engine), so it is checked by reading it."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from api.cli import build_parser
from api.settings import Settings
from tests.support.paths import REPO

REQUIRED_SETTINGS = {"SOHOA_DATABASE_URL", "SOHOA_REDIS_URL", "SOHOA_S3_ENDPOINT",
                     "SOHOA_S3_ACCESS_KEY", "SOHOA_S3_SECRET_KEY", "SOHOA_S3_BUCKET"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((REPO / "docker-compose.yml").read_text()))


def _command(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(c) for c in command]


def test_services_and_volumes(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"api", "worker", "redis", "minio", "postgres"} <= set(services)
    for name in ("api", "redis", "minio", "postgres", "worker"):
        assert "healthcheck" in services[name], f"{name} has no health check"
    declared = set(compose["volumes"])
    for name in ("api", "redis", "minio", "postgres"):
        for volume in services[name]["volumes"]:
            assert volume.split(":")[0] in declared
    assert services["api"]["ports"] == ["8000:8000"]
    assert services["worker"]["deploy"]["replicas"] >= 2


def test_sohoa_commands_exist(compose: dict[str, Any]) -> None:
    parser = build_parser()
    for name in ("api", "worker"):
        argv = _command(compose["services"][name])
        assert argv[0] == "sohoa"
        parser.parse_args(argv[1:])  # exits (fails the test) on an unknown command
    dockerfile = (REPO / compose["services"]["api"]["build"]["dockerfile"]).read_text()
    assert "tesseract-ocr-vie" in dockerfile
    assert "pip install" in dockerfile


def test_settings_wire_services_together(compose: dict[str, Any]) -> None:
    services = compose["services"]
    fields = {f"SOHOA_{name.upper()}" for name in Settings.model_fields}
    for name in ("api", "worker"):
        env = services[name]["environment"]
        assert set(env) >= REQUIRED_SETTINGS
        assert set(env) <= fields, set(env) - fields
    env = services["api"]["environment"]
    assert env["SOHOA_DATABASE_URL"].startswith("postgresql://sohoa:")
    assert env["SOHOA_DATABASE_URL"].endswith("@postgres:5432/sohoa")
    assert services["postgres"]["environment"]["POSTGRES_DB"] == "sohoa"
    assert env["SOHOA_REDIS_URL"] == "redis://redis:6379/0"
    assert env["SOHOA_S3_ENDPOINT"] == "minio:9000"
    assert env["SOHOA_S3_ACCESS_KEY"] == services["minio"]["environment"]["MINIO_ROOT_USER"]
    assert env["SOHOA_S3_SECRET_KEY"] == services["minio"]["environment"]["MINIO_ROOT_PASSWORD"]


def test_redis_persists_and_minio_bucket_is_created(compose: dict[str, Any]) -> None:
    services = compose["services"]
    redis_command = _command(services["redis"])
    assert redis_command[redis_command.index("--appendonly") + 1] == "yes"
    init = " ".join(_command(services["minio-init"]))
    bucket = services["api"]["environment"]["SOHOA_S3_BUCKET"]
    assert f"mc mb --ignore-existing local/{bucket}" in init
    assert services["api"]["depends_on"]["minio-init"]["condition"] == (
        "service_completed_successfully")
    for dependency in ("postgres", "redis", "minio"):
        assert services["api"]["depends_on"][dependency]["condition"] == "service_healthy"


def test_dockerfile_copies_every_package() -> None:
    dockerfile = (Path(REPO) / "scripts" / "Dockerfile").read_text()
    for package in ("ingest", "ocr", "signing", "storage", "api"):
        assert f"COPY {package} ./{package}" in dockerfile


@pytest.mark.parametrize(("status", "healthy"), [("ok", True), ("degraded", True),
                                                  ("down", False)])
def test_api_healthcheck_accepts_a_degraded_api(status: str, healthy: bool) -> None:
    """The workers wait for a healthy api; an api that is degraded because jobs wait with
    no worker must count as healthy, or compose never starts the workers."""
    import http.server
    import subprocess
    import sys
    import threading

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"status": status}).encode()
            self.send_response(200 if status == "ok" else 503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = http.server.HTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
        code = services["api"]["healthcheck"]["test"][-1]
        code = code.replace("8000", str(server.server_address[1]))
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30,
                                check=False)
        assert (result.returncode == 0) is healthy, result.stderr
    finally:
        server.shutdown()
