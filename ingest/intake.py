"""Accepting a file: store the original first (by SHA-256), then record it.

The original is written to the object store before any record points at it, so nothing
accepted is lost if later processing fails; the same content twice in a dossier is found
by its hash and not stored or processed again. Accepting reads headers only; a file whose
pixels turn out damaged fails its digitisation job with the reason, its original kept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.errors import IntakeInputError
from ingest.staging import StagedFile, stage_stream
from ocr.errors import OcrInputError
from ocr.inputs import detect_format, load_page, page_sources
from ocr.model import OcrLimits
from storage.errors import TooLargeError
from storage.objects import CHUNK_SIZE, ObjectStore
from storage.objects.keys import original_prefix
from storage.orphans import put_file_object
from storage.records import (
    AuditAction,
    Document,
    DocumentFile,
    DocumentStatus,
    Dossier,
    FileRole,
    append_audit,
)

_MAGIC = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"II*\x00", "image/tiff", ".tif"),
    (b"MM\x00*", "image/tiff", ".tif"),
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_TRUNCATION_TAIL = 1 << 16


def _without_format_characters(value: str) -> str:
    """``value`` without invisible format characters (Unicode category Cf: bidi embeddings,
    overrides and isolates, zero-width spaces and joiners, the BOM, soft hyphens), which
    make a name show as something it is not (``invoice\\u202efdp.exe`` shows as
    "invoiceexe.pdf")."""
    return "".join(char for char in value if unicodedata.category(char) != "Cf")


def safe_filename(name: str) -> str:
    """The file's name in NFC without invisible format characters (bidi overrides and
    isolates, zero-width characters: removed, the rest kept), refused (naming it, made
    printable) when it has control characters or line separators, path parts ("../", "/",
    "\\"), or nothing readable is left. Markup is kept as sent: whoever shows a name
    escapes it."""
    value = _without_format_characters(unicodedata.normalize("NFC", name)).strip()
    shown = _CONTROL.sub("?", value)[:255] or "(no name)"
    if _CONTROL.search(value):
        raise IntakeInputError("the file name contains control characters", subject=shown)
    if "/" in value or "\\" in value or value in (".", ".."):
        raise IntakeInputError("the file name contains a path ('/', '\\' or '..'): send the "
                               "file's own name", subject=shown)
    if not value.strip(" ."):
        raise IntakeInputError("the file name is empty", subject=shown)
    if len(value.encode("utf-8")) > 255:
        raise IntakeInputError("the file name is longer than 255 bytes", subject=shown[:80])
    return value


def _check_complete(path: Path, name: str) -> None:
    """Refuse a JPEG without its end marker or a PNG without its end chunk: a truncated
    upload that image decoders would half-show without complaint."""
    with path.open("rb") as file:
        head = file.read(8)
        file.seek(max(0, path.stat().st_size - _TRUNCATION_TAIL))
        tail = file.read()
    if head.startswith(b"\xff\xd8\xff") and b"\xff\xd9" not in tail:
        raise IntakeInputError("truncated JPEG: the image's end marker is missing", subject=name)
    if head.startswith(b"\x89PNG") and b"IEND" not in tail:
        raise IntakeInputError("truncated PNG: the image's end chunk is missing", subject=name)


def sniff_media_type(head: bytes) -> tuple[str, str]:
    """The media type and file suffix told by the file's first bytes, not its name."""
    for magic, media_type, suffix in _MAGIC:
        if head.startswith(magic) or (magic == b"%PDF-" and magic in head[:1024]):
            return media_type, suffix
    return "application/octet-stream", ""


@dataclass(frozen=True)
class StoredOriginal:
    """The document an upload became, and whether it was already there."""

    document: Document
    duplicate: bool


def validate_file(path: Path, name: str, limits: OcrLimits | None = None) -> None:
    """Refuse what cannot be digitised, naming the file (``name``) and the reason: unknown
    or disguised types, empty, truncated or damaged files, encrypted PDFs, XFA forms,
    images whose pixels would not fit the memory limits (decompression bombs)."""
    limits = limits or OcrLimits()
    _check_complete(path, name)
    try:
        sources = page_sources(path, limits)
        if detect_format(path) != "pdf":
            for index in range(len(sources)):
                load_page(path, index, limits)  # decodes: a truncated image fails here
    except OcrInputError as error:
        error.subject = name
        raise


def spool_limited(stream: BinaryIO, target: BinaryIO, name: str, limit: int | None) -> int:
    """Copy ``stream`` to ``target`` and return its size; :class:`TooLargeError` naming
    ``name`` as soon as it passes ``limit`` bytes."""
    size = 0
    while chunk := stream.read(CHUNK_SIZE):
        size += len(chunk)
        if limit is not None and size > limit:
            raise TooLargeError(f"larger than the limit of {limit // 1_000_000} MB",
                                subject=name)
        target.write(chunk)
    target.flush()
    return size


def check_headers(path: Path, name: str, limits: OcrLimits | None = None) -> None:
    """The checks made when a file is accepted, reading headers only (nothing decoded):
    refuse unknown or disguised types, truncated JPEG/PNG (end marker missing), damaged
    headers, encrypted PDFs, XFA forms, too many pages or frames, and pages whose pixels
    would not fit the memory limits (decompression bombs, from the declared dimensions).
    A file damaged inside its pixel data passes and fails its digitisation job instead,
    with the reason on the document."""
    limits = limits or OcrLimits()
    _check_complete(path, name)
    try:
        page_sources(path, limits)
    except OcrInputError as error:
        error.subject = name
        raise


def _find_existing(session: Session, dossier: Dossier | None, owner: int,
                   sha256: str) -> Document | None:
    where = (Document.dossier_id == dossier.id) if dossier is not None else (
        Document.dossier_id.is_(None) & (Document.unit_id == owner))
    return session.scalar(select(Document).join(DocumentFile).where(
        where, DocumentFile.role == FileRole.original, DocumentFile.sha256 == sha256))


def store_original(session: Session, store: ObjectStore, *, dossier: Dossier | None,
                   filename: str, stream: BinaryIO, actor: str, user_id: int | None,
                   max_bytes: int | None = None, unit_id: int | None = None,
                   limits: OcrLimits | None = None) -> StoredOriginal:
    """Check an uploaded file, store it by SHA-256 and record a ``received`` document for
    it in ``dossier`` (or, with ``dossier`` None, in the unassigned tray of ``unit_id``).

    The file is written once, into the store's staging directory, with its size limit and
    SHA-256 taken as it streams (:func:`ingest.staging.stage_stream`), then accepted as
    :func:`store_staged` says. A file over ``max_bytes`` is refused with an error naming
    it, before anything is stored or recorded.
    """
    name = safe_filename(filename)
    staged = stage_stream(stream, store.staging_dir(), name, max_bytes)
    return store_staged(session, store, dossier=dossier, staged=staged, actor=actor,
                        user_id=user_id, unit_id=unit_id, limits=limits)


def store_staged(session: Session, store: ObjectStore, *, dossier: Dossier | None,
                 staged: StagedFile, actor: str, user_id: int | None,
                 unit_id: int | None = None, limits: OcrLimits | None = None
                 ) -> StoredOriginal:
    """Accept a file already written to the store's staging directory (its SHA-256 and
    size taken as it was written): check it, store it by SHA-256 and record a ``received``
    document for it in ``dossier`` (or, with ``dossier`` None, in the unassigned tray of
    ``unit_id``).

    Only its headers are checked (:func:`check_headers`), and it is then moved (or sent)
    to its object. A file that fails those checks is refused with an error naming it,
    before anything is stored or recorded; the same content already in the dossier is
    its duplicate, stored nothing. The staging file is consumed or removed either way.
    """
    try:
        name = safe_filename(staged.filename)
        owner = dossier.unit_id if dossier is not None else unit_id
        if owner is None:
            raise IntakeInputError("an unassigned document needs a unit", subject=name)
        if staged.size == 0:
            raise IntakeInputError("the file is empty (0 bytes)", subject=name)
        check_headers(staged.path, name, limits)
        media_type, suffix = sniff_media_type(staged.head)
        existing = _find_existing(session, dossier, owner, staged.sha256)
        if existing is not None:
            return StoredOriginal(document=existing, duplicate=True)
        prefix = original_prefix(owner, dossier.id if dossier is not None else None)
        info = put_file_object(session, store, prefix, staged.path, sha256=staged.sha256,
                               suffix=suffix, content_type=media_type)
    finally:
        staged.discard()
    document = Document(unit_id=owner, dossier_id=dossier.id if dossier else None,
                        filename=name, media_type=media_type, status=DocumentStatus.received,
                        created_by_id=user_id, fields={})
    session.add(document)
    session.flush()
    session.add(DocumentFile(document_id=document.id, version=1, role=FileRole.original,
                             object_key=info.key, sha256=info.sha256, size=info.size,
                             media_type=media_type))
    append_audit(session, actor=actor, action=AuditAction.document_received,
                 subject_type="document", subject_id=document.id,
                 details={"dossier": dossier.id if dossier else None, "sha256": info.sha256,
                          "size": info.size, "filename": name})
    session.flush()
    return StoredOriginal(document=document, duplicate=False)
