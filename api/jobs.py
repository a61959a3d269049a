"""Background jobs: thin functions that take ids, load, call a pure function, store.

Each job has a deterministic id and a row in the ``jobs`` table that the API reads for
status and progress. A job's effects and its "done" mark are committed in one transaction,
so a job killed mid-way and retried completes exactly once.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from rq import get_current_job
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.runtime import Runtime, open_runtime
from api.settings import load_settings
from storage.errors import NotFoundError
from storage.fixity import check_fixity
from storage.records import Document, DocumentFile, Job, JobStatus, append_audit

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
