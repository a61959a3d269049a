"""Accepting a file: store the original first (by SHA-256), then record it.

The original is written to the object store before any record points at it, so nothing
accepted is lost if later processing fails; the same content twice in a dossier is found
by its hash and not stored or processed again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.errors import IntakeInputError
from storage.errors import TooLargeError
from storage.objects import ObjectStore
from storage.records import Document, DocumentFile, DocumentStatus, Dossier, append_audit

_MAGIC = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"II*\x00", "image/tiff", ".tif"),
    (b"MM\x00*", "image/tiff", ".tif"),
)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


def safe_filename(name: str) -> str:
    """The file's base name, NFC, without path parts or control characters."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    if not base:
        raise IntakeInputError("the file name is empty or only path characters", subject=name)
    return base[:255]


def sniff_media_type(head: bytes) -> tuple[str, str]:
    """The media type and file suffix told by the file's first bytes, not its name."""
    for magic, media_type, suffix in _MAGIC:
        if head.startswith(magic) or (magic == b"%PDF-" and magic in head[:1024]):
            return media_type, suffix
    return "application/octet-stream", ""


class _Peekable:
    """Lets the first bytes of a stream be inspected and still be read once in full; stops
    a stream that runs past ``limit`` bytes."""

    def __init__(self, stream: BinaryIO, name: str, limit: int | None = None,
                 head_size: int = 2048) -> None:
        self.stream = stream
        self.name = name
        self.limit = limit
        self.head = stream.read(head_size)
        self._head_left = self.head
        self.count = len(self.head)
        self._check()

    def _check(self) -> None:
        if self.limit is not None and self.count > self.limit:
            raise TooLargeError(f"larger than the limit of {self.limit // 1_000_000} MB",
                                subject=self.name)

    def read(self, size: int = -1) -> bytes:
        if self._head_left:
            if size < 0 or size >= len(self._head_left):
                data, self._head_left = self._head_left, b""
                return data + self._more(-1 if size < 0 else size - len(data))
            data, self._head_left = self._head_left[:size], self._head_left[size:]
            return data
        return self._more(size)

    def _more(self, size: int) -> bytes:
        data = self.stream.read(size) if size else b""
        self.count += len(data)
        self._check()
        return data


@dataclass(frozen=True)
class StoredOriginal:
    """The document an upload became, and whether it was already there."""

    document: Document
    duplicate: bool


def store_original(session: Session, store: ObjectStore, *, dossier: Dossier, filename: str,
                   stream: BinaryIO, actor: str, user_id: int | None,
                   max_bytes: int | None = None) -> StoredOriginal:
    """Store an uploaded file for a dossier and record a ``received`` document for it;
    a file over ``max_bytes`` is refused (:class:`TooLargeError`) and nothing is kept."""
    name = safe_filename(filename)
    peek = _Peekable(stream, name, max_bytes)
    if not peek.head:
        raise IntakeInputError("the file is empty", subject=name)
    media_type, suffix = sniff_media_type(peek.head)
    info = store.put(f"dossiers/{dossier.id}", peek,  # type: ignore[arg-type]
                     suffix=suffix, content_type=media_type)
    existing = session.scalar(
        select(Document).join(DocumentFile)
        .where(Document.dossier_id == dossier.id, DocumentFile.role == "original",
               DocumentFile.sha256 == info.sha256)
    )
    if existing is not None:
        return StoredOriginal(document=existing, duplicate=True)
    document = Document(unit_id=dossier.unit_id, dossier_id=dossier.id, filename=name,
                        media_type=media_type, status=DocumentStatus.received,
                        created_by_id=user_id, fields={})
    session.add(document)
    session.flush()
    session.add(DocumentFile(document_id=document.id, version=1, role="original",
                             object_key=info.key, sha256=info.sha256, size=info.size,
                             media_type=media_type))
    append_audit(session, actor=actor, action="document_received", subject_type="document",
                 subject_id=document.id,
                 details={"dossier": dossier.id, "sha256": info.sha256, "size": info.size,
                          "filename": name})
    session.flush()
    return StoredOriginal(document=document, duplicate=False)
