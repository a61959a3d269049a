"""Background jobs as records: the queue port, the atomic "record the job and enqueue it",
and a running job's state (progress, done, failed) in its ``jobs`` row.

A use case that needs work done later calls :func:`request_job` with the session it works
in and a :class:`JobQueue` (the port; the edge passes the RQ adapter). The request claims
the job's row in that transaction (an insert, or an update that only succeeds when the job
is not already waiting or running), and the job is handed to the queue only after that
transaction commits: the worker always finds the rows it is given, a transaction that
rolls back queues nothing, and two concurrent requests for the same job queue it once.
(The hand-over runs from :meth:`storage.records.Database.session` after its commit.)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import event, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.errors import NotFoundError
from storage.records.db import AFTER_COMMIT
from storage.records.models import Job
from storage.records.vocabulary import JobKind, JobStatus

SessionFactory = Callable[[], AbstractContextManager[Session]]
"""``Database.session``: each call gives a session committed when its block ends."""
_PENDING = "sohoa_jobs_to_enqueue"


@dataclass(frozen=True)
class QueuedJob:
    """One job handed to the queue: its record's id, this run's id, what to call it with."""

    kind: JobKind
    job_id: str
    run_id: str
    args: tuple[int | str | None, ...]


class JobQueue(Protocol):
    """The port to the job queue: "run job ``kind`` with these ids, once"."""

    def enqueue(self, job: QueuedJob) -> None:
        """Queue ``job`` unless a job with its ``run_id`` is already queued; must not
        raise for a duplicate."""
        ...


def now() -> datetime:
    """The current time, UTC."""
    return datetime.now(UTC)


def ocr_job_id(document_id: int, version: int) -> str:
    """The OCR and classification of one version of a document."""
    return f"ocr-document-{document_id}-v{version}"


def fixity_job_id(document_id: int) -> str:
    """The fixity check of one document."""
    return f"fixity-document-{document_id}"


def retrain_job_id(last_example_id: int) -> str:
    """One retraining per state of the training data."""
    return f"retrain-classifier-{last_example_id}"


def stack_job_id(unit_id: int, sha256: str) -> str:
    """The split of one scanned stack (by content) in one unit."""
    return f"stack-{unit_id}-{sha256[:32]}"


def _run_id(job_id: str, enqueued_at: datetime) -> str:
    return f"{job_id}--{int(enqueued_at.timestamp() * 1_000_000)}"


def request_job(session: Session, queue: JobQueue, kind: JobKind, job_id: str,
                args: tuple[int | str | None, ...], *, rerun_finished: bool = False,
                document_id: int | None = None, dossier_id: int | None = None,
                unit_id: int | None = None) -> Job:
    """Record job ``job_id`` as queued and queue it once the session commits.

    A job already waiting or running is left as it is (and not queued twice); a finished
    one is run again only with ``rerun_finished``; a failed one always is.
    """
    moment = now()
    values = dict(kind=kind, document_id=document_id, dossier_id=dossier_id, unit_id=unit_id)
    dialect = session.get_bind().dialect.name
    insert_new = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(Job).values(
        id=job_id, status=JobStatus.queued, enqueued_at=moment, updated_at=moment,
        progress_done=0, progress_total=0, attempts=0, **values).on_conflict_do_nothing()
    claimed = session.execute(insert_new.returning(Job.id)).first() is not None
    if not claimed:
        again = [JobStatus.failed, *([JobStatus.done] if rerun_finished else [])]
        claimed = session.execute(
            update(Job).where(Job.id == job_id, Job.status.in_(again))
            .values(status=JobStatus.queued, progress_done=0, error=None, enqueued_at=moment,
                    updated_at=moment, started_at=None, finished_at=None)
            .returning(Job.id).execution_options(synchronize_session=False)).first() is not None
    row = session.get(Job, job_id, populate_existing=True)
    assert row is not None
    if claimed:
        _enqueue_after_commit(session, queue,
                              QueuedJob(kind, job_id, _run_id(job_id, moment), args))
    return row


def _enqueue_after_commit(session: Session, queue: JobQueue, job: QueuedJob) -> None:
    pending: list[tuple[JobQueue, QueuedJob]] = session.info.setdefault(_PENDING, [])
    if not pending:
        session.info.setdefault(AFTER_COMMIT, []).append(_send_pending)
        if not event.contains(session, "after_soft_rollback", _drop_pending):
            event.listen(session, "after_soft_rollback", _drop_pending)
    pending.append((queue, job))


def _send_pending(session: Session) -> None:
    """Hand the committed jobs to the queue. When the queue cannot take one (Redis down),
    it and the ones after it are marked failed, so asking again queues them anew, and the
    queue's error (503) is raised."""
    pending: list[tuple[JobQueue, QueuedJob]] = session.info.pop(_PENDING, [])
    for index, (queue, job) in enumerate(pending):
        try:
            queue.enqueue(job)
        except Exception as error:
            unsent = [item.job_id for _, item in pending[index:]]
            session.execute(update(Job).where(Job.id.in_(unsent)).values(
                status=JobStatus.failed, error=f"could not be queued: {error}"[:2000],
                updated_at=now()).execution_options(synchronize_session=False))
            session.commit()
            raise


def _drop_pending(session: Session, previous_transaction: Any) -> None:
    outermost = previous_transaction.parent is None
    if outermost and session.info.pop(_PENDING, None):  # what it asked for is not queued
        callbacks = session.info.get(AFTER_COMMIT, [])
        if _send_pending in callbacks:
            callbacks.remove(_send_pending)


@dataclass(frozen=True)
class RunningJob:
    """A job body's handle on its record: progress and the final state."""

    job_id: str
    sessions: SessionFactory

    def start(self, worker: str) -> dict[str, Any] | None:
        """Mark the job running and count the attempt. Returns the stored result instead
        when this job already completed (a worker died after committing its effects but
        before the queue heard of it): the retry then does nothing."""
        with self.sessions() as session:
            job = self.load(session)
            if job.status == JobStatus.done:
                return dict(job.result or {})
            job.status = JobStatus.running
            job.attempts += 1
            job.progress_done = 0
            job.worker = worker
            job.started_at = job.updated_at = now()
        return None

    def load(self, session: Session) -> Job:
        """The job's row; :class:`NotFoundError` when it is gone."""
        job = session.get(Job, self.job_id)
        if job is None:
            raise NotFoundError("no such job record", subject=self.job_id)
        return job

    def finish(self, session: Session, result: dict[str, Any]) -> None:
        """Mark the job done in the caller's transaction, beside the job's effects."""
        job = self.load(session)
        job.status = JobStatus.done
        job.result = result
        job.error = None
        job.finished_at = job.updated_at = now()

    def give_up(self, session: Session, error: BaseException) -> None:
        """Mark the job failed for good (bad input: retrying cannot help)."""
        job = self.load(session)
        job.status = JobStatus.failed
        job.error = str(error)[:2000]
        job.finished_at = job.updated_at = now()

    def fail(self, error: BaseException, *, retrying: bool) -> None:
        """Record a failure: queued again while retries are left, else failed."""
        with self.sessions() as session:
            job = self.load(session)
            job.status = JobStatus.queued if retrying else JobStatus.failed
            job.error = f"{type(error).__name__}: {error}"[:2000]
            job.updated_at = now()


class ProgressReporter:
    """``reporter(done, total)`` writes a job's progress, at most five times a second
    (and always at the end)."""

    def __init__(self, job: RunningJob) -> None:
        self.job = job
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        moment = time.monotonic()
        if done < total and moment - self._last < 0.2:
            return
        self._last = moment
        with self.job.sessions() as session:
            row = self.job.load(session)
            row.progress_done, row.progress_total, row.updated_at = done, total, now()

