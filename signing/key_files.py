"""A key file looked at before it is kept: the same checks :func:`signing.requests.
register_credential` makes (it opens with the PIN, is a document-signing certificate
chaining to a configured anchor, belongs to the user), and what its certificate says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from sqlalchemy.orm import Session

from signing.errors import SigningInputError
from signing.key_policy import check_key_owner, check_signing_certificate
from signing.keys import unlock_pkcs12
from signing.requests import MAX_KEY_FILE, SigningSetup
from storage.accounts import CurrentUser


@dataclass(frozen=True)
class KeyFileSummary:
    """What a person checks before keeping a key file."""

    subject: str
    common_name: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime
    fingerprint: str


def inspect_key_file(session: Session, user: CurrentUser, data: bytes, pin: str,
                     filename: str, setup: SigningSetup) -> KeyFileSummary:
    """The certificate of ``user``'s PKCS#12 ``data`` once it passes every check of
    registration; nothing is stored. Raises the same typed errors as registration."""
    if len(data) > MAX_KEY_FILE:
        raise SigningInputError("a key file is at most 1 MB", subject=filename)
    key = unlock_pkcs12(data, pin, source=filename)
    check_signing_certificate(key, setup.services, source=filename)
    fingerprint = check_key_owner(session, user.id, key, source=filename)
    certificate = x509.load_der_x509_certificate(key.certificate.dump())
    return KeyFileSummary(
        subject=certificate.subject.rfc4514_string(), common_name=key.subject_name,
        issuer=certificate.issuer.rfc4514_string(),
        serial=format(certificate.serial_number, "x"),
        not_before=certificate.not_valid_before_utc, not_after=certificate.not_valid_after_utc,
        fingerprint=fingerprint)
