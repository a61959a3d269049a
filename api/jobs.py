"""Background jobs: thin functions that take ids, load, call a pure function, store.

Each job has a deterministic id and a row in the ``jobs`` table that the API reads for
status and progress. A job's effects and its "done" mark are committed in one transaction,
so a job killed mid-way and retried completes exactly once.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from rq import get_current_job
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.runtime import Runtime, open_runtime
from api.settings import load_settings
from ingest.indexing import reindex
from ingest.lifecycle import note_document_digitised
from storage.errors import BadInputError, NotFoundError
from storage.fixity import check_fixity
from storage.objects import CHUNK_SIZE
from storage.records import (
    Document,
    DocumentFile,
    DocumentStatus,
    Job,
    JobStatus,
    append_audit,
)

_worker_runtime: Runtime | None = None


def set_worker_runtime(runtime: Runtime) -> None:
    """Let jobs in this process (and its forks) use ``runtime``."""
    global _worker_runtime
    _worker_runtime = runtime


def worker_runtime() -> Runtime:
    """The runtime of this worker process, built from the environment on first use."""
    global _worker_runtime
    if _worker_runtime is None:
        _worker_runtime = open_runtime(load_settings(), start_embedded_redis=False, upgrade=False)
    elif _worker_runtime.pid != os.getpid():
        # A forked work horse: connection pools copied from the parent may hold locks taken
        # by the parent's threads at fork time, so open fresh ones rather than reuse them.
        _worker_runtime = open_runtime(_worker_runtime.settings.model_copy(
            update={"redis_url": _worker_runtime.redis_url}),
            start_embedded_redis=False, upgrade=False)
    return _worker_runtime


def now() -> datetime:
    """The current time, UTC."""
    return datetime.now(UTC)


def ocr_job_id(document_id: int, version: int) -> str:
    """The deterministic id of the OCR of one version of a document."""
    return f"ocr-document-{document_id}-v{version}"


def fixity_job_id(document_id: int) -> str:
    """The deterministic id of the fixity check of one document."""
    return f"fixity-document-{document_id}"


def record_enqueued(
    session: Session, job_id: str, kind: str, *, document_id: int | None = None,
    dossier_id: int | None = None, unit_id: int | None = None,
) -> Job:
    """Create or reset the ``jobs`` row for a job about to be queued."""
    job = session.get(Job, job_id)
    if job is None:
        job = Job(id=job_id, kind=kind, document_id=document_id, dossier_id=dossier_id,
                  unit_id=unit_id, status=JobStatus.queued, enqueued_at=now(), updated_at=now())
        session.add(job)
    elif job.status != JobStatus.running:
        job.status = JobStatus.queued
        job.progress_done = 0
        job.error = None
        job.enqueued_at = job.updated_at = now()
    session.flush()
    return job


class JobTracker:
    """Writes a running job's state to its ``jobs`` row."""

    def __init__(self, runtime: Runtime, job_id: str) -> None:
        self.runtime = runtime
        self.job_id = job_id
        self._last_report = 0.0

    def start(self) -> dict[str, Any] | None:
        """Mark the job running and count the attempt.

        Returns the stored result instead when this run already completed (a worker died
        after committing the effects but before RQ heard of it): the retry does nothing.
        """
        with self.runtime.db.session() as session:
            job = self._load(session)
            if job.status == JobStatus.done:
                return dict(job.result or {})
            job.status = JobStatus.running
            job.attempts += 1
            job.progress_done = 0
            job.worker = f"{socket.gethostname()}:{os.getpid()}"
            job.started_at = job.updated_at = now()
        return None

    def progress(self, done: int, total: int) -> None:
        """Record progress, at most five times a second (and always at the end)."""
        moment = time.monotonic()
        if done < total and moment - self._last_report < 0.2:
            return
        self._last_report = moment
        with self.runtime.db.session() as session:
            job = self._load(session)
            job.progress_done, job.progress_total, job.updated_at = done, total, now()

    def finish(self, session: Session, result: dict[str, Any]) -> None:
        """Mark the job done inside the caller's transaction, beside the job's effects."""
        job = self._load(session)
        job.status = JobStatus.done
        job.result = result
        job.error = None
        job.finished_at = job.updated_at = now()

    def give_up(self, session: Session, error: BaseException) -> None:
        """Mark the job failed for good (bad input: retrying cannot help), in the caller's
        transaction."""
        job = self._load(session)
        job.status = JobStatus.failed
        job.error = str(error)[:2000]
        job.finished_at = job.updated_at = now()

    def fail(self, error: BaseException) -> None:
        """Record a failure: queued again while RQ has retries left, else failed."""
        rq_job = get_current_job()
        retrying = bool(rq_job is not None and rq_job.retries_left)
        with self.runtime.db.session() as session:
            job = self._load(session)
            job.status = JobStatus.queued if retrying else JobStatus.failed
            job.error = f"{type(error).__name__}: {error}"[:2000]
            job.updated_at = now()

    def _load(self, session: Session) -> Job:
        job = session.get(Job, self.job_id)
        if job is None:
            raise NotFoundError("no such job record", subject=self.job_id)
        return job


@contextmanager
def tracked(job_id: str) -> Iterator[tuple[Runtime, JobTracker, dict[str, Any] | None]]:
    """Run a job body with its ``jobs`` row kept up to date.

    The third value is the earlier result when this run had already completed; the body
    must then return it without doing the work again.
    """
    runtime = worker_runtime()
    tracker = JobTracker(runtime, job_id)
    earlier = tracker.start()
    try:
        yield runtime, tracker, earlier
    except BaseException as error:
        tracker.fail(error)
        raise


def check_document_fixity(document_id: int) -> dict[str, Any]:
    """Job: re-hash every stored file of a document and record whether each still matches."""
    job_id = fixity_job_id(document_id)
    with tracked(job_id) as (runtime, tracker, earlier):
        if earlier is not None:
            return earlier
        with runtime.db.session() as session:
            files = session.scalars(
                select(DocumentFile).where(DocumentFile.document_id == document_id)
                .order_by(DocumentFile.id)
            ).all()
            targets = [(f.object_key, f.sha256, f.size) for f in files]
        total = sum(size for _, _, size in targets)
        done_before = 0
        results = []
        for key, sha256, size in targets:
            def report(done: int, _total: int, offset: int = done_before) -> None:
                tracker.progress(offset + done, total)

            outcome = check_fixity(runtime.store, key, sha256, report)
            results.append({"key": key, "ok": outcome.ok, "sha256": outcome.actual_sha256})
            done_before += size
        result = {"document": document_id, "ok": all(r["ok"] for r in results), "files": results}
        with runtime.db.session() as session:
            document = session.get(Document, document_id)
            if document is None:
                raise NotFoundError("document no longer exists", subject=f"document {document_id}")
            append_audit(session, actor="system", action="fixity_checked",
                         subject_type="document", subject_id=document_id,
                         details={"ok": result["ok"], "files": len(results)})
            tracker.finish(session, result)
        return result


def document_prefix(document: Document) -> str:
    """Where a document's files go in the object store: under its dossier, or its unit."""
    if document.dossier_id:
        return f"dossiers/{document.dossier_id}/documents/{document.id}"
    return f"units/{document.unit_id}/documents/{document.id}"


def store_derived_file(runtime: Runtime, session: Session, document: Document, role: str,
                       stream: BinaryIO, suffix: str, media_type: str) -> None:
    """Store a file made from the document beside its original and record it for the
    current version (replacing an earlier run's)."""
    info = runtime.store.put(document_prefix(document), stream, suffix=suffix,
                             content_type=media_type)
    row = session.scalar(select(DocumentFile).where(
        DocumentFile.document_id == document.id, DocumentFile.version == document.current_version,
        DocumentFile.role == role))
    if row is None:
        row = DocumentFile(document_id=document.id, version=document.current_version, role=role)
        session.add(row)
    row.object_key, row.sha256, row.size, row.media_type = (
        info.key, info.sha256, info.size, media_type)


def _store_file(runtime: Runtime, session: Session, document: Document, role: str,
                path: Path, suffix: str, media_type: str) -> None:
    with path.open("rb") as stream:
        store_derived_file(runtime, session, document, role, stream, suffix, media_type)


def ocr_document(document_id: int, version: int) -> dict[str, Any]:
    """Job: OCR a stored document's original into a searchable PDF, text and words JSON,
    stored next to the original; progress is pages done of the total."""
    from ocr.pipeline import OcrOptions, ocr_file

    job_id = ocr_job_id(document_id, version)
    with tracked(job_id) as (runtime, tracker, earlier):
        if earlier is not None:
            return earlier
        with runtime.db.session() as session:
            original = session.scalar(select(DocumentFile).where(
                DocumentFile.document_id == document_id, DocumentFile.role == "original",
                DocumentFile.version <= version).order_by(DocumentFile.version.desc()))
            if original is None:
                raise NotFoundError("the document has no original", subject=job_id)
            key, filename = original.object_key, f"original-{document_id}"
            document = session.get(Document, document_id)
            if document is not None:
                document.status = DocumentStatus.processing
        with tempfile.TemporaryDirectory(prefix="sohoa-ocr-") as work:
            source, out = Path(work) / filename, Path(work) / "out"
            out.mkdir()
            with runtime.store.open(key) as stream, source.open("wb") as target:
                shutil.copyfileobj(stream, target, CHUNK_SIZE)
            try:
                outcome = ocr_file(source, out / "searchable.pdf",
                                   OcrOptions(lang=runtime.settings.ocr_lang,
                                              jobs=runtime.settings.ocr_jobs or None),
                                   progress=tracker.progress)
            except BadInputError as error:
                with runtime.db.session() as session:
                    document = session.get(Document, document_id)
                    if document is not None:
                        document.status = DocumentStatus.failed
                    append_audit(session, actor="system", action="document_ocr_refused",
                                 subject_type="document", subject_id=document_id,
                                 details={"error": str(error)})
                    tracker.give_up(session, error)
                return {"document": document_id, "version": version, "error": str(error)}
            (out / "text.txt").write_text(outcome.text, encoding="utf-8")
            (out / "words.json").write_text(json.dumps(outcome.words_json(), ensure_ascii=False),
                                            encoding="utf-8")
            result = {"document": document_id, "version": version, "pages": len(outcome.pages),
                      "mean_confidence": outcome.mean_confidence,
                      "seconds": round(outcome.seconds, 2)}
            classification = classify_outcome(runtime, outcome.words_json(),
                                              out / "searchable.pdf")
            result["doc_type"] = classification["doc_type"]
            with runtime.db.session() as session:
                document = session.get(Document, document_id)
                if document is None:
                    raise NotFoundError("document no longer exists", subject=job_id)
                _store_file(runtime, session, document, "searchable_pdf", out / "searchable.pdf",
                            ".pdf", "application/pdf")
                _store_file(runtime, session, document, "text", out / "text.txt", ".txt",
                            "text/plain; charset=utf-8")
                _store_file(runtime, session, document, "words", out / "words.json", ".json",
                            "application/json")
                document.page_count = len(outcome.pages)
                apply_classification(document, classification)
                reindex(session, document, outcome.text)
                document.status = DocumentStatus.digitised
                if document.dossier_id is not None:
                    session.flush()
                    note_document_digitised(session, document.dossier_id, actor="system")
                append_audit(session, actor="system", action="document_ocr",
                             subject_type="document", subject_id=document_id, details=result)
                tracker.finish(session, result)
        return result


def classify_outcome(runtime: Runtime, words: dict[str, Any], searchable: Path) -> dict[str, Any]:
    """Classify an OCR'd document with the newest model (lines re-read from ``searchable``)."""
    from ingest.classify import read_words_json
    from ingest.classify.reading import line_rereader
    from ingest.classify.registry import MODELS
    from ocr.zones import LineReader

    with runtime.db.session() as session:
        classifier = MODELS.classifier(session, runtime.store)
    with LineReader(searchable) as reader:
        answer = classifier.classify(read_words_json(words), line_rereader(reader))
    return answer.to_json()


def apply_classification(document: Document, classification: dict[str, Any]) -> None:
    """Store a classification's type, fields and confidence on the document record."""
    document.doc_type = classification["doc_type"]
    document.fields = dict(classification["fields"])
    document.confidence = classification["confidence"]
    document.needs_review = bool(classification["needs_review"])
    document.classification = classification


def retrain_job_id(last_example_id: int) -> str:
    """One retraining per state of the training data."""
    return f"retrain-classifier-{last_example_id}"


def retrain_classifier(last_example_id: int) -> dict[str, Any]:
    """Job: train a new classifier version from the generated set and stored corrections."""
    from ingest.classify.registry import latest_example_id, train_version

    job_id = retrain_job_id(last_example_id)
    with tracked(job_id) as (runtime, tracker, earlier):
        if earlier is not None:
            return earlier
        with runtime.db.session() as session:
            if latest_example_id(session) > last_example_id:
                result: dict[str, Any] = {
                    "skipped": "newer corrections arrived; their job retrains"}
            else:
                row = train_version(session, runtime.store, progress=tracker.progress)
                result = {"version": row.version, "examples": row.examples}
                append_audit(session, actor="system", action="classifier_trained",
                             subject_type="classifier", subject_id=str(row.version),
                             details=result)
            tracker.finish(session, result)
        return result
