"""Keeping the search index in step with documents: their OCR text, and their file name,
type, field values and its dossier's applicant as the title (so a number/symbol, a summary,
a signer or an applicant ranks above the same words in the body)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.records import Document
from storage.search import index_document


def search_title(document: Document) -> str:
    """The words a document is found by first: file name, type, field values, applicant."""
    values = [str(value) for value in (document.fields or {}).values() if value]
    applicant = document.dossier.applicant_name if document.dossier is not None else ""
    return " ".join([document.filename, document.doc_type or "", *values, applicant]).strip()


def reindex(session: Session, document: Document, text: str) -> None:
    """Index ``document`` with ``text`` as its body."""
    index_document(session, document.id, title=search_title(document), body=text)
