"""Which key files a user may register, and which certificates sign documents at all.

A key file is accepted only when its certificate is a document-signing certificate (not a
certificate authority; key usage digitalSignature or nonRepudiation; valid now; chaining to
a configured trust anchor) and belongs to the user: its subject's common name is the user's
registered full name (Unicode NFC, case-insensitive), or an administrator of the user's unit
bound that certificate (by SHA-256 fingerprint) to them. A certificate registered by, or
bound to, another user is refused. The verifier uses :func:`signing_usage_problem` too.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import unicodedata

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    InvalidCertificateError,
    PathBuildingError,
    ValidationError,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.errors import CertificateProblemError, SigningInputError
from signing.keys import SigningKey
from signing.pades import TrustServices
from storage.accounts import CurrentUser
from storage.errors import ConflictError, NotFoundError, PermissionDeniedError
from storage.records import (
    AuditAction,
    CertificateBinding,
    SigningCredential,
    User,
    UserRole,
    append_audit,
)

SIGNING_USAGES = frozenset({"digital_signature", "non_repudiation"})
_FINGERPRINT = re.compile(r"[0-9a-f]{64}")


def signing_usage_problem(certificate: asn1_x509.Certificate) -> str | None:
    """Why ``certificate`` cannot sign documents (a CA, or no digitalSignature /
    nonRepudiation key usage), or None when it can."""
    name = certificate.subject.human_friendly
    constraints = certificate.basic_constraints_value
    if constraints is not None and constraints["ca"].native:
        return f"{name} is a certificate authority (CA) certificate, not a signer's"
    usage = certificate.key_usage_value
    usages = set(usage.native) if usage is not None else set()
    if not usages & SIGNING_USAGES:
        shown = ", ".join(sorted(usages)) or "none"
        return (f"the key usage of {name} ({shown}) allows neither digitalSignature nor "
                "nonRepudiation")
    return None


def fingerprint_of(certificate: asn1_x509.Certificate) -> str:
    """The certificate's SHA-256 fingerprint, lower-case hex."""
    return hashlib.sha256(certificate.dump()).hexdigest()


def check_signing_certificate(key: SigningKey, services: TrustServices, *,
                              source: str) -> None:
    """Raise :class:`CertificateProblemError` unless the key's certificate may sign
    documents and chains to one of the configured anchors (never to a certificate the key
    file merely carries). Validity now was checked when the file was unlocked."""
    problem = signing_usage_problem(key.certificate)
    if problem is not None:
        raise CertificateProblemError(f"not a document-signing certificate: {problem}",
                                      subject=source)
    if not services.trust_roots:
        raise CertificateProblemError(
            "no trust anchors are configured (SOHOA_TRUST_ROOTS or SOHOA_PKI_DIR), so no "
            "key file can be accepted", subject=source)
    context = ValidationContext(trust_roots=list(services.trust_roots), other_certs=key.chain,
                                allow_fetching=False, revocation_mode="soft-fail")
    validator = CertificateValidator(key.certificate, intermediate_certs=key.chain,
                                     validation_context=context)
    try:
        asyncio.run(validator.async_validate_usage(set()))  # type: ignore[no-untyped-call]
    except (PathBuildingError, InvalidCertificateError) as error:
        raise CertificateProblemError(
            f"the certificate of {key.certificate.subject.human_friendly} does not chain to a "
            "configured trust anchor", subject=source) from error
    except ValidationError as error:
        raise CertificateProblemError(f"the certificate cannot be used: {error}",
                                      subject=source) from error


def same_name(certificate_name: str, full_name: str) -> bool:
    """Whether two person names are the same: NFC, case-insensitive, spaces collapsed."""
    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())

    return bool(norm(full_name)) and norm(certificate_name) == norm(full_name)


def _owner_elsewhere(session: Session, user_id: int, fingerprint: str) -> bool:
    registered = session.scalar(select(SigningCredential.id).where(
        SigningCredential.fingerprint == fingerprint, SigningCredential.user_id != user_id)
        .limit(1))
    bound = session.scalar(select(CertificateBinding.id).where(
        CertificateBinding.fingerprint == fingerprint, CertificateBinding.user_id != user_id))
    return registered is not None or bound is not None


def check_key_owner(session: Session, user_id: int, key: SigningKey, *, source: str) -> str:
    """The certificate's fingerprint, once it is known to belong to user ``user_id``:
    :class:`ConflictError` when another user registered or was bound to it,
    :class:`PermissionDeniedError` when it names someone else and is not bound to them."""
    fingerprint = fingerprint_of(key.certificate)
    if _owner_elsewhere(session, user_id, fingerprint):
        raise ConflictError("this certificate is already registered to another user",
                            subject=source)
    if session.scalar(select(CertificateBinding.id).where(
            CertificateBinding.fingerprint == fingerprint,
            CertificateBinding.user_id == user_id)) is not None:
        return fingerprint
    user = session.get(User, user_id)
    full_name = user.full_name if user is not None else ""
    if not same_name(key.subject_name, full_name):
        raise PermissionDeniedError(
            f"the certificate is issued to '{key.subject_name}', not to your registered name "
            f"'{full_name}'; an administrator of your unit can bind it to you", subject=source)
    return fingerprint


def _certificate_from(data: bytes) -> asn1_x509.Certificate:
    try:
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        certificate = asn1_x509.Certificate.load(data)
        certificate.native  # noqa: B018 - parse now, so a bad body fails here
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise SigningInputError("not a certificate (PEM or DER)",
                                subject="certificate") from error
    return certificate


def bind_certificate(session: Session, admin: CurrentUser, user_id: int, *,
                     certificate: bytes | None = None,
                     fingerprint: str | None = None) -> tuple[CertificateBinding, bool]:
    """Bind a signing certificate (given whole, or by its SHA-256 fingerprint) to user
    ``user_id`` of a unit ``admin`` manages; returns the binding and whether it is new."""
    if admin.role != UserRole.admin:
        raise PermissionDeniedError("only administrators bind certificates")
    user = session.get(User, user_id)
    if user is None or not admin.can_see_unit(user.unit_id):
        raise NotFoundError("no such user in the units you manage", subject=f"user {user_id}")
    if (certificate is None) == (fingerprint is None):
        raise SigningInputError("give either the certificate or its fingerprint",
                                subject="certificate")
    if certificate is not None:
        parsed = _certificate_from(certificate)
        problem = signing_usage_problem(parsed)
        if problem is not None:
            raise CertificateProblemError(f"not a document-signing certificate: {problem}",
                                          subject="certificate")
        fingerprint = fingerprint_of(parsed)
    assert fingerprint is not None
    fingerprint = fingerprint.replace(":", "").strip().lower()
    if not _FINGERPRINT.fullmatch(fingerprint):
        raise SigningInputError("a SHA-256 fingerprint is 64 hexadecimal digits",
                                subject="fingerprint")
    if _owner_elsewhere(session, user_id, fingerprint):
        raise ConflictError("this certificate is already registered to or bound to another "
                            "user", subject=fingerprint)
    existing = session.scalar(select(CertificateBinding).where(
        CertificateBinding.fingerprint == fingerprint))
    if existing is not None:
        return existing, False
    binding = CertificateBinding(user_id=user_id, fingerprint=fingerprint,
                                 created_by_id=admin.id)
    session.add(binding)
    append_audit(session, actor=admin.username, action=AuditAction.certificate_bound,
                 subject_type="user", subject_id=user_id, details={"fingerprint": fingerprint})
    session.flush()
    return binding, True
