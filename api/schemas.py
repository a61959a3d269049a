"""The JSON API's request and response bodies, and the views that build them from records.

Every route module takes its models from here, so no route module imports another.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from signing.requests import SignedItem
from storage.records import (
    CertificateBinding,
    ClassifierModel,
    Document,
    Dossier,
    DossierStatus,
    Job,
    SigningCredential,
    SigningRequest,
    Unit,
    User,
    UserRole,
)

MAX_ID = 2**31 - 1
"""The largest id the records database holds: its keys are ``Integer`` columns, 32-bit on
PostgreSQL (SQLite's are 64-bit), so a larger id can name no record on any backend."""

BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A record id in a request body: 1..MAX_ID, else 422 (never an overflow in the driver)."""

# --- accounts ------------------------------------------------------------------------


class TokenOut(BaseModel):
    """A bearer token for the ``Authorization`` header."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_at: datetime


class MeOut(BaseModel):
    """The logged-in user."""

    id: int
    username: str
    role: str
    unit_id: int
    unit_code: str
    visible_unit_ids: list[int]


class UnitIn(BaseModel):
    """A new unit below one the administrator manages."""

    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=255)
    parent_code: str


class UnitOut(BaseModel):
    """A unit."""

    id: int
    code: str
    name: str
    parent_id: int | None

    @classmethod
    def of(cls, unit: Unit) -> UnitOut:
        """The API view of a unit."""
        return cls(id=unit.id, code=unit.code, name=unit.name, parent_id=unit.parent_id)


class UserIn(BaseModel):
    """A new user."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=8, max_length=256)
    role: UserRole
    unit_code: str
    full_name: str = ""


class UserOut(BaseModel):
    """A user (never the password hash)."""

    id: int
    username: str
    full_name: str
    role: str
    unit_id: int

    @classmethod
    def of(cls, user: User) -> UserOut:
        """The API view of a user."""
        return cls(id=user.id, username=user.username, full_name=user.full_name,
                   role=UserRole(user.role).value, unit_id=user.unit_id)


# --- dossiers and documents -----------------------------------------------------------


class DossierIn(BaseModel):
    """A dossier received at the counter."""

    procedure_code: str = Field(min_length=1, max_length=64)
    procedure_name: str = Field(default="", max_length=512)
    applicant_name: str = Field(min_length=1, max_length=255)
    applicant_id_number: str = Field(default="", max_length=20,
                                     description="Personal number (CCCD), 12 digits")
    processing_days: int = Field(ge=0, le=365, strict=True)  # `true` is not a number of days
    unit_code: str | None = Field(default=None, description="Default: the user's own unit")


class DossierOut(BaseModel):
    """A dossier."""

    id: int
    unit_id: int
    procedure_code: str
    procedure_name: str
    applicant_name: str
    applicant_id_number: str
    processing_days: int
    received_at: datetime
    due_date: date
    status: DossierStatus
    overdue: bool

    @classmethod
    def of(cls, dossier: Dossier) -> DossierOut:
        """The API view of a dossier; overdue is derived from the due date."""
        open_states = {DossierStatus.result_signed, DossierStatus.returned}
        overdue = dossier.status not in open_states and dossier.due_date < date.today()
        return cls(id=dossier.id, unit_id=dossier.unit_id, procedure_code=dossier.procedure_code,
                   procedure_name=dossier.procedure_name, applicant_name=dossier.applicant_name,
                   applicant_id_number=dossier.applicant_id_number,
                   processing_days=dossier.processing_days, received_at=dossier.received_at,
                   due_date=dossier.due_date, status=DossierStatus(dossier.status),
                   overdue=overdue)


class StatusIn(BaseModel):
    """A move of a dossier to its next status."""

    status: DossierStatus
    note: str = Field(default="", max_length=500)


class DocumentOut(BaseModel):
    """A document and its state."""

    id: int
    dossier_id: int | None
    unit_id: int
    filename: str
    media_type: str
    status: str
    doc_type: str | None
    fields: dict[str, Any]
    page_count: int | None
    current_version: int
    files: list[dict[str, Any]]
    duplicate: bool = False
    failure_reason: str | None = None  # why its digitisation failed (status "failed")

    @classmethod
    def of(cls, document: Document, duplicate: bool = False, *,
           failure_reason: str | None = None) -> DocumentOut:
        """The API view of a document with its stored files (and, given, why its
        digitisation failed)."""
        files = [{"version": f.version, "role": str(f.role), "sha256": f.sha256,
                  "size": f.size, "media_type": f.media_type} for f in document.files]
        return cls(id=document.id, dossier_id=document.dossier_id, unit_id=document.unit_id,
                   filename=document.filename, media_type=document.media_type,
                   status=str(document.status), doc_type=document.doc_type,
                   fields=dict(document.fields or {}), page_count=document.page_count,
                   current_version=document.current_version, files=files,
                   duplicate=duplicate, failure_reason=failure_reason)


class AssignIn(BaseModel):
    """The dossier a tray document belongs to."""

    dossier_id: BodyId


class JobOut(BaseModel):
    """A background job's state and progress."""

    id: str
    kind: str
    status: str
    progress_done: int
    progress_total: int
    attempts: int
    error: str | None
    result: dict[str, Any] | None
    enqueued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, job: Job) -> JobOut:
        """The API view of a job row."""
        return cls(id=job.id, kind=str(job.kind), status=str(job.status),
                   progress_done=job.progress_done, progress_total=job.progress_total,
                   attempts=job.attempts, error=job.error, result=job.result,
                   enqueued_at=job.enqueued_at, started_at=job.started_at,
                   finished_at=job.finished_at)


class HitOut(BaseModel):
    """One document found, best first."""

    document_id: int
    dossier_id: int | None
    doc_type: str | None
    filename: str
    score: float
    snippet: str  # HTML: matches in <mark>, the rest escaped


# --- classification -------------------------------------------------------------------


class ClassificationOut(BaseModel):
    """What the classifier said about a document, or what staff confirmed."""

    document_id: int
    doc_type: str | None
    confidence: float | None
    fields: dict[str, Any]
    field_confidence: dict[str, float] = {}
    needs_review: bool
    reasons: list[str] = []
    model_version: int | None = None
    reviewed: bool = False
    review: list[dict[str, Any]] = Field(default_factory=list, description=(
        "fields left empty for a person: field, reason ('handwritten'), page (0-based) "
        "and box [x0, y0, x1, y1] in points of the searchable PDF, printed"))
    e_signature: dict[str, Any] | None = Field(None, description=(
        "the issuer's e-signature stamp read on a scanned electronic copy: signer, agency, "
        "time"))
    arrival: dict[str, Any] | None = Field(None, description=(
        "the receiving office's arrival stamp (\"CÔNG VĂN ĐẾN\"): số đến and ngày đến where "
        "legible, with its page and box; what POST /registers/incoming proposes"))

    @classmethod
    def of(cls, document: Document) -> ClassificationOut:
        """The API view of a document's classification."""
        details = document.classification or {}
        return cls(document_id=document.id, doc_type=document.doc_type,
                   confidence=document.confidence, fields=dict(document.fields or {}),
                   field_confidence=details.get("field_confidence", {}),
                   needs_review=document.needs_review, reasons=details.get("reasons", []),
                   model_version=details.get("model_version"),
                   reviewed=bool(details.get("reviewed_by")),
                   review=[entry for entry in details.get("review") or []
                           if isinstance(entry, dict)],
                   e_signature=_mapping_or_none(details.get("e_signature")),
                   arrival=_mapping_or_none(details.get("arrival")))


def _mapping_or_none(value: object) -> dict[str, Any] | None:
    """A stored JSON object, or None for anything else (classifications stored before the
    key existed)."""
    return dict(value) if isinstance(value, dict) else None


class ClassificationIn(BaseModel):
    """A person's confirmation or correction of type and fields."""

    doc_type: str = Field(description="one of domain.md's doc_type codes")
    fields: dict[str, str] = Field(default_factory=dict)


class ClassifierOut(BaseModel):
    """One trained model version."""

    version: int
    examples: int
    size: int
    sha256: str
    created_at: datetime

    @classmethod
    def of(cls, row: ClassifierModel) -> ClassifierOut:
        """The API view of a model version."""
        return cls(version=row.version, examples=row.examples, size=row.size,
                   sha256=row.sha256, created_at=row.created_at)


# --- signing --------------------------------------------------------------------------


class CredentialOut(BaseModel):
    """The certificate of the key file a user signs with (never the key)."""

    subject: str
    issuer: str
    serial: str
    fingerprint: str
    not_after: datetime

    @classmethod
    def of(cls, credential: SigningCredential) -> CredentialOut:
        """The API view of a registered key file."""
        return cls(subject=credential.subject, issuer=credential.issuer,
                   serial=credential.serial, fingerprint=credential.fingerprint,
                   not_after=credential.not_after)


class CertificateBindingIn(BaseModel):
    """A signing certificate an administrator binds to a user: the certificate (PEM, or
    DER in base64) or its SHA-256 fingerprint (64 hex digits), one of the two."""

    certificate: str | None = Field(default=None, max_length=100_000)
    fingerprint: str | None = Field(default=None, max_length=128)


class CertificateBindingOut(BaseModel):
    """A certificate bound to a user."""

    id: int
    user_id: int
    fingerprint: str
    created_at: datetime

    @classmethod
    def of(cls, binding: CertificateBinding) -> CertificateBindingOut:
        """The API view of a binding."""
        return cls(id=binding.id, user_id=binding.user_id, fingerprint=binding.fingerprint,
                   created_at=binding.created_at)


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

    @classmethod
    def of(cls, request: SigningRequest, document: Document) -> RequestOut:
        """The API view of a signing request."""
        return cls(id=request.id, document_id=document.id, filename=document.filename,
                   doc_type=document.doc_type, role=str(request.role), level=request.level,
                   status=str(request.status), signed_version=request.signed_version,
                   signing_time=request.signing_time, created_at=request.created_at)


class SignIn(BaseModel):
    """Sign these requests with one PIN entry."""

    request_ids: list[BodyId] = Field(min_length=1, max_length=1000)
    pin: str = Field(min_length=1, max_length=256)


class SignedOut(BaseModel):
    """One signature made."""

    request_id: int
    document_id: int
    version: int
    field_name: str
    signing_time: datetime
    level: str

    @classmethod
    def of(cls, item: SignedItem) -> SignedOut:
        """The API view of a signature made."""
        return cls(request_id=item.request_id, document_id=item.document_id,
                   version=item.version, field_name=item.field_name,
                   signing_time=item.signing_time, level=item.level)


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
