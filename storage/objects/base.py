"""The object store interface, its config objects and the key scheme."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO, Protocol

from storage.errors import InvalidKeyError

CHUNK_SIZE = 8 * 1024 * 1024
"""Objects are streamed in chunks of this many bytes; nothing holds a whole object."""

_PREFIX_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SUFFIX = re.compile(r"^(\.[A-Za-z0-9]{1,10})?$")


@dataclass(frozen=True)
class LocalStoreConfig:
    """A directory on this machine holds the objects.

    ``url_base`` and ``url_secret`` serve time-limited download URLs: the API answers
    ``{url_base}/{key}?expires=...&signature=...`` after checking the HMAC.
    """

    root: Path
    url_secret: bytes
    url_base: str = "http://127.0.0.1:8000/objects"


@dataclass(frozen=True)
class S3StoreConfig:
    """An S3 server (MinIO, SeaweedFS, AWS, ...) holds the objects in one bucket.

    With ``outbox`` (a local directory that survives restarts), a staged upload given to
    ``put_file`` is fsynced into the outbox and sent to S3 in the background, and read from
    the outbox until then; without it ``put_file`` returns once S3 holds the object.
    """

    endpoint: str  # host:port, no scheme
    access_key: str
    secret_key: str
    bucket: str
    secure: bool = False
    region: str | None = None
    outbox: Path | None = None
    spool: Path | None = None
    """Where writes wait while they arrive and are hashed (default: the system temp dir)."""


StoreConfig = LocalStoreConfig | S3StoreConfig


@dataclass(frozen=True)
class ObjectInfo:
    """What the store knows of one object."""

    key: str
    size: int
    sha256: str
    content_type: str
    modified: datetime


def object_key(prefix: str, sha256: str, suffix: str = "") -> str:
    """Build the content-addressed key ``{prefix}/{sha256}{suffix}`` after checking its parts.

    ``prefix`` is made of ``/``-separated safe parts such as ``dossiers/12/documents/34``;
    ``suffix`` is empty or a short extension like ``.pdf``.
    """
    parts = prefix.split("/")
    safe = all(_PREFIX_PART.match(part) and part not in {".", ".."} for part in parts)
    if not prefix or not safe:
        raise InvalidKeyError("unsafe or empty object key prefix", subject=prefix)
    if not _SHA256.match(sha256):
        raise InvalidKeyError("not a lowercase hex SHA-256", subject=sha256)
    if not _SUFFIX.match(suffix):
        raise InvalidKeyError("bad key suffix", subject=suffix)
    return f"{prefix}/{sha256}{suffix}"


class ObjectStore(Protocol):
    """Content-addressed, atomic, streaming object storage."""

    def put(
        self,
        prefix: str,
        stream: BinaryIO,
        *,
        expected_sha256: str | None = None,
        suffix: str = "",
        content_type: str = "application/octet-stream",
    ) -> ObjectInfo:
        """Store the stream under ``object_key(prefix, sha256(stream), suffix)``.

        Reads the stream in :data:`CHUNK_SIZE` chunks, hashing as it goes. When
        ``expected_sha256`` is given and differs, raises ``HashMismatchError`` and leaves
        nothing behind. The object becomes visible only once complete. Storing content
        that is already there is a no-op returning the existing object's info.
        """
        ...

    def staging_dir(self) -> Path:
        """A directory (created if needed) on the store's own filesystem where a caller
        writes a file it then hands to :meth:`put_file`, so that the file is stored without
        being copied again."""
        ...

    def put_file(
        self,
        prefix: str,
        path: Path,
        *,
        sha256: str,
        suffix: str = "",
        content_type: str = "application/octet-stream",
    ) -> ObjectInfo:
        """Store the complete file at ``path`` under ``object_key(prefix, sha256, suffix)``
        and consume it (it is moved, or removed once sent).

        ``sha256`` is trusted: only a caller that computed it while writing ``path`` itself
        (in :meth:`staging_dir`) may use this; everyone else uses :meth:`put`. The object
        becomes visible only once complete; content already there is a no-op.
        """
        ...

    def open(self, key: str) -> AbstractContextManager[BinaryIO]:
        """Open an object for streaming reads; ``ObjectNotFoundError`` if absent."""
        ...

    def stat(self, key: str) -> ObjectInfo:
        """Info about one object; ``ObjectNotFoundError`` if absent."""
        ...

    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""
        ...

    def delete(self, key: str) -> None:
        """Remove an object; removing an absent object is not an error."""
        ...

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        """Every object whose key starts with ``prefix`` (recursive), in key order."""
        ...

    def download_url(self, key: str, expires: timedelta) -> str:
        """A URL that lets anyone holding it download the object until it expires."""
        ...

    def check(self) -> str:
        """Raise ``StorageUnavailableError`` unless the store is usable; return a description."""
        ...
