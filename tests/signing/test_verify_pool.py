"""The verification pool (:mod:`signing.verify.pool`): the same reports as verifying in the
caller's process, errors carried back, and a worker killed mid-life answered and replaced."""

from __future__ import annotations

import os
import pickle
import signal
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
    pool = VerificationPool(1)
    try:
        assert pool.wait_started(120)
        assert pool.check(signed, "qd.pdf", trust_roots=[root]).valid
        executor = pool._executor
        assert executor is not None
        (pid,) = list(executor._processes)  # the one worker, to kill it
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while not executor._broken and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(VerificationPoolError):
            pool.check(signed, "qd.pdf", trust_roots=[root])
        assert pool.check(signed, "qd.pdf", trust_roots=[root]).valid
    finally:
        pool.close()
    with pytest.raises(VerificationPoolError, match="closed"):
        pool.check(signed, "qd.pdf", trust_roots=[root])
