"""``put_file``: a file written and hashed by the caller in the store's staging directory
becomes the object without being copied again, and is consumed."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from storage.objects import ObjectStore


def _staged(store: ObjectStore, data: bytes) -> tuple[Path, str]:
    fd, name = tempfile.mkstemp(prefix="upload-", dir=store.staging_dir())
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return Path(name), hashlib.sha256(data).hexdigest()


def test_put_file_stores_the_staged_file_and_consumes_it(store: ObjectStore,
                                                          prefix: str) -> None:
    data = os.urandom(300_000)
    path, sha = _staged(store, data)
    info = store.put_file(prefix, path, sha256=sha, suffix=".jpg", content_type="image/jpeg")
    assert info.key == f"{prefix}/{sha}.jpg"
    assert (info.size, info.sha256, info.content_type) == (len(data), sha, "image/jpeg")
    assert not path.exists()
    with store.open(info.key) as stream:
        assert stream.read() == data
    stat = store.stat(info.key)
    assert (stat.size, stat.content_type) == (len(data), "image/jpeg")


def test_put_file_of_content_already_stored_keeps_the_object(store: ObjectStore,
                                                             prefix: str) -> None:
    data = b"%PDF-1.4 the same content twice" * 1000
    first, sha = _staged(store, data)
    kept = store.put_file(prefix, first, sha256=sha, suffix=".pdf")
    again, _ = _staged(store, data)
    info = store.put_file(prefix, again, sha256=sha, suffix=".pdf")
    assert info.key == kept.key
    assert not again.exists()
    assert [item.key for item in store.list(prefix)] == [kept.key]
