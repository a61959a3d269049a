"""Installations authenticate each other on every exchange request, both ways.

The sending unit signs each HTTP request with its exchange key (RSA-PSS, SHA-256) over a
canonical string of the method, the endpoint's path, a date, a nonce, the body's SHA-256
and the sender's and recipient's OrganIds. The receiver checks that the sender is a
registered peer, the signature against the peer's registered certificate, the date within
a window of its own clock, the nonce not seen within that window, and the digest against
the body. The receiving unit signs its answer the same way, bound to the request's nonce,
and the sender checks it against the recipient's registered certificate before it takes
the status the answer carries.

Headers: ``Sohoa-Organ`` (who signs), ``Sohoa-Recipient`` (for whom), ``Sohoa-Date``
(``YYYY-MM-DDTHH:MM:SSZ``, UTC), ``Sohoa-Nonce``, ``Content-Digest`` (RFC 9530,
``sha-256=:<base64>:``) and ``Sohoa-Signature`` (base64). The path signed is the
endpoint's own path (``/exchange/messages``), not the URL's, so a reverse proxy that
mounts the installation under a prefix does not break the signature.

The nonces seen are kept in the records database (``attempt_counters`` rows under
``exchange:nonce:<organ>:<nonce>``), so every API process shares them on SQLite and on
PostgreSQL alike; failed checks are counted per client address (:mod:`storage.attempts`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from signing.exchange.statuses import unattended_pin
from signing.exchange_parties import party_certificate, unlock_exchange_key
from signing.keystore import KeyFileSealer
from storage.attempts import AttemptLimits, audit_lockouts, refund, reserve
from storage.errors import AuthenticationError, ConflictError, NotFoundError
from storage.jobs import SessionFactory
from storage.objects import ObjectStore
from storage.records.models import AttemptCounter, ExchangePeer, Unit

ORGAN = "Sohoa-Organ"
RECIPIENT = "Sohoa-Recipient"
DATE = "Sohoa-Date"
NONCE = "Sohoa-Nonce"
SIGNATURE = "Sohoa-Signature"
DIGEST = "Content-Digest"
HEADERS = (ORGAN, RECIPIENT, DATE, NONCE, DIGEST, SIGNATURE)
"""Every header of a signed request or answer."""

DEFAULT_WINDOW_SECONDS = 300.0
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_ORGAN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-_]{0,63}")
_NONCE_KEY = "exchange:nonce:"
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)


class RequestAuthError(AuthenticationError):
    """A request's signature headers do not authenticate it (answered 401, nothing
    stored); ``problem`` names what failed: ``missing_header``, ``bad_header``,
    ``unknown_sender``, ``unknown_recipient``, ``stale_date``, ``digest_mismatch``,
    ``bad_signature``, ``replayed_nonce``, ``sender_mismatch``, ``recipient_mismatch``."""

    def __init__(self, problem: str, message: str, *, subject: str | None = None) -> None:
        super().__init__(message, subject=subject)
        self.problem = problem

    def __reduce__(self) -> tuple[object, ...]:
        """Keep ``problem`` and ``subject`` across a process boundary."""
        return (self.__class__, (self.problem, self.message), {"subject": self.subject})


class ResponseAuthError(RequestAuthError):
    """The answer to a request is not signed by the recipient it was sent to (or not for
    this request): its status is not taken and the delivery is tried again."""


@dataclass(frozen=True)
class RequestCredentials:
    """What the sending side needs to sign a request and check its answer: its own
    OrganId and key, and the recipient's registered certificate."""

    sender: str
    key: rsa.RSAPrivateKey
    recipient_certificate: x509.Certificate
    window_seconds: float = DEFAULT_WINDOW_SECONDS


@dataclass(frozen=True)
class Caller:
    """An authenticated request: who sent it, to which unit here, with which nonce."""

    sender: str
    recipient: str
    nonce: str


@dataclass(frozen=True)
class RequestAuthPolicy:
    """The receiver's settings: whether unsigned requests are refused, the clock window
    (also how long a nonce is remembered, twice over) and the limit on failed checks per
    client address."""

    required: bool = True
    window_seconds: float = DEFAULT_WINDOW_SECONDS
    limits: AttemptLimits = field(default_factory=lambda: AttemptLimits(max_failures=20))


def content_digest(body: bytes) -> str:
    """The RFC 9530 ``Content-Digest`` of ``body`` (SHA-256)."""
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii") + ":"


def format_date(moment: datetime) -> str:
    """``moment`` as ``Sohoa-Date`` writes it (UTC, to the second)."""
    if moment.tzinfo is None:
        raise ValueError("an exchange request's date must carry its time zone")
    return moment.astimezone(UTC).strftime(_DATE_FORMAT)


def new_nonce() -> str:
    """A fresh random nonce (128 bits, base64url)."""
    return secrets.token_urlsafe(16)


def canonical_request(*, method: str, path: str, date: str, nonce: str, digest: str,
                      sender: str, recipient: str) -> bytes:
    """The bytes a request's signature covers."""
    return "\n".join(("sohoa-request-v1", method.upper(), path, date, nonce, digest,
                      sender, recipient)).encode("utf-8")


def canonical_response(*, status: int, date: str, nonce: str, digest: str, responder: str,
                       requester: str) -> bytes:
    """The bytes an answer's signature covers (``nonce``: the request's)."""
    return "\n".join(("sohoa-response-v1", str(status), date, nonce, digest, responder,
                      requester)).encode("utf-8")


def _sign(key: rsa.RSAPrivateKey, data: bytes) -> str:
    return base64.b64encode(key.sign(data, _PSS, hashes.SHA256())).decode("ascii")


def sign_request(key: rsa.RSAPrivateKey, *, sender: str, recipient: str, method: str,
                 path: str, body: bytes, now: datetime,
                 nonce: str | None = None) -> dict[str, str]:
    """The headers that authenticate a request from ``sender`` to ``recipient``."""
    date, nonce, digest = format_date(now), nonce or new_nonce(), content_digest(body)
    signed = canonical_request(method=method, path=path, date=date, nonce=nonce,
                               digest=digest, sender=sender, recipient=recipient)
    return {ORGAN: sender, RECIPIENT: recipient, DATE: date, NONCE: nonce, DIGEST: digest,
            SIGNATURE: _sign(key, signed)}


def sign_response(key: rsa.RSAPrivateKey, *, responder: str, requester: str,
                  request_nonce: str, status: int, body: bytes,
                  now: datetime) -> dict[str, str]:
    """The headers that authenticate ``responder``'s answer to a request of
    ``requester`` (bound to that request by its nonce)."""
    date, digest = format_date(now), content_digest(body)
    signed = canonical_response(status=status, date=date, nonce=request_nonce,
                                digest=digest, responder=responder, requester=requester)
    return {ORGAN: responder, RECIPIENT: requester, DATE: date, NONCE: request_nonce,
            DIGEST: digest, SIGNATURE: _sign(key, signed)}


@dataclass(frozen=True)
class _Signed:
    organ: str
    recipient: str
    date: datetime
    date_text: str
    nonce: str
    digest: str
    signature: bytes


def _lowered(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def has_signature(headers: Mapping[str, str]) -> bool:
    """Whether ``headers`` carry a request signature at all."""
    return SIGNATURE.lower() in _lowered(headers)


def _read(headers: Mapping[str, str], error: type[RequestAuthError]) -> _Signed:
    found = _lowered(headers)
    values: dict[str, str] = {}
    for name in HEADERS:
        value = found.get(name.lower(), "").strip()
        if not value:
            raise error("missing_header", "missing signature header (the request must be "
                        "signed by the sending unit's exchange key)", subject=name)
        values[name] = value
    for name in (ORGAN, RECIPIENT):
        if not _ORGAN.fullmatch(values[name]):
            raise error("bad_header", "not an organisation code", subject=name)
    if not _NONCE.fullmatch(values[NONCE]):
        raise error("bad_header", "a nonce is 16 to 64 base64url characters", subject=NONCE)
    try:
        date = datetime.strptime(values[DATE], _DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise error("bad_header", "not a date YYYY-MM-DDTHH:MM:SSZ", subject=DATE) from None
    try:
        signature = base64.b64decode(values[SIGNATURE], validate=True)
    except (binascii.Error, ValueError):
        raise error("bad_header", "not base64", subject=SIGNATURE) from None
    return _Signed(values[ORGAN], values[RECIPIENT], date, values[DATE], values[NONCE],
                   values[DIGEST], signature)


def _check_common(signed: _Signed, body: bytes, now: datetime, window_seconds: float,
                  error: type[RequestAuthError]) -> None:
    skew = abs((now - signed.date).total_seconds())
    if skew > window_seconds:
        raise error("stale_date", f"the date is {skew:.0f} s away from this server's clock "
                    f"(at most {window_seconds:.0f} s allowed)", subject=DATE)
    if signed.digest != content_digest(body):
        raise error("digest_mismatch", "does not match the body (changed on the way)",
                    subject=DIGEST)


def _verify(certificate: x509.Certificate, signature: bytes, data: bytes, *, subject: str,
            error: type[RequestAuthError]) -> None:
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise error("bad_signature", "the registered certificate has no RSA key",
                    subject=subject)
    try:
        public_key.verify(signature, data, _PSS, hashes.SHA256())
    except InvalidSignature:
        raise error("bad_signature", "the signature does not match the registered "
                    "certificate", subject=subject) from None


def check_request(headers: Mapping[str, str], *, method: str, path: str, body: bytes,
                  certificate: x509.Certificate, now: datetime,
                  window_seconds: float = DEFAULT_WINDOW_SECONDS) -> Caller:
    """Check a request's signature headers against the sender's ``certificate``: date
    within the window, digest of ``body``, signature. Replays are not checked here (see
    :func:`remember_nonce`)."""
    signed = _read(headers, RequestAuthError)
    _check_common(signed, body, now, window_seconds, RequestAuthError)
    data = canonical_request(method=method, path=path, date=signed.date_text,
                             nonce=signed.nonce, digest=signed.digest, sender=signed.organ,
                             recipient=signed.recipient)
    _verify(certificate, signed.signature, data, subject=signed.organ,
            error=RequestAuthError)
    return Caller(signed.organ, signed.recipient, signed.nonce)


def check_response(headers: Mapping[str, str], *, status: int, body: bytes,
                   credentials: RequestCredentials, responder: str, request_nonce: str,
                   now: datetime) -> None:
    """Check that an answer comes from ``responder`` (signed by its registered
    certificate), to this request (its nonce), unchanged; :class:`ResponseAuthError`
    otherwise."""
    signed = _read(headers, ResponseAuthError)
    if signed.organ != responder or signed.recipient != credentials.sender:
        raise ResponseAuthError("unknown_sender", f"the answer is from {signed.organ} to "
                                f"{signed.recipient}, not from {responder} to "
                                f"{credentials.sender}", subject=ORGAN)
    if signed.nonce != request_nonce:
        raise ResponseAuthError("replayed_nonce", "the answer is not for this request",
                                subject=NONCE)
    _check_common(signed, body, now, credentials.window_seconds, ResponseAuthError)
    data = canonical_response(status=status, date=signed.date_text, nonce=signed.nonce,
                              digest=signed.digest, responder=signed.organ,
                              requester=signed.recipient)
    _verify(credentials.recipient_certificate, signed.signature, data, subject=responder,
            error=ResponseAuthError)


def remember_nonce(session: Session, sender: str, nonce: str, *, now: datetime,
                   window_seconds: float) -> bool:
    """Record ``sender``'s ``nonce``; False when it was seen already (a replay). Nonces
    older than twice the window are forgotten (a request that old fails the date check)."""
    cutoff = now - timedelta(seconds=2 * window_seconds)
    session.execute(delete(AttemptCounter).where(
        AttemptCounter.key.startswith(_NONCE_KEY, autoescape=True),
        AttemptCounter.last_failure_at < cutoff))
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    added = session.scalar(insert(AttemptCounter).values(
        key=f"{_NONCE_KEY}{sender}:{nonce}", failures=0, first_failure_at=now,
        last_failure_at=now, locked_until=None).on_conflict_do_nothing()
        .returning(AttemptCounter.key))
    return added is not None


def check_message_parties(caller: Caller | None, sender: str | None,
                          receivers: list[str]) -> None:
    """A signed request carries a message of the party that signed it, for the unit it
    was signed for: :class:`RequestAuthError` (``sender_mismatch``) when the message's
    ``From`` OrganId is not the request's ``Sohoa-Organ`` (one registered peer relaying,
    or passing off, another party's message), ``recipient_mismatch`` when the request's
    ``Sohoa-Recipient`` is not among the message's ``To`` (for a status message, the
    party it answers). Nothing to check for an unsigned request (``caller`` None) or an
    internal delivery, nor the recipient of a message that names none (refused later as
    addressed to no unit here)."""
    if caller is None:
        return
    if (sender or "") != caller.sender:
        raise RequestAuthError("sender_mismatch", f"the request is signed by "
                               f"{caller.sender} but the message is from "
                               f"{sender or '(no OrganId)'}", subject=ORGAN)
    if receivers and caller.recipient not in receivers:
        raise RequestAuthError("recipient_mismatch", f"the request is signed for "
                               f"{caller.recipient} but the message is addressed to "
                               f"{', '.join(receivers) or '(no OrganId)'}",
                               subject=RECIPIENT)


def exchange_address_key(address: str | None) -> str:
    """The attempt counter of failed exchange request checks from one client address."""
    return f"exchange:addr:{(address or 'unknown')[:200]}"


def _caller(session: Session, headers: Mapping[str, str], *, method: str, path: str,
            body: bytes, now: datetime, window_seconds: float) -> Caller:
    signed = _read(headers, RequestAuthError)
    peer = session.scalar(select(ExchangePeer).where(ExchangePeer.organ_id == signed.organ))
    if peer is None:
        raise RequestAuthError("unknown_sender", "not a registered peer (sohoa peer add)",
                               subject=signed.organ)
    if session.scalar(select(Unit.id).where(Unit.organ_id == signed.recipient)) is None:
        raise RequestAuthError("unknown_recipient", "not a unit of this installation",
                               subject=signed.recipient)
    certificate = x509.load_pem_x509_certificate(peer.certificate_pem.encode("ascii"))
    caller = check_request(headers, method=method, path=path, body=body,
                           certificate=certificate, now=now, window_seconds=window_seconds)
    if not remember_nonce(session, caller.sender, caller.nonce, now=now,
                          window_seconds=window_seconds):
        raise RequestAuthError("replayed_nonce", "this nonce was used already (a replayed "
                               "request)", subject=NONCE)
    return caller


def authenticate_request(sessions: SessionFactory, headers: Mapping[str, str], *,
                         method: str, path: str, body: bytes, address: str | None,
                         policy: RequestAuthPolicy, now: datetime) -> Caller | None:
    """The peer that sent a request, checked as the module says; None for an unsigned
    request when the policy does not require signatures. :class:`RequestAuthError` naming
    the problem, or :class:`~storage.errors.TooManyAttemptsError` while the client
    ``address`` is locked after too many failed checks (counted before checking, in a
    transaction of its own; a success takes its attempt back)."""
    if not policy.required and not has_signature(headers):
        return None
    with sessions() as session:
        attempts = reserve(session, {exchange_address_key(address): policy.limits},
                           subject="exchange request")
    failure: RequestAuthError | None = None
    with sessions() as session:
        try:
            caller = _caller(session, headers, method=method, path=path, body=body, now=now,
                             window_seconds=policy.window_seconds)
        except RequestAuthError as error:
            session.rollback()
            audit_lockouts(session, attempts)
            failure = error
        else:
            refund(session, attempts)
    if failure is not None:
        raise failure
    return caller


def _unit_key(session: Session, store: ObjectStore, sealer: KeyFileSealer,
              unit: Unit) -> rsa.RSAPrivateKey:
    return unlock_exchange_key(session, store, sealer, unit,
                               unattended_pin(session, sealer, unit)).private_key


def request_credentials(session: Session, store: ObjectStore, sealer: KeyFileSealer,
                        unit: Unit, recipient: str, *,
                        window_seconds: float = DEFAULT_WINDOW_SECONDS) -> RequestCredentials:
    """What ``unit`` needs to sign a request to ``recipient`` without a person present:
    its key, opened with its sealed PIN (:class:`~storage.errors.UnavailableError` until a
    clerk allows unattended signing), and the recipient's registered certificate."""
    if not unit.organ_id:
        raise ConflictError("has no organisation code (sohoa unit exchange --organ-id)",
                            subject=f"unit {unit.code}")
    certificate = party_certificate(session, recipient)
    if certificate is None:
        raise NotFoundError("no registered certificate for the recipient", subject=recipient)
    return RequestCredentials(unit.organ_id, _unit_key(session, store, sealer, unit),
                              certificate, window_seconds)


def answer_headers(session: Session, store: ObjectStore, sealer: KeyFileSealer,
                   caller: Caller, *, status: int, body: bytes,
                   now: datetime) -> dict[str, str]:
    """The headers by which the unit ``caller`` addressed signs its answer."""
    unit = session.scalar(select(Unit).where(Unit.organ_id == caller.recipient))
    if unit is None:
        raise NotFoundError("not a unit of this installation", subject=caller.recipient)
    return sign_response(_unit_key(session, store, sealer, unit), responder=caller.recipient,
                         requester=caller.sender, request_nonce=caller.nonce, status=status,
                         body=body, now=now)
