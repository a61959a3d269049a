"""The job queue on real servers: RQ's unique enqueue per run, and ``request_job``'s atomic
"record the job and enqueue it after commit" on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from api.queue import RqQueue
from storage.jobs import QueuedJob, request_job
from storage.records import Database, Job, JobKind, JobStatus
from tests.support.names import unique_name


def test_the_same_run_is_enqueued_once(rq_queue: RqQueue) -> None:
    run = QueuedJob(JobKind.fixity, "fixity-document-1", "fixity-document-1--1", (1,))
    rq_queue.enqueue(run)
    rq_queue.enqueue(run)
    assert rq_queue.queue.job_ids == [rq_queue.rq_job_id(run.run_id)]
    other = RqQueue(connection=rq_queue.connection, name=unique_name("q"))
    other.enqueue(run)  # another deployment's queue on the same server: its own job
    assert other.queue.job_ids == [other.rq_job_id(run.run_id)] != rq_queue.queue.job_ids
    other.queue.empty()


def test_a_job_is_queued_only_after_its_transaction_commits(records_db: Database,
                                                            rq_queue: RqQueue) -> None:
    def failing_request() -> None:
        with records_db.session() as session:
            request_job(session, rq_queue, JobKind.fixity, "fixity-document-7", (7,))
            raise RuntimeError("the request failed after asking for the job")

    with pytest.raises(RuntimeError):
        failing_request()
    assert len(rq_queue.queue) == 0
    with records_db.session() as session:
        assert session.get(Job, "fixity-document-7") is None  # rolled back with it
        request_job(session, rq_queue, JobKind.fixity, "fixity-document-7", (7,))
        assert len(rq_queue.queue) == 0  # not before the commit
    assert len(rq_queue.queue) == 1
    job = rq_queue.fetch(rq_queue.queue.job_ids[0])
    assert job is not None
    assert job.args == (7,)


def test_a_waiting_job_is_not_queued_again_and_a_finished_one_only_when_asked(
        records_db: Database, rq_queue: RqQueue) -> None:
    for _ in range(2):
        with records_db.session() as session:
            request_job(session, rq_queue, JobKind.fixity, "fixity-document-8", (8,))
    assert len(rq_queue.queue) == 1
    with records_db.session() as session:
        row = session.get(Job, "fixity-document-8")
        assert row is not None
        row.status = JobStatus.done
    with records_db.session() as session:
        assert request_job(session, rq_queue, JobKind.fixity, "fixity-document-8",
                           (8,)).status == JobStatus.done
    assert len(rq_queue.queue) == 1
    with records_db.session() as session:
        assert request_job(session, rq_queue, JobKind.fixity, "fixity-document-8", (8,),
                           rerun_finished=True).status == JobStatus.queued
    assert len(rq_queue.queue) == 2  # a new run with its own id
    assert len(set(rq_queue.queue.job_ids)) == 2


def test_concurrent_requests_queue_one_run(records_db: Database, rq_queue: RqQueue) -> None:
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            barrier.wait()
            with records_db.session() as session:
                request_job(session, rq_queue, JobKind.fixity, "fixity-document-9", (9,))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(rq_queue.queue) == 1
