"""Verification on every core: a pool of worker processes that each verify whole PDFs.

One verification is pure Python (pyHanko's parser, path building, revocation checks) and
holds the GIL all along, so threads verify one document at a time whatever the number of
cores. :class:`VerificationPool` hands each document to one of ``processes`` worker
processes (one per core by default) and answers the same
:class:`~signing.verify.model.VerificationReport` as :func:`signing.incoming.check_pdf`
in the caller's process.

The pool is made once (by the edge, at start) and closed at stop. All its workers start
together when the first document arrives (``forkserver``: a fresh interpreter, nothing
inherited from the caller's threads), import the verifier once and then stay; until every
worker has started, documents are verified in the caller's thread (the first answer does
not wait for the workers' imports). Trust
anchors cross the process boundary as DER and are parsed once per worker and anchor set.
A worker that dies (killed, out of memory) breaks the pool: the document it held fails
with :class:`VerificationPoolError` and the pool is rebuilt for the next one.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from asn1crypto import x509 as asn1_x509

from signing.verify.model import VerificationReport
from storage.errors import UnavailableError


class VerificationPoolError(UnavailableError):
    """A worker process died while verifying a document (the pool is rebuilt)."""


def default_processes() -> int:
    """The cores this process may run on (at least one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


_ROOTS: dict[tuple[bytes, ...], tuple[asn1_x509.Certificate, ...]] = {}
"""In a worker: the parsed trust anchors of each anchor set seen (one or two in practice)."""


def _start_worker(speedups: bool) -> None:
    """In a new worker: install the parser speed-ups when the caller runs with them, and
    import the verifier before the first document."""
    if speedups:
        from signing.speedups import install

        install()
    import signing.incoming  # noqa: F401  (pyHanko and the checks, loaded once)


def _ready() -> None:
    """A task that does nothing: submitted once per worker to start them all."""


def _check_in_worker(data: bytes, source: str, roots: tuple[bytes, ...],
                     online: bool) -> VerificationReport:
    """In a worker: :func:`signing.incoming.check_pdf` with the anchors given as DER."""
    from signing.incoming import VerifySetup, check_pdf
    from signing.pades import TrustServices

    anchors = _ROOTS.get(roots)
    if anchors is None:
        anchors = _ROOTS[roots] = tuple(asn1_x509.Certificate.load(der) for der in roots)
    setup = VerifySetup(services=TrustServices(trust_roots=anchors), online=online)
    return check_pdf(data, source, setup)


class VerificationPool:
    """Worker processes verifying signed PDFs, ``processes`` at a time."""

    def __init__(self, processes: int | None = None, *, speedups: bool = True) -> None:
        self.processes = processes if processes is not None else default_processes()
        if self.processes < 1:
            raise ValueError("a verification pool needs at least one process")
        self._speedups = speedups
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._starting: list[Future[None]] = []
        self._closed = False

    def _current(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise VerificationPoolError("the verification pool is closed")
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    self.processes, mp_context=multiprocessing.get_context("forkserver"),
                    initializer=_start_worker, initargs=(self._speedups,))
                self._starting = [self._executor.submit(_ready)  # all start now, together
                                  for _ in range(self.processes)]
            return self._executor

    def check(self, data: bytes, source: str, *, trust_roots: Sequence[asn1_x509.Certificate],
              online: bool = False) -> VerificationReport:
        """Verify the PDF ``data`` (named ``source``) in a worker and wait for its report.

        Raises what :func:`signing.incoming.check_pdf` raises (an empty file or not a PDF:
        :class:`~storage.errors.BadInputError`), or :class:`VerificationPoolError` when
        the worker died."""
        roots = tuple(root.dump() for root in trust_roots)
        executor = self._current()
        if not all(future.done() for future in self._starting):  # workers still importing
            from signing.incoming import VerifySetup, check_pdf
            from signing.pades import TrustServices

            setup = VerifySetup(services=TrustServices(trust_roots=tuple(trust_roots)),
                                online=online)
            return check_pdf(data, source, setup)
        try:
            return executor.submit(_check_in_worker, data, source, roots, online).result()
        except BrokenProcessPool as error:
            with self._lock:
                if self._executor is executor:
                    self._executor = None
            executor.shutdown(wait=False, cancel_futures=True)
            raise VerificationPoolError("a verification worker stopped before answering; "
                                        "try again", subject=source) from error

    def wait_started(self, timeout: float | None = None) -> bool:
        """Start the workers if need be and wait until all have started (or ``timeout``
        seconds); whether they have."""
        self._current()
        done, _ = wait(self._starting, timeout=timeout)
        return len(done) == len(self._starting)

    def close(self) -> None:
        """Stop the workers (documents in progress finish first); idempotent."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
