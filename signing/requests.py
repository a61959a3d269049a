"""Signing in the service: signers' key files, drafts, the signer's queue of requests, batch
signing with one PIN entry, and signing with a key on the signer's own token (external).

A signer's PKCS#12 is accepted only when its certificate signs documents, chains to a
configured anchor and belongs to the signer (signing/key_policy.py); it is stored sealed
under the server's key (signing/keystore.py) and decrypted in memory once per batch, with
the PIN given for that batch only. Each signed result is a new
version of the document (the draft and earlier versions are kept), and every signing is
audited. Callers run these functions in a worker thread, never in an event loop.
"""

from __future__ import annotations

import hashlib
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.intake import store_original
from signing.document import RoleOptions, prepare_role_document, sign_document
from signing.errors import CertificateProblemError, SigningInputError, WrongPinError
from signing.external import PendingSignature, finish_external
from signing.key_policy import (
    check_key_owner,
    check_signing_certificate,
    signing_usage_problem,
)
from signing.keys import SigningKey, unlock_pkcs12
from signing.keystore import KeyFileSealer, key_file_context
from signing.pades import Level, TrustServices, check_certificate
from storage.accounts import CurrentUser
from storage.attempts import (
    AttemptLimits,
    audit_lockouts,
    clear,
    pin_key_file_key,
    pin_user_key,
    refund,
    reserve,
)
from storage.errors import (
    ConfigurationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from storage.jobs import SessionFactory
from storage.objects import ObjectStore
from storage.objects.keys import document_prefix, key_file_prefix, pending_signature_prefix
from storage.orphans import put_object
from storage.records import (
    AuditAction,
    Document,
    DocumentFile,
    DocumentStatus,
    Dossier,
    FileRole,
    SigningCredential,
    SigningRequest,
    SigningRequestStatus,
    SigningRole,
    User,
    UserRole,
    append_audit,
    unit_subtree_ids,
)
from storage.records.files import read_file, require_file

SIGNABLE_FILES = (FileRole.signed, FileRole.searchable_pdf, FileRole.original)
"""What a signature goes on, best first within a version."""
SIGNERS = (UserRole.leader, UserRole.clerk, UserRole.admin)
MAX_KEY_FILE = 1_000_000
BATCH_THREADS = 4
"""Documents of a batch signed at once: enough to keep a few time stamps in flight while
the signing itself, Python under one lock, runs on one core."""


@dataclass(frozen=True)
class SigningSetup:
    """What signing in the service uses besides the key: trust services, the sealer of
    stored key files (the server's key) and the images of the leader's signature and of
    the agency's seal (None: not configured)."""

    services: TrustServices
    key_files: KeyFileSealer | None = None
    signature_image: Path | None = None
    seal_image: Path | None = None

    def appearance_image(self, role: SigningRole) -> Path | None:
        """The signature image (leader) or seal (agency); None for the text stamps."""
        if role not in (SigningRole.leader, SigningRole.agency):
            return None
        image = self.signature_image if role == SigningRole.leader else self.seal_image
        if image is None:
            name = "leader-signature.png" if role == SigningRole.leader else "agency-seal.png"
            raise SigningInputError(f"no {name} configured (SOHOA_SIGNATURE_IMAGE / "
                                    "SOHOA_SEAL_IMAGE)", subject="appearance")
        return image


@dataclass(frozen=True)
class SignedItem:
    """One request signed: the document's new version and the signature's field and time."""

    request_id: int
    document_id: int
    version: int
    field_name: str
    signing_time: datetime
    level: str


def _sealer(setup: SigningSetup) -> KeyFileSealer:
    if setup.key_files is None:
        raise ConfigurationError("no server key for key files is configured",
                                 subject="SOHOA_SECRET_KEY")
    return setup.key_files


def register_credential(session: Session, store: ObjectStore, user: CurrentUser, data: bytes,
                        pin: str, filename: str, setup: SigningSetup) -> SigningCredential:
    """Keep ``user``'s PKCS#12, checked with ``pin`` first (it must open, match and be
    valid now), then by the key policy (a document-signing certificate chaining to a
    configured anchor, issued to the user or bound to them by an administrator, registered
    by nobody else). It is stored sealed under the server's key; an earlier key file of
    theirs stops being used."""
    if len(data) > MAX_KEY_FILE:
        raise SigningInputError("a key file is at most 1 MB", subject=filename)
    sealer = _sealer(setup)
    key = unlock_pkcs12(data, pin, source=filename)
    check_signing_certificate(key, setup.services, source=filename)
    fingerprint = check_key_owner(session, user.id, key, source=filename)
    certificate = x509.load_der_x509_certificate(key.certificate.dump())
    sealed = sealer.seal(data, key_file_context(user.id, fingerprint))
    info = put_object(session, store, key_file_prefix(user.id), io.BytesIO(sealed),
                      suffix=".sealed", content_type="application/octet-stream")
    for earlier in session.scalars(select(SigningCredential).where(
            SigningCredential.user_id == user.id, SigningCredential.active)):
        earlier.active = False
    credential = SigningCredential(
        user_id=user.id, object_key=info.key, subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(), serial=format(certificate.serial_number, "x"),
        fingerprint=fingerprint, not_after=certificate.not_valid_after_utc)
    session.add(credential)
    append_audit(session, actor=user.username, action=AuditAction.signing_key_registered,
                 subject_type="user", subject_id=user.id,
                 details={"subject": credential.subject, "fingerprint": credential.fingerprint})
    session.flush()
    return credential


def active_credential(session: Session, user_id: int) -> SigningCredential:
    """The user's key file in use; :class:`NotFoundError` when they have none."""
    credential = session.scalar(select(SigningCredential).where(
        SigningCredential.user_id == user_id, SigningCredential.active))
    if credential is None:
        raise NotFoundError("no signing key registered: upload a PKCS#12 first",
                            subject="signing key")
    return credential


def unlock_user_key(session: Session, store: ObjectStore, user: CurrentUser, pin: str,
                    setup: SigningSetup) -> SigningKey:
    """The user's key, unsealed with the server's key and decrypted in memory with ``pin``
    (WrongPinError if it does not open), its certificate checked to be the registered one,
    a document-signing certificate, and valid and not revoked now.

    Key files stored before sealing (plain PKCS#12, no sealed header) are still read."""
    credential = active_credential(session, user.id)
    source = f"signing key of {user.username}"
    with store.open(credential.object_key) as stream:
        blob = stream.read()
    data = _sealer(setup).open(blob, key_file_context(user.id, credential.fingerprint),
                               source=source)
    key = unlock_pkcs12(data, pin, source=source)
    if hashlib.sha256(key.certificate.dump()).hexdigest() != credential.fingerprint:
        raise CertificateProblemError("the stored key file is not the registered one",
                                      subject=source)
    problem = signing_usage_problem(key.certificate)
    if problem is not None:
        raise CertificateProblemError(f"not a document-signing certificate: {problem}",
                                      subject=source)
    check_certificate(key, setup.services)
    return key


def store_draft(session: Session, store: ObjectStore, *, dossier: Dossier | None,
                user: CurrentUser, filename: str, stream: BinaryIO,
                max_bytes: int | None) -> tuple[Document, bool]:
    """Keep a born-digital PDF (an outgoing result, an internal document) as version 1 of
    a draft, in ``dossier`` or the user's unit; returns it and whether it was there."""
    stored = store_original(session, store, dossier=dossier, filename=filename, stream=stream,
                            actor=user.username, user_id=user.id, unit_id=user.unit_id,
                            max_bytes=max_bytes)
    document = stored.document
    if document.media_type != "application/pdf":
        raise SigningInputError("a draft to sign must be a PDF", subject=document.filename)
    if not stored.duplicate:
        document.status = DocumentStatus.draft
    return document, stored.duplicate


def signable_file(session: Session, document: Document) -> DocumentFile:
    """The file a signature goes on: the newest signed version, else the searchable PDF
    of a scan, else the original if it is a PDF."""
    try:
        return require_file(session, document, SIGNABLE_FILES, media_type="application/pdf")
    except NotFoundError:
        raise ConflictError("the document has no PDF to sign yet",
                            subject=f"document {document.id}") from None


def request_signature(session: Session, actor: CurrentUser, document: Document,
                      signer_name: str, role: str, level: str) -> SigningRequest:
    """Put ``document`` in ``signer_name``'s queue for a signature in ``role``."""
    try:
        signing_role = SigningRole(role)
    except ValueError:
        raise SigningInputError("role must be leader, agency, attachment or copy",
                                subject="role") from None
    if level not in {item.value for item in Level}:
        raise SigningInputError("level must be B-B, B-T, B-LT or B-LTA", subject="level")
    signer = session.scalar(select(User).where(User.username == signer_name))
    # One answer for an unknown name and for a known user who may not sign this: the
    # request must not tell which usernames exist.
    if (signer is None or not signer.active
            or document.unit_id not in unit_subtree_ids(session, signer.unit_id)
            or (signing_role == SigningRole.leader
                and signer.role not in (UserRole.leader, UserRole.admin))):
        raise SigningInputError(f"no user named {signer_name!r} can sign this document "
                                f"as {signing_role.value}", subject="signer")
    signable_file(session, document)
    request = SigningRequest(document_id=document.id, signer_id=signer.id,
                             requested_by_id=actor.id, role=signing_role, level=level)
    session.add(request)
    session.flush()
    append_audit(session, actor=actor.username, action=AuditAction.signature_requested,
                 subject_type="document", subject_id=document.id,
                 details={"request": request.id, "signer": signer_name, "role": role,
                          "level": level})
    return request


def signer_queue(session: Session, user: CurrentUser,
                 status: str) -> list[tuple[SigningRequest, Document]]:
    """The user's signing requests in ``status``, oldest first, with their documents."""
    rows = session.execute(select(SigningRequest, Document).join(
        Document, Document.id == SigningRequest.document_id).where(
        SigningRequest.signer_id == user.id, SigningRequest.status == status)
        .order_by(SigningRequest.id)).all()
    return [(request, document) for request, document in rows]


def own_pending(session: Session, user: CurrentUser, request_id: int) -> SigningRequest:
    """The user's pending request ``request_id``; 404 if not theirs, 409 if done."""
    request = session.get(SigningRequest, request_id)
    if request is None or request.signer_id != user.id:
        raise NotFoundError("no such signing request in your queue",
                            subject=f"request {request_id}")
    if request.status != SigningRequestStatus.pending:
        raise ConflictError(f"the request is already {request.status}",
                            subject=f"request {request_id}")
    return request


def _document_of(session: Session, request: SigningRequest) -> Document:
    document = session.get(Document, request.document_id)
    if document is None:
        raise NotFoundError("document no longer exists", subject=f"request {request.id}")
    return document


def _store_signed(session: Session, store: ObjectStore, request: SigningRequest,
                  document: Document, signed: bytes, actor: str, field_name: str,
                  signing_time: datetime, details: dict[str, object]) -> SignedItem:
    """Store ``signed`` as the document's next version (earlier versions, the unsigned
    draft among them, stay), audit it and mark the request signed."""
    prefix = document_prefix(document.unit_id, document.dossier_id, document.id)
    info = put_object(session, store, prefix, io.BytesIO(signed), suffix=".pdf",
                      content_type="application/pdf")
    document.current_version += 1
    session.add(DocumentFile(document_id=document.id, version=document.current_version,
                             role=FileRole.signed, object_key=info.key, sha256=info.sha256,
                             size=info.size, media_type="application/pdf"))
    document.status = DocumentStatus.signed
    append_audit(session, actor=actor, action=AuditAction.document_signed,
                 subject_type="document", subject_id=document.id,
                 details={"request": request.id, "role": str(request.role),
                          "level": request.level, "field": field_name,
                          "signing_time": signing_time.isoformat(), **details,
                          "version": document.current_version, "sha256": info.sha256})
    request.status, request.signed_version = SigningRequestStatus.signed, document.current_version
    request.field_name, request.signing_time = field_name, signing_time
    request.signed_at = datetime.now(UTC)
    return SignedItem(request_id=request.id, document_id=document.id,
                      version=document.current_version, field_name=field_name,
                      signing_time=signing_time, level=request.level)


def sign_one(session: Session, store: ObjectStore, user: CurrentUser, key: SigningKey,
             request: SigningRequest, setup: SigningSetup) -> SignedItem:
    """Sign one pending request with an unlocked key and store the result."""
    document = _document_of(session, request)
    data = read_file(store, signable_file(session, document))
    role = SigningRole(request.role)
    signed, outcome = sign_document(
        data, key, role=RoleOptions(role=role, image=setup.appearance_image(role)),
        level=Level(request.level), services=setup.services,
        source=f"document {document.id} ({document.filename})")
    return _store_signed(session, store, request, document, signed, user.username,
                         outcome.field_name, outcome.signing_time,
                         {"signer": key.subject_name})


def sign_batch(sessions: SessionFactory, store: ObjectStore, user: CurrentUser,
               request_ids: list[int], pin: str, setup: SigningSetup, *,
               pin_limits: AttemptLimits | None = None,
               threads: int | None = None) -> list[SignedItem]:
    """Sign every request in ``request_ids`` with one PIN entry. The key is unlocked once;
    each document is committed as soon as it is signed, so a failure part-way keeps the
    ones done (and names the one that failed; no request is started after it).

    Documents are signed side by side in ``threads`` threads (default
    :data:`BATCH_THREADS`; 1: one after another), so that their time stamps are fetched
    concurrently; one document's requests are signed in order, and the results are
    stored one at a time, in a session each.

    A batch naming a request twice is refused before anything is done. PIN guesses are
    limited per user and per key file (``pin_limits``): the attempt is counted before the
    key is opened, a wrong PIN is audited (``pin_failed``) and, past the limit, signing is
    locked for a while (``locked_out``; then :class:`TooManyAttemptsError` without trying
    the PIN); the right PIN clears both counts."""
    if user.role not in SIGNERS:
        raise PermissionDeniedError("only leaders and the records office sign")
    seen: set[int] = set()
    for request_id in request_ids:
        if request_id in seen:
            raise SigningInputError("this request is listed more than once in the batch",
                                    subject=f"request {request_id}")
        seen.add(request_id)
    limits = pin_limits or AttemptLimits()
    with sessions() as session:
        for request_id in request_ids:
            own_pending(session, user, request_id)
        fingerprint = active_credential(session, user.id).fingerprint
    guarded = {pin_user_key(user.id): limits, pin_key_file_key(fingerprint): limits}
    with sessions() as session:
        attempts = reserve(session, guarded, subject="signing PIN")
    try:
        with sessions() as session:
            key = unlock_user_key(session, store, user, pin, setup)
            clear(session, guarded)
    except WrongPinError:
        with sessions() as session:
            append_audit(session, actor=user.username, action=AuditAction.pin_failed,
                         subject_type="user", subject_id=user.id,
                         details={"fingerprint": fingerprint, "requests": request_ids[:20],
                                  "failures": {item.key: item.failures for item in attempts}})
            audit_lockouts(session, attempts)
        raise
    except BaseException:
        with sessions() as session:
            refund(session, attempts)
        raise
    return _sign_all(sessions, store, user, key, request_ids, setup,
                     threads=BATCH_THREADS if threads is None else threads)


@dataclass(frozen=True)
class _ToSign:
    """What one request's signature is made from, read in a short session."""

    request_id: int
    document_id: int
    version: int
    data: bytes
    role: SigningRole
    level: Level
    source: str


def _read_request(sessions: SessionFactory, store: ObjectStore, user: CurrentUser,
                  request_id: int) -> _ToSign:
    with sessions() as session:
        request = own_pending(session, user, request_id)
        document = _document_of(session, request)
        data = read_file(store, signable_file(session, document))
        return _ToSign(request_id=request.id, document_id=document.id,
                       version=document.current_version, data=data,
                       role=SigningRole(request.role), level=Level(request.level),
                       source=f"document {document.id} ({document.filename})")


def _sign_and_store(sessions: SessionFactory, store: ObjectStore, user: CurrentUser,
                    key: SigningKey, request_id: int, setup: SigningSetup,
                    writes: threading.Lock) -> SignedItem:
    """Read (one session), sign (no session open: the time stamp's round trip holds no
    database connection), then store and commit (another session, one writer at a time)."""
    item = _read_request(sessions, store, user, request_id)
    signed, outcome = sign_document(
        item.data, key, role=RoleOptions(role=item.role, image=setup.appearance_image(item.role)),
        level=item.level, services=setup.services, source=item.source)
    with writes, sessions() as session:
        request = own_pending(session, user, request_id)
        document = _document_of(session, request)
        if document.current_version != item.version:
            raise ConflictError("the document got a new version while it was being signed; "
                                "sign it again", subject=item.source)
        return _store_signed(session, store, request, document, signed, user.username,
                             outcome.field_name, outcome.signing_time,
                             {"signer": key.subject_name})


def _document_groups(sessions: SessionFactory, user: CurrentUser,
                     request_ids: list[int]) -> list[list[int]]:
    """The requests by document, in the batch's order: one document's signatures are made
    one after another (each goes on the version the one before made, and an agency's seal
    is placed over the leader's signature)."""
    groups: dict[int, list[int]] = {}
    with sessions() as session:
        for request_id in request_ids:
            document_id = own_pending(session, user, request_id).document_id
            groups.setdefault(document_id, []).append(request_id)
    return list(groups.values())


def _sign_all(sessions: SessionFactory, store: ObjectStore, user: CurrentUser,
              key: SigningKey, request_ids: list[int], setup: SigningSetup, *,
              threads: int) -> list[SignedItem]:
    """Sign the requests, documents side by side in ``threads`` threads (each signature's
    time stamp is its own round trip; several are in flight at once), writes one at a time.

    Each document is committed as soon as it is signed. After a failure no further request
    is started; the ones under way finish and are kept, and the first failure in the
    batch's order is raised (naming its document)."""
    writes = threading.Lock()
    stop = threading.Event()
    done: dict[int, SignedItem] = {}
    failed: dict[int, BaseException] = {}

    def run(group: list[int]) -> None:
        for request_id in group:
            if stop.is_set():
                return
            try:
                done[request_id] = _sign_and_store(sessions, store, user, key, request_id,
                                                   setup, writes)
            except BaseException as error:
                failed[request_id] = error
                stop.set()
                return

    groups = _document_groups(sessions, user, request_ids)
    if threads <= 1 or len(groups) <= 1:
        for group in groups:
            run(group)
    else:
        with ThreadPoolExecutor(max_workers=min(threads, len(groups)),
                                thread_name_prefix="sohoa-sign") as pool:
            for future in [pool.submit(run, group) for group in groups]:
                future.result()
    for request_id in request_ids:
        if request_id in failed:
            raise failed[request_id]
    return [done[request_id] for request_id in request_ids]


def start_external(session: Session, store: ObjectStore, user: CurrentUser, request_id: int,
                   certificate: bytes, chain: tuple[bytes, ...],
                   setup: SigningSetup) -> bytes:
    """Lay the signature out in the document for a key on the signer's own token; keeps
    the state and returns the bytes the token must sign."""
    request = own_pending(session, user, request_id)
    document = _document_of(session, request)
    if not user.can_see_unit(document.unit_id):
        raise NotFoundError("no such document", subject=f"document {document.id}")
    role = SigningRole(request.role)
    pending = prepare_role_document(
        read_file(store, signable_file(session, document)), certificate, chain, role=role,
        level=request.level, source=f"document {document.id}",
        image=setup.appearance_image(role))
    info = put_object(session, store, pending_signature_prefix(request.id),
                      io.BytesIO(pending.to_json().encode()), suffix=".json",
                      content_type="application/json")
    request.pending_key = info.key
    return pending.data_to_sign


def finish_external_signing(session: Session, store: ObjectStore, user: CurrentUser,
                            request_id: int, signature_value: bytes,
                            setup: SigningSetup) -> SignedItem:
    """Check the token's signature value against the certificate, complete the PDF and
    store it as the document's next version."""
    request = own_pending(session, user, request_id)
    if request.pending_key is None:
        raise ConflictError("start external signing first", subject=f"request {request_id}")
    with store.open(request.pending_key) as stream:
        pending = PendingSignature.from_json(stream.read().decode())
    document = _document_of(session, request)
    signed = finish_external(pending, signature_value, setup.services,
                             source=f"document {document.id}")
    return _store_signed(session, store, request, document, signed, user.username,
                         pending.field_name, datetime.fromisoformat(pending.signing_time),
                         {"external": True})
