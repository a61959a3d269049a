"""Helpers shared by the backends: key checks and hashing copies in fixed-size chunks."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import IO, BinaryIO

from storage.errors import (
    BadInputError,
    HashMismatchError,
    InvalidKeyError,
    StorageUnavailableError,
)
from storage.objects.base import CHUNK_SIZE, object_key

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_LAST_PART = re.compile(r"^(?P<sha>[0-9a-f]{64})(?P<suffix>\.[A-Za-z0-9]{1,10})?$")
_PARTIAL_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

MAX_URL_LIFETIME = timedelta(days=7)
"""The longest lifetime a download URL may have (S3's presigned URL limit)."""


def check_key(key: str) -> str:
    """Return ``key`` if it has the shape :func:`object_key` builds, else ``InvalidKeyError``.

    Returns the key's SHA-256 part as a convenience for callers that need the hash.
    """
    prefix, _, last = key.rpartition("/")
    match = _LAST_PART.match(last)
    if not prefix or match is None:
        raise InvalidKeyError("not an object key of the form prefix/sha256[.ext]", subject=key)
    sha = match.group("sha")
    # object_key() validates the prefix and suffix and rebuilds the exact same string.
    if object_key(prefix, sha, match.group("suffix") or "") != key:
        raise InvalidKeyError("not a canonical object key", subject=key)
    return sha


def is_key(key: str) -> bool:
    """Whether ``key`` is a well-formed object key (see :func:`check_key`)."""
    try:
        check_key(key)
    except InvalidKeyError:
        return False
    return True


def check_list_prefix(prefix: str) -> str:
    """Return ``prefix`` if it is a safe listing prefix, else raise ``InvalidKeyError``.

    A listing prefix is any start of a key: ``""``, ``"dossiers/"``, ``"dossiers/1"``...
    Parts must start with a letter or digit, so ``.``, ``..`` and hidden names are refused.
    """
    if prefix == "":
        return prefix
    parts = prefix.split("/")
    if parts[-1] == "":
        parts = parts[:-1]
    if not parts or not all(_PARTIAL_PART.match(part) for part in parts):
        raise InvalidKeyError("unsafe object listing prefix", subject=prefix)
    if len(prefix) > 1024:
        raise InvalidKeyError("object listing prefix too long", subject=prefix[:64] + "...")
    return prefix


def check_put_args(prefix: str, suffix: str, expected_sha256: str | None) -> str | None:
    """Validate ``put()``'s arguments before any byte is read; return the normalised hash."""
    object_key(prefix, "0" * 64, suffix)
    if expected_sha256 is None:
        return None
    expected = expected_sha256.strip().lower()
    if not _SHA256.match(expected):
        raise HashMismatchError("declared SHA-256 is not 64 hex digits", subject=expected_sha256)
    return expected


def check_lifetime(expires: timedelta) -> None:
    """Refuse download URL lifetimes that are not positive or exceed :data:`MAX_URL_LIFETIME`."""
    if expires <= timedelta(0) or expires > MAX_URL_LIFETIME:
        raise BadInputError(
            f"download URL lifetime must be between 1 second and {MAX_URL_LIFETIME}",
            subject=str(expires),
        )


def copy_hashing(stream: BinaryIO, sink: IO[bytes], where: str) -> tuple[str, int]:
    """Copy ``stream`` into ``sink`` in :data:`CHUNK_SIZE` chunks; return (sha256 hex, size).

    Errors raised by ``stream`` propagate unchanged (they are the caller's); an ``OSError``
    writing to ``sink`` becomes ``StorageUnavailableError`` naming ``where``.
    """
    hasher = hashlib.sha256()
    size = 0
    while True:
        chunk = stream.read(CHUNK_SIZE)
        if not chunk:
            break
        hasher.update(chunk)
        size += len(chunk)
        try:
            sink.write(chunk)
        except OSError as exc:
            raise StorageUnavailableError(f"cannot write: {exc}", subject=where) from exc
        del chunk
    return hasher.hexdigest(), size


def verify_hash(actual: str, expected: str | None, prefix: str) -> None:
    """Raise ``HashMismatchError`` when a declared hash differs from the computed one."""
    if expected is not None and actual != expected:
        raise HashMismatchError(
            f"content has SHA-256 {actual}, but {expected} was declared", subject=prefix
        )
