"""Signing: drafts, signers' keys, the leader's queue, batch and external signing.

Every handler here is a plain ``def``: FastAPI runs it in its thread pool, so signing never
blocks the event loop.
"""

from __future__ import annotations

import base64
import binascii
import io
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy import select

from api.accounts import CurrentUser
from api.deps import RuntimeDep, SessionDep, UserDep, require_roles
from api.routes.documents import visible_document
from api.routes.dossiers import DocumentOut, document_out, visible_dossier
from api.signing_service import (
    SignedItem,
    active_credential,
    appearance_image,
    current_pdf,
    mark_signed,
    own_pending,
    register_credential,
    request_signature,
    sign_batch,
    store_signed_version,
)
from api.trust import trust_services
from ingest.intake import store_original
from signing.errors import SigningInputError
from storage.errors import ConflictError
from storage.records import Document, DocumentStatus
from storage.records.models import Role, SigningCredential, SigningRequest

router = APIRouter(tags=["signing"])
Signer = Annotated[CurrentUser, Depends(require_roles(Role.leader, Role.clerk))]
Drafter = Annotated[CurrentUser, Depends(require_roles(Role.leader, Role.clerk, Role.intake))]
_MAX_KEY_FILE = 1_000_000


class CredentialOut(BaseModel):
    """The certificate of the key file a user signs with (never the key)."""

    subject: str
    issuer: str
    serial: str
    fingerprint: str
    not_after: datetime


class RequestIn(BaseModel):
    """Ask a user to sign a document."""

    signer: str = Field(description="username of the signer")
    role: str = Field(default="leader", description="leader, agency, attachment or copy")
    level: str = Field(default="B-T", description="B-B, B-T, B-LT or B-LTA")


class RequestOut(BaseModel):
    """A signing request and where it stands."""

    id: int
    document_id: int
    filename: str
    doc_type: str | None
    role: str
    level: str
    status: str
    signed_version: int | None
    signing_time: datetime | None
    created_at: datetime


class SignIn(BaseModel):
    """Sign these requests with one PIN entry."""

    request_ids: list[int] = Field(min_length=1, max_length=1000)
    pin: str = Field(min_length=1, max_length=256)


class SignedOut(BaseModel):
    """One signature made."""

    request_id: int
    document_id: int
    version: int
    field_name: str
    signing_time: datetime
    level: str


class ExternalIn(BaseModel):
    """The certificate (and chain) of a key on the signer's own token, base64 DER."""

    certificate: str
    chain: list[str] = []


class ExternalOut(BaseModel):
    """What the token must sign: SHA-256 over ``data_to_sign``, RSA PKCS#1 v1.5 or ECDSA."""

    request_id: int
    data_to_sign: str
    digest_algorithm: str = "sha256"


class ExternalFinishIn(BaseModel):
    """The token's signature value, base64."""

    signature_value: str


def _request_out(request: SigningRequest, document: Document) -> RequestOut:
    return RequestOut(id=request.id, document_id=document.id, filename=document.filename,
                      doc_type=document.doc_type, role=request.role, level=request.level,
                      status=request.status, signed_version=request.signed_version,
                      signing_time=request.signing_time, created_at=request.created_at)


def _signed_out(item: SignedItem) -> SignedOut:
    return SignedOut(request_id=item.request_id, document_id=item.document_id,
                     version=item.version, field_name=item.field_name,
                     signing_time=item.signing_time, level=item.level)


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise SigningInputError("not valid base64", subject=what) from error


@router.post("/me/signing-key", response_model=CredentialOut, status_code=201,
             summary="Register the PKCS#12 key file you sign with")
def upload_key(file: UploadFile, pin: Annotated[str, Form()], user: Signer,
               session: SessionDep, runtime: RuntimeDep) -> CredentialOut:
    """The file is checked with the PIN (it must open, match its certificate and be valid)
    and kept encrypted as it is; the PIN is not stored."""
    data = file.file.read(_MAX_KEY_FILE + 1)
    if len(data) > _MAX_KEY_FILE:
        raise SigningInputError("a key file is at most 1 MB", subject=file.filename or "key")
    credential = register_credential(session, runtime, user, data, pin,
                                     file.filename or "key.p12")
    return _credential_out(credential)


def _credential_out(credential: SigningCredential) -> CredentialOut:
    return CredentialOut(subject=credential.subject, issuer=credential.issuer,
                         serial=credential.serial, fingerprint=credential.fingerprint,
                         not_after=credential.not_after)


@router.get("/me/signing-key", response_model=CredentialOut, summary="Your signing certificate")
def my_key(user: UserDep, session: SessionDep) -> CredentialOut:
    """The certificate of your registered key file."""
    return _credential_out(active_credential(session, user.id))


@router.post("/drafts", response_model=DocumentOut, status_code=201,
             summary="Upload a draft PDF to be signed")
def upload_draft(file: UploadFile, user: Drafter, session: SessionDep, runtime: RuntimeDep,
                 dossier_id: Annotated[int | None, Form()] = None) -> DocumentOut:
    """A born-digital document (an outgoing result, an internal document) kept as version 1,
    in a dossier or in the user's unit."""
    dossier = visible_dossier(session, user, dossier_id) if dossier_id is not None else None
    stored = store_original(session, runtime.store, dossier=dossier,
                            filename=file.filename or "draft.pdf", stream=file.file,
                            actor=user.username, user_id=user.id, unit_id=user.unit_id,
                            max_bytes=runtime.settings.max_upload_mb * 1_000_000)
    document = stored.document
    if document.media_type != "application/pdf":
        raise SigningInputError("a draft to sign must be a PDF", subject=document.filename)
    if not stored.duplicate:
        document.status = DocumentStatus.draft
    return document_out(document, stored.duplicate)


@router.post("/documents/{document_id}/signing-requests", response_model=RequestOut,
             status_code=201, summary="Put a document in a signer's queue")
def ask_signature(document_id: int, body: RequestIn, user: Drafter, session: SessionDep
                  ) -> RequestOut:
    """The signer sees it in ``GET /signing/queue``."""
    document = visible_document(session, user, document_id)
    request = request_signature(session, user, document, body.signer, body.role, body.level)
    return _request_out(request, document)


@router.get("/signing/queue", response_model=list[RequestOut],
            summary="Documents awaiting your signature")
def queue(user: UserDep, session: SessionDep, status: str = "pending") -> list[RequestOut]:
    """Your signing requests (pending by default; ``status=signed`` for the done ones)."""
    rows = session.execute(select(SigningRequest, Document).join(
        Document, Document.id == SigningRequest.document_id).where(
        SigningRequest.signer_id == user.id, SigningRequest.status == status)
        .order_by(SigningRequest.id)).all()
    return [_request_out(request, document) for request, document in rows]


@router.post("/signing/sign", response_model=list[SignedOut],
             summary="Sign one or many queued documents with one PIN entry")
def sign(body: SignIn, user: Signer, runtime: RuntimeDep) -> list[SignedOut]:
    """Each document gets a new version with the signature; the drafts are kept."""
    return [_signed_out(item) for item in sign_batch(runtime, user, body.request_ids,
                                                     body.pin)]


@router.post("/signing/requests/{request_id}/external", response_model=ExternalOut,
             summary="Start signing with a token on your own computer")
def external_start(request_id: int, body: ExternalIn, user: Signer, session: SessionDep,
                   runtime: RuntimeDep) -> ExternalOut:
    """Lays the signature out in the PDF and returns the bytes your token must sign."""
    from signing.document import prepare_role_document

    request = own_pending(session, user, request_id)
    document = visible_document(session, user, request.document_id)
    with runtime.store.open(current_pdf(session, document).object_key) as stream:
        data = stream.read()
    pending = prepare_role_document(
        data, _b64(body.certificate, "certificate"),
        tuple(_b64(item, "chain") for item in body.chain), role=request.role,
        level=request.level, source=f"document {document.id}",
        image=appearance_image(runtime.settings, request.role))
    info = runtime.store.put(f"signing/pending/{request.id}",
                             io.BytesIO(pending.to_json().encode()), suffix=".json",
                             content_type="application/json")
    request.pending_key = info.key
    return ExternalOut(request_id=request.id,
                       data_to_sign=base64.b64encode(pending.data_to_sign).decode())


@router.post("/signing/requests/{request_id}/external/finish", response_model=SignedOut,
             summary="Finish signing with the token's signature value")
def external_finish(request_id: int, body: ExternalFinishIn, user: Signer,
                    session: SessionDep, runtime: RuntimeDep) -> SignedOut:
    """Checks the value against the certificate, completes the PDF, stores the version."""
    from signing.external import PendingSignature, finish_external

    request = own_pending(session, user, request_id)
    if request.pending_key is None:
        raise ConflictError("start external signing first", subject=f"request {request_id}")
    with runtime.store.open(request.pending_key) as stream:
        pending = PendingSignature.from_json(stream.read().decode())
    document = visible_document(session, user, request.document_id)
    signed = finish_external(pending, _b64(body.signature_value, "signature_value"),
                             trust_services(runtime.settings), source=f"document {document.id}")
    signing_time = datetime.fromisoformat(pending.signing_time)
    version = store_signed_version(session, runtime, document, signed, user.username,
                                   {"request": request.id, "role": request.role,
                                    "level": request.level, "field": pending.field_name,
                                    "external": True,
                                    "signing_time": pending.signing_time})
    mark_signed(request, version, pending.field_name, signing_time)
    return SignedOut(request_id=request.id, document_id=document.id, version=version,
                     field_name=pending.field_name, signing_time=signing_time,
                     level=request.level)
