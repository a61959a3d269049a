"""``sohoa serve``'s periodic tasks (the sweep of exchange statuses left pending): run
again and again in their own thread, a failing round logged and followed by the next,
all ended by :meth:`Supervisor.stop`."""

from __future__ import annotations

import threading

import pytest

from api.supervisor import Supervisor


def test_a_periodic_task_runs_until_stopped_and_outlives_a_failure(
        caplog: pytest.LogCaptureFixture) -> None:
    rounds: list[int] = []
    third = threading.Event()

    def task() -> None:
        rounds.append(len(rounds) + 1)
        if len(rounds) == 1:
            raise RuntimeError("the database is restarting")
        if len(rounds) >= 3:
            third.set()

    supervisor = Supervisor()
    supervisor.every("exchange-statuses", 0.02, task)
    supervisor.start()
    try:
        assert third.wait(10), f"only {len(rounds)} round(s) ran"
    finally:
        supervisor.stop(timeout=1)
    [periodic] = supervisor.tasks
    assert periodic.failures == 1
    assert periodic.rounds >= 3
    assert periodic.thread is not None
    assert not periodic.thread.is_alive()
    assert "exchange-statuses failed (round 1)" in caplog.text
    after = len(rounds)
    threading.Event().wait(0.1)  # five periods
    assert len(rounds) == after  # no round after stop
