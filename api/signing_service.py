"""Signing in the service: key files held for signers, the leader's queue, batch signing.

A signer's PKCS#12 is stored as uploaded (encrypted by its PIN) and decrypted in memory
once per batch, with the PIN given for that batch only. Each signed result is a new
version of the document (the draft and earlier versions are kept), and every signing is
audited. Callers run these functions in a worker thread, never in the event loop.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.accounts import CurrentUser
from api.jobs import document_prefix
from api.runtime import Runtime
from api.settings import Settings
from api.trust import trust_services
from signing.document import RoleOptions, sign_document
from signing.errors import SigningInputError
from signing.keys import SigningKey, unlock_pkcs12
from signing.pades import Level, TrustServices, check_certificate
from storage.errors import ConflictError, NotFoundError, PermissionDeniedError
from storage.records import Document, DocumentFile, DocumentStatus, User
from storage.records.audit import append_audit
from storage.records.models import Role, SigningCredential, SigningRequest
from storage.records.units import unit_subtree_ids

SIGNABLE_ROLES = ("signed", "searchable_pdf", "original")


def register_credential(session: Session, runtime: Runtime, user: CurrentUser, data: bytes,
                        pin: str, filename: str) -> SigningCredential:
    """Keep ``user``'s PKCS#12 (checked with ``pin`` first: it must open, match and be
    valid now); an earlier key file of theirs stops being used."""
    key = unlock_pkcs12(data, pin, source=filename)
    certificate = x509.load_der_x509_certificate(key.certificate.dump())
    info = runtime.store.put(f"keys/users/{user.id}", io.BytesIO(data), suffix=".p12",
                             content_type="application/x-pkcs12")
    for earlier in session.scalars(select(SigningCredential).where(
            SigningCredential.user_id == user.id, SigningCredential.active)):
        earlier.active = False
    credential = SigningCredential(
        user_id=user.id, object_key=info.key, subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(), serial=format(certificate.serial_number, "x"),
        fingerprint=hashlib.sha256(key.certificate.dump()).hexdigest(),
        not_after=certificate.not_valid_after_utc)
    session.add(credential)
    append_audit(session, actor=user.username, action="signing_key_registered",
                 subject_type="user", subject_id=user.id,
                 details={"subject": credential.subject, "fingerprint": credential.fingerprint})
    session.flush()
    return credential


def active_credential(session: Session, user_id: int) -> SigningCredential:
    """The user's key file in use; 404 when they have none."""
    credential = session.scalar(select(SigningCredential).where(
        SigningCredential.user_id == user_id, SigningCredential.active))
    if credential is None:
        raise NotFoundError("no signing key registered: upload a PKCS#12 first",
                            subject="signing key")
    return credential


def unlock_user_key(session: Session, runtime: Runtime, user: CurrentUser,
                    pin: str) -> SigningKey:
    """The user's key, decrypted in memory with ``pin`` (WrongPinError if it does not
    open), its certificate checked for validity and revocation."""
    credential = active_credential(session, user.id)
    with runtime.store.open(credential.object_key) as stream:
        data = stream.read()
    key = unlock_pkcs12(data, pin, source=f"signing key of {user.username}")
    check_certificate(key, trust_services(runtime.settings))
    return key


def current_pdf(session: Session, document: Document) -> DocumentFile:
    """The file a signature goes on: the newest signed version, else the searchable PDF
    of a scan, else the original if it is a PDF."""
    rows = session.scalars(select(DocumentFile).where(
        DocumentFile.document_id == document.id,
        DocumentFile.role.in_(SIGNABLE_ROLES),
        DocumentFile.media_type == "application/pdf")).all()
    if not rows:
        raise ConflictError("the document has no PDF to sign yet",
                            subject=f"document {document.id}")
    return max(rows, key=lambda row: (row.version, -SIGNABLE_ROLES.index(row.role)))


def request_signature(session: Session, actor: CurrentUser, document: Document,
                      signer_name: str, role: str, level: str) -> SigningRequest:
    """Put ``document`` in ``signer_name``'s queue for a signature in ``role``."""
    if role not in ("leader", "agency", "attachment", "copy"):
        raise SigningInputError("role must be leader, agency, attachment or copy",
                                subject="role")
    if level not in {item.value for item in Level}:
        raise SigningInputError("level must be B-B, B-T, B-LT or B-LTA", subject="level")
    signer = session.scalar(select(User).where(User.username == signer_name))
    if signer is None:
        raise NotFoundError("no such user", subject=f"signer {signer_name}")
    if document.unit_id not in unit_subtree_ids(session, signer.unit_id):
        raise SigningInputError(f"{signer_name} cannot see this document's unit",
                                subject="signer")
    if role == "leader" and signer.role not in (Role.leader, Role.admin):
        raise SigningInputError(f"{signer_name} is not a leader", subject="signer")
    current_pdf(session, document)
    request = SigningRequest(document_id=document.id, signer_id=signer.id,
                             requested_by_id=actor.id, role=role, level=level)
    session.add(request)
    session.flush()
    append_audit(session, actor=actor.username, action="signature_requested",
                 subject_type="document", subject_id=document.id,
                 details={"request": request.id, "signer": signer_name, "role": role,
                          "level": level})
    return request


@dataclass(frozen=True)
class SignedItem:
    """One request signed: the document's new version and the signature's field and time."""

    request_id: int
    document_id: int
    version: int
    field_name: str
    signing_time: datetime
    level: str


def own_pending(session: Session, user: CurrentUser, request_id: int) -> SigningRequest:
    """The user's pending request ``request_id``; 404 if not theirs, 409 if done."""
    request = session.get(SigningRequest, request_id)
    if request is None or request.signer_id != user.id:
        raise NotFoundError("no such signing request in your queue",
                            subject=f"request {request_id}")
    if request.status != "pending":
        raise ConflictError(f"the request is already {request.status}",
                            subject=f"request {request_id}")
    return request


def store_signed_version(session: Session, runtime: Runtime, document: Document,
                         signed: bytes, actor: str, details: dict[str, object]) -> int:
    """Store ``signed`` as the document's next version and audit it; the earlier versions
    (the unsigned draft among them) stay."""
    info = runtime.store.put(document_prefix(document), io.BytesIO(signed), suffix=".pdf",
                             content_type="application/pdf")
    document.current_version += 1
    session.add(DocumentFile(document_id=document.id, version=document.current_version,
                             role="signed", object_key=info.key, sha256=info.sha256,
                             size=info.size, media_type="application/pdf"))
    document.status = DocumentStatus.signed
    append_audit(session, actor=actor, action="document_signed", subject_type="document",
                 subject_id=document.id,
                 details={**details, "version": document.current_version,
                          "sha256": info.sha256})
    return document.current_version


def mark_signed(request: SigningRequest, version: int, field_name: str,
                signing_time: datetime) -> None:
    """Record on ``request`` that it was signed into ``version``."""
    request.status, request.signed_version = "signed", version
    request.field_name, request.signing_time = field_name, signing_time
    request.signed_at = datetime.now(UTC)


def sign_one(session: Session, runtime: Runtime, user: CurrentUser, key: SigningKey,
             request: SigningRequest, services: TrustServices) -> SignedItem:
    """Sign one pending request with an unlocked key and store the result."""
    document = session.get(Document, request.document_id)
    if document is None:
        raise NotFoundError("document no longer exists", subject=f"request {request.id}")
    source = current_pdf(session, document)
    with runtime.store.open(source.object_key) as stream:
        data = stream.read()
    image = appearance_image(runtime.settings, request.role)
    signed, outcome = sign_document(
        data, key, role=RoleOptions(role=request.role, image=image), level=Level(request.level),
        services=services, source=f"document {document.id} ({document.filename})")
    version = store_signed_version(
        session, runtime, document, signed, user.username,
        {"request": request.id, "role": request.role, "level": request.level,
         "field": outcome.field_name, "signer": key.subject_name,
         "signing_time": outcome.signing_time.isoformat()})
    mark_signed(request, version, outcome.field_name, outcome.signing_time)
    return SignedItem(request_id=request.id, document_id=document.id, version=version,
                      field_name=outcome.field_name, signing_time=outcome.signing_time,
                      level=request.level)


def appearance_image(settings: Settings, role: str) -> Path | None:
    """The configured signature image (leader) or seal (agency); None for text stamps."""
    if role not in ("leader", "agency"):
        return None
    name = "leader-signature.png" if role == "leader" else "agency-seal.png"
    configured = settings.signature_image if role == "leader" else settings.seal_image
    if configured is not None:
        return Path(configured)
    if settings.pki_dir is not None and (Path(settings.pki_dir) / name).is_file():
        return Path(settings.pki_dir) / name
    raise SigningInputError(f"no {name} configured (SOHOA_SIGNATURE_IMAGE / SOHOA_SEAL_IMAGE)",
                            subject="appearance")


def sign_batch(runtime: Runtime, user: CurrentUser, request_ids: list[int],
               pin: str) -> list[SignedItem]:
    """Sign every request in ``request_ids`` with one PIN entry. The key is unlocked once;
    each document is committed as soon as it is signed, so a failure part-way keeps the
    ones done (and names the one that failed)."""
    if user.role not in (Role.leader, Role.clerk, Role.admin):
        raise PermissionDeniedError("only leaders and the records office sign")
    services = trust_services(runtime.settings)
    with runtime.db.session() as session:
        for request_id in request_ids:
            own_pending(session, user, request_id)
        key = unlock_user_key(session, runtime, user, pin)
    done: list[SignedItem] = []
    for request_id in request_ids:
        with runtime.db.session() as session:
            request = own_pending(session, user, request_id)
            done.append(sign_one(session, runtime, user, key, request, services))
    return done
