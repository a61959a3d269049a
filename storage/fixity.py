"""Fixity checks: re-read a stored object and confirm it still has its recorded SHA-256.

Archives run these periodically ("fixity" in digital preservation) so that silent
corruption or tampering in the object store is found while a good copy may still exist.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from storage.objects import CHUNK_SIZE, ObjectStore

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class FixityResult:
    """The outcome of re-hashing one object."""

    key: str
    expected_sha256: str
    actual_sha256: str
    size: int

    @property
    def ok(self) -> bool:
        """Whether the object still has the recorded hash."""
        return self.expected_sha256 == self.actual_sha256


def check_fixity(
    store: ObjectStore,
    key: str,
    expected_sha256: str,
    progress: ProgressCallback | None = None,
) -> FixityResult:
    """Stream the object at ``key`` through SHA-256, reporting ``(bytes_done, bytes_total)``."""
    total = store.stat(key).size
    digest = hashlib.sha256()
    done = 0
    with store.open(key) as stream:
        while chunk := stream.read(CHUNK_SIZE):
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    return FixityResult(key=key, expected_sha256=expected_sha256, actual_sha256=digest.hexdigest(),
                        size=done)
