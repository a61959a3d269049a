"""Verification on every core: worker processes that each verify whole PDFs.

One verification is pure Python (pyHanko's parser, path building, revocation checks) and
holds the GIL all along, so threads verify one document at a time whatever the number of
cores. :class:`VerificationPool` hands each document to one of ``processes`` worker
processes (one per core by default) and answers the same
:class:`~signing.verify.model.VerificationReport` as :func:`signing.incoming.check_pdf`
in the caller's process.

Each worker has its own pipe. The calling thread takes an idle worker, writes the document
to its pipe and waits on it for the report (the wait releases the GIL): nothing else in the
caller's process runs per document. ``concurrent.futures.ProcessPoolExecutor``, used
before, moved every document through two more threads of the caller's process (its queue
management thread and its queue's feeder thread): each a wake-up and a turn at the GIL
among the API's threads, and under load each wait for the CPU, while the worker sat idle.
Idle workers are taken most recently used first (their caches are the warmest).

The pool is made once (by the edge, at start) and closed at stop. All its workers start
together when the first document arrives (``forkserver``: a fresh interpreter, nothing
inherited from the caller's threads), import the verifier once and then stay, keeping what
:mod:`signing.verify.material` and :mod:`signing.verify.pathcache` keep from one document
to the next; until every worker has started, documents are verified in the caller's
thread (the first answer does not wait for the workers' imports). Trust anchors cross the
process boundary as DER and are parsed once per worker and anchor set. A worker that dies
(killed, out of memory) fails the document it held with :class:`VerificationPoolError`
and is replaced; one that died while idle never had a document, which goes to the next.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from typing import Any

from asn1crypto import x509 as asn1_x509

from signing.verify.model import VerificationReport
from storage.errors import UnavailableError


class VerificationPoolError(UnavailableError):
    """A worker process died while verifying a document (it is replaced)."""


def default_processes() -> int:
    """The cores this process may run on (at least one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


_READY = "ready"
_STARTUP_SECONDS = 300.0
_STOP_SECONDS = 60.0
_SEND_ATTEMPTS = 3
"""Workers tried in turn for one document when each is found dead as it is handed it."""


def _serve(connection: Connection, speedups: bool) -> None:
    """A worker's life: import the verifier, say ready, then verify each document received
    until the pipe closes (the pool closed, or the caller's process died)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C stops the server,
    # which then closes the pipes
    if speedups:
        from signing.speedups import install

        install()
    from signing.incoming import VerifySetup, check_pdf
    from signing.pades import TrustServices

    anchors_by_der: dict[tuple[bytes, ...], tuple[asn1_x509.Certificate, ...]] = {}
    connection.send(_READY)
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        data, source, roots, online = message
        anchors = anchors_by_der.get(roots)
        if anchors is None:
            anchors = anchors_by_der[roots] = tuple(asn1_x509.Certificate.load(der)
                                                    for der in roots)
        setup = VerifySetup(services=TrustServices(trust_roots=anchors), online=online)
        try:
            answer: tuple[str, Any] = ("report", check_pdf(data, source, setup))
        except Exception as error:  # carried to the caller, raised there
            answer = ("error", error)
        try:
            connection.send(answer)
        except (OSError, ValueError):
            return
        except Exception as error:  # an exception that does not pickle
            connection.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))


def _preload_verifier(context: ForkServerContext) -> None:
    """Have the forkserver import the verifier before it forks the first worker: the
    imports (~1.2 s of CPU) are then made once, not once per worker, and a worker (or its
    replacement) is ready as soon as it is forked. The forkserver is one per process and
    its list of modules is shared (``ocr.pipeline`` adds its own): ours are added to it.
    Without effect once the forkserver runs (the workers then import for themselves)."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    current = list(getattr(server, "_preload_modules", None) or ["__main__"])
    wanted = [name for name in _VERIFIER_MODULES if name not in current]
    if wanted:
        context.set_forkserver_preload([*current, *wanted])


_VERIFIER_MODULES = ("signing.speedups", "signing.incoming")


@dataclass
class _Worker:
    """One worker process and the caller's end of its pipe."""

    process: BaseProcess
    connection: Connection

    def alive(self) -> bool:
        """Whether the worker (idle, with nothing asked) can take a document. Its exit
        shows first on its pipe: an idle worker never writes, so a readable pipe is the end
        of file its death left. ``process.is_alive`` alone lags: the forkserver reaps the
        process before it reports the exit status."""
        try:
            return self.process.is_alive() and not self.connection.poll(0)
        except (OSError, ValueError):
            return False

    def stop(self) -> None:
        """Ask the worker to stop (closing the pipe is enough; it ends after its current
        document)."""
        with contextlib.suppress(OSError, ValueError):
            self.connection.send(None)
        self.connection.close()


class VerificationPool:
    """Worker processes verifying signed PDFs, ``processes`` at a time."""

    def __init__(self, processes: int | None = None, *, speedups: bool = True) -> None:
        self.processes = processes if processes is not None else default_processes()
        if self.processes < 1:
            raise ValueError("a verification pool needs at least one process")
        self._speedups = speedups
        self._context = multiprocessing.get_context("forkserver")
        _preload_verifier(self._context)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._idle: list[_Worker] = []  # most recently used last
        self._workers: list[_Worker] = []  # every live worker, idle or busy
        self._starting = 0
        self._started = False  # every worker of the first start is up
        self._start_failed = False  # the last worker to start did not
        self._closed = False

    def _spawn(self) -> None:
        """Start one worker; a thread waits for its ready message and makes it idle.
        Called with the lock held."""
        ours, theirs = self._context.Pipe(duplex=True)
        process = self._context.Process(target=_serve, args=(theirs, self._speedups),
                                        name="sohoa-verify", daemon=True)
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        self._workers.append(worker)
        self._starting += 1
        threading.Thread(target=self._await_ready, args=(worker,), daemon=True,
                         name="sohoa-verify-start").start()

    def _await_ready(self, worker: _Worker) -> None:
        try:
            ready = worker.connection.poll(_STARTUP_SECONDS) and \
                worker.connection.recv() == _READY
        except (EOFError, OSError):
            ready = False
        with self._lock:
            self._starting -= 1
            self._start_failed = not ready
            if ready and not self._closed:
                self._idle.append(worker)
            else:
                self._forget(worker)
            if self._starting == 0:
                self._started = True
            self._changed.notify_all()

    def _forget(self, worker: _Worker) -> None:
        """Drop a dead (or unwanted) worker. Called with the lock held."""
        if worker in self._workers:
            self._workers.remove(worker)
        worker.connection.close()
        if worker.process.is_alive():
            worker.process.kill()
        threading.Thread(target=worker.process.join, daemon=True).start()  # reap it

    def _start_if_needed(self) -> None:
        """Called with the lock held."""
        if self._closed:
            raise VerificationPoolError("the verification pool is closed")
        if not self._workers and not self._started:
            for _ in range(self.processes):
                self._spawn()

    def _take(self) -> _Worker | None:
        """An idle worker (waiting for one when all are busy), or None while the workers
        are still starting (the caller then verifies in its own thread)."""
        with self._lock:
            self._start_if_needed()
            while True:
                if self._closed:
                    raise VerificationPoolError("the verification pool is closed")
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive():
                        return worker
                    self._forget(worker)  # died while idle: no document lost, replaced
                if not self._started:
                    return None
                if len(self._workers) < self.processes:  # one died or could not start
                    if not self._workers and self._start_failed:
                        raise VerificationPoolError("the verification workers could not "
                                                    "start; try again")
                    self._spawn()
                self._changed.wait()

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)
            self._changed.notify_all()

    def _lost(self, worker: _Worker) -> None:
        with self._lock:
            self._forget(worker)
            if not self._closed:
                self._spawn()  # the next documents find a worker again
            self._changed.notify_all()

    def _hand_over(self, message: tuple[Any, ...], source: str) -> _Worker | None:
        """Send ``message`` (a document to verify) to an idle worker and return that worker,
        or None while the workers are still starting. A worker found dead as it is handed
        the document never had it, so the next one takes it."""
        failure: Exception | None = None
        for _ in range(_SEND_ATTEMPTS):
            worker = self._take()
            if worker is None:
                return None
            try:
                worker.connection.send(message)
                return worker
            except (OSError, ValueError) as error:
                self._lost(worker)
                failure = error
            except BaseException:
                self._lost(worker)
                raise
        raise VerificationPoolError("no verification worker could take the document; "
                                    "try again", subject=source) from failure

    def check(self, data: bytes, source: str, *, trust_roots: Sequence[asn1_x509.Certificate],
              online: bool = False) -> VerificationReport:
        """Verify the PDF ``data`` (named ``source``) in a worker and wait for its report.

        Raises what :func:`signing.incoming.check_pdf` raises (an empty file or not a PDF:
        :class:`~storage.errors.BadInputError`), or :class:`VerificationPoolError` when
        the worker died or the pool is closed."""
        message = (data, source, tuple(root.dump() for root in trust_roots), online)
        worker = self._hand_over(message, source)
        if worker is None:  # workers still importing
            from signing.incoming import VerifySetup, check_pdf
            from signing.pades import TrustServices

            setup = VerifySetup(services=TrustServices(trust_roots=tuple(trust_roots)),
                                online=online)
            return check_pdf(data, source, setup)
        try:
            kind, value = worker.connection.recv()
        except (EOFError, OSError) as error:
            self._lost(worker)
            raise VerificationPoolError("a verification worker stopped before answering; "
                                        "try again", subject=source) from error
        except BaseException:  # e.g. an answer that does not unpickle: where the pipe stands
            self._lost(worker)  # is unsure, so the worker is replaced, never left taken
            raise
        self._give_back(worker)
        if kind == "error":
            raise value
        report: VerificationReport = value
        return report

    def worker_pids(self) -> list[int]:
        """The process ids of the live workers (tests, diagnostics)."""
        with self._lock:
            return [pid for pid in (worker.process.pid for worker in self._workers)
                    if pid is not None]

    def wait_started(self, timeout: float | None = None) -> bool:
        """Start the workers if need be and wait until all have started (or ``timeout``
        seconds); whether they have."""
        with self._lock:
            self._start_if_needed()
            self._changed.wait_for(lambda: self._started, timeout)
            return self._started and len(self._idle) + self._busy() >= self.processes

    def _busy(self) -> int:
        return len(self._workers) - len(self._idle) - self._starting

    def close(self) -> None:
        """Stop the workers (documents in progress finish first); idempotent."""
        with self._lock:
            self._closed = True
            self._changed.notify_all()
            self._changed.wait_for(lambda: self._busy() == 0 and self._starting == 0,
                                   _STOP_SECONDS)
            workers, self._workers, self._idle = self._workers, [], []
        for worker in workers:
            worker.stop()
        for worker in workers:
            worker.process.join(_STOP_SECONDS)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
