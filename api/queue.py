"""RQ wiring: the connection, enqueueing with deterministic ids, the worker, crash recovery.

Jobs are thin (see :mod:`api.jobs`); this module only knows about queues. Enqueueing a job
id that is already waiting or running returns the existing job instead of a duplicate, so
callers may enqueue freely. A job whose worker died (killed, machine lost) is put back on
the queue by the next worker that looks, using RQ's own retry bookkeeping.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
from rq import Queue, Retry, Worker
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry

from storage.errors import ConflictError, UnavailableError

ACTIVE_STATES = {
    JobStatus.QUEUED,
    JobStatus.STARTED,
    JobStatus.SCHEDULED,
    JobStatus.DEFERRED,
}
RETRY_INTERVALS = [2, 10, 60]


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
class JobQueue:
    """One named RQ queue with sohoa's enqueue policy (deterministic ids, retries)."""

    connection: redis.Redis
    name: str = "sohoa"
    retries: int = 3
    timeout_seconds: int = 3600

    @property
    def queue(self) -> Queue:
        """The underlying RQ queue."""
        return Queue(self.name, connection=self.connection)

    def enqueue_once(
        self,
        function: Callable[..., Any] | str,
        job_id: str,
        *args: Any,
        rerun_finished: bool = False,
        description: str | None = None,
    ) -> Job:
        """Enqueue ``function(*args)`` as job ``job_id`` unless it is already waiting or running.

        A finished or failed job of the same id is enqueued again only with
        ``rerun_finished``; the job itself must be idempotent either way. The RQ job id is
        ``job_id`` prefixed with the queue name, so deployments sharing one Redis server
        under different queue names never mistake each other's jobs for their own.
        """
        job_id = self.rq_job_id(job_id)
        existing = self.fetch(job_id)
        if existing is not None:
            status = existing.get_status(refresh=True)
            if status in ACTIVE_STATES or (not rerun_finished and status == JobStatus.FINISHED):
                return existing
        retry = Retry(max=self.retries, interval=RETRY_INTERVALS[: max(self.retries, 1)])
        return self.queue.enqueue(  # type: ignore[type-var]
            function,
            *args,
            job_id=job_id,
            retry=retry if self.retries else None,
            job_timeout=self.timeout_seconds,
            result_ttl=24 * 3600,
            failure_ttl=30 * 24 * 3600,
            description=description or job_id,
        )

    def rq_job_id(self, job_id: str) -> str:
        """The RQ id of the job that sohoa calls ``job_id``."""
        return f"{self.name}--{job_id}"

    def fetch(self, job_id: str) -> Job | None:
        """The RQ job of that id, or None."""
        try:
            return Job.fetch(job_id, connection=self.connection)
        except Exception:  # rq raises NoSuchJobError, or a deserialisation error
            return None

    def check(self) -> str:
        """PING the server; ``UnavailableError`` when it does not answer."""
        try:
            self.connection.ping()
        except redis.RedisError as error:
            raise UnavailableError(f"Redis does not answer: {error}", subject="queue") from error
        return f"{len(self.queue)} job(s) waiting in queue {self.name!r}"


def _process_is_dead(connection: redis.Redis, key: str) -> bool:
    """True when the RQ process registered under ``key`` (a worker or scheduler hash) is
    gone: its key expired, or its process on this host no longer exists."""
    raw: dict[bytes, bytes] = connection.hgetall(key)  # type: ignore[assignment]
    if not raw:
        return True
    hostname = raw.get(b"hostname", b"").decode()
    pid = int(raw.get(b"pid", b"0") or 0)
    if hostname != socket.gethostname() or pid <= 0:
        return False  # another machine: RQ's heartbeat expiry decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover_abandoned_jobs(queue: Queue) -> list[str]:
    """Put back on the queue (or fail, if out of retries) jobs whose worker died mid-way.

    RQ notices an abandoned job only after its heartbeat expires (a minute or more); this
    looks at the worker itself, so a job killed on this host is retried at once. It marks
    the dead entries as expired and lets RQ's registry cleanup do the retry bookkeeping.
    """
    registry = StartedJobRegistry(queue=queue)
    connection = queue.connection
    recovered: list[str] = []
    entries: list[bytes] = connection.zrange(registry.key, 0, -1)  # type: ignore[assignment]
    for entry in entries:
        job_id = registry.parse_job_id(entry.decode())
        try:
            job = Job.fetch(job_id, connection=connection)
        except Exception:  # the job hash expired or is unreadable: nothing to retry
            logging.getLogger("sohoa.queue").warning("cannot load started job %s", job_id)
            continue
        if job.get_status(refresh=False) == JobStatus.STARTED and (
            not job.worker_name or _process_is_dead(connection, f"rq:worker:{job.worker_name}")
        ):
            _retry_abandoned(queue, registry, entry, job)
            recovered.append(job_id)
    _release_dead_scheduler_lock(queue)
    return recovered


def _retry_abandoned(queue: Queue, registry: StartedJobRegistry, entry: bytes, job: Job) -> None:
    """Put an abandoned job back at the front of the queue at once, counting the retry.

    The worker crashed, not the job, so no back-off is due (and a retry scheduled for later
    would wait for a scheduler that may have died with the worker). Out of retries, the job
    goes the way RQ's own cleanup sends it: to the failed registry.
    """
    if not job.retries_left:
        queue.connection.zadd(registry.key, {entry: 0})
        registry.cleanup(timestamp=0)
        return
    queue.connection.zrem(registry.key, entry)
    job.retries_left -= 1
    job.started_at = None
    queue.enqueue_job(job, at_front=True)
    logging.getLogger("sohoa.queue").warning(
        "job %s: its worker %s died; queued again (%s retries left)",
        job.id, job.worker_name, job.retries_left)


def _release_dead_scheduler_lock(queue: Queue) -> None:
    """Free the queue's scheduler lock when the scheduler holding it died.

    Retries wait in RQ's scheduled-job registry, which only the lock holder moves to the
    queue; a killed scheduler would otherwise block them until its lock expires.
    """
    lock_key = f"rq:scheduler-lock:{queue.name}"
    holder = queue.connection.get(lock_key)
    if holder is None:
        return
    name = holder.decode() if isinstance(holder, bytes) else str(holder)
    if _process_is_dead(queue.connection, f"rq:scheduler:{name}"):
        queue.connection.delete(lock_key)


class SohoaWorker(Worker):
    """An RQ worker that also recovers jobs abandoned by dead workers on this host."""

    def clean_registries(self) -> None:
        """RQ's periodic maintenance, preceded by the dead-worker check."""
        for queue in self.queues:
            recover_abandoned_jobs(queue)
        super().clean_registries()  # type: ignore[no-untyped-call]


def _claim_worker_name(connection: redis.Redis, name: str) -> None:
    """Free ``name`` if the worker that had it died; refuse it if that worker still runs."""
    key = f"rq:worker:{name}"
    if not connection.exists(key) or connection.hexists(key, "death"):
        return
    if not _process_is_dead(connection, key):
        raise ConflictError("a worker with this name is running already", subject=name)
    connection.delete(key)


def run_worker(
    connection: redis.Redis, queue_name: str, *, burst: bool = False, name: str | None = None
) -> bool:
    """Run a worker on ``queue_name`` until stopped (or until the queue is empty in burst mode)."""
    queue = Queue(queue_name, connection=connection)
    if name is not None:
        _claim_worker_name(connection, name)
    recover_abandoned_jobs(queue)
    # A short TTL lets maintenance (and with it the dead-worker check) run every minute or
    # so even when the queue is idle, and lets RQ notice dead workers on other hosts sooner.
    worker = SohoaWorker([queue], connection=connection, name=name, maintenance_interval=30,
                         worker_ttl=60)
    return bool(worker.work(burst=burst, with_scheduler=True, logging_level="INFO"))
