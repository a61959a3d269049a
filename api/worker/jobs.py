"""The background jobs: thin functions that take ids, call a use case, and let the use
case mark their record done. RQ imports them from here (see :data:`api.queue.JOB_FUNCTIONS`).

Each job's record (its ``jobs`` row) is kept up to date by :func:`running`: started and
attempt counted before, failure recorded after (queued again while RQ has retries left).
A job whose record already says done returns the stored result without working again.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rq import get_current_job

from api.worker.runtime import worker_runtime
from ingest.digitise import digitise_document
from ingest.review import retrain_classifier
from ingest.stacks import ReceivedStack, split_stack_job
from ingest.uploads import Uploader
from signing.exchange.outbox import deliver_outbox_message, delivery_job_id
from storage.fixity import check_document_fixity
from storage.jobs import (
    RunningJob,
    fixity_job_id,
    ocr_job_id,
    retrain_job_id,
    stack_job_id,
)

Body = Callable[[RunningJob], dict[str, Any]]


@contextmanager
def running(job_id: str) -> Iterator[tuple[RunningJob, dict[str, Any] | None]]:
    """The job's record marked running (the second value: the stored result when this job
    had completed already), its failure recorded if the body raises."""
    runtime = worker_runtime()
    job = RunningJob(job_id, runtime.db.session)
    earlier = job.start(f"{socket.gethostname()}:{os.getpid()}")
    try:
        yield job, earlier
    except BaseException as error:
        rq_job = get_current_job()
        job.fail(error, retrying=bool(rq_job is not None and rq_job.retries_left))
        raise


def run(job_id: str, body: Body) -> dict[str, Any]:
    """Run ``body`` as job ``job_id`` unless it completed already."""
    with running(job_id) as (job, earlier):
        return earlier if earlier is not None else body(job)


def ocr_document(document_id: int, version: int) -> dict[str, Any]:
    """Job: digitise one version of a document (OCR, classification, search index)."""
    runtime = worker_runtime()
    return run(ocr_job_id(document_id, version), lambda job: digitise_document(
        runtime.db.session, runtime.store, job, document_id, version,
        runtime.settings.digitise_options()))


def check_fixity(document_id: int) -> dict[str, Any]:
    """Job: re-hash every stored file of a document."""
    runtime = worker_runtime()
    return run(fixity_job_id(document_id), lambda job: check_document_fixity(
        runtime.db.session, runtime.store, job, document_id))


def retrain(last_example_id: int) -> dict[str, Any]:
    """Job: train a new classifier version."""
    runtime = worker_runtime()
    return run(retrain_job_id(last_example_id), lambda job: retrain_classifier(
        runtime.db.session, runtime.store, job, last_example_id))


def split(unit_id: int, key: str, filename: str, actor: str,
          user_id: int | None) -> dict[str, Any]:
    """Job: split a received scanned stack at its cover sheets."""
    runtime = worker_runtime()
    sha256 = key.rsplit("/", 1)[-1].split(".", 1)[0]
    stack = ReceivedStack(unit_id=unit_id, key=key, sha256=sha256, filename=filename)
    uploader = Uploader(actor=actor, user_id=user_id, max_bytes=None)

    return run(stack_job_id(unit_id, sha256), lambda job: split_stack_job(
        runtime.db.session, runtime.store, runtime.queue, job, stack, uploader))



def deliver_exchange_message(outbox_id: int) -> dict[str, Any]:
    """Job: deliver one outbox message (retried with back-off while the party is down)."""
    from api.exchange_wiring import delivery_setup

    runtime = worker_runtime()
    return run(delivery_job_id(outbox_id), lambda job: deliver_outbox_message(
        runtime.db.session, runtime.store, job, outbox_id, delivery_setup(runtime)))
