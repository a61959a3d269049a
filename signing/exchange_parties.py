"""Units as exchange parties (issue 15): a unit's organisation code (OrganId), its key for
signing edXML messages, and the directory of peers whose messages it accepts.

A unit's PKCS#12 is checked with its PIN (it opens, the key matches the certificate, the
certificate is valid now, the key is RSA as XMLDSig of edXML needs), then kept sealed under
the server's key like a signer's key file (signing/keystore.py); the PIN is never stored.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.errors import CertificateProblemError, SigningInputError
from signing.keys import unlock_pkcs12
from signing.keystore import KeyFileSealer
from storage.errors import BadInputError, ConflictError, NotFoundError
from storage.objects import ObjectStore
from storage.orphans import put_object
from storage.records.models import ExchangeCredential, ExchangePeer, Unit

MAX_KEY_FILE = 1_000_000
_ORGAN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-_]{0,63}")


@dataclass(frozen=True)
class ExchangeKey:
    """A unit's message-signing key, unlocked in memory for one message."""

    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: list[x509.Certificate]


def exchange_key_prefix(unit_id: int) -> str:
    """Where a unit's sealed message-signing key file lives in the object store."""
    return f"keys/units/{unit_id}"


def _context(unit_id: int, fingerprint: str) -> bytes:
    return f"unit={unit_id}|sha256={fingerprint}".encode()


def check_organ_id(organ_id: str) -> str:
    """``organ_id`` trimmed, or :class:`BadInputError` when it is not an OrganId."""
    organ_id = organ_id.strip()
    if not _ORGAN_ID.fullmatch(organ_id):
        raise BadInputError("not an organisation code (letters, digits, '.', '-', '_'; "
                            "e.g. 000.00.00.H41)", subject=organ_id or "--organ-id")
    return organ_id


def unit_by_code(session: Session, code: str) -> Unit:
    """The unit with ``code``; :class:`NotFoundError` when there is none."""
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise NotFoundError("no such unit", subject=f"unit {code}")
    return unit


def set_organ_id(session: Session, unit: Unit, organ_id: str) -> Unit:
    """Give ``unit`` its OrganId; refused when another unit or a peer already has it."""
    organ_id = check_organ_id(organ_id)
    other = session.scalar(select(Unit).where(Unit.organ_id == organ_id, Unit.id != unit.id))
    if other is not None or session.scalar(
            select(ExchangePeer).where(ExchangePeer.organ_id == organ_id)) is not None:
        raise ConflictError("already the organisation code of another party",
                            subject=organ_id)
    unit.organ_id = organ_id
    session.flush()
    return unit


def register_exchange_key(session: Session, store: ObjectStore, sealer: KeyFileSealer,
                          unit: Unit, data: bytes, pin: str, filename: str
                          ) -> ExchangeCredential:
    """Keep ``unit``'s PKCS#12 for signing its messages, once it opens with ``pin`` and
    holds a valid RSA key and certificate; an earlier key of the unit stops being used."""
    if len(data) > MAX_KEY_FILE:
        raise SigningInputError("a key file is at most 1 MB", subject=filename)
    key = unlock_exchange_pkcs12(data, pin, source=filename)
    pem = key.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    fingerprint = certificate_fingerprint(key.certificate)
    info = put_object(session, store, exchange_key_prefix(unit.id),
                      io.BytesIO(sealer.seal(data, _context(unit.id, fingerprint))),
                      suffix=".sealed", content_type="application/octet-stream")
    for earlier in session.scalars(select(ExchangeCredential).where(
            ExchangeCredential.unit_id == unit.id, ExchangeCredential.active)):
        earlier.active = False
    credential = ExchangeCredential(
        unit_id=unit.id, object_key=info.key, certificate_pem=pem,
        subject=key.certificate.subject.rfc4514_string(), fingerprint=fingerprint,
        not_after=key.certificate.not_valid_after_utc)
    session.add(credential)
    session.flush()
    return credential


def unlock_exchange_pkcs12(data: bytes, pin: str, *, source: str) -> ExchangeKey:
    """The RSA key and certificate of a PKCS#12 opened with ``pin`` (checked as a signing
    key file is: it opens, matches and is valid now)."""
    unlock_pkcs12(data, pin, source=source)  # the typed errors: wrong PIN, expired, ...
    private_key, certificate, extra = pkcs12.load_key_and_certificates(data, pin.encode())
    if not isinstance(private_key, rsa.RSAPrivateKey) or certificate is None:
        raise SigningInputError("an exchange key must be an RSA key with its certificate",
                                subject=source)
    return ExchangeKey(private_key, certificate, list(extra))


def active_exchange_credential(session: Session, unit: Unit) -> ExchangeCredential:
    """``unit``'s message-signing key in use; :class:`ConflictError` when it has none."""
    credential = session.scalar(select(ExchangeCredential).where(
        ExchangeCredential.unit_id == unit.id, ExchangeCredential.active))
    if credential is None:
        raise ConflictError("has no key for signing exchange messages (sohoa unit exchange "
                            "--p12)", subject=f"unit {unit.code}")
    return credential


def unlock_exchange_key(session: Session, store: ObjectStore, sealer: KeyFileSealer,
                        unit: Unit, pin: str) -> ExchangeKey:
    """``unit``'s message-signing key, unsealed and opened with ``pin``."""
    credential = active_exchange_credential(session, unit)
    source = f"exchange key of unit {unit.code}"
    with store.open(credential.object_key) as stream:
        blob = stream.read()
    data = sealer.open(blob, _context(unit.id, credential.fingerprint), source=source)
    key = unlock_exchange_pkcs12(data, pin, source=source)
    if certificate_fingerprint(key.certificate) != credential.fingerprint:
        raise CertificateProblemError("the stored key file is not the registered one",
                                      subject=source)
    return key


def certificate_fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 (hex) of the certificate's DER."""
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def load_certificate(pem: bytes, *, source: str) -> x509.Certificate:
    """A PEM (or DER) certificate, or :class:`BadInputError` naming ``source``."""
    try:
        if b"-----BEGIN" in pem:
            return x509.load_pem_x509_certificate(pem)
        return x509.load_der_x509_certificate(pem)
    except ValueError:
        raise BadInputError("not an X.509 certificate (PEM or DER)", subject=source) from None


def add_peer(session: Session, organ_id: str, name: str, certificate_pem: bytes, *,
             base_url: str | None = None, source: str = "certificate") -> ExchangePeer:
    """Add (or update) a peer: another party whose messages are signed by the given
    certificate; its OrganId must not be one of this installation's units."""
    organ_id = check_organ_id(organ_id)
    name = unicodedata.normalize("NFC", name.strip())
    if not name:
        raise BadInputError("the peer's name is empty", subject=organ_id)
    if base_url is not None and not re.match(r"https?://[^/\s]+", base_url):
        raise BadInputError("not an http(s) URL", subject=base_url)
    if session.scalar(select(Unit).where(Unit.organ_id == organ_id)) is not None:
        raise ConflictError("is a unit of this installation, not a peer", subject=organ_id)
    certificate = load_certificate(certificate_pem, source=source)
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    peer = session.scalar(select(ExchangePeer).where(ExchangePeer.organ_id == organ_id))
    if peer is None:
        peer = ExchangePeer(organ_id=organ_id, name=name, certificate_pem=pem,
                            fingerprint=certificate_fingerprint(certificate),
                            base_url=base_url)
        session.add(peer)
    else:
        peer.name, peer.base_url, peer.certificate_pem = name, base_url, pem
        peer.fingerprint = certificate_fingerprint(certificate)
    session.flush()
    return peer


def party_certificate(session: Session, organ_id: str) -> x509.Certificate | None:
    """The registered certificate of the party ``organ_id`` (a unit's active exchange key,
    or a peer's); None when the party is unknown or has none."""
    unit = session.scalar(select(Unit).where(Unit.organ_id == organ_id))
    if unit is not None:
        credential = session.scalar(select(ExchangeCredential).where(
            ExchangeCredential.unit_id == unit.id, ExchangeCredential.active))
        pem = None if credential is None else credential.certificate_pem
    else:
        peer = session.scalar(select(ExchangePeer).where(ExchangePeer.organ_id == organ_id))
        pem = None if peer is None else peer.certificate_pem
    return None if pem is None else x509.load_pem_x509_certificate(pem.encode("ascii"))


def party_name(session: Session, organ_id: str) -> str:
    """The name of a known party (a unit here or a peer); :class:`BadInputError` when
    ``organ_id`` is neither."""
    unit = session.scalar(select(Unit).where(Unit.organ_id == organ_id))
    if unit is not None:
        return unit.name
    peer = session.scalar(select(ExchangePeer).where(ExchangePeer.organ_id == organ_id))
    if peer is None:
        raise BadInputError("unknown recipient: neither a unit here nor a registered peer "
                            "(sohoa peer add)", subject=organ_id)
    return peer.name
