"""Signed exchange requests and answers (issue 15 §2): a request signed by a registered
peer's key passes; a wrong key, a replayed nonce, a stale date or a changed body is
refused naming the problem; failed checks lock the client address; the sender takes an
answer only when the recipient signed it for this very request (checked against a real
HTTP server on loopback)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from sqlalchemy import func, select

from signing.exchange.request_auth import (
    DATE,
    DIGEST,
    NONCE,
    SIGNATURE,
    RequestAuthError,
    RequestAuthPolicy,
    RequestCredentials,
    ResponseAuthError,
    authenticate_request,
    check_request,
    check_response,
    sign_request,
    sign_response,
)
from signing.exchange.transport import MESSAGES_PATH, Destination, HttpTransport
from signing.exchange_parties import add_peer, set_organ_id
from storage.accounts import create_unit
from storage.attempts import AttemptLimits
from storage.errors import TooManyAttemptsError
from storage.records import Database
from storage.records.models import AttemptCounter

PEER, HERE = "000.00.01.H01", "000.00.02.H02"
NOW = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)
BODY = "<edXMLEnvelope>Công văn số 12/UBND</edXMLEnvelope>".encode()


def _certificate(key: rsa.RSAPrivateKey, name: str) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(NOW - timedelta(days=1))
            .not_valid_after(NOW + timedelta(days=365)).sign(key, hashes.SHA256()))


@pytest.fixture(scope="module")
def keys() -> dict[str, rsa.RSAPrivateKey]:
    return {name: rsa.generate_private_key(public_exponent=65537, key_size=2048)
            for name in ("peer", "here", "stranger")}


@pytest.fixture(scope="module")
def certificates(keys: dict[str, rsa.RSAPrivateKey]) -> dict[str, x509.Certificate]:
    return {name: _certificate(key, f"Văn thư {name}") for name, key in keys.items()}


def _signed(key: rsa.RSAPrivateKey, *, body: bytes = BODY, now: datetime = NOW,
            nonce: str | None = None) -> dict[str, str]:
    return sign_request(key, sender=PEER, recipient=HERE, method="POST",
                        path=MESSAGES_PATH, body=body, now=now, nonce=nonce)


def _check(headers: dict[str, str], certificate: x509.Certificate, *, body: bytes = BODY,
           now: datetime = NOW) -> Any:
    return check_request(headers, method="POST", path=MESSAGES_PATH, body=body,
                         certificate=certificate, now=now, window_seconds=300)


def _problem(call: Callable[[], object]) -> tuple[str, str]:
    with pytest.raises(RequestAuthError) as caught:
        call()
    return caught.value.problem, str(caught.value)


def test_a_request_signed_by_the_peers_key_passes(
        keys: dict[str, rsa.RSAPrivateKey], certificates: dict[str, x509.Certificate]) -> None:
    headers = _signed(keys["peer"])
    caller = _check(headers, certificates["peer"], now=NOW + timedelta(seconds=299))
    assert (caller.sender, caller.recipient, caller.nonce) == (PEER, HERE, headers[NONCE])
    assert headers[DATE] == "2026-12-07T02:30:00Z"
    assert headers[DIGEST].startswith("sha-256=:")
    assert headers[DIGEST].endswith(":")
    # header names are case-insensitive, as HTTP has them
    assert _check({name.lower(): value for name, value in headers.items()},
                  certificates["peer"]).sender == PEER


def test_wrong_key_changed_body_stale_date_and_missing_header_are_refused(
        keys: dict[str, rsa.RSAPrivateKey], certificates: dict[str, x509.Certificate]) -> None:
    peer = certificates["peer"]
    problem, text = _problem(lambda: _check(_signed(keys["stranger"]), peer))
    assert problem == "bad_signature"
    assert "registered certificate" in text
    problem, text = _problem(lambda: _check(_signed(keys["peer"]), peer,
                                            body=BODY.replace(b"12", b"13")))
    assert (problem, text.split(":")[0]) == ("digest_mismatch", DIGEST)
    problem, text = _problem(lambda: _check(_signed(keys["peer"]), peer,
                                            now=NOW + timedelta(seconds=301)))
    assert problem == "stale_date"
    assert "301 s away" in text
    problem, _ = _problem(lambda: _check(_signed(keys["peer"], now=NOW + timedelta(
        minutes=10)), peer))
    assert problem == "stale_date"  # from the future too
    # the digest made to match a changed body: the signature no longer does
    forged = _signed(keys["peer"], body=b"<other/>")
    forged[SIGNATURE] = _signed(keys["peer"])[SIGNATURE]
    assert _problem(lambda: _check(forged, peer, body=b"<other/>"))[0] == "bad_signature"
    # another recipient than the one signed
    moved = {**_signed(keys["peer"]), "Sohoa-Recipient": "000.00.03.H03"}
    assert _problem(lambda: _check(moved, peer))[0] == "bad_signature"
    for name in (SIGNATURE, NONCE):
        partial = {key: value for key, value in _signed(keys["peer"]).items() if key != name}
        problem, text = _problem(functools.partial(_check, partial, peer))
        assert problem == "missing_header"
        assert text.startswith(f"{name}: missing signature header")
    assert _problem(lambda: _check({**_signed(keys["peer"]), DATE: "yesterday"},
                                   peer))[0] == "bad_header"


def _setup(db: Database, certificate: x509.Certificate) -> None:
    with db.session() as session:
        unit = create_unit(session, "UBND-B", "Ủy ban nhân dân xã Bình Minh")
        set_organ_id(session, unit, HERE)
        add_peer(session, PEER, "Ủy ban nhân dân xã Tân Lập",
                 certificate.public_bytes(serialization.Encoding.PEM),
                 base_url="https://tanlap.example")


def _authenticate(db: Database, headers: dict[str, str], *, body: bytes = BODY,
                  now: datetime = NOW, policy: RequestAuthPolicy | None = None,
                  address: str = "203.0.113.7") -> Any:
    return authenticate_request(db.session, headers, method="POST", path=MESSAGES_PATH,
                                body=body, address=address,
                                policy=policy or RequestAuthPolicy(), now=now)


def test_the_receiver_checks_the_peer_and_refuses_a_replayed_nonce(
        records_db: Database, keys: dict[str, rsa.RSAPrivateKey],
        certificates: dict[str, x509.Certificate]) -> None:
    _setup(records_db, certificates["peer"])
    headers = _signed(keys["peer"])
    assert _authenticate(records_db, headers).sender == PEER
    problem, text = _problem(lambda: _authenticate(records_db, headers,
                                                   now=NOW + timedelta(seconds=5)))
    assert problem == "replayed_nonce"
    assert text.startswith(f"{NONCE}: this nonce was used already")
    # the same nonce from another peer is another nonce; an unknown sender is refused
    stranger = sign_request(keys["stranger"], sender="000.00.09.H09", recipient=HERE,
                            method="POST", path=MESSAGES_PATH, body=BODY, now=NOW,
                            nonce=headers[NONCE])
    assert _problem(lambda: _authenticate(records_db, stranger))[0] == "unknown_sender"
    elsewhere = sign_request(keys["peer"], sender=PEER, recipient="000.00.03.H03",
                             method="POST", path=MESSAGES_PATH, body=BODY, now=NOW)
    assert _problem(lambda: _authenticate(records_db, elsewhere))[0] == "unknown_recipient"
    # a nonce is forgotten once a request that old would fail its date check anyway
    later = NOW + timedelta(seconds=601)
    fresh = _signed(keys["peer"], now=later)
    assert _authenticate(records_db, fresh, now=later).nonce == fresh[NONCE]
    with records_db.session() as session:
        kept = session.scalars(select(AttemptCounter.key).where(
            AttemptCounter.key.startswith("exchange:nonce:"))).all()
    assert kept == [f"exchange:nonce:{PEER}:{fresh[NONCE]}"]


def test_failed_checks_lock_the_address_and_unsigned_requests_follow_the_setting(
        records_db: Database, keys: dict[str, rsa.RSAPrivateKey],
        certificates: dict[str, x509.Certificate]) -> None:
    _setup(records_db, certificates["peer"])
    strict = RequestAuthPolicy(limits=AttemptLimits(max_failures=3, lockout_seconds=60))
    for _ in range(3):
        assert _problem(lambda: _authenticate(records_db, _signed(keys["stranger"]),
                                              policy=strict))[0] == "bad_signature"
    with pytest.raises(TooManyAttemptsError) as caught:  # not even checked now
        _authenticate(records_db, _signed(keys["peer"]), policy=strict)
    assert caught.value.retry_after > 0
    assert _authenticate(records_db, _signed(keys["peer"]), policy=strict,
                         address="198.51.100.2").sender == PEER
    with records_db.session() as session:
        failures = session.scalar(select(AttemptCounter.failures).where(
            AttemptCounter.key == "exchange:addr:198.51.100.2"))
        nonces = session.scalar(select(func.count()).select_from(AttemptCounter).where(
            AttemptCounter.key.startswith("exchange:nonce:")))
    assert failures == 0  # a success takes its attempt back
    assert nonces == 1  # refused requests leave no nonce behind

    assert _problem(lambda: _authenticate(records_db, {}, address="198.51.100.3")
                    )[0] == "missing_header"
    relaxed = RequestAuthPolicy(required=False)
    assert _authenticate(records_db, {}, policy=relaxed, address="198.51.100.3") is None
    # signed anyway: checked all the same
    assert _problem(lambda: _authenticate(records_db, _signed(keys["stranger"]),
                                          policy=relaxed, address="198.51.100.3")
                    )[0] == "bad_signature"


def _credentials(keys: dict[str, rsa.RSAPrivateKey],
                 certificates: dict[str, x509.Certificate]) -> RequestCredentials:
    return RequestCredentials(PEER, keys["peer"], certificates["here"])


def test_an_answer_counts_only_signed_by_the_recipient_for_this_request(
        keys: dict[str, rsa.RSAPrivateKey], certificates: dict[str, x509.Certificate]) -> None:
    credentials = _credentials(keys, certificates)
    nonce = _signed(keys["peer"])[NONCE]

    def answer(key: rsa.RSAPrivateKey, *, responder: str = HERE,
               request_nonce: str = nonce) -> dict[str, str]:
        return sign_response(key, responder=responder, requester=PEER,
                             request_nonce=request_nonce, status=200, body=b"<status/>",
                             now=NOW)

    def check(headers: dict[str, str], *, body: bytes = b"<status/>",
              status: int = 200) -> None:
        check_response(headers, status=status, body=body, credentials=credentials,
                       responder=HERE, request_nonce=nonce, now=NOW)

    check(answer(keys["here"]))
    for headers, body, status, expected in (
            (answer(keys["stranger"]), b"<status/>", 200, "bad_signature"),
            (answer(keys["here"]), b"<status>02</status>", 200, "digest_mismatch"),
            (answer(keys["here"]), b"<status/>", 202, "bad_signature"),
            (answer(keys["here"], request_nonce="x" * 22), b"<status/>", 200,
             "replayed_nonce"),
            (answer(keys["here"], responder=PEER), b"<status/>", 200, "unknown_sender"),
            ({}, b"<status/>", 200, "missing_header")):
        with pytest.raises(ResponseAuthError) as caught:
            check(headers, body=body, status=status)
        assert caught.value.problem == expected


class _Receiver(BaseHTTPRequestHandler):
    """A peer on loopback: checks the request's signature, answers as told."""

    answer: Callable[[dict[str, str], bytes], tuple[int, dict[str, str], bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        status, headers, content = type(self).answer(dict(self.headers.items()), body)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type("Receiver", (_Receiver,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def test_the_http_transport_signs_its_request_and_checks_the_answer(
        receiver: tuple[str, type[_Receiver]], keys: dict[str, rsa.RSAPrivateKey],
        certificates: dict[str, x509.Certificate]) -> None:
    url, handler = receiver
    now = datetime.now(UTC)
    seen: list[str] = []

    def signed_answer(key: rsa.RSAPrivateKey) -> Callable[
            [dict[str, str], bytes], tuple[int, dict[str, str], bytes]]:
        def answer(headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
            caller = check_request(headers, method="POST", path=MESSAGES_PATH, body=body,
                                   certificate=certificates["peer"], now=now)
            seen.append(caller.nonce)
            return 200, sign_response(key, responder=HERE, requester=caller.sender,
                                      request_nonce=caller.nonce, status=200,
                                      body=b"<status>01</status>", now=now), \
                b"<status>01</status>"
        return answer

    transport = HttpTransport(timeout_seconds=5, clock=lambda: now)
    target = Destination(HERE, url, _credentials(keys, certificates))
    handler.answer = staticmethod(signed_answer(keys["here"]))
    assert transport.deliver(target, BODY).body == b"<status>01</status>"
    assert len(seen) == 1

    handler.answer = staticmethod(signed_answer(keys["stranger"]))
    with pytest.raises(ResponseAuthError, match="not authenticated") as caught:
        transport.deliver(target, BODY)
    assert caught.value.problem == "bad_signature"
    assert len(set(seen)) == 2  # a fresh nonce per request

    handler.answer = staticmethod(
        lambda headers, body: (200, {}, b"<status>01</status>"))
    with pytest.raises(ResponseAuthError) as caught:
        transport.deliver(target, BODY)
    assert caught.value.problem == "missing_header"
