"""The job queue as the edges use it: the Redis connection and :class:`RqQueue`, the
adapter of the use cases' queue port (:class:`storage.jobs.JobQueue`).

Each run of a job has its own RQ id and is enqueued with RQ's atomic unique enqueue, so a
run is never queued twice. Jobs are named by their import path (RQ's way), so a process
that only enqueues never imports the job code.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError
from rq.job import Job

from storage.errors import UnavailableError
from storage.jobs import QueuedJob
from storage.records import JobKind

RETRY_INTERVALS = [2, 10, 60]
JOB_FUNCTIONS: dict[JobKind, str] = {
    JobKind.ocr: "api.worker.jobs.ocr_document",
    JobKind.fixity: "api.worker.jobs.check_fixity",
    JobKind.retrain: "api.worker.jobs.retrain",
    JobKind.stack: "api.worker.jobs.split",
    JobKind.exchange_delivery: "api.worker.jobs.deliver_exchange_message",
}
"""The function a worker runs for each kind of job."""
BACKOFF: dict[JobKind, list[int]] = {
    JobKind.exchange_delivery: [1, 2, 4, 8, 16, 32, 60, 120, 300, 600, 1200, 1800,
                                *[3600] * 36],
}
"""Kinds of job tried again with exponential back-off, for much longer than the others
(an exchange message waits for a peer that is down: it gets it when it comes back)."""


def connect_redis(url: str) -> redis.Redis:
    """A Redis client for ``url``, checked with PING; ``UnavailableError`` names the URL."""
    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=30)
    try:
        client.ping()
    except redis.RedisError as error:
        raise UnavailableError(
            f"cannot reach Redis at {display_redis_url(url)}: {error}", subject="SOHOA_REDIS_URL"
        ) from error
    return client


def display_redis_url(url: str) -> str:
    """The URL with any password masked."""
    if "@" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


@dataclass
class RqQueue:
    """One named RQ queue with sohoa's enqueue policy (one RQ job per run, retries)."""

    connection: redis.Redis
    name: str = "sohoa"
    retries: int = 3
    timeout_seconds: int = 3600

    @property
    def queue(self) -> Queue:
        """The underlying RQ queue."""
        return Queue(self.name, connection=self.connection)

    def enqueue(self, job: QueuedJob) -> None:
        """Queue ``job``'s run unless it is queued already (RQ's atomic unique enqueue).

        The RQ job id is the run id prefixed with the queue name, so deployments sharing
        one Redis server under different queue names never mistake each other's jobs.
        """
        retry = Retry(max=self.retries, interval=RETRY_INTERVALS[: max(self.retries, 1)])
        if job.kind in BACKOFF and self.retries:
            retry = Retry(max=len(BACKOFF[job.kind]), interval=BACKOFF[job.kind])
        try:
            self.queue.enqueue(
                JOB_FUNCTIONS[job.kind], *job.args, job_id=self.rq_job_id(job.run_id), unique=True,
                retry=retry if self.retries else None, job_timeout=self.timeout_seconds,
                result_ttl=24 * 3600, failure_ttl=30 * 24 * 3600, description=job.job_id)
        except DuplicateJobError:
            return
        except redis.RedisError as error:
            raise UnavailableError(f"cannot queue job {job.job_id}: {error}",
                                   subject="SOHOA_REDIS_URL") from error

    def rq_job_id(self, run_id: str) -> str:
        """The RQ id of one run of a sohoa job."""
        return f"{self.name}--{run_id}"

    def fetch(self, rq_job_id: str) -> Job | None:
        """The RQ job of that id, or None."""
        try:
            return Job.fetch(rq_job_id, connection=self.connection)
        except Exception:  # rq raises NoSuchJobError, or a deserialisation error
            return None

    def check(self) -> str:
        """PING the server; ``UnavailableError`` when it does not answer."""
        try:
            self.connection.ping()
        except redis.RedisError as error:
            raise UnavailableError(f"Redis does not answer: {error}", subject="queue") from error
        return f"{len(self.queue)} job(s) waiting in queue {self.name!r}"


