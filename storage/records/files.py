"""A document's stored files: the one newest-file lookup and the one way to store a file
made from a document beside its original."""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.errors import NotFoundError
from storage.objects import ObjectStore
from storage.objects.keys import document_prefix
from storage.orphans import put_object
from storage.records.models import Document, DocumentFile
from storage.records.vocabulary import FileRole


def newest_file(session: Session, document_id: int, roles: FileRole | Sequence[FileRole], *,
                up_to_version: int | None = None,
                media_type: str | None = None) -> DocumentFile | None:
    """The document's newest stored file of ``roles`` (at or below ``up_to_version`` when
    given); with several roles, the one listed first wins within the same version."""
    wanted = (roles,) if isinstance(roles, FileRole) else tuple(roles)
    query = select(DocumentFile).where(DocumentFile.document_id == document_id,
                                       DocumentFile.role.in_(wanted))
    if up_to_version is not None:
        query = query.where(DocumentFile.version <= up_to_version)
    if media_type is not None:
        query = query.where(DocumentFile.media_type == media_type)
    rows = session.scalars(query).all()
    if not rows:
        return None
    return max(rows, key=lambda row: (row.version, -wanted.index(FileRole(row.role))))


def require_file(session: Session, document: Document, roles: FileRole | Sequence[FileRole],
                 *, up_to_version: int | None = None,
                 media_type: str | None = None) -> DocumentFile:
    """:func:`newest_file`, or :class:`NotFoundError` naming the document and the role."""
    row = newest_file(session, document.id, roles, up_to_version=up_to_version,
                      media_type=media_type)
    if row is None:
        names = roles if isinstance(roles, FileRole) else " or ".join(roles)
        raise NotFoundError(f"the document has no {names} file",
                            subject=f"document {document.id}")
    return row


def read_file(store: ObjectStore, row: DocumentFile) -> bytes:
    """The whole content of a stored file (for files that fit in memory: PDFs, reports)."""
    with store.open(row.object_key) as stream:
        return stream.read()


def store_document_file(session: Session, store: ObjectStore, document: Document,
                        role: FileRole, stream: BinaryIO, *, suffix: str, media_type: str,
                        version: int | None = None) -> DocumentFile:
    """Store a file made from ``document`` beside its original and record it for
    ``version`` (default the current one), replacing an earlier run's file of that role."""
    version = document.current_version if version is None else version
    prefix = document_prefix(document.unit_id, document.dossier_id, document.id)
    info = put_object(session, store, prefix, stream, suffix=suffix, content_type=media_type)
    row = session.scalar(select(DocumentFile).where(
        DocumentFile.document_id == document.id, DocumentFile.version == version,
        DocumentFile.role == role))
    if row is None:
        row = DocumentFile(document_id=document.id, version=version, role=role)
        session.add(row)
    row.object_key, row.sha256, row.size, row.media_type = (
        info.key, info.sha256, info.size, media_type)
    session.flush()
    return row
