"""The verification pool (:mod:`signing.verify.pool`): the same reports as verifying in the
caller's process, errors carried back, and a worker killed mid-life answered and replaced."""

from __future__ import annotations

import os
import pickle
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509

from signing.document import RoleOptions, sign_document
from signing.keys import unlock_pkcs12
from signing.pades import Level, TrustServices
from signing.verify import VerificationReport, verify_pdf
from signing.verify import pool as pool_module
from signing.verify.pool import VerificationPool, VerificationPoolError
from storage.errors import BadInputError
from tests.support.pki_server import RunningPki
from tests.support.signature_checks import root_certificate


@pytest.fixture(scope="module")
def root(served_pki: RunningPki) -> asn1_x509.Certificate:
    return root_certificate(served_pki.pki.root_pem_path)


@pytest.fixture(scope="module")
def signed(served_pki: RunningPki, decision_pdf: Path, root: asn1_x509.Certificate) -> bytes:
    """The decision signed by the leader at B-B."""
    key = unlock_pkcs12((served_pki.directory / "leader.p12").read_bytes(), "1234",
                        source="leader.p12")
    data, _ = sign_document(decision_pdf.read_bytes(), key, level=Level.B_B,
                            services=TrustServices(tsa_url=served_pki.tsa_url,
                                                   trust_roots=(root,)),
                            source="qd.pdf",
                            role=RoleOptions(role="leader",
                                             image=served_pki.pki.leader_signature_path))
    return data


@pytest.fixture(scope="module")
def pool() -> Iterator[VerificationPool]:
    verification = VerificationPool(2)
    assert verification.wait_started(120)
    try:
        yield verification
    finally:
        verification.close()


def _comparable(report: VerificationReport) -> dict[str, Any]:
    answer = report.to_json()
    answer.pop("checked_at")
    return answer


def _tampered(data: bytes) -> bytes:
    """One byte of the signed content changed (inside the first signed range)."""
    at = data.index(b"stream", len(data) // 4) + 20
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def test_pool_reports_what_the_caller_would(pool: VerificationPool, signed: bytes,
                                            root: asn1_x509.Certificate) -> None:
    for data in (signed, _tampered(signed)):
        here = verify_pdf(data, source="qd.pdf", trust_roots=[root])
        there = pool.check(data, "qd.pdf", trust_roots=[root])
        assert _comparable(there) == _comparable(here)
    assert pool.check(signed, "qd.pdf", trust_roots=[root]).valid
    assert not pool.check(_tampered(signed), "qd.pdf", trust_roots=[root]).valid
    untrusted = pool.check(signed, "qd.pdf", trust_roots=[])
    assert not untrusted.valid  # the anchors really cross to the worker


def test_report_holds_plain_values(signed: bytes, root: asn1_x509.Certificate) -> None:
    """The report crosses back from a worker by pickling: it must not hold pyHanko objects
    (a field name as pyHanko's string kept the whole parsed PDF: 800 KB per report)."""
    report = verify_pdf(signed, source="qd.pdf", trust_roots=[root])
    assert type(report.signatures[0].field) is str
    assert len(pickle.dumps(report)) < 10_000


def test_first_documents_do_not_wait_for_the_workers(signed: bytes,
                                                     root: asn1_x509.Certificate) -> None:
    pool = VerificationPool(1)
    try:
        started = time.monotonic()
        assert pool.check(signed, "qd.pdf", trust_roots=[root]).valid
        assert pool.wait_started(120)
        assert pool.check(signed, "qd.pdf", trust_roots=[root]).valid
        assert time.monotonic() - started < 120
    finally:
        pool.close()


def test_bad_input_is_raised_in_the_caller(pool: VerificationPool) -> None:
    with pytest.raises(BadInputError, match="not a PDF") as caught:
        pool.check(b"xin chao", "ghi-chu.txt", trust_roots=[])
    assert caught.value.subject == "ghi-chu.txt"


def test_killed_worker_fails_one_document_and_the_pool_recovers(
        signed: bytes, root: asn1_x509.Certificate) -> None:
    """A worker killed while it holds a document fails that document; the next one is
    verified by its replacement."""
    pool = VerificationPool(1)
    try:
        assert pool.wait_started(120)
        assert pool.check(signed, "qd.pdf", trust_roots=[root]).valid
        (pid,) = pool.worker_pids()
        os.kill(pid, signal.SIGSTOP)  # it takes the next document and never answers
        failures: list[BaseException] = []

        def held() -> None:
            try:
                pool.check(signed, "qd.pdf", trust_roots=[root])
            except BaseException as error:  # examined below
                failures.append(error)

        thread = threading.Thread(target=held)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()  # waiting for the stopped worker
        os.kill(pid, signal.SIGKILL)
        thread.join(30)
        assert not thread.is_alive()
        assert len(failures) == 1
        assert isinstance(failures[0], VerificationPoolError)
        assert pool.check(signed, "qd.pdf", trust_roots=[root]).valid
        assert pool.worker_pids() != [pid]
    finally:
        pool.close()
    with pytest.raises(VerificationPoolError, match="closed"):
        pool.check(signed, "qd.pdf", trust_roots=[root])


def test_worker_killed_while_idle_loses_no_document(
        signed: bytes, root: asn1_x509.Certificate) -> None:
    pool = VerificationPool(1)
    try:
        pid = _kill_the_idle_worker(pool)
        assert pool.check(signed, "qd.pdf", trust_roots=[root]).valid
        assert pool.worker_pids() != [pid]
    finally:
        pool.close()
    assert not _live_pids() & set(pool.worker_pids())


def test_a_worker_found_dead_as_it_is_handed_a_document_passes_it_on(
        signed: bytes, root: asn1_x509.Certificate, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool's look at an idle worker can miss its death (it is made just before the
    hand-over): the document it could not be handed goes to another worker."""
    pool = VerificationPool(1)
    try:
        pid = _kill_the_idle_worker(pool)
        monkeypatch.setattr(pool_module._Worker, "alive", lambda self: True)
        assert pool.check(signed, "qd.pdf", trust_roots=[root]).valid
        assert pool.worker_pids() != [pid]
    finally:
        pool.close()


def _kill_the_idle_worker(pool: VerificationPool) -> int:
    """Start ``pool``'s one worker, kill it while idle and wait until it is gone; its pid."""
    assert pool.wait_started(120)
    (pid,) = pool.worker_pids()
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while pid in _live_pids() and time.monotonic() < deadline:
        time.sleep(0.05)
    return pid


def _live_pids() -> set[int]:
    """Processes that exist and are not zombies."""
    live = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                live.add(int(entry.name))
    return live


def test_concurrent_documents_use_every_worker(signed: bytes,
                                               root: asn1_x509.Certificate) -> None:
    """Four callers at once on two workers: every caller waits its turn and gets its
    document's report."""
    pool = VerificationPool(2)
    try:
        assert pool.wait_started(120)
        reports: list[VerificationReport] = []
        lock = threading.Lock()

        def caller() -> None:
            for _ in range(3):
                report = pool.check(signed, "qd.pdf", trust_roots=[root])
                with lock:
                    reports.append(report)

        threads = [threading.Thread(target=caller) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert len(reports) == 12
        assert all(report.valid for report in reports)
        assert len(pool.worker_pids()) == 2
    finally:
        pool.close()
