"""S3 ``put_file``: one PUT signed with the caller's SHA-256 and sent from the staged file's
pages (:mod:`storage.objects.s3_file_put`); a file larger than a part still goes in parts."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from minio.credentials.credentials import Credentials

from storage.errors import StorageUnavailableError
from storage.objects import CHUNK_SIZE
from storage.objects.s3 import S3ObjectStore


def _staged(store: S3ObjectStore, data: bytes) -> tuple[Path, str]:
    fd, name = tempfile.mkstemp(prefix="upload-", dir=store.staging_dir())
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return Path(name), hashlib.sha256(data).hexdigest()


class _Recorder:
    """Records each request's method, headers and body type, then sends it."""

    def __init__(self, store: S3ObjectStore) -> None:
        self.sent: list[tuple[str, dict[str, str], type]] = []
        self._urlopen = store._http.urlopen
        setattr(store._http, "urlopen", self)  # noqa: B010 (a method replaced on one pool)

    def __call__(self, method: str, url: str, body: Any = None, headers: Any = None,
                 **options: Any) -> Any:
        self.sent.append((method, {k.lower(): v for k, v in (headers or {}).items()},
                          type(body)))
        return self._urlopen(method, url, body=body, headers=headers, **options)


def test_put_is_signed_with_the_callers_hash_and_not_read_into_memory(
        s3_store: S3ObjectStore, prefix: str) -> None:
    data = os.urandom(2_000_000)
    path, sha = _staged(s3_store, data)
    recorder = _Recorder(s3_store)
    info = s3_store.put_file(prefix, path, sha256=sha, suffix=".jpg", content_type="image/jpeg")
    puts = [(headers, body) for method, headers, body in recorder.sent if method == "PUT"]
    assert len(puts) == 1
    headers, body = puts[0]
    assert headers["x-amz-content-sha256"] == sha
    assert headers["x-amz-meta-sha256"] == sha
    assert body is not bytes  # a memory map of the staged file, not a copy of it
    assert not path.exists()
    with s3_store.open(info.key) as stream:
        assert stream.read() == data
    stat = s3_store.stat(info.key)
    assert (stat.size, stat.sha256, stat.content_type) == (len(data), sha, "image/jpeg")


def test_empty_staged_file_becomes_an_empty_object(s3_store: S3ObjectStore,
                                                   prefix: str) -> None:
    path, sha = _staged(s3_store, b"")
    info = s3_store.put_file(prefix, path, sha256=sha, suffix=".bin")
    assert s3_store.stat(info.key).size == 0
    with s3_store.open(info.key) as stream:
        assert stream.read() == b""


def test_file_larger_than_a_part_is_sent_in_parts(s3_store: S3ObjectStore,
                                                  prefix: str) -> None:
    data = os.urandom(CHUNK_SIZE + 100_000)
    path, sha = _staged(s3_store, data)
    recorder = _Recorder(s3_store)
    info = s3_store.put_file(prefix, path, sha256=sha, suffix=".pdf")
    parts = [method for method, _, _ in recorder.sent if method == "PUT"]
    assert len(parts) == 2
    with s3_store.open(info.key) as stream:
        assert hashlib.sha256(stream.read()).hexdigest() == sha
    assert s3_store.stat(info.key).sha256 == sha


def test_put_refused_by_the_server_is_the_stores_error(s3_store: S3ObjectStore,
                                                       prefix: str) -> None:
    """The PUT carries its own signature: signed with a wrong secret, the server refuses it
    (its XML error becomes the store's error, naming the endpoint) and the file is removed."""
    s3_store._credentials = Credentials(s3_store.config.access_key, "not-the-secret")
    path, sha = _staged(s3_store, b"scan" * 1000)
    with pytest.raises(StorageUnavailableError, match=f"{s3_store.url}.*SignatureDoesNotMatch"):
        s3_store.put_file(prefix, path, sha256=sha, suffix=".jpg")
    assert not path.exists()
    assert not s3_store.exists(f"{prefix}/{sha}.jpg")
