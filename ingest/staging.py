"""An upload written once, into the object store's staging directory, as it arrives.

Whatever feeds it (a file object, or a multipart body parsed as it streams in at the API's
edge) hands it chunks; each chunk is counted against the size limit, hashed and written
before the next one is read, so the file is refused (naming it) as soon as it passes the
limit, and what was accepted is hashed without being read again. The finished file is then
moved (or sent) to its object by ``ObjectStore.put_file`` without another copy; a file that
is refused, or never reaches the store, is removed (:meth:`StagingFile.discard`,
:meth:`StagedFile.discard`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from storage.errors import TooLargeError
from storage.objects import CHUNK_SIZE

HEAD_BYTES = 2048
"""How many first bytes are kept to tell the file's type."""


@dataclass(frozen=True)
class StagedFile:
    """A complete upload in the staging directory: its name as sent, its SHA-256, size and
    first bytes. Handing ``path`` to ``ObjectStore.put_file`` consumes it."""

    filename: str
    path: Path
    sha256: str
    size: int
    head: bytes

    def discard(self) -> None:
        """Remove the file if it is still there (not stored, or the store copied it)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


class StagingFile:
    """A staging file being written: :meth:`write` each chunk as it arrives, then
    :meth:`finish`, or :meth:`discard` on any failure."""

    def __init__(self, directory: Path, filename: str, limit: int | None) -> None:
        fd, name = tempfile.mkstemp(prefix="sohoa-upload-", dir=directory)
        self.filename = filename
        self.path = Path(name)
        self.limit = limit
        self.size = 0
        self._file: BinaryIO = os.fdopen(fd, "wb")
        self._hasher = hashlib.sha256()
        self._head = bytearray()

    def write(self, chunk: bytes | memoryview) -> None:
        """Count, hash and write ``chunk``; :class:`TooLargeError` naming the file as soon
        as it passes the limit (nothing past the limit is written)."""
        self.size += len(chunk)
        if self.limit is not None and self.size > self.limit:
            raise TooLargeError(f"larger than the limit of {self.limit // 1_000_000} MB",
                                subject=self.filename)
        if len(self._head) < HEAD_BYTES:
            self._head += chunk[:HEAD_BYTES - len(self._head)]
        self._hasher.update(chunk)
        self._file.write(chunk)

    def finish(self) -> StagedFile:
        """Close the file and describe it."""
        self._file.close()
        return StagedFile(filename=self.filename, path=self.path,
                          sha256=self._hasher.hexdigest(), size=self.size,
                          head=bytes(self._head))

    def discard(self) -> None:
        """Close and remove the file."""
        self._file.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def stage_stream(stream: BinaryIO, directory: Path, filename: str,
                 limit: int | None) -> StagedFile:
    """Copy ``stream`` into a new staging file in ``directory`` (see :class:`StagingFile`);
    nothing is left behind when it fails."""
    staging = StagingFile(directory, filename, limit)
    try:
        while chunk := stream.read(CHUNK_SIZE):
            staging.write(chunk)
    except BaseException:
        staging.discard()
        raise
    return staging.finish()
