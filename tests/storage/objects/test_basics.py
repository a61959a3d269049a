"""Round trips, stat, exists, list, delete and key checks, on both backends."""

from __future__ import annotations

import hashlib
import io
import random
from datetime import UTC, datetime, timedelta

import pytest

from storage.errors import InvalidKeyError, NotFoundError, ObjectNotFoundError
from storage.objects import CHUNK_SIZE, ObjectStore, object_key


def payload(size: int, seed: int = 0) -> bytes:
    """Deterministic pseudo-random bytes."""
    return random.Random(seed).randbytes(size)


def read_all(store: ObjectStore, key: str) -> bytes:
    with store.open(key) as stream:
        return stream.read()


@pytest.mark.parametrize("size", [0, 1, 1000, CHUNK_SIZE + 12345])
def test_round_trip_keeps_bytes_and_hash(store: ObjectStore, prefix: str, size: int) -> None:
    data = payload(size, seed=size)
    digest = hashlib.sha256(data).hexdigest()

    info = store.put(prefix, io.BytesIO(data), suffix=".pdf", content_type="application/pdf")

    assert info.key == f"{prefix}/{digest}.pdf"
    assert info.key == object_key(prefix, digest, ".pdf")
    assert info.sha256 == digest
    assert info.size == size
    assert info.content_type == "application/pdf"
    assert abs(info.modified - datetime.now(UTC)) < timedelta(minutes=5)
    back = read_all(store, info.key)
    assert len(back) == size
    assert hashlib.sha256(back).hexdigest() == digest
    assert back == data
    assert store.stat(info.key) == info


def test_declared_hash_is_accepted_when_right(store: ObjectStore, prefix: str) -> None:
    data = payload(5000, seed=1)
    digest = hashlib.sha256(data).hexdigest()

    info = store.put(prefix, io.BytesIO(data), expected_sha256=digest.upper())

    assert info.sha256 == digest
    assert read_all(store, info.key) == data


def test_open_streams_in_chunks(store: ObjectStore, prefix: str) -> None:
    data = payload(3 * 1024 * 1024 + 7, seed=2)
    info = store.put(prefix, io.BytesIO(data))

    pieces = []
    with store.open(info.key) as stream:
        while piece := stream.read(1024 * 1024):
            assert len(piece) <= 1024 * 1024
            pieces.append(piece)

    assert len(pieces) == 4
    assert b"".join(pieces) == data


def test_putting_the_same_content_again_is_a_no_op(store: ObjectStore, prefix: str) -> None:
    data = payload(2048, seed=3)
    first = store.put(prefix, io.BytesIO(data), content_type="text/plain")

    second = store.put(prefix, io.BytesIO(data), content_type="text/plain")

    assert second == first
    assert [info.key for info in store.list(prefix)] == [first.key]


def test_stat_and_exists(store: ObjectStore, prefix: str) -> None:
    info = store.put(prefix, io.BytesIO(b"hello"))
    missing = object_key(prefix, hashlib.sha256(b"other").hexdigest())

    assert store.exists(info.key)
    assert not store.exists(missing)
    stat = store.stat(info.key)
    assert (stat.size, stat.sha256) == (5, hashlib.sha256(b"hello").hexdigest())
    assert stat.content_type == "application/octet-stream"


def test_list_by_prefix_is_recursive_sorted_and_filtered(
    store: ObjectStore, root_prefix: str
) -> None:
    blobs = {f"{root_prefix}/documents/{n}": payload(100 + n, seed=n) for n in (1, 2, 10)}
    blobs[f"{root_prefix}/documents-b"] = b"sibling"
    blobs[f"{root_prefix}/documents/1/pages/3"] = b"nested"
    keys = {name: store.put(name, io.BytesIO(data)).key for name, data in blobs.items()}

    everything = list(store.list(f"{root_prefix}/"))
    in_documents = [info.key for info in store.list(f"{root_prefix}/documents/")]
    in_document_1 = [info.key for info in store.list(f"{root_prefix}/documents/1")]

    assert [info.key for info in everything] == sorted(keys.values())
    assert {info.key: info.size for info in everything} == {
        keys[name]: len(data) for name, data in blobs.items()
    }
    assert all(info.sha256 in info.key for info in everything)
    assert in_documents == sorted(
        keys[name] for name in blobs if name.startswith(f"{root_prefix}/documents/")
    )
    assert len(in_documents) == 4
    # "documents/1" matches documents/1/..., documents/10/... but not documents/2/...
    assert in_document_1 == sorted(
        [
            keys[f"{root_prefix}/documents/1"],
            keys[f"{root_prefix}/documents/1/pages/3"],
            keys[f"{root_prefix}/documents/10"],
        ]
    )
    assert list(store.list(f"{root_prefix}/nothing-here/")) == []


def test_delete_removes_the_object_and_is_idempotent(store: ObjectStore, prefix: str) -> None:
    kept = store.put(prefix, io.BytesIO(b"keep me"))
    gone = store.put(prefix, io.BytesIO(b"delete me"))

    store.delete(gone.key)
    store.delete(gone.key)

    assert not store.exists(gone.key)
    assert [info.key for info in store.list(prefix)] == [kept.key]
    assert read_all(store, kept.key) == b"keep me"
    with pytest.raises(ObjectNotFoundError):
        store.open(gone.key)


def test_missing_objects_raise_not_found(store: ObjectStore, prefix: str) -> None:
    missing = object_key(prefix, "0" * 64, ".pdf")

    with pytest.raises(ObjectNotFoundError) as excinfo:
        store.stat(missing)
    with pytest.raises(ObjectNotFoundError):
        store.open(missing)
    with pytest.raises(ObjectNotFoundError):
        store.download_url(missing, timedelta(minutes=5))

    assert isinstance(excinfo.value, NotFoundError)
    assert excinfo.value.kind == "not_found"
    assert missing in str(excinfo.value)


@pytest.mark.parametrize(
    "bad_prefix",
    ["../etc", "dossiers/../../etc", "dossiers/./x", "/abs", "dossiers//x", "", "a/.hidden"],
)
def test_put_refuses_unsafe_prefixes(store: ObjectStore, bad_prefix: str) -> None:
    stream = io.BytesIO(b"data")

    with pytest.raises(InvalidKeyError):
        store.put(bad_prefix, stream)

    assert stream.tell() == 0  # refused before reading anything


@pytest.mark.parametrize("bad_prefix", ["../", "dossiers/../", "a/../../b", "/etc", ".tmp/"])
def test_list_refuses_unsafe_prefixes(store: ObjectStore, bad_prefix: str) -> None:
    with pytest.raises(InvalidKeyError):
        list(store.list(bad_prefix))


@pytest.mark.parametrize(
    "bad_key",
    [
        "../" + "0" * 64,
        "dossiers/../../" + "0" * 64,
        "dossiers/1/not-a-hash",
        "0" * 64,
        "dossiers/1/" + "0" * 64 + "/",
        ".tmp/put-123",
        "dossiers/1/" + "A" * 64,
    ],
)
def test_key_operations_refuse_malformed_keys(store: ObjectStore, bad_key: str) -> None:
    for operation in (store.open, store.stat, store.exists, store.delete):
        with pytest.raises(InvalidKeyError):
            operation(bad_key)


def test_bad_suffix_is_refused(store: ObjectStore, prefix: str) -> None:
    with pytest.raises(InvalidKeyError):
        store.put(prefix, io.BytesIO(b"x"), suffix="/../../x")
