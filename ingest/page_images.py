"""Pictures of a document's pages for the people who check it: drawn from its searchable
PDF once OCR made one, else from the original as it was uploaded."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from ocr.errors import OcrInputError
from ocr.model import OcrLimits
from ocr.preview import preview_page_count, preview_png
from storage.errors import NotFoundError
from storage.objects import CHUNK_SIZE, ObjectStore
from storage.records import Document, DocumentFile, DocumentStatus, FileRole
from storage.records.files import require_file

_SHOWN_ROLES = (FileRole.searchable_pdf, FileRole.original)


def _shown_file(session: Session, document: Document) -> DocumentFile:
    return require_file(session, document, _SHOWN_ROLES, up_to_version=document.current_version)


def _copy_out(store: ObjectStore, row: DocumentFile, work: Path) -> Path:
    path = work / f"document{Path(row.object_key).suffix}"
    with store.open(row.object_key) as stream, path.open("wb") as target:
        shutil.copyfileobj(stream, target, CHUNK_SIZE)
    return path


def page_image_count(session: Session, store: ObjectStore, document: Document,
                     limits: OcrLimits | None = None) -> int:
    """How many page pictures the document has (its OCR'd page count, else counted from
    the stored original). A document whose OCR failed and whose first page cannot be drawn
    (a damaged file, accepted on its header) has none, so no page shows as a broken
    picture."""
    failed = document.status == DocumentStatus.failed
    if document.page_count and not failed:
        return document.page_count
    row = _shown_file(session, document)
    with tempfile.TemporaryDirectory(prefix="sohoa-pages-") as work:
        try:
            path = _copy_out(store, row, Path(work))
            count = preview_page_count(path, limits)
            if failed and count:
                preview_png(path, 0, limits=limits)
            return count
        except OcrInputError:
            return 0


def page_image_png(session: Session, store: ObjectStore, document: Document, page: int,
                   limits: OcrLimits | None = None) -> bytes:
    """Page ``page`` (1-based) of the document as PNG; :class:`NotFoundError` for a page it
    does not have."""
    row = _shown_file(session, document)
    with tempfile.TemporaryDirectory(prefix="sohoa-pages-") as work:
        path = _copy_out(store, row, Path(work))
        if not 1 <= page <= preview_page_count(path, limits):
            raise NotFoundError("the document has no such page",
                                subject=f"document {document.id} page {page}")
        return preview_png(path, page - 1, limits=limits)
