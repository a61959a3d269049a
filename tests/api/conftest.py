"""A running sohoa service per backend set, and helpers to log users in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import Runtime, open_runtime
from api.settings import Settings
from storage.accounts import create_unit, create_user
from tests.support.names import unique_name
from tests.support.pki_server import RunningPki
from tests.support.postgres import temporary_database
from tests.support.seaweed import SeaweedServer

PASSWORD = "mật-khẩu-đủ-dài"


def settings_env(settings: Settings, redis_url: str) -> dict[str, str]:
    """The SOHOA_* environment that makes a subprocess (worker, CLI) use these settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SOHOA_")}
    env.update({
        "SOHOA_DATA_DIR": str(settings.data_dir),
        "SOHOA_DATABASE_URL": settings.resolved_database_url,
        "SOHOA_REDIS_URL": redis_url,
        "SOHOA_QUEUE_NAME": settings.queue_name,
    })
    if settings.secret_key is not None:
        env["SOHOA_SECRET_KEY"] = settings.secret_key.get_secret_value()
    if settings.s3_endpoint:
        env.update({
            "SOHOA_S3_ENDPOINT": settings.s3_endpoint,
            "SOHOA_S3_ACCESS_KEY": settings.s3_access_key,
            "SOHOA_S3_SECRET_KEY": settings.s3_secret_key.get_secret_value(),
            "SOHOA_S3_BUCKET": settings.s3_bucket,
        })
    return env


@dataclass
class Service:
    """A sohoa runtime and app on one backend set, with a test client."""

    kind: str
    settings: Settings
    runtime: Runtime
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        """Environment for subprocesses sharing this service's configuration."""
        return settings_env(self.settings, self.runtime.redis_url)

    def add_unit(self, code: str, parent: str | None = None) -> int:
        """Create a unit directly in the database."""
        with self.runtime.db.session() as session:
            return create_unit(session, code, f"Đơn vị {code}", parent).id

    def add_user(self, username: str, role: str, unit: str, full_name: str = "") -> str:
        """Create a user (with ``full_name``: the name their signing certificate must
        carry) and return a bearer token for them."""
        with self.runtime.db.session() as session:
            create_user(session, username=username, password=PASSWORD, role=role,
                        unit_code=unit, full_name=full_name)
        response = self.client.post("/auth/token",
                                    data={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        self.tokens[username] = token
        return str(token)

    def add_leader_and_clerk(self, leader_name: str = "") -> tuple[str, str]:
        """A new unit with a leader (named ``leader_name``) and a records clerk, both
        logged in."""
        unit = unique_name("KY")
        self.add_unit(unit)
        leader, clerk = f"lanhdao-{unit}", f"vanthu-{unit}"
        self.add_user(leader, "leader", unit, full_name=leader_name)
        self.add_user(clerk, "clerk", unit)
        return leader, clerk

    def auth(self, username: str) -> dict[str, str]:
        """The Authorization header of a logged-in user."""
        return {"Authorization": f"Bearer {self.tokens[username]}"}


def make_settings(kind: str, data_dir: Path, *, database_url: str | None = None,
                  redis_url: str | None = None, s3: SeaweedServer | None = None) -> Settings:
    """Settings for one backend set (explicit values only: no .env or environment)."""
    values: dict[str, object] = {
        "data_dir": data_dir, "queue_name": unique_name("sohoa-test"),
        "secret_key": "test-secret", "job_retries": 3,
    }
    if kind == "servers":
        assert database_url
        assert redis_url
        assert s3
        values.update(database_url=database_url, redis_url=redis_url,
                      s3_endpoint=s3.endpoint, s3_access_key=s3.access_key,
                      s3_secret_key=s3.secret_key, s3_bucket=unique_name("sohoa-test"),
                      s3_spool_dir=data_dir / "spool")  # not the shared /tmp: a test sees
        # its own staging files only, not those of tests running beside it
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="module", params=["embedded", "servers"])
def service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            ) -> Iterator[Service]:
    """A sohoa service on the embedded defaults, then on the real servers."""
    kind: str = request.param
    data_dir = tmp_path_factory.mktemp(f"data-{kind}")
    if kind == "embedded":
        yield from _serve(make_settings(kind, data_dir))
        return
    s3 = request.getfixturevalue("s3_server")
    redis_url = request.getfixturevalue("redis_url")
    with temporary_database() as database_url:
        yield from _serve(make_settings(kind, data_dir, database_url=database_url,
                                        redis_url=redis_url, s3=s3))


def _serve(settings: Settings) -> Iterator[Service]:
    runtime = open_runtime(settings)
    try:
        with TestClient(create_app(settings, runtime)) as client:
            yield Service(kind="embedded" if not settings.redis_url else "servers",
                          settings=settings, runtime=runtime, client=client)
    finally:
        runtime.close()


@pytest.fixture(scope="module", params=["embedded", "servers"])
def pki_service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                served_pki: RunningPki) -> Iterator[Service]:
    """A service on each backend set whose settings name the served demo PKI (its root
    trusted, its seal and signature image, its time-stamping service)."""
    kind: str = request.param
    data_dir = tmp_path_factory.mktemp(f"pki-{kind}")
    extra = {"pki_dir": served_pki.directory, "tsa_url": served_pki.tsa_url}
    if kind == "embedded":
        yield from _serve(make_settings(kind, data_dir).model_copy(update=extra))
        return
    s3 = request.getfixturevalue("s3_server")
    redis_url = request.getfixturevalue("redis_url")
    with temporary_database() as database_url:
        yield from _serve(make_settings(kind, data_dir, database_url=database_url,
                                        redis_url=redis_url, s3=s3).model_copy(update=extra))


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A clean embedded configuration in a temporary data directory, for ``sohoa`` run as
    a subprocess."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    return {**clean, "SOHOA_DATA_DIR": str(tmp_path / "data")}
