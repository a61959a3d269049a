"""Keeping the search index in step with documents: their OCR text, and their file name,
type and field values as the title (so a number/symbol or a signer is found first)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.records import Document
from storage.search import index_document


def search_title(document: Document) -> str:
    """The words a document is found by first: file name, type and field values."""
    values = [str(value) for value in (document.fields or {}).values() if value]
    return " ".join([document.filename, document.doc_type or "", *values]).strip()


def reindex(session: Session, document: Document, text: str) -> None:
    """Index ``document`` with ``text`` as its body."""
    index_document(session, document.id, title=search_title(document), body=text)
