"""The S3 backend's outbox: an upload given to ``put_file`` is durable in the outbox when
it returns, served from there, sent to S3 in the background (also after a restart), and
removed from the outbox only once S3 holds it."""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pytest
import urllib3

from storage.objects import LocalStoreConfig, S3StoreConfig
from storage.objects.local import LocalObjectStore
from storage.objects.outbox import OutboxBacklog, outbox_backlog
from storage.objects.s3 import S3ObjectStore
from tests.support.seaweed import SeaweedServer

ROOT = Path(__file__).resolve().parents[3]
SENT_WITHIN = 30.0
"""Seconds an entry may take to reach S3 (sent after a 1 s pause in uploads)."""


def _store(s3_server: SeaweedServer, bucket: str, outbox: Path) -> S3ObjectStore:
    store = S3ObjectStore(S3StoreConfig(s3_server.endpoint, s3_server.access_key,
                                        s3_server.secret_key, bucket, outbox=outbox))
    store.check()
    return store


def _staged(directory: Path, data: bytes) -> tuple[Path, str]:
    fd, name = tempfile.mkstemp(prefix="upload-", dir=directory)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return Path(name), hashlib.sha256(data).hexdigest()


def _in_s3(s3_server: SeaweedServer, bucket: str, key: str) -> bytes | None:
    client = s3_server.client()
    try:
        response = client.get_object(bucket, key)
    except Exception:  # absent (NoSuchKey) or not yet visible
        return None
    try:
        return response.read()
    finally:
        response.close()
        response.release_conn()


def _wait_in_s3(s3_server: SeaweedServer, bucket: str, key: str) -> bytes | None:
    deadline = time.monotonic() + SENT_WITHIN
    while time.monotonic() < deadline:
        found = _in_s3(s3_server, bucket, key)
        if found is not None:
            return found
        time.sleep(0.2)
    return None


def test_put_file_is_served_from_the_outbox_then_sent_to_s3(
        s3_server: SeaweedServer, s3_bucket: str, tmp_path: Path, prefix: str) -> None:
    store = _store(s3_server, s3_bucket, tmp_path / "outbox")
    data = os.urandom(700_000)
    path, sha = _staged(store.staging_dir(), data)

    info = store.put_file(prefix, path, sha256=sha, suffix=".jpg", content_type="image/jpeg")

    assert not path.exists()
    assert (tmp_path / "outbox" / info.key).read_bytes() == data  # durable before S3
    with store.open(info.key) as stream:
        assert stream.read() == data
    assert store.stat(info.key).content_type == "image/jpeg"
    assert [item.key for item in store.list(prefix)] == [info.key]
    assert _wait_in_s3(s3_server, s3_bucket, info.key) == data
    deadline = time.monotonic() + SENT_WITHIN
    while store.pending() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert store.pending() == []
    assert not (tmp_path / "outbox" / info.key).exists()
    stat = store.stat(info.key)  # now from S3
    assert (stat.size, stat.sha256, stat.content_type) == (len(data), sha, "image/jpeg")


def test_what_a_stopped_process_left_in_the_outbox_is_sent_by_the_next(
        s3_server: SeaweedServer, s3_bucket: str, tmp_path: Path, prefix: str) -> None:
    outbox = tmp_path / "outbox"
    left = LocalObjectStore(LocalStoreConfig(root=outbox, url_secret=b"x"))
    data = os.urandom(300_000)
    path, sha = _staged(left.staging_dir(), data)
    key = left.put_file(prefix, path, sha256=sha, suffix=".pdf",
                        content_type="application/pdf").key  # accepted, then the process died
    assert _in_s3(s3_server, s3_bucket, key) is None

    store = _store(s3_server, s3_bucket, outbox)  # the next process opens the store

    assert _wait_in_s3(s3_server, s3_bucket, key) == data
    deadline = time.monotonic() + SENT_WITHIN
    while store.pending() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert store.pending() == []
    assert store.stat(key).content_type == "application/pdf"


def _recording_durability(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Path]]:
    """Record every ``os.fsync`` (the path its descriptor names) and ``os.replace`` (the
    destination), in order: what is on disk after a power cut follows from them."""
    events: list[tuple[str, Path]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", Path(os.readlink(f"/proc/self/fd/{fd}"))))
        real_fsync(fd)

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        real_replace(src, dst)
        events.append(("replace", Path(dst).resolve()))

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return events


def _first(events: list[tuple[str, Path]], what: str, path: Path) -> int:
    return events.index((what, path))


def test_an_entry_left_by_a_power_cut_reaches_s3_with_its_content_type(
        s3_server: SeaweedServer, s3_bucket: str, tmp_path: Path, prefix: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The content type's side file is durable before the entry is: fsynced, renamed, its
    directory fsynced, then the data renamed in and its directory fsynced; every directory
    made on the way is recorded in its parent. A re-opened store sends it with that type."""
    outbox = (tmp_path / "outbox").resolve()
    events = _recording_durability(monkeypatch)
    left = LocalObjectStore(LocalStoreConfig(root=outbox, url_secret=b"x"))
    data = os.urandom(300_000)
    path, sha = _staged(left.staging_dir(), data)
    key = left.put_file(prefix, path, sha256=sha, suffix=".pdf",
                        content_type="application/pdf").key
    monkeypatch.undo()
    entry, meta = outbox / key, outbox / ".meta" / f"{key}.json"
    meta_written = [i for i, (what, where) in enumerate(events)
                    if what == "fsync" and where.parent == outbox / ".tmp"
                    and where.name.startswith("meta-")]
    assert len(meta_written) == 1, events
    assert (_first(events, "fsync", path.resolve())  # the data itself
            < meta_written[0]
            < _first(events, "replace", meta)
            < _first(events, "fsync", meta.parent)
            < _first(events, "replace", entry)
            < _first(events, "fsync", entry.parent)), events
    fsynced = {where for what, where in events if what == "fsync"}
    for made in [*entry.relative_to(outbox).parents, *meta.relative_to(outbox).parents]:
        assert (outbox / made).parent in fsynced, f"{outbox / made} not recorded"

    store = _store(s3_server, s3_bucket, outbox)  # the next process, after the power cut

    assert _wait_in_s3(s3_server, s3_bucket, key) == data
    in_s3 = s3_server.client().stat_object(s3_bucket, key)
    assert in_s3.content_type == "application/pdf"
    deadline = time.monotonic() + SENT_WITHIN
    while store.pending() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert store.pending() == []


def test_a_download_url_of_an_object_still_in_the_outbox_serves_it(
        s3_server: SeaweedServer, s3_bucket: str, tmp_path: Path, prefix: str) -> None:
    store = _store(s3_server, s3_bucket, tmp_path / "outbox")
    data = os.urandom(200_000)
    path, sha = _staged(store.staging_dir(), data)
    key = store.put_file(prefix, path, sha256=sha, suffix=".bin").key

    url = store.download_url(key, timedelta(minutes=5))

    assert store.pending() == []  # sent first
    response = urllib3.PoolManager().request("GET", url)
    assert response.status == 200
    assert response.data == data


def test_an_object_deleted_while_in_the_outbox_never_reaches_s3(
        s3_server: SeaweedServer, s3_bucket: str, tmp_path: Path, prefix: str) -> None:
    store = _store(s3_server, s3_bucket, tmp_path / "outbox")
    path, sha = _staged(store.staging_dir(), secrets.token_bytes(100_000))
    key = store.put_file(prefix, path, sha256=sha, suffix=".bin").key

    store.delete(key)  # say, its record's transaction rolled back

    assert not store.exists(key)
    assert store.pending() == []
    time.sleep(2.0)  # past the pause after which the pusher sends
    assert _in_s3(s3_server, s3_bucket, key) is None


STAGE_AND_EXIT = """
import hashlib, os, sys, tempfile
from pathlib import Path
from storage.objects import S3StoreConfig
from storage.objects.s3 import S3ObjectStore
endpoint, access, secret, bucket, outbox, prefix = sys.argv[1:]
store = S3ObjectStore(S3StoreConfig(endpoint, access, secret, bucket, outbox=Path(outbox)))
data = sys.stdin.buffer.read()
fd, name = tempfile.mkstemp(dir=store.staging_dir())
os.write(fd, data)
os.close(fd)
print(store.put_file(prefix, Path(name), sha256=hashlib.sha256(data).hexdigest()).key)
"""


def test_a_process_that_exits_sends_what_it_staged_first(
        s3_server: SeaweedServer, s3_bucket: str, tmp_path: Path, prefix: str) -> None:
    """A CLI import ends with its files in S3, not waiting in the outbox for a server."""
    data = os.urandom(400_000)
    outbox = tmp_path / "outbox"
    run = subprocess.run(
        [sys.executable, "-c", STAGE_AND_EXIT, s3_server.endpoint, s3_server.access_key,
         s3_server.secret_key, s3_bucket, str(outbox), prefix],
        input=data, capture_output=True, cwd=ROOT, timeout=120, check=False)
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    key = run.stdout.decode().strip()

    assert _in_s3(s3_server, s3_bucket, key) == data  # at once: sent before the exit
    assert not (outbox / key).exists()


def test_the_backlog_counts_the_waiting_entries_from_disk_alone(tmp_path: Path,
                                                               prefix: str) -> None:
    """Read from the outbox directory (no S3 call: known while S3 is down); ``None``
    without an outbox."""
    outbox = tmp_path / "outbox"
    config = S3StoreConfig("127.0.0.1:9", "key", "secret", "nowhere", outbox=outbox)
    assert outbox_backlog(S3StoreConfig("127.0.0.1:9", "key", "secret", "nowhere")) is None
    assert outbox_backlog(LocalStoreConfig(root=tmp_path / "objects", url_secret=b"x")) is None
    assert outbox_backlog(config) == OutboxBacklog(0, 0, None)  # not even made yet
    left = LocalObjectStore(LocalStoreConfig(root=outbox, url_secret=b"x"))
    keys = []
    for size in (1_000, 2_500):
        path, sha = _staged(left.staging_dir(), os.urandom(size))
        keys.append(left.put_file(prefix, path, sha256=sha, suffix=".bin").key)
    old = time.time() - 90
    os.utime(outbox / keys[0], (old, old))

    waiting = outbox_backlog(config)

    assert waiting is not None
    assert (waiting.entries, waiting.bytes) == (2, 3_500)
    assert waiting.oldest_age_seconds is not None
    assert 90 <= waiting.oldest_age_seconds < 120
