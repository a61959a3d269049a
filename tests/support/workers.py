"""Real ``sohoa worker`` processes for API tests, and waiting for a job's state."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from tests.support.processes import stop_group

if TYPE_CHECKING:
    from tests.api.conftest import Service


@contextmanager
def worker(service: Service, name: str) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``sohoa worker`` process (own process group) on the service's configuration;
    its log goes to a file in the data directory."""
    log = (service.settings.data_dir / f"worker-{name}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "api", "worker", "--name", name], env=service.env,
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        stop_group(process, 20)
        log.close()


def wait_for_job(service: Service, job_id: str, user: str, predicate: object,
                 timeout: float = 60) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    body: dict[str, object] = {}
    while time.monotonic() < deadline:
        body = service.client.get(f"/jobs/{job_id}", headers=service.auth(user)).json()
        if predicate(body):  # type: ignore[operator]
            return body
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not get there in {timeout}s: {body}")
