"""Keeping ``sohoa serve``'s processes alive, and none of them alive without it.

- :func:`die_with_parent` is a ``preexec_fn``: the child asks Linux to SIGKILL it when its
  parent dies (``prctl(PR_SET_PDEATHSIG)``), so a ``kill -9`` of ``serve`` takes its
  workers and its embedded Valkey with it (no orphans re-parented to init).
- :class:`Supervisor` starts the worker (and scanner-folder) processes, reaps any that exits,
  starts it again at once, and gives up on one, loudly (an error in the log and
  :attr:`Supervisor.given_up`, which ``/health`` reports), once it has exited more than
  ``max_restarts`` times within ``window_seconds``. It also restarts the embedded Valkey
  server when that stops answering.
- :meth:`Supervisor.every` runs a task periodically in a thread of its own (the exchange's
  statuses left pending are sent so), surviving any one failure of it.
- :func:`queue_liveness` is what ``/health`` shows of the queue: the workers that are alive
  (RQ's worker registry, heartbeats, and on this host the process itself) and the age of the
  oldest waiting job.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

import redis

if TYPE_CHECKING:
    from api.embedded_redis import EmbeddedRedis

PR_SET_PDEATHSIG = 1
log = logging.getLogger("sohoa.supervisor")


@functools.cache
def _prctl() -> Callable[..., int] | None:
    """libc's ``prctl`` on Linux (None elsewhere), looked up once, in the parent: a child
    just forked from a process with threads must not load libraries."""
    if not sys.platform.startswith("linux"):
        return None
    prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    return prctl


def set_parent_death_signal(parent_pid: int, sig: int = signal.SIGKILL) -> None:
    """Have this process receive ``sig`` when its parent (``parent_pid``) dies; if it has
    died already (the race between fork and this call), receive it now. Linux only; a
    no-op elsewhere. Call :func:`prepare_parent_death_signal` in the parent first."""
    prctl = _prctl()
    if prctl is None:
        return
    prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    if os.getppid() != parent_pid:
        os.kill(os.getpid(), sig)


def prepare_parent_death_signal() -> None:
    """Look ``prctl`` up now, before forking (see :func:`set_parent_death_signal`)."""
    _prctl()


def die_with_parent() -> Callable[[], None]:
    """A ``preexec_fn`` for :class:`subprocess.Popen`: the child dies with this process.

    Linux sends the signal when the *thread* that started the child ends, so children are
    started from the main thread or from a thread that lives as long as the process."""
    prepare_parent_death_signal()
    parent = os.getpid()
    return lambda: set_parent_death_signal(parent)


STARTUP_GRACE_SECONDS = 60.0
"""How long a freshly started worker may take to register before /health counts it dead."""


@dataclass
class Child:
    """One supervised process: how to start it, and its recent exits."""

    name: str
    command: Sequence[str]
    env: dict[str, str]
    log: IO[bytes] | None = None
    process: subprocess.Popen[bytes] | None = None
    exits: deque[float] = field(default_factory=deque)
    restarts: int = 0
    given_up: bool = False
    started_at: float = 0.0

    def start(self) -> None:
        """Start (or start again) the process: in a session of its own (a terminal's Ctrl-C
        is for ``serve``, which then stops its children in order, not restarting them), and
        dying with the process that started it."""
        self.process = subprocess.Popen(
            list(self.command), env=self.env, stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT if self.log else None, start_new_session=True,
            preexec_fn=die_with_parent())
        self.started_at = time.monotonic()

    @property
    def starting(self) -> bool:
        """Whether it runs but started so recently that it may not have registered yet."""
        return self.alive and time.monotonic() - self.started_at < STARTUP_GRACE_SECONDS

    @property
    def alive(self) -> bool:
        """Whether its process runs (this also reaps one that exited)."""
        return self.process is not None and self.process.poll() is None


@dataclass
class PeriodicTask:
    """A task run every ``seconds`` until stopped; its failures are logged, not raised."""

    name: str
    seconds: float
    task: Callable[[], object]
    rounds: int = 0
    failures: int = 0
    thread: threading.Thread | None = None

    def start(self, stopping: threading.Event) -> None:
        """Run rounds in a daemon thread until ``stopping`` is set."""
        self.thread = threading.Thread(target=self._loop, args=(stopping,),
                                       name=f"sohoa-{self.name}", daemon=True)
        self.thread.start()

    def run_once(self) -> None:
        """One round; an exception is logged and counted (the next round comes anyway)."""
        self.rounds += 1
        try:
            self.task()
        except Exception:
            self.failures += 1
            log.exception("sohoa serve: %s failed (round %d)", self.name, self.rounds)

    def _loop(self, stopping: threading.Event) -> None:
        while not stopping.wait(self.seconds):
            self.run_once()

    def join(self, timeout: float) -> None:
        """Wait for the thread to end (after ``stopping`` is set)."""
        if self.thread is not None:
            self.thread.join(timeout=timeout)


class Supervisor:
    """Starts child processes, restarts those that exit, and stops them all at the end."""

    def __init__(self, *, max_restarts: int = 5, window_seconds: float = 60.0,
                 interval: float = 0.5) -> None:
        self.max_restarts = max_restarts
        self.window_seconds = window_seconds
        self.interval = interval
        self.children: list[Child] = []
        self.embedded_redis: EmbeddedRedis | None = None
        self.valkey_restarts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.tasks: list[PeriodicTask] = []

    def every(self, name: str, seconds: float, task: Callable[[], object]) -> None:
        """Run ``task`` every ``seconds`` from :meth:`start` to :meth:`stop`, in a thread of
        its own (a slow round delays only its own next round)."""
        self.tasks.append(PeriodicTask(name, seconds, task))

    def add(self, name: str, command: Sequence[str], env: dict[str, str],
            log: IO[bytes] | None = None) -> None:
        """Supervise ``command`` under ``name`` (started by :meth:`start`)."""
        self.children.append(Child(name, command, env, log))

    def watch_embedded_redis(self, server: EmbeddedRedis) -> None:
        """Restart the embedded Valkey server whenever it stops answering."""
        self.embedded_redis = server

    def start(self) -> None:
        """Start every child, then watch them from a thread that lives until :meth:`stop`."""
        for child in self.children:
            child.start()
        self._thread = threading.Thread(target=self._watch, name="sohoa-supervisor",
                                        daemon=True)
        self._thread.start()
        for task in self.tasks:
            task.start(self._stopping)

    @property
    def starting_workers(self) -> list[str]:
        """Workers whose process runs but may still be starting (importing, loading)."""
        return [child.name for child in self.children
                if child.name.startswith("worker") and child.starting]

    @property
    def given_up(self) -> list[str]:
        """The children no longer restarted: they crashed too often."""
        return [child.name for child in self.children if child.given_up]

    def status(self) -> dict[str, Any]:
        """Every child's pid, whether it runs, its restarts; the Valkey restarts."""
        with self._lock:
            children = {child.name: {"pid": child.process.pid if child.process else None,
                                     "alive": child.alive, "restarts": child.restarts,
                                     "given_up": child.given_up} for child in self.children}
        status: dict[str, Any] = {"processes": children}
        if self.embedded_redis is not None:
            status["valkey_restarts"] = self.valkey_restarts
        return status

    def check(self) -> None:
        """One round: reap and restart exited children, restart a silent Valkey."""
        if self.embedded_redis is not None and not self._stopping.is_set():
            self._check_valkey(self.embedded_redis)
        with self._lock:
            for child in self.children:
                if self._stopping.is_set():
                    return
                if child.given_up or child.alive or child.process is None:
                    continue
                self._restart(child)

    def _restart(self, child: Child) -> None:
        code = child.process.returncode if child.process else None
        now = time.monotonic()
        child.exits.append(now)
        while child.exits and child.exits[0] < now - self.window_seconds:
            child.exits.popleft()
        if len(child.exits) > self.max_restarts:
            child.given_up = True
            log.error("sohoa serve: %s exited %d times within %.0f s (last exit code %s); "
                      "not starting it again", child.name, len(child.exits),
                      self.window_seconds, code)
            return
        log.warning("sohoa serve: %s exited (code %s); starting it again", child.name, code)
        child.start()
        child.restarts += 1

    def _check_valkey(self, server: EmbeddedRedis) -> None:
        own = server.process
        if own is not None and own.poll() is None:
            return
        if own is None and server.is_running():
            return  # started by another sohoa process, and answering
        log.warning("sohoa serve: the embedded Valkey server stopped; starting it again")
        try:
            server.ensure_running()
        except Exception as error:  # reported; the next round tries again
            log.error("sohoa serve: cannot start the embedded Valkey server: %s", error)
            return
        self.valkey_restarts += 1

    def _watch(self) -> None:
        while not self._stopping.wait(self.interval):
            try:
                self.check()
            except Exception:  # the watcher must outlive any one failure
                log.exception("sohoa serve: supervisor round failed")

    def stop(self, timeout: float = 15.0) -> None:
        """Stop restarting; SIGTERM every child, SIGKILL those still there after
        ``timeout``; stop the embedded Valkey server if this process started it (a child of
        the watching thread is killed when the thread ends); then end that thread."""
        self._stopping.set()
        with self._lock:
            running = [child.process for child in self.children
                       if child.process is not None and child.process.poll() is None]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
        deadline = time.monotonic() + timeout
        for process in running:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.embedded_redis is not None:
            self.embedded_redis.stop()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for task in self.tasks:
            task.join(timeout=5)


def process_is_dead(connection: redis.Redis, key: str) -> bool:
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
    return _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A process that exited but was not reaped yet (Linux ``/proc``; False elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            stat = handle.read()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


@dataclass(frozen=True)
class QueueLiveness:
    """Workers alive on a queue and how long its oldest job has waited."""

    workers: list[str]
    waiting: int
    oldest_wait_seconds: float | None

    @property
    def stalled(self) -> bool:
        """Jobs wait and no worker is alive to run them."""
        return self.waiting > 0 and not self.workers


def queue_liveness(connection: redis.Redis, queue_name: str, *, sample: int = 100,
                   ) -> QueueLiveness:
    """The queue's live workers (registered, not dead, heartbeat within their TTL) and the
    age of the oldest of the first ``sample`` waiting jobs."""
    from rq import Queue, Worker

    queue = Queue(queue_name, connection=connection)
    now = datetime.now(UTC)
    alive: list[str] = []
    for worker in Worker.all(queue=queue):
        if worker.death_date is not None or process_is_dead(connection, worker.key):
            continue
        beat = worker.last_heartbeat
        if beat is not None and (now - beat.replace(tzinfo=UTC)).total_seconds() > (
                worker.worker_ttl + 60):
            continue
        alive.append(worker.name)
    waiting = queue.count
    oldest: float | None = None
    if waiting:
        ids = queue.get_job_ids(0, sample - 1)
        times = [job.enqueued_at for job in queue.job_class.fetch_many(ids, connection=connection)
                 if job is not None and job.enqueued_at is not None]
        if times:
            oldest = max((now - min(times).replace(tzinfo=UTC)).total_seconds(), 0.0)
    return QueueLiveness(sorted(alive), waiting, oldest)
