"""The local-directory backend: objects are files under a root directory.

Layout: ``root/{key}`` holds the bytes, ``root/.meta/{key}.json`` the content type, and
``root/.tmp/`` the files being written. Keys never start with a dot, so neither hidden tree
can collide with an object. A write goes to ``.tmp``, is hashed and fsynced, then moved into
place with ``os.replace`` (atomic on one filesystem): no half-written object is ever visible.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from storage.errors import InvalidKeyError, ObjectNotFoundError, StorageUnavailableError
from storage.objects.base import LocalStoreConfig, ObjectInfo, object_key
from storage.objects.common import (
    check_key,
    check_lifetime,
    check_list_prefix,
    check_put_args,
    copy_hashing,
    is_key,
    verify_hash,
)
from storage.objects.signed_urls import signed_download_url

DEFAULT_CONTENT_TYPE = "application/octet-stream"


class LocalObjectStore:
    """An :class:`~storage.objects.base.ObjectStore` keeping objects in a local directory."""

    def __init__(self, config: LocalStoreConfig) -> None:
        self.config = config
        self.root = Path(config.root).resolve()
        self._tmp = self.root / ".tmp"
        self._meta = self.root / ".meta"

    # --- paths -------------------------------------------------------------------------

    def _path(self, key: str) -> Path:
        check_key(key)
        path = self.root / key
        # check_key already refuses "..", hidden and empty parts; this is a second guard.
        if not path.resolve().is_relative_to(self.root):
            raise InvalidKeyError("key resolves outside the store", subject=key)
        return path

    def _meta_path(self, key: str) -> Path:
        return self._meta / f"{key}.json"

    # --- writes --------------------------------------------------------------------------

    def put(
        self,
        prefix: str,
        stream: BinaryIO,
        *,
        expected_sha256: str | None = None,
        suffix: str = "",
        content_type: str = DEFAULT_CONTENT_TYPE,
    ) -> ObjectInfo:
        """Store the stream under ``prefix/sha256(stream)suffix``; see ``ObjectStore.put``."""
        expected = check_put_args(prefix, suffix, expected_sha256)
        tmp_path = self._new_tmp_file()
        try:
            with _os_errors(str(self.root)):
                sink = tmp_path.open("wb")
            with sink:
                # Errors raised by the caller's stream propagate as they are.
                sha, _size = copy_hashing(stream, sink, where=str(self.root))
                with _os_errors(str(self.root)):
                    sink.flush()
                    os.fsync(sink.fileno())
            verify_hash(sha, expected, prefix)
            key = object_key(prefix, sha, suffix)
            final = self._path(key)
            if final.is_file():
                return self.stat(key)
            with _os_errors(str(self.root)):
                self._write_meta(key, content_type)
                _make_dirs(final.parent)
                os.replace(tmp_path, final)
                _fsync_dir(final.parent)
            return self.stat(key)
        finally:
            with suppress(FileNotFoundError):
                tmp_path.unlink()

    def staging_dir(self) -> Path:
        """``root/.tmp``: a file written there is moved into place by :meth:`put_file`."""
        with _os_errors(str(self.root)):
            _make_dirs(self._tmp)  # the root too, durably: objects are renamed into it
        return self._tmp

    def put_file(
        self,
        prefix: str,
        path: Path,
        *,
        sha256: str,
        suffix: str = "",
        content_type: str = DEFAULT_CONTENT_TYPE,
    ) -> ObjectInfo:
        """Fsync ``path`` (written by the caller in :meth:`staging_dir`, hashed as it was
        written) and rename it into place: the bytes are written once. See
        ``ObjectStore.put_file``."""
        check_put_args(prefix, suffix, sha256)
        key = object_key(prefix, sha256, suffix)
        final = self._path(key)
        try:
            if final.is_file():
                return self.stat(key)
            with _os_errors(str(self.root)):
                fd = os.open(path, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
                self._write_meta(key, content_type)
                _make_dirs(final.parent)
                os.replace(path, final)
                _fsync_dir(final.parent)
            return self.stat(key)
        finally:
            with suppress(FileNotFoundError):
                path.unlink()

    def _new_tmp_file(self) -> Path:
        with _os_errors(str(self.root)):
            _make_dirs(self._tmp)
            fd, name = tempfile.mkstemp(dir=self._tmp, prefix="put-")
            os.close(fd)
        return Path(name)

    def _write_meta(self, key: str, content_type: str) -> None:
        """Write ``key``'s content type durably: the file is fsynced, renamed into place
        and its directory fsynced, all before the caller renames the object itself into
        place, so an object that survives a power cut has its content type too (an outbox
        entry would otherwise reach S3 as ``application/octet-stream``)."""
        meta = self._meta_path(key)
        _make_dirs(meta.parent)
        self._tmp.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self._tmp, prefix="meta-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"content_type": content_type}, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(name, meta)
            _fsync_dir(meta.parent)
        finally:
            with suppress(FileNotFoundError):
                os.unlink(name)

    def delete(self, key: str) -> None:
        """Remove an object and its metadata; an absent object is not an error."""
        path = self._path(key)
        with _os_errors(str(self.root)):
            with suppress(FileNotFoundError):
                path.unlink()
            with suppress(FileNotFoundError):
                self._meta_path(key).unlink()

    # --- reads ---------------------------------------------------------------------------

    def open(self, key: str) -> AbstractContextManager[BinaryIO]:
        """Open an object for streaming reads; ``ObjectNotFoundError`` if absent."""
        path = self._path(key)
        try:
            return path.open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise ObjectNotFoundError("no such object", subject=key) from exc
        except OSError as exc:
            raise StorageUnavailableError(f"cannot open: {exc}", subject=key) from exc

    def stat(self, key: str) -> ObjectInfo:
        """Info about one object; ``ObjectNotFoundError`` if absent."""
        sha = check_key(key)
        path = self._path(key)
        try:
            st = path.stat()
        except (FileNotFoundError, NotADirectoryError) as exc:
            raise ObjectNotFoundError("no such object", subject=key) from exc
        except OSError as exc:
            raise StorageUnavailableError(f"cannot stat: {exc}", subject=key) from exc
        if not path.is_file():
            raise ObjectNotFoundError("no such object", subject=key)
        return ObjectInfo(
            key=key,
            size=st.st_size,
            sha256=sha,
            content_type=self._read_content_type(key),
            modified=datetime.fromtimestamp(st.st_mtime, tz=UTC),
        )

    def _read_content_type(self, key: str) -> str:
        try:
            data = json.loads(self._meta_path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return DEFAULT_CONTENT_TYPE
        value = data.get("content_type") if isinstance(data, dict) else None
        return value if isinstance(value, str) else DEFAULT_CONTENT_TYPE

    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""
        return self._path(key).is_file()

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        """Every object whose key starts with ``prefix`` (recursive), in key order."""
        check_list_prefix(prefix)
        keys = sorted(self._keys_under(prefix))
        for key in keys:
            try:
                yield self.stat(key)
            except ObjectNotFoundError:
                continue  # deleted since the walk

    def _keys_under(self, prefix: str) -> Iterator[str]:
        directory, _, _ = prefix.rpartition("/")
        start = self.root / directory if directory else self.root
        if not start.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(start):
            rel_dir = Path(dirpath).relative_to(self.root).as_posix()
            if rel_dir == ".":
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                rel_dir = ""
            for name in filenames:
                key = f"{rel_dir}/{name}" if rel_dir else name
                if key.startswith(prefix) and is_key(key):
                    yield key

    def download_url(self, key: str, expires: timedelta) -> str:
        """A URL served by the API: ``{url_base}/{key}?expires=...&signature=...`` (HMAC)."""
        check_lifetime(expires)
        if not self.exists(key):
            raise ObjectNotFoundError("no such object", subject=key)
        expires_at = int(time.time() + expires.total_seconds())
        return signed_download_url(self.config.url_base, key, expires_at, self.config.url_secret)

    def check(self) -> str:
        """Make sure the root exists and is writable; return a description of the store."""
        with _os_errors(str(self.root)):
            self._tmp.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self._tmp, prefix="check-"):
                pass
        if not self.config.url_secret:
            raise StorageUnavailableError("download URL secret is empty", subject=str(self.root))
        return f"local directory {self.root}"


@contextmanager
def _os_errors(where: str) -> Iterator[None]:
    """Turn ``OSError`` into ``StorageUnavailableError`` naming ``where``."""
    try:
        yield
    except OSError as exc:
        raise StorageUnavailableError(f"filesystem error: {exc}", subject=where) from exc


def _fsync_dir(directory: Path) -> None:
    """Persist a rename; some filesystems refuse fsync on directories, which is harmless."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _make_dirs(directory: Path) -> None:
    """``mkdir -p`` whose new directories survive a power cut: each one created is
    recorded by fsyncing its parent (an fsynced file in a directory whose own entry was
    lost would be lost with it)."""
    missing: list[Path] = []
    current = directory
    while not current.is_dir():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        with suppress(FileExistsError):  # made meanwhile by another writer
            path.mkdir()
        _fsync_dir(path.parent)
