"""Digitising a stored document: OCR its original into a searchable PDF, text and words,
classify it and read its fields, store those files beside the original, index it for
search, and move its dossier along. The worker's job calls :func:`digitise_document`.

No transaction is held open while pages are read: the document is marked processing in
one, and everything the run produced is recorded in another together with the job's
"done" mark, so a run killed mid-way and retried completes exactly once.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.indexing import reindex
from ingest.lifecycle import note_document_digitised
from ocr.model import OcrLimits
from storage.errors import BadInputError, NotFoundError
from storage.jobs import ProgressReporter, RunningJob, SessionFactory
from storage.objects import CHUNK_SIZE, ObjectStore
from storage.records import AuditAction, Document, DocumentStatus, FileRole, append_audit
from storage.records.files import require_file, store_document_file


@dataclass(frozen=True)
class DigitiseOptions:
    """Tesseract languages and OCR processes per document (None: all cores)."""

    lang: str = "vie"
    jobs: int | None = None
    limits: OcrLimits = field(default_factory=OcrLimits)


_OUTPUTS = (
    (FileRole.searchable_pdf, "searchable.pdf", ".pdf", "application/pdf"),
    (FileRole.text, "text.txt", ".txt", "text/plain; charset=utf-8"),
    (FileRole.words, "words.json", ".json", "application/json"),
)


def _load(session: Any, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError("document no longer exists", subject=f"document {document_id}")
    assert isinstance(document, Document)
    return document


def digitise_document(sessions: SessionFactory, store: ObjectStore, job: RunningJob,
                      document_id: int, version: int,
                      options: DigitiseOptions) -> dict[str, Any]:
    """Digitise version ``version`` of the document and mark ``job`` done with the result
    (pages, mean confidence, seconds, doc_type). An original that cannot be read fails the
    document and the job for good, with the reason recorded and audited."""
    from ocr.pipeline import OcrOptions, ocr_file

    with sessions() as session:
        document = _load(session, document_id)
        original = require_file(session, document, FileRole.original, up_to_version=version)
        key = original.object_key
        filename = document.filename
        document.status = DocumentStatus.processing
    with tempfile.TemporaryDirectory(prefix="sohoa-ocr-") as work:
        source, out = Path(work) / f"original-{document_id}", Path(work) / "out"
        out.mkdir()
        with store.open(key) as stream, source.open("wb") as target:
            shutil.copyfileobj(stream, target, CHUNK_SIZE)
        try:
            outcome = ocr_file(source, out / "searchable.pdf",
                               OcrOptions(lang=options.lang, jobs=options.jobs,
                                          limits=options.limits),
                               progress=ProgressReporter(job))
        except BadInputError as error:
            error.subject = filename  # the name it was sent with, not the work file's
            with sessions() as session:
                _load(session, document_id).status = DocumentStatus.failed
                append_audit(session, actor="system", action=AuditAction.document_ocr_refused,
                             subject_type="document", subject_id=document_id,
                             details={"error": str(error)})
                job.give_up(session, error)
            return {"document": document_id, "version": version, "error": str(error)}
        words = outcome.words_json()
        (out / "text.txt").write_text(outcome.text, encoding="utf-8")
        (out / "words.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
        classification = classify_words(sessions, store, words, out / "searchable.pdf",
                                        original=source)
        result = {"document": document_id, "version": version, "pages": len(outcome.pages),
                  "mean_confidence": outcome.mean_confidence,
                  "seconds": round(outcome.seconds, 2), "doc_type": classification["doc_type"]}
        with sessions() as session:
            document = _load(session, document_id)
            for role, name, suffix, media_type in _OUTPUTS:
                with (out / name).open("rb") as stream:
                    store_document_file(session, store, document, role, stream, suffix=suffix,
                                        media_type=media_type)
            document.page_count = len(outcome.pages)
            apply_classification(document, classification)
            reindex(session, document, outcome.text)
            document.status = DocumentStatus.digitised
            if document.dossier_id is not None:
                session.flush()
                note_document_digitised(session, document.dossier_id, actor="system")
            append_audit(session, actor="system", action=AuditAction.document_ocr,
                         subject_type="document", subject_id=document_id, details=result)
            job.finish(session, result)
    return result


def classify_words(sessions: SessionFactory, store: ObjectStore, words: dict[str, Any],
                   searchable: Path, original: Path | None = None) -> dict[str, Any]:
    """Classify an OCR'd document with the newest model (lines re-read from ``searchable``;
    the ``original`` file gives a PDF's text-layer styles and e-signature stamps)."""
    from ingest.classify.reading import line_rereader, read_ocr_words
    from ingest.classify.registry import MODELS
    from ocr.zones import LineReader

    with sessions() as session:
        classifier = MODELS.classifier(session, store)
    with LineReader(searchable) as reader:
        answer = classifier.classify(read_ocr_words(words, original), line_rereader(reader))
    return answer.to_json()


def apply_classification(document: Document, classification: dict[str, Any]) -> None:
    """Store a classification's type, fields and confidence on the document record."""
    document.doc_type = classification["doc_type"]
    document.fields = dict(classification["fields"])
    document.confidence = classification["confidence"]
    document.needs_review = bool(classification["needs_review"])
    document.classification = classification

