"""Errors: an unreachable server, refused credentials, and the factory."""

from __future__ import annotations

import io
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from storage.errors import (
    ConfigurationError,
    ObjectNotFoundError,
    SohoaError,
    StorageUnavailableError,
    UnavailableError,
)
from storage.objects import LocalStoreConfig, S3StoreConfig, object_key
from storage.objects.factory import open_object_store
from storage.objects.local import LocalObjectStore
from storage.objects.s3 import S3ObjectStore
from tests.support.seaweed import SeaweedServer


def closed_port() -> int:
    """A loopback port nothing listens on (bound then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def unreachable() -> S3ObjectStore:
    endpoint = f"127.0.0.1:{closed_port()}"
    return S3ObjectStore(S3StoreConfig(endpoint, "key", "secret-key", "bucket"))


def test_check_on_a_closed_port_fails_fast_naming_the_endpoint(
    unreachable: S3ObjectStore,
) -> None:
    started = time.monotonic()

    with pytest.raises(StorageUnavailableError) as excinfo:
        unreachable.check()

    assert time.monotonic() - started < 10
    assert unreachable.config.endpoint in str(excinfo.value)
    assert isinstance(excinfo.value, UnavailableError)
    assert excinfo.value.kind == "unavailable"


def test_every_operation_on_an_unreachable_server_raises_our_error(
    unreachable: S3ObjectStore,
) -> None:
    key = object_key("dossiers/1", "0" * 64)
    operations: list[Callable[[], object]] = [
        lambda: unreachable.put("dossiers/1", io.BytesIO(b"data")),
        lambda: unreachable.open(key),
        lambda: unreachable.stat(key),
        lambda: unreachable.exists(key),
        lambda: unreachable.delete(key),
        lambda: list(unreachable.list("dossiers/")),
    ]
    for operation in operations:
        with pytest.raises(StorageUnavailableError) as excinfo:
            operation()
        assert unreachable.config.endpoint in str(excinfo.value)
        assert type(excinfo.value).__module__ == "storage.errors"


def test_wrong_credentials_are_our_error(s3_server: SeaweedServer, s3_bucket: str) -> None:
    store = S3ObjectStore(S3StoreConfig(s3_server.endpoint, "nobody", "wrong-secret", s3_bucket))

    with pytest.raises(StorageUnavailableError) as excinfo:
        store.check()
    with pytest.raises(SohoaError):
        store.put("dossiers/1", io.BytesIO(b"data"))

    assert s3_server.endpoint in str(excinfo.value)


def test_check_creates_a_missing_bucket(s3_server: SeaweedServer) -> None:
    bucket = f"sohoa-check-{int(time.time() * 1000)}"
    store = S3ObjectStore(
        S3StoreConfig(s3_server.endpoint, s3_server.access_key, s3_server.secret_key, bucket)
    )
    client = s3_server.client()
    assert not client.bucket_exists(bucket)

    description = store.check()
    store.check()  # idempotent

    assert bucket in description
    assert client.bucket_exists(bucket)
    with pytest.raises(ObjectNotFoundError):
        store.stat(object_key("dossiers/1", "0" * 64))
    assert list(store.list("")) == []
    client.remove_bucket(bucket)


def test_local_check_describes_and_creates_the_root(tmp_path: Path) -> None:
    root = tmp_path / "deep" / "objects"
    store = LocalObjectStore(LocalStoreConfig(root=root, url_secret=b"x"))

    assert str(root) in store.check()
    assert root.is_dir()


def test_local_check_fails_on_an_unusable_root(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"not a directory")
    store = LocalObjectStore(LocalStoreConfig(root=blocker / "objects", url_secret=b"x"))

    with pytest.raises(StorageUnavailableError) as excinfo:
        store.check()

    assert str(blocker) in str(excinfo.value)


def test_factory_picks_the_backend(tmp_path: Path) -> None:
    local = open_object_store(LocalStoreConfig(root=tmp_path, url_secret=b"x"))
    s3 = open_object_store(S3StoreConfig("127.0.0.1:9", "k", "s", "bucket"))

    assert isinstance(local, LocalObjectStore)
    assert isinstance(s3, S3ObjectStore)
    with pytest.raises(ConfigurationError):
        open_object_store("s3://nowhere")  # type: ignore[arg-type]
