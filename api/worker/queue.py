"""The RQ worker: running it, and putting back on the queue the jobs of workers that died.

Jobs are thin (see :mod:`api.worker.jobs`); enqueueing is :mod:`api.queue`'s. A job whose
worker died (killed, machine lost) is put back on the queue by the next worker that looks,
using RQ's own retry bookkeeping.
"""

from __future__ import annotations

import logging
import os
import signal
from types import FrameType

import redis
from rq import Queue, Worker
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry

from api.supervisor import (
    prepare_parent_death_signal,
    process_is_dead,
    set_parent_death_signal,
)
from storage.errors import ConflictError

RETRY_INTERVALS = [2, 10, 60]


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
            not job.worker_name or process_is_dead(connection, f"rq:worker:{job.worker_name}")
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
    if process_is_dead(queue.connection, f"rq:scheduler:{name}"):
        queue.connection.delete(lock_key)


def _end_process_group(signum: int, frame: FrameType | None) -> None:
    """SIGKILL this process's group if it leads one (a work horse), else just itself."""
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpgrp(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


def _forks_die_with_their_parent() -> None:
    """From now on a process forked here (RQ's scheduler, a work horse) or in a descendant
    is SIGKILLed when the process that forked it dies."""
    prepare_parent_death_signal()
    forking = [os.getpid()]

    def before() -> None:
        forking[0] = os.getpid()

    os.register_at_fork(before=before,
                        after_in_child=lambda: set_parent_death_signal(forking[0]))

class SohoaWorker(Worker):
    """An RQ worker that also recovers jobs abandoned by dead workers on this host, and
    whose work horses die with it (a killed worker leaves no job running behind it)."""

    def main_work_horse(self, job: Job, queue: Queue) -> None:
        """The forked work horse (RQ makes it a process-group leader): when its worker dies
        it ends its whole group, so the job's own processes (the OCR pool, its fork server,
        Tesseract) go with it; then RQ's own work horse."""
        signal.signal(signal.SIGHUP, _end_process_group)
        set_parent_death_signal(self.pid or os.getppid(), signal.SIGHUP)
        super().main_work_horse(job, queue)


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
    if not process_is_dead(connection, key):
        raise ConflictError("a worker with this name is running already", subject=name)
    connection.delete(key)


def run_worker(
    connection: redis.Redis, queue_name: str, *, burst: bool = False, name: str | None = None
) -> bool:
    """Run a worker on ``queue_name`` until stopped (or until the queue is empty in burst mode)."""
    queue = Queue(queue_name, connection=connection)
    _forks_die_with_their_parent()
    if name is not None:
        _claim_worker_name(connection, name)
    recover_abandoned_jobs(queue)
    # A short TTL lets maintenance (and with it the dead-worker check) run every minute or
    # so even when the queue is idle, and lets RQ notice dead workers on other hosts sooner.
    worker = SohoaWorker([queue], connection=connection, name=name, maintenance_interval=30,
                         worker_ttl=60)
    return bool(worker.work(burst=burst, with_scheduler=True, logging_level="INFO"))
