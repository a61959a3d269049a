"""Shared by the document pages: a dossier's documents as table rows with their live
status (the same rows the upload answers and the polling refreshes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ingest.document_facts import DocumentProgress, document_progress, duplicated_ids
from storage.records import Document

UPLOAD_HEADER = "x-upload-rows"
"""Sent by documents.js: answer the uploaded file's table rows (or its refusal) only."""


@dataclass(frozen=True)
class DocumentRow:
    """One row of a documents table."""

    progress: DocumentProgress
    duplicate: bool

    @property
    def document(self) -> Document:
        """The document of the row."""
        return self.progress.document


def document_rows(session: Session, documents: Sequence[Document],
                  group: Sequence[Document] | None = None) -> list[DocumentRow]:
    """Rows for ``documents``, duplicates looked for among ``group`` (default: them)."""
    twins = duplicated_ids(session, list(group if group is not None else documents))
    return [DocumentRow(document_progress(session, document), document.id in twins)
            for document in documents]
