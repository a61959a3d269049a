"""Enqueueing with deterministic ids on a real Redis server."""

from __future__ import annotations

import redis
from rq.job import JobStatus

from api.queue import JobQueue
from tests.support.names import unique_name


def test_same_job_id_is_enqueued_once(redis_url: str) -> None:
    queue = JobQueue(connection=redis.Redis.from_url(redis_url), name=unique_name("q"))
    first = queue.enqueue_once("storage.fixity.check_fixity", "job-a", 1)
    second = queue.enqueue_once("storage.fixity.check_fixity", "job-a", 1)
    assert first.id == second.id == queue.rq_job_id("job-a")
    assert len(queue.queue) == 1
    other = JobQueue(connection=queue.connection, name=unique_name("q"))
    assert other.enqueue_once("storage.fixity.check_fixity", "job-a", 1).id != first.id
    assert len(other.queue) == 1
    queue.queue.empty()
    other.queue.empty()


def test_finished_job_reruns_only_when_asked(redis_url: str) -> None:
    queue = JobQueue(connection=redis.Redis.from_url(redis_url), name=unique_name("q"))
    job = queue.enqueue_once("storage.fixity.check_fixity", "job-b", 1)
    queue.queue.remove(job)  # as a worker takes it off the queue ...
    job.set_status(JobStatus.FINISHED)  # ... and finishes it
    queue.enqueue_once("storage.fixity.check_fixity", "job-b", 1)
    assert len(queue.queue) == 0
    queue.enqueue_once("storage.fixity.check_fixity", "job-b", 1, rerun_finished=True)
    assert len(queue.queue) == 1
    assert job.retries_left is None or job.retries_left >= 0
    queue.queue.empty()
