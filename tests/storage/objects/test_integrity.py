"""Hash verification, atomicity and concurrent writes, on both backends."""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import random
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO, cast

import pytest

from storage.errors import BadInputError, HashMismatchError
from storage.objects import CHUNK_SIZE, LocalStoreConfig, ObjectStore, StoreConfig
from storage.objects.factory import open_object_store
from storage.objects.local import LocalObjectStore
from tests.support.objects import RawNames

SIZE = 2 * CHUNK_SIZE + 4321  # several chunks, and several S3 parts


def payload(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


class FailingStream(io.RawIOBase):
    """Yields ``fail_after`` bytes of data, then raises as a broken upload would."""

    def __init__(self, data: bytes, fail_after: int) -> None:
        self._data = io.BytesIO(data[:fail_after])

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        got = self._data.readinto(buffer)
        if got == 0:
            raise ConnectionResetError("client went away mid-upload")
        return got


def assert_nothing_stored(store: ObjectStore, raw_names: RawNames, root_prefix: str) -> None:
    assert list(store.list(root_prefix)) == []
    assert [info for info in store.list("") if info.key.startswith(root_prefix)] == []
    # Physically nothing either: no temp, staging or metadata files under the test's prefix.
    assert raw_names(root_prefix) == []


def test_wrong_declared_hash_is_rejected_and_leaves_nothing(
    store: ObjectStore, raw_names: RawNames, root_prefix: str, prefix: str
) -> None:
    data = payload(SIZE, seed=11)
    right = hashlib.sha256(data).hexdigest()
    wrong = hashlib.sha256(data + b"!").hexdigest()

    with pytest.raises(HashMismatchError) as excinfo:
        store.put(prefix, io.BytesIO(data), expected_sha256=wrong)

    assert isinstance(excinfo.value, BadInputError)
    assert right in str(excinfo.value)
    assert wrong in str(excinfo.value)
    assert not store.exists(f"{prefix}/{right}")
    assert not store.exists(f"{prefix}/{wrong}")
    assert_nothing_stored(store, raw_names, root_prefix)


def test_local_store_leaves_no_temp_files(tmp_path: Path, prefix: str) -> None:
    root = tmp_path / "objects"
    store = LocalObjectStore(LocalStoreConfig(root=root, url_secret=b"secret"))
    data = payload(1000, seed=12)

    with pytest.raises(HashMismatchError):
        store.put(prefix, io.BytesIO(data), expected_sha256="0" * 64)
    with pytest.raises(ConnectionResetError):
        store.put(prefix, cast(BinaryIO, FailingStream(data, 500)))

    assert [p for p in root.rglob("*") if p.is_file()] == []  # not even .tmp/ or .meta/ files
    info = store.put(prefix, io.BytesIO(data))
    stored = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert stored == [f".meta/{info.key}.json", info.key]
    assert (root / info.key).read_bytes() == data


def test_malformed_declared_hash_is_refused_before_reading(store: ObjectStore, prefix: str) -> None:
    stream = io.BytesIO(b"data")

    with pytest.raises(HashMismatchError):
        store.put(prefix, stream, expected_sha256="not-a-hash")

    assert stream.tell() == 0


def test_stream_failing_midway_leaves_nothing(
    store: ObjectStore, raw_names: RawNames, root_prefix: str, prefix: str
) -> None:
    data = payload(SIZE, seed=13)

    with pytest.raises(ConnectionResetError):
        store.put(prefix, cast(BinaryIO, FailingStream(data, fail_after=CHUNK_SIZE + 999)))

    assert_nothing_stored(store, raw_names, root_prefix)
    # The store still works afterwards.
    info = store.put(prefix, io.BytesIO(data))
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert [item.key for item in store.list(root_prefix)] == [info.key]


def _put_in_child(config: StoreConfig, prefix: str, seed: int, size: int) -> str:
    """Runs in a separate process: put the same content as every other worker."""
    store = open_object_store(config)
    return store.put(prefix, io.BytesIO(payload(size, seed))).key


def check_single_intact_object(
    store: ObjectStore, prefix: str, data: bytes, keys: list[str]
) -> None:
    digest = hashlib.sha256(data).hexdigest()
    assert set(keys) == {f"{prefix}/{digest}"}
    listed = list(store.list(prefix))
    assert [info.key for info in listed] == [f"{prefix}/{digest}"]
    assert listed[0].size == len(data)
    with store.open(listed[0].key) as stream:
        back = stream.read()
    assert hashlib.sha256(back).hexdigest() == digest
    assert back == data


def test_concurrent_threads_writing_the_same_content_make_one_object(
    store: ObjectStore, prefix: str
) -> None:
    data = payload(SIZE, seed=14)
    workers = 6
    barrier = threading.Barrier(workers)

    def put_once(_: int) -> str:
        barrier.wait()
        return store.put(prefix, io.BytesIO(data)).key

    with ThreadPoolExecutor(workers) as pool:
        keys = list(pool.map(put_once, range(workers)))

    check_single_intact_object(store, prefix, data, keys)


def test_concurrent_processes_writing_the_same_content_make_one_object(
    store: ObjectStore, store_config: StoreConfig, prefix: str
) -> None:
    seed, size, workers = 15, SIZE, 4
    context = multiprocessing.get_context("spawn")

    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [
            pool.submit(_put_in_child, store_config, prefix, seed, size) for _ in range(workers)
        ]
        keys = [future.result(timeout=120) for future in futures]

    check_single_intact_object(store, prefix, payload(size, seed), keys)
